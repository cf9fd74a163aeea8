"""Undo and redo of an edit save only over the version they left, so another clerk's change is never overwritten."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core.records import service as records

from .conftest import wait_idle

ORIGINAL_TITLE = "Code of conduct for exchanges"


def _edit_policy_title(qtbot: Any, window: Any, title: str) -> int:
    """Types a new title into the open policy's form and saves it with Ctrl+S; returns the policy's id."""
    context = window.context
    policy_id = int(window.ids["policy"])
    page = window.show_page("policy")
    page.open_record(policy_id)
    wait_idle(qtbot, context)
    editor = page.detail.form.editors["title"].focus_widget()
    editor.selectAll()
    qtbot.keyClicks(editor, title)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, context)
    assert records.get(context.database(), "policy", policy_id)["title"] == title
    return policy_id


def test_undo_is_refused_when_another_clerk_saved_the_record_since(
    qtbot: Any, open_window: Any, dialog_log: Any
) -> None:
    window = open_window(filled=True)
    context = window.context
    db = context.database()
    policy_id = _edit_policy_title(qtbot, window, "Exchange code")
    records.update(db, "policy", policy_id, {"title": "Code agreed by the council"}, actor="another clerk")
    saved_by_them = records.get(db, "policy", policy_id)

    window.undo_action.trigger()
    wait_idle(qtbot, context)

    assert records.get(db, "policy", policy_id) == saved_by_them
    form = window.show_page("policy").detail.form
    assert form.editors["title"].focus_widget().text() == "Code agreed by the council"
    [(_title, sentence)] = dialog_log.messages
    assert sentence.startswith(f"Policy {policy_id} was changed by ")
    assert "your change was not saved" in sentence
    # The stack is back where it was: the edit can still be undone, and nothing is waiting to be redone.
    assert context.undo_stack.canUndo() and not context.undo_stack.canRedo()


def test_redo_is_refused_when_another_clerk_saved_the_record_after_the_undo(
    qtbot: Any, open_window: Any, dialog_log: Any
) -> None:
    window = open_window(filled=True)
    context = window.context
    db = context.database()
    policy_id = _edit_policy_title(qtbot, window, "Exchange code")
    window.undo_action.trigger()
    wait_idle(qtbot, context)
    assert records.get(db, "policy", policy_id)["title"] == ORIGINAL_TITLE
    records.update(db, "policy", policy_id, {"title": "Code agreed by the council"}, actor="another clerk")

    window.redo_action.trigger()
    wait_idle(qtbot, context)

    assert records.get(db, "policy", policy_id)["title"] == "Code agreed by the council"
    [(_title, sentence)] = dialog_log.messages
    assert "your change was not saved" in sentence
    assert context.undo_stack.canRedo()


def test_undo_and_redo_without_another_clerk_work_as_before(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    context = window.context
    db = context.database()
    policy_id = _edit_policy_title(qtbot, window, "Exchange code")
    for action, title in [
        (window.undo_action, ORIGINAL_TITLE),
        (window.redo_action, "Exchange code"),
        (window.undo_action, ORIGINAL_TITLE),
        (window.redo_action, "Exchange code"),
    ]:
        action.trigger()
        wait_idle(qtbot, context)
        assert records.get(db, "policy", policy_id)["title"] == title
    assert dialog_log.messages == []
