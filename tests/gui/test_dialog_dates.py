"""The status-change, termination and law-rule dialogs read dates as a US clerk types them, and refuse a bad one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from desktop_app.core.files.attachments import list_attachments
from desktop_app.core.laws.overview import known_rules, termination_progress
from desktop_app.core.records import service as records
from desktop_app.gui.dialogs.status_change import StatusChangeDialog
from desktop_app.gui.widgets.field_editors import DateEditor

from .conftest import wait_idle
from .test_accessibility import _unnamed
from .test_state_laws import _partnership_tab, texas_window  # noqa: F401  (texas_window is a fixture)

# Each form a clerk may type, and the day it stands for.
TYPED = {
    "03/14/2025": dt.date(2025, 3, 14),
    "3/15/25": dt.date(2025, 3, 15),
    "March 16 2025": dt.date(2025, 3, 16),
    "2025-03-17": dt.date(2025, 3, 17),
}
NOT_A_DATE = "13/45/2025"


@pytest.fixture(autouse=True)
def us_clerk() -> Iterator[None]:
    """The clerk's locale is US English while the test runs."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


def type_date(qtbot: Any, editor: DateEditor, text: str) -> None:
    """Types over the date with the keyboard and leaves the field, as a clerk does."""
    editor.window().activateWindow()
    qtbot.waitUntil(editor.window().isActiveWindow)
    editor.line.setFocus()
    qtbot.keyClick(editor.line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor.line, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(editor.line, text)
    qtbot.keyClick(editor.line, Qt.Key.Key_Tab)


def _status_dialog(qtbot: Any, window: Any) -> StatusChangeDialog:
    partnership = records.get(window.context.database(), "partnership", window.ids["partnership"])
    dialog = StatusChangeDialog(window.context, partnership, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, window.context)
    return dialog


def test_the_status_change_takes_each_form_of_date(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    partnership_id = window.ids["partnership"]
    for typed, day in TYPED.items():
        dialog = _status_dialog(qtbot, window)
        assert isinstance(dialog.changed_on, DateEditor) and _unnamed(dialog) == []
        other = "dormant" if dialog.status.findData("dormant") >= 0 else "active"
        dialog.status.setCurrentIndex(dialog.status.findData(other))
        qtbot.keyClicks(dialog.reason, f"Council vote of {typed}.")
        type_date(qtbot, dialog.changed_on, typed)
        with qtbot.waitSignal(dialog.accepted, timeout=20000):
            dialog.record_button.click()
        wait_idle(qtbot, window.context)
        assert records.status_history(window.context.database(), partnership_id)[-1]["changed_on"] == day


@pytest.mark.parametrize(("typed", "sentence"), [(NOT_A_DATE, "must be a date"), ("", "Give the date")])
def test_the_status_change_refuses_a_bad_or_missing_date_beside_the_field(
    qtbot: Any, open_window: Any, typed: str, sentence: str
) -> None:
    window = open_window(filled=True)
    before = records.status_history(window.context.database(), window.ids["partnership"])
    dialog = _status_dialog(qtbot, window)
    qtbot.keyClicks(dialog.reason, "Council vote.")
    type_date(qtbot, dialog.changed_on, typed)
    dialog.record_button.click()
    wait_idle(qtbot, window.context)
    check = dialog.problems["changed_on"]
    assert check.isVisible() and sentence in check.text.text()
    assert dialog.isVisible() and dialog.record_button.isEnabled()
    assert records.status_history(window.context.database(), window.ids["partnership"]) == before


def _evidence(tmp_path: Path, step: str) -> Path:
    path = tmp_path / f"{step}.txt"
    path.write_text(f"Evidence of {step} for the Shenzhen partnership.", encoding="utf-8")
    return path


def test_the_termination_takes_each_form_of_date_and_refuses_a_bad_one(
    qtbot: Any,
    texas_window: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    window = texas_window("2025-11-15")
    partnership_id = window.ids["reached"]
    detail = _partnership_tab(qtbot, window, partnership_id)
    detail.laws.views[0].terminate_button.click()
    dialog = detail.laws.termination_dialog
    wait_idle(qtbot, window.context)
    assert _unnamed(dialog) == []

    # A bad date: its sentence beside the field, no step recorded and no file stored.
    row = dialog.rows["resolution"]
    row.use_file(_evidence(tmp_path, "resolution"))
    type_date(qtbot, row.done_on, NOT_A_DATE)
    row.record_button.click()
    wait_idle(qtbot, window.context)
    assert row.done_on_check.isVisible() and "must be a date" in row.done_on_check.text.text()
    database = window.context.database()
    assert termination_progress(database, partnership_id).steps == ()
    assert list_attachments(database, "partnership", partnership_id) == []

    steps = ("resolution", "notice_partner", "notice_national", "publication")
    for step, (typed, _day) in zip(steps, TYPED.items(), strict=True):
        row = dialog.rows[step]
        row.use_file(_evidence(tmp_path, step))
        type_date(qtbot, row.done_on, typed)
        row.record_button.click()
        wait_idle(qtbot, window.context)
        assert not row.done_on_check.isVisible() and not dialog.problem.isVisible(), dialog.problem.text.text()
    recorded = {step.step: step.done_on for step in termination_progress(database, partnership_id).steps}
    assert recorded == dict(zip(steps, TYPED.values(), strict=True))

    type_date(qtbot, dialog.terminated_on, "")
    dialog.finish_button.click()
    assert "Give the date the partnership was terminated" in dialog.terminated_on_check.text.text()
    assert records.get(database, "partnership", partnership_id)["status"] != "terminated"
    type_date(qtbot, dialog.terminated_on, "Mar 18, 2025")
    assert dialog.terminated_on.line.text() == "3/18/2025"  # shown as the clerk's locale writes it
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.finish_button.click()
    wait_idle(qtbot, window.context)
    assert dialog.finished_on == dt.date(2025, 3, 18)
    assert records.get(database, "partnership", partnership_id)["status"] == "terminated"


def _rule_dialog(qtbot: Any, window: Any) -> Any:
    page = window.show_page("laws")
    wait_idle(qtbot, window.context)
    assert page.select_rule("tx-gov-795")
    page.correct_button.click()
    wait_idle(qtbot, window.context)
    return page.rule_dialog


def test_the_rule_takes_each_form_of_date_and_keeps_an_empty_optional_one_empty(
    qtbot: Any,
    texas_window: Any,  # noqa: F811
) -> None:
    window = texas_window("2025-11-15")
    dialog = _rule_dialog(qtbot, window)
    assert _unnamed(dialog) == []
    assert dialog.dates["date_effective"].editor.line.text() == "9/1/2025"  # the rule's dates, in the locale
    assert dialog.dates["date_expires"].editor.line.text() == ""
    names = ("date_enacted", "countries_as_of", "checked_on", "date_effective")
    for name, typed in zip(names, TYPED, strict=True):
        type_date(qtbot, dialog.dates[name].editor, typed)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.save_button.click()
    wait_idle(qtbot, window.context)
    rule = {rule.id: rule for rule in known_rules(window.context.database())}["tx-gov-795-c1"]
    assert (rule.enacted, rule.countries_as_of, rule.checked_on, rule.effective) == tuple(TYPED.values())
    assert rule.expires is None and rule.deadline == dt.date(2025, 10, 1)


@pytest.mark.parametrize(
    ("name", "typed", "sentence"),
    [
        ("date_deadline", "2025-02-30", "Deadline to terminate must be a date that exists"),
        ("checked_on", NOT_A_DATE, "Checked on must be a date"),
        ("countries_as_of", "", "Give the date the list of countries is as of"),
    ],
)
def test_the_rule_refuses_a_bad_date_beside_the_field_and_saves_nothing(
    qtbot: Any,
    texas_window: Any,  # noqa: F811
    name: str,
    typed: str,
    sentence: str,
) -> None:
    window = texas_window("2025-11-15")
    before = len(known_rules(window.context.database()))
    dialog = _rule_dialog(qtbot, window)
    type_date(qtbot, dialog.dates[name].editor, typed)
    dialog.save_button.click()
    wait_idle(qtbot, window.context)
    check = dialog.dates[name].check
    assert check.isVisible() and check.text.text().startswith(sentence)
    assert dialog.problem.text.text() == check.text.text()
    assert dialog.isVisible() and dialog.dates[name].editor.line.hasFocus()
    assert len(known_rules(window.context.database())) == before
