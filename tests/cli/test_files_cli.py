"""The attach, list attachments, save-attachment, search and verify commands, run as a user runs them."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.host.paths import DataLocation
from tests import file_samples
from tests.cli.conftest import RunCli, assert_plain_failure


def setup_records(run_cli: RunCli) -> None:
    result = run_cli("sample-data", "--city", "Kansas City, MO")
    assert result.returncode == 0, result.stderr


def test_attach_list_search_save(run_cli: RunCli, tmp_path: Path) -> None:
    setup_records(run_cli)
    pdf = file_samples.text_pdf(tmp_path / "agreement.pdf", ["Friendship agreement with a lantern clause"])
    scan = file_samples.image_only_pdf(tmp_path / "scan.pdf")
    result = run_cli("attach", "--to", "partnership:1", str(pdf), str(scan))
    assert result.returncode == 0, result.stderr
    assert "Attachment 1: agreement.pdf" in result.stdout
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in result.stdout
    assert "text extracted" in result.stdout
    assert "no text layer" in result.stdout
    assert "Traceback" not in result.stderr

    listed = run_cli("list", "attachments")
    assert listed.returncode == 0, listed.stderr
    assert "agreement.pdf" in listed.stdout and "text extracted" in listed.stdout
    rows = json.loads(run_cli("list", "attachments", "--json").stdout)
    assert [row["text_state"] for row in rows] == ["extracted", "no_text"]

    found = run_cli("search", "lantern")
    assert found.returncode == 0, found.stderr
    assert "attachment 1" in found.stdout and "«lantern»" in found.stdout
    assert "belongs to partnership 1" in found.stdout
    hits = json.loads(run_cli("search", "lantern", "--json").stdout)
    assert hits[0]["record_kind"] == "attachment"

    out = tmp_path / "copy.pdf"
    saved = run_cli("save-attachment", "1", str(out))
    assert saved.returncode == 0, saved.stderr
    assert out.read_bytes() == pdf.read_bytes()
    assert_plain_failure(run_cli("save-attachment", "1", str(out)))
    assert run_cli("save-attachment", "1", str(out), "--overwrite").returncode == 0
    assert_plain_failure(run_cli("save-attachment", "99", str(tmp_path / "x.pdf")))


def test_search_finds_native_names_and_survives_any_query(
    run_cli: RunCli, data_dir: Path, records_at: Callable[[Path], DataLocation]
) -> None:
    setup_records(run_cli)
    set_native_name(records_at(data_dir), "Xi'an", "西安")
    found = run_cli("search", "西安")
    assert found.returncode == 0, found.stderr
    assert "Xi'an" in found.stdout
    for query in ['"', "NEAR(", "AND", "*", "-", 'hefei"', "'"]:
        result = run_cli("search", query)
        assert "Traceback" not in result.stderr + result.stdout, query
        assert result.returncode in (0, 2), query
        if result.returncode == 2:
            assert_plain_failure(result)


def set_native_name(location: DataLocation, name: str, native_name: str) -> None:
    from desktop_app.core.records import service as records
    from desktop_app.core.safekeeping.opening import open_database

    db, _ = open_database(location)
    try:
        [partner] = [p for p in records.list_records(db, "partner") if p["name"] == name]
        records.update(db, "partner", partner["id"], {"native_name": native_name})
    finally:
        db.dispose()


def test_bad_inputs_are_refused_plainly(run_cli: RunCli, tmp_path: Path) -> None:
    setup_records(run_cli)
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    pdf = file_samples.text_pdf(tmp_path / "ok.pdf", ["Fine"])
    for arguments in (
        ["attach", "--to", "partnership:1", str(fifo)],
        ["attach", "--to", "partnership:1", str(folder)],
        ["attach", "--to", "partnership:1", str(empty)],
        ["attach", "--to", "partnership:1", str(tmp_path / "missing.pdf")],
        ["attach", "--to", "partnership:999", str(pdf)],
        ["attach", "--to", "partnership", str(pdf)],
        ["attach", "--to", "rocket:1", str(pdf)],
        ["search", ""],
    ):
        assert_plain_failure(run_cli(*arguments, timeout=60))
    assert json.loads(run_cli("list", "attachments", "--json").stdout) == []


@pytest.mark.usefixtures("sqlite_only")
def test_verify_names_a_damaged_attachment(run_cli: RunCli, data_dir: Path, tmp_path: Path) -> None:
    setup_records(run_cli)
    pdf = file_samples.text_pdf(tmp_path / "evidence.pdf", ["Evidence"])
    assert run_cli("attach", "--to", "partnership:2", str(pdf)).returncode == 0
    assert run_cli("verify").returncode == 0
    database = next(data_dir.glob("*.sqlite*"))
    with sqlite3.connect(database) as connection:
        data = bytearray(connection.execute("SELECT data FROM blob_chunk").fetchone()[0])
        data[10] ^= 0x20
        connection.execute("UPDATE blob_chunk SET data = ?", (bytes(data),))
    result = run_cli("verify")
    assert result.returncode == 1
    assert "attachment 1" in result.stdout and "partnership 2" in result.stdout
    assert "Traceback" not in result.stderr
    assert_plain_failure(run_cli("save-attachment", "1", str(tmp_path / "back.pdf")))
