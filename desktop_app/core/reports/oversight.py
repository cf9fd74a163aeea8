"""Oversight actions for the letter, counted and picked in the database: a city may hold tens of thousands of them.

Plain column selects run on the session's connection: the ORM's row handling would cost more than the query.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from sqlalchemy import ColumnElement, Row, and_, func, select
from sqlalchemy.orm import Session

from .. import vocab
from ..db import models

REVIEW_KINDS = ("annual_review", "risk_assessment", "legal_review", "audit", "termination_review")
OPEN_STATUSES = ("planned", "open")
_ACTION = models.OversightAction
# What an evidence item of an oversight action shows; the letter reads these columns and no others.
ITEM_COLUMNS = (
    _ACTION.id,
    _ACTION.partnership_id,
    _ACTION.kind,
    _ACTION.action_on,
    _ACTION.finding,
    _ACTION.risk_level,
    _ACTION.status,
    _ACTION.due_on,
    _ACTION.topics,
)
# One row of ITEM_COLUMNS.
ActionRow: TypeAlias = Row[int, int | None, str, dt.date, str, str, str, dt.date | None, str]


def facets(kind: str, status: str, risk_level: str) -> tuple[tuple[str, str], ...]:
    """The (what, value) pairs a summarised section counts an oversight action by."""
    return (
        ("Kind", vocab.label(vocab.OVERSIGHT_KINDS, kind)),
        ("Status", vocab.label(vocab.OVERSIGHT_STATUSES, status)),
        ("Risk", vocab.label(vocab.RISK_LEVELS, risk_level) if risk_level else "None"),
    )


@dataclass(frozen=True)
class Scope:
    condition: ColumnElement[bool]
    program_wide: bool


def scopes(partnership_ids: Sequence[int]) -> list[Scope]:
    """The home jurisdiction's oversight actions: those program-wide, and those of its partnerships.

    Two conditions asked one at a time rather than joined by OR: SQLite answers each from the index on
    (partnership_id, deleted_at), but reads the whole table for the OR of them.
    """
    live = _ACTION.deleted_at.is_(None)
    found = [Scope(and_(_ACTION.partnership_id.is_(None), live), program_wide=True)]
    if partnership_ids:
        found.append(Scope(and_(_ACTION.partnership_id.in_(list(partnership_ids)), live), program_wide=False))
    return found


@dataclass(frozen=True)
class Group:
    """How many of the actions in scope share a partnership, topics, kind, status and risk level; the latest date."""

    partnership_id: int | None
    topics: str
    kind: str
    status: str
    risk_level: str
    number: int
    latest: dt.date

    @property
    def words(self) -> set[str]:
        return set(vocab.split_words(self.topics))


@dataclass(frozen=True)
class Tally:
    """The counts of a section taken in the database rather than item by item."""

    held: int  # every item on record, those the clerk left out included
    shown: int  # the items the letter speaks of
    facet_counts: tuple[tuple[str, str, int], ...]  # as Section.facet_counts


@dataclass(frozen=True)
class Overview:
    """What the letter says of all the home jurisdiction's oversight actions, whatever the question."""

    partnership_ids: tuple[int, ...]
    groups: tuple[Group, ...]
    latest_reviews: dict[int | None, dt.date]  # by partnership, None for program-wide; planned ones left out

    @property
    def total(self) -> int:
        return sum(group.number for group in self.groups)

    @property
    def still_open(self) -> int:
        return sum(group.number for group in self.groups if group.status in OPEN_STATUSES)


def overview(session: Session, partnership_ids: Sequence[int]) -> Overview:
    """One grouped read of each scope; a condition on kind or status here would lead SQLite to a worse index."""
    columns = (_ACTION.partnership_id, _ACTION.topics, _ACTION.kind, _ACTION.status, _ACTION.risk_level)
    groups: list[Group] = []
    for scope in scopes(partnership_ids):
        rows = session.connection().execute(
            select(*columns, func.count(), func.max(_ACTION.action_on)).where(scope.condition).group_by(*columns)
        )
        groups += [Group(*row) for row in rows]
    groups.sort(key=lambda group: (group.partnership_id or 0, group.topics, group.kind, group.status, group.risk_level))
    latest: dict[int | None, dt.date] = {}
    for group in groups:
        if group.kind in REVIEW_KINDS and group.status != "planned":
            known = latest.get(group.partnership_id)
            if known is None or group.latest > known:
                latest[group.partnership_id] = group.latest
    return Overview(tuple(partnership_ids), tuple(groups), latest)


def _concerns(topics: set[str] | None, words: set[str]) -> bool:
    """True when an action with these topic words belongs: to any of the topics, or to all actions (None)."""
    return topics is None or bool(topics & words)


def tally(session: Session, seen: Overview, topics: set[str] | None, excluded_ids: set[int]) -> Tally:
    """The counts of the actions on any of these topics (all actions for None), less those the clerk withholds."""
    counts: Counter[tuple[str, str]] = Counter()
    held = 0
    for group in seen.groups:
        if _concerns(topics, group.words):
            held += group.number
            for facet in facets(group.kind, group.status, group.risk_level):
                counts[facet] += group.number
    left_out = 0
    if excluded_ids:
        columns = (_ACTION.topics, _ACTION.kind, _ACTION.status, _ACTION.risk_level)
        for scope in scopes(seen.partnership_ids):
            for words, kind, status, risk_level in session.connection().execute(
                select(*columns).where(scope.condition, _ACTION.id.in_(sorted(excluded_ids)))
            ):
                if _concerns(topics, set(vocab.split_words(words))):
                    left_out += 1
                    counts.subtract(facets(kind, status, risk_level))
    order = {"Kind": 0, "Status": 1, "Risk": 2}
    ranked = sorted(
        ((facet, number) for facet, number in counts.items() if number > 0),
        key=lambda entry: (order[entry[0][0]], -entry[1], entry[0][1]),
    )
    return Tally(held, held - left_out, tuple((what, value, number) for (what, value), number in ranked))


def most_recent(
    session: Session, seen: Overview, topics: set[str] | None, excluded_ids: set[int], number: int
) -> list[ActionRow]:
    """The ``number`` latest actions on these topics (any, for None) not withheld, oldest first, as listed."""
    if number <= 0:
        return []
    # Topics are matched on the stored texts the groups found, so a text matches here exactly when it does there.
    matching = sorted({group.topics for group in seen.groups if _concerns(topics, group.words)})
    if not matching:
        return []
    chosen: list[tuple[dt.date, int]] = []
    wanted = set(matching)
    for scope in scopes(seen.partnership_ids):
        condition = scope.condition
        if excluded_ids:
            condition = and_(condition, _ACTION.id.not_in(sorted(excluded_ids)))
        if scope.program_wide:
            # One index range in (action_on, id) order: the database stops after the latest few.
            ordered = (
                select(_ACTION.action_on, _ACTION.id)
                .where(condition, _ACTION.topics.in_(matching))
                .order_by(_ACTION.action_on.desc(), _ACTION.id.desc())
                .limit(number)
            )
            chosen += [(on, action_id) for on, action_id in session.connection().execute(ordered)]
        else:
            # The partnerships' own actions are few; all of them are read from the partnership index and the
            # topics matched here. Asked in SQL, the topics would lead SQLite to the index on topics and to every
            # action on them, whoever's; ordering them in SQL would make it walk the whole table in date order.
            rows = session.connection().execute(select(_ACTION.action_on, _ACTION.id, _ACTION.topics).where(condition))
            chosen += heapq.nlargest(number, ((on, action_id) for on, action_id, words in rows if words in wanted))
    latest = sorted(heapq.nlargest(number, chosen))
    ids = [action_id for _, action_id in latest]
    found = {row.id: row for row in session.connection().execute(select(*ITEM_COLUMNS).where(_ACTION.id.in_(ids)))}
    return [found[action_id] for action_id in ids]


def overdue(session: Session, seen: Overview, as_of: dt.date) -> list[tuple[int, str]]:
    """(id, topics) of every planned or open action whose follow-up was due before the date, oldest due first."""
    found: list[tuple[dt.date, int, str]] = []
    for scope in scopes(seen.partnership_ids):
        rows = session.connection().execute(
            select(_ACTION.due_on, _ACTION.id, _ACTION.topics).where(
                scope.condition, _ACTION.status.in_(OPEN_STATUSES), _ACTION.due_on < as_of
            )
        )
        found += [(due_on, action_id, words) for due_on, action_id, words in rows if due_on is not None]
    return [(action_id, words) for _, action_id, words in sorted(found)]


def existing(session: Session, seen: Overview, ids: set[int]) -> list[int]:
    """Those of the ids that are actions in scope (live, of the home jurisdiction or program-wide), in order."""
    if not ids:
        return []
    found: list[int] = []
    for scope in scopes(seen.partnership_ids):
        found += (
            session.connection()
            .execute(select(_ACTION.id).where(scope.condition, _ACTION.id.in_(sorted(ids))))
            .scalars()
        )
    return sorted(found)
