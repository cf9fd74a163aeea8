"""The dialog that changes a partnership's status, asking for its date, reason, legal basis and evidence."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.clock import today
from ...core.errors import ValidationError
from ...core.files.attachments import list_attachments
from ...core.files.names import display_name
from ...core.records.kinds import kind_named
from ...core.records.plain import describe
from ..context import AppContext
from ..widgets.field_editors import ProblemLabel
from .date_fields import FittingProblemLabel, checked_date, date_editor


class StatusChangeDialog(QDialog):
    """Records a status change through core; its problems show beside the fields and the dialog stays open."""

    def __init__(self, context: AppContext, partnership: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._partnership = partnership
        self.result_record: dict[str, Any] | None = None
        self.setWindowTitle("Change the partnership's status")
        layout = QVBoxLayout(self)
        current = vocab.label(vocab.PARTNERSHIP_STATUSES, partnership.get("status"))
        intro = QLabel(
            f"{describe(kind_named('partnership'), partnership)}\n"
            f"Its status is now: {current}. The change is kept in its status history."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.status = QComboBox()
        self.status.setAccessibleName("New status")
        for value, label in vocab.PARTNERSHIP_STATUSES.items():
            if value != partnership.get("status"):
                self.status.addItem(label, value)
        self.changed_on = date_editor("changed_on", "Date of the status change", required=True, shown=today())
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the status change")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.legal_basis = QLineEdit()
        self.legal_basis.setPlaceholderText("e.g. Tex. Gov't Code ch. 795, or Council Resolution 2024-17")
        self.legal_basis.setAccessibleName("Legal basis of the status change")
        self.evidence = QComboBox()
        self.evidence.setAccessibleName("Evidence: a file kept with the partnership")
        self.evidence.addItem("(no file)", None)
        self.problems: dict[str, ProblemLabel] = {}
        for name, label, widget in (
            ("status", "New status", self.status),
            ("changed_on", "Date", self.changed_on),
            ("reason", "Reason*", self.reason),
            ("legal_basis", "Legal basis", self.legal_basis),
            ("evidence_attachment_id", "Evidence", self.evidence),
        ):
            problem = FittingProblemLabel()
            self.problems[name] = problem
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.addWidget(widget)
            cell_layout.addWidget(problem)
            label_widget = QLabel(label)
            label_widget.setBuddy(widget)
            form.addRow(label_widget, cell)
        layout.addLayout(form)
        note = QLabel("To use a document as evidence, attach it to the partnership first (Files tab).")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel the status change")
        self.record_button = self.buttons.addButton("Record the change", QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setAccessibleName("Record the status change")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        context.ops.query(
            list_attachments,
            "partnership",
            partnership["id"],
            include_superseded=False,
            label="Reading the files…",
            on_done=self._files,
        )

    def _files(self, files: list[dict[str, Any]]) -> None:
        for attachment in files:
            self.evidence.addItem(
                f"{display_name(attachment['title'])} ({attachment['display_name']})", attachment["id"]
            )

    def submit(self) -> None:
        for problem in self.problems.values():
            problem.show_problem("")
        changed_on = checked_date(
            self.changed_on, self.problems["changed_on"], "Give the date of the status change, e.g. 3/14/2025."
        )
        if changed_on is None:
            return
        self.record_button.setEnabled(False)
        details = {
            "changed_on": changed_on,
            "reason": self.reason.toPlainText(),
            "legal_basis": self.legal_basis.text(),
            "evidence_attachment_id": self.evidence.currentData(),
        }
        self._context.ops.change_status(
            self._partnership["id"],
            self.status.currentData(),
            details,
            label="Recording the status change…",
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, record: dict[str, Any]) -> None:
        self.result_record = record
        self._context.runner.busy_changed.emit(
            f"Partnership {record['id']} is now {vocab.label(vocab.PARTNERSHIP_STATUSES, record['status']).lower()}.",
        )
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.record_button.setEnabled(True)
        if isinstance(error, ValidationError):
            for name, problem in error.problems.items():
                self.problems.get(name, self.problems["status"]).show_problem(problem)
            return
        self._context.runner.unhandled_error.emit(error)
