"""Imports partnerships from a CSV or XLSX table: header names mapped to fields, checked row by row, all or nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from .. import search
from ..clock import current_actor, today, utc_now_text
from ..db import models
from ..errors import UserError
from ..records.audit import append_event
from ..records.fields import Field, parse_value
from ..records.kinds import PARTNER, PARTNERSHIP
from ..records.parties import home_jurisdiction_in
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
BATCH = 2000


@dataclass
class TableImportReport:
    """What an import of a table did (or, in a dry run, would do)."""

    file_name: str
    dry_run: bool
    rows: int = 0
    partnerships_added: int = 0
    partnerships_present: int = 0
    jurisdictions_added: int = 0
    partners_added: int = 0
    columns_used: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would add" if self.dry_run else "added"
        lines = [
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


@dataclass(frozen=True)
class ParsedRow:
    """One table row, checked: the jurisdiction, the partner and the partnership's fields."""

    number: int
    city: str
    state: str
    partner: dict[str, Any]
    partnership: dict[str, Any]


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


class _RowParser:
    """Checks rows one by one, remembering the values it has already checked (a table repeats them a lot)."""

    def __init__(self, columns: set[str]) -> None:
        self.has_city = "us_city" in columns
        self._seen: dict[tuple[str, str], tuple[Any, str | None]] = {}
        # Only the columns the table has are read; the others take their empty value once.
        self._partner_fields = [(c, f) for c, f in _PARTNER_FIELDS if c in columns]
        self._partner_blank = {c: parse_value(f, "")[0] for c, f in _PARTNER_FIELDS if c not in columns}
        self._partnership_fields = [(c, f) for c, f in _PARTNERSHIP_FIELDS if c in columns]
        self._partnership_blank = {
            c: _DEFAULT_CHOICES.get(c, parse_value(f, "")[0]) for c, f in _PARTNERSHIP_FIELDS if c not in columns
        }

    def _value(self, field_spec: Field, raw: str) -> tuple[Any, str | None]:
        if field_spec.type in ("text", "longtext") and len(raw) <= 200 and raw.isprintable():
            stripped = raw.strip()
            fits = field_spec.max_length is None or len(stripped) <= field_spec.max_length
            if (stripped or not field_spec.required) and fits:
                return stripped, None
        key = (field_spec.name, raw)
        found = self._seen.get(key)
        if found is None:
            found = parse_value(field_spec, raw)
            if len(self._seen) < 100_000:
                self._seen[key] = found
        return found

    def parse(self, number: int, cells: dict[str, str]) -> tuple[ParsedRow | None, list[str]]:
        problems: list[str] = []

        def take(field_spec: Field, raw: str) -> Any:
            value, problem = self._value(field_spec, raw)
            if problem:
                problems.append(f"row {number}: {problem}")
            return value

        partner = {"name": take(_PARTNER_NAME, cells.get("partner_name", "")), **self._partner_blank}
        for column, field_spec in self._partner_fields:
            partner[column] = take(field_spec, cells[column])
        if partner["country_code"]:
            partner["country_code"] = str(partner["country_code"]).upper()
        partnership: dict[str, Any] = dict(self._partnership_blank)
        for column, field_spec in self._partnership_fields:
            raw = cells[column]
            if column in _DEFAULT_CHOICES and not raw.strip():
                partnership[column] = _DEFAULT_CHOICES[column]
            else:
                partnership[column] = take(field_spec, raw)
        city = take(_CITY_FIELD, cells.get("us_city", "")) if self.has_city else ""
        state = take(_STATE_FIELD, cells.get("us_state", "")) or ""
        if self.has_city and not city:
            problems.append(f"row {number}: the US city is empty.")
        if problems:
            return None, problems
        return ParsedRow(number, city, str(state).upper(), partner, partnership), []


def read_table(path: Path, kind: str) -> tuple[list[ParsedRow], TableImportReport, list[str]]:
    headers, rows = read_csv_rows(path) if kind == "csv" else read_xlsx_rows(path)
    by_index, used, ignored = map_headers(headers)
    if "partner_name" not in by_index.values():
        expected = ", ".join(HEADER_SYNONYMS["partner_name"][:4])
        raise UserError(
            f"{path.name} has no column naming the partner community (expected a header such as {expected})."
        )
    report = TableImportReport(path.name, dry_run=False, columns_used=used, columns_ignored=ignored)
    parsed: list[ParsedRow] = []
    problems: list[str] = []
    parser = _RowParser(set(by_index.values()))
    for number, cells in _non_empty(rows):
        values = {column: (cells[index] if index < len(cells) else "") for index, column in by_index.items()}
        row, row_problems = parser.parse(number, values)
        report.rows += 1
        if row is None:
            problems.extend(row_problems)
        else:
            parsed.append(row)
    return parsed, report, problems


def _non_empty(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            yield number, cells


def import_table(session: Session, path: Path, kind: str, *, dry_run: bool) -> TableImportReport:
    """Checks every row first; imports all rows in the caller's transaction, or raises and imports none."""
    parsed, report, problems = read_table(path, kind)
    report.dry_run = dry_run
    if problems:
        raise UserError(f"Nothing was imported from {path.name}: {join_problems(problems, MAX_PROBLEMS_SHOWN)}.")
    if not parsed:
        raise UserError(f"{path.name} has a header but no rows to import.")
    _write_rows(session, path, parsed, report)
    return report


def _key(*parts: str) -> tuple[str, ...]:
    return tuple(part.strip().casefold() for part in parts)


def _write_rows(session: Session, path: Path, parsed: list[ParsedRow], report: TableImportReport) -> None:
    now = utc_now_text()
    home = None
    if not all(row.city for row in parsed):
        home = home_jurisdiction_in(session)
        if home is None:
            raise UserError(
                f"{path.name} has no US city column, and the clerk's own city is not set yet; "
                "set it first (command 'home')."
            )
    jurisdictions = {
        _key(j.name, j.state): j.id
        for j in session.scalars(select(models.Jurisdiction).where(models.Jurisdiction.deleted_at.is_(None)))
    }
    partners = {
        _key(p.name, p.country_name, p.region): p.id
        for p in session.scalars(select(models.Partner).where(models.Partner.deleted_at.is_(None)))
    }
    existing = {
        (row.jurisdiction_id, row.partner_id, row.kind)
        for row in session.execute(
            select(models.Partnership.jurisdiction_id, models.Partnership.partner_id, models.Partnership.kind)
        )
    }
    new_jurisdictions: dict[tuple[str, ...], ParsedRow] = {}
    new_partners: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in parsed:
        if row.city and _key(row.city, row.state) not in jurisdictions:
            new_jurisdictions.setdefault(_key(row.city, row.state), row)
        partner_key = _key(row.partner["name"], row.partner["country_name"], row.partner["region"])
        if partner_key not in partners:
            new_partners.setdefault(partner_key, row.partner)
    jurisdiction_keys = list(new_jurisdictions)
    jurisdiction_ids = _insert_many(
        session,
        models.Jurisdiction,
        [
            {
                "name": row.city,
                "state": row.state,
                "kind": "city",
                "is_home": False,
                "created_at": now,
                "updated_at": now,
            }
            for row in new_jurisdictions.values()
        ],
    )
    jurisdictions.update(zip(jurisdiction_keys, jurisdiction_ids, strict=True))
    partner_keys = list(new_partners)
    partner_ids = _insert_many(
        session,
        models.Partner,
        [{**partner, "level": "city", "created_at": now, "updated_at": now} for partner in new_partners.values()],
    )
    partners.update(zip(partner_keys, partner_ids, strict=True))
    to_insert = []
    for row in parsed:
        jurisdiction_id = jurisdictions[_key(row.city, row.state)] if row.city else home.id  # type: ignore[union-attr]
        partner_id = partners[_key(row.partner["name"], row.partner["country_name"], row.partner["region"])]
        triple = (jurisdiction_id, partner_id, row.partnership["kind"])
        if triple in existing:
            report.partnerships_present += 1
            continue
        existing.add(triple)
        to_insert.append(
            {
                **row.partnership,
                "jurisdiction_id": jurisdiction_id,
                "partner_id": partner_id,
                "confirmed": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    partnership_ids = _bulk_insert_partnerships(session, to_insert, now)
    search.index_new_records_in(session, "partnership", partnership_ids)
    report.partnerships_added = len(partnership_ids)
    report.jurisdictions_added = len(new_jurisdictions)
    report.partners_added = len(new_partners)
    append_event(
        session,
        actor=current_actor(),
        action="import",
        record_kind="partnership",
        record_id=None,
        after={
            "file": path.name,
            "sha256": _file_sha256(path),
            "rows": report.rows,
            "partnerships_added": report.partnerships_added,
            "partnership_ids": _ranges(partnership_ids),
            "jurisdictions_added": report.jurisdictions_added,
            "partners_added": report.partners_added,
        },
    )


def _insert_many(session: Session, model: type[models.Base], rows: list[dict[str, Any]]) -> list[int]:
    """Inserts rows with ids taken after the highest in the table, in batches; returns the ids in order.

    The import holds the write lock (BEGIN IMMEDIATE on SQLite, a table lock on PostgreSQL), so no one else can
    take those ids meanwhile; numbering here lets the driver insert a whole batch in one call.
    """
    table: Any = model.__table__
    if not rows:
        return []
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE"))
    first = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    ids = list(range(first, first + len(rows)))
    for start in range(0, len(rows), BATCH):
        batch = [
            {**row, "id": row_id}
            for row, row_id in zip(rows[start : start + BATCH], ids[start : start + BATCH], strict=True)
        ]
        session.execute(insert(table), batch)
    if postgresql:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {ids[-1]})"))
    return ids


def _bulk_insert_partnerships(session: Session, rows: list[dict[str, Any]], now: str) -> list[int]:
    ids: list[int] = []
    history: Any = models.StatusChange.__table__
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        batch_ids = _insert_many(session, models.Partnership, batch)
        session.execute(
            insert(history),
            [
                {
                    "partnership_id": partnership_id,
                    "changed_on": row["established_on"] or today(),
                    "from_status": None,
                    "to_status": row["status"],
                    "reason": "Status when the partnership was imported.",
                    "legal_basis": "",
                    "evidence_attachment_id": None,
                    "recorded_at": now,
                }
                for partnership_id, row in zip(batch_ids, batch, strict=True)
            ],
        )
        ids.extend(batch_ids)
    return ids


def _ranges(ids: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]]: the imported ids, compactly, for the audit trail."""
    ranges: list[list[int]] = []
    for value in sorted(ids):
        if ranges and ranges[-1][1] == value - 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
    return ranges


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
