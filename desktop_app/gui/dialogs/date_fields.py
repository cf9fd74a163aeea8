"""The dialogs' date fields: the shared date editor, its sentence below it, checked before core is called."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...core.records.fields import Field
from ..widgets.field_editors import DateEditor, ProblemLabel


class FittingProblemLabel(ProblemLabel):
    """A field's sentence that makes its dialog tall enough to be read whole (wrapped text needs more height)."""

    def show_problem(self, problem: str) -> None:
        super().show_problem(problem)
        if problem:
            grow_to_fit(self.window())


def grow_to_fit(window: QWidget) -> None:
    """Makes the window as tall as its laid-out content needs at its width; it never shrinks."""
    layout = window.layout()
    if layout is not None:
        layout.activate()
    needed = window.heightForWidth(window.width()) if window.hasHeightForWidth() else window.sizeHint().height()
    if needed > window.height():
        window.resize(window.width(), needed)


def date_editor(name: str, label: str, *, required: bool, shown: dt.date | None = None) -> DateEditor:
    """A date editor for a dialog's field (``label`` names it to screen readers and in its sentences).

    Its sentences show in the check that follows it in its parent's layout, or under it when none does.
    """
    editor = DateEditor(Field(name, "date", label, required=required))
    # Wide enough for the example and a date such as 12/28/2025 whatever squeezes the row.
    editor.line.setMinimumWidth(editor.line.fontMetrics().horizontalAdvance(editor.line.placeholderText() + "00"))
    if shown is not None:
        editor.set_value(shown)
    return editor


def checked_date(editor: DateEditor, check: ProblemLabel, missing: str) -> str | None:
    """The ISO date typed ("" when none), or None after showing why there is none: the dialog then sends nothing.

    ``missing`` is the sentence for an empty field that must have a date; an optional field passes "".
    """
    typed = editor.line.text().strip()
    problem = editor.problem() if typed else missing
    check.show_problem(problem)
    if problem:
        editor.line.setFocus()
        return None
    return str(editor.value())


class DateCell(QWidget):
    """A date editor with its sentence right below it, for dialogs that lay fields out in grids or rows."""

    def __init__(self, name: str, label: str, *, required: bool, shown: dt.date | None = None) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.editor = date_editor(name, label, required=required, shown=shown)
        self.check = FittingProblemLabel()  # the editor shows its own sentences here too: it is the next in the layout
        layout.addWidget(self.editor)
        layout.addWidget(self.check)
        self.setFocusProxy(self.editor)

    def checked(self, missing: str = "") -> str | None:
        """See ``checked_date``."""
        return checked_date(self.editor, self.check, missing)
