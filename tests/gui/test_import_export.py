"""Importing partnerships from a table with a preview, and exporting the records file and lists, from the window."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.db.engine import Database
from desktop_app.core.host.paths import resolve_location
from desktop_app.core.interchange import partnership_table
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.gui.context import AppContext
from desktop_app.gui.dialogs.import_export import CsvExportDialog, ImportDialog, RecordsFileExportDialog

from .conftest import wait_idle
from .test_accessibility import _unnamed

WITH_PROBLEMS = (
    "City,State,Partner City,Country,Year,Mayor's phone\n"
    "Dayton,OH,Nanjing,China,2001,555-0100\n"
    "Dayton,OH,Augsburg,Germany,19x9,\n"
    "Columbus,OH,Hefei,China,1988,\n"
)
SOUND = (
    "City,State,Partner City,Country\nDayton,OH,Nanjing,China\nDayton,OH,Augsburg,Germany\nColumbus,OH,Hefei,China\n"
)


def _table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partnerships.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _previewed(qtbot: Any, context: AppContext, path: Path) -> ImportDialog:
    dialog = ImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_preview(path)
    wait_idle(qtbot, context)
    assert dialog.preview is not None, dialog.work.status.text()
    return dialog


def _partnerships(db: Database) -> int:
    return records.count_records(db, "partnerships")


def _hold_the_worker(context: AppContext) -> threading.Event:
    """Keeps the records worker busy until the event is set, so that what is queued after it waits."""
    gate = threading.Event()
    context.runner.run(lambda _control: gate.wait(10), label="Waiting…")
    return gate


def test_preview_shows_recognised_columns_and_row_problems(
    qtbot: Any, thread_context: AppContext, tmp_path: Path
) -> None:
    dialog = _previewed(qtbot, thread_context, _table(tmp_path, WITH_PROBLEMS))
    headers = [dialog.table.horizontalHeaderItem(column).text() for column in range(dialog.table.columnCount())]
    assert headers[0] == "Problems"
    assert headers[1] == "City\n(US city)"
    assert headers[3] == "Partner City\n(Partner community)"
    assert headers[6] == "Mayor's phone\n(ignored)"
    assert "Columns ignored: Mayor's phone." in dialog.columns.text()
    assert dialog.table.rowCount() == 3
    assert dialog.table.verticalHeaderItem(1).text() == "Row 3"
    assert "whole number" in dialog.table.item(1, 0).text()
    assert dialog.table.item(0, 0).text() == "none"
    assert dialog.table.item(1, 5).text() == "19x9"
    assert [dialog.problems.item(row).text()[:7] for row in range(dialog.problems.count())] == ["Row 3: "]
    assert dialog.summary.text() == "2 partnerships would be added, 1 row has problems."
    assert not dialog.import_button.isEnabled()
    assert _partnerships(thread_context.database()) == 0
    assert _unnamed(dialog) == []


def test_dry_run_count_then_import_of_every_row(qtbot: Any, thread_context: AppContext, tmp_path: Path) -> None:
    db = thread_context.database()
    import_file(db, _table(tmp_path, "City,State,Partner City,Country\nDayton,OH,Nanjing,China\n"))
    dialog = _previewed(qtbot, thread_context, _table(tmp_path, SOUND))
    assert dialog.summary.text() == "2 partnerships would be added (1 already in the records)."
    assert _partnerships(db) == 1
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, thread_context)
    assert _partnerships(db) == 3
    assert "added 2 partnerships (1 already in the records)" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_import_is_all_or_nothing_when_the_file_changed_since_its_preview(
    qtbot: Any, thread_context: AppContext, tmp_path: Path
) -> None:
    path = _table(tmp_path, SOUND)
    dialog = _previewed(qtbot, thread_context, path)
    path.write_text(SOUND + "Dayton,OH,Sapporo,Japan,\n,OH,Suzhou,China\n", encoding="utf-8")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, thread_context)
    assert dialog.work.status.text().startswith("Nothing was imported from partnerships.csv: row 6")
    assert _partnerships(thread_context.database()) == 0
    assert records.count_records(thread_context.database(), "jurisdictions") == 0


def test_stop_during_an_import_leaves_nothing(
    qtbot: Any, thread_context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _previewed(qtbot, thread_context, _table(tmp_path, SOUND))
    real_import = partnership_table.import_table
    written: list[int] = []

    def import_then_stop(*args: Any, **kwargs: Any) -> Any:
        report = real_import(*args, **kwargs)
        written.append(report.partnerships_added)
        dialog.stop()  # the clerk presses Stop once every row is written, before the transaction commits
        return report

    monkeypatch.setattr(partnership_table, "import_table", import_then_stop)
    gate = _hold_the_worker(thread_context)  # the import starts only once the dialog holds its control
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.work.stop_button.isVisible()
    gate.set()
    wait_idle(qtbot, thread_context)
    assert written == [3]
    assert dialog.work.status.text() == "Stopped; nothing was imported."
    assert _partnerships(thread_context.database()) == 0
    assert records.count_records(thread_context.database(), "jurisdictions") == 0
    assert dialog.import_button.isEnabled()  # the same file may be imported again


def _fill(db: Database) -> None:
    home = set_home_jurisdiction(db, "Springfield", "IL", {"signatory_name": "Pat Doe"})
    for name, country in (("Hefei", "China"), ("Kumamoto", "Japan")):
        partner = records.create(db, "partner", {"name": name, "country_name": country})
        records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})


def test_export_writes_a_records_file_that_core_reads_back(
    qtbot: Any, thread_context: AppContext, tmp_path: Path
) -> None:
    _fill(thread_context.database())
    dialog = RecordsFileExportDialog(thread_context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _unnamed(dialog) == []
    destination = tmp_path / "records.json"
    dialog.destination.setText(str(destination))
    dialog.personal.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, thread_context)
    assert dialog.work.status.text().startswith(f"Wrote {destination} including participants' names")
    target, _ = open_database(resolve_location(tmp_path / "elsewhere"))
    try:
        import_file(target, destination)
        names = sorted(record["partner_name"] for record in records.list_records(target, "partnerships"))
    finally:
        target.dispose()
    assert names == ["Hefei", "Kumamoto"]


def test_csv_export_of_partnerships(qtbot: Any, thread_context: AppContext, tmp_path: Path) -> None:
    _fill(thread_context.database())
    dialog = CsvExportDialog(thread_context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _unnamed(dialog) == []
    assert dialog.kind.currentData() == "partnership"
    destination = tmp_path / "list.csv"
    dialog.destination.setText(str(destination))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, thread_context)
    assert dialog.work.status.text() == f"Wrote 2 rows of partnerships to {destination} (without personal data)."
    with destination.open(encoding="utf-8-sig", newline="") as handle:
        assert sorted(row["partner_name"] for row in csv.DictReader(handle)) == ["Hefei", "Kumamoto"]


def test_stopped_export_writes_no_file(qtbot: Any, thread_context: AppContext, tmp_path: Path) -> None:
    dialog = CsvExportDialog(thread_context)
    qtbot.addWidget(dialog)
    dialog.show()
    destination = tmp_path / "list.csv"
    dialog.destination.setText(str(destination))
    gate = _hold_the_worker(thread_context)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.work.stop_button.isVisible() and not dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.work.stop_button, Qt.MouseButton.LeftButton)
    gate.set()
    wait_idle(qtbot, thread_context)
    assert dialog.work.status.text() == "Stopped; no file was written."
    assert not destination.exists()
    assert dialog.export_button.isEnabled()


def test_a_bad_destination_gets_a_sentence(qtbot: Any, thread_context: AppContext, tmp_path: Path) -> None:
    dialog = RecordsFileExportDialog(thread_context)
    qtbot.addWidget(dialog)
    dialog.destination.setText(str(tmp_path / "no such folder" / "records.json"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, thread_context)
    assert "does not exist" in dialog.work.status.text()


def test_the_file_menu_opens_the_import_preview(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window()
    path = _table(tmp_path, SOUND)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(path), ""))
    file_menu = window.menuBar().actions()[0].menu()
    entries = [action.text() for action in file_menu.actions()]
    assert {"&Import partnerships…", "Export the records &file…", "Export a &list as CSV…"} <= set(entries)
    window.import_action.trigger()
    wait_idle(qtbot, window.context)
    dialog = window.import_export_dialog
    assert dialog.isVisible() and dialog.summary.text() == "3 partnerships would be added."
    window.export_csv_action.trigger()
    assert isinstance(window.import_export_dialog, CsvExportDialog)
    window.import_export_dialog.reject()
    dialog.reject()


def test_preview_and_import_when_the_work_calls_back_at_once(
    qtbot: Any, sync_context: AppContext, tmp_path: Path
) -> None:
    dialog = _previewed(qtbot, sync_context, _table(tmp_path, SOUND))
    assert not dialog.busy and dialog.import_button.isEnabled()
    dialog.import_all()
    assert not dialog.busy and not dialog.work.stop_button.isVisible()
    assert _partnerships(sync_context.database()) == 3
