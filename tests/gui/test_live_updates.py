"""Open pages follow another clerk's changes within a second or two, keeping the clerk's place and unsaved edits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.reports import responses
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.gui.pages.record_list import RecordListPage
from desktop_app.gui.pages.response_workspace import ResponseWorkspace
from desktop_app.gui.widgets.record_form import CHANGED_ELSEWHERE

from .conftest import wait_idle

SEEN_WITHIN_MS = 2000


@pytest.fixture
def other_clerk(location: DataLocation) -> Iterator[Database]:
    """The same records opened by another copy of the program."""
    database, _ = open_database(location)
    yield database
    database.dispose()


def _listening_page(qtbot: Any, window: Any, key: str) -> Any:
    page = window.show_page(key)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: window.live_updates.listening, timeout=5000)
    qtbot.wait(700)  # the listener takes its starting point before the other clerk writes
    return page


def _partnership_list(qtbot: Any, window: Any) -> RecordListPage:
    page = _listening_page(qtbot, window, "partnership")
    assert isinstance(page, RecordListPage)
    return page


def _new_partnership(db: Database, window: Any, name: str) -> dict[str, Any]:
    partner = records.create(db, "partner", {"name": name, "country_name": "China"})
    return records.create(db, "partnership", {"jurisdiction_id": window.ids["home"], "partner_id": partner["id"]})


def test_the_list_shows_another_clerks_partnership_and_keeps_the_place(
    qtbot: Any, open_window: Any, other_clerk: Database, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    table_file = tmp_path / "partnerships.csv"
    rows = "".join(f"Springfield,IL,Partner {number},China\n" for number in range(300))
    table_file.write_text("City,State,Partner City,Country\n" + rows, encoding="utf-8")
    import_file(other_clerk, table_file)
    page = _partnership_list(qtbot, window)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() == 302, timeout=10000)
    wait_idle(qtbot, window.context)
    chosen = page.model.record_at(150)
    assert chosen is not None
    page.table.select_record(chosen["id"])
    assert page.detail.record is not None and page.detail.record["id"] == chosen["id"]
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll = bar.value()
    assert scroll > 0

    added = _new_partnership(other_clerk, window, "Hefei East")

    qtbot.waitUntil(lambda: page.model.row_of(added["id"]) >= 0, timeout=SEEN_WITHIN_MS)
    qtbot.waitUntil(lambda: bar.value() == scroll and not page.model.loading, timeout=1000)
    current = page.table.current_record()
    assert current is not None and current["id"] == chosen["id"]
    assert page.model.rowCount() == 303
    wait_idle(qtbot, window.context)
    assert "303 partnerships" in page.count_label.text()


def test_a_form_with_unsaved_edits_keeps_them_and_says_the_record_changed(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    page = _partnership_list(qtbot, window)
    record_id = window.ids["partnership"]
    assert page.table.select_record(record_id)
    form = page.detail.form
    editor = form.editors["council_resolution_number"]
    qtbot.keyClicks(editor.focus_widget(), "R-2024-17")
    assert form.dirty

    records.update(other_clerk, "partnership", record_id, {"notes": "Reviewed by the council."})

    qtbot.waitUntil(form.elsewhere_note.isVisible, timeout=SEEN_WITHIN_MS)
    assert form.elsewhere_note.text() == CHANGED_ELSEWHERE
    assert form.dirty and editor.value() == "R-2024-17"
    assert form.editors["notes"].value() in (None, "")  # the other clerk's value waits for the save or a revert
    current = page.table.current_record()
    assert current is not None and current["id"] == record_id

    form.revert()
    assert not form.elsewhere_note.isVisible()


def test_a_form_without_edits_shows_the_other_clerks_values(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    page = _partnership_list(qtbot, window)
    record_id = window.ids["dormant_partnership"]
    assert page.table.select_record(record_id)
    wait_idle(qtbot, window.context)

    records.update(other_clerk, "partnership", record_id, {"notes": "Talks resumed."})

    form = page.detail.form
    qtbot.waitUntil(lambda: form.editors["notes"].value() == "Talks resumed.", timeout=SEEN_WITHIN_MS)
    assert not form.dirty and not form.elsewhere_note.isVisible()


def test_the_home_page_counts_another_clerks_records_and_the_window_stops_listening_on_close(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    home = _listening_page(qtbot, window, "home")
    qtbot.waitUntil(lambda: "1 agreement<" in home.records.text(), timeout=5000)

    records.create(other_clerk, "agreement", {"partnership_id": window.ids["partnership"], "title": "Second"})

    qtbot.waitUntil(lambda: "2 agreements" in home.records.text(), timeout=SEEN_WITHIN_MS)
    window.close()
    assert not window.live_updates.listening


def test_the_answer_being_typed_is_saved_not_lost_when_the_response_is_read_again(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    page = _listening_page(qtbot, window, "response")
    assert isinstance(page, ResponseWorkspace)
    page.start()
    wait_idle(qtbot, window.context)
    assert page.response is not None
    page.questions.setCurrentRow(0)
    page._save_timer.setInterval(60_000)  # the answer waits for its save while the other clerk writes
    page.narrative.selectAll()
    qtbot.keyClicks(page.narrative, "Every agreement is listed.")

    records.create(other_clerk, "policy", {"kind": "procedure", "title": "Gifts register"})

    response_id = page.response["id"]

    def saved() -> str:
        return str(responses.get_response(other_clerk, response_id)["answers"][0]["narrative"])

    qtbot.waitUntil(lambda: saved() == "Every agreement is listed.", timeout=SEEN_WITHIN_MS)
    wait_idle(qtbot, window.context)
    assert page.narrative.toPlainText() == "Every agreement is listed."
    assert page.questions.currentRow() == 0


def test_a_list_not_yet_shown_reads_nothing_for_changes_elsewhere(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    page = window.page("agreement")
    assert isinstance(page, RecordListPage)
    home = _listening_page(qtbot, window, "home")
    before = home.records.text()
    records.create(other_clerk, "agreement", {"partnership_id": window.ids["partnership"], "title": "Second"})
    qtbot.waitUntil(lambda: home.records.text() != before, timeout=SEEN_WITHIN_MS)
    assert page.model.rowCount(QModelIndex()) == 0 and not page.model.loading


def test_the_audit_trail_shown_from_its_top_shows_the_newest_event(
    qtbot: Any, open_window: Any, other_clerk: Database
) -> None:
    window = open_window(filled=True)
    page = _listening_page(qtbot, window, "audit")
    first = page.model.record_at(0)
    assert first is not None

    records.create(other_clerk, "policy", {"kind": "procedure", "title": "Gifts register"})

    def newest() -> Any:
        row = page.model.record_at(0)
        return row["seq"] if row else None

    qtbot.waitUntil(lambda: newest() == first["seq"] + 1, timeout=SEEN_WITHIN_MS)
