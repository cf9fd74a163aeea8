"""Lists of the records that belong to another one (a partnership's agreements, an activity's participants)."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.records import service as records
from ...core.records.kinds import kind_named
from ...core.records.service import ListQuery
from ..context import AppContext
from ..operations import Changes
from .columns import columns_for
from .icons import icon
from .list_table import ListTable
from .table_model import PagedTableModel


class Navigator(Protocol):
    """What the main window offers views for moving between records."""

    def open_record(self, kind_name: str, record_id: int) -> None: ...

    def new_record(self, kind_name: str, defaults: dict[str, Any]) -> None: ...


class RelatedList(QWidget):
    """The records of ``kind_name`` whose ``parent_field`` is the shown record; double-click opens one."""

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator,
        kind_name: str,
        parent_field: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self.kind = kind_named(kind_name)
        self._parent_field = parent_field
        self._parent_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.summary = QLabel()
        row.addWidget(self.summary, 1)
        self.new_button = QPushButton(icon("new"), f"New {self.kind.label.lower()}…")
        self.new_button.setAccessibleName(f"Add a new {self.kind.label.lower()} here")
        self.new_button.clicked.connect(self._new)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        self.model = PagedTableModel(context, columns_for(kind_name))
        self.table = ListTable(self.model, f"related/{kind_name}/header", f"{self.kind.plural.capitalize()} here")
        self.table.record_activated.connect(lambda record: navigator.open_record(self.kind.name, record["id"]))
        self.model.page_loaded.connect(self._loaded)
        layout.addWidget(self.table, 1)
        context.ops.changed.connect(self._changed)

    def show_for(self, parent_id: int | None) -> None:
        self._parent_id = parent_id
        self.new_button.setEnabled(parent_id is not None)
        if parent_id is None:
            self.model.set_source(None)
            self.summary.setText("")
            return
        kind_name, field = self.kind.name, self._parent_field

        def page(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
            query = ListQuery(
                filters={field: parent_id}, offset=offset, limit=limit, order_by=order_by, descending=descending
            )
            return records.list_records(db, kind_name, query)

        self.model.set_source(page)

    def _loaded(self, count: int) -> None:
        more = " (scroll for more)" if not self.model.complete else ""
        self.summary.setText(f"{count} {self.kind.plural if count != 1 else self.kind.label.lower()}{more}")

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(self.kind.name) and self._parent_id is not None:
            self.model.reload()

    def _new(self) -> None:
        if self._parent_id is not None:
            self._navigator.new_record(self.kind.name, {self._parent_field: self._parent_id})
