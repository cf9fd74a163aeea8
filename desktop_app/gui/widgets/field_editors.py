"""One editor widget per field type of core's field descriptions, each giving back the raw value core parses."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from ...core import vocab
from ...core.files.attachments import get_attachment
from ...core.files.names import display_name
from ...core.records import service as records
from ...core.records.fields import Field
from ...core.records.kinds import Kind, kind_named
from ...core.records.plain import describe
from ..context import AppContext


class FieldEditor(QWidget):
    """The common face of every field editor."""

    edited = Signal()

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setAccessibleName(field.label)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self


class LineEditor(FieldEditor):
    """Text, whole numbers, amounts and dates (YYYY-MM-DD) in one line."""

    PLACEHOLDERS: ClassVar[dict[str, str]] = {"date": "YYYY-MM-DD", "cents": "0.00", "int": ""}

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setAccessibleName(field.label)
        self.line.setPlaceholderText(self.PLACEHOLDERS.get(field.type, ""))
        if field.max_length and field.type == "text":
            self.line.setMaxLength(field.max_length)
        if field.type in ("date", "int", "cents"):
            self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") * 2)
        self.line.textEdited.connect(self.edited)
        layout.addWidget(self.line)
        if field.type in ("date", "int", "cents"):
            layout.addStretch(1)

    def value(self) -> Any:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        if value is None:
            self.line.setText("")
        elif self.field.type == "cents":
            self.line.setText(f"{int(value) / 100:.2f}")
        elif isinstance(value, dt.date):
            self.line.setText(value.isoformat())
        else:
            self.line.setText(str(value))

    def focus_widget(self) -> QWidget:
        return self.line


class LongTextEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(field.label)
        self.text.setTabChangesFocus(True)
        lines = self.text.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(lines * 3 + 12)
        self.text.setMaximumHeight(lines * 6 + 12)
        self.text.textChanged.connect(self.edited)
        layout.addWidget(self.text)

    def value(self) -> Any:
        return self.text.toPlainText()

    def set_value(self, value: Any) -> None:
        self.text.setPlainText("" if value is None else str(value))

    def focus_widget(self) -> QWidget:
        return self.text


class FlagEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox(field.label)
        self.box.setAccessibleName(field.label)
        self.box.toggled.connect(self.edited)
        layout.addWidget(self.box)

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def focus_widget(self) -> QWidget:
        return self.box


class ChoiceEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setAccessibleName(field.label)
        if not field.required:
            self.combo.addItem("", "")
        for value, label in (field.vocabulary or {}).items():
            self.combo.addItem(label, value)
        self.combo.currentIndexChanged.connect(self.edited)
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value or "")
        self.combo.setCurrentIndex(max(0, index))

    def focus_widget(self) -> QWidget:
        return self.combo


class WordsEditor(FieldEditor):
    """A checkbox per word of the vocabulary (topics, vetting steps)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for number, (value, label) in enumerate((field.vocabulary or {}).items()):
            box = QCheckBox(label)
            box.setAccessibleName(f"{field.label}: {label}")
            box.toggled.connect(self.edited)
            self.boxes[value] = box
            layout.addWidget(box, number // 2, number % 2)

    def value(self) -> Any:
        return [value for value, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(vocab.split_words(value) if isinstance(value, str) else value or [])
        for word, box in self.boxes.items():
            box.setChecked(word in chosen)

    def focus_widget(self) -> QWidget:
        return next(iter(self.boxes.values()), self)


class RefEditor(FieldEditor):
    """Chooses another record: a search box narrows the choices, fetched from the database as the clerk types."""

    MATCHES = 50

    def __init__(self, field: Field, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self._context = context
        self._kind = kind_named(field.ref_kind or "")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find…")
        self.search.setAccessibleName(f"Find a {self._kind.label.lower()} for {field.label}")
        self.search.setMaximumWidth(self.search.fontMetrics().horizontalAdvance("M") * 7)
        self.combo = QComboBox()
        self.combo.setAccessibleName(field.label)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(14)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.currentIndexChanged.connect(self._chosen)
        layout.addWidget(self.search)
        layout.addWidget(self.combo, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._look_up)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self._current: int | None = None
        self._filling = False
        self._looked_up = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._looked_up:
            self._look_up()

    def _look_up(self) -> None:
        if self._context.db is None:
            return
        self._looked_up = True
        text = self.search.text()
        kind_name = self._kind.name
        current = self._current

        def find(db: Any) -> list[tuple[int, str]]:
            kind = kind_named(kind_name)
            found = records.list_records(db, kind_name, records.ListQuery(text=text, limit=self.MATCHES))
            if current is not None and all(row["id"] != current for row in found):
                found.insert(0, records.get(db, kind_name, current))
            return [(row["id"], _choice_text(kind, row)) for row in found]

        self._context.ops.query(find, label="Finding records…", on_done=self._fill, on_error=lambda _error: None)

    def _fill(self, choices: list[tuple[int, str]]) -> None:
        self._filling = True
        self.combo.clear()
        if not self.field.required:
            self.combo.addItem("(none)", None)
        for record_id, text in choices:
            self.combo.addItem(f"{text} (no. {record_id})", record_id)
        index = self.combo.findData(self._current) if self._current is not None else -1
        if index < 0 and self._current is None and not self.field.required:
            index = 0
        self.combo.setCurrentIndex(index)
        self._filling = False

    def _chosen(self, _index: int) -> None:
        if not self._filling:
            self._current = self.combo.currentData()
            self.edited.emit()

    def value(self) -> Any:
        return self._current

    def set_value(self, value: Any) -> None:
        self._current = value
        index = self.combo.findData(value)
        if index >= 0:
            self._filling = True
            self.combo.setCurrentIndex(index)
            self._filling = False
        elif self.isVisible() or self._looked_up:
            self._look_up()

    def focus_widget(self) -> QWidget:
        return self.combo


def _choice_text(kind: Kind, row: dict[str, Any]) -> str:
    if kind.name == "jurisdiction" and row.get("state"):
        return f"{row['name']}, {row['state']}"
    if kind.name == "partner" and row.get("country_name"):
        native = f" ({row['native_name']})" if row.get("native_name") else ""
        return f"{row['name']}{native}, {row['country_name']}"
    return describe(kind, row)


class AttachmentRefEditor(FieldEditor):
    """Shows which stored file a field names (the letterhead image is chosen in the settings)."""

    def __init__(self, field: Field, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self._context = context
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setReadOnly(True)
        self.line.setAccessibleName(field.label)
        layout.addWidget(self.line)
        self._value: int | None = None

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        if value is None:
            self.line.setText("(none)")
            return
        self._context.ops.query(
            get_attachment,
            value,
            label="Reading a file's details…",
            on_done=lambda found: self.line.setText(display_name(found["title"]) if found else f"File {value}"),
        )


def make_editor(field: Field, context: AppContext) -> FieldEditor:
    if field.type == "longtext":
        return LongTextEditor(field)
    if field.type == "bool":
        return FlagEditor(field)
    if field.type == "choice":
        return ChoiceEditor(field)
    if field.type == "words":
        return WordsEditor(field)
    if field.type == "ref":
        if field.ref_kind == "attachment":
            return AttachmentRefEditor(field, context)
        return RefEditor(field, context)
    return LineEditor(field)
