"""The filter bar above a list: kind, status, topic, country, a date range and text, applied in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

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


class FilterBar(QWidget):
    """Emits ``changed`` (debounced while typing) whenever the clerk narrows or widens the list."""

    changed = Signal()

    def __init__(self, context: AppContext, kind_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.kind = kind_named(kind_name)
        layout = QHBoxLayout(self)
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
        layout.addWidget(self.text, 2)

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
            layout.addWidget(QLabel(f"{label}:"))
            self.date_from = self._date_edit(f"{label}: from")
            self.date_to = self._date_edit(f"{label}: to")
            layout.addWidget(self.date_from)
            layout.addWidget(QLabel("to"))
            layout.addWidget(self.date_to)

    def _combo(self, any_text: str, choices: dict[str, str], accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        combo.addItem(any_text, "")
        for value, label in choices.items():
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _date_edit(self, accessible: str) -> QDateEdit:
        edit = QDateEdit()
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
