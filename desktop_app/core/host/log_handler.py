"""The log file's handler: it rotates, its files are readable by their owner only, and it never fails aloud."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os

from .paths import hide_passwords


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
