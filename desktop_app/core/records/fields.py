"""Field descriptions of the record kinds: type, label, vocabulary; and turning user values into stored ones."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from .. import vocab
from ..dates_typed import parse_typed_date

# The limits live apart so that the command line checks its arguments without loading the fields.
from .limits import LARGEST_CENTS as LARGEST_CENTS
from .limits import LARGEST_RECORD_NUMBER as LARGEST_RECORD_NUMBER
from .limits import LARGEST_WHOLE_NUMBER as LARGEST_WHOLE_NUMBER
from .limits import has_lone_surrogate as has_lone_surrogate

FieldType = Literal["text", "longtext", "date", "int", "bool", "cents", "choice", "words", "ref"]


@dataclass(frozen=True)
class Field:
    """One editable field of a record kind."""

    name: str
    type: FieldType
    label: str
    required: bool = False
    vocabulary: vocab.Vocabulary | None = None
    ref_kind: str | None = None
    max_length: int | None = None
    personal: bool = False  # personal data: left out of default exports and outputs
    searchable: bool = False  # its text goes into the full-text index


def text(
    name: str,
    label: str,
    *,
    required: bool = False,
    max_length: int = 200,
    searchable: bool = False,
    personal: bool = False,
) -> Field:
    return Field(
        name, "text", label, required=required, max_length=max_length, searchable=searchable, personal=personal
    )


def longtext(name: str, label: str, *, required: bool = False, searchable: bool = True) -> Field:
    return Field(name, "longtext", label, required=required, max_length=100_000, searchable=searchable)


def date(name: str, label: str, *, required: bool = False) -> Field:
    return Field(name, "date", label, required=required)


def choice(name: str, label: str, vocabulary: vocab.Vocabulary, *, required: bool = True) -> Field:
    return Field(name, "choice", label, required=required, vocabulary=vocabulary)


def words(name: str, label: str, vocabulary: vocab.Vocabulary) -> Field:
    return Field(name, "words", label, vocabulary=vocabulary)


def flag(name: str, label: str) -> Field:
    return Field(name, "bool", label)


def integer(name: str, label: str) -> Field:
    return Field(name, "int", label)


def cents(name: str, label: str) -> Field:
    return Field(name, "cents", label)


def ref(name: str, label: str, ref_kind: str, *, required: bool = True) -> Field:
    return Field(name, "ref", label, required=required, ref_kind=ref_kind)


_TRUE = {"1", "true", "yes", "y", "on", "x"}
_FALSE = {"0", "false", "no", "n", "off", ""}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(r"\s*([+-]?)(\d+)\s*", re.ASCII)
_LONGEST_NUMBER_SHOWN = 40


def parse_whole_number(label: str, raw: Any, largest: int = LARGEST_WHOLE_NUMBER) -> tuple[int | None, str | None]:
    """A whole number from 0 to largest, as (number, None), or (None, a sentence naming the field)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        match = _WHOLE_NUMBER.fullmatch(str(raw))
        if match is None:
            return None, f"{label} must be a whole number."
        sign, digits = match.group(1), match.group(2).lstrip("0") or "0"
        if len(digits) > _LONGEST_NUMBER_SHOWN:  # before int(): Python refuses numbers of thousands of digits
            return None, f"{label} must be a whole number from 0 to {largest:,} (this one has {len(digits):,} digits)."
        raw = -int(digits) if sign == "-" else int(digits)
    if raw < 0 or raw > largest:
        return None, f"{label} must be a whole number from 0 to {largest:,} (not {raw:,})."
    return raw, None


def parse_value(field: Field, raw: Any) -> tuple[Any, str | None]:
    """Converts a user's value to the stored one; returns (value, problem sentence or None)."""
    label = field.label
    if isinstance(raw, str) and has_lone_surrogate(raw):
        return None, f"{label} holds a broken character (an unpaired UTF-16 surrogate) that cannot be stored."
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if field.required:
            return None, f"{label} is required."
        return _empty(field), None
    if field.type in ("text", "longtext"):
        value = _CONTROL_CHARACTERS.sub("", str(raw)).strip() if field.type == "text" else str(raw).replace("\x00", "")
        if field.max_length and len(value) > field.max_length:
            return None, f"{label} is longer than {field.max_length} characters."
        return value, None
    if field.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date(), None
        if isinstance(raw, dt.date):
            return raw, None
        return parse_typed_date(label, str(raw))
    if field.type == "int":
        return parse_whole_number(label, raw)
    if field.type == "ref":
        return parse_whole_number(label, raw, LARGEST_RECORD_NUMBER)
    if field.type == "cents":
        return _parse_cents(label, raw)
    if field.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        lowered = str(raw).strip().lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
        return None, f"{label} must be yes or no."
    if field.type == "choice":
        assert field.vocabulary is not None
        found = _match_choice(field.vocabulary, str(raw))
        if found is None:
            return None, f"{label} must be one of: {', '.join(field.vocabulary.values())}."
        return found, None
    if field.type == "words":
        assert field.vocabulary is not None
        items = raw if isinstance(raw, list | tuple | set) else re.split(r"[,;\s]+", str(raw))
        chosen = []
        for item in items:
            if not str(item).strip():
                continue
            found = _match_choice(field.vocabulary, str(item))
            if found is None:
                return None, f"{label}: {str(item)[:40]!r} is not one of {', '.join(field.vocabulary.values())}."
            chosen.append(found)
        return vocab.join_words(chosen), None
    raise AssertionError(field.type)


def _empty(field: Field) -> Any:
    if field.type in ("text", "longtext", "words"):
        return ""
    if field.type == "bool":
        return False
    if field.type == "cents":
        return 0
    return None


def _match_choice(vocabulary: vocab.Vocabulary, raw: str) -> str | None:
    wanted = raw.strip().lower()
    for value, label in vocabulary.items():
        if wanted in (value.lower(), label.lower(), value.replace("_", " ").lower()):
            return value
    return None


def _parse_cents(label: str, raw: Any) -> tuple[int | None, str | None]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        cents = raw
    else:
        cleaned = str(raw).strip().replace(",", "").lstrip("$")
        match = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", cleaned)
        if not match:
            return None, f"{label} must be an amount such as 1250.00."
        whole, fraction = match.group(1).lstrip("0"), (match.group(2) or "0").ljust(2, "0")
        if len(whole) > len(str(LARGEST_CENTS)):  # before int(): Python refuses very long numbers
            return None, f"{label} is larger than any amount the records can hold."
        cents = int(whole or "0") * 100 + int(fraction)
    if cents < 0:
        return None, f"{label} cannot be negative."
    if cents > LARGEST_CENTS:
        return None, f"{label} is larger than any amount the records can hold."
    return cents, None


def display_value(field: Field, value: Any) -> str:
    """The value as a clerk reads it."""
    if value is None:
        return ""
    if field.type == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if field.type == "bool":
        return "Yes" if value else "No"
    if field.type == "cents":
        return f"{value / 100:,.2f}"
    if field.type == "choice" and field.vocabulary:
        return vocab.label(field.vocabulary, value)
    if field.type == "words" and field.vocabulary:
        return ", ".join(vocab.label(field.vocabulary, word) for word in vocab.split_words(value))
    return str(value)
