"""The preview of a partnership import (columns, first rows, problems, dry-run counts) and stopping imports, exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.interchange.csv_export import export_csv
from desktop_app.core.interchange.import_preview import preview_import
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.interchange.records_file import export_records_file
from desktop_app.core.records import service as records

TABLE = (
    "City,State,Partner City,Country,Year,Mayor's phone\n"
    "Springfield,IL,Hefei,China,1990,555-0100\n"
    "Springfield,IL,Xi'an,China,19x9,\n"
    "Dayton,OH,Nanjing,China,2001,\n"
    ",OH,Suzhou,China,2003,\n"
)


def write_table(tmp_path: Path, text: str = TABLE) -> Path:
    path = tmp_path / "partnerships.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_names_columns_rows_and_problems_without_writing(db: Database, tmp_path: Path) -> None:
    preview = preview_import(db, write_table(tmp_path), first_rows=2)
    assert preview.columns_used == {
        "City": "us_city",
        "State": "us_state",
        "Partner City": "partner_name",
        "Country": "country_name",
        "Year": "established_year",
    }
    assert preview.columns_ignored == ["Mayor's phone"]
    assert preview.first_rows == [
        (2, ["Springfield", "IL", "Hefei", "China", "1990", "555-0100"]),
        (3, ["Springfield", "IL", "Xi'an", "China", "19x9", ""]),
    ]
    assert preview.rows == 4
    assert preview.problem_rows == [3, 5]
    assert any("whole number" in problem for problem in preview.problems_of_row(3))
    assert preview.problems_of_row(5) == ["the US city is empty."]
    assert preview.partnerships_would_add == 2
    assert preview.summary() == "2 partnerships would be added, 2 rows have problems."
    assert not preview.importable
    assert records.count_records(db, "partnerships") == 0
    assert records.count_records(db, "jurisdictions") == 0


def test_preview_of_a_sound_table_counts_what_is_there_already(db: Database, tmp_path: Path) -> None:
    sound = write_table(
        tmp_path, "City,State,Partner City,Country\nDayton,OH,Nanjing,China\nDayton,OH,Augsburg,Germany\n"
    )
    import_file(db, sound)
    (tmp_path / "more.csv").write_text(
        "City,State,Partner City,Country\nDayton,OH,Nanjing,China\nDayton,OH,Hefei,China\nDayton,OH,Sapporo,Japan\n",
        encoding="utf-8",
    )
    preview = preview_import(db, tmp_path / "more.csv")
    assert preview.importable
    assert (preview.partnerships_would_add, preview.partnerships_present) == (2, 1)
    assert preview.summary() == "2 partnerships would be added (1 already in the records)."
    assert records.count_records(db, "partnerships") == 2


def test_preview_refuses_a_table_without_a_home_city_to_fall_back_on(db: Database, tmp_path: Path) -> None:
    preview = preview_import(db, write_table(tmp_path, "Partner City,Country\nNanjing,China\n"))
    assert "clerk's own city is not set" in preview.refused
    assert not preview.importable


def test_preview_refuses_a_records_file_with_a_sentence(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"format": "sister-city-records"}), encoding="utf-8")
    with pytest.raises(UserError, match="not a table of partnerships"):
        preview_import(db, path)


def test_an_import_stopped_before_it_commits_keeps_nothing(db: Database, tmp_path: Path) -> None:
    path = write_table(tmp_path, "City,State,Partner City,Country\nDayton,OH,Nanjing,China\n")
    steps: list[tuple[int, int]] = []

    def stop_once_written() -> bool:
        return len(steps) >= 2  # asked after the rows are written, before the commit

    with pytest.raises(Stopped):
        import_file(db, path, progress=lambda done, total: steps.append((done, total)), cancel=stop_once_written)
    assert steps == [(0, 2), (1, 2)]
    assert records.count_records(db, "partnerships") == 0
    assert records.count_records(db, "jurisdictions") == 0


def test_stopped_exports_write_no_file(db: Database, tmp_path: Path) -> None:
    records.create(db, "jurisdiction", {"name": "Dayton", "state": "OH", "kind": "city"})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Stopped):
        export_records_file(db, out / "records.json", cancel=lambda: True)
    with pytest.raises(Stopped):
        export_csv(db, "jurisdictions", out / "places.csv", cancel=lambda: True)
    assert list(out.iterdir()) == []


def test_exports_report_their_progress(db: Database, tmp_path: Path) -> None:
    records.create(db, "jurisdiction", {"name": "Dayton", "state": "OH", "kind": "city"})
    sections: list[tuple[int, int]] = []
    export_records_file(db, tmp_path / "records.json", progress=lambda done, total: sections.append((done, total)))
    assert sections[0][0] == 0 and sections[-1][0] == sections[-1][1] - 1
    assert [done for done, _total in sections] == list(range(len(sections)))
    assert json.loads((tmp_path / "records.json").read_text(encoding="utf-8"))["records"]["jurisdictions"]
    rows: list[tuple[int, int]] = []
    result = export_csv(db, "jurisdictions", tmp_path / "places.csv", progress=lambda d, t: rows.append((d, t)))
    assert rows == [(0, 1), (1, 1)] and result.rows == 1
    with (tmp_path / "places.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [row["name"] for row in csv.DictReader(handle)] == ["Dayton"]


def test_every_column_an_import_fills_has_words_for_a_clerk() -> None:
    from desktop_app.core.interchange.import_preview import field_label
    from desktop_app.core.interchange.partnership_table import HEADER_SYNONYMS

    labels = [field_label(column) for column in HEADER_SYNONYMS]
    assert labels[:3] == ["US city", "US state", "Partner community"]
    assert all(label and "_" not in label for label in labels)
    assert len(set(labels)) == len(labels)
