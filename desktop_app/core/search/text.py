"""Search text: folding (case, diacritics), CJK spacing, query parsing into terms, engine queries and snippets.

Chinese, Japanese and Korean characters are indexed one character per token and a run of them in a query is
searched as a phrase, so a two-character name such as 合肥 is found wherever those characters stand together.
The engine's query is always built here from the words of the user's text; the user's text itself never reaches
the engine, so stray quotes, AND, NEAR(, * or - can only ever be words or nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)


_CJK_CHAR = re.compile(f"[{_CJK}]")


_CJK_RUN = re.compile(f"[{_CJK}]+")


# A zero-width space: a separator for the tokenizers, invisible, and removed again for display.
_CJK_SEPARATOR = "\u200b"


_TOKEN = re.compile(r"[^\W_]+")


_QUOTED = re.compile(r'"([^"]*)"')


def fold(value: str) -> str:
    """Lower case without diacritics: 'Zürich' and 'ZURICH' both become 'zurich'."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def space_cjk(value: str) -> str:
    """Puts an invisible separator around each CJK character so that each is a token of its own."""
    if value.isascii():
        return value
    return _CJK_RUN.sub(_space_run, value)  # the same string when it holds none


def _space_run(match: re.Match[str]) -> str:
    # One call per run of CJK characters rather than per character; the same text as spacing each one.
    return _CJK_SEPARATOR + (_CJK_SEPARATOR * 2).join(match.group()) + _CJK_SEPARATOR


class _CombiningMarks(NamedTuple):
    deleting: dict[int, None]  # a str.translate table that deletes every mark
    in_bmp: re.Pattern[str]  # finds a mark of the basic plane (one table lookup per character)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _combining_marks() -> _CombiningMarks:
    """Every combining mark (the characters ``fold`` drops), built on first use (~40 ms)."""
    codes = [code for code in range(0x300, 0x20000) if unicodedata.combining(chr(code))]  # none lie outside
    basic = "".join(chr(code) for code in codes if code <= 0xFFFF)
    return _CombiningMarks(dict.fromkeys(codes), re.compile(f"[{re.escape(basic)}]"))


def index_text(value: str) -> str:
    """The text as the SQLite index stores it: CJK spaced, and the combining marks that ``fold`` drops dropped too.

    The tokenizer ends a word at a combining mark that has no precomposed form (an Arabic vowel sign, Hebrew
    points), while a query is folded without them: 'حَبيبي' must be stored as 'حبيبي' to be found by it.
    Precomposed letters ('ü') are kept for the snippets; the tokenizer removes their diacritics itself.
    """
    if value.isascii():
        return value
    composed = unicodedata.normalize("NFC", value)
    marks = _combining_marks()
    if marks.in_bmp.search(composed) or _ASTRAL.search(composed):
        composed = composed.translate(marks.deleting)
    return space_cjk(composed)


def unspace_cjk(value: str) -> str:
    """Undoes space_cjk for display."""
    return value.replace(_CJK_SEPARATOR, "")


def tokens(value: str) -> list[str]:
    """The folded words of a text, each CJK character a word of its own."""
    return _TOKEN.findall(space_cjk(fold(value)))


@dataclass(frozen=True)
class Term:
    """One searched item: a word, or several that must stand together (a phrase)."""

    words: tuple[str, ...]


def parse_query(query: str) -> list[Term]:
    """The user's text as terms: quoted parts and hyphenated or CJK runs are phrases, other words plain words.

    Words match whole words only: a prefix search over a large index cannot be kept within the time bar.
    """
    terms: list[Term] = []
    rest = _QUOTED.sub(lambda match: _collect(match.group(1), terms, " ") or " ", query)
    for chunk in rest.split():
        _collect(chunk, terms, "")
    return terms


def _collect(chunk: str, terms: list[Term], result: str) -> str:
    words = tuple(tokens(chunk))
    if words:
        terms.append(Term(words))
    return result


def fts5_query(terms: Iterable[Term]) -> str:
    """The FTS5 MATCH expression: each term a quoted string of word characters only."""
    return " ".join(f'"{" ".join(term.words)}"' for term in terms)


def tsquery(terms: Iterable[Term]) -> str:
    """The PostgreSQL tsquery text: each word a quoted lexeme of word characters only."""
    parts = []
    for term in terms:
        lexemes = [f"'{word}'" for word in term.words]
        parts.append(" <-> ".join(lexemes) if len(lexemes) > 1 else lexemes[0])
    return " & ".join(parts)


def make_snippet(body: str, terms: list[Term], width: int = 160) -> str:
    """A short piece of the body around the first word found, the words found between « and »."""
    words = sorted({word for term in terms for word in term.words}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    match = pattern.search(body)
    source = body
    if match is None:  # the body has the word with diacritics: show the folded text around it
        source = fold(body)
        match = pattern.search(source)
    if match is None:
        return tidy_snippet(body[:width] + ("…" if len(body) > width else ""))
    start = max(0, match.start() - width // 3)
    end = min(len(source), start + width)
    piece = pattern.sub(lambda found: f"«{found.group(0)}»", source[start:end])
    return tidy_snippet(("…" if start else "") + piece + ("…" if end < len(source) else ""))


def tidy_snippet(snippet: str) -> str:
    return " ".join(snippet.split())
