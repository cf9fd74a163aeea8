"""The audit trail: every change, newest first, read a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.db.engine import Database
from ...core.records.audit import audit_page
from ...core.records.names import trail_word
from ...core.safekeeping.verify import verify_database
from ..context import AppContext
from ..widgets.list_table import ListTable
from ..widgets.table_model import Column, PagedTableModel, PageSource
from .base import RecordlessPage

ACTIONS = {
    "create": "Added",
    "update": "Changed",
    "trash": "Moved to trash",
    "restore": "Restored",
    "purge": "Purged",
    "status_change": "Status changed",
    "link": "File linked",
    "unlink": "File unlinked",
    "replace_content": "File content replaced",
    "declare_record": "Declared a record",
    "import": "Imported",
    "set_questions": "Questions set",
    "set_answers": "Answers written",
    "set_withheld": "Evidence withheld or included",
    "supersede": "Superseded",
    "issue": "Issued",
    "receive": "Package received",
    "termination_step": "Termination step recorded",
}
# A clerk's state-law rule is added, or withdrawn (the trail's "trash" of a rule).
RULE_ACTIONS = {"create": "State-law rule added", "trash": "State-law rule withdrawn"}


def _action(row: dict[str, Any]) -> str:
    action = str(row["action"])
    if row["record_kind"] == "law_rule" and action in RULE_ACTIONS:
        return RULE_ACTIONS[action]
    return ACTIONS.get(action, action)


def _record(row: dict[str, Any]) -> str:
    return str(row.get("record_name") or f"{trail_word(str(row['record_kind']))} {row['record_id'] or ''}".strip())


def named_audit_source(text: str) -> PageSource:
    """Pages of the trail filtered by ``text``, each event with the name of its record (read on the worker)."""

    def page(db: Database, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
        return audit_page(
            db,
            offset=offset,
            limit=limit,
            order_by=order_by or "seq",
            descending=descending,
            text=text,
            named=True,
        )

    return page


AUDIT_COLUMNS = [
    Column("seq", "No.", lambda row: str(row["seq"]), "seq"),
    Column("occurred_at", "When (UTC)", lambda row: str(row["occurred_at"])[:19].replace("T", " "), "occurred_at"),
    Column("actor", "Who", lambda row: str(row["actor"]), "actor"),
    Column("action", "What", _action, "action"),
    Column("record_kind", "Record", _record, "record_kind"),
    Column("hash", "Fingerprint", lambda row: str(row["hash"])[:16] + "…", None, hidden_by_default=True),
]


class AuditPage(QWidget, RecordlessPage):
    """Read-only; the check of the chain runs on the worker and says in words what it found."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._started = False
        self.setAccessibleName("Audit trail page")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("Audit trail")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.result = QLabel("Every change to the records, newest first. It cannot be edited.")
        self.result.setWordWrap(True)
        top.addWidget(self.result, 1)
        self.verify_button = QPushButton("Check the records")
        self.verify_button.setAccessibleName("Check the database and the audit trail")
        self.verify_button.clicked.connect(self.verify)
        top.addWidget(self.verify_button)
        layout.addLayout(top)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by who or what…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter the audit trail")
        self.filter.textChanged.connect(lambda _text: self.reload())
        layout.addWidget(self.filter)
        self.model = PagedTableModel(context, AUDIT_COLUMNS)
        self.table = ListTable(self.model, "lists/audit/header", "Audit trail", newest_first=True)
        layout.addWidget(self.table, 1)
        context.ops.changed.connect(self._changed)

    def activate(self) -> None:
        """Read afresh whenever the page is shown: other clerks' changes appear too."""
        self._started = True
        self.reload()

    def set_search_text(self, text: str) -> None:
        self.filter.setText(text)

    def reload(self) -> None:
        if not self._started:
            return
        self.model.set_source(named_audit_source(self.filter.text()))

    def _changed(self, _changes: object, _initiator: object) -> None:
        # Hidden, the page is read again when next shown (activate).
        if self._started and self.isVisible():
            self.reload()

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self._context.ops.query(
            verify_database, label="Checking the records…", on_done=self._verified, on_error=self._failed
        )

    def _verified(self, report: Any) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText(" ".join(report.lines()))

    def _failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self._context.runner.unhandled_error.emit(error)
