"""The window is shown before the database layer loads, and its start loads nothing its first screen does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.core.host.paths import DataLocation

REPO_ROOT = Path(__file__).resolve().parents[2]
NEVER_AT_START = ("alembic", "reportlab", "pypdf", "openpyxl", "jsonschema", "desktop_app.gui.pages.response_workspace")
NOT_BEFORE_SHOWN = (*NEVER_AT_START, "sqlalchemy", "desktop_app.core.records", "desktop_app.gui.pages.record_list")

PROGRAM = """
import json, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.core.host.paths import resolve_location
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.tasks import TaskRunner

def loaded():
    return sorted(name for name in sys.modules if name.startswith(tuple(sys.argv[2].split(","))))

app = QApplication([])
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[3])
context = AppContext(location=resolve_location(sys.argv[1], sys.argv[4] or None), runner=TaskRunner())
window = MainWindow(context)
window.show()
app.processEvents()
shown = loaded()
window.open_records()
deadline = time.monotonic() + 60
while (window.dashboard.summary is None or not context.runner.idle) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
print(json.dumps({"shown": shown, "idle": loaded(), "summary": window.dashboard.summary is not None}))
context.runner.shutdown()
"""


def test_the_window_shows_before_the_database_layer_and_never_loads_reports_or_migrations(
    open_window: object, location: DataLocation, tmp_path: Path
) -> None:
    open_window()  # records at the current schema, with a home jurisdiction
    server = "" if location.sqlite_path is not None else location.database_url
    watched = ",".join(NOT_BEFORE_SHOWN)
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(location.data_dir), watched, str(tmp_path / "ini"), server],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["summary"]
    assert figures["shown"] == []
    assert [name for name in figures["idle"] if name.startswith(NEVER_AT_START)] == []
