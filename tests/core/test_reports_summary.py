"""A letter summarises a question with many pieces of evidence: counts of all of them, the most recent listed."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import insert

from desktop_app.core.clock import utc_now_text
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.reports import responses
from desktop_app.core.reports.content import LIST_IN_FULL_UP_TO, MOST_RECENT_LISTED, EvidenceItem, Section

from .report_records import build_city


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def item(number: int, on: dt.date, status: str) -> EvidenceItem:
    return EvidenceItem(
        ref=f"oversight:{number}",
        description=f"Action {number}",
        rows=((str(number),),),
        on=on,
        facets=(("Kind", "Annual review"), ("Status", status)),
    )


def section(items: list[EvidenceItem]) -> Section:
    return Section("oversight", "Oversight actions", ("Number",), (1.0,), tuple(items), "oversight actions")


def test_a_short_section_lists_everything_and_says_nothing_more() -> None:
    items = [item(n, dt.date(2020, 1, 1) + dt.timedelta(days=n), "Open") for n in range(LIST_IN_FULL_UP_TO)]
    short = section(items)
    assert not short.summarised
    assert short.listed == tuple(items)
    assert short.summary_note == ""


def test_a_long_section_lists_the_most_recent_in_their_order_and_counts_all() -> None:
    total = LIST_IN_FULL_UP_TO + 25
    # Dates run backwards, so the most recent are the first items, not the last.
    items = [item(n, dt.date(2024, 1, 1) - dt.timedelta(days=n), "Open" if n % 3 else "Closed") for n in range(total)]
    long = section(items)
    assert long.summarised
    assert long.listed == tuple(items[:MOST_RECENT_LISTED])
    assert long.facet_counts == (
        ("Kind", "Annual review", total),
        ("Status", "Open", sum(1 for n in range(total) if n % 3)),
        ("Status", "Closed", sum(1 for n in range(total) if not n % 3)),
    )
    note = long.summary_note
    assert f"The records hold {total:,} oversight actions" in note
    assert f"they are all counted below by kind and status, and the {MOST_RECENT_LISTED} most recent are listed" in note
    assert f"The other {total - MOST_RECENT_LISTED:,} are held in the records" in note


def test_items_left_out_by_the_clerk_are_neither_listed_nor_counted() -> None:
    items = [item(n, dt.date(2020, 1, 1) + dt.timedelta(days=n), "Open") for n in range(LIST_IN_FULL_UP_TO + 1)]
    left_out = EvidenceItem(**{**vars(items[-1]), "excluded": True})
    trimmed = section([*items[:-1], left_out])
    assert not trimmed.summarised
    assert left_out not in trimmed.listed


def test_the_letter_summarises_thousands_of_oversight_actions(db: Database) -> None:
    build_city(db)
    now = utc_now_text()
    start = dt.date(2015, 1, 1)
    many = 1500
    with db.writing() as session:
        session.execute(
            insert(models.OversightAction),
            [
                {
                    "partnership_id": None,
                    "kind": "audit" if n % 2 else "annual_review",
                    "action_on": start + dt.timedelta(days=n),
                    "officer": "Officer",
                    "topics": "espionage",
                    "finding": f"Routine finding number {n}.",
                    "risk_level": "low",
                    "status": "closed",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(many)
            ],
        )
    response_id = responses.create_draft(db)["id"]
    reader = PdfReader(io.BytesIO(responses.render_pdf(db, response_id)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    # The espionage question holds the generated actions and the city's own security consultation.
    assert re.search(r"The records hold 1,50\d oversight actions, too many to list in this letter", text)
    assert f"counted below by kind, status and risk, and the {MOST_RECENT_LISTED} most recent are listed" in text
    assert "Routine finding number 1499." in text  # the most recent is listed
    assert "Routine finding number 10." not in text  # an old one is counted, not listed
    assert "Audit 750" in text and "Closed" in text
    assert len(reader.pages) < 40
