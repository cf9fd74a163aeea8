"""Screening: every partnership checked against its state's rules as of a date, with the reason and what is missing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..clock import today
from ..db import models
from ..db.engine import Database
from ..reports.dates import long_date
from .overview import RecordedStep, recorded_steps
from .rules import CLAUSE_LABELS, LawRule, rules_for_state, rules_in
from .steps import required_steps, step_label

RESULTS: dict[str, str] = {
    "action_needed": "Action needed",
    "overdue": "Overdue",
    "evidence_missing": "Terminated, evidence missing",
    "clause_review": "Clause conditions to review",
    "no_new_allowed": "No new agreement or renewal allowed",
    "complied": "Complied",
    "clauses_clear": "No listed clause found",
    "not_yet": "Law not in force yet",
    "not_reached": "Not reached",
}
NEEDS_ACTION = ("overdue", "action_needed", "evidence_missing", "clause_review")
NEW_AGREEMENT_KINDS = ("agreement", "mou")
RENEWAL_KINDS = ("renewal", "amendment")


Evidence = RecordedStep  # a step of a termination as the records hold it, with its file


@dataclass(frozen=True)
class Screening:
    """What one rule says of one partnership on one date."""

    partnership_id: int
    partnership: str  # "Houston, TX – Shenzhen, China"
    state: str
    status_on: str  # the partnership's status on the date screened
    result: str
    reason: str
    rule_id: str = ""
    citation: str = ""
    deadline: dt.date | None = None
    terminated_on: dt.date | None = None
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()  # labels of the required termination steps with no evidence file yet
    agreements: tuple[int, ...] = ()  # the agreements the reason names
    rule_verified: bool = True

    @property
    def result_label(self) -> str:
        return RESULTS[self.result]

    @property
    def needs_action(self) -> bool:
        return self.result in NEEDS_ACTION

    @property
    def reached(self) -> bool:
        return self.result not in ("not_reached", "not_yet")


@dataclass
class _Partnership:
    """What screening reads of one partnership: its two sides, its history, agreements, gifts and steps."""

    id: int
    kind: str
    status: str
    established_on: dt.date | None
    label: str
    state: str
    jurisdiction_kind: str
    country_code: str
    country_name: str
    changes: list[models.StatusChange] = field(default_factory=list)
    agreements: list[models.Agreement] = field(default_factory=list)
    steps: dict[str, Evidence] = field(default_factory=dict)
    holds_gifts: bool = False


def partnership_label(row: models.Partnership) -> str:
    """ "Houston, TX – Shenzhen, China" for a partnership record."""
    return _label(row.jurisdiction.name, row.jurisdiction.state, row.partner.name, row.partner.country_name)


def _label(city: str, state: str, partner: str, country: str) -> str:
    return f"{city}{f', {state}' if state else ''} – {partner}{f', {country}' if country else ''}"


def screen(db: Database, as_of: dt.date | None = None, partnership_id: int | None = None) -> list[Screening]:
    """Every partnership (or one), screened against every rule of its state in force here, as of a date."""
    with db.reading() as session:
        return screen_in(session, as_of or today(), partnership_id)


def screen_in(
    session: Session, as_of: dt.date, partnership_id: int | None = None, *, jurisdiction_id: int | None = None
) -> list[Screening]:
    """Every partnership (or one, or those of one jurisdiction) screened as ``screen`` screens them."""
    rules = [rule for rule in rules_in(session) if rule.in_force_here]
    gathered = _gather(session, partnership_id, jurisdiction_id, sorted({rule.state for rule in rules}))
    results: list[Screening] = []
    now = today()
    for item in gathered.values():
        applicable = rules_for_state(rules, item.state)
        if not applicable:
            where = item.state or "the jurisdiction's state (none recorded)"
            results.append(_plain(item, "not_reached", f"No state-law rule is recorded for {where}."))
            continue
        for rule in applicable:
            results.append(_screen_one(item, rule, as_of, now))
    return results


def _gather(
    session: Session, partnership_id: int | None, jurisdiction_id: int | None, rule_states: list[str]
) -> dict[int, _Partnership]:
    """One read of what screening needs (of one partnership, or those of one jurisdiction, when given); the details
    only for partnerships in states that have rules."""
    p, j, o = models.Partnership, models.Jurisdiction, models.Partner
    query = (
        select(
            p.id, p.kind, p.status, p.established_on, j.name, j.state, j.kind, o.name, o.country_code, o.country_name
        )
        .join(j, j.id == p.jurisdiction_id)
        .join(o, o.id == p.partner_id)
        .where(p.deleted_at.is_(None))
        .order_by(p.id)
    )
    if partnership_id is not None:
        query = query.where(p.id == partnership_id)
    if jurisdiction_id is not None:
        query = query.where(p.jurisdiction_id == jurisdiction_id)
    found: dict[int, _Partnership] = {}
    for pid, kind, status, established, city, state, j_kind, partner, code, country in session.execute(query):
        label = _label(city, state, partner, country)
        found[pid] = _Partnership(pid, kind, status, established, label, state, j_kind, code, country)
    in_scope = select(p.id).join(j, j.id == p.jurisdiction_id).where(p.deleted_at.is_(None), j.state.in_(rule_states))
    if partnership_id is not None:
        in_scope = in_scope.where(p.id == partnership_id)
    if jurisdiction_id is not None:
        in_scope = in_scope.where(p.jurisdiction_id == jurisdiction_id)
    if not found or not rule_states:
        return found
    for change in session.scalars(
        select(models.StatusChange)
        .where(models.StatusChange.partnership_id.in_(in_scope))
        .order_by(models.StatusChange.changed_on, models.StatusChange.id)
    ):
        found[change.partnership_id].changes.append(change)
    for agreement in session.scalars(
        select(models.Agreement)
        .where(models.Agreement.deleted_at.is_(None), models.Agreement.partnership_id.in_(in_scope))
        .order_by(models.Agreement.id)
    ):
        found[agreement.partnership_id].agreements.append(agreement)
    for owner in session.scalars(
        select(models.Activity.partnership_id)
        .where(
            models.Activity.deleted_at.is_(None),
            models.Activity.gifts_received != "",
            models.Activity.partnership_id.in_(in_scope),
        )
        .distinct()
    ):
        found[owner].holds_gifts = True
    for pid, steps in recorded_steps(session, models.TerminationStep.partnership_id.in_(in_scope)).items():
        found[pid].steps = {step.step: step for step in steps}
    return found


def status_on(item: _Partnership, as_of: dt.date, now: dt.date) -> tuple[str, dt.date | None]:
    """The status on a date and, when it is "terminated" by a dated change, the date of that change.

    The status a partnership was entered with describes it from before the records began, so it is the starting
    point whatever date it was entered on; later changes apply on their own dates.
    """
    later = [change for change in item.changes if change.from_status is not None]
    if as_of >= now or not later:
        status = item.status
        dated = [c for c in later if c.to_status == status and c.changed_on <= as_of]
        return status, dated[-1].changed_on if dated else None
    initial = [change for change in item.changes if change.from_status is None]
    status = initial[0].to_status if initial else later[0].from_status or item.status
    since: dt.date | None = None
    for change in later:
        if change.changed_on <= as_of:
            status, since = change.to_status, change.changed_on
    return status, since


def _plain(item: _Partnership, result: str, reason: str, rule: LawRule | None = None, **more: object) -> Screening:
    return Screening(
        partnership_id=item.id,
        partnership=item.label,
        state=item.state,
        status_on=str(more.pop("status_on", item.status)),
        result=result,
        reason=reason,
        rule_id=rule.id if rule else "",
        citation=rule.citation if rule else "",
        rule_verified=rule.verified if rule else True,
        **more,  # type: ignore[arg-type]
    )


def _screen_one(item: _Partnership, rule: LawRule, as_of: dt.date, now: dt.date) -> Screening:
    cite = rule.citation
    if item.jurisdiction_kind not in rule.binds:
        kinds = vocab.label(vocab.JURISDICTION_KINDS, item.jurisdiction_kind).lower()
        return _plain(item, "not_reached", f"{cite} does not bind a {kinds}.", rule)
    if item.kind not in rule.reaches:
        kind = vocab.label(vocab.PARTNERSHIP_KINDS, item.kind).lower()
        return _plain(item, "not_reached", f"{cite} does not reach a {kind} partnership.", rule)
    country = rule.country_for(item.country_code, item.country_name)
    if country is None:
        named = item.country_name or item.country_code or "the partner's country (none recorded)"
        return _plain(item, "not_reached", f"{cite} does not list {named}.", rule)
    if rule.effective and as_of < rule.effective:
        return _plain(item, "not_yet", f"{cite} takes effect on {long_date(rule.effective)}.", rule)
    if rule.expires and as_of >= rule.expires:
        return _plain(item, "not_reached", f"{cite} expired on {long_date(rule.expires)}.", rule)
    status, since = status_on(item, as_of, now)
    listed = f"{cite}: {country.name} is listed"
    if status == "terminated":
        return _terminated(item, rule, as_of, since, listed)
    state_word = vocab.label(vocab.PARTNERSHIP_STATUSES, status).lower()
    not_ended = f"; the partnership is {state_word}" + (
        ", which is not terminated" if status in ("suspended", "dormant") else ""
    )
    if rule.terminate_existing:
        evidence, missing = _steps_so_far(item, as_of)
        if rule.deadline is None:
            return _plain(
                item,
                "action_needed",
                f"{listed}; existing partnerships must be terminated (the law sets no deadline){not_ended}.",
                rule,
                status_on=status,
                evidence=evidence,
                missing=missing,
            )
        when = long_date(rule.deadline)
        if as_of <= rule.deadline:
            return _plain(
                item,
                "action_needed",
                f"{listed}; partnerships must be terminated by {when}{not_ended}.",
                rule,
                status_on=status,
                deadline=rule.deadline,
                evidence=evidence,
                missing=missing,
            )
        return _plain(
            item,
            "overdue",
            f"{listed}; partnerships had to be terminated by {when}{not_ended}.",
            rule,
            status_on=status,
            deadline=rule.deadline,
            evidence=evidence,
            missing=missing,
        )
    made_after = _made_after_effect(item, rule)
    if made_after:
        what, agreement_ids = made_after
        return _plain(
            item,
            "action_needed",
            f"{listed}; {what}, after the law took effect on {long_date(rule.effective)}.",
            rule,
            status_on=status,
            agreements=agreement_ids,
        )
    if rule.no_new and status == "proposed":
        return _plain(
            item, "action_needed", f"{listed}; a proposed partnership may not be established.", rule, status_on=status
        )
    if rule.clause_conditions:
        return _clauses(item, rule, listed, status)
    forbidden = " or ".join(word for word, on in (("new agreement", rule.no_new), ("renewal", rule.no_renewal)) if on)
    return _plain(
        item,
        "no_new_allowed",
        f"{listed}; no {forbidden} may be made with this partner{not_ended}.",
        rule,
        status_on=status,
    )


def _terminated(item: _Partnership, rule: LawRule, as_of: dt.date, since: dt.date | None, listed: str) -> Screening:
    cite = rule.citation
    if since is not None and rule.effective and since < rule.effective:
        return _plain(
            item,
            "not_reached",
            f"The partnership ended on {long_date(since)}, before {cite} took effect.",
            rule,
            status_on="terminated",
            terminated_on=since,
        )
    ended = (
        f"terminated on {long_date(since)}" if since else "recorded as terminated (the date it ended is not recorded)"
    )
    if not rule.terminate_existing:
        return _plain(
            item,
            "complied",
            f"{listed}; the partnership is {ended}.",
            rule,
            status_on="terminated",
            terminated_on=since,
        )
    evidence, missing = _steps_so_far(item, as_of)
    late = ""
    if since and rule.deadline and since > rule.deadline:
        late = f", after the deadline of {long_date(rule.deadline)}"
    if missing:
        return _plain(
            item,
            "evidence_missing",
            f"{listed}; the partnership is {ended}{late}, but the records hold no evidence of "
            f"{_joined(missing).lower()}.",
            rule,
            status_on="terminated",
            terminated_on=since,
            evidence=evidence,
            missing=missing,
            deadline=rule.deadline,
        )
    return _plain(
        item,
        "complied",
        f"{listed}; the partnership was {ended}{late}, with evidence of every required step.",
        rule,
        status_on="terminated",
        terminated_on=since,
        evidence=evidence,
        deadline=rule.deadline,
    )


def _steps_so_far(item: _Partnership, as_of: dt.date) -> tuple[tuple[Evidence, ...], tuple[str, ...]]:
    """The termination steps done by the date, and the labels of the required ones still without a file."""
    evidence = tuple(step for step in item.steps.values() if step.done_on <= as_of)
    with_file = {step.step for step in evidence if step.attachment_id is not None}
    return evidence, tuple(step_label(step) for step in required_steps(item.holds_gifts) if step not in with_file)


def _made_after_effect(item: _Partnership, rule: LawRule) -> tuple[str, tuple[int, ...]] | None:
    """A partnership established, or an agreement or renewal signed, on or after the day the law took effect."""
    if rule.effective is None:
        return None
    if rule.no_new and item.established_on and item.established_on >= rule.effective:
        return f"the partnership was established on {long_date(item.established_on)}", ()
    kinds = (NEW_AGREEMENT_KINDS if rule.no_new else ()) + (RENEWAL_KINDS if rule.no_renewal else ())
    late = [a for a in item.agreements if a.kind in kinds and a.signed_on and a.signed_on >= rule.effective]
    if not late:
        return None
    first = late[0]
    kind = vocab.label(vocab.AGREEMENT_KINDS, first.kind).lower()
    more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
    return f"{kind} “{first.title}” was signed on {long_date(first.signed_on)}{more}", tuple(a.id for a in late)


def _clauses(item: _Partnership, rule: LawRule, listed: str, status: str) -> Screening:
    flagged: list[tuple[models.Agreement, list[str]]] = []
    for agreement in item.agreements:
        clauses = [name for name in rule.clause_conditions if _has_clause(agreement, name)]
        if clauses:
            flagged.append((agreement, clauses))
    if not flagged:
        counted = len(item.agreements)
        if counted == 0:
            reason = f"{listed}; the records hold no agreement of this partnership whose clauses could be checked."
            return _plain(item, "clause_review", reason, rule, status_on=status)
        noun = "agreement's" if counted == 1 else f"{counted} agreements'"
        reason = f"{listed}; the {noun} clause checklist shows none of the clauses the law names."
        return _plain(item, "clauses_clear", reason, rule, status_on=status)
    parts = [
        f"“{agreement.title}” {' and '.join(CLAUSE_LABELS[name] for name in clauses)}" for agreement, clauses in flagged
    ]
    reason = f"{listed}; by its clause checklist, {'; '.join(parts)}."
    return _plain(item, "clause_review", reason, rule, status_on=status, agreements=tuple(a.id for a, _ in flagged))


def _has_clause(agreement: models.Agreement, name: str) -> bool:
    value = getattr(agreement, name)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _joined(items: tuple[str, ...] | list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def by_partnership(screenings: list[Screening]) -> dict[int, list[Screening]]:
    grouped: dict[int, list[Screening]] = defaultdict(list)
    for screening in screenings:
        grouped[screening.partnership_id].append(screening)
    return dict(grouped)


def needing_action(screenings: list[Screening]) -> list[Screening]:
    """The screenings that need the clerk, overdue first, then by deadline (none last)."""
    order = {result: position for position, result in enumerate(NEEDS_ACTION)}
    chosen = [s for s in screenings if s.needs_action]
    return sorted(chosen, key=lambda s: (order[s.result], s.deadline or dt.date.max, s.partnership))
