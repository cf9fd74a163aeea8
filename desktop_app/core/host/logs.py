"""The program's rotating log file in the data folder; what goes wrong unexpectedly is written there."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import create_private_file, ensure_private_dir, make_private_file

if TYPE_CHECKING:
    import logging

LOG_FILE_NAME = "sister-city-records.log"
_handler: logging.Handler | None = None


def current_log_path() -> Path | None:
    """The log file in use, or None when logging has not been set up (or cannot be written)."""
    name = getattr(_handler, "baseFilename", None)
    return Path(name) if name else None


def prepare_log_file(logs_dir: Path) -> Path:
    """Makes the log's folder and file as configure_logging does, readable by their owner only, without starting
    the log: a command that writes nothing to it need not load the logging machinery. Returns the file's path."""
    log_path = logs_dir / LOG_FILE_NAME
    with contextlib.suppress(Exception):  # a log that cannot be written must never stop the program
        ensure_private_dir(logs_dir)
        create_private_file(log_path)
    return log_path


def configure_logging(logs_dir: Path) -> Path:
    """Sends the program's log to a rotating file (1 MiB x 5) readable by its owner only; returns its path."""
    import logging

    from .log_handler import PrivateRotatingFileHandler

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
