"""The home summary's figures counted in plain SQL over any RowSource, so the window can count them before the
database layer is loaded (standard library only).

Every figure is a COUNT or an aggregate the database answers from an index; no table is read whole. The same SQL
runs through SQLAlchemy once the records are open (``compute``) and through a bare driver before (``first_count``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .. import vocab
from ..db.row_source import Parameters, RowSource
from .data import DashboardSummary, FollowUp, QuestionEvidence, UnreviewedPartnership

FOLLOW_UP_WINDOW_DAYS = 30
REVIEW_INTERVAL_DAYS = 365
REVIEW_KINDS = ("annual_review", "risk_assessment", "legal_review", "audit", "termination_review")
CURRENT_STATUSES = ("active", "proposed", "dormant", "suspended")
LISTED_AT_MOST = 8

# The records counted under "Records kept", by the tables they are kept in.
COUNTED_TABLES = (
    ("partnerships", "partnership"),
    ("agreements", "agreement"),
    ("activities", "activity"),
    ("participants", "participant"),
    ("policies", "policy"),
    ("oversight", "oversight_action"),
    ("inquiries", "inquiry"),
    ("responses", "response"),
    ("attachments", "attachment"),
)
# The records whose topics are evidence for a question, in the order QuestionEvidence names them.
EVIDENCE_TABLES = ("policy", "oversight_action", "agreement")

FOLLOW_UP_BASE = (
    "oversight_action.deleted_at IS NULL AND oversight_action.due_on IS NOT NULL "
    "AND oversight_action.status != 'closed'"
)
OVERDUE = "oversight_action.due_on < :today"
DUE_SOON = "oversight_action.due_on >= :today AND oversight_action.due_on <= :soon"
# Each partnership's reviews are read from its own entries of the review index (partnership, date, kind).
REVIEWS = (
    "oversight_action.partnership_id = partnership.id AND oversight_action.deleted_at IS NULL "
    "AND oversight_action.kind IN :review_kinds"
)
UNREVIEWED = (
    "partnership.deleted_at IS NULL AND partnership.status IN :current "
    "AND (partnership.last_reviewed_on IS NULL OR partnership.last_reviewed_on < :since) "
    f"AND NOT EXISTS (SELECT oversight_action.id FROM oversight_action WHERE {REVIEWS} "
    "AND oversight_action.action_on >= :since)"
)
OPEN_INQUIRIES = (
    "SELECT inquiry.id, inquiry.subject, inquiry.builtin_key FROM inquiry WHERE inquiry.deleted_at IS NULL "
    "AND inquiry.id NOT IN (SELECT response.inquiry_id FROM response "
    "WHERE response.status = 'issued' AND response.deleted_at IS NULL) "
    "ORDER BY inquiry.received_on DESC, inquiry.id DESC"
)


def count_summary(rows: RowSource, as_of: dt.date) -> DashboardSummary:
    """The home page's figures as of ``as_of``, read from ``rows`` (best in one read transaction)."""
    statuses, unconfirmed = _statuses(rows)
    today = _day(rows, as_of)
    soon = _day(rows, as_of + dt.timedelta(days=FOLLOW_UP_WINDOW_DAYS))
    overdue_count, overdue = _follow_ups(rows, OVERDUE, {"today": today})
    due_soon_count, due_soon = _follow_ups(rows, DUE_SOON, {"today": today, "soon": soon})
    unreviewed_count, unreviewed = _unreviewed(rows, as_of)
    inquiry = open_inquiry(rows)
    return DashboardSummary(
        as_of=as_of,
        partnership_status_counts=statuses,
        record_counts=_record_counts(rows),
        unconfirmed_partnerships=unconfirmed,
        overdue_count=overdue_count,
        due_soon_count=due_soon_count,
        overdue=overdue,
        due_soon=due_soon,
        unreviewed_count=unreviewed_count,
        unreviewed=unreviewed,
        inquiry_id=int(inquiry[0]) if inquiry else None,
        inquiry_subject=str(inquiry[1]) if inquiry else "",
        questions=question_evidence(rows, int(inquiry[0])) if inquiry else (),
    )


def _day(rows: RowSource, day: dt.date) -> Any:
    """A date as the database compares it: SQLite keeps dates as ISO text."""
    return day.isoformat() if rows.dialect == "sqlite" else day


def _date(value: Any) -> dt.date | None:
    """A date read back: SQLite gives ISO text, a server a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _count(rows: RowSource, sql: str, parameters: Parameters | None = None) -> int:
    return int(rows.rows(sql, parameters)[0][0])


def _record_counts(rows: RowSource) -> dict[str, int]:
    """Live records of every kind, in one statement."""
    counts = ", ".join(
        f"(SELECT count(*) FROM {table} WHERE {table}.deleted_at IS NULL)" for _name, table in COUNTED_TABLES
    )
    row = rows.rows(f"SELECT {counts}")[0]
    return {name: int(row[number]) for number, (name, _table) in enumerate(COUNTED_TABLES)}


def _statuses(rows: RowSource) -> tuple[dict[str, int], int]:
    """Live partnerships by status, and how many are not yet confirmed."""
    statuses: dict[str, int] = {}
    unconfirmed = 0
    for status, confirmed, count in rows.rows(
        "SELECT status, confirmed, count(*) FROM partnership WHERE deleted_at IS NULL GROUP BY status, confirmed"
    ):
        statuses[str(status)] = statuses.get(str(status), 0) + int(count)
        unconfirmed += int(count) if confirmed is not None and not confirmed else 0
    return statuses, unconfirmed


def partnership_names(rows: RowSource, ids: Sequence[int]) -> dict[int, str]:
    """Each partnership named as the home page lists it: "place – partner (native), country"."""
    if not ids:
        return {}
    found = rows.rows(
        "SELECT partnership.id, jurisdiction.name, partner.name, partner.native_name, partner.country_name "
        "FROM partnership JOIN partner ON partner.id = partnership.partner_id "
        "JOIN jurisdiction ON jurisdiction.id = partnership.jurisdiction_id WHERE partnership.id IN :ids",
        {"ids": sorted(set(ids))},
    )
    names = {}
    for partnership_id, place_name, partner_name, native_name, country in found:
        native = f" ({native_name})" if native_name else ""
        names[int(partnership_id)] = f"{place_name} – {partner_name}{native}, {country}"
    return names


def _follow_ups(rows: RowSource, condition: str, parameters: Parameters) -> tuple[int, tuple[FollowUp, ...]]:
    where = f"{FOLLOW_UP_BASE} AND {condition}"
    count = _count(rows, f"SELECT count(*) FROM oversight_action WHERE {where}", parameters)
    if not count:
        return 0, ()
    actions = rows.rows(
        "SELECT oversight_action.id, oversight_action.kind, oversight_action.due_on, oversight_action.partnership_id "
        f"FROM oversight_action WHERE {where} ORDER BY oversight_action.due_on, oversight_action.id "
        f"LIMIT {LISTED_AT_MOST}",
        parameters,
    )
    partnerships = partnership_names(rows, [int(action[3]) for action in actions if action[3]])
    listed = tuple(
        FollowUp(
            oversight_id=int(action_id),
            kind_label=vocab.label(vocab.OVERSIGHT_KINDS, kind),
            due_on=_date(due_on) or dt.date.min,
            partnership=partnerships.get(int(partnership_id or 0), "Program-wide"),
        )
        for action_id, kind, due_on, partnership_id in actions
    )
    return count, listed


def _unreviewed(rows: RowSource, as_of: dt.date) -> tuple[int, tuple[UnreviewedPartnership, ...]]:
    since = as_of - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    parameters = {"current": list(CURRENT_STATUSES), "since": _day(rows, since), "review_kinds": list(REVIEW_KINDS)}
    count = _count(rows, f"SELECT count(*) FROM partnership WHERE {UNREVIEWED}", parameters)
    if not count:
        return 0, ()
    found = rows.rows(
        "SELECT partnership.id, partnership.last_reviewed_on, "
        f"(SELECT max(oversight_action.action_on) FROM oversight_action WHERE {REVIEWS}) "
        f"FROM partnership WHERE {UNREVIEWED} ORDER BY partnership.id LIMIT {LISTED_AT_MOST}",
        parameters,
    )
    names = partnership_names(rows, [int(row[0]) for row in found])
    listed = []
    for partnership_id, last_reviewed_on, reviewed_on in found:
        candidates = [day for day in (_date(last_reviewed_on), _date(reviewed_on)) if day is not None]
        listed.append(
            UnreviewedPartnership(
                int(partnership_id), names.get(int(partnership_id), ""), max(candidates, default=None)
            )
        )
    return count, tuple(listed)


def open_inquiry(rows: RowSource) -> tuple[Any, ...] | None:
    """The inquiry still to answer (id, subject, built-in key): the latest received without an issued response,
    else the built-in letter; None when there is none."""
    candidates = rows.rows(OPEN_INQUIRIES)
    unanswered = [inquiry for inquiry in candidates if inquiry[2] is None]
    if unanswered:
        return unanswered[0]
    return candidates[0] if candidates else None


def _count_per_question(rows: RowSource, table: str, questions: Sequence[Sequence[str]]) -> list[int]:
    """For each question's topics, how many live records carry any of them.

    The database counts the records per distinct set of topics (few: the topics are a small vocabulary, stored
    sorted); which sets answer which question is decided here.
    """
    totals = [0] * len(questions)
    for stored, count in rows.rows(f"SELECT topics, count(*) FROM {table} WHERE deleted_at IS NULL GROUP BY topics"):
        words = set(vocab.split_words(stored))
        for number, wanted in enumerate(questions):
            if words.intersection(wanted):
                totals[number] += int(count)
    return totals


def question_evidence(rows: RowSource, inquiry_id: int) -> tuple[QuestionEvidence, ...]:
    questions = rows.rows(
        "SELECT position, text, topics, short_title FROM inquiry_question WHERE inquiry_id = :inquiry "
        "ORDER BY position",
        {"inquiry": inquiry_id},
    )
    topics = [vocab.split_words(question[2]) for question in questions]
    policies, oversight, agreements = (_count_per_question(rows, table, topics) for table in EVIDENCE_TABLES)
    return tuple(
        QuestionEvidence(
            position=int(position),
            short_title=short_title or text[:60],
            topic_labels=tuple(vocab.label(vocab.TOPICS, topic) for topic in topics[number]),
            policies=policies[number],
            oversight_actions=oversight[number],
            agreements=agreements[number],
        )
        for number, (position, text, _topics, short_title) in enumerate(questions)
    )
