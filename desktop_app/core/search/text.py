"""Search text: folding (case, diacritics), CJK spacing, query parsing into terms, engine queries and snippets.

Chinese, Japanese and Korean characters are indexed one character per token and a run of them in a query is
searched as a phrase, so a two-character name such as 合肥 is found wherever those characters stand together.
An apostrophe inside a word does not split it: 'Xi'an' is found by xian and by xi'an (English endings such as
the 's of "women's" still stand apart, so "women" finds it).
The engine's query is always built here from the words of the user's text; the user's text itself never reaches
the engine, so stray quotes, AND, NEAR(, * or - can only ever be words or nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
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


# A word, an apostrophe, and the letters after it; ``_joins`` says whether the apostrophe is inside one word.
_APOSTROPHE_IN_WORD = re.compile("([^\\W_]+)(['\u2019\u02bc\u2018])(?=([^\\W_]+))")


# English endings ('s, 't, 'll...) and French or Italian elisions (l', qu', dell'...) stand apart as before.
_ENDINGS = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})


_ELISIONS = frozenset({"qu", "un", "all", "dall", "dell", "nell", "sull", "quell", "bell", "sant"})


def _joins(before: str, after: str) -> bool:
    """True when the apostrophe between these letters is inside one word (Xi'an, Chang'an, Hawai'i)."""
    return len(before) > 1 and before.lower() not in _ELISIONS and after.lower() not in _ENDINGS


# The SQLite tokenizer splits a word at an apostrophe but drops these combining marks inside a word, so the
# index stores each inner apostrophe as one of them (one per kind of apostrophe) and ``shown_text`` turns it back.
# ``index_text`` removes every combining mark of the text itself first, so a mark in the stored text is always one
# of these; they are marks that compose with few letters, in case the stored text is ever normalised.
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
    An apostrophe inside a word is stored as a combining mark the tokenizer drops, so 'Xi'an' is the word xian.
    """
    if value.isascii():
        return _mark_apostrophes(value)
    composed = unicodedata.normalize("NFC", value)
    marks = _combining_marks()
    if marks.in_bmp.search(composed) or _ASTRAL.search(composed):
        composed = composed.translate(marks.deleting)
    return space_cjk(_mark_apostrophes(composed))


def _mark_apostrophes(value: str) -> str:
    return _join_apostrophes(value, _MARK_OF_APOSTROPHE.__getitem__)


def unspace_cjk(value: str) -> str:
    """Undoes space_cjk for display."""
    return value.replace(_CJK_SEPARATOR, "")


def shown_text(stored: str) -> str:
    """The text as the SQLite index stores it (``index_text``), as it is shown: unspaced, with its apostrophes."""
    return unspace_cjk(stored).translate(_APOSTROPHE_OF_MARK)


def without_inner_apostrophes(value: str) -> str:
    """'Xi'an' -> 'Xian': the apostrophes that do not split a word dropped, as the index does."""
    return _join_apostrophes(value, lambda _apostrophe: "")


def tokens(value: str) -> list[str]:
    """The folded words of a text, each CJK character a word of its own, apostrophes inside words dropped."""
    return _TOKEN.findall(space_cjk(fold(without_inner_apostrophes(value))))


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
    pattern = re.compile("|".join(_written_as(word) for word in words), re.IGNORECASE)
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


def _written_as(word: str) -> str:
    """A pattern for a folded word as a text may write it: xian matches Xi'an too."""
    return _APOSTROPHE_BETWEEN.join(re.escape(character) for character in word)


_APOSTROPHE_BETWEEN = "['\u2019\u02bc\u2018]?"


def shows_a_match(snippet: str) -> bool:
    """True when the snippet marks a word found."""
    return "«" in snippet


def tidy_snippet(snippet: str) -> str:
    return " ".join(snippet.split())
