"""A city written "NAME, ST": one reading for the window and the command line, offering places when the state is
missing."""

from __future__ import annotations

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.interchange.sample_data import load_sample_data, read_sample_rows, rows_for_city
from desktop_app.core.records import service as records
from desktop_app.core.records.place_names import jurisdiction_places, parse_place, places_named

KNOWN = ["Kansas City, KS", "Kansas City, MO", "Kansas, OK", "Springfield, IL", "Springfield, MO"]


@pytest.mark.parametrize(
    ("written", "read"),
    [("Kansas City, MO", ("Kansas City", "MO")), (" springfield ,il ", ("springfield", "IL"))],
)
def test_a_place_with_its_state_is_read(written: str, read: tuple[str, str]) -> None:
    assert parse_place(written, KNOWN) == read


def test_a_place_without_its_state_offers_the_places_of_that_name() -> None:
    with pytest.raises(UserError) as raised:
        parse_place("kansas city", KNOWN)
    message = raised.value.message
    assert "two letters" in message and '"Kansas City, KS" or "Kansas City, MO"' in message
    assert message.endswith("?") and "Springfield" not in message


def test_a_place_nobody_knows_gets_the_plain_sentence() -> None:
    with pytest.raises(UserError, match="two letters") as raised:
        parse_place("Atlantis", KNOWN)
    assert "Did you mean" not in raised.value.message


def test_places_named_put_the_exact_name_first() -> None:
    assert places_named("Kansas", KNOWN) == ["Kansas, OK", "Kansas City, KS", "Kansas City, MO"]
    assert places_named("  SPRINGFIELD ", KNOWN) == ["Springfield, IL", "Springfield, MO"]
    assert places_named("", KNOWN) == [] and places_named("Dayton", KNOWN) == []


def test_the_bundled_list_reads_its_city_with_the_same_parser(db: Database) -> None:
    rows = read_sample_rows()
    assert {row.us_state for row in rows_for_city(rows, "kansas city ,mo")} == {"MO"}
    with pytest.raises(UserError, match=r'two letters.*"Kansas City, MO"'):
        load_sample_data(db, "Kansas City")
    assert records.list_records(db, "partnership") == []


def test_the_places_on_record_are_offered(db: Database) -> None:
    records.create(db, "jurisdiction", {"name": "Dayton", "state": "OH"})
    gone = records.create(db, "jurisdiction", {"name": "Gone", "state": "TX"})
    records.trash(db, "jurisdiction", gone["id"])
    assert jurisdiction_places(db) == ["Dayton, OH"]
