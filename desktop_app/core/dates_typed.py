"""Reading a date as a US clerk types it (3/14/25, Mar 14, 2025, 2025-03-14) into a calendar date, or a sentence.

The forms understood:

- ISO, year first: ``2025-03-14`` (also ``2025-3-14`` and ``2025/03/14``).
- Slashes, month first (US order): ``03/14/2025``, ``3/14/2025``, ``3/14/25``. Slashes are always read
  month/day/year, so ``04/03/2025`` is April 3; only a year-first date may use dashes.
- The month by name, then the day and a four-digit year: ``March 14 2025``, ``Mar 14, 2025``, ``Mar. 14th, 2025``;
  or the day first: ``14 March 2025``. Names may be shortened to three letters or more (``Sept``).

A two-digit year is the year ending in those digits that falls from 79 years before this year to 20 years after
it: in 2026, ``56`` is 1956 and ``46`` is 2046 (records reach back to the first partnerships and forward to
agreements' end dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .clock import today as local_today

MONTHS = tuple(calendar.month_name)[1:]
TWO_DIGIT_YEARS_AHEAD = 20
EXAMPLES = "3/14/2025, March 14, 2025 or 2025-03-14 (YYYY-MM-DD)"
_LONGEST_READ = 60
_LONGEST_SHOWN = 40

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", re.ASCII)
_US_SLASHES = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", re.ASCII)
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_BETWEEN = r"(?:\s*,\s*|\s+)"
_MONTH_FIRST = re.compile(rf"([a-z]+)(?:\.\s*|\s+){_ORDINAL}{_BETWEEN}(\d{{4}})", re.ASCII | re.IGNORECASE)
_DAY_FIRST = re.compile(rf"{_ORDINAL}\s+([a-z]+)(?:\.{_BETWEEN}?|{_BETWEEN})(\d{{4}})", re.ASCII | re.IGNORECASE)


def parse_typed_date(label: str, typed: str, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """The date the text stands for, as (date, None), or (None, a sentence naming the field and the text)."""
    text = " ".join(typed.split())
    if len(text) <= _LONGEST_READ:
        found = _read(text, today or local_today())
        if isinstance(found, dt.date):
            return found, None
        if found is not None:
            return None, f"{label} must be a date that exists: “{text}” {found}"
    return None, f"{label} must be a date, written for example {EXAMPLES}; “{_shown(text)}” is not one."


def full_year(two_digits: int, today: dt.date) -> int:
    """The year ending in these two digits from 79 years before today's year to 20 years after it."""
    latest = today.year + TWO_DIGIT_YEARS_AHEAD
    year = latest - (latest - two_digits) % 100
    return year


def _read(text: str, today: dt.date) -> dt.date | str | None:
    """A date; or why the parts read make no date (a sentence's end); or None when the text is no form known."""
    match = _ISO.fullmatch(text)
    if match:
        return _date_of(int(match[1]), int(match[2]), int(match[3]), in_numbers=True)
    match = _US_SLASHES.fullmatch(text)
    if match:
        year = int(match[3]) if len(match[3]) == 4 else full_year(int(match[3]), today)
        return _date_of(year, int(match[1]), int(match[2]), in_numbers=True, month_first=True)
    for pattern, month_group, day_group in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        match = pattern.fullmatch(text)
        month = _month_named(match[month_group]) if match else None
        if match and month:
            return _date_of(int(match[3]), month, int(match[day_group]))
    try:
        return dt.date.fromisoformat(text)  # the compact ISO forms stored values may be written in (20250314)
    except ValueError:
        return None


def _month_named(word: str) -> int | None:
    lowered = word.lower()
    if len(lowered) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.lower().startswith(lowered):
            return number
    return None


def _date_of(year: int, month: int, day: int, *, in_numbers: bool = False, month_first: bool = False) -> dt.date | str:
    """The date; or, when there is no such day, why (the end of a sentence)."""
    if year < 1:
        return "has year 0, and the years start at 1."
    if not 1 <= month <= 12:
        order = " (in a date with slashes the month comes first)" if month_first else ""
        return f"has month {month}, and the months go from 1 to 12{order}."
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        month_name = MONTHS[month - 1]
        read_as = f"would be {month_name} {day}, {year}, but" if in_numbers else "is no day of the calendar:"
        return f"{read_as} {month_name} {year} has {days} days."
    return dt.date(year, month, day)


def _shown(text: str) -> str:
    return text if len(text) <= _LONGEST_SHOWN else text[: _LONGEST_SHOWN - 1] + "…"
