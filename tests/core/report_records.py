"""Builds a city's records for the response-letter tests: partnerships, an agreement with its PDF, evidence."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.db.engine import Database
from desktop_app.core.files.store import add_attachment_in, link_in, store_bytes
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction

PARTICIPANT_NAMES = ("Zhang Weiminghidden", "Li Xiaoqinsecret", "Wang Fangprivate")


@dataclass
class CityRecords:
    home_id: int
    partnership_ids: list[int] = field(default_factory=list)
    agreement_id: int | None = None
    agreement_sha256: str = ""
    policy_ids: list[int] = field(default_factory=list)
    oversight_ids: list[int] = field(default_factory=list)


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF holding a line of text, made with ReportLab."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def tiny_png() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (120, 120), (30, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def attach(db: Database, data: bytes, name: str, kind: str, record_id: int, media_type: str) -> tuple[int, str]:
    with db.writing() as session:
        sha256, size = store_bytes(session, data)
        attachment = add_attachment_in(
            session, sha256=sha256, size=size, original_name=name, title=name, media_type=media_type, actor="clerk"
        )
        link_in(session, attachment.id, kind, record_id, "clerk")
        return attachment.id, sha256


def store_only(db: Database, data: bytes, name: str) -> int:
    """An attachment linked to no record (as the evidence of a status change is)."""
    with db.writing() as session:
        sha256, size = store_bytes(session, data)
        attachment = add_attachment_in(
            session, sha256=sha256, size=size, original_name=name, title=name, media_type="application/pdf", actor="c"
        )
        return int(attachment.id)


def _partner(db: Database, name: str, native: str, region: str) -> dict[str, Any]:
    return records.create(
        db,
        "partner",
        {"name": name, "native_name": native, "region": region, "country_name": "China", "country_code": "CN"},
    )


def build_city(
    db: Database, *, extra_partnerships: int = 0, with_evidence: bool = True, logo: bool = False
) -> CityRecords:
    """Columbus, OH with Hefei (合肥) and, optionally, many more partnerships and evidence for every question."""
    home = set_home_jurisdiction(
        db,
        "Columbus",
        "OH",
        {
            "signatory_name": "Pat Example",
            "signatory_title": "City Clerk",
            "postal_address": "90 West Broad Street\nColumbus, OH 43215",
            "phone": "(614) 555-0100",
        },
    )
    city = CityRecords(home_id=home["id"])
    hefei = _partner(db, "Hefei", "合肥", "Anhui")
    first = records.create(
        db,
        "partnership",
        {
            "jurisdiction_id": home["id"],
            "partner_id": hefei["id"],
            "status": "active",
            "established_on": "1988-06-01",
            "last_reviewed_on": "2025-02-10",
        },
    )
    city.partnership_ids.append(first["id"])
    for number in range(extra_partnerships):
        partner = _partner(
            db,
            f"Xinjiangweiwuerzizhiqu Longnamed District Number {number + 1}",
            "乌鲁木齐市沙依巴克区第" + str(number + 1) + "街道",
            "Xinjiang Uyghur Autonomous Region",
        )
        created = records.create(
            db,
            "partnership",
            {
                "jurisdiction_id": home["id"],
                "partner_id": partner["id"],
                "kind": "friendship_city" if number % 3 else "sister_city",
                "status": "active" if number % 4 else "proposed",
                "established_year": 1990 + number % 30,
            },
        )
        city.partnership_ids.append(created["id"])
    if logo:
        attachment_id, _ = attach(db, tiny_png(), "seal.png", "jurisdiction", home["id"], "image/png")
        records.update(db, "jurisdiction", home["id"], {"logo_attachment_id": attachment_id})
    if with_evidence:
        resolution = store_only(db, tiny_pdf("Resolution 12-2024"), "council-resolution-12-2024.pdf")
        records.change_status(
            db,
            first["id"],
            "suspended",
            changed_on="2024-07-01",
            reason="Council review",
            legal_basis="Res. 12-2024",
            evidence_attachment_id=resolution,
        )
        _evidence(db, city, first["id"])
    return city


def _evidence(db: Database, city: CityRecords, partnership_id: int) -> None:
    agreement = records.create(
        db,
        "agreement",
        {
            "partnership_id": partnership_id,
            "title": "Sister City Agreement between Columbus and Hefei",
            "signed_on": "1988-06-01",
            "has_termination_clause": True,
            "notice_period": "6 months",
            "published_on": "2021-01-15",
            "public_url": "https://www.columbus.gov/sister-cities/hefei",
            "topics": "transparency",
        },
    )
    city.agreement_id = agreement["id"]
    _, city.agreement_sha256 = attach(
        db,
        tiny_pdf("Sister City Agreement, Columbus and Hefei"),
        "agreement-hefei.pdf",
        "agreement",
        agreement["id"],
        "application/pdf",
    )
    for values in (
        {
            "kind": "council_policy",
            "title": "Public posting of sister-city agreements",
            "adopted_on": "2021-01-05",
            "reference_number": "CP-2021-3",
            "summary": "Every agreement is posted on the City's website within 30 days of signature.",
            "topics": "transparency",
        },
        {
            "kind": "code_of_conduct",
            "title": "Code of conduct for exchange delegations",
            "adopted_on": "2022-03-01",
            "summary": "Delegation members report gifts and any request for information.",
            "topics": "espionage economic_coercion visa_programs",
        },
    ):
        city.policy_ids.append(records.create(db, "policy", values)["id"])
    for values in (
        {
            "kind": "annual_review",
            "action_on": "2025-02-10",
            "partnership_id": partnership_id,
            "topics": "espionage economic_coercion",
            "finding": "No agreement clause restricts the City; no funding from the partner.",
            "status": "closed",
        },
        {
            "kind": "security_consultation",
            "action_on": "2025-06-02",
            "topics": "espionage",
            "finding": "Briefing by the regional federal liaison.",
            "risk_level": "low",
            "status": "open",
            "due_on": "2026-06-01",
        },
    ):
        city.oversight_ids.append(records.create(db, "oversight", values)["id"])
    activity = records.create(
        db,
        "activity",
        {
            "partnership_id": partnership_id,
            "kind": "inbound_delegation",
            "title": "Hefei education delegation",
            "starts_on": "2025-04-10",
            "participant_count": 3,
        },
    )
    for name, visa, sponsor, steps in zip(
        PARTICIPANT_NAMES,
        ("j1", "j1", "b1_b2"),
        ("Ohio State University", "Ohio State University", ""),
        ("identity_checked sponsor_confirmed", "identity_checked", ""),
        strict=True,
    ):
        records.create(
            db,
            "participant",
            {
                "activity_id": activity["id"],
                "name": name,
                "visa_category": visa,
                "program_sponsor": sponsor,
                "vetting_steps": steps,
            },
        )
