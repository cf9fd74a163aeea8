"""The record lists: every column sorts, a row's partnership is named, cells show whole in tooltips, a row's menu,
printing, CSV export, and what an empty list shows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from desktop_app.core.records import service as records
from desktop_app.gui.pages.record_list import RecordListPage

from .conftest import wait_idle


def _add_partnerships(window: Any) -> None:
    """Two more partnerships, so that each order of the list differs from the order they were entered in."""
    db = window.context.database()
    boise = records.create(db, "jurisdiction", {"name": "Boise", "state": "ID"})
    zapopan = records.create(db, "partner", {"name": "Zapopan", "country_name": "Mexico"})
    aachen = records.create(db, "partner", {"name": "Aachen", "country_name": "Germany"})
    records.create(db, "partnership", {"jurisdiction_id": boise["id"], "partner_id": zapopan["id"]})
    records.create(db, "partnership", {"jurisdiction_id": boise["id"], "partner_id": aachen["id"]})


def _column(page: RecordListPage, key: str) -> int:
    return next(number for number, column in enumerate(page.model.columns()) if column.key == key)


def _texts(page: RecordListPage, number: int) -> list[str]:
    return [str(page.model.index(row, number).data()) for row in range(page.model.rowCount())]


def _open_list(qtbot: Any, window: Any, kind_name: str) -> RecordListPage:
    page = window.show_page(kind_name)
    wait_idle(qtbot, window.context)
    assert isinstance(page, RecordListPage)
    return page


def test_each_column_of_the_partnership_list_sorts_its_rows(qtbot: Any, open_window: Any, dialog_log: Any) -> None:
    window = open_window(filled=True)
    _add_partnerships(window)
    page = _open_list(qtbot, window, "partnership")
    page.reload()
    wait_idle(qtbot, window.context)
    header = page.table.horizontalHeader()
    for key in ("jurisdiction", "partner", "country"):
        number = _column(page, key)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            page.table.sortByColumn(number, order)
            wait_idle(qtbot, window.context)
            texts = _texts(page, number)
            assert len(texts) == 4
            assert texts == sorted(texts, reverse=order == Qt.SortOrder.DescendingOrder), key
    assert _texts(page, _column(page, "country"))[0] == "Mexico"
    for number, column in enumerate(page.model.columns()):
        assert column.sort_key is not None, column.header
        page.table.sortByColumn(number, Qt.SortOrder.DescendingOrder)
        wait_idle(qtbot, window.context)
        assert page.model.rowCount() == 4, column.header
        assert page.model.sorted_by() == (number, True)
        assert header.sortIndicatorSection() == number
    assert dialog_log.messages == []


def test_lists_of_records_that_belong_to_a_partnership_name_it(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    for kind_name in ("agreement", "activity", "participant", "oversight"):
        page = _open_list(qtbot, window, kind_name)
        number = _column(page, "partnership")
        assert not page.table.horizontalHeader().isSectionHidden(number), kind_name
        assert _texts(page, number) == ["Springfield, IL – Hefei"], kind_name
    page = _open_list(qtbot, window, "agreement")
    page.table.sortByColumn(_column(page, "partnership"), Qt.SortOrder.DescendingOrder)
    wait_idle(qtbot, window.context)
    assert page.model.rowCount() == 1


def test_cells_are_wide_enough_and_their_tooltip_holds_the_whole_text(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    long_title = ("Memorandum of understanding on youth exchanges " * 6).strip()
    records.create(
        window.context.database(), "agreement", {"partnership_id": window.ids["partnership"], "title": long_title}
    )
    page = _open_list(qtbot, window, "partnership")
    kind = _column(page, "kind")
    for number in (kind, _column(page, "jurisdiction"), _column(page, "partner")):
        widest = max(page.table.fontMetrics().horizontalAdvance(text) for text in _texts(page, number))
        assert page.table.columnWidth(number) > widest
    page = _open_list(qtbot, window, "agreement")
    title = _column(page, "title")
    tooltips = [str(page.model.index(row, title).data(Qt.ItemDataRole.ToolTipRole)) for row in range(2)]
    assert long_title in tooltips
    assert long_title.replace("\n", " ")[:200] in _texts(page, title)
    assert page.table.columnWidth(title) < page.table.fontMetrics().horizontalAdvance(long_title)


def test_a_rows_menu_offers_the_pages_actions(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_list(qtbot, window, "partnership")
    record = page.table.current_record()
    assert record is not None
    menu = page.row_menu(record)
    actions = {action.text(): action for action in menu.actions() if action.text()}
    assert {"Open", "Move to trash", "Attach files…"} <= set(actions)
    assert "New agreement for this partnership…" in actions
    actions["New agreement for this partnership…"].trigger()
    wait_idle(qtbot, window.context)
    agreements = window.stack.currentWidget()
    assert isinstance(agreements, RecordListPage) and agreements.kind.name == "agreement"
    assert agreements.detail.form.editors["partnership_id"].value() == record["id"]
    assert agreements.detail.isEnabled()

    policies = _open_list(qtbot, window, "policy")
    chosen = policies.table.current_record()
    assert chosen is not None and chosen["id"] == window.ids["policy"]
    menu = policies.row_menu(chosen)
    next(action for action in menu.actions() if action.text() == "Move to trash").trigger()
    wait_idle(qtbot, window.context)
    assert records.get(window.context.database(), "policy", chosen["id"])["deleted_at"]


def test_a_right_click_chooses_the_row_and_shows_its_menu(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_list(qtbot, window, "partnership")
    menus: list[list[str]] = []

    def read_and_close_the_menu() -> None:
        menu = QApplication.activePopupWidget()
        if menu is not None:
            menus.append([action.text() for action in menu.actions()])
            menu.close()

    for reason, row in ((QContextMenuEvent.Reason.Mouse, 1), (QContextMenuEvent.Reason.Keyboard, 1)):
        point = page.table.visualRect(page.model.index(row, 1)).center()
        QTimer.singleShot(200, read_and_close_the_menu)
        event = QContextMenuEvent(reason, point, page.table.viewport().mapToGlobal(point))
        QApplication.sendEvent(page.table.viewport(), event)
        record = page.model.record_at(row)
        assert record is not None and page.detail.record is not None
        assert page.detail.record["id"] == record["id"]
    assert len(menus) == 2
    assert all("Move to trash" in texts and "Open" in texts for texts in menus)


def test_a_list_is_exported_to_csv(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window(filled=True)
    page = _open_list(qtbot, window, "partnership")
    target = tmp_path / "partnerships.csv"
    page.export_csv_to(target)
    wait_idle(qtbot, window.context)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(int(row["id"]) for row in rows) == sorted(
        [window.ids["partnership"], window.ids["dormant_partnership"]]
    )
    assert {row["partner_name"] for row in rows} == {"Hefei", "Kumamoto"}


def test_a_list_prints_to_a_pdf_file(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window(filled=True)
    page = _open_list(qtbot, window, "agreement")
    target = tmp_path / "agreements.pdf"
    page.print_to_pdf(target)
    wait_idle(qtbot, window.context)
    text = " ".join(" ".join(pdf_page.extract_text().split()) for pdf_page in PdfReader(target).pages)
    assert "Sister city agreement" in text
    assert "IL – Hefei" in text  # "Springfield" is set with an "fi" ligature
    assert "Partnership" in text and "1994-05-01" in text


def test_an_empty_list_says_so_and_offers_the_first_record(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    page = _open_list(qtbot, window, "policy")
    assert page.showing_empty_state
    assert page.empty_label.text() == "No policy is recorded yet. Add the first one here."
    assert page.empty_new_button.isVisible()
    assert not page.delete_button.isEnabled()
    assert not page.detail.form.save_button.isEnabled() or not page.detail.isEnabled()
    page.empty_new_button.click()
    assert not page.showing_empty_state
    assert page.detail.isEnabled() and page.detail.record is None


def test_a_list_opens_on_its_first_record(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_list(qtbot, window, "policy")
    assert not page.showing_empty_state
    assert page.detail.record is not None and page.detail.record["id"] == window.ids["policy"]
    assert page.delete_button.isEnabled() and page.detail.isEnabled()


def test_home_says_when_no_partnership_has_a_review(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    home = window.show_page("home")
    wait_idle(qtbot, window.context)
    assert home.reviews.text() == "No partnership has a review on record."


def test_save_and_move_to_trash_act_only_on_a_record_chosen(qtbot: Any, open_window: Any) -> None:
    window = open_window()  # the home city only: no policy yet
    window.show_page("policy")
    wait_idle(qtbot, window.context)
    assert window.new_action.isEnabled()
    assert not window.save_action.isEnabled() and not window.delete_action.isEnabled()

    window.new_action.trigger()
    wait_idle(qtbot, window.context)
    assert window.save_action.isEnabled() and not window.delete_action.isEnabled()

    records.create(window.context.database(), "policy", {"kind": "procedure", "title": "Gift register"})
    window.show_page("partnership")
    window.show_page("policy")
    page = window.pages["policy"]
    page.open_record(1)
    wait_idle(qtbot, window.context)
    qtbot.waitUntil(lambda: page.detail.record is not None, timeout=5000)
    assert window.save_action.isEnabled() and window.delete_action.isEnabled()
