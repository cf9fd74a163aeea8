"""The performance benchmark: measures every quality bar beside its baseline, in the same run, and prints a table.

Run on demand (never by pytest): ``python -m tests.bench.run [--scale S] [--quick] [--data FOLDER]``.
Every measurement runs in a fresh child process; the generated data is kept in the data folder and reused.
With ``--database URL`` (a PostgreSQL database the benchmark may fill) the lists, search, command line and response
PDF are measured a second time on the same large database held on that server, against an empty database beside it.
With ``--scaling`` it prints how the lists, the search and the letter grow at 1×, 2× and 4× the size.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.host.paths import ENV_DATA_DIR, hide_passwords, shown_database_url
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
        raise RuntimeError(f"task {name} failed:\n{hide_passwords(completed.stderr[-3000:])}")
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def repeat(times: int, name: str, *arguments: str, **options: Any) -> list[dict[str, Any]]:
    return [run_task(name, *arguments, **options) for _ in range(times)]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def timing(runs: list[dict[str, Any]], key: str = "wall") -> str:
    return f"{seconds(median_of(runs, key))} (cpu {seconds(median_of(runs, 'cpu'))})"


# ----- data ----------------------------------------------------------------------------------------------------


# What each bar measures on: the large database, the CSV, the big file or the PDFs.
NEEDS = {
    "window": "large",
    "lists": "large",
    "search": "large",
    "cli": "large",
    "attach": "big",
    "pdf": "large",
    "csv": "csv",
    "pdfs": "pdfs",
}


def prepare(folder: Path, scale: float, big_size: int, pdf_count: int, bars: list[str]) -> dict[str, Path]:
    """Generates what the bars need and is missing in the data folder (reused between runs of the same scale)."""
    folder.mkdir(parents=True, exist_ok=True)
    needed = {NEEDS[bar] for bar in bars}
    data: dict[str, Path] = {}
    if "large" in needed:
        data["large"] = prepare_large(folder, scale)
    if "csv" in needed:
        csv_rows = max(1000, int(100_000 * scale))
        data["csv"] = folder / f"partnerships-{csv_rows}.csv"
        if not data["csv"].exists():
            generate.generate_csv(data["csv"], csv_rows)
    if "big" in needed:
        data["big"] = folder / f"big-{big_size}.bin"
        if not data["big"].exists() or data["big"].stat().st_size != big_size:
            generate.generate_big_file(data["big"], big_size)
    if "pdfs" in needed:
        data["pdfs"] = folder / f"pdfs-{pdf_count}"
        if not (data["pdfs"] / ".complete").exists():
            shutil.rmtree(data["pdfs"], ignore_errors=True)
            generate.generate_pdfs(data["pdfs"], pdf_count)
            (data["pdfs"] / ".complete").write_text("")
    return data


def prepare_large(folder: Path, scale: float) -> Path:
    """The large SQLite database of the data folder, generated when missing."""
    large = folder / f"large-{scale:g}"
    if (large / ".complete").exists():
        run_task("lists", str(large), "1")  # a newer program may add revisions: migrate before timing
        return large
    shutil.rmtree(large, ignore_errors=True)
    started = time.perf_counter()
    print(f"Generating the large database at scale {scale:g} …", file=sys.stderr, flush=True)
    generate.generate_large_database(large, scale=scale)
    run_task("lists", str(large), "1")  # brings the schema to the newest revision before anything is timed
    (large / ".complete").write_text("")
    print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return large


# ----- the same large database on a PostgreSQL server ---------------------------------------------------------

LARGE_URL_VARIABLE = "SISTER_CITY_BENCH_DATABASE_URL"
EMPTY_URL_VARIABLE = "SISTER_CITY_BENCH_EMPTY_DATABASE_URL"
SCRATCH_URL_VARIABLE = "SISTER_CITY_BENCH_SCRATCH_DATABASE_URL"


@dataclass(frozen=True)
class Server:
    """The large database on a PostgreSQL server, the empty database beside it, and their data folder.

    The tasks are handed the URLs in environment variables, so that no password shows on a command line.
    """

    url: str
    empty_url: str
    folder: Path

    large = "env:" + LARGE_URL_VARIABLE
    empty = "env:" + EMPTY_URL_VARIABLE

    def env(self) -> dict[str, str]:
        return {ENV_DATA_DIR: str(self.folder), LARGE_URL_VARIABLE: self.url, EMPTY_URL_VARIABLE: self.empty_url}


def shown(url: str) -> str:
    return shown_database_url(url) or "the database named with --database"


def server_marker(folder: Path, url: str) -> Path:
    """The file in the data folder that says what the benchmark generated in the database at ``url``."""
    return folder / f"server-{hashlib.sha256(shown(url).encode('utf-8')).hexdigest()[:16]}.json"


def prepare_server(folder: Path, url: str, scale: float) -> Server:
    """The large database on the server, generated unless the data folder's marker and the database both say it
    is there at this scale; and the empty database beside it, created when missing and the account may."""
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(url, empty_database_url(url), folder / "server")
    marker = server_marker(folder, url)
    expected = {"database": shown(url), "scale": scale, "state": "complete"}
    generated = marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == expected
    if generated and generate.server_partnership_count(url) == int(generate.SIZES["partnerships"] * scale):
        run_task("lists", server.large, "1", env=server.env())  # a newer program may add revisions
    else:
        refuse_records_not_generated(url, marker)
        marker.write_text(json.dumps({**expected, "state": "generating"}), encoding="utf-8")
        started = time.perf_counter()
        print(f"Generating the large database at scale {scale:g} on {shown(url)} …", file=sys.stderr, flush=True)
        generate.empty_server_database(url)
        generate.generate_large_database(server.folder, scale=scale, database_url=url)
        run_task("lists", server.large, "1", env=server.env())
        marker.write_text(json.dumps(expected), encoding="utf-8")
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    prepare_empty_server_database(server)
    return server


def is_postgresql_url(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name() == "postgresql"
    except (ArgumentError, ValueError):
        return False


def refuse_records_not_generated(url: str, marker: Path) -> None:
    """Stops before emptying a database that holds tables the benchmark did not put there."""
    if marker.exists() or not generate.server_table_count(url) or generate.server_holds_generated_records(url):
        return
    raise SystemExit(
        f"{shown(url)} holds tables the benchmark did not generate, and it empties the database it fills: "
        "name an empty database, or one the benchmark filled before."
    )


def empty_database_url(url: str) -> str:
    """The baseline's database: the large one's name followed by _empty, on the same server and account."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_empty").render_as_string(hide_password=False)


def prepare_empty_server_database(server: Server) -> None:
    """Creates the empty baseline database when missing, and sets the records up in it; never empties it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    name = str(make_url(server.empty_url).database)
    engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                connection.execute(text('CREATE DATABASE "{}"'.format(name.replace('"', '""'))))
    except DBAPIError as problem:
        raise SystemExit(
            f"The empty database {shown(server.empty_url)} could not be created "
            f"({type(problem.orig).__name__}): create it, empty, on the server, and run the benchmark again."
        ) from None
    finally:
        engine.dispose()
    if generate.server_partnership_count(server.empty_url):
        raise SystemExit(f"{shown(server.empty_url)} holds partnerships; the baseline needs an empty database.")
    # Sets up or upgrades its records, and gives it the home city and the draft the letter needs, before timing.
    run_task("response-pdf", server.empty, env=server.env())


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

    def row(bar: str, measured: str, baseline: str, target: float, key: str = "wall") -> Row:
        ratio = median_of(timed[measured], key) / median_of(timed[baseline], key)
        return Row(
            bar,
            timing(timed[measured], key),
            timing(timed[baseline], key),
            f"{ratio:.2f}×",
            f"≤ {target:g}×",
            ratio <= target,
        )

    def memory_row() -> Row:
        large, empty = median_of(timed["large"], "rss_mib"), median_of(timed["empty"], "rss_mib")
        ratio = large / empty
        return Row(
            "Window memory when usable (VmRSS), large vs empty",
            f"{large:.0f} MiB",
            f"{empty:.0f} MiB",
            f"{ratio:.2f}×",
            "≤ 2×",
            ratio <= 2,
        )

    return [
        row("Window ready, re-open the same day, large vs bare Qt", "large", "bare", 3),
        row("Window ready, first open of the day, large vs bare Qt", "large-1", "bare", 3),
        row("Window ready, re-open the same day, large vs empty", "large", "empty", 1.1),
        row("Window usable, first open of the day vs re-open, large", "large-1", "large", 1.5, "usable"),
        memory_row(),
    ]


def bar_lists(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    return [lists_row("First screen of every list", str(data["large"]), str(empty_database(scratch)), runs)]


def server_lists(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    return [lists_row("First screen of every list, PostgreSQL", server.large, server.empty, runs, server.env())]


def lists_row(bar: str, large_at: str, empty_at: str, runs: int, env: dict[str, str] | None = None) -> Row:
    large = run_task("lists", large_at, str(max(3, runs * 3)), env=env)
    small = run_task("lists", empty_at, str(max(3, runs * 3)), env=env)
    slowest = large["slowest"]
    ratio = large["wall"] / max(small["lists"][slowest]["wall"], 1e-9)
    return Row(
        f"{bar} (slowest: {slowest})",
        f"{seconds(large['wall'])} (cpu {seconds(large['cpu'])})",
        f"{seconds(small['lists'][slowest]['wall'])} empty",
        f"{ratio:.1f}×",
        "< 100 ms",
        large["wall"] < 0.1,
    )


def bar_search(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    return [search_row("Full-text search p50 / p95", str(data["large"]), str(empty_database(scratch)), runs)]


def server_search(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    return [search_row("Full-text search, PostgreSQL, p50 / p95", server.large, server.empty, runs, server.env())]


def search_row(bar: str, large_at: str, empty_at: str, runs: int, env: dict[str, str] | None = None) -> Row:
    large = run_task("search", large_at, str(max(5, runs * 10)), env=env)
    small = run_task("search", empty_at, str(max(5, runs * 10)), env=env)
    return Row(
        bar,
        f"{large['p50'] * 1000:.1f} / {large['p95'] * 1000:.1f} ms",
        f"{small['p50'] * 1000:.1f} / {small['p95'] * 1000:.1f} ms empty",
        f"{large['p95'] / max(small['p95'], 1e-9):.1f}×",
        "p95 < 20 ms",
        large["p95"] < 0.02,
    )


# ----- the command line ---------------------------------------------------------------------------------------

SEARCH_WORD = "transparency"  # a word of the generated findings, found in many records
NO_CALIBRE = "calibredb not installed: install Debian's calibre package"
CLI_TARGET = "≤ 0.5× calibredb search"


def timed_command(command: list[str], runs: int, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Wall and user CPU seconds of a command run as a child process, once per run, after one untimed run (so
    that every command reads its files from the page cache)."""
    options: dict[str, Any] = {"capture_output": True, "env": {**os.environ, **(env or {})}, "timeout": 300}
    timed = []
    for number in range(runs + 1):
        started = time.perf_counter()
        before = os.times()
        completed = subprocess.run(command, check=False, **options)
        after = os.times()
        if completed.returncode != 0:
            shown_command = hide_passwords(" ".join(command[1:]))
            problem = hide_passwords(completed.stderr.decode("utf-8", "replace")[-2000:])
            raise RuntimeError(f"{shown_command} failed:\n{problem}")
        if number:
            timed.append({"wall": time.perf_counter() - started, "cpu": after.children_user - before.children_user})
    return timed


@dataclass(frozen=True)
class Calibre:
    """Median timings of calibredb on a small library of its own, made once per run; None when not installed."""

    search: list[dict[str, Any]]
    listing: list[dict[str, Any]]

    def baseline(self, *, with_list: bool = False) -> str:
        shown_list = f"; calibredb list {seconds(median_of(self.listing, 'wall'))}" if with_list else ""
        return f"{timing(self.search)} calibredb search{shown_list}"


_calibre_runs: dict[tuple[Path, int], Calibre | None] = {}


def calibre_baseline(scratch: Path, runs: int) -> Calibre | None:
    """calibredb search and list timed on a library of a few generated books (once per run, then reused)."""
    if (scratch, runs) in _calibre_runs:
        return _calibre_runs[(scratch, runs)]
    calibredb = shutil.which("calibredb")
    calibre: Calibre | None = None
    if calibredb:
        library = fresh_dir(scratch, "calibre-library")
        books = generate.generate_calibre_books(fresh_dir(scratch, "calibre-books"), SEARCH_WORD)
        env = {"QT_QPA_PLATFORM": "offscreen"}
        where = ["--library-path", str(library)]
        timed_command([calibredb, "add", *where, *map(str, books)], 0, env)
        calibre = Calibre(
            search=timed_command([calibredb, "search", *where, SEARCH_WORD], runs, env),
            listing=timed_command([calibredb, "list", *where], runs, env),
        )
    _calibre_runs[(scratch, runs)] = calibre
    return calibre


def program_command(*arguments: str) -> list[str]:
    """The program's command line as a clerk runs it, in a new Python process."""
    return [sys.executable, "-m", "desktop_app", *arguments]


def bar_cli(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The read commands against calibredb search, and version against a bare Python start."""
    where = ["--data-dir", str(data["large"])]
    bare = timed_command([sys.executable, "-c", "pass"], max(runs, 5))
    version = timed_command(program_command(*where, "version"), max(runs, 5))
    ratio = median_of(version, "wall") / max(median_of(bare, "wall"), 1e-9)
    version_row = Row(
        "Command line `version` vs bare `python -c pass`",
        timing(version),
        f"{timing(bare)} python -c pass",
        f"{ratio:.1f}×",
        "< 80 ms",
        median_of(version, "wall") < 0.08,
    )
    # verify --quick runs the engine's own quick check, which reads every page: that alone, timed by the standard
    # library's sqlite3, is the native tool's time for it.
    quick_check = (
        "import pathlib, sqlite3, sys; uri = pathlib.Path(sys.argv[1]).as_uri() + '?mode=ro'; "
        "sqlite3.connect(uri, uri=True).execute('PRAGMA quick_check').fetchall()"
    )
    native_check = timed_command([sys.executable, "-c", quick_check, str(data["large"] / "records.sqlite3")], runs)
    native = {"verify": f"; PRAGMA quick_check alone {timing(native_check)}"}
    calibre = calibre_baseline(scratch, runs)
    return [version_row, *read_command_rows("Command line", where, calibre, runs, native=native)]


READ_COMMANDS = (
    ["list", "partnerships"],
    ["show", "partnership:1"],
    ["search", SEARCH_WORD],
    ["backups"],
    ["verify", "--quick"],
)


def read_command_rows(
    bar: str,
    where: list[str],
    calibre: Calibre | None,
    runs: int,
    env: dict[str, str] | None = None,
    beside: str = "",
    native: dict[str, str] | None = None,
) -> list[Row]:
    """The read commands, each against calibredb search; ``beside`` adds a figure to each baseline, and ``native``
    one to the baseline of the command it names (by its first word)."""
    rows = []
    for command in READ_COMMANDS:
        beside_this = beside + (native or {}).get(command[0], "")
        timed = timed_command(program_command(*where, *command), runs, env)
        if calibre is None:
            rows.append(
                Row(f"{bar} `{' '.join(command)}`", timing(timed), NO_CALIBRE + beside_this, "—", CLI_TARGET, None)
            )
            continue
        ratio = median_of(timed, "wall") / max(median_of(calibre.search, "wall"), 1e-9)
        rows.append(
            Row(
                f"{bar} `{' '.join(command)}` vs calibredb search",
                timing(timed),
                calibre.baseline(with_list=command[0] == "list") + beside_this,
                f"{ratio:.2f}×",
                CLI_TARGET,
                ratio <= 0.5,
            )
        )
    return rows


def server_cli(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The read commands on the server's large database; the command line takes the address as an argument."""
    from sqlalchemy.engine import make_url

    if make_url(server.url).password:
        return [
            Row(
                "Command line on PostgreSQL",
                "—",
                "not measured: the address holds a password, which a command line would show",
                "—",
                CLI_TARGET,
                None,
            )
        ]
    where = ["--database", server.url]
    calibre = calibre_baseline(scratch, runs)
    # Every command on a server loads the driver first: its own import time shows what is left to the program.
    driver = timed_command([sys.executable, "-c", "import psycopg"], runs)
    beside = f"; `import psycopg` alone {timing(driver)}"
    env = {ENV_DATA_DIR: str(server.folder)}
    return read_command_rows("Command line, PostgreSQL,", where, calibre, runs, env, beside)


def bar_attach_big(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    big = data["big"]
    return attach_rows("", big, runs, lambda: run_task("attach", str(fresh_dir(scratch, "attach")), str(big)))


def server_attach_big(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The 1 GiB attach into a new database on the server for each run, against sha256sum."""
    big = data["big"]

    def attach_once() -> dict[str, Any]:
        env = {**server.env(), SCRATCH_URL_VARIABLE: fresh_server_database(server, "_scratch")}
        return run_task("attach", "env:" + SCRATCH_URL_VARIABLE, str(big), env=env)

    return attach_rows(", PostgreSQL", big, runs, attach_once)


def attach_rows(where: str, big: Path, runs: int, attach_once: Callable[[], dict[str, Any]]) -> list[Row]:
    """The attach of the big file against sha256sum of it (taking turns), its memory and the next write after it."""
    subprocess.run(["sha256sum", str(big)], capture_output=True, check=True)  # both read from the page cache
    attach, sums = [], []
    for _ in range(runs):
        started = time.perf_counter()
        before = os.times()
        subprocess.run(["sha256sum", str(big)], capture_output=True, check=True)
        after = os.times()
        sums.append({"wall": time.perf_counter() - started, "cpu": after.children_user - before.children_user})
        attach.append(attach_once())
    speed = median_of(sums, "wall") / median_of(attach, "wall")
    growth = max(run["rss_growth_mib"] for run in attach)
    what = f"Attach a {big.stat().st_size / MIB:.0f} MiB file{where}:"
    next_write = median_of(attach, "next_write")
    return [
        Row(
            f"{what} speed vs sha256sum",
            timing(attach),
            timing(sums),
            f"{speed:.2f}× its speed",
            "≥ 0.7×",
            speed >= 0.7,
        ),
        Row(f"{what} peak memory growth", f"{growth:.1f} MiB", "—", "—", "< 64 MiB", growth < 64),
        # The first small write after the attach would pay for any copy the attach left behind.
        Row(f"{what} the next small write", seconds(next_write), "—", "—", "< 100 ms", next_write < 0.1),
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


def server_response_pdf(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The letter on the server's large database, against the same letter on its empty database."""
    letter, empty = [], []
    for _ in range(runs):
        letter.append(run_task("response-pdf", server.large, env=server.env()))
        empty.append(run_task("response-pdf", server.empty, env=server.env()))
    ratio = median_of(letter, "wall") / max(median_of(empty, "wall"), 1e-9)
    return [
        Row(
            f"Response PDF, PostgreSQL, large database ({letter[0]['pages']} pages)",
            timing(letter),
            f"{timing(empty)} empty ({empty[0]['pages']} pages)",
            f"{ratio:.2f}×",
            "< 2 s",
            median_of(letter, "wall") < 2,
        )
    ]


def bar_csv(data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    csv = data["csv"]
    return csv_rows("", csv, scratch, runs, lambda: run_task("csv-import", str(fresh_dir(scratch, "csv")), str(csv)))


SCRATCH_DATABASE_MARK = "Sister City Records benchmark: a scratch database, made anew for each run"


def server_csv(server: Server, data: dict[str, Path], scratch: Path, runs: int) -> list[Row]:
    """The CSV import into a new database on the server for each run, against bare inserts on SQLite."""
    csv = data["csv"]

    def import_once() -> dict[str, Any]:
        env = {**server.env(), SCRATCH_URL_VARIABLE: fresh_server_database(server, "_scratch")}
        return run_task("csv-import", str(server.folder), str(csv), "env:" + SCRATCH_URL_VARIABLE, env=env)

    return csv_rows(", PostgreSQL", csv, scratch, runs, import_once)


def csv_rows(where: str, csv: Path, scratch: Path, runs: int, import_once: Callable[[], dict[str, Any]]) -> list[Row]:
    """The import of the CSV against inserting its rows into one bare SQLite table, taking turns."""
    imports, floors = [], []
    for _ in range(runs):
        imports.append(import_once())
        floors.append(run_task("csv-floor", str(fresh_dir(scratch, "csv-floor")), str(csv)))
    rows = sum(1 for _ in csv.open(encoding="utf-8")) - 1
    ratio = median_of(imports, "wall") / max(median_of(floors, "wall"), 1e-9)
    imported = median_of(imports, "wall")
    return [
        Row(
            f"CSV import of {rows:,} partnerships{where}",
            timing(imports),
            f"{timing(floors)} bare sqlite3",
            f"{ratio:.1f}×",
            "< 5 s",
            imported < 5,
        )
    ]


def fresh_server_database(server: Server, suffix: str) -> str:
    """A new, empty database beside the large one, named with ``suffix``; the benchmark's own from an earlier run
    is dropped first, and any other database of that name is left alone and the run stopped."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(server.url)
    name = f"{parsed.database}{suffix}"
    quoted = '"{}"'.format(name.replace('"', '""'))
    engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            mark = connection.scalar(
                text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
                {"name": name},
            )
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists and mark != SCRATCH_DATABASE_MARK:
                raise SystemExit(f"{name} exists on the server and is not the benchmark's: drop or rename it.")
            if exists:
                connection.execute(text(f"DROP DATABASE {quoted} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {quoted}"))
            connection.execute(text(f"COMMENT ON DATABASE {quoted} IS '{SCRATCH_DATABASE_MARK}'"))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


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
    "cli": bar_cli,
    "attach": bar_attach_big,
    "pdf": bar_response_pdf,
    "csv": bar_csv,
    "pdfs": bar_pdfs,
}
# The bars measured a second time on a PostgreSQL server with --database, each after its SQLite row.
SERVER_BARS = {
    "lists": server_lists,
    "search": server_search,
    "cli": server_cli,
    "pdf": server_response_pdf,
    "csv": server_csv,
    "attach": server_attach_big,
}


def print_table(rows: list[Row]) -> None:
    header = ["Bar", "Measured (median)", "Baseline (same run)", "Ratio", "Target", "Result"]
    print_cells(header, [row.cells() for row in rows])


def print_cells(header: list[str], lines: list[list[str]]) -> None:
    cells = [header, *lines]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
    for number, line in enumerate(cells):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


# ----- the scaling table --------------------------------------------------------------------------------------

SCALING_FACTORS = (1, 2, 4)


@dataclass(frozen=True)
class Cost:
    """One cost of the scaling table: its bar, and its figure (seconds) with a note at each size."""

    name: str
    target: str
    limit: float
    figures: list[tuple[float, str]]

    def cells(self) -> list[str]:
        first = max(self.figures[0][0], 1e-9)
        shown_figures = [
            f"{seconds(figure)} ({figure / first:.2f}×, {'met' if figure < self.limit else 'NOT met'}){note}"
            for figure, note in self.figures
        ]
        return [self.name, self.target, *shown_figures]


def measure_scaling(folder: Path, scale: float, runs: int) -> list[Cost]:
    """The lists, search p95 and the letter on the large database at 1×, 2× and 4× the given scale."""
    lists, searches, letters = [], [], []
    # All sizes generated first, so that their measurements follow one another under the same load.
    larges = [str(prepare_large(folder, scale * factor)) for factor in SCALING_FACTORS]
    for factor, large in zip(SCALING_FACTORS, larges, strict=True):
        print(f"Measuring the scaling table at {factor}× …", file=sys.stderr, flush=True)
        listed = run_task("lists", large, str(max(3, runs * 3)))
        lists.append((listed["wall"], f" {listed['slowest']}"))
        searches.append((run_task("search", large, str(max(5, runs * 10)))["p95"], ""))
        letter = repeat(runs, "response-pdf", large)
        letters.append((median_of(letter, "wall"), f" {letter[0]['pages']} pages"))
    return [
        Cost("First screen of the slowest list", "< 100 ms", 0.1, lists),
        Cost("Full-text search p95", "< 20 ms", 0.02, searches),
        Cost("Response PDF", "< 2 s", 2.0, letters),
    ]


def print_scaling(costs: list[Cost], scale: float) -> None:
    partnerships = [int(generate.SIZES["partnerships"] * scale * factor) for factor in SCALING_FACTORS]
    sizes = [f"{factor}× ({count:,} partnerships)" for factor, count in zip(SCALING_FACTORS, partnerships, strict=True)]
    print("Scaling: each cost at 1×, 2× and 4× the size, with its ratio to 1× and its bar (SQLite, medians).")
    print_cells(["Cost", "Bar", *sizes], [cost.cells() for cost in costs])


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine(server: Server | None) -> str:
    described = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load_average():.1f} at the start"
    )
    return described + (f"; PostgreSQL rows: {shown(server.url)}" if server else "")


def compile_the_program() -> None:
    """Writes the program's bytecode, as an installed program has it, so that no run pays for compiling its
    modules (Python skips writing it when PYTHONDONTWRITEBYTECODE is set, and an editable install has none)."""
    import desktop_app

    compileall.compile_dir(Path(desktop_app.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full database size (default 1)")
    parser.add_argument("--quick", action="store_true", help="one run per bar, a 64 MiB file and 100 PDFs")
    parser.add_argument("--runs", type=int, help="runs per measurement, of which the median is shown (default 3)")
    parser.add_argument("--data", type=Path, help="folder for the generated data (kept and reused)")
    parser.add_argument("--only", nargs="*", choices=list(BARS), help="measure only these bars")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="print the scaling table (lists, search, the letter at 1×, 2× and 4× the --scale size; the 4× "
        "database takes about half an hour to generate at full size); with --only, those bars as well",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="also measure lists, search, the command line and the response PDF on a PostgreSQL database, e.g. "
        "postgresql+psycopg://user@host:5432/bench: the benchmark empties and fills it (and creates bench_empty "
        "beside it for the baseline when the account may)",
    )
    args = parser.parse_args()
    data_folder = args.data or Path(tempfile.gettempdir()) / "sister-city-bench"
    runs = args.runs or (1 if args.quick else 3)
    big_size = 64 * MIB if args.quick else 1024 * MIB
    pdf_count = 100 if args.quick else 1000
    bars = args.only or ([] if args.scaling else list(BARS))
    if args.database and not set(bars) & set(SERVER_BARS):
        parser.error(f"--database measures only these bars: {' '.join(SERVER_BARS)}")
    if args.database and not is_postgresql_url(args.database):
        parser.error("--database takes a PostgreSQL address, such as postgresql+psycopg://USER@HOST:5432/bench")
    compile_the_program()
    data = prepare(data_folder, args.scale, big_size, pdf_count, bars)
    server = prepare_server(data_folder, args.database, args.scale) if args.database else None
    print(machine(server))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=data_folder) as scratch:
        for name in bars:
            print(f"Measuring {name} …", file=sys.stderr, flush=True)
            rows.extend(BARS[name](data, Path(scratch), runs))
            if server is not None and name in SERVER_BARS:
                print(f"Measuring {name} on PostgreSQL …", file=sys.stderr, flush=True)
                rows.extend(SERVER_BARS[name](server, data, Path(scratch), runs))
        costs = measure_scaling(data_folder, args.scale, runs) if args.scaling else []
    print(f"Load average {load_average():.1f} at the end.")
    if rows:
        print_table(rows)
    if costs:
        print_scaling(costs, args.scale)


if __name__ == "__main__":
    main()
