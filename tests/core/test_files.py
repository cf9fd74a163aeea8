"""Attachments: streaming store, media type, refusals, text states, duplicates, versions, records, read-back."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.files import (
    add_version,
    attach_files,
    declare_record,
    get_attachment,
    link_attachment,
    list_attachments,
    open_copy_for_viewer,
    replace_content,
    trash_attachment,
    unlink_attachment,
    write_attachment,
)
from desktop_app.core.files.names import original_name_of, safe_file_name
from desktop_app.core.files.store import store_bytes
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page, verify_chain
from desktop_app.core.records.parties import set_home_jurisdiction
from tests import file_samples

AGREEMENT_LINES = ["Agreement of friendship between Columbus and Hefei", "Signed in the presence of the mayors."]


def make_partnership(db: Database) -> dict[str, Any]:
    home = set_home_jurisdiction(db, "Columbus", "OH")
    partner = records.create(
        db, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China", "country_code": "CN"}
    )
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})


@pytest.fixture
def partnership(db: Database) -> dict[str, Any]:
    return make_partnership(db)


def attach_one(db: Database, path: Path, partnership: dict[str, Any], **options: Any) -> dict[str, Any]:
    [result] = attach_files(db, [path], "partnership", partnership["id"], **options)
    return result


def count(db: Database, model: Any) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_text_pdf_is_stored_linked_and_read(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = file_samples.text_pdf(tmp_path / "agreement.pdf", AGREEMENT_LINES, pages=3)
    result = attach_one(db, path, partnership, title="Friendship agreement")
    assert result["media_type"] == "application/pdf"
    assert result["text_state"] == "extracted"
    assert result["page_count"] == 3
    assert result["title"] == "Friendship agreement"
    assert result["original_name"] == "agreement.pdf"
    assert result["links"] == [{"record_kind": "partnership", "record_id": partnership["id"], "role": "document"}]
    import hashlib

    assert result["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "presence of the mayors" in get_attachment(db, result["id"], with_text=True)["text"]
    assert [a["id"] for a in list_attachments(db, "partnership", partnership["id"])] == [result["id"]]
    with db.reading() as session:
        assert verify_chain(session) == []


def test_chinese_pdf_text_is_read(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = file_samples.chinese_pdf(tmp_path / "协议.pdf", ["合肥市与哥伦布市友好城市协议"])
    result = attach_one(db, path, partnership)
    assert result["text_state"] == "extracted"
    assert result["original_name"] == "协议.pdf"
    assert "合肥" in get_attachment(db, result["id"], with_text=True)["text"]


@pytest.mark.parametrize(
    ("make", "state"),
    [
        (lambda p: file_samples.image_only_pdf(p / "scan.pdf"), "no_text"),
        (lambda p: file_samples.encrypted_pdf(p / "locked.pdf"), "encrypted"),
        (lambda p: file_samples.truncated_pdf(p / "cut.pdf", AGREEMENT_LINES), "unreadable"),
        (lambda p: file_samples.random_bytes(p / "noise.pdf"), "unreadable"),
        (lambda p: file_samples.docx(p / "minutes.docx", ["Minutes of the council", "Motion carried"]), "extracted"),
    ],
    ids=["image-only", "encrypted", "truncated", "random-bytes-named-pdf", "docx"],
)
def test_text_states(db: Database, partnership: dict[str, Any], tmp_path: Path, make: Any, state: str) -> None:
    path = make(tmp_path)
    result = attach_one(db, path, partnership)
    assert result["text_state"] == state, result["text_note"]
    assert result["size"] == path.stat().st_size
    if state != "extracted":
        assert result["text_note"]
    # Whatever its state, the file is kept exactly as received.
    written = write_attachment(db, result["id"], tmp_path / "back")
    assert written.read_bytes() == path.read_bytes()


def test_encrypted_pdf_with_empty_user_password_is_read(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    path = file_samples.encrypted_pdf(tmp_path / "perms-only.pdf", password="", lines=["Open to all readers"])
    result = attach_one(db, path, partnership)
    assert result["text_state"] == "extracted"
    assert "Open to all readers" in get_attachment(db, result["id"], with_text=True)["text"]


def test_media_types_come_from_content_not_name(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    text_file = tmp_path / "notes.bin"
    text_file.write_text("Délégation de Hefei, accueil à l'hôtel de ville.\n", encoding="utf-8")
    pdf_named_docx = tmp_path / "memo.docx"
    pdf_named_docx.write_bytes(file_samples.text_pdf_bytes(["A memo"]))
    results = attach_files(db, [png, text_file, pdf_named_docx], "partnership", partnership["id"])
    assert [r["media_type"] for r in results] == ["image/png", "text/plain", "application/pdf"]
    assert [r["text_state"] for r in results] == ["no_text", "extracted", "extracted"]


def test_duplicates_are_stored_once(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    data = file_samples.text_pdf_bytes(AGREEMENT_LINES)
    first, second = tmp_path / "a.pdf", tmp_path / "copy of a.pdf"
    first.write_bytes(data)
    second.write_bytes(data)
    policy = records.create(db, "policy", {"kind": "ordinance", "title": "Ordinance on partnerships"})
    results = attach_files(db, [first, second], "partnership", partnership["id"])
    again = attach_files(db, [first], "policy", policy["id"])[0]
    assert results[0]["id"] == results[1]["id"] == again["id"]
    assert [results[1]["already_stored"], again["already_stored"]] == [True, True]
    assert count(db, models.Blob) == 1
    assert count(db, models.Attachment) == 1
    assert {(link["record_kind"], link["record_id"]) for link in get_attachment(db, again["id"])["links"]} == {
        ("partnership", partnership["id"]),
        ("policy", policy["id"]),
    }


def test_store_bytes_dedups_and_chunks(db: Database) -> None:
    data = os.urandom(2 * 1024 * 1024 + 17)
    with db.writing() as session:
        sha_one, size = store_bytes(session, data)
        sha_two, _ = store_bytes(session, data)
    assert sha_one == sha_two and size == len(data)
    assert count(db, models.Blob) == 1
    assert count(db, models.BlobChunk) == 3


@pytest.mark.parametrize("kind", ["agreement", "activity", "policy", "oversight", "response", "participant"])
def test_links_to_any_record_kind(db: Database, partnership: dict[str, Any], tmp_path: Path, kind: str) -> None:
    from tests.core.test_records import minimal_values

    values = minimal_values(db)[kind]
    record = records.create(db, kind, values)
    path = file_samples.text_pdf(tmp_path / "evidence.pdf", [f"Evidence for the {kind}"])
    result = attach_files(db, [path], kind, record["id"])[0]
    assert result["links"][0]["record_kind"] == kind
    assert [a["id"] for a in list_attachments(db, kind, record["id"])] == [result["id"]]


def test_refusals_change_nothing(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    good = file_samples.text_pdf(tmp_path / "good.pdf", AGREEMENT_LINES)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    cases = [
        ([good, folder], "folder"),
        ([good, fifo], "not an ordinary file"),
        ([empty], "empty"),
        ([tmp_path / "missing.pdf"], "no file"),
    ]
    for paths, words in cases:
        with pytest.raises(UserError, match=words):
            attach_files(db, paths, "partnership", partnership["id"])
    with pytest.raises(UserError, match="larger than the limit"):
        attach_files(db, [good], "partnership", partnership["id"], size_limit=100)
    with pytest.raises(UserError, match="no partnership with number 999"):
        attach_files(db, [good], "partnership", 999)
    with pytest.raises(UserError, match="no record kind"):
        attach_files(db, [good], "spaceship", 1)
    assert count(db, models.Attachment) == 0
    assert count(db, models.Blob) == 0


def test_unreadable_file_is_refused(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("the superuser can read any file")
    path = file_samples.text_pdf(tmp_path / "private.pdf", AGREEMENT_LINES)
    path.chmod(0)
    with pytest.raises(UserError, match="cannot be read"):
        attach_files(db, [path], "partnership", partnership["id"])


def test_cancel_keeps_nothing(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    paths = [file_samples.text_pdf(tmp_path / f"f{n}.pdf", [f"File {n}"]) for n in range(4)]
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, _what: str) -> None:
        seen.append((done, total))

    with pytest.raises(Stopped):
        attach_files(db, paths, "partnership", partnership["id"], progress=progress, cancel=lambda: len(seen) >= 2)
    assert count(db, models.Attachment) == 0
    assert count(db, models.Blob) == 0
    assert count(db, models.BlobChunk) == 0


def test_progress_reaches_the_end(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    paths = [file_samples.text_pdf(tmp_path / f"f{n}.pdf", [f"File {n}"]) for n in range(3)]
    seen: list[tuple[int, int]] = []
    threads: set[int] = set()

    def progress(done: int, total: int, _what: str) -> None:
        seen.append((done, total))
        threads.add(threading.get_ident())

    attach_files(db, paths, "partnership", partnership["id"], progress=progress)
    assert seen[-1] == (6, 6)
    assert [done for done, _ in seen] == list(range(1, 7))
    assert threads == {threading.get_ident()}  # the caller's thread only, so a window can update from it


def test_extraction_overrunning_its_time_is_stopped(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = file_samples.text_pdf(tmp_path / "slow.pdf", AGREEMENT_LINES)
    result = attach_one(db, path, partnership, extract_timeout=0.001)
    assert result["text_state"] == "unreadable"
    assert "took longer" in result["text_note"]


def test_extraction_overrunning_its_memory_is_stopped(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("the memory limit is set with POSIX resource limits")
    path = file_samples.text_pdf(tmp_path / "big.pdf", AGREEMENT_LINES)
    result = attach_one(db, path, partnership, extract_memory_limit=20 * 1024 * 1024)
    assert result["text_state"] == "unreadable"
    assert "memory" in result["text_note"]


def test_odd_names_are_kept_as_text_only(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    names = ["Ünïcödé 合肥 协议.pdf", "x" * 240 + ".pdf", "..pdf", "bell\x07and\nnewline.pdf", "-rf .pdf"]
    paths = [file_samples.text_pdf(tmp_path / name, [f"Body {n}"]) for n, name in enumerate(names)]
    results = attach_files(db, paths, "partnership", partnership["id"])
    assert [r["original_name"] for r in results] == names
    assert "\x07" not in results[3]["display_name"] and "\n" not in results[3]["display_name"]
    out = tmp_path / "out"
    out.mkdir()
    for result in results:
        written = write_attachment(db, result["id"], out)
        assert written.parent == out
    assert sorted(p.name for p in out.iterdir()) == sorted(safe_file_name(name) for name in names)


def test_names_that_cannot_be_paths_stay_text() -> None:
    assert original_name_of("folder/sub/../report.pdf") == "report.pdf"
    assert original_name_of(os.fsdecode(b"caf\xe9.pdf")) == "caf\ufffd.pdf"
    assert safe_file_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_file_name("a/b\\c:d.pdf") == "a_b_c_d.pdf"
    assert safe_file_name("..") == "attachment"
    assert safe_file_name("CON.txt") == "_CON.txt"
    assert len(safe_file_name("y" * 300 + ".pdf").encode()) <= 150
    assert len(safe_file_name("合" * 300 + ".pdf").encode()) <= 150
    assert safe_file_name("合" * 300 + ".pdf").endswith("合.pdf")


def test_write_out_refuses_altered_content(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = file_samples.text_pdf(tmp_path / "agreement.pdf", AGREEMENT_LINES)
    result = attach_one(db, path, partnership)
    flip_a_byte(db, result["sha256"])
    target = tmp_path / "copy.pdf"
    with pytest.raises(UserError, match="no longer matches"):
        write_attachment(db, result["id"], target)
    assert not target.exists()
    assert list(tmp_path.glob(".partial-*")) == []
    with pytest.raises(UserError, match="no longer matches"):
        open_copy_for_viewer(db, result["id"])


def flip_a_byte(db: Database, sha256: str) -> None:
    with db.writing() as session:
        blob_id = session.execute(select(models.Blob.id).where(models.Blob.sha256 == sha256)).scalar_one()
        data = bytearray(
            session.execute(
                select(models.BlobChunk.data).where(models.BlobChunk.blob_id == blob_id, models.BlobChunk.seq == 0)
            ).scalar_one()
        )
        data[len(data) // 2] ^= 0x01
        session.execute(
            text("UPDATE blob_chunk SET data = :data WHERE blob_id = :id AND seq = 0"),
            {"data": bytes(data), "id": blob_id},
        )


def test_viewer_copy_is_private_and_exact(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    path = file_samples.text_pdf(tmp_path / "agreement.pdf", AGREEMENT_LINES)
    result = attach_one(db, path, partnership)
    copy = open_copy_for_viewer(db, result["id"])
    try:
        assert copy.read_bytes() == path.read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert copy.name == "agreement.pdf"
    finally:
        copy.unlink()
        copy.parent.rmdir()


def test_versions_and_declared_records(db: Database, partnership: dict[str, Any], tmp_path: Path) -> None:
    first = file_samples.text_pdf(tmp_path / "draft.pdf", ["Draft agreement"])
    second = file_samples.text_pdf(tmp_path / "signed.pdf", ["Signed agreement"])
    third = file_samples.text_pdf(tmp_path / "amended.pdf", ["Amended agreement"])
    original = attach_one(db, first, partnership, title="Agreement")
    declared = declare_record(db, original["id"])
    assert declared["is_record"] is True
    with pytest.raises(UserError, match="can never be replaced"):
        replace_content(db, original["id"], second)
    new = add_version(db, original["id"], second)
    assert new["supersedes_id"] == original["id"]
    assert new["title"] == "Agreement"
    assert new["links"] == original["links"]
    old = get_attachment(db, original["id"])
    assert old["superseded_by_id"] == new["id"]
    assert old["sha256"] == original["sha256"]  # the old version stays as it was
    with pytest.raises(UserError, match="already superseded"):
        add_version(db, original["id"], third)
    with pytest.raises(UserError, match="same file"):
        add_version(db, new["id"], second)
    replaced = replace_content(db, new["id"], third)  # not declared: its content may be replaced
    assert "Amended" in get_attachment(db, replaced["id"], with_text=True)["text"]
    current = list_attachments(db, "partnership", partnership["id"], include_superseded=False)
    assert [a["id"] for a in current] == [new["id"]]
    trash_attachment(db, new["id"])
    assert [a["id"] for a in list_attachments(db, in_trash=True)] == [new["id"]]
    with db.reading() as session:
        assert verify_chain(session) == []


def test_unlinking_takes_a_file_off_one_record_and_keeps_a_declared_record_somewhere(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    policy = records.create(db, "policy", {"kind": "code_of_conduct", "title": "Code of conduct"})
    attached = attach_one(db, file_samples.text_pdf(tmp_path / "code.pdf", ["Code of conduct"]), partnership)
    link_attachment(db, attached["id"], "policies", policy["id"])
    unlinked = unlink_attachment(db, attached["id"], "partnership", partnership["id"])
    assert unlinked["links"] == [{"record_kind": "policy", "record_id": policy["id"], "role": "document"}]
    assert list_attachments(db, "partnership", partnership["id"]) == []
    [event] = audit_page(db, limit=1, with_changes=True)
    assert (event["action"], event["record_kind"], event["record_id"]) == ("unlink", "attachment", attached["id"])
    assert event["before"] == {"record_kind": "partnership", "record_id": partnership["id"], "role": "document"}
    assert event["after"] is None
    with pytest.raises(UserError, match="not linked to partnership"):
        unlink_attachment(db, attached["id"], "partnership", partnership["id"])
    declare_record(db, attached["id"])
    with pytest.raises(UserError, match="only record it belongs to"):
        unlink_attachment(db, attached["id"], "policy", policy["id"])
    assert get_attachment(db, attached["id"])["links"] == unlinked["links"]
    with db.reading() as session:
        assert verify_chain(session) == []


def test_generated_pdf_kept_with_the_low_level_store_can_be_read(db: Database, partnership: dict[str, Any]) -> None:
    from desktop_app.core.files import read_text_in
    from desktop_app.core.files.store import add_attachment_in, link_in
    from desktop_app.core.search.query import search

    data = file_samples.text_pdf_bytes(["Response to the inquiry of the senators"])
    with db.writing() as session:
        sha256, size = store_bytes(session, data)
        attachment = add_attachment_in(
            session,
            sha256=sha256,
            size=size,
            original_name="response.pdf",
            title="Issued response",
            media_type="application/pdf",
            actor="clerk",
        )
        link_in(session, attachment.id, "partnership", partnership["id"], "clerk")
        read_text_in(session, attachment.id)
    stored = get_attachment(db, attachment.id)
    assert stored["text_state"] == "extracted"
    assert [hit["record_id"] for hit in search(db, "senators")] == [attachment.id]


def test_a_batch_gets_one_record_link_and_audit_pair_per_new_file(
    db: Database, partnership: dict[str, Any], tmp_path: Path
) -> None:
    from desktop_app.core.search.query import search

    earlier = file_samples.text_pdf(tmp_path / "earlier.pdf", ["Earlier minutes"])
    policy = records.create(db, "policy", {"kind": "ordinance", "title": "Ordinance on partnerships"})
    first = attach_files(db, [earlier], "policy", policy["id"])[0]
    paths = [file_samples.text_pdf(tmp_path / f"r{n}.pdf", [f"Quarterly report {n} zebra{n}"]) for n in range(12)]
    copy = tmp_path / "earlier copy.pdf"
    copy.write_bytes(earlier.read_bytes())
    with db.reading() as session:
        last_seq = session.execute(select(func.max(models.AuditEvent.seq))).scalar_one()
    results = attach_files(db, [*paths, copy, paths[0]], "partnership", partnership["id"])
    assert [result["already_stored"] for result in results] == [False] * 12 + [True, True]
    assert results[12]["id"] == first["id"] and results[13]["id"] == results[0]["id"]
    assert len({result["id"] for result in results}) == 13
    assert [result["text_state"] for result in results] == ["extracted"] * 14
    assert {(link["record_kind"], link["record_id"]) for link in results[12]["links"]} == {
        ("policy", policy["id"]),
        ("partnership", partnership["id"]),
    }
    with db.reading() as session:
        assert verify_chain(session) == []
        events = session.execute(
            select(models.AuditEvent.action, models.AuditEvent.record_id)
            .where(models.AuditEvent.seq > last_seq)
            .order_by(models.AuditEvent.seq)
        ).all()
    expected = [(action, result["id"]) for result in results[:12] for action in ("create", "link")]
    assert [tuple(event) for event in events] == [*expected, ("link", first["id"])]
    assert count(db, models.Attachment) == 13
    assert count(db, models.Blob) == 13
    assert [hit["record_id"] for hit in search(db, "zebra7")] == [results[7]["id"]]
