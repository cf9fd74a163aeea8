"""The measured tasks of the benchmark, each run in a child process of its own; each prints one JSON line of figures."""

from __future__ import annotations

import functools
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SEARCH_QUERIES = (
    ("partner name", "Hainan 12"),
    ("Chinese name", "合肥"),
    ("word from findings", "transparency"),
    ("phrase", '"delegation review"'),
    ("prefix", "itiner"),
    ("no hit", "zeppelin"),
)


def _user_cpu() -> float:
    """User CPU seconds of this process and of its finished children."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def _status_kib(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


@contextmanager
def _measured(figures: dict[str, Any]) -> Iterator[None]:
    rss_before = _status_kib("VmRSS")
    cpu, wall = _user_cpu(), time.perf_counter()
    yield
    figures["wall"] = time.perf_counter() - wall
    figures["cpu"] = _user_cpu() - cpu
    figures["rss_growth_mib"] = (_status_kib("VmHWM") - rss_before) / 1024


def _open(where: str) -> Any:
    """Opens the records in a data folder, or on a server when ``where`` is a database URL or ``env:NAME``, the
    URL held in the environment variable NAME (so that no password shows on a command line).

    A server's records take the data folder of SISTER_CITY_RECORDS_DATA_DIR, which the benchmark sets.
    """
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.core.safekeeping.opening import open_database

    if where.startswith("env:"):
        where = os.environ[where.removeprefix("env:")]
    location = resolve_location(None, where) if "://" in where else resolve_location(Path(where))
    return open_database(location, create=True)[0]


def _median_timing(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and user CPU seconds of ``call`` over ``repeats`` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, wall = _user_cpu(), time.perf_counter()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(_user_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


# ----- the tasks ------------------------------------------------------------------------------------------


def task_window(mode: str, started: str, data_dir: str = "") -> dict[str, Any]:
    """Opens a window (the program's, or a bare QMainWindow) and reports when it is shown with its first rows
    (``wall``), when the clerk can use it (``usable``: the records open, nothing greyed) and its memory then.

    Never returns: the figures are printed and the process ends as soon as the window is usable.
    """
    from PySide6.QtCore import QModelIndex, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    t0 = float(started)
    shown: dict[str, Any] = {}

    def ready(extra: dict[str, Any]) -> None:
        now = time.time() - t0
        figures = {"wall": now, "usable": now, **shown, **extra}
        figures["cpu"] = resource.getrusage(resource.RUSAGE_SELF).ru_utime
        figures["rss_mib"] = _status_kib("VmRSS") / 1024
        figures["hwm_mib"] = _status_kib("VmHWM") / 1024
        print(json.dumps(figures), flush=True)
        os._exit(0)

    def poll() -> None:
        try:
            check()
        except Exception as problem:  # the program's error dialog would hide a fault of the probe
            ready({"error": f"the probe failed: {problem!r}"})

    def first_screen(widget: QMainWindow) -> dict[str, Any] | None:
        # The program's first screen is its dashboard, filled from the records by a background task.
        dashboard = getattr(widget, "dashboard", None)
        if dashboard is not None and getattr(dashboard, "summary", None) is not None:
            # Whether the figures shown are the ones saved at the last start that day, or counted afresh.
            return {"first_screen": "dashboard", "saved_summary": bool(getattr(dashboard, "summary_from_saved", False))}
        for view in widget.findChildren(QTableView):
            model = view.model()
            if view.isVisible() and model is not None and model.rowCount(QModelIndex()) > 0:
                return {"first_screen": "list", "rows": model.rowCount(QModelIndex())}
        return None

    def check() -> None:
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QMainWindow) or not widget.isVisible():
                continue
            if mode == "bare":
                ready({})
            if not shown:
                screen = first_screen(widget)
                if screen is not None:
                    shown.update(screen, wall=time.time() - t0)
            navigation = getattr(widget, "nav", None)
            if shown and navigation is not None and navigation.isEnabled():
                ready({"usable": time.time() - t0})
        if time.time() - t0 > 120:
            ready({"error": "not ready after 120 s"})

    def start_polling() -> None:
        timer = QTimer(QApplication.instance())
        timer.timeout.connect(poll)
        timer.start(2)

    if mode == "bare":
        app = QApplication([])
        window = QMainWindow()
        window.resize(1000, 700)
        window.show()
        start_polling()
        app.exec()
        return {}

    # The program creates its own QApplication; the poller starts when the program enters its event loop.
    original_exec = QApplication.exec

    def exec_with_polling(app: QApplication) -> int:
        start_polling()
        return int(original_exec())

    QApplication.exec = exec_with_polling  # type: ignore[method-assign,assignment]
    from desktop_app.gui.launch import launch_window

    launch_window(["--data-dir", data_dir])
    return {"error": "the window closed before it was ready"}


def task_lists(where: str, repeats: str) -> dict[str, Any]:
    """The first screen (200 rows) of every list, default order and a filtered order, median per list."""
    from desktop_app.core.records.kinds import KINDS
    from desktop_app.core.records.service import ListQuery, list_records

    db = _open(where)
    lists: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        choice = next((f for f in kind.fields if f.vocabulary), None)
        filtered = ListQuery(
            limit=200,
            filters={choice.name: next(iter(choice.vocabulary))} if choice and choice.vocabulary else None,
            order_by=kind.default_order,
            descending=True,
        )
        for label, query in (("default", ListQuery(limit=200)), ("filtered", filtered)):
            list_records(db, kind.name, query)  # the first call compiles the statement; a window does that once
            wall, cpu = _median_timing(functools.partial(list_records, db, kind.name, query), int(repeats))
            lists[f"{kind.plural} ({label})"] = {"wall": wall, "cpu": cpu}
    slowest = max(lists, key=lambda name: lists[name]["wall"])
    return {"lists": lists, "slowest": slowest, "wall": lists[slowest]["wall"], "cpu": lists[slowest]["cpu"]}


def task_search(where: str, repeats: str) -> dict[str, Any]:
    """Each representative query ``repeats`` times; p50 and p95 over all of them."""
    from desktop_app.core.search import query as search

    db = _open(where)
    timings: list[float] = []
    per_query: dict[str, Any] = {}
    for label, query in SEARCH_QUERIES:
        hits = len(search.search(db, query))
        walls = []
        for _ in range(int(repeats)):
            wall = time.perf_counter()
            search.search(db, query)
            walls.append(time.perf_counter() - wall)
        timings.extend(walls)
        per_query[label] = {"query": query, "hits": hits, "median": statistics.median(walls)}
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return {"p50": statistics.median(timings), "p95": p95, "wall": p95, "cpu": 0.0, "queries": per_query}


def _record_to_attach_to(db: Any) -> int:
    from desktop_app.core.records.service import create, list_records

    found = list_records(db, "partnership", None)
    if found:
        return int(found[0]["id"])
    jurisdiction = create(db, "jurisdiction", {"name": "Springfield", "state": "IL"})
    partner = create(db, "partner", {"name": "Hefei", "country_name": "China", "country_code": "CN"})
    record = create(db, "partnership", {"jurisdiction_id": jurisdiction["id"], "partner_id": partner["id"]})
    return int(record["id"])


def task_attach(where: str, *paths: str) -> dict[str, Any]:
    """Attaches the files to one partnership in one call of the attachment API (``where``: see _open)."""
    from desktop_app.core.files import attach_files

    db = _open(where)
    target = _record_to_attach_to(db)
    figures: dict[str, Any] = {}
    with _measured(figures):
        results = attach_files(db, list(paths), "partnership", target, actor="benchmark")
    figures["attached"] = len(results)
    figures["extracted"] = sum(1 for result in results if result.get("text_state") == "extracted")
    # What the attach left to the next writer (a log to copy into the file, say) shows in the next small write.
    from desktop_app.core.records import service as records

    started = time.perf_counter()
    records.create(db, "partner", {"name": "Written after the attach", "country_name": "China"})
    figures["next_write"] = time.perf_counter() - started
    return figures


def task_csv_import(data_dir: str, csv_path: str, where: str = "") -> dict[str, Any]:
    """Imports the partnership table into a new database (in the data folder, or on a server: see _open)."""
    from desktop_app.core.interchange.importing import import_file

    db = _open(where or data_dir)
    figures: dict[str, Any] = {}
    with _measured(figures):
        report = import_file(db, Path(csv_path))
    figures["report"] = report.lines()[:2]
    return figures


def task_csv_floor(data_dir: str, csv_path: str) -> dict[str, Any]:
    """The floor for the import: read the CSV and insert its rows into one bare SQLite table, nothing else."""
    import csv
    import sqlite3

    figures: dict[str, Any] = {}
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with _measured(figures):
        connection = sqlite3.connect(Path(data_dir) / "floor.sqlite3")
        connection.execute("CREATE TABLE rows (a, b, c, d, e, f, g, h)")
        with open(csv_path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            connection.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reader)
        connection.commit()
        connection.close()
    return figures


def task_response_pdf(where: str) -> dict[str, Any]:
    """The full response letter of the large database, as the program renders it.

    An empty database is given the home city a letter needs first (the large database has one).
    """
    from desktop_app.core.records.parties import home_jurisdiction, set_home_jurisdiction
    from desktop_app.core.reports import responses

    db = _open(where)
    if home_jurisdiction(db) is None:
        set_home_jurisdiction(db, "Springfield", "IL", actor="benchmark")
    response_id = responses.latest_draft_id(db) or responses.create_draft(db, actor="benchmark")["id"]
    figures: dict[str, Any] = {}
    with _measured(figures):
        pdf = responses.render_pdf(db, response_id)
    figures["bytes"] = len(pdf)
    figures["pages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    return figures


def task_plain_pdf(where: str) -> dict[str, Any]:
    """A plain ReportLab document holding the same table rows as the letter: the floor for the letter."""
    import io

    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate, Table

    from desktop_app.core.clock import today
    from desktop_app.core.reports import facts as letter_facts
    from desktop_app.core.reports import responses
    from desktop_app.core.reports.gather import gather
    from desktop_app.core.reports.wording import compose

    db = _open(where)
    response_id = responses.latest_draft_id(db) or responses.create_draft(db, actor="benchmark")["id"]
    with db.reading() as session:
        from desktop_app.core.db import models

        response = session.get(models.Response, response_id)
        letter = compose(letter_facts.build(session, gather(session, response, today())), None)
    rows = [row for appendix in letter.appendices for table in appendix.tables for row in table.rows]
    figures: dict[str, Any] = {"rows": len(rows)}
    with _measured(figures):
        buffer = io.BytesIO()
        width = max((len(row) for row in rows), default=1)
        table = Table([tuple(row) + ("",) * (width - len(row)) for row in rows] or [("",)], repeatRows=1)
        SimpleDocTemplate(buffer, pagesize=LETTER).build([table])
    return figures


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "window": task_window,
    "lists": task_lists,
    "search": task_search,
    "attach": task_attach,
    "csv-import": task_csv_import,
    "csv-floor": task_csv_floor,
    "response-pdf": task_response_pdf,
    "plain-pdf": task_plain_pdf,
}


def main() -> None:
    name, *arguments = sys.argv[1:]
    print(json.dumps(TASKS[name](*arguments)), flush=True)


if __name__ == "__main__":
    main()
