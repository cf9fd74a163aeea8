"""Records read with SQL text give exactly what the ORM gives, on a quick reader and on the ordinary connection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.core.db.engine import Database
from desktop_app.core.db.quick_read import QuickReader, quick_answer
from desktop_app.core.db.row_source import ConnectionRows
from desktop_app.core.errors import UserError
from desktop_app.core.files import attach_files, list_attachments
from desktop_app.core.files.record_files import attachment_title, record_files
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import INQUIRY, KINDS, Kind, kind_named
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.records.plain import to_plain
from desktop_app.core.records.plain_rows import get_plain, list_plain, status_history_plain
from desktop_app.core.reports.responses import create_draft
from desktop_app.core.safekeeping.backup import create_backup

LISTED_KINDS = tuple(kind for kind in KINDS if kind is not INQUIRY)


def fill_every_kind(db: Database, folder: Path) -> dict[str, list[int]]:
    """Records of every kind, some in the trash, with dates, flags, amounts, personal data and files; the numbers
    of each kind's records."""
    home = set_home_jurisdiction(db, "Columbus", "OH", {"clerk_name": "A clerk"})
    dayton = records.create(db, "jurisdiction", {"name": "Dayton", "state": "OH", "kind": "city"})
    hefei = records.create(db, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China"})
    xian = records.create(db, "partner", {"name": "Xi'an", "country_code": "CN", "region": "Shaanxi"})
    first = records.create(
        db,
        "partnership",
        {
            "jurisdiction_id": home["id"],
            "partner_id": hefei["id"],
            "established_on": "2001-05-02",
            "recognised_by_sci": "yes",
            "notes": "Signed at the river.\nRenewed twice.",
        },
    )
    second = records.create(
        db, "partnership", {"jurisdiction_id": dayton["id"], "partner_id": xian["id"], "confirmed": "no"}
    )
    records.change_status(db, first["id"], "dormant", changed_on="2015-03-01", reason="No visits since 2012.")
    agreement = records.create(
        db,
        "agreement",
        {"partnership_id": first["id"], "title": "Friendship agreement", "signed_on": "2001-05-02", "binding": "yes"},
    )
    records.create(
        db, "agreement", {"partnership_id": second["id"], "title": "Letter of intent", "topics": "espionage"}
    )
    activity = records.create(
        db,
        "activity",
        {
            "partnership_id": first["id"],
            "kind": "student_exchange",
            "starts_on": "2019-06-01",
            "funding_city_cents": "12.50",
        },
    )
    records.create(
        db, "activity", {"partnership_id": second["id"], "kind": "cultural_event", "starts_on": "2018-01-09"}
    )
    records.create(
        db,
        "participant",
        {
            "activity_id": activity["id"],
            "name": "Li Wei",
            "invitation_letter_issued": "yes",
            "invitation_letter_on": "2019-05-01",
            "vetting_steps": "identity_checked,security_briefing",
        },
    )
    records.create(db, "policy", {"kind": "ordinance", "title": "Gifts rule", "adopted_on": "2020-02-02"})
    undated = records.create(db, "policy", {"kind": "procedure", "title": "Visits procedure"})
    records.create(db, "oversight", {"partnership_id": first["id"], "kind": "annual_review", "action_on": "2021-01-05"})
    program_wide = records.create(
        db, "oversight", {"kind": "legal_review", "action_on": "2020-07-07", "due_on": "2020-09-01"}
    )
    create_draft(db)
    minutes = folder / "minutes.txt"
    minutes.write_text("Minutes of the exchange committee.", encoding="utf-8")
    (attachment,) = attach_files(db, [minutes], "partnership", first["id"], title="Committee minutes")
    records.update(db, "jurisdiction", home["id"], {"logo_attachment_id": attachment["id"]})
    for kind_name, record_id in (("policy", undated["id"]), ("oversight", program_wide["id"])):
        records.trash(db, kind_name, record_id)
    records.trash(db, "agreement", agreement["id"])
    return {kind.name: [row["id"] for row in _orm_list(db, kind, False)] for kind in LISTED_KINDS}


def _orm_list(db: Database, kind: Kind, in_trash: bool, include_personal: bool = True) -> list[dict[str, Any]]:
    """The list as the ORM reads it: whole objects, in the kind's default order then number."""
    model: Any = kind.model
    trashed = model.deleted_at.is_not(None) if in_trash else model.deleted_at.is_(None)
    statement = select(model).where(trashed).order_by(getattr(model, kind.default_order), model.id)
    with db.reading() as session:
        return [to_plain(kind, obj, include_personal=include_personal) for obj in session.scalars(statement)]


@pytest.fixture
def filled(db: Database, location: DataLocation, tmp_path: Path) -> Database:
    fill_every_kind(db, tmp_path)
    if location.sqlite_path is not None:
        create_backup(location)
    return db


@pytest.mark.parametrize("in_trash", [False, True])
@pytest.mark.parametrize("include_personal", [True, False])
def test_every_list_reads_as_the_orm_reads_it(
    filled: Database, reader: QuickReader, in_trash: bool, include_personal: bool
) -> None:
    for kind in LISTED_KINDS:
        expected = _orm_list(filled, kind, in_trash, include_personal)
        quick = list_plain(reader, kind, in_trash=in_trash, include_personal=include_personal)
        assert quick == expected, kind.name
        assert [type(value) for row in quick for value in row.values()] == [
            type(value) for row in expected for value in row.values()
        ]
        query = records.ListQuery(in_trash=in_trash, include_personal=include_personal)
        assert records.list_records(filled, kind.name, query) == expected, kind.name
    assert any(list_plain(reader, kind, in_trash=True) for kind in LISTED_KINDS)


def test_a_window_of_a_list_in_any_order_reads_as_the_orm_reads_it(filled: Database, reader: QuickReader) -> None:
    kind = kind_named("partnerships")
    model: Any = kind.model
    for order, descending, offset, limit in (
        ("status", True, 1, None),
        ("established_on", False, 0, 1),
        ("id", True, 0, 5),
    ):
        column = getattr(model, order)
        orders = (column.desc(), model.id.desc()) if descending else (column, model.id)
        statement = select(model).where(model.deleted_at.is_(None)).order_by(*orders).offset(offset).limit(limit)
        with filled.reading() as session:
            expected = [to_plain(kind, obj) for obj in session.scalars(statement)]
        window = {"order_by": order, "descending": descending, "offset": offset, "limit": limit}
        assert list_plain(reader, kind, **window) == expected
        assert records.list_records(filled, kind.name, records.ListQuery(**window)) == expected


def test_a_list_of_some_keys_reads_those_of_each_record(reader: QuickReader) -> None:
    for kind in LISTED_KINDS:
        for include_personal in (True, False):
            whole = list_plain(reader, kind, include_personal=include_personal)
            only = {"id", "status", "name", "established_on", "partner_name", "topics"}
            expected = [{key: value for key, value in row.items() if key in {"record_kind", *only}} for row in whole]
            assert list_plain(reader, kind, include_personal=include_personal, only=only) == expected


def test_a_list_sorted_by_no_column_of_its_own_is_refused_in_the_same_words(reader: QuickReader) -> None:
    with pytest.raises(UserError) as refused:
        list_plain(reader, kind_named("policies"), order_by="nothing; DROP TABLE policy")
    assert refused.value.message == "A policy list cannot be sorted by 'nothing; DROP TABLE policy'."


def test_every_record_reads_as_get_gives_it_with_its_history_and_files(filled: Database, reader: QuickReader) -> None:
    for kind in LISTED_KINDS:
        for in_trash in (False, True):
            for row in _orm_list(filled, kind, in_trash):
                assert get_plain(reader, kind, row["id"]) == records.get(filled, kind.name, row["id"])
                assert get_plain(reader, kind, row["id"], include_personal=False) == records.get(
                    filled, kind.name, row["id"], include_personal=False
                )
                assert record_files(reader, kind.name, row["id"]) == list_attachments(filled, kind.name, row["id"])
    partnerships = [row["id"] for row in _orm_list(filled, kind_named("partnership"), False)]
    for partnership_id in partnerships:
        assert status_history_plain(reader, partnership_id) == records.status_history(filled, partnership_id)
    assert len(status_history_plain(reader, partnerships[0])) == 2
    (files,) = record_files(reader, "partnership", partnerships[0])
    assert files["links"] == [{"record_kind": "partnership", "record_id": partnerships[0], "role": "document"}]
    assert attachment_title(reader, files["id"]) == "Committee minutes"
    assert attachment_title(reader, files["id"] + 100) is None


def test_the_same_text_reads_the_same_on_the_ordinary_connection(filled: Database, reader: QuickReader) -> None:
    kind = kind_named("participant")
    with filled.reading_rows() as connection:
        rows = ConnectionRows(connection)
        (participant,) = list_plain(rows, kind)
        assert participant == get_plain(reader, kind, participant["id"])
        assert get_plain(rows, kind, participant["id"]) == participant


def test_a_missing_record_is_named_in_the_same_words(filled: Database, reader: QuickReader) -> None:
    for kind in LISTED_KINDS:
        with pytest.raises(UserError) as ordinary:
            records.get(filled, kind.name, 9999)
        with pytest.raises(UserError) as quick:
            get_plain(reader, kind, 9999)
        assert quick.value.message == ordinary.value.message


def test_a_driver_error_sends_the_reader_the_ordinary_way(filled: Database, location: DataLocation) -> None:
    assert quick_answer(location, lambda reader: reader.rows("SELECT * FROM no_such_table")) is None
    assert quick_answer(location, lambda reader: reader.rows("SELECT count(*) FROM policy")) == [(2,)]
