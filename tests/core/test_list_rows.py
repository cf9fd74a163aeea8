"""A list reads its rows as values, and gives for every kind exactly what the records' objects give as plain data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.core.db.engine import Database
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import KINDS, Kind
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.records.plain import to_plain
from desktop_app.core.reports.responses import create_draft


def _records_of_every_kind(db: Database) -> None:
    hefei = records.create(db, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China"})
    oita = records.create(db, "partner", {"name": "Oita", "country_name": "Japan", "region": "Kyushu"})
    columbus = records.create(db, "jurisdiction", {"name": "Columbus", "state": "OH"})
    austin = records.create(db, "jurisdiction", {"name": "Austin", "state": "TX"})
    first = records.create(db, "partnership", {"jurisdiction_id": columbus["id"], "partner_id": hefei["id"]})
    second = records.create(
        db, "partnership", {"jurisdiction_id": austin["id"], "partner_id": oita["id"], "notes": "Renewed."}
    )
    agreement = records.create(db, "agreement", {"partnership_id": first["id"], "title": "Memorandum"})
    records.create(db, "agreement", {"partnership_id": second["id"], "title": "Charter", "kind": "agreement"})
    activity = records.create(
        db, "activity", {"partnership_id": first["id"], "kind": "inbound_delegation", "starts_on": "2019-05-01"}
    )
    records.create(db, "participant", {"activity_id": activity["id"], "name": "A. Visitor"})
    records.create(db, "policy", {"kind": "ordinance", "title": "Gift policy", "adopted_on": "2021-02-03"})
    records.create(
        db, "oversight", {"partnership_id": second["id"], "kind": "annual_review", "action_on": "2022-03-04"}
    )
    inquiry = records.create(db, "inquiry", {"subject": "Partnerships with foreign governments"})
    set_home_jurisdiction(db, "Columbus", "OH", {})
    create_draft(db, inquiry["id"])
    records.trash(db, "agreement", agreement["id"])
    records.trash(db, "partnership", second["id"])


def _through_objects(db: Database, kind: Kind, query: records.ListQuery) -> list[dict[str, Any]]:
    """What a list gave when it read each record as an object, in the list's order (the records' numbers)."""
    model: Any = kind.model
    trashed = model.deleted_at.is_not(None) if query.in_trash else model.deleted_at.is_(None)
    with db.reading() as session:
        objects = session.scalars(select(model).where(trashed).order_by(model.id))
        return [to_plain(kind, obj, include_personal=query.include_personal) for obj in objects]


@pytest.mark.parametrize("include_personal", [True, False])
@pytest.mark.parametrize("in_trash", [False, True])
def test_every_kind_lists_what_its_objects_give(db: Database, include_personal: bool, in_trash: bool) -> None:
    _records_of_every_kind(db)
    listed_kinds = 0
    for kind in KINDS:
        query = records.ListQuery(order_by="id", in_trash=in_trash, include_personal=include_personal)
        listed = records.list_records(db, kind.name, query)
        # The keys in the same order too: `list --json` prints them as they come.
        assert [list(row.items()) for row in listed] == [
            list(row.items()) for row in _through_objects(db, kind, query)
        ], kind.name
        listed_kinds += bool(listed)
    assert listed_kinds >= (2 if in_trash else len(KINDS) - 1)


def test_a_partnership_row_carries_its_sides_names(db: Database) -> None:
    _records_of_every_kind(db)
    [row] = records.list_records(db, "partnership", records.ListQuery(text="Hefei"))
    assert (row["jurisdiction_name"], row["jurisdiction_state"]) == ("Columbus", "OH")
    assert (row["partner_name"], row["partner_native_name"], row["country_name"]) == ("Hefei", "合肥", "China")


def test_personal_data_is_left_out_unless_asked_for(db: Database) -> None:
    _records_of_every_kind(db)
    [withheld] = records.list_records(db, "participant", records.ListQuery(include_personal=False))
    [given] = records.list_records(db, "participant", records.ListQuery(include_personal=True))
    assert "name" not in withheld
    assert given["name"] == "A. Visitor"
