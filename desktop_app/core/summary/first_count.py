"""The home summary counted afresh before the records are opened, on a read-only connection (standard library only).

On the first start of a day no saved summary holds, and loading the database layer to open the records takes
several times longer than counting: the window counts the figures first, from a SQLite file exactly as opening
leaves it (the program's schema, the built-in inquiries in it, in WAL mode). Anything else gives no summary, never
an error: the records are opened and summed up as usual, and opening says what is wrong.
"""

from __future__ import annotations

import contextlib
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor

from ..clock import today
from ..db.quick_read import ready_as_opening_leaves_them, sqlite_reader
from ..errors import UserError
from ..host.paths import DataLocation
from .cache import LAST_EVENT_SQL, RecordsState
from .counting import count_summary
from .data import DashboardSummary

READ_TIMEOUT_SECONDS = 0.2  # a writer holding the file means the ordinary way, not a wait

Counted = tuple[DashboardSummary, RecordsState | None] | None


def start_counting(location: DataLocation) -> Future[Counted]:
    """Starts count_before_opening on a thread of its own, so that it runs while the window is being built; counts
    nothing when the summary saved at the last start still holds (that one is shown instead)."""
    from .cache import saved_summary

    def count() -> Counted:
        return None if saved_summary(location) is not None else count_before_opening(location)

    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-count")
    try:
        return beside.submit(count)
    finally:
        beside.shutdown(wait=False)


def count_before_opening(location: DataLocation) -> Counted:
    """The summary of the records at ``location`` as of today, counted without opening them, and the state of the
    records it was counted from (for saving it); None when the file is not exactly as opening them leaves it, or
    cannot be read at once."""
    path = location.sqlite_path
    if path is None or not path.is_file():
        return None
    reader = sqlite_reader(path, timeout=READ_TIMEOUT_SECONDS)
    if reader is None:
        return None
    with contextlib.closing(reader):
        try:
            # Else opening adds the built-in inquiries or refuses the records, and the figures may change.
            if not ready_as_opening_leaves_them(reader, refuse_other_schema=False):
                return None
            last = reader.rows(LAST_EVENT_SQL)
            state = RecordsState(int(last[0][0]), str(last[0][1])) if last else None
            return count_summary(reader, today()), state
        except (sqlite3.Error, UserError):
            return None
