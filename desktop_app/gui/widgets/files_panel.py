"""A record's files: drop or choose files to attach (with progress and cancel), see them in sortable columns,
preview, open, save a copy, add a version, declare one a record, or unlink a wrongly attached one (undoable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.db.engine import Database
from ...core.errors import Stopped, UserError
from ...core.files.attachments import (
    declare_record,
    list_attachments,
    open_copy_for_viewer,
    unlink_attachment,
    write_attachment,
)
from ...core.files.listing import attachment_bytes
from ...core.files.names import display_name, safe_file_name
from ...core.records.kinds import kind_named
from ..context import AppContext
from ..dialogs import messages
from ..operations import Changes
from ..tasks import TaskControl
from ..undo import UnlinkFileCommand
from .icons import icon
from .pdf_preview import PdfPreview

ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# (header, what the header's tooltip says)
FILE_COLUMNS = (
    ("Title", "The file's title; its file name too when that says something else"),
    ("Type", "What kind of file it is, read from its content"),
    ("Size", "How large the stored file is"),
    ("Pages", "How many pages a PDF has"),
    ("Text", "Whether its text could be read for searching"),
    ("Added", "The day it was attached (its time, in UTC, is in the row's tooltip)"),
    ("Declared", "A declared record can never be replaced, only superseded by a new version"),
)
TITLE, TYPE, SIZE, PAGES, TEXT, ADDED, DECLARED = range(len(FILE_COLUMNS))


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


def _title_text(attachment: dict[str, Any]) -> str:
    """The title, with the file name after it only when the name says more than the title does."""
    title = display_name(attachment["title"])
    name = attachment["display_name"]
    shown = title if name in (title, f"{title}{Path(name).suffix}") else f"{title} ({name})"
    return f"{shown} (earlier version)" if attachment.get("superseded_by_id") else shown


def _cells(attachment: dict[str, Any]) -> list[tuple[str, Any]]:
    """Each column's text and the value it sorts by."""
    pages = attachment.get("page_count")
    added = str(attachment["created_at"] or "")
    return [
        (_title_text(attachment), _title_text(attachment).casefold()),
        (_sentence_case(attachment["media_label"]), attachment["media_label"].casefold()),
        (attachment["size_text"], int(attachment["size"])),
        (str(pages) if pages else "", int(pages or 0)),
        (_sentence_case(attachment["text_state_label"]), attachment["text_state_label"].casefold()),
        (added[:10], (added, int(attachment["id"]))),
        ("Record" if attachment.get("is_record") else "", bool(attachment.get("is_record"))),
    ]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe_file(attachment: dict[str, Any]) -> str:
    """Everything the row shows, and what it cannot, in sentences (the row's tooltip)."""
    pages = f", {attachment['page_count']} pages" if attachment.get("page_count") else ""
    lines = [
        f"{display_name(attachment['title'])}",
        f"File {attachment['id']}: {attachment['display_name']}, {attachment['media_label']}, "
        f"{attachment['size_text']}{pages}.",
        f"{_sentence_case(attachment['text_state_label'])}."
        + (f" {attachment['text_note']}" if attachment.get("text_note") else ""),
        f"Added {str(attachment['created_at'] or '')[:16].replace('T', ' ')} UTC"
        + (f" by {attachment['added_by']}." if attachment.get("added_by") else "."),
    ]
    if attachment.get("superseded_by_id"):
        lines.append(f"Replaced by a newer version (file {attachment['superseded_by_id']}).")
    elif attachment.get("supersedes_id"):
        lines.append(f"The newer version of file {attachment['supersedes_id']}.")
    if attachment.get("is_record"):
        lines.append("Declared a record: it can never be replaced, only superseded.")
    lines.append(f"SHA-256 {attachment['sha256']}")
    return "\n".join(lines)


class FileRow(QTreeWidgetItem):
    """One file in the table; it sorts by each column's value (a size by its bytes, not its text)."""

    def __init__(self, attachment: dict[str, Any]) -> None:
        super().__init__()
        whole = describe_file(attachment)
        for column, (text, key) in enumerate(_cells(attachment)):
            self.setText(column, text)
            self.setData(column, SORT_ROLE, key)
            self.setToolTip(column, whole)
        self.setData(TITLE, ATTACHMENT_ROLE, attachment)
        self.setIcon(TITLE, icon("pdf" if attachment["media_type"] == "application/pdf" else "files"))
        if attachment.get("superseded_by_id"):
            font = self.font(TITLE)
            font.setItalic(True)
            for column in range(len(FILE_COLUMNS)):
                self.setFont(column, font)

    @property
    def attachment(self) -> dict[str, Any]:
        return dict(self.data(TITLE, ATTACHMENT_ROLE))

    def text(self, column: int = -1) -> str:
        """A column's text; with no column, the whole row in sentences."""
        return describe_file(self.attachment) if column < 0 else super().text(column)

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() is not None else ADDED
        mine, theirs = self.data(column, SORT_ROLE), other.data(column, SORT_ROLE)
        if mine == theirs:
            return bool(self.data(ADDED, SORT_ROLE) < other.data(ADDED, SORT_ROLE))
        return bool(mine < theirs)


class FileTable(QTreeWidget):
    """The record's files in columns, sortable by any of them; row numbers count in the order shown."""

    menu_wanted = Signal(QPoint)  # where, in the viewport, the chosen file's menu should show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(FILE_COLUMNS))
        self.setHeaderLabels([header for header, _tip in FILE_COLUMNS])
        for column, (_header, tip) in enumerate(FILE_COLUMNS):
            self.headerItem().setToolTip(column, tip)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setSortingEnabled(True)
        self.sortByColumn(ADDED, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(lambda *_args: self.fit_columns())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right-click chooses the row under it; the menu key keeps the chosen row and shows the menu beside it."""
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            under = self.itemAt(event.pos())
            if under is not None:
                self.setCurrentItem(under)
        current = self.currentItem()
        if current is None:
            return
        keyboard = event.reason() != QContextMenuEvent.Reason.Mouse
        self.menu_wanted.emit(self.visualItemRect(current).bottomLeft() if keyboard else event.pos())
        event.accept()

    def count(self) -> int:
        return self.topLevelItemCount()

    def item(self, row: int) -> FileRow:
        found = self.topLevelItem(row)
        assert isinstance(found, FileRow)
        return found

    def fill(self, files: list[dict[str, Any]], keep_id: int | None) -> None:
        """Shows the files, keeping the chosen one chosen when it is still there (else the first)."""
        self.clear()
        for attachment in files:
            self.addTopLevelItem(FileRow(attachment))
        rows = [self.item(row) for row in range(self.count())]
        chosen = next((row for row in rows if row.attachment["id"] == keep_id), rows[0] if rows else None)
        if chosen is not None:
            self.setCurrentItem(chosen)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its contents, the title taking what is left (but never squeezed out of sight:
        a narrow table scrolls sideways instead)."""
        for column in range(len(FILE_COLUMNS)):
            self.resizeColumnToContents(column)
        title_wants = self.columnWidth(TITLE)
        others = sum(self.columnWidth(column) for column in range(len(FILE_COLUMNS)) if column != TITLE)
        least = min(title_wants, self.fontMetrics().horizontalAdvance("M") * 12)
        self.setColumnWidth(TITLE, max(self.viewport().width() - others, least))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        """Measured again once shown: filled while its tab was hidden, it may not have had its final font yet."""
        super().showEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()


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
        self.list = FileTable()
        self.list.setAccessibleName("Files kept with this record")
        self.list.setAccessibleDescription("Right-click a file, or press the menu key, for what can be done with it")
        self.list.itemActivated.connect(lambda _item, _column: self.preview_current())
        self.list.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self.list.menu_wanted.connect(self._show_menu)
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
        self.declare_button = QPushButton("Declare a record…")
        self.declare_button.setAccessibleName("Declare the chosen file a record")
        self.declare_button.setToolTip("A declared record can never be replaced, only superseded by a new version.")
        self.declare_button.clicked.connect(self.declare_current)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setAccessibleName("Unlink the chosen file from this record")
        self.unlink_button.setToolTip(
            "Takes the file off this record; the file stays stored. Edit > Undo puts it back."
        )
        self.unlink_button.clicked.connect(self.unlink_current)
        for button in (self.add_button, self.preview_button, self.open_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        more = QHBoxLayout()
        for widget in (self.version_button, self.declare_button, self.unlink_button):
            more.addWidget(widget)
        more.addStretch(1)
        more.addWidget(self.show_versions)
        layout.addLayout(more)
        self.preview_dialog: PreviewDialog | None = None
        self.menu: QMenu | None = None  # the chosen file's menu, while it shows
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
        chosen = self.current_attachment()
        self.list.fill(files, chosen["id"] if chosen else None)
        count = len(files)
        self.hint.setText(
            "Drop files here, or choose them, to keep them with this record."
            if not count
            else f"{count} file{'s' if count != 1 else ''} kept with this record. Drop more here."
        )
        self._update_buttons()

    def current_attachment(self) -> dict[str, Any] | None:
        item = self.list.currentItem()
        return item.attachment if isinstance(item, FileRow) else None

    def _update_buttons(self) -> None:
        chosen = self.current_attachment()
        busy = self._control is not None
        self.add_button.setEnabled(self._record_id is not None and not busy)
        self.preview_button.setEnabled(chosen is not None and chosen["media_type"] == "application/pdf")
        self.open_button.setEnabled(chosen is not None)
        self.save_button.setEnabled(chosen is not None)
        self.version_button.setEnabled(chosen is not None and not chosen.get("superseded_by_id") and not busy)
        self.declare_button.setEnabled(chosen is not None and not chosen.get("is_record") and not busy)
        self.unlink_button.setEnabled(chosen is not None and not busy)

    def _show_menu(self, position: QPoint) -> None:
        menu = self.file_menu()
        menu.aboutToHide.connect(self._menu_hidden)
        self.menu = menu
        menu.popup(self.list.viewport().mapToGlobal(position))

    def _menu_hidden(self) -> None:
        self.menu = None

    def file_menu(self) -> QMenu:
        """What can be done with the chosen file, as the buttons below the table offer it."""
        menu = QMenu(self)
        menu.setAccessibleName("What to do with the chosen file")
        for button, text in (
            (self.open_button, "Open in viewer"),
            (self.preview_button, "Preview"),
            (self.save_button, "Save a copy…"),
            (self.version_button, "Add a version…"),
            (self.declare_button, "Declare a record…"),
            (self.unlink_button, "Unlink from this record"),
        ):
            action = menu.addAction(button.icon(), text, button.click)
            action.setEnabled(button.isEnabled())
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

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

    # --- declaring and unlinking ----------------------------------------------------------------------------

    def declare_current(self) -> None:
        """Declares the chosen file a record, once the clerk has confirmed (it cannot be taken back)."""
        attachment = self.current_attachment()
        if attachment is None or attachment.get("is_record"):
            return
        title = display_name(attachment["title"])
        if not messages.confirm(
            self,
            "Declare a record",
            f"Declare {title} a record? Its content can then never be replaced, only superseded by a new version. "
            "This cannot be undone.",
            "Declare a record",
        ):
            return
        self._context.ops.write(
            lambda db, _control: declare_record(db, attachment["id"]),
            _one_file_changed,
            label=f"Declaring {title} a record…",
            on_done=lambda _plain: self._context.runner.busy_changed.emit(f"{title} is now a declared record."),
        )

    def unlink_current(self) -> None:
        """Takes the chosen file off this record (it stays stored); Edit > Undo links it back."""
        attachment = self.current_attachment()
        if attachment is None or self._record_id is None:
            return
        kind_name, record_id = self._kind_name, self._record_id
        attachment_id, title = attachment["id"], display_name(attachment["title"])
        label = kind_named(kind_name).label.lower()

        def unlink(db: Database, _control: TaskControl) -> dict[str, Any]:
            return unlink_attachment(db, attachment_id, kind_name, record_id)

        def done(plain: dict[str, Any]) -> None:
            self._context.undo_stack.push(
                UnlinkFileCommand(
                    self._context,
                    attachment_id,
                    f"unlink {title} from {label} {record_id}",
                    (kind_name, record_id),
                    plain["unlinked"],
                )
            )
            self._context.runner.busy_changed.emit(
                f"Unlinked {title} from this {label}; the file stays stored (Undo puts it back)."
            )

        self._context.ops.write(unlink, _one_file_changed, label=f"Unlinking {title}…", on_done=done)


def _one_file_changed(attachment: dict[str, Any]) -> Changes:
    return Changes.of("attachment", int(attachment["id"]))
