"""The home summary saved for the next start, and its exact check against the records (standard library only).

The window shows a saved summary before the database layer is loaded, but only when the records are exactly those
it was summed from: every change to a record writes a hash-chained audit event in the same transaction, so the last
event's number and hash name the records' state. The saved summary is used only when that state, the date it was
summed for, the schema and the program's summary code all match; anything else (no file, another database, a
damaged file, a locked database) means no saved summary, and the records are summed as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import today
from ..db.schema_head import SCHEMA_HEAD
from ..host.paths import DataLocation, ensure_private_dir, sqlite_readonly_uri
from .data import (
    Chart,
    ChartGroup,
    DashboardSummary,
    FollowUp,
    QuestionEvidence,
    SummaryCharts,
    UnreviewedPartnership,
)

CACHE_FOLDER = "cache"
SUMMARY_FILE = "home-summary.json"
TEMPORARY_PREFIX = ".home-summary-"
FORMAT = 2  # 2: with the charts' numbers
LAST_EVENT_SQL = "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"
READ_TIMEOUT_SECONDS = 0.2
# The modules whose code decides what the summary holds and says: a change to any of them makes saved ones unusable.
SUMMARY_CODE = (  # under core/
    "summary/compute.py",
    "summary/counting.py",
    "summary/charts.py",
    "summary/data.py",
    "summary/cache.py",
    "vocab.py",
)


@dataclass(frozen=True)
class RecordsState:
    """The last audit event of the records: any change to a record moves it."""

    seq: int
    hash: str


def summary_file(location: DataLocation) -> Path:
    return location.data_dir / CACHE_FOLDER / SUMMARY_FILE


def save_summary(location: DataLocation, summary: DashboardSummary, state: RecordsState) -> None:
    """Writes the summary with its state for the next start, readable by the owner only, replacing the file whole."""
    database = location.sqlite_path
    program = program_fingerprint()
    if database is None or program is None:
        return
    saved = {
        "format": FORMAT,
        "schema_head": SCHEMA_HEAD,
        "program": program,
        "database": str(database.resolve()),
        "records_state": [state.seq, state.hash],
        "as_of": summary.as_of.isoformat(),
        "summary": summary_to_plain(summary),
    }
    _write_saved(location, saved)


def save_charts(location: DataLocation, charts: SummaryCharts, state: RecordsState) -> None:
    """Adds the charts to the saved summary when that was summed from the same records (else leaves it be)."""
    database = location.sqlite_path
    if database is None:
        return
    try:
        saved = json.loads(summary_file(location).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(saved, dict) or saved.get("format") != FORMAT or not isinstance(saved.get("summary"), dict):
        return
    if saved.get("records_state") != [state.seq, state.hash] or saved.get("database") != str(database.resolve()):
        return
    saved["summary"]["charts"] = _charts_plain(charts)
    _write_saved(location, saved)


def _write_saved(location: DataLocation, saved: dict[str, Any]) -> None:
    target = summary_file(location)
    ensure_private_dir(target.parent)
    for left in target.parent.glob(TEMPORARY_PREFIX + "*"):  # from a program stopped half-way through a save
        with contextlib.suppress(OSError):
            left.unlink()
    descriptor, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:  # mkstemp makes it owner-only
            json.dump(saved, stream, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def saved_summary(location: DataLocation) -> DashboardSummary | None:
    """The saved summary when it is exactly that of the records today, else None (never an error)."""
    database = location.sqlite_path
    if database is None:
        return None
    try:
        saved = json.loads(summary_file(location).read_text(encoding="utf-8"))
        as_of = today().isoformat()
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            return None
        expected = {"schema_head": SCHEMA_HEAD, "as_of": as_of, "database": str(database.resolve())}
        if any(saved.get(name) != value for name, value in expected.items()):
            return None
        program = program_fingerprint()
        if program is None or saved.get("program") != program:
            return None
        state = read_records_state(database)
        if state is None or saved.get("records_state") != [state.seq, state.hash]:
            return None
        summary = summary_from_plain(saved["summary"])
        return summary if summary.as_of.isoformat() == as_of else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, sqlite3.Error):
        return None


def read_records_state(database: Path) -> RecordsState | None:
    """The last audit event of a SQLite file at the current schema, read without changing the file; else None."""
    if not database.is_file():
        return None
    connection = sqlite3.connect(
        sqlite_readonly_uri(database), uri=True, timeout=READ_TIMEOUT_SECONDS, isolation_level=None
    )
    with contextlib.closing(connection):
        connection.execute("BEGIN")  # both reads from the same snapshot
        # Read only real tables: a view put in the place of one (a recursive one never ends) is the opening's to refuse.
        tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('alembic_version', 'audit_event')"
        ).fetchone()
        if tables is None or tables[0] != 2:
            return None
        revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        if revisions != [SCHEMA_HEAD]:
            return None
        last = connection.execute(LAST_EVENT_SQL).fetchone()
        connection.execute("ROLLBACK")
    if last is None or not isinstance(last[0], int) or not isinstance(last[1], str):
        return None
    return RecordsState(last[0], last[1])


def program_fingerprint() -> str | None:
    """A digest of the code that makes the summary; in a frozen program, the program file's size and time."""
    if getattr(sys, "frozen", False):
        with contextlib.suppress(OSError):
            status = os.stat(sys.executable)
            return f"frozen:{status.st_size}:{status.st_mtime_ns}"
        return None
    digest = hashlib.sha256()
    core = Path(__file__).parent.parent
    try:
        for name in SUMMARY_CODE:
            digest.update((core / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


# ----- the summary as JSON ---------------------------------------------------------------------------------------


def summary_to_plain(summary: DashboardSummary) -> dict[str, Any]:
    return {
        "as_of": summary.as_of.isoformat(),
        "partnership_status_counts": dict(summary.partnership_status_counts),
        "record_counts": dict(summary.record_counts),
        "unconfirmed_partnerships": summary.unconfirmed_partnerships,
        "overdue_count": summary.overdue_count,
        "due_soon_count": summary.due_soon_count,
        "overdue": [_follow_up_plain(item) for item in summary.overdue],
        "due_soon": [_follow_up_plain(item) for item in summary.due_soon],
        "unreviewed_count": summary.unreviewed_count,
        "unreviewed": [
            [item.partnership_id, item.name, item.last_review_on.isoformat() if item.last_review_on else None]
            for item in summary.unreviewed
        ],
        "inquiry_id": summary.inquiry_id,
        "inquiry_subject": summary.inquiry_subject,
        "questions": [
            [q.position, q.short_title, list(q.topic_labels), q.policies, q.oversight_actions, q.agreements]
            for q in summary.questions
        ],
        "charts": None if summary.charts is None else _charts_plain(summary.charts),
    }


def _charts_plain(charts: SummaryCharts) -> list[Any]:
    return [_chart_plain(chart) for chart in charts]


def _charts(value: Any) -> SummaryCharts | None:
    if value is None:
        return None
    status, oversight, evidence = (_chart(item) for item in _list(value, 3))
    return SummaryCharts(status, oversight, evidence)


def summary_from_plain(plain: dict[str, Any]) -> DashboardSummary:
    """The summary back from ``summary_to_plain``; raises ValueError (or TypeError, KeyError) on anything else."""
    inquiry_id = plain["inquiry_id"]
    return DashboardSummary(
        as_of=dt.date.fromisoformat(_text(plain["as_of"])),
        partnership_status_counts=_counts(plain["partnership_status_counts"]),
        record_counts=_counts(plain["record_counts"]),
        unconfirmed_partnerships=_number(plain["unconfirmed_partnerships"]),
        overdue_count=_number(plain["overdue_count"]),
        due_soon_count=_number(plain["due_soon_count"]),
        overdue=tuple(_follow_up(item) for item in _list(plain["overdue"])),
        due_soon=tuple(_follow_up(item) for item in _list(plain["due_soon"])),
        unreviewed_count=_number(plain["unreviewed_count"]),
        unreviewed=tuple(_unreviewed(item) for item in _list(plain["unreviewed"])),
        inquiry_id=None if inquiry_id is None else _number(inquiry_id),
        inquiry_subject=_text(plain["inquiry_subject"]),
        questions=tuple(_question(item) for item in _list(plain["questions"])),
        charts=_charts(plain["charts"]),
    )


def _chart_plain(chart: Chart) -> list[Any]:
    groups = [[group.label, list(group.values)] for group in chart.groups]
    return [chart.title, list(chart.series), groups, chart.note]


def _chart(item: Any) -> Chart:
    title, series, groups, note = _list(item, 4)
    names = tuple(_text(name) for name in _list(series))
    bars = []
    for group in _list(groups):
        label, values = _list(group, 2)
        counts = tuple(_number(value) for value in _list(values, len(names)))
        bars.append(ChartGroup(_text(label), counts))
    return Chart(_text(title), names, tuple(bars), _text(note))


def _follow_up_plain(item: FollowUp) -> list[Any]:
    return [item.oversight_id, item.kind_label, item.due_on.isoformat(), item.partnership]


def _follow_up(item: Any) -> FollowUp:
    oversight_id, kind_label, due_on, partnership = _list(item, 4)
    return FollowUp(_number(oversight_id), _text(kind_label), dt.date.fromisoformat(_text(due_on)), _text(partnership))


def _unreviewed(item: Any) -> UnreviewedPartnership:
    partnership_id, name, last_review_on = _list(item, 3)
    when = None if last_review_on is None else dt.date.fromisoformat(_text(last_review_on))
    return UnreviewedPartnership(_number(partnership_id), _text(name), when)


def _question(item: Any) -> QuestionEvidence:
    position, short_title, labels, policies, oversight, agreements = _list(item, 6)
    return QuestionEvidence(
        position=_number(position),
        short_title=_text(short_title),
        topic_labels=tuple(_text(label) for label in _list(labels)),
        policies=_number(policies),
        oversight_actions=_number(oversight),
        agreements=_number(agreements),
    )


def _list(value: Any, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise ValueError("not a list of the expected length")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a whole number")
    return value


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError("not a table of counts")
    return {_text(key): _number(count) for key, count in value.items()}
