"""A record's Files tab: the files in sortable columns, a menu per file, unlinking (and undoing it), declaring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.gui.widgets.files_panel import ADDED, DECLARED, PAGES, SIZE, TEXT, TITLE, TYPE, FilesPanel

from .conftest import wait_idle

HEADERS = ["Title", "Type", "Size", "Pages", "Text", "Added", "Declared"]


def _files_tab(qtbot: Any, window: Any, pdf_file: Path, tmp_path: Path) -> FilesPanel:
    """The first partnership's Files tab, with an agreement PDF and a smaller scanned note attached."""
    window.open_record("partnership", window.ids["partnership"])
    wait_idle(qtbot, window.context)
    page = window.stack.currentWidget()
    files = page.detail.files
    assert isinstance(files, FilesPanel)
    page.detail.setCurrentWidget(files)
    note = tmp_path / "wrong partner note.txt"
    note.write_text("A note about Kumamoto, attached here by mistake.\n" * 18, encoding="utf-8")
    files.attach([pdf_file, note])
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=5000)
    return files


def _titles(files: FilesPanel) -> list[str]:
    return [files.list.item(row).text(TITLE) for row in range(files.list.count())]


def _choose(files: FilesPanel, title: str) -> None:
    files.list.setCurrentItem(files.list.item(_titles(files).index(title)))


def _menu_event(table: Any, reason: QContextMenuEvent.Reason, position: QPoint) -> None:
    """A right-click or the menu key, at a point of the table's rows."""
    viewport = table.viewport()
    QApplication.sendEvent(viewport, QContextMenuEvent(reason, position, viewport.mapToGlobal(position)))


def _verify_ok(qtbot: Any, window: Any) -> None:
    reports: list[Any] = []
    window.context.ops.query(verify_database, label="Checking the records…", on_done=reports.append)
    wait_idle(qtbot, window.context)
    assert reports and reports[0].ok, reports[0].lines() if reports else "verify did not finish"


def test_files_show_in_sortable_columns_with_the_whole_row_in_a_tooltip(
    qtbot: Any, open_window: Any, pdf_file: Path, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    files = _files_tab(qtbot, window, pdf_file, tmp_path)
    table = files.list
    assert [table.headerItem().text(column) for column in range(table.columnCount())] == HEADERS
    assert table.isSortingEnabled()

    _choose(files, "agreement 2019.pdf")
    pdf = table.currentItem()
    assert pdf.text(TYPE) == "PDF document"
    assert pdf.text(PAGES) == "2"
    assert pdf.text(DECLARED) == ""
    added = files.current_attachment()["created_at"]
    assert pdf.text(ADDED) == added[:10]
    assert f"Added {added[:16].replace('T', ' ')} UTC" in pdf.toolTip(TITLE)
    tip = pdf.toolTip(TITLE)
    assert "agreement 2019.pdf" in tip and files.current_attachment()["sha256"] in tip
    assert pdf.text(TITLE) == "agreement 2019.pdf"  # its title is its file name, shown once
    assert pdf.text(TEXT) == "Text extracted"

    # By size: the note (under 1 KiB) comes before the PDF, though "1.x KiB" sorts before "9xx bytes" as text.
    sizes = {files.list.item(row).attachment["id"]: files.list.item(row).attachment["size"] for row in range(2)}
    assert min(sizes.values()) < 1024 <= max(sizes.values())
    table.header().setSortIndicator(SIZE, Qt.SortOrder.AscendingOrder)
    assert [table.item(row).attachment["size"] for row in range(2)] == sorted(sizes.values())
    table.header().setSortIndicator(SIZE, Qt.SortOrder.DescendingOrder)
    assert [table.item(row).attachment["size"] for row in range(2)] == sorted(sizes.values(), reverse=True)

    # A right-click chooses the file under it and opens its menu.
    table.setCurrentItem(table.item(0))
    below = table.visualItemRect(table.item(1)).center()
    _menu_event(table, QContextMenuEvent.Reason.Mouse, below)
    assert files.current_attachment() == table.item(1).attachment
    assert files.menu is not None and files.menu.isVisible()
    files.menu.close()
    assert files.menu is None


def test_unlinking_a_wrong_file_and_undoing_it(
    qtbot: Any, open_window: Any, pdf_file: Path, tmp_path: Path, dialog_log: Any
) -> None:
    window = open_window(filled=True)
    files = _files_tab(qtbot, window, pdf_file, tmp_path)
    _choose(files, "wrong partner note.txt")
    note_id = files.current_attachment()["id"]

    # The menu key opens the chosen file's menu beside it, without choosing another row.
    table = files.list
    _menu_event(table, QContextMenuEvent.Reason.Keyboard, QPoint(5, 5))
    menu = files.menu
    assert menu is not None and menu.isVisible()
    assert files.current_attachment()["id"] == note_id
    texts = [action.text() for action in menu.actions()]
    assert texts == [
        "Open in viewer",
        "Preview",
        "Save a copy…",
        "Add a version…",
        "Declare a record…",
        "Unlink from this record",
    ]
    assert not menu.actions()[1].isEnabled()  # a text file has no preview
    menu.actions()[-1].trigger()
    menu.close()
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: files.list.count() == 1, timeout=5000)
    assert _titles(files) == ["agreement 2019.pdf"]
    stack = window.context.undo_stack
    assert stack.undoText() == f"unlink wrong partner note.txt from partnership {window.ids['partnership']}"
    _verify_ok(qtbot, window)

    window.undo_action.trigger()
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=5000)
    assert note_id in [files.list.item(row).attachment["id"] for row in range(2)]
    _verify_ok(qtbot, window)

    window.redo_action.trigger()
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: files.list.count() == 1, timeout=5000)
    assert dialog_log.messages == []


def test_declaring_a_record_from_the_files_tab(
    qtbot: Any, open_window: Any, pdf_file: Path, tmp_path: Path, dialog_log: Any
) -> None:
    window = open_window(filled=True)
    files = _files_tab(qtbot, window, pdf_file, tmp_path)
    _choose(files, "agreement 2019.pdf")
    dialog_log.answer = False
    qtbot.mouseClick(files.declare_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert files.list.currentItem().text(DECLARED) == ""

    dialog_log.answer = True
    qtbot.mouseClick(files.declare_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: files.list.currentItem().text(DECLARED) == "Record", timeout=5000)
    assert [title for title, _text in dialog_log.messages] == ["Declare a record", "Declare a record"]
    assert not files.declare_button.isEnabled()
    assert "Declared a record" in files.list.currentItem().toolTip(TITLE)

    # The partnership is the only record it belongs to, so it stays: the clerk is told why, in one sentence.
    qtbot.mouseClick(files.unlink_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    assert any("only record it belongs to" in text for text in dialog_log.texts()[2:])
    assert files.list.count() == 2 and not window.context.undo_stack.canUndo()
    _verify_ok(qtbot, window)
