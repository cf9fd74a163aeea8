"""Finds recorded participants' names in a letter's texts, so that none reaches an issued letter, and withholds them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that accompany a name but are not a name on their own; never searched for alone.
PARTICLES = _word_set("de da del van von der la le al el bin bint mr mrs ms dr jr sr ii iii")
# Titles and suffixes left off either end of a full name, so "Dr. José Núñez" is also found as "José Núñez".
_TITLES = _word_set("mr mrs ms dr jr sr ii iii")

# The most common English words, and everyday words that are also surnames or given names. A name part that is one
# of these is searched for only where it is written capitalised in the middle of a sentence.
COMMON_WORDS = _word_set(
    """
    the be to of and in that have it for not on with he as you do at this but his by from they we say her she or an
    will my one all would there their what so up out if about who get which go me when make can like time no just
    him know take people into year your good some could them see other than then now look only come its over think
    also back after use two how our work first well way even new want because any these give day most us is am are
    was were has had been may must said long little great old big high case name city state young rose page mark bill
    hope grant price lane white brown green black gray grey king park hall wood stone hill field rich cook joy faith
    love chase rice bush west north south east street court house church bell major judge hunter summer winter
    spring fair best hart
    """
)

# What may stand between the words of a name: spaces and line breaks, commas, full stops, hyphens, apostrophes.
_SEPARATORS = r"\s,.'\-‐‑‒–—·・"
_GAP = re.compile(f"[{_SEPARATORS}]+")
# Kana voicing marks are combining marks, but they tell names apart; kept so that NFC restores the kana.
_KEPT_MARKS = frozenset("\u3099\u309a")
# Apostrophes as one, and letters that have no decomposition written as English text writes them: "Walesa", "Isik".
_LIKE = {
    **dict.fromkeys("\u2019\u2018\u02bc", "'"),
    **{"ı": "i", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"},
}
# Scripts written without spaces between words: Han, kana, Hangul and Bopomofo letters, with compatibility forms.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3005, 0x3007),
    (0x3021, 0x3029),
    (0x3031, 0x3035),
    (0x3038, 0x303C),
    (0x3041, 0x309F),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3100, 0x312F),
    (0x3131, 0x318F),
    (0x31A0, 0x31BF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0x1B000, 0x1B16F),
    (0x20000, 0x323AF),
)
_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_CJK_SPACED_RUN = re.compile(f"[{_CJK_CLASS}]+(?:[{_SEPARATORS}]+[{_CJK_CLASS}]+)*")
_SENTENCE_ENDS = frozenset(".!?…。！？")
# Skipped when looking back for the end of the previous sentence: quotes, brackets, dashes, bullets.
_OPENERS = frozenset("\"'“”‘’«»‹›•*")
_SKIPPED_BEFORE = frozenset(("Ps", "Pe", "Pi", "Pf", "Pd"))
_EXCERPT_REACH = 30
_MAX_PASSES = 8


@dataclass(frozen=True)
class NameHit:
    """One place where a participant's name, or a part of it, appears in a text."""

    where: str
    name_part: str
    excerpt: str


def name_hits(texts: Iterable[tuple[str, str]], names: Iterable[str]) -> list[NameHit]:
    """Every appearance of a recorded participant's name or name part in the labelled texts, in the texts' order.

    A full name, or a part of one, is found whatever its case and accents and wherever the text breaks its line, as
    whole words: "Li" is not found in "Lima". Names in Han, kana or Hangul are found inside running text, which has
    no spaces; their parts when at least two characters long. Parts shorter than two letters, and particles and
    titles such as "van" or "Dr", are not searched for alone. A part that is a common English word (such as "will" or
    "may") counts only where it is written capitalised ("Will", not "will" or "WILL") and does not begin a sentence.
    Where matches overlap, the one that starts first is reported, at its longest: a full name rather than its parts.
    """
    matcher = _matcher(names)
    hits: list[NameHit] = []
    for where, text in texts:
        for start, end in matcher.spans(text):
            hits.append(NameHit(where, text[start:end], _excerpt(text, start, end)))
    return hits


def redact(text: str, names: Iterable[str], replacement: str = "[name withheld]") -> tuple[str, int]:
    """The text with every name that ``name_hits`` would find replaced, and how many replacements were made.

    Everything else is kept exactly. Should a replacement bring a new name to light (by joining the text around it),
    that is replaced too; a replacement that itself reads as a recorded name is refused with ValueError.
    """
    matcher = _matcher(names)
    count = 0
    for _ in range(_MAX_PASSES):
        spans = matcher.spans(text)
        if not spans:
            return text, count
        pieces: list[str] = []
        kept_from = 0
        for start, end in spans:
            pieces += [text[kept_from:start], replacement]
            kept_from = end
        pieces.append(text[kept_from:])
        text = "".join(pieces)
        count += len(spans)
    raise ValueError(f"The replacement {replacement!r} itself reads as a participant's name.")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character as it is compared: compatibility forms unfolded, case folded, accents and invisible marks gone."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    kept = "".join(
        _LIKE.get(c, c)
        for c in decomposed
        if (not unicodedata.combining(c) or c in _KEPT_MARKS) and unicodedata.category(c) != "Cf"
    )
    # Hangul syllables and voiced kana come back together; nothing else is left to compose.
    return unicodedata.normalize("NFC", kept)


@dataclass(frozen=True)
class _Folded:
    """A text as it is compared, and where each of its characters came from in the original."""

    text: str
    lengths: dict[str, int]
    origins: list[int] | None  # None: the folded text lines up with the original character for character

    def span(self, start: int, end: int, original: str) -> tuple[int, int]:
        """The original characters that the folded ``start:end`` came from, with any accents that follow them."""
        if self.origins is None:
            return start, end
        first, last = self.origins[start], self.origins[end - 1] + 1
        while last < len(original) and not self.lengths[original[last]]:
            last += 1
        return first, last


def _fold(text: str) -> _Folded:
    if text.isascii():
        return _Folded(text.lower(), {}, None)
    folds = {char: _fold_char(char) for char in set(text)}
    lengths = {char: len(folded) for char, folded in folds.items()}
    folded = text.translate({ord(char): value for char, value in folds.items() if value != char})
    if all(length == 1 for length in lengths.values()):
        return _Folded(folded, lengths, None)
    origins: list[int] = []
    for index, char in enumerate(text):
        length = lengths[char]
        if length == 1:
            origins.append(index)
        elif length:
            origins += [index] * length
    return _Folded(folded, lengths, origins)


@cache
def _word() -> re.Pattern[str]:
    """A word outside the unspaced scripts: letters and digits, with the marks (Indic vowel signs) that go on them."""
    marks = [
        code
        for code in (*range(0x20000), *range(0xE0100, 0xE01F0))
        if unicodedata.category(chr(code)).startswith("M") and not unicodedata.combining(chr(code))
    ]
    ranges: list[tuple[int, int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    # Two classes: the engine looks up a class of Basic Multilingual Plane characters in a table, not range by range.
    classes = [
        "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges if (high < 0x10000) == bmp)
        for bmp in (True, False)
    ]
    mark = "|".join(f"[{members}]" for members in classes if members)
    letter = f"[^\\W_{_CJK_CLASS}]"
    return re.compile(f"{letter}+(?:(?:{mark})+{letter}*)*")


class _Matcher:
    """One list of names, as word sequences looked up word by word and as strings of Han, kana or Hangul."""

    def __init__(self, names: tuple[str, ...]) -> None:
        word = _word()
        forms: set[tuple[str, ...]] = set()
        self.common: set[str] = set()
        self.unspaced: set[str] = set()
        # All the names folded at once, one to a line.
        for folded in _fold("\n".join(" ".join(name.splitlines()) for name in names)).text.split("\n"):
            words = word.findall(folded)
            # Words joined by an apostrophe, as in "O'Brien", are also sought together.
            if "'" in folded:
                forms.update(tuple(group) for group in _joined(folded, word) if len(group) > 1)
            while words and words[0] in _TITLES:
                words.pop(0)
            while words and words[-1] in _TITLES:
                words.pop()
            if len(words) > 1:
                # As written, and surname first as lists have it: "Núñez, José".
                forms.update((tuple(words), (words[-1], *words[:-1])))
            for part in words:
                if len(part) < 2 or part in PARTICLES or (not part.isalnum() and sum(map(str.isalnum, part)) < 2):
                    continue
                forms.add((part,))
                if part in COMMON_WORDS:
                    self.common.add(part)
            for spaced_run in _CJK_SPACED_RUN.findall(folded):
                runs = _CJK_RUN.findall(spaced_run)
                self.unspaced.update(run for run in ["".join(runs), *runs] if len(run) >= 2)
        # First word -> the forms that begin with it, those of the most words first.
        self.spaced: dict[str, list[tuple[str, ...]]] = {}
        for form in sorted(forms, key=lambda form: (-len(form), form)):
            self.spaced.setdefault(form[0], []).append(form)
        # First character -> the lengths of the unspaced forms that begin with it, longest first.
        self.unspaced_lengths: dict[str, list[int]] = {}
        for run in sorted(self.unspaced, key=len, reverse=True):
            lengths = self.unspaced_lengths.setdefault(run[0], [])
            if len(run) not in lengths:
                lengths.append(len(run))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the names are in the original text, in order, none overlapping."""
        if not text or not (self.spaced or self.unspaced):
            return []
        folded = _fold(text)
        found = sorted([*self._spaced(folded.text), *self._unspaced(folded.text)])
        spans: list[tuple[int, int]] = []
        for folded_start, folded_end, common in found:
            start, end = folded.span(folded_start, folded_end, text)
            if common and not _capitalised_mid_sentence(text, start, end):
                continue
            if spans and start < spans[-1][1]:
                # Two matches inside one original character (a ligature or a squared word): one span.
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        return spans

    def _spaced(self, folded: str) -> list[tuple[int, int, bool]]:
        if not self.spaced:
            return []
        words = list(_word().finditer(folded))
        values = [match.group() for match in words]
        found: list[tuple[int, int, bool]] = []
        get = self.spaced.get
        index = 0
        while index < len(words):
            forms = get(values[index])
            if forms is None:
                index += 1
                continue
            size = next((len(form) for form in forms if self._continues(folded, words, values, index, form)), 0)
            if size:
                common = size == 1 and values[index] in self.common
                found.append((words[index].start(), words[index + size - 1].end(), common))
                index += size
            else:
                index += 1
        return found

    @staticmethod
    def _continues(
        folded: str, words: list[re.Match[str]], values: list[str], index: int, form: tuple[str, ...]
    ) -> bool:
        """Whether the text's words from ``index`` on are the form's, with nothing but separators between them."""
        return index + len(form) <= len(words) and all(
            values[index + step] == form[step]
            and _GAP.fullmatch(folded, words[index + step - 1].end(), words[index + step].start()) is not None
            for step in range(1, len(form))
        )

    def _unspaced(self, folded: str) -> list[tuple[int, int, bool]]:
        if not self.unspaced:
            return []
        found: list[tuple[int, int, bool]] = []
        for run in _CJK_SPACED_RUN.finditer(folded):
            positions = [match.start() for match in _CJK_CHAR.finditer(folded, run.start(), run.end())]
            chars = "".join(folded[position] for position in positions)
            index = 0
            while index < len(chars):
                size = next(
                    (
                        length
                        for length in self.unspaced_lengths.get(chars[index], ())
                        if index + length <= len(chars) and chars[index : index + length] in self.unspaced
                    ),
                    0,
                )
                if size:
                    found.append((positions[index], positions[index + size - 1] + 1, False))
                    index += size
                else:
                    index += 1
        return found


def _joined(folded: str, word: re.Pattern[str]) -> list[list[str]]:
    """The runs of words in a name that are joined by nothing but apostrophes."""
    groups: list[list[str]] = []
    previous_end = -1
    for match in word.finditer(folded):
        if groups and folded[previous_end : match.start()] == "'":
            groups[-1].append(match.group())
        else:
            groups.append([match.group()])
        previous_end = match.end()
    return groups


@lru_cache(maxsize=4)
def _compiled(names: tuple[str, ...]) -> _Matcher:
    return _Matcher(names)


def _matcher(names: Iterable[str]) -> _Matcher:
    return _compiled(tuple(sorted({name for name in names if name and not name.isspace()})))


def _capitalised_mid_sentence(text: str, start: int, end: int) -> bool:
    letters = [char for char in text[start:end] if char.isalpha()]
    if not letters or not letters[0].isupper() or not any(char.islower() for char in letters[1:]):
        return False
    before = start - 1
    while before >= 0 and (
        text[before].isspace() or text[before] in _OPENERS or unicodedata.category(text[before]) in _SKIPPED_BEFORE
    ):
        before -= 1
    return before >= 0 and text[before] not in _SENTENCE_ENDS


def _excerpt(text: str, start: int, end: int) -> str:
    """About thirty characters either side of the match, on one line, with the match itself as written."""
    first, last = max(0, start - _EXCERPT_REACH), min(len(text), end + _EXCERPT_REACH)
    while first > 0 and unicodedata.combining(text[first]):
        first -= 1
    while last < len(text) and unicodedata.combining(text[last]):
        last += 1
    body = " ".join(text[first:last].split())
    return ("…" if first > 0 else "") + body + ("…" if last < len(text) else "")
