"""The trash: every kind of record in one list, the last trashed first, restored with one click or purged after a
question; and the question asked before trashing a record that others use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.records.kinds import KINDS, Kind
from ...core.records.plain import describe
from ...core.records.trash_rules import dependents, dependents_phrase, trashed_records
from ..context import AppContext
from ..dialogs import messages
from ..widgets.icons import icon
from ..widgets.list_table import ListTable
from ..widgets.table_model import Column, PagedTableModel, PageSource, Row
from .base import RecordlessPage

# Kinds whose records other records name as their side: trashing one asks first when any live record uses it.
ASKED_BEFORE_TRASHING = ("jurisdiction", "partner")


def _trashed_when(row: Row) -> str:
    """'2026-03-02 10:02 UTC' from the stored ISO time."""
    when = str(row.get("deleted_at") or "")
    return f"{when[:10]} {when[11:16]} UTC" if len(when) >= 16 else when


TRASH_COLUMNS = [
    Column("deleted_at", "Moved to the trash", _trashed_when),
    Column("kind", "Kind", lambda row: str(row.get("kind_label", ""))),
    Column("id", "No.", lambda row: str(row.get("id", ""))),
    Column("description", "Record", lambda row: str(row.get("description", ""))),
]


class TrashPage(QWidget, RecordlessPage):
    """One list of everything in the trash, whatever its kind, so a clerk need not know where to look."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._started = False
        self.setAccessibleName("Trash page")
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_row())
        note = QLabel(
            "Everything moved to the trash, the last first. Records in the trash are kept until purged; "
            "purging is recorded in the audit trail."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.model = PagedTableModel(self._context, TRASH_COLUMNS)
        self.table = ListTable(self.model, "lists/trash/header", "Records in the trash")
        self._show_fixed_order()
        self.table.record_selected.connect(lambda _record: self._update_buttons())
        layout.addWidget(self.table, 1)
        context.ops.changed.connect(lambda _changes, _initiator: self.reload())
        self._update_buttons()

    def _show_fixed_order(self) -> None:
        """The trash is always read the last trashed first: the header says so and offers no other order."""
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.setToolTip("The last moved to the trash comes first; right-click to choose the columns.")

    def _top_row(self) -> QHBoxLayout:
        top = QHBoxLayout()
        title = QLabel("Trash")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Kind of record shown from the trash")
        self.kind_box.addItem("Every kind", None)
        for kind in KINDS:
            self.kind_box.addItem(kind.plural.capitalize(), kind.name)
        self.kind_box.currentIndexChanged.connect(lambda _index: self.reload())
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
        return top

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.reload()

    def reload(self) -> None:
        self._update_buttons()
        if self._started:
            self.model.set_source(_newest_first(self.kind_box.currentData()))

    def _chosen(self) -> Row | None:
        return self.table.current_record()

    def _update_buttons(self) -> None:
        chosen = self._chosen()
        self.restore_button.setEnabled(chosen is not None)
        self.purge_button.setEnabled(chosen is not None)

    def restore_current(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        named = _named(chosen)
        self._context.ops.restore_record(
            chosen["record_kind"],
            chosen["id"],
            label="Restoring…",
            on_done=lambda _record: self._say(f"Restored {named}."),
        )

    def purge_current(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        named = _named(chosen)
        question = (
            f"Purge {named} for good? It cannot be restored afterwards; "
            "the audit trail keeps a note that it was purged."
        )
        if not messages.confirm(self, "Purge for good", question, "Purge"):
            return
        self._context.ops.purge_record(
            chosen["record_kind"],
            chosen["id"],
            label="Purging…",
            on_done=lambda _none: self._say(f"Purged {named} for good."),
        )

    def _say(self, message: str) -> None:
        self._context.runner.busy_changed.emit(message)


def _newest_first(kind_name: str | None) -> PageSource:
    """The trash's rows (of one kind, or of every kind when None), the last trashed first whatever the header."""

    def page(db: Any, offset: int, limit: int, _order_by: str | None, _descending: bool) -> list[Row]:
        return trashed_records(db, offset, limit, kind_name)

    return page


def _named(row: Row) -> str:
    """'partnership 3 (Akron, OH – Xi'an, China)'."""
    return f"{str(row['kind_label']).lower()} {row['id']} ({row['description']})"


def trash_after_asking(
    context: AppContext, parent: QWidget, kind: Kind, record: Row, trash: Callable[[], object]
) -> None:
    """Calls ``trash()`` at once, or, for a jurisdiction or partner community that records outside the trash use,
    once the clerk has been told what uses it and still wants it trashed."""
    if kind.name not in ASKED_BEFORE_TRASHING or record.get("is_home"):
        trash()  # the clerk's own jurisdiction: core refuses it with its own sentence, nothing to ask
        return

    def counted(counts: dict[str, int]) -> None:
        if not counts or messages.confirm(
            parent, "Records use it", dependents_question(counts, describe(kind, record)), "Move to the trash"
        ):
            trash()

    context.ops.query(dependents, kind.name, record["id"], label="Looking for records that use it…", on_done=counted)


def dependents_question(counts: dict[str, int], name: str) -> str:
    """'3 partnerships and 1 agreement use Xi'an; move it to the trash anyway?'"""
    verb = "uses" if list(counts.values()) == [1] else "use"
    return (
        f"{dependents_phrase(counts)} {verb} {name}; move it to the trash anyway? "
        "They stay as they are, and the Trash page can bring it back."
    )
