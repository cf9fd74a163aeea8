"""Builds cities whose partnerships a state law reaches: a Texas city that ended one with evidence, a Missouri one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.db.engine import Database
from desktop_app.core.files.attachments import attach_files
from desktop_app.core.laws.termination import check_step, finish, record_step
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from tests.file_samples import text_pdf

TEXAS = "tx-gov-795"
STEPS_DONE = (
    ("resolution", "2025-09-10", "council-resolution-2025-41.pdf"),
    ("notice_partner", "2025-09-15", "notice-to-shenzhen.pdf"),
    ("notice_national", "2025-09-16", "notice-to-sister-cities-international.pdf"),
)
TERMINATED_ON = "2025-09-30"


@dataclass
class LawCity:
    home_id: int
    partnership_ids: dict[str, int] = field(default_factory=dict)  # partner name -> partnership id
    evidence: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # step -> (attachment id, name, sha256)


def partnership(
    db: Database, home_id: int, name: str, country: str, code: str, native: str = "", **values: object
) -> int:
    partner = records.create(
        db, "partner", {"name": name, "native_name": native, "country_name": country, "country_code": code}
    )
    made = records.create(
        db, "partnership", {"jurisdiction_id": home_id, "partner_id": partner["id"], "status": "active", **values}
    )
    return int(made["id"])


def terminate_with_evidence(db: Database, folder: Path, city: LawCity, partnership_id: int) -> None:
    """Every required step dated, each with a small PDF attached to the partnership, then the termination."""
    for step, on, name in STEPS_DONE:
        plan = check_step(db, partnership_id, TEXAS, step, on)
        path = text_pdf(folder / name, [f"{step} of the City of Houston, {on}"])
        stored = attach_files(db, [path], "partnership", partnership_id)[0]
        record_step(db, plan, evidence_attachment_id=int(stored["id"]))
        city.evidence[step] = (int(stored["id"]), name, str(stored["sha256"]))
    finish(db, partnership_id, TEXAS, TERMINATED_ON)


def texas_city(db: Database, folder: Path, *, with_evidence: bool = True, partner_native: str = "深圳") -> LawCity:
    """Houston, TX: Shenzhen (China) terminated under Tex. Gov't Code ch. 795, and Nice (France), which no law reaches.

    Without evidence, Shenzhen is marked terminated by a plain change of status, with no step on record.
    """
    home = set_home_jurisdiction(db, "Houston", "TX", {"signatory_name": "A Clerk", "signatory_title": "City Clerk"})
    city = LawCity(home_id=int(home["id"]))
    city.partnership_ids["Nice"] = partnership(db, city.home_id, "Nice", "France", "FR", established_on="1973-05-01")
    shenzhen = partnership(db, city.home_id, "Shenzhen", "China", "CN", partner_native, established_on="1986-03-12")
    city.partnership_ids["Shenzhen"] = shenzhen
    if with_evidence:
        terminate_with_evidence(db, folder, city, shenzhen)
    else:
        records.change_status(db, shenzhen, "terminated", changed_on=TERMINATED_ON, reason="Council vote")
    return city


def missouri_city(db: Database) -> LawCity:
    """Kansas City, MO, with a partnership in China: no state-law rule is recorded for Missouri."""
    home = set_home_jurisdiction(db, "Kansas City", "MO", {"signatory_name": "A Clerk", "signatory_title": "Clerk"})
    city = LawCity(home_id=int(home["id"]))
    city.partnership_ids["Xi'an"] = partnership(db, city.home_id, "Xi'an", "China", "CN", established_on="1989-01-01")
    return city
