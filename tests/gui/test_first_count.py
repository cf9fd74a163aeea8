"""On the first start of a day (no saved summary) the home page shows the figures counted while the records open."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from desktop_app.core.host.paths import DataLocation
from desktop_app.core.safekeeping import opening
from desktop_app.core.summary.cache import saved_summary, summary_file
from desktop_app.core.summary.data import DashboardSummary
from desktop_app.core.summary.first_count import start_counting
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.pages.home import DashboardPage
from desktop_app.gui.tasks import TaskRunner

from .conftest import wait_idle


@pytest.mark.parametrize("begun_at_start", [False, True], ids=["counted-on-the-worker", "begun-at-start"])
def test_the_figures_are_counted_and_shown_before_the_records_are_open(
    qtbot: Any,
    open_window: Any,
    location: DataLocation,
    sqlite_only: None,
    monkeypatch: pytest.MonkeyPatch,
    begun_at_start: bool,
) -> None:
    first = open_window(filled=True)
    fresh = first.dashboard.summary
    assert fresh is not None and fresh.record_counts["partnerships"] > 0
    first.close()
    summary_file(location).unlink()  # as on the first start of a day

    # The records stay opening until the test has looked, as when loading the database layer is slow.
    looked = threading.Event()
    open_database = opening.open_database

    def slow_open(*args: Any, **kwargs: Any) -> Any:
        looked.wait(timeout=20)
        return open_database(*args, **kwargs)

    monkeypatch.setattr(opening, "open_database", slow_open)
    shown: list[tuple[DashboardSummary, bool]] = []
    show = DashboardPage.show_summary

    def watched(page: DashboardPage, summary: DashboardSummary) -> None:
        shown.append((summary, page._context.db is None))
        show(page, summary)

    monkeypatch.setattr(DashboardPage, "show_summary", watched)
    # The window's start begins the count on a thread of its own before it builds the window.
    first_count = start_counting(location) if begun_at_start else None
    context = AppContext(location=location, runner=TaskRunner(), first_count=first_count)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    assert window.dashboard.summary is None  # counted off the window's thread, shown once counted
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert shown[0] == (fresh, True)
    assert not window.dashboard.summary_from_saved
    assert f"<b>{fresh.record_counts['partnerships']:,}</b> partnerships" in window.dashboard.partnerships.text()
    assert not window.stack.isEnabled()  # the clerk waits for the records to open before working on them
    assert saved_summary(location) == fresh  # kept for the next start of the day already
    looked.set()
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    assert shown[-1] == (fresh, False) and window.dashboard.summary == fresh
    assert window.stack.isEnabled()
    window.close()
