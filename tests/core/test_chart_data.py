"""The home page's chart numbers and a partnership's timeline, checked on a small set of records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import inspect

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.records.timeline import partnership_timeline
from desktop_app.core.reports import responses
from desktop_app.core.summary.cache import (
    RecordsState,
    save_charts,
    save_summary,
    saved_summary,
    summary_from_plain,
    summary_to_plain,
)
from desktop_app.core.summary.charts import CHART_TABLES, IN_THE_LETTER, WITHHELD
from desktop_app.core.summary.compute import charts_and_state, dashboard_summary, summary_and_state
from desktop_app.core.summary.data import Chart, SummaryCharts

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY.isoformat())


def _partnership(db: Database, partner: str, established_on: str, status: str = "active") -> int:
    home = set_home_jurisdiction(db, "Springfield", "IL")
    other = records.create(db, "partner", {"name": partner, "country_name": "China"})
    values = {"jurisdiction_id": home["id"], "partner_id": other["id"], "established_on": established_on}
    return int(records.create(db, "partnership", {**values, "status": status})["id"])


def _charts(db: Database) -> SummaryCharts:
    return charts_and_state(db)[0]


def _by_year(chart: Chart) -> dict[str, dict[str, int]]:
    return {
        group.label: {name: value for name, value in zip(chart.series, group.values, strict=True) if value}
        for group in chart.groups
    }


def test_partnerships_are_counted_at_the_status_they_held_at_each_year_end(db: Database) -> None:
    hefei = _partnership(db, "Hefei", "2022-03-01")
    wuhan = _partnership(db, "Wuhan", "2023-07-01")
    _partnership(db, "Xian", "2025-01-10", status="proposed")
    records.change_status(db, hefei, "suspended", changed_on="2024-05-01", reason="Council vote")
    records.change_status(db, hefei, "terminated", changed_on="2025-09-30", reason="State law")
    records.change_status(db, wuhan, "dormant", changed_on="2024-12-31", reason="No contact")
    trashed = _partnership(db, "Gone", "2023-01-01")
    records.trash(db, "partnership", trashed)

    chart = _charts(db).status_by_year
    assert _by_year(chart) == {
        "2022": {"Active": 1},
        "2023": {"Active": 2},
        "2024": {"Suspended": 1, "Dormant": 1},
        "2025": {"Proposed": 1, "Dormant": 1, "Terminated": 1},
        "2026": {"Proposed": 1, "Dormant": 1, "Terminated": 1},
    }


def test_a_backdated_change_counts_from_its_date_after_the_entry_status(db: Database) -> None:
    entered_late = _partnership(db, "Hefei", "2026-01-05")
    records.change_status(db, entered_late, "suspended", changed_on="2024-02-02", reason="Found in the minutes")

    assert _by_year(_charts(db).status_by_year) == {
        "2024": {"Suspended": 1},
        "2025": {"Suspended": 1},
        "2026": {"Suspended": 1},
    }


def test_oversight_actions_are_counted_per_year_under_each_of_their_topics(db: Database) -> None:
    hefei = _partnership(db, "Hefei", "2020-01-01")
    actions: list[tuple[str, list[str], int | None]] = [
        ("2024-03-01", ["espionage", "transparency"], hefei),
        ("2024-11-01", ["espionage"], None),
        ("2026-02-01", ["visa_programs"], hefei),
        ("2026-02-02", [], hefei),
        ("2010-01-01", ["espionage"], hefei),  # before the years shown
    ]
    for action_on, topics, partnership_id in actions:
        values = {"kind": "risk_assessment", "action_on": action_on, "topics": topics, "partnership_id": partnership_id}
        records.create(db, "oversight", values)
    trashed = records.create(db, "oversight", {"kind": "audit", "action_on": "2025-05-05", "topics": ["espionage"]})
    records.trash(db, "oversight", trashed["id"])

    assert _by_year(_charts(db).oversight_by_topic) == {
        "2024": {"Transparency": 1, "Espionage": 2},
        "2025": {},
        "2026": {"Visa programs": 1},
    }


def test_the_evidence_chart_counts_the_newest_drafts_items_per_question(db: Database) -> None:
    hefei = _partnership(db, "Hefei", "2020-01-01")
    records.create(db, "policy", {"kind": "procedure", "title": "Gift rules", "topics": ["free_expression"]})
    records.create(db, "agreement", {"partnership_id": hefei, "title": "Agreement", "topics": ["transparency"]})
    assert _charts(db).evidence_by_question.empty

    responses.create_draft(db)
    draft = responses.create_draft(db)
    responses.set_withheld(db, draft["id"], withhold=["policy:1"], reason="Being revised")
    expected = responses.evidence(db, draft["id"])

    summary = dashboard_summary(db)
    chart = _charts(db).evidence_by_question
    assert chart.series == (IN_THE_LETTER, WITHHELD)
    assert [group.label for group in chart.groups] == [f"{q.position}. {q.short_title}" for q in summary.questions]
    assert len(chart.groups) == 4 and chart.groups[0].label.startswith("1. ")
    for group, question in zip(chart.groups, expected, strict=True):
        withheld = sum(1 for item in question["items"] if item["excluded"])
        assert group.values == (len(question["items"]) - withheld, withheld)
    assert chart.groups[1].values[1] == 1  # the withheld policy answers question 2 (free expression)
    assert str(draft["id"]) in chart.note


def test_the_charts_join_the_saved_summary_of_the_same_records(db: Database, location: DataLocation) -> None:
    if location.sqlite_path is None:
        pytest.skip("the summary is saved for the next start on SQLite only")
    hefei = _partnership(db, "Hefei", "2024-01-01")
    records.create(db, "oversight", {"kind": "audit", "action_on": "2025-05-05", "topics": ["espionage"]})
    responses.create_draft(db)
    records.change_status(db, hefei, "dormant", changed_on="2025-01-01", reason="No contact")
    summary, state = summary_and_state(db)
    assert summary.charts is None and state is not None
    save_summary(location, summary, state)
    charts, charts_state = charts_and_state(db)
    assert not charts.status_by_year.empty and not charts.oversight_by_topic.empty
    assert not charts.evidence_by_question.empty

    save_charts(location, charts, RecordsState(state.seq - 1, state.hash))  # drawn from other records: left out
    assert saved_summary(location) == summary
    assert charts_state == state
    save_charts(location, charts, state)
    with_charts = saved_summary(location)
    assert with_charts is not None and with_charts.charts == charts
    assert summary_from_plain(json.loads(json.dumps(summary_to_plain(with_charts)))) == with_charts


def test_the_chart_tables_name_real_columns(db: Database) -> None:
    inspector: Any = inspect(db.engine)
    for chart_table in CHART_TABLES:
        real = {column["name"] for column in inspector.get_columns(chart_table.name)}
        assert {column.name for column in chart_table.columns} <= real


def test_a_partnerships_timeline_lists_every_kind_in_date_order(db: Database) -> None:
    hefei = _partnership(db, "Hefei", "2019-04-01")
    other = _partnership(db, "Wuhan", "2019-04-01")
    agreement = records.create(
        db, "agreement", {"partnership_id": hefei, "title": "Sister city agreement", "signed_on": "2019-05-01"}
    )
    activity = records.create(
        db, "activity", {"partnership_id": hefei, "kind": "inbound_delegation", "starts_on": "2021-09-09"}
    )
    undated = records.create(db, "agreement", {"partnership_id": hefei, "title": "Draft renewal"})
    review = records.create(
        db, "oversight", {"partnership_id": hefei, "kind": "annual_review", "action_on": "2020-02-02"}
    )
    records.create(db, "oversight", {"partnership_id": other, "kind": "audit", "action_on": "2020-03-03"})
    trashed = records.create(
        db, "activity", {"partnership_id": hefei, "kind": "trade_mission", "starts_on": "2022-01-01"}
    )
    records.trash(db, "activity", trashed["id"])
    records.change_status(db, hefei, "suspended", changed_on="2024-05-01", reason="Council vote")

    timeline = partnership_timeline(db, hefei)
    assert [(entry.on, entry.record_kind, entry.record_id) for entry in timeline] == [
        (dt.date(2019, 4, 1), "partnership", hefei),
        (dt.date(2019, 5, 1), "agreement", agreement["id"]),
        (dt.date(2020, 2, 2), "oversight", review["id"]),
        (dt.date(2021, 9, 9), "activity", activity["id"]),
        (dt.date(2024, 5, 1), "partnership", hefei),
        (None, "agreement", undated["id"]),
    ]
    assert timeline[0].title == "Entered as active" and timeline[4].title == "Active → Suspended"
    assert timeline[4].detail == "Council vote" and timeline[2].kind_label == "Oversight"


def test_the_timeline_of_a_missing_partnership_is_a_plain_refusal(db: Database) -> None:
    with pytest.raises(UserError, match="no partnership"):
        partnership_timeline(db, 999)
