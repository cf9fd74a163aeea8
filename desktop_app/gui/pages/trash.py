"""The trash: records moved there by kind, restored with one click, or purged for good after a question."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.records import service as records
from ...core.records.kinds import kind_named
from ...core.records.plain import describe
from ...core.records.service import ListQuery
from ..context import AppContext
from ..dialogs import messages
from ..widgets.columns import columns_for
from ..widgets.icons import icon
from ..widgets.list_table import ListTable
from ..widgets.table_model import PagedTableModel
from .base import RecordlessPage

TRASH_KINDS = ("partnership", "agreement", "activity", "participant", "policy", "oversight", "inquiry", "response")


class TrashPage(QWidget, RecordlessPage):
    """One kind at a time, so each list keeps its own columns."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._started = False
        self.setAccessibleName("Trash page")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("Trash")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind of record in the trash")
        for name in TRASH_KINDS:
            self.kind_box.addItem(kind_named(name).plural.capitalize(), name)
        self.kind_box.currentIndexChanged.connect(lambda _index: self._kind_changed())
        top.addWidget(self.kind_box)
        top.addStretch(1)
        self.restore_button = QPushButton(icon("restore"), "Restore")
        self.restore_button.setAccessibleName("Restore the chosen record from the trash")
        self.restore_button.clicked.connect(self.restore_current)
        self.purge_button = QPushButton(icon("delete"), "Purge for good…")
        self.purge_button.setAccessibleName("Purge the chosen record for good")
        self.purge_button.clicked.connect(self.purge_current)
        top.addWidget(self.restore_button)
        top.addWidget(self.purge_button)
        layout.addLayout(top)
        note = QLabel("Records in the trash are kept until purged; purging is recorded in the audit trail.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder, 1)
        self.table: ListTable | None = None
        self.model: PagedTableModel | None = None
        context.ops.changed.connect(lambda _changes, _initiator: self.reload())
        self._kind_changed()

    @property
    def kind_name(self) -> str:
        return str(self.kind_box.currentData())

    def _kind_changed(self) -> None:
        if self.table is not None:
            self.table.setParent(None)
            self.table.deleteLater()
        self.model = PagedTableModel(self._context, columns_for(self.kind_name))
        self.table = ListTable(self.model, f"lists/trash-{self.kind_name}/header", "Records in the trash")
        self.table.record_selected.connect(lambda _record: self._update_buttons())
        self.holder.addWidget(self.table)
        self.reload()

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.reload()

    def reload(self) -> None:
        self._update_buttons()
        if not self._started or self.model is None:
            return
        kind_name = self.kind_name

        def page(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
            query = ListQuery(in_trash=True, offset=offset, limit=limit, order_by=order_by, descending=descending)
            return records.list_records(db, kind_name, query)

        self.model.set_source(page)

    def _update_buttons(self) -> None:
        chosen = self.table.current_record() if self.table is not None else None
        self.restore_button.setEnabled(chosen is not None)
        self.purge_button.setEnabled(chosen is not None)

    def restore_current(self) -> None:
        chosen = self.table.current_record() if self.table is not None else None
        if chosen is None:
            return
        kind_name = self.kind_name
        self._context.ops.restore_record(
            kind_name,
            chosen["id"],
            label="Restoring…",
            on_done=lambda record: self._say(f"Restored {kind_name} {record['id']}."),
        )

    def purge_current(self) -> None:
        chosen = self.table.current_record() if self.table is not None else None
        if chosen is None:
            return
        kind = kind_named(self.kind_name)
        question = (
            f"Purge {kind.label.lower()} {chosen['id']} ({describe(kind, chosen)}) for good? "
            "It cannot be restored afterwards; the audit trail keeps a note that it was purged."
        )
        if not messages.confirm(self, "Purge for good", question, "Purge"):
            return
        self._context.ops.purge_record(
            kind.name,
            chosen["id"],
            label="Purging…",
            on_done=lambda _none: self._say(f"Purged {kind.label.lower()} {chosen['id']}."),
        )

    def _say(self, message: str) -> None:
        self._context.runner.busy_changed.emit(message)
