"""The program's rotating log file in the data folder; what goes wrong unexpectedly is written there."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

from .paths import ensure_private_dir, hide_passwords, make_private_file

LOG_FILE_NAME = "sister-city-records.log"
_handler: logging.Handler | None = None


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created readable by their owner only, and whose failures stay silent."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return io.TextIOWrapper(io.FileIO(descriptor, "a"), encoding=self.encoding, errors=self.errors)

    def format(self, record: logging.LogRecord) -> str:
        # Whatever a line quotes, a database address's password never reaches the file.
        return hide_passwords(super().format(record))

    def handleError(self, record: logging.LogRecord) -> None:
        # A full disk must not print a traceback to the user; the program carries on without the log line.
        pass


def current_log_path() -> Path | None:
    """The log file in use, or None when logging has not been set up (or cannot be written)."""
    name = getattr(_handler, "baseFilename", None)
    return Path(name) if name else None


def configure_logging(logs_dir: Path) -> Path:
    """Sends the program's log to a rotating file (1 MiB x 5) readable by its owner only; returns its path."""
    global _handler
    log_path = logs_dir / LOG_FILE_NAME
    root = logging.getLogger("desktop_app")
    if _handler is not None and getattr(_handler, "baseFilename", None) == str(log_path):
        return log_path
    try:
        ensure_private_dir(logs_dir)
        handler: logging.Handler = PrivateRotatingFileHandler(
            log_path, maxBytes=1_048_576, backupCount=5, encoding="utf-8", delay=False
        )
        make_private_file(log_path)
    except (OSError, Exception):  # a log that cannot be written must never stop the program
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    _handler = handler
    return log_path
