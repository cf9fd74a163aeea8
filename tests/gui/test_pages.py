"""Every page of the window opens on an empty and on a filled database, and the dashboard sums them up."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.gui.main_window import PAGES
from desktop_app.gui.pages.record_list import RecordListPage

from .conftest import wait_idle


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "filled"])
def test_every_page_opens(qtbot: Any, open_window: Any, filled: bool, dialog_log: Any) -> None:
    window = open_window(filled=filled)
    for key, label, _icon in PAGES:
        page = window.show_page(key)
        wait_idle(qtbot, window.context)
        assert window.stack.currentWidget() is page
        assert page.isVisible(), label
        if isinstance(page, RecordListPage):
            rows = page.model.rowCount()
            always_there = ("inquiry", "jurisdiction")  # the 2020 letter; the clerk's own city
            expected = 1 if key in always_there else (1 if filled and key != "response" else 0)
            assert min(rows, 1) == expected, key
            assert page.count_label.text().strip()
    assert dialog_log.messages == []


def test_dashboard_shows_counts_follow_ups_and_thin_evidence(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    summary = window.dashboard.summary
    assert summary is not None
    assert summary.partnership_status_counts == {"active": 1, "dormant": 1}
    assert summary.overdue_count == 1
    assert "1 overdue" in window.dashboard.follow_ups.text()
    assert "Annual review" in window.dashboard.follow_ups.text()
    texts = [
        window.dashboard.evidence_layout.itemAt(i).widget().text()
        for i in range(window.dashboard.evidence_layout.count())
    ]
    assert any("Thin" in text for text in texts)
    assert any("1 policy" in text for text in texts)


def test_first_run_is_asked_when_no_jurisdiction_is_set(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    assert dialog.isVisible()
    dialog.close()
