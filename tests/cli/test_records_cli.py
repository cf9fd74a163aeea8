"""The command line as a user runs it: every records command, exit statuses, and plain sentences on bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.core.host.paths import DataLocation

from .conftest import RunCli, assert_plain_failure


def test_version(run_cli: RunCli) -> None:
    result = run_cli("version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_the_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("init", "sample-data", "import", "export", "list", "verify"):
        assert command in result.stdout


@pytest.mark.usefixtures("sqlite_only")
def test_init_creates_private_records(run_cli: RunCli, data_dir: Path) -> None:
    result = run_cli("init")
    assert result.returncode == 0, result.stderr
    assert "Created the records" in result.stdout
    database = data_dir / "records.sqlite3"
    assert database.exists()
    assert database.stat().st_mode & 0o077 == 0
    assert "up to date" in run_cli("init").stdout


def test_init_upgrades_older_records_and_names_the_copy_only_where_one_was_made(
    run_cli: RunCli, data_dir: Path, records_at: Callable[[Path], DataLocation], on_server: bool
) -> None:
    from sqlalchemy import create_engine

    from desktop_app.core.db.migrate import known_revisions, upgrade_database

    data_dir.mkdir(mode=0o700)
    engine = create_engine(records_at(data_dir).database_url)
    try:
        upgrade_database(engine, target=sorted(known_revisions())[-2])  # the records as the last version left them
    finally:
        engine.dispose()
    result = run_cli("init")
    assert result.returncode == 0, result.stderr
    said = result.stdout.strip()
    if on_server:
        assert said == "Upgraded the records at the database server."  # a server keeps its own backups
    else:
        assert said.startswith("Upgraded the records at ") and "; the copy made before is " in said
        assert Path(said.split("; the copy made before is ")[1].rstrip(".")).is_file()
    assert "up to date" in run_cli("init").stdout


def test_sample_data_list_export_import_export_verify(run_cli: RunCli, tmp_path: Path) -> None:
    loaded = run_cli("sample-data")
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 191 partnerships" in loaded.stdout and "unconfirmed" in loaded.stdout
    listed = run_cli("list", "partnerships", "--json")
    rows = json.loads(listed.stdout)
    assert len(rows) == 191
    assert {"partner_name", "jurisdiction_name", "status"} <= set(rows[0])
    assert run_cli("sample-data").stdout.startswith("Loaded 0 partnerships")

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run_cli("export", str(first)).returncode == 0
    other = tmp_path / "other"
    imported = run_cli("import", str(first), data=other)
    assert imported.returncode == 0, imported.stderr
    assert run_cli("export", str(second), data=other).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert run_cli("verify", data=other).returncode == 0


def test_sample_data_for_one_city(run_cli: RunCli) -> None:
    result = run_cli("sample-data", "--city", "Kansas City, MO")
    assert "Loaded 3 partnerships for Kansas City, MO" in result.stdout
    lines = run_cli("list", "partnerships").stdout.strip().splitlines()
    assert len(lines) == 3 and all("Kansas City, MO" in line for line in lines)


def test_list_every_kind(run_cli: RunCli) -> None:
    run_cli("sample-data", "--city", "Kansas City, MO")
    for kind in (
        "partnerships",
        "agreements",
        "activities",
        "participants",
        "policies",
        "oversight",
        "inquiries",
        "responses",
        "attachments",
        "audit",
        "partners",
        "jurisdictions",
    ):
        result = run_cli("list", kind, "--json")
        assert result.returncode == 0, (kind, result.stderr)
        json.loads(result.stdout)
    inquiries = json.loads(run_cli("list", "inquiries", "--json").stdout)
    assert len(inquiries[0]["questions"]) == 4


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
@pytest.mark.usefixtures("sqlite_only")
def test_verify_finds_an_audit_row_altered_with_the_sqlite3_shell(run_cli: RunCli, data_dir: Path) -> None:
    run_cli("sample-data", "--city", "Kansas City, MO")
    assert run_cli("verify").returncode == 0
    database = data_dir / "records.sqlite3"
    refused = subprocess.run(
        ["sqlite3", str(database), "UPDATE audit_event SET actor = 'x' WHERE seq = 5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "append-only" in refused.stderr
    subprocess.run(
        [
            "sqlite3",
            str(database),
            "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET actor = 'someone else' WHERE seq = 5",
        ],
        check=True,
    )
    result = run_cli("verify")
    assert result.returncode == 1
    assert "Audit event 5" in result.stdout
    assert "audit_event_no_update" in result.stdout


def test_import_of_a_file_that_is_not_a_csv(run_cli: RunCli, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    assert_plain_failure(run_cli("import", str(binary)))


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (("import", "missing.csv"), "There is no file"),
        (("list", "spaceships"), "no record kind"),
        (("frobnicate",), "invalid choice"),
        (("sample-data", "--city", "Atlantis, XX"), "no partnerships for"),
        (("import",), "required"),
    ],
)
def test_bad_input_exits_2_with_a_sentence(run_cli: RunCli, arguments: tuple[str, ...], sentence: str) -> None:
    result = run_cli(*arguments)
    assert_plain_failure(result)
    assert sentence in result.stderr


def test_malformed_json_records_file(run_cli: RunCli, tmp_path: Path) -> None:
    broken = tmp_path / "records.json"
    broken.write_text('{"format": "sister-city-records", "records": [', encoding="utf-8")
    result = run_cli("import", str(broken))
    assert_plain_failure(result)
    assert "not well-formed JSON" in result.stderr


def test_dry_run_changes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    table = tmp_path / "ours.csv"
    table.write_text("City,State,Partner,Country\nSpringfield,IL,Hefei,China\n", encoding="utf-8")
    result = run_cli("import", str(table), "--dry-run")
    assert result.returncode == 0 and "would add 1 partnership" in result.stdout
    assert json.loads(run_cli("list", "partnerships", "--json").stdout) == []
    assert "added 1 partnership" in run_cli("import", str(table)).stdout


def test_a_database_option_pointing_at_a_text_file(run_cli: RunCli, tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello\n" * 100)
    result = run_cli("--database", str(not_a_database), "list", "partnerships")
    assert_plain_failure(result)
    assert not_a_database.read_text() == "hello\n" * 100


@pytest.mark.usefixtures("sqlite_only")
def test_a_database_of_a_newer_program(run_cli: RunCli, data_dir: Path) -> None:
    run_cli("init")
    with sqlite3.connect(data_dir / "records.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'fffffffffff9'")
    result = run_cli("list", "partnerships")
    assert_plain_failure(result)
    assert "newer version" in result.stderr


def test_home_sets_the_clerks_own_city(run_cli: RunCli) -> None:
    result = run_cli("home", "Dayton, OH", "--signatory-name", "A. Mayor", "--signatory-title", "Mayor")
    assert result.returncode == 0, result.stderr
    assert "Dayton, OH" in result.stdout
    homes = [row for row in json.loads(run_cli("list", "jurisdictions", "--json").stdout) if row["is_home"]]
    assert [(row["name"], row["signatory_name"]) for row in homes] == [("Dayton", "A. Mayor")]
    assert_plain_failure(run_cli("home", "Dayton"))
