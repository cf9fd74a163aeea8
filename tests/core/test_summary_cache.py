"""The home summary saved for the next start: used only when the records, the date and the schema are unchanged."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.files.attachments import attach_files
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.restore_backup import restore_backup
from desktop_app.core.summary.cache import (
    save_summary,
    saved_summary,
    summary_file,
    summary_from_plain,
    summary_to_plain,
)
from desktop_app.core.summary.compute import summary_and_state
from desktop_app.core.summary.data import DashboardSummary, FollowUp, QuestionEvidence, UnreviewedPartnership

TODAY = "2026-06-01"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY)


def _partnership(db: Database, partner: str) -> dict[str, object]:
    home = set_home_jurisdiction(db, "Springfield", "IL")
    other = records.create(db, "partner", {"name": partner, "country_name": "China"})
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other["id"]})


def _save_current(db: Database, location: DataLocation) -> DashboardSummary:
    summary, state = summary_and_state(db)
    assert state is not None
    save_summary(location, summary, state)
    return summary


def test_every_part_of_a_summary_survives_the_round_trip_through_json() -> None:
    summary = DashboardSummary(
        as_of=dt.date(2026, 6, 1),
        partnership_status_counts={"active": 3, "dormant": 1},
        record_counts={"partnerships": 4, "oversight": 2},
        unconfirmed_partnerships=1,
        overdue_count=9,
        due_soon_count=1,
        overdue=(FollowUp(7, "Risk assessment", dt.date(2026, 5, 1), "Springfield – Hefei (合肥), China"),),
        due_soon=(FollowUp(8, "Training", dt.date(2026, 6, 15), "Program-wide"),),
        unreviewed_count=2,
        unreviewed=(
            UnreviewedPartnership(3, "Springfield – Hefei", None),
            UnreviewedPartnership(4, "X", dt.date(2024, 1, 2)),
        ),
        inquiry_id=5,
        inquiry_subject="Sister-city partnerships",
        questions=(QuestionEvidence(1, "Transparency", ("Transparency", "Espionage"), 2, 3, 0),),
    )
    assert summary_from_plain(json.loads(json.dumps(summary_to_plain(summary)))) == summary
    no_inquiry = DashboardSummary(dt.date(2026, 6, 1), {}, {}, 0, 0, 0, (), (), 0, ())
    assert summary_from_plain(json.loads(json.dumps(summary_to_plain(no_inquiry)))) == no_inquiry


def test_the_saved_summary_is_used_while_the_records_are_unchanged(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _partnership(db, "Hefei")
    summary = _save_current(db, location)
    assert summary.record_counts["partnerships"] == 1
    assert saved_summary(location) == summary
    db.dispose()  # and at the next start, with the database closed
    assert saved_summary(location) == summary


def test_any_change_to_a_record_makes_the_saved_summary_unusable(
    sqlite_only: None, db: Database, location: DataLocation, tmp_path: Path
) -> None:
    partnership = _partnership(db, "Hefei")
    _save_current(db, location)
    records.create(db, "policy", {"kind": "procedure", "title": "Visa vetting", "topics": ["visa_programs"]})
    assert saved_summary(location) is None
    _save_current(db, location)
    records.change_status(db, int(partnership["id"]), "suspended", changed_on=TODAY, reason="Review")
    assert saved_summary(location) is None
    _save_current(db, location)
    records.trash(db, "partnership", int(partnership["id"]))
    assert saved_summary(location) is None
    _save_current(db, location)
    records.restore(db, "partnership", int(partnership["id"]))
    assert saved_summary(location) is None
    _save_current(db, location)
    evidence = tmp_path / "minutes.txt"
    evidence.write_text("Minutes of the council meeting.", encoding="utf-8")
    attach_files(db, [evidence], "partnership", int(partnership["id"]))
    assert saved_summary(location) is None
    _save_current(db, location)
    table = tmp_path / "partnerships.csv"
    table.write_text("City,State,Partner City,Country,Status\nDayton,OH,Augsburg,Germany,active\n", encoding="utf-8")
    assert import_file(db, table).partnerships_added == 1
    assert saved_summary(location) is None
    fresh = _save_current(db, location)
    assert fresh.record_counts["partnerships"] == 2 and fresh.record_counts["attachments"] == 1
    assert saved_summary(location) == fresh


def test_a_summary_saved_on_another_day_is_not_used(
    sqlite_only: None, db: Database, location: DataLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save_current(db, location)
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-06-02")
    assert saved_summary(location) is None


def test_a_missing_damaged_or_foreign_file_gives_no_saved_summary(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    assert saved_summary(location) is None
    _save_current(db, location)
    path = summary_file(location)
    good = json.loads(path.read_text(encoding="utf-8"))
    changes = [
        "not json {",
        json.dumps([1, 2]),
        json.dumps({**good, "schema_head": "0001"}),
        json.dumps({**good, "database": str(location.data_dir / "other.sqlite3")}),
        json.dumps({**good, "program": "another"}),
        json.dumps({**good, "records_state": [1, "0" * 64]}),
        json.dumps({**good, "summary": {**good["summary"], "overdue_count": "many"}}),
        json.dumps({**good, "summary": {**good["summary"], "overdue": [[1, "x"]]}}),
        json.dumps({key: value for key, value in good.items() if key != "summary"}),
    ]
    for text in changes:
        path.write_text(text, encoding="utf-8")
        assert saved_summary(location) is None, text
    path.write_bytes(b"\xff\xfe\x00")
    assert saved_summary(location) is None
    path.write_text(json.dumps(good), encoding="utf-8")
    assert saved_summary(location) is not None


def test_a_database_at_another_schema_or_not_a_database_gives_no_saved_summary(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _save_current(db, location)
    db.dispose()
    assert location.sqlite_path is not None
    with sqlite3.connect(location.sqlite_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    assert saved_summary(location) is None
    location.sqlite_path.unlink()
    for suffix in ("-wal", "-shm"):
        location.sqlite_path.with_name(location.sqlite_path.name + suffix).unlink(missing_ok=True)
    assert saved_summary(location) is None
    location.sqlite_path.write_bytes(b"not a database at all" * 100)
    assert saved_summary(location) is None


def test_restoring_an_older_backup_makes_the_saved_summary_unusable(
    sqlite_only: None, db: Database, location: DataLocation, tmp_path: Path
) -> None:
    _partnership(db, "Hefei")
    backup = Path(create_backup(location, tmp_path / "saved.sqlite3").path)
    _partnership(db, "Added after the backup")
    _save_current(db, location)
    db.dispose()
    restore_backup(location, backup)
    assert saved_summary(location) is None
    restored, _ = open_database(location, create=False)
    try:
        summary = _save_current(restored, location)
        assert summary.record_counts["partnerships"] == 1
        assert saved_summary(location) == summary
    finally:
        restored.dispose()


@pytest.mark.skipif(os.name != "posix", reason="owner-only rights are a POSIX notion")
def test_the_saved_summary_is_readable_by_its_owner_only(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _save_current(db, location)
    path = summary_file(location)
    (path.parent / ".home-summary-left.tmp").write_text("from a program stopped half-way through a save")
    _save_current(db, location)  # replaced, not rewritten in place
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]


def test_no_summary_is_saved_or_read_for_a_database_server(db: Database, location: DataLocation) -> None:
    if location.sqlite_path is not None:
        pytest.skip("this test is about a database server")
    summary, state = summary_and_state(db)
    assert state is None and summary.record_counts["inquiries"] == 1
    assert saved_summary(location) is None


READ_AND_LIST = """
import json, sys
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.summary.cache import saved_summary
summary = saved_summary(resolve_location(sys.argv[1]))
loaded = sorted(name for name in sys.modules if name.startswith("sqlalchemy"))
print(json.dumps({"found": summary is not None, "loaded": loaded}))
"""


def test_reading_the_saved_summary_does_not_load_the_database_layer(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _partnership(db, "Hefei")
    _save_current(db, location)
    result = subprocess.run(
        [sys.executable, "-c", READ_AND_LIST, str(location.data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "SISTER_CITY_RECORDS_TODAY": TODAY},
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"found": True, "loaded": []}


def test_a_new_database_in_place_of_the_summed_one_gives_no_saved_summary(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _save_current(db, location)  # the records hold only the built-in letter, added when they were created
    db.dispose()
    assert location.sqlite_path is not None
    for suffix in ("", "-wal", "-shm"):
        location.sqlite_path.with_name(location.sqlite_path.name + suffix).unlink(missing_ok=True)
    created, _ = open_database(location)  # adds the built-in letter again, with an audit event of its own
    try:
        assert saved_summary(location) is None
    finally:
        created.dispose()


def test_a_view_in_the_place_of_the_audit_trail_gives_no_saved_summary_and_ends(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _save_current(db, location)
    db.dispose()
    assert location.sqlite_path is not None
    with sqlite3.connect(location.sqlite_path) as connection:
        connection.execute("DROP TABLE audit_event")
        connection.execute(
            "CREATE VIEW audit_event AS WITH RECURSIVE n(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM n) "
            "SELECT seq, '' AS hash FROM n"
        )
    assert saved_summary(location) is None
