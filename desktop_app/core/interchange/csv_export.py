"""A spreadsheet-safe CSV of one kind of record: personal data left out unless asked, no cell runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..db.engine import Database
from ..errors import Stopped, UserError
from ..host.user_files import writing_whole
from ..records import service as records
from ..records.kinds import kind_named
from ..records.plain import Record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH_ROWS = 2000


@dataclass(frozen=True)
class CsvExportResult:
    """Where the CSV went, how many rows it has, and whether personal data is in it."""

    path: str
    kind: str
    rows: int
    personal_data: bool

    def sentence(self) -> str:
        personal = "with personal data" if self.personal_data else "without personal data"
        noun = "row" if self.rows == 1 else "rows"
        return f"Wrote {self.rows} {noun} of {self.kind} to {self.path} ({personal})."


def safe_cell(value: Any) -> str:
    """The text of a cell, with a leading quote when a spreadsheet would otherwise read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)  # a number is never a formula, and keeps its sign
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(
    db: Database,
    kind_name: str,
    path: Path,
    *,
    include_personal_data: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    query: records.ListQuery | None = None,
) -> CsvExportResult:
    """Writes every record of a kind (not in the trash) to ``path`` as CSV; the file appears whole or not at all.

    ``query`` narrows and orders the rows as a list shows them (its filters, text, dates and order; its window of
    rows is ignored): a list exports exactly the rows it shows. ``progress(rows, total)`` hears each batch of rows
    written; when ``cancel()`` is true between batches it raises Stopped and writes no file.
    """
    kind = kind_named(kind_name)
    path = Path(path).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; name the CSV file to write.")
    whole = replace(query or records.ListQuery(), offset=0, limit=None, include_personal=include_personal_data)
    total = records.count_records(db, kind.name, whole)
    count = 0
    # Owner-only whatever the umask: with --include-personal-data it holds names and addresses.
    with (
        writing_whole(path, example=f"{kind.plural}.csv", what="The CSV file") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        header: list[str] | None = None
        for row in _rows(db, kind.name, whole):
            if count % BATCH_ROWS == 0:
                _batch_begins(count, total, progress, cancel)
            if header is None:
                header = [key for key in row if key != "record_kind"]
                writer.writerow(header)
            writer.writerow([safe_cell(row.get(key)) for key in header])
            count += 1
        if header is None:
            writer.writerow(["id", *(f.name for f in kind.fields if include_personal_data or not f.personal)])
        _batch_begins(count, total, progress, cancel)  # stopping before the file takes its place keeps none
    return CsvExportResult(str(path), kind.plural, count, include_personal_data)


def _batch_begins(
    done: int, total: int, progress: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None
) -> None:
    if cancel is not None and cancel():
        raise Stopped("Stopped; no CSV file was written.")
    if progress is not None:
        progress(done, max(total, done))


def _rows(db: Database, kind_name: str, whole: records.ListQuery) -> Iterator[Record]:
    offset = 0
    while True:
        batch = records.list_records(db, kind_name, replace(whole, offset=offset, limit=BATCH_ROWS))
        yield from batch
        if len(batch) < BATCH_ROWS:
            return
        offset += BATCH_ROWS
