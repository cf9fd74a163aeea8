"""One editor widget per field type of core's field descriptions, each giving back the raw value core parses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Protocol, cast

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.clock import today
from ...core.dates_typed import parse_typed_date
from ...core.files.attachments import get_attachment
from ...core.files.names import display_name
from ...core.records import service as records
from ...core.records.fields import Field
from ...core.records.kinds import Kind, kind_named
from ...core.records.plain import describe
from ..context import AppContext
from .icons import icon


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


class FieldLine(QLineEdit):
    """A single-line field that shows the start of its value while the clerk is elsewhere: a long title set in it
    reads "Agreement on the establishment of…", not its last words (Qt leaves the cursor at the end)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCursorPosition(0)

    def setText(self, text: str | None) -> None:
        """A value set by the program (not typed): its start shows, unless the clerk is in the field."""
        super().setText(text)
        if not self.hasFocus():
            self.setCursorPosition(0)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # a menu or completer over it: the clerk is still here
            self.setCursorPosition(0)


class LineEditor(FieldEditor):
    """Text, whole numbers and amounts in one line."""

    PLACEHOLDERS: ClassVar[dict[str, str]] = {"cents": "e.g. 1500.00", "int": ""}

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = FieldLine()
        self.line.setAccessibleName(field.label)
        self.line.setPlaceholderText(self.PLACEHOLDERS.get(field.type, ""))
        if field.max_length and field.type == "text":
            self.line.setMaxLength(field.max_length)
        if field.type in ("int", "cents"):
            self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") * 2)
        self.line.textEdited.connect(self.edited)
        layout.addWidget(self.line)
        if field.type in ("int", "cents"):
            layout.addStretch(1)

    def value(self) -> Any:
        return self.line.text()

    def set_value(self, value: Any) -> None:
        if value is None:
            self.line.setText("")
        elif self.field.type == "cents":
            self.line.setText(f"{int(value) / 100:.2f}")
        else:
            self.line.setText(str(value))

    def focus_widget(self) -> QWidget:
        return self.line


class Check(Protocol):
    """Where a field's problem is shown: a warning sign and a sentence, hidden when the sentence is empty."""

    def show_problem(self, problem: str) -> None: ...


class ProblemLabel(QWidget):
    """A field's validation message: the style's warning sign and a sentence (no colour hard-coded)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        sign = QLabel()
        size = self.fontMetrics().height()
        sign.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.text = QLabel()
        self.text.setWordWrap(True)
        font = self.text.font()
        font.setBold(True)
        self.text.setFont(font)
        layout.addWidget(sign, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self.hide()

    def show_problem(self, problem: str) -> None:
        self.text.setText(problem)
        self.setAccessibleName(problem)
        self.setVisible(bool(problem))


def date_format(locale: QLocale) -> str:
    """The locale's short date format with the year in four digits (ISO for the neutral C locale)."""
    if locale.language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    return re.sub(r"(?<!y)yy(?!y)", "yyyy", locale.dateFormat(QLocale.FormatType.ShortFormat))


class CalendarPopup(QFrame):
    """The month calendar a date editor opens: arrows move, Enter or a click picks, Escape closes."""

    picked = Signal(object)  # a datetime.date, or None for no date

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Calendar for {label}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName(f"{label}: calendar")
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.activated.connect(self._pick)
        self.calendar.clicked.connect(self._pick)
        layout.addWidget(self.calendar)
        buttons = QHBoxLayout()
        self.today_button = QPushButton("Today")
        self.today_button.setAccessibleName(f"{label}: today")
        self.today_button.clicked.connect(lambda: self._pick(_qdate(today())))
        self.none_button = QPushButton("No date")
        self.none_button.setAccessibleName(f"{label}: no date")
        self.none_button.clicked.connect(lambda: self._pick(None))
        buttons.addWidget(self.today_button)
        buttons.addStretch(1)
        buttons.addWidget(self.none_button)
        layout.addLayout(buttons)

    def open_at(self, below: QWidget, shown: dt.date | None) -> None:
        self.calendar.setSelectedDate(_qdate(shown or today()))
        self.adjustSize()
        place = below.mapToGlobal(QPoint(0, below.height()))
        screen = below.screen().availableGeometry()
        x = max(screen.left(), min(place.x(), screen.right() - self.width()))
        y = place.y() if place.y() + self.height() <= screen.bottom() else place.y() - below.height() - self.height()
        self.move(x, max(screen.top(), y))
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def _pick(self, chosen: QDate | None) -> None:
        if not self.isVisible():  # a double click: its first click picked the day already
            return
        self.close()
        self.picked.emit(None if chosen is None else dt.date(chosen.year(), chosen.month(), chosen.day()))


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


DATE_HINT = "A date such as 3/14/2025; Alt+Down or F4 opens a calendar."


class DateEditor(FieldEditor):
    """A date typed as a US clerk writes it (3/14/25, Mar 14, 2025, 2025-03-14) or picked on a calendar (Alt+Down
    or F4); shown in the clerk's locale, given back as ISO text (empty for no date, the text itself when it is no
    date, so that core names the problem). Text in the locale's own date format is read in that format first."""

    committed = Signal()  # the clerk finished typing, or picked a day

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(2)
        self.line = FieldLine()
        self.line.setAccessibleName(field.label)
        self.line.setAccessibleDescription(DATE_HINT)
        self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("September 30, 0000") * 3 // 2)
        self.line.textEdited.connect(self.edited)
        self.line.editingFinished.connect(self._finish_typing)
        self.line.installEventFilter(self)
        self.setFocusProxy(self.line)
        self.calendar_button = QToolButton()
        self.calendar_button.setIcon(icon("calendar"))
        self.calendar_button.setAccessibleName(f"Choose {field.label} on a calendar")
        self.calendar_button.setToolTip("Choose on a calendar (Alt+Down)")
        self.calendar_button.clicked.connect(self.open_calendar)
        row.addWidget(self.line, 1)
        row.addWidget(self.calendar_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.own_check = ProblemLabel()
        layout.addWidget(self.own_check)
        self.popup = CalendarPopup(field.label, self.line)
        self.popup.picked.connect(self._picked)
        # Worded as an example, so an empty field never reads as a date already given.
        self.line.setPlaceholderText("e.g. " + self.shown(dt.date(2025, 3, 14)))
        # Never so narrow that the example is cut to "e.g. 2025-03…" (a narrow window gives the line half its row).
        metrics = self.line.fontMetrics()
        self.line.setMinimumWidth(
            metrics.horizontalAdvance(self.line.placeholderText()) + metrics.averageCharWidth() * 2
        )

    def value(self) -> Any:
        text = self.line.text().strip()
        if not text:
            return ""
        found, _problem = self._read(text)
        return found.isoformat() if found is not None else text

    def set_value(self, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            value = self._read(value.strip())[0] or value
        self.line.setText(self.shown(value) if isinstance(value, dt.date) else str(value or ""))
        self._show_problem("")

    def date(self) -> dt.date | None:
        """The date the text stands for; None when empty or no date."""
        text = self.line.text().strip()
        return self._read(text)[0] if text else None

    def problem(self) -> str:
        """Why the text is no date (empty when it is one, or empty)."""
        text = self.line.text().strip()
        return (self._read(text)[1] or "") if text else ""

    def shown(self, value: dt.date) -> str:
        """The date as the clerk's locale writes it."""
        return self.locale().toString(_qdate(value), date_format(self.locale()))

    def open_calendar(self) -> None:
        self.popup.open_at(self.line, self.date())

    def focus_widget(self) -> QWidget:
        return self.line

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.line and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            opens = event.key() == Qt.Key.Key_F4 or (
                event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if opens:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def _read(self, text: str) -> tuple[dt.date | None, str | None]:
        locale, format_ = self.locale(), date_format(self.locale())
        in_locale = locale.toDate(text, format_)
        if in_locale.isValid() and in_locale.year() >= 1000 and locale.toString(in_locale, format_) == text:
            return dt.date(in_locale.year(), in_locale.month(), in_locale.day()), None
        return parse_typed_date(self.field.label, text)

    def _finish_typing(self) -> None:
        text = self.line.text().strip()
        found, problem = self._read(text) if text else (None, None)
        if found is not None and self.line.text() != self.shown(found):
            self.line.setText(self.shown(found))
        self._show_problem(problem or "")
        self.committed.emit()

    def _picked(self, chosen: dt.date | None) -> None:
        self.line.setText(self.shown(chosen) if chosen is not None else "")
        self._show_problem("")
        self.line.setFocus(Qt.FocusReason.PopupFocusReason)
        self.edited.emit()
        self.committed.emit()

    def _show_problem(self, problem: str) -> None:
        self.line.setAccessibleDescription(problem or DATE_HINT)
        (self._form_check() or self.own_check).show_problem(problem)

    def _form_check(self) -> Check | None:
        """The check a form keeps right after this editor in the same layout (a record form's field cell)."""
        parent = self.parentWidget()
        layout = parent.layout() if parent is not None else None
        if layout is None:
            return None
        index = layout.indexOf(self)
        following = layout.itemAt(index + 1) if index >= 0 else None
        widget = following.widget() if following is not None else None
        return cast(Check, widget) if callable(getattr(widget, "show_problem", None)) else None


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

    COLUMNS = 2  # where there is room; one on a narrow form

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for value, label in (field.vocabulary or {}).items():
            box = QCheckBox(label)
            box.setAccessibleName(f"{field.label}: {label}")
            box.toggled.connect(self.edited)
            self.boxes[value] = box
        self.columns = 0
        self._arrange(self.COLUMNS)

    def _arrange(self, columns: int) -> None:
        """The boxes in reading order, ``columns`` to a row (the order Tab follows stays the words' order)."""
        if columns == self.columns:
            return
        self.columns = columns
        for box in self.boxes.values():
            self.grid.removeWidget(box)
        for number, box in enumerate(self.boxes.values()):
            self.grid.addWidget(box, number // columns, number % columns)
        self.updateGeometry()

    def _width_for(self, columns: int) -> int:
        widths = [box.sizeHint().width() for box in self.boxes.values()] or [0]
        spacing = max(self.grid.horizontalSpacing(), 0)
        return max(widths) * columns + spacing * (columns - 1)

    def minimumSizeHint(self) -> QSize:
        """One column's width: a narrow form puts the boxes under each other instead of scrolling sideways."""
        return QSize(self._width_for(1), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.COLUMNS if event.size().width() >= self._width_for(self.COLUMNS) else 1)

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
        metrics = self.search.fontMetrics()
        self.search.setMinimumWidth(metrics.horizontalAdvance("Find…") + metrics.averageCharWidth() * 2)
        self.combo = QComboBox()
        self.combo.setAccessibleName(field.label)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(14)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.currentIndexChanged.connect(self._chosen)
        self.combo.currentTextChanged.connect(self.combo.setToolTip)  # whole, where a narrow form cuts it
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
        self.line = FieldLine()
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
    if field.type == "date":
        return DateEditor(field)
    if field.type == "ref":
        if field.ref_kind == "attachment":
            return AttachmentRefEditor(field, context)
        return RefEditor(field, context)
    return LineEditor(field)
