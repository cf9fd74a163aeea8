"""The letter's truth rules, each proved: numbers equal appendices, exclusions declared, no claim without records,
no participant's name at issue, nothing the records can hold breaks it, and the same records give the same bytes."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop_app.core.clock import today
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.reports import facts as letter_facts
from desktop_app.core.reports import responses
from desktop_app.core.reports.dates import set_date_style
from desktop_app.core.reports.gather import gather
from desktop_app.core.reports.wording import Writer

from .report_records import attach, build_city

LETTER_DATE = "2026-11-28"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", LETTER_DATE)


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def body_of(text: str) -> str:
    return text.split("Appendix A. Partnerships on record")[0]


def build_facts(db: Database, response_id: int) -> letter_facts.Facts:
    with db.reading() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        built = letter_facts.build(session, gather(session, response, today()))
        session.expunge_all()
        return built


def every_status_city(db: Database) -> dict[str, int]:
    """A city with one partnership in each status, and one agreement under the first."""
    home = set_home_jurisdiction(db, "Salina", "KS", {"signatory_name": "Ada Clerk", "signatory_title": "Clerk"})
    made: dict[str, int] = {}
    for number, status in enumerate(("proposed", "active", "dormant", "suspended", "terminated"), start=1):
        partner = records.create(db, "partner", {"name": f"Town {number}", "country_name": "China"})
        partnership = records.create(
            db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"], "status": status}
        )
        made[status] = partnership["id"]
    records.create(db, "agreement", {"partnership_id": made["active"], "title": "Friendship agreement"})
    return made


# ----- every number in the body equals what its appendix lists ------------------------------------------------


def test_every_number_in_the_body_is_backed_by_its_appendix(db: Database) -> None:
    city = build_city(db, extra_partnerships=7)
    response_id = responses.create_draft(db)["id"]
    responses.set_withheld(
        db, response_id, withhold=[f"partnership:{city.partnership_ids[2]}", f"policy:{city.policy_ids[0]}"]
    )
    facts = build_facts(db, response_id)
    appendices = {
        "A": facts.partnerships,
        "B": facts.agreements,
        "C": facts.activities,
        "D": facts.oversight,
        "E": facts.policies,
    }
    numbers = {catalogue.letter: set(catalogue.numbers()) for catalogue in appendices.values()}
    checked = 0
    for question in facts.questions:
        for statement in question.statements:
            for number in statement.backing:
                if number[0] in numbers and number[1:]:
                    assert number in numbers[number[0]], (statement.kind, number)
                    checked += 1
            figures = statement.figures
            if statement.kind == "partnerships":
                assert figures["count"] == len(facts.partnerships.items) == 7
                assert figures["withheld"] == 1
                assert sum(number for _, number in figures["by_status"]) == figures["count"]
                assert len(statement.backing) == figures["count"]
            if statement.kind == "agreements":
                assert figures["count"] == len(facts.agreements.items)
            if statement.kind == "policies":
                on_topics = [item for item in facts.policies.items if item.topics & set(question.topics)]
                assert figures["count"] == len(on_topics) == len(statement.backing)
            if statement.kind == "oversight" and figures["listed"] == figures["count"]:
                assert len(statement.backing) == figures["count"]
    assert checked > 5
    # And the sentences print those same numbers.
    writer = Writer(facts)
    first = next(s for s in facts.questions[0].statements if s.kind == "partnerships")
    assert "8 partnerships, 1 of them withheld from this letter; the other 7 (A1–A7) are:" in writer.sentence(first)


def test_every_status_is_counted(db: Database) -> None:
    every_status_city(db)
    response_id = responses.create_draft(db)["id"]
    text = text_of(responses.render_pdf(db, response_id))
    assert "hold 5 partnerships (A1–A5): 1 proposed, 1 active, 1 dormant, 1 suspended and 1 terminated." in text
    # Each item is printed once: the agreement appears in Appendix B only.
    assert text.count("Friendship agreement") == 1


# ----- every exclusion is declared ------------------------------------------------------------------------------


def test_withheld_items_are_declared_and_need_a_reason_to_issue(db: Database) -> None:
    city = build_city(db)
    response_id = responses.create_draft(db)["id"]
    responses.set_withheld(db, response_id, withhold=[f"agreement:{city.agreement_id}", f"policy:{city.policy_ids[1]}"])
    text = text_of(responses.render_pdf(db, response_id))
    assert "2 items (1 agreement and 1 policy) are withheld from this letter: (the reason has not been given yet)" in (
        text
    )
    with pytest.raises(UserError, match="give the reason"):
        responses.issue(db, response_id)
    responses.set_withheld(db, response_id, reason="They are the subject of pending litigation")
    issued = responses.issue(db, response_id)
    text = text_of(responses.issued_pdf(db, issued["id"]))
    assert "2 items (1 agreement and 1 policy) are withheld from this letter: They are the subject of pending" in text
    assert "Code of conduct for exchange delegations" not in text
    # The policies concerning visa programs: one on record, withheld, not "none".
    assert "The records hold 1 policy concerning visa programs, withheld from this letter." in text
    assert "hold no policies concerning visa programs" not in text


def test_withholding_refuses_what_the_letter_does_not_offer(db: Database) -> None:
    build_city(db)
    response_id = responses.create_draft(db)["id"]
    with pytest.raises(UserError, match="is not evidence this letter offers"):
        responses.set_withheld(db, response_id, withhold=["policy:999"])
    assert responses.get_response(db, response_id)["withheld_evidence"] == []


# ----- no claim without records ----------------------------------------------------------------------------------

CLAIMS_NEEDING_RECORDS = (
    "civic and cultural exchanges",
    "note each visiting participant",
    "are listed below",
    "most recent",
    "Each partnership and agreement is listed",
)


def test_empty_records_give_no_claim_only_what_the_records_hold(db: Database) -> None:
    set_home_jurisdiction(db, "Salina", "KS", {"signatory_name": "Ada Clerk"})
    response_id = responses.create_draft(db)["id"]
    text = text_of(responses.render_pdf(db, response_id))
    for claim in CLAIMS_NEEDING_RECORDS:
        assert claim not in text
    assert "The City's records hold no partnerships as of November 28, 2026." in text
    assert "The City's records hold no participants in partnership activities as of November 28, 2026." in text
    assert "Flagged" not in text


def test_a_draft_from_an_earlier_version_no_longer_prints_its_old_claims(db: Database) -> None:
    from desktop_app.core.reports.narratives import RETIRED_NARRATIVES

    build_city(db)
    response_id = responses.create_draft(db)["id"]
    with db.writing() as session:  # as an earlier version wrote it
        response = session.get(models.Response, response_id)
        assert response is not None
        old = next(text for text in RETIRED_NARRATIVES if "civic and cultural" in text)
        response.answers[1].narrative = old
    text = text_of(responses.render_pdf(db, response_id))
    assert "civic and cultural exchanges" not in text


def test_most_recent_only_where_there_is_a_date(db: Database) -> None:
    city = build_city(db)
    for number in range(70):
        values: dict[str, Any] = {"partnership_id": city.partnership_ids[0], "kind": "cultural_event"}
        values["title"] = f"Concert {number}"
        values["starts_on"] = f"20{10 + number // 12:02d}-{number % 12 + 1:02d}-01"
        created = records.create(db, "activity", values)
        if not number % 7:  # undated, as records brought in from elsewhere may be
            with db.writing() as session:
                activity = session.get(models.Activity, created["id"])
                assert activity is not None
                activity.starts_on = None
    response_id = responses.create_draft(db)["id"]
    facts = build_facts(db, response_id)
    assert facts.activities.summarised and facts.activities.undated == 10
    assert all(item.on is not None for item in facts.activities.items)
    dates = [item.on for item in facts.activities.items]
    assert dates == sorted(dates)
    text = text_of(responses.render_pdf(db, response_id))
    assert "the 40 most recent are listed in Appendix C" in text and "(10 undated)" in text


def test_a_short_list_never_says_most_recent(db: Database) -> None:
    build_city(db)
    text = text_of(responses.render_pdf(db, responses.create_draft(db)["id"]))
    assert "most recent" not in text


# ----- unconfirmed partnerships -----------------------------------------------------------------------------------


def test_unconfirmed_partnerships_are_said_and_need_an_acknowledgment(db: Database) -> None:
    city = build_city(db)
    records.update(db, "partnership", city.partnership_ids[0], {"confirmed": False, "source": "A public list"})
    response_id = responses.create_draft(db)["id"]
    text = text_of(responses.render_pdf(db, response_id))
    assert "The partnership in Appendix A comes from a public list and has not yet been confirmed" in text
    assert "Unconfirmed: from a public list Source: A public list" in text
    with pytest.raises(UserError, match="unconfirmed"):
        responses.issue(db, response_id)
    assert responses.get_response(db, response_id)["status"] == "draft"
    responses.issue(db, response_id, acknowledge_unconfirmed=True)
    event = _issue_event(db, response_id)
    assert event["acknowledged_unconfirmed"] == 1


def _issue_event(db: Database, response_id: int) -> dict[str, Any]:
    with db.reading() as session:
        after = session.scalars(
            select(models.AuditEvent.after_json).where(
                models.AuditEvent.record_kind == "response",
                models.AuditEvent.record_id == response_id,
                models.AuditEvent.action == "issue",
            )
        ).one()
    found: dict[str, Any] = json.loads(after)
    return found


# ----- no participant's name at issue ----------------------------------------------------------------------------


def _name_in_a_finding(db: Database) -> tuple[int, int]:
    city = build_city(db)
    activity = records.list_records(db, "activities")[0]
    records.create(db, "participant", {"activity_id": activity["id"], "name": "José Núñez", "visa_category": "j1"})
    action = records.create(
        db,
        "oversight",
        {
            "kind": "incident_report",
            "action_on": "2026-01-05",
            "partnership_id": city.partnership_ids[0],
            "topics": "visa_programs",
            "finding": "The visitor jose NUNEZ asked for access to the water utility's control room.",
        },
    )
    return responses.create_draft(db)["id"], action["id"]


def test_a_participant_named_in_the_letter_stops_the_issue(db: Database) -> None:
    response_id, _ = _name_in_a_finding(db)
    with pytest.raises(UserError) as caught:
        responses.issue(db, response_id)
    assert "names a recorded participant in Appendix D, item D3" in caught.value.message
    assert responses.get_response(db, response_id)["status"] == "draft"
    ready = responses.readiness(db, response_id)
    assert ready["name_hits"] and "NUNEZ" in ready["name_hits"][0]["excerpt"]


def test_names_can_be_redacted_and_the_redaction_is_recorded(db: Database) -> None:
    response_id, _ = _name_in_a_finding(db)
    responses.issue(db, response_id, redact_names=True)
    data = responses.issued_pdf(db, response_id)
    text = text_of(data)
    assert "[name withheld] asked for access" in text
    for part in ("Núñez", "NUNEZ", "Nunez", "jose"):
        assert part not in text
    assert _issue_event(db, response_id)["redacted"] == ["Appendix D, item D3"]
    # Regenerating the issued letter redacts the same way: the check still matches.
    assert responses.check_issued(db, response_id)["regenerated_matches"]


def test_an_enclosed_document_naming_a_participant_stops_the_issue(db: Database) -> None:
    city = build_city(db)
    activity = records.list_records(db, "activities")[0]
    records.create(db, "participant", {"activity_id": activity["id"], "name": "Mei Lanfang"})
    attachment_id, _ = attach(
        db, b"Visitors: Mei Lanfang and others.", "visitors.txt", "policy", city.policy_ids[0], "text/plain"
    )
    from desktop_app.core.files.attachments import read_text_in

    with db.writing() as session:
        read_text_in(session, attachment_id)
    response_id = responses.create_draft(db)["id"]
    with pytest.raises(UserError, match=f"withhold {response_id} attachment:{attachment_id}"):
        responses.issue(db, response_id)
    responses.set_withheld(db, response_id, withhold=[f"attachment:{attachment_id}"], reason="It names a visitor")
    issued = responses.issue(db, response_id)
    assert issued["status"] == "issued"
    assert "visitors.txt" not in text_of(responses.issued_pdf(db, response_id))


# ----- nothing the records can hold breaks the letter -------------------------------------------------------------


def test_long_texts_split_across_pages_and_nothing_fails(db: Database) -> None:
    city = build_city(db)
    words = " ".join(f"word{number}" for number in range(14_000))[:99_000]  # as long as a finding may be
    unbroken = "x" * 100_000
    records.create(
        db,
        "oversight",
        {"kind": "audit", "action_on": "2026-02-02", "topics": "espionage", "finding": words + " ENDOFFINDING"},
    )
    records.update(db, "agreement", city.agreement_id or 0, {"clause_notes": unbroken})
    records.update(db, "policy", city.policy_ids[0], {"summary": words})
    response_id = responses.create_draft(db)["id"]
    first = responses.get_response(db, response_id)["answers"][0]["question_id"]
    responses.set_answer(db, response_id, first, narrative=words)
    data = responses.render_pdf(db, response_id)
    text = text_of(data)
    assert "ENDOFFINDING" in text
    assert "(continued below the table)" in text
    assert len(PdfReader(io.BytesIO(data)).pages) > 20


# ----- conventions, metadata, sameness -------------------------------------------------------------------------


def test_the_issued_letter_carries_its_number_date_metadata_and_bookmarks(db: Database) -> None:
    build_city(db)
    response_id = responses.create_draft(db)["id"]
    issued = responses.issue(db, response_id)
    data = responses.issued_pdf(db, response_id)
    text = text_of(data)
    assert f"Response No. {response_id} · Issued November 28, 2026" in text
    assert "DRAFT" not in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "Response of the City of Columbus to the letter of October 8, 2020"
        assert str(info["/Author"]) == "City of Columbus"
        created = str(info["/CreationDate"])
        assert created.startswith("D:" + issued["issued_at"][:10].replace("-", ""))
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "1. Transparency" in str(outline_titles(data))
        assert "Appendix A. Partnerships on record" in titles
        links = [
            str(annotation.A.URI)
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation
        ]
    assert "https://www.columbus.gov/sister-cities/hefei" in links
    # The footer is one line on every page.
    for page in PdfReader(io.BytesIO(data)).pages:
        footer_lines = [line for line in (page.extract_text() or "").splitlines() if "Response to the letter" in line]
        assert len(footer_lines) == 1


def outline_titles(data: bytes) -> list[str]:
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            found.append(item.title)
            stack = list(item.children) + stack
    return found


def test_same_records_and_date_give_the_same_bytes_and_the_check_matches(db: Database) -> None:
    build_city(db, logo=True)
    response_id = responses.create_draft(db)["id"]
    assert responses.render_pdf(db, response_id) == responses.render_pdf(db, response_id)
    responses.issue(db, response_id)
    stored = responses.issued_pdf(db, response_id)
    assert responses.render_pdf(db, response_id) == stored
    assert responses.check_issued(db, response_id)["regenerated_matches"]


def test_the_day_first_date_style_is_a_setting(db: Database) -> None:
    build_city(db)
    response_id = responses.create_draft(db)["id"]
    assert "November 28, 2026" in text_of(responses.render_pdf(db, response_id))
    set_date_style(db, "day_first")
    text = text_of(responses.render_pdf(db, response_id))
    assert "28 November 2026" in text and "November 28, 2026" not in text
    with pytest.raises(UserError, match="not a date style"):
        set_date_style(db, "martian")


def test_warnings_are_flagged_where_they_belong(db: Database) -> None:
    city = build_city(db)
    records.update(db, "agreement", city.agreement_id or 0, {"expires_on": "2025-12-31"})
    response_id = responses.create_draft(db)["id"]
    text = text_of(responses.render_pdf(db, response_id))
    answers = body_of(text).split("2. Freedom of expression")
    assert "Flagged: 1 agreement expired before the date of this letter (B1)." in answers[0]
    assert "Flagged: 1 follow-up on these topics is overdue (D2)." in answers[1]
    assert "Expired Dec 31, 2025" in text
    assert "Open, due Jun 1, 2026 OVERDUE" in text
    warnings = responses.readiness(db, response_id)["warnings"]
    assert any("overdue" in warning for warning in warnings)
    assert any("expired" in warning for warning in warnings)


def test_a_new_draft_superseding_an_issued_letter_says_so(db: Database) -> None:
    build_city(db)
    first = responses.create_draft(db)["id"]
    responses.issue(db, first)
    second = responses.supersede(db, first)["id"]
    text = text_of(responses.render_pdf(db, second))
    assert f"This letter supersedes our letter of November 28, 2026 (Response No. {first})." in text
    assert responses.get_response(db, first)["status"] == "issued"


def test_another_inquiry_asks_whether_agreements_were_terminated_or_merely_suspended(db: Database) -> None:
    from desktop_app.core.records.inquiries import create_inquiry

    made = every_status_city(db)
    records.change_status(
        db, made["active"], "terminated", changed_on="2025-09-30", reason="State law", legal_basis="Tex. HB 128"
    )
    notice = records.create(
        db,
        "agreement",
        {"partnership_id": made["terminated"], "title": "Notice of termination", "kind": "termination_notice"},
    )
    inquiry = create_inquiry(
        db,
        {
            "subject": "Sister-city agreements with communities in foreign adversary countries",
            "sent_on": "2025-10-01",
            "from_whom": "Senate Committee on Homeland Security",
            "to_whom": "The Mayor",
            "recipients": "The Honorable Chair\nCommittee on Homeland Security\nWashington, DC 20510",
            "salutation": "Dear Chair:",
        },
        [
            {
                "short_title": "Terminated or suspended",
                "text": "Was each agreement formally terminated or merely suspended?",
                "topics": ["termination"],
            },
            {"short_title": "Copies", "text": "Provide a copy of every agreement.", "topics": ["transparency"]},
        ],
    )
    response_id = responses.create_draft(db, inquiry["id"])["id"]
    text = text_of(responses.render_pdf(db, response_id))
    assert "Dear Chair:" in text and "Committee on Homeland Security" in text
    assert "answers your letter of October 1, 2025, addressed to The Mayor, concerning sister-city agreements" in text
    assert (
        "Of the 5 partnerships listed in Appendix A, 2 are terminated: A2 since September 30, 2025 (Tex. HB 128) "
        "and A5 (no dated change of status recorded); 1 is suspended: A4 (no dated change of status recorded)."
    ) in text
    assert "Termination notices on record: B" in text
    assert notice["id"]


def test_counts_that_could_single_out_a_participant_are_suppressed() -> None:
    from desktop_app.core.reports.facts import suppressed

    assert suppressed(1, 6) == "fewer than 3"
    assert suppressed(5, 6) == "more than 3"  # else the one without would be given away
    assert suppressed(3, 6) == "3" and suppressed(6, 6) == "6" and suppressed(0, 6) == "0"
    assert suppressed(2, 2) == "fewer than 3"
