"""The SQLite search index stores text without combining marks, so words written with vowel signs are found.

Arabic vowel signs and Hebrew points ended a word in the index while a query drops them, so such words were not
found. Entries whose text is not plain ASCII are written again without those marks; PostgreSQL's index was already
built from folded words and needs nothing. The text preparation is copied below as it was when this revision was
written, so later changes to the program's search code cannot change what this revision does.

Revision ID: 0006
Revises: 0005
"""

import functools
import re
import unicodedata
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A zero-width space: a separator for the tokenizers, invisible, and removed again for display.
_CJK_SEPARATOR = "\u200b"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    last_rowid = 0
    while True:
        rows = connection.execute(
            text("SELECT rowid, title, body FROM search_text WHERE rowid > :last ORDER BY rowid LIMIT :batch"),
            {"last": last_rowid, "batch": BATCH},
        ).all()
        if not rows:
            return
        changed = []
        for rowid, title, body in rows:
            if title.isascii() and body.isascii():
                continue
            # The stored text is already spaced around CJK characters: unspace it so it is not spaced twice.
            new_title, new_body = _index_text(_unspace_cjk(title)), _index_text(_unspace_cjk(body))
            if (new_title, new_body) != (title, body):
                changed.append({"rowid": rowid, "title": new_title, "body": new_body})
        if changed:
            connection.execute(
                text("UPDATE search_text SET title = :title, body = :body WHERE rowid = :rowid"), changed
            )
        last_rowid = rows[-1][0]


def downgrade() -> None:
    """The marks dropped from the index are not needed to find anything; the entries stay as they are."""


def _space_cjk(value: str) -> str:
    """Puts an invisible separator around each CJK character so that each is a token of its own."""
    if value.isascii():
        return value
    return _CJK_RUN.sub(_space_run, value)


def _space_run(match: re.Match[str]) -> str:
    return _CJK_SEPARATOR + (_CJK_SEPARATOR * 2).join(match.group()) + _CJK_SEPARATOR


def _unspace_cjk(value: str) -> str:
    return value.replace(_CJK_SEPARATOR, "")


@functools.cache
def _combining_marks() -> re.Pattern[str]:
    """A class of every combining mark (the characters folding drops), built once on first use (~40 ms)."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x20000):  # no combining mark lies outside this span
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]")


def _index_text(value: str) -> str:
    """The text as the SQLite index stores it: CJK spaced, and the combining marks that folding drops dropped too.

    The tokenizer ends a word at a combining mark that has no precomposed form (an Arabic vowel sign, Hebrew
    points), while a query is folded without them: 'حَبيبي' must be stored as 'حبيبي' to be found by it.
    Precomposed letters ('ü') are kept for the snippets; the tokenizer removes their diacritics itself.
    """
    if value.isascii():
        return value
    composed = unicodedata.normalize("NFC", value)
    return _space_cjk(_combining_marks().sub("", composed))
