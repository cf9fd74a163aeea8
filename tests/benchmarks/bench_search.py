"""Benchmark, run on demand: search times on a large database (10,000 partnerships, 200,000 oversight actions).

    python -m tests.benchmarks.bench_search [FOLDER]

Builds the database in FOLDER (a temporary folder when none is given; an existing one is reused), fills the
index, then runs a mix of queries and prints the median and 95th percentile (the bar: p95 under 20 ms).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from desktop_app.core import search
from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.opening import open_database
from desktop_app.core.paths import resolve_location

PARTNERSHIPS = 10_000
OVERSIGHT = 200_000
CJK = "合肥西安长沙盐城南京苏州杭州成都重庆武汉天津广州深圳厦门青岛大连宁波济南郑州昆明贵阳兰州银川拉萨"


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "sta", "vor", "tel", "qui", "an", "dro", "pel", "sun", "ha", "zi", "bel"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def build(db: Database) -> None:
    rng = random.Random(7)
    vocabulary = _words(rng, 5000)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like, as in real prose
    now = "2026-01-01T00:00:00.000000Z"
    with db.writing() as session:
        if session.execute(select(func.count()).select_from(models.OversightAction)).scalar_one():
            return
        session.execute(
            insert(models.Jurisdiction),
            [{"id": 1, "name": "Columbus", "state": "OH", "is_home": True, "created_at": now, "updated_at": now}],
        )
        partners = []
        for number in range(1, PARTNERSHIPS + 1):
            native = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 3)))
            partners.append(
                {
                    "id": number,
                    "name": f"{rng.choice(vocabulary).title()} {number}",
                    "native_name": native,
                    "country_name": "China",
                    "country_code": "CN",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        session.execute(insert(models.Partner), partners)
        session.execute(
            insert(models.Partnership),
            [
                {
                    "id": number,
                    "jurisdiction_id": 1,
                    "partner_id": number,
                    "notes": " ".join(rng.choices(vocabulary, weights, k=20)),
                    "created_at": now,
                    "updated_at": now,
                }
                for number in range(1, PARTNERSHIPS + 1)
            ],
        )
        for start in range(0, OVERSIGHT, 20_000):
            session.execute(
                insert(models.OversightAction),
                [
                    {
                        "partnership_id": rng.randint(1, PARTNERSHIPS),
                        "kind": "annual_review",
                        "action_on": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                        "finding": " ".join(rng.choices(vocabulary, weights, k=30)),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for _ in range(start, min(OVERSIGHT, start + 20_000))
                ],
            )
        started = time.perf_counter()
        count = search.rebuild_in(session)
    print(f"index filled with {count} records in {time.perf_counter() - started:.1f} s")


def queries(db: Database) -> list[str]:
    with db.reading() as session:
        names = list(session.scalars(select(models.Partner.name).limit(60)))
        natives = list(session.scalars(select(models.Partner.native_name).limit(60)))
        findings = list(session.scalars(select(models.OversightAction.finding).limit(80)))
    rng = random.Random(3)
    mix = [name.split()[0] for name in names[:40]] + [native[:2] for native in natives[:40]]
    mix += [" ".join(rng.sample(finding.split(), 2)) for finding in findings[:60]]
    mix += [finding.split()[-1][:4] for finding in findings[60:80]]  # prefixes
    mix += ['"stray', "NEAR(", "zzzz nothing"] * 5
    return mix


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    db, _ = open_database(resolve_location(folder))
    build(db)
    timings = []
    for query in queries(db) * 2:
        started = time.perf_counter()
        search.search(db, query)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{len(timings)} searches: median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )
    print(f"bar: p95 under 20 ms; ratio {p95 / 20:.2f} (below 1 passes)")
    db.dispose()


if __name__ == "__main__":
    main()
