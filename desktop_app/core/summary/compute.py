"""The home summary a clerk sees first, read through the open records: the figures, the charts, and the state.

The figures are counted in plain SQL (see ``counting``), the same way before the database layer is loaded; every
figure is a COUNT or an aggregate the database answers from an index. The charts read more (see ``charts``), so
they are drawn on their own, after the rest is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Integer, column, select, table, text
from sqlalchemy.sql import TableClause

from ..clock import today
from ..db.engine import Database
from ..db.row_source import ConnectionRows
from .cache import LAST_EVENT_SQL, RecordsState
from .charts import evidence_by_question, newest_draft, oversight_by_topic, status_by_year
from .counting import COUNTED_TABLES, count_summary, open_inquiry
from .data import DashboardSummary, SummaryCharts


def _record_table(name: str, *columns: Any) -> TableClause:
    return table(name, column("id", Integer), column("deleted_at"), *columns)


# The columns the summary's SQL reads (see ``counting``; a test checks them against the models).
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
COUNTED = tuple((name, _record_table(records)) for name, records in COUNTED_TABLES)
SUMMARY_TABLES = (PARTNERSHIP, PARTNER, JURISDICTION, OVERSIGHT, POLICY, AGREEMENT, INQUIRY, QUESTION, RESPONSE)


def dashboard_summary(db: Database, as_of: dt.date | None = None) -> DashboardSummary:
    """The home page's figures, computed in the database (no table is read whole) in one read transaction."""
    return summary_and_state(db, as_of)[0]


def summary_and_state(db: Database, as_of: dt.date | None = None) -> tuple[DashboardSummary, RecordsState | None]:
    """The home page's figures and, on SQLite, the state of the records they were summed from (the last audit
    event), both read in the same transaction so that the pair can be saved for the next start."""
    with db.reading_rows() as connection:
        state = _records_state(db, connection)
        return count_summary(ConnectionRows(connection), as_of or today()), state


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
        inquiry = open_inquiry(ConnectionRows(connection))
        inquiry_id = int(inquiry[0]) if inquiry else None
        titles = _question_titles(connection, inquiry_id) if inquiry_id is not None else {}
        draft = newest_draft(connection, inquiry_id)
    # Read after the state: a change made meanwhile leaves the saved state behind the records, so it is not used.
    return SummaryCharts(status, oversight, evidence_by_question(db, draft, titles)), state


def _question_titles(connection: Connection, inquiry_id: int) -> dict[int, str]:
    q = QUESTION.c
    rows = connection.execute(select(q.position, q.short_title, q.text).where(q.inquiry_id == inquiry_id))
    return {int(row.position): row.short_title or row.text[:60] for row in rows}
