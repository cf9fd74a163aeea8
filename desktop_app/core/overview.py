"""The home summary a clerk sees first: counts by status, follow-ups, reviews due, evidence per question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from . import vocab
from .clock import today
from .db import models
from .db.engine import Database

FOLLOW_UP_WINDOW_DAYS = 30
REVIEW_INTERVAL_DAYS = 365
REVIEW_KINDS = ("annual_review", "risk_assessment", "legal_review", "audit", "termination_review")
LISTED_AT_MOST = 8


@dataclass(frozen=True)
class FollowUp:
    """An oversight action whose follow-up is due."""

    oversight_id: int
    kind_label: str
    due_on: dt.date
    partnership: str


@dataclass(frozen=True)
class UnreviewedPartnership:
    """A partnership with no review in the last twelve months."""

    partnership_id: int
    name: str
    last_review_on: dt.date | None


@dataclass(frozen=True)
class QuestionEvidence:
    """How many records hold evidence for one question of an inquiry."""

    position: int
    short_title: str
    topic_labels: tuple[str, ...]
    policies: int
    oversight_actions: int
    agreements: int

    @property
    def total(self) -> int:
        return self.policies + self.oversight_actions + self.agreements


@dataclass(frozen=True)
class DashboardSummary:
    """Everything on the home page, as plain data."""

    as_of: dt.date
    partnership_status_counts: dict[str, int]
    record_counts: dict[str, int]
    oversight_status_counts: dict[str, int]
    unconfirmed_partnerships: int
    overdue_count: int
    due_soon_count: int
    overdue: tuple[FollowUp, ...]
    due_soon: tuple[FollowUp, ...]
    unreviewed_count: int
    unreviewed: tuple[UnreviewedPartnership, ...]
    inquiry_id: int | None = None
    inquiry_subject: str = ""
    questions: tuple[QuestionEvidence, ...] = field(default=())


def _live(model: Any) -> ColumnElement[bool]:
    result: ColumnElement[bool] = model.deleted_at.is_(None)
    return result


def _count_by(session: Session, model: Any, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(_live(model)).group_by(column)).all()
    return {str(value): int(count) for value, count in rows}


def _partnership_name(partnership: models.Partnership) -> str:
    partner = partnership.partner
    native = f" ({partner.native_name})" if partner.native_name else ""
    return f"{partnership.jurisdiction.name} – {partner.name}{native}, {partner.country_name}"


def _follow_ups(session: Session, condition: ColumnElement[bool]) -> tuple[int, tuple[FollowUp, ...]]:
    base = and_(
        _live(models.OversightAction),
        models.OversightAction.status != "closed",
        models.OversightAction.due_on.is_not(None),
        condition,
    )
    count = int(session.execute(select(func.count()).select_from(models.OversightAction).where(base)).scalar_one())
    actions = session.scalars(
        select(models.OversightAction)
        .where(base)
        .order_by(models.OversightAction.due_on, models.OversightAction.id)
        .limit(LISTED_AT_MOST)
    ).all()
    partnerships = _partnerships_by_id(session, [a.partnership_id for a in actions if a.partnership_id])
    listed = tuple(
        FollowUp(
            oversight_id=action.id,
            kind_label=vocab.label(vocab.OVERSIGHT_KINDS, action.kind),
            due_on=action.due_on or dt.date.min,
            partnership=partnerships.get(action.partnership_id or 0, "Program-wide"),
        )
        for action in actions
    )
    return count, listed


def _partnerships_by_id(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.scalars(select(models.Partnership).where(models.Partnership.id.in_(set(ids))))
    return {row.id: _partnership_name(row) for row in rows}


def _unreviewed(session: Session, as_of: dt.date) -> tuple[int, tuple[UnreviewedPartnership, ...]]:
    since = as_of - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    oversight = models.OversightAction
    recent_review = (
        select(oversight.id)
        .where(
            oversight.partnership_id == models.Partnership.id,
            _live(oversight),
            oversight.kind.in_(REVIEW_KINDS),
            oversight.action_on >= since,
        )
        .exists()
    )
    condition = and_(
        _live(models.Partnership),
        models.Partnership.status.in_(("active", "proposed", "dormant", "suspended")),
        or_(models.Partnership.last_reviewed_on.is_(None), models.Partnership.last_reviewed_on < since),
        ~recent_review,
    )
    count = int(session.execute(select(func.count()).select_from(models.Partnership).where(condition)).scalar_one())
    listed = []
    for partnership in session.scalars(
        select(models.Partnership).where(condition).order_by(models.Partnership.id).limit(LISTED_AT_MOST)
    ):
        reviewed_on = session.execute(
            select(func.max(oversight.action_on)).where(
                oversight.partnership_id == partnership.id, _live(oversight), oversight.kind.in_(REVIEW_KINDS)
            )
        ).scalar()
        candidates = [d for d in (partnership.last_reviewed_on, reviewed_on) if d is not None]
        listed.append(
            UnreviewedPartnership(partnership.id, _partnership_name(partnership), max(candidates, default=None))
        )
    return count, tuple(listed)


def _has_any_topic(column: Any, topics: Sequence[str]) -> ColumnElement[bool]:
    padded = literal(" ") + column + literal(" ")
    return or_(*(padded.like(f"% {topic} %") for topic in topics))


def _count_per_question(session: Session, model: Any, questions: Sequence[Sequence[str]]) -> list[int]:
    """For each question's topics, how many live records carry any of them, in one pass over the table."""
    columns = [
        func.coalesce(func.sum(case((_has_any_topic(model.topics, topics), 1), else_=0)), 0) if topics else literal(0)
        for topics in questions
    ]
    if not columns:
        return []
    row = session.execute(select(*columns).select_from(model).where(_live(model))).one()
    return [int(value or 0) for value in row]


def _open_inquiry(session: Session) -> models.Inquiry | None:
    """The inquiry still to answer: the latest received without an issued response, else the built-in letter."""
    issued = select(models.Response.inquiry_id).where(models.Response.status == "issued", _live(models.Response))
    candidates = session.scalars(
        select(models.Inquiry)
        .where(_live(models.Inquiry), models.Inquiry.id.not_in(issued))
        .order_by(models.Inquiry.received_on.desc(), models.Inquiry.id.desc())
    ).all()
    unanswered = [inquiry for inquiry in candidates if inquiry.builtin_key is None]
    if unanswered:
        return unanswered[0]
    return candidates[0] if candidates else None


def question_evidence(session: Session, inquiry: models.Inquiry) -> tuple[QuestionEvidence, ...]:
    questions = list(inquiry.questions)
    topics = [vocab.split_words(question.topics) for question in questions]
    policies = _count_per_question(session, models.Policy, topics)
    oversight = _count_per_question(session, models.OversightAction, topics)
    agreements = _count_per_question(session, models.Agreement, topics)
    return tuple(
        QuestionEvidence(
            position=question.position,
            short_title=question.short_title or question.text[:60],
            topic_labels=tuple(vocab.label(vocab.TOPICS, topic) for topic in topics[number]),
            policies=policies[number],
            oversight_actions=oversight[number],
            agreements=agreements[number],
        )
        for number, question in enumerate(questions)
    )


def dashboard_summary(db: Database, as_of: dt.date | None = None) -> DashboardSummary:
    """The home page's figures, computed in the database (no table is read whole)."""
    as_of = as_of or today()
    with db.reading() as session:
        record_counts = {
            name: int(session.execute(select(func.count()).select_from(model).where(_live(model))).scalar_one())
            for name, model in (
                ("partnerships", models.Partnership),
                ("agreements", models.Agreement),
                ("activities", models.Activity),
                ("participants", models.Participant),
                ("policies", models.Policy),
                ("oversight", models.OversightAction),
                ("inquiries", models.Inquiry),
                ("responses", models.Response),
                ("attachments", models.Attachment),
            )
        }
        unconfirmed = int(
            session.execute(
                select(func.count())
                .select_from(models.Partnership)
                .where(_live(models.Partnership), models.Partnership.confirmed.is_(False))
            ).scalar_one()
        )
        overdue_count, overdue = _follow_ups(session, models.OversightAction.due_on < as_of)
        due_soon_count, due_soon = _follow_ups(
            session,
            and_(
                models.OversightAction.due_on >= as_of,
                models.OversightAction.due_on <= as_of + dt.timedelta(days=FOLLOW_UP_WINDOW_DAYS),
            ),
        )
        unreviewed_count, unreviewed = _unreviewed(session, as_of)
        inquiry = _open_inquiry(session)
        return DashboardSummary(
            as_of=as_of,
            partnership_status_counts=_count_by(session, models.Partnership, models.Partnership.status),
            record_counts=record_counts,
            oversight_status_counts=_count_by(session, models.OversightAction, models.OversightAction.status),
            unconfirmed_partnerships=unconfirmed,
            overdue_count=overdue_count,
            due_soon_count=due_soon_count,
            overdue=overdue,
            due_soon=due_soon,
            unreviewed_count=unreviewed_count,
            unreviewed=unreviewed,
            inquiry_id=inquiry.id if inquiry else None,
            inquiry_subject=inquiry.subject if inquiry else "",
            questions=question_evidence(session, inquiry) if inquiry else (),
        )
