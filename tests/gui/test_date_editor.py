"""The date editor: the forms a US clerk types, the calendar by keyboard, no date, and the sentence for a bad one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QTableView, QVBoxLayout, QWidget

from desktop_app.core.records.kinds import kind_named
from desktop_app.gui.pages.record_list import RecordListPage
from desktop_app.gui.pages.response_workspace import ResponseWorkspace
from desktop_app.gui.widgets.field_editors import DateEditor, ProblemLabel

from .conftest import wait_idle
from .test_accessibility import _unnamed

PI_DAY = dt.date(2025, 3, 14)


@pytest.fixture
def us_clerk() -> Iterator[None]:
    """The clerk's locale is US English while the test runs."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def editor(qtbot: Any) -> DateEditor:
    """A date editor alone in a shown window."""
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    editor = DateEditor(kind_named("policy").field("adopted_on"))
    layout.addWidget(editor)
    holder.show()
    qtbot.waitExposed(holder)
    editor.holder = holder  # type: ignore[attr-defined]  # kept alive as long as the editor
    return editor


def _type_and_leave(qtbot: Any, editor: DateEditor, text: str) -> None:
    editor.line.setFocus()
    editor.line.selectAll()
    qtbot.keyClicks(editor.line, text)
    qtbot.keyClick(editor.line, Qt.Key.Key_Return)


@pytest.mark.parametrize("typed", ["03/14/2025", "3/14/25", "March 14 2025", "Mar 14, 2025", "2025-03-14"])
def test_each_form_a_clerk_types_gives_the_iso_date(qtbot: Any, us_clerk: None, editor: DateEditor, typed: str) -> None:
    _type_and_leave(qtbot, editor, typed)
    assert editor.value() == "2025-03-14"
    assert editor.line.text() == "3/14/2025"  # shown again as the locale writes it, the year in full
    assert editor.problem() == "" and not editor.own_check.isVisible()


def test_a_stored_date_is_shown_in_the_clerks_locale(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    editor.set_value(PI_DAY)
    assert editor.line.text() == "3/14/2025"
    editor.set_value("2024-12-01")
    assert editor.line.text() == "12/1/2024" and editor.value() == "2024-12-01"
    editor.setLocale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    editor.set_value(PI_DAY)
    assert editor.line.text() == "14.03.2025"
    assert editor.value() == "2025-03-14"


def test_the_locales_own_format_is_read_before_us_order(qtbot: Any, editor: DateEditor) -> None:
    editor.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    editor.set_value(dt.date(2025, 3, 4))
    assert editor.line.text() == "04/03/2025"
    assert editor.value() == "2025-03-04"


def test_the_calendar_picks_a_day_by_keyboard(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    editor.set_value(PI_DAY)
    picked: list[bool] = []
    editor.committed.connect(lambda: picked.append(True))
    editor.line.setFocus()
    qtbot.keyClick(editor.line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = editor.popup
    qtbot.waitUntil(popup.isVisible)
    assert popup.calendar.selectedDate().toPython() == PI_DAY
    assert _unnamed(popup) == []
    view = popup.calendar.findChild(QTableView)
    assert view is not None
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert editor.value() == "2025-03-22" and editor.line.text() == "3/22/2025"
    assert picked == [True]


def test_f4_opens_the_calendar_and_escape_closes_it_unchanged(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    editor.set_value(PI_DAY)
    editor.line.setFocus()
    qtbot.keyClick(editor.line, Qt.Key.Key_F4)
    qtbot.waitUntil(editor.popup.isVisible)
    view = editor.popup.calendar.findChild(QTableView)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.popup.isVisible())
    assert editor.value() == "2025-03-14"


def test_the_calendar_button_opens_it_at_today_when_empty(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    qtbot.mouseClick(editor.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.popup.isVisible)
    assert editor.popup.calendar.selectedDate().toPython() == dt.date.today()
    qtbot.mouseClick(editor.popup.none_button, Qt.MouseButton.LeftButton)
    assert not editor.popup.isVisible() and editor.value() == ""


def test_no_date_is_allowed(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    editor.set_value(PI_DAY)
    editor.line.setFocus()
    editor.line.selectAll()
    qtbot.keyClick(editor.line, Qt.Key.Key_Delete)
    qtbot.keyClick(editor.line, Qt.Key.Key_Return)
    assert editor.value() == "" and editor.date() is None and editor.problem() == ""
    editor.set_value(None)
    assert editor.line.text() == "" and editor.value() == ""


def test_a_bad_date_shows_the_sentence_beside_the_field(qtbot: Any, us_clerk: None, editor: DateEditor) -> None:
    _type_and_leave(qtbot, editor, "02/30/2025")
    sentence = (
        "Adopted on must be a date that exists: “02/30/2025” would be February 30, 2025, but February 2025 has 28 days."
    )
    assert editor.problem() == sentence
    assert editor.own_check.isVisible() and editor.own_check.text.text() == sentence
    assert editor.value() == "02/30/2025"  # left as typed, so that saving names the problem too
    _type_and_leave(qtbot, editor, "2/28/2025")
    assert not editor.own_check.isVisible() and editor.value() == "2025-02-28"


def test_a_record_forms_check_shows_the_problem_and_the_typed_date_is_saved(
    qtbot: Any, open_window: Any, us_clerk: None
) -> None:
    window = open_window()
    page = window.show_page("policy")
    assert isinstance(page, RecordListPage)
    page.new_button.click()
    form = page.detail.form
    editor = form.editors["adopted_on"]
    assert isinstance(editor, DateEditor)
    _type_and_leave(qtbot, editor, "13/1/2025")
    check = form.problems["adopted_on"]
    assert check.isVisible() and "has month 13" in check.text.text()
    assert not editor.own_check.isVisible()
    _type_and_leave(qtbot, editor, "Mar 14, 2025")
    assert not check.isVisible()
    qtbot.keyClicks(form.editors["title"].focus_widget(), "Sister city code")
    form.editors["kind"].set_value("ordinance")
    form.save()
    wait_idle(qtbot, window.context)
    assert form.record is not None and form.record["adopted_on"] == PI_DAY
    assert editor.line.text() == "3/14/2025"


def test_the_letters_date_in_the_response_workspace_uses_the_date_editor(
    qtbot: Any, open_window: Any, us_clerk: None
) -> None:
    window = open_window(filled=True)
    page = window.show_page("response")
    assert isinstance(page, ResponseWorkspace)
    wait_idle(qtbot, window.context)
    page.start_button.click()
    wait_idle(qtbot, window.context)
    assert page.response is not None
    editor = page.letter_date
    assert isinstance(editor, DateEditor) and editor.value() == ""
    _type_and_leave(qtbot, editor, "3/14/25")
    wait_idle(qtbot, window.context)
    from desktop_app.core.reports import responses

    stored = responses.get_response(window.context.database(), page.response["id"])
    assert stored["letter_date"] == PI_DAY
    _type_and_leave(qtbot, editor, "2/30/25")
    wait_idle(qtbot, window.context)
    assert isinstance(editor.own_check, ProblemLabel) and "February 2025 has 28 days" in editor.own_check.text.text()
    assert responses.get_response(window.context.database(), page.response["id"])["letter_date"] == PI_DAY
    editor.line.clear()
    qtbot.keyClick(editor.line, Qt.Key.Key_Return)
    wait_idle(qtbot, window.context)
    assert responses.get_response(window.context.database(), page.response["id"])["letter_date"] is None
    assert QApplication.activePopupWidget() is None
