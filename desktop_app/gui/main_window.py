"""The main window: navigation by record kind, the pages, menus and shortcuts, and a status bar.

It is shown before the records are open: the database is opened and the home summary computed on the worker,
and every other page (with what it imports) is made the first time it is visited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME
from ..core.host.paths import cloud_sync_warning
from . import safekeeping
from .context import AppContext
from .dialogs import messages
from .live_updates import follow_other_clerks
from .navigation_history import SEARCH, NavigationHistory, Place
from .pages.home import DashboardPage
from .widgets.icons import icon
from .widgets.message_label import MessageLabel
from .widgets.page_area import PageArea

if TYPE_CHECKING:
    from ..core.db.engine import Database
    from ..core.host.paths import DataLocation
    from ..core.safekeeping.opening import OpenResult
    from .dialogs.open_shared import Opened
    from .pages.base import Page
    from .pages.search import SearchPage

PAGES: tuple[tuple[str, str, str], ...] = (
    ("home", "Home", "home"),
    ("partnership", "Partnerships", "partnership"),
    ("partner", "Partner communities", "partner"),
    ("jurisdiction", "US jurisdictions", "jurisdiction"),
    ("agreement", "Agreements", "agreement"),
    ("activity", "Activities", "activity"),
    ("participant", "Participants", "participant"),
    ("policy", "Policies", "policy"),
    ("oversight", "Oversight", "oversight"),
    ("inquiry", "Inquiries", "inquiry"),
    ("response", "Responses", "response"),
    ("laws", "State laws", "law"),
    ("files", "Files", "files"),
    ("audit", "Audit trail", "audit"),
    ("trash", "Trash", "trash"),
)
SEARCH_DEBOUNCE_MS = 300
NAV_PAGE_ROOM_EM = 78  # the room, in widths of "M", a record list needs beside the named list of kinds
log = logging.getLogger("desktop_app.gui")


class MainWindow(QMainWindow):
    """Holds the pages; every database call goes through the context's operations, on the worker."""

    server_label: QLabel | None = None  # made when the records are on a server

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("app"))
        self.pages: dict[str, QWidget] = {}
        self._page_rows: dict[str, int] = {}

        self.nav = QListWidget()
        self.nav.setAccessibleName("Record kinds")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(1)
        self.stack = QStackedWidget()
        self.dashboard = DashboardPage(context, self)
        self._add_page("home", self.dashboard)
        self._search_page: SearchPage | None = None
        self._before_search: str | None = None
        self.history = NavigationHistory(self)
        self._retracing = False  # True while Back, Forward or a link moves the window (remembered by them)
        for row, (key, label, icon_name) in enumerate(PAGES):
            item = QListWidgetItem(icon(icon_name), label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, label)
            self.nav.addItem(item)
            self._page_rows[key] = row
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFixedWidth(self._nav_width())
        self.nav.currentRowChanged.connect(self._nav_changed)

        central = QWidget()
        beside = QHBoxLayout(central)
        beside.setContentsMargins(0, 0, 0, 0)
        beside.setSpacing(0)
        beside.addWidget(self.nav)
        beside.addWidget(PageArea(self.stack), 1)  # a page wider or taller than a small screen scrolls
        self.setCentralWidget(central)

        self._make_actions()
        self._make_status_bar()
        context.runner.busy_changed.connect(self._busy)
        context.runner.working.connect(self._working)
        context.runner.progress.connect(self._progress)
        context.runner.unhandled_error.connect(self.show_error)
        self.live_updates = follow_other_clerks(context, self.stack.isEnabled, self)
        self.setEnabled_for_records(False)
        self.nav.setCurrentRow(0)
        self._restore_layout()

    # --- pages ----------------------------------------------------------------------------------------------

    def _make_page(self, key: str) -> QWidget:
        if key == "files":
            from .pages.files import FilesPage

            return FilesPage(self.context, self)
        if key == "audit":
            from .pages.audit import AuditPage

            return AuditPage(self.context)
        if key == "trash":
            from .pages.trash import TrashPage

            return TrashPage(self.context)
        if key == "laws":
            from .pages.state_laws import StateLawsPage

            return StateLawsPage(self.context, self)
        if key == "response":
            from .pages.response_workspace import ResponseWorkspace

            return ResponseWorkspace(self.context)
        from .pages.record_list import RecordListPage

        records = RecordListPage(self.context, self, key)
        # A row clicked, or opened with Enter, is a step of Back.
        records.row_opened.connect(lambda before, chosen: self._row_opened(key, before, chosen))
        return records

    @property
    def search_page(self) -> SearchPage:
        """The search results, made the first time the clerk searches."""
        if self._search_page is None:
            from .pages.search import SearchPage

            self._search_page = SearchPage(self.context, self)
            self.stack.addWidget(self._search_page)
        return self._search_page

    @staticmethod
    def _as_page(widget: QWidget | None) -> Page:
        """Every widget the stack holds is a page."""
        return cast("Page", widget)

    def _shown_page(self) -> Page:
        return self._as_page(self.stack.currentWidget())

    def _nav_width(self) -> int:
        """Wide enough for the longest label beside its icon, at any font size or scale."""
        widest = max(self.nav.fontMetrics().horizontalAdvance(label) for _key, label, _icon in PAGES)
        return widest + self.nav.iconSize().width() + self.nav.frameWidth() * 2 + 28

    def _add_page(self, key: str, page: QWidget) -> None:
        self.pages[key] = page
        self.stack.addWidget(page)
        self._as_page(page).follow_choice(self._choice_changed)

    def _row_opened(self, key: str, before: int | None, chosen: int) -> None:
        here = Place(key, before) if before is not None else self.place_shown()
        self.history.chose(here, Place(key, chosen))

    def _choice_changed(self) -> None:
        """Save and Move to trash act only when the page shown has a record chosen (or a new one begun)."""
        if self.stack.isEnabled():
            self._update_actions()

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        self.page(key)
        if not self._retracing:
            self.history.left(self.place_shown(), Place(key))
        self.stack.setCurrentWidget(self.pages[key])
        if self.context.db is not None:
            self._shown_page().activate()
        self._update_actions()

    def page(self, key: str) -> Page:
        """The page of that name, made the first time it is wanted (so the window opens at once)."""
        if key not in self.pages:
            self._add_page(key, self._make_page(key))
        return self._as_page(self.pages[key])

    def show_page(self, key: str) -> Page:
        page = self.page(key)
        self.nav.setCurrentRow(self._page_rows[key])
        return page

    def go_to_page(self, key: str) -> None:
        """Shows a page from the Go menu or its shortcut, the keyboard in its list (or the page) at once."""
        self.show_page(key)
        page = self.pages[key]
        lists = [view for view in page.findChildren(QAbstractItemView) if view.isVisible()]
        (lists[0] if lists else page).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def current_key(self) -> str:
        row = self.nav.currentRow()
        return PAGES[row][0] if row >= 0 else "home"

    # Navigator ----------------------------------------------------------------------------------------------

    def open_record(self, kind_name: str, record_id: int) -> None:
        if kind_name not in self._page_rows:
            kind_name = "files" if kind_name == "attachment" else kind_name
        with self._going(Place(kind_name, record_id or None)):
            page = self.show_page(kind_name)
            if record_id:
                page.open_record(record_id)

    def new_record(self, kind_name: str, defaults: dict[str, Any]) -> None:
        with self._going(Place(kind_name)):
            self.show_page(kind_name).new_record(defaults)

    # Back and Forward ---------------------------------------------------------------------------------------

    def place_shown(self) -> Place | None:
        """The page shown and the record last opened on it, or the search results with the words searched."""
        widget = self.stack.currentWidget()
        if self._search_page is not None and widget is self._search_page:
            return Place(SEARCH, words=self._search_page.query)
        key = next((key for key, page in self.pages.items() if page is widget), None)
        return None if key is None else self.history.place_on(key)

    @contextmanager
    def _going(self, place: Place, remember: bool = True) -> Iterator[None]:
        if remember and not self._retracing:
            self.history.left(self.place_shown(), place)
        self.history.opened(place)
        retracing, self._retracing = self._retracing, True
        try:
            yield
        finally:
            self._retracing = retracing

    def go_back(self) -> None:
        self._go_to(self.history.back(self.place_shown()))

    def go_forward(self) -> None:
        self._go_to(self.history.forward(self.place_shown()))

    def _go_to(self, place: Place | None) -> None:
        if place is None:
            return
        if place.page == SEARCH:
            with self._going(place, remember=False):
                self.search.setText(place.words)
                self._show_results(place.words)
            return
        with self._going(place, remember=False):
            page = self.show_page(place.page)
            if place.record_id is not None:
                page.open_record(place.record_id)

    def _update_history_actions(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back())
        self.forward_action.setEnabled(self.history.can_go_forward())

    # --- actions --------------------------------------------------------------------------------------------

    def _action(self, text: str, icon_name: str | None, shortcut: Any, slot: Any, tip: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text.replace("&", "").replace("…", ""))
        action.setStatusTip(tip or text.replace("&", "").replace("…", ""))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        stack = self.context.undo_stack
        self.new_action = self._action("&New record", "new", QKeySequence.StandardKey.New, self.new_in_page)
        self.save_action = self._action("&Save", "save", QKeySequence.StandardKey.Save, self.save_in_page)
        self.delete_action = self._action(
            "Move to &trash", "trash", QKeySequence.StandardKey.Delete, self.delete_in_page
        )
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setIcon(icon("undo"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setIcon(icon("redo"))
        # Ctrl+Shift+Z as the README says, and the system's others (Ctrl+Y): the first binding alone is Ctrl+Y here.
        self.redo_action.setShortcuts(_with_standard("Ctrl+Shift+Z", QKeySequence.StandardKey.Redo))
        self.find_action = self._action("&Find…", "search", QKeySequence.StandardKey.Find, self.focus_search)
        self.settings_action = self._action(
            "S&ettings…", "settings", QKeySequence.StandardKey.Preferences, self.settings
        )
        self.about_action = self._action("&About Sister City Records", "app", None, self.about)
        self.quit_action = self._action("&Quit", None, QKeySequence.StandardKey.Quit, self.close)
        self.backup_action = self._action(
            "&Back up now…", None, None, lambda: safekeeping.back_up_now(self, self.context)
        )
        self.restore_action = self._action(
            "&Restore a backup…", None, None, lambda: safekeeping.restore_a_backup(self, self.context, self)
        )
        self.verify_action = self._action(
            "&Check the records", None, None, lambda: safekeeping.check_the_records(self, self.context)
        )
        self.open_shared_action = self._action(
            "Open s&hared records…", None, None, self.open_shared_records, "Open the records kept on a shared server"
        )
        self.import_action = self._action(
            "&Import partnerships…", None, None, lambda: self.import_export("import_partnerships")
        )
        self.export_action = self._action(
            "Export the records &file…", None, None, lambda: self.import_export("export_records_file")
        )
        self.export_csv_action = self._action(
            "Export a &list as CSV…", None, None, lambda: self.import_export("export_list_as_csv")
        )
        self.back_action = self._action("&Back", "previous", "Alt+Left", self.go_back, "Back to the page before")
        self.back_action.setShortcuts(_with_standard("Alt+Left", QKeySequence.StandardKey.Back))
        self.forward_action = self._action("&Forward", "next", "Alt+Right", self.go_forward, "Forward again")
        self.forward_action.setShortcuts(_with_standard("Alt+Right", QKeySequence.StandardKey.Forward))
        self.history.moved.connect(self._update_history_actions)
        self._update_history_actions()
        self.guide_action = self._action("&User guide", None, None, self.user_guide, "The clerk's tasks step by step")
        self.guide_action.setShortcuts(_with_standard("F1", QKeySequence.StandardKey.HelpContents))

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        for action in (self.new_action, self.save_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_shared_action)
        file_menu.addSeparator()
        for action in (self.import_action, self.export_action, self.export_csv_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.backup_action, self.restore_action, self.verify_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu("&Edit")
        for action in (self.undo_action, self.redo_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete_action)
        edit_menu.addAction(self.find_action)
        go_menu = menus.addMenu("&Go")
        go_menu.addActions([self.back_action, self.forward_action])
        go_menu.addSeparator()
        for row, (key, label, icon_name) in enumerate(PAGES):
            action = self._action(
                label, icon_name, f"Ctrl+{row + 1}" if row < 9 else None, lambda _c=False, k=key: self.go_to_page(k)
            )
            go_menu.addAction(action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([self.back_action, self.forward_action])
        toolbar.addSeparator()
        for action in (self.new_action, self.save_action, self.delete_action, self.undo_action, self.redo_action):
            toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the records…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the records")
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 18)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)
        toolbar.addWidget(self.search)
        toolbar.addAction(self.settings_action)
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None and action.text():
                button.setAccessibleName(action.text().replace("&", "").replace("…", ""))
        self.toolbar = toolbar
        self._labelled_toolbar_width = toolbar.sizeHint().width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_toolbar()
        self._fit_nav()

    _nav_labelled = True

    def _fit_nav(self) -> None:
        """On a narrow window (1280×720 at 150 %) the list of kinds shows its icons only, each name in a tooltip and
        its accessible name, and leaves its room to the page: a record list's buttons need it."""
        em = self.fontMetrics().horizontalAdvance("M")
        labelled = self.width() >= self._nav_width() + em * NAV_PAGE_ROOM_EM
        if labelled == self._nav_labelled:
            return
        self._nav_labelled = labelled
        for row, (_key, label, _icon) in enumerate(PAGES):
            item = self.nav.item(row)
            item.setText(label if labelled else "")
            item.setToolTip("" if labelled else label)
        icons_only = self.nav.iconSize().width() + self.nav.frameWidth() * 2 + 28
        self.nav.setFixedWidth(self._nav_width() if labelled else icons_only)

    def _fit_toolbar(self) -> None:
        """Narrower than its labelled buttons need, the toolbar shows their icons only (each keeps its tooltip), so
        no button hides behind the overflow arrow."""
        fits = self.width() >= self._labelled_toolbar_width
        style = Qt.ToolButtonStyle.ToolButtonTextBesideIcon if fits else Qt.ToolButtonStyle.ToolButtonIconOnly
        if self.toolbar.toolButtonStyle() != style:
            self.toolbar.setToolButtonStyle(style)

    def _update_actions(self) -> None:
        page = self._shown_page()
        edits = self.context.db is not None and page.edits_records()
        savable, trashable = page.record_chosen()
        self.new_action.setEnabled(edits)
        self.save_action.setEnabled(edits and savable)
        self.delete_action.setEnabled(edits and trashable)

    def new_in_page(self) -> None:
        self._shown_page().new_record({})

    def save_in_page(self) -> None:
        self._shown_page().save_current()

    def delete_in_page(self) -> None:
        self._shown_page().trash_current()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        """Searches every record and file for the words typed; clearing the box goes back to the page before."""
        self._search_timer.stop()  # Enter searched already: the pause after typing must not bring the results back
        text = self.search.text().strip()
        if not text:
            if self._search_page is not None and self.stack.currentWidget() is self._search_page:
                self.show_page(self._before_search or "home")
            return
        if self.stack.currentWidget() is not self.search_page and not self._retracing:
            self.history.left(self.place_shown(), Place(SEARCH, words=text))
        self._show_results(text)

    def _show_results(self, text: str) -> None:
        if self.stack.currentWidget() is not self.search_page:
            self._before_search = self.current_key()
            self.nav.blockSignals(True)
            self.nav.clearSelection()
            self.nav.setCurrentRow(-1)
            self.nav.blockSignals(False)
            self.stack.setCurrentWidget(self.search_page)
            self._update_actions()
        self.search_page.run(text)

    def settings(self) -> None:
        from .dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.open()

    def import_export(self, entry: str) -> None:
        """Opens one of the File menu's import and export dialogs (named as in that module's DIALOGS)."""
        from .dialogs.import_export import DIALOGS

        self.import_export_dialog = DIALOGS[entry](self, self.context)

    def user_guide(self) -> None:
        from .dialogs.user_guide import show_user_guide

        show_user_guide(self)

    def about(self) -> None:
        from .dialogs.about import show_about

        show_about(self, self.context)

    # --- status bar -----------------------------------------------------------------------------------------

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = MessageLabel("Opening the records…")  # the clerk's messages; work has its own label
        self.work_label = QLabel()
        self.work_label.setAccessibleName("What the program is doing")
        self.work_label.hide()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 14)
        self.progress.hide()
        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop the work in progress")
        self.stop_button.clicked.connect(self.context.runner.cancel_all)
        self.stop_button.hide()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.work_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.stop_button)

    def _busy(self, text: str) -> None:
        """A message stays until the next one: the labels of background work go to the work label instead."""
        if text and text != self.context.runner.working_on:
            self.status_label.setText(text)

    def _working(self, label: str) -> None:
        self.work_label.setText(label)
        self.work_label.setVisible(bool(label))
        if not label:
            self.progress.hide()
            self.stop_button.hide()

    def _progress(self, label: str, done: int, total: int) -> None:
        self.progress.show()
        self.stop_button.show()
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, total))
        self._working(label)

    def show_error(self, error: object) -> None:
        assert isinstance(error, BaseException)
        messages.show_error(self, error, self.context.log_path)

    # --- opening the records --------------------------------------------------------------------------------

    def stop_following_changes(self) -> None:
        """Stops listening for changes made elsewhere, until the records are opened again."""
        self.live_updates.stop()

    def setEnabled_for_records(self, enabled: bool) -> None:
        self.nav.setEnabled(enabled)
        self.stack.setEnabled(enabled)
        self.search.setEnabled(enabled)
        for action in (self.new_action, self.save_action, self.delete_action):
            action.setEnabled(enabled)
        if enabled:
            self._update_actions()

    def open_records(self) -> None:
        """Opens (creating or upgrading) the database on the worker; the window stays responsive meanwhile.

        The daily backup and the start check wait until the home summary is shown (see ``_after_first_screen``).
        """
        # Before the worker loads the database layer: the saved summary at once if the records are unchanged, else
        # the figures counted afresh on the worker ahead of the opening.
        self.dashboard.show_first_summary()

        self.context.ops.open_records(on_done=self._opened, on_error=self._open_failed)

    def _opened(self, opened: OpenResult) -> None:
        self.setEnabled_for_records(True)
        self._show_server()
        where = self.context.location.sqlite_path or "the database server"
        message = f"The records are open ({where})."
        if opened.migrated:
            made = f"; the copy made before is {opened.backup_path}" if opened.backup_path else ""
            message = f"The records were upgraded{made}."
        self.status_label.setText(message)
        self.live_updates.restart(self.context.db)  # the pages follow other clerks' changes to these records
        # The worker takes its work in order: the home summary first, then what the clerk does not wait for.
        self.dashboard.refresh(then=lambda: self._after_first_screen(opened))
        self._nav_changed(self.nav.currentRow())
        self.context.ops.query(_home_jurisdiction, label="Reading the jurisdiction…", on_done=self._home_known)
        self.context.runner.run(_program_version, label="Starting…", on_done=self._version_known)
        warning = cloud_sync_warning(self.context.location.sqlite_path or self.context.location.data_dir)
        if warning:
            messages.warn(self, "The records are in a synced folder", warning)

    def _after_first_screen(self, opened: OpenResult) -> None:
        """The start check and the daily backup read the whole file: they begin once the home summary is shown."""
        safekeeping.check_at_start(self, self.context)
        if not opened.created:
            safekeeping.backup_if_due(self.context, self.status_label.setText)

    def _version_known(self, version: str) -> None:
        app = QApplication.instance()
        if app is not None:
            app.setApplicationVersion(version)
        log.info("The program's version is %s", version)

    def _home_known(self, home: dict[str, Any] | None) -> None:
        if home is None:
            from .dialogs.first_run import FirstRunDialog

            dialog = FirstRunDialog(self.context, self)
            dialog.open()
            self.first_run_dialog = dialog
        else:
            self.setWindowTitle(window_title(home))

    def _open_failed(self, error: BaseException) -> None:
        self.status_label.setText("The records could not be opened.")
        self.show_error(error)

    # --- shared records -------------------------------------------------------------------------------------

    def open_shared_records(self) -> None:
        """Asks for a shared server's details; once its records are open there, the window shows them instead."""
        if not self._may_leave_records():
            return
        from .dialogs.open_shared import OpenSharedDialog

        self.open_shared_dialog = OpenSharedDialog(self.context, self._shared_opened, self)
        self.open_shared_dialog.open()

    def _may_leave_records(self) -> bool:
        for key, widget in self.pages.items():
            if not self._as_page(widget).may_discard_changes():
                self.show_page(key)
                return False
        return True

    def _shared_opened(self, opened: Opened) -> None:
        records = opened.records
        self.switch_records(records.location, records.db, records.opened)
        log.info("Switched to the records on %s", records.server.shown_url)

    def switch_records(self, location: DataLocation, db: Database, opened: OpenResult) -> None:
        """Puts the window on other records, opened already: the old ones are closed after the work begun on them,
        the undo history (of changes to them) is cleared, and every page reads the new ones."""
        old = self.context.db
        self.context.location, self.context.db = location, db
        self.context.undo_stack.clear()
        if old is not None:
            self.context.runner.run(lambda _control: old.dispose(), label="Closing the records before…")
        self.setWindowTitle(APP_NAME)
        self.context.ops.announce_other_records()
        self._opened(opened)

    def _show_server(self) -> None:
        """Names the server and user the window's records are on, in the status bar (never the password)."""
        server = None
        if not self.context.location.is_sqlite:
            from ..core.safekeeping.connecting import shared_server_of

            server = shared_server_of(self.context.location.database_url)
        if server is None:
            if self.server_label is not None:
                self.server_label.hide()
            return
        if self.server_label is None:
            self.server_label = QLabel()
            self.server_label.setAccessibleName("Where the records are")
            self.statusBar().addPermanentWidget(self.server_label)
        self.server_label.setText(f"Records on server {server.description}")
        self.server_label.show()

    # --- layout and closing ---------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            em = self.fontMetrics().horizontalAdvance("M")
            self.resize(em * 95, self.fontMetrics().height() * 48)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        """Saves the layout, stops waiting work, lets a running write finish, then closes the records."""
        for key, widget in self.pages.items():
            if not self._as_page(widget).may_discard_changes():
                self.show_page(key)
                event.ignore()
                return
        self.save_layout()
        self.live_updates.stop()
        if not self.context.runner.idle:
            self.status_label.setText("Finishing the work in progress before closing…")
        self.context.ops.close_records()
        event.accept()


def _with_standard(keys: str, standard: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The keys named, and the system's own for the same command where they differ (Cmd+[ on a Mac)."""
    sequences = [QKeySequence(keys)]
    for sequence in QKeySequence.keyBindings(standard):
        if sequence not in sequences:
            sequences.append(sequence)
    return sequences


def window_title(home: dict[str, Any]) -> str:
    """The window's title, as "Springfield, IL – Sister City Records": the place once (its name may hold the state
    already), and the program's name last, where the system would add it again were it missing."""
    place = str(home["name"]).strip()
    state = str(home.get("state") or "").strip()
    if state and not place.upper().endswith(f", {state.upper()}"):
        place = f"{place}, {state}"
    return f"{place} – {APP_NAME}"


def _program_version(_control: object) -> str:
    from .. import __version__  # read from the installed package's metadata, which takes a moment

    return __version__


def _home_jurisdiction(db: Database) -> dict[str, Any] | None:
    from ..core.records.parties import home_jurisdiction

    return home_jurisdiction(db)
