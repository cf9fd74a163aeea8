"""Use cases of a response: drafts, answers, issuing with a fingerprint, refusing edits, superseding, checking."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.reports import responses

from .report_records import build_city


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def test_a_draft_starts_with_a_narrative_per_question(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    assert draft["status"] == "draft"
    assert len(draft["answers"]) == 4
    assert all(answer["narrative"] for answer in draft["answers"])
    assert "{active_partnerships}" in draft["answers"][0]["narrative"]
    assert responses.latest_draft_id(db) == draft["id"]


def test_answers_and_letter_settings_are_saved_and_audited(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    question_id = draft["answers"][1]["question_id"]
    changed = responses.set_answer(
        db,
        draft["id"],
        question_id,
        narrative="Our policy is {active_partnerships} active.",
        excluded_evidence=["policy:1"],
    )
    assert changed["answers"][1]["narrative"] == "Our policy is {active_partnerships} active."
    assert changed["answers"][1]["excluded_evidence"] == ["policy:1"]
    updated = responses.set_letter(db, draft["id"], {"signatory_name": "Dana Doe", "include_optional_recipients": True})
    assert updated["signatory_name"] == "Dana Doe"
    with db.reading() as session:
        actions = list(
            session.scalars(select(models.AuditEvent.action).where(models.AuditEvent.record_kind == "response"))
        )
        assert actions.count("set_answers") == 2 and "update" in actions
        assert verify_chain(session) == []
    text = responses.render_pdf(db, draft["id"])
    assert text.startswith(b"%PDF")


def test_an_unknown_named_value_changes_nothing(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    question_id = draft["answers"][0]["question_id"]
    with pytest.raises(UserError, match="not a named value"):
        responses.set_answer(db, draft["id"], question_id, narrative="We count {__class__}.")
    with pytest.raises(UserError, match="not a named value"):
        responses.set_letter(db, draft["id"], {"closing": "Regards {0.__init__}"})
    assert responses.get_response(db, draft["id"])["answers"][0]["narrative"] == draft["answers"][0]["narrative"]


def test_a_letter_without_a_home_jurisdiction_says_how_to_set_it(db: Database) -> None:
    with pytest.raises(UserError, match='home "NAME, ST"'):
        responses.create_draft(db)
    assert responses.list_responses(db) == []


def test_issuing_stores_the_pdf_with_its_fingerprint_and_freezes_the_response(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    issued = responses.issue(db, draft["id"])
    assert issued["status"] == "issued" and issued["issued_on"].isoformat() == "2026-11-28"
    stored = responses.issued_pdf(db, draft["id"])
    assert hashlib.sha256(stored).hexdigest() == issued["pdf_sha256"]
    assert b"DRAFT" not in stored
    # Regenerating from the same records and date gives the same bytes.
    assert responses.render_pdf(db, draft["id"]) == stored
    check = responses.check_issued(db, draft["id"])
    assert check["stored_intact"] and check["regenerated_matches"]
    with db.reading() as session:
        link = session.execute(
            select(models.AttachmentLink).where(
                models.AttachmentLink.record_kind == "response", models.AttachmentLink.record_id == draft["id"]
            )
        ).scalar_one()
        assert link.attachment_id == issued["pdf_attachment_id"]
        assert verify_chain(session) == []

    question_id = draft["answers"][0]["question_id"]
    for attempt in (
        lambda: responses.set_answer(db, draft["id"], question_id, narrative="Changed."),
        lambda: responses.set_answer(db, draft["id"], question_id, excluded_evidence=["policy:1"]),
        lambda: responses.set_letter(db, draft["id"], {"closing": "Changed."}),
        lambda: records.update(db, "response", draft["id"], {"closing": "Changed."}),
        lambda: records.trash(db, "response", draft["id"]),
        lambda: responses.issue(db, draft["id"]),
    ):
        with pytest.raises(UserError):
            attempt()
    assert responses.issued_pdf(db, draft["id"]) == stored


def test_the_check_notices_records_changed_since_issuing(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    responses.issue(db, draft["id"])
    records.create(db, "policy", {"kind": "procedure", "title": "Gift register", "topics": "economic_coercion"})
    check = responses.check_issued(db, draft["id"])
    assert check["stored_intact"] and not check["regenerated_matches"]


def test_superseding_copies_the_answers_into_a_new_draft(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    question_id = draft["answers"][2]["question_id"]
    responses.set_answer(db, draft["id"], question_id, narrative="Reviewed each year.", excluded_evidence=["policy:2"])
    responses.set_letter(db, draft["id"], {"signatory_name": "Dana Doe"})
    with pytest.raises(UserError, match="Only an issued response"):
        responses.supersede(db, draft["id"])
    responses.issue(db, draft["id"])
    new = responses.supersede(db, draft["id"])
    assert new["status"] == "draft" and new["supersedes_id"] == draft["id"]
    assert new["signatory_name"] == "Dana Doe"
    assert new["answers"][2]["narrative"] == "Reviewed each year."
    assert new["answers"][2]["excluded_evidence"] == ["policy:2"]
    assert responses.get_response(db, draft["id"])["status"] == "superseded"
    responses.set_answer(db, new["id"], question_id, narrative="Reviewed twice a year.")
    check = responses.check_issued(db, draft["id"])
    assert check["stored_intact"]


def test_issuing_needs_someone_to_sign(db: Database) -> None:
    records.create(db, "jurisdiction", {"name": "Placeholder", "state": "KS"})
    from desktop_app.core.records.parties import set_home_jurisdiction

    set_home_jurisdiction(db, "Salina", "KS")
    draft = responses.create_draft(db)
    with pytest.raises(UserError, match="who signs"):
        responses.issue(db, draft["id"])
    assert responses.get_response(db, draft["id"])["status"] == "draft"
