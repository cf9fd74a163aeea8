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


def _text(data: bytes) -> str:
    import io
    import re

    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", "2026-11-28")


def test_a_draft_starts_with_an_empty_narrative_per_question(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    assert draft["status"] == "draft"
    assert len(draft["answers"]) == 4
    # The records' answer is written for each question; the narrative is the clerk's own words, if any.
    assert all(answer["narrative"] == "" for answer in draft["answers"])
    assert draft["withheld_evidence"] == [] and draft["withheld_reason"] == ""
    assert responses.latest_draft_id(db) == draft["id"]


def test_answers_and_letter_settings_are_saved_and_audited(db: Database) -> None:
    build_city(db)
    draft = responses.create_draft(db)
    question_id = draft["answers"][1]["question_id"]
    changed = responses.set_answer(
        db, draft["id"], question_id, narrative="Our policy is {active_partnerships} active."
    )
    assert changed["answers"][1]["narrative"] == "Our policy is {active_partnerships} active."
    policy = responses.evidence(db, draft["id"])[0]["items"]
    withheld = responses.set_withheld(db, draft["id"], withhold=["policy:1"], reason="Being revised")
    assert withheld["withheld_evidence"] == ["policy:1"] and withheld["withheld_reason"] == "Being revised"
    assert policy
    updated = responses.set_letter(db, draft["id"], {"signatory_name": "Dana Doe", "include_optional_recipients": True})
    assert updated["signatory_name"] == "Dana Doe"
    with db.reading() as session:
        actions = list(
            session.scalars(select(models.AuditEvent.action).where(models.AuditEvent.record_kind == "response"))
        )
        assert actions.count("set_answers") == 2 and "update" in actions and "set_withheld" in actions
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
        links = {
            link.role: link.attachment_id
            for link in session.scalars(
                select(models.AttachmentLink).where(
                    models.AttachmentLink.record_kind == "response", models.AttachmentLink.record_id == draft["id"]
                )
            )
        }
        assert links["issued_letter"] == issued["pdf_attachment_id"]
        archival = session.get(models.Attachment, links["archival_copy"])
        assert archival is not None and archival.original_name.endswith("-archival-PDF-A-2b.pdf")
        archival_sha256 = archival.sha256
        assert verify_chain(session) == []
    from desktop_app.core.files.store import iter_content
    from desktop_app.core.reports.archival import pdfa_2b_problems

    with db.reading() as session:
        archival_bytes = b"".join(iter_content(session, archival_sha256))
    assert pdfa_2b_problems(archival_bytes) == []
    assert b"pdfaid:part" in archival_bytes or b"pdfaid" in archival_bytes

    question_id = draft["answers"][0]["question_id"]
    for attempt in (
        lambda: responses.set_answer(db, draft["id"], question_id, narrative="Changed."),
        lambda: responses.set_withheld(db, draft["id"], withhold=["policy:1"]),
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
    responses.set_answer(db, draft["id"], question_id, narrative="Reviewed each year.")
    responses.set_withheld(db, draft["id"], withhold=["policy:2"], reason="Under revision")
    responses.set_letter(db, draft["id"], {"signatory_name": "Dana Doe"})
    with pytest.raises(UserError, match="Only an issued response"):
        responses.supersede(db, draft["id"])
    responses.issue(db, draft["id"])
    new = responses.supersede(db, draft["id"])
    assert new["status"] == "draft" and new["supersedes_id"] == draft["id"]
    assert new["signatory_name"] == "Dana Doe"
    assert new["answers"][2]["narrative"] == "Reviewed each year."
    assert new["withheld_evidence"] == ["policy:2"] and new["withheld_reason"] == "Under revision"
    # The issued letter stays issued until the new one is issued.
    assert responses.get_response(db, draft["id"])["status"] == "issued"
    with pytest.raises(UserError, match="already supersedes"):
        responses.supersede(db, draft["id"])
    responses.set_answer(db, new["id"], question_id, narrative="Reviewed twice a year.")
    assert "This letter supersedes our letter of November 28, 2026 (Response No. 1)." in _text(
        responses.render_pdf(db, new["id"])
    )
    check = responses.check_issued(db, draft["id"])
    assert check["stored_intact"]
    responses.issue(db, new["id"])
    assert responses.get_response(db, draft["id"])["status"] == "superseded"
    # The superseded letter still regenerates to the bytes it was issued with.
    assert responses.check_issued(db, draft["id"])["regenerated_matches"]


def test_issuing_needs_someone_to_sign(db: Database) -> None:
    records.create(db, "jurisdiction", {"name": "Placeholder", "state": "KS"})
    from desktop_app.core.records.parties import set_home_jurisdiction

    set_home_jurisdiction(db, "Salina", "KS")
    draft = responses.create_draft(db)
    with pytest.raises(UserError, match="who signs"):
        responses.issue(db, draft["id"])
    assert responses.get_response(db, draft["id"])["status"] == "draft"
