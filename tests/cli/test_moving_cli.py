"""move-to, and backup and restore of records on a server, through the real command line."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import reset_postgresql

from .conftest import RunCli, assert_plain_failure, issue_letter

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_server = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


@pytest.fixture
def empty_server() -> str:
    """The test server's database, emptied, with no anchor kept for it."""
    reset_postgresql(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


@pytest.fixture
def clerk(run_cli: RunCli, tmp_path: Path) -> RunCli:
    """The command line over a clerk's records kept in a file (a folder of the test's own, never the server)."""
    return functools.partial(run_cli, data=tmp_path / "clerk")


def clerks_records(clerk: RunCli, tmp_path: Path, *, with_letter: bool = True) -> None:
    """Kansas City's records with an attached file and a status change citing it, and an issued letter."""
    if with_letter:
        issue_letter(clerk, tmp_path)
    else:
        assert clerk("sample-data", "--city", "Kansas City, MO").returncode == 0
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("Council minutes on the partnership review.\n", encoding="utf-8")
    attached = clerk("attach", "--to", "partnership:1", str(minutes))
    assert attached.returncode == 0, attached.stderr
    evidence = attached.stdout.split(":")[0].split()[-1]
    changed = clerk(
        "status", "partnership:1", "suspended", "--on", "2026-01-05", "--reason", "Review", "--evidence", evidence
    )
    assert changed.returncode == 0, changed.stderr


def exported(run_cli: RunCli, path: Path, **where: Any) -> Any:
    """The records file ``export`` writes, read back (it carries no time of writing)."""
    result = run_cli("export", str(path), "--include-personal-data", **where)
    assert result.returncode == 0, result.stderr
    return json.loads(path.read_text(encoding="utf-8"))


@needs_server
def test_records_move_to_a_server_and_come_back_in_its_backup_the_same(
    run_cli: RunCli, clerk: RunCli, empty_server: str, tmp_path: Path
) -> None:
    clerks_records(clerk, tmp_path)
    assert clerk("server-init", empty_server).returncode == 0
    moved = clerk("move-to", empty_server)
    assert moved.returncode == 0, moved.stderr
    assert "3 partnerships" in moved.stdout and "audit trail verified" in moved.stdout
    verified = run_cli("verify", database=empty_server)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    before = exported(run_cli, tmp_path / "server-before.json", database=empty_server)
    refused = clerk("move-to", empty_server)
    assert_plain_failure(refused)
    assert "already holds records" in refused.stderr
    assert exported(run_cli, tmp_path / "server-after.json", database=empty_server) == before
    audit = run_cli("list", "audit", "--json", database=empty_server)
    assert audit.returncode == 0

    backup = tmp_path / "from-server.sqlite3"
    backed_up = run_cli("backup", str(backup), database=empty_server)
    assert backed_up.returncode == 0, backed_up.stderr
    assert Path(str(backup) + ".manifest.json").is_file()
    opened = tmp_path / "opened.sqlite3"  # opening a file converts it; the backup itself stays as written
    shutil.copyfile(backup, opened)
    original = exported(clerk, tmp_path / "original.json")
    assert exported(run_cli, tmp_path / "copy.json", database=str(opened)) == original == before
    copy_audit = run_cli("list", "audit", "--json", database=str(opened))
    assert json.loads(copy_audit.stdout) == json.loads(audit.stdout)


@needs_server
def test_a_file_backup_is_restored_into_an_empty_server_database(
    run_cli: RunCli, clerk: RunCli, empty_server: str, tmp_path: Path
) -> None:
    clerks_records(clerk, tmp_path, with_letter=False)
    backup = tmp_path / "records-backup.sqlite3"
    assert clerk("backup", str(backup)).returncode == 0
    restored = run_cli("restore", str(backup), database=empty_server)
    assert restored.returncode == 0, restored.stderr
    assert "3 partnerships" in restored.stdout
    assert run_cli("verify", database=empty_server).returncode == 0
    assert exported(run_cli, tmp_path / "server.json", database=empty_server) == exported(clerk, tmp_path / "file.json")
    added = run_cli("new", "partner", "--name", "Hefei", database=empty_server)
    assert added.returncode == 0, added.stderr
    again = run_cli("restore", str(backup), database=empty_server)
    assert_plain_failure(again)
    assert "empty" in again.stderr


def test_a_server_that_cannot_be_reached_gets_one_plain_sentence(
    run_cli: RunCli, clerk: RunCli, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://clerk:secret@127.0.0.1:{port}/records"
    assert clerk("init").returncode == 0
    for result in (
        clerk("move-to", url),
        run_cli("backup", str(tmp_path / "copy.sqlite3"), database=url),
    ):
        assert_plain_failure(result)
        assert "cannot be reached" in result.stderr and "secret" not in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
    assert_plain_failure(clerk("move-to", "sqlite:///" + str(tmp_path / "other.sqlite3")))
