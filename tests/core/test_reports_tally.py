"""The letter counts oversight actions in the database: its counts and listed rows match reading every action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from desktop_app.core import vocab
from desktop_app.core.clock import today, utc_now_text
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.records.parties import home_jurisdiction_in
from desktop_app.core.reports import facts as letter_facts
from desktop_app.core.reports import responses
from desktop_app.core.reports.dates import long_date
from desktop_app.core.reports.facts import LIST_IN_FULL_UP_TO, MOST_RECENT_LISTED
from desktop_app.core.reports.gather import gather
from desktop_app.core.reports.oversight import REVIEW_KINDS

from .report_records import build_city

TOPIC_TEXTS = ("espionage", "transparency visa_programs", "economic_coercion espionage", "free_expression", "")
KINDS = tuple(vocab.OVERSIGHT_KINDS)
STATUSES = ("planned", "open", "closed")
RISKS = ("none", "low", "medium", "high", "")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def _actions(partnership_ids: list[int], many: int) -> list[dict[str, Any]]:
    now = utc_now_text()
    start = dt.date(2012, 1, 1)
    rows = []
    for n in range(many):
        rows.append(
            {
                # Mostly program-wide, some on each partnership, a few in the trash.
                "partnership_id": None if n % 3 else partnership_ids[n // 3 % len(partnership_ids)],
                "kind": KINDS[n % len(KINDS)],
                # Several actions share a day, so the most recent are told apart by number as well.
                "action_on": start + dt.timedelta(days=n // 3),
                "officer": "Officer",
                "topics": TOPIC_TEXTS[n % len(TOPIC_TEXTS)],
                "finding": f"Finding number {n}.",
                "risk_level": RISKS[n % len(RISKS)],
                "status": STATUSES[n % len(STATUSES)],
                "due_on": start + dt.timedelta(days=n) if n % 7 == 0 else None,
                "created_at": now,
                "updated_at": now,
                "deleted_at": now if n % 37 == 0 else None,
            }
        )
    return rows


def _fill(db: Database, many: int) -> tuple[int, list[int]]:
    city = build_city(db, extra_partnerships=3)
    with db.writing() as session:
        session.execute(insert(models.OversightAction), _actions(city.partnership_ids, many))
        ids = list(session.scalars(select(models.OversightAction.id).order_by(models.OversightAction.id)))
    return responses.create_draft(db)["id"], ids


def _facts(db: Database, response_id: int) -> letter_facts.Facts:
    with db.reading() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        return letter_facts.build(session, gather(session, response, today()))


def _every_action(db: Database) -> list[models.OversightAction]:
    """Every action in scope, read one by one: what the counts taken in the database must equal."""
    with db.reading() as session:
        home = home_jurisdiction_in(session)
        assert home is not None
        ids = set(
            session.scalars(
                select(models.Partnership.id).where(
                    models.Partnership.jurisdiction_id == home.id, models.Partnership.deleted_at.is_(None)
                )
            )
        )
        found = [
            action
            for action in session.scalars(select(models.OversightAction))
            if action.deleted_at is None and (action.partnership_id is None or action.partnership_id in ids)
        ]
        session.expunge_all()
        return found


def _compare_sections(db: Database, response_id: int) -> list[int]:
    """Asserts that the oversight log and each question's count equal those read action by action."""
    facts = _facts(db, response_id)
    withheld = facts.gathered.withheld
    actions = _every_action(db)
    shown = [action for action in actions if f"oversight:{action.id}" not in withheld]
    log = facts.oversight
    assert log.held == len(actions) and log.counted == len(shown)
    expected = sorted(shown, key=lambda action: (action.action_on, action.id))
    if len(shown) > LIST_IN_FULL_UP_TO:
        expected = expected[-MOST_RECENT_LISTED:]
        assert log.summarised and log.facet_counts
        assert sum(number for what, _, number in log.facet_counts if what == "Status") == len(shown)
    assert [item.record_id for item in log.items] == [action.id for action in expected]
    counts = []
    for question in facts.questions:
        statement = next(s for s in question.statements if s.kind == "oversight")
        topics = set(question.topics)
        on_topics = [action for action in shown if topics & set(vocab.split_words(action.topics))]
        assert statement.figures["count"] == len(on_topics)
        counts.append(statement.figures["count"])
    return counts


def test_counts_and_listed_actions_match_reading_every_action(db: Database) -> None:
    response_id, _ = _fill(db, 1000)
    shown = _compare_sections(db, response_id)
    assert any(number > 60 for number in shown), "some question must be summarised"


def test_actions_withheld_are_neither_counted_nor_listed(db: Database) -> None:
    response_id, ids = _fill(db, 400)
    questions = responses.get_response(db, response_id)["answers"]
    before = _compare_sections(db, response_id)
    # The latest actions (listed ones among them), one in the trash, a number with a leading zero (not a
    # reference to any action) and one that is not an oversight action at all.
    left_out = [f"oversight:{action_id}" for action_id in ids[-25:]] + [f"oversight:{ids[0]}"]
    left_out += [f"oversight:0{ids[-1]}", "policy:1"]
    assert questions
    with db.writing() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        response.withheld_evidence = " ".join(left_out)
    after = _compare_sections(db, response_id)
    assert sum(after) < sum(before)


def test_a_short_section_lists_every_action(db: Database) -> None:
    response_id, _ = _fill(db, 40)
    shown = _compare_sections(db, response_id)
    assert all(number <= 60 for number in shown)


def test_named_values_count_every_action_in_scope(db: Database) -> None:
    response_id, _ = _fill(db, 300)
    with db.reading() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        facts = letter_facts.build(session, gather(session, response, today()))
        from desktop_app.core.reports.wording import Writer, named_value_table

        values = named_value_table(facts, Writer(facts), "")
        home = home_jurisdiction_in(session)
        assert home is not None
        home_partnerships = select(models.Partnership.id).where(
            models.Partnership.jurisdiction_id == home.id, models.Partnership.deleted_at.is_(None)
        )
        action = models.OversightAction
        in_scope = [
            action.deleted_at.is_(None),
            action.partnership_id.is_(None) | action.partnership_id.in_(home_partnerships),
        ]
        total = session.scalar(select(func.count()).where(*in_scope))
        still_open = session.scalar(select(func.count()).where(*in_scope, action.status.in_(("planned", "open"))))
        last_review = session.scalar(
            select(func.max(action.action_on)).where(
                *in_scope, action.kind.in_(REVIEW_KINDS), action.status != "planned"
            )
        )
        recorded = session.scalar(select(func.max(models.Partnership.last_reviewed_on)))
    assert values["oversight_actions_total"] == str(total)
    assert values["open_oversight_actions"] == str(still_open)
    assert last_review is not None
    assert values["last_review_date"] == long_date(max(filter(None, (last_review, recorded))))


def test_the_most_recent_listed_are_the_latest_by_date_then_number(db: Database) -> None:
    response_id, _ = _fill(db, 600)
    log = _facts(db, response_id).oversight
    assert log.summarised and len(log.items) == MOST_RECENT_LISTED
    keys = [(item.on, item.record_id) for item in log.items]
    assert keys == sorted(keys)
    assert [item.number for item in log.items] == [f"D{n}" for n in range(1, MOST_RECENT_LISTED + 1)]
