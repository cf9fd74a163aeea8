"""The audit trail page: it names the records, reads itself again when shown and after a change, and its sort
arrow is on the column the events are sorted by."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core.records import service as records
from desktop_app.gui.pages.audit import ACTIONS, AuditPage

from .conftest import wait_idle


def _open_audit(qtbot: Any, window: Any) -> AuditPage:
    page = window.show_page("audit")
    wait_idle(qtbot, window.context)
    assert isinstance(page, AuditPage)
    return page


def _records_column(page: AuditPage) -> list[str]:
    number = next(n for n, column in enumerate(page.model.columns()) if column.key == "record_kind")
    return [str(page.model.index(row, number).data()) for row in range(page.model.rowCount())]


def test_the_trail_names_each_record(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_audit(qtbot, window)
    names = _records_column(page)
    ids = window.ids
    assert f"Springfield, IL – Hefei (partnership {ids['partnership']})" in names
    assert f"Springfield, IL – Kumamoto (partnership {ids['dormant_partnership']})" in names
    assert f"Sister city agreement (agreement {ids['agreement']})" in names
    assert f"Code of conduct for exchanges (policy {ids['policy']})" in names
    assert "Springfield, IL (jurisdiction" in " ".join(names)
    assert not any(name.startswith("partnership ") for name in names)


def test_the_trail_is_read_again_when_shown_and_after_a_change(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_audit(qtbot, window)
    before = page.model.rowCount()
    window.show_page("home")
    wait_idle(qtbot, window.context)
    # Entered by another clerk: this window hears of it only by looking again.
    added = records.create(window.context.database(), "policy", {"kind": "procedure", "title": "Gift register"})
    page = _open_audit(qtbot, window)
    assert page.model.rowCount() == before + 1
    assert _records_column(page)[0] == f"Gift register (policy {added['id']})"

    window.context.ops.trash_record("policy", added["id"], label="Moving to the trash…")
    wait_idle(qtbot, window.context)
    assert page.model.rowCount() == before + 2
    assert str(page.model.index(0, 3).data()) == "Moved to trash"


def test_the_sort_arrow_is_on_the_column_sorted_by(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    page = _open_audit(qtbot, window)
    header = page.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (0, Qt.SortOrder.DescendingOrder)
    assert page.model.sorted_by() == (0, True)
    numbers = [int(page.model.index(row, 0).data()) for row in range(page.model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)

    fingerprint = next(n for n, column in enumerate(page.model.columns()) if column.key == "hash")
    page.table.set_column_shown(fingerprint, True)
    page.table.sortByColumn(fingerprint, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, window.context)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (0, Qt.SortOrder.DescendingOrder)

    page.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, window.context)
    assert page.model.sorted_by() == (2, False) == (header.sortIndicatorSection(), False)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


def test_every_action_the_program_writes_has_words_on_the_page() -> None:
    core = Path(__file__).resolve().parents[2] / "desktop_app" / "core"
    written: set[str] = set()
    for source in core.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        written.update(re.findall(r'action="([a-z_]+)"', text))
        written.update(re.findall(r'_event\(actor, "([a-z_]+)"', text))
    assert {"create", "update", "set_answers", "unlink"} <= written
    assert written <= set(ACTIONS), sorted(written - set(ACTIONS))
