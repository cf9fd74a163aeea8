"""A partnership's timeline drawn as a vertical line of dated entries; double-click or Enter opens one's record."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ...core.records.timeline import ENTRY_KINDS, TimelineEntry, partnership_timeline
from ..context import AppContext
from .charts import series_colours
from .icons import icon
from .related import Navigator

if TYPE_CHECKING:
    from ..operations import Changes

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ICONS = {"status": "status", "agreement": "agreement", "activity": "activity", "oversight": "oversight"}
LINE_X = 96  # where the line runs: the date is written on its left, the entry on its right
DOT = 10
UNDATED = "no date"


def entry_words(entry: TimelineEntry) -> str:
    """An entry in words, as a screen reader says it."""
    when = entry.on.isoformat() if entry.on else UNDATED
    detail = f" ({entry.detail})" if entry.detail else ""
    return f"{when}, {entry.kind_label}: {entry.title}{detail}"


class TimelineDelegate(QStyledItemDelegate):
    """Draws an entry: its date, a dot in its kind's colour on the line, its icon, title and detail."""

    def sizeHint(self, option: QStyleOptionViewItem, _index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), option.fontMetrics.height() * 2 + 12)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        entry: TimelineEntry = index.data(ENTRY_ROLE)
        palette = option.palette
        rect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 2))
        painter.drawLine(rect.left() + LINE_X, rect.top(), rect.left() + LINE_X, rect.bottom())
        colour = series_colours(len(ENTRY_KINDS), palette)[list(ENTRY_KINDS).index(entry.kind)]
        painter.setBrush(colour)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 2))
        painter.drawEllipse(rect.left() + LINE_X - DOT // 2, rect.center().y() - DOT // 2, DOT, DOT)
        painter.setPen(palette.color(text_role))
        line = option.fontMetrics.height()
        date_box = QRect(rect.left() + 4, rect.top(), LINE_X - 12, rect.height())
        when = entry.on.isoformat() if entry.on else UNDATED
        painter.drawText(date_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        left = rect.left() + LINE_X + DOT + 8
        icon(KIND_ICONS[entry.kind]).paint(painter, QRect(left, rect.top() + 6, line, line))
        title_box = QRect(left + line + 6, rect.top() + 6, rect.right() - left - line - 10, line)
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        title = f"{entry.kind_label}: {entry.title}"
        painter.drawText(
            title_box,
            Qt.AlignmentFlag.AlignVCenter,
            option.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, title_box.width()),
        )
        painter.setFont(option.font)
        detail_box = QRect(left, rect.top() + 6 + line, rect.right() - left - 4, line)
        detail = option.fontMetrics.elidedText(entry.detail, Qt.TextElideMode.ElideRight, detail_box.width())
        painter.drawText(detail_box, Qt.AlignmentFlag.AlignVCenter, detail)
        painter.restore()


class Timeline(QWidget):
    """The dated records of one partnership, oldest first; a status change opens the status history."""

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator,
        show_history: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self._show_history = show_history
        self._partnership_id: int | None = None
        layout = QVBoxLayout(self)
        self.note = QLabel("Double-click an entry, or press Enter, to open its record.")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.entries = QListWidget()
        self.entries.setAccessibleName("Timeline of the partnership")
        self.entries.setItemDelegate(TimelineDelegate(self.entries))
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setUniformItemSizes(True)
        self.entries.itemActivated.connect(self._open)
        layout.addWidget(self.entries, 1)
        context.ops.changed.connect(self._changed)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if self._partnership_id is not None and changes.touches("partnership", *ENTRY_KINDS):
            self.show_for(self._partnership_id)

    def show_for(self, partnership_id: int | None) -> None:
        self._partnership_id = partnership_id
        self.entries.clear()
        if partnership_id is not None:
            self._context.ops.query(
                partnership_timeline,
                partnership_id,
                label="Reading the timeline…",
                on_done=self._fill_for(partnership_id),
            )

    def _fill_for(self, partnership_id: int) -> Callable[[list[TimelineEntry]], None]:
        def fill(entries: list[TimelineEntry]) -> None:
            if partnership_id == self._partnership_id:
                self.fill(entries)

        return fill

    def fill(self, entries: list[TimelineEntry]) -> None:
        self.entries.clear()
        for entry in entries:
            item = QListWidgetItem(entry_words(entry))
            item.setData(ENTRY_ROLE, entry)
            item.setToolTip(entry_words(entry))
            self.entries.addItem(item)
        if not entries:
            self.note.setText("Nothing dated is recorded for this partnership yet.")
        else:
            self.note.setText("Double-click an entry, or press Enter, to open its record.")

    def _open(self, item: QListWidgetItem) -> None:
        entry: TimelineEntry = item.data(ENTRY_ROLE)
        if entry.kind == "status":
            self._show_history()
        else:
            self._navigator.open_record(entry.record_kind, entry.record_id)
