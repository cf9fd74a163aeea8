"""Inputs that could pass for something else: files changing while attached, names that reorder themselves,
personal data exported readable by others, and database addresses that carry a password."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database, create_database_engine, describe_database_error
from desktop_app.core.errors import UserError
from desktop_app.core.files import add_version, attach_files, get_attachment, list_attachments, write_attachment
from desktop_app.core.files import attachments as attachments_module
from desktop_app.core.files.listing import attachments_page
from desktop_app.core.files.names import display_name, safe_file_name, shown_bidi_controls
from desktop_app.core.host import logs
from desktop_app.core.host.paths import hide_passwords, shown_database_url
from desktop_app.core.interchange.csv_export import export_csv
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction

CHANGED = "changed while it was being read; nothing was attached. Attach it again once it is no longer being written."
BIDI_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
PASSWORD = "Tr0ub4dor-secret"


@pytest.fixture
def partnership(db: Database) -> dict[str, Any]:
    home = set_home_jurisdiction(db, "Columbus", "OH")
    partner = records.create(db, "partner", {"name": "Hefei", "country_name": "China", "country_code": "CN"})
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})


def stored_counts(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            int(session.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (models.Attachment, models.Blob, models.BlobChunk)
        )


def on_call(number: int, action: Callable[[], None]) -> Callable[[], bool]:
    """A cancel callback that never cancels, but does ``action`` the ``number``-th time it is asked."""
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        if calls == number:
            action()
        return False

    return cancel


def cut_short(path: Path, size: int) -> Callable[[], None]:
    def cut() -> None:
        with path.open("r+b") as handle:
            handle.truncate(size)

    return cut


def rewrite_in_place(path: Path) -> Callable[[], None]:
    """Same size, other bytes, a later time of last writing (set, so that a coarse clock cannot hide it)."""

    def rewrite() -> None:
        info = path.stat()
        with path.open("r+b") as handle:
            handle.write(b"X" * 64)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))

    return rewrite


@pytest.fixture
def large_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over 1 KiB count as too large to read for text, as files over 256 MiB do, without writing one."""
    monkeypatch.setattr(attachments_module, "MAX_EXTRACT_BYTES", 1024)


# ----- a file that changes while it is being attached -------------------------------------------------------


@pytest.mark.usefixtures("large_file_limit")
def test_large_file_cut_short_while_stored_is_refused(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "minutes.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024))  # read in several chunks
    before = stored_counts(db)
    # Asked before reading, then before each chunk: the file is cut while its second chunk is due.
    cancel = on_call(3, cut_short(path, 1024 * 1024 + 512 * 1024))
    with pytest.raises(UserError) as refused:
        attach_files(db, [path], "partnership", partnership["id"], cancel=cancel)
    assert refused.value.message == f"{path} {CHANGED}"
    assert stored_counts(db) == before
    assert list_attachments(db) == []


@pytest.mark.usefixtures("large_file_limit")
def test_large_file_rewritten_in_place_while_stored_is_refused(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "ledger.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024))
    before = stored_counts(db)
    with pytest.raises(UserError, match=CHANGED):
        attach_files(db, [path], "partnership", partnership["id"], cancel=on_call(3, rewrite_in_place(path)))
    assert stored_counts(db) == before


def test_small_file_changed_after_storing_is_refused(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(b"Dear Mayor,\n" * 100)
    before = stored_counts(db)
    # The first question comes before storing; the second while its text is being read, after storing.
    with pytest.raises(UserError, match=CHANGED):
        attach_files(db, [path], "partnership", partnership["id"], cancel=on_call(2, rewrite_in_place(path)))
    assert stored_counts(db) == before


def test_one_changing_file_refuses_the_whole_set(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    steady = tmp_path / "steady.txt"
    steady.write_bytes(b"Nothing changes here.\n")
    moving = tmp_path / "moving.txt"
    moving.write_bytes(b"Still being written.\n" * 50)
    before = stored_counts(db)
    with pytest.raises(UserError, match=f"moving.txt {CHANGED}"):
        attach_files(db, [steady, moving], "partnership", partnership["id"], cancel=on_call(2, cut_short(moving, 10)))
    assert stored_counts(db) == before


def test_new_version_cut_short_while_stored_is_refused(
    db: Database, partnership: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "agreement-v1.txt"
    first.write_bytes(b"Version one.\n")
    [attached] = attach_files(db, [first], "partnership", partnership["id"])
    second = tmp_path / "agreement-v2.txt"
    second.write_bytes(b"Version two, longer.\n" * 200)
    store = attachments_module.store_stream_with_head

    def store_while_cut(*arguments: Any, **options: Any) -> Any:
        cut_short(second, 100)()
        return store(*arguments, **options)

    monkeypatch.setattr(attachments_module, "store_stream_with_head", store_while_cut)
    before = stored_counts(db)
    with pytest.raises(UserError, match=CHANGED):
        add_version(db, attached["id"], second)
    assert stored_counts(db) == before
    assert get_attachment(db, attached["id"])["superseded_by_id"] is None


@pytest.mark.usefixtures("large_file_limit")
def test_large_file_left_alone_is_attached_whole(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "archive.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    [attached] = attach_files(db, [path], "partnership", partnership["id"])
    assert attached["size"] == 3 * 1024 * 1024 + 7
    assert attached["text_state"] == "not_read"


# ----- names that reorder themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_each_bidi_control_is_shown_and_never_written(control: str) -> None:
    name = f"invoice{control}txt.exe"
    shown = f"invoice<U+{ord(control):04X}>txt.exe"
    assert shown_bidi_controls(name) == shown
    assert display_name(name) == shown
    assert safe_file_name(name) == "invoice_txt.exe"


def test_plain_names_are_shown_as_they_are() -> None:
    assert shown_bidi_controls("Protokoll – 合肥 ‎") == "Protokoll – 合肥 <U+200E>"
    assert display_name("agreement (final).pdf") == "agreement (final).pdf"
    assert safe_file_name("agreement (final).pdf") == "agreement (final).pdf"


def test_attached_name_with_bidi_control_is_kept_but_shown_and_saved_harmless(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    name = "invoice\u202etxt.exe"
    path = tmp_path / name
    path.write_bytes(b"MZ pretending to be a text file\n")
    [attached] = attach_files(db, [path], "partnership", partnership["id"])
    assert attached["original_name"] == name  # the record keeps what arrived
    for plain in (attached, get_attachment(db, attached["id"]), attachments_page(db)[0], list_attachments(db)[0]):
        assert plain["display_name"] == "invoice<U+202E>txt.exe"
        assert plain["display_title"] == "invoice<U+202E>txt.exe"
    out = tmp_path / "out"
    out.mkdir()
    written = write_attachment(db, attached["id"], out)
    assert written.name == "invoice_txt.exe"
    assert [child.name for child in out.iterdir()] == ["invoice_txt.exe"]


# ----- exports of personal data ---------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.usefixtures("open_umask", "partnership")
@pytest.mark.parametrize("personal", [True, False], ids=["with-personal-data", "without"])
def test_csv_export_is_owner_only_whatever_the_umask(db: Database, tmp_path: Path, personal: bool) -> None:
    target = tmp_path / "partners.csv"
    result = export_csv(db, "partners", target, include_personal_data=personal)
    assert result.rows == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Hefei" in target.read_text(encoding="utf-8-sig")
    # Nothing else is left beside it (the data folder is there only for records kept in a file).
    assert sorted(child.name for child in tmp_path.iterdir() if child.name != "data") == ["partners.csv"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.usefixtures("open_umask", "partnership")
def test_csv_export_over_a_shared_file_leaves_it_owner_only(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "partners.csv"
    target.write_text("old\n")
    target.chmod(0o666)
    export_csv(db, "partners", target, include_personal_data=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Hefei" in target.read_text(encoding="utf-8-sig")


# ----- database addresses with a password -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"mysql://clerk:{PASSWORD}@db.example.org/records", "mysql://clerk:***@db.example.org/records"),
        (f"postgresql://clerk:{PASSWORD}@host/db", "postgresql://clerk:***@host/db"),
        (f"postgresql://clerk@host/db?password={PASSWORD}", "postgresql://clerk@host/db?password=***"),
        ("postgresql://clerk@host/db", "postgresql://clerk@host/db"),
    ],
)
def test_shown_database_url_masks_the_password(url: str, shown: str) -> None:
    assert shown_database_url(url) == shown


def test_unreadable_database_url_is_not_shown() -> None:
    assert shown_database_url(f"postgresql://clerk:{PASSWORD}@host:port/db") is None


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://clerk:{PASSWORD}@db.example.org/records",
        f"nosuchdriver://clerk:{PASSWORD}@host/db",
        f"postgresql://clerk:{PASSWORD}@host:port/db",
        f"mysql://clerk:{PASSWORD}@x@host/db",
    ],
)
def test_unsupported_database_refusal_never_quotes_the_password(url: str) -> None:
    with pytest.raises(UserError) as refused:
        create_database_engine(url)
    assert PASSWORD not in refused.value.message
    assert "not" in refused.value.message


def test_driver_error_quoting_its_connection_string_is_masked() -> None:
    error = RuntimeError(f'invalid dsn: missing "=" after "x" in "host=h password={PASSWORD} user=clerk"')
    sentence = describe_database_error(error)
    assert PASSWORD not in sentence
    assert "password=***" in sentence


def test_hide_passwords_in_free_text() -> None:
    text = f"could not open postgresql+psycopg://clerk:{PASSWORD}@host/db, nor passwd = '{PASSWORD}'"
    hidden = hide_passwords(text)
    assert PASSWORD not in hidden
    assert "postgresql+psycopg://clerk:***@host/db" in hidden


def test_log_file_never_holds_a_password(tmp_path: Path) -> None:
    log_path = logs.configure_logging(tmp_path / "logs")
    logging.getLogger("desktop_app.test").warning("opening mysql://clerk:%s@host/db failed", PASSWORD)
    for handler in logging.getLogger("desktop_app").handlers:
        handler.flush()
    written = log_path.read_text(encoding="utf-8")
    assert "mysql://clerk:***@host/db" in written
    assert PASSWORD not in written
