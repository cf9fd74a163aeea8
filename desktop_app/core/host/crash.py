"""What the program does with an error nobody expected: log it (without personal data) and say where the log is."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType

from ..errors import UserError
from .logs import configure_logging, current_log_path

log = logging.getLogger("desktop_app.crash")


def report_unexpected_error(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    logs_dir: Path | None = None,
) -> tuple[str, str]:
    """Logs an unexpected error and returns (message for the clerk, path of the log file).

    Meant for the window's ``sys.excepthook``: nothing is re-raised, and work already saved stays saved (every change
    is its own transaction, so whatever was running when the error happened was rolled back whole).
    The log keeps the error's kind and where it happened; the error's own text is left out when it may quote the
    records (database errors carry the statement), so no personal data reaches the log.
    """
    if isinstance(exc, UserError):
        return exc.message, str(current_log_path() or "")
    log_path = current_log_path()
    if log_path is None and logs_dir is not None:
        log_path = configure_logging(logs_dir)
    log.error("unexpected error: %s\n%s", describe_for_log(exc_type, exc), "".join(traceback.format_tb(tb)))
    where = str(log_path) if log_path else "the program's log folder"
    message = (
        "Something unexpected went wrong. What was being done when it happened was not saved; everything saved "
        f"before is safe. The details are in the log file {where}."
    )
    return message, str(log_path or "")


def describe_for_log(exc_type: type[BaseException], exc: BaseException) -> str:
    """The error's kind, and its text only when it cannot quote the records' values."""
    name = f"{exc_type.__module__}.{exc_type.__qualname__}"
    if isinstance(exc, OSError):
        return f"{name} (errno {exc.errno})"
    if isinstance(exc, _TEXT_WITHOUT_VALUES) and not isinstance(exc, UnicodeError):
        return f"{name}: {exc}"
    return name  # the text of other errors (database, value, key errors) may repeat the offending value


# Errors whose text names code (an attribute, a module), never a record's value.
_TEXT_WITHOUT_VALUES = (AttributeError, NameError, ImportError, NotImplementedError, RecursionError, MemoryError)
