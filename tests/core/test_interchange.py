"""Import of partnership tables (CSV, XLSX) and of the records file; export; the shipped JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.host.resources import resource_path
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import build_schema, export_records_file
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.opening import open_database

CSV_TEXT = (
    "City,State,Partner City,Province,Country,Year,Status,Native name\n"
    "Springfield,IL,Hefei,Anhui,China,1990,active,合肥\n"
    "Springfield,IL,Xi'an,Shaanxi,China,,Suspended,西安\n"
    "Dayton,OH,Nanjing,Jiangsu,China,2001,terminated,\n"
)


def count(db: Database, kind: str) -> int:
    return records.count_records(db, kind)


def test_csv_import_maps_headers_and_adds_partnerships(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    table.write_text(CSV_TEXT, encoding="utf-8")
    report = import_file(db, table)
    assert "added 3 partnerships" in " ".join(report.lines())
    listed = {r["partner_name"]: r for r in records.list_records(db, "partnerships")}
    assert listed["Hefei"]["partner_native_name"] == "合肥"
    assert listed["Xi'an"]["status"] == "suspended"
    assert listed["Hefei"]["established_year"] == 1990
    again = import_file(db, table)
    assert "added 0 partnerships (3 already in the records)" in " ".join(again.lines())
    assert count(db, "partnerships") == 3


def test_dry_run_reports_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    table.write_text(CSV_TEXT, encoding="utf-8")
    report = import_file(db, table, dry_run=True)
    assert "would add 3 partnerships" in " ".join(report.lines())
    assert count(db, "partnerships") == 0
    assert count(db, "jurisdictions") == 0


def test_a_bad_row_imports_nothing_and_names_the_row(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    table.write_text(CSV_TEXT + "Dayton,OH,Augsburg,Bavaria,Germany,19x9,active,\n", encoding="utf-8")
    with pytest.raises(UserError, match="row 5: Year established must be a whole number"):
        import_file(db, table)
    assert count(db, "partnerships") == 0


def test_xlsx_import(db: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["US city", "US state", "Foreign city", "Country", "Established"])
    sheet.append(["Columbus", "OH", "Hefei", "China", "1988-06-01"])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "partnerships.xlsx"
    workbook.save(path)
    import_file(db, path)
    (row,) = records.list_records(db, "partnerships")
    assert row["jurisdiction_name"] == "Columbus" and str(row["established_on"]) == "1988-06-01"


def test_a_table_without_a_city_column_goes_to_the_clerks_own_city(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "ours.csv"
    table.write_text("Partner,Country\nHefei,China\n", encoding="utf-8")
    with pytest.raises(UserError, match="own city is not set"):
        import_file(db, table)
    set_home_jurisdiction(db, "Columbus", "OH")
    import_file(db, table)
    assert records.list_records(db, "partnerships")[0]["jurisdiction_name"] == "Columbus"


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "is empty"),
        (bytes(range(256)) * 8, "is not a CSV"),
        (b"PK\x03\x04 not really a zip", "compressed file but not an Excel workbook"),
        (b"Colour,Shape\nred,round\n", "no column naming the partner"),
        (b"Partner\n", "no rows to import"),
        (b"{ not json", "not well-formed JSON"),
        (b'{"format": "something-else"}', "not a Sister City Records records file"),
    ],
)
def test_bad_files_get_a_sentence_and_change_nothing(
    db: Database, tmp_path: Path, content: bytes, sentence: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=sentence):
        import_file(db, path)
    assert count(db, "partnerships") == 0


def test_missing_file_and_folder_are_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="There is no file"):
        import_file(db, tmp_path / "missing.csv")
    with pytest.raises(UserError, match="is a folder"):
        import_file(db, tmp_path)


def test_the_shipped_schema_is_the_one_the_program_builds() -> None:
    with resource_path("schema", "records-file.schema.json").open(encoding="utf-8") as handle:
        assert json.load(handle) == build_schema()


def _filled(location: DataLocation) -> Database:
    db, _ = open_database(location)
    load_sample_data(db, "Kansas City, MO")
    partnership = records.list_records(db, "partnerships")[0]
    activity = records.create(
        db,
        "activity",
        {
            "partnership_id": partnership["id"],
            "kind": "inbound_delegation",
            "starts_on": "2019-05-01",
            "funding_city_cents": "1250.50",
        },
    )
    records.create(
        db,
        "participant",
        {
            "activity_id": activity["id"],
            "name": "Planted Name",
            "visa_category": "j1",
            "vetting_steps": "identity_checked",
        },
    )
    records.create(
        db,
        "oversight",
        {
            "partnership_id": partnership["id"],
            "kind": "risk_assessment",
            "action_on": "2024-02-01",
            "topics": "espionage economic_coercion",
            "finding": "No concerns found.",
            "risk_level": "low",
        },
    )
    records.create(
        db,
        "agreement",
        {
            "partnership_id": partnership["id"],
            "title": "Sister City Agreement",
            "signed_on": "1989-05-01",
            "topics": "transparency",
            "binding": "no",
        },
    )
    records.create(db, "policy", {"kind": "code_of_conduct", "title": "Delegation code", "topics": "espionage"})
    records.change_status(db, partnership["id"], "suspended", changed_on="2025-01-01", reason="Review")
    policy = records.create(db, "policy", {"kind": "training", "title": "Trashed training"})
    records.trash(db, "policy", policy["id"])
    return db


def test_records_file_round_trip_gives_the_same_file(tmp_path: Path) -> None:
    source = _filled(resolve_location(tmp_path / "one"))
    first = tmp_path / "first.json"
    export_records_file(source, first)
    source.dispose()
    target, _ = open_database(resolve_location(tmp_path / "two"))
    import_file(target, first)
    second = tmp_path / "second.json"
    export_records_file(target, second)
    assert first.read_bytes() == second.read_bytes()
    assert "Planted Name" not in first.read_text(encoding="utf-8")
    with pytest.raises(UserError, match="empty records only"):
        import_file(target, first)
    target.dispose()


def test_personal_data_only_when_asked(tmp_path: Path) -> None:
    db = _filled(resolve_location(tmp_path / "one"))
    with_names = tmp_path / "with.json"
    export_records_file(db, with_names, include_personal_data=True)
    db.dispose()
    document = json.loads(with_names.read_text(encoding="utf-8"))
    assert document["personal_data_included"] is True
    assert document["records"]["participants"][0]["name"] == "Planted Name"


def test_an_invalid_records_file_names_the_place(db: Database, tmp_path: Path) -> None:
    source = _filled(resolve_location(tmp_path / "one"))
    good = tmp_path / "good.json"
    export_records_file(source, good)
    source.dispose()
    document = json.loads(good.read_text(encoding="utf-8"))
    document["records"]["partnerships"][0]["status"] = "friendly"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UserError, match="records/partnerships/0/status"):
        import_file(db, bad)
    document["records"]["partnerships"][0]["status"] = "active"
    document["records"]["partnerships"][0]["partner_id"] = 999
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UserError, match="refers to partner 999"):
        import_file(db, bad)
    assert count(db, "partnerships") == 0


def test_imported_partnerships_are_found_by_search(db: Database, tmp_path: Path) -> None:
    from desktop_app.core.search.query import search

    table = tmp_path / "partnerships.csv"
    table.write_text(CSV_TEXT, encoding="utf-8")
    import_file(db, table)
    found = search(db, "合肥")
    assert [result["record_kind"] for result in found] == ["partnership"]
    assert search(db, "nanjing")[0]["title"].startswith("Dayton, OH")


def test_a_records_file_read_back_is_searchable(tmp_path: Path) -> None:
    from desktop_app.core.search.query import search

    source = _filled(resolve_location(tmp_path / "one"))
    path = tmp_path / "records.json"
    export_records_file(source, path)
    source.dispose()
    target, _ = open_database(resolve_location(tmp_path / "two"))
    import_file(target, path)
    assert any(result["record_kind"] == "oversight" for result in search(target, "concerns"))
    target.dispose()


# ----- large tables: written in bulk, with the indexes built after the rows ---------------------------------


def _many_rows(count: int) -> str:
    lines = ["City,State,Partner City,Province,Country,Year,Status,Native name"]
    for number in range(count):
        lines.append(f"Town {number % 7},OH,Partner {number},Anhui,China,{1980 + number % 40},active,")
    return "\n".join(lines) + "\n"


def _index_names(db: Database) -> list[str]:
    from sqlalchemy import text

    with db.reading() as session:
        return sorted(session.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())


def _import_events(db: Database) -> list[dict[str, object]]:
    from sqlalchemy import select

    from desktop_app.core.db import models

    with db.reading() as session:
        return [
            json.loads(after)
            for after in session.scalars(
                select(models.AuditEvent.after_json).where(models.AuditEvent.action == "import")
            )
        ]


@pytest.fixture
def bulk_from_five_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Takes the bulk path (indexes built after the rows) for small tables too, so that tests stay quick."""
    from desktop_app.core.db import bulk

    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM_ROWS", 5)


@pytest.mark.usefixtures("bulk_from_five_rows")
def test_a_large_import_is_found_audited_and_verified(db: Database, tmp_path: Path) -> None:
    from desktop_app.core.safekeeping.verify import verify_database
    from desktop_app.core.search.query import search

    indexes = _index_names(db) if db.is_sqlite else []
    table = tmp_path / "partnerships.csv"
    table.write_text(_many_rows(40) + "Springfield,IL,Hefei,Anhui,China,1990,active,合肥\n", encoding="utf-8")
    report = import_file(db, table)
    assert "added 41 partnerships" in " ".join(report.lines())
    assert count(db, "partnerships") == 41
    (found,) = search(db, "合肥")
    assert found["record_kind"] == "partnership" and found["title"] == "Springfield, IL – Hefei (合肥), China"
    assert search(db, "partner 17")[0]["title"].startswith("Town 3, OH – Partner 17")
    (event,) = _import_events(db)
    ids = sorted(row["id"] for row in records.list_records(db, "partnerships", records.ListQuery(limit=100)))
    assert event["partnership_ids"] == [[ids[0], ids[-1]]] and ids == list(range(ids[0], ids[0] + 41))
    assert event["partnerships_added"] == 41 and event["jurisdictions_added"] == 8 and event["partners_added"] == 41
    if db.is_sqlite:
        assert _index_names(db) == indexes
    assert verify_database(db).ok


@pytest.mark.usefixtures("bulk_from_five_rows")
def test_a_bad_last_row_of_a_large_table_imports_nothing(db: Database, tmp_path: Path) -> None:
    indexes = _index_names(db) if db.is_sqlite else []
    table = tmp_path / "partnerships.csv"
    table.write_text(_many_rows(60) + "Dayton,OH,Augsburg,Bavaria,Germany,1999,someday,\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"row 62: Status must be one of"):
        import_file(db, table)
    assert count(db, "partnerships") == count(db, "partners") == count(db, "jurisdictions") == 0
    assert _import_events(db) == []
    if db.is_sqlite:
        assert _index_names(db) == indexes


@pytest.mark.usefixtures("bulk_from_five_rows")
def test_a_large_dry_run_changes_nothing(db: Database, tmp_path: Path) -> None:
    from desktop_app.core.search.query import search

    indexes = _index_names(db) if db.is_sqlite else []
    table = tmp_path / "partnerships.csv"
    table.write_text(_many_rows(30), encoding="utf-8")
    report = import_file(db, table, dry_run=True)
    assert "would add 30 partnerships" in " ".join(report.lines())
    assert count(db, "partnerships") == 0 and _import_events(db) == []
    assert search(db, "partner") == []
    if db.is_sqlite:
        assert _index_names(db) == indexes


def test_a_failure_while_writing_leaves_nothing_behind(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from_five_rows: None
) -> None:
    from desktop_app.core.interchange import partnership_table

    def broken(*_args: object) -> None:
        raise UserError("The disk is full, so the change was not saved; free some space and try again.")

    indexes = _index_names(db) if db.is_sqlite else []
    monkeypatch.setattr(partnership_table, "index_documents_in", broken)
    table = tmp_path / "partnerships.csv"
    table.write_text(_many_rows(20), encoding="utf-8")
    with pytest.raises(UserError, match="disk is full"):
        import_file(db, table)
    assert count(db, "partnerships") == count(db, "partners") == count(db, "jurisdictions") == 0
    if db.is_sqlite:
        assert _index_names(db) == indexes


def test_rows_of_any_width_and_names_already_in_the_records(db: Database, tmp_path: Path) -> None:
    from desktop_app.core.search.query import search

    first = tmp_path / "first.csv"
    first.write_text(
        "City,State,Partner City,Province,Country,Native name\nColumbus,OH,Hefei,Anhui,China,合肥\n", encoding="utf-8"
    )
    import_file(db, first)
    second = tmp_path / "second.csv"
    # A short row, a row with extra cells, and names that differ from the stored ones only by case.
    rows = [
        "City,State,Partner City,Province,Country",
        "columbus,oh,HEFEI,anhui,china,extra,cells",
        "Dayton,OH,Nanjing",
    ]
    second.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = import_file(db, second)
    assert "added 1 partnership (1 already in the records), 1 US jurisdiction and 1 partner community" in " ".join(
        report.lines()
    )
    assert search(db, "nanjing")[0]["title"] == "Dayton, OH – Nanjing, "


def test_every_problem_is_named_by_row_in_order(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    table.write_text(
        "City,State,Partner City,Year,Status\n"
        "Dayton,OHIO,Augsburg,1990,active\n"
        ",OH,Hefei,19x0,active\n"
        "Dayton,OH,,1990,never\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as raised:
        import_file(db, table)
    message = raised.value.message
    places = [message.index(part) for part in ("row 2: US state", "row 3: Year", "row 3: the US city", "row 4: ")]
    assert places == sorted(places)
    assert "row 4: Status must be one of" in message and count(db, "partnerships") == 0
