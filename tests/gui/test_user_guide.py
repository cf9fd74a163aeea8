"""F1 opens the short user guide, which tells the clerk's tasks step by step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_app.gui.dialogs.user_guide import UserGuideDialog

from .conftest import wait_idle

TASKS = (
    "Enter a partnership",
    "Attach the signed agreement",
    "Record an oversight action",
    "Answer the 2020 letter",
    "Back up and restore",
)


def _guides(window: Any) -> list[UserGuideDialog]:
    return [dialog for dialog in window.findChildren(UserGuideDialog) if dialog.isVisible()]


def test_f1_opens_the_guide_listing_the_tasks(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: len(_guides(window)) == 1)
    guide = _guides(window)[0]
    assert guide.headings() == list(TASKS)
    text = guide.browser.toPlainText()
    for task in TASKS:
        assert task in text
    assert "Change status…" in text and "Back up now…" in text  # the window's own words for its commands
    assert guide.width() <= window.screen().availableGeometry().width()

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)  # again: the same guide comes forward, not a second one
    wait_idle(qtbot, window.context)
    assert _guides(window) == [guide]
    guide.close()
    assert _guides(window) == []


def test_the_help_menu_offers_the_guide(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    help_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Help")
    entries = [action.text() for action in help_menu.actions()]
    assert "&User guide" in entries
    assert window.guide_action.shortcut().toString() == "F1"
