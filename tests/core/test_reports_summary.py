"""A letter with thousands of oversight actions counts all of them in Appendix D and lists the most recent."""

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
from desktop_app.core.reports.facts import MOST_RECENT_LISTED

from .report_records import build_city


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


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
    assert re.search(r"The records hold 1,50\d oversight actions, too many to list in a letter", text)
    assert f"counted below by kind, status and risk, and the {MOST_RECENT_LISTED} most recent are listed" in text
    # The body gives the count and points to the appendix rather than to numbers it does not list.
    assert re.search(
        r"1,50\d oversight actions concerning espionage or economic coercion are recorded \(Appendix D\)", text
    )
    assert "Routine finding number 1499." in text  # the most recent is listed
    assert "Routine finding number 10." not in text  # an old one is counted, not listed
    assert "Audit 750" in text and "Closed" in text
    assert len(reader.pages) < 40
