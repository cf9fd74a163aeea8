"""Every page of the window opens on an empty and on a filled database, and the dashboard sums them up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.gui.main_window import PAGES
from desktop_app.gui.pages.base import Page
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


def test_the_window_speaks_to_every_page_through_the_page_protocol(qtbot: Any, open_window: Any) -> None:
    source = (Path(__file__).resolve().parents[2] / "desktop_app" / "gui" / "main_window.py").read_text("utf-8")
    assert "getattr(" not in source and "hasattr(" not in source
    asked = [name for name in vars(Page) if not name.startswith("_")]
    assert {"activate", "edits_records", "record_chosen", "may_discard_changes", "open_record", "save_current"} <= set(
        asked
    )
    window = open_window()

    def shown(key: str) -> Any:
        if key == "search":
            window.search.setText("Springfield")
            window.run_search()
            return window.search_page
        return window.show_page(key)

    for key in ["search", *(key for key, _label, _icon in PAGES)]:
        page = shown(key)
        wait_idle(qtbot, window.context)
        assert window.stack.currentWidget() is page
        assert all(callable(getattr(page, name)) for name in asked), key
        assert window.new_action.isEnabled() == page.edits_records() == isinstance(page, RecordListPage)
        assert window.save_action.isEnabled() == (page.edits_records() and page.record_chosen()[0])
        assert page.may_discard_changes()
    window.show_page("files")
    window.new_in_page()  # a page that edits no records is asked like any other, and does nothing
    assert window.stack.currentWidget() is window.page("files")
