"""The window on a small screen (1280×720 at 150 %, 853×480 logical pixels) and at 1366×768: nothing scrolls
sideways, nothing is cut, and single-line fields show the start of a long value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLineEdit, QScrollArea, QStyle

from desktop_app.core.records import service as records
from desktop_app.gui.main_window import PAGES
from desktop_app.gui.widgets.files_panel import FILE_COLUMNS, SIZE, TITLE, FilesPanel

from .conftest import wait_idle

SMALL = QSize(853, 480)  # 1280×720 at 150 %
LAPTOP = QSize(1366, 768)
LONG_TITLE = "Agreement on the establishment of sister city relations and on exchanges in education and trade"


def _settled(qtbot: Any, window: Any) -> None:
    wait_idle(qtbot, window.context)
    qtbot.wait(20)  # the page area measures the page shown once its layout has settled


def _page_area(window: Any) -> QScrollArea:
    area = window.findChild(QScrollArea, "pages-area")
    assert isinstance(area, QScrollArea)
    return area


def _overflow(window: Any) -> tuple[int, int]:
    """How far the page shown would scroll sideways and up and down in the window's page area."""
    area = _page_area(window)
    return area.horizontalScrollBar().maximum(), area.verticalScrollBar().maximum()


def _sideways_inside(page: Any) -> list[str]:
    """The scrolled parts of a page (the home page, a record's form) that would scroll sideways."""
    return [
        f"{type(area.widget()).__name__} by {area.horizontalScrollBar().maximum()}"
        for area in page.findChildren(QScrollArea)
        if area.isVisible() and area.horizontalScrollBar().maximum() > 0
    ]


def test_no_page_scrolls_or_forces_a_larger_window_on_a_small_screen(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    for screen in (SMALL, LAPTOP):
        window.resize(screen)
        for key, _label, _icon in PAGES:
            window.show_page(key)
            _settled(qtbot, window)
            page = window.pages[key]
            wanted = page.minimumSizeHint().expandedTo(page.minimumSize())
            assert window.size() == screen, key
            assert window.minimumSizeHint().width() <= screen.width(), key
            assert window.minimumSizeHint().height() <= screen.height(), key
            assert _overflow(window) == (0, 0), f"{key} needs {wanted.width()}×{wanted.height()}"
            if key != "response":  # the response workspace has tests of its own on a small screen
                assert _sideways_inside(page) == [], key


def test_the_list_of_kinds_shows_icons_only_when_the_window_is_narrow(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    window.resize(SMALL)
    _settled(qtbot, window)
    rows = range(window.nav.count())
    assert all(window.nav.item(row).text() == "" for row in rows)
    assert [window.nav.item(row).toolTip() for row in rows] == [label for _key, label, _icon in PAGES]
    assert [window.nav.item(row).data(Qt.ItemDataRole.AccessibleTextRole) for row in rows] == [
        label for _key, label, _icon in PAGES
    ]
    assert window.nav.width() < window.nav.iconSize().width() * 4
    window.resize(LAPTOP)
    _settled(qtbot, window)
    assert [window.nav.item(row).text() for row in rows] == [label for _key, label, _icon in PAGES]
    widest = max(window.nav.fontMetrics().horizontalAdvance(label) for _key, label, _icon in PAGES)
    assert window.nav.width() > widest + window.nav.iconSize().width()


def test_record_tabs_are_whole_and_those_without_room_are_under_more(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    window.open_record("partnership", window.ids["partnership"])
    _settled(qtbot, window)
    detail = window.pages["partnership"].detail
    bar = detail.tabBar()
    shown = [index for index in range(detail.count()) if bar.isTabVisible(index)]
    hidden = [index for index in range(detail.count()) if not bar.isTabVisible(index)]
    assert hidden and detail.more_button.isVisible()
    for index in shown:
        rect = bar.tabRect(index)
        assert bar.rect().contains(rect), detail.tabText(index)
        assert rect.width() >= bar.tabSizeHint(index).width(), f"{detail.tabText(index)} is cut short"
    assert detail.more_button.geometry().left() >= bar.geometry().right()
    menu = detail.more_button.menu()
    menu.aboutToShow.emit()
    assert [action.text() for action in menu.actions()] == [detail.tabText(index) for index in hidden]
    menu.actions()[-1].trigger()
    assert detail.currentIndex() == hidden[-1]
    assert bar.isTabVisible(hidden[-1])
    rect = bar.tabRect(hidden[-1])
    assert bar.rect().contains(rect) and rect.width() >= bar.tabSizeHint(hidden[-1]).width()

    window.resize(LAPTOP)
    _settled(qtbot, window)
    assert all(bar.isTabVisible(index) for index in range(detail.count()))
    assert not detail.more_button.isVisible()


def test_a_long_title_shows_its_start_while_the_clerk_is_elsewhere(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    agreement = records.create(
        window.context.db, "agreement", {"partnership_id": window.ids["partnership"], "title": LONG_TITLE}
    )
    window.open_record("agreement", agreement["id"])
    _settled(qtbot, window)
    line = window.pages["agreement"].detail.form.editors["title"].focus_widget()
    assert isinstance(line, QLineEdit)
    assert line.fontMetrics().horizontalAdvance(LONG_TITLE) > line.width()  # too long to be seen whole
    assert line.text() == LONG_TITLE and line.cursorPosition() == 0

    line.setFocus()
    qtbot.waitUntil(line.hasFocus)
    line.end(False)
    qtbot.keyClicks(line, " (1994)")
    assert line.cursorPosition() == len(line.text())  # while typing, the cursor stays where the clerk types
    window.pages["agreement"].filters.text.setFocus()
    qtbot.waitUntil(lambda: not line.hasFocus())
    assert line.cursorPosition() == 0


def test_a_narrow_form_puts_its_ticks_and_labels_above_rather_than_scrolling_sideways(
    qtbot: Any, open_window: Any
) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    for kind in ("participant", "oversight", "policy", "agreement"):
        window.open_record(kind, window.ids[kind])
        _settled(qtbot, window)
        form = window.pages[kind].detail.form
        assert _sideways_inside(window.pages[kind]) == [], kind
        for editor in form.editors.values():
            line = getattr(editor, "line", None)
            if isinstance(line, QLineEdit) and line.placeholderText() and line.isVisible():
                room = line.width() - 8  # the frame and the margins Qt keeps around the text
                assert room >= line.fontMetrics().horizontalAdvance(line.placeholderText()), editor.field.name
        chooser = getattr(form.editors.get("partnership_id") or form.editors.get("activity_id"), "combo", None)
        if chooser is not None:  # a record chosen, cut by a narrow form, is whole in its tooltip
            assert chooser.currentText() and chooser.toolTip() == chooser.currentText(), kind


def _needed_width(files: FilesPanel, column: int) -> int:
    """The width that shows a column's every cell and its header whole, as the view's style measures them."""
    table = files.list
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    cells = [
        QFontMetrics(table.item(row).font(column)).horizontalAdvance(table.item(row).text(column)) + margin
        for row in range(table.count())
    ]
    return max([*cells, table.header().sectionSizeHint(column)])


def test_the_files_tab_shows_every_column_but_the_title_whole(
    qtbot: Any, open_window: Any, pdf_file: Path, tmp_path: Path
) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    window.open_record("partnership", window.ids["partnership"])
    _settled(qtbot, window)
    detail = window.pages["partnership"].detail
    files = detail.files
    assert isinstance(files, FilesPanel)
    detail.setCurrentWidget(files)
    big = tmp_path / "minutes of the council.txt"
    big.write_text("The council approved the exchange.\n" * 40000, encoding="utf-8")  # about 1.4 MiB
    files.attach([pdf_file, big])
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=10000)
    _settled(qtbot, window)
    for sort_column in (TITLE, SIZE):
        files.list.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder)
        for column in range(len(FILE_COLUMNS)):
            if column != TITLE:  # the title gives way, whole in its tooltip
                assert files.list.columnWidth(column) >= _needed_width(files, column), FILE_COLUMNS[column][0]
    sizes = {files.list.item(row).text(SIZE) for row in range(files.list.count())}
    assert any("MiB" in size for size in sizes) and any("KiB" in size for size in sizes)


def test_the_first_runs_titles_show_an_example_once_cleared(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    wait_idle(qtbot, window.context)
    for line, example in ((dialog.clerk_title, "e.g. City Clerk"), (dialog.signatory_title, "e.g. Mayor")):
        line.clear()
        assert line.placeholderText() == example


def test_search_results_are_as_tall_as_their_wrapped_words(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.resize(SMALL)
    records.create(window.context.db, "policy", {"kind": "procedure", "title": f"Exchanges: {LONG_TITLE} " * 2})
    window.search.setText("exchanges")
    window.run_search()
    _settled(qtbot, window)
    results = window.search_page.list
    assert results.count() >= 2
    for width in (SMALL.width(), LAPTOP.width()):
        window.resize(width, SMALL.height())
        _settled(qtbot, window)
        room = results.viewport().width()
        for row in range(results.count()):
            label = results.itemWidget(results.item(row))
            assert results.visualItemRect(results.item(row)).height() == label.heightForWidth(room)
            assert label.width() <= room
