"""Crash safety: a child process importing or editing is killed (SIGKILL) at random moments, many times; afterwards
the database passes its checks, every import is wholly in or wholly out, and no record is half written.

By default 3 kills of a 2,000-row import and 6 of edits (a minute or two); SCR_STRESS=1 runs 50 kills of a
20,000-row import and 50 of edits. SCR_CRASH_SEED replays a run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import canonical_json
from desktop_app.core.records.kinds import PARTNER, PARTNERSHIP
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.records.plain import audit_snapshot
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.verify import verify_database

pytestmark = [pytest.mark.usefixtures("sqlite_only"), pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")]

STRESS = os.environ.get("SCR_STRESS") == "1"
IMPORT_KILLS = 50 if STRESS else 3
EDIT_KILLS = 50 if STRESS else 6
IMPORT_ROWS = 20_000 if STRESS else 2_000
REPO_ROOT = Path(__file__).resolve().parents[2]

# The child for edits: random record operations through core.records, each its own transaction, until killed.
EDITOR = r"""
import random, sys
from desktop_app.core.records import service as records
from desktop_app.core.interchange.sample_data import load_sample_data
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.records.kinds import PARTNER, PARTNERSHIP
from desktop_app.core.records.service import create_in

run, seed = sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
db, _ = open_database(resolve_location(sys.argv[1]), create=False)
home_id = records.list_records(db, "jurisdiction")[0]["id"]
cities = ["Columbus, OH", "Kansas City, MO", "St. Louis, MO", "Houston, TX", "Chicago, IL", "Boston, MA"]
print("ready", flush=True)
n = 0
while True:
    n += 1
    choice = rng.random()
    partners = records.list_records(db, "partner", records.ListQuery(limit=50, order_by="id", descending=True))
    partnerships = records.list_records(db, "partnership", records.ListQuery(limit=50, order_by="id", descending=True))
    if choice < 0.35:
        # a pair written in one transaction: a partner and its partnership, never one without the other
        with db.writing() as session:
            partner = create_in(session, PARTNER, {"name": f"Pair-{run}-{n}", "country_name": "China"}, "test")
            create_in(session, PARTNERSHIP, {"jurisdiction_id": home_id, "partner_id": partner.id}, "test")
    elif choice < 0.6 and partners:
        target = rng.choice(partners)
        if not target["deleted_at"]:
            records.update(db, "partner", target["id"], {"region": f"Region {n}", "native_name": f"合肥 {n}"})
        if partnerships and not partnerships[0]["deleted_at"]:
            records.update(db, "partnership", partnerships[0]["id"], {"notes": f"note {n} " * rng.randint(1, 3000)})
    elif choice < 0.7 and partnerships:
        target = rng.choice(partnerships)
        status = rng.choice(["active", "dormant", "suspended", "proposed"])
        try:
            records.change_status(db, target["id"], status, changed_on="2024-01-01", reason=f"edit {n}")
        except Exception:
            pass  # the same status again, or a partnership in the trash: refused, nothing written
    elif choice < 0.8 and partners:
        target = rng.choice(partners)
        try:
            records.trash(db, "partner", target["id"])
            records.restore(db, "partner", target["id"])
        except Exception:
            pass
    else:
        load_sample_data(db, rng.choice(cities))
"""


def write_import_csv(path: Path, prefix: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("city,state,partner,native name,province,country,year,status\n")
        for n in range(IMPORT_ROWS):
            handle.write(f"Springfield {n % 40},IL,{prefix}{n},合肥{n},Anhui,China,{1980 + n % 40},active\n")


def child_environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("TEST_DATABASE_URL", None)
    return environment


def kill_after(command: list[str], delay: float, *, wait_for_ready: bool) -> bool:
    """Runs ``command`` and kills it ``delay`` seconds in; True when it was killed before it finished."""
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_environment(), cwd=REPO_ROOT
    )
    try:
        if wait_for_ready:
            assert child.stdout is not None
            line = child.stdout.readline()
            assert line.strip() == "ready", (line, child.stderr.read() if child.stderr else "")
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            return True
        _, err = child.communicate()
        assert child.returncode == 0, err
        return False
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.fixture
def crash_location(tmp_path: Path) -> Iterator[DataLocation]:
    location = resolve_location(tmp_path / "data")
    db, _ = open_database(location)
    set_home_jurisdiction(db, "Columbus", "OH")
    records.create(db, "partner", {"name": "Hefei", "country_name": "China"})
    db.dispose()
    yield location


def seed() -> int:
    value = int(os.environ.get("SCR_CRASH_SEED", str(int(time.time()))))
    print(f"crash-safety seed {value} (replay with SCR_CRASH_SEED={value})")
    return value


def check_after_kill(location: DataLocation) -> dict[str, Any]:
    """Opens the records as the next start would, and checks everything; returns counts for the caller."""
    db, _ = open_database(location, create=False)
    try:
        report = verify_database(db)
        assert report.ok, report.lines()
        return check_no_half_records(db)
    finally:
        db.dispose()


def check_no_half_records(db: Database) -> dict[str, Any]:
    with db.reading() as session:
        last_after: dict[tuple[str, int], str] = {}
        imports: list[dict[str, Any]] = []
        for event in session.scalars(select(models.AuditEvent).order_by(models.AuditEvent.seq)):
            if event.record_id is not None and event.after_json:
                last_after[(event.record_kind, event.record_id)] = event.after_json
            if event.action == "import":
                imports.append(json.loads(event.after_json))
        imported_ids = {
            number for entry in imports for first, last in entry["partnership_ids"] for number in range(first, last + 1)
        }
        # Every partner and partnership is exactly what its last audit event says (or came in with an import).
        for kind in (PARTNER, PARTNERSHIP):
            for obj in session.scalars(select(kind.model)):
                key = (kind.name, obj.id)
                if key not in last_after:
                    assert kind is PARTNER or obj.id in imported_ids, f"{kind.name} {obj.id} has no audit event"
                    continue
                written = json.loads(last_after[key])
                snapshot = json.loads(canonical_json(audit_snapshot(kind, obj)))
                own = (*kind.field_names, "id", "created_at", "updated_at", "deleted_at")  # not the partner's names
                current = {name: snapshot.get(name) for name in own}
                assert {name: written.get(name) for name in own} == current, f"{kind.name} {obj.id} half written"
        # A pair is written in one transaction: never a partner without its partnership.
        pairs = session.scalars(select(models.Partner.id).where(models.Partner.name.like("Pair-%"))).all()
        with_partnership = set(
            session.scalars(select(models.Partnership.partner_id).where(models.Partnership.partner_id.in_(pairs)))
        )
        assert set(pairs) == with_partnership
        # Each import is wholly in or wholly out, and its audit event says so.
        imported_names: dict[str, int] = {}
        for (name,) in session.execute(select(models.Partner.name).where(models.Partner.name.like("Import-%"))):
            prefix = name[: name.rindex("-") + 1]
            imported_names[prefix] = imported_names.get(prefix, 0) + 1
        assert all(count == IMPORT_ROWS for count in imported_names.values()), imported_names
        assert len(imported_names) == len(imports)
        assert all(entry["partnerships_added"] == IMPORT_ROWS for entry in imports)
        return {"imports": len(imports), "pairs": len(pairs)}


def test_kills_during_a_20000_row_import_leave_each_import_wholly_in_or_out(
    crash_location: DataLocation, tmp_path: Path
) -> None:
    rng = random.Random(seed())
    base = [sys.executable, "-m", "desktop_app", "--data-dir", str(crash_location.data_dir)]
    command = [*base, "import"]
    # How long the program takes to start here, then one import uncut: it works, and shows how long it takes.
    started = time.monotonic()
    assert not kill_after([*base, "list", "partners"], 600, wait_for_ready=False)
    start_up = time.monotonic() - started
    first = tmp_path / "import-first.csv"
    write_import_csv(first, "Import-first-")
    started = time.monotonic()
    assert not kill_after([*command, str(first)], 600, wait_for_ready=False)
    duration = time.monotonic() - started
    print(f"start-up {start_up:.1f} s, a {IMPORT_ROWS}-row import {duration:.1f} s")
    assert check_after_kill(crash_location)["imports"] == 1
    killed = 0
    for attempt in range(IMPORT_KILLS):
        csv_file = tmp_path / f"import-{attempt}.csv"
        write_import_csv(csv_file, f"Import-{attempt}-")
        # Mostly while the import works, sometimes while the program starts or just as it finishes.
        if kill_after([*command, str(csv_file)], rng.uniform(start_up * 0.7, duration * 1.05), wait_for_ready=False):
            killed += 1
        check_after_kill(crash_location)
        csv_file.unlink()
    counts = check_after_kill(crash_location)
    print(f"{killed} of {IMPORT_KILLS} imports killed; {counts['imports']} imports wholly in, the rest wholly out")
    assert killed >= IMPORT_KILLS // 2


def test_kills_during_edits_leave_no_half_written_record(crash_location: DataLocation) -> None:
    rng = random.Random(seed())
    for attempt in range(EDIT_KILLS):
        command = [sys.executable, "-c", EDITOR, str(crash_location.data_dir), str(attempt), str(rng.randrange(2**32))]
        assert kill_after(command, rng.uniform(0.05, 4.0), wait_for_ready=True)
        check_after_kill(crash_location)
    counts = check_after_kill(crash_location)
    print(f"{EDIT_KILLS} editing processes killed; {counts['pairs']} pairs written whole")
    assert counts["pairs"] > 0
