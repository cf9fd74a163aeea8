"""The table models: Qt's model tester on each, pages fetched lazily, sorting and filtering in the database."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from desktop_app.core.files.listing import attachments_page
from desktop_app.core.records import service as records
from desktop_app.core.records.audit import audit_page
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.gui.context import AppContext
from desktop_app.gui.pages.audit import AUDIT_COLUMNS
from desktop_app.gui.pages.files import FILE_COLUMNS
from desktop_app.gui.widgets.columns import columns_for
from desktop_app.gui.widgets.table_model import PAGE_SIZE, PagedTableModel

from .conftest import fill_records


def _policy_source(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
    query = records.ListQuery(offset=offset, limit=limit, order_by=order_by, descending=descending)
    return records.list_records(db, "policy", query)


def _many_policies(context: AppContext, count: int) -> None:
    from desktop_app.core.db import models

    with context.database().writing() as session:  # fast fixture rows; the window never writes like this
        session.add_all(
            models.Policy(kind="procedure", title=f"Policy {n:04d}", created_at="x", updated_at="x")
            for n in range(count)
        )


def test_every_record_model_passes_qt_model_tester(qtmodeltester: Any, sync_context: AppContext) -> None:
    fill_records(sync_context.database())
    for kind in ("partnership", "agreement", "activity", "participant", "policy", "oversight", "inquiry", "response"):

        def source(db: Any, offset: int, limit: int, order_by: str | None, descending: bool, kind: str = kind) -> Any:
            query = records.ListQuery(offset=offset, limit=limit, order_by=order_by, descending=descending)
            return records.list_records(db, kind, query)

        model = PagedTableModel(sync_context, columns_for(kind), source)
        model.fetchMore(QModelIndex())
        qtmodeltester.check(model, force_py=True)


def test_audit_and_file_models_pass_qt_model_tester(qtmodeltester: Any, sync_context: AppContext) -> None:
    fill_records(sync_context.database())
    audit = PagedTableModel(
        sync_context, AUDIT_COLUMNS, lambda db, o, n, ob, d: audit_page(db, offset=o, limit=n, descending=d)
    )
    audit.fetchMore(QModelIndex())
    assert audit.rowCount() > 5
    qtmodeltester.check(audit, force_py=True)
    files = PagedTableModel(sync_context, FILE_COLUMNS, lambda db, o, n, ob, d: attachments_page(db, offset=o, limit=n))
    files.fetchMore(QModelIndex())
    qtmodeltester.check(files, force_py=True)


def test_rows_arrive_a_page_at_a_time(sync_context: AppContext) -> None:
    _many_policies(sync_context, PAGE_SIZE * 2 + 17)
    asked: list[tuple[int, int]] = []

    def source(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
        asked.append((offset, limit))
        return _policy_source(db, offset, limit, order_by, descending)

    model = PagedTableModel(sync_context, columns_for("policy"), source)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == PAGE_SIZE
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == PAGE_SIZE * 2 + 17
    assert asked == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE), (PAGE_SIZE * 2, PAGE_SIZE)]
    assert inserted == [(0, PAGE_SIZE - 1), (PAGE_SIZE, PAGE_SIZE * 2 - 1), (PAGE_SIZE * 2, PAGE_SIZE * 2 + 16)]
    assert model.complete


def test_sorting_asks_the_database_again(sync_context: AppContext) -> None:
    _many_policies(sync_context, 30)
    model = PagedTableModel(sync_context, columns_for("policy"), _policy_source)
    model.fetchMore(QModelIndex())
    title_column = next(n for n, c in enumerate(model.columns()) if c.key == "title")
    model.sort(title_column, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, title_column)) == "Policy 0029"
    model.sort(title_column, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, title_column)) == "Policy 0000"


def test_a_late_page_from_an_old_query_is_dropped(sync_context: AppContext) -> None:
    set_home_jurisdiction(sync_context.database(), "Springfield", "IL")
    model = PagedTableModel(sync_context, columns_for("policy"), _policy_source)
    model.fetchMore(QModelIndex())
    model._arrived(model._generation - 1, [{"id": 99, "title": "stale"}])
    assert model.rowCount() == 0
