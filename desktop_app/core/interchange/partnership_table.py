"""Imports partnerships from a CSV or XLSX table: header names mapped to fields, checked row by row, all or nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

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
_STATE_FIELD = Field("us_state", "text", "US state", max_length=2)
_CITY_FIELD = Field("us_city", "text", "US city", max_length=200)


def _parse_row(number: int, cells: dict[str, str], has_city: bool) -> tuple[ParsedRow | None, list[str]]:
    problems: list[str] = []

    def take(field_spec: Field, raw: str) -> Any:
        value, problem = parse_value(field_spec, raw)
        if problem:
            problems.append(f"row {number}: {problem}")
        return value

    partner_name = take(PARTNER.field("name"), cells.get("partner_name", ""))
    partner = {"name": partner_name}
    for column in _PARTNER_COLUMNS:
        partner[column] = take(PARTNER.field(column), cells.get(column, ""))
    if partner["country_code"]:
        partner["country_code"] = str(partner["country_code"]).upper()
    partnership: dict[str, Any] = {}
    for column in _PARTNERSHIP_COLUMNS:
        raw = cells.get(column, "")
        if column in ("kind", "status") and not raw.strip():
            partnership[column] = "sister_city" if column == "kind" else "active"
            continue
        partnership[column] = take(PARTNERSHIP.field(column), raw)
    city = take(_CITY_FIELD, cells.get("us_city", "")) if has_city else ""
    state = take(_STATE_FIELD, cells.get("us_state", "")) or ""
    if has_city and not city:
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
    has_city = "us_city" in by_index.values()
    report = TableImportReport(path.name, dry_run=False, columns_used=used, columns_ignored=ignored)
    parsed: list[ParsedRow] = []
    problems: list[str] = []
    for number, cells in _non_empty(rows):
        values = {column: (cells[index] if index < len(cells) else "") for index, column in by_index.items()}
        row, row_problems = _parse_row(number, values, has_city)
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
    for key, row in new_jurisdictions.items():
        jurisdictions[key] = _insert_returning_id(
            session,
            models.Jurisdiction,
            {
                "name": row.city,
                "state": row.state,
                "kind": "city",
                "is_home": False,
                "created_at": now,
                "updated_at": now,
            },
        )
    for key, partner in new_partners.items():
        partners[key] = _insert_returning_id(
            session, models.Partner, {**partner, "level": "city", "created_at": now, "updated_at": now}
        )
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


def _insert_returning_id(session: Session, model: type[models.Base], values: dict[str, Any]) -> int:
    table: Any = model.__table__
    result = session.execute(insert(table).returning(table.c.id), values)
    return int(result.scalar_one())


def _bulk_insert_partnerships(session: Session, rows: list[dict[str, Any]], now: str) -> list[int]:
    ids: list[int] = []
    table: Any = models.Partnership.__table__
    history: Any = models.StatusChange.__table__
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), batch)
        batch_ids = [int(value) for value in result.scalars()]
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
