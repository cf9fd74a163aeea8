"""The evidence a draft response offers under each question, counted for the home page's chart.

The same items as the response workspace's checklist (``reports.responses.evidence``), found with a few indexed
reads of ids and topics instead of building the whole letter: that builds every partnership's state-law screening
and groups every oversight action, seconds at full size, for numbers that need neither.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..records.parties import home_jurisdiction_in
from ..reports import facts
from ..reports.evidence_topics import bears_on
from ..reports.gather import links_in
from ..reports.oversight import scopes

PARTICIPANT_COUNTS = "counts:participants"


@dataclass(frozen=True)
class EvidenceItem:
    """One item the letter offers: its appendix, its ref ("agreement:3") and its topics."""

    appendix: str
    ref: str
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QuestionCount:
    """How many items a question draws on, those in the letter and those withheld."""

    position: int
    in_letter: int
    withheld: int


def evidence_counts(session: Session, response_id: int) -> list[QuestionCount]:
    """For each question of the response's inquiry, in order, its items in the letter and withheld."""
    response = session.execute(
        select(models.Response.inquiry_id, models.Response.withheld_evidence).where(models.Response.id == response_id)
    ).first()
    if response is None:
        return []
    withheld = set(vocab.split_words(response.withheld_evidence))
    items = offered_items(session)
    questions = session.execute(
        select(models.InquiryQuestion.position, models.InquiryQuestion.topics)
        .where(models.InquiryQuestion.inquiry_id == response.inquiry_id)
        .order_by(models.InquiryQuestion.position)
    )
    counts = []
    for position, stored_topics in questions:
        drawn = [item for item in items if _answers(item, set(vocab.split_words(stored_topics)))]
        held_back = sum(1 for item in drawn if item.ref in withheld)
        counts.append(QuestionCount(int(position), len(drawn) - held_back, held_back))
    return counts


def _answers(item: EvidenceItem, topics: set[str]) -> bool:
    return bears_on(item.appendix, item.topics, topics)


def offered_items(session: Session) -> list[EvidenceItem]:
    """Every item the letter offers, withheld or not: the home jurisdiction's partnerships (A), their agreements
    (B), activities (C, the latest when many), oversight (D, the latest when many), the policies (E), the
    participant counts (F) and the files enclosed with all of these (G)."""
    home = home_jurisdiction_in(session)
    if home is None:
        return []
    partnership = models.Partnership
    partnerships = list(
        session.execute(
            select(partnership.id).where(partnership.jurisdiction_id == home.id, partnership.deleted_at.is_(None))
        ).scalars()
    )
    agreements = _with_topics(session, models.Agreement, models.Agreement.partnership_id.in_(partnerships))
    activities = _activities(session, partnerships)
    listed_activities = _listed_activities(activities)
    oversight = _listed_oversight(session, partnerships)
    policies = _with_topics(session, models.Policy)
    items = [
        *(EvidenceItem("A", f"partnership:{record_id}") for record_id in partnerships),
        *(EvidenceItem("B", f"agreement:{record_id}", topics) for record_id, topics in agreements),
        *(EvidenceItem("C", f"activity:{record_id}") for record_id in listed_activities),
        *(EvidenceItem("D", f"oversight:{record_id}", topics) for record_id, topics in oversight),
        *(EvidenceItem("E", f"policy:{record_id}", topics) for record_id, topics in policies),
    ]
    if activities and _any_participant(session, [record_id for record_id, _ in activities]):
        items.append(EvidenceItem("F", PARTICIPANT_COUNTS))
    enclosed = _enclosed(
        session,
        {
            "partnership": partnerships,
            "agreement": [record_id for record_id, _ in agreements],
            "activity": listed_activities,
            "oversight": [record_id for record_id, _ in oversight],
            "policy": [record_id for record_id, _ in policies],
        },
    )
    return items + [EvidenceItem("G", f"attachment:{attachment_id}") for attachment_id in enclosed]


def _with_topics(session: Session, model: Any, *conditions: ColumnElement[bool]) -> list[tuple[int, frozenset[str]]]:
    rows = session.execute(select(model.id, model.topics).where(model.deleted_at.is_(None), *conditions))
    return [(int(record_id), frozenset(vocab.split_words(topics))) for record_id, topics in rows]


def _activities(session: Session, partnerships: Sequence[int]) -> list[tuple[int, dt.date | None]]:
    activity = models.Activity
    rows = session.execute(
        select(activity.id, activity.starts_on).where(
            activity.partnership_id.in_(partnerships), activity.deleted_at.is_(None)
        )
    )
    return [(int(record_id), starts_on) for record_id, starts_on in rows]


def _listed_activities(activities: Sequence[tuple[int, dt.date | None]]) -> list[int]:
    """All of them, or when many the latest dated ones, as the letter lists them."""
    if len(activities) <= facts.LIST_IN_FULL_UP_TO:
        return [record_id for record_id, _ in activities]
    dated = sorted((starts_on, record_id) for record_id, starts_on in activities if starts_on is not None)
    return [record_id for _, record_id in dated[-facts.MOST_RECENT_LISTED :]]


def _listed_oversight(session: Session, partnerships: Sequence[int]) -> list[tuple[int, frozenset[str]]]:
    """The oversight actions the letter lists: all of them, or when many the latest ones (program-wide or of the
    home jurisdiction's partnerships), read from the index on (partnership, deleted, date, id)."""
    action = models.OversightAction
    held = sum(
        int(session.execute(select(func.count()).select_from(action).where(scope.condition)).scalar_one())
        for scope in scopes(partnerships)
    )
    wanted = held if held <= facts.LIST_IN_FULL_UP_TO else facts.MOST_RECENT_LISTED
    latest: list[tuple[dt.date, int]] = []
    for scope in scopes(partnerships):
        if scope.program_wide:  # one index range in (date, id) order: the database stops after the latest few
            newest_first = (
                select(action.action_on, action.id)
                .where(scope.condition)
                .order_by(action.action_on.desc(), action.id.desc())
                .limit(wanted)
            )
            latest += [(on, int(record_id)) for on, record_id in session.execute(newest_first)]
        else:  # the partnerships' own actions are few: ordered in SQL, SQLite would walk the table by date
            rows = session.execute(select(action.action_on, action.id).where(scope.condition))
            latest += heapq.nlargest(wanted, ((on, int(record_id)) for on, record_id in rows))
    ids = [record_id for _, record_id in heapq.nlargest(wanted, latest)]
    return _with_topics(session, action, action.id.in_(ids)) if ids else []


def _any_participant(session: Session, activities: Sequence[int]) -> bool:
    participant = models.Participant
    found = session.execute(
        select(participant.id).where(participant.activity_id.in_(activities), participant.deleted_at.is_(None)).limit(1)
    ).first()
    return found is not None


def _enclosed(session: Session, records: dict[str, Sequence[int]]) -> set[int]:
    """The current files linked to the records listed, and the evidence of each partnership's latest status change."""
    found: set[int] = set()
    for kind, ids in records.items():
        found.update(_flattened(links_in(session, kind, list(ids)).values()))
    return found | _status_evidence(session, records["partnership"])


def _flattened(groups: Iterable[tuple[int, ...]]) -> set[int]:
    return {attachment_id for group in groups for attachment_id in group}


def _status_evidence(session: Session, partnerships: Sequence[int]) -> set[int]:
    change, attachment = models.StatusChange, models.Attachment
    latest: dict[int, int | None] = {}
    for partnership_id, evidence in session.execute(
        select(change.partnership_id, change.evidence_attachment_id)
        .where(change.partnership_id.in_(partnerships), change.from_status.is_not(None))
        .order_by(change.changed_on, change.id)
    ):
        latest[int(partnership_id)] = evidence
    wanted = {evidence for evidence in latest.values() if evidence is not None}
    if not wanted:
        return set()
    return set(
        session.execute(
            select(attachment.id).where(and_(attachment.id.in_(wanted), attachment.deleted_at.is_(None)))
        ).scalars()
    )
