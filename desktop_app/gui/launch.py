"""Starts the window: reads --data-dir/--database, sets up logging and settings, opens the records on the worker."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from .. import APP_NAME
from ..core.errors import UserError
from ..core.host.logs import configure_logging
from ..core.host.paths import DataLocation, resolve_location
from ..core.safekeeping.instance_lock import acquire_instance_lock
from .app_settings import ORGANISATION, remembered_data_dir
from .context import AppContext
from .dialogs import messages
from .fonts import add_bundled_cjk_fallback
from .style import use_visible_edges
from .tasks import TaskRunner
from .widgets.icons import icon

log = logging.getLogger("desktop_app.gui")


def parse_window_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sister-city-records", add_help=False, exit_on_error=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--database")
    try:
        arguments, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise UserError(f"The window's options could not be read: {exc}.") from exc
    if unknown:
        raise UserError(f"The window does not know the option {unknown[0]!r}; it takes --data-dir and --database.")
    return arguments


def configure_application(app: QCoreApplication) -> None:
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(APP_NAME)
        app.setWindowIcon(icon("app"))
        add_bundled_cjk_fallback(app)
        use_visible_edges(app)  # fields and check boxes keep their edges on a dark palette


def choose_location(data_dir: str | None, database: str | None) -> DataLocation:
    """The command line's choice first, then the data folder chosen in the settings, then the default."""
    if not data_dir and not database:
        data_dir = remembered_data_dir()
    return resolve_location(data_dir, database)


def launch_window(argv: Sequence[str]) -> int:
    """Opens the main window over the records named by ``argv`` and runs until it is closed; returns the exit code."""
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    assert isinstance(app, QApplication)
    configure_application(app)
    try:
        arguments = parse_window_arguments(argv)
        location = choose_location(arguments.data_dir, arguments.database)
    except UserError as error:
        messages.show_error(None, error, None)
        return 2
    try:
        lock = acquire_instance_lock(location.data_dir)
    except UserError as error:  # another copy of the program has this data folder open
        messages.show_error(None, error, None)
        return 2
    log_path = configure_logging(location.logs_dir)
    log.info("Window started on %s", location.sqlite_path or "a database server")
    from ..core.summary.first_count import start_counting

    first_count = start_counting(location)  # on the other core while the window is built

    from .main_window import MainWindow

    context = AppContext(location=location, runner=TaskRunner(), log_path=log_path, first_count=first_count)
    try:
        window = MainWindow(context)
        _install_excepthook(window, log_path)
        window.show()
        window.open_records()
        code = app.exec()
    finally:
        # The worker finishes what it is doing before the program ends, whatever happened above.
        context.ops.close_records()
        lock.release()
    return int(code)


def _install_excepthook(parent: QWidget, log_path: Path | None) -> None:
    """An error escaping a slot is logged and shown; the program keeps running and committed work stays."""

    def hook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, traceback)
            return
        error.__traceback__ = traceback
        messages.show_error(parent, error, log_path)

    sys.excepthook = hook
