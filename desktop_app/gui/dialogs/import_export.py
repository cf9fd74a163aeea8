"""The File menu's import and export: a partnership table previewed, then imported whole; records file; CSV list."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Stopped, UserError
from ..operations import EVERYTHING
from ..widgets.colours import overdue_red
from . import messages

if TYPE_CHECKING:
    from ...core.db.engine import Database
    from ...core.interchange.import_preview import ImportPreview
    from ...core.interchange.importing import ImportReport
    from ..context import AppContext
    from ..tasks import TaskControl

TABLE_FILTER = "Tables (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx);;All files (*)"
RECORDS_FILE_FILTER = "Records files (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv);;All files (*)"
IMPORT_STOPPED = "Stopped; nothing was imported."
EXPORT_STOPPED = "Stopped; no file was written."


# --- the work, run on the records worker ---------------------------------------------------------------------


def _preview(db: Database, path: Path) -> ImportPreview:
    from ...core.interchange.import_preview import preview_import

    return preview_import(db, path)


def _import(path: Path, db: Database, control: TaskControl) -> ImportReport:
    from ...core.interchange.importing import import_file

    return import_file(db, path, progress=control.progress, cancel=lambda: control.cancelled)


def _export_records(db: Database, path: Path, personal: bool, steering: Steering) -> str:
    from ...core.interchange.records_file import export_records_file

    return export_records_file(
        db, path, include_personal_data=personal, progress=steering.report, cancel=steering.stop_requested
    )


def _export_csv(db: Database, kind_name: str, path: Path, personal: bool, steering: Steering) -> str:
    from ...core.interchange.csv_export import export_csv

    result = export_csv(
        db, kind_name, path, include_personal_data=personal, progress=steering.report, cancel=steering.stop_requested
    )
    return result.sentence()


def _csv_kinds() -> list[tuple[str, str]]:
    """(label, kind name) of every kind a list can be written of, for the chooser."""
    from ...core.records.kinds import KINDS

    return [(kind.plural.replace("_", " ").capitalize(), kind.name) for kind in KINDS]


class Steering(QObject):
    """Progress and Stop for work that only reads the records: the worker reports through a signal, the clerk stops."""

    progressed = Signal("qlonglong", "qlonglong")  # type: ignore[arg-type]  # 64-bit counts, as the worker's

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)  # from the worker: delivered on the main thread


# --- shared parts --------------------------------------------------------------------------------------------


class WorkRow(QWidget):
    """A progress bar and a Stop button while work runs, and one sentence saying what happened."""

    stop_clicked = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(f"Progress of {what}")
        self.bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setAccessibleName(f"Stop {what}")
        self.stop_button.clicked.connect(self.stop_clicked)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What happened")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.bar)
        row.addWidget(self.stop_button)
        row.addWidget(self.status, 1)
        self.finish("")

    def start(self, text: str, *, stoppable: bool = True) -> None:
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.show()
        self.stop_button.setVisible(stoppable)
        self.status.setText(text)

    def progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(min(done, total))

    def finish(self, text: str) -> None:
        self.bar.hide()
        self.stop_button.hide()
        self.status.setText(text)


def _failure_sentence(parent: QWidget, context: AppContext, error: BaseException, stopped: str) -> str:
    """The sentence for a failure; an unexpected error is also shown (and logged) the window's one way."""
    if isinstance(error, Stopped):
        return stopped
    if isinstance(error, UserError):
        return error.message
    messages.show_error(parent, error, context.log_path)
    return messages.error_text(error, context.log_path)[1]


def _button(text: str, name: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(slot)
    return button


# --- importing partnerships ----------------------------------------------------------------------------------


class ImportDialog(QDialog):
    """Shows what a table of partnerships holds and what importing it would do; Import takes every row or none."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import partnerships")
        self._context = context
        self.path: Path | None = None
        self.preview: ImportPreview | None = None
        self.imported: ImportReport | None = None
        self._control: TaskControl | None = None
        self._running = False  # set before the work is queued: a runner may call back before handing its control
        self._importing = False

        self.file_label = QLabel("Choose a CSV or Excel file of partnerships.")
        self.file_label.setAccessibleName("The file to import")
        self.file_label.setWordWrap(True)
        self.choose_button = _button("&Choose a file…", "Choose a file to import", self.choose_file)
        self.summary = QLabel("")
        self.summary.setAccessibleName("What importing would do")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.columns = QLabel("")
        self.columns.setAccessibleName("Columns recognised and ignored")
        self.columns.setWordWrap(True)
        self.columns.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget()
        self.table.setAccessibleName("The first rows of the file")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.problems = QListWidget()
        self.problems.setAccessibleName("Problems, row by row")
        self.problems.hide()
        self.work = WorkRow("the import")
        self.work.stop_clicked.connect(self.stop)
        self.import_button = _button("&Import", "Import every row of the file", self.import_all)
        self.import_button.setEnabled(False)
        self.close_button = _button("Close", "Close", self.reject)
        self._lay_out()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        layout.addLayout(file_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.columns)
        layout.addWidget(self.table, 3)
        self.problems_label = QLabel("&Problems:")
        self.problems_label.setBuddy(self.problems)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.work)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 70, self.fontMetrics().height() * 34)

    @property
    def busy(self) -> bool:
        return self._running

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import partnerships", "", TABLE_FILTER)
        if name:
            self.show_preview(Path(name))

    def show_preview(self, path: Path) -> None:
        """Reads and checks the file on the worker (nothing is written) and shows what importing it would do."""
        if self.busy:
            return
        self.path, self.preview, self.imported = path, None, None
        self.file_label.setText(str(path))
        self._clear()
        self.work.start(f"Reading and checking {path.name}…", stoppable=False)  # a read, over in seconds
        self._running = True
        self._busy(True)
        self._control = self._context.ops.query(
            _preview, path, label=f"Checking {path.name}…", on_done=self._previewed, on_error=self._failed
        )

    def _clear(self) -> None:
        self.summary.setText("")
        self.columns.setText("")
        self.problems.hide()
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.problems.clear()

    def _previewed(self, preview: ImportPreview) -> None:
        self._running = False
        self.preview = preview
        self._busy(False)
        self.summary.setText(preview.summary() + (f" {preview.refused}" if preview.refused else ""))
        self.columns.setText(_columns_text(preview))
        self._fill_table(preview)
        for number, problem in preview.problems:
            self.problems.addItem(f"Row {number}: {problem}")
        self.problems_label.setText(f"&Problems ({len(preview.problems)}):" if preview.problems else "Problems: none.")
        self.problems.setVisible(bool(preview.problems))
        self.work.finish(_preview_advice(preview))
        if preview.importable:
            self.import_button.setDefault(True)
            self.import_button.setFocus()

    def _fill_table(self, preview: ImportPreview) -> None:
        """The first rows as the file has them, each row's problems first so that they are seen without scrolling."""
        headers = preview.headers
        self.table.setColumnCount(len(headers) + 1)
        self.table.setHorizontalHeaderLabels(["Problems", *(_header_label(header, preview) for header in headers)])
        self.table.setRowCount(len(preview.first_rows))
        self.table.setVerticalHeaderLabels([f"Row {number}" for number, _cells in preview.first_rows])
        red = QBrush(QColor(overdue_red()))
        for position, (number, cells) in enumerate(preview.first_rows):
            found = preview.problems_of_row(number)
            item = QTableWidgetItem(" ".join(found) if found else "none")
            if found:
                item.setForeground(red)
                item.setToolTip("\n".join(found))
            self.table.setItem(position, 0, item)
            for column, cell in enumerate(cells[: len(headers)], start=1):
                self.table.setItem(position, column, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        most = self.fontMetrics().horizontalAdvance("M") * 24
        for column in range(self.table.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), most))

    def import_all(self) -> None:
        """Imports every row in one transaction; a problem found meanwhile, or Stop, leaves the records unchanged."""
        preview, path = self.preview, self.path
        if self.busy or preview is None or path is None or not preview.importable:
            return
        self._importing = self._running = True
        self._busy(True)
        self.work.start(f"Importing {preview.rows} rows from {path.name}…")
        self._control = self._context.ops.write(
            partial(_import, path),
            lambda _report: EVERYTHING,
            label=f"Importing partnerships from {path.name}…",
            on_done=self._imported,
            on_error=self._failed,
            on_progress=self.work.progress,
            initiator=self,
        )

    def _imported(self, report: ImportReport) -> None:
        self._running, self._importing, self.imported = False, False, report
        self._busy(False)
        self.import_button.setEnabled(False)
        self.summary.setText(" ".join(line for line in report.lines() if not line.startswith("Columns")))
        self.work.finish("Imported; the partnerships are in the records.")
        self.close_button.setFocus()

    def stop(self) -> None:
        if self._running and self._control is not None:
            self._control.cancel()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        stopped = IMPORT_STOPPED if self._importing else "The file was not checked."
        self._importing = False
        self._busy(False)
        self.work.finish(_failure_sentence(self, self._context, error, stopped))

    def _busy(self, busy: bool) -> None:
        self.choose_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy and self.preview is not None and self.preview.importable)

    def reject(self) -> None:
        """Closing while an import runs stops it, which keeps nothing of it."""
        self.stop()
        super().reject()


def _field_label(column: str) -> str:
    from ...core.interchange.import_preview import field_label

    return field_label(column)


def _header_label(header: str, preview: ImportPreview) -> str:
    column = preview.columns_used.get(header.strip())
    return f"{header}\n({_field_label(column)})" if column else f"{header}\n(ignored)"


def _columns_text(preview: ImportPreview) -> str:
    used = ", ".join(f"{header} → {_field_label(column)}" for header, column in preview.columns_used.items())
    text = f"Columns recognised: {used}."
    if preview.columns_ignored:
        text += f"\nColumns ignored: {', '.join(preview.columns_ignored)}."
    if preview.sheet_name is not None:
        text = f'Sheet "{preview.sheet_name}". {text}'
    return text


def _preview_advice(preview: ImportPreview) -> str:
    shown = f"The first {len(preview.first_rows)} of {preview.rows} rows are shown. "
    if preview.importable:
        return shown + "Nothing has been changed yet; Import adds every row, or none if any fails."
    if preview.problems:
        return shown + "Nothing can be imported until every row is sound: correct the file, then choose it again."
    return shown + "Nothing can be imported from this file as it is."


# --- exporting -----------------------------------------------------------------------------------------------


class ExportDialog(QDialog):
    """Where to write, what to include, then the export on the worker with progress and Stop."""

    file_filter = ""
    suggested_name = ""
    what = "the export"
    # Whether the clerk chooses to include participants' names; a package never holds them.
    offers_personal_data = True
    write_text = "&Export"

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._context = context
        self._steering: Steering | None = None
        self.written = ""
        self.destination = QLineEdit()
        self.destination.setAccessibleName("The file to write")
        self.destination.setPlaceholderText(f"e.g. {Path.home() / self.suggested_name}")
        self.choose_button = _button("C&hoose…", "Choose where to write the file", self.choose_destination)
        self.personal = QCheckBox(self.personal_text())
        self.personal.setAccessibleName(self.personal_text().replace("&", ""))
        self.work = WorkRow(self.what)
        self.work.stop_clicked.connect(self.stop)
        self.export_button = _button(self.write_text, "Write the file", self.export)
        self.export_button.setDefault(True)
        self.close_button = _button("Close", "Close", self.reject)
        self.form = QFormLayout()
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(self.choose_button)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.destination)
        self.form.addRow(file_label, where)
        self.add_options(self.form)
        if self.offers_personal_data:
            self.form.addRow("", self.personal)
        else:
            self.personal.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.work)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 48, self.sizeHint().height())

    def personal_text(self) -> str:
        return "Include &participants' names (personal data)"

    def add_options(self, form: QFormLayout) -> None:
        """Further choices, above the personal-data one."""

    def work_of(self, path: Path, steering: Steering) -> tuple[Any, ...]:
        """The function to run on the worker and its arguments after the database."""
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        return self._steering is not None

    def choose_destination(self) -> None:
        start = self.destination.text() or str(Path.home() / self.suggested_name)
        name, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), start, self.file_filter)
        if name:
            self.destination.setText(name)

    def export(self) -> None:
        text = self.destination.text().strip()
        if self.busy:
            return
        if not text:
            self.work.finish("Choose the file to write first.")
            self.destination.setFocus()
            return
        path = Path(text).expanduser()
        steering = self._steering = Steering()
        steering.progressed.connect(self.work.progress)
        self._set_busy(True)
        self.work.start(f"Writing {path.name}…")
        read, *args = self.work_of(path, steering)
        self._context.ops.query(
            read, *args, label=f"Writing {path.name}…", on_done=self._written, on_error=self._failed
        )

    def stop(self) -> None:
        if self._steering is not None:
            self._steering.stop()

    def _written(self, sentence: str) -> None:
        self._steering, self.written = None, sentence
        self._set_busy(False)
        self.work.finish(sentence)

    def _failed(self, error: BaseException) -> None:
        self._steering = None
        self._set_busy(False)
        self.work.finish(_failure_sentence(self, self._context, error, EXPORT_STOPPED))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.destination, self.choose_button, self.personal, self.export_button):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        """Closing while the file is written stops it; no half file is left."""
        self.stop()
        super().reject()


class RecordsFileExportDialog(ExportDialog):
    """Writes every record to a records file (.json), which the import reads back."""

    file_filter = RECORDS_FILE_FILTER
    suggested_name = "records.json"
    what = "the records file export"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Export the records file", parent)

    def work_of(self, path: Path, steering: Steering) -> tuple[Any, ...]:
        return _export_records, path, self.personal.isChecked(), steering


class CsvExportDialog(ExportDialog):
    """Writes one kind of record as a spreadsheet-safe CSV list."""

    file_filter = CSV_FILTER
    suggested_name = "partnerships.csv"
    what = "the CSV export"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Export a list as CSV", parent)

    def add_options(self, form: QFormLayout) -> None:
        self.kind = QComboBox()
        self.kind.setAccessibleName("The kind of record to list")
        for label, kind_name in _csv_kinds():
            self.kind.addItem(label, kind_name)
        self.kind.setCurrentIndex(max(0, self.kind.findData("partnership")))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow("&List:", self.kind)

    def personal_text(self) -> str:
        return "Include &personal data (participants' names)"

    def _kind_changed(self) -> None:
        """The file name suggested follows the kind chosen."""
        self.suggested_name = f"{self.kind.currentText().lower().replace(' ', '_')}.csv"
        self.destination.setPlaceholderText(f"e.g. {Path.home() / self.suggested_name}")

    def work_of(self, path: Path, steering: Steering) -> tuple[Any, ...]:
        return _export_csv, str(self.kind.currentData()), path, self.personal.isChecked(), steering


# --- the File menu's entries ---------------------------------------------------------------------------------


def import_partnerships(parent: QWidget, context: AppContext) -> ImportDialog:
    """File > Import partnerships…: asks for the file, then shows its preview."""
    dialog = ImportDialog(context, parent)
    dialog.open()
    dialog.choose_file()
    return dialog


def export_records_file(parent: QWidget, context: AppContext) -> RecordsFileExportDialog:
    dialog = RecordsFileExportDialog(context, parent)
    dialog.open()
    return dialog


def export_list_as_csv(parent: QWidget, context: AppContext) -> CsvExportDialog:
    dialog = CsvExportDialog(context, parent)
    dialog.open()
    return dialog


# The File menu's entries, by name.
DIALOGS = {
    "import_partnerships": import_partnerships,
    "export_records_file": export_records_file,
    "export_list_as_csv": export_list_as_csv,
}
