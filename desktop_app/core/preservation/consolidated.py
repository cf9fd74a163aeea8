"""The consolidated report across received packages: each city's current letter, its partnerships and answers, with
the same pair reported twice marked as a duplicate; as CSV or PDF."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import today
from ..db.engine import Database
from ..errors import UserError
from ..host.user_files import writing_whole

SAME_LETTER = "another record of the same letter"
CSV_COLUMNS = (
    "row",
    "city",
    "letter_status",
    "package_id",
    "response_title",
    "letter_date",
    "issued_at",
    "letter_sha256",
    "us_jurisdiction",
    "partner_community",
    "partner_native_name",
    "partner_country",
    "relationship",
    "status",
    "established_on",
    "confirmed",
    "duplicate",
    "also_reported_by",
    "question_number",
    "topic",
    "question",
    "answer",
)


@dataclass(frozen=True)
class Pair:
    """One partnership as a package reports it, and where else the same pair is reported."""

    us_jurisdiction: str
    partner_community: str
    native_name: str
    country: str
    relationship: str
    status: str
    established_on: str
    confirmed: bool | None
    key: tuple[str, str, str]
    also_reported_by: tuple[str, ...] = ()

    @property
    def duplicate(self) -> bool:
        return bool(self.also_reported_by)


@dataclass(frozen=True)
class Answer:
    number: int | None
    topic: str
    question: str
    answer: str


@dataclass(frozen=True)
class Letter:
    """A received package's letter, as its data/response.json describes it."""

    package_id: int
    original_name: str
    received_at: str
    city: str
    title: str
    letter_date: str
    issued_at: str
    letter_sha256: str
    partnerships: tuple[Pair, ...] | None  # None: the package does not list them
    answers: tuple[Answer, ...] | None


@dataclass(frozen=True)
class City:
    name: str
    current: Letter
    superseded: tuple[Letter, ...]  # older letters of the city, newest first

    @property
    def duplicates(self) -> int:
        return sum(1 for pair in self.current.partnerships or () if pair.duplicate)


@dataclass(frozen=True)
class Consolidated:
    cities: tuple[City, ...]
    packages: int
    as_of: str

    @property
    def duplicates(self) -> int:
        return sum(city.duplicates for city in self.cities)


def folded(text: str) -> str:
    """A name compared without case, accents, spaces or punctuation: "Xi'an" and "XIAN" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def consolidate(received: Sequence[tuple[dict[str, Any], dict[str, Any]]], as_of: str = "") -> Consolidated:
    """The report from received packages, each as (its listing, its data/response.json)."""
    by_city: dict[str, list[Letter]] = defaultdict(list)
    for listing, snapshot in received:
        letter = _letter(listing, snapshot)
        by_city[folded(letter.city) or letter.city].append(letter)
    cities = []
    for letters in by_city.values():
        newest_first = sorted(letters, key=_newness, reverse=True)
        cities.append(City(newest_first[0].city, newest_first[0], tuple(newest_first[1:])))
    cities = _mark_duplicates(cities)
    cities.sort(key=lambda city: (folded(city.name), city.current.package_id))
    return Consolidated(tuple(cities), len(received), as_of or today().isoformat())


def _newness(letter: Letter) -> tuple[str, str, int]:
    """The newest issued letter comes last: by its time of issue, then its date, then the order received."""
    return letter.issued_at, letter.letter_date, letter.package_id


def _letter(listing: dict[str, Any], snapshot: dict[str, Any]) -> Letter:
    response = _mapping(snapshot.get("response"))
    partnerships = snapshot.get("partnerships")
    answers = snapshot.get("answers")
    return Letter(
        package_id=int(listing["id"]),
        original_name=str(listing.get("original_name") or ""),
        received_at=str(listing.get("received_at") or ""),
        city=str(_mapping(snapshot.get("city")).get("display") or listing.get("city_display") or ""),
        title=_text(response.get("title")),
        letter_date=_text(response.get("letter_date")),
        issued_at=_text(response.get("issued_at")),
        letter_sha256=_text(response.get("letter_sha256")),
        partnerships=tuple(_pair(_mapping(p)) for p in partnerships) if isinstance(partnerships, list) else None,
        answers=tuple(_answer(_mapping(a)) for a in answers) if isinstance(answers, list) else None,
    )


def _pair(item: dict[str, Any]) -> Pair:
    jurisdiction = _text(item.get("us_jurisdiction"))
    community = _text(item.get("partner_community"))
    country = _text(item.get("partner_country"))
    confirmed = item.get("confirmed")
    return Pair(
        us_jurisdiction=jurisdiction,
        partner_community=community,
        native_name=_text(item.get("partner_native_name")),
        country=country,
        relationship=_text(item.get("relationship")),
        status=_text(item.get("status")),
        established_on=_text(item.get("established_on")),
        confirmed=confirmed if isinstance(confirmed, bool) else None,
        key=(folded(jurisdiction), folded(community), folded(country)),
    )


def _answer(item: dict[str, Any]) -> Answer:
    number = item.get("number")
    return Answer(
        number=number if isinstance(number, int) else None,
        topic=_text(item.get("topic")),
        question=_text(item.get("question")),
        answer=_text(item.get("answer")),
    )


def _mark_duplicates(cities: list[City]) -> list[City]:
    """Each current letter's pairs, with where else among the current letters the same pair is reported."""
    reported: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for city in cities:
        for pair in city.current.partnerships or ():
            reported[pair.key].append(_where(city.current))
    marked = []
    for city in cities:
        pairs = city.current.partnerships
        if pairs is not None:
            pairs = tuple(_with_others(pair, reported[pair.key], _where(city.current)) for pair in pairs)
        marked.append(City(city.name, _replace_pairs(city.current, pairs), city.superseded))
    return marked


def _with_others(pair: Pair, places: list[str], here: str) -> Pair:
    others = list(places)
    others.remove(here)  # this record itself; another record of the same letter stays
    if not others:
        return pair
    named = tuple(SAME_LETTER if other == here else other for other in others)
    return Pair(**{**pair.__dict__, "also_reported_by": named})


def _replace_pairs(letter: Letter, pairs: tuple[Pair, ...] | None) -> Letter:
    return Letter(**{**letter.__dict__, "partnerships": pairs})


def _where(letter: Letter) -> str:
    return f"{letter.city} (package {letter.package_id})"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# ----- writing it -------------------------------------------------------------------------------------------------


def write_consolidated_report(db: Database, out_path: Path) -> dict[str, Any]:
    """Writes the report to ``out_path``, as CSV (.csv) or PDF (.pdf), whole or not at all."""
    from .received import received_snapshots

    path = Path(out_path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise UserError("Name the report's file with .pdf or .csv at the end (for example received-report.pdf).")
    report = consolidate(received_snapshots(db))
    if suffix == ".csv":
        data = csv_bytes(report)
    else:
        from .consolidated_layout import render_report

        data = render_report(report)
    with writing_whole(path, example=f"received-report{suffix}", what="The report") as handle:
        handle.write(data)
    return {
        "path": str(path),
        "cities": len(report.cities),
        "packages": report.packages,
        "duplicates": report.duplicates,
        "superseded": sum(len(city.superseded) for city in report.cities),
    }


def csv_bytes(report: Consolidated) -> bytes:
    """The report as one spreadsheet-safe CSV table: a row per partnership and per answer of each letter."""
    from ..interchange.csv_export import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([safe_cell(row.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def csv_rows(report: Consolidated) -> Iterator[dict[str, Any]]:
    for city in report.cities:
        yield from _letter_rows(city.current, "current")
        for letter in city.superseded:
            yield from _letter_rows(letter, "superseded")


def _letter_rows(letter: Letter, status: str) -> Iterator[dict[str, Any]]:
    common = {
        "city": letter.city,
        "letter_status": status,
        "package_id": letter.package_id,
        "response_title": letter.title,
        "letter_date": letter.letter_date,
        "issued_at": letter.issued_at,
        "letter_sha256": letter.letter_sha256,
    }
    yield {"row": "letter", **common}
    for pair in letter.partnerships or ():
        yield {
            "row": "partnership",
            **common,
            "us_jurisdiction": pair.us_jurisdiction,
            "partner_community": pair.partner_community,
            "partner_native_name": pair.native_name,
            "partner_country": pair.country,
            "relationship": pair.relationship,
            "status": pair.status,
            "established_on": pair.established_on,
            "confirmed": pair.confirmed,
            "duplicate": pair.duplicate if status == "current" else None,
            "also_reported_by": "; ".join(pair.also_reported_by),
        }
    for answer in letter.answers or ():
        yield {
            "row": "answer",
            **common,
            "question_number": answer.number,
            "topic": answer.topic,
            "question": answer.question,
            "answer": answer.answer,
        }
