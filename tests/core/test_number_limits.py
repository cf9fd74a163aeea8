"""Numbers out of range and broken text are refused with a sentence naming the field, before any database is asked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import LARGEST_NUMBER_IN_FILE, export_records_file
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.records import service as records
from desktop_app.core.records.fields import (
    LARGEST_CENTS,
    LARGEST_WHOLE_NUMBER,
    Field,
    cents,
    integer,
    parse_value,
    ref,
    text,
)
from desktop_app.core.safekeeping.opening import open_database

YEAR = integer("established_year", "Year established")
PARTNER = ref("partner_id", "Partner community", "partner")
FUNDING = cents("funding_city_cents", "Funding from the city")
NAME = text("name", "Name")
FIVE_THOUSAND_DIGITS = "9" * 5000


# ----- one value, as the window, a table or the command line gives it ---------------------------------------


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (YEAR, "2015", 2015),
        (YEAR, 2015.0, 2015),
        (YEAR, str(LARGEST_WHOLE_NUMBER), LARGEST_WHOLE_NUMBER),
        (PARTNER, " 12 ", 12),
        (FUNDING, "1,250.50", 125050),
        (FUNDING, LARGEST_CENTS, LARGEST_CENTS),
        (NAME, "Shanghai 上海", "Shanghai 上海"),
    ],
)
def test_values_within_range_are_kept(spec: Field, raw: Any, expected: Any) -> None:
    assert parse_value(spec, raw) == (expected, None)


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (YEAR, str(2**63), "Year established must be a whole number from 0 to 2,147,483,647"),
        (YEAR, 2**63, "Year established must be a whole number from 0 to 2,147,483,647"),
        (YEAR, str(LARGEST_WHOLE_NUMBER + 1), "(not 2,147,483,648)"),
        (YEAR, FIVE_THOUSAND_DIGITS, "(this one has 5,000 digits)"),
        (YEAR, "-4", "(not -4)"),
        (YEAR, True, "Year established must be a whole number."),
        (PARTNER, "100000000000000000000", "Partner community must be a whole number from 0"),
        (FUNDING, LARGEST_CENTS + 1, "Funding from the city is larger than any amount"),
        (FUNDING, FIVE_THOUSAND_DIGITS + ".00", "Funding from the city is larger than any amount"),
        (NAME, "Ab\udc80c", "Name holds a broken character"),
        (YEAR, "20\udcff15", "Year established holds a broken character"),
    ],
)
def test_values_out_of_range_get_a_sentence_naming_the_field(spec: Field, raw: Any, expected: str) -> None:
    value, problem = parse_value(spec, raw)
    assert value is None
    assert problem is not None and expected in problem


def test_a_table_with_numbers_out_of_range_is_refused_row_by_row(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    table.write_text(
        "City,State,Partner,Country,Year\n"
        "Springfield,IL,Hefei,China,1990\n"
        f"Springfield,IL,Wuhan,China,{2**63}\n"
        f"Springfield,IL,Xi'an,China,{FIVE_THOUSAND_DIGITS}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as refused:
        import_file(db, table)
    assert "row 3: Year established must be a whole number from 0 to 2,147,483,647" in refused.value.message
    assert "row 4: Year established must be a whole number" in refused.value.message
    assert "row 2" not in refused.value.message
    assert records.count_records(db, "partnerships") == 0


# ----- the records file --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A records file of one city's partnerships, an activity with funding, and the built-in inquiry."""
    folder = tmp_path_factory.mktemp("source")
    source, _ = open_database(resolve_location(folder / "data"))
    load_sample_data(source, "Houston, TX")
    partnership = records.list_records(source, "partnerships")[0]
    records.create(
        source,
        "activity",
        {
            "partnership_id": partnership["id"],
            "kind": "inbound_delegation",
            "starts_on": "2019-05-01",
            "funding_city_cents": "10.00",
        },
    )
    export_records_file(source, folder / "records.json")
    source.dispose()
    document: dict[str, Any] = json.loads((folder / "records.json").read_text(encoding="utf-8"))
    return document


Change = Callable[[dict[str, Any]], None]


def _renumber_partner(number: int) -> Change:
    def change(records_: dict[str, Any]) -> None:
        old = records_["partners"][0]["id"]
        records_["partners"][0]["id"] = number
        for partnership in records_["partnerships"]:
            if partnership["partner_id"] == old:
                partnership["partner_id"] = number

    return change


def _setting(section: str, name: str, value: Any) -> Change:
    def change(records_: dict[str, Any]) -> None:
        records_[section][0][name] = value

    return change


def _question_id(records_: dict[str, Any]) -> None:
    records_["inquiries"][0]["questions"][0]["id"] = 2**31


def _broken_field_name(records_: dict[str, Any]) -> None:
    records_["partners"][0]["note\udc80"] = ""


def _written(document: dict[str, Any], change: Change, path: Path) -> Path:
    changed = json.loads(json.dumps(document))
    change(changed["records"])
    path.write_text(json.dumps(changed), encoding="utf-8")  # ASCII: a lone surrogate is written as \udc80
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_renumber_partner(2**63 - 1), "the id of partner community entry 1 is 9,223,372,036,854,775,807"),
        (_renumber_partner(LARGEST_NUMBER_IN_FILE + 1), "from 1 to 1,073,741,824"),
        (_setting("partnerships", "established_year", 2**63), "the established_year of partnership entry 1 is"),
        (_setting("partnerships", "established_year", LARGEST_WHOLE_NUMBER + 1), "at most 2,147,483,647"),
        (_setting("activities", "funding_city_cents", LARGEST_CENTS + 1), "the funding_city_cents of activity"),
        (_setting("status_changes", "id", 10**20), "the id of status change entry 1 is 100,000,000,000,000,000,000"),
        (_question_id, "the id of question entry 1 of inquiry entry 1"),
        (_setting("partners", "name", "Shang\udc80hai"), "the name of partner community entry 1 holds a broken"),
        (_broken_field_name, "partner community entry 1 has a field name holding a broken character"),
    ],
    ids=[
        "partner id 2**63-1",
        "partner id past the file's largest",
        "year 2**63",
        "year past INTEGER",
        "cents past 2**53",
        "status change id 10**20",
        "question id 2**31",
        "lone surrogate in a name",
        "lone surrogate in a field name",
    ],
)
def test_a_records_file_out_of_range_is_refused_naming_the_entry_and_field(
    db: Database, tmp_path: Path, records_document: dict[str, Any], change: Change, expected: str
) -> None:
    path = _written(records_document, change, tmp_path / "records.json")
    with pytest.raises(UserError) as refused:
        import_file(db, path)
    assert refused.value.message.startswith("records.json: ")
    assert expected in refused.value.message
    assert records.count_records(db, "partnerships") == 0


def test_a_records_file_number_too_long_for_python_is_refused(
    db: Database, tmp_path: Path, records_document: dict[str, Any]
) -> None:
    path = _written(records_document, _setting("partnerships", "established_year", 424242), tmp_path / "long.json")
    path.write_text(path.read_text(encoding="utf-8").replace("424242", FIVE_THOUSAND_DIGITS), encoding="utf-8")
    with pytest.raises(UserError, match="established_year of partnership entry 1 is a number of 5,000 digits"):
        import_file(db, path)


def test_the_largest_numbers_a_records_file_may_give_leave_room_for_later_imports(
    db: Database, tmp_path: Path, records_document: dict[str, Any]
) -> None:
    def largest(records_: dict[str, Any]) -> None:
        _renumber_partner(LARGEST_NUMBER_IN_FILE)(records_)
        records_["activities"][0]["funding_city_cents"] = LARGEST_CENTS

    import_file(db, _written(records_document, largest, tmp_path / "records.json"))
    table = tmp_path / "more.csv"
    table.write_text("City,State,Partner,Country\nSpringfield,IL,Hefei,China\n", encoding="utf-8")
    assert "added 1 partnership" in " ".join(import_file(db, table).lines())
    partners = {row["name"]: row["id"] for row in records.list_records(db, "partners")}
    assert partners["Hefei"] > LARGEST_NUMBER_IN_FILE
    assert records.list_records(db, "activities")[0]["funding_city_cents"] == LARGEST_CENTS
