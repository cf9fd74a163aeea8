"""Benchmark, run on demand: 1,000 three-page text PDFs attached in one command, and a 1 GiB file's memory growth.

    python -m tests.benchmarks.bench_attach pdfs [COUNT]
    python -m tests.benchmarks.bench_attach large [MIB]

Prints the figures and their ratio to the quality bars (9 s for 1,000 PDFs; under 64 MiB memory growth and at
least half the speed of hashing the file alone).
"""

from __future__ import annotations

import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.core.opening import open_database
from desktop_app.core.paths import resolve_location
from tests import file_samples


def _page_lines(number: int) -> list[str]:
    words = [
        "the",
        "sister",
        "city",
        "agreement",
        "between",
        "the",
        "parties",
        "shall",
        "be",
        "published",
        "and",
        "reviewed",
        "by",
        "the",
        "council",
    ]
    return [" ".join(words[(number + i) % len(words) :] + words[: (number + i) % len(words)]) for i in range(45)]


def _partnership(db: object) -> int:
    from desktop_app.core import records
    from desktop_app.core.records.parties import set_home_jurisdiction

    home = set_home_jurisdiction(db, "Columbus", "OH")  # type: ignore[arg-type]
    partner = records.create(db, "partner", {"name": "Hefei", "country_name": "China"})  # type: ignore[arg-type]
    partnership = records.create(
        db,  # type: ignore[arg-type]
        "partnership",
        {"jurisdiction_id": home["id"], "partner_id": partner["id"]},
    )
    return int(partnership["id"])


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_pdfs(count: int) -> None:
    from desktop_app.core.files import attach_files

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = []
        for number in range(count):
            path = root / f"document-{number:04d}.pdf"
            path.write_bytes(file_samples.text_pdf_bytes([f"Document {number}", *_page_lines(number)], pages=3))
            paths.append(path)
        db, _ = open_database(resolve_location(root / "data"))
        partnership_id = _partnership(db)
        started = time.perf_counter()
        cpu_before = _cpu_seconds()
        results = attach_files(db, paths, "partnership", partnership_id)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        states = {result["text_state"] for result in results}
        from desktop_app.core.search import search

        assert search(db, f"Document {count - 1}")
        db.dispose()
    print(f"{count} three-page text PDFs attached, text extracted and indexed in {elapsed:.2f} s; states {states}")
    print(f"processor time used (this process and its readers): {cpu:.1f} s, {1000 * cpu / count:.1f} ms a file")
    print(f"bar: 9 s for 1,000 files; ratio {elapsed / (9.0 * count / 1000):.2f} (below 1 passes)")


def bench_large(mib: int) -> None:
    from desktop_app.core.files import attach_files

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "large.bin"
        block = bytes(range(256)) * 4096
        with path.open("wb") as handle:
            for index in range(mib):
                handle.write(block[index % 256 :] + block[: index % 256])
        started = time.perf_counter()
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        hash_only = time.perf_counter() - started
        db, _ = open_database(resolve_location(root / "data"))
        partnership_id = _partnership(db)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        [result] = attach_files(db, [path], "partnership", partnership_id)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        db.dispose()
    growth = (after - before) / 1024  # ru_maxrss is in KiB on Linux
    assert result["sha256"] == digest.hexdigest()
    print(
        f"{mib} MiB attached in {elapsed:.2f} s (hashing alone {hash_only:.2f} s); peak memory growth {growth:.1f} MiB"
    )
    print(f"speed ratio to hashing alone: {hash_only / elapsed:.2f} (bar 0.5 or more); memory bar 64 MiB")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "pdfs"
    if what == "large":
        bench_large(int(sys.argv[2]) if len(sys.argv) > 2 else 1024)
    else:
        bench_pdfs(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
