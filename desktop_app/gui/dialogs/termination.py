"""The guided termination of a partnership under a state law: each step with its date and file, then the end."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import today
from ...core.errors import UserError
from ...core.files.names import display_name
from ...core.laws.rules import NOT_LEGAL_ADVICE
from ...core.laws.steps import GIFTS_STEP, STEPS
from ...core.reports.dates import long_date
from ..context import AppContext
from ..operations import Changes
from ..widgets.field_editors import ProblemLabel
from .date_fields import FittingProblemLabel, checked_date, date_editor

if TYPE_CHECKING:
    from ...core.db.engine import Database
    from ...core.laws.overview import RecordedStep, TerminationProgress
    from ...core.laws.screening import Screening
    from ..tasks import TaskControl

NO_FILE = "(no file chosen)"
# The evidence list keeps its choices as text ("attachment:12", "path:/the/file"), which Qt compares reliably.


@dataclass(frozen=True)
class _Progress:
    progress: TerminationProgress
    files: list[dict[str, Any]]
    stored: tuple[int, ...] = ()  # files stored by the step just recorded


def _read(db: Database, partnership_id: int) -> _Progress:
    from ...core.files.attachments import list_attachments
    from ...core.laws.overview import termination_progress

    return _Progress(
        termination_progress(db, partnership_id),
        list_attachments(db, "partnership", partnership_id, include_superseded=False),
    )


def _record_step(
    db: Database,
    control: TaskControl,
    partnership_id: int,
    rule_id: str,
    step: str,
    done_on: str,
    evidence: str,
) -> _Progress:
    """Checks the step before any file is stored, stores the file, then records the step with it."""
    from ...core.files.attachments import attach_files
    from ...core.laws.termination import check_step, record_step

    plan = check_step(db, partnership_id, rule_id, step, done_on)
    kind, _colon, value = evidence.partition(":")
    stored: tuple[int, ...] = ()
    if kind == "path":
        attached = attach_files(db, [Path(value)], "partnership", partnership_id, cancel=lambda: control.cancelled)
        stored = tuple(int(item["id"]) for item in attached)
        attachment_id = stored[0]
    else:
        attachment_id = int(value)
    record_step(db, plan, evidence_attachment_id=attachment_id)
    read = _read(db, partnership_id)
    return _Progress(read.progress, read.files, stored)


def _finish(db: Database, _control: TaskControl, partnership_id: int, rule_id: str, day: str) -> dict[str, object]:
    from ...core.laws.termination import finish

    return finish(db, partnership_id, rule_id, day)


class StepRow(QGroupBox):
    """One step: its date, the file that shows it (stored with the partnership), and what is recorded of it."""

    def __init__(self, number: int, step: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(f"{number}. {label}", parent)
        self.step = step
        self.label = label
        self.setAccessibleName(label)
        grid = QGridLayout(self)
        grid.setColumnStretch(3, 1)
        self.required = QLabel()
        grid.addWidget(self.required, 0, 0, 1, 5)
        date_label = QLabel("Done on")
        self.done_on = date_editor("done_on", f"Date of: {label}", required=True, shown=today())
        self.done_on_check = FittingProblemLabel()
        date_label.setBuddy(self.done_on)
        file_label = QLabel("Evidence")
        self.evidence = QComboBox()
        self.evidence.setAccessibleName(f"Evidence file for: {label}")
        self.evidence.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.evidence.setMinimumContentsLength(24)
        file_label.setBuddy(self.evidence)
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setAccessibleName(f"Choose a file on this computer for: {label}")
        self.choose_button.clicked.connect(self._choose)
        self.record_button = QPushButton("Record step")
        self.record_button.setAccessibleName(f"Record the step: {label}")
        grid.addWidget(date_label, 1, 0)
        grid.addWidget(self.done_on, 1, 1)
        # Added right after the date, so the date editor shows its sentences here, across the whole row.
        grid.addWidget(self.done_on_check, 2, 0, 1, 5)
        grid.addWidget(file_label, 1, 2)
        grid.addWidget(self.evidence, 1, 3)
        grid.addWidget(self.choose_button, 1, 4)
        self.recorded = QLabel("Not recorded yet.")
        self.recorded.setWordWrap(True)
        self.recorded.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.recorded, 3, 0, 1, 4)
        grid.addWidget(self.record_button, 3, 4)

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, f"The file that shows: {self.label}")
        if path:
            self.use_file(Path(path))

    def use_file(self, path: Path) -> None:
        """Offers a file on this computer as the evidence (it is stored when the step is recorded)."""
        index = self.evidence.findData(f"path:{path}")
        if index < 0:
            self.evidence.addItem(f"New file: {path.name}", f"path:{path}")
            self.evidence.setItemData(self.evidence.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
            index = self.evidence.count() - 1
        self.evidence.setCurrentIndex(index)

    def use_attachment(self, attachment_id: int) -> None:
        index = self.evidence.findData(f"attachment:{attachment_id}")
        if index >= 0:
            self.evidence.setCurrentIndex(index)

    def chosen(self) -> str:
        """``attachment:ID`` or ``path:PATH``, or "" when no file is chosen."""
        return str(self.evidence.currentData() or "")

    def show_files(self, files: list[dict[str, Any]], recorded: RecordedStep | None) -> None:
        """The partnership's stored files to choose from; a file chosen on this computer stays offered."""
        chosen = self.chosen()
        self.evidence.clear()
        self.evidence.addItem(NO_FILE, None)
        for attachment in files:
            name = display_name(attachment["title"]) or attachment["display_name"]
            self.evidence.addItem(f"{name} (stored file {attachment['id']})", f"attachment:{attachment['id']}")
        kind, _colon, value = chosen.partition(":")
        if kind == "path":
            self.use_file(Path(value))
        elif recorded is not None and recorded.attachment_id is not None:
            self.use_attachment(recorded.attachment_id)
        elif kind == "attachment":
            self.use_attachment(int(value))

    def show_recorded(self, recorded: RecordedStep | None, required: bool) -> None:
        if required:
            self.required.setText("<b>Required</b>")
        elif self.step == GIFTS_STEP:
            self.required.setText("Required only when the records hold gifts received from the partner")
        else:
            self.required.setText("Not required; record it when it is done")
        self.required.setTextFormat(Qt.TextFormat.RichText)
        if recorded is None:
            self.recorded.setText("Not recorded yet.")
            return
        self.done_on.set_value(recorded.done_on)
        if recorded.attachment_id is None:
            self.recorded.setText(f"Recorded as done on {long_date(recorded.done_on)}, <b>with no evidence file</b>.")
            return
        self.recorded.setText(
            f"Recorded as done on {long_date(recorded.done_on)}, with {html.escape(recorded.file_name)} "
            f"(SHA-256 {recorded.sha256[:12]}…)."
        )
        self.recorded.setToolTip(f"SHA-256 {recorded.sha256}")


class TerminationDialog(QDialog):
    """Each step is checked by core before its file is stored; refusals appear here as core's sentence."""

    def __init__(self, context: AppContext, screening: Screening, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.screening = screening
        self.partnership_id = screening.partnership_id
        self.progress: TerminationProgress | None = None
        self.finished_on: dt.date | None = None
        self.setWindowTitle(f"Terminate under {screening.citation}")
        self.setAccessibleName(f"Terminate the partnership under {screening.citation}")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{html.escape(screening.partnership)}</b><br>{html.escape(screening.reason)}<br>"
            "Record each step with its date and the file that shows it (the resolution, each notice as sent, …). "
            "The partnership can be marked terminated once every required step has its file."
        )
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        steps_widget = QWidget()
        steps_layout = QVBoxLayout(steps_widget)
        steps_layout.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, StepRow] = {}
        for number, (step, label) in enumerate(STEPS.items(), start=1):
            row = StepRow(number, step, label)
            row.record_button.clicked.connect(lambda _checked=False, s=step: self.record_step(s))
            self.rows[step] = row
            steps_layout.addWidget(row)
        steps_layout.addStretch(1)
        scroll.setWidget(steps_widget)
        layout.addWidget(scroll, 1)

        end_area = QWidget()
        end = QGridLayout(end_area)
        end.setContentsMargins(0, 0, 0, 0)
        end.setColumnStretch(0, 1)
        self.end_state = QLabel("Reading what is recorded…")
        self.end_state.setWordWrap(True)
        end_label = QLabel("Terminated on")
        self.terminated_on = date_editor(
            "terminated_on", "Date the partnership was terminated", required=True, shown=today()
        )
        self.terminated_on_check = FittingProblemLabel()
        end_label.setBuddy(self.terminated_on)
        self.finish_button = QPushButton("Mark terminated")
        self.finish_button.setAccessibleName("Mark the partnership terminated")
        self.finish_button.setEnabled(False)
        self.finish_button.clicked.connect(self.finish)
        end.addWidget(self.end_state, 0, 0)
        end.addWidget(end_label, 0, 1)
        end.addWidget(self.terminated_on, 0, 2)
        end.addWidget(self.terminated_on_check, 1, 0, 1, 4)  # right after the date: its sentences show here
        end.addWidget(self.finish_button, 0, 3)
        layout.addWidget(end_area)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        note = QLabel(NOT_LEGAL_ADVICE)
        note.setWordWrap(True)
        font = note.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        note.setFont(font)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close the termination")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 72, self.fontMetrics().lineSpacing() * 46)
        self._set_busy(True)
        context.ops.query(_read, self.partnership_id, label="Reading the termination steps…", on_done=self._show)

    # --- showing --------------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        for row in self.rows.values():
            row.record_button.setEnabled(not busy)
        if busy:
            self.finish_button.setEnabled(False)

    def _show(self, read: _Progress) -> None:
        progress = self.progress = read.progress
        self._set_busy(False)
        for step, row in self.rows.items():
            recorded = progress.step(step)
            row.show_recorded(recorded, step in progress.required)
            row.show_files(read.files, recorded)
        missing = progress.missing
        if progress.terminated:
            self.end_state.setText(
                "The partnership is already recorded as terminated."
                + (f" Still without an evidence file: {'; '.join(missing)}." if missing else "")
            )
        elif missing:
            self.end_state.setText(f"Still without an evidence file: {'; '.join(missing)}.")
        else:
            self.end_state.setText("Every required step has its evidence file.")
        self.finish_button.setEnabled(not missing and not progress.terminated)
        self.terminated_on.setEnabled(not progress.terminated)
        latest = max((recorded.done_on for recorded in progress.steps), default=None)
        typed = self.terminated_on.date()
        if latest is not None and typed is not None and typed < latest:
            self.terminated_on.set_value(latest)  # a termination cannot come before its steps

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if self.progress is not None:
            self.finish_button.setEnabled(not self.progress.missing and not self.progress.terminated)
        if isinstance(error, UserError):
            self.problem.show_problem(error.message)
            return
        self._context.runner.unhandled_error.emit(error)

    # --- recording ------------------------------------------------------------------------------------------

    def record_step(self, step: str) -> None:
        row = self.rows[step]
        self.problem.show_problem("")
        done_on = checked_date(row.done_on, row.done_on_check, f"Give the date “{row.label}” was done, e.g. 3/14/2025.")
        if done_on is None:
            return
        evidence = row.chosen()
        if not evidence:
            self.problem.show_problem(
                f"Choose the file that shows “{row.label}” first: a stored file of the partnership, or Choose file…"
            )
            return
        self._set_busy(True)
        partnership_id = self.partnership_id

        def changed(result: _Progress) -> Changes:
            return Changes(
                frozenset({("partnership", partnership_id), *(("attachment", number) for number in result.stored)})
            )

        self._context.ops.write(
            lambda db, control: _record_step(
                db, control, partnership_id, self.screening.rule_id, step, done_on, evidence
            ),
            changed,
            label=f"Recording the step: {row.label}…",
            on_done=lambda result: self._recorded(step, result),
            on_error=self._refused,
            initiator=self,
        )

    def _recorded(self, step: str, read: _Progress) -> None:
        row = self.rows[step]
        if read.stored:
            row.evidence.setCurrentIndex(0)  # the file chosen on this computer is now a stored one
        self._show(read)
        self._context.runner.busy_changed.emit(f"Recorded the step: {row.label}.")

    def finish(self) -> None:
        self.problem.show_problem("")
        day = checked_date(
            self.terminated_on,
            self.terminated_on_check,
            "Give the date the partnership was terminated, e.g. 3/14/2025.",
        )
        if day is None:
            return
        self._set_busy(True)
        partnership_id, rule_id = self.partnership_id, self.screening.rule_id
        self._context.ops.write(
            lambda db, control: _finish(db, control, partnership_id, rule_id, day),
            lambda _result: Changes.of("partnership", partnership_id),
            label="Marking the partnership terminated…",
            on_done=self._finished,
            on_error=self._refused,
        )

    def _finished(self, result: dict[str, object]) -> None:
        day = result["terminated_on"]
        assert isinstance(day, dt.date)
        self.finished_on = day
        self._context.runner.busy_changed.emit(
            f"Partnership {self.partnership_id} is now terminated under {self.screening.citation} "
            f"(on {long_date(day)})."
        )
        self.accept()
