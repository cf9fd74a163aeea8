"""The window fits a small screen: 1280×720 at 150 % (853×480 logical pixels) and 1366×768 at 100 %."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QScrollArea, QWidget

from desktop_app.gui.main_window import PAGES

from .conftest import wait_idle

SMALL = QSize(853, 480)  # 1280×720 at 150 %
LAPTOP = QSize(1366, 768)


def _fits(size: QSize, screen: QSize) -> bool:
    return size.width() <= screen.width() and size.height() <= screen.height()


def _page_area(window: Any) -> QScrollArea:
    area = window.findChild(QScrollArea, "pages-area")
    assert isinstance(area, QScrollArea)
    return area


def _visit_every_page(qtbot: Any, window: Any) -> Any:
    for key, _label, _icon in PAGES:
        window.show_page(key)
        wait_idle(qtbot, window.context)
        qtbot.wait(20)  # the page area measures the page shown once its layout has settled
        yield key, window.pages[key]


def test_every_page_fits_a_small_screen_scrolling_what_does_not_fit(qtbot: Any, open_window: Any) -> None:
    """No page makes the window larger than 853×480. Where a page needs more room than that leaves beside the list
    of kinds, the page area scrolls by exactly what is missing: every part stays reachable, and nothing is squeezed
    below its smallest size. At 1366×768 no page scrolls."""
    window = open_window(filled=True)
    window.resize(SMALL)
    area = _page_area(window)
    for key, page in _visit_every_page(qtbot, window):
        assert _fits(window.minimumSizeHint(), SMALL), key
        assert window.size() == SMALL, key
        wanted = page.minimumSizeHint().expandedTo(page.minimumSize())
        room = area.viewport().size()
        assert area.horizontalScrollBar().maximum() == max(0, wanted.width() - room.width()), key
        assert area.verticalScrollBar().maximum() == max(0, wanted.height() - room.height()), key
        assert page.width() >= wanted.width() and page.height() >= wanted.height(), key

    window.resize(LAPTOP)
    for key, _page in _visit_every_page(qtbot, window):
        assert area.horizontalScrollBar().maximum() == 0, key
        assert area.verticalScrollBar().maximum() == 0, key


def test_the_filter_bar_wraps_rather_than_squeezing_its_controls(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    window.show_page("partnership")
    wait_idle(qtbot, window.context)
    qtbot.wait(20)
    bar = window.pages["partnership"].filters
    row_height = max(child.sizeHint().height() for child in bar.findChildren(QComboBox))
    assert bar.height() > row_height * 1.5  # a second row
    assert bar.minimumSizeHint().width() <= SMALL.width() // 2
    for child in bar.findChildren(QWidget):
        if child.parentWidget() is bar and not child.isHidden():
            assert child.width() >= child.sizeHint().width() or child is bar.text, type(child).__name__
            assert bar.rect().contains(child.geometry()), type(child).__name__


def test_every_record_tab_is_seen_whole_at_1280(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.resize(1280, 720)
    window.open_record("partnership", window.ids["partnership"])
    wait_idle(qtbot, window.context)
    qtbot.wait(20)
    detail = window.pages["partnership"].detail
    bar = detail.tabBar()
    assert detail.count() >= 7
    assert not bar.usesScrollButtons()
    for index in range(bar.count()):
        rect = bar.tabRect(index)
        assert bar.rect().contains(rect), bar.tabText(index)
        assert rect.width() >= bar.tabSizeHint(index).width(), f"{bar.tabText(index)} is cut short"


def test_a_narrow_window_shows_the_toolbar_as_icons_with_nothing_behind_the_overflow(
    qtbot: Any, open_window: Any
) -> None:
    from PySide6.QtCore import Qt

    window = open_window()
    window.resize(SMALL)
    qtbot.wait(20)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert window.toolbar.sizeHint().width() <= SMALL.width()
    window.resize(LAPTOP)
    qtbot.wait(20)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
