"""Deterministic generator of the large database, the 100,000-row CSV, the 1 GiB file and the benchmark PDFs."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text

from desktop_app.core import vocab
from desktop_app.core.clock import utc_now_text
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.files import attach_files
from desktop_app.core.host.audit_anchor import anchor_path
from desktop_app.core.host.paths import resolve_location, shown_database_url
from desktop_app.core.records import indexing
from desktop_app.core.records.audit import append_event
from desktop_app.core.safekeeping.opening import open_database

SIZES = {
    "partnerships": 10_000,
    "oversight": 200_000,
    "activities": 50_000,
    "participants_per_activity": 2,
    "attachments": 5_000,
}
SYLLABLES = (
    "an",
    "bei",
    "chang",
    "du",
    "feng",
    "guang",
    "hai",
    "he",
    "jiang",
    "kun",
    "lan",
    "ming",
    "nan",
    "ning",
    "qing",
    "shan",
    "tai",
    "wu",
    "xi",
    "yang",
    "zhou",
)
HAN = "安北长都丰广海合江昆兰明南宁青山泰武西阳州肥"
STATES = (
    "AL",
    "AZ",
    "CA",
    "CO",
    "FL",
    "GA",
    "IA",
    "IL",
    "IN",
    "KS",
    "MD",
    "MI",
    "MN",
    "MO",
    "NY",
    "OH",
    "OR",
    "PA",
    "TX",
    "WA",
)
WORDS = (
    "review",
    "delegation",
    "agreement",
    "exchange",
    "council",
    "briefing",
    "contract",
    "visa",
    "student",
    "trade",
    "security",
    "gift",
    "publication",
    "transparency",
    "sponsor",
    "itinerary",
    "finding",
    "minutes",
)


def _name(rng: random.Random) -> tuple[str, str]:
    count = rng.randint(2, 3)
    parts = [rng.randrange(len(SYLLABLES)) for _ in range(count)]
    return "".join(SYLLABLES[p] for p in parts).capitalize(), "".join(HAN[p] for p in parts)


def _sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _date(rng: random.Random, start_year: int = 1985, end_year: int = 2026) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(end_year, 11, 1).toordinal()))


def _insert(db: Database, model: type[models.Base], rows: list[dict[str, Any]], batch: int = 5000) -> None:
    with db.writing() as session:
        for start in range(0, len(rows), batch):
            session.execute(insert(model), rows[start : start + batch])


# Tables whose generated rows carry their own ids: on PostgreSQL their sequences are moved past them afterwards.
TABLES_WITH_GIVEN_IDS = ("jurisdiction", "partner", "partnership", "activity")


def generate_large_database(
    data_dir: Path, *, seed: int = 2020, scale: float = 1.0, database_url: str | None = None
) -> Path:
    """Fills a new data folder, or the empty server database at ``database_url``, with the large database of the
    quality bars (or a fraction of it). The data folder is the records' folder for backups and logs either way."""
    rng = random.Random(seed)
    db, _ = open_database(resolve_location(data_dir, database_url))
    now = utc_now_text()
    stamp = {"created_at": now, "updated_at": now}
    n_partnerships = int(SIZES["partnerships"] * scale)
    jurisdictions = [
        {"id": i + 1, "name": f"{_name(rng)[0]} City", "state": rng.choice(STATES), "is_home": i == 0, **stamp}
        for i in range(max(1, n_partnerships // 4))
    ]
    partners = []
    for i in range(n_partnerships):
        name, native = _name(rng)
        partners.append(
            {
                "id": i + 1,
                "name": f"{name} {i}",
                "native_name": native,
                "region": _name(rng)[0],
                "country_name": "China",
                "country_code": "CN",
                **stamp,
            }
        )
    statuses = list(vocab.PARTNERSHIP_STATUSES)
    partnerships = [
        {
            "id": i + 1,
            "jurisdiction_id": 1 if i < 40 else rng.randint(1, len(jurisdictions)),
            "partner_id": i + 1,
            "kind": "sister_city",
            "status": rng.choice(statuses),
            "established_on": _date(rng),
            "notes": _sentence(rng),
            **stamp,
        }
        for i in range(n_partnerships)
    ]
    _insert(db, models.Jurisdiction, jurisdictions)
    _insert(db, models.Partner, partners)
    _insert(db, models.Partnership, partnerships)
    _insert(
        db,
        models.StatusChange,
        [
            {
                "partnership_id": p["id"],
                "changed_on": p["established_on"],
                "to_status": p["status"],
                "reason": "Generated.",
                "recorded_at": now,
            }
            for p in partnerships
        ],
    )
    topics = list(vocab.TOPICS)
    oversight = [
        {
            "partnership_id": rng.randint(1, n_partnerships) if rng.random() > 0.05 else None,
            "kind": rng.choice(list(vocab.OVERSIGHT_KINDS)),
            "action_on": _date(rng, 2015),
            "officer": f"Officer {rng.randint(1, 40)}",
            "topics": vocab.join_words(rng.sample(topics, 2)),
            "finding": _sentence(rng, 20),
            "risk_level": rng.choice(list(vocab.RISK_LEVELS)),
            "status": rng.choice(list(vocab.OVERSIGHT_STATUSES)),
            **stamp,
        }
        for _ in range(int(SIZES["oversight"] * scale))
    ]
    _insert(db, models.OversightAction, oversight)
    n_activities = int(SIZES["activities"] * scale)
    activities = [
        {
            "id": i + 1,
            "partnership_id": rng.randint(1, n_partnerships),
            "kind": rng.choice(list(vocab.ACTIVITY_KINDS)),
            "title": _sentence(rng, 4),
            "starts_on": _date(rng, 2000),
            "participant_count": 2,
            **stamp,
        }
        for i in range(n_activities)
    ]
    _insert(db, models.Activity, activities)
    participants = [
        {
            "activity_id": a["id"],
            "role": rng.choice(list(vocab.PARTICIPANT_ROLES)),
            "visa_category": rng.choice(list(vocab.VISA_CATEGORIES)),
            "vetting_steps": vocab.join_words(rng.sample(list(vocab.VETTING_STEPS), 2)),
            **stamp,
        }
        for a in activities
        for _ in range(SIZES["participants_per_activity"])
    ]
    _insert(db, models.Participant, participants)
    with db.writing() as session:
        for kind, model in (("partnership", models.Partnership), ("oversight", models.OversightAction)):
            ids = list(session.scalars(select(model.id).order_by(model.id)))
            indexing.index_new_records_in(session, kind, ids)
        indexing.index_new_records_in(session, "activity", list(range(1, n_activities + 1)))
    _attach_generated_files(db, rng, int(SIZES["attachments"] * scale), n_partnerships)
    with db.writing() as session:
        append_event(
            session,
            actor="benchmark generator",
            action="generate",
            record_kind="database",
            record_id=None,
            after={"seed": seed, "scale": scale},
        )
    if not db.is_sqlite:
        _settle_server_database(db)
    db.dispose()
    return data_dir


def _settle_server_database(db: Database) -> None:
    """Moves the id sequences past the generated ids, and gives the planner its statistics and the visibility map
    now rather than whenever autovacuum comes round, as they would be on a server in use for some time."""
    with db.writing() as session:
        for table in TABLES_WITH_GIVEN_IDS:
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    with db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


# ----- a server database ---------------------------------------------------------------------------------------


def server_table_count(url: str) -> int:
    """How many tables the server database at ``url`` holds in its schema."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")) or 0
            )
    finally:
        engine.dispose()


def server_partnership_count(url: str) -> int | None:
    """How many partnerships the server database at ``url`` holds; None when it has no partnership table."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.scalar(text("SELECT to_regclass('partnership') IS NULL")):
                return None
            return int(connection.scalar(text("SELECT count(*) FROM partnership")) or 0)
    finally:
        engine.dispose()


def server_holds_generated_records(url: str) -> bool:
    """Whether the server database at ``url`` holds records this generator finished (its last audit event)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.scalar(text("SELECT to_regclass('audit_event') IS NULL")):
                return False
            return bool(
                connection.scalar(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM audit_event "
                        "WHERE action = 'generate' AND record_kind = 'database')"
                    )
                )
            )
    finally:
        engine.dispose()


def empty_server_database(url: str) -> None:
    """Drops everything in the server database at ``url`` (its public schema), and forgets the audit trail's anchor
    this computer kept for it. Only ever called on a database the benchmark was named and found to be its own."""
    anchor = anchor_path(url)
    if anchor is not None:
        anchor.unlink(missing_ok=True)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    print(f"Emptied {shown_database_url(url)}.", file=sys.stderr)


def _attach_generated_files(
    db: Database, rng: random.Random, count: int, n_partnerships: int, batch: int = 250
) -> None:
    """Attaches ``count`` small files (nine in ten plain text, one in ten a one-page PDF) through core.files."""
    with tempfile.TemporaryDirectory() as folder:
        for start in range(0, count, batch):
            paths = []
            for number in range(start, min(count, start + batch)):
                body = "\n".join(_sentence(rng, 16) for _ in range(rng.randint(4, 30)))
                if number % 10 == 9:
                    paths.append(write_text_pdf(Path(folder) / f"evidence-{number}.pdf", [body]))
                else:
                    path = Path(folder) / f"evidence-{number}.txt"
                    path.write_text(f"Evidence {number}\n{body}\n", encoding="utf-8")
                    paths.append(path)
            attach_files(db, paths, "partnership", rng.randint(1, n_partnerships), actor="benchmark generator")
            for path in paths:
                path.unlink()


def write_text_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one page of plain text per item of ``pages``, made with ReportLab."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=LETTER, invariant=True)
    for page in pages:
        text = canvas.beginText(72, 720)
        text.setFont("Helvetica", 11)
        for line in page.splitlines():
            for start in range(0, len(line), 90):
                text.textLine(line[start : start + 90])
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return path


def generate_pdfs(folder: Path, count: int = 1000, *, pages: int = 3, seed: int = 2020) -> list[Path]:
    """``count`` distinct text PDFs of ``pages`` pages each, for the batch-attach benchmark."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        texts = [
            f"Report {number}, page {page + 1}\n" + "\n".join(_sentence(rng, 14) for _ in range(40))
            for page in range(pages)
        ]
        paths.append(write_text_pdf(folder / f"report-{number:04d}.pdf", texts))
    return paths


def generate_calibre_books(folder: Path, word: str, count: int = 8, *, seed: int = 2020) -> list[Path]:
    """A few small books, half plain text and half PDF, for the library of the calibredb baseline.

    The text files' titles (calibre takes them from the file names) hold ``word``, so that a search finds them.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        title = f"{WORDS[number % len(WORDS)]} {'review' if number % 2 else word} {number}"
        body = "\n".join(_sentence(rng, 14) for _ in range(40))
        if number % 2:
            paths.append(write_text_pdf(folder / f"{title}.pdf", [body]))
        else:
            path = folder / f"{title}.txt"
            path.write_text(body + "\n", encoding="utf-8")
            paths.append(path)
    return paths


def generate_csv(path: Path, rows: int = 100_000, *, seed: int = 2020) -> Path:
    """A partnership table of ``rows`` distinct rows, as a clerk's spreadsheet would have it."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["City", "State", "Partner City", "Province", "Country", "Year", "Status", "Native name"])
        for number in range(rows):
            name, native = _name(rng)
            writer.writerow(
                [
                    f"{_name(rng)[0]} City",
                    rng.choice(STATES),
                    f"{name} {number}",
                    _name(rng)[0],
                    "China",
                    rng.randint(1975, 2024),
                    rng.choice(list(vocab.PARTNERSHIP_STATUSES)),
                    native,
                ]
            )
    return path


def generate_big_file(path: Path, size: int = 1024**3, *, seed: int = 2020) -> Path:
    """A file of ``size`` pseudo-random bytes, written a chunk at a time."""
    rng = random.Random(seed)
    block = rng.randbytes(4 * 1024 * 1024)
    with path.open("wb") as handle:
        written = 0
        while written < size:
            piece = block[: min(len(block), size - written)]
            handle.write(piece)
            written += len(piece)
            block = block[1:] + block[:1]
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="where to write the generated data")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1)")
    parser.add_argument(
        "--database", metavar="URL", help="an empty PostgreSQL database to hold the large database instead of SQLite"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.database and server_table_count(args.database):
        parser.error(f"{shown_database_url(args.database)} is not empty; the generator fills an empty database only.")
    generate_large_database(args.folder / "large", scale=args.scale, database_url=args.database)
    generate_csv(args.folder / "partnerships-100k.csv", int(100_000 * args.scale))
    print(f"Generated the large database and the CSV in {args.folder}.")


if __name__ == "__main__":
    main()
