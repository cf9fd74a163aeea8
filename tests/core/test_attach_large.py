"""Large contents: stored in many chunks while read and hashed ahead, read back whole, checked, never half kept."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.files import attach_files, store, write_attachment
from desktop_app.core.files.fixity import fixity_problems
from desktop_app.core.files.store import store_stream
from desktop_app.core.host.paths import DATABASE_FILE_NAME, resolve_location
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.verify import verify_database
from tests.core.conftest import SMALL_CHUNK
from tests.core.test_files import make_partnership

CHUNK = SMALL_CHUNK
CHUNKS = 300
REPO_ROOT = Path(__file__).resolve().parents[2]

# The child: attaches one large file to a partnership, and is killed while it is storing it.
ATTACHER = r"""
import sys
from desktop_app.core.files import attach_files
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.safekeeping.opening import open_database

db, _ = open_database(resolve_location(sys.argv[1]), create=False)
print("ready", flush=True)
attach_files(db, [sys.argv[2]], "partnership", int(sys.argv[3]))
print("attached", flush=True)
"""


@pytest.fixture
def partnership(db: Database) -> dict[str, Any]:
    return make_partnership(db)


def _stored_counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        blobs = session.execute(select(func.count()).select_from(models.Blob)).scalar_one()
        chunks = session.execute(select(func.count()).select_from(models.BlobChunk)).scalar_one()
    return blobs, chunks


def _readers_left() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "attachment reader"]


class _FailingStream:
    """Gives ``good`` bytes, then fails as a disk that cannot be read any further."""

    def __init__(self, good: bytes) -> None:
        self.rest = io.BytesIO(good)

    def read(self, size: int) -> bytes:
        piece = self.rest.read(size)
        if not piece:
            raise OSError(5, "Input/output error")
        return piece


def test_a_file_of_many_chunks_round_trips_byte_for_byte(
    db: Database, partnership: dict[str, Any], tmp_path: Path, small_chunks: None
) -> None:
    data = os.urandom(CHUNKS * CHUNK + 123)
    source = tmp_path / "scan.bin"
    source.write_bytes(data)

    attached = attach_files(db, [source], "partnership", partnership["id"])[0]

    assert attached["sha256"] == hashlib.sha256(data).hexdigest()
    assert attached["size"] == len(data)
    with db.reading() as session:
        chunk_count = session.execute(
            select(models.Blob.chunk_count).where(models.Blob.sha256 == attached["sha256"])
        ).scalar_one()
        problems, checked = fixity_problems(session)
    assert chunk_count == CHUNKS + 1
    assert (problems, checked) == ([], 1)
    assert write_attachment(db, attached["id"], tmp_path / "back.bin").read_bytes() == data
    assert _readers_left() == []


def test_the_same_large_content_is_stored_once(
    db: Database, partnership: dict[str, Any], tmp_path: Path, small_chunks: None
) -> None:
    data = os.urandom(CHUNKS * CHUNK)
    first, second = tmp_path / "first.bin", tmp_path / "second copy.bin"
    first.write_bytes(data)
    second.write_bytes(data)

    one = attach_files(db, [first], "partnership", partnership["id"])[0]
    again = attach_files(db, [second], "partnership", partnership["id"])[0]

    assert again["id"] == one["id"] and again["already_stored"]
    assert _stored_counts(db) == (1, CHUNKS)


def test_cancel_in_the_middle_of_a_large_file_keeps_nothing(
    db: Database, partnership: dict[str, Any], tmp_path: Path, small_chunks: None
) -> None:
    source = tmp_path / "scan.bin"
    source.write_bytes(os.urandom(CHUNKS * CHUNK))
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 50

    with pytest.raises(Stopped):
        attach_files(db, [source], "partnership", partnership["id"], cancel=cancel)

    assert _stored_counts(db) == (0, 0)
    assert _readers_left() == []


def test_content_over_the_size_limit_is_refused_part_way_and_nothing_kept(db: Database, small_chunks: None) -> None:
    with pytest.raises(UserError, match="larger than the limit"), db.writing() as session:
        store_stream(session, io.BytesIO(os.urandom(40 * CHUNK)), size_limit=10 * CHUNK)

    assert _stored_counts(db) == (0, 0)
    assert _readers_left() == []


def test_a_read_failing_part_way_reaches_the_caller_and_nothing_is_kept(db: Database, small_chunks: None) -> None:
    with pytest.raises(OSError, match="Input/output error"), db.writing() as session:
        store_stream(session, _FailingStream(os.urandom(20 * CHUNK)))  # type: ignore[arg-type]

    assert _stored_counts(db) == (0, 0)
    assert _readers_left() == []


@pytest.mark.usefixtures("sqlite_only")
@pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")
def test_a_kill_in_the_middle_of_a_large_attach_leaves_nothing(tmp_path: Path) -> None:
    location = resolve_location(tmp_path / "data")
    db, _ = open_database(location)
    partnership_id = make_partnership(db)["id"]
    db.dispose()
    source = tmp_path / "scan.bin"
    source.write_bytes(os.urandom(96 * 1024 * 1024))
    journal = tmp_path / "data" / f"{DATABASE_FILE_NAME}-wal"
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("TEST_DATABASE_URL", None)
    command = [sys.executable, "-c", ATTACHER, str(tmp_path / "data"), str(source), str(partnership_id)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment, cwd=REPO_ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline:
            if journal.exists() and journal.stat().st_size > 16 * 1024 * 1024:  # chunks are being written
                break
            time.sleep(0.002)
        assert child.poll() is None, "the attach ended before it could be interrupted"
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    db, _ = open_database(location, create=False)
    try:
        report = verify_database(db)
        assert report.ok, report.lines()
        assert _stored_counts(db) == (0, 0)
        with db.reading() as session:
            assert session.execute(select(func.count()).select_from(models.Attachment)).scalar_one() == 0
    finally:
        db.dispose()


@pytest.mark.usefixtures("sqlite_only")
def test_a_large_attach_leaves_no_copy_to_the_next_writer_even_past_a_reader(
    db: Database, partnership: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "LARGE_WRITE_BYTES", 1024 * 1024)
    size = 6 * 1024 * 1024
    source = tmp_path / "scan.bin"
    source.write_bytes(os.urandom(size))
    database_file = Path(db.engine.url.database or "")
    # A reader that began before the commit holds SQLite's own checkpoint back; it finishes a moment after the commit.
    reader = sqlite3.connect(database_file, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM blob").fetchone()
    finishing = threading.Timer(1.0, reader.execute, ("COMMIT",))

    def finish_reader_soon(_connection: object) -> None:
        finishing.start()

    event.listen(db.engine, "commit", finish_reader_soon)
    try:
        attach_files(db, [source], "partnership", partnership["id"])
        stored_in_file = database_file.stat().st_size
    finally:
        event.remove(db.engine, "commit", finish_reader_soon)
        if finishing.is_alive():
            finishing.join()
        reader.close()

    # The content is in the database file itself when the attach returns: nothing is left in the log to copy.
    assert stored_in_file > size
