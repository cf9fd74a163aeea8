"""A table model that asks the database for one page of rows at a time, sorted and filtered there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..context import AppContext

PAGE_SIZE = 200

Row = dict[str, Any]
# (db, offset, limit, order_by, descending) -> rows
PageSource = Callable[[Any, int, int, str | None, bool], list[Row]]


def text_filtered_source(listing: Callable[..., list[Row]], default_order: str, text: str) -> PageSource:
    """A page source over one of core's listing functions, filtered in the database by the text a clerk typed."""

    def page(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[Row]:
        return listing(
            db, offset=offset, limit=limit, order_by=order_by or default_order, descending=descending, text=text
        )

    return page


Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: the row key it sorts by (None when it cannot be sorted), its header and how it shows a row."""

    key: str
    header: str
    show: Callable[[Row], str]
    sort_key: str | None = None
    hidden_by_default: bool = False


class PagedTableModel(QAbstractTableModel):
    """Rows arrive lazily (canFetchMore/fetchMore) from the background worker, a page at a time."""

    loading_changed = Signal(bool)
    page_loaded = Signal(int)  # rows now held

    def __init__(self, context: AppContext, columns: list[Column], source: PageSource | None = None) -> None:
        super().__init__()
        self._context = context
        self._columns = columns
        self._source = source
        self._rows: list[Row] = []
        self._exhausted = source is None
        self._loading = False
        self._generation = 0
        self._order_by: str | None = None
        self._descending = False

    # --- what views ask -------------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return list(self._columns)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self._columns):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._columns[index.column()].show(row)
            if role == Qt.ItemDataRole.DisplayRole:
                return text.replace("\n", " ")[:200]
            return text or None  # the whole text, whatever the column's width cuts off
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id", row.get("seq"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or self._loading or self._source is None:
            return
        self._set_loading(True)
        generation = self._generation
        self._context.ops.query(
            self._source,
            len(self._rows),
            PAGE_SIZE,
            self._order_by,
            self._descending,
            label="Reading the records…",
            on_done=lambda rows: self._arrived(generation, rows),
            on_error=lambda error: self._failed(generation, error),
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or self._columns[column].sort_key is None:
            return
        order_by = self._columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) != (self._order_by, self._descending):
            self._order_by, self._descending = order_by, descending
            self.reload()

    # --- what the program asks ------------------------------------------------------------------------------

    def sorted_by(self) -> tuple[int, bool] | None:
        """The column the rows are sorted by and whether newest/last first; None before any sort."""
        for number, column in enumerate(self._columns):
            if column.sort_key is not None and column.sort_key == self._order_by:
                return number, self._descending
        return None

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def complete(self) -> bool:
        return self._exhausted and not self._loading

    def record_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        for number, row in enumerate(self._rows):
            if row.get("id") == record_id:
                return number
        return -1

    def set_source(self, source: PageSource | None) -> None:
        self._source = source
        self.reload()

    def reload(self) -> None:
        """Forgets the rows held and asks again from the first page (after a filter, a sort or a change)."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._exhausted = self._source is None
        self._set_loading(False)
        self.endResetModel()
        self.fetchMore(QModelIndex())

    # --- arrivals -------------------------------------------------------------------------------------------

    def _arrived(self, generation: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        if len(rows) < PAGE_SIZE:
            self._exhausted = True
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit(len(self._rows))

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self._exhausted = True
        self._context.runner.unhandled_error.emit(error)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)
