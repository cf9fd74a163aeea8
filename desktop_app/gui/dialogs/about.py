"""The about box: version, where the data and the log are kept."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QMessageBox, QWidget

from ... import APP_NAME, __version__
from ..context import AppContext


def about_text(context: AppContext) -> str:
    location = context.location
    database = location.sqlite_path or "a database server"
    log_line = f"<br>Log file: {html.escape(str(context.log_path))}" if context.log_path else ""
    return (
        f"<h3>{APP_NAME} {html.escape(__version__)}</h3>"
        "<p>Keeps a city's sister-city partnerships, their agreements, oversight and files, "
        "and answers oversight inquiries with a signed PDF letter.</p>"
        f"<p>Data folder: {html.escape(str(location.data_dir))}<br>"
        f"Records: {html.escape(str(database))}<br>"
        f"Backups: {html.escape(str(location.backups_dir))}{log_line}</p>"
    )


def show_about(parent: QWidget, context: AppContext) -> None:
    QMessageBox.about(parent, f"About {APP_NAME}", about_text(context))
