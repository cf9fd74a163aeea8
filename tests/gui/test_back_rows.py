"""Back returns to the row the clerk clicked before another (a click or Enter is a step); rows passed with the
arrow keys are not steps, so running down a list does not fill the history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.core.records import service as records
from desktop_app.gui.navigation_history import Place
from desktop_app.gui.pages.record_list import RecordListPage

from .conftest import wait_idle


def _list_of_four(qtbot: Any, window: Any) -> RecordListPage:
    db, home = window.context.database(), window.ids["home"]
    for name in ("Oita", "Xi'an"):
        partner = records.create(db, "partner", {"name": name, "country_name": "Somewhere"})
        records.create(db, "partnership", {"jurisdiction_id": home, "partner_id": partner["id"]})
    page = window.show_page("partnership")
    wait_idle(qtbot, window.context)
    assert isinstance(page, RecordListPage) and page.model.rowCount() == 4
    return page


def _click_row(qtbot: Any, window: Any, page: RecordListPage, row: int) -> None:
    point = page.table.visualRect(page.model.index(row, 1)).center()
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    wait_idle(qtbot, window.context)


def _key(qtbot: Any, window: Any, widget: Any, key: Qt.Key, alt: bool = False) -> None:
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(widget, key, modifier)
    wait_idle(qtbot, window.context)


def _shown_row(page: RecordListPage) -> int:
    assert page.detail.record is not None
    return page.model.row_of(page.detail.record["id"])


def test_back_returns_to_the_row_clicked_before(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _list_of_four(qtbot, window)
    window.activateWindow()
    _click_row(qtbot, window, page, 0)
    _click_row(qtbot, window, page, 2)
    _click_row(qtbot, window, page, 3)
    assert _shown_row(page) == 3

    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "partnership" and _shown_row(page) == 2
    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert _shown_row(page) == 0
    assert window.place_shown() == Place("partnership", page.model.record_at(0)["id"])  # type: ignore[index]
    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "home"

    _key(qtbot, window, window, Qt.Key.Key_Right, alt=True)
    _key(qtbot, window, window, Qt.Key.Key_Right, alt=True)
    assert window.current_key() == "partnership" and _shown_row(page) == 2
    _key(qtbot, window, window, Qt.Key.Key_Right, alt=True)
    assert _shown_row(page) == 3
    assert not window.forward_action.isEnabled()


def test_arrow_keys_are_no_steps_but_enter_is(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _list_of_four(qtbot, window)
    window.activateWindow()
    _click_row(qtbot, window, page, 0)
    page.table.setFocus()
    _key(qtbot, window, page.table, Qt.Key.Key_Down)
    _key(qtbot, window, page.table, Qt.Key.Key_Down)
    assert _shown_row(page) == 2
    _key(qtbot, window, page.table, Qt.Key.Key_Down)
    _key(qtbot, window, page.table, Qt.Key.Key_Return)  # opens the row reached: a step from the row clicked
    assert _shown_row(page) == 3

    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "partnership" and _shown_row(page) == 0
    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "home"  # the rows passed with the arrow keys were no steps
    assert not window.back_action.isEnabled()


def test_a_click_on_the_row_already_shown_is_no_step(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _list_of_four(qtbot, window)
    _click_row(qtbot, window, page, 1)
    _click_row(qtbot, window, page, 1)
    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "partnership" and _shown_row(page) == 0  # the first row, chosen on opening
    _key(qtbot, window, window, Qt.Key.Key_Left, alt=True)
    assert window.current_key() == "home"
