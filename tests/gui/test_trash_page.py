"""The trash page (every kind, the last trashed first, restore, purge after a question), the question before
trashing a record others use, and a confirmation that background work does not wipe out."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.errors import UserError
from desktop_app.core.records import service as records

from .conftest import wait_idle


def _trash_at(monkeypatch: pytest.MonkeyPatch, db: Any, when: str, kind_name: str, record_id: int) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", when)
    records.trash(db, kind_name, record_id)
    monkeypatch.delenv("SISTER_CITY_RECORDS_NOW")


def _shown(page: Any) -> list[tuple[str, int]]:
    rows = [page.model.record_at(number) for number in range(page.model.rowCount())]
    return [(row["record_kind"], row["id"]) for row in rows]


def _partner_named(db: Any, name: str) -> int:
    return next(row["id"] for row in records.list_records(db, "partner") if row["name"] == name)


def test_every_kind_shows_the_last_trashed_first_and_restores(
    qtbot: Any, open_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(filled=True)
    context, ids = window.context, window.ids
    db = context.database()
    # Trashed in an order that is neither the kinds' nor the numbers', after the fixture's policy (trashed today).
    _trash_at(monkeypatch, db, "2099-01-01T10:00:00.000000Z", "activity", ids["activity"])
    _trash_at(monkeypatch, db, "2099-01-01T10:02:00.000000Z", "partnership", ids["dormant_partnership"])
    _trash_at(monkeypatch, db, "2099-01-01T10:01:00.000000Z", "agreement", ids["agreement"])
    page = window.show_page("trash")
    wait_idle(qtbot, context)
    assert _shown(page) == [
        ("partnership", ids["dormant_partnership"]),
        ("agreement", ids["agreement"]),
        ("activity", ids["activity"]),
        ("policy", ids["trashed_policy"]),
    ]
    first = [page.model.data(page.model.index(0, column)) for column in range(page.model.columnCount())]
    assert first[:3] == ["2099-01-01 10:02 UTC", "Partnership", str(ids["dormant_partnership"])]
    assert first[3].startswith("Springfield, IL – Kumamoto")

    page.kind_box.setCurrentIndex(page.kind_box.findData("agreement"))
    wait_idle(qtbot, context)
    assert _shown(page) == [("agreement", ids["agreement"])]
    page.kind_box.setCurrentIndex(0)
    wait_idle(qtbot, context)

    page.table.selectRow(1)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert records.get(db, "agreement", ids["agreement"])["deleted_at"] is None
    assert ("agreement", ids["agreement"]) not in _shown(page) and len(_shown(page)) == 3
    assert window.status_label.text() == f"Restored agreement {ids['agreement']} (Sister city agreement)."


def test_purging_asks_first_and_names_what_goes_for_good(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    context, ids = window.context, window.ids
    page = window.show_page("trash")
    wait_idle(qtbot, context)
    page.table.selectRow(0)
    dialog_log.answer = False
    page.purge_current()
    wait_idle(qtbot, context)
    assert dialog_log.messages == [
        (
            "Purge for good",
            f"Purge policy {ids['trashed_policy']} (Old procedure) for good? It cannot be restored afterwards; "
            "the audit trail keeps a note that it was purged.",
        )
    ]
    assert records.get(context.database(), "policy", ids["trashed_policy"])["deleted_at"]
    dialog_log.answer = True
    page.purge_current()
    wait_idle(qtbot, context)
    with pytest.raises(UserError):
        records.get(context.database(), "policy", ids["trashed_policy"])
    assert page.model.rowCount() == 0 and not page.purge_button.isEnabled()
    assert window.status_label.text() == f"Purged policy {ids['trashed_policy']} (Old procedure) for good."


def test_trashing_a_partner_in_use_says_what_uses_it_first(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    context = window.context
    db = context.database()
    hefei = _partner_named(db, "Hefei")
    page = window.show_page("partner")
    page.open_record(hefei)
    wait_idle(qtbot, context)
    dialog_log.answer = False
    page.trash_current()
    wait_idle(qtbot, context)
    assert dialog_log.messages == [
        (
            "Records use it",
            "1 partnership, 1 agreement, 1 activity, 1 participant and 1 oversight action use Hefei; move it to the "
            "trash anyway? They stay as they are, and the Trash page can bring it back.",
        )
    ]
    assert records.get(db, "partner", hefei)["deleted_at"] is None
    dialog_log.answer = True
    page.trash_current()
    wait_idle(qtbot, context)
    assert records.get(db, "partner", hefei)["deleted_at"]
    assert "Undo brings it back" in window.status_label.text()

    unused = records.create(db, "partner", {"name": "Suzhou", "country_name": "China"})
    page.open_record(unused["id"])
    wait_idle(qtbot, context)
    page.trash_current()
    wait_idle(qtbot, context)
    assert records.get(db, "partner", unused["id"])["deleted_at"]
    assert len(dialog_log.messages) == 2  # nothing uses it: nothing asked


def test_the_home_jurisdiction_is_refused_without_a_question(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    context, ids = window.context, window.ids
    page = window.show_page("jurisdiction")
    page.open_record(ids["home"])
    wait_idle(qtbot, context)
    page.trash_current()
    wait_idle(qtbot, context)
    assert len(dialog_log.messages) == 1
    _title, text = dialog_log.messages[0]
    assert text.startswith("Springfield, IL is your own jurisdiction and cannot be moved to the trash")
    assert "sister-city-records" not in text and "command" not in text
    assert records.get(context.database(), "jurisdiction", ids["home"])["deleted_at"] is None


def test_a_confirmation_stays_through_background_work_until_clicked(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    context, ids = window.context, window.ids
    page = window.show_page("policy")
    page.open_record(ids["policy"])
    wait_idle(qtbot, context)
    page.trash_current()
    wait_idle(qtbot, context)
    said = window.status_label.text()
    assert said == f"Moved policy {ids['policy']} to the trash (Undo brings it back)."

    release = threading.Event()

    def redraw(control: Any) -> None:
        control.progress(1, 2)
        release.wait(10)

    context.runner.run(redraw, label="Redrawing the letter…")
    qtbot.waitUntil(lambda: window.work_label.text() == "Redrawing the letter…" and window.progress.isVisible())
    assert window.work_label.isVisible() and window.status_label.text() == said
    release.set()
    wait_idle(qtbot, context)
    window.show_page("trash")  # reads the trash on the worker
    wait_idle(qtbot, context)
    assert window.status_label.text() == said
    assert not window.work_label.isVisible() and not window.progress.isVisible()

    qtbot.mouseClick(window.status_label, Qt.MouseButton.LeftButton)
    assert window.status_label.text() == ""
