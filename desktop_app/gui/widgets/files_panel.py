"""A record's files: drop or choose files to attach (with progress and cancel), preview, open, save a copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Stopped, UserError
from ...core.files.attachments import list_attachments, open_copy_for_viewer, write_attachment
from ...core.files.listing import attachment_bytes
from ...core.files.names import display_name, safe_file_name
from ..context import AppContext
from ..operations import Changes
from ..tasks import TaskControl
from .icons import icon
from .pdf_preview import PdfPreview


def open_in_system_viewer(context: AppContext, attachment: dict[str, Any]) -> None:
    """Writes a checked private copy (readable by the user only) and asks the system to open it."""
    context.ops.query(
        open_copy_for_viewer,
        attachment["id"],
        label=f"Opening {display_name(attachment['title'])}…",
        on_done=lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
    )


class PreviewDialog(QDialog):
    """A window showing one PDF."""

    def __init__(self, title: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(f"Preview of {title}")
        layout = QVBoxLayout(self)
        self.preview = PdfPreview()
        layout.addWidget(self.preview)
        self.preview.load_bytes(data)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 60, self.fontMetrics().height() * 45)


class FilesPanel(QWidget):
    """The files linked to one record; files dropped anywhere on it are attached to that record."""

    attached = Signal(dict)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._kind_name = ""
        self._record_id: int | None = None
        self._control: TaskControl | None = None
        self._waiting: list[Path] = []
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel("Drop files here, or choose them, to keep them with this record.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.list = QListWidget()
        self.list.setAccessibleName("Files kept with this record")
        self.list.itemDoubleClicked.connect(lambda _item: self.preview_current())
        self.list.currentItemChanged.connect(lambda *_args: self._update_buttons())
        layout.addWidget(self.list, 1)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress of the file being attached")
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("Stop")
        self.cancel_button.setAccessibleName("Stop attaching files")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        self._show_progress(False)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(icon("attach"), "Add files…")
        self.add_button.setAccessibleName("Choose files to attach to this record")
        self.add_button.clicked.connect(self.choose_files)
        self.preview_button = QPushButton(icon("pdf"), "Preview")
        self.preview_button.setAccessibleName("Preview the chosen file")
        self.preview_button.clicked.connect(self.preview_current)
        self.open_button = QPushButton(icon("open-external"), "Open in viewer")
        self.open_button.setAccessibleName("Open the chosen file in the system's viewer")
        self.open_button.clicked.connect(self.open_current)
        self.version_button = QPushButton("New version…")
        self.version_button.setAccessibleName("Add a new version of the chosen file")
        self.version_button.clicked.connect(self.choose_version)
        self.show_versions = QCheckBox("Show earlier versions")
        self.show_versions.setAccessibleName("Show the earlier versions of the files")
        self.show_versions.toggled.connect(lambda _on: self.refresh())
        self.save_button = QPushButton("Save a copy…")
        self.save_button.setAccessibleName("Save a copy of the chosen file")
        self.save_button.clicked.connect(self.save_copy)
        for button in (self.add_button, self.preview_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        more = QHBoxLayout()
        for widget in (self.version_button, self.save_button):
            more.addWidget(widget)
        more.addStretch(1)
        more.addWidget(self.show_versions)
        layout.addLayout(more)
        self.preview_dialog: PreviewDialog | None = None
        context.ops.changed.connect(self._changed)
        self._update_buttons()

    # --- which record ---------------------------------------------------------------------------------------

    def show_for(self, kind_name: str, record_id: int | None) -> None:
        self._kind_name, self._record_id = kind_name, record_id
        self.list.clear()
        self.setEnabled(record_id is not None)
        self._update_buttons()
        if record_id is not None:
            self.refresh()

    def refresh(self) -> None:
        if self._record_id is None:
            return
        kind_name, record_id = self._kind_name, self._record_id
        self._context.ops.query(
            list_attachments,
            kind_name,
            record_id,
            include_superseded=self.show_versions.isChecked(),
            label="Reading the record's files…",
            on_done=lambda files: self._fill(kind_name, record_id, files),
        )

    def _fill(self, kind_name: str, record_id: int, files: list[dict[str, Any]]) -> None:
        if (kind_name, record_id) != (self._kind_name, self._record_id):
            return
        self.list.clear()
        for attachment in files:
            pages = f", {attachment['page_count']} pages" if attachment.get("page_count") else ""
            notes = [attachment["text_state_label"]]
            if attachment.get("superseded_by_id"):
                notes.append(f"replaced by a newer version (file {attachment['superseded_by_id']})")
            elif attachment.get("supersedes_id"):
                notes.append(f"newer version of file {attachment['supersedes_id']}")
            if attachment.get("is_record"):
                notes.append("kept as a record: it can only be superseded")
            text = (
                f"{display_name(attachment['title'])}  "
                f"({attachment['display_name']}, {attachment['size_text']}{pages})\n"
                f"    {'; '.join(notes)}"
            )
            item = QListWidgetItem(icon("pdf" if attachment["media_type"] == "application/pdf" else "files"), text)
            item.setData(256, attachment)
            item.setToolTip(f"File {attachment['id']}: {attachment['media_label']}; SHA-256 {attachment['sha256']}")
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        count = len(files)
        self.hint.setText(
            "Drop files here, or choose them, to keep them with this record."
            if not count
            else f"{count} file{'s' if count != 1 else ''} kept with this record. Drop more here."
        )
        self._update_buttons()

    def current_attachment(self) -> dict[str, Any] | None:
        item = self.list.currentItem()
        return item.data(256) if item is not None else None

    def _update_buttons(self) -> None:
        chosen = self.current_attachment()
        busy = self._control is not None
        self.add_button.setEnabled(self._record_id is not None and not busy)
        self.preview_button.setEnabled(chosen is not None and chosen["media_type"] == "application/pdf")
        self.open_button.setEnabled(chosen is not None)
        self.save_button.setEnabled(chosen is not None)
        self.version_button.setEnabled(chosen is not None and not chosen.get("superseded_by_id") and not busy)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touches("attachment", self._kind_name):
            self.refresh()

    # --- attaching ------------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._record_id is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach(paths)

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Choose files to attach", "", "All files (*)")
        if names:
            self.attach([Path(name) for name in names])

    def attach(self, paths: list[Path]) -> None:
        """Attaches the files on the worker, all in one transaction (one bad file refuses the set)."""
        if self._record_id is None or not paths:
            return
        if self._control is not None:
            self._waiting.extend(paths)
            return
        names = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        self.progress_label.setText(f"Attaching {names}…")
        self.progress.setValue(0)
        self._show_progress(True)
        self._control = self._context.ops.attach_files(
            paths,
            self._kind_name,
            self._record_id,
            label=f"Attaching {names}…",
            on_done=self._attached,
            on_error=self._attach_failed,
            on_progress=self._progressed,
        )
        self._update_buttons()

    def _attach_next(self) -> None:
        self._control = None
        self._show_progress(False)
        self._update_buttons()
        waiting, self._waiting = self._waiting, []
        if waiting:
            self.attach(waiting)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, total))

    def _attached(self, attachments: list[dict[str, Any]]) -> None:
        names = ", ".join(attachment["display_name"] for attachment in attachments)
        self._context.runner.busy_changed.emit(f"Attached {names}.")
        for attachment in attachments:
            self.attached.emit(attachment)
        self._attach_next()

    def _attach_failed(self, error: BaseException) -> None:
        self._waiting.clear()
        if isinstance(error, Stopped):
            self._context.runner.busy_changed.emit("Stopped: the files were not attached and nothing was stored.")
        else:
            self._context.runner.unhandled_error.emit(error)
        self._attach_next()

    def cancel(self) -> None:
        self._waiting.clear()
        if self._control is not None:
            self._control.cancel()

    def _show_progress(self, shown: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(shown)

    @property
    def busy(self) -> bool:
        return self._control is not None

    # --- using a file ---------------------------------------------------------------------------------------

    def preview_current(self) -> None:
        attachment = self.current_attachment()
        if attachment is None or attachment["media_type"] != "application/pdf":
            return
        self._context.ops.query(
            attachment_bytes,
            attachment["id"],
            label=f"Reading {display_name(attachment['title'])}…",
            on_done=lambda data: self._show_preview(display_name(attachment["title"]), data),
        )

    def _show_preview(self, title: str, data: bytes) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.close()
            self.preview_dialog.deleteLater()
        self.preview_dialog = PreviewDialog(title, data, self.window())
        if not self.preview_dialog.preview.page_count:
            self._context.runner.unhandled_error.emit(
                UserError("This PDF cannot be shown here; try the system's viewer."),
            )
            return
        self.preview_dialog.show()

    def open_current(self) -> None:
        attachment = self.current_attachment()
        if attachment is not None:
            open_in_system_viewer(self._context, attachment)

    def save_copy(self) -> None:
        attachment = self.current_attachment()
        if attachment is None:
            return
        suggested = safe_file_name(attachment.get("original_name") or "", f"file-{attachment['id']}")
        name, _ = QFileDialog.getSaveFileName(self, "Save a copy", suggested)
        if name:
            self._context.ops.query(
                write_attachment,
                attachment["id"],
                Path(name),
                label="Saving a copy…",
                on_done=lambda path: self._context.runner.busy_changed.emit(f"Saved a copy as {path}."),
            )

    def choose_version(self) -> None:
        attachment = self.current_attachment()
        if attachment is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, f"Choose the new version of {display_name(attachment['title'])}", "", "All files (*)"
        )
        if name:
            self.add_new_version(attachment["id"], Path(name))

    def add_new_version(self, attachment_id: int, path: Path) -> None:
        """Stores a file that supersedes the chosen one; the earlier version stays."""
        self._context.ops.add_version(
            attachment_id,
            path,
            label=f"Adding a new version from {path.name}…",
            on_done=lambda new: self._context.runner.busy_changed.emit(
                f"{display_name(new['title'])}: the new version is file {new['id']}."
            ),
        )
