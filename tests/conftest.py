"""Shared fixtures: a fresh database per test, on SQLite or, when TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.safekeeping.opening import open_database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

# The keys that seal the audit trail: a folder of the test run's own (inherited by the command lines tests start),
# never the tester's keyring or configuration folder.
_KEY_FOLDER = tempfile.mkdtemp(prefix="audit-keys-")
atexit.register(shutil.rmtree, _KEY_FOLDER, True)
os.environ["SISTER_CITY_RECORDS_KEY_DIR"] = _KEY_FOLDER


def reset_postgresql(url: str) -> None:
    """Empties the test server's database, and forgets the audit trail's anchor this computer kept for it."""
    from sqlalchemy import create_engine, text

    from desktop_app.core.host.audit_anchor import anchor_path

    anchor = anchor_path(url)
    if anchor is not None:
        anchor.unlink(missing_ok=True)

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def location(tmp_path: Path) -> DataLocation:
    """Where a test's records live: a temporary folder, with the database on PostgreSQL when asked."""
    if TEST_DATABASE_URL:
        reset_postgresql(TEST_DATABASE_URL)
        return resolve_location(tmp_path / "data", TEST_DATABASE_URL)
    return resolve_location(tmp_path / "data")


@pytest.fixture
def db(location: DataLocation) -> Iterator[Database]:
    """An opened, migrated database holding only the built-in inquiry."""
    database, _ = open_database(location)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_only() -> None:
    if TEST_DATABASE_URL:
        pytest.skip("this test is about the SQLite file itself")


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory for one test; never chosen by keyring's own discovery."""

    priority = 1
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[service, username]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The keyring the program sees during a test: one in memory, never the tester's own."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())
