"""A list exported to CSV from the window holds exactly the rows the list shows, filters and order included."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core.records import service as records
from desktop_app.gui.pages.record_list import RecordListPage

from .conftest import wait_idle


def _more_agreements(window: Any) -> None:
    db, ids = window.context.database(), window.ids
    for title, partnership, kind in (
        ("Friendship memorandum", "dormant_partnership", "mou"),
        ("Renewal of the sister city agreement", "partnership", "renewal"),
        ("Youth exchange memorandum", "partnership", "mou"),
    ):
        records.create(db, "agreement", {"partnership_id": ids[partnership], "title": title, "kind": kind})


def _filtered(qtbot: Any, window: Any, page: RecordListPage, text: str) -> None:
    page.filters.set_text(text)
    qtbot.waitUntil(lambda: page.filters.query().text == text)
    qtbot.wait(400)  # the filter waits for the typing to pause
    wait_idle(qtbot, window.context)


def _shown_ids(page: RecordListPage) -> list[int]:
    while page.model.canFetchMore(page.model.index(0, 0).parent()):
        page.model.fetchMore(page.model.index(0, 0).parent())
    return [int(page.model.record_at(row)["id"]) for row in range(page.model.rowCount())]  # type: ignore[index]


def _exported_ids(qtbot: Any, window: Any, page: RecordListPage, target: Path) -> list[int]:
    page.export_csv_to(target)
    wait_idle(qtbot, window.context)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return [int(row["id"]) for row in csv.DictReader(handle)]


def test_the_exported_rows_are_the_rows_the_filtered_list_shows(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window(filled=True)
    _more_agreements(window)
    page = window.show_page("agreement")
    wait_idle(qtbot, window.context)
    assert isinstance(page, RecordListPage)
    assert len(_exported_ids(qtbot, window, page, tmp_path / "all.csv")) == 4

    _filtered(qtbot, window, page, "Kumamoto")  # the partnership's partner community
    shown = _shown_ids(page)
    assert len(shown) == 1
    assert _exported_ids(qtbot, window, page, tmp_path / "kumamoto.csv") == shown

    _filtered(qtbot, window, page, "memorandum")
    shown = _shown_ids(page)
    assert len(shown) == 2
    assert _exported_ids(qtbot, window, page, tmp_path / "memoranda.csv") == shown

    kind = page.filters.combos["kind"]
    kind.setCurrentIndex(kind.findData("mou"))
    _filtered(qtbot, window, page, "Hefei")
    shown = _shown_ids(page)
    assert len(shown) == 1
    assert _exported_ids(qtbot, window, page, tmp_path / "hefei-mou.csv") == shown


def test_the_export_keeps_the_order_the_list_is_sorted_in(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    window = open_window(filled=True)
    _more_agreements(window)
    page = window.show_page("agreement")
    wait_idle(qtbot, window.context)
    assert isinstance(page, RecordListPage)
    title = next(n for n, column in enumerate(page.model.columns()) if column.sort_key == "title")
    page.table.sortByColumn(title, Qt.SortOrder.DescendingOrder)
    wait_idle(qtbot, window.context)
    shown = _shown_ids(page)
    assert len(shown) == 4
    assert _exported_ids(qtbot, window, page, tmp_path / "sorted.csv") == shown
