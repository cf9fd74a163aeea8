"""Every stored file, a page at a time, with a preview of the chosen PDF beside the list."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.files.listing import attachment_bytes, attachments_page
from ...core.files.names import display_name
from ..context import AppContext
from ..operations import Changes
from ..widgets.files_panel import open_in_system_viewer
from ..widgets.icons import icon
from ..widgets.list_table import ListTable
from ..widgets.pdf_preview import PdfPreview
from ..widgets.related import Navigator
from ..widgets.table_model import Column, PagedTableModel, text_filtered_source
from .base import RecordlessPage

FILE_COLUMNS = [
    Column("id", "No.", lambda row: str(row["id"]), "id"),
    Column("title", "Title", lambda row: display_name(str(row["title"])), "title"),
    Column("original_name", "File name", lambda row: display_name(str(row["original_name"])), "original_name"),
    Column("size", "Size", lambda row: str(row["size_text"]), "size"),
    Column("text_state", "Text", lambda row: str(row["text_state_label"]), "text_state"),
    Column("created_at", "Added (UTC)", lambda row: str(row["created_at"])[:16].replace("T", " "), "created_at"),
    Column("media_type", "Type", lambda row: str(row["media_type"]), "media_type", hidden_by_default=True),
    Column("sha256", "SHA-256", lambda row: str(row["sha256"]), None, hidden_by_default=True),
]


class FilesPage(QWidget, RecordlessPage):
    """Files are added from a record's Files tab, so each one belongs to a record."""

    def __init__(self, context: AppContext, navigator: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._started = False
        self._chosen: dict[str, Any] | None = None
        self.setAccessibleName("Files page")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("Files")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        hint = QLabel("To add a file, open a record and drop the file on its Files tab.")
        hint.setWordWrap(True)
        top.addWidget(hint, 1)
        layout.addLayout(top)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by title or file name…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter the files")
        self.filter.textChanged.connect(lambda _text: self.reload())
        layout.addWidget(self.filter)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = PagedTableModel(context, FILE_COLUMNS)
        self.table = ListTable(self.model, "lists/files/header", "Stored files")
        self.table.record_selected.connect(self._chosen_changed)
        splitter.addWidget(self.table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.details = QLabel("Choose a file to see it here.")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("About the chosen file")
        right_layout.addWidget(self.details)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(icon("open-external"), "Open in viewer")
        self.open_button.setAccessibleName("Open the chosen file in the system's viewer")
        self.open_button.clicked.connect(self.open_current)
        self.open_button.setEnabled(False)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        right_layout.addLayout(buttons)
        self.preview = PdfPreview()
        right_layout.addWidget(self.preview, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        context.ops.changed.connect(self._changed)

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.reload()

    def set_search_text(self, text: str) -> None:
        self.filter.setText(text)

    def reload(self) -> None:
        if not self._started:
            return
        self.model.set_source(text_filtered_source(attachments_page, "id", self.filter.text()))

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("attachment"):
            self.reload()

    def _chosen_changed(self, attachment: dict[str, Any] | None) -> None:
        self._chosen = attachment
        self.open_button.setEnabled(attachment is not None)
        self.preview.clear()
        if attachment is None:
            self.details.setText("Choose a file to see it here.")
            return
        pages = f", {attachment['page_count']} pages" if attachment.get("page_count") else ""
        version = ""
        if attachment.get("superseded_by_id"):
            version = f" A newer version is file {attachment['superseded_by_id']}."
        elif attachment.get("supersedes_id"):
            version = f" It replaces file {attachment['supersedes_id']}."
        self.details.setText(
            f"<b>{html.escape(display_name(attachment['title']))}</b> ({html.escape(attachment['display_name'])}, "
            f"{attachment['size_text']}{pages})"
            f"<br>{html.escape(attachment['text_state_label'])}. "
            f"Added by {html.escape(attachment['added_by'] or 'unknown')}.{version}"
            f"<br>SHA-256 {attachment['sha256']}"
        )
        if attachment["media_type"] == "application/pdf":
            attachment_id = attachment["id"]
            self._context.ops.query(
                attachment_bytes,
                attachment_id,
                label=f"Reading {display_name(attachment['title'])}…",
                on_done=lambda data: self._show(attachment_id, data),
            )

    def _show(self, attachment_id: int, data: bytes) -> None:
        if self._chosen is not None and self._chosen["id"] == attachment_id:
            self.preview.load_bytes(data)

    def open_current(self) -> None:
        if self._chosen is not None:
            open_in_system_viewer(self._context, self._chosen)
