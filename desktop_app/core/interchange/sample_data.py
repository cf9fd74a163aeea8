"""Loads the bundled public list of US–China partnerships, all of it or one city's, marked unconfirmed."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import current_actor
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..host.resources import resource_path
from ..records.kinds import PARTNERSHIP
from ..records.parties import (
    find_or_create_jurisdiction,
    find_or_create_partner,
    home_jurisdiction_in,
    set_home_jurisdiction_in,
)
from ..records.place_names import parse_place
from ..records.service import create_in

SAMPLE_FILE = ("data", "us_china_sister_cities.csv")
NOTES_FILE = ("data", "us_china_sister_cities_notes.csv")

CAVEATS = (
    "Most rows come from Wikipedia's lists (read through a public scrape dated February 2026); "
    "about 73 rows have an independent source.",
    "11 US states are a best guess for an ambiguous city name and 9 are blank.",
    "Six Texas and Arkansas rows are marked terminated on the strength of state statutes alone "
    "(Tex. Gov't Code ch. 795; Ark. Code § 14-1-116), not of a city record.",
    "The list is a starting point for a clerk to confirm, never a record of the clerk's own city: "
    "every row loaded is marked unconfirmed.",
)

COUNTRY_CODES = {"china": "CN", "taiwan": "TW", "japan": "JP", "south korea": "KR", "mexico": "MX"}


@dataclass(frozen=True)
class SampleRow:
    """One row of the bundled list with its note."""

    us_city: str
    us_state: str
    foreign_city: str
    foreign_province: str
    country: str
    established_year: int | None
    status: str
    source_url: str
    state_basis: str
    note: str

    @property
    def city_key(self) -> str:
        return normalise_city(f"{self.us_city}, {self.us_state}")

    @property
    def is_state_level(self) -> bool:
        return self.us_city.lower().startswith("state of ")


@dataclass
class SampleLoadResult:
    """How many partnerships were added and how many were already there, with the caveats to show."""

    added: int = 0
    already_present: int = 0
    city: str | None = None
    caveats: tuple[str, ...] = CAVEATS
    added_ids: list[int] = field(default_factory=list)


def normalise_city(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(" ,", ",")).strip().lower()


def read_sample_rows(path: Path | None = None, notes_path: Path | None = None) -> list[SampleRow]:
    path = path or resource_path(*SAMPLE_FILE)
    notes_path = notes_path or resource_path(*NOTES_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with notes_path.open(encoding="utf-8", newline="") as handle:
        notes = list(csv.DictReader(handle))
    if len(notes) != len(rows):
        raise UserError("The bundled sample data is damaged (its notes do not match its rows); please reinstall.")
    result = []
    for row, note in zip(rows, notes, strict=True):
        year = (row.get("established_year") or "").strip()
        result.append(
            SampleRow(
                us_city=row["us_city"].strip(),
                us_state=row["us_state"].strip().upper(),
                foreign_city=row["foreign_city"].strip(),
                foreign_province=row["foreign_province"].strip(),
                country=row["country"].strip(),
                established_year=int(year) if year.isdigit() else None,
                status=row["status"].strip().lower(),
                source_url=row["source_url"].strip(),
                state_basis=(note.get("state_basis") or "").strip(),
                note=(note.get("note") or "").strip(),
            )
        )
    return result


def sample_cities() -> list[str]:
    """The US cities of the bundled list as "NAME, ST", for the first-run search."""
    return sorted({f"{row.us_city}, {row.us_state}" if row.us_state else row.us_city for row in read_sample_rows()})


def rows_for_city(rows: list[SampleRow], city: str) -> list[SampleRow]:
    name, state = parse_place(city, (f"{row.us_city}, {row.us_state}" for row in rows if row.us_state))
    wanted = normalise_city(f"{name}, {state}")
    matching = [row for row in rows if row.city_key == wanted]
    if not matching:
        name = wanted.split(",")[0].strip()
        near = sorted({f"{row.us_city}, {row.us_state}" for row in rows if name and name in row.us_city.lower()})
        hint = f" Did you mean {', '.join(near[:5])}?" if near else ""
        raise UserError(f"The bundled list has no partnerships for {city!r}.{hint}")
    return matching


def load_sample_data(db: Database, city: str | None = None, actor: str | None = None) -> SampleLoadResult:
    """Loads the bundled list (or one city's rows) in one transaction; rows already present are skipped.

    When a city is named and the clerk's own jurisdiction is not set yet, that city becomes it.
    """
    actor = actor or current_actor()
    rows = read_sample_rows()
    if city:
        rows = rows_for_city(rows, city)
    result = SampleLoadResult(city=city)
    with db.writing() as session:
        if city and home_jurisdiction_in(session) is None:
            first = rows[0]
            set_home_jurisdiction_in(session, first.us_city, first.us_state, {}, actor)
        for row in rows:
            partnership_id = _load_row(session, row, actor)
            if partnership_id is None:
                result.already_present += 1
            else:
                result.added += 1
                result.added_ids.append(partnership_id)
    return result


def _load_row(session: Session, row: SampleRow, actor: str) -> int | None:
    jurisdiction = find_or_create_jurisdiction(
        session, row.us_city, row.us_state, actor, kind="state" if row.is_state_level else "city"
    )
    partner = find_or_create_partner(
        session,
        {
            "name": row.foreign_city,
            "region": row.foreign_province,
            "country_name": row.country,
            "country_code": COUNTRY_CODES.get(row.country.lower(), ""),
            "level": "province" if row.is_state_level else "city",
        },
        actor,
    )
    kind = "sister_state" if row.is_state_level else "sister_city"
    existing = session.execute(
        select(models.Partnership.id).where(
            models.Partnership.jurisdiction_id == jurisdiction.id,
            models.Partnership.partner_id == partner.id,
            models.Partnership.kind == kind,
        )
    ).scalar()
    if existing:
        return None
    source_lines = ["Bundled public list (unconfirmed); sources: " + row.source_url]
    if row.state_basis:
        source_lines.append("US state: " + row.state_basis)
    if row.note:
        source_lines.append("Note: " + row.note)
    partnership = create_in(
        session,
        PARTNERSHIP,
        {
            "jurisdiction_id": jurisdiction.id,
            "partner_id": partner.id,
            "kind": kind,
            "status": row.status if row.status else "active",
            "established_year": row.established_year,
            "confirmed": False,
            "source": "\n".join(source_lines),
        },
        actor,
    )
    return int(partnership.id)
