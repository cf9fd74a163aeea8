"""Hostile surroundings: a database that is not one, locked, read-only, on a full disk; odd, wrong and huge files.
Each gets a plain sentence and leaves the records unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli.main import run
from desktop_app.core.host.logs import configure_logging

pytestmark = pytest.mark.usefixtures("sqlite_only")


@pytest.fixture(autouse=True)
def default_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --database alone the program logs to its default data folder: keep that in the test's folder."""
    from desktop_app.core.host.paths import ENV_DATA_DIR

    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "default-data"))


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def assert_sentence(status: int, out: str, err: str, *phrases: str) -> None:
    assert status == 2, (status, out, err)
    assert "Traceback" not in err + out and "Something unexpected" not in err, err
    assert err.strip() and len(err.strip().splitlines()) <= 3, err
    if phrases:
        assert any(phrase in err for phrase in phrases), err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records_state(data_dir: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(f"file:{data_dir / 'records.sqlite3'}?mode=ro", uri=True)) as connection:
        partnerships = connection.execute("SELECT count(*) FROM partnership").fetchone()[0]
        events = connection.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    return partnerships, events


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert cli("--data-dir", str(folder), "sample-data", "--city", "Columbus, OH")[0] == 0
    return folder


# ----- a file that is not a database given as --database -------------------------------------------------------


def not_databases(tmp_path: Path, good: Path) -> dict[str, Path]:
    files = {
        "text": b"city,partner\nColumbus,Hefei\n",
        "random": os.urandom(20_000),
        "png": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
        "truncated": good.read_bytes()[:3000],
        "bad-header": b"SQLite format 3\x00" + b"\xff" * 5000,
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.sqlite3"
        paths[name].write_bytes(content)
    return paths


@pytest.mark.parametrize("command", [["list", "partnerships"], ["init"], ["sample-data"], ["verify"], ["backup"]])
def test_a_file_that_is_not_a_database_gets_a_sentence_and_is_left_alone(
    data_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    for name, path in not_databases(tmp_path, data_dir / "records.sqlite3").items():
        before = digest(path)
        status, out, err = cli("--database", str(path), *command)
        if name == "truncated" and command == ["verify"] and status == 1:
            continue  # verify may open it and report the damage as a finding: also a plain answer
        assert_sentence(status, out, err)
        assert digest(path) == before, name


def test_a_folder_or_an_address_that_is_not_a_database(tmp_path: Path) -> None:
    assert_sentence(*cli("--database", str(tmp_path), "list", "partnerships"))
    assert_sentence(*cli("--database", "mysql://nowhere/records", "list", "partnerships"))
    assert_sentence(*cli("--database", str(tmp_path / "missing.sqlite3"), "list", "partnerships"), "init")
    assert not (tmp_path / "missing.sqlite3").exists()
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert_sentence(*cli("--database", str(empty), "list", "partnerships"), "init")
    assert empty.read_bytes() == b""


# ----- a locked database ---------------------------------------------------------------------------------------


def test_a_database_held_by_another_writer_gets_a_sentence_and_nothing_changes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.core.db import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    before = records_state(data_dir)
    holder = sqlite3.connect(data_dir / "records.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        status, out, err = cli("--data-dir", str(data_dir), "sample-data")
        assert_sentence(status, out, err, "busy")
        # reading still works beside a writer
        assert cli("--data-dir", str(data_dir), "list", "partnerships")[0] == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert records_state(data_dir) == before


# ----- a read-only database ------------------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Makes ``folder`` read-only for this process: file modes for a normal user; a read-only bind mount for root,
    whom file modes do not stop."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"running as root without the right to mount, so nothing can be made read-only: {mounted.stderr}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


def test_a_read_only_database_gets_a_sentence_and_nothing_changes(data_dir: Path, tmp_path: Path) -> None:
    before = records_state(data_dir)
    file_before = digest(data_dir / "records.sqlite3")
    csv_file = tmp_path / "more.csv"
    csv_file.write_text("city,state,partner,country\nDayton,OH,Nanjing,China\n", encoding="utf-8")
    with read_only(data_dir):
        with pytest.raises(OSError):
            (data_dir / "probe").write_text("x")  # the folder really is read-only
        for command in (["sample-data"], ["import", str(csv_file)], ["home", "Dayton, OH"]):
            status, out, err = cli("--data-dir", str(data_dir), *command)
            assert_sentence(status, out, err)
        status, out, err = cli("--data-dir", str(data_dir), "init")  # nothing to upgrade: it may just say so
        assert status == 0 or (status == 2 and err.strip() and "Traceback" not in err), (status, err)
        status, out, err = cli("--data-dir", str(data_dir), "backup")
        assert_sentence(status, out, err)
    assert digest(data_dir / "records.sqlite3") == file_before
    assert records_state(data_dir) == before


# ----- a full disk ---------------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("a full disk is made with a small tmpfs, which needs root to mount")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs could not be mounted here: {mounted.stderr}")
    try:
        yield folder
    finally:
        configure_logging(tmp_path / "logs")  # lets go of the log file on the small disk
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        chunk = b"\0" * 4096
        with contextlib.suppress(OSError):
            while True:
                handle.write(chunk)
    return filler


def test_a_full_disk_gets_a_sentence_and_nothing_changes(small_disk: Path, tmp_path: Path) -> None:
    data_dir = small_disk / "data"
    assert cli("--data-dir", str(data_dir), "home", "Columbus, OH")[0] == 0
    before = records_state(data_dir)
    filler = fill(small_disk)
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(
        "city,state,partner,country\n" + "".join(f"Dayton,OH,Partner {n},China\n" for n in range(3000)),
        encoding="utf-8",
    )
    for command in (["sample-data"], ["import", str(csv_file)], ["backup"]):
        status, out, err = cli("--data-dir", str(data_dir), *command)
        assert_sentence(status, out, err, "full", "space", "could not be written")
    assert not list(data_dir.rglob("*.partial"))
    filler.unlink()
    assert records_state(data_dir) == before
    status, out, err = cli("--data-dir", str(data_dir), "verify")
    assert status == 0, out + err
    assert cli("--data-dir", str(data_dir), "sample-data", "--city", "Columbus, OH")[0] == 0  # works again with space


# ----- odd, wrong and huge files -------------------------------------------------------------------------------


def test_odd_file_names_get_a_sentence(data_dir: Path, tmp_path: Path) -> None:
    before = records_state(data_dir)
    odd = {
        "unicode": tmp_path / "合肥 – Ünïcödé ✓.csv",
        "long": tmp_path / ("a" * 300 + ".csv"),
        "dots": tmp_path / "..",
        "newline": tmp_path / "two\nlines.csv",
        "missing": tmp_path / "nowhere" / "x.csv",
    }
    odd["unicode"].write_text("not,a,partnership,table\n1,2,3,4\n", encoding="utf-8")
    odd["newline"].write_text("", encoding="utf-8")
    for name, path in odd.items():
        for command in (["import", str(path)], ["restore", str(path)]):
            status, out, err = cli("--data-dir", str(data_dir), *command)
            assert_sentence(status, out, err)
            assert "Traceback" not in err, name
    for command in (
        ["export", "../" * 3 + "a" * 300 + ".json"],
        ["export-csv", "partners", str(tmp_path / ("b" * 300))],
    ):
        assert_sentence(*cli("--data-dir", str(data_dir), *command))
    assert records_state(data_dir) == before


def test_wrong_empty_and_huge_files_get_a_sentence(data_dir: Path, tmp_path: Path) -> None:
    before = records_state(data_dir)
    wrong = {
        "image.csv": b"\x89PNG\r\n\x1a\n" + os.urandom(3000),
        "letter.xlsx": b"%PDF-1.7\n" + os.urandom(3000),
        "archive.xlsx": _zip_without_workbook(),
        "empty.csv": b"",
        "database.csv": (data_dir / "records.sqlite3").read_bytes()[:8192],
        "records.json": b'{"format": "something else"}',
    }
    for name, content in wrong.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert_sentence(*cli("--data-dir", str(data_dir), "import", str(path)))
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: takes no room on the disk
    assert_sentence(*cli("--data-dir", str(data_dir), "import", str(huge)), "too large")
    assert records_state(data_dir) == before


def _zip_without_workbook() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


def test_a_damaged_database_is_found_at_start_and_the_latest_good_backup_offered(data_dir: Path) -> None:
    from desktop_app.core.db.engine import Database
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.core.safekeeping.backup import create_backup, latest_good_backup
    from desktop_app.core.safekeeping.verify import startup_check

    location = resolve_location(data_dir)
    good = create_backup(location)
    database = data_dir / "records.sqlite3"
    for suffix in ("-wal", "-shm"):
        (data_dir / f"records.sqlite3{suffix}").unlink(missing_ok=True)
    content = bytearray(database.read_bytes())
    page = int.from_bytes(content[16:18], "big")  # the file's page size, where the header's 1 stands for 65536
    page = 65536 if page == 1 else page
    content[page * 3 : page * 3 + 200] = os.urandom(200)  # damage a page of the records
    database.write_bytes(bytes(content))
    db = Database(location.database_url)
    try:
        problems = startup_check(db)
    finally:
        db.dispose()
    assert problems and all(isinstance(problem, str) for problem in problems)
    offered = latest_good_backup(location)
    assert offered is not None and offered.path == good.path
    shutil.copyfile(database, data_dir / "kept-damaged.sqlite3")
