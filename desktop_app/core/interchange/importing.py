"""`import FILE`: partnerships from CSV/XLSX or a whole records file (.json), all or nothing, with a dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..db.engine import Database
from .reading import sniff_kind


class ImportReport(Protocol):
    def lines(self) -> list[str]: ...


class _DryRunDone(Exception):
    """Rolls back a dry run's transaction once the report is made."""


def import_file(db: Database, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Imports a file in one transaction; a dry run does the same work and rolls it back."""
    path = Path(path)
    kind = sniff_kind(path)
    report: ImportReport | None = None
    try:
        with db.writing() as session:
            if kind == "json":
                from .records_file import import_records_file

                report = import_records_file(session, path, dry_run=dry_run)
            else:
                from .partnership_table import import_table

                report = import_table(session, path, kind, dry_run=dry_run)
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    assert report is not None
    return report
