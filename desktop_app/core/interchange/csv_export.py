"""A spreadsheet-safe CSV of one kind of record: personal data left out unless asked, no cell runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..db.engine import Database
from ..errors import UserError
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


def export_csv(db: Database, kind_name: str, path: Path, *, include_personal_data: bool = False) -> CsvExportResult:
    """Writes every record of a kind (not in the trash) to ``path`` as CSV; the file appears whole or not at all."""
    kind = kind_named(kind_name)
    path = Path(path).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; name the CSV file to write.")
    count = 0
    # Owner-only whatever the umask: with --include-personal-data it holds names and addresses.
    with (
        writing_whole(path, example=f"{kind.plural}.csv", what="The CSV file") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        header: list[str] | None = None
        for row in _rows(db, kind.name, include_personal_data):
            if header is None:
                header = [key for key in row if key != "record_kind"]
                writer.writerow(header)
            writer.writerow([safe_cell(row.get(key)) for key in header])
            count += 1
        if header is None:
            writer.writerow(["id", *(f.name for f in kind.fields if include_personal_data or not f.personal)])
    return CsvExportResult(str(path), kind.plural, count, include_personal_data)


def _rows(db: Database, kind_name: str, include_personal: bool) -> Iterator[Record]:
    offset = 0
    while True:
        batch = records.list_records(
            db, kind_name, records.ListQuery(offset=offset, limit=BATCH_ROWS, include_personal=include_personal)
        )
        yield from batch
        if len(batch) < BATCH_ROWS:
            return
        offset += BATCH_ROWS
