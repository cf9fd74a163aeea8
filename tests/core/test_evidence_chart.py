"""The home page's evidence chart counts, per question, the very items the response workspace's checklist offers,
without building the letter: also when the activities and oversight actions are too many to list in full."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.files import attachments
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.reports import facts, responses
from desktop_app.core.summary.charts import evidence_by_question

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY.isoformat())


@pytest.fixture(autouse=True)
def short_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """The letter lists a few records in full and only the latest of more, so that a test needs few records."""
    monkeypatch.setattr(facts, "LIST_IN_FULL_UP_TO", 12)
    monkeypatch.setattr(facts, "MOST_RECENT_LISTED", 8)


def _partnership(db: Database, jurisdiction: int, partner: str) -> int:
    other = records.create(db, "partner", {"name": partner, "country_name": "China"})
    values = {"jurisdiction_id": jurisdiction, "partner_id": other["id"], "established_on": "2001-01-01"}
    return int(records.create(db, "partnership", values)["id"])


def _attach(db: Database, tmp_path: Path, name: str, kind: str, record_id: int) -> int:
    path = tmp_path / f"{name}.txt"
    path.write_text(f"The {name} on file.\n", encoding="utf-8")
    return int(attachments.attach_files(db, [path], kind, record_id, title=name)[0]["id"])


def _many_records(db: Database, tmp_path: Path) -> dict[str, int]:
    home = set_home_jurisdiction(db, "Kansas City", "MO")
    elsewhere = records.create(db, "jurisdiction", {"name": "Austin", "state": "TX"})
    xian, hefei = _partnership(db, home["id"], "Xi'an"), _partnership(db, home["id"], "Hefei")
    other = _partnership(db, elsewhere["id"], "Oita")  # another city's: never in this letter
    topics = (["transparency"], ["espionage", "economic_coercion"], ["free_expression"], [], ["visa_programs"])
    first_activity = 0
    for number in range(facts.LIST_IN_FULL_UP_TO + 8):
        starts_on = (dt.date(2010, 1, 1) + dt.timedelta(days=40 * number)).isoformat()
        values = {"partnership_id": xian if number % 2 else hefei, "kind": "cultural_event", "starts_on": starts_on}
        activity = records.create(db, "activity", values)
        first_activity = first_activity or int(activity["id"])
        action = {
            "partnership_id": None if number % 3 == 0 else hefei,
            "kind": "risk_assessment",
            "action_on": (dt.date(2015, 1, 1) + dt.timedelta(days=30 * number)).isoformat(),
            "topics": topics[number % len(topics)],
        }
        records.create(db, "oversight", action)
    records.create(db, "oversight", {"partnership_id": other, "kind": "audit", "action_on": "2026-01-01"})
    latest = records.list_records(db, "activity", records.ListQuery(order_by="starts_on", descending=True, limit=1))
    records.create(db, "participant", {"activity_id": latest[0]["id"], "visa_category": "j1"})
    agreement = records.create(
        db, "agreement", {"partnership_id": xian, "title": "Agreement", "topics": ["termination"]}
    )
    policy = records.create(db, "policy", {"kind": "procedure", "title": "Gifts", "topics": ["free_expression"]})
    records.create(db, "policy", {"kind": "training", "title": "Briefings", "topics": ["espionage"]})
    signed = _attach(db, tmp_path, "signed agreement", "agreement", agreement["id"])
    _attach(db, tmp_path, "unlisted programme", "activity", first_activity)  # an activity too old to be listed
    _attach(db, tmp_path, "gift register", "policy", policy["id"])
    evidence = _attach(db, tmp_path, "council vote", "partnership", other)  # enclosed as evidence alone
    records.change_status(
        db, hefei, "suspended", changed_on="2025-02-02", reason="Council vote", evidence_attachment_id=evidence
    )
    return {"agreement": agreement["id"], "policy": policy["id"], "attachment": signed, "hefei": hefei}


def test_the_chart_counts_what_the_checklist_offers_under_each_question(db: Database, tmp_path: Path) -> None:
    made = _many_records(db, tmp_path)
    draft = responses.create_draft(db)
    oversight = responses.evidence(db, draft["id"])[2]["items"]
    listed_action = next(item["ref"] for item in oversight if item["ref"].startswith("oversight:"))
    withheld = [
        f"agreement:{made['agreement']}",
        f"policy:{made['policy']}",
        f"attachment:{made['attachment']}",
        f"partnership:{made['hefei']}",
        listed_action,
        "counts:participants",
    ]
    responses.set_withheld(db, draft["id"], withhold=withheld, reason="Under review")
    expected = responses.evidence(db, draft["id"])

    chart = evidence_by_question(db, draft["id"], {})
    assert len(chart.groups) == len(expected) == 4
    for group, question in zip(chart.groups, expected, strict=True):
        held_back = sum(1 for item in question["items"] if item["excluded"])
        assert group.values == (len(question["items"]) - held_back, held_back), group.label
    assert all(group.values[1] for group in chart.groups)  # each question has something withheld
    listed = [item["appendix"] for question in expected for item in question["items"]]
    assert listed.count("C") == 3 * facts.MOST_RECENT_LISTED  # cut to the latest, under questions 1, 3 and 4
    assert 0 < listed.count("D") < 4 * facts.MOST_RECENT_LISTED
