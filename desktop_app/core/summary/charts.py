"""The numbers of the home page's small charts: partnerships by status per year, oversight by topic per year, and
the evidence a draft response offers for each question of the open inquiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Date, Integer, column, extract, func, or_, select, table, text

from .. import vocab
from ..db.engine import Database
from .data import EVIDENCE_CHART, OVERSIGHT_CHART, STATUS_CHART, Chart, ChartGroup

if TYPE_CHECKING:
    from .evidence import QuestionCount

YEARS_SHOWN = 10
# The status chart goes back to the first year a partnership is known, but not past this many years: an
# establishment year mistyped by a century would otherwise draw hundreds of empty bars.
STATUS_YEARS_AT_MOST = 75
NO_HISTORY = "No partnership has a status history yet."
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
_PARTNERSHIP = table(
    "partnership",
    column("id", Integer),
    column("deleted_at"),
    column("established_on", Date),
    column("established_year", Integer),
)
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
    """How many live partnerships stood at each status at the end of each year (today for this year), from the
    earliest year a partnership's status history or its establishment names, not the year it was entered.

    The history is read in the order the status history shows it: the status a partnership was entered with comes
    first, however later changes were dated. Before the entry, an established partnership counts as active from
    its establishment: the status it was entered with (dormant, terminated) is known only from the entry's date.
    """
    histories = _status_histories(connection, as_of)
    established = _established_years(connection)
    changes = {key: _changes_from_start(history, established.get(key)) for key, history in histories.items()}
    first = min((history[0][0] for history in changes.values()), default=None)
    if first is not None:
        first = max(first, as_of.year - STATUS_YEARS_AT_MOST + 1)
    years = list(range(first, as_of.year + 1)) if first is not None and first <= as_of.year else []
    statuses = list(vocab.PARTNERSHIP_STATUSES)
    totals = {y: [0] * len(statuses) for y in years}
    for history in changes.values():
        for y, status in zip(years, _statuses_at_year_ends(history, years), strict=True):
            if status in statuses:
                totals[y][statuses.index(status)] += 1
    return Chart(
        STATUS_CHART,
        series=tuple(vocab.PARTNERSHIP_STATUSES.values()),
        groups=tuple(ChartGroup(str(y), tuple(totals[y])) for y in years),
        note=_undated_note(len(histories) - len(established.keys() & histories.keys())) if years else NO_HISTORY,
    )


def _undated_note(undated: int) -> str:
    if not undated:
        return ""
    if undated == 1:
        return "1 partnership has no date of establishment: it counts from the year its status was first recorded."
    return (
        f"{undated:,} partnerships have no date of establishment: "
        "they count from the year their status was first recorded."
    )


def _status_histories(connection: Connection, as_of: dt.date) -> dict[int, list[tuple[int, str]]]:
    """Each live partnership's (year, status) changes, the entry first, then in date order."""
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
    return histories


def _established_years(connection: Connection) -> dict[int, int]:
    """The year each live partnership was established, from its date or, without one, its year."""
    p = _PARTNERSHIP.c
    rows = connection.execute(
        select(p.id, extract("year", p.established_on), p.established_year).where(
            p.deleted_at.is_(None), or_(p.established_on.is_not(None), p.established_year.is_not(None))
        )
    )
    return {int(key): int(on_year if on_year is not None else year) for key, on_year, year in rows}


def _changes_from_start(history: Sequence[tuple[int, str]], established: int | None) -> list[tuple[int, str]]:
    """A partnership's (year, status) steps, the first at the earliest year known of it."""
    entered_in, entered_as = min(when for when, _ in history), history[0][1]
    if established is None or established >= entered_in:
        return [(entered_in, entered_as), *history[1:]]
    if entered_as in ("proposed", "active"):
        return [(established, entered_as), *history[1:]]
    return [(established, "active"), (entered_in, entered_as), *history[1:]]


def _statuses_at_year_ends(history: Sequence[tuple[int, str]], years: Sequence[int]) -> list[str | None]:
    """The status after the last change made by the end of each year."""
    found: list[str | None] = []
    status, number = None, 0
    for y in years:
        while number < len(history) and history[number][0] <= y:
            status = history[number][1]
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
    # Read only when there is a draft: counting evidence needs the records' classes, which opening the window
    # does without.
    from .evidence import evidence_counts

    with db.reading() as session:
        counts = evidence_counts(session, response_id)
    return Chart(
        EVIDENCE_CHART,
        series=(IN_THE_LETTER, WITHHELD),
        groups=tuple(_question_group(count, short_titles) for count in counts),
        note=f"From draft response {response_id}.",
    )


def _question_group(count: QuestionCount, short_titles: dict[int, str]) -> ChartGroup:
    title = short_titles.get(count.position, "")
    label = f"{count.position}. {title}" if title else f"Question {count.position}"
    return ChartGroup(label, (count.in_letter, count.withheld))
