"""First run, settings, about, the status change dialog, launching, and closing while work runs."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_app.core.interchange.sample_data import sample_cities
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import home_jurisdiction
from desktop_app.core.reports.dates import date_style_in
from desktop_app.gui import app_settings, launch
from desktop_app.gui.dialogs.about import about_text
from desktop_app.gui.dialogs.first_run import split_city
from desktop_app.gui.dialogs.messages import error_text, show_error
from desktop_app.gui.dialogs.settings import SettingsDialog
from desktop_app.gui.dialogs.status_change import StatusChangeDialog

from .conftest import make_pdf, wait_idle


def test_first_run_finds_the_city_and_loads_its_partnerships(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    wait_idle(qtbot, window.context)
    city = next(name for name in sample_cities() if name.startswith("Kansas City"))
    qtbot.keyClicks(dialog.city, city)
    assert dialog.load_sample.isEnabled() and dialog.load_sample.isChecked()
    qtbot.keyClicks(dialog.signatory_name, "Quinton Lucas")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert not dialog.isVisible()
    db = window.context.database()
    home = home_jurisdiction(db)
    assert home is not None and home["name"] == "Kansas City" and home["signatory_name"] == "Quinton Lucas"
    loaded = records.list_records(db, "partnership")
    assert loaded and all(not row["confirmed"] for row in loaded)
    assert "Kansas City" in window.windowTitle()
    assert "marked unconfirmed" in dialog_log.texts()[-1] and "About this list" in dialog_log.texts()[-1]


def test_first_run_explains_where_data_lives_and_refuses_a_city_without_state(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.found)))
    assert str(window.context.location.backups_dir) in texts
    qtbot.keyClicks(dialog.city, "Springfield")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "two letters" in dialog.problem.text.text()
    assert home_jurisdiction(window.context.database()) is None


def test_split_city() -> None:
    assert split_city(" Kansas City , mo ") == ("Kansas City", "MO")
    with pytest.raises(Exception, match="two letters"):
        split_city("Kansas City")


def test_settings_signatory_letterhead_backup_and_data_folder(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window()
    dialog = SettingsDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, window.context)
    assert dialog.save_signatory.isEnabled()
    dialog.signatory_name.setText("Alex Poe")
    qtbot.mouseClick(dialog.save_signatory, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert home_jurisdiction(window.context.database())["signatory_name"] == "Alex Poe"
    image = tmp_path / "seal.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    dialog.use_letterhead(image)
    wait_idle(qtbot, window.context)
    assert home_jurisdiction(window.context.database())["logo_attachment_id"] is not None
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert list(window.context.location.backups_dir.glob("*manual*"))
    assert "kept, the newest made" in dialog.backup_text.text()  # with the daily automatic copy
    dialog.use_backups_folder(tmp_path / "copies")
    wait_idle(qtbot, window.context)
    assert str(tmp_path / "copies") in dialog.backup_text.text()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert list((tmp_path / "copies").glob("*manual*"))
    dialog.remember_data_folder(str(tmp_path / "elsewhere"))
    assert QSettings().value(app_settings.DATA_DIR_SETTING) == str(tmp_path / "elsewhere")
    assert launch.choose_location(None, None).data_dir == tmp_path / "elsewhere"


def test_settings_choose_how_letters_write_dates(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    context = window.context
    dialog = SettingsDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, context)
    index = dialog.date_style.findData("day_first")
    dialog.date_style.setCurrentIndex(index)
    dialog.date_style.activated.emit(index)
    wait_idle(qtbot, context)
    with context.database().reading() as session:
        assert date_style_in(session) == "day_first"
    assert "2 December 2026" in dialog.letters_note.text()


def test_about_names_version_and_data_folder(open_window: Any) -> None:
    window = open_window()
    text = about_text(window.context)
    assert "Sister City Records" in text and str(window.context.location.data_dir) in text
    assert "Log file" not in text or str(window.context.log_path) in text


def test_status_change_asks_date_reason_basis_and_evidence(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window(filled=True)
    context = window.context
    partnership_id = window.ids["partnership"]
    pdf = tmp_path / "resolution.pdf"
    pdf.write_bytes(make_pdf("Council resolution ending the partnership"))
    from desktop_app.core.files.attachments import attach_files

    attach_files(context.database(), [pdf], "partnership", partnership_id)
    partnership = records.get(context.database(), "partnership", partnership_id)
    dialog = StatusChangeDialog(context, partnership, window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, context)
    dialog.status.setCurrentIndex(dialog.status.findData("terminated"))
    dialog.changed_on.line.setText("2024-06-01")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    assert dialog.problems["reason"].isVisible()
    qtbot.keyClicks(dialog.reason, "State law ends the partnership.")
    dialog.legal_basis.setText("Tex. Gov't Code ch. 795")
    dialog.evidence.setCurrentIndex(1)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    history = records.status_history(context.database(), partnership_id)
    assert history[-1]["to_status"] == "terminated" and history[-1]["legal_basis"] == "Tex. Gov't Code ch. 795"
    assert history[-1]["evidence_attachment_id"] is not None


def test_search_box_answers_as_the_clerk_types_and_opens_a_result(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    qtbot.keyClicks(window.search, "Kumamoto")
    page = window.search_page
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page and page.query == "Kumamoto", timeout=5000)
    wait_idle(qtbot, window.context)
    kinds = [(result["record_kind"], result["record_id"]) for result in page.results]
    assert ("partnership", window.ids["dormant_partnership"]) in kinds
    row = kinds.index(("partnership", window.ids["dormant_partnership"]))
    page.list.setCurrentRow(row)
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    wait_idle(qtbot, window.context)
    partnerships = window.page("partnership")
    assert window.stack.currentWidget() is partnerships
    assert partnerships.detail.record["id"] == window.ids["dormant_partnership"]
    window.search.clear()
    window.run_search()
    assert window.stack.currentWidget() is partnerships


def test_search_says_plainly_when_nothing_is_found(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.search.setText('"zzzqqq')
    window.run_search()
    wait_idle(qtbot, window.context)
    assert "Nothing in the records" in window.search_page.summary.text()


def test_closing_while_work_runs_waits_for_it(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    started, finished = threading.Event(), threading.Event()

    def slow(_control: Any) -> None:
        started.set()
        time.sleep(0.3)
        finished.set()

    window.context.runner.run(slow, label="Writing…")
    started.wait(5)
    window.close()
    assert finished.is_set()
    assert not window.context.runner._worker.isRunning()


def test_errors_read_as_sentences(tmp_path: Path) -> None:
    from desktop_app.core.errors import UserError

    assert error_text(UserError("The file is empty."), None) == ("Sister City Records", "The file is empty.")
    _title, text = error_text(KeyError("x"), tmp_path / "log.txt")
    assert "Nothing already saved was lost" in text and str(tmp_path / "log.txt") in text


def test_an_unexpected_error_is_logged_without_the_record_values_in_its_text(
    program_log: Path, dialog_log: Any
) -> None:
    from desktop_app.core.host.logs import configure_logging

    configure_logging(program_log.parent)
    participant = {"name": "Wang Xiaoming", "born_on": "1971-03-02"}
    try:
        raise ValueError(f"no visa category for {participant['name']}, born {participant['born_on']}")
    except ValueError as error:
        show_error(None, error, program_log)
    logged = program_log.read_text(encoding="utf-8")
    assert "builtins.ValueError" in logged and "test_an_unexpected_error_is_logged" in logged  # kind and traceback
    assert "Wang Xiaoming" not in logged and "1971" not in logged
    assert "Wang Xiaoming" not in dialog_log.texts()[-1] and str(program_log) in dialog_log.texts()[-1]


def test_launch_refuses_unknown_options(dialog_log: Any) -> None:
    assert launch.launch_window(["--colour", "blue"]) == 2
    assert "--data-dir" in dialog_log.texts()[-1]


def test_launch_opens_the_records_and_closes_cleanly(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, program_log: Path
) -> None:
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.gui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch installs its own; put it back afterwards
    seen: dict[str, Any] = {}

    def close_when_open() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and windows[0].context.db is not None and windows[0].context.runner.idle:
            seen["title"] = windows[0].windowTitle()
            seen["status"] = windows[0].status_label.text()
            windows[0].close()
        else:
            QTimer.singleShot(50, close_when_open)

    QTimer.singleShot(50, close_when_open)
    assert launch.launch_window(["--data-dir", str(tmp_path / "data")]) == 0
    assert (tmp_path / "data" / "records.sqlite3").exists()
    assert (tmp_path / "data" / "logs").is_dir()
    assert seen["title"].startswith("Sister City Records")


def test_a_second_copy_on_the_same_data_folder_is_refused(tmp_path: Path, dialog_log: Any) -> None:
    from desktop_app.core.safekeeping.instance_lock import acquire_instance_lock

    with acquire_instance_lock(tmp_path / "data"):
        assert launch.launch_window(["--data-dir", str(tmp_path / "data")]) == 2
    assert "already open in another copy" in dialog_log.texts()[-1]


def test_records_in_a_synced_folder_are_warned_about(qtbot: Any, tmp_path: Path, dialog_log: Any) -> None:
    from desktop_app.core.host.paths import resolve_location
    from desktop_app.gui.context import AppContext
    from desktop_app.gui.main_window import MainWindow
    from desktop_app.gui.tasks import TaskRunner

    context = AppContext(location=resolve_location(tmp_path / "Dropbox" / "records"), runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.open_records()
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    assert any("Dropbox" in text for text in dialog_log.texts())
    window.close()


def test_saving_an_inquirys_questions_keeps_their_short_titles(qtbot: Any, sync_context: Any, db: Any) -> None:
    from desktop_app.core.records.inquiries import create_inquiry, get_inquiry
    from desktop_app.gui.widgets.record_detail import QuestionsEditor

    inquiry = create_inquiry(
        db, {"subject": "Council questions"}, [{"text": "Which gifts were received?", "short_title": "Gifts"}]
    )
    editor = QuestionsEditor(sync_context)
    qtbot.addWidget(editor)
    editor.show_for(inquiry["id"])
    assert editor.table.item(0, 1).text() == "Gifts"
    editor.add_button.click()
    editor.table.item(1, 0).setText("Who paid for the visits?")
    editor.table.item(1, 1).setText("Funding")
    editor.save()
    saved = get_inquiry(db, inquiry["id"])["questions"]
    assert [(q["text"], q["short_title"]) for q in saved] == [
        ("Which gifts were received?", "Gifts"),
        ("Who paid for the visits?", "Funding"),
    ]
