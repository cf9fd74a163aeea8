"""A table view over a paged model whose columns can be shown, hidden and resized, remembered between runs."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from .table_model import PagedTableModel, Row


class ListTable(QTableView):
    """Sorting asks the database; the header's layout is kept in the settings under ``settings_key``."""

    record_activated = Signal(dict)
    record_selected = Signal(object)  # the row's record, or None

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
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Click to sort; right-click to choose the columns.")
        self._restore_header()
        header.sectionResized.connect(self.save_header)
        header.sectionMoved.connect(self.save_header)
        header.sortIndicatorChanged.connect(self.save_header)
        self.setSortingEnabled(True)
        self.doubleClicked.connect(self._activated)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        model.modelReset.connect(lambda: self.record_selected.emit(None))

    def _restore_header(self) -> None:
        header = self.horizontalHeader()
        state = QSettings().value(self._settings_key)
        if state is not None and header.restoreState(state):
            return
        em = self.fontMetrics().horizontalAdvance("M")
        bold = header.fontMetrics()
        for number, column in enumerate(self.paged.columns()):
            header.setSectionHidden(number, column.hidden_by_default)
            wanted = bold.horizontalAdvance(column.header) + em * 3  # room for the sort arrow
            header.resizeSection(number, max(wanted, em * 4 if column.key in ("id", "seq") else em * 9))
        order = Qt.SortOrder.DescendingOrder if self._newest_first else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(0, order)

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
