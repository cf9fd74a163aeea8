"""What importing a table of partnerships would do, shown before it is done: columns, first rows, problems, counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..db.engine import Database
from ..errors import UserError
from ..records.kinds import PARTNER, PARTNERSHIP
from ..wording import plural
from .partnership_table import check_table, would_add
from .reading import sniff_kind

PREVIEW_ROWS = 20


class _Counted(Exception):
    """Rolls back the dry run's transaction once its counts are taken."""


@dataclass(frozen=True)
class ImportPreview:
    """A table read and checked, and a dry run of its rows without problems; nothing was written."""

    file_name: str
    sheet_name: str | None
    headers: list[str]
    columns_used: dict[str, str]  # header → field
    columns_ignored: list[str]
    first_rows: list[tuple[int, list[str]]]  # (row number, cells as in the file)
    rows: int
    problems: list[tuple[int, str]]  # (row number, problem), row by row
    partnerships_would_add: int
    partnerships_present: int
    jurisdictions_would_add: int
    partners_would_add: int
    refused: str = ""  # a sentence when the table as a whole cannot be imported (e.g. no city column, no home city)
    problem_rows: list[int] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        """True when importing would succeed: every row is sound and the table as a whole is accepted."""
        return not self.problems and not self.refused and self.rows > 0

    def problems_of_row(self, number: int) -> list[str]:
        return [problem for row, problem in self.problems if row == number]

    def summary(self) -> str:
        """The dry run in one sentence, e.g. "41 partnerships would be added, 3 rows have problems"."""
        added = plural(self.partnerships_would_add, "partnership")
        text = f"{added} would be added"
        if self.partnerships_present:
            text += f" ({self.partnerships_present} already in the records)"
        if self.problem_rows:
            have = "has" if len(self.problem_rows) == 1 else "have"
            text += f", {plural(len(self.problem_rows), 'row')} {have} problems"
        return text + "."


def field_label(column: str) -> str:
    """The words a clerk knows for a column an import fills (its key as ``HEADER_SYNONYMS`` names it)."""
    if column in _OWN_LABELS:
        return _OWN_LABELS[column]
    kind = PARTNER if column in _PARTNER_COLUMNS else PARTNERSHIP
    return kind.field(column).label


_OWN_LABELS = {"us_city": "US city", "us_state": "US state", "partner_name": "Partner community"}
_PARTNER_COLUMNS = {"native_name", "region", "country_name", "country_code"}


def preview_import(db: Database, path: Path, *, first_rows: int = PREVIEW_ROWS) -> ImportPreview:
    """Reads and checks a CSV or Excel table of partnerships and counts, in a transaction rolled back, what its rows
    without problems would add. Raises UserError for a file that is not such a table."""
    path = Path(path)
    kind = sniff_kind(path)
    if kind == "json":
        raise UserError(
            f"{path.name} is a records file, not a table of partnerships; "
            "choose a CSV or Excel (.xlsx) file to import partnerships."
        )
    checked = check_table(path, kind, keep_rows=first_rows)
    problem_rows = checked.rows_with_problems()
    sound = checked.table.without_rows(set(problem_rows))
    report = checked.report
    refused = "" if checked.table.numbers else f"{path.name} has a header but no rows to import."
    try:
        with db.writing() as session:
            would_add(session, path, sound, report)
            raise _Counted
    except _Counted:
        pass
    except UserError as exc:
        refused = exc.message
    return ImportPreview(
        file_name=path.name,
        sheet_name=report.sheet_name,
        headers=checked.headers,
        columns_used=dict(report.columns_used),
        columns_ignored=list(report.columns_ignored),
        first_rows=checked.first_rows,
        rows=report.rows,
        problems=checked.problems,
        partnerships_would_add=report.partnerships_added,
        partnerships_present=report.partnerships_present,
        jurisdictions_would_add=report.jurisdictions_added,
        partners_would_add=report.partners_added,
        refused=refused,
        problem_rows=problem_rows,
    )
