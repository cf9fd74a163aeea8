"""Benchmark of the window, run on demand: time to ready against a bare window, empty against a large database.

``python -m tests.bench.window DATA_DIR`` where DATA_DIR holds the large database (see tests/bench/generate.py).
Prints seconds and the ratios the design asks for (ready within 3x a bare PySide6 window; within 10% of the time
with an empty database; every list's first page at once).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow


def _spin(app: QApplication, until: object, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not until() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.001)


def bare_window(app: QApplication) -> float:
    start = time.perf_counter()
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    elapsed = time.perf_counter() - start
    window.close()
    return elapsed


def our_window(app: QApplication, data_dir: Path) -> tuple[float, float, float, dict[str, float]]:
    from desktop_app.core.paths import resolve_location
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.list_page import RecordListPage
    from desktop_app.gui.main_window import PAGES, MainWindow
    from desktop_app.gui.tasks import TaskRunner

    start = time.perf_counter()
    context = AppContext(location=resolve_location(data_dir), runner=TaskRunner())
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    window.open_records()
    app.processEvents()
    shown = time.perf_counter() - start
    _spin(app, lambda: context.db is not None)
    opened = time.perf_counter() - start
    _spin(app, lambda: window.dashboard.summary is not None)
    ready = time.perf_counter() - start
    lists: dict[str, float] = {}
    for key, _label, _icon in PAGES:
        page = window.page(key)
        started = time.perf_counter()
        window.show_page(key)
        if isinstance(page, RecordListPage):
            _spin(app, lambda page=page: page.model.rowCount() > 0 or page.model.complete)
        _spin(app, lambda: context.runner.idle)
        lists[key] = time.perf_counter() - started
    window.close()
    return shown, opened, ready, lists


def main() -> int:
    large_dir = Path(sys.argv[1])
    settings = tempfile.mkdtemp()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app = QApplication([sys.argv[0]])
    bare = min(bare_window(app) for _ in range(3))
    our_window(app, Path(tempfile.mkdtemp()) / "empty")  # warms the imports
    empty = our_window(app, Path(tempfile.mkdtemp()) / "empty")
    large = our_window(app, large_dir)
    lists = large[3]
    print(f"bare window          {bare:8.3f} s")
    for name, (shown, opened, ready, _lists) in (("empty", empty), ("large", large)):
        print(f"{name} records: window shown {shown:6.3f} s, records open {opened:6.3f} s, home filled {ready:6.3f} s")
    print(f"window shown, large / bare: {large[0] / bare:5.1f}x; large / empty: {large[0] / empty[0]:5.2f}x")
    print(f"records open, large / empty: {large[1] / empty[1]:5.2f}x; home filled: {large[2] / empty[2]:5.2f}x")
    for key, seconds in lists.items():
        print(f"  page {key:<14} first screen in {seconds:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
