"""Settings: where the data is kept, backups, who signs the letters, and the letterhead image."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.host.paths import DataLocation
from ...core.records.parties import home_jurisdiction
from ...core.reports.dates import DATE_STYLES, date_style
from ...core.safekeeping.backup import backups_folder, list_backups, set_backups_folder
from ..app_settings import remember_data_dir
from ..context import AppContext


def describe_backups(location: DataLocation) -> str:
    """Where backups go, how many there are and when the newest was made, in one sentence."""
    folder = backups_folder(location)
    found = list_backups(location)
    if not found:
        return f"Backups go to {folder}. There is none yet; one is made each day the program opens the records."
    newest = found[0].created_at[:16].replace("T", " ")
    return f"Backups go to {folder}: {len(found)} kept, the newest made {newest} (UTC)."


class SettingsDialog(QDialog):
    """Each section saves on its own button, through core, on the worker."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._home: dict[str, Any] | None = None
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        layout = QVBoxLayout(self)
        location = context.location

        data_box = QGroupBox("Data folder")
        data_layout = QVBoxLayout(data_box)
        self.data_dir = QLabel(str(location.data_dir))
        self.data_dir.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_dir.setAccessibleName("The data folder in use")
        self.data_dir.setWordWrap(True)
        data_layout.addWidget(self.data_dir)
        row = QHBoxLayout()
        self.data_note = QLabel("A different folder takes effect the next time the program starts.")
        self.data_note.setWordWrap(True)
        row.addWidget(self.data_note, 1)
        self.choose_data = QPushButton("Choose another folder…")
        self.choose_data.setAccessibleName("Choose another data folder")
        self.choose_data.clicked.connect(self.choose_data_folder)
        row.addWidget(self.choose_data)
        data_layout.addLayout(row)
        layout.addWidget(data_box)

        backup_box = QGroupBox("Backups")
        backup_layout = QVBoxLayout(backup_box)
        self.backup_text = QLabel("Reading the backups…")
        self.backup_text.setWordWrap(True)
        self.backup_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        backup_layout.addWidget(self.backup_text)
        row = QHBoxLayout()
        self.backup_result = QLabel("")
        self.backup_result.setWordWrap(True)
        row.addWidget(self.backup_result, 1)
        self.backup_button = QPushButton("Back up now")
        self.backup_button.setAccessibleName("Make a backup copy of the records now")
        self.backup_button.clicked.connect(self.back_up)
        self.backup_button.setEnabled(location.sqlite_path is not None)
        self.backup_folder_button = QPushButton("Choose the backups folder…")
        self.backup_folder_button.setAccessibleName("Choose the folder backups go to")
        self.backup_folder_button.clicked.connect(self.choose_backups_folder)
        self.backup_folder_button.setEnabled(location.sqlite_path is not None)
        row.addWidget(self.backup_folder_button)
        row.addWidget(self.backup_button)
        backup_layout.addLayout(row)
        layout.addWidget(backup_box)

        letters_box = QGroupBox("Letters")
        letters_form = QFormLayout(letters_box)
        self.signatory_name = QLineEdit()
        self.signatory_name.setAccessibleName("Name of who signs letters")
        self.signatory_title = QLineEdit()
        self.signatory_title.setAccessibleName("Title of who signs letters")
        letters_form.addRow("Signed by (name)", self.signatory_name)
        letters_form.addRow("Signed by (title)", self.signatory_title)
        self.save_signatory = QPushButton("Save the signatory")
        self.save_signatory.setAccessibleName("Save the signatory")
        self.save_signatory.clicked.connect(self.save_signatory_details)
        letters_form.addRow("", self.save_signatory)
        self.letterhead = QLabel("(none)")
        self.letterhead.setAccessibleName("The letterhead image in use")
        self.choose_letterhead = QPushButton("Choose an image…")
        self.choose_letterhead.setAccessibleName("Choose the letterhead image")
        self.choose_letterhead.clicked.connect(self.choose_letterhead_image)
        row_widget = QWidget()
        row = QHBoxLayout(row_widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.letterhead, 1)
        row.addWidget(self.choose_letterhead)
        letters_form.addRow("Letterhead image", row_widget)
        self.date_style = QComboBox()
        self.date_style.setAccessibleName("How letters write dates")
        self.date_style.setPlaceholderText("as the records keep it")
        for style, example in DATE_STYLES.items():
            self.date_style.addItem(example, style)
        self.date_style.setCurrentIndex(-1)
        self.date_style.activated.connect(lambda _index: self.save_date_style())
        letters_form.addRow("Dates in letters", self.date_style)
        self.letters_note = QLabel("")
        self.letters_note.setWordWrap(True)
        letters_form.addRow("", self.letters_note)
        layout.addWidget(letters_box)
        for widget in (self.signatory_name, self.signatory_title, self.save_signatory, self.choose_letterhead):
            widget.setEnabled(False)
        self.date_style.setEnabled(context.db is not None)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close the settings")
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 46, self.sizeHint().height())
        if context.db is not None:
            context.ops.query(home_jurisdiction, label="Reading the jurisdiction…", on_done=self._home_read)
        self.refresh_backups()

    def _home_read(self, home: dict[str, Any] | None) -> None:
        self._home = home
        self._context.ops.query(date_style, label="Reading the date style…", on_done=self._date_style_read)
        if home is None:
            self.letters_note.setText("Set the city or county first (it is asked on the first run).")
            return
        for widget in (self.signatory_name, self.signatory_title, self.save_signatory, self.choose_letterhead):
            widget.setEnabled(True)
        self.signatory_name.setText(home.get("signatory_name") or "")
        self.signatory_title.setText(home.get("signatory_title") or "")
        self.letterhead.setText("An image is chosen." if home.get("logo_attachment_id") else "(none)")

    def _home_saved(self, home: dict[str, Any] | None, *, note: str) -> None:
        self._home_read(home)
        self.letters_note.setText(note)

    def _date_style_read(self, style: str) -> None:
        self.date_style.setCurrentIndex(self.date_style.findData(style))

    def choose_data_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the data folder", str(self._context.location.data_dir))
        if folder:
            self.remember_data_folder(folder)

    def remember_data_folder(self, folder: str) -> None:
        remember_data_dir(folder)
        self.data_note.setText(f"From the next start the records will be read from {folder}.")

    def refresh_backups(self) -> None:
        if self._context.location.sqlite_path is None:
            self.backup_text.setText("The records are on a database server; back them up with the server's own tools.")
            return
        self._context.runner.run(
            lambda _control: describe_backups(self._context.location),
            label="Reading the backups…",
            on_done=self.backup_text.setText,
        )

    def choose_backups_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose the backups folder", str(backups_folder(self._context.location))
        )
        if folder:
            self.use_backups_folder(Path(folder))

    def use_backups_folder(self, folder: Path) -> None:
        self._context.runner.run(
            lambda _control: set_backups_folder(self._context.location, folder),
            label="Choosing the backups folder…",
            on_done=lambda _folder: self.refresh_backups(),
            on_error=self._backup_failed,
        )

    def back_up(self) -> None:
        self.backup_button.setEnabled(False)
        # Into the backups folder: copies asked for by the clerk are never rotated away.
        self._context.ops.back_up(
            None,
            label="Making a backup copy…",
            on_done=lambda info: self._backed_up(Path(info.path)),
            on_error=self._backup_failed,
        )

    def _backed_up(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.backup_result.setText(f"Backed up to {path.name}.")
        self.refresh_backups()
        self._context.runner.busy_changed.emit(f"Backed up the records to {path}.")

    def _backup_failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self._context.runner.unhandled_error.emit(error)

    def save_signatory_details(self) -> None:
        if self._home is None:
            return
        changes = {"signatory_name": self.signatory_name.text(), "signatory_title": self.signatory_title.text()}
        self._context.ops.update_record(
            "jurisdiction",
            self._home["id"],
            changes,
            label="Saving the signatory…",
            on_done=functools.partial(self._home_saved, note="The signatory is saved."),
        )

    def choose_letterhead_image(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the letterhead image", "", "Images (*.png *.jpg *.jpeg)")
        if name:
            self.use_letterhead(Path(name))

    def use_letterhead(self, path: Path) -> None:
        if self._home is None:
            return
        self._context.ops.set_letterhead(
            path,
            label="Keeping the letterhead image…",
            on_done=functools.partial(self._home_saved, note="The letterhead image is saved."),
        )

    def save_date_style(self) -> None:
        style = self.date_style.currentData()
        if style is None:
            return
        self.date_style.setEnabled(False)
        self._context.ops.set_date_style(
            str(style),
            label="Saving how letters write dates…",
            on_done=self._date_style_saved,
            on_error=self._date_style_failed,
        )

    def _date_style_saved(self, style: str) -> None:
        self.date_style.setEnabled(True)
        self.letters_note.setText(f"Letters now write dates like {DATE_STYLES[style].split(' (')[0]}.")

    def _date_style_failed(self, error: BaseException) -> None:
        self.date_style.setEnabled(True)
        self._context.runner.unhandled_error.emit(error)
