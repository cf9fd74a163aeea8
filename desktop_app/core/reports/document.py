"""The letter as plain data, ready for layout: every text it prints, in order, and nothing else."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    """A table of an appendix: a header row and rows of plain text (URLs in it become links)."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]  # fractions of the text width
    rows: tuple[tuple[str, ...], ...]
    numbers: tuple[str, ...] = ()  # each row's item number ("A1"), for long texts moved below the table
    heading: str = ""


@dataclass(frozen=True)
class Appendix:
    letter: str
    title: str
    notes: tuple[str, ...]  # paragraphs before the tables
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class AnswerText:
    position: int
    title: str
    question: str
    paragraphs: tuple[str, ...]  # the clerk's narrative, then what the records hold
    warnings: tuple[str, ...]  # what the records flag on this question


@dataclass(frozen=True)
class Enclosure:
    number: str  # "G1"
    title: str


@dataclass(frozen=True)
class Letter:
    """Everything the PDF shows, as plain data."""

    draft: bool
    jurisdiction_name: str
    letterhead_title: str
    letterhead_lines: tuple[str, ...]
    logo: bytes | None
    status_line: str  # "Response No. 4, issued December 2, 2026", or empty for a draft
    date_text: str
    recipients: tuple[str, ...]
    reference: str
    salutation: str
    opening: tuple[str, ...]  # acknowledgment, supersession, introduction, what is unconfirmed or withheld
    answers: tuple[AnswerText, ...]
    other_warnings: tuple[str, ...]  # flags no question took
    closing: tuple[str, ...]
    signatory_name: str
    signatory_title: str
    contact: str
    cc: tuple[str, ...]
    enclosures: tuple[Enclosure, ...]
    attached: str  # the sentence naming the appendices
    appendices: tuple[Appendix, ...]
    footer: str
    title: str
    subject: str
    created: dt.datetime | None  # an issued letter's real creation time, kept fixed for regeneration


def texts(letter: Letter) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the letter prints that may hold words from the records, to check for names.

    The program's own fixed sentences (the appendices' notes, the list of appendices) are left out: they hold no
    record's words, and a name that happens to be an everyday word ("Grant", "Price") would be found in them.
    """
    for name, value in _fields(letter):
        if name not in _FIXED_TEXT:
            yield from _texts_of(value, _where(name))


def replace_texts(letter: Letter, change: Callable[[str], str]) -> Letter:
    """The letter with every printed text passed through ``change`` (used to redact)."""
    result: Letter = _replace(letter, change)
    return result


_WHERE = {
    "opening": "the opening of the letter",
    "answers": "the answers",
    "closing": "the closing",
    "appendices": "the appendices",
    "recipients": "the recipients",
    "cc": "the copies",
    "enclosures": "the list of enclosures",
}


def _where(name: str) -> str:
    return _WHERE.get(name, name.replace("_", " "))


def _fields(value: Any) -> Iterator[tuple[str, Any]]:
    for field in dataclasses.fields(value):
        if field.name not in ("logo", "created", "draft", "widths"):
            yield field.name, getattr(value, field.name)


def _texts_of(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, tuple):
        for entry in value:
            yield from _texts_of(entry, where)
    elif isinstance(value, AnswerText):
        for name, part in _fields(value):
            yield from _texts_of(part, f"the answer to question {value.position}, {_where(name)}")
    elif isinstance(value, Appendix):
        yield from _texts_of(value.tables, f"Appendix {value.letter}")
    elif isinstance(value, Table):
        yield from _texts_of(value.heading, where)
        for index, row in enumerate(value.rows):
            label = f"{where}, item {value.numbers[index]}" if index < len(value.numbers) else where
            yield from _texts_of(row, label)
    elif dataclasses.is_dataclass(value):
        for _, part in _fields(value):
            yield from _texts_of(part, where)


# The program's own fixed text: neither checked for names nor redacted (see texts).
_FIXED_TEXT = frozenset({"attached", "footer", "title", "notes", "letter"})


def _replace(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        return tuple(_replace(entry, change) for entry in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        updates = {
            name: _replace(part, change) for name, part in _fields(value) if name not in ("numbers", *_FIXED_TEXT)
        }
        return dataclasses.replace(value, **updates)
    return value
