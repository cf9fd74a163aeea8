"""A form for any record kind, built from core's field descriptions, with core's validation shown beside each field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.errors import RecordConflict, ValidationError
from ...core.records.fields import parse_value
from ...core.records.kinds import Kind, kind_named
from ...core.records.plain import describe
from ..context import AppContext
from ..dialogs.record_conflict import RecordConflictDialog, conflicting_fields
from ..undo import CreateCommand, EditCommand
from .field_editors import FieldEditor, ProblemLabel, make_editor
from .icons import icon

CHANGED_ELSEWHERE = "This record was changed by someone else; your edits are kept — saving may show a conflict."


class RecordForm(QWidget):
    """Edits one record (or a new one); saving goes through core on the worker and onto the undo history."""

    saved = Signal(dict)

    def __init__(self, context: AppContext, kind_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.kind = kind_named(kind_name)
        self.record: dict[str, Any] | None = None
        self._loaded: dict[str, Any] = {}
        self._dirty = False
        # The version of the record the editors were filled from: a save over any later version is refused.
        self.shown_version: int | None = None
        self.conflict_dialog: RecordConflictDialog | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.problems: dict[str, ProblemLabel] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.heading)
        self.general_problem = ProblemLabel()
        outer.addWidget(self.general_problem)
        self.authors = QLabel()
        self.authors.setWordWrap(True)
        self.authors.setAccessibleName("Who entered and last changed this record")
        self.authors.hide()
        outer.addWidget(self.authors)
        self.elsewhere_note = QLabel(CHANGED_ELSEWHERE)
        self.elsewhere_note.setWordWrap(True)
        self.elsewhere_note.setAccessibleName(CHANGED_ELSEWHERE)
        self.elsewhere_note.hide()
        outer.addWidget(self.elsewhere_note)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.form = QFormLayout()
        body_layout.addLayout(self.form)
        body_layout.addStretch(1)  # room left over goes below the fields, not between them
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field in self.kind.fields:
            editor = make_editor(field, context)
            editor.edited.connect(self._mark_dirty)
            problem = ProblemLabel()
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor)
            cell_layout.addWidget(problem)
            label_text = "" if field.type == "bool" else field.label + ("*" if field.required else "")
            label = QLabel(label_text)
            label.setBuddy(editor.focus_widget())
            self.form.addRow(label, cell)
            self.editors[field.name] = editor
            self.problems[field.name] = problem
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = self.button_row = QHBoxLayout()
        self.required_note = QLabel("* required")
        buttons.addWidget(self.required_note)
        buttons.addStretch(1)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setAccessibleName("Revert the changes not yet saved")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(icon("save"), "Save")
        self.save_button.setAccessibleName(f"Save the {self.kind.label.lower()}")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.start_new()

    # --- loading --------------------------------------------------------------------------------------------

    def start_new(self, defaults: dict[str, Any] | None = None) -> None:
        self.record = None
        self._loaded = {field.name: None for field in self.kind.fields}
        for editor in self.editors.values():
            editor.set_value(None)
        for name, value in (defaults or {}).items():
            if name in self.editors:
                self.editors[name].set_value(value)
        self.heading.setText(f"New {self.kind.label.lower()}")
        self._after_load()

    def show_record(self, record: dict[str, Any]) -> None:
        self.record = record
        self._loaded = {field.name: record.get(field.name) for field in self.kind.fields}
        self.shown_version = record.get("version")
        for field in self.kind.fields:
            self.editors[field.name].set_value(record.get(field.name))
        self.heading.setText(record_heading(self.kind, record))
        self._after_load()
        self._ask_authors(record["id"])

    def _ask_authors(self, record_id: int) -> None:
        """Reads, on the worker, who entered the record shown and who changed it last (the server's accounts)."""
        from ...core.records.audit import record_authors

        def show(authors: dict[str, str]) -> None:
            if self.record is not None and self.record.get("id") == record_id:
                self.authors.setText(authors_sentence(authors, self.shown_version))
                self.authors.setVisible(bool(authors["entered_by"] or authors["changed_by"]))

        self._context.ops.query(
            record_authors, self.kind.name, record_id, label="Reading who changed the record…", on_done=show
        )

    def note_changed_elsewhere(self) -> None:
        """Says, quietly, that the record shown was saved by someone else while the clerk's edits wait here."""
        self.elsewhere_note.show()

    def _after_load(self) -> None:
        self.elsewhere_note.hide()
        if self.record is None:
            self.authors.hide()
        self._clear_problems()
        if self.kind.name == "partnership":
            # A partnership's status changes only through a recorded status change.
            self.editors["status"].setEnabled(self.record is None)
            self.editors["status"].setToolTip("" if self.record is None else "Use “Change status…” to change it.")
        self._dirty = False
        self.revert_button.setEnabled(False)

    def revert(self) -> None:
        if self.record is None:
            self.start_new()
        else:
            self.show_record(self.record)

    def _mark_dirty(self) -> None:
        self._dirty = True
        self.revert_button.setEnabled(True)

    @property
    def dirty(self) -> bool:
        return self._dirty

    # --- saving ---------------------------------------------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        values = {name: editor.value() for name, editor in self.editors.items()}
        if self.record is None:
            return {name: value for name, value in values.items() if value not in (None, "", [])}
        changed = {}
        for field in self.kind.fields:
            if self.kind.name == "partnership" and field.name == "status":
                continue
            parsed, problem = parse_value(field, values[field.name])
            old = self._loaded.get(field.name)
            if problem or not _same(parsed, old):
                changed[field.name] = values[field.name]
        return changed

    def save(self) -> None:
        self._clear_problems()
        values = self._values()
        kind_name = self.kind.name
        if self.record is None:
            self.save_button.setEnabled(False)
            self._context.ops.create_record(
                kind_name,
                values,
                label=f"Saving the new {self.kind.label.lower()}…",
                on_done=self._created,
                on_error=self._failed,
            )
            return
        if not values:
            self._context.runner.busy_changed.emit("Nothing to save: no field was changed.")
            return
        record_id = self.record["id"]
        before = {name: _raw(self.kind.field(name), self._loaded.get(name)) for name in values}
        self.save_button.setEnabled(False)
        self._context.ops.update_record(
            kind_name,
            record_id,
            values,
            expected_version=self.shown_version,
            label=f"Saving {self.kind.label.lower()} {record_id}…",
            on_done=lambda record: self._updated(record, before, values),
            on_error=self._failed,
        )

    def _created(self, record: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self._context.undo_stack.push(
            CreateCommand(self._context, self.kind.name, record["id"], f"add {self.kind.label.lower()} {record['id']}")
        )
        self.show_record(record)
        self._context.runner.busy_changed.emit(f"Saved the new {self.kind.label.lower()} ({record['id']}).")
        self.saved.emit(record)

    def _updated(self, record: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self._context.undo_stack.push(
            EditCommand(
                self._context,
                self.kind.name,
                record["id"],
                f"edit {self.kind.label.lower()} {record['id']}",
                before,
                after,
                version=record.get("version"),
            )
        )
        self.show_record(record)
        self._context.runner.busy_changed.emit(f"Saved {self.kind.label.lower()} {record['id']}.")
        self.saved.emit(record)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
            self._context.runner.busy_changed.emit("Not saved: please correct the fields marked.")
            return
        if isinstance(error, RecordConflict):
            self._conflicted(error)
            return
        self._context.runner.unhandled_error.emit(error)

    # --- a save over a version someone else saved meanwhile ---------------------------------------------------

    def _conflicted(self, conflict: RecordConflict) -> None:
        """Asks which values to keep when both changed the same fields; otherwise keeps both changes at once."""
        if self.record is None or self.record["id"] != conflict.record_id:
            self._context.runner.busy_changed.emit(str(conflict))
            return
        problems = self._problems_of(conflict.mine)
        if problems:
            # Their values are worth comparing only with values that can be saved: the clerk corrects them first.
            self.show_problems(problems)
            self._context.runner.busy_changed.emit("Not saved: please correct the fields marked.")
            return
        base = dict(self._loaded)
        if not conflicting_fields(self.kind, base, conflict.mine, conflict.theirs):
            self._save_over(conflict, conflict.mine)
            return
        dialog = self.conflict_dialog = RecordConflictDialog(self._context, conflict, base, self)
        dialog.finished.connect(lambda _code: self._conflict_resolved(dialog))
        dialog.open()

    def _problems_of(self, values: dict[str, Any]) -> dict[str, str]:
        problems = {}
        for name, value in values.items():
            if name in self.editors:
                _parsed, problem = parse_value(self.kind.field(name), value)
                if problem:
                    problems[name] = problem
        return problems

    def _conflict_resolved(self, dialog: RecordConflictDialog) -> None:
        self.conflict_dialog = None
        dialog.deleteLater()
        if dialog.choice is None:
            self._context.runner.busy_changed.emit("Not saved: your changes are still in the form.")
            return
        values = dialog.values_to_save()
        if values:
            self._save_over(dialog.conflict, values)
        else:
            self.show_record(dialog.conflict.theirs)
            self.shown_version = dialog.conflict.theirs_version
            self._context.runner.busy_changed.emit(f"Kept the {self.kind.label.lower()} as it was saved by them.")

    def _save_over(self, conflict: RecordConflict, values: dict[str, Any]) -> None:
        """Shows the record as they saved it, puts the clerk's chosen values back in, and saves them over it."""
        self.show_record(conflict.theirs)
        self.shown_version = conflict.theirs_version
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)
        self._mark_dirty()
        self.save()

    def show_problems(self, problems: dict[str, str]) -> None:
        leftover = []
        first: QWidget | None = None
        for name, problem in problems.items():
            if name in self.problems:
                self.problems[name].show_problem(problem)
                first = first or self.editors[name].focus_widget()
            else:
                leftover.append(problem)
        self.general_problem.show_problem(" ".join(leftover))
        if first is not None:
            first.setFocus()

    def _clear_problems(self) -> None:
        for label in self.problems.values():
            label.show_problem("")
        self.general_problem.show_problem("")


def record_heading(kind: Kind, record: dict[str, Any]) -> str:
    """The form's heading, as "Agreement 3: Sister city agreement" or "Oversight action 1: Annual review
    (2024-05-01)": the kind once, then the record's own name, or what it is and when if it has no name."""
    numbered = f"{kind.label} {record['id']}"
    title = describe(kind, record)
    if title == numbered:
        title = _what_and_when(kind, record)
    return f"{numbered}: {title}" if title else numbered


def _what_and_when(kind: Kind, record: dict[str, Any]) -> str:
    """A nameless record told by its first choices (kind, role) and its first date."""
    what = [
        vocab.label(field.vocabulary, record.get(field.name))
        for field in kind.fields
        if field.type == "choice" and field.vocabulary and field.name in ("kind", "role") and record.get(field.name)
    ]
    when = next((record[field.name] for field in kind.fields if field.type == "date" and record.get(field.name)), None)
    text = ", ".join(part for part in what if part)
    if when is not None:
        date = when.isoformat() if isinstance(when, dt.date) else str(when)
        text = f"{text} ({date})" if text else date
    return text


def authors_sentence(authors: dict[str, str], version: int | None) -> str:
    """ "Entered by jsmith on 2026-12-06 14:03 UTC; last changed by mdoe on … (version 3)." from the audit trail."""

    def when(text: str) -> str:
        return text[:16].replace("T", " ") + " UTC"

    parts = []
    if authors["entered_by"]:
        parts.append(f"Entered by {authors['entered_by']} on {when(authors['entered_at'])}")
    if authors["changed_by"] and authors["changed_at"] != authors["entered_at"]:
        parts.append(f"last changed by {authors['changed_by']} on {when(authors['changed_at'])}")
    sentence = "; ".join(parts)
    sentence = sentence[:1].upper() + sentence[1:]
    return sentence + (f" (version {version})." if version else ".")


def _same(new: Any, old: Any) -> bool:
    return bool(new == old) or (old in (None, "") and new in (None, ""))


def _raw(field: Any, value: Any) -> Any:
    """A stored value as core accepts it back (for undo)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
