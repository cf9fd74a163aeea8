"""The File menu's safekeeping commands: back up, restore a backup, check the records; and the check at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.records import service as records
from desktop_app.core.safekeeping import restore_backup as restore_module
from desktop_app.core.safekeeping import verify
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.gui import safekeeping

from .conftest import wait_idle


def test_back_up_then_restore_from_the_window(
    qtbot: Any, open_window: Any, dialog_log: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window()
    context = window.context
    copy = tmp_path / "before-the-policy.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(copy), ""))
    window.backup_action.trigger()
    wait_idle(qtbot, context)
    assert copy.exists()
    assert any("checked copy" in text for text in dialog_log.texts())
    records.create(context.database(), "policy", {"kind": "procedure", "title": "Added after the copy"})

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(copy), ""))
    listening_while_restoring: list[bool] = []
    restore = restore_module.restore_backup

    def noting_the_listener(*args: Any) -> Any:
        listening_while_restoring.append(window.live_updates.listening)
        return restore(*args)

    monkeypatch.setattr(restore_module, "restore_backup", noting_the_listener)
    assert window.live_updates.listening
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: any("restored" in text for text in dialog_log.texts()), timeout=30000)
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    assert records.list_records(context.database(), "policies") == []
    # Nothing of the window held the records file open while it was replaced; it follows the new one.
    assert listening_while_restoring == [False]
    assert window.live_updates.listening


def test_a_bad_backup_is_refused_and_the_records_open_again(
    qtbot: Any, open_window: Any, dialog_log: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window()
    context = window.context
    records.create(context.database(), "policy", {"kind": "procedure", "title": "Kept"})
    not_a_backup = tmp_path / "notes.sqlite3"
    not_a_backup.write_text("these are notes\n" * 50)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(not_a_backup), ""))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: len(dialog_log.messages) == 2, timeout=30000)  # the question, then the refusal
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    title, refusal = dialog_log.messages[-1]
    assert title == "Sister City Records" and "notes.sqlite3" in refusal
    assert [p["title"] for p in records.list_records(context.database(), "policies")] == ["Kept"]


def test_check_the_records_reports_every_check(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window()
    window.verify_action.trigger()
    wait_idle(qtbot, window.context)
    titles = [title for title, _text in dialog_log.messages]
    assert "The records passed every check" in titles
    text = dialog_log.messages[-1][1]
    assert "Audit trail: ok" in text and "Stored files" in text


def test_a_failed_start_check_names_the_latest_good_backup(
    qtbot: Any, open_window: Any, dialog_log: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window()
    good = create_backup(window.context.location)
    monkeypatch.setattr(verify, "startup_check", lambda _db, _stop: ["The database file is damaged: page 7."])
    safekeeping.check_at_start(window, window.context)
    wait_idle(qtbot, window.context)
    title, text = dialog_log.messages[-1]
    assert title == "The records failed their check"
    assert "page 7" in text and good.path in text
