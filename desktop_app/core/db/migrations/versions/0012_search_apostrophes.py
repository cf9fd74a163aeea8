"""The search index keeps a word with an apostrophe inside it whole, so Xi'an is found by xian.

The index split a word at every apostrophe: 'Xi'an' was the two words xi and an, and a search for xian found
nothing. Only the entries holding an apostrophe are written again; nothing else in the index changes, so the
upgrade costs one pass over the index and no rebuild. SQLite stores each such apostrophe as a combining mark its
tokenizer drops inside a word (the program shows the apostrophe again); PostgreSQL's words are computed again from
the text it keeps. The text preparation is copied below as it was when this revision was written, so later
changes to the program's search code cannot change what this revision does.

Revision ID: 0012
Revises: 0011
"""

import re
import unicodedata
from collections.abc import Callable, Sequence

from alembic import op
from sqlalchemy import Connection, text

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

_APOSTROPHES = "'\u2019\u02bc\u2018"
# A word, an apostrophe, and the letters after it; ``_joins`` says whether the apostrophe is inside one word.
_APOSTROPHE_IN_WORD = re.compile("([^\\W_]+)(['\u2019\u02bc\u2018])(?=([^\\W_]+))")


# English endings ('s, 't, 'll...) and French or Italian elisions (l', qu', dell'...) stand apart as before.
_ENDINGS = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})


_ELISIONS = frozenset({"qu", "un", "all", "dall", "dell", "nell", "sull", "quell", "bell", "sant"})


def _joins(before: str, after: str) -> bool:
    """True when the apostrophe between these letters is inside one word (Xi'an, Chang'an, Hawai'i)."""
    return len(before) > 1 and before.lower() not in _ELISIONS and after.lower() not in _ENDINGS


_MARK_OF_APOSTROPHE = {"'": "\u032e", "\u2019": "\u0326", "\u02bc": "\u031b", "\u2018": "\u0330"}
_APOSTROPHE_OF_MARK = str.maketrans({mark: apostrophe for apostrophe, mark in _MARK_OF_APOSTROPHE.items()})


def _join_apostrophes(value: str, replace: Callable[[str], str]) -> str:
    """The text with each apostrophe inside a word replaced by ``replace(apostrophe)``."""
    if not any(apostrophe in value for apostrophe in _MARK_OF_APOSTROPHE):
        return value

    def one(found: re.Match[str]) -> str:
        before, apostrophe, after = found.groups()
        return before + (replace(apostrophe) if _joins(before, after) else apostrophe)

    return _APOSTROPHE_IN_WORD.sub(one, value)


_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A zero-width space: a separator for the tokenizers, invisible, and removed again for display.
_CJK_SEPARATOR = "\u200b"
_TOKEN = re.compile(r"[^\W_]+")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _rewrite_sqlite(connection, _marked)
    else:
        _recompute_postgresql(connection)


def downgrade() -> None:
    """SQLite's stored marks become apostrophes again; PostgreSQL's words need nothing to be read by older code."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _rewrite_sqlite(connection, lambda stored: stored.translate(_APOSTROPHE_OF_MARK))


def _holds_apostrophe(value: str) -> bool:
    return any(apostrophe in value for apostrophe in _APOSTROPHES)


def _rewrite_sqlite(connection: Connection, rewrite: Callable[[str], str]) -> None:
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
            new_title, new_body = rewrite(title), rewrite(body)
            if (new_title, new_body) != (title, body):
                changed.append({"rowid": rowid, "title": new_title, "body": new_body})
        if changed:
            connection.execute(
                text("UPDATE search_text SET title = :title, body = :body WHERE rowid = :rowid"), changed
            )
        last_rowid = rows[-1][0]


def _marked(stored: str) -> str:
    """The stored SQLite text with its inner apostrophes as marks, spaced around CJK characters as before."""
    if not _holds_apostrophe(stored):
        return stored
    unspaced = stored.replace(_CJK_SEPARATOR, "")
    marked = _join_apostrophes(unspaced, _MARK_OF_APOSTROPHE.__getitem__)
    return _CJK_RUN.sub(_space_run, marked) if not marked.isascii() else marked


def _space_run(match: re.Match[str]) -> str:
    return _CJK_SEPARATOR + (_CJK_SEPARATOR * 2).join(match.group()) + _CJK_SEPARATOR


def _recompute_postgresql(connection: Connection) -> None:
    last_id = 0
    while True:
        rows = connection.execute(
            text(
                "SELECT id, title, body FROM search_entry WHERE id > :last "
                "AND (title ~ :apostrophe OR body ~ :apostrophe) ORDER BY id LIMIT :batch"
            ),
            {"last": last_id, "batch": BATCH, "apostrophe": f"[{_APOSTROPHES}]"},
        ).all()
        if not rows:
            return
        connection.execute(
            text(
                "UPDATE search_entry SET document = "
                "setweight(to_tsvector('simple', :title), 'A') || to_tsvector('simple', :body) WHERE id = :id"
            ),
            [{"id": entry_id, "title": _words(title), "body": _words(body)} for entry_id, title, body in rows],
        )
        last_id = rows[-1][0]


def _words(value: str) -> str:
    """The folded words of a text as the index holds them, each CJK character a word of its own."""
    joined = _join_apostrophes(value, lambda _apostrophe: "")
    decomposed = unicodedata.normalize("NFKD", joined)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_TOKEN.findall(_CJK_RUN.sub(_space_run, folded)))
