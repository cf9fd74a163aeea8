"""Several writers at once lose no update: each edit is saved or refused as a conflict, and the trail stays one chain.

Eight processes edit the same twenty partnerships, a thousand edits in all, each as a clerk does: read the record's
version, then save a change over that version. On SQLite the processes share the file; on PostgreSQL, the server.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sqlalchemy import func, select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import RecordConflict
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.verify import verify_database

PROCESSES = 8
EDITS = 1_000
RECORDS = 20


def edit_concurrently(url: str, writer: int, record_ids: list[int], edits: int) -> dict[str, Any]:
    """One clerk's edits, run in its own process: what it saved per record, how many were refused, and any other
    failure as text (there must be none). Each edit writes a value no other edit writes, so each saved one is a
    real change with its own audit event."""
    db = Database(url)
    chooser = random.Random(writer)
    saved: Counter[int] = Counter()
    refused = 0
    failures: list[str] = []
    try:
        for number in range(edits):
            record_id = chooser.choice(record_ids)
            try:
                version = records.current_version(db, "partnership", record_id)
                records.update(
                    db,
                    "partnership",
                    record_id,
                    {"notes": f"Edit {number} of clerk {writer}"},
                    f"clerk-{writer}",
                    expected_version=version,
                )
            except RecordConflict:
                refused += 1
            except Exception as failure:  # counted, so the test names what went wrong instead of hiding it
                failures.append(f"{type(failure).__name__}: {failure}")
            else:
                saved[record_id] += 1
    finally:
        db.dispose()
    return {"saved": dict(saved), "refused": refused, "failures": failures}


def partnerships(db: Database, count: int) -> list[int]:
    home = set_home_jurisdiction(db, "Columbus", "OH")
    ids = []
    for number in range(count):
        partner = records.create(db, "partner", {"name": f"Partner {number}", "country_code": "CN"}, "clerk")
        partnership = records.create(
            db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]}, "clerk"
        )
        ids.append(int(partnership["id"]))
    return ids


def updates_per_record(db: Database, record_ids: list[int]) -> Counter[int]:
    with db.reading() as session:
        rows = session.execute(
            select(models.AuditEvent.record_id, func.count())
            .where(
                models.AuditEvent.record_kind == "partnership",
                models.AuditEvent.action == "update",
                models.AuditEvent.record_id.in_(record_ids),
            )
            .group_by(models.AuditEvent.record_id)
        )
        return Counter({record_id: int(count) for record_id, count in rows if record_id is not None})


def test_concurrent_conflicting_edits_are_each_saved_or_refused_and_none_is_lost(db: Database) -> None:
    record_ids = partnerships(db, RECORDS)
    share = EDITS // PROCESSES
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(
            pool.map(
                edit_concurrently, [db.url] * PROCESSES, range(PROCESSES), [record_ids] * PROCESSES, [share] * PROCESSES
            )
        )

    assert [failure for result in results for failure in result["failures"]] == []
    saved: Counter[int] = Counter()
    for result in results:
        saved.update(result["saved"])
    refused = sum(result["refused"] for result in results)
    assert saved.total() + refused == EDITS
    assert refused > 0, "the writers never overlapped on a record, so nothing here was tested"
    assert updates_per_record(db, record_ids) == saved
    versions = {record_id: records.current_version(db, "partnership", record_id) for record_id in record_ids}
    assert versions == {record_id: 1 + saved[record_id] for record_id in record_ids}
    with db.reading() as session:
        assert verify_chain(session) == []
        seqs = list(session.scalars(select(models.AuditEvent.seq).order_by(models.AuditEvent.seq)))
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify_database(db)
    assert report.ok, report.lines()
