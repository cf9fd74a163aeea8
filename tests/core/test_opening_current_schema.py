"""Opening a database already at the program's schema skips Alembic; any other revision still goes through it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import current_revision, head_revision, upgrade_database
from desktop_app.core.db.models import Base
from desktop_app.core.db.revision import SCHEMA_HEAD, schema_is_current, stored_revisions
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.summary import compute as overview

REPO_ROOT = Path(__file__).resolve().parents[2]

OPEN_AND_SUM_UP = """
import sys
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.summary.compute import dashboard_summary
from desktop_app.core.host.paths import resolve_location

db, result = open_database(resolve_location(sys.argv[1], sys.argv[2] or None), create=False)
summary = dashboard_summary(db)
assert summary.inquiry_id is not None and not result.migrated
heavy = ("alembic", "mako", "sqlalchemy.orm", "desktop_app.core.db.models", "desktop_app.core.records")
print("LOADED:" + ",".join(sorted(name for name in sys.modules if name.startswith(heavy))))
"""


def test_the_shipped_head_is_the_newest_revision_file() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_a_current_database_is_opened_and_summed_up_without_alembic_or_the_orm(location: DataLocation) -> None:
    db, _ = open_database(location)
    db.dispose()
    database = "" if location.sqlite_path is not None else location.database_url
    result = subprocess.run(
        [sys.executable, "-c", OPEN_AND_SUM_UP, str(location.data_dir), database],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LOADED:", result.stdout


def test_an_older_database_is_still_upgraded_through_alembic(location: DataLocation) -> None:
    location.data_dir.mkdir(parents=True)
    db = Database(location.database_url)
    try:
        upgrade_database(db.engine, target="0003")
        assert stored_revisions(db.engine) == ["0003"] and not schema_is_current(db.engine)
    finally:
        db.dispose()
    upgraded, result = open_database(location)
    try:
        assert result.migrated and current_revision(upgraded.engine) == SCHEMA_HEAD
        with upgraded.engine.connect() as connection:
            names = {index["name"] for index in inspect(connection).get_indexes("oversight_action")}
        assert {
            "ix_oversight_action_follow_up",
            "ix_oversight_action_partnership_live",
            "ix_oversight_action_topics",
        } <= names
        if location.sqlite_path is not None:
            assert result.backup_path is not None
            with sqlite3.connect(result.backup_path) as backup:
                assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
    finally:
        upgraded.dispose()


def test_a_newer_database_is_refused_although_it_looks_current_at_a_glance(location: DataLocation) -> None:
    db, _ = open_database(location)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert not schema_is_current(db.engine)
    db.dispose()
    with pytest.raises(UserError, match="newer version"):
        open_database(location)


def test_a_database_without_a_revision_reads_as_none(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    db = Database(f"sqlite:///{other}")
    try:
        assert stored_revisions(db.engine) is None and not schema_is_current(db.engine)
    finally:
        db.dispose()


def test_the_summary_reads_only_columns_the_models_have() -> None:
    tables = {records.name: records for records in overview.SUMMARY_TABLES}
    tables.update({records.name: records for _name, records in overview.COUNTED})
    for name, records in tables.items():
        assert set(records.c.keys()) <= set(Base.metadata.tables[name].c.keys()), name
