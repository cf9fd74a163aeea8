"""The State laws page: every rule, what the chosen one says and whom it reaches; rules corrected, added, withdrawn."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.errors import UserError
from ...core.laws.rules import NOT_LEGAL_ADVICE
from ...core.reports.dates import long_date, short_date
from ..context import AppContext
from ..dialogs import messages
from ..operations import Changes
from ..widgets.colours import overdue_red
from ..widgets.field_editors import ProblemLabel
from ..widgets.icons import icon
from ..widgets.law_screening import WATCHED
from .base import RecordlessPage

if TYPE_CHECKING:
    import datetime as dt

    from ...core.db.engine import Database
    from ...core.laws.rules import LawRule
    from ...core.laws.screening import Screening
    from ..dialogs.law_rule import LawRuleDialog
    from ..tasks import TaskControl
    from ..widgets.related import Navigator

COLUMNS = (
    "Citation",
    "State",
    "Requires",
    "Effective",
    "Deadline",
    "Verified",
    "Checked on",
    "Whose",
    "Superseded by",
)


@dataclass(frozen=True)
class LawsRead:
    rules: list[LawRule]
    screenings: list[Screening]


def _read(db: Database) -> LawsRead:
    from ...core.laws.overview import known_rules
    from ...core.laws.screening import screen

    return LawsRead(known_rules(db), screen(db))


def _withdraw(db: Database, _control: TaskControl, rule_id: str) -> str:
    from ...core.laws.clerk_rules import withdraw_rule

    withdraw_rule(db, rule_id)
    return rule_id


def _correction(db: Database, rule_id: str) -> dict[str, Any]:
    from ...core.laws.clerk_rules import correction_of

    return correction_of(db, rule_id)


def _day(value: dt.date | None) -> str:
    return short_date(value) if value else ""


def rule_html(rule: LawRule) -> str:
    """What the detail area says of a rule, with its sources as links."""
    escape = html.escape
    parts = [f"<h3>{escape(rule.title)}</h3>", f"<p>{escape(rule.citation)} · {escape(rule.state)}"]
    if rule.enacted_by:
        parts[-1] += f" · {escape(rule.enacted_by)}"
    parts[-1] += "</p>"
    parts.append(f"<p>{escape(rule.summary)}</p>")
    parts.append(f"<p><b>Requires:</b> {escape('; '.join(rule.requirements) or 'nothing listed')}.</p>")
    binds = ", ".join(vocab.label(vocab.JURISDICTION_KINDS, kind).lower() for kind in rule.binds)
    reaches = ", ".join(vocab.label(vocab.PARTNERSHIP_KINDS, kind).lower() for kind in rule.reaches)
    parts.append(f"<p><b>Binds:</b> {escape(binds)}. <b>Reaches:</b> {escape(reaches)} partnerships.")
    if rule.reaches_note:
        parts[-1] += f"<br>{escape(rule.reaches_note)}"
    parts[-1] += "</p>"
    names = []
    for country in rule.countries:
        also = f" (also {', '.join(country.also_known_as)})" if country.also_known_as else ""
        names.append(f"{country.name} [{country.code}]{also}")
    checked = "checked against the law" if rule.countries_verified else "not verified"
    parts.append(
        f"<p><b>Countries</b> as of {escape(long_date(rule.countries_as_of))} ({checked}): "
        f"{escape('; '.join(names))}.<br>Source: {escape(rule.countries_source)}"
        + (f"<br>{escape(rule.countries_note)}" if rule.countries_note else "")
        + "</p>"
    )
    dates = [
        f"{label} {long_date(value)}"
        for label, value in (
            ("enacted", rule.enacted),
            ("takes effect", rule.effective),
            ("deadline", rule.deadline),
            ("expires", rule.expires),
        )
        if value
    ]
    parts.append(f"<p><b>Dates:</b> {escape('; '.join(dates) or 'none recorded')}.</p>")
    if rule.uncertain:
        items = "".join(f"<li>{escape(sentence)}</li>" for sentence in rule.uncertain)
        parts.append(f"<p><b>Not certain:</b></p><ul>{items}</ul>")
    sources = []
    for source in rule.sources:
        if source.url:
            sources.append(f'<li><a href="{escape(source.url, quote=True)}">{escape(source.title)}</a></li>')
        else:
            sources.append(f"<li>{escape(source.title)}</li>")
    parts.append(f"<p><b>Sources:</b></p><ul>{''.join(sources)}</ul>")
    whose = "one of the program's rules" if rule.origin == "shipped" else "a rule of the clerk's"
    verified = "verified against the enacted text" if rule.verified else "not verified against the enacted text"
    tail = f"Checked on {long_date(rule.checked_on)}, {verified}; {whose}"
    if rule.supersedes:
        tail += f", superseding {rule.supersedes}"
    if rule.superseded_by:
        tail += f". Superseded by {rule.superseded_by}: screening uses that rule instead"
    parts.append(f"<p><i>{escape(tail)}.</i></p>")
    return "".join(parts)


class StateLawsPage(QWidget, RecordlessPage):
    """Read on the worker when first shown and whenever what screening looks at changes."""

    def __init__(self, context: AppContext, navigator: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self._started = False
        self._wanted: str | None = None
        self.read: LawsRead | None = None
        self.rule_dialog: LawRuleDialog | None = None
        self.setAccessibleName("State laws page")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("State laws")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of rules")
        top.addWidget(self.count_label, 1)
        self.correct_button = QPushButton(icon("status"), "Correct this rule…")
        self.correct_button.setAccessibleName("Correct the chosen rule with a rule of your own")
        self.correct_button.clicked.connect(self.correct_rule)
        self.add_button = QPushButton(icon("new"), "Add a rule…")
        self.add_button.setAccessibleName("Add a state-law rule")
        self.add_button.clicked.connect(lambda: self.open_rule_dialog(None))
        self.withdraw_button = QPushButton(icon("trash"), "Withdraw")
        self.withdraw_button.setAccessibleName("Withdraw the chosen rule of yours")
        self.withdraw_button.clicked.connect(self.withdraw_rule)
        for button in (self.correct_button, self.add_button, self.withdraw_button):
            top.addWidget(button)
        layout.addLayout(top)
        note = QLabel(NOT_LEGAL_ADVICE)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("State-law rules")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The chosen rule")
        self.detail.setOpenExternalLinks(True)

        reached_box = QWidget()
        reached_layout = QVBoxLayout(reached_box)
        reached_layout.setContentsMargins(0, 0, 0, 0)
        self.reached_label = QLabel("Partnerships this rule reaches (double-click one to open it):")
        self.reached_label.setWordWrap(True)
        reached_layout.addWidget(self.reached_label)
        self.reached = QTableWidget(0, 3)
        self.reached.setAccessibleName("Partnerships the chosen rule reaches")
        self.reached.setHorizontalHeaderLabels(["Partnership", "Result", "Reason"])
        self.reached.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reached.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.reached.setWordWrap(True)
        self.reached.verticalHeader().hide()
        self.reached.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.reached.cellDoubleClicked.connect(self._open_partnership)
        reached_layout.addWidget(self.reached, 1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setChildrenCollapsible(False)
        lower.addWidget(self.detail)
        lower.addWidget(reached_box)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        context.ops.changed.connect(self._changed)
        self._update_buttons()

    # --- reading --------------------------------------------------------------------------------------------

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.reload()

    def reload(self) -> None:
        if not self._started:
            return
        self._context.ops.query(_read, label="Reading the state-law rules…", on_done=self._show)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if self._started and changes.touches(*WATCHED):
            self.reload()

    def selected_rule(self) -> LawRule | None:
        if self.read is None:
            return None
        row = self.table.currentRow()
        if row < 0 or not self.table.selectionModel().hasSelection():
            return None
        item = self.table.item(row, 0)
        rule_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((rule for rule in self.read.rules if rule.id == rule_id), None)

    def _show(self, read: LawsRead) -> None:
        chosen = self._wanted or (rule.id if (rule := self.selected_rule()) else None)
        self._wanted = None
        self.read = read
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(read.rules))
        for row, rule in enumerate(read.rules):
            values = (
                rule.citation,
                rule.state,
                "; ".join(rule.requirements),
                _day(rule.effective),
                _day(rule.deadline),
                "Verified" if rule.verified else "Not verified",
                _day(rule.checked_on),
                "Program's" if rule.origin == "shipped" else "Clerk's",
                rule.superseded_by,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value if column == 2 else "")
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, rule.id)
                    item.setToolTip(f"{rule.id}: {rule.title}")
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        counted = len(read.rules)
        clerk = sum(1 for rule in read.rules if rule.origin == "clerk")
        self.count_label.setText(
            f"  {counted} {'rule' if counted == 1 else 'rules'}" + (f", {clerk} of them the clerk's" if clerk else "")
        )
        self.select_rule(chosen or (read.rules[0].id if read.rules else ""))

    def select_rule(self, rule_id: str) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == rule_id:
                self.table.selectRow(row)
                self._selection_changed()
                return True
        return False

    def _selection_changed(self) -> None:
        rule = self.selected_rule()
        self._update_buttons()
        self.reached.setRowCount(0)
        if rule is None or self.read is None:
            self.detail.clear()
            return
        self.detail.setHtml(rule_html(rule))
        if rule.superseded_by:
            self.reached_label.setText(
                f"Screening uses {rule.superseded_by} instead of this rule, so this rule reaches no partnership now."
            )
            return
        reached = [s for s in self.read.screenings if s.rule_id == rule.id and s.result != "not_reached"]
        self.reached_label.setText(
            "Partnerships this rule reaches today (double-click one to open it):"
            if reached
            else "This rule reaches none of the partnerships recorded."
        )
        self.reached.setRowCount(len(reached))
        red = overdue_red()
        for row, screening in enumerate(reached):
            values = (screening.partnership, screening.result_label, screening.reason)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, screening.partnership_id)
                if column == 1 and screening.result == "overdue":
                    item.setForeground(QBrush(QColor(red)))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.reached.setItem(row, column, item)
        self.reached.resizeColumnToContents(0)
        self.reached.resizeColumnToContents(1)
        self.reached.resizeRowsToContents()

    def _update_buttons(self) -> None:
        rule = self.selected_rule()
        self.correct_button.setEnabled(rule is not None and not rule.superseded_by)
        self.withdraw_button.setEnabled(rule is not None and rule.origin == "clerk")
        self.withdraw_button.setToolTip(
            "Only a rule of your own can be withdrawn; correct one of the program's instead."
            if rule is not None and rule.origin != "clerk"
            else ""
        )

    def _open_partnership(self, row: int, _column: int) -> None:
        item = self.reached.item(row, 0)
        if item is not None:
            self._navigator.open_record("partnership", int(item.data(Qt.ItemDataRole.UserRole)))

    # --- changing the rules ---------------------------------------------------------------------------------

    def correct_rule(self) -> None:
        rule = self.selected_rule()
        if rule is None:
            return
        self.problem.show_problem("")
        self._context.ops.query(
            _correction,
            rule.id,
            label="Preparing the correction…",
            on_done=self.open_rule_dialog,
            on_error=self._refused,
        )

    def open_rule_dialog(self, body: dict[str, Any] | None) -> None:
        from ..dialogs.law_rule import LawRuleDialog

        self.problem.show_problem("")
        dialog = LawRuleDialog(self._context, body, self)
        dialog.finished.connect(lambda _code: self._rule_dialog_closed(dialog))
        self.rule_dialog = dialog
        dialog.open()

    def _rule_dialog_closed(self, dialog: LawRuleDialog) -> None:
        if dialog.saved_rule is not None:
            self._wanted = dialog.saved_rule.id
        if self.rule_dialog is dialog:
            self.rule_dialog = None
        dialog.deleteLater()

    def withdraw_rule(self) -> None:
        rule = self.selected_rule()
        if rule is None or rule.origin != "clerk":
            return
        question = (
            f"Withdraw your rule {rule.id} ({rule.citation})?"
            + (f" The rule it corrected, {rule.supersedes}, applies again." if rule.supersedes else "")
            + " The audit trail keeps a note of it."
        )
        if not messages.confirm(self, "Withdraw the rule", question, "Withdraw"):
            return
        self.problem.show_problem("")
        self._wanted = rule.supersedes or None
        self._context.ops.write(
            lambda db, control: _withdraw(db, control, rule.id),
            lambda _rule_id: Changes.of("law_rule", 0),
            label="Withdrawing the rule…",
            on_done=lambda rule_id: self._context.runner.busy_changed.emit(f"Withdrew the rule {rule_id}."),
            on_error=self._refused,
        )

    def _refused(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.problem.show_problem(error.message)
            return
        self._context.runner.unhandled_error.emit(error)
