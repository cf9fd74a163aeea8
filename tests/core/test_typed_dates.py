"""Dates as a US clerk types them: the forms read, the two-digit year rule, and a sentence for what is no date."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.dates_typed import full_year, parse_typed_date
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import ValidationError
from desktop_app.core.records import service as records
from desktop_app.core.records.fields import parse_value
from desktop_app.core.records.kinds import kind_named

TODAY = dt.date(2026, 12, 6)
PI_DAY = dt.date(2025, 3, 14)


@pytest.mark.parametrize(
    "typed",
    [
        "03/14/2025",
        "3/14/2025",
        "3/14/25",
        "March 14 2025",
        "March 14, 2025",
        "Mar 14, 2025",
        "mar. 14th, 2025",
        "  MARCH   14 ,2025 ",
        "14 March 2025",
        "14 Mar 2025",
        "2025-03-14",
        "2025-3-14",
        "2025/03/14",
        "20250314",
    ],
)
def test_each_form_a_clerk_types_gives_the_same_day(typed: str) -> None:
    assert parse_typed_date("Starts on", typed, TODAY) == (PI_DAY, None)


def test_slashes_are_read_month_first() -> None:
    assert parse_typed_date("Starts on", "04/03/2025", TODAY) == (dt.date(2025, 4, 3), None)
    assert parse_typed_date("Starts on", "12/1/2025", TODAY) == (dt.date(2025, 12, 1), None)


def test_month_names_may_be_shortened_to_three_letters_or_more() -> None:
    assert parse_typed_date("Starts on", "Sept 3, 2025", TODAY) == (dt.date(2025, 9, 3), None)
    assert parse_typed_date("Starts on", "Septem 3, 2025", TODAY) == (dt.date(2025, 9, 3), None)
    assert parse_typed_date("Starts on", "Ju 3, 2025", TODAY)[0] is None


@pytest.mark.parametrize(
    ("two_digits", "year"),
    [(25, 2025), (0, 2000), (46, 2046), (47, 1947), (56, 1956), (99, 1999), (26, 2026)],
)
def test_two_digit_years_fall_from_79_years_back_to_20_years_ahead(two_digits: int, year: int) -> None:
    assert full_year(two_digits, TODAY) == year
    assert parse_typed_date("Starts on", f"7/4/{two_digits:02d}", TODAY) == (dt.date(year, 7, 4), None)


def test_the_two_digit_window_moves_with_the_years() -> None:
    assert full_year(47, dt.date(2027, 1, 1)) == 2047
    assert full_year(48, dt.date(2027, 1, 1)) == 1948


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("02/30/2025", "“02/30/2025” would be February 30, 2025, but February 2025 has 28 days."),
        ("2/29/2023", "February 2023 has 28 days"),
        ("2024-04-31", "“2024-04-31” would be April 31, 2024, but April 2024 has 30 days."),
        ("June 31, 2024", "“June 31, 2024” is no day of the calendar: June 2024 has 30 days."),
        ("14/3/2025", "“14/3/2025” has month 14, and the months go from 1 to 12 (in a date with slashes"),
        ("2025-00-10", "has month 0"),
        ("3/0/2025", "would be March 0, 2025"),
    ],
)
def test_an_impossible_date_gets_a_sentence_naming_what_was_typed(typed: str, words: str) -> None:
    value, problem = parse_typed_date("Starts on", typed, TODAY)
    assert value is None
    assert problem is not None and problem.startswith("Starts on must be a date that exists: ")
    assert words in problem


@pytest.mark.parametrize("typed", ["8 October", "March 2025", "10.08.2020", "3-14-2025", "next week", "3/14"])
def test_text_in_no_known_form_gets_examples_of_the_forms(typed: str) -> None:
    value, problem = parse_typed_date("Starts on", typed, TODAY)
    assert value is None
    assert problem == (
        "Starts on must be a date, written for example 3/14/2025, March 14, 2025 or 2025-03-14 (YYYY-MM-DD); "
        f"“{typed}” is not one."
    )


def test_very_long_text_is_shortened_in_the_sentence() -> None:
    value, problem = parse_typed_date("Starts on", "3/14/2025" * 1000, TODAY)
    assert value is None and problem is not None
    assert len(problem) < 200 and problem.endswith("…” is not one.")


def test_a_date_field_reads_every_form_and_stays_optional() -> None:
    field = kind_named("response").field("letter_date")
    assert parse_value(field, "Mar 14, 2025") == (PI_DAY, None)
    assert parse_value(field, "3/14/2025") == (PI_DAY, None)
    assert parse_value(field, PI_DAY) == (PI_DAY, None)
    assert parse_value(field, "") == (None, None)
    assert parse_value(field, "   ") == (None, None)
    assert parse_value(field, None) == (None, None)
    value, problem = parse_value(field, "02/30/2025")
    assert value is None and problem is not None and problem.startswith("Letter date must be a date that exists")


def test_a_record_saved_with_a_typed_date_stores_the_day(db: Database) -> None:
    record = records.create(db, "oversight", {"kind": "audit", "action_on": "Mar 14, 2025"})
    assert record["action_on"] == PI_DAY
    with pytest.raises(ValidationError) as error:
        records.create(db, "oversight", {"kind": "audit", "action_on": "02/30/2025"})
    assert "“02/30/2025”" in error.value.message
