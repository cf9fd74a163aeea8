"""Moving records in and out of a shared server: move-to, a server's backup to a checked file, and its restore."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import upgrade_database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.files.attachments import add_version, attach_files
from desktop_app.core.host.audit_anchor import read_anchor
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.interchange.records_file import build_records_document
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.laws.clerk_rules import add_rule, correction_of
from desktop_app.core.records import service as records
from desktop_app.core.reports.dates import set_date_style
from desktop_app.core.safekeeping import row_copy
from desktop_app.core.safekeeping.moving import back_up_server, move_to_server, restore_into_server
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.row_copy import copied_tables, copy_rows
from desktop_app.core.safekeeping.server import server_init
from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.core.search.query import search
from tests.conftest import reset_postgresql

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_server = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


# ----- records to move -----------------------------------------------------------------------------------------


@pytest.fixture
def clerk(tmp_path: Path) -> Iterator[DataLocation]:
    """A clerk's file with records of most kinds: partnerships, a file in two versions (each naming the other), a
    status change citing it, a corrected state-law rule and a setting."""
    location = resolve_location(tmp_path / "clerk")
    db, _ = open_database(location)
    try:
        load_sample_data(db, "Kansas City, MO")
        first = tmp_path / "minutes.txt"
        first.write_text("Council minutes on the Xi'an partnership review.\n", encoding="utf-8")
        attached = attach_files(db, [first], "partnership", 1)[0]
        second = tmp_path / "minutes-v2.txt"
        second.write_text("Council minutes, corrected: the Xi'an partnership is suspended.\n", encoding="utf-8")
        newer = add_version(db, attached["id"], second)
        records.change_status(
            db, 1, "suspended", changed_on="2026-01-05", reason="Council review", evidence_attachment_id=newer["id"]
        )
        body = correction_of(db, "tx-gov-795")
        body["dates"] = {"effective": "2025-09-01", "deadline": "2025-12-31"}
        add_rule(db, body)
        set_date_style(db, "day_first")
    finally:
        db.dispose()
    yield location


def every_row(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every records table, in key order: what a move must carry over unchanged."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in copied_tables()
        }


def rows_at(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(url)
    try:
        return every_row(engine)
    finally:
        engine.dispose()


def records_document(url: str) -> dict[str, Any]:
    db = Database(url)
    try:
        with db.reading() as session:
            return build_records_document(session, include_personal_data=True)
    finally:
        db.dispose()


# ----- copying rows (no server needed) ---------------------------------------------------------------------------


def test_every_row_is_copied_as_it_is_with_file_contents_in_bounded_batches(
    clerk: DataLocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "scan.bin"
    big.write_bytes(os.urandom(5 * 1024 * 1024 + 10))  # six chunks of at most 1 MiB
    db, _ = open_database(clerk, automatic_backup=False)
    try:
        attach_files(db, [big], "partnership", 2)
    finally:
        db.dispose()
    monkeypatch.setattr(row_copy, "BINARY_BYTES_PER_BATCH", 2 * 1024 * 1024)
    target = Database("sqlite:///" + str(tmp_path / "copy.sqlite3"))
    source = Database(clerk.database_url)
    steps: list[tuple[int, int, str]] = []
    try:
        upgrade_database(target.write_engine)
        with source.engine.connect() as reading, reading.begin(), target.write_engine.begin() as writing:
            copied = copy_rows(reading, writing, progress=lambda done, total, what: steps.append((done, total, what)))
        assert every_row(target.engine) == every_row(source.engine)
    finally:
        target.dispose()
        source.dispose()
    chunk_batches = [step for step in steps if step[2] == "Copying blob chunk"]
    # Two small chunks and two of 1 MiB, then two of 1 MiB, then the last two: never more than about 2 MiB at once.
    assert copied["blob_chunk"] == 8 and len(chunk_batches) == 3
    assert steps[-1][0] == steps[-1][1] == sum(copied.values())


def test_a_server_that_cannot_be_reached_gets_a_plain_sentence(clerk: DataLocation, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://clerk:secret@127.0.0.1:{port}/records"
    with pytest.raises(UserError, match="cannot be reached") as refused:
        move_to_server(clerk, url)
    assert "secret" not in refused.value.message
    server = resolve_location(tmp_path / "server-data", url)
    with pytest.raises(UserError, match="cannot be reached"):
        back_up_server(server, tmp_path / "copy.sqlite3")
    assert not list(tmp_path.glob("copy.sqlite3*"))
    with pytest.raises(UserError, match="is a PostgreSQL database"):
        move_to_server(clerk, "sqlite:///" + str(tmp_path / "other.sqlite3"))


# ----- with a server --------------------------------------------------------------------------------------------


@pytest.fixture
def server() -> str:
    """The test server's database, emptied, with no anchor kept for it."""
    reset_postgresql(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


@needs_server
def test_records_moved_to_a_server_and_backed_up_from_it_come_back_row_for_row(
    clerk: DataLocation, server: str, tmp_path: Path
) -> None:
    server_init(server)
    steps: list[tuple[int, int, str]] = []
    info = move_to_server(clerk, server, progress=lambda done, total, what: steps.append((done, total, what)))
    assert not info.set_up and info.partnerships == 3 and info.attachments == 2
    original = rows_at(clerk.database_url)
    assert rows_at(server) == original
    assert steps[-1][0] == steps[-1][1] == sum(len(rows) for rows in original.values())

    on_server = Database(server)
    try:
        report = verify_database(on_server)
        assert report.ok, report.lines()
        assert [hit["record_kind"] for hit in search(on_server, "corrected")] == ["attachment"]
        added = records.create(on_server, "partner", {"name": "Hefei", "country_name": "China"})
        assert added["id"] == 4  # numbering goes on past the copied records
    finally:
        on_server.dispose()
    exists, anchor = read_anchor(server)
    assert exists and anchor is not None and anchor.seq == len(original["audit_event"]) + 1

    backup = back_up_server(resolve_location(tmp_path / "server-data", server), tmp_path / "server.sqlite3")
    copy = Path(backup.path)
    assert Path(str(copy) + ".manifest.json").is_file()
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    backed_up = rows_at("sqlite:///" + str(copy))
    assert backed_up["partner"][-1]["name"] == "Hefei"
    backed_up["partner"].pop()
    added_events = backed_up["audit_event"][len(original["audit_event"]) :]
    assert [(event["action"], event["record_kind"]) for event in added_events] == [("create", "partner")]
    backed_up["audit_event"] = backed_up["audit_event"][: len(original["audit_event"])]
    assert backed_up == original


@needs_server
def test_a_server_that_holds_records_is_refused_and_left_as_it_was(clerk: DataLocation, server: str) -> None:
    move_to_server(clerk, server)
    before = rows_at(server)
    anchor_before = read_anchor(server)
    with pytest.raises(UserError, match="already holds records"):
        move_to_server(clerk, server)
    assert rows_at(server) == before
    assert read_anchor(server) == anchor_before


@needs_server
def test_an_empty_database_gets_the_tables_roles_and_rights_of_server_init(clerk: DataLocation, server: str) -> None:
    info = move_to_server(clerk, server)
    assert info.set_up
    engine = create_engine(server)
    try:
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT has_table_privilege('records_clerk', 'partnership', 'INSERT')")
            ).scalar_one()
            assert not connection.execute(
                text("SELECT has_table_privilege('records_reader', 'partnership', 'INSERT')")
            ).scalar_one()
    finally:
        engine.dispose()
    assert records_document(server) == records_document(clerk.database_url)


@needs_server
def test_a_move_stopped_half_way_keeps_nothing(clerk: DataLocation, server: str) -> None:
    server_init(server)
    before = rows_at(server)
    looks = iter([False, False, True])
    with pytest.raises(Stopped):
        move_to_server(clerk, server, should_stop=lambda: next(looks, True))
    assert rows_at(server) == before
    move_to_server(clerk, server)
    assert rows_at(server) == rows_at(clerk.database_url)


@needs_server
def test_a_backup_of_a_file_is_restored_into_an_empty_server_database(
    clerk: DataLocation, server: str, tmp_path: Path
) -> None:
    from desktop_app.core.safekeeping.backup import create_backup

    backup = Path(create_backup(clerk, tmp_path / "records.sqlite3").path)
    where = resolve_location(tmp_path / "server-data", server)
    restored = restore_into_server(where, backup)
    assert restored.partnerships == 3 and restored.safety_backup is None
    assert rows_at(server) == rows_at("sqlite:///" + str(backup))
    on_server = Database(server)
    try:
        assert verify_database(on_server).ok
    finally:
        on_server.dispose()
    with pytest.raises(UserError, match="already holds records"):
        restore_into_server(where, backup)
