"""The numbers of the home page's small charts: partnerships by status per year, oversight by topic per year, and
the evidence a draft response offers for each question of the open inquiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Date, Integer, column, extract, func, select, table, text

from .. import vocab
from ..db.engine import Database
from .data import EVIDENCE_CHART, OVERSIGHT_CHART, STATUS_CHART, Chart, ChartGroup

YEARS_SHOWN = 10
IN_THE_LETTER = "In the letter"
WITHHELD = "Withheld"

STATUS_CHANGE = table(
    "status_change",
    column("id", Integer),
    column("partnership_id", Integer),
    column("changed_on", Date),
    column("from_status"),
    column("to_status"),
)
_PARTNERSHIP = table("partnership", column("id", Integer), column("deleted_at"))
_OVERSIGHT = table("oversight_action", column("deleted_at"), column("action_on", Date), column("topics"))
_RESPONSE = table(
    "response", column("id", Integer), column("deleted_at"), column("inquiry_id", Integer), column("status")
)
CHART_TABLES = (STATUS_CHANGE, _PARTNERSHIP, _OVERSIGHT, _RESPONSE)


def shown_years(first: int | None, as_of: dt.date) -> list[int]:
    """The years a chart shows: from the first with records, at most the last ``YEARS_SHOWN``, up to this one."""
    if first is None or first > as_of.year:
        return []
    return list(range(max(first, as_of.year - YEARS_SHOWN + 1), as_of.year + 1))


def status_by_year(connection: Connection, as_of: dt.date) -> Chart:
    """How many live partnerships stood at each status at the end of each year (today for this year).

    The history is read in the order the status history shows it: the status a partnership was entered with comes
    first, however later changes were dated, so it counts from the earliest year its history names.
    """
    s, p = STATUS_CHANGE.c, _PARTNERSHIP.c
    year = extract("year", s.changed_on)
    rows = connection.execute(
        select(s.partnership_id, year, s.to_status)
        .select_from(STATUS_CHANGE.join(_PARTNERSHIP, p.id == s.partnership_id))
        .where(p.deleted_at.is_(None), s.changed_on <= as_of)
        .order_by(s.partnership_id, s.from_status.is_not(None), s.changed_on, s.id)
    ).all()
    histories: dict[int, list[tuple[int, str]]] = {}
    for partnership_id, changed_in, to_status in rows:
        histories.setdefault(int(partnership_id), []).append((int(changed_in), str(to_status)))
    first = min((min(when for when, _ in history) for history in histories.values()), default=None)
    years = shown_years(first, as_of)
    statuses = list(vocab.PARTNERSHIP_STATUSES)
    totals = {y: [0] * len(statuses) for y in years}
    for history in histories.values():
        for y, status in zip(years, _statuses_at_year_ends(history, years), strict=True):
            if status in statuses:
                totals[y][statuses.index(status)] += 1
    return Chart(
        STATUS_CHART,
        series=tuple(vocab.PARTNERSHIP_STATUSES.values()),
        groups=tuple(ChartGroup(str(y), tuple(totals[y])) for y in years),
        note="" if years else "No partnership has a status history yet.",
    )


def _statuses_at_year_ends(history: Sequence[tuple[int, str]], years: Sequence[int]) -> list[str | None]:
    """The status after the last change made by the end of each year; the entry status holds from the first year."""
    changes = [(min(when for when, _ in history), history[0][1]), *history[1:]]
    found: list[str | None] = []
    status, number = None, 0
    for y in years:
        while number < len(changes) and changes[number][0] <= y:
            status = changes[number][1]
            number += 1
        found.append(status)
    return found


def oversight_by_topic(connection: Connection, as_of: dt.date) -> Chart:
    """Live oversight actions per year and topic; an action about several topics counts under each."""
    start = dt.date(as_of.year - YEARS_SHOWN + 1, 1, 1)
    rows = _oversight_per_year_and_topics(connection, start, as_of)
    topics = list(vocab.TOPICS)
    counted: dict[int, list[int]] = {}
    for action_year, stored, count in rows:
        per_topic = counted.setdefault(int(action_year), [0] * len(topics))
        for topic in vocab.split_words(stored):
            if topic in topics:
                per_topic[topics.index(topic)] += int(count)
    years = shown_years(min(counted, default=None), as_of)
    return Chart(
        OVERSIGHT_CHART,
        series=tuple(vocab.TOPICS.values()),
        groups=tuple(ChartGroup(str(y), tuple(counted.get(y, [0] * len(topics)))) for y in years),
        note="" if years else f"No oversight action is recorded in the last {YEARS_SHOWN} years.",
    )


# Most of the actions fall in the years shown: reading the table in order beats looking each one up from the date
# index (several times over at full size), and SQLite's ISO dates give the year as their first four characters.
# The unary + keeps SQLite from choosing an index for these terms.
_SQLITE_OVERSIGHT_PER_YEAR = text(
    "SELECT CAST(substr(action_on, 1, 4) AS INTEGER) AS year, topics, count(*) FROM oversight_action "
    "WHERE +deleted_at IS NULL AND +action_on >= :start AND +action_on <= :end GROUP BY 1, 2"
)


def _oversight_per_year_and_topics(connection: Connection, start: dt.date, end: dt.date) -> list[Any]:
    if connection.dialect.name == "sqlite":
        return list(
            connection.execute(_SQLITE_OVERSIGHT_PER_YEAR, {"start": start.isoformat(), "end": end.isoformat()})
        )
    o = _OVERSIGHT.c
    year = extract("year", o.action_on)
    statement = (
        select(year, o.topics, func.count())
        .where(o.deleted_at.is_(None), o.action_on >= start, o.action_on <= end)
        .group_by(year, o.topics)
    )
    return list(connection.execute(statement))


def newest_draft(connection: Connection, inquiry_id: int | None) -> int | None:
    """The newest live draft response to the inquiry, if any."""
    if inquiry_id is None:
        return None
    r = _RESPONSE.c
    found = connection.execute(
        select(r.id)
        .where(r.inquiry_id == inquiry_id, r.status == "draft", r.deleted_at.is_(None))
        .order_by(r.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def evidence_by_question(db: Database, response_id: int | None, short_titles: dict[int, str]) -> Chart:
    """How many items of evidence the draft offers under each question, in the letter and withheld."""
    if response_id is None:
        return Chart(EVIDENCE_CHART, note="No draft response to the open inquiry yet: start one to see its evidence.")
    from ..reports.responses import evidence  # the letter's own catalogue, loaded on the worker only when needed

    questions = evidence(db, response_id)
    return Chart(
        EVIDENCE_CHART,
        series=(IN_THE_LETTER, WITHHELD),
        groups=tuple(_question_group(question, short_titles) for question in questions),
        note=f"From draft response {response_id}.",
    )


def _question_group(question: dict[str, Any], short_titles: dict[int, str]) -> ChartGroup:
    position = int(question["position"])
    items: Iterable[dict[str, Any]] = question["items"]
    withheld = sum(1 for item in items if item["excluded"])
    title = short_titles.get(position, "")
    label = f"{position}. {title}" if title else f"Question {position}"
    return ChartGroup(label, (len(question["items"]) - withheld, withheld))
