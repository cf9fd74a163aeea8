"""One page per record kind: filter bar, a lazily filled table, and the chosen record's details beside it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...core.records import service as records
from ...core.records.kinds import kind_named
from ...core.records.parties import home_jurisdiction
from ..context import AppContext
from ..dialogs import messages
from ..live_updates import ELSEWHERE
from ..operations import Changes
from ..undo import TrashCommand
from ..widgets.columns import columns_for
from ..widgets.filter_bar import FilterBar
from ..widgets.icons import icon
from ..widgets.list_table import ListTable
from ..widgets.record_detail import RecordDetail
from ..widgets.related import Navigator
from ..widgets.table_model import PagedTableModel


@dataclass(frozen=True)
class _Place:
    """Where the clerk was in a list: the record chosen, the scroll position, how many rows were read."""

    record_id: int | None
    scroll: int
    rows: int


class RecordListPage(QWidget):
    """The list of one kind of record, filtered and sorted in the database; a Page that edits records."""

    def __init__(self, context: AppContext, navigator: Navigator, kind_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.kind = kind_named(kind_name)
        self._pending_select: int | None = None
        self._count: int | None = None
        self._place: _Place | None = None  # where the clerk was, while the list is read again after a change elsewhere
        self.setAccessibleName(f"{self.kind.plural.capitalize()} page")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.kind.plural.capitalize())
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(f"Number of {self.kind.plural}")
        top.addWidget(self.count_label, 1)
        self.new_button = QPushButton(icon("new"), f"New {self.kind.label.lower()}")
        self.new_button.setAccessibleName(f"Add a new {self.kind.label.lower()}")
        self.new_button.clicked.connect(lambda: self.new_record({}))
        self.delete_button = QPushButton(icon("trash"), "Move to trash")
        self.delete_button.setAccessibleName(f"Move the chosen {self.kind.label.lower()} to the trash")
        self.delete_button.clicked.connect(self.trash_current)
        self.columns_button = QPushButton("Columns…")
        self.columns_button.setAccessibleName("Choose the columns to show")
        top.addWidget(self.new_button)
        top.addWidget(self.delete_button)
        top.addWidget(self.columns_button)
        layout.addLayout(top)

        self.filters = FilterBar(context, kind_name)
        self.filters.changed.connect(self.reload)
        layout.addWidget(self.filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.model = PagedTableModel(context, columns_for(kind_name))
        self.table = ListTable(self.model, f"lists/{kind_name}/header", f"List of {self.kind.plural}")
        self.columns_button.clicked.connect(
            lambda: self.table.column_menu().exec(
                self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())
            )
        )
        self.table.record_selected.connect(self._selected)
        self.model.page_loaded.connect(self._page_loaded)
        self.detail = RecordDetail(context, navigator, kind_name)
        self.detail.saved.connect(self._saved)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        state = QSettings().value(f"lists/{kind_name}/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        else:
            em = self.fontMetrics().horizontalAdvance("M")
            self.splitter.setSizes([em * 50, em * 40])
        self.splitter.splitterMoved.connect(
            lambda *_args: QSettings().setValue(f"lists/{kind_name}/splitter", self.splitter.saveState())
        )
        layout.addWidget(self.splitter, 1)
        context.ops.changed.connect(self._changed)
        self._update_buttons()
        self._started = False

    # --- loading --------------------------------------------------------------------------------------------

    def activate(self) -> None:
        """Called when the page is shown: the first time, it reads the first page of rows."""
        if not self._started:
            self._started = True
            self.filters.refresh_countries()
            self.reload()

    def reload(self) -> None:
        if not self._started:
            return
        query = self.filters.query()
        kind_name = self.kind.name

        def page(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
            window = replace(query, offset=offset, limit=limit, order_by=order_by, descending=descending)
            return records.list_records(db, kind_name, window)

        self.model.set_source(page)
        self._context.ops.query(records.count_records, kind_name, query, label="Counting…", on_done=self._counted)

    def _counted(self, count: int) -> None:
        self._count = count
        self._page_loaded(self.model.rowCount())

    def _page_loaded(self, shown: int) -> None:
        if self._place is not None:
            self._return_to_place(self._place)
        if self._count is None:
            return
        noun = self.kind.label.lower() if self._count == 1 else self.kind.plural
        filtered = " matching the filters" if self._filtered() else ""
        more = f", {shown} read so far" if shown < self._count else ""
        self.count_label.setText(f"  {self._count:,} {noun}{filtered}{more}")
        if self._pending_select is not None and self.table.select_record(self._pending_select):
            self._pending_select = None

    def _filtered(self) -> bool:
        query = self.filters.query()
        return bool(query.filters or query.text.strip() or query.date_from or query.date_to)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if initiator is ELSEWHERE:
            self._changed_elsewhere(changes)
            return
        if changes.touches(self.kind.name) and self._started:
            current = self.detail.record
            if current is not None:
                self._pending_select = current["id"]
            self.reload()
        if changes.touches("partnership") and self._started:
            self.filters.refresh_countries()

    def _changed_elsewhere(self, changes: Changes) -> None:
        """Reads the list again, keeping the clerk's place (the rows read, the chosen row, the scroll position) and
        the form's unsaved edits; the record shown is read afresh."""
        if not self._started:
            return
        if changes.touches("partnership"):
            self.filters.refresh_countries()
        if not changes.touches(self.kind.name):
            return
        if self._place is None:  # else the list is still being read again, and the place is the one kept then
            current = self.detail.record
            self._place = _Place(
                current["id"] if current is not None else None,
                self.table.verticalScrollBar().value(),
                self.model.rowCount(),
            )
        self.reload()

    def _return_to_place(self, place: _Place) -> None:
        """Once the rows read before are read again: the same row chosen, the same scroll position."""
        if self.model.loading:
            return
        if self.model.rowCount() < place.rows and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
            return
        self._place = None
        if place.record_id is not None:
            # The form is not filled from the row: it keeps its edits (see RecordDetail.show_changed_elsewhere).
            self.table.blockSignals(True)
            self.table.select_record(place.record_id)
            self.table.blockSignals(False)
            self._context.ops.query(
                records.get,
                self.kind.name,
                place.record_id,
                label="Reading the record…",
                on_done=self.detail.show_changed_elsewhere,
                on_error=lambda _error: None,  # gone (purged) meanwhile: the form keeps what it shows
            )
        # After the view has laid out the rows again, or the scroll bar's range is still the empty list's.
        QTimer.singleShot(0, self, lambda: self.table.verticalScrollBar().setValue(place.scroll))

    def edits_records(self) -> bool:
        return True

    # --- choosing -------------------------------------------------------------------------------------------

    def _selected(self, record: dict[str, Any] | None) -> None:
        current = self.detail.record
        moving_away = record is not None and (current is None or current["id"] != record["id"])
        if moving_away and self.detail.form.dirty and not self.may_discard_changes():
            if current is not None:
                self.table.blockSignals(True)
                self.table.select_record(current["id"])
                self.table.blockSignals(False)
            return
        if record is not None:
            self.detail.show_record(record)
        self._update_buttons()

    def may_discard_changes(self) -> bool:
        """True when the form holds nothing unsaved, or the clerk agrees to lose it."""
        if not self.detail.form.dirty:
            return True
        question = f"The {self.kind.label.lower()} shown has changes that are not saved. Leave it without saving them?"
        return messages.confirm(self, "Changes not saved", question, "Leave without saving")

    def _saved(self, record: dict[str, Any]) -> None:
        self._pending_select = record["id"]
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.detail.record is not None)

    def open_record(self, record_id: int) -> None:
        """Shows one record (read afresh), and selects it in the list when it is among the rows read."""
        self.activate()
        current = self.detail.record
        if (current is None or current["id"] != record_id) and not self.may_discard_changes():
            return
        self._pending_select = record_id
        if self.table.select_record(record_id):
            self._pending_select = None
        self._context.ops.query(
            records.get, self.kind.name, record_id, label="Reading the record…", on_done=self.detail.show_record
        )

    def new_record(self, defaults: dict[str, Any]) -> None:
        self.activate()
        if not self.may_discard_changes():
            return
        self.table.clearSelection()
        self.detail.start_new(defaults)
        if self.kind.name == "partnership" and "jurisdiction_id" not in defaults:
            self._context.ops.query(home_jurisdiction, label="Reading the jurisdiction…", on_done=self._home_default)
        self._update_buttons()
        first = next(iter(self.detail.form.editors.values()))
        first.focus_widget().setFocus()

    def _home_default(self, home: dict[str, Any] | None) -> None:
        form = self.detail.form
        if home is not None and form.record is None and form.editors["jurisdiction_id"].value() is None:
            form.editors["jurisdiction_id"].set_value(home["id"])

    def set_search_text(self, text: str) -> None:
        self.activate()
        self.filters.set_text(text)

    def save_current(self) -> None:
        self.detail.setCurrentIndex(0)
        self.detail.form.save()

    def trash_current(self) -> None:
        record = self.detail.record
        if record is None:
            return
        kind_name, record_id = self.kind.name, record["id"]

        def done(_result: Any) -> None:
            self._context.undo_stack.push(
                TrashCommand(
                    self._context, kind_name, record_id, f"move {self.kind.label.lower()} {record_id} to trash"
                )
            )
            self._context.runner.busy_changed.emit(
                f"Moved {self.kind.label.lower()} {record_id} to the trash (Undo brings it back).",
            )
            self.detail.start_new()
            self._update_buttons()

        self._context.ops.trash_record(kind_name, record_id, label="Moving to the trash…", on_done=done)
