"""The response workspace on a small screen: no sideways scrolling, and its letter boxes show whole lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QScrollArea

from desktop_app.gui.pages.response_workspace import ResponseWorkspace

from .conftest import wait_idle

SMALL = QSize(853, 480)  # 1280×720 at 150 %


def _draft_on_small_screen(qtbot: Any, open_window: Any) -> tuple[Any, ResponseWorkspace]:
    window = open_window(filled=True)
    window.resize(SMALL)
    page = window.show_page("response")
    assert isinstance(page, ResponseWorkspace)
    wait_idle(qtbot, window.context)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    qtbot.wait(20)  # the page area measures the page once its layout has settled
    return window, page


def test_the_workspace_needs_no_sideways_scrolling_at_150_percent_on_1280_by_720(qtbot: Any, open_window: Any) -> None:
    window, page = _draft_on_small_screen(qtbot, open_window)
    area = window.findChild(QScrollArea, "pages-area")
    assert area.horizontalScrollBar().maximum() == 0
    # The inquiry's whole subject is in the box's tooltip, however narrow the box.
    subject = page.inquiry_box.currentText()
    assert page.inquiry_box.itemData(page.inquiry_box.currentIndex(), Qt.ItemDataRole.ToolTipRole) == subject
    assert page.state.wordWrap() and page.state.text().startswith("Draft")


def test_the_introduction_box_shows_whole_lines_only(qtbot: Any, open_window: Any) -> None:
    """A box one pixel taller than its lines shows the top of the next line, which reads as a line cut in half."""
    _window, page = _draft_on_small_screen(qtbot, open_window)
    for box, lines in ((page.introduction, 4), (page.closing, 3)):
        box.setPlainText("\n".join(f"Line {number}" for number in range(1, 10)))
        line_height = box.blockBoundingRect(box.document().firstBlock()).height()
        top_margin = box.document().documentMargin()
        assert box.viewport().height() == top_margin + lines * line_height
