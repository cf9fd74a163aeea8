"""The README's everyday tasks done with the keyboard alone: key presses only, no clicks and no calls that edit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget

from desktop_app.core.files.attachments import list_attachments
from desktop_app.core.records import service as records
from desktop_app.core.reports import responses
from desktop_app.gui.dialogs.user_guide import UserGuideDialog
from desktop_app.gui.pages.response_workspace import SAVE_DELAY_MS

from .conftest import wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
# More Tab presses than any page has stops: a control not reached within them cannot be reached by Tab.
MOST_TABS = 150


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: Any, window: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
    """One key, sent where the keyboard is: the open menu, else the control with the focus, else the window."""
    qtbot.keyClick(QApplication.activePopupWidget() or focused() or window, key, modifier)


def named(name: str) -> Callable[[QWidget], bool]:
    return lambda widget: widget.accessibleName() == name


def is_widget(wanted: QWidget) -> Callable[[QWidget], bool]:
    return lambda widget: widget is wanted


def tab_to(qtbot: Any, window: Any, wanted: Callable[[QWidget], bool], *, backwards: bool = False) -> QWidget:
    """Presses Tab (or Shift+Tab) until the control wanted has the focus; fails when it never gets it."""
    seen: list[str] = []
    for _ in range(MOST_TABS):
        widget = focused()
        if widget is not None and wanted(widget):
            return widget
        seen.append(f"{type(widget).__name__} {widget.accessibleName() if widget else ''!r}")
        press(qtbot, window, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab, SHIFT if backwards else NONE)
    raise AssertionError(f"Not reached with the keyboard; the focus went: {seen[:12]} … {seen[-6:]}")


def back_to(qtbot: Any, window: Any) -> None:
    """The window is active again, as the system makes it when a menu or dialog over it closes."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def choose_in_row_menu(qtbot: Any, window: Any, item: str) -> None:
    """Opens the menu of the list's chosen row with the menu key and picks an item with the arrows and Enter."""
    picked: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick)
            return
        for _ in range(len(menu.actions()) + 1):
            qtbot.keyClick(menu, Qt.Key.Key_Down)
            active = menu.activeAction()
            if active is not None and active.text() == item:
                picked.append(item)
                qtbot.keyClick(menu, Qt.Key.Key_Return)
                return
        qtbot.keyClick(menu, Qt.Key.Key_Escape)

    QTimer.singleShot(0, pick)
    # What the system makes of the menu key (or Shift+F10); the offscreen platform makes nothing of it.
    keyboard = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(), QPoint(), NONE)
    QApplication.sendEvent(focused() or window, keyboard)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5000)
    back_to(qtbot, window)
    assert picked == [item], f"the row menu offered no {item!r}"


def to_the_kinds(qtbot: Any, window: Any) -> None:
    """Into the list of record kinds: Ctrl+F to the search box, then Shift+Tab (Tab stays inside a list)."""
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    tab_to(qtbot, window, named("Record kinds"), backwards=True)


def choose_in_menu(qtbot: Any, window: Any, mnemonic: Qt.Key, item: Qt.Key) -> None:
    """Opens a menu of the menu bar by its Alt letter and picks an item by its underlined letter."""
    qtbot.keyClick(window, mnemonic, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
    qtbot.keyClick(QApplication.activePopupWidget(), item)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5000)
    back_to(qtbot, window)


@pytest.fixture
def window(qtbot: Any, open_window: Any) -> Any:
    """The window over the filled records, active, as a clerk finds it."""
    opened = open_window(filled=True)
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    return opened


def test_open_a_list_move_to_a_record_edit_save_and_undo(qtbot: Any, window: Any) -> None:
    context = window.context
    press(qtbot, window, Qt.Key.Key_2, CTRL)  # Go > Partnerships
    wait_idle(qtbot, context)
    page = window.pages["partnership"]
    assert window.current_key() == "partnership" and focused() is page.table
    assert page.detail.record is not None and page.detail.record["id"] == window.ids["partnership"]

    press(qtbot, window, Qt.Key.Key_Down)
    wait_idle(qtbot, context)
    moved_to = window.ids["dormant_partnership"]
    assert page.detail.record["id"] == moved_to

    choose_in_row_menu(qtbot, window, "Open")  # the menu key, then Open: the keyboard moves into the form
    tab_to(qtbot, window, named("Council resolution number"))
    qtbot.keyClicks(focused(), "R-2025-14")
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, context)
    database = context.database()
    assert records.get(database, "partnership", moved_to)["council_resolution_number"] == "R-2025-14"

    # In a text field Ctrl+Z undoes the typing; Edit > Undo (Alt+E, U) undoes the saved change from anywhere.
    choose_in_menu(qtbot, window, Qt.Key.Key_E, Qt.Key.Key_U)
    wait_idle(qtbot, context)
    assert not records.get(database, "partnership", moved_to)["council_resolution_number"]
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # Redo, from the list
    wait_idle(qtbot, context)
    assert records.get(database, "partnership", moved_to)["council_resolution_number"] == "R-2025-14"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # Undo, from the list
    wait_idle(qtbot, context)
    assert not records.get(database, "partnership", moved_to)["council_resolution_number"]


def _partner_named(database: Any, name: str, *, trashed: bool = False) -> list[dict[str, Any]]:
    rows = records.list_records(database, "partner", records.ListQuery(text=name, in_trash=trashed))
    return [row for row in rows if row["name"] == name]


def test_a_new_record_moved_to_the_trash_and_restored(qtbot: Any, window: Any) -> None:
    context = window.context
    press(qtbot, window, Qt.Key.Key_3, CTRL)  # Go > Partner communities
    wait_idle(qtbot, context)
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    name = focused()
    assert name is not None and named("Name (romanized)")(name)
    qtbot.keyClicks(focused(), "Busan")
    tab_to(qtbot, window, named("Native name"))
    qtbot.keyClicks(focused(), "Pusan")
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, context)
    database = context.database()
    [busan] = _partner_named(database, "Busan")

    press(qtbot, window, Qt.Key.Key_3, CTRL)  # back in the list, on the record just saved
    wait_idle(qtbot, context)
    assert window.pages["partner"].detail.record["id"] == busan["id"]
    press(qtbot, window, Qt.Key.Key_Delete)
    wait_idle(qtbot, context)
    assert _partner_named(database, "Busan") == []

    to_the_kinds(qtbot, window)
    press(qtbot, window, Qt.Key.Key_End)  # the last kind: the trash
    wait_idle(qtbot, context)
    assert window.current_key() == "trash"
    tab_to(qtbot, window, named("Records in the trash"))
    wait_idle(qtbot, context)
    press(qtbot, window, Qt.Key.Key_Home)  # the newest first
    wait_idle(qtbot, context)
    to_the_kinds(qtbot, window)  # Tab does not leave a list: round by the kinds to the Restore button
    tab_to(qtbot, window, named("Restore the chosen record from the trash"))
    press(qtbot, window, Qt.Key.Key_Space)
    wait_idle(qtbot, context)
    assert [row["id"] for row in _partner_named(database, "Busan")] == [busan["id"]]


def test_attach_a_file_to_the_record_chosen(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system's file dialog is answered by the test; reaching it and everything around it is by keyboard."""
    context = window.context
    minutes = tmp_path / "council minutes.txt"
    minutes.write_text("Minutes of the council meeting approving the partnership.", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_args, **_kwargs: ([str(minutes)], ""))
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    wait_idle(qtbot, context)
    choose_in_row_menu(qtbot, window, "Attach files…")
    wait_idle(qtbot, context)
    attached = list_attachments(context.database(), "partnership", window.ids["partnership"])
    assert [item["display_name"] for item in attached] == ["council minutes.txt"]


def test_the_response_workspace_and_its_fields(qtbot: Any, window: Any) -> None:
    context = window.context
    to_the_kinds(qtbot, window)
    while window.current_key() != "response":
        press(qtbot, window, Qt.Key.Key_Down)
    wait_idle(qtbot, context)
    page = window.pages["response"]
    tab_to(qtbot, window, named("Start a draft response to this inquiry"))
    press(qtbot, window, Qt.Key.Key_Space)
    wait_idle(qtbot, context)
    assert page.response is not None
    tab_to(qtbot, window, lambda widget: widget is page.questions)
    press(qtbot, window, Qt.Key.Key_Home)  # the first question
    wait_idle(qtbot, context)
    tab_to(qtbot, window, lambda widget: widget is page.narrative)
    qtbot.keyClicks(page.narrative, "The City keeps its partnerships on record.")
    qtbot.wait(SAVE_DELAY_MS + 100)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), page.response["id"])
    assert stored["answers"][0]["narrative"] == "The City keeps its partnerships on record."
    # Tab types a tab in the answer's text: the fields after it are reached the other way round.
    for field in (page.evidence_list, page.letter_date.line):
        to_the_kinds(qtbot, window)
        tab_to(qtbot, window, is_widget(field), backwards=True)
    press(qtbot, window, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focused(), "3/14/25")
    press(qtbot, window, Qt.Key.Key_Return)
    wait_idle(qtbot, context)
    stored = responses.get_response(context.database(), page.response["id"])
    assert str(stored["letter_date"]) == "2025-03-14"


def test_the_guide_search_and_back(qtbot: Any, window: Any) -> None:
    context = window.context
    press(qtbot, window, Qt.Key.Key_F1)
    guide = window.findChild(UserGuideDialog)
    assert guide is not None and guide.isVisible()
    qtbot.waitUntil(guide.isActiveWindow)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    press(qtbot, window, Qt.Key.Key_3, CTRL)
    wait_idle(qtbot, context)
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert focused() is window.search
    qtbot.keyClicks(window.search, "Hefei")
    press(qtbot, window, Qt.Key.Key_Return)
    wait_idle(qtbot, context)
    results = window.search_page.list
    assert results.count() >= 1
    tab_to(qtbot, window, named("Records and files found"))
    if results.currentRow() < 0:
        press(qtbot, window, Qt.Key.Key_Down)
    press(qtbot, window, Qt.Key.Key_Return)
    wait_idle(qtbot, context)
    opened = window.current_key()
    assert opened in ("partner", "partnership")

    shown = window.stack.currentWidget()
    press(qtbot, window, Qt.Key.Key_Left, ALT)
    wait_idle(qtbot, context)
    assert window.stack.currentWidget() is not shown
    press(qtbot, window, Qt.Key.Key_Right, ALT)
    wait_idle(qtbot, context)
    assert window.current_key() == opened


def test_each_menu_opens_with_its_alt_letter(qtbot: Any, window: Any) -> None:
    for letter, title in (
        (Qt.Key.Key_F, "&File"),
        (Qt.Key.Key_E, "&Edit"),
        (Qt.Key.Key_G, "&Go"),
        (Qt.Key.Key_H, "&Help"),
    ):
        qtbot.keyClick(window, letter, ALT)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu) and menu.title() == title
        qtbot.keyClick(menu, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5000)
        back_to(qtbot, window)


# What still keeps a clerk's keyboard in one place: each names the control to change, and fails once it is changed.


def _leaves_by_tab(qtbot: Any, window: Any, start: QWidget) -> bool:
    for _ in range(MOST_TABS):
        press(qtbot, window, Qt.Key.Key_Tab)
        if focused() is not start:
            return True
    return False


def test_tab_leaves_a_list(qtbot: Any, window: Any) -> None:
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    wait_idle(qtbot, window.context)
    assert _leaves_by_tab(qtbot, window, window.pages["partnership"].table)


def test_tab_leaves_the_filter_dates(qtbot: Any, window: Any) -> None:
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    wait_idle(qtbot, window.context)
    to_the_kinds(qtbot, window)
    start = tab_to(qtbot, window, named("Established on: from"))
    assert _leaves_by_tab(qtbot, window, start)


def test_tab_leaves_the_answer_text(qtbot: Any, window: Any) -> None:
    to_the_kinds(qtbot, window)
    while window.current_key() != "response":
        press(qtbot, window, Qt.Key.Key_Down)
    wait_idle(qtbot, window.context)
    page = window.pages["response"]
    tab_to(qtbot, window, named("Start a draft response to this inquiry"))
    press(qtbot, window, Qt.Key.Key_Space)
    wait_idle(qtbot, window.context)
    start = tab_to(qtbot, window, lambda widget: widget is page.narrative)
    assert _leaves_by_tab(qtbot, window, start)


def test_back_from_a_search_result_returns_to_the_results(qtbot: Any, window: Any) -> None:
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search, "Hefei")
    press(qtbot, window, Qt.Key.Key_Return)
    wait_idle(qtbot, window.context)
    tab_to(qtbot, window, named("Records and files found"))
    if window.search_page.list.currentRow() < 0:
        press(qtbot, window, Qt.Key.Key_Down)
    press(qtbot, window, Qt.Key.Key_Return)
    wait_idle(qtbot, window.context)
    opened = window.current_key()
    press(qtbot, window, Qt.Key.Key_Left, ALT)
    wait_idle(qtbot, window.context)
    assert window.stack.currentWidget() is window.search_page
    assert window.search.text() == "Hefei" and window.search_page.query == "Hefei"
    press(qtbot, window, Qt.Key.Key_Right, ALT)
    wait_idle(qtbot, window.context)
    assert window.stack.currentWidget() is not window.search_page and window.current_key() == opened
