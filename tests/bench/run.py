"""The performance benchmark: measures every quality bar beside its baseline, in the same run, and prints a table.

Run on demand (never by pytest): ``python -m tests.bench.run [--scale S] [--quick] [--data FOLDER]``.
Every measurement runs in a fresh child process; the generated data is kept in the data folder and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench import generate

MIB = 1024 * 1024


@dataclass
class Row:
    bar: str
    measured: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: not measured

    def cells(self) -> list[str]:
        verdict = "not measured" if self.met is None else ("met" if self.met else "NOT met")
        return [self.bar, self.measured, self.baseline, self.ratio, self.target, verdict]


def run_task(name: str, *arguments: str, env: dict[str, str] | None = None, timeout: float = 900) -> dict[str, Any]:
    """Runs one task of tests.bench.tasks in a fresh Python process and returns its figures."""
    command = [sys.executable, "-m", "tests.bench.tasks", name, *arguments]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}, check=False
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"task {name} failed:\n{completed.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def repeat(times: int, name: str, *arguments: str, **options: Any) -> list[dict[str, Any]]:
    return [run_task(name, *arguments, **options) for _ in range(times)]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def timing(runs: list[dict[str, Any]]) -> str:
    return f"{seconds(median_of(runs, 'wall'))} (cpu {seconds(median_of(runs, 'cpu'))})"


# ----- data ----------------------------------------------------------------------------------------------------


def prepare(folder: Path, scale: float, big_size: int, pdf_count: int) -> dict[str, Path]:
    """Generates what is missing in the data folder (reused between runs of the same scale)."""
    folder.mkdir(parents=True, exist_ok=True)
    large = folder / f"large-{scale:g}"
    if (large / ".complete").exists():
        run_task("lists", str(large), "1")  # a newer program may add revisions: migrate before timing
    else:
        shutil.rmtree(large, ignore_errors=True)
        started = time.perf_counter()
        print(f"Generating the large database at scale {scale:g} …", file=sys.stderr, flush=True)
        generate.generate_large_database(large, scale=scale)
        run_task("lists", str(large), "1")  # brings the schema to the newest revision before anything is timed
        (large / ".complete").write_text("")
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    csv_rows = max(1000, int(100_000 * scale))
    csv_path = folder / f"partnerships-{csv_rows}.csv"
    if not csv_path.exists():
        generate.generate_csv(csv_path, csv_rows)
    big = folder / f"big-{big_size}.bin"
    if not big.exists() or big.stat().st_size != big_size:
        generate.generate_big_file(big, big_size)
    pdfs = folder / f"pdfs-{pdf_count}"
    if not (pdfs / ".complete").exists():
        shutil.rmtree(pdfs, ignore_errors=True)
        generate.generate_pdfs(pdfs, pdf_count)
        (pdfs / ".complete").write_text("")
    return {"large": large, "csv": csv_path, "big": big, "pdfs": pdfs}


def fresh_dir(scratch: Path, name: str) -> Path:
    path = scratch / name
    shutil.rmtree(path, ignore_errors=True)
    return path


def empty_database(scratch: Path) -> Path:
    """A new, empty data folder, opened once so that its schema exists."""
    path = fresh_dir(scratch, "empty")
    run_task("lists", str(path), "1")
    return path


# ----- the bars ------------------------------------------------------------------------------------------------


def bar_window(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The window's start with the records' summary saved at the last start (re-open) and without (first open)."""
    try:
        import desktop_app.gui.launch  # noqa: F401
        from desktop_app.core.host.paths import resolve_location
        from desktop_app.core.summary.cache import summary_file
    except ImportError:
        return [Row("Window ready, large database", "—", "—", "—", "≤ 3× bare, ≤ 1.1× empty", None)]
    env = {"QT_QPA_PLATFORM": "offscreen"}
    empty = empty_database(scratch)
    folders = {"empty": empty, "large": data["large"]}

    def window(name: str, *, saved: bool) -> dict[str, Any]:
        if not saved:
            summary_file(resolve_location(folders[name])).unlink(missing_ok=True)
        figures = run_task("window", name, repr(time.time()), str(folders[name]), env=env, timeout=150)
        if figures.get("saved_summary") != saved:
            raise RuntimeError(f"the {name} window {'did not use' if saved else 'used'} a saved summary")
        return figures

    timed: dict[str, list[dict[str, Any]]] = {key: [] for key in ("bare", "empty", "large", "empty-1", "large-1")}
    try:
        for name in folders:  # a first start saves the summary the re-opens use
            window(name, saved=False)
        for _ in range(runs):  # interleaved, so that the load of the machine falls alike on all five
            timed["bare"].append(run_task("window", "bare", repr(time.time()), env=env, timeout=150))
            timed["empty-1"].append(window("empty", saved=False))
            timed["empty"].append(window("empty", saved=True))
            timed["large-1"].append(window("large", saved=False))
            timed["large"].append(window("large", saved=True))
    except (RuntimeError, subprocess.TimeoutExpired) as problem:
        print(f"The window could not be timed: {str(problem).splitlines()[0]}", file=sys.stderr)
        return [Row("Window ready, large database", "—", "—", "—", "≤ 3× bare, ≤ 1.1× empty", None)]

    def row(bar: str, measured: str, baseline: str, target: float) -> Row:
        ratio = median_of(timed[measured], "wall") / median_of(timed[baseline], "wall")
        return Row(
            bar, timing(timed[measured]), timing(timed[baseline]), f"{ratio:.2f}×", f"≤ {target:g}×", ratio <= target
        )

    return [
        row("Window ready, re-open the same day, large vs bare Qt", "large", "bare", 3),
        row("Window ready, first open of the day, large vs bare Qt", "large-1", "bare", 3),
        row("Window ready, re-open the same day, large vs empty", "large", "empty", 1.1),
        row("Window ready, first open of the day, large vs empty", "large-1", "empty-1", 1.1),
    ]


def bar_lists(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    empty = empty_database(scratch)
    large = run_task("lists", str(data["large"]), str(max(3, runs * 3)))
    small = run_task("lists", str(empty), str(max(3, runs * 3)))
    slowest = large["slowest"]
    ratio = large["wall"] / max(small["lists"][slowest]["wall"], 1e-9)
    return [
        Row(
            f"First screen of every list (slowest: {slowest})",
            f"{seconds(large['wall'])} (cpu {seconds(large['cpu'])})",
            f"{seconds(small['lists'][slowest]['wall'])} empty",
            f"{ratio:.1f}×",
            "< 100 ms",
            large["wall"] < 0.1,
        )
    ]


def bar_search(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    empty = empty_database(scratch)
    large = run_task("search", str(data["large"]), str(max(5, runs * 10)))
    small = run_task("search", str(empty), str(max(5, runs * 10)))
    return [
        Row(
            "Full-text search p50 / p95",
            f"{large['p50'] * 1000:.1f} / {large['p95'] * 1000:.1f} ms",
            f"{small['p50'] * 1000:.1f} / {small['p95'] * 1000:.1f} ms empty",
            f"{large['p95'] / max(small['p95'], 1e-9):.1f}×",
            "p95 < 20 ms",
            large["p95"] < 0.02,
        )
    ]


def bar_attach_big(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    big = data["big"]
    subprocess.run(["sha256sum", str(big)], capture_output=True, check=True)  # both read from the page cache
    attach, sums = [], []
    for _ in range(runs):
        started = time.perf_counter()
        before = os.times()
        subprocess.run(["sha256sum", str(big)], capture_output=True, check=True)
        after = os.times()
        sums.append({"wall": time.perf_counter() - started, "cpu": after.children_user - before.children_user})
        attach.append(run_task("attach", str(fresh_dir(scratch, "attach")), str(big)))
    speed = median_of(sums, "wall") / median_of(attach, "wall")
    growth = max(run["rss_growth_mib"] for run in attach)
    size = f"{big.stat().st_size / MIB:.0f} MiB"
    return [
        Row(
            f"Attach a {size} file: speed vs sha256sum",
            timing(attach),
            timing(sums),
            f"{speed:.2f}× its speed",
            "≥ 0.5×",
            speed >= 0.5,
        ),
        Row(f"Attach a {size} file: peak memory growth", f"{growth:.1f} MiB", "—", "—", "< 64 MiB", growth < 64),
    ]


def bar_response_pdf(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    letter, plain = [], []
    for _ in range(runs):
        letter.append(run_task("response-pdf", str(data["large"])))
        plain.append(run_task("plain-pdf", str(data["large"])))
    ratio = median_of(letter, "wall") / max(median_of(plain, "wall"), 1e-9)
    return [
        Row(
            f"Response PDF, large database ({letter[0]['pages']} pages)",
            timing(letter),
            f"{timing(plain)} plain ({plain[0]['rows']} rows)",
            f"{ratio:.2f}×",
            "< 2 s",
            median_of(letter, "wall") < 2,
        )
    ]


def bar_csv(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    imports, floors = [], []
    for _ in range(runs):
        imports.append(run_task("csv-import", str(fresh_dir(scratch, "csv")), str(data["csv"])))
        floors.append(run_task("csv-floor", str(fresh_dir(scratch, "csv-floor")), str(data["csv"])))
    rows = sum(1 for _ in data["csv"].open(encoding="utf-8")) - 1
    ratio = median_of(imports, "wall") / max(median_of(floors, "wall"), 1e-9)
    return [
        Row(
            f"CSV import of {rows:,} partnerships",
            timing(imports),
            f"{timing(floors)} bare sqlite3",
            f"{ratio:.1f}×",
            "< 5 s",
            median_of(imports, "wall") < 5,
        )
    ]


def bar_pdfs(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    paths = sorted(str(path) for path in data["pdfs"].glob("*.pdf"))
    attach, floors = [], []
    for _ in range(runs):
        attach.append(run_task("attach", str(fresh_dir(scratch, "pdfs")), *paths))
        started = time.perf_counter()
        before = os.times()
        for path in paths:
            subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True)
        after = os.times()
        floors.append({"wall": time.perf_counter() - started, "cpu": after.children_user - before.children_user})
    extracted = attach[0]["extracted"]
    ratio = median_of(attach, "wall") / max(median_of(floors, "wall"), 1e-9)
    return [
        Row(
            f"Attach {len(paths)} three-page PDFs ({extracted} with text)",
            timing(attach),
            f"{timing(floors)} pdftotext one by one",
            f"{ratio:.2f}×",
            "< 9 s",
            median_of(attach, "wall") < 9 and extracted == len(paths),
        )
    ]


BARS = {
    "window": bar_window,
    "lists": bar_lists,
    "search": bar_search,
    "attach": bar_attach_big,
    "pdf": bar_response_pdf,
    "csv": bar_csv,
    "pdfs": bar_pdfs,
}


def print_table(rows: list[Row]) -> None:
    header = ["Bar", "Measured (median)", "Baseline (same run)", "Ratio", "Target", "Result"]
    cells = [header] + [row.cells() for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
    for number, line in enumerate(cells):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} at the start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full database size (default 1)")
    parser.add_argument("--quick", action="store_true", help="one run per bar, a 64 MiB file and 100 PDFs")
    parser.add_argument("--runs", type=int, help="runs per measurement, of which the median is shown (default 3)")
    parser.add_argument("--data", type=Path, help="folder for the generated data (kept and reused)")
    parser.add_argument("--only", nargs="*", choices=list(BARS), help="measure only these bars")
    args = parser.parse_args()
    data_folder = args.data or Path(tempfile.gettempdir()) / "sister-city-bench"
    runs = args.runs or (1 if args.quick else 3)
    big_size = 64 * MIB if args.quick else 1024 * MIB
    pdf_count = 100 if args.quick else 1000
    data = prepare(data_folder, args.scale, big_size, pdf_count)
    print(machine())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=data_folder) as scratch:
        for name in args.only or list(BARS):
            print(f"Measuring {name} …", file=sys.stderr, flush=True)
            rows.extend(BARS[name](data, Path(scratch), runs))
    print_table(rows)


if __name__ == "__main__":
    main()
