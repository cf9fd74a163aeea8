"""The home summary counted before the records are opened: the same figures as through the open records, or none."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.summary.cache import save_summary, saved_summary
from desktop_app.core.summary.compute import dashboard_summary
from desktop_app.core.summary.first_count import count_before_opening, start_counting

TODAY = "2026-06-01"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", TODAY)


def _fill(db: Database) -> None:
    """Records giving every part of the summary something to count: statuses, follow-ups, reviews, evidence."""
    home = set_home_jurisdiction(db, "Springfield", "IL")
    ids = []
    for name, native, status, confirmed in (
        ("Hefei", "合肥", "active", True),
        ("Kumamoto", "", "dormant", True),
        ("Old", "", "terminated", False),
        ("Busan", "부산", "proposed", False),
    ):
        partner = records.create(db, "partner", {"name": name, "native_name": native, "country_name": "China"})
        values = {"jurisdiction_id": home["id"], "partner_id": partner["id"], "status": status}
        ids.append(records.create(db, "partnership", {**values, "confirmed": confirmed})["id"])
    records.create(db, "policy", {"kind": "procedure", "title": "Visa vetting", "topics": ["visa_programs"]})
    oversight = (
        (ids[0], "risk_assessment", "2026-03-01", "open", "2026-05-01", ["economic_coercion"]),
        (None, "training", "2026-05-01", "planned", "2026-06-15", ["transparency"]),
        (ids[1], "annual_review", "2024-02-01", "closed", "2024-03-01", []),
        (ids[3], "audit", "2026-01-10", "open", "2026-06-01", ["espionage", "transparency"]),
    )
    for partnership_id, kind, action_on, status, due_on, topics in oversight:
        values = {"kind": kind, "action_on": action_on, "status": status, "due_on": due_on, "topics": topics}
        records.create(db, "oversight", {**values, "partnership_id": partnership_id} if partnership_id else values)
    records.trash(db, "partnership", int(ids[2]))


def test_the_count_before_opening_gives_the_figures_of_the_open_records(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _fill(db)
    summary = dashboard_summary(db)
    assert summary.overdue_count == 1 and summary.due_soon_count == 2  # one due today
    assert summary.unreviewed_count == 1 and summary.unreviewed[0].name.startswith("Springfield – Kumamoto")
    assert summary.unconfirmed_partnerships == 1 and summary.record_counts["partnerships"] == 3
    counted = count_before_opening(location)
    assert counted is not None and counted[0] == summary
    db.dispose()  # and at the next start, before the records are opened, saved for the start after
    counted = count_before_opening(location)
    assert counted is not None and counted[0] == summary and counted[1] is not None
    save_summary(location, *counted)
    assert saved_summary(location) == summary


def test_counting_begun_at_start_counts_only_when_no_saved_summary_holds(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _fill(db)
    summary = dashboard_summary(db)
    db.dispose()
    begun = start_counting(location).result(timeout=30)
    assert begun is not None and begun[0] == summary
    save_summary(location, *begun)
    assert start_counting(location).result(timeout=30) is None  # the saved one is shown instead


def test_records_not_as_opening_leaves_them_are_not_counted_before_opening(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    db.dispose()
    path = location.sqlite_path
    assert path is not None and count_before_opening(location) is not None
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")  # an older program's: to upgrade
    assert count_before_opening(location) is None
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE alembic_version")
    assert count_before_opening(location) is None
    path.write_bytes(b"not a database at all" * 100)
    assert count_before_opening(location) is None
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    assert count_before_opening(location) is None


def test_records_on_a_server_are_not_counted_before_opening(db: Database, location: DataLocation) -> None:
    if location.sqlite_path is not None:
        pytest.skip("this test is about a database server")
    assert count_before_opening(location) is None


COUNT_AND_LIST = """
import json, sys
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.summary.first_count import count_before_opening, start_counting
summary = count_before_opening(resolve_location(sys.argv[1]))
loaded = sorted(name for name in sys.modules if name.startswith("sqlalchemy"))
print(json.dumps({"partnerships": summary and summary[0].record_counts["partnerships"], "loaded": loaded}))
"""


def test_counting_before_opening_does_not_load_the_database_layer(
    sqlite_only: None, db: Database, location: DataLocation
) -> None:
    _fill(db)
    result = subprocess.run(
        [sys.executable, "-c", COUNT_AND_LIST, str(location.data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "SISTER_CITY_RECORDS_TODAY": TODAY},
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"partnerships": 3, "loaded": []}
