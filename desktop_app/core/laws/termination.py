"""Ending a partnership under a state law: each step with its date and evidence, then the status change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import current_actor, today, utc_now_text
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..records.audit import append_event
from ..records.kinds import PARTNERSHIP
from ..records.service import change_status_in, load
from .overview import termination_progress_in
from .rules import LawRule, rule_named
from .screening import screen_in
from .steps import STEPS, step_label


@dataclass(frozen=True)
class StepPlan:
    """A step a clerk is about to record, checked before any file is stored."""

    partnership_id: int
    rule_id: str
    step: str
    done_on: dt.date


def _parse_day(value: dt.date | str | None, what: str) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat((value or "").strip())
        except ValueError:
            raise UserError(f"{what} must be a date written YYYY-MM-DD (not {value!r}).") from None
    if day > today():
        raise UserError(f"{what} cannot be in the future.")
    return day


def _reached_rule(session: Session, partnership_id: int, rule_id: str) -> LawRule:
    partnership = load(session, PARTNERSHIP, partnership_id)
    if partnership.deleted_at:
        raise UserError(f"Partnership {partnership_id} is in the trash; restore it first.")
    rule = rule_named(session, rule_id)
    if rule.superseded_by:
        raise UserError(f"The rule {rule.id} has been superseded by {rule.superseded_by}; name that rule instead.")
    if not rule.terminate_existing:
        raise UserError(f"{rule.citation} does not require existing partnerships to be terminated.")
    screened = [s for s in screen_in(session, today(), partnership_id) if s.rule_id == rule.id]
    if not screened or not screened[0].reached:
        reason = screened[0].reason if screened else f"{rule.citation} is a law of another state."
        raise UserError(f"{rule.citation} does not reach partnership {partnership_id}: {reason}")
    return rule


def check_step(db: Database, partnership_id: int, rule_id: str, step: str, done_on: dt.date | str | None) -> StepPlan:
    """Checks a step before its evidence file is stored, so a mistake stores nothing."""
    if step not in STEPS:
        raise UserError(f"{step!r} is not a step of a termination; the steps are: {', '.join(STEPS)}.")
    day = _parse_day(done_on, "The date of the step")
    with db.reading() as session:
        rule = _reached_rule(session, partnership_id, rule_id)
    return StepPlan(partnership_id, rule.id, step, day)


def record_step(
    db: Database,
    plan: StepPlan,
    *,
    evidence_attachment_id: int | None,
    note: str = "",
    actor: str | None = None,
) -> dict[str, object]:
    """Records (or records again) one step of a termination, audited on the partnership."""
    with db.writing() as session:
        _reached_rule(session, plan.partnership_id, plan.rule_id)
        if evidence_attachment_id is not None:
            attachment = session.get(models.Attachment, evidence_attachment_id)
            if attachment is None or attachment.deleted_at:
                raise UserError(f"There is no file with number {evidence_attachment_id} to use as evidence.")
        row = session.scalars(
            select(models.TerminationStep).where(
                models.TerminationStep.partnership_id == plan.partnership_id,
                models.TerminationStep.rule_id == plan.rule_id,
                models.TerminationStep.step == plan.step,
            )
        ).first()
        before = _step_plain(row) if row is not None else None
        if row is None:
            row = models.TerminationStep(partnership_id=plan.partnership_id, rule_id=plan.rule_id, step=plan.step)
            session.add(row)
        row.done_on = plan.done_on
        row.evidence_attachment_id = evidence_attachment_id
        row.note = note.strip()
        row.recorded_at = utc_now_text()
        session.flush()
        after = _step_plain(row)
        append_event(
            session,
            actor=actor or current_actor(),
            action="termination_step",
            record_kind="partnership",
            record_id=plan.partnership_id,
            before=before,
            after=after,
        )
        return after


def _step_plain(row: models.TerminationStep) -> dict[str, object]:
    return {
        "step": row.step,
        "label": step_label(row.step),
        "rule_id": row.rule_id,
        "done_on": row.done_on,
        "evidence_attachment_id": row.evidence_attachment_id,
        "note": row.note,
    }


def finish(
    db: Database,
    partnership_id: int,
    rule_id: str,
    terminated_on: dt.date | str | None,
    *,
    actor: str | None = None,
) -> dict[str, object]:
    """Ends the partnership under the rule once every required step has its evidence; refuses with a sentence."""
    day = _parse_day(terminated_on, "The date of the termination")
    with db.writing() as session:
        rule = _reached_rule(session, partnership_id, rule_id)
        partnership = load(session, PARTNERSHIP, partnership_id)
        if partnership.status == "terminated":
            raise UserError(f"Partnership {partnership_id} is already terminated.")
        progress = termination_progress_in(session, partnership_id)
        missing = progress.missing
        if missing:
            raise UserError(
                f"Partnership {partnership_id} cannot be marked terminated under {rule.citation} yet: the records hold "
                f"no evidence of {', '.join(missing).lower()}. Record each step with its file first."
            )
        late = [step.label for step in progress.steps if step.done_on > day]
        if late:
            raise UserError(
                f"The termination cannot be dated {day.isoformat()}: it comes before these steps: {', '.join(late)}."
            )
        resolution = progress.step("resolution")
        assert resolution is not None  # a required step, checked above
        change_status_in(
            session,
            partnership_id,
            "terminated",
            changed_on=day,
            reason=f"Terminated under {rule.citation}.",
            legal_basis=rule.citation,
            evidence_attachment_id=resolution.attachment_id,
            actor=actor or current_actor(),
        )
        return {"partnership_id": partnership_id, "rule_id": rule.id, "terminated_on": day}
