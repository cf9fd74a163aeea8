"""The keyed audit trail: edits made around the program with its own hash function, deleted last events, a
different computer's key, a backup changed after it was written: each found and named."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host import audit_keys
from desktop_app.core.host.audit_anchor import anchor_path, read_anchor
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import event_hash
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.backup_manifest import manifest_path
from desktop_app.core.safekeeping.restore_backup import check_backup_file, restore_backup
from desktop_app.core.safekeeping.verify import verify_database

from .report_records import build_city

GUARDS = ("audit_event_no_update", "audit_event_no_delete")

# A key folder of each test's own: the keys another test made are not held.
pytestmark = pytest.mark.usefixtures("own_keys")


def _make_events(db: Database) -> None:
    for number in range(4):
        records.create(db, "policy", {"kind": "procedure", "title": f"Procedure {number}"})


def _sqlite_file(db: Database) -> Path:
    assert db.engine.url.database
    return Path(db.engine.url.database)


def _around_the_program(path: Path, *statements: str) -> None:
    """Runs SQL on the file with the guards of the audit trail dropped, then puts the guards back as they were."""
    with sqlite3.connect(path) as connection:
        guards = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        for name in GUARDS:
            connection.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            connection.execute(statement)
        for name in GUARDS:
            connection.execute(guards[name])
    sqlite3.connect(path).close()


def _recompute_chain(path: Path, start: int) -> None:
    """Computes the hashes of every event from ``start`` on again, with the program's own function."""
    with sqlite3.connect(path) as connection:
        guards = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        for name in GUARDS:
            connection.execute(f"DROP TRIGGER {name}")
        rows = connection.execute(
            "SELECT seq, occurred_at, actor, action, record_kind, record_id, before_json, after_json, prev_hash "
            "FROM audit_event WHERE seq >= ? ORDER BY seq",
            (start,),
        ).fetchall()
        prev = connection.execute("SELECT hash FROM audit_event WHERE seq = ?", (start - 1,)).fetchone()[0]
        for row in rows:
            new_hash = event_hash(*row[:8], prev)
            connection.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, new_hash, row[0]))
            prev = new_hash
        for name in GUARDS:
            connection.execute(guards[name])


def _audit_lines(db: Database) -> list[str]:
    report = verify_database(db)
    assert not report.ok
    return report.checks["Audit trail"]


def test_untouched_records_verify_and_are_anchored(db: Database, sqlite_only: None, own_keys: Path) -> None:
    _make_events(db)
    assert verify_database(db).ok, verify_database(db).lines()
    exists, anchor = read_anchor(db.url)
    assert exists and anchor is not None and anchor.verdict() is True
    with db.reading() as session:
        head = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
        seals = session.execute(text("SELECT seal FROM audit_event")).scalars().all()
    assert (anchor.seq, anchor.hash) == (head.seq, head.hash)
    assert all(seal.startswith(audit_keys.current_key().key_id + ":") for seal in seals)
    assert anchor_path(db.url) == _sqlite_file(db).with_name(_sqlite_file(db).name + ".anchor.json")


def test_an_event_rewritten_and_the_chain_recomputed_is_found(db: Database, sqlite_only: None, own_keys: Path) -> None:
    _make_events(db)
    path = _sqlite_file(db)
    with db.reading() as session:
        seq = session.execute(text("SELECT seq FROM audit_event WHERE after_json LIKE '%Procedure 1%'")).scalar_one()
    _around_the_program(
        path, f"UPDATE audit_event SET after_json = replace(after_json, 'Procedure 1', 'Other') WHERE seq = {seq}"
    )
    _recompute_chain(path, seq)
    lines = _audit_lines(db)
    assert any(f"Audit event {seq} was rewritten around the program" in line for line in lines), lines
    assert any("the audit trail was rewritten" in line for line in lines), lines


def test_seals_stripped_are_found_even_without_the_anchor(db: Database, sqlite_only: None, own_keys: Path) -> None:
    _make_events(db)
    path = _sqlite_file(db)
    _around_the_program(path, "UPDATE audit_event SET seal = '' WHERE seq >= 3")
    _recompute_chain(path, 3)
    anchor = anchor_path(db.url)
    assert anchor is not None
    anchor.unlink()
    lines = _audit_lines(db)
    assert any("Audit event 3 carries no seal" in line for line in lines) or any(
        "Audit event 4 carries no seal" in line for line in lines
    ), lines


def test_the_last_events_deleted_are_found(db: Database, sqlite_only: None, own_keys: Path) -> None:
    _make_events(db)
    path = _sqlite_file(db)
    with db.reading() as session:
        last = session.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
    _around_the_program(path, f"DELETE FROM audit_event WHERE seq = {last}")
    lines = _audit_lines(db)
    assert any(f"ends at event {last - 1}" in line and "deleted" in line for line in lines), lines


def test_an_altered_anchor_is_found(db: Database, sqlite_only: None, own_keys: Path) -> None:
    _make_events(db)
    anchor = anchor_path(db.url)
    assert anchor is not None
    value = json.loads(anchor.read_text(encoding="utf-8"))
    value["seq"] -= 1
    anchor.write_text(json.dumps(value), encoding="utf-8")
    assert any("anchor kept beside the records was altered" in line for line in _audit_lines(db))


def test_records_from_another_computer_need_its_key(
    db: Database, sqlite_only: None, own_keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_events(db)
    exported = tmp_path / "moved.key"
    key = audit_keys.export_key(exported)
    assert exported.stat().st_mode & 0o077 == 0
    monkeypatch.setenv(audit_keys.ENV_KEY_DIR, str(tmp_path / "other-computer"))
    audit_keys.forget_cached_keys()
    lines = _audit_lines(db)
    assert any(key.key_id in line and "does not hold" in line for line in lines), lines
    assert audit_keys.import_key(exported).key_id == key.key_id
    assert verify_database(db).ok, verify_database(db).lines()


def test_on_a_shared_server_events_sealed_on_another_computer_are_noted_not_failed(
    db: Database, own_keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        pytest.skip("on a shared server only: in a file, an unknown key is a problem (the test above)")
    _make_events(db)
    monkeypatch.setenv(audit_keys.ENV_KEY_DIR, str(tmp_path / "another-clerks-computer"))
    audit_keys.forget_cached_keys()
    records.create(db, "policy", {"kind": "procedure", "title": "Written on the other computer"})
    report = verify_database(db)
    assert report.ok, report.lines()
    assert any("sealed on another computer" in note for note in report.notes), report.notes
    assert any(line.startswith("Note: ") for line in report.lines())


def test_a_key_file_that_is_not_one_is_refused(tmp_path: Path, own_keys: Path) -> None:
    bogus = tmp_path / "bogus.key"
    bogus.write_text('{"format": "sister-city-records audit key", "key_id": "00", "secret": "abcd"}', encoding="utf-8")
    with pytest.raises(UserError, match="damaged"):
        audit_keys.import_key(bogus)
    bogus.write_text("not json", encoding="utf-8")
    with pytest.raises(UserError, match="not an audit key file"):
        audit_keys.import_key(bogus)


def test_a_backup_changed_after_it_was_written_is_refused(
    db: Database, location: DataLocation, sqlite_only: None, own_keys: Path
) -> None:
    _make_events(db)
    backup = Path(create_backup(location).path)
    assert manifest_path(backup).exists()
    check_backup_file(backup)
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE policy SET title = 'Changed' WHERE title = 'Procedure 2'")
    with pytest.raises(UserError, match="changed after it was written"):
        check_backup_file(backup)


def test_a_backup_whose_manifest_was_rewritten_is_refused(
    db: Database, location: DataLocation, sqlite_only: None, own_keys: Path
) -> None:
    _make_events(db)
    backup = Path(create_backup(location).path)
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE policy SET title = 'Changed' WHERE title = 'Procedure 2'")
    manifest = manifest_path(backup)
    value = json.loads(manifest.read_text(encoding="utf-8"))
    value["sha256"] = hashlib.sha256(backup.read_bytes()).hexdigest()
    value["size"] = backup.stat().st_size
    manifest.write_text(json.dumps(value), encoding="utf-8")
    with pytest.raises(UserError, match="was altered"):
        check_backup_file(backup)


def test_a_restore_anchors_the_restored_trail(
    db: Database, location: DataLocation, sqlite_only: None, own_keys: Path
) -> None:
    _make_events(db)
    backup = Path(create_backup(location).path)
    records.create(db, "policy", {"kind": "procedure", "title": "After the backup"})
    db.dispose()
    restore_backup(location, backup)
    restored = Database(location.database_url)
    try:
        assert verify_database(restored).ok, verify_database(restored).lines()
    finally:
        restored.dispose()


def _issued_letter(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")
    build_city(db)
    return responses.issue(db, responses.create_draft(db)["id"])


def test_an_issued_letter_names_the_trail_it_was_issued_on(
    db: Database, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = _issued_letter(db, monkeypatch)
    checked = responses.check_issued(db, issued["id"])
    assert checked["audit_sound"] is True and checked["head_intact"] is True
    seq, head_hash = checked["audit_head"]
    with pikepdf.open(io.BytesIO(responses.issued_pdf(db, issued["id"]))) as letter:
        keywords = str(letter.docinfo["/Keywords"])
    assert f"audit trail at issue: event {seq}, SHA-256 {head_hash}" in keywords
    assert checked["regenerated_matches"] and checked["stored_intact"]


def test_a_letter_swapped_with_its_hashes_and_its_issue_event_is_found(
    db: Database, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = _issued_letter(db, monkeypatch)
    forged = "f" * 64
    path = _sqlite_file(db)
    with db.reading() as session:
        seq = session.execute(
            text("SELECT max(seq) FROM audit_event WHERE action = 'issue' AND record_id = :id"), {"id": issued["id"]}
        ).scalar_one()
    _around_the_program(
        path,
        f"UPDATE response SET pdf_sha256 = '{forged}' WHERE id = {issued['id']}",
        f"UPDATE audit_event SET after_json = replace(after_json, '{issued['pdf_sha256']}', '{forged}') "
        f"WHERE seq = {seq}",
    )
    _recompute_chain(path, seq)
    checked = responses.check_issued(db, issued["id"])
    assert checked["matches_audit"]  # the forger made the response and its audit record agree...
    assert checked["audit_sound"] is False  # ...but could not seal the rewritten record
    lines = _audit_lines(db)
    assert any(f"Audit event {seq} was rewritten around the program" in line for line in lines), lines
