"""`import FILE`: partnerships from CSV/XLSX or a whole records file (.json), all or nothing, with a dry run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..db.engine import Database
from ..errors import Stopped
from .reading import sniff_kind

IMPORT_STEPS = 2  # the rows read, checked and written; then saved


class ImportReport(Protocol):
    def lines(self) -> list[str]: ...


class _DryRunDone(Exception):
    """Rolls back a dry run's transaction once the report is made."""


def import_file(
    db: Database,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Imports a file in one transaction; a dry run does the same work and rolls it back.

    ``progress(done, total)`` hears each of its steps (begun, written, saved); when ``cancel()`` is true
    before the transaction commits, it raises Stopped and nothing is kept.
    """
    path = Path(path)
    report_step = progress or (lambda _done, _total: None)
    report_step(0, IMPORT_STEPS)
    kind = sniff_kind(path)
    report: ImportReport | None = None
    try:
        with db.writing() as session:
            _stop_if_asked(cancel)
            if kind == "json":
                from .records_file import import_records_file

                report = import_records_file(session, path, dry_run=dry_run)
            else:
                from .partnership_table import import_table

                report = import_table(session, path, kind, dry_run=dry_run)
            report_step(1, IMPORT_STEPS)
            _stop_if_asked(cancel)  # the last moment at which stopping still keeps nothing
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    assert report is not None
    report_step(IMPORT_STEPS, IMPORT_STEPS)
    return report


def _stop_if_asked(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise Stopped("Stopped; nothing was imported.")
