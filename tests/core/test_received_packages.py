"""Packages received from other cities: checked, kept as received once, audited, verified, and consolidated."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files.store import iter_content
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.preservation.consolidated import (
    SAME_LETTER,
    consolidate,
    write_consolidated_report,
)
from desktop_app.core.preservation.consolidated_layout import DUPLICATE_MARK
from desktop_app.core.preservation.package import write_package
from desktop_app.core.preservation.received import list_received, receive_package, received_snapshots
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.verify import verify_database
from tests.conftest import TEST_DATABASE_URL

from .report_records import build_city


@dataclass(frozen=True)
class Packages:
    columbus_old: Path  # Columbus's first letter
    columbus_new: Path  # its letter superseding the first, after a partnership with Xi'an was added
    kansas_city: Path  # Kansas City's letter, listing Xi'an twice (two spellings of one partner)
    kansas_city_folder: Path  # the same letter's package as a folder


def _issue(db: Database, response_id: int) -> int:
    return int(responses.issue(db, response_id, acknowledge_unconfirmed=True)["id"])


def _columbus(folder: Path, patch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    db, _ = open_database(resolve_location(folder / "columbus"))
    try:
        patch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")
        build_city(db, with_evidence=False)
        first = _issue(db, responses.create_draft(db)["id"])
        write_package(db, first, folder / "columbus-1.zip")
        xian = records.create(db, "partner", {"name": "Xi'an", "native_name": "西安", "country_name": "China"})
        home = records.list_records(db, "jurisdiction")[0]["id"]
        records.create(db, "partnership", {"jurisdiction_id": home, "partner_id": xian["id"], "status": "active"})
        patch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-12-01")
        second = _issue(db, responses.supersede(db, first)["id"])
        write_package(db, second, folder / "columbus-2.zip")
    finally:
        db.dispose()
    return folder / "columbus-1.zip", folder / "columbus-2.zip"


def _kansas_city(folder: Path) -> tuple[Path, Path]:
    db, _ = open_database(resolve_location(folder / "kansas-city"))
    try:
        signatory = {"signatory_name": "A. Clerk", "signatory_title": "Clerk"}
        home = set_home_jurisdiction(db, "Kansas City", "MO", signatory)
        for name, kind in (("Xi'an", "sister_city"), ("XIAN", "friendship_city")):
            partner = records.create(db, "partner", {"name": name, "native_name": "西安", "country_name": "China"})
            records.create(
                db,
                "partnership",
                {"jurisdiction_id": home["id"], "partner_id": partner["id"], "kind": kind, "established_year": 1989},
            )
        issued = _issue(db, responses.create_draft(db)["id"])
        write_package(db, issued, folder / "kansas-city.zip")
        write_package(db, issued, folder / "kansas-city-bag")
    finally:
        db.dispose()
    return folder / "kansas-city.zip", folder / "kansas-city-bag"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Packages]:
    """Packages written by two cities' own records (SQLite files of their own), whatever records receive them."""
    folder = tmp_path_factory.mktemp("packages")
    with pytest.MonkeyPatch.context() as patch:
        old, new = _columbus(folder, patch)
        patch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-12-02")
        kansas_city, kansas_city_folder = _kansas_city(folder)
    yield Packages(old, new, kansas_city, kansas_city_folder)


def _events(db: Database, action: str) -> list[models.AuditEvent]:
    with db.reading() as session:
        found = list(session.scalars(select(models.AuditEvent).where(models.AuditEvent.action == action)))
        for event in found:
            session.expunge(event)
        return found


def _blob_count(db: Database) -> int:
    with db.reading() as session:
        return len(session.execute(select(models.Blob.id)).all())


def test_a_package_is_kept_as_received_and_listed(db: Database, packages: Packages) -> None:
    received = receive_package(db, packages.kansas_city, actor="state clerk")
    assert received["city_display"] == "Kansas City, MO" and received["state"] == "MO"
    assert received["original_name"] == "kansas-city.zip"
    assert received["package_size"] == packages.kansas_city.stat().st_size
    (listed,) = list_received(db)
    assert listed == received
    with zipfile.ZipFile(packages.kansas_city) as archive:
        described = json.loads(archive.read(f"{archive.namelist()[0].split('/')[0]}/data/response.json"))
    assert listed["letter_sha256"] == described["response"]["letter_sha256"]
    assert listed["response_title"] == described["response"]["title"]
    with db.reading() as session:
        stored = b"".join(iter_content(session, listed["package_sha256"]))
    assert stored == packages.kansas_city.read_bytes()
    ((_, snapshot),) = received_snapshots(db)
    assert snapshot == described


def test_receiving_is_audited_in_the_chain(db: Database, packages: Packages) -> None:
    received = receive_package(db, packages.columbus_old, actor="state clerk")
    (event,) = _events(db, "receive")
    assert (event.record_kind, event.record_id) == ("received_package", received["id"])
    assert json.loads(event.after_json)["package_sha256"] == received["package_sha256"]
    assert event.actor == received["received_by"]
    with db.reading() as session:
        assert verify_chain(session) == []


def test_the_same_package_is_refused_the_second_time(db: Database, packages: Packages, tmp_path: Path) -> None:
    first = receive_package(db, packages.kansas_city)
    renamed = tmp_path / "copy-of-kansas-city.zip"
    shutil.copyfile(packages.kansas_city, renamed)
    with pytest.raises(UserError, match=rf"already received on {first['received_at'][:10]} \(received package 1\)"):
        receive_package(db, renamed)
    assert len(list_received(db)) == 1 and len(_events(db, "receive")) == 1


def test_a_damaged_package_is_refused_and_nothing_is_kept(db: Database, packages: Packages, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.zip"
    data = bytearray(packages.kansas_city.read_bytes())
    with zipfile.ZipFile(packages.kansas_city) as archive:
        letter = next(info for info in archive.infolist() if info.filename.endswith("/data/letter.pdf"))
    # The letter's bytes begin after its local header (30 bytes, its name and its extra field).
    name_length = int.from_bytes(data[letter.header_offset + 26 : letter.header_offset + 28], "little")
    extra_length = int.from_bytes(data[letter.header_offset + 28 : letter.header_offset + 30], "little")
    start = letter.header_offset + 30 + name_length + extra_length
    data[start + letter.compress_size // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    blobs = _blob_count(db)
    refusal = r"^The package damaged\.zip was not received: it does not check \(\d+ problem"
    with pytest.raises(UserError, match=refusal) as refused:
        receive_package(db, damaged)
    assert "letter.pdf" in refused.value.message.partition("The first: ")[2]
    assert list_received(db) == [] and _events(db, "receive") == [] and _blob_count(db) == blobs


def test_a_folder_is_refused_with_a_request_for_the_zip(db: Database, packages: Packages) -> None:
    with pytest.raises(UserError, match=r"is a folder, not a file; receive the package as the \.zip"):
        receive_package(db, packages.kansas_city_folder)
    assert list_received(db) == []


def test_a_received_package_cannot_be_changed_or_removed(db: Database, packages: Packages) -> None:
    receive_package(db, packages.kansas_city)
    for statement in ("UPDATE received_package SET city_display = 'Elsewhere'", "DELETE FROM received_package"):
        with pytest.raises(DBAPIError, match="kept as received"), db.engine.begin() as connection:
            connection.execute(text(statement))
    assert list_received(db)[0]["city_display"] == "Kansas City, MO"


def test_verify_finds_a_received_package_whose_stored_bytes_changed(db: Database, packages: Packages) -> None:
    received = receive_package(db, packages.kansas_city)
    assert verify_database(db).ok, verify_database(db).lines()
    with db.engine.begin() as connection:
        blob_id = connection.execute(
            text("SELECT id FROM blob WHERE sha256 = :sha256"), {"sha256": received["package_sha256"]}
        ).scalar_one()
        chunk = connection.execute(
            text("SELECT data FROM blob_chunk WHERE blob_id = :id AND seq = 0"), {"id": blob_id}
        ).scalar_one()
        changed = bytes([chunk[0] ^ 0x01]) + bytes(chunk[1:])
        connection.execute(
            text("UPDATE blob_chunk SET data = :data WHERE blob_id = :id AND seq = 0"), {"data": changed, "id": blob_id}
        )
    report = verify_database(db)
    (problem,) = report.checks["Stored files"]
    assert "no longer matches its SHA-256" in problem
    assert f"received package {received['id']} from Kansas City, MO" in problem


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")
def test_on_a_shared_server_a_clerk_receives_but_the_server_refuses_changes(
    location: DataLocation, packages: Packages, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from desktop_app.core.safekeeping.server import add_user, server_init

    server_init(location.database_url)
    name = f"test_clerk_{uuid.uuid4().hex[:10]}"
    add_user(location.database_url, name, "clerk", "a secret")
    clerk = make_url(location.database_url).set(username=name, password="a secret")
    clerk_url = clerk.render_as_string(hide_password=False)
    try:
        db, _ = open_database(resolve_location(tmp_path / "clerk", clerk_url))
        try:
            received = receive_package(db, packages.kansas_city)
            assert received["received_by"] == name
            assert verify_database(db).ok, verify_database(db).lines()
        finally:
            db.dispose()
        engine = create_engine(clerk_url)
        for statement in ("UPDATE received_package SET city_display = 'x'", "DELETE FROM received_package"):
            with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as connection:
                connection.execute(text(statement))
        engine.dispose()
    finally:
        owner = create_engine(location.database_url)
        with owner.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {name}"))
            connection.execute(text(f"DROP ROLE {name}"))
        owner.dispose()


# ----- the consolidated report ------------------------------------------------------------------------------------


def _receive_all(db: Database, packages: Packages) -> dict[str, int]:
    # The newer Columbus letter comes in first: the order received does not decide which letter is current.
    order = {"new": packages.columbus_new, "kansas_city": packages.kansas_city, "old": packages.columbus_old}
    return {name: receive_package(db, path)["id"] for name, path in order.items()}


def test_the_newest_letter_is_a_citys_answer_and_the_older_one_is_superseded(db: Database, packages: Packages) -> None:
    ids = _receive_all(db, packages)
    report = consolidate(received_snapshots(db))
    columbus, kansas_city = report.cities
    assert (columbus.name, kansas_city.name) == ("Columbus, OH", "Kansas City, MO")
    assert columbus.current.package_id == ids["new"] and columbus.current.letter_date == "2026-12-01"
    assert [letter.package_id for letter in columbus.superseded] == [ids["old"]]
    # Hefei is in both Columbus letters: the superseded one does not make it a duplicate.
    pairs = {pair.partner_community: pair for pair in columbus.current.partnerships or ()}
    assert set(pairs) == {"Hefei", "Xi'an"} and not any(pair.duplicate for pair in pairs.values())
    assert pairs["Hefei"].native_name == "合肥" and pairs["Hefei"].country == "China"


def test_two_records_of_one_pair_in_one_letter_are_duplicates(db: Database, packages: Packages) -> None:
    receive_package(db, packages.kansas_city)
    (city,) = consolidate(received_snapshots(db)).cities
    pairs = city.current.partnerships or ()
    assert sorted(pair.partner_community for pair in pairs) == ["XIAN", "Xi'an"]
    assert all(pair.duplicate and pair.also_reported_by == (SAME_LETTER,) for pair in pairs)
    assert city.duplicates == 2


def _other_sender(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A package from another sender reporting Kansas City's pair with Xi'an, spelled its own way."""
    other = copy.deepcopy(snapshot)
    other["city"] = {"name": "Missouri", "state": "MO", "display": "Missouri", "kind": "state"}
    other["response"]["letter_sha256"] = "0" * 64
    pair = {**other["partnerships"][0], "us_jurisdiction": "KANSAS CITY MO", "partner_community": "Xian"}
    other["partnerships"] = [pair, {**pair, "us_jurisdiction": "Missouri", "partner_community": "Hebei"}]
    return other


def test_the_same_pair_from_two_senders_is_a_duplicate_in_both(db: Database, packages: Packages) -> None:
    receive_package(db, packages.kansas_city)
    ((listing, snapshot),) = received_snapshots(db)
    snapshot["partnerships"] = snapshot["partnerships"][:1]  # Xi'an once
    other = ({**listing, "id": 99, "city_display": "Missouri"}, _other_sender(snapshot))
    kansas_city, missouri = consolidate([(listing, snapshot), other]).cities
    (xian,) = kansas_city.current.partnerships or ()
    assert xian.also_reported_by == ("Missouri (package 99)",)
    by_name = {pair.partner_community: pair for pair in missouri.current.partnerships or ()}
    assert by_name["Xian"].also_reported_by == (f"Kansas City, MO (package {listing['id']})",)
    assert not by_name["Hebei"].duplicate


def test_the_report_is_written_as_csv_and_as_pdf(db: Database, packages: Packages, tmp_path: Path) -> None:
    from pypdf import PdfReader

    ids = _receive_all(db, packages)
    written = write_consolidated_report(db, tmp_path / "report.csv")
    assert (written["cities"], written["packages"], written["duplicates"], written["superseded"]) == (2, 3, 2, 1)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    partnerships = [row for row in rows if row["row"] == "partnership"]
    duplicates = [row for row in partnerships if row["duplicate"] == "yes"]
    assert sorted(row["partner_community"] for row in duplicates) == ["XIAN", "Xi'an"]
    assert {row["partner_native_name"] for row in duplicates} == {"西安"}
    superseded = [row for row in partnerships if row["letter_status"] == "superseded"]
    assert [(row["package_id"], row["partner_community"], row["duplicate"]) for row in superseded] == [
        (str(ids["old"]), "Hefei", "")
    ]
    answers = [row for row in rows if row["row"] == "answer" and row["city"] == "Kansas City, MO"]
    assert [row["question_number"] for row in answers] == ["1", "2", "3", "4"] and answers[0]["answer"]

    write_consolidated_report(db, tmp_path / "report.pdf")
    reader = PdfReader(tmp_path / "report.pdf")
    shown = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    for expected in (
        "Consolidated report of received responses",
        "Columbus, OH",
        "Kansas City, MO",
        "合肥",
        "西安",
        f"{DUPLICATE_MARK} marks a duplicate",
        "Superseded letters",
        "Also reported by: another record of the same letter",
        "How do your governments ensure transparency",
    ):
        assert expected in shown, expected
    assert shown.count(DUPLICATE_MARK) >= 3  # the legend, and each of the two duplicates
    with pytest.raises(UserError, match=r"\.pdf or \.csv"):
        write_consolidated_report(db, tmp_path / "report.txt")
