"""Two clerks change the same record: the conflict dialog shows what both changed and saves the clerk's choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.errors import RecordConflict
from desktop_app.core.records import service as records
from desktop_app.core.records.fields import parse_value
from desktop_app.core.records.kinds import kind_named
from desktop_app.gui.context import AppContext
from desktop_app.gui.dialogs.record_conflict import KEEP_MINE, KEEP_THEIRS, MERGE, RecordConflictDialog

from .conftest import fill_records, wait_idle
from .test_accessibility import _unnamed

PARTNERSHIP = kind_named("partnership")
LONG_NOTE = "Met the delegation at the airport; " * 12 + "https://example.org/" + "x" * 90


def _parsed(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: parse_value(PARTNERSHIP.field(name), raw)[0] for name, raw in changes.items()}


def _conflict_over(db: Any, partnership_id: int, theirs: dict[str, Any], mine: dict[str, Any]) -> RecordConflict:
    """Another clerk saves ``theirs``; the clerk's ``mine`` (made on the version before) then meets it."""
    records.update(db, "partnership", partnership_id, theirs, actor="another clerk")
    now = records.get(db, "partnership", partnership_id)
    return RecordConflict(
        "partnership",
        partnership_id,
        mine=_parsed(mine),
        theirs=now,
        theirs_version=now["version"],
        changed_by="another clerk",
        changed_at="2026-12-06T14:03:00.000000Z",
    )


def _dialog(
    qtbot: Any, context: AppContext, conflict: RecordConflict, base: dict[str, Any] | None
) -> RecordConflictDialog:
    dialog = RecordConflictDialog(context, conflict, base)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # mnemonics reach only the active window
        dialog.show()
        dialog.activateWindow()
    return dialog


def _two_clerks(db: Any) -> tuple[dict[str, int], dict[str, Any], RecordConflict]:
    ids = fill_records(db)
    other_partner = records.create(db, "partner", {"name": "Chengdu", "country_name": "China"})
    third_partner = records.create(db, "partner", {"name": "Wuhan", "country_name": "China"})
    records.update(db, "partnership", ids["partnership"], {"notes": "First note.", "source": "City archive"})
    base = records.get(db, "partnership", ids["partnership"])
    conflict = _conflict_over(
        db,
        ids["partnership"],
        theirs={
            "notes": "Their note.",  # both changed, differently: a conflict
            "council_resolution_number": "R-94-12",  # both changed, alike: no conflict
            "established_year": "1994",  # only they changed it: theirs, silently
            "partner_id": third_partner["id"],  # both changed, differently
            "last_reviewed_on": "2025-06-30",  # both changed, differently
        },
        mine={
            "notes": LONG_NOTE,
            "council_resolution_number": "R-94-12",
            "source": "Council minutes, 1994",  # only the clerk changed it: kept
            "partner_id": other_partner["id"],
            "last_reviewed_on": "2026-01-15",
        },
    )
    return ids, base, conflict


def test_the_dialog_lists_exactly_the_fields_both_changed_differently(qtbot: Any, sync_context: AppContext) -> None:
    _ids, base, conflict = _two_clerks(sync_context.database())
    dialog = _dialog(qtbot, sync_context, conflict, base)
    assert list(dialog.rows) == ["partner_id", "notes", "last_reviewed_on"]
    assert dialog.kept_fields == ["source"]
    assert "Source" in dialog.kept_label.text()
    labels = [row.label.text() for row in dialog.rows.values()]
    assert labels == ["Partner community", "Notes", "Last reviewed on"]
    dates = dialog.rows["last_reviewed_on"]
    assert (dates.mine_label.text(), dates.theirs_label.text()) == ("2026-01-15", "2025-06-30")
    partner = dialog.rows["partner_id"]  # linked records by name, as the form's choice shows them
    assert partner.mine_label.text().startswith("Chengdu (no. ")
    assert partner.theirs_label.text().startswith("Wuhan (no. ")
    notes = dialog.rows["notes"]
    assert notes.mine_label.wordWrap() and notes.mine_label.accessibleDescription() == LONG_NOTE
    assert notes.theirs_label.text() == "Their note."
    assert dialog.who_label.text().startswith("Saved by another clerk at 2026-12-06 ")
    assert _unnamed(dialog) == []


def test_without_the_loaded_record_every_field_that_differs_is_listed(qtbot: Any, sync_context: AppContext) -> None:
    _ids, _base, conflict = _two_clerks(sync_context.database())
    dialog = _dialog(qtbot, sync_context, conflict, None)
    assert list(dialog.rows) == ["partner_id", "notes", "source", "last_reviewed_on"]


def test_keep_mine_saves_all_of_mine_and_keep_theirs_nothing(qtbot: Any, sync_context: AppContext) -> None:
    _ids, base, conflict = _two_clerks(sync_context.database())
    mine = _dialog(qtbot, sync_context, conflict, base)
    qtbot.keyClick(mine, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: mine.choice == KEEP_MINE and not mine.isVisible())  # a mnemonic clicks a moment later
    assert mine.values_to_save() == conflict.mine

    theirs = _dialog(qtbot, sync_context, conflict, base)
    qtbot.keyClick(theirs, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: theirs.choice == KEEP_THEIRS and not theirs.isVisible())
    assert theirs.values_to_save() == {}


def test_merging_field_by_field_by_keyboard(qtbot: Any, sync_context: AppContext) -> None:
    _ids, base, conflict = _two_clerks(sync_context.database())
    dialog = _dialog(qtbot, sync_context, conflict, base)
    assert not dialog.rows["notes"].keep_mine.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    partner = dialog.rows["partner_id"]
    qtbot.waitUntil(lambda: partner.keep_mine.isVisible() and QApplication.focusWidget() is partner.keep_mine)
    # The first field: theirs. Tab to the next field's choice, and keep theirs there too.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert partner.keep_theirs.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    notes = dialog.rows["notes"]
    assert QApplication.focusWidget() in (notes.keep_mine, notes.keep_theirs)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert notes.keep_theirs.isChecked() and dialog.rows["last_reviewed_on"].keeps_mine
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.choice == MERGE and not dialog.isVisible())
    assert dialog.values_to_save() == {
        "council_resolution_number": "R-94-12",
        "source": "Council minutes, 1994",
        "last_reviewed_on": conflict.mine["last_reviewed_on"],
    }


# --- the form, against core ------------------------------------------------------------------------------------


def _open_partnership(qtbot: Any, open_window: Any) -> tuple[Any, Any, int]:
    window = open_window(filled=True)
    page = window.show_page("partnership")
    partnership_id = window.ids["partnership"]
    page.open_record(partnership_id)
    wait_idle(qtbot, window.context)
    return window, page.detail.form, partnership_id


def _type_notes(qtbot: Any, form: Any, text: str) -> None:
    notes = form.editors["notes"].focus_widget()
    notes.selectAll()
    qtbot.keyClicks(notes, text)


def _save_and_meet_conflict(qtbot: Any, window: Any, form: Any) -> RecordConflictDialog:
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: form.conflict_dialog is not None and form.conflict_dialog.isVisible(), timeout=5000)
    dialog: RecordConflictDialog = form.conflict_dialog
    return dialog


def test_keep_mine_saves_over_the_other_clerks_change(qtbot: Any, open_window: Any) -> None:
    window, form, partnership_id = _open_partnership(qtbot, open_window)
    db = window.context.database()
    opened_version = form.shown_version
    records.update(db, "partnership", partnership_id, {"notes": "Theirs.", "source": "Their source"}, actor="clerk b")
    _type_notes(qtbot, form, "Mine.")
    dialog = _save_and_meet_conflict(qtbot, window, form)
    assert list(dialog.rows) == ["notes"] and dialog.conflict.theirs_version == opened_version + 1
    assert dialog.conflict.changed_by == "clerk b"

    qtbot.mouseClick(dialog.keep_mine_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    saved = records.get(db, "partnership", partnership_id)
    assert saved["notes"] == "Mine." and saved["source"] == "Their source"
    assert saved["version"] == opened_version + 2
    assert form.record["version"] == saved["version"] == form.shown_version
    assert form.editors["notes"].value() == "Mine." and not form.dirty


def test_keep_theirs_shows_their_record_and_saves_nothing(qtbot: Any, open_window: Any) -> None:
    window, form, partnership_id = _open_partnership(qtbot, open_window)
    db = window.context.database()
    records.update(db, "partnership", partnership_id, {"notes": "Theirs."}, actor="clerk b")
    theirs = records.get(db, "partnership", partnership_id)
    _type_notes(qtbot, form, "Mine.")
    dialog = _save_and_meet_conflict(qtbot, window, form)
    qtbot.mouseClick(dialog.keep_theirs_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert records.get(db, "partnership", partnership_id) == theirs
    assert form.editors["notes"].value() == "Theirs." and not form.dirty
    assert form.shown_version == theirs["version"]


def test_a_second_conflict_brings_the_dialog_again_with_the_newer_version(qtbot: Any, open_window: Any) -> None:
    window, form, partnership_id = _open_partnership(qtbot, open_window)
    db = window.context.database()
    records.update(db, "partnership", partnership_id, {"notes": "Theirs."}, actor="clerk b")
    _type_notes(qtbot, form, "Mine.")
    first = _save_and_meet_conflict(qtbot, window, form)
    records.update(db, "partnership", partnership_id, {"notes": "Theirs again."}, actor="clerk c")
    qtbot.mouseClick(first.keep_mine_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: form.conflict_dialog not in (None, first), timeout=5000)
    second = form.conflict_dialog
    assert second.conflict.changed_by == "clerk c" and second.conflict.theirs["notes"] == "Theirs again."
    assert second.conflict.theirs_version == first.conflict.theirs_version + 1
    assert second.rows["notes"].mine_label.text() == "Mine."
    qtbot.mouseClick(second.keep_mine_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    saved = records.get(db, "partnership", partnership_id)
    assert saved["notes"] == "Mine." and saved["version"] == second.conflict.theirs_version + 1


def test_changes_to_different_fields_are_both_kept_without_asking(qtbot: Any, open_window: Any) -> None:
    window, form, partnership_id = _open_partnership(qtbot, open_window)
    db = window.context.database()
    records.update(db, "partnership", partnership_id, {"source": "Their source"}, actor="clerk b")
    _type_notes(qtbot, form, "Mine.")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert form.conflict_dialog is None
    saved = records.get(db, "partnership", partnership_id)
    assert (saved["notes"], saved["source"]) == ("Mine.", "Their source")
    assert form.record["version"] == saved["version"] and not form.dirty


def test_the_form_names_who_entered_the_record_and_who_changed_it_last(qtbot: Any, open_window: Any) -> None:
    window, form, partnership_id = _open_partnership(qtbot, open_window)
    qtbot.waitUntil(form.authors.isVisible, timeout=5000)
    assert form.authors.text().startswith("Entered by ")
    db = window.context.database()
    records.update(db, "partnership", partnership_id, {"notes": "Reviewed."}, actor="clerk b")
    window.show_page("partnership").open_record(partnership_id)
    wait_idle(qtbot, window.context)
    version = records.get(db, "partnership", partnership_id)["version"]
    qtbot.waitUntil(lambda: "last changed by clerk b" in form.authors.text(), timeout=5000)
    assert form.authors.text().endswith(f"(version {version}).")
