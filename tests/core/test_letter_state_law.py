"""The state law in the response letter: what it required and how the City complied, from the records only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.core.clock import today
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.files.attachments import trash_attachment
from desktop_app.core.records.inquiries import create_inquiry
from desktop_app.core.reports import facts as letter_facts
from desktop_app.core.reports import responses
from desktop_app.core.reports.document import Letter
from desktop_app.core.reports.gather import gather
from desktop_app.core.reports.wording import compose

from .law_records import missouri_city, partnership, texas_city

LETTER_DATE = "2026-11-28"
REQUIRED = (
    "Under Tex. Gov't Code ch. 795 (“Sister city agreements with foreign adversaries prohibited”), the City had "
    "to end its partnerships with communities in China, Iran, North Korea or Russia by October 1, 2025."
)
COMPLIED = (
    "It concerns 1 of the City's partnerships (A2); the City terminated it on September 30, 2025, with evidence on "
    "record of a council or governing-body resolution, notice to the partner community and notice to the national "
    "sister-city organisation (G1–G3)."
)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", LETTER_DATE)


def rendered(db: Database, response_id: int) -> str:
    data = responses.render_pdf(db, response_id)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def letter_text(db: Database, inquiry_id: int | None = None, **letter: object) -> str:
    response_id = responses.create_draft(db, inquiry_id)["id"]
    if letter:
        responses.set_letter(db, response_id, letter)
    return rendered(db, response_id)


def letter_of(db: Database, inquiry_id: int | None = None) -> Letter:
    """The letter as plain data, its paragraphs whole (a page break would cut them in the PDF's text)."""
    response_id = responses.create_draft(db, inquiry_id)["id"]
    with db.reading() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        return compose(letter_facts.build(session, gather(session, response, today())), None)


def body_of(text: str) -> str:
    return text.split("Appendix A. Partnerships on record")[0]


def state_law_statements(db: Database) -> list[letter_facts.Statement]:
    response_id = responses.create_draft(db)["id"]
    with db.reading() as session:
        response = session.get(models.Response, response_id)
        assert response is not None
        built = letter_facts.build(session, gather(session, response, today()))
        return [s for q in built.questions for s in q.statements if s.kind.startswith("state_law")] + [
            s for s in (*built.flags_unplaced, *built.state_law_unplaced) if s.kind.startswith("state_law")
        ]


def test_a_texas_city_states_the_law_and_how_it_complied_with_the_evidence_enclosed(
    db: Database, tmp_path: Path
) -> None:
    city = texas_city(db, tmp_path)
    text = letter_text(db)
    body = body_of(text)
    # Without a question on termination, the state law follows the partnerships in the answer on transparency.
    transparency = body.split("1. Transparency")[1].split("2. Freedom of expression")[0]
    assert REQUIRED in transparency and COMPLIED in transparency
    assert body.count("Tex. Gov't Code ch. 795 (“") == 1
    # A paragraph of its own, right after what the records hold of the partnerships.
    paragraphs = letter_of(db).answers[0].paragraphs
    at = paragraphs.index(f"{REQUIRED} {COMPLIED}")
    assert paragraphs[at - 1].startswith("As of November 28, 2026, the City's records hold 2 partnerships (A1, A2)")
    # The rule is not verified: the letter cites it exactly and says nothing of its verification.
    assert "verified" not in body.lower() and "legal advice" not in body.lower()
    # The three evidence files are enclosed, G1–G3, each with its whole fingerprint.
    appendix_g = text.split("Appendix G. Enclosed documents and their fingerprints")[1]
    unspaced = re.sub(r"\s+", "", appendix_g)
    for number, (_, name, sha256) in zip(("G1", "G2", "G3"), city.evidence.values(), strict=True):
        assert f"{number}{name}" in unspaced
        assert sha256 in unspaced
    assert "Concerns: A2" in appendix_g
    assert "Enclosures (Appendix G): G1, council-resolution-2025-41.pdf; G2, notice-to-shenzhen.pdf" in text


def test_a_missouri_city_gets_no_state_law_sentence(db: Database) -> None:
    missouri_city(db)
    text = letter_text(db)
    assert "Under " not in body_of(text) and "It concerns" not in text
    assert "state law" not in text.lower() and "no law" not in text.lower()
    assert state_law_statements(db) == []


def test_a_texas_partnership_terminated_without_evidence_is_not_said_to_comply(db: Database, tmp_path: Path) -> None:
    texas_city(db, tmp_path, with_evidence=False)
    text = letter_text(db)
    assert REQUIRED in text
    assert "It concerns 1 of the City's partnerships (A2)." in text
    assert (
        "Flagged: Under Tex. Gov't Code ch. 795, the City terminated A2 on September 30, 2025, without evidence of a "
        "council or governing-body resolution, notice to the partner community or notice to the national sister-city "
        "organisation in the records."
    ) in text
    assert "with evidence on record" not in text
    assert "Enclosures: none." in text


def test_an_overdue_partnership_is_flagged_as_overdue(db: Database, tmp_path: Path) -> None:
    city = texas_city(db, tmp_path)
    partnership(db, city.home_id, "Samara", "Russia", "RU", established_on="1992-01-01")
    text = letter_text(db)
    # Samara sorts between Nice (A1) and Shenzhen (A3).
    assert "It concerns 2 of the City's partnerships (A2, A3); the City terminated A3 on September 30, 2025" in text
    assert (
        "Flagged: A2 is overdue under Tex. Gov't Code ch. 795: it is recorded as active on November 28, 2026, and "
        "partnerships had to be terminated by October 1, 2025."
    ) in text
    assert "terminated A2" not in text


def test_what_is_withheld_stays_out_of_the_state_law_sentence(db: Database, tmp_path: Path) -> None:
    city = texas_city(db, tmp_path)
    response_id = responses.create_draft(db)["id"]
    notice_id = city.evidence["notice_national"][0]
    responses.set_withheld(db, response_id, withhold=[f"attachment:{notice_id}"], reason="Under review.")
    text = rendered(db, response_id)
    assert "sister-city organisation (G1, G2; 1 document withheld from this letter)." in text
    assert city.evidence["notice_national"][2] not in re.sub(r"\s+", "", text)
    shenzhen = city.partnership_ids["Shenzhen"]
    responses.set_withheld(db, response_id, withhold=[f"partnership:{shenzhen}"], reason="Under review.")
    text = rendered(db, response_id)
    assert REQUIRED + " It concerns 1 of the City's partnerships, withheld from this letter." in text
    assert "Shenzhen" not in text and "September 30, 2025" not in text


def test_a_letter_dated_before_the_law_took_effect_says_nothing_of_it(db: Database, tmp_path: Path) -> None:
    texas_city(db, tmp_path, with_evidence=False)
    text = letter_text(db, letter_date="2025-08-15")
    assert "Tex. Gov't Code" not in body_of(text)


def test_a_question_on_termination_takes_the_state_law(db: Database, tmp_path: Path) -> None:
    texas_city(db, tmp_path)
    inquiry = create_inquiry(
        db,
        {"subject": "State-law compliance", "from_whom": "State Auditor", "salutation": "Dear Auditor:"},
        [
            {"short_title": "Agreements", "text": "Which agreements are published?", "topics": ["transparency"]},
            {"short_title": "Ended", "text": "Which partnerships have you ended?", "topics": ["termination"]},
        ],
    )
    agreements, ended = letter_of(db, inquiry["id"]).answers
    assert not any("Tex. Gov't Code ch. 795 (" in paragraph for paragraph in agreements.paragraphs)
    # Its own paragraph, right after what the records hold of the partnerships ended.
    at = ended.paragraphs.index(f"{REQUIRED} {COMPLIED}")
    assert ended.paragraphs[at - 1].startswith("Of the 2 partnerships listed in Appendix A, 1 is terminated: A2")


def test_without_a_question_on_termination_or_transparency_it_is_its_own_paragraph(
    db: Database, tmp_path: Path
) -> None:
    texas_city(db, tmp_path)
    inquiry = create_inquiry(
        db,
        {"subject": "Visits", "from_whom": "State Auditor", "salutation": "Dear Auditor:"},
        [{"short_title": "Visits", "text": "Who visited?", "topics": ["visa_programs"]}],
    )
    letter = letter_of(db, inquiry["id"])
    assert f"{REQUIRED} {COMPLIED}" in letter.opening
    assert not any("Tex. Gov't Code" in paragraph for answer in letter.answers for paragraph in answer.paragraphs)


def test_an_evidence_file_in_the_trash_is_evidence_no_longer(db: Database, tmp_path: Path) -> None:
    city = texas_city(db, tmp_path)
    trash_attachment(db, city.evidence["notice_partner"][0])
    letter = letter_of(db)
    text = " ".join(warning for answer in letter.answers for warning in answer.warnings)
    assert (
        "Under Tex. Gov't Code ch. 795, the City terminated A2 on September 30, 2025, with evidence on record "
        "of a council or governing-body resolution and notice to the national sister-city organisation (G1, G2), but "
        "without evidence of notice to the partner community in the records."
    ) in text
    assert city.evidence["notice_partner"][2] not in re.sub(r"\s+", "", text)
