"""verify --quick run as a clerk runs it: its exit statuses, what it says it left out, and what it loads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests import file_samples
from tests.cli.conftest import TEST_DATABASE_URL, RunCli
from tests.cli.test_startup_imports import DOCUMENTS_AND_WINDOW, among, loaded_by

LEFT_OUT = "Stored files: not checked (--quick); run verify without --quick to rehash every file"


def _where(data_dir: Path, on_server: bool) -> tuple[list[str], dict[str, str]]:
    if on_server:
        return ["--database", TEST_DATABASE_URL], {"SISTER_CITY_RECORDS_DATA_DIR": str(data_dir)}
    return ["--data-dir", str(data_dir)], {}


def _server_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute(statement)


def test_sound_records_pass_and_the_report_says_what_was_not_checked(
    run_cli: RunCli, data_dir: Path, on_server: bool
) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    assert run_cli("backup").returncode == 0 or on_server
    where, env = _where(data_dir, on_server)
    report = loaded_by(*where, "verify", "--quick", env=env)
    assert report["status"] == 0, report["output"]
    lines = report["output"].splitlines()
    assert "Database schema: ok" in lines and any(line.startswith("Audit trail: ok (") for line in lines)
    assert LEFT_OUT in lines
    assert lines[-1] != "All checks passed."
    # Read through a bare driver connection: no engine, no models.
    assert among(report["modules"], ("desktop_app.core.db.engine", "desktop_app.core.db.models")) == []
    assert among(report["modules"], DOCUMENTS_AND_WINDOW) == []
    if not on_server:
        # A server's anchor is found by its address, which the database layer's address parser reads.
        assert among(report["modules"], ("sqlalchemy",)) == []
    full = run_cli("verify")
    assert full.returncode == 0 and LEFT_OUT not in full.stdout


def test_a_damaged_schema_exits_one(run_cli: RunCli, data_dir: Path, on_server: bool) -> None:
    assert run_cli("init").returncode == 0
    statement = "CREATE TABLE stray_notes (note TEXT)"
    if on_server:
        _server_sql(statement)
    else:
        with sqlite3.connect(data_dir / "records.sqlite3") as connection:
            connection.execute(statement)
    result = run_cli("verify", "--quick")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "stray_notes" in result.stdout and LEFT_OUT in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("sqlite_only")
def test_a_rolled_back_trail_exits_one(run_cli: RunCli, data_dir: Path) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    with sqlite3.connect(data_dir / "records.sqlite3") as connection:
        connection.execute("DROP TRIGGER audit_event_no_delete")
        last = connection.execute("SELECT max(seq) FROM audit_event").fetchone()[0]
        connection.execute("DELETE FROM audit_event WHERE seq = ?", (last,))
    result = run_cli("verify", "--quick")
    assert result.returncode == 1
    assert f"ends at event {last - 1}" in result.stdout


@pytest.mark.usefixtures("sqlite_only")
def test_a_damaged_stored_file_is_found_by_verify_not_by_the_quick_check(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    assert run_cli("sample-data", "--city", "Kansas City, MO").returncode == 0
    pdf = file_samples.text_pdf(tmp_path / "evidence.pdf", ["Evidence"])
    assert run_cli("attach", "--to", "partnership:2", str(pdf)).returncode == 0
    with sqlite3.connect(data_dir / "records.sqlite3") as connection:
        data = bytearray(connection.execute("SELECT data FROM blob_chunk").fetchone()[0])
        data[10] ^= 0x20
        connection.execute("UPDATE blob_chunk SET data = ?", (bytes(data),))
    quick = run_cli("verify", "--quick")
    assert quick.returncode == 0 and LEFT_OUT in quick.stdout
    assert run_cli("verify").returncode == 1
