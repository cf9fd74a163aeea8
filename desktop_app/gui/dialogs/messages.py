"""Message boxes in one place, so the window speaks with one voice and tests can answer them."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from ... import APP_NAME
from ...core.errors import UserError
from ...core.host.crash import describe_for_log

log = logging.getLogger("desktop_app.gui")


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str = "Yes") -> bool:
    """Asks a yes-or-no question; the safe answer (No) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def error_text(error: BaseException, log_path: Path | None) -> tuple[str, str]:
    """The dialog title and sentence for an error: the user's own sentence, or what happened and where the log is.

    An unexpected error is named by its kind only: its own text may quote the records.
    """
    if isinstance(error, UserError):
        return APP_NAME, error.message
    where = f" The details are in the log file {log_path}." if log_path else ""
    text = (
        f"Something unexpected went wrong ({type(error).__name__}). "
        f"Nothing already saved was lost; the last change may not have been saved.{where}"
    )
    return "Something went wrong", text


def show_error(parent: QWidget | None, error: BaseException, log_path: Path | None) -> None:
    """The one way an error reaches the clerk: a UserError's sentence, or an unexpected error's kind.

    An unexpected error is logged first with its kind and traceback, never its text, which may hold personal data.
    """
    if not isinstance(error, UserError):
        log.error(
            "Unexpected error: %s\n%s",
            describe_for_log(type(error), error),
            "".join(traceback.format_tb(error.__traceback__)),
        )
    title, text = error_text(error, log_path)
    warn(parent, title, text)
