"""What an issued response says, for its package: read from the records, nothing invented, no participant's name."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files.store import iter_content
from desktop_app.core.preservation.snapshot import response_snapshot, safe_ascii_name
from desktop_app.core.records import service as records
from desktop_app.core.reports import responses

from .report_records import PARTICIPANT_NAMES, build_city


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def _issue_event(db: Database, response_id: int) -> models.AuditEvent:
    with db.reading() as session:
        event = session.scalars(
            select(models.AuditEvent).where(
                models.AuditEvent.record_kind == "response",
                models.AuditEvent.record_id == response_id,
                models.AuditEvent.action == "issue",
            )
        ).one()
        session.expunge(event)
        return event


def _resolution_id(db: Database) -> int:
    with db.reading() as session:
        found: int = session.execute(
            select(models.Attachment.id).where(models.Attachment.original_name == "council-resolution-12-2024.pdf")
        ).scalar_one()
        return found


def _issued(db: Database) -> int:
    build_city(db)
    draft = responses.create_draft(db)
    question_id = draft["answers"][0]["question_id"]
    responses.set_answer(db, draft["id"], question_id, narrative="Every agreement is posted online.")
    responses.set_withheld(
        db, draft["id"], withhold=[f"attachment:{_resolution_id(db)}"], reason="Kept for the council's review"
    )
    responses.issue(db, draft["id"])
    return int(draft["id"])


def test_the_snapshot_of_an_issued_response_holds_what_the_letter_says(db: Database) -> None:
    response_id = _issued(db)
    with db.reading() as session:
        snapshot = response_snapshot(session, response_id)
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
    assert not any(name in text for name in PARTICIPANT_NAMES)
    assert snapshot["format"] == "sister-city-records/response-package" and snapshot["format_version"] == 1
    assert snapshot["program"]["name"] == "Sister City Records"
    assert snapshot["city"] == {"name": "Columbus", "state": "OH", "display": "Columbus, OH", "kind": "city"}

    letter = responses.issued_pdf(db, response_id)
    issued = responses.get_response(db, response_id)
    event = _issue_event(db, response_id)
    after = json.loads(event.after_json)
    response = snapshot["response"]
    assert response["id"] == response_id and response["letter_date"] == "2026-11-28"
    assert response["letter_sha256"] == hashlib.sha256(letter).hexdigest() == issued["pdf_sha256"]
    assert response["archival_sha256"] == after["archival_sha256"]
    assert response["issued_at"] == issued["issued_at"] and response["issued_by"] == event.actor
    assert response["signatory_name"] == "Pat Example" and response["signatory_title"] == "City Clerk"
    assert response["supersedes_response_id"] is None
    assert "Columbus" in response["title"]
    assert snapshot["audit_head"] == after["audit_head"] and snapshot["audit_head"]["seq"] < event.seq

    inquiry = snapshot["inquiry"]
    assert inquiry["id"] == issued["inquiry_id"] and "Blackburn" in (inquiry["from"] or "")
    assert [answer["number"] for answer in snapshot["answers"]] == [1, 2, 3, 4]
    first = snapshot["answers"][0]
    assert first["topic"] == "transparency" and first["question"].startswith("How do your governments ensure")
    assert first["answer"].startswith("Every agreement is posted online.")
    assert snapshot["answers"][2]["topic"] == "economic_coercion espionage"

    (hefei,) = snapshot["partnerships"]
    assert hefei["us_jurisdiction"] == "Columbus, OH" and hefei["partner_community"] == "Hefei"
    assert hefei["partner_native_name"] == "合肥" and hefei["partner_country"] == "China"
    assert hefei["status"] == "suspended" and hefei["established_on"] == "1988-06-01" and hefei["confirmed"] is True
    assert hefei["relationship"] == "sister city" and hefei["ref"].startswith("partnership:")

    # The resolution is withheld: only the agreement is enclosed, as stored.
    (enclosure,) = snapshot["enclosures"]
    assert enclosure["path"] == "data/enclosures/01-agreement-hefei.pdf"
    with db.reading() as session:
        stored = b"".join(iter_content(session, enclosure["sha256"]))
    assert len(stored) == enclosure["size"] and hashlib.sha256(stored).hexdigest() == enclosure["sha256"]


def test_what_the_letter_printed_is_told_after_the_records_change(db: Database) -> None:
    """The issue event recorded what the letter printed, so a package made years later still says it."""
    response_id = _issued(db)
    with db.reading() as session:
        before = response_snapshot(session, response_id)
    records.create(db, "policy", {"kind": "procedure", "title": "Gift register", "topics": "economic_coercion"})
    hefei = next(p for p in before["partnerships"] if p["partner_community"] == "Hefei")
    records.update(db, "partnership", int(hefei["ref"].split(":")[1]), {"established_on": "1990-01-01"})
    with db.reading() as session:
        after = response_snapshot(session, response_id)
    assert after == before
    assert before["response"]["title"].startswith("Response of the City of Columbus to the letter of")


def test_an_older_letter_without_what_it_printed_is_made_again_or_left_null(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A letter issued before issue events recorded what it printed: made again from the records, its contents are
    told while it comes out byte for byte the same, and are null, never guessed, once the records have changed."""
    from desktop_app.core.preservation import snapshot as snapshot_module

    response_id = _issued(db)
    with db.reading() as session:
        recorded = response_snapshot(session, response_id)

    def without_printed(session: object, response_id: int) -> tuple[dict[str, object] | None, int | None]:
        after, seq = responses.issue_event(session, response_id)  # type: ignore[arg-type]
        return ({k: v for k, v in after.items() if k != "printed"} if after else after), seq

    monkeypatch.setattr(snapshot_module, "issue_event", without_printed)
    with db.reading() as session:
        assert response_snapshot(session, response_id) == recorded
    records.create(db, "policy", {"kind": "procedure", "title": "Gift register", "topics": "economic_coercion"})
    with db.reading() as session:
        snapshot = response_snapshot(session, response_id)
    assert snapshot["answers"] is None and snapshot["partnerships"] is None and snapshot["enclosures"] is None
    vouched_by_the_letter_alone = {"signatory_name", "signatory_title", "title"}
    unchanged = {name: value for name, value in recorded["response"].items() if name not in vouched_by_the_letter_alone}
    assert {name: snapshot["response"][name] for name in unchanged} == unchanged
    assert snapshot["audit_head"] == recorded["audit_head"]


def test_a_draft_has_no_snapshot(db: Database) -> None:
    build_city(db, with_evidence=False)
    draft = responses.create_draft(db)
    with db.reading() as session, pytest.raises(UserError, match="draft"):
        response_snapshot(session, draft["id"])


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("agreement-hefei.pdf", "agreement-hefei.pdf"),
        ("西安 协议 Xi'an.PDF", "Xi-an.pdf"),
        ("../../etc/passwd", "etc-passwd"),
        ("合肥.pdf", "document.pdf"),
        ("a" * 200 + ".pdf", "a" * 76 + ".pdf"),
    ],
)
def test_enclosure_names_are_plain_ascii(name: str, safe: str) -> None:
    assert safe_ascii_name(name) == safe
