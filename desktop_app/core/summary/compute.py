"""The home summary a clerk sees first: counts by status, follow-ups, reviews due, evidence per question.

Computed with SQL expressions over the few columns it reads (no ORM), so that the window can show it before the
record layer is loaded; every figure is a COUNT or an aggregate the database answers from an index. The charts
read more (see ``charts``), so they are drawn on their own, after the rest is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Connection, Date, Integer, and_, column, func, or_, select, table, text
from sqlalchemy.sql import TableClause

from .. import vocab
from ..clock import today
from ..db.engine import Database
from .cache import LAST_EVENT_SQL, RecordsState
from .charts import evidence_by_question, newest_draft, oversight_by_topic, status_by_year
from .data import DashboardSummary, FollowUp, QuestionEvidence, SummaryCharts, UnreviewedPartnership

FOLLOW_UP_WINDOW_DAYS = 30
REVIEW_INTERVAL_DAYS = 365
REVIEW_KINDS = ("annual_review", "risk_assessment", "legal_review", "audit", "termination_review")
LISTED_AT_MOST = 8


def _record_table(name: str, *columns: Any) -> TableClause:
    return table(name, column("id", Integer), column("deleted_at"), *columns)


# The columns the summary reads (a test checks them against the models).
PARTNERSHIP = _record_table(
    "partnership",
    column("jurisdiction_id", Integer),
    column("partner_id", Integer),
    column("status"),
    column("confirmed", Boolean),
    column("last_reviewed_on", Date),
)
PARTNER = _record_table("partner", column("name"), column("native_name"), column("country_name"))
JURISDICTION = _record_table("jurisdiction", column("name"))
OVERSIGHT = _record_table(
    "oversight_action",
    column("partnership_id", Integer),
    column("kind"),
    column("action_on", Date),
    column("status"),
    column("due_on", Date),
    column("topics"),
)
POLICY = _record_table("policy", column("topics"))
AGREEMENT = _record_table("agreement", column("topics"))
INQUIRY = _record_table("inquiry", column("builtin_key"), column("received_on", Date), column("subject"))
QUESTION = table(
    "inquiry_question",
    column("inquiry_id", Integer),
    column("position", Integer),
    column("text"),
    column("topics"),
    column("short_title"),
)
RESPONSE = _record_table("response", column("inquiry_id", Integer), column("status"))
COUNTED = (
    ("partnerships", PARTNERSHIP),
    ("agreements", AGREEMENT),
    ("activities", _record_table("activity")),
    ("participants", _record_table("participant")),
    ("policies", POLICY),
    ("oversight", OVERSIGHT),
    ("inquiries", INQUIRY),
    ("responses", RESPONSE),
    ("attachments", _record_table("attachment")),
)
SUMMARY_TABLES = (PARTNERSHIP, PARTNER, JURISDICTION, OVERSIGHT, POLICY, AGREEMENT, INQUIRY, QUESTION, RESPONSE)


def _live(records: TableClause) -> ColumnElement[bool]:
    result: ColumnElement[bool] = records.c.deleted_at.is_(None)
    return result


def _count(connection: Connection, records: TableClause, *conditions: ColumnElement[bool]) -> int:
    return int(connection.execute(select(func.count()).select_from(records).where(*conditions)).scalar_one())


def _record_counts(connection: Connection) -> dict[str, int]:
    """Live records of every kind, in one statement."""
    counts = [
        select(func.count()).select_from(records).where(_live(records)).scalar_subquery().label(name)
        for name, records in COUNTED
    ]
    row = connection.execute(select(*counts)).one()
    return {name: int(row[number]) for number, (name, _records) in enumerate(COUNTED)}


def _partnership_names(connection: Connection, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    p, partner, place = PARTNERSHIP.c, PARTNER.c, JURISDICTION.c
    rows = connection.execute(
        select(p.id, place.name, partner.name, partner.native_name, partner.country_name)
        .select_from(
            PARTNERSHIP.join(PARTNER, partner.id == p.partner_id).join(JURISDICTION, place.id == p.jurisdiction_id)
        )
        .where(p.id.in_(sorted(set(ids))))
    )
    names = {}
    for partnership_id, place_name, partner_name, native_name, country in rows:
        native = f" ({native_name})" if native_name else ""
        names[int(partnership_id)] = f"{place_name} – {partner_name}{native}, {country}"
    return names


def _follow_ups(connection: Connection, condition: ColumnElement[bool]) -> tuple[int, tuple[FollowUp, ...]]:
    o = OVERSIGHT.c
    base = (_live(OVERSIGHT), o.due_on.is_not(None), condition, o.status != "closed")
    count = _count(connection, OVERSIGHT, *base)
    if not count:
        return 0, ()
    actions = connection.execute(
        select(o.id, o.kind, o.due_on, o.partnership_id).where(*base).order_by(o.due_on, o.id).limit(LISTED_AT_MOST)
    ).all()
    partnerships = _partnership_names(connection, [a.partnership_id for a in actions if a.partnership_id])
    listed = tuple(
        FollowUp(
            oversight_id=int(action.id),
            kind_label=vocab.label(vocab.OVERSIGHT_KINDS, action.kind),
            due_on=action.due_on or dt.date.min,
            partnership=partnerships.get(action.partnership_id or 0, "Program-wide"),
        )
        for action in actions
    )
    return count, listed


def _unreviewed(connection: Connection, as_of: dt.date) -> tuple[int, tuple[UnreviewedPartnership, ...]]:
    since = as_of - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    o, p = OVERSIGHT.c, PARTNERSHIP.c

    def reviews() -> list[ColumnElement[bool]]:
        # Each partnership's reviews are read from its own entries of the review index (partnership, date, kind).
        return [o.partnership_id == p.id, _live(OVERSIGHT), o.kind.in_(REVIEW_KINDS)]

    recent_review = select(o.id).where(*reviews(), o.action_on >= since).exists()
    condition = and_(
        _live(PARTNERSHIP),
        p.status.in_(("active", "proposed", "dormant", "suspended")),
        or_(p.last_reviewed_on.is_(None), p.last_reviewed_on < since),
        ~recent_review,
    )
    count = _count(connection, PARTNERSHIP, condition)
    if not count:
        return 0, ()
    last_review = select(func.max(o.action_on)).where(*reviews()).scalar_subquery()
    rows = connection.execute(
        select(p.id, p.last_reviewed_on, last_review.label("reviewed_on"))
        .where(condition)
        .order_by(p.id)
        .limit(LISTED_AT_MOST)
    ).all()
    names = _partnership_names(connection, [row.id for row in rows])
    listed = []
    for row in rows:
        candidates = [d for d in (row.last_reviewed_on, row.reviewed_on) if d is not None]
        listed.append(UnreviewedPartnership(int(row.id), names.get(row.id, ""), max(candidates, default=None)))
    return count, tuple(listed)


def _count_per_question(connection: Connection, records: TableClause, questions: Sequence[Sequence[str]]) -> list[int]:
    """For each question's topics, how many live records carry any of them.

    The database counts the records per distinct set of topics (few: the topics are a small vocabulary, stored
    sorted); which sets answer which question is decided here.
    """
    topics = records.c.topics
    rows = connection.execute(select(topics, func.count()).where(_live(records)).group_by(topics)).all()
    totals = [0] * len(questions)
    for stored, count in rows:
        words = set(vocab.split_words(stored))
        for number, wanted in enumerate(questions):
            if words.intersection(wanted):
                totals[number] += int(count)
    return totals


def _open_inquiry(connection: Connection) -> Any:
    """The inquiry still to answer: the latest received without an issued response, else the built-in letter."""
    i, r = INQUIRY.c, RESPONSE.c
    issued = select(r.inquiry_id).where(r.status == "issued", _live(RESPONSE))
    candidates = connection.execute(
        select(i.id, i.subject, i.builtin_key)
        .where(_live(INQUIRY), i.id.not_in(issued))
        .order_by(i.received_on.desc(), i.id.desc())
    ).all()
    unanswered = [inquiry for inquiry in candidates if inquiry.builtin_key is None]
    if unanswered:
        return unanswered[0]
    return candidates[0] if candidates else None


def question_evidence(connection: Connection, inquiry_id: int) -> tuple[QuestionEvidence, ...]:
    q = QUESTION.c
    questions = connection.execute(
        select(q.position, q.text, q.topics, q.short_title).where(q.inquiry_id == inquiry_id).order_by(q.position)
    ).all()
    topics = [vocab.split_words(question.topics) for question in questions]
    policies = _count_per_question(connection, POLICY, topics)
    oversight = _count_per_question(connection, OVERSIGHT, topics)
    agreements = _count_per_question(connection, AGREEMENT, topics)
    return tuple(
        QuestionEvidence(
            position=int(question.position),
            short_title=question.short_title or question.text[:60],
            topic_labels=tuple(vocab.label(vocab.TOPICS, topic) for topic in topics[number]),
            policies=policies[number],
            oversight_actions=oversight[number],
            agreements=agreements[number],
        )
        for number, question in enumerate(questions)
    )


def dashboard_summary(db: Database, as_of: dt.date | None = None) -> DashboardSummary:
    """The home page's figures, computed in the database (no table is read whole) in one read transaction."""
    return summary_and_state(db, as_of)[0]


def summary_and_state(db: Database, as_of: dt.date | None = None) -> tuple[DashboardSummary, RecordsState | None]:
    """The home page's figures and, on SQLite, the state of the records they were summed from (the last audit
    event), both read in the same transaction so that the pair can be saved for the next start."""
    with db.reading_rows() as connection:
        state = _records_state(db, connection)
        return _summary_in(connection, as_of or today()), state


def _records_state(db: Database, connection: Connection) -> RecordsState | None:
    if not db.is_sqlite:
        return None
    last = connection.execute(text(LAST_EVENT_SQL)).first()
    return RecordsState(int(last[0]), str(last[1])) if last is not None else None


def charts_and_state(db: Database, as_of: dt.date | None = None) -> tuple[SummaryCharts, RecordsState | None]:
    """The home page's charts, drawn after the rest of the summary is shown (they read more), and on SQLite the
    state of the records they were drawn from, so that they can join the saved summary."""
    day = as_of or today()
    with db.reading_rows() as connection:
        state = _records_state(db, connection)
        status, oversight = status_by_year(connection, day), oversight_by_topic(connection, day)
        inquiry = _open_inquiry(connection)
        titles = _question_titles(connection, int(inquiry.id)) if inquiry else {}
        draft = newest_draft(connection, int(inquiry.id) if inquiry else None)
    # Read after the state: a change made meanwhile leaves the saved state behind the records, so it is not used.
    return SummaryCharts(status, oversight, evidence_by_question(db, draft, titles)), state


def _question_titles(connection: Connection, inquiry_id: int) -> dict[int, str]:
    q = QUESTION.c
    rows = connection.execute(select(q.position, q.short_title, q.text).where(q.inquiry_id == inquiry_id))
    return {int(row.position): row.short_title or row.text[:60] for row in rows}


def _summary_in(connection: Connection, as_of: dt.date) -> DashboardSummary:
    o, p = OVERSIGHT.c, PARTNERSHIP.c
    record_counts = _record_counts(connection)
    statuses: dict[str, int] = {}
    unconfirmed = 0
    for status, confirmed, count in connection.execute(
        select(p.status, p.confirmed, func.count()).where(_live(PARTNERSHIP)).group_by(p.status, p.confirmed)
    ):
        statuses[str(status)] = statuses.get(str(status), 0) + int(count)
        unconfirmed += int(count) if confirmed is False else 0
    overdue_count, overdue = _follow_ups(connection, o.due_on < as_of)
    soon = as_of + dt.timedelta(days=FOLLOW_UP_WINDOW_DAYS)
    due_soon_count, due_soon = _follow_ups(connection, and_(o.due_on >= as_of, o.due_on <= soon))
    unreviewed_count, unreviewed = _unreviewed(connection, as_of)
    inquiry = _open_inquiry(connection)
    return DashboardSummary(
        as_of=as_of,
        partnership_status_counts=statuses,
        record_counts=record_counts,
        unconfirmed_partnerships=unconfirmed,
        overdue_count=overdue_count,
        due_soon_count=due_soon_count,
        overdue=overdue,
        due_soon=due_soon,
        unreviewed_count=unreviewed_count,
        unreviewed=unreviewed,
        inquiry_id=int(inquiry.id) if inquiry else None,
        inquiry_subject=inquiry.subject if inquiry else "",
        questions=question_evidence(connection, int(inquiry.id)) if inquiry else (),
    )
