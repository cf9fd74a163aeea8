"""The trash across kinds, newest first; what uses a record before it is trashed; the home kept out of the trash."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.records.trash_rules import count_trashed, dependents, dependents_phrase, trashed_records


def xian_with_three_partnerships(db: Database) -> dict[str, Any]:
    """Xi'an, partner of three jurisdictions; one of the partnerships has an agreement, one an activity with a
    participant; plus records that do not use Xi'an at all."""
    home = set_home_jurisdiction(db, "Columbus", "OH")
    xian = records.create(db, "partner", {"name": "Xi'an", "country_name": "China", "country_code": "CN"})
    other_partner = records.create(db, "partner", {"name": "Hefei", "country_name": "China"})
    jurisdictions = [home] + [
        records.create(db, "jurisdiction", {"name": n, "state": "OH"}) for n in ("Dayton", "Akron")
    ]
    partnerships = [
        records.create(db, "partnership", {"jurisdiction_id": j["id"], "partner_id": xian["id"]}) for j in jurisdictions
    ]
    records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": other_partner["id"]})
    records.create(db, "agreement", {"partnership_id": partnerships[0]["id"], "title": "Sister City Agreement"})
    activity = records.create(
        db, "activity", {"partnership_id": partnerships[1]["id"], "kind": "cultural_event", "starts_on": "2020-01-01"}
    )
    records.create(db, "participant", {"activity_id": activity["id"], "role": "student"})
    records.create(db, "policy", {"kind": "code_of_conduct", "title": "Code of conduct"})
    return {"home": home, "xian": xian, "partnerships": partnerships, "activity": activity}


def test_dependents_are_counted_by_kind_through_the_records_that_use_them(db: Database) -> None:
    made = xian_with_three_partnerships(db)
    counts = dependents(db, "partner", made["xian"]["id"])
    assert counts == {"partnership": 3, "agreement": 1, "activity": 1, "participant": 1}
    assert dependents_phrase(counts) == "3 partnerships, 1 agreement, 1 activity and 1 participant"
    assert dependents(db, "jurisdiction", made["home"]["id"]) == {"partnership": 2, "agreement": 1}


def test_records_in_the_trash_do_not_count_as_using_it(db: Database) -> None:
    made = xian_with_three_partnerships(db)
    records.trash(db, "activity", made["activity"]["id"])
    records.trash(db, "partnership", made["partnerships"][0]["id"])
    counts = dependents(db, "partner", made["xian"]["id"])
    assert counts == {"partnership": 2}
    assert dependents_phrase(counts) == "2 partnerships"
    assert dependents(db, "policy", 1) == {}


def test_the_phrase_names_each_kind_in_its_own_plural() -> None:
    assert dependents_phrase({"partnership": 3, "agreement": 1}) == "3 partnerships and 1 agreement"
    assert dependents_phrase({"partner": 2, "oversight": 1}) == "2 partner communities and 1 oversight action"
    assert dependents_phrase({"policy": 2, "inquiry": 1}) == "2 policies and 1 inquiry"


def test_the_home_jurisdiction_cannot_be_trashed_while_it_is_home(db: Database) -> None:
    made = xian_with_three_partnerships(db)
    with pytest.raises(UserError, match="Columbus, OH is your own jurisdiction and cannot be moved to the trash"):
        records.trash(db, "jurisdiction", made["home"]["id"])
    assert records.get(db, "jurisdiction", made["home"]["id"])["deleted_at"] is None
    set_home_jurisdiction(db, "Dayton", "OH")
    assert records.trash(db, "jurisdiction", made["home"]["id"])["deleted_at"]


def test_the_trash_holds_every_kind_the_last_trashed_first(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    made = xian_with_three_partnerships(db)
    trashed_in_order = [("policy", 1), ("partner", made["xian"]["id"]), ("partnership", made["partnerships"][2]["id"])]
    for minute, (kind_name, record_id) in enumerate(trashed_in_order):
        monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", f"2026-03-02T10:0{minute}:00.000000Z")
        records.trash(db, kind_name, record_id)
    monkeypatch.delenv("SISTER_CITY_RECORDS_NOW")
    shown = trashed_records(db)
    assert [(row["record_kind"], row["id"]) for row in shown] == list(reversed(trashed_in_order))
    assert [row["description"] for row in shown[1:]] == ["Xi'an", "Code of conduct"]
    assert shown[0]["description"].startswith("Akron, OH – Xi'an")
    assert shown[0]["deleted_at"] == "2026-03-02T10:02:00.000000Z"
    assert [row["id"] for row in trashed_records(db, offset=1, limit=1)] == [made["xian"]["id"]]
    assert count_trashed(db) == 3
    records.restore(db, "partner", made["xian"]["id"])
    assert [row["record_kind"] for row in trashed_records(db)] == ["partnership", "policy"]
