"""The right-hand side of a list: the record's form, its files, and the records linked to it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.records import service as records
from ...core.records.inquiries import get_inquiry
from ...core.records.kinds import kind_named
from ..context import AppContext
from ..dialogs.status_change import StatusChangeDialog
from .files_panel import FilesPanel
from .icons import icon
from .law_screening import LawScreeningPanel
from .record_form import RecordForm
from .related import Navigator, RelatedList
from .timeline import Timeline

FILE_KINDS = ("partnership", "agreement", "activity", "policy", "oversight", "inquiry", "response")
RELATED = {
    "partnership": (("agreement", "partnership_id"), ("activity", "partnership_id"), ("oversight", "partnership_id")),
    "activity": (("participant", "activity_id"),),
}


TAB_PADDING = 7  # pixels each side of a tab's label: the style's own leaves too little room for every tab


class StatusHistory(QTableWidget):
    """A partnership's status changes, oldest first."""

    HEADERS = ("Date", "From", "To", "Reason", "Legal basis", "Evidence")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        self.setAccessibleName("Status history")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def fill(self, changes: list[dict[str, Any]]) -> None:
        self.setRowCount(len(changes))
        for row, change in enumerate(changes):
            values = (
                change["changed_on"].isoformat() if change["changed_on"] else "",
                vocab.label(vocab.PARTNERSHIP_STATUSES, change["from_status"]) or "(new)",
                vocab.label(vocab.PARTNERSHIP_STATUSES, change["to_status"]),
                change["reason"],
                change["legal_basis"],
                f"File {change['evidence_attachment_id']}" if change["evidence_attachment_id"] else "",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value if len(value) > 30 else "")
                self.setItem(row, column, item)
        self.resizeColumnsToContents()


class QuestionsEditor(QWidget):
    """An inquiry's questions, each with its short title and topics; they can be changed until a response exists."""

    FIRST_TOPIC = 2  # the columns: question, short title, then one per topic

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._inquiry_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel("One question a row, in order; tick the topics each question is about.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.topics = list(vocab.TOPICS)
        self.table = QTableWidget(0, self.FIRST_TOPIC + len(self.topics))
        self.table.setAccessibleName("Questions of the inquiry")
        self.table.setHorizontalHeaderLabels(["Question", "Short title", *vocab.TOPICS.values()])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(icon("new"), "Add a question")
        self.add_button.setAccessibleName("Add a question")
        self.add_button.clicked.connect(lambda: self._add_row("", "", ""))
        self.remove_button = QPushButton(icon("delete"), "Remove the question")
        self.remove_button.setAccessibleName("Remove the chosen question")
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.save_button = QPushButton(icon("save"), "Save the questions")
        self.save_button.setAccessibleName("Save the questions")
        self.save_button.clicked.connect(self.save)
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.setEnabled(False)

    def show_for(self, inquiry_id: int | None) -> None:
        self._inquiry_id = inquiry_id
        self.table.setRowCount(0)
        self.setEnabled(inquiry_id is not None)
        if inquiry_id is not None:
            self._context.ops.query(get_inquiry, inquiry_id, label="Reading the questions…", on_done=self._fill)

    def _fill(self, inquiry: dict[str, Any]) -> None:
        if inquiry["id"] != self._inquiry_id:
            return
        self.table.setRowCount(0)
        for question in inquiry["questions"]:
            self._add_row(question["text"], question["short_title"], question["topics"])
        self.table.resizeRowsToContents()

    def _add_row(self, text: str, short_title: str, topics: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(text))
        self.table.setItem(row, 1, QTableWidgetItem(short_title))
        chosen = set(vocab.split_words(topics))
        for column, topic in enumerate(self.topics, start=self.FIRST_TOPIC):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if topic in chosen else Qt.CheckState.Unchecked)
            self.table.setItem(row, column, item)

    def questions(self) -> list[dict[str, Any]]:
        result = []
        for row in range(self.table.rowCount()):
            text_item = self.table.item(row, 0)
            title_item = self.table.item(row, 1)
            topics = [
                topic
                for column, topic in enumerate(self.topics, start=self.FIRST_TOPIC)
                if (item := self.table.item(row, column)) is not None and item.checkState() == Qt.CheckState.Checked
            ]
            result.append(
                {
                    "text": text_item.text() if text_item else "",
                    "short_title": title_item.text() if title_item else "",
                    "topics": topics,
                }
            )
        return result

    def save(self) -> None:
        if self._inquiry_id is None:
            return
        self._context.ops.set_questions(
            self._inquiry_id, self.questions(), label="Saving the questions…", on_done=self._fill
        )


class RecordDetail(QTabWidget):
    """Everything about one record in tabs; the form is always the first."""

    saved = Signal(dict)

    def __init__(self, context: AppContext, navigator: Navigator, kind_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.kind = kind_named(kind_name)
        self.setAccessibleName(f"{self.kind.label} details")
        self.setDocumentMode(True)
        # Every tab stays in sight: labels are shortened (whole in their tooltips) rather than scrolled away.
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabBar().setStyleSheet(f"QTabBar::tab {{ padding: 4px {TAB_PADDING}px; }}")
        self._tab_icons: dict[QWidget | None, QIcon] = {}
        self._icons_shown = True
        self.more_button = QToolButton()
        self.more_button.setText("More »")
        self.more_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")  # the » says it
        self.more_button.setAccessibleName("More tabs")
        self.more_button.setToolTip("The tabs there is no room for")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setMenu(QMenu(self.more_button))
        self.more_button.menu().aboutToShow.connect(self._more_menu)
        self.more_button.hide()
        self.setCornerWidget(self.more_button, Qt.Corner.TopRightCorner)
        self.currentChanged.connect(lambda _index: self._fit_tabs())
        details = QWidget()
        details_layout = QVBoxLayout(details)
        self.form = RecordForm(context, kind_name)
        self.form.saved.connect(self._saved)
        self.status_button: QPushButton | None = None
        if self.kind.name == "partnership":
            self.status_button = QPushButton(icon("status"), "Change status…")
            self.status_button.setAccessibleName("Change the partnership's status")
            self.status_button.clicked.connect(self.change_status)
            self.form.button_row.insertWidget(1, self.status_button)
        details_layout.addWidget(self.form)
        self.addTab(details, icon(kind_name), "Details")
        self.files: FilesPanel | None = None
        if self.kind.name in FILE_KINDS:
            self.files = FilesPanel(context)
            self.addTab(self.files, icon("files"), "Files")
        self.related: list[RelatedList] = []
        for related_kind, parent_field in RELATED.get(self.kind.name, ()):
            related = RelatedList(context, navigator, related_kind, parent_field)
            self.related.append(related)
            label = kind_named(related_kind).plural.capitalize()
            self.addTab(related, icon(related_kind), label)
        self.history: StatusHistory | None = None
        self.timeline: Timeline | None = None
        if self.kind.name == "partnership":
            self.history = history = StatusHistory()
            self.addTab(history, icon("status"), "History")
            self.setTabToolTip(self.count() - 1, "Status history")
            self.timeline = Timeline(context, navigator, lambda: self.setCurrentWidget(history))
            self.addTab(self.timeline, icon("audit"), "Timeline")
            self.setTabToolTip(self.count() - 1, "Status changes, agreements, activities and oversight in date order")
        self.laws: LawScreeningPanel | None = None
        if self.kind.name == "partnership":
            self.laws = LawScreeningPanel(context)
            self.laws.record_changed.connect(self._read_again)
            self.addTab(self.laws, icon("law"), "State laws")
            self.setTabToolTip(self.count() - 1, "The partnership screened against its state's laws")
        self.questions: QuestionsEditor | None = None
        if self.kind.name == "inquiry":
            self.questions = QuestionsEditor(context)
            self.addTab(self.questions, icon("inquiry"), "Questions")
        self._show_links(None)

    @property
    def record(self) -> dict[str, Any] | None:
        return self.form.record

    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        if not self.tabToolTip(index):
            self.setTabToolTip(index, self.tabText(index))
        self._tab_icons[self.widget(index)] = self.tabIcon(index)
        if not self._icons_shown:
            self.setTabIcon(index, QIcon())
        self._fit_tabs()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tabs()

    def _fit_tabs(self) -> None:
        """Every tab's label is seen whole: the icons go first, then the tabs that do not fit behind "More", which
        lists them (the tab chosen always stays in the bar). Their words matter more than their icons."""
        bar = self.tabBar()
        icon_room = self.iconSize().width() + 4  # an icon and the gap Qt leaves after it
        widths = [self._whole_width(index, icon_room) for index in range(self.count())]
        show_icons = sum(widths) + icon_room * self.count() <= self.width()
        if show_icons != self._icons_shown:
            self._icons_shown = show_icons
            for index in range(self.count()):
                self.setTabIcon(index, self._tab_icons.get(self.widget(index), QIcon()) if show_icons else QIcon())
        kept = self._tabs_kept(widths, icon_room if show_icons else 0)
        for index in range(self.count()):
            if bar.isTabVisible(index) != (index in kept):
                bar.setTabVisible(index, index in kept)
        self.more_button.setVisible(len(kept) < self.count())

    def _whole_width(self, index: int, icon_room: int) -> int:
        """A tab's width with its label whole and without its icon."""
        bar = self.tabBar()
        return bar.tabSizeHint(index).width() - (0 if bar.tabIcon(index).isNull() else icon_room)

    def _tabs_kept(self, widths: list[int], icon_room: int) -> set[int]:
        """The tabs that fit whole in the bar, in order, the one chosen always among them."""
        room = self.width()
        if sum(widths) + icon_room * len(widths) <= room:
            return set(range(len(widths)))
        room -= self.more_button.sizeHint().width()
        current = max(self.currentIndex(), 0)
        kept = {current}
        used = widths[current] + icon_room
        for index, width in enumerate(widths):
            if index != current and used + width + icon_room <= room:
                kept.add(index)
                used += width + icon_room
        return kept

    def _more_menu(self) -> None:
        """Fills the "More" menu with the tabs the bar has no room for."""
        menu = self.more_button.menu()
        menu.clear()
        bar = self.tabBar()
        for index in range(self.count()):
            if not bar.isTabVisible(index):
                action = menu.addAction(self._tab_icons.get(self.widget(index), QIcon()), self.tabText(index))
                action.setEnabled(self.isTabEnabled(index))
                action.triggered.connect(lambda _checked=False, i=index: self._choose_tab(i))

    def _choose_tab(self, index: int) -> None:
        self.setCurrentIndex(index)
        self._fit_tabs()
        self.currentWidget().setFocus(Qt.FocusReason.TabFocusReason)

    def show_record(self, record: dict[str, Any]) -> None:
        self.form.show_record(record)
        self._show_links(record)

    def start_new(self, defaults: dict[str, Any] | None = None) -> None:
        self.setCurrentIndex(0)
        self.form.start_new(defaults)
        self._show_links(None)

    def _saved(self, record: dict[str, Any]) -> None:
        self._show_links(record)
        self.saved.emit(record)

    def _show_links(self, record: dict[str, Any] | None) -> None:
        record_id = record["id"] if record else None
        for number in range(1, self.count()):
            self.setTabEnabled(number, record_id is not None)
        if self.files is not None:
            self.files.show_for(self.kind.name, record_id)
        for related in self.related:
            related.show_for(record_id)
        if self.status_button is not None:
            self.status_button.setEnabled(record_id is not None)
        if self.questions is not None:
            self.questions.show_for(record_id)
        if self.laws is not None:
            self.laws.show_for(record_id)
        if self.timeline is not None:
            self.timeline.show_for(record_id)
        if self.history is not None:
            self.history.setRowCount(0)
            if record_id is not None:
                self._context.ops.query(
                    records.status_history, record_id, label="Reading the status history…", on_done=self.history.fill
                )

    def _read_again(self, record_id: int) -> None:
        """Shows the record afresh after a change made beside the form (a termination under a state law)."""
        current = self.record
        if current is not None and current["id"] == record_id:
            self._context.ops.query(
                records.get, self.kind.name, record_id, label="Reading the record…", on_done=self._shown_again
            )

    def _shown_again(self, record: dict[str, Any]) -> None:
        current = self.record
        if current is not None and current["id"] == record["id"] and not self.form.dirty:
            self.show_record(record)

    def show_changed_elsewhere(self, record: dict[str, Any]) -> None:
        """The record shown, as someone else saved it: shown afresh, unless the form holds unsaved edits (which
        are kept, with a note saying it changed)."""
        current = self.record
        if current is None or current["id"] != record["id"] or _saved_state(current) == _saved_state(record):
            return
        if self.form.dirty:
            self.form.note_changed_elsewhere()
        else:
            self.show_record(record)

    def change_status(self) -> None:
        if self.record is None:
            return
        dialog = StatusChangeDialog(self._context, self.record, self)
        dialog.finished.connect(lambda _code: self._status_changed(dialog))
        dialog.open()

    def _status_changed(self, dialog: StatusChangeDialog) -> None:
        if dialog.result_record is not None:
            self.show_record(dialog.result_record)
        dialog.deleteLater()


def _saved_state(record: dict[str, Any]) -> tuple[Any, ...]:
    """What changes whenever a record is saved: its version, its change time, its trash mark."""
    return record.get("version"), record.get("updated_at"), record.get("deleted_at")
