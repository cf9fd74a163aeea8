"""The state-law compliance report: each rule that reaches a partnership, then each partnership, from the records."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..clock import today
from ..db import models
from ..db.engine import Database
from ..host.user_files import writable_file, write_whole
from ..records.parties import home_jurisdiction_in
from ..reports.dates import date_style_in, long_date
from ..reports.pdf_finish import finish_pdf, open_pdf
from ..reports.wording import letterhead_title, state_name
from .rules import LawRule, rules_for_state, rules_in
from .screening import NEEDS_ACTION, Evidence, Screening, screen_in

# The order partnerships are listed in: what needs the clerk first.
RESULT_ORDER = (*NEEDS_ACTION, "no_new_allowed", "clauses_clear", "complied")


@dataclass(frozen=True)
class RuleSection:
    """A rule and how many of the partnerships covered it reaches."""

    rule: LawRule
    reached: int


@dataclass(frozen=True)
class Finding:
    """What one rule says of one partnership, with the steps of its termination the records hold."""

    screening: Screening
    steps: tuple[Evidence, ...]  # every step on record as of the date, with or without a file
    missing: tuple[str, ...]  # labels of the required steps with no evidence file
    terminate_existing: bool


@dataclass(frozen=True)
class PartnershipSection:
    partnership_id: int
    label: str  # "Houston, TX – Shenzhen, China"
    native: str  # the partner's name in its own script, if recorded
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ComplianceReport:
    """Everything the report prints, as plain data."""

    as_of: dt.date
    date_style: str
    place: str  # "Houston, Texas", or empty without a home jurisdiction
    author: str  # "City of Houston"
    home_state: str  # "TX", or empty without a home jurisdiction
    screened: int
    reached: int
    needing_action: int
    overdue: int
    complied: int
    rules: tuple[RuleSection, ...]
    idle_rules: tuple[LawRule, ...]  # rules of the home state that reach none of its partnerships
    partnerships: tuple[PartnershipSection, ...]

    def date(self, value: dt.date | None) -> str:
        return long_date(value, self.date_style) if value else "–"


def compliance_in(session: Session, as_of: dt.date) -> ComplianceReport:
    """The home jurisdiction's partnerships (all partnerships without one) screened as of a date, rule by rule."""
    home = home_jurisdiction_in(session)
    screenings = screen_in(session, as_of)
    if home is not None:
        ids = set(
            session.scalars(
                select(models.Partnership.id).where(
                    models.Partnership.jurisdiction_id == home.id, models.Partnership.deleted_at.is_(None)
                )
            )
        )
        screenings = [s for s in screenings if s.partnership_id in ids]
    rules = {rule.id: rule for rule in rules_in(session)}
    reaching = [s for s in screenings if s.reached and s.rule_id in rules]
    by_partnership: dict[int, list[Screening]] = {}
    for screening in reaching:
        by_partnership.setdefault(screening.partnership_id, []).append(screening)
    native = _native_names(session, list(by_partnership))
    sections = []
    for partnership_id, found in by_partnership.items():
        findings = tuple(_finding(s, rules[s.rule_id]) for s in found)
        sections.append(
            PartnershipSection(partnership_id, found[0].partnership, native.get(partnership_id, ""), findings)
        )
    sections.sort(key=lambda p: (min(RESULT_ORDER.index(f.screening.result) for f in p.findings), p.label))
    reached_by_rule = {rule_id: len({s.partnership_id for s in reaching if s.rule_id == rule_id}) for rule_id in rules}
    reached_rules = [RuleSection(rules[rule_id], n) for rule_id, n in reached_by_rule.items() if n]
    reached_rules.sort(key=lambda section: (section.rule.state, section.rule.citation))
    idle: list[LawRule] = []
    if home is not None:
        idle = [rule for rule in rules_for_state(list(rules.values()), home.state) if not reached_by_rule[rule.id]]
    kind = vocab.label(vocab.JURISDICTION_KINDS, home.kind) if home is not None else ""
    return ComplianceReport(
        as_of=as_of,
        date_style=date_style_in(session),
        place=(f"{home.name}, {state_name(home.state)}" if home.state else home.name) if home is not None else "",
        author=letterhead_title(home, kind) if home is not None else "Sister City Records",
        home_state=home.state if home is not None else "",
        screened=len({s.partnership_id for s in screenings}),
        reached=len(sections),
        needing_action=sum(1 for p in sections if any(f.screening.needs_action for f in p.findings)),
        overdue=sum(1 for p in sections if any(f.screening.result == "overdue" for f in p.findings)),
        complied=sum(1 for p in sections if all(f.screening.result == "complied" for f in p.findings)),
        rules=tuple(reached_rules),
        idle_rules=tuple(idle),
        partnerships=tuple(sections),
    )


def _finding(screening: Screening, rule: LawRule) -> Finding:
    """The screening with the steps of a termination on record and those still lacking their file."""
    if not rule.terminate_existing:
        return Finding(screening, (), (), False)
    return Finding(screening, screening.evidence, screening.missing, True)


def _native_names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(models.Partnership.id, models.Partner.native_name)
        .join(models.Partner, models.Partner.id == models.Partnership.partner_id)
        .where(models.Partnership.id.in_(ids))
    )
    return {partnership_id: (name or "").strip() for partnership_id, name in rows if (name or "").strip()}


def write_compliance_report(db: Database, out_path: Path, as_of: dt.date | None = None) -> dict[str, Any]:
    """Writes the report as a PDF, whole or not at all; the same records and date give the same bytes."""
    from .report_layout import render_report  # ReportLab is loaded only when a report is made

    destination = writable_file(Path(out_path), "compliance-report.pdf")
    day = as_of or today()
    with db.reading() as session:
        report = compliance_in(session, day)
    data = finish_pdf(
        render_report(report),
        title=f"State-law compliance report as of {report.date(day)}",
        author=report.author,
        subject="Partnerships screened against state laws on sister-city partnerships with foreign adversaries",
        keywords="sister-city partnerships; state law; foreign adversaries; compliance",
        created=dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC),
    )
    with open_pdf(data) as document:
        pages = len(document.pages)
    write_whole(destination, data, example="compliance-report.pdf", what="The report")
    return {
        "path": str(destination),
        "pages": pages,
        "sha256": hashlib.sha256(data).hexdigest(),
        "as_of": day,
        "screened": report.screened,
        "reached": report.reached,
        "needing_action": report.needing_action,
        "overdue": report.overdue,
        "complied": report.complied,
    }
