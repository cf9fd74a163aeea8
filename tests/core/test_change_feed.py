"""Changes by another clerk are heard: a write elsewhere reaches a listener within a second, and nothing else does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.core.db.change_feed import ANY_KIND, Change, ChangeListener, kinds_of
from desktop_app.core.db.engine import Database
from desktop_app.core.files.attachments import attach_files
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import kind_named
from desktop_app.core.safekeeping.opening import open_database
from tests.conftest import TEST_DATABASE_URL

REPO_ROOT = Path(__file__).resolve().parents[2]
HEARD_WITHIN = 1.5  # seconds: the file is polled twice a second
CSV_TEXT = "City,State,Partner City,Country\nSpringfield,IL,Hefei,China\nSpringfield,IL,Kumamoto,Japan\n"


def heard(listener: ChangeListener, within: float = HEARD_WITHIN) -> list[Change]:
    """The first changes heard before ``within`` seconds pass, or []."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        changes = listener.wait(min(left, 0.3))
        if changes:
            return changes
    return []


def settle(listener: ChangeListener) -> None:
    """Lets the listener connect and take its starting point (nothing is written meanwhile)."""
    assert listener.wait(0.6) == []


@pytest.fixture
def sqlite_location(tmp_path: Path) -> DataLocation:
    return resolve_location(tmp_path / "data")


@pytest.fixture
def window_db(sqlite_location: DataLocation) -> Iterator[Database]:
    """The records as a window opened them, on a SQLite file."""
    database, _ = open_database(sqlite_location)
    yield database
    database.dispose()


@pytest.fixture
def other_db(sqlite_location: DataLocation, window_db: Database) -> Iterator[Database]:
    """The same file opened a second time: another clerk's copy of the program."""
    database, _ = open_database(sqlite_location)
    yield database
    database.dispose()


def test_a_command_line_write_is_heard_within_a_second(window_db: Database, sqlite_location: DataLocation) -> None:
    with ChangeListener(window_db.url, window_db.writes) as listener:
        settle(listener)
        environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        environment.pop("TEST_DATABASE_URL", None)
        command = ["new", "partner", "--name", "Hefei", "--country-name", "China"]
        added = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--data-dir", str(sqlite_location.data_dir), *command],
            capture_output=True,
            text=True,
            env=environment,
            cwd=REPO_ROOT,
            timeout=120,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        finished = time.monotonic()
        changes = heard(listener)
        assert time.monotonic() - finished < HEARD_WITHIN
    assert kinds_of(changes) == {"partner"}


def test_nothing_written_means_nothing_heard_after_the_timeout(window_db: Database) -> None:
    with ChangeListener(window_db.url, window_db.writes) as listener:
        settle(listener)
        started = time.monotonic()
        assert listener.wait(0.7) == []
        waited = time.monotonic() - started
    assert 0.6 <= waited < 0.9


def test_another_database_is_heard_and_the_own_writes_are_not(window_db: Database, other_db: Database) -> None:
    with ChangeListener(window_db.url, window_db.writes) as listener:
        settle(listener)
        records.create(window_db, "partner", {"name": "Hefei", "country_name": "China"})
        assert heard(listener) == []
        partner = records.create(other_db, "partner", {"name": "Kumamoto", "country_name": "Japan"})
        records.update(other_db, "partner", partner["id"], {"native_name": "熊本"})
        changes = heard(listener)
    assert kinds_of(changes) == {"partner"}
    assert changes[-1].seq is not None


def test_bulk_imports_and_batches_of_files_are_heard(db: Database, location: DataLocation, tmp_path: Path) -> None:
    """On the test's database: SQLite, or the PostgreSQL server when one is given."""
    table = tmp_path / "partnerships.csv"
    table.write_text(CSV_TEXT, encoding="utf-8")
    letter = tmp_path / "letter.txt"
    letter.write_text("A letter of friendship.", encoding="utf-8")
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("Minutes of the council.", encoding="utf-8")
    other, _ = open_database(location)
    try:
        with ChangeListener(db.url, db.writes) as listener:
            settle(listener)
            import_file(other, table)
            assert "partnership" in kinds_of(heard(listener))
            attach_files(other, [letter, minutes], "partnership", 1)
            assert kinds_of(heard(listener)) == {"attachment"}
            # The same written by the listener's own Database: told apart, on a file as on a server.
            attach_files(db, [table], "partnership", 1)
            assert heard(listener, within=1.0) == []
    finally:
        other.dispose()


def test_a_listener_without_own_writes_hears_every_write(window_db: Database) -> None:
    with ChangeListener(window_db.url) as listener:
        settle(listener)
        records.create(window_db, "policy", {"kind": "procedure", "title": "Gifts"})
        assert kinds_of(heard(listener)) == {"policy"}


def test_a_replaced_file_is_heard_as_a_change_of_anything(window_db: Database, tmp_path: Path) -> None:
    path = Path(window_db.url.removeprefix("sqlite:///"))
    with ChangeListener(window_db.url, window_db.writes) as listener:
        settle(listener)
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(path.read_bytes())
        os.replace(copy, path)
        assert kinds_of(heard(listener)) == {ANY_KIND}


# --- on a PostgreSQL server -----------------------------------------------------------------------------------

server_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (a PostgreSQL server)")


@server_only
def test_a_commit_on_the_server_is_delivered(db: Database, location: DataLocation) -> None:
    other, _ = open_database(location)
    try:
        with ChangeListener(db.url, db.writes) as listener:
            settle(listener)
            records.create(other, "partner", {"name": "Hefei", "country_name": "China"})
            changes = heard(listener)
    finally:
        other.dispose()
    assert kinds_of(changes) == {"partner"}
    assert changes[0].seq is not None


@server_only
def test_a_password_with_spaces_and_quotes_still_connects_the_listener(db: Database, location: DataLocation) -> None:
    from sqlalchemy.engine import make_url

    # The test server takes any password; the listener must still make a connection string libpq accepts.
    with_password = make_url(db.url).set(password="three clerks' secret").render_as_string(hide_password=False)
    other, _ = open_database(location)
    try:
        with ChangeListener(with_password) as listener:
            settle(listener)
            records.create(other, "partner", {"name": "Hefei", "country_name": "China"})
            changes = heard(listener)
    finally:
        other.dispose()
    assert kinds_of(changes) == {"partner"}


@server_only
def test_a_rolled_back_write_and_the_own_writes_are_not_delivered(db: Database, location: DataLocation) -> None:
    other, _ = open_database(location)
    try:
        with ChangeListener(db.url, db.writes) as listener:
            settle(listener)
            with pytest.raises(RuntimeError), other.writing() as session:
                records.create_in(session, kind_named("partner"), {"name": "Hefei", "country_name": "China"}, "clerk")
                raise RuntimeError("the clerk's change is abandoned")
            records.create(db, "partner", {"name": "Kumamoto", "country_name": "Japan"})
            assert heard(listener, within=1.0) == []
    finally:
        other.dispose()
    assert records.count_records(db, "partner") == 1


@server_only
def test_the_listener_connects_again_after_the_server_drops_it(db: Database, location: DataLocation) -> None:
    other, _ = open_database(location)
    try:
        with ChangeListener(db.url, db.writes) as listener:
            settle(listener)
            with db.engine.begin() as connection:
                dropped = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            assert dropped >= 1
            # What was committed while it was away is not known: it says anything may have changed.
            assert kinds_of(heard(listener, within=5.0)) == {ANY_KIND}
            records.create(other, "partner", {"name": "Hefei", "country_name": "China"})
            assert kinds_of(heard(listener)) == {"partner"}
    finally:
        other.dispose()
