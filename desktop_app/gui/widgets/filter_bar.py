"""The filter bar above a list: kind, status, topic, country, a date range and text, applied in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QMargins, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QWidget,
)

from ...core import vocab
from ...core.records.kinds import kind_named
from ...core.records.parties import partner_countries
from ...core.records.service import ListQuery
from ..context import AppContext

FILTER_CHOICES = ("kind", "status", "risk_level", "visa_category", "role")
DATE_FIELDS = {
    "partnership": "established_on",
    "agreement": "signed_on",
    "activity": "starts_on",
    "policy": "adopted_on",
    "oversight": "action_on",
    "inquiry": "received_on",
    "response": "letter_date",
}
_NO_DATE = QDate(1900, 1, 1)
DEBOUNCE_MS = 250
TEXT_MIN_EMS = 14  # the words box never narrower than this; the rest of its line goes to it


class _FilterDate(QDateEdit):
    """A date box Tab leaves, as it leaves every other control: the arrow keys move between its parts."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class FlowLayout(QLayout):
    """Lays its items out in a row, wrapping onto further rows when the width runs out; on each row, the room
    left goes to the items that expand horizontally (the words box), so no item is squeezed below its size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def height_for(self, width: int) -> int:
        """The height the items take, wrapped at ``width``. (Not Qt's height-for-width, which a scroll area holding
        the bar would answer with the page's preferred height rather than its smallest.)"""
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        spacing = self._spacing()
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + spacing * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size.grownBy(self.contentsMargins())

    def _spacing(self) -> int:
        spacing = self.spacing()
        if spacing >= 0:
            return spacing
        parent = self.parentWidget()
        style = parent.style() if parent is not None else None
        return style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing) if style is not None else 6

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _rows(self, width: int) -> list[list[QLayoutItem]]:
        spacing, used = self._spacing(), 0
        rows: list[list[QLayoutItem]] = []
        row: list[QLayoutItem] = []
        for item in self._shown():
            needed = item.sizeHint().width() + (spacing if row else 0)
            if row and used + needed > width:
                rows.append(row)
                row, used = [], 0
                needed = item.sizeHint().width()
            row.append(item)
            used += needed
        if row:
            rows.append(row)
        return rows

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Places the items in ``rect`` (when ``place``); returns the height they take."""
        area = rect.marginsRemoved(self.contentsMargins())
        spacing, y = self._spacing(), area.y()
        rows = self._rows(area.width())
        for row in rows:
            height = max(item.sizeHint().height() for item in row)
            if place:
                self._place_row(row, QRect(area.x(), y, area.width(), height), spacing)
            y += height + spacing
        used = y - area.y() - (spacing if rows else 0)
        margins: QMargins = self.contentsMargins()
        return used + margins.top() + margins.bottom()

    @staticmethod
    def _place_row(row: list[QLayoutItem], line: QRect, spacing: int) -> None:
        widths = [min(item.sizeHint().width(), line.width()) for item in row]
        room = line.width() - sum(widths) - spacing * (len(row) - 1)
        growing = [n for n, item in enumerate(row) if item.expandingDirections() & Qt.Orientation.Horizontal]
        for n in growing:
            widths[n] += max(0, room) // len(growing)
        x = line.x()
        for item, width in zip(row, widths, strict=True):
            height = min(item.sizeHint().height(), line.height())
            top = line.y() + (line.height() - height) // 2
            item.setGeometry(QRect(QPoint(x, top), QSize(width, height)))
            x += width + spacing


class FilterBar(QWidget):
    """Emits ``changed`` (debounced while typing) whenever the clerk narrows or widens the list."""

    changed = Signal()

    def __init__(self, context: AppContext, kind_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.kind = kind_named(kind_name)
        layout = self._flow = FlowLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combos: dict[str, QComboBox] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.changed)

        self.text = QLineEdit()
        self.text.setPlaceholderText(f"Filter {self.kind.plural}…")
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName(f"Filter the {self.kind.plural} by words")
        self.text.textChanged.connect(lambda _text: self._timer.start())
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.text.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * TEXT_MIN_EMS)
        layout.addWidget(self.text)

        for name in FILTER_CHOICES:
            if name not in self.kind.field_names:
                continue
            field = self.kind.field(name)
            combo = self._combo(f"Any {field.label.lower()}", field.vocabulary or {}, f"Show only this {field.label}")
            self.combos[name] = combo
            layout.addWidget(combo)
        if "topics" in self.kind.field_names:
            self.combos["topics"] = self._combo("Any topic", vocab.TOPICS, "Show only records on this topic")
            layout.addWidget(self.combos["topics"])
        self.country: QComboBox | None = None
        self.unconfirmed: QCheckBox | None = None
        if self.kind.name == "partnership":
            self.country = self._combo("Any country", {}, "Show only partnerships with this country")
            layout.addWidget(self.country)
            self.unconfirmed = QCheckBox("Unconfirmed only")
            self.unconfirmed.setAccessibleName("Show only partnerships not yet confirmed by the clerk")
            self.unconfirmed.toggled.connect(self.changed)
            layout.addWidget(self.unconfirmed)

        self.date_field = DATE_FIELDS.get(self.kind.name)
        self.date_from = self.date_to = None
        if self.date_field:
            label = self.kind.field(self.date_field).label
            self.date_from = self._date_edit(f"{label}: from")
            self.date_to = self._date_edit(f"{label}: to")
            layout.addWidget(self._date_range(label, self.date_from, self.date_to))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Takes the height of the rows the filters wrap onto at this width."""
        super().resizeEvent(event)
        height = self._flow.height_for(event.size().width())
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    @staticmethod
    def _date_range(label: str, date_from: QDateEdit, date_to: QDateEdit) -> QWidget:
        """The date range, as "Signed on: [from] to [to]", kept on one line when the bar wraps."""
        group = QWidget()
        row = QHBoxLayout(group)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(f"{label}:"))
        row.addWidget(date_from)
        row.addWidget(QLabel("to"))
        row.addWidget(date_to)
        group.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return group

    def _combo(self, any_text: str, choices: dict[str, str], accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        combo.addItem(any_text, "")
        for value, label in choices.items():
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _date_edit(self, accessible: str) -> QDateEdit:
        edit = _FilterDate()
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText("any date")
        edit.setDate(_NO_DATE)
        edit.dateChanged.connect(lambda _date: self._timer.start())
        return edit

    def refresh_countries(self) -> None:
        if self.country is None or self._context.db is None:
            return
        self._context.ops.query(partner_countries, label="Reading the countries…", on_done=self._fill_countries)

    def _fill_countries(self, countries: list[tuple[str, str]]) -> None:
        assert self.country is not None
        current = self.country.currentData()
        self.country.blockSignals(True)
        while self.country.count() > 1:
            self.country.removeItem(1)
        for _code, name in countries:
            self.country.addItem(name, name)
        self.country.setCurrentIndex(max(0, self.country.findData(current)))
        self.country.blockSignals(False)

    def set_text(self, text: str) -> None:
        self.text.setText(text)

    @staticmethod
    def _date(edit: QDateEdit | None) -> dt.date | None:
        if edit is None or edit.date() == _NO_DATE:
            return None
        return dt.date.fromisoformat(edit.date().toString("yyyy-MM-dd"))

    def query(self, **extra: Any) -> ListQuery:
        """The list query for the current filters (order and window are added by the list)."""
        filters: dict[str, Any] = {name: combo.currentData() for name, combo in self.combos.items()}
        if self.country is not None and self.country.currentData():
            filters["country_name"] = self.country.currentData()
        if self.unconfirmed is not None and self.unconfirmed.isChecked():
            filters["confirmed"] = False
        filters.update(extra.pop("filters", {}) or {})
        return ListQuery(
            filters={name: value for name, value in filters.items() if value not in ("", None)},
            text=self.text.text(),
            date_field=self.date_field,
            date_from=self._date(self.date_from),
            date_to=self._date(self.date_to),
            **extra,
        )
