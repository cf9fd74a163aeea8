"""The response letter as PDF: every question answered from the records, counts, pages, fonts, determinism."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records
from desktop_app.core.records.inquiries import BLACKBURN_HAWLEY_QUESTIONS, create_inquiry
from desktop_app.core.reports import responses

from .report_records import PARTICIPANT_NAMES, attach, build_city

LETTER_DATE = "2026-11-28"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", LETTER_DATE)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(data: bytes) -> tuple[list[str], str]:
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    return pages, flat(" ".join(pages))


def draft_pdf(db: Database, inquiry_id: int | None = None) -> tuple[int, bytes]:
    response_id = responses.create_draft(db, inquiry_id)["id"]
    return response_id, responses.render_pdf(db, response_id)


def test_the_letter_answers_every_question_with_the_records(db: Database) -> None:
    city = build_city(db)
    _, data = draft_pdf(db)
    pages, text = pdf_text(data)
    for _, question, _ in BLACKBURN_HAWLEY_QUESTIONS:
        assert flat(question) in text
    assert "The Honorable Marsha Blackburn" in text and "The Honorable Josh Hawley" in text
    assert "Washington, DC 20510" in text
    assert "Dear Senator Blackburn and Senator Hawley:" in text
    assert "November 28, 2026" in text
    assert "357 Dirksen Senate Office Building" in text and "212 Russell Senate Office Building" in text
    assert "addressed to The Honorable Greg Fischer, President, The United States Conference of Mayors" in text
    assert "City of Columbus" in text
    # Every status counted, every number with the items behind it.
    assert "the City's records hold 1 partnership (A1); it is suspended." in text
    assert "The records hold 1 agreement under these partnerships (B1); it is recorded as published" in text
    assert "2 oversight actions concerning espionage or economic coercion are recorded (D1, D2)" in text
    assert "Flagged: 1 follow-up on these topics is overdue (D2)." in text
    assert "Open, due Jun 1, 2026 OVERDUE" in text
    assert "The records hold 3 participants in partnership activities." in text
    # Evidence, each item once, in its appendix: policies, oversight actions, clauses, publication, counts.
    assert text.count("Public posting of sister-city agreements") == 1
    assert "Code of conduct for exchange delegations" in text
    assert "Annual review" in text and "Security consultation" in text and "Program-wide" in text
    assert "Termination clause (6 months notice)" in text
    assert "Published Jan 15, 2021" in text
    assert "J-1 exchange visitor fewer than 3 of 3" in text
    # Chinese names come back out of the text layer.
    assert "合肥" in text
    # Where a kind of evidence is missing, the letter says so with the date.
    assert "The City's records hold no oversight actions concerning transparency as of November 28, 2026." in text
    # Appendix G lists the agreement's document with its fingerprint.
    assert city.agreement_sha256 in text.replace(" ", "")
    assert "agreement-hefei.pdf" in text
    # The suspension's legal basis, and its evidence among the enclosures.
    assert "Suspended since Jul 1, 2024 (Res. 12-2024)" in text
    assert "council-resolution-12-2024.pdf" in text
    assert "Pat Example" in text and "City Clerk" in text
    assert "cc: The President, The United States Conference of Mayors" in text
    assert "DRAFT, not issued" in pages[0]


def test_nothing_held_is_said_plainly_for_each_question(db: Database) -> None:
    build_city(db, with_evidence=False)
    _, data = draft_pdf(db)
    _, text = pdf_text(data)
    for sentence in (
        "The City's records hold no agreements as of November 28, 2026.",
        "The City's records hold no policies concerning transparency as of November 28, 2026.",
        "The City's records hold no oversight actions concerning visa programs as of November 28, 2026.",
        "The City's records hold no participants in partnership activities as of November 28, 2026.",
        "No documents are enclosed with this letter.",
    ):
        assert sentence in text
    # Each is said once, where it is first asked, not repeated under every question.
    body = text.split("Appendix A. Partnerships on record")[0]
    assert body.count("The City's records hold no agreements as of") == 1


def test_every_page_says_page_n_of_m_with_the_jurisdiction(db: Database) -> None:
    build_city(db, extra_partnerships=39)
    _, data = draft_pdf(db)
    pages, text = pdf_text(data)
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Columbus, Ohio" in flat(page)
        assert "Response to the letter of October 8, 2020" in flat(page)
    assert "Longnamed District Number 39" in text
    # The long inventory splits across pages and repeats its header row on each.
    with_header = [page for page in pages if "No. Partner Status Established Last reviewed" in flat(page)]
    assert len(with_header) >= 2


def test_no_participant_name_appears_anywhere(db: Database) -> None:
    build_city(db)
    _, data = draft_pdf(db)
    _, text = pdf_text(data)
    reader = PdfReader(io.BytesIO(data))
    streams = b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]
    for name in PARTICIPANT_NAMES:
        for part in (name, name.split()[1]):  # the whole name, and its unmistakable part
            assert part not in text
            assert part.encode() not in data
            assert part.encode() not in streams


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    fonts = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            fonts.append(font.get_object())
    return fonts


def test_every_font_is_embedded(db: Database, tmp_path: Path) -> None:
    build_city(db, logo=True)
    _, data = draft_pdf(db)
    reader = PdfReader(io.BytesIO(data))
    fonts = _fonts(reader)
    names = {str(font["/BaseFont"]) for font in fonts}
    assert any("DroidSansFallback" in name for name in names), names
    for font in fonts:
        assert "Helvetica" not in str(font["/BaseFont"])
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    if shutil.which("pdffonts") is None:
        return
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_pdftotext_gets_the_chinese_back(db: Database, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed here")
    build_city(db)
    _, data = draft_pdf(db)
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hefei" in text and "合肥" in text


def test_the_conference_is_addressed_when_chosen(db: Database) -> None:
    build_city(db)
    response_id, data = draft_pdf(db)
    assert "1620 Eye Street NW" not in pdf_text(data)[1]
    responses.set_letter(db, response_id, {"include_optional_recipients": True})
    _, text = pdf_text(responses.render_pdf(db, response_id))
    assert "The United States Conference of Mayors" in text and "1620 Eye Street NW" in text
    assert "cc:" not in text


def test_narrative_markup_and_control_characters_are_shown_as_text(db: Database) -> None:
    build_city(db)
    response_id = responses.create_draft(db)["id"]
    first = responses.get_response(db, response_id)["answers"][0]["question_id"]
    narrative = "A <b>bold</b> & <para>claim</para>\x00\x1b with {{braces}}\n\nSecond paragraph of {jurisdiction_name}."
    responses.set_answer(db, response_id, first, narrative=narrative)
    _, text = pdf_text(responses.render_pdf(db, response_id))
    assert "A <b>bold</b> & <para>claim</para> with {braces}" in text
    assert "Second paragraph of Columbus, Ohio." in text


def test_a_logo_that_is_not_an_image_gets_a_sentence(db: Database) -> None:
    city = build_city(db)
    attachment_id, _ = attach(db, b"not an image at all", "seal.png", "jurisdiction", city.home_id, "image/png")
    records.update(db, "jurisdiction", city.home_id, {"logo_attachment_id": attachment_id})
    response_id = responses.create_draft(db)["id"]
    with pytest.raises(UserError, match="PNG or JPEG"):
        responses.render_pdf(db, response_id)


def test_two_runs_give_the_same_bytes(db: Database) -> None:
    build_city(db, logo=True)
    response_id, first = draft_pdf(db)
    assert responses.render_pdf(db, response_id) == first


def test_qpdf_finds_the_file_sound(db: Database) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed here")
    build_city(db, extra_partnerships=5, logo=True)
    _, data = draft_pdf(db)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        path.write_bytes(data)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_seal_is_drawn_when_one_is_stored(db: Database) -> None:
    build_city(db, logo=True)
    _, data = draft_pdf(db)
    first_page: Any = PdfReader(io.BytesIO(data)).pages[0]
    xobjects = first_page["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())


def test_evidence_withheld_does_not_appear_and_is_declared(db: Database) -> None:
    city = build_city(db)
    response_id = responses.create_draft(db)["id"]
    agreement_ref = f"agreement:{city.agreement_id}"
    responses.set_withheld(db, response_id, withhold=[agreement_ref], reason="It is under legal review")
    catalogue = responses.evidence(db, response_id)
    flags = [item["excluded"] for q in catalogue for item in q["items"] if item["ref"] == agreement_ref]
    assert flags and all(flags)
    _, text = pdf_text(responses.render_pdf(db, response_id))
    assert "Sister City Agreement between Columbus and Hefei" not in text
    assert "agreement-hefei.pdf" not in text and city.agreement_sha256 not in text.replace(" ", "")
    assert "council-resolution-12-2024.pdf" in text
    assert "1 item (1 agreement) is withheld from this letter: It is under legal review." in text
    assert "The City's records hold 1 agreement as of November 28, 2026; it is withheld from this letter." in text
    assert "hold no agreements" not in text  # withheld is not the same as not held


def test_visa_counts_can_be_withheld(db: Database) -> None:
    build_city(db)
    response_id = responses.create_draft(db)["id"]
    responses.set_withheld(db, response_id, withhold=["counts:participants"], reason="Too few to publish")
    _, text = pdf_text(responses.render_pdf(db, response_id))
    assert "The counts of participants are withheld from this letter" in text
    assert "J-1 exchange visitor" not in text
    assert "1 item (1 table of participant counts) is withheld from this letter: Too few to publish." in text


def test_another_inquiry_is_answered_the_same_way(db: Database) -> None:
    build_city(db)
    inquiry = create_inquiry(
        db,
        {
            "subject": "Council member's questions on exchanges",
            "from_whom": "Council Member for District 3\nCity Hall\nColumbus, OH 43215",
            "salutation": "Dear Council Member:",
        },
        [
            {
                "short_title": "Published agreements",
                "text": "Which agreements are published?",
                "topics": ["transparency"],
            },
            {"short_title": "Visits", "text": "Who visited under the programme?", "topics": ["visa_programs"]},
        ],
    )
    _, data = draft_pdf(db, inquiry["id"])
    _, text = pdf_text(data)
    assert "Which agreements are published?" in text and "Who visited under the programme?" in text
    assert "Dear Council Member:" in text and "Council Member for District 3" in text
    assert "The records hold 1 agreement under these partnerships (B1); it is recorded as published" in text
    assert "The records hold 3 participants in partnership activities." in text
    assert "answers your letter concerning council member's questions on exchanges." in text
    for name in PARTICIPANT_NAMES:
        assert name.split()[1] not in text
