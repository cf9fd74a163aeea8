"""At start the home page shows the summary saved last time (when the records are unchanged), then the fresh one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from desktop_app.core.host.paths import DataLocation
from desktop_app.core.summary.cache import summary_file
from desktop_app.core.summary.data import DashboardSummary
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.pages.home import DashboardPage
from desktop_app.gui.tasks import TaskRunner

from .conftest import wait_idle


def test_the_saved_summary_is_shown_before_the_records_open_and_the_fresh_one_replaces_it(
    qtbot: Any, open_window: Any, location: DataLocation, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", dt.date.today().isoformat())
    first = open_window(filled=True)  # sums up the records and saves the summary for the next start
    fresh = first.dashboard.summary
    assert fresh is not None
    first.close()
    path = summary_file(location)
    saved = json.loads(path.read_text(encoding="utf-8"))
    # No real saved summary differs from the records it names; this one does, to tell on screen which is shown.
    saved["summary"]["record_counts"]["policies"] = 4242
    path.write_text(json.dumps(saved), encoding="utf-8")

    shown: list[tuple[DashboardSummary, bool]] = []
    show = DashboardPage.show_summary

    def watched(page: DashboardPage, summary: DashboardSummary) -> None:
        shown.append((summary, page._context.db is None))
        show(page, summary)

    monkeypatch.setattr(DashboardPage, "show_summary", watched)
    context = AppContext(location=location, runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    # Shown at once, before the worker has opened the records.
    assert window.dashboard.summary is not None
    assert window.dashboard.summary.record_counts["policies"] == 4242
    assert "4,242 policies" in window.dashboard.records.text()
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=20000)
    assert shown[0][1] is True  # the saved one, while the records were not open yet
    assert shown[-1] == (fresh, False)
    assert window.dashboard.summary == fresh
    assert "4,242" not in window.dashboard.records.text()
    window.close()


def test_without_a_saved_summary_the_home_page_waits_for_the_records(
    qtbot: Any, open_window: Any, location: DataLocation, sqlite_only: None
) -> None:
    first = open_window(filled=True)
    first.close()
    summary_file(location).unlink()
    context = AppContext(location=location, runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    assert window.dashboard.summary is None
    assert window.dashboard.subtitle.text() == "Reading the records…"
    qtbot.waitUntil(lambda: window.dashboard.summary is not None, timeout=20000)
    wait_idle(qtbot, context)
    assert summary_file(location).exists()
    window.close()
