"""The response workspace: answer an inquiry question by question, preview the letter, save, print and issue it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .context import AppContext
from .related import Navigator


def make_response_page(context: AppContext, navigator: Navigator) -> QWidget:
    from .list_page import RecordListPage

    return RecordListPage(context, navigator, "response")
