"""One page per record kind: filter bar, a lazily filled table, and the chosen record's details beside it."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.db.engine import Database
from ...core.interchange.csv_export import CsvExportResult, export_csv
from ...core.records import service as records
from ...core.records.kinds import kind_named
from ...core.records.names import with_partnership_names
from ...core.records.parties import home_jurisdiction
from ..context import AppContext
from ..dialogs import messages
from ..live_updates import ELSEWHERE
from ..operations import Changes
from ..undo import TrashCommand
from ..widgets.columns import columns_for
from ..widgets.filter_bar import FilterBar
from ..widgets.icons import icon
from ..widgets.list_table import ListTable
from ..widgets.record_detail import RELATED, RecordDetail
from ..widgets.related import Navigator
from ..widgets.table_model import PagedTableModel


@dataclass(frozen=True)
class _Place:
    """Where the clerk was in a list: the record chosen, the scroll position, how many rows were read."""

    record_id: int | None
    scroll: int
    rows: int


def _rows_with_names(db: Database, kind_name: str, query: records.ListQuery) -> list[dict[str, Any]]:
    """One window of a list's rows, each with the name of the partnership it belongs to (one query for them all)."""
    return with_partnership_names(db, kind_name, records.list_records(db, kind_name, query))


OPENING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RecordListPage(QWidget):
    """The list of one kind of record, filtered and sorted in the database; a Page that edits records.

    A row the clerk clicks, or opens with Enter, is a step Back returns from (``row_opened``); rows passed with the
    arrow keys are not (as in a file manager, choosing is not going somewhere, opening is), so that running down a
    list does not fill the history, and Back returns to the row last opened.
    """

    # The record last opened on the page (None: none yet), and the record the clerk opens now.
    row_opened = Signal(object, int)

    def __init__(self, context: AppContext, navigator: Navigator, kind_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._navigator = navigator
        self.kind = kind_named(kind_name)
        self._pending_select: int | None = None
        self._new_started = False  # the form holds a new record the clerk began
        self._choice_followers: list[Callable[[], None]] = []
        self._count: int | None = None
        self._place: _Place | None = None  # where the clerk was, while the list is read again after a change elsewhere
        self.setAccessibleName(f"{self.kind.plural.capitalize()} page")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.kind.plural.capitalize())
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(f"Number of {self.kind.plural}")
        top.addWidget(self.count_label, 1)
        self.new_button = QPushButton(icon("new"), f"New {self.kind.label.lower()}")
        self.new_button.setAccessibleName(f"Add a new {self.kind.label.lower()}")
        self.new_button.clicked.connect(lambda: self.new_record({}))
        self.delete_button = QPushButton(icon("trash"), "Move to trash")
        self.delete_button.setAccessibleName(f"Move the chosen {self.kind.label.lower()} to the trash")
        self.delete_button.clicked.connect(self.trash_current)
        self.columns_button = QPushButton("Columns…")
        self.columns_button.setAccessibleName("Choose the columns to show")
        self.print_button = QPushButton(icon("print"), "Print…")
        self.print_button.setAccessibleName(f"Print the list of {self.kind.plural}")
        self.print_button.clicked.connect(self.print_list)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setAccessibleName(f"Export the {self.kind.plural} to a CSV file")
        self.export_button.clicked.connect(self.export_csv)
        for button in (self.new_button, self.delete_button, self.columns_button, self.print_button):
            top.addWidget(button)
        top.addWidget(self.export_button)
        layout.addLayout(top)

        self.filters = FilterBar(context, kind_name)
        self.filters.changed.connect(self.reload)
        layout.addWidget(self.filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.model = PagedTableModel(context, columns_for(kind_name, with_partnership=True))
        # "table", not the former "header": the columns changed, so a header kept before would misplace them.
        self.table = ListTable(self.model, f"lists/{kind_name}/table", f"List of {self.kind.plural}")
        self.table.row_menu_requested.connect(self._show_row_menu)
        self.columns_button.clicked.connect(
            lambda: self.table.column_menu().exec(
                self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())
            )
        )
        self.table.record_selected.connect(self._selected)
        self._opened_id: int | None = None  # the record last opened here: by a click, Enter, Back, or on arriving
        self.table.viewport().installEventFilter(self)
        self.table.installEventFilter(self)
        self.model.page_loaded.connect(self._page_loaded)
        self.detail = RecordDetail(context, navigator, kind_name)
        self.detail.saved.connect(self._saved)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        state = QSettings().value(f"lists/{kind_name}/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        else:
            em = self.fontMetrics().horizontalAdvance("M")
            self.splitter.setSizes([em * 50, em * 40])
        self.splitter.splitterMoved.connect(
            lambda *_args: QSettings().setValue(f"lists/{kind_name}/splitter", self.splitter.saveState())
        )
        self.body = QStackedWidget()
        self.body.addWidget(self.splitter)
        self.body.addWidget(self._empty_state())
        layout.addWidget(self.body, 1)
        context.ops.changed.connect(self._changed)
        self._update_buttons()
        self._started = False

    def _empty_state(self) -> QWidget:
        """What an empty list shows instead of a blank form: a sentence, and the button that adds the first."""
        empty = QWidget()
        empty.setAccessibleName(f"No {self.kind.plural}")
        layout = QVBoxLayout(empty)
        layout.addStretch(1)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName(f"About the empty list of {self.kind.plural}")
        layout.addWidget(self.empty_label)
        self.empty_new_button = QPushButton(icon("new"), f"New {self.kind.label.lower()}…")
        self.empty_new_button.setAccessibleName(f"Add the first {self.kind.label.lower()}")
        self.empty_new_button.clicked.connect(lambda: self.new_record({}))
        layout.addWidget(self.empty_new_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return empty

    @property
    def showing_empty_state(self) -> bool:
        return self.body.currentIndex() == 1

    def _show_empty_state(self, empty: bool) -> None:
        label = self.kind.label.lower()
        if self._filtered():
            sentence = f"No {label} matches the filters. Change or clear them to see more."
        else:
            sentence = f"No {label} is recorded yet. Add the first one here."
        self.empty_label.setText(sentence)
        self.body.setCurrentIndex(1 if empty and not self._new_started else 0)

    # --- loading --------------------------------------------------------------------------------------------

    def activate(self) -> None:
        """Called when the page is shown: the first time, it reads the first page of rows."""
        if not self._started:
            self._started = True
            self.filters.refresh_countries()
            self.reload()

    def reload(self) -> None:
        if not self._started:
            return
        query = self.filters.query()
        kind_name = self.kind.name

        def page(db: Any, offset: int, limit: int, order_by: str | None, descending: bool) -> list[dict[str, Any]]:
            window = replace(query, offset=offset, limit=limit, order_by=order_by, descending=descending)
            return _rows_with_names(db, kind_name, window)

        self.model.set_source(page)
        self._context.ops.query(records.count_records, kind_name, query, label="Counting…", on_done=self._counted)

    def _counted(self, count: int) -> None:
        self._count = count
        self._show_empty_state(count == 0)
        self._page_loaded(self.model.rowCount())

    def _page_loaded(self, shown: int) -> None:
        if self._place is not None:
            self._return_to_place(self._place)
        if self._count is None:
            return
        noun = self.kind.label.lower() if self._count == 1 else self.kind.plural
        filtered = " matching the filters" if self._filtered() else ""
        more = f", {shown} read so far" if shown < self._count else ""
        self.count_label.setText(f"  {self._count:,} {noun}{filtered}{more}")
        if self._pending_select is not None and self.table.select_record(self._pending_select):
            self._pending_select = None
        self._choose_first_row()

    def _choose_first_row(self) -> None:
        """A list opens on its first record, not on a blank form, unless the clerk is elsewhere or adding one."""
        nothing_chosen = self.detail.record is None and not self._new_started and self._pending_select is None
        if nothing_chosen and self._place is None and self.model.rowCount() and not self.model.loading:
            self.table.selectRow(0)
            self._opened_id = self._shown_id()

    def _filtered(self) -> bool:
        query = self.filters.query()
        return bool(query.filters or query.text.strip() or query.date_from or query.date_to)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if initiator is ELSEWHERE:
            self._changed_elsewhere(changes)
            return
        if changes.touches(self.kind.name) and self._started:
            current = self.detail.record
            if current is not None:
                self._pending_select = current["id"]
            self.reload()
        if changes.touches("partnership") and self._started:
            self.filters.refresh_countries()

    def _changed_elsewhere(self, changes: Changes) -> None:
        """Reads the list again, keeping the clerk's place (the rows read, the chosen row, the scroll position) and
        the form's unsaved edits; the record shown is read afresh."""
        if not self._started:
            return
        if changes.touches("partnership"):
            self.filters.refresh_countries()
        if not changes.touches(self.kind.name):
            return
        if self._place is None:  # else the list is still being read again, and the place is the one kept then
            current = self.detail.record
            self._place = _Place(
                current["id"] if current is not None else None,
                self.table.verticalScrollBar().value(),
                self.model.rowCount(),
            )
        self.reload()

    def _return_to_place(self, place: _Place) -> None:
        """Once the rows read before are read again: the same row chosen, the same scroll position."""
        if self.model.loading:
            return
        if self.model.rowCount() < place.rows and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
            return
        self._place = None
        if place.record_id is not None:
            # The form is not filled from the row: it keeps its edits (see RecordDetail.show_changed_elsewhere).
            self.table.blockSignals(True)
            self.table.select_record(place.record_id)
            self.table.blockSignals(False)
            self._context.ops.query(
                records.get,
                self.kind.name,
                place.record_id,
                label="Reading the record…",
                on_done=self.detail.show_changed_elsewhere,
                on_error=lambda _error: None,  # gone (purged) meanwhile: the form keeps what it shows
            )
        # After the view has laid out the rows again, or the scroll bar's range is still the empty list's.
        QTimer.singleShot(0, self, lambda: self.table.verticalScrollBar().setValue(place.scroll))

    def edits_records(self) -> bool:
        return True

    def record_chosen(self) -> tuple[bool, bool]:
        shown = self.detail.record is not None
        return shown or self._new_started, shown

    def follow_choice(self, changed: Callable[[], None]) -> None:
        self._choice_followers.append(changed)

    # --- choosing -------------------------------------------------------------------------------------------

    def _selected(self, record: dict[str, Any] | None) -> None:
        current = self.detail.record
        moving_away = record is not None and (current is None or current["id"] != record["id"])
        if moving_away and self.detail.form.dirty and not self.may_discard_changes():
            if current is not None:
                self.table.blockSignals(True)
                self.table.select_record(current["id"])
                self.table.blockSignals(False)
            return
        if record is not None:
            self._new_started = False
            self.detail.show_record(record)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Notes the clicks and the Enter that open a row, for Back (the table handles them as usual)."""
        clicked = (
            isinstance(event, QMouseEvent)
            and event.type() == QEvent.Type.MouseButtonRelease
            and event.button() == Qt.MouseButton.LeftButton
        )
        entered = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() in OPENING_KEYS
        if (clicked and watched is self.table.viewport()) or (entered and watched is self.table):
            self._opened_row()
        return super().eventFilter(watched, event)

    def _shown_id(self) -> int | None:
        return None if self.detail.record is None else int(self.detail.record["id"])

    def _opened_row(self) -> None:
        chosen, before = self._shown_id(), self._opened_id
        if chosen is not None and chosen != before:
            self._opened_id = chosen
            self.row_opened.emit(before, chosen)

    def may_discard_changes(self) -> bool:
        """True when the form holds nothing unsaved, or the clerk agrees to lose it."""
        if not self.detail.form.dirty:
            return True
        question = f"The {self.kind.label.lower()} shown has changes that are not saved. Leave it without saving them?"
        return messages.confirm(self, "Changes not saved", question, "Leave without saving")

    def _saved(self, record: dict[str, Any]) -> None:
        self._pending_select = record["id"]
        self._new_started = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Nothing chosen and nothing begun: neither saving nor moving to the trash has anything to act on."""
        chosen = self.detail.record is not None
        self.delete_button.setEnabled(chosen)
        self.detail.setEnabled(chosen or self._new_started)
        for changed in self._choice_followers:
            changed()

    def _show(self, record: dict[str, Any]) -> None:
        self._new_started = False
        self.detail.show_record(record)
        self._update_buttons()

    def open_record(self, record_id: int) -> None:
        """Shows one record (read afresh), and selects it in the list when it is among the rows read."""
        self.activate()
        current = self.detail.record
        if (current is None or current["id"] != record_id) and not self.may_discard_changes():
            return
        self._pending_select = self._opened_id = record_id
        if self.table.select_record(record_id):
            self._pending_select = None
        self._context.ops.query(records.get, self.kind.name, record_id, label="Reading the record…", on_done=self._show)

    def new_record(self, defaults: dict[str, Any]) -> None:
        self.activate()
        if not self.may_discard_changes():
            return
        self.table.clearSelection()
        self._new_started = True
        self.body.setCurrentIndex(0)
        self.detail.start_new(defaults)
        if self.kind.name == "partnership" and "jurisdiction_id" not in defaults:
            self._context.ops.query(home_jurisdiction, label="Reading the jurisdiction…", on_done=self._home_default)
        self._update_buttons()
        first = next(iter(self.detail.form.editors.values()))
        first.focus_widget().setFocus()

    def _home_default(self, home: dict[str, Any] | None) -> None:
        form = self.detail.form
        if home is not None and form.record is None and form.editors["jurisdiction_id"].value() is None:
            form.editors["jurisdiction_id"].set_value(home["id"])

    def set_search_text(self, text: str) -> None:
        self.activate()
        self.filters.set_text(text)

    def save_current(self) -> None:
        if self.detail.record is None and not self._new_started:
            return
        self.detail.setCurrentIndex(0)
        self.detail.form.save()

    def trash_current(self) -> None:
        record = self.detail.record
        if record is None:
            return
        kind_name, record_id = self.kind.name, record["id"]

        def done(_result: Any) -> None:
            self._context.undo_stack.push(
                TrashCommand(
                    self._context, kind_name, record_id, f"move {self.kind.label.lower()} {record_id} to trash"
                )
            )
            self._context.runner.busy_changed.emit(
                f"Moved {self.kind.label.lower()} {record_id} to the trash (Undo brings it back).",
            )
            self.detail.start_new()
            self._update_buttons()  # the list read again chooses its first row

        from .trash import trash_after_asking  # the trash page's module, loaded when first needed as pages are

        trash_after_asking(
            self._context,
            self,
            self.kind,
            record,
            lambda: self._context.ops.trash_record(kind_name, record_id, label="Moving to the trash…", on_done=done),
        )

    # --- the menu of a row ----------------------------------------------------------------------------------

    def _show_row_menu(self, record: dict[str, Any], position: QPoint) -> None:
        shown = self.detail.record
        if shown is None or shown["id"] != record["id"]:
            return  # the clerk kept the unsaved changes of another record
        self.row_menu(record).exec(position)

    def row_menu(self, record: dict[str, Any]) -> QMenu:
        """What a right-click on a row offers: the page's own actions on that record."""
        label = self.kind.label.lower()
        menu = QMenu(self)
        menu.setAccessibleName(f"Actions on {label} {record['id']}")
        menu.addAction("Open", self._open_form)
        parent_id = record.get("partnership_id")
        if parent_id is not None and self.kind.name != "partnership":
            menu.addAction("Open its partnership", lambda: self._navigator.open_record("partnership", parent_id))
        menu.addAction(icon("trash"), "Move to trash", self.trash_current)
        if self.detail.files is not None:
            menu.addAction(icon("attach"), "Attach files…", self._attach_files)
        related = RELATED.get(self.kind.name, ())
        if related:
            menu.addSeparator()
        for related_kind, parent_field in related:
            related_label = kind_named(related_kind).label.lower()
            menu.addAction(
                icon("new"),
                f"New {related_label} for this {label}…",
                lambda k=related_kind, f=parent_field: self._navigator.new_record(k, {f: record["id"]}),
            )
        return menu

    def _open_form(self) -> None:
        self.detail.setCurrentIndex(0)
        first = next(iter(self.detail.form.editors.values()))
        first.focus_widget().setFocus()

    def _attach_files(self) -> None:
        if self.detail.files is not None:
            self.detail.setCurrentWidget(self.detail.files)
            self.detail.files.choose_files()

    # --- printing and exporting -----------------------------------------------------------------------------

    def _whole_list_query(self) -> records.ListQuery:
        sorted_by = self.model.sorted_by()
        order_by = self.model.columns()[sorted_by[0]].sort_key if sorted_by else None
        descending = sorted_by[1] if sorted_by else False
        return replace(self.filters.query(), offset=0, limit=None, order_by=order_by, descending=descending)

    def print_list(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print the {self.kind.plural}")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to_pdf(self, path: Path) -> None:
        """Prints the list, as filtered and sorted, to a PDF file instead of a printer."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Reads every row of the list as filtered and sorted (on the worker), then prints the shown columns."""
        self._context.ops.query(
            _rows_with_names,
            self.kind.name,
            self._whole_list_query(),
            label=f"Reading the {self.kind.plural} to print…",
            on_done=lambda rows: self._print_rows(printer, rows),
        )

    def _print_rows(self, printer: QPrinter, rows: list[dict[str, Any]]) -> None:
        document = QTextDocument()
        font = document.defaultFont()
        font.setPointSizeF(8)  # a list's many columns fit across a landscape page
        document.setDefaultFont(font)
        document.setHtml(self._list_html(rows))
        document.print_(printer)
        self._context.runner.busy_changed.emit(f"Printed {len(rows):,} {self._noun(len(rows))}.")

    def _noun(self, count: int) -> str:
        return self.kind.label.lower() if count == 1 else self.kind.plural

    def _list_html(self, rows: list[dict[str, Any]]) -> str:
        header = self.table.horizontalHeader()
        columns = self.model.columns()
        shown = [
            columns[header.logicalIndex(visual)]
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
        ]
        heads = "".join(f"<th align='left'>{html.escape(column.header)}</th>" for column in shown)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(column.show(row))}</td>" for column in shown) + "</tr>" for row in rows
        )
        filtered = " matching the filters" if self._filtered() else ""
        title = html.escape(self.kind.plural.capitalize())
        return (
            f"<h2>{title}</h2><p>{len(rows):,} {html.escape(self._noun(len(rows)))}{filtered}</p>"
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{heads}</tr>{body}</table>"
        )

    def export_csv(self) -> None:
        suggested = str(Path.home() / f"{self.kind.plural.replace(' ', '-')}.csv")
        path, _filter = QFileDialog.getSaveFileName(
            self, f"Export the {self.kind.plural} as CSV", suggested, "CSV files (*.csv)"
        )
        if path:
            self.export_csv_to(Path(path))

    def export_csv_to(self, path: Path) -> None:
        """Writes the rows the list shows (as filtered and sorted) to a CSV file, on the worker, without personal
        data."""
        self._context.ops.query(
            export_csv,
            self.kind.name,
            path,
            query=self._whole_list_query(),
            label="Writing the CSV file…",
            on_done=lambda result: self._exported(result),
        )

    def _exported(self, result: CsvExportResult) -> None:
        self._context.runner.busy_changed.emit(result.sentence())
