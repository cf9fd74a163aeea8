"""Plain data for views of the state-law rules: every rule known, and how far a partnership's termination has come."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..files.names import display_name
from .rules import LawRule, rules_in
from .steps import required_steps, step_label


@dataclass(frozen=True)
class RecordedStep:
    """A termination step the records hold, with the file kept as its evidence (if any)."""

    step: str
    label: str
    rule_id: str
    done_on: dt.date
    attachment_id: int | None
    file_name: str
    sha256: str
    note: str


@dataclass(frozen=True)
class TerminationProgress:
    """The steps recorded for one partnership, and which of the required ones still lack an evidence file."""

    partnership_id: int
    status: str
    holds_gifts: bool
    required: tuple[str, ...]
    steps: tuple[RecordedStep, ...]

    def step(self, name: str) -> RecordedStep | None:
        return next((recorded for recorded in self.steps if recorded.step == name), None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Labels of the required steps with no evidence file, in the order of the steps."""
        with_file = {recorded.step for recorded in self.steps if recorded.attachment_id is not None}
        return tuple(step_label(step) for step in self.required if step not in with_file)

    @property
    def terminated(self) -> bool:
        return self.status == "terminated"


def known_rules(db: Database) -> list[LawRule]:
    """Every rule known to these records: the program's, then the clerk's, each marked with what supersedes it."""
    with db.reading() as session:
        return rules_in(session)


def termination_progress(db: Database, partnership_id: int) -> TerminationProgress:
    """What the records hold of a partnership's termination steps (under any rule), with their evidence files."""
    with db.reading() as session:
        return termination_progress_in(session, partnership_id)


def termination_progress_in(session: Session, partnership_id: int) -> TerminationProgress:
    partnership = session.get(models.Partnership, partnership_id)
    if partnership is None:
        raise UserError(f"There is no partnership {partnership_id}.")
    holds_gifts = (
        session.scalars(
            select(models.Activity.id).where(
                models.Activity.partnership_id == partnership_id,
                models.Activity.deleted_at.is_(None),
                models.Activity.gifts_received != "",
            )
        ).first()
        is not None
    )
    steps = tuple(
        recorded_steps(session, models.TerminationStep.partnership_id == partnership_id).get(partnership_id, ())
    )
    return TerminationProgress(
        partnership_id=partnership_id,
        status=partnership.status,
        holds_gifts=holds_gifts,
        required=required_steps(holds_gifts),
        steps=steps,
    )


def recorded_steps(session: Session, which: ColumnElement[bool]) -> dict[int, list[RecordedStep]]:
    """The termination steps the condition selects, by partnership, in the order they were done.

    A file in the trash is no longer evidence the records hold: its step counts as having no file.
    """
    step = models.TerminationStep
    rows = session.execute(
        select(
            step,
            models.Attachment.id,
            models.Attachment.original_name,
            models.Attachment.title,
            models.Attachment.sha256,
        )
        .outerjoin(
            models.Attachment,
            (models.Attachment.id == step.evidence_attachment_id) & models.Attachment.deleted_at.is_(None),
        )
        .where(which)
        .order_by(step.done_on, step.id)
    )
    found: dict[int, list[RecordedStep]] = {}
    for row, live_id, original_name, title, sha256 in rows:
        found.setdefault(row.partnership_id, []).append(
            RecordedStep(
                step=row.step,
                label=step_label(row.step),
                rule_id=row.rule_id,
                done_on=row.done_on,
                attachment_id=live_id,
                file_name=display_name(original_name or title or ""),
                sha256=sha256 or "",
                note=row.note,
            )
        )
    return found
