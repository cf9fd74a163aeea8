"""Imports partnerships from a CSV or XLSX table: header names mapped to fields, checked row by row, all or nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import current_actor, today, utc_now_text
from ..db import models
from ..db.bulk import collection_paused, indexes_built_after, insert_rows, reserve_ids, roomy_cache
from ..errors import UserError
from ..host.user_files import file_sha256
from ..records.audit import append_event
from ..records.fields import Field, parse_value
from ..records.indexing import imported_partnership_documents
from ..records.kinds import PARTNER, PARTNERSHIP
from ..records.parties import home_jurisdiction_in
from ..search.index import index_documents_in, stores_index_text
from ..wording import join_problems, plural
from .reading import read_csv_rows, read_xlsx_rows

# Header names a clerk's spreadsheet may use, after lower-casing and joining words with "_".
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "us_city": ("us_city", "city", "jurisdiction", "us_jurisdiction", "american_city", "our_city"),
    "us_state": ("us_state", "state"),
    "partner_name": (
        "foreign_city",
        "partner",
        "partner_city",
        "sister_city",
        "partner_name",
        "foreign_partner",
        "partner_community",
        "romanized_name",
    ),
    "native_name": ("native_name", "partner_native_name", "chinese_name", "local_name", "name_in_native_script"),
    "region": ("foreign_province", "province", "region", "partner_region", "prefecture"),
    "country_name": ("country", "partner_country", "country_name"),
    "country_code": ("country_code", "iso_country", "iso_3166"),
    "established_year": ("established_year", "year", "year_established"),
    "established_on": ("established_on", "established", "date_established", "established_date"),
    "status": ("status",),
    "kind": ("kind", "type", "partnership_kind", "partnership_type"),
    "source": ("source_url", "source", "sources"),
    "notes": ("notes", "note", "comments"),
    "council_resolution_number": ("council_resolution_number", "resolution_number", "resolution"),
    "council_resolution_on": ("council_resolution_on", "resolution_date", "council_resolution_date"),
}
_COLUMN_FOR_HEADER = {synonym: column for column, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms}
MAX_PROBLEMS_SHOWN = 5
# The page cache while an import writes (the default is 2 MB); the rows are appended in id order, so a modest one does.
BULK_CACHE_MIB = 32


@dataclass
class TableImportReport:
    """What an import of a table did (or, in a dry run, would do)."""

    file_name: str
    dry_run: bool
    sheet_name: str | None = None  # the sheet read, for a workbook
    rows: int = 0
    partnerships_added: int = 0
    partnerships_present: int = 0
    jurisdictions_added: int = 0
    partners_added: int = 0
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would add" if self.dry_run else "added"
        lines = [f'Read the sheet "{self.sheet_name}" of {self.file_name}.'] if self.sheet_name is not None else []
        lines += [
            f"{self.file_name}: {plural(self.rows, 'row')} read; "
            f"{verb} {plural(self.partnerships_added, 'partnership')} "
            f"({self.partnerships_present} already in the records), "
            f"{plural(self.jurisdictions_added, 'US jurisdiction')} and "
            f"{plural(self.partners_added, 'partner community', 'partner communities')}.",
            "Columns used: " + ", ".join(f"{header} → {column}" for header, column in self.columns_used.items()),
        ]
        if self.columns_ignored:
            lines.append("Columns ignored: " + ", ".join(self.columns_ignored))
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return lines


def normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def map_headers(headers: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Column index → field, header → field (for the report), and the headers left unused."""
    by_index: dict[int, str] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        column = _COLUMN_FOR_HEADER.get(normalise_header(header))
        if column is None or column in by_index.values():
            if header.strip():
                ignored.append(header.strip())
            continue
        by_index[index] = column
        used[header.strip()] = column
    return by_index, used, ignored


@dataclass
class ParsedTable:
    """The checked rows of a table, column by column (a table of 100,000 rows is checked a column at a time)."""

    numbers: list[int]
    cities: list[str] | None  # None: the table has no US city column; the rows go to the clerk's own city
    states: list[str]
    partner: dict[str, list[Any]]  # "name" and _PARTNER_COLUMNS
    partnership: dict[str, list[Any]]  # _PARTNERSHIP_COLUMNS

    def without_rows(self, row_numbers: set[int]) -> ParsedTable:
        """The same table less the rows of those numbers (rows with problems, for a dry run of the rest)."""
        keep = [position for position, number in enumerate(self.numbers) if number not in row_numbers]

        def kept(values: list[Any]) -> list[Any]:
            return [values[position] for position in keep]

        return ParsedTable(
            kept(self.numbers),
            None if self.cities is None else kept(self.cities),
            kept(self.states),
            {column: kept(values) for column, values in self.partner.items()},
            {column: kept(values) for column, values in self.partnership.items()},
        )


_PARTNERSHIP_COLUMNS = (
    "kind",
    "status",
    "established_year",
    "established_on",
    "source",
    "notes",
    "council_resolution_number",
    "council_resolution_on",
)
_PARTNER_COLUMNS = ("native_name", "region", "country_name", "country_code")
_PARTNER_NAME = PARTNER.field("name")
_PARTNER_FIELDS = tuple((column, PARTNER.field(column)) for column in _PARTNER_COLUMNS)
_PARTNERSHIP_FIELDS = tuple((column, PARTNERSHIP.field(column)) for column in _PARTNERSHIP_COLUMNS)
_DEFAULT_CHOICES = {"kind": "sister_city", "status": "active"}
_STATE_FIELD = Field("us_state", "text", "US state", max_length=2)
_CITY_FIELD = Field("us_city", "text", "US city", max_length=200)


def _check(field_spec: Field, raw: str, default: Any) -> tuple[Any, str | None]:
    if default is not None and not raw.strip():
        return default, None
    # The common case, plain short text, without parse_value's general path; anything else goes through it.
    if field_spec.type in ("text", "longtext") and len(raw) <= 200 and raw.isprintable():
        stripped = raw.strip()
        fits = field_spec.max_length is None or len(stripped) <= field_spec.max_length
        if (stripped or not field_spec.required) and fits:
            return stripped, None
    return parse_value(field_spec, raw)


class _Problems:
    """The problems found, kept in the order of the rows and, within a row, of the columns checked."""

    def __init__(self) -> None:
        self._found: list[tuple[int, int, str]] = []
        self._columns = 0

    def check_column(self, field_spec: Field, raws: Sequence[str], default: Any = None) -> list[Any]:
        """The column's values, each distinct raw value checked once (a table repeats values a lot)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for raw in set(raws):
            values[raw], problem = _check(field_spec, raw, default)
            if problem:
                problems[raw] = problem
        self._columns += 1
        if problems:
            for position, raw in enumerate(raws):
                if raw in problems:
                    self._found.append((position, self._columns, problems[raw]))
        return list(map(values.__getitem__, raws))

    def add(self, position: int, problem: str) -> None:
        self._columns += 1
        self._found.append((position, self._columns, problem))

    def sentences(self, numbers: list[int]) -> list[str]:
        return [f"row {numbers[position]}: {problem}" for position, _, problem in sorted(self._found)]

    def by_row(self, numbers: list[int]) -> list[tuple[int, str]]:
        """Each problem with the number of its row, in the order of ``sentences``."""
        return [(numbers[position], problem) for position, _, problem in sorted(self._found)]


def read_table(path: Path, kind: str) -> tuple[ParsedTable, TableImportReport, list[str]]:
    """The table's rows checked, the report so far, and the problems found (a sentence each, row by row)."""
    checked = check_table(path, kind)
    return checked.table, checked.report, checked.sentences()


@dataclass
class CheckedTable:
    """A table read and checked, nothing written: what an import would take, and what it would refuse."""

    table: ParsedTable
    report: TableImportReport
    headers: list[str]
    first_rows: list[tuple[int, list[str]]]  # the first rows as the file has them, each with its number
    problems: list[tuple[int, str]]  # (row number, problem), row by row

    def sentences(self) -> list[str]:
        return [f"row {number}: {problem}" for number, problem in self.problems]

    def rows_with_problems(self) -> list[int]:
        return sorted({number for number, _problem in self.problems})


def check_table(path: Path, kind: str, *, keep_rows: int = 0) -> CheckedTable:
    """Reads and checks every row of the table; keeps the first ``keep_rows`` rows (not empty) as they are."""
    sheet_name: str | None = None
    if kind == "csv":
        headers, rows = read_csv_rows(path)
    else:
        sheet_name, headers, rows = read_xlsx_rows(path)
    by_index, used, ignored = map_headers(headers)
    if "partner_name" not in by_index.values():
        expected = ", ".join(HEADER_SYNONYMS["partner_name"][:4])
        raise UserError(
            f"{path.name} has no column naming the partner community (expected a header such as {expected})."
        )
    report = TableImportReport(
        path.name, dry_run=False, sheet_name=sheet_name, columns_used=used, columns_ignored=ignored
    )
    numbers: list[int] = []
    kept: list[list[str]] = []
    first_rows: list[tuple[int, list[str]]] = []
    width = max(by_index) + 1
    for number, cells in rows:
        if any(map(str.strip, cells)):
            if len(first_rows) < keep_rows:
                first_rows.append((number, list(cells)))
            if len(cells) != width:  # cut or filled up to the last column read
                cells = [*cells[:width], *[""] * (width - len(cells))]
            numbers.append(number)
            kept.append(cells)
    report.rows = len(kept)
    columns = list(zip(*kept, strict=True)) if kept else [() for _ in range(width)]
    del kept
    raw: dict[str, Sequence[str]] = {column: columns[index] for index, column in by_index.items()}
    problems = _Problems()
    table = _check_columns_into(problems, raw, len(numbers), numbers)
    return CheckedTable(table, report, list(headers), first_rows, problems.by_row(numbers))


def would_add(session: Session, path: Path, table: ParsedTable, report: TableImportReport) -> TableImportReport:
    """Writes the checked rows into the caller's transaction, which the caller rolls back: a dry run's counts."""
    report.dry_run = True
    if table.numbers:
        tables = [
            _table(model) for model in (models.Jurisdiction, models.Partner, models.Partnership, models.StatusChange)
        ]
        with (
            collection_paused(),
            roomy_cache(session, BULK_CACHE_MIB),
            indexes_built_after(session, tables, len(table.numbers)),
        ):
            _write_table(session, path, table, report)
    return report


def _check_columns_into(
    problems: _Problems, raw: dict[str, Sequence[str]], count: int, numbers: list[int]
) -> ParsedTable:
    partner = {"name": problems.check_column(_PARTNER_NAME, raw["partner_name"])}
    for column, field_spec in _PARTNER_FIELDS:
        partner[column] = (
            problems.check_column(field_spec, raw[column])
            if column in raw
            else [parse_value(field_spec, "")[0]] * count
        )
    partner["country_code"] = [str(code).upper() if code else code for code in partner["country_code"]]
    partnership: dict[str, list[Any]] = {}
    for column, field_spec in _PARTNERSHIP_FIELDS:
        default = _DEFAULT_CHOICES.get(column)
        if column in raw:
            partnership[column] = problems.check_column(field_spec, raw[column], default)
        else:
            partnership[column] = [default if default is not None else parse_value(field_spec, "")[0]] * count
    cities = problems.check_column(_CITY_FIELD, raw["us_city"]) if "us_city" in raw else None
    states = [
        str(state or "").upper() for state in problems.check_column(_STATE_FIELD, raw.get("us_state", [""] * count))
    ]
    if cities is not None:
        for position in (position for position, city in enumerate(cities) if not city):
            problems.add(position, "the US city is empty.")
    return ParsedTable(numbers, cities, states, partner, partnership)


def import_table(session: Session, path: Path, kind: str, *, dry_run: bool) -> TableImportReport:
    """Checks every row first; imports all rows in the caller's transaction, or raises and imports none."""
    with collection_paused():
        return _import_table(session, path, kind, dry_run=dry_run)


def _import_table(session: Session, path: Path, kind: str, *, dry_run: bool) -> TableImportReport:
    table, report, problems = read_table(path, kind)
    report.dry_run = dry_run
    if problems:
        raise UserError(f"Nothing was imported from {path.name}: {join_problems(problems, MAX_PROBLEMS_SHOWN)}.")
    if not table.numbers:
        raise UserError(f"{path.name} has a header but no rows to import.")
    tables = [_table(model) for model in (models.Jurisdiction, models.Partner, models.Partnership, models.StatusChange)]
    with roomy_cache(session, BULK_CACHE_MIB), indexes_built_after(session, tables, len(table.numbers)):
        _write_table(session, path, table, report)
    return report


def _key(*parts: str) -> tuple[str, ...]:
    return tuple(part.strip().casefold() for part in parts)


def _write_table(session: Session, path: Path, table: ParsedTable, report: TableImportReport) -> None:
    now = utc_now_text()
    count = len(table.numbers)
    # The names each row's partnership shows: those already in the records for a community or city found there.
    places = _jurisdictions_of_rows(session, path, table, now, report)
    partners = _partners_of_rows(session, table, now, report)
    existing = {
        tuple(row)
        for row in session.execute(
            select(models.Partnership.jurisdiction_id, models.Partnership.partner_id, models.Partnership.kind)
        )
    }
    kinds = table.partnership["kind"]
    chosen: list[int] = []
    for position in range(count):
        triple = (places[position][0], partners[position][0], kinds[position])
        if triple in existing:
            report.partnerships_present += 1
        else:
            existing.add(triple)
            chosen.append(position)
    ids = reserve_ids(session, _table(models.Partnership), len(chosen))
    documents = imported_partnership_documents(
        ids, _searched_columns(table, chosen, places, partners), in_index_form=stores_index_text(session)
    )
    if stores_index_text(session):
        _insert_partnerships(session, table, ids, chosen, places, partners, now)
    else:
        # The server checks and indexes the rows long after they are sent: the documents are made meanwhile.
        with ThreadPoolExecutor(max_workers=1) as beside:
            made = beside.submit(list, documents)
            _insert_partnerships(session, table, ids, chosen, places, partners, now)
            documents = iter(made.result())
    index_documents_in(session, "partnership", documents)
    report.partnerships_added = len(ids)
    append_event(
        session,
        actor=current_actor(),
        action="import",
        record_kind="partnership",
        record_id=None,
        after={
            "file": path.name,
            "sha256": file_sha256(path),
            "rows": report.rows,
            "partnerships_added": report.partnerships_added,
            "partnership_ids": _ranges(list(ids)),
            "jurisdictions_added": report.jurisdictions_added,
            "partners_added": report.partners_added,
        },
    )


def _insert_partnerships(
    session: Session,
    table: ParsedTable,
    ids: Sequence[int],
    chosen: list[int],
    places: list[tuple[int, str, str]],
    partners: list[tuple[int, str, str, str, str]],
    now: str,
) -> None:
    """The chosen rows' partnerships under their ids, each with the status change that starts its history."""
    values = list(zip(*(table.partnership[column] for column in _PARTNERSHIP_COLUMNS), strict=True))
    insert_rows(
        session,
        _table(models.Partnership),
        ("id", "jurisdiction_id", "partner_id", *_PARTNERSHIP_COLUMNS),
        [
            (record_id, places[position][0], partners[position][0], *values[position])
            for record_id, position in zip(ids, chosen, strict=True)
        ],
        {"confirmed": True, "created_at": now, "updated_at": now},
    )
    established_on, status = table.partnership["established_on"], table.partnership["status"]
    reason, started = "Status when the partnership was imported.", today()
    insert_rows(
        session,
        _table(models.StatusChange),
        ("partnership_id", "changed_on", "to_status"),
        [
            (record_id, established_on[position] or started, status[position])
            for record_id, position in zip(ids, chosen, strict=True)
        ],
        {"reason": reason, "legal_basis": "", "recorded_at": now},
    )


def _searched_columns(
    table: ParsedTable,
    chosen: list[int],
    places: list[tuple[int, str, str]],
    partners: list[tuple[int, str, str, str, str]],
) -> dict[str, list[str]]:
    """The new partnerships' values that their search entries read, column by column, under the keys of their
    plain form."""
    chosen_places = [places[position] for position in chosen]
    chosen_partners = [partners[position] for position in chosen]
    notes = table.partnership["notes"]
    return {
        "jurisdiction_name": [place[1] for place in chosen_places],
        "jurisdiction_state": [place[2] for place in chosen_places],
        "partner_name": [partner[1] for partner in chosen_partners],
        "partner_native_name": [partner[2] for partner in chosen_partners],
        "partner_region": [partner[3] for partner in chosen_partners],
        "country_name": [partner[4] for partner in chosen_partners],
        "notes": [notes[position] for position in chosen],
    }


def _table(model: type[models.Base]) -> Any:
    return model.__table__


def _jurisdictions_of_rows(
    session: Session, path: Path, table: ParsedTable, now: str, report: TableImportReport
) -> list[tuple[int, str, str]]:
    """Each row's US jurisdiction (id, name, state): found by name and state, else added; or the clerk's own."""
    if table.cities is None:
        home = home_jurisdiction_in(session)
        if home is None:
            raise UserError(
                f"{path.name} has no US city column, and the clerk's own city is not set yet; "
                "set it first (command 'home')."
            )
        return [(home.id, home.name, home.state)] * len(table.numbers)
    jurisdiction = models.Jurisdiction
    known = {
        _key(name, state): (record_id, name, state)
        for record_id, name, state in session.execute(
            select(jurisdiction.id, jurisdiction.name, jurisdiction.state).where(jurisdiction.deleted_at.is_(None))
        )
    }
    keys = list(zip(map(str.casefold, table.cities), map(str.casefold, table.states), strict=True))
    new: dict[tuple[str, ...], int] = {}  # each new city at the row where it first appears
    for position, key in enumerate(keys):
        if key not in known and key not in new:
            new[key] = position
    ids = reserve_ids(session, _table(jurisdiction), len(new))
    rows = [
        (record_id, table.cities[position], table.states[position])
        for record_id, position in zip(ids, new.values(), strict=True)
    ]
    insert_rows(
        session,
        _table(jurisdiction),
        ("id", "name", "state"),
        rows,
        {"kind": "city", "is_home": False, "created_at": now, "updated_at": now},
    )
    known.update(zip(new, rows, strict=True))
    report.jurisdictions_added = len(rows)
    return list(map(known.__getitem__, keys))


def _partners_of_rows(
    session: Session, table: ParsedTable, now: str, report: TableImportReport
) -> list[tuple[int, str, str, str, str]]:
    """Each row's partner (id, name, native name, region, country): found by name, country and region, else added."""
    partner = models.Partner
    known = {
        _key(name, country_name, region): (record_id, name, native_name, region, country_name)
        for record_id, name, native_name, region, country_name in session.execute(
            select(partner.id, partner.name, partner.native_name, partner.region, partner.country_name).where(
                partner.deleted_at.is_(None)
            )
        )
    }
    columns = table.partner
    keys = list(zip(*(map(str.casefold, columns[name]) for name in ("name", "country_name", "region")), strict=True))
    new: dict[tuple[str, ...], int] = {}
    for position, key in enumerate(keys):
        if key not in known and key not in new:
            new[key] = position
    ids = reserve_ids(session, _table(partner), len(new))
    values = list(zip(*(columns[column] for column in ("name", *_PARTNER_COLUMNS)), strict=True))
    rows = [(record_id, *values[position]) for record_id, position in zip(ids, new.values(), strict=True)]
    insert_rows(
        session,
        _table(partner),
        ("id", "name", *_PARTNER_COLUMNS),
        rows,
        {"level": "city", "created_at": now, "updated_at": now},
    )
    # (id, name, native name, region, country): the order of _PARTNER_COLUMNS is native, region, country, code.
    known.update((key, row[:5]) for key, row in zip(new, rows, strict=True))
    report.partners_added = len(rows)
    return list(map(known.__getitem__, keys))


def _ranges(ids: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]]: the imported ids, compactly, for the audit trail."""
    ranges: list[list[int]] = []
    for value in sorted(ids):
        if ranges and ranges[-1][1] == value - 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
    return ranges
