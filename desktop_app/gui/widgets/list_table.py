"""A table view over a paged model whose columns can be shown, hidden and resized, remembered between runs."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QToolTip,
    QWidget,
)

from .table_model import PagedTableModel, Row


class SortArrowStyle(QProxyStyle):
    """The header's sort arrow points up for an ascending order and down for a descending one, as in most programs
    (Qt's own styles draw them the other way round)."""

    FLIPPED: ClassVar[dict[QStyleOptionHeader.SortIndicator, QStyleOptionHeader.SortIndicator]] = {
        QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
        QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp,
    }

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = self.FLIPPED.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


_sort_arrow_style: SortArrowStyle | None = None


def sort_arrow_style() -> SortArrowStyle:
    """One for every header, made once over a style of the application's kind (it lives as long as the program)."""
    global _sort_arrow_style
    if _sort_arrow_style is None:
        application_style = QApplication.style()
        _sort_arrow_style = SortArrowStyle(application_style.name() if application_style is not None else "fusion")
    return _sort_arrow_style


class ListTable(QTableView):
    """Sorting asks the database; the header's layout is kept in the settings under ``settings_key``."""

    record_activated = Signal(dict)
    record_selected = Signal(object)  # the row's record, or None
    row_menu_requested = Signal(dict, QPoint)  # the record right-clicked (now chosen), where on the screen

    # Widest a column grows when fitted to its content, in widths of "M": the rest shows in the tooltip.
    WIDEST_COLUMN = 28

    def __init__(
        self,
        model: PagedTableModel,
        settings_key: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        newest_first: bool = False,
    ) -> None:
        super().__init__(parent)
        self._newest_first = newest_first
        self.paged = model
        self._settings_key = settings_key
        self.setModel(model)
        self.setAccessibleName(accessible_name)
        # Tab leaves the list, as it leaves every control; the arrows move between rows.
        self.setTabKeyNavigation(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setStyle(sort_arrow_style())
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Click to sort; right-click to choose the columns.")
        self._fitted = self._restore_header()
        header.sectionResized.connect(self.save_header)
        header.sectionMoved.connect(self.save_header)
        header.sortIndicatorChanged.connect(self._sort_chosen)
        self.setSortingEnabled(True)
        self.doubleClicked.connect(self._activated)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        model.modelReset.connect(lambda: self.record_selected.emit(None))
        model.page_loaded.connect(self._page_loaded)

    def _restore_header(self) -> bool:
        """The header as the clerk left it (True), or the columns' default widths and order (False)."""
        header = self.horizontalHeader()
        state = QSettings().value(self._settings_key)
        if state is not None and header.restoreState(state):
            return True
        em = self.fontMetrics().horizontalAdvance("M")
        bold = header.fontMetrics()
        for number, column in enumerate(self.paged.columns()):
            header.setSectionHidden(number, column.hidden_by_default)
            wanted = bold.horizontalAdvance(column.header) + em * 3  # room for the sort arrow
            header.resizeSection(number, max(wanted, em * 4 if column.key in ("id", "seq") else em * 9))
        order = Qt.SortOrder.DescendingOrder if self._newest_first else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(0, order)
        return False

    def _sort_chosen(self, section: int, _order: Qt.SortOrder) -> None:
        """The arrow stays on the column the rows are sorted by: a column that cannot be sorted does not take it."""
        columns = self.paged.columns()
        if 0 <= section < len(columns) and columns[section].sort_key is None:
            sorted_by = self.paged.sorted_by()
            if sorted_by is not None:
                order = Qt.SortOrder.DescendingOrder if sorted_by[1] else Qt.SortOrder.AscendingOrder
                self.horizontalHeader().setSortIndicator(sorted_by[0], order)
            return
        self.save_header()

    def _page_loaded(self, rows: int) -> None:
        if not self._fitted and rows:
            self._fitted = True
            self.fit_columns()

    def fit_columns(self) -> None:
        """Each shown column as wide as its header and the rows read so far need, up to WIDEST_COLUMN."""
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        em = metrics.horizontalAdvance("M")
        sample = min(self.paged.rowCount(), 100)
        for number, column in enumerate(self.paged.columns()):
            if header.isSectionHidden(number):
                continue
            texts = (str(self.paged.index(row, number).data() or "") for row in range(sample))
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0) + em * 2
            wanted = header.fontMetrics().horizontalAdvance(column.header) + em * 3  # room for the sort arrow
            header.resizeSection(number, min(max(wanted, widest), em * self.WIDEST_COLUMN))
        self.save_header()

    def viewportEvent(self, event: QEvent) -> bool:
        """A cell's tooltip (its whole text) only where the column cuts the text off."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.indexAt(event.pos())
            if index.isValid():
                shown = str(index.data() or "")
                room = self.columnWidth(index.column()) - self.fontMetrics().horizontalAdvance("M")
                if self.fontMetrics().horizontalAdvance(shown) <= room and "\n" not in str(
                    index.data(Qt.ItemDataRole.ToolTipRole) or ""
                ):
                    QToolTip.hideText()
                    return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right-click offers the menu of the row under the pointer; the menu key, that of the chosen row."""
        position = event.pos()  # in the viewport's coordinates
        index = self.indexAt(position)
        if event.reason() != QContextMenuEvent.Reason.Mouse:
            index = self.currentIndex()
            position = self.visualRect(index).center()
        record = self.paged.record_at(index.row()) if index.isValid() else None
        if record is None:
            return
        self.selectRow(index.row())
        self.row_menu_requested.emit(record, self.viewport().mapToGlobal(position))

    def save_header(self) -> None:
        QSettings().setValue(self._settings_key, self.horizontalHeader().saveState())

    def _header_menu(self, position: QPoint) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(position))

    def column_menu(self) -> QMenu:
        header = self.horizontalHeader()
        menu = QMenu(self)
        menu.setAccessibleName("Columns to show")
        for number, column in enumerate(self.paged.columns()):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(number))
            action.toggled.connect(lambda shown, n=number: self.set_column_shown(n, shown))
        return menu

    def set_column_shown(self, number: int, shown: bool) -> None:
        header = self.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep at least one column
        header.setSectionHidden(number, not shown)
        self.save_header()

    def current_record(self) -> Row | None:
        index = self.currentIndex()
        return self.paged.record_at(index.row()) if index.isValid() else None

    def select_record(self, record_id: int) -> bool:
        row = self.paged.row_of(record_id)
        if row < 0:
            return False
        self.selectRow(row)
        self.scrollTo(self.paged.index(row, 0))
        return True

    def _activated(self) -> None:
        record = self.current_record()
        if record is not None:
            self.record_activated.emit(record)

    def _current_changed(self) -> None:
        self.record_selected.emit(self.current_record())
