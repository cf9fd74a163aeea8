"""The quick check of the records (verify --quick): what it checks, what it says it left out, what it finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.row_source import row_source
from desktop_app.core.host.audit_anchor import anchor_path, read_anchor
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping import seals
from desktop_app.core.safekeeping.quick_verify import SKIPPED_BY_QUICK, verify_quickly, verify_quickly_at
from desktop_app.core.safekeeping.seals import anchor_beside
from desktop_app.core.safekeeping.verify import verify_database
from tests import file_samples

from .test_files import attach_one, flip_a_byte, make_partnership

GUARDS = ("audit_event_no_update", "audit_event_no_delete")

# A key folder of each test's own: the keys another test made are not held.
pytestmark = pytest.mark.usefixtures("own_keys")


def _make_events(db: Database) -> int:
    for number in range(4):
        records.create(db, "policy", {"kind": "procedure", "title": f"Procedure {number}"})
    with db.reading() as session:
        return int(session.execute(text("SELECT count(*) FROM audit_event")).scalar_one())


def _around_the_program(db: Database, statement: str) -> None:
    """Runs SQL with the guards that keep the audit trail append-only set aside, as another tool could."""
    with db.writing() as session:
        if db.is_sqlite:
            guards = dict(session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
            for name in GUARDS:
                session.execute(text(f"DROP TRIGGER {name}"))
            session.execute(text(statement))
            for name in GUARDS:
                session.execute(text(guards[name]))
        else:
            session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            session.execute(text(statement))
            session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def test_sound_records_pass_and_the_report_names_what_it_left_out(db: Database, location: DataLocation) -> None:
    events = _make_events(db)
    report = verify_quickly_at(location)
    assert report.ok, report.lines()
    expected = ["Database schema", "Audit trail"]
    assert list(report.checks) == (["Database integrity", *expected] if db.is_sqlite else expected)
    assert report.counts["Audit trail"] == events
    lines = report.lines()
    assert "Stored files: not checked (--quick); run verify without --quick to rehash every file" in lines
    for name in ("Audit event contents", "Issued letters", "Records against the audit trail"):
        assert any(line.startswith(f"{name}: not checked (--quick); ") for line in lines), lines
    assert ("References between records" in report.skipped) == db.is_sqlite
    assert lines[-1] != "All checks passed." and "not checked was not looked at" in lines[-1]
    assert verify_database(db).lines()[-1] == "All checks passed."


def test_read_without_the_database_layer_it_says_what_the_ordinary_way_says(
    db: Database, location: DataLocation
) -> None:
    _make_events(db)
    _around_the_program(db, "DELETE FROM audit_event WHERE seq = 2")
    with db.reading_rows() as connection:
        ordinary = verify_quickly(row_source(connection), read_anchor(db.url))
    quick = verify_quickly_at(location)
    assert quick.lines() == ordinary.lines()
    assert quick.checks["Audit trail"][0] == "Audit event 2 is missing (deleted)."
    assert "Audit event 2 is missing (deleted)." in verify_database(db).checks["Audit trail"]


def test_a_rolled_back_trail_is_found_by_its_anchor(db: Database, location: DataLocation) -> None:
    events = _make_events(db)
    _around_the_program(db, f"DELETE FROM audit_event WHERE seq = {events}")
    report = verify_quickly_at(location)
    assert not report.ok
    [problem] = report.checks["Audit trail"]
    assert f"ends at event {events - 1}" in problem and "deleted" in problem


def test_a_rewritten_head_and_a_broken_seal_are_found(db: Database, location: DataLocation) -> None:
    events = _make_events(db)
    _around_the_program(db, f"UPDATE audit_event SET hash = '{'f' * 64}' WHERE seq = {events}")
    problems = verify_quickly_at(location).checks["Audit trail"]
    assert f"Audit event {events} was rewritten around the program: its seal does not match it." in problems
    assert any("the audit trail was rewritten" in problem for problem in problems), problems


def test_an_event_with_its_contents_changed_is_left_to_the_full_check(db: Database, location: DataLocation) -> None:
    _make_events(db)
    _around_the_program(db, "UPDATE audit_event SET actor = 'someone else' WHERE seq = 2")
    assert verify_quickly_at(location).ok
    assert any("Audit event 2" in problem for problem in verify_database(db).checks["Audit trail"])


def test_a_damaged_schema_is_found(db: Database, location: DataLocation) -> None:
    _make_events(db)
    with db.writing() as session:
        session.execute(text("CREATE TABLE stray_notes (note TEXT)"))
    report = verify_quickly_at(location)
    assert not report.ok
    assert any("stray_notes" in problem for problem in report.checks["Database schema"]), report.lines()
    assert report.checks["Audit trail"] == []


def test_a_damaged_stored_file_is_left_to_the_full_check(db: Database, location: DataLocation, tmp_path: Path) -> None:
    path = file_samples.text_pdf(tmp_path / "agreement.pdf", ["Agreement of friendship"])
    attached = attach_one(db, path, make_partnership(db))
    flip_a_byte(db, attached["sha256"])
    assert verify_quickly_at(location).ok
    full = verify_database(db)
    assert not full.ok and full.checks["Stored files"], full.lines()


def test_the_anchor_is_read_where_the_program_keeps_it(db: Database, location: DataLocation) -> None:
    if location.sqlite_path is None:
        pytest.skip("a server's anchor is kept by its address, in the key folder")
    _make_events(db)
    assert anchor_path(db.url) == location.sqlite_path.with_name(location.sqlite_path.name + ".anchor.json")
    assert anchor_beside(location.sqlite_path) == read_anchor(db.url)
    assert anchor_beside(location.sqlite_path)[1] is not None


def test_every_check_left_out_says_how_to_run_it() -> None:
    assert all(how.startswith("run verify without --quick to ") for how in SKIPPED_BY_QUICK.values())


def test_the_trail_is_read_a_page_at_a_time_without_losing_an_event(
    db: Database, location: DataLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _make_events(db)
    _around_the_program(db, "DELETE FROM audit_event WHERE seq = 3")
    monkeypatch.setattr(seals, "TRAIL_PAGE", 2)
    report = verify_quickly_at(location)
    assert report.counts["Audit trail"] == events - 1
    assert report.checks["Audit trail"] == [
        "Audit event 3 is missing (deleted).",
        "Audit event 4 does not follow the event before it (the chain is broken).",
    ]
    _around_the_program(db, f"UPDATE audit_event SET seal = '' WHERE seq = {events}")
    problems = verify_quickly_at(location).checks["Audit trail"]
    assert f"Audit event {events} carries no seal: it was written around the program." in problems
