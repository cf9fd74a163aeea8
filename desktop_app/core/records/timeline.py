"""A partnership's timeline: its status changes, agreements, activities and oversight actions in date order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from ..db.engine import Database
from .kinds import PARTNERSHIP
from .service import load

ENTRY_KINDS = {"status": "Status change", "agreement": "Agreement", "activity": "Activity", "oversight": "Oversight"}


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event of a partnership; ``record_kind``:``record_id`` is the record it opens."""

    on: dt.date | None  # None: the record carries no date yet (listed last)
    kind: str  # a key of ENTRY_KINDS
    record_kind: str
    record_id: int
    title: str
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return ENTRY_KINDS[self.kind]


def partnership_timeline(db: Database, partnership_id: int) -> list[TimelineEntry]:
    """Every live record of the partnership that has a place in time, oldest first (one query per kind)."""
    with db.reading() as session:
        load(session, PARTNERSHIP, partnership_id)
        entries = [
            *_status_changes(session, partnership_id),
            *_agreements(session, partnership_id),
            *_activities(session, partnership_id),
            *_oversight(session, partnership_id),
        ]
    kinds = list(ENTRY_KINDS)
    return sorted(entries, key=lambda e: (e.on is None, e.on or dt.date.min, kinds.index(e.kind), e.record_id))


def _status_changes(session: Session, partnership_id: int) -> list[TimelineEntry]:
    change = models.StatusChange
    rows = session.execute(
        select(change.id, change.changed_on, change.from_status, change.to_status, change.reason).where(
            change.partnership_id == partnership_id
        )
    ).all()
    entries = []
    for row in rows:
        to_status = vocab.label(vocab.PARTNERSHIP_STATUSES, row.to_status)
        if row.from_status is None:
            title = f"Entered as {to_status.lower()}"
        else:
            title = f"{vocab.label(vocab.PARTNERSHIP_STATUSES, row.from_status)} → {to_status}"
        entries.append(TimelineEntry(row.changed_on, "status", "partnership", partnership_id, title, row.reason))
    return entries


def _agreements(session: Session, partnership_id: int) -> list[TimelineEntry]:
    a = models.Agreement
    rows = session.execute(
        select(a.id, a.kind, a.title, a.signed_on, a.effective_on).where(
            a.partnership_id == partnership_id, a.deleted_at.is_(None)
        )
    ).all()
    return [
        TimelineEntry(
            row.signed_on or row.effective_on,
            "agreement",
            "agreement",
            row.id,
            row.title,
            vocab.label(vocab.AGREEMENT_KINDS, row.kind),
        )
        for row in rows
    ]


def _activities(session: Session, partnership_id: int) -> list[TimelineEntry]:
    a = models.Activity
    rows = session.execute(
        select(a.id, a.kind, a.title, a.starts_on, a.place).where(
            a.partnership_id == partnership_id, a.deleted_at.is_(None)
        )
    ).all()
    entries = []
    for row in rows:
        kind_label = vocab.label(vocab.ACTIVITY_KINDS, row.kind)
        detail = ", ".join(part for part in (kind_label if row.title else "", row.place) if part)
        entries.append(TimelineEntry(row.starts_on, "activity", "activity", row.id, row.title or kind_label, detail))
    return entries


def _oversight(session: Session, partnership_id: int) -> list[TimelineEntry]:
    o = models.OversightAction
    rows = session.execute(
        select(o.id, o.kind, o.action_on, o.status, o.topics).where(
            o.partnership_id == partnership_id, o.deleted_at.is_(None)
        )
    ).all()
    entries = []
    for row in rows:
        topics = ", ".join(vocab.label(vocab.TOPICS, topic) for topic in vocab.split_words(row.topics))
        status = vocab.label(vocab.OVERSIGHT_STATUSES, row.status)
        detail = f"{status}; {topics}" if topics else status
        title = vocab.label(vocab.OVERSIGHT_KINDS, row.kind)
        entries.append(TimelineEntry(row.action_on, "oversight", "oversight", row.id, title, detail))
    return entries
