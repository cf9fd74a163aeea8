"""The quick check of the records (verify --quick): what can be told without reading every stored byte.

It runs the database engine's quick check, compares the schema with the program's, follows the audit trail's
links, checks every event's seal and the trail's head against the anchor kept outside the records: all read from
the trail's short columns. It leaves out what reads everything: rehashing every stored file and every event's
contents, and comparing every record and issued letter with its audit events. It reads the records through a bare
driver connection when they are as opening leaves them, so it needs no database layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..db.row_source import RowSource, row_source
from ..db.schema_head import SCHEMA_HEAD
from ..errors import UserError
from .schema_check import READ_KINDS, check_schema, sentences, shipped_revisions
from .seals import GENESIS_HASH, anchor_beside, anchor_verdict, link_problems_of, seal_problems, trail_rows
from .verify_report import VerifyReport

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from ..host.audit_anchor import Anchor
    from ..host.paths import DataLocation

# What the quick check leaves out, each with how to have it checked.
SKIPPED_BY_QUICK = {
    "References between records": "run verify without --quick to check that every reference leads to a record",
    "Stored files": "run verify without --quick to rehash every file",
    "Audit event contents": "run verify without --quick to compute every event's hash again from what it holds",
    "Issued letters": "run verify without --quick to compare every issued letter with its issue",
    "Records against the audit trail": "run verify without --quick to compare every record with its audit events",
}
# The engine's problems named one by one at most.
MAX_DAMAGE_NAMED = 20


def verify_quickly_at(location: DataLocation) -> VerifyReport:
    """The quick check of the records at ``location``: read without the database layer when they are as opening
    leaves them; otherwise opened as the full check opens them (as they are, so that it names what differs)."""
    from ..db.quick_read import quick_answer

    try:
        report = quick_answer(location, lambda reader: verify_quickly(reader, _anchor_read(location)))
    except UserError:
        report = None  # a schema not the program's: opened as it is below, so the report names what differs
    return report if report is not None else _verify_quickly_the_ordinary_way(location)


def _anchor_read(location: DataLocation) -> tuple[bool, Anchor | None]:
    if location.sqlite_path is not None:
        return anchor_beside(location.sqlite_path)
    from ..host.audit_anchor import read_anchor

    return read_anchor(location.database_url)


def _verify_quickly_the_ordinary_way(location: DataLocation) -> VerifyReport:
    from ..host.audit_anchor import read_anchor
    from .opening import open_database

    db, _ = open_database(location, create=False, refuse_other_schema=False)
    try:
        with db.reading_rows() as connection:
            return verify_quickly(row_source(connection), read_anchor(db.url))
    finally:
        db.dispose()


def verify_quickly(source: RowSource, anchor_read: tuple[bool, Anchor | None]) -> VerifyReport:
    """Runs the quick checks over ``source``, with the anchor read from outside the records (whether its file
    exists, and what it holds), and returns what each found and what was left out."""
    report = VerifyReport()
    on_sqlite = source.dialect == "sqlite"
    schema, readable = schema_problems_in(source)
    if on_sqlite:
        report.checks["Database integrity"] = damage_sentences(
            [str(row[0]) for row in source.rows("PRAGMA quick_check")]
        )
    report.checks["Database schema"] = schema
    report.skipped = {
        name: how for name, how in SKIPPED_BY_QUICK.items() if on_sqlite or name != "References between records"
    }
    if not readable:
        schema.append("The other checks were not run: they read tables that are not as the program makes them.")
        return report
    anchor_issues, anchor = anchor_verdict(*anchor_read)
    links, events = link_problems(source)
    # As in the full check: on a shared server a seal made with another clerk's key is no sign of tampering.
    seals = seal_problems(source, anchor, unknown_keys_are_problems=on_sqlite, notes=report.notes)
    report.checks["Audit trail"] = links + anchor_issues + seals
    report.counts["Audit trail"] = events
    return report


def damage_sentences(results: list[str]) -> list[str]:
    """The engine's integrity check's results as sentences; empty when it found the file sound."""
    if results == ["ok"]:
        return []
    return [f"The database file is damaged: {result}" for result in results[:MAX_DAMAGE_NAMED]]


def schema_problems_in(connection: Connection | RowSource) -> tuple[list[str], bool]:
    """How the records' schema differs from the program's at their revision, as sentences; and whether the tables
    and columns the other checks read are as the program makes them."""
    source = row_source(connection)
    check = check_schema(source)
    if check.revision is None and not check.differences:
        return ["The records do not record their version, so their schema cannot be checked."], False
    if check.revision is not None and check.revision not in shipped_revisions(source.dialect):
        return [f"The records are at version {check.revision}, which this program does not know."], False
    readable = check.revision == SCHEMA_HEAD and not any(
        difference.kind in READ_KINDS and difference.how != "extra" for difference in check.differences
    )
    return sentences("The records", check.differences, plural=True), readable


def link_problems(source: RowSource) -> tuple[list[str], int]:
    """Sentences for audit events missing, out of order or not following the one before (the chain's links, not
    each event's contents); and how many events the trail holds."""
    problems: list[str] = []
    expected_seq = 1
    previous = GENESIS_HASH
    events = 0
    for seq, prev_hash, event_hash in trail_rows(source, "seq, prev_hash, hash"):
        events += 1
        problems += link_problems_of(seq, prev_hash, expected_seq, previous)
        previous = event_hash
        expected_seq = seq + 1
    return problems, events
