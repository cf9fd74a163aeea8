"""A partnership's State laws tab: each rule's screening, the termination evidence recorded and what is missing."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.laws.rules import NOT_LEGAL_ADVICE
from ...core.reports.dates import long_date, short_date
from ..context import AppContext
from ..operations import Changes
from .colours import in_red
from .icons import icon

if TYPE_CHECKING:
    from ...core.db.engine import Database
    from ...core.laws.overview import TerminationProgress
    from ...core.laws.screening import Screening

SHA_SHOWN = 12  # characters of a fingerprint shown; the whole of it is in the tooltip
WATCHED = ("partnership", "agreement", "activity", "attachment", "law_rule")


@dataclass(frozen=True)
class PartnershipLaws:
    """What the tab shows of one partnership, read on the worker in one go."""

    partnership_id: int
    screenings: list[Screening]
    progress: TerminationProgress
    terminating_rules: frozenset[str]  # the rules that require existing partnerships to be terminated

    def may_terminate(self, screening: Screening) -> bool:
        """Whether a termination under this screening's rule can be started or completed from here."""
        if screening.rule_id not in self.terminating_rules or not screening.reached:
            return False
        return not self.progress.terminated or screening.result == "evidence_missing"


def partnership_laws(db: Database, partnership_id: int) -> PartnershipLaws:
    from ...core.laws.overview import known_rules, termination_progress
    from ...core.laws.screening import screen

    rules = known_rules(db)
    return PartnershipLaws(
        partnership_id=partnership_id,
        screenings=screen(db, partnership_id=partnership_id),
        progress=termination_progress(db, partnership_id),
        terminating_rules=frozenset(rule.id for rule in rules if rule.terminate_existing and rule.in_force_here),
    )


def result_html(screening: Screening) -> str:
    """The result's label in bold, in red when it is overdue."""
    label = f"<b>{html.escape(screening.result_label)}</b>"
    return in_red(label) if screening.result == "overdue" else label


class EvidenceGrid(QWidget):
    """The steps recorded, one a row: step, date, file, and the start of its SHA-256 (all of it in the tooltip).

    Labels that wrap rather than a table, so that it reads whole in a narrow pane.
    """

    HEADERS = ("Step", "Done on", "File", "SHA-256")

    def __init__(self, progress: TerminationProgress, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 3)
        for column, header in enumerate(self.HEADERS):
            label = QLabel(f"<b>{header}</b>")
            grid.addWidget(label, 0, column)
        self.rows: list[tuple[QLabel, QLabel, QLabel, QLabel]] = []
        for row, step in enumerate(progress.steps, start=1):
            sha = step.sha256
            cells = (
                QLabel(step.label),
                QLabel(short_date(step.done_on)),
                QLabel(step.file_name or "(no file)"),
                QLabel((sha[:SHA_SHOWN] + "…") if sha else ""),
            )
            cells[0].setWordWrap(True)
            cells[2].setWordWrap(True)
            cells[3].setToolTip(f"SHA-256 {sha}" if sha else "")
            cells[3].setAccessibleDescription(f"SHA-256 {sha}" if sha else "")
            for column, cell in enumerate(cells):
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(cell, row, column, Qt.AlignmentFlag.AlignTop)
            self.rows.append(cells)


class ScreeningView(QGroupBox):
    """One rule's screening of the partnership."""

    terminate = Signal(object)

    def __init__(self, screening: Screening, laws: PartnershipLaws, parent: QWidget | None = None) -> None:
        super().__init__(screening.citation or "No state-law rule", parent)
        self.screening = screening
        self.setAccessibleName(f"Screening under {screening.citation or 'no rule'}")
        layout = QVBoxLayout(self)
        self.result = QLabel(result_html(screening))
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setAccessibleName(f"Result: {screening.result_label}")
        layout.addWidget(self.result)
        self.reason = QLabel(screening.reason)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reason)
        dates = []
        if screening.deadline:
            dates.append(f"Deadline: {long_date(screening.deadline)}")
        if screening.terminated_on:
            dates.append(f"Terminated on {long_date(screening.terminated_on)}")
        if not screening.rule_verified:
            dates.append("The rule is not verified against the enacted text")
        self.dates = QLabel(". ".join(dates) + ("." if dates else ""))
        self.dates.setWordWrap(True)
        self.dates.setVisible(bool(dates))
        layout.addWidget(self.dates)
        self.evidence: EvidenceGrid | None = None
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.hide()
        self.terminate_button: QPushButton | None = None
        progress = laws.progress
        if screening.rule_id in laws.terminating_rules and screening.reached:
            if progress.steps:
                layout.addWidget(QLabel("Termination steps recorded:"))
                self.evidence = EvidenceGrid(progress, f"Termination steps recorded under {screening.citation}")
                layout.addWidget(self.evidence)
            missing = progress.missing
            if missing:
                self.missing.setText("No evidence file yet for: " + "; ".join(missing) + ".")
                self.missing.show()
        layout.addWidget(self.missing)
        if laws.may_terminate(screening):
            row = QHBoxLayout()
            row.addStretch(1)
            self.terminate_button = QPushButton(icon("status"), "Terminate under this law…")
            self.terminate_button.setAccessibleName(f"Terminate the partnership under {screening.citation}")
            self.terminate_button.clicked.connect(lambda: self.terminate.emit(self.screening))
            row.addWidget(self.terminate_button)
            layout.addLayout(row)


class LawScreeningPanel(QScrollArea):
    """Read on the worker whenever the partnership (or what screening looks at) changes."""

    record_changed = Signal(int)  # a termination was finished: the partnership's record should be read again

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._partnership_id: int | None = None
        self.laws: PartnershipLaws | None = None
        self.views: list[ScreeningView] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName("State-law screening of the partnership")
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self._layout.addWidget(self.status)
        self._views_layout = QVBoxLayout()
        self._layout.addLayout(self._views_layout)
        note = QLabel(NOT_LEGAL_ADVICE)
        note.setWordWrap(True)
        font = note.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        note.setFont(font)
        self._layout.addWidget(note)
        self._layout.addStretch(1)
        self.setWidget(body)
        context.ops.changed.connect(self._changed)

    def show_for(self, partnership_id: int | None) -> None:
        self._partnership_id = partnership_id
        self._clear()
        self.laws = None
        if partnership_id is None:
            self.status.setText("")
            return
        self.status.setText("Screening the partnership…")
        self.reload()

    def reload(self) -> None:
        if self._partnership_id is None:
            return
        self._context.ops.query(
            partnership_laws, self._partnership_id, label="Screening against the state laws…", on_done=self._fill
        )

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if self._partnership_id is not None and changes.touches(*WATCHED):
            self.reload()

    def _clear(self) -> None:
        for view in self.views:
            self._views_layout.removeWidget(view)
            view.deleteLater()
        self.views = []

    def _fill(self, laws: PartnershipLaws) -> None:
        if laws.partnership_id != self._partnership_id:
            return
        self._clear()
        self.laws = laws
        reached = [screening for screening in laws.screenings if screening.reached]
        self.status.setText(
            f"Screened as of today against {len(laws.screenings)} "
            f"{'rule' if len(laws.screenings) == 1 else 'rules'} of the state; "
            f"{len(reached)} {'reaches' if len(reached) == 1 else 'reach'} this partnership."
            if any(s.rule_id for s in laws.screenings)
            else "Screened as of today."
        )
        for screening in laws.screenings:
            view = ScreeningView(screening, laws)
            view.terminate.connect(self.start_termination)
            self._views_layout.addWidget(view)
            self.views.append(view)

    def start_termination(self, screening: Screening) -> None:
        from ..dialogs.termination import TerminationDialog

        dialog = TerminationDialog(self._context, screening, self)
        dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
        dialog.open()
        self.termination_dialog = dialog

    def _dialog_closed(self, dialog: QWidget) -> None:
        from ..dialogs.termination import TerminationDialog

        assert isinstance(dialog, TerminationDialog)
        if dialog.finished_on is not None and self._partnership_id is not None:
            self.record_changed.emit(self._partnership_id)
        dialog.deleteLater()
