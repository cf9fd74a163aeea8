"""The dialog shown when a record was saved by someone else since the clerk opened it: both versions, and a choice."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RecordConflict
from ...core.records.fields import Field, display_value
from ...core.records.kinds import Kind, kind_named
from ...core.records.plain import describe
from ..context import AppContext

KEEP_MINE = "mine"
KEEP_THEIRS = "theirs"
MERGE = "merge"

# A run of characters without a space longer than this gets break opportunities, so a web address or a long
# reference number wraps instead of widening the dialog beyond the screen.
_LONGEST_UNBROKEN = 30
_UNBROKEN_RUN = re.compile(rf"\S{{{_LONGEST_UNBROKEN + 1},}}")
_ZERO_WIDTH_SPACE = "\u200b"


def same_value(first: Any, second: Any) -> bool:
    """Equal as stored values, an empty text counting as no value (as the form compares them)."""
    return bool(first == second) or (first in (None, "") and second in (None, ""))


def conflicting_fields(
    kind: Kind, base: Mapping[str, Any] | None, mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> list[str]:
    """The fields the clerk changed that someone else also changed, to another value, in the kind's order.

    ``mine`` holds only the fields the clerk changed; ``base`` is the record as the clerk's form loaded it. A field
    the clerk changed and nobody else did is no conflict, nor is one both changed to the same value. Without a base
    every field of ``mine`` that differs from ``theirs`` counts.
    """
    found = []
    for field in kind.fields:
        name = field.name
        if name not in mine or same_value(mine[name], theirs.get(name)):
            continue
        if base is not None and same_value(theirs.get(name), base.get(name)):
            continue
        found.append(name)
    return found


def shown_value(field: Field, value: Any, record_names: Mapping[tuple[str, int], str] | None = None) -> str:
    """A stored value as the form shows it; a linked record by its name and number when the name is known."""
    if value is None or value == "":
        return "(empty)"
    if field.type == "cents":
        return f"{int(value) / 100:.2f}"
    if field.type == "ref":
        if field.ref_kind == "attachment":
            return f"File {value}"
        name = (record_names or {}).get((field.ref_kind or "", int(value)))
        return f"{name} (no. {value})" if name else f"no. {value}"
    if field.type == "words" and not display_value(field, value):
        return "(none)"
    return display_value(field, value)


def breakable(text: str) -> str:
    """The text with invisible break opportunities inside very long runs of characters without a space."""

    def spaced(match: re.Match[str]) -> str:
        run = match.group(0)
        pieces = [run[start : start + _LONGEST_UNBROKEN] for start in range(0, len(run), _LONGEST_UNBROKEN)]
        return _ZERO_WIDTH_SPACE.join(pieces)

    return _UNBROKEN_RUN.sub(spaced, text)


def local_time_text(utc_text: str) -> str:
    """A UTC time as stored (ISO text) in the clerk's own time, to the minute; anything else as it is."""
    try:
        moment = dt.datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    except ValueError:
        return utc_text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _who_and_when(conflict: RecordConflict) -> str:
    """Who saved the record last and when, as far as the audit trail knows ("Saved by … at …")."""
    who = conflict.changed_by or "someone else"
    when = f" at {local_time_text(conflict.changed_at)}" if conflict.changed_at else ""
    return f"Saved by {who}{when}"


def _names_of(db: Any, wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The one-line names of linked records, read on the worker."""
    from ...core.records.service import get_many

    names = {}
    for kind_name, ids in wanted.items():
        kind = kind_named(kind_name)
        for record_id, record in get_many(db, kind_name, sorted(ids)).items():
            names[(kind_name, record_id)] = describe(kind, record)
    return names


class ConflictRow:
    """One field both changed: its label, the two values, and (when merging) the clerk's pick between them."""

    def __init__(self, field: Field, mine: Any, theirs: Any) -> None:
        self.field = field
        self.mine_value = mine
        self.theirs_value = theirs
        self.label = QLabel(field.label)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.label.setWordWrap(True)
        self.mine_label = self._value_label("your value")
        self.theirs_label = self._value_label("their value")
        self.keep_mine = QRadioButton("Mine")
        self.keep_mine.setAccessibleName(f"Keep your value of {field.label}")
        self.keep_theirs = QRadioButton("Theirs")
        self.keep_theirs.setAccessibleName(f"Keep their value of {field.label}")
        self.choice = QButtonGroup()
        self.choice.addButton(self.keep_mine)
        self.choice.addButton(self.keep_theirs)
        self.keep_mine.setChecked(True)
        self.picker = QWidget()
        picker_layout = QVBoxLayout(self.picker)
        picker_layout.setContentsMargins(0, 0, 0, 0)
        picker_layout.addWidget(self.keep_mine)
        picker_layout.addWidget(self.keep_theirs)
        picker_layout.addStretch(1)
        self.picker.setVisible(False)
        self.show_values({})

    def _value_label(self, whose: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setAccessibleName(f"{self.field.label}, {whose}")
        return label

    def show_values(self, record_names: Mapping[tuple[str, int], str]) -> None:
        for label, value in ((self.mine_label, self.mine_value), (self.theirs_label, self.theirs_value)):
            text = shown_value(self.field, value, record_names)
            label.setText(breakable(text))
            label.setAccessibleDescription(text)

    @property
    def keeps_mine(self) -> bool:
        return self.keep_mine.isChecked()


class RecordConflictDialog(QDialog):
    """Shows the fields both the clerk and someone else changed, side by side, and asks which values to keep.

    After it closes, ``choice`` is KEEP_MINE, KEEP_THEIRS or MERGE (None when the clerk closed it without choosing)
    and ``values_to_save()`` the values to write over the record as it is now, with its version.
    """

    def __init__(
        self,
        context: AppContext,
        conflict: RecordConflict,
        base: Mapping[str, Any] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.conflict = conflict
        self.kind = kind_named(conflict.kind_name)
        self.choice: str | None = None
        names = conflicting_fields(self.kind, base, conflict.mine, conflict.theirs)
        self.rows = {
            name: ConflictRow(self.kind.field(name), conflict.mine[name], conflict.theirs.get(name)) for name in names
        }
        self.kept_fields = [
            field.name
            for field in self.kind.fields
            if field.name in conflict.mine
            and field.name not in self.rows
            and not same_value(conflict.mine[field.name], conflict.theirs.get(field.name))
        ]
        self.setWindowTitle(f"{self.kind.label} {conflict.record_id} was changed by someone else")
        self.setAccessibleName("Changes made by someone else")
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro())
        layout.addWidget(self._table(), 1)
        layout.addLayout(self._buttons())
        self._set_tab_order()
        self._look_up_record_names()
        self._fit_to_screen()
        self.keep_mine_button.setFocus()

    # --- building -------------------------------------------------------------------------------------------

    def _intro(self) -> QWidget:
        conflict = self.conflict
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(f"{self.kind.label} {conflict.record_id}: {describe(self.kind, conflict.theirs)}")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.who_label = QLabel(f"{_who_and_when(conflict)}, after you opened it. Your changes are not saved yet.")
        self.who_label.setWordWrap(True)
        layout.addWidget(self.who_label)
        if self.rows:
            plural = "fields" if len(self.rows) > 1 else "field"
            ask = f"You both changed the {plural} below. Which values should the {self.kind.label.lower()} keep?"
        else:
            ask = "None of the fields you changed were changed by them."
        self.ask_label = QLabel(ask)
        self.ask_label.setWordWrap(True)
        layout.addWidget(self.ask_label)
        self.kept_label = QLabel(self._kept_text())
        self.kept_label.setWordWrap(True)
        self.kept_label.setVisible(bool(self.kept_fields))
        layout.addWidget(self.kept_label)
        return box

    def _kept_text(self) -> str:
        labels = [self.kind.field(name).label for name in self.kept_fields]
        if not labels:
            return ""
        listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        if len(labels) == 1:
            return f"Your change to {listed} is kept as well, as they did not change it (“Keep theirs” drops it)."
        return f"Your changes to {listed} are kept as well, as they did not change them (“Keep theirs” drops them)."

    def _table(self) -> QScrollArea:
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.picker_heading = QLabel("Keep")
        headings = (
            QLabel("Field"),
            QLabel("Yours (not saved)"),
            QLabel(f"Theirs ({self.conflict.changed_by or 'saved'})"),
        )
        for column, heading in enumerate((*headings, self.picker_heading)):
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setWordWrap(True)
            grid.addWidget(heading, 0, column, Qt.AlignmentFlag.AlignTop)
        self.picker_heading.setVisible(False)
        for number, row in enumerate(self.rows.values(), start=1):
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            grid.addWidget(line, 2 * number - 1, 0, 1, 4)
            for column, widget in enumerate((row.label, row.mine_label, row.theirs_label, row.picker)):
                grid.addWidget(widget, 2 * number, column, Qt.AlignmentFlag.AlignTop)
        grid.setRowStretch(2 * len(self.rows) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setVisible(bool(self.rows))
        self.rows_area = scroll
        self.rows_body = body
        return scroll

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.keep_mine_button = self._button("Keep &mine", "Keep my values and save them over theirs", self.keep_mine)
        self.keep_theirs_button = self._button(
            "Keep &theirs", "Keep their values and drop my changes", self.keep_theirs
        )
        self.merge_button = self._button("Merge field by &field", "Choose mine or theirs field by field", self.merge)
        self.save_merged_button = self._button(
            "&Save the merged values", "Save the values chosen field by field", self.save_merged
        )
        self.save_merged_button.setVisible(False)
        row.addStretch(1)
        for button in (self.keep_mine_button, self.keep_theirs_button, self.merge_button, self.save_merged_button):
            row.addWidget(button)
        return row

    def _button(self, text: str, accessible_name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(accessible_name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for row in self.rows.values():
            chain += [row.keep_mine, row.keep_theirs]
        chain += [self.keep_mine_button, self.keep_theirs_button, self.merge_button, self.save_merged_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _fit_to_screen(self) -> None:
        """Wide enough for two values side by side, and tall enough for the rows, within the screen."""
        screen = self.screen().availableGeometry()
        width = min(max(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * 120), screen.width() - 80)
        body = self.rows_body
        rows_height = body.heightForWidth(width) if body.hasHeightForWidth() else body.sizeHint().height()
        wanted = self.sizeHint().height() - self.rows_area.sizeHint().height() + rows_height + 8
        self.resize(width, min(max(wanted, self.sizeHint().height()), screen.height() * 4 // 5))

    def _look_up_record_names(self) -> None:
        wanted: dict[str, set[int]] = {}
        for row in self.rows.values():
            ref_kind = row.field.ref_kind
            if row.field.type != "ref" or ref_kind in (None, "attachment"):
                continue
            for value in (row.mine_value, row.theirs_value):
                if value is not None:
                    wanted.setdefault(ref_kind, set()).add(int(value))
        if wanted and self._context.db is not None:
            self._context.ops.query(
                _names_of,
                wanted,
                label="Reading the names of linked records…",
                on_done=self._show_record_names,
                on_error=lambda _error: None,
            )

    def _show_record_names(self, names: dict[tuple[str, int], str]) -> None:
        for row in self.rows.values():
            row.show_values(names)

    # --- choosing -------------------------------------------------------------------------------------------

    def keep_mine(self) -> None:
        self.choice = KEEP_MINE
        self.accept()

    def keep_theirs(self) -> None:
        self.choice = KEEP_THEIRS
        self.accept()

    def merge(self) -> None:
        """Shows a choice between mine and theirs beside each field; the merged values are saved from there."""
        self.picker_heading.setVisible(True)
        for row in self.rows.values():
            row.picker.setVisible(True)
        self.merge_button.setVisible(False)
        self.save_merged_button.setVisible(True)
        self.save_merged_button.setDefault(True)
        first = next(iter(self.rows.values()), None)
        if first is not None:
            first.keep_mine.setFocus()

    def save_merged(self) -> None:
        self.choice = MERGE
        self.accept()

    def values_to_save(self) -> dict[str, Any]:
        """The clerk's values to write over theirs: all of mine, none, or mine where mine was picked (and wherever
        they changed nothing)."""
        mine = self.conflict.mine
        if self.choice == KEEP_MINE:
            return dict(mine)
        if self.choice == MERGE:
            return {name: value for name, value in mine.items() if name not in self.rows or self.rows[name].keeps_mine}
        return {}
