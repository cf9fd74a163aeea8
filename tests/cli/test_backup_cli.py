"""The backup and restore commands, end to end, and two command-line writers at once."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.safekeeping.instance_lock import acquire_instance_lock
from tests.cli.conftest import REPO_ROOT, RunCli, assert_plain_failure


def records_fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("records.sqlite3", "records.sqlite3-wal"):
        path = data_dir / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.usefixtures("sqlite_only")
def test_backup_then_restore_brings_the_records_back(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("sample-data", "--city", "Columbus, OH").returncode == 0
    saved = tmp_path / "saved.sqlite3"
    result = run_cli("backup", str(saved))
    assert result.returncode == 0 and "passed its check" in result.stdout and saved.exists()
    assert run_cli("sample-data").returncode == 0
    many = run_cli("list", "partnerships").stdout.count("\n")
    result = run_cli("restore", str(saved))
    assert result.returncode == 0, result.stderr
    assert "audit trail verified" in result.stdout and "before-restore" in result.stdout
    assert run_cli("list", "partnerships").stdout.count("\n") == 1 < many
    assert run_cli("verify").returncode == 0
    listed = run_cli("backups")
    assert listed.returncode == 0 and "before-restore" in listed.stdout


def test_backup_without_a_file_goes_to_the_backups_folder(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    result = run_cli("backup")
    assert result.returncode == 0, result.stderr
    assert len(list((data_dir / "backups").glob("records-*-manual.sqlite3"))) == 1
    chosen = tmp_path / "elsewhere"
    assert run_cli("backup-folder", str(chosen)).returncode == 0
    assert run_cli("backup").returncode == 0
    assert len(list(chosen.glob("records-*-manual.sqlite3"))) == 1
    assert str(chosen) in run_cli("backup-folder").stdout
    assert run_cli("backup-folder", "--default").returncode == 0


@pytest.mark.usefixtures("sqlite_only")
def test_restore_refuses_a_truncated_file_a_text_file_and_a_newer_backup(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    assert run_cli("sample-data", "--city", "Columbus, OH").returncode == 0
    saved = tmp_path / "saved.sqlite3"
    assert run_cli("backup", str(saved)).returncode == 0
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    text_file = tmp_path / "letter.txt"
    text_file.write_text("Dear Senators,\n")
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(saved, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_newer'")
    before = records_fingerprint(data_dir)
    backups_before = sorted(p.name for p in (data_dir / "backups").iterdir())
    for bad, phrase in ((truncated, "cannot be restored"), (text_file, "not a"), (newer, "newer version")):
        result = run_cli("restore", str(bad))
        assert_plain_failure(result)
        assert phrase in result.stderr and "nothing was changed" in result.stderr.lower()
        assert records_fingerprint(data_dir) == before
        assert sorted(p.name for p in (data_dir / "backups").iterdir()) == backups_before


def test_restore_is_refused_while_the_window_holds_the_folder(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    saved = tmp_path / "saved.sqlite3"
    assert run_cli("backup", str(saved)).returncode == 0
    with acquire_instance_lock(data_dir):
        result = run_cli("restore", str(saved))
    assert_plain_failure(result)
    assert "already open in another copy" in result.stderr


WRITER = """
import sys
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.host.paths import resolve_location
db, _ = open_database(resolve_location(sys.argv[1]), create=False)
for n in range(int(sys.argv[3])):
    records.create(db, "partner", {"name": f"{sys.argv[2]} {n}", "country_name": "China"})
db.dispose()
"""


@pytest.mark.usefixtures("sqlite_only")
def test_two_command_line_writers_at_once_wait_their_turn(run_cli: RunCli, data_dir: Path) -> None:
    # Four writers start together: two load the whole bundled list, two add records one transaction at a time.
    assert run_cli("init").returncode == 0
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("TEST_DATABASE_URL", None)
    command = [sys.executable, "-m", "desktop_app", "--data-dir", str(data_dir)]
    children = [
        *(
            subprocess.Popen(
                [*command, "sample-data"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment,
                cwd=REPO_ROOT,
            )
            for _ in range(2)
        ),
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), "writer-a", "40"],
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=REPO_ROOT,
        ),
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), "writer-b", "40"],
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=REPO_ROOT,
        ),
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    loaded = [out for out, _ in outputs[:2]]
    # One loaded the list; the other waited its turn and found every row already there.
    assert sum("Loaded 0 partnerships" in text for text in loaded) == 1
    assert sum("; 0 were already in the records" in text for text in loaded) == 1
    names = run_cli("list", "partners", "--json").stdout
    assert names.count('"writer-a ') == 40 and names.count('"writer-b ') == 40
    assert run_cli("verify").returncode == 0


def test_restore_refuses_a_backup_holding_a_trigger_the_program_does_not_make(
    run_cli: RunCli, data_dir: Path, tmp_path: Path
) -> None:
    assert run_cli("sample-data", "--city", "Columbus, OH").returncode == 0
    saved = tmp_path / "saved.sqlite3"
    assert run_cli("backup", str(saved)).returncode == 0
    with sqlite3.connect(saved) as connection:
        connection.execute(
            "CREATE TRIGGER audit_event_ignore BEFORE INSERT ON audit_event BEGIN SELECT RAISE(IGNORE); END"
        )
    connection.close()
    before = records_fingerprint(data_dir)
    result = run_cli("restore", str(saved))
    assert_plain_failure(result)
    assert result.stderr.strip() == (
        "The backup holds a trigger the program does not make: audit_event_ignore on audit_event; it was not restored."
    )
    assert "audit trail verified" not in result.stdout
    assert records_fingerprint(data_dir) == before
    assert run_cli("verify").returncode == 0
