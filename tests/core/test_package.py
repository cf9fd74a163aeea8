"""The package of an issued response: written whole, checked, and every kind of damage to it found and named."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.preservation.package import write_package
from desktop_app.core.preservation.package_check import check_package
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import event_hash
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.opening import open_database
from tests.conftest import TEST_DATABASE_URL, reset_postgresql

from .report_records import build_city, tiny_pdf

DAY = "2026-11-28"
PAYLOAD = (
    "data/letter.pdf",
    "data/letter-archival-PDF-A-2b.pdf",
    "data/enclosures/01-council-resolution-12-2024.pdf",
    "data/enclosures/02-agreement-hefei.pdf",
    "data/audit-extract.json",
    "data/response.json",
)
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "README.txt")


@dataclass
class Issued:
    db: Database
    response_id: int
    draft_id: int
    letter_sha256: str
    folder: Path  # the package written as a folder
    zip: Path  # and as a zip


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    """A Columbus letter issued with an enclosed agreement, a later draft, and the letter's package both ways."""
    folder = tmp_path_factory.mktemp("issued")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SISTER_CITY_RECORDS_TODAY", DAY)
        if TEST_DATABASE_URL:
            reset_postgresql(TEST_DATABASE_URL)
            location = resolve_location(folder / "data", TEST_DATABASE_URL)
        else:
            location = resolve_location(folder / "data")
        db, _ = open_database(location)
        build_city(db)
        response = responses.issue(db, responses.create_draft(db)["id"])
        draft = responses.supersede(db, response["id"])
        write_package(db, response["id"], folder / "package")
        write_package(db, response["id"], folder / "package.zip")
        yield Issued(
            db, response["id"], draft["id"], response["pdf_sha256"], folder / "package", folder / "package.zip"
        )
        db.dispose()


@pytest.fixture
def copy(issued: Issued, tmp_path: Path) -> Path:
    """A copy of the package folder for a test to damage."""
    return Path(shutil.copytree(issued.folder, tmp_path / "copy"))


def _problems(path: Path) -> list[str]:
    return check_package(path).problems


def _flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    where = len(data) // 2 if offset is None else offset
    data[where] ^= 0x01
    path.write_bytes(bytes(data))


def _remanifest(bag: Path) -> None:
    """Recomputes the Payload-Oxum, manifests and tag manifests as a forger would, so only deeper checks remain."""
    files = sorted(p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file())
    octets = sum((bag / name).stat().st_size for name in files)
    info = [line for line in (bag / "bag-info.txt").read_text().splitlines() if not line.startswith("Payload-Oxum")]
    (bag / "bag-info.txt").write_bytes(("\n".join([*info, f"Payload-Oxum: {octets}.{len(files)}"]) + "\n").encode())
    for algorithm in ("sha256", "sha512"):
        lines = [f"{hashlib.new(algorithm, (bag / n).read_bytes()).hexdigest()}  {n}\n" for n in files]
        (bag / f"manifest-{algorithm}.txt").write_bytes("".join(lines).encode())
    for algorithm in ("sha256", "sha512"):
        lines = [f"{hashlib.new(algorithm, (bag / n).read_bytes()).hexdigest()}  {n}\n" for n in sorted(TAG_FILES)]
        (bag / f"tagmanifest-{algorithm}.txt").write_bytes("".join(lines).encode())


def _zip_of(folder: Path, target: Path, *, top: str = "response-1", rewrite: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            archive.writestr(f"{top}/{name}", (rewrite or {}).get(name, path.read_bytes()))
    return target


# ----- writing ----------------------------------------------------------------------------------------------------


def test_a_package_holds_the_letter_its_copy_and_enclosures_and_checks(issued: Issued) -> None:
    bag = issued.folder
    files = sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())
    assert files == sorted([*PAYLOAD, *TAG_FILES, "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"])
    assert (bag / "data/letter.pdf").read_bytes() == responses.issued_pdf(issued.db, issued.response_id)
    agreement = tiny_pdf("Sister City Agreement, Columbus and Hefei")
    assert (bag / "data/enclosures/02-agreement-hefei.pdf").read_bytes() == agreement
    result = check_package(bag)
    assert result.problems == []
    assert (result.city, result.response_id, result.letter_date) == ("Columbus, OH", issued.response_id, DAY)
    assert result.letter_sha256 == issued.letter_sha256 and result.enclosures == 2
    # The reference validator agrees, on its own.
    bagit.Bag(str(bag)).validate()


def test_the_audit_extract_holds_the_cited_records_events_and_the_chain_to_the_issue(issued: Issued) -> None:
    extract = json.loads((issued.folder / "data/audit-extract.json").read_bytes())
    events = {(e["record_kind"], e["record_id"], e["action"]) for e in extract["events"]}
    assert ("response", issued.response_id, "issue") in events
    cited = {(kind, action) for kind, _, action in events}
    assert {("partnership", "create"), ("agreement", "create"), ("policy", "create"), ("oversight", "create")} <= cited
    assert ("attachment", "link") in cited  # the enclosed agreement's file
    assert not any(kind == "participant" for kind, _, _ in events)  # participants are never cited
    links = extract["links"]
    assert links[-1]["seq"] == extract["issue_event_seq"]
    assert [link["seq"] for link in links] == list(range(links[0]["seq"], links[-1]["seq"] + 1))
    # The supersession came after the issue, so it is not part of what the letter rests on.
    assert all(event["seq"] <= extract["issue_event_seq"] for event in extract["events"])
    snapshot = json.loads((issued.folder / "data/response.json").read_bytes())
    assert snapshot["response"]["letter_sha256"] == issued.letter_sha256
    assert [e["path"] for e in snapshot["enclosures"]] == [p for p in PAYLOAD if "/enclosures/" in p]


def test_text_files_are_utf8_with_lf_endings(issued: Issued) -> None:
    for name in (*TAG_FILES, "tagmanifest-sha256.txt", "data/response.json", "data/audit-extract.json"):
        data = (issued.folder / name).read_bytes()
        assert b"\r" not in data and data.endswith(b"\n"), name
        data.decode("utf-8")
    readme = (issued.folder / "README.txt").read_text(encoding="utf-8")
    assert "sha256sum -c manifest-sha256.txt" in readme and issued.letter_sha256 in readme


def test_the_same_letter_packaged_twice_gives_the_same_zip(issued: Issued, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SISTER_CITY_RECORDS_TODAY", DAY)
        again = write_package(issued.db, issued.response_id, tmp_path / "again.zip")
    assert Path(again["path"]).read_bytes() == issued.zip.read_bytes()
    with zipfile.ZipFile(issued.zip) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {name.split("/")[0] for name in names} == {f"response-{issued.response_id}-{DAY}"}
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert check_package(issued.zip).problems == []


def test_a_draft_an_occupied_folder_and_an_existing_file_are_refused(issued: Issued, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a draft"):
        write_package(issued.db, issued.draft_id, tmp_path / "draft")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        write_package(issued.db, issued.response_id, occupied)
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"mine")
    with pytest.raises(UserError, match="already exists"):
        write_package(issued.db, issued.response_id, existing)
    assert existing.read_bytes() == b"mine" and [p.name for p in occupied.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.zip", "occupied"]


@pytest.mark.parametrize("name", ["stopped", "stopped.zip"])
def test_a_stopped_package_leaves_nothing(issued: Issued, tmp_path: Path, name: str) -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(Stopped):
        write_package(
            issued.db,
            issued.response_id,
            tmp_path / name,
            progress=lambda d, t: seen.append((d, t)),
            cancelled=lambda: len(seen) >= 3,
        )
    assert seen and seen[-1][0] < seen[-1][1]
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_takes_the_package_and_progress_reaches_the_end(issued: Issued, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    seen: list[tuple[int, int]] = []
    written = write_package(issued.db, issued.response_id, empty, progress=lambda d, t: seen.append((d, t)))
    assert written["files"] == 13 and seen[-1][0] == seen[-1][1]
    assert check_package(empty).problems == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


# ----- damage -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOAD)
def test_a_flipped_byte_in_any_payload_file_is_found(copy: Path, name: str) -> None:
    _flip_byte(copy / name)
    problems = _problems(copy)
    assert (
        f"{name} does not match its SHA-256 in manifest-sha256.txt: the file was changed after packaging." in problems
    )
    assert any("SHA-512" in problem and name in problem for problem in problems)


@pytest.mark.parametrize("name", TAG_FILES)
def test_a_flipped_byte_in_a_tag_file_is_found(copy: Path, name: str) -> None:
    _flip_byte(copy / name, offset=3)
    problems = _problems(copy)
    assert f"{name} does not match its SHA-256 in tagmanifest-sha256.txt: the file was changed after packaging." in (
        problems
    )


@pytest.mark.parametrize("name", PAYLOAD)
def test_a_dropped_file_is_found(copy: Path, name: str) -> None:
    (copy / name).unlink()
    assert f"{name} is listed in the manifests but missing from the package." in _problems(copy)


def test_an_added_file_is_found_in_the_folder_and_in_the_zip(copy: Path, tmp_path: Path) -> None:
    (copy / "data/enclosures/03-extra.pdf").write_bytes(b"%PDF-1.4 not enclosed")
    (copy / "notes.txt").write_text("added")
    problems = _problems(copy)
    assert (
        "data/enclosures/03-extra.pdf is not listed in manifest-sha256.txt: it was added after packaging." in problems
    )
    assert "notes.txt is not part of the package as it was written (no tag manifest lists it)." in problems
    assert "data/enclosures/03-extra.pdf is not one of the enclosures data/response.json lists." in problems


def test_a_zip_extended_beside_its_folder_is_found(issued: Issued, tmp_path: Path) -> None:
    extended = tmp_path / "extended.zip"
    shutil.copy(issued.zip, extended)
    with zipfile.ZipFile(extended, "a") as archive:
        archive.writestr("outside.txt", "beside the bag")
    zip_problems = _problems(extended)
    assert any("outside.txt" in problem and "extended" in problem for problem in zip_problems)


def test_a_truncated_zip_is_found(issued: Issued, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(issued.zip.read_bytes()[: issued.zip.stat().st_size * 2 // 3])
    problems = _problems(truncated)
    assert problems and "damaged or truncated" in problems[0]


def test_a_zip_entry_that_climbs_out_is_refused(copy: Path, tmp_path: Path) -> None:
    target = _zip_of(copy, tmp_path / "climbing.zip")
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("response-1/../../escaped.txt", "out")
    problems = _problems(target)
    assert any("climbs out" in problem for problem in problems)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_an_edited_audit_extract_is_found_though_the_manifests_were_recomputed(copy: Path) -> None:
    path = copy / "data/audit-extract.json"
    extract = json.loads(path.read_bytes())
    event = next(e for e in extract["events"] if e["record_kind"] == "partnership")
    event["actor"] = "someone else"
    path.write_text(json.dumps(extract, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _remanifest(copy)
    problems = _problems(copy)
    assert any(f"Audit event {event['seq']}" in p and "hash does not recompute" in p for p in problems), problems
    assert not any("manifest" in problem for problem in problems)


def test_an_answer_or_enclosure_rewritten_in_response_json_is_found_though_the_manifests_were_recomputed(
    copy: Path,
) -> None:
    """response.json is held against what the letter printed, as the hashed issue event recorded it."""
    path = copy / "data/response.json"
    pristine = path.read_bytes()
    snapshot = json.loads(pristine)
    snapshot["answers"][0]["answer"] = "Every agreement was reviewed by the council."
    path.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _remanifest(copy)
    assert any("The answers in data/response.json are not those the letter printed" in p for p in _problems(copy))

    snapshot = json.loads(pristine)
    snapshot["enclosures"][0]["title"] = "Another document"
    path.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _remanifest(copy)
    assert any("The enclosures in data/response.json are not those" in p for p in _problems(copy))


def test_an_event_rewritten_with_its_hash_recomputed_breaks_the_chain(copy: Path) -> None:
    path = copy / "data/audit-extract.json"
    extract = json.loads(path.read_bytes())
    event = next(e for e in extract["events"] if e["record_kind"] == "partnership")
    event["actor"] = "someone else"
    names = ("seq", "occurred_at", "actor", "action", "record_kind", "record_id", "before_json", "after_json")
    event["hash"] = event_hash(**{name: event[name] for name in (*names, "prev_hash")})
    link = next(link for link in extract["links"] if link["seq"] == event["seq"])
    link["hash"] = event["hash"]
    path.write_text(json.dumps(extract, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _remanifest(copy)
    problems = _problems(copy)
    assert f"Audit link {event['seq'] + 1} does not follow the link before it: the chain is broken." in problems


def test_a_replaced_letter_is_found_though_the_manifests_were_recomputed(copy: Path, issued: Issued) -> None:
    (copy / "data/letter.pdf").write_bytes(b"%PDF-1.7 another letter\n%%EOF\n")
    _remanifest(copy)
    problems = _problems(copy)
    assert any(p.startswith("data/letter.pdf is not the letter that was issued") for p in problems), problems
    assert any(issued.letter_sha256 in problem for problem in problems)
    assert not any("manifest" in problem for problem in problems)


def test_a_zip_rezipped_with_windows_line_endings_is_found(copy: Path, tmp_path: Path) -> None:
    crlf = {
        name: (copy / name).read_bytes().replace(b"\n", b"\r\n")
        for name in ("bag-info.txt", "manifest-sha256.txt", "data/response.json")
    }
    rezipped = _zip_of(copy, tmp_path / "rezipped.zip", rewrite=crlf)
    problems = _problems(rezipped)
    for name in ("bag-info.txt", "manifest-sha256.txt"):
        assert (
            f"{name} does not match its SHA-256 in tagmanifest-sha256.txt: the file was changed after packaging."
            in (problems)
        )
    assert (
        "data/response.json does not match its SHA-256 in manifest-sha256.txt: the file was changed after packaging."
        in (problems)
    )


def test_a_manifest_with_crlf_endings_still_reads(copy: Path) -> None:
    """A tool that writes manifests with CRLF endings is read as RFC 8493 allows; only the tag manifest's digest of
    the manifest tells that its bytes changed."""
    for name in ("manifest-sha256.txt", "manifest-sha512.txt"):
        (copy / name).write_bytes((copy / name).read_bytes().replace(b"\n", b"\r\n"))
    problems = _problems(copy)
    assert sorted(problems) == sorted(
        f"{name} does not match its SHA-{bits} in tagmanifest-sha{bits}.txt: the file was changed after packaging."
        for name in ("manifest-sha256.txt", "manifest-sha512.txt")
        for bits in ("256", "512")
    )


def test_a_path_that_is_no_package_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="There is no file or folder"):
        check_package(tmp_path / "missing")
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(UserError, match="not a package"):
        check_package(tmp_path / "letter.pdf")
    with pytest.raises(UserError, match="not a package"):
        check_package(tmp_path)
    assert os.listdir(tmp_path) == ["letter.pdf"]


def test_records_changed_since_the_issue_still_enclose_what_the_letter_enclosed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue event recorded what the letter enclosed, so a package made after the records changed holds it."""
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", DAY)
    build_city(db)
    response = responses.issue(db, responses.create_draft(db)["id"])
    written_then = write_package(db, response["id"], tmp_path / "then")
    records.create(db, "oversight", {"kind": "annual_review", "action_on": "2026-11-20", "topics": "transparency"})
    written = write_package(db, response["id"], tmp_path / "later")
    assert written["enclosures_known"] is True and written["enclosures"] == written_then["enclosures"] > 0
    for name in (
        "data/response.json",
        *(f"data/enclosures/{p.name}" for p in (tmp_path / "then/data/enclosures").iterdir()),
    ):
        assert (tmp_path / "later" / name).read_bytes() == (tmp_path / "then" / name).read_bytes()
    result = check_package(tmp_path / "later")
    assert result.problems == [] and result.letter_sha256 == response["pdf_sha256"]
