"""Results of the search over everything (records and the text of their files), as the clerk types."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...core.errors import UserError
from ...core.records.kinds import kind_named
from ...core.search.query import search
from ..context import AppContext
from ..widgets.related import Navigator
from .base import RecordlessPage

RESULT_LIMIT = 50
KIND_LABELS = {"attachment": "File"}


def _kind_label(kind_name: str) -> str:
    if kind_name in KIND_LABELS:
        return KIND_LABELS[kind_name]
    try:
        return kind_named(kind_name).label
    except UserError:
        return kind_name.capitalize()


def snippet_html(snippet: str) -> str:
    """The snippet with the matched words (between « and ») in bold."""
    escaped = html.escape(snippet)
    return escaped.replace("«", "<b>").replace("»", "</b>")


def snippet_text(snippet: str) -> str:
    """The snippet as a screen reader reads it: without the marks around the words found."""
    return snippet.replace("«", "").replace("»", "")


class SearchPage(QWidget, RecordlessPage):
    """Each query runs on the worker; an answer to an older query is dropped."""

    def __init__(self, context: AppContext, navigator: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self._asked = 0
        self.query = ""
        self.results: list[dict[str, Any]] = []
        self.setAccessibleName("Search results")
        layout = QVBoxLayout(self)
        title = QLabel("Search")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.summary = QLabel("Type words in the search box to find them in every record and file.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setAccessibleName("Records and files found")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # results wrap instead
        self.list.itemActivated.connect(self._open)
        self.list.viewport().installEventFilter(self)
        layout.addWidget(self.list, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        """Each result as tall as its words wrapped at the list's width: none cut short, none padded out."""
        width = self.list.viewport().width()
        for row in range(self.list.count()):
            item = self.list.item(row)
            label = self.list.itemWidget(item)
            if label is not None:
                item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def run(self, query: str) -> None:
        self._asked += 1
        asked = self._asked
        self.query = query
        self.summary.setText(f"Searching for {query!r}…")
        self._context.ops.query(
            search,
            query,
            limit=RESULT_LIMIT,
            label="Searching…",
            on_done=lambda results: self._show(asked, results),
            on_error=lambda error: self._failed(asked, error),
        )

    def _show(self, asked: int, results: list[dict[str, Any]]) -> None:
        if asked != self._asked:
            return
        self.results = results
        self.list.clear()
        for result in results:
            where = ""
            if result.get("belongs_to"):
                where = " – kept with " + ", ".join(link["title"] for link in result["belongs_to"][:3])
            heading = f"{_kind_label(result['record_kind'])}: {result['title']}{where}"
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, result)
            label = QLabel(f"<b>{html.escape(heading)}</b><br>{snippet_html(result.get('snippet') or '')}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(4, 4, 4, 4)
            item.setText("")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{heading}. {snippet_text(result.get('snippet') or '')}")
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        self._fit_rows()
        count = len(results)
        more = f" (the first {RESULT_LIMIT})" if count == RESULT_LIMIT else ""
        self.summary.setText(
            f"{count} found for {self.query!r}{more}. Press Enter or double-click to open one."
            if count
            else f"Nothing in the records or their files holds {self.query!r}."
        )
        self._context.runner.busy_changed.emit(f"Search: {count} found.")

    def _failed(self, asked: int, error: BaseException) -> None:
        if asked != self._asked:
            return
        if isinstance(error, UserError):
            self.list.clear()
            self.summary.setText(error.message)
        else:
            self._context.runner.unhandled_error.emit(error)

    def _open(self, item: QListWidgetItem) -> None:
        result = item.data(Qt.ItemDataRole.UserRole)
        if not result:
            return
        if result["record_kind"] == "attachment":
            links = result.get("belongs_to") or []
            if links:
                self._navigator.open_record(links[0]["record_kind"], links[0]["record_id"])
                return
            self._navigator.open_record("files", 0)
            return
        self._navigator.open_record(result["record_kind"], result["record_id"])
