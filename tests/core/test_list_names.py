"""Lists sorted by the names of a partnership's two sides, and rows named by their partnership in one query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from desktop_app.core.db.engine import Database
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import kind_named
from desktop_app.core.records.names import readable_name, with_partnership_names
from desktop_app.core.records.service import ListQuery


def _partnerships(db: Database) -> dict[str, int]:
    kansas = records.create(db, "jurisdiction", {"name": "Kansas City", "state": "MO"})
    austin = records.create(db, "jurisdiction", {"name": "Austin", "state": "TX"})
    xian = records.create(db, "partner", {"name": "Xi'an", "country_name": "China"})
    oita = records.create(db, "partner", {"name": "Oita", "country_name": "Japan"})
    angers = records.create(db, "partner", {"name": "Angers", "country_name": "France"})
    made = {
        "kansas_xian": (kansas, xian),
        "austin_oita": (austin, oita),
        "kansas_angers": (kansas, angers),
    }
    return {
        name: records.create(db, "partnership", {"jurisdiction_id": us["id"], "partner_id": partner["id"]})["id"]
        for name, (us, partner) in made.items()
    }


def _ids(db: Database, kind_name: str, order_by: str, descending: bool = False) -> list[int]:
    query = ListQuery(order_by=order_by, descending=descending)
    return [row["id"] for row in records.list_records(db, kind_name, query)]


def test_partnerships_sort_by_jurisdiction_partner_and_country(db: Database) -> None:
    ids = _partnerships(db)
    assert _ids(db, "partnership", "jurisdiction") == [ids["austin_oita"], ids["kansas_xian"], ids["kansas_angers"]]
    assert _ids(db, "partnership", "partner") == [ids["kansas_angers"], ids["austin_oita"], ids["kansas_xian"]]
    assert _ids(db, "partnership", "country") == [ids["kansas_xian"], ids["kansas_angers"], ids["austin_oita"]]
    assert _ids(db, "partnership", "country", True) == [ids["austin_oita"], ids["kansas_angers"], ids["kansas_xian"]]


def test_records_sort_by_their_partnership(db: Database) -> None:
    ids = _partnerships(db)
    for name in ("kansas_xian", "austin_oita", "kansas_angers"):
        records.create(db, "agreement", {"partnership_id": ids[name], "title": f"Agreement of {name}"})
        activity = records.create(
            db, "activity", {"partnership_id": ids[name], "kind": "inbound_delegation", "starts_on": "2020-01-01"}
        )
        records.create(db, "participant", {"activity_id": activity["id"]})
    for kind_name in ("agreement", "participant"):
        rows = records.list_records(db, kind_name, ListQuery(order_by="partnership"))
        named = [row["partnership_name"] for row in with_partnership_names(db, kind_name, rows)]
        assert named == ["Austin, TX – Oita", "Kansas City, MO – Angers", "Kansas City, MO – Xi'an"], kind_name


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_page_is_named_in_one_query(db: Database) -> None:
    ids = _partnerships(db)
    for partnership_id in ids.values():
        for number in range(3):
            records.create(db, "agreement", {"partnership_id": partnership_id, "title": f"Agreement {number}"})
    rows = records.list_records(db, "agreement")
    with _statements(db) as seen:
        named = with_partnership_names(db, "agreement", rows)
    assert len(seen) == 1
    assert {row["partnership_name"] for row in named} == {
        "Kansas City, MO – Xi'an",
        "Austin, TX – Oita",
        "Kansas City, MO – Angers",
    }


def test_a_program_wide_oversight_action_is_named_so(db: Database) -> None:
    action = records.create(db, "oversight", {"kind": "annual_review", "action_on": "2024-03-01"})
    named = with_partnership_names(db, "oversight", [records.get(db, "oversight", action["id"])])
    assert named[0]["partnership_name"] == "Program-wide"
    assert readable_name(kind_named("oversight"), named[0]).startswith("Annual review, 2024-03-01")
