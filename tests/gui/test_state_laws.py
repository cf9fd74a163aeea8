"""The state laws in the window: the home card, the State laws page, a partnership's screening and its termination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.host.paths import DataLocation
from desktop_app.core.laws.overview import known_rules
from desktop_app.core.laws.rules import NOT_LEGAL_ADVICE, shipped_rules
from desktop_app.core.laws.screening import screen
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.audit import AUDIT_COLUMNS
from desktop_app.gui.pages.state_laws import StateLawsPage
from desktop_app.gui.tasks import TaskRunner
from desktop_app.gui.widgets.colours import overdue_red

from .conftest import wait_idle
from .test_accessibility import _unnamed


def _texas_records(location: DataLocation) -> dict[str, int]:
    """Houston, TX with an active partnership with Shenzhen, China (reached) and one with Chiba, Japan (not)."""
    from desktop_app.core.safekeeping.opening import open_database

    db, _ = open_database(location)
    try:
        home = set_home_jurisdiction(db, "Houston", "TX", {"signatory_name": "Pat Doe", "signatory_title": "Mayor"})
        shenzhen = records.create(db, "partner", {"name": "Shenzhen", "country_name": "China", "country_code": "CN"})
        chiba = records.create(db, "partner", {"name": "Chiba", "country_name": "Japan", "country_code": "JP"})
        reached = records.create(
            db,
            "partnership",
            {"jurisdiction_id": home["id"], "partner_id": shenzhen["id"], "established_on": "1986-05-01"},
        )
        other = records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": chiba["id"]})
    finally:
        db.dispose()
    return {"home": home["id"], "reached": reached["id"], "other": other["id"]}


@pytest.fixture
def texas_window(qtbot: Any, location: DataLocation, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Any]]:
    """The window over a Texas city's records, with today pinned to the date given."""
    from desktop_app.gui.main_window import MainWindow

    opened: list[Any] = []

    def open_it(today: str) -> Any:
        monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", today)
        ids = _texas_records(location)
        context = AppContext(location=location, runner=TaskRunner())
        window: Any = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        window.open_records()
        qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
        wait_idle(qtbot, context)
        window.ids = ids
        opened.append(window)
        return window

    yield open_it
    for window in opened:
        window.close()


def _cell(table: Any, row: int, column: int) -> Any:
    item = table.item(row, column)
    assert item is not None
    return item


def _partnership_tab(qtbot: Any, window: Any, partnership_id: int) -> Any:
    """Opens the partnership and shows its State laws tab."""
    page = window.show_page("partnership")
    page.open_record(partnership_id)
    wait_idle(qtbot, window.context)
    detail = page.detail
    assert detail.record is not None and detail.record["id"] == partnership_id
    detail.setCurrentWidget(detail.laws)
    wait_idle(qtbot, window.context)
    return detail


def test_home_card_lists_the_overdue_partnership_in_red(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-11-15")
    card = window.dashboard.laws_card
    assert card is not None
    assert [(row.partnership_id, row.result) for row in card.rows] == [(window.ids["reached"], "overdue")]
    text = window.dashboard.laws.text()
    assert "Houston, TX – Shenzhen, China" in text
    assert "Overdue" in text and "was due October 1, 2025" in text
    assert overdue_red() in text  # the row is in the red the window uses for what is overdue
    assert f'href="partnership:{window.ids["reached"]}"' in text
    assert "Chiba" not in text
    assert window.dashboard.laws_note.text() == NOT_LEGAL_ADVICE
    window.dashboard.laws.linkActivated.emit(f"partnership:{window.ids['reached']}")
    wait_idle(qtbot, window.context)
    assert window.current_key() == "partnership"
    assert window.page("partnership").detail.record["id"] == window.ids["reached"]


def test_home_card_before_the_deadline_is_not_red(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-09-15")
    text = window.dashboard.laws.text()
    assert "Action needed" in text and "deadline October 1, 2025" in text
    assert overdue_red() not in text


def test_home_card_says_so_when_nothing_needs_action(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-08-01")  # before Texas's law takes effect
    assert window.dashboard.laws.text() == "No partnership needs action under the state-law rules recorded."


def test_state_laws_page_lists_the_rules_and_whom_a_rule_reaches(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-11-15")
    page = window.show_page("laws")
    wait_idle(qtbot, window.context)
    assert isinstance(page, StateLawsPage)
    shipped = {rule.citation for rule in shipped_rules()}
    assert len(shipped) == 5
    assert {_cell(page.table, row, 0).text() for row in range(page.table.rowCount())} == shipped
    assert page.select_rule("tx-gov-795")
    assert "Sister city agreements with foreign adversaries prohibited" in page.detail.toPlainText()
    assert "Sources differ on the effective date" in page.detail.toPlainText()
    assert 'href="https://statutes.capitol.texas.gov/' in page.detail.toHtml()
    assert page.reached.rowCount() == 1
    assert _cell(page.reached, 0, 0).text() == "Houston, TX – Shenzhen, China"
    assert _cell(page.reached, 0, 1).text() == "Overdue"
    assert "October 1, 2025" in _cell(page.reached, 0, 2).text()
    assert not page.withdraw_button.isEnabled()  # one of the program's rules
    page.reached.cellDoubleClicked.emit(0, 0)
    wait_idle(qtbot, window.context)
    assert window.page("partnership").detail.record["id"] == window.ids["reached"]
    assert page.select_rule("fl-stat-288-860")
    assert page.reached.rowCount() == 0


def test_partnership_page_shows_the_screening(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-11-15")
    detail = _partnership_tab(qtbot, window, window.ids["reached"])
    views = detail.laws.views
    assert [view.screening.rule_id for view in views] == ["tx-gov-795"]
    view = views[0]
    assert "Overdue" in view.result.text() and overdue_red() in view.result.text()
    assert "partnerships had to be terminated by October 1, 2025" in view.reason.text()
    assert "Deadline: October 1, 2025" in view.dates.text()
    assert "Council or governing-body resolution" in view.missing.text()
    assert view.terminate_button is not None and view.terminate_button.isVisible()
    other = _partnership_tab(qtbot, window, window.ids["other"])
    assert [view.screening.result for view in other.laws.views] == ["not_reached"]
    assert other.laws.views[0].terminate_button is None


def test_a_suspended_partnership_reads_as_not_terminated(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-11-15")
    window.context.ops.change_status(
        window.ids["reached"], "suspended", {"changed_on": "2025-10-20", "reason": "Council vote"}, label="Suspending"
    )
    wait_idle(qtbot, window.context)
    detail = _partnership_tab(qtbot, window, window.ids["reached"])
    view = detail.laws.views[0]
    assert "suspended, which is not terminated" in view.reason.text()
    assert view.terminate_button is not None


def test_terminating_through_the_dialog_leaves_the_partnership_complied(
    qtbot: Any, texas_window: Any, tmp_path: Path
) -> None:
    window = texas_window("2025-11-15")
    detail = _partnership_tab(qtbot, window, window.ids["reached"])
    detail.laws.views[0].terminate_button.click()
    dialog = detail.laws.termination_dialog
    wait_idle(qtbot, window.context)
    assert dialog.isVisible()
    assert _unnamed(dialog) == [] and _unnamed(detail.laws) == []
    assert "Required" in dialog.rows["resolution"].required.text()
    assert "gifts" in dialog.rows["gifts"].required.text()
    assert "Not required" in dialog.rows["publication"].required.text()
    assert not dialog.finish_button.isEnabled()

    # A step without a file is refused in words, and nothing is recorded.
    dialog.rows["resolution"].record_button.click()
    assert "Choose the file" in dialog.problem.text.text()
    # A date in the future is refused by core before any file is stored.
    resolution = tmp_path / "resolution 2025-41.txt"
    resolution.write_text("Resolution 2025-41 ends the sister-city agreement with Shenzhen.", encoding="utf-8")
    dialog.rows["resolution"].use_file(resolution)
    dialog.rows["resolution"].done_on.line.setText("2030-01-01")
    dialog.rows["resolution"].record_button.click()
    wait_idle(qtbot, window.context)
    assert "cannot be in the future" in dialog.problem.text.text()
    assert dialog.progress is not None and dialog.progress.steps == ()

    for step, day in (
        ("resolution", "2025-11-03"),
        ("notice_partner", "2025-11-05"),
        ("notice_national", "2025-11-06"),
    ):
        path = tmp_path / f"{step}.txt"
        path.write_text(f"Evidence of {step} for the Shenzhen partnership.", encoding="utf-8")
        row = dialog.rows[step]
        row.use_file(path)
        row.done_on.line.setText(day)
        row.record_button.click()
        wait_idle(qtbot, window.context)
        assert not dialog.problem.isVisible(), dialog.problem.text.text()
        assert f"{step}.txt" in row.recorded.text()
    assert dialog.progress is not None and dialog.progress.missing == ()
    assert dialog.finish_button.isEnabled()
    assert dialog.terminated_on.date() == dt.date(2025, 11, 15)
    dialog.terminated_on.line.setText("2025-11-10")
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.finish_button.click()
    wait_idle(qtbot, window.context)

    assert detail.record["status"] == "terminated"
    view = detail.laws.views[0]
    assert view.screening.result == "complied"
    assert "Complied" in view.result.text()
    assert view.evidence is not None and len(view.evidence.rows) == 3
    step, done_on, file_name, sha = view.evidence.rows[0]
    assert (step.text(), done_on.text(), file_name.text()) == (
        "Council or governing-body resolution",
        "Nov 3, 2025",
        "resolution.txt",
    )
    assert sha.text().endswith("…") and sha.toolTip().startswith("SHA-256 ") and len(sha.toolTip()) == 8 + 64
    assert view.terminate_button is None
    assert window.dashboard.laws.text() == "No partnership needs action under the state-law rules recorded."
    screened = screen(window.context.database(), partnership_id=window.ids["reached"])
    assert [s.result for s in screened] == ["complied"]
    what = next(column for column in AUDIT_COLUMNS if column.key == "action")
    said = [what.show(row) for row in audit_page(window.context.database(), limit=20, descending=True)]
    assert said.count("Termination step recorded") == 3
    assert "Status changed" in said


def test_the_rule_dialog_refuses_a_bad_rule_and_saves_a_correction(
    qtbot: Any, texas_window: Any, dialog_log: Any
) -> None:
    window = texas_window("2025-11-15")
    page = window.show_page("laws")
    wait_idle(qtbot, window.context)
    assert page.select_rule("tx-gov-795")
    page.correct_button.click()
    wait_idle(qtbot, window.context)
    dialog = page.rule_dialog
    assert dialog is not None and dialog.isVisible()
    assert _unnamed(dialog) == [] and _unnamed(page) == []
    assert dialog.fields["id"].text() == "tx-gov-795-c1"
    assert dialog.countries.toPlainText().startswith("CN China (People's Republic of China, PRC); IR Iran")
    assert dialog.binds["city"].isChecked() and not dialog.binds["state"].isChecked()
    assert dialog.requires["terminate_existing"].isChecked()
    before = len(known_rules(window.context.database()))

    dialog.dates["date_deadline"].editor.line.setText("2025-08-01")  # before the law takes effect: core refuses it
    dialog.save_button.click()
    wait_idle(qtbot, window.context)
    assert "the deadline comes before the law takes effect" in dialog.problem.text.text()
    assert dialog.isVisible()
    dialog.countries.setPlainText("China")
    dialog.save_button.click()
    assert "two-letter code" in dialog.problem.text.text()
    assert len(known_rules(window.context.database())) == before

    dialog.countries.setPlainText("CN China (PRC); IR Iran; KP North Korea; RU Russia; VE Venezuela")
    dialog.dates["date_deadline"].editor.line.setText("2025-12-01")
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.save_button.click()
    wait_idle(qtbot, window.context)
    rules = {rule.id: rule for rule in known_rules(window.context.database())}
    assert rules["tx-gov-795"].superseded_by == "tx-gov-795-c1"
    assert rules["tx-gov-795-c1"].country_for("VE", "") is not None
    assert rules["tx-gov-795-c1"].country_for("", "People's Republic of China") is None  # aliases as written
    assert rules["tx-gov-795-c1"].country_for("", "PRC") is not None

    assert page.selected_rule().id == "tx-gov-795-c1"
    rows = {_cell(page.table, row, 0).data(Qt.ItemDataRole.UserRole): row for row in range(page.table.rowCount())}
    assert _cell(page.table, rows["tx-gov-795"], 8).text() == "tx-gov-795-c1"
    assert _cell(page.table, rows["tx-gov-795-c1"], 7).text() == "Clerk's"
    assert _cell(page.reached, 0, 1).text() == "Action needed"  # the corrected deadline is still ahead
    assert "Action needed" in window.dashboard.laws.text()

    assert page.withdraw_button.isEnabled()
    page.withdraw_button.click()
    wait_idle(qtbot, window.context)
    assert any("Withdraw your rule tx-gov-795-c1" in text for text in dialog_log.texts())
    assert page.selected_rule().id == "tx-gov-795"
    assert page.selected_rule().superseded_by == ""
    assert "Overdue" in window.dashboard.laws.text()
    what = next(column for column in AUDIT_COLUMNS if column.key == "action")
    said = [what.show(row) for row in audit_page(window.context.database(), limit=20, descending=True)]
    assert "State-law rule added" in said and "State-law rule withdrawn" in said


def test_a_new_rule_starts_empty_and_names_what_it_lacks(qtbot: Any, texas_window: Any) -> None:
    window = texas_window("2025-11-15")
    page = window.show_page("laws")
    wait_idle(qtbot, window.context)
    page.add_button.click()
    dialog = page.rule_dialog
    assert dialog is not None and dialog.fields["id"].text() == ""
    assert dialog.dates["checked_on"].editor.date() == dt.date(2025, 11, 15)
    dialog.save_button.click()
    assert dialog.problem.text.text() == "Give the rule a rule id."
    for name, value in (("id", "ok-sb-1"), ("citation", "Okla. SB 1"), ("title", "Partnerships"), ("state", "ok")):
        dialog.fields[name].setText(value)
    dialog.binds["city"].setChecked(True)
    dialog.reaches["sister_city"].setChecked(True)
    dialog.countries.setPlainText("CN China")
    dialog.countries_source.setPlainText("The act, section 2")
    dialog.dates["countries_as_of"].editor.line.setText("2025-07-01")
    dialog.requires["no_new"].setChecked(True)
    dialog.dates["date_effective"].editor.line.setText("July 1")
    dialog.sources.setPlainText("Oklahoma SB 1 (2025) https://example.org/sb1")
    dialog.summary.setPlainText("No new partnership with China.")
    dialog.save_button.click()
    assert dialog.problem.text.text().startswith("Takes effect must be a date, written for example 3/14/2025")
    assert dialog.dates["date_effective"].check.isVisible()  # the sentence is beside the field too
    dialog.dates["date_effective"].editor.line.setText("2025-07-01")
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.save_button.click()
    wait_idle(qtbot, window.context)
    rule = {rule.id: rule for rule in known_rules(window.context.database())}["ok-sb-1"]
    assert (rule.state, rule.origin, rule.sources[0].url) == ("OK", "clerk", "https://example.org/sb1")
    assert page.selected_rule().id == "ok-sb-1"
    assert "This rule reaches none of the partnerships recorded." in page.reached_label.text()
