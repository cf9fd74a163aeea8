"""The short user guide (F1): the clerk's everyday tasks, step by step, read from resources/guide."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ...core.errors import UserError
from ...core.host.resources import resource_path

GUIDE_FILE = ("guide", "user-guide.md")


def guide_text() -> str:
    """The guide's Markdown text, as shipped with the program."""
    path = resource_path(*GUIDE_FILE)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError("The user guide is missing; please reinstall Sister City Records.") from error


class UserGuideDialog(QDialog):
    """The guide in a window of its own, beside the records (not modal), so the clerk can follow the steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("user-guide")
        self.setWindowTitle("User guide")
        self.setAccessibleName("User guide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("The user guide's text")
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(guide_text())
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close the user guide")
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self._size_to_screen()

    def headings(self) -> list[str]:
        """The tasks the guide explains, in order (its second-level headings)."""
        return [line[3:].strip() for line in guide_text().splitlines() if line.startswith("## ")]

    def _size_to_screen(self) -> None:
        em = self.fontMetrics().horizontalAdvance("M")
        width, height = em * 48, self.fontMetrics().height() * 34
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() * 9 // 10), min(height, room.height() * 9 // 10)
        self.resize(width, height)


def show_user_guide(parent: QWidget) -> UserGuideDialog:
    """Shows the guide, raising the one already open rather than opening a second."""
    dialog = parent.findChild(UserGuideDialog, "user-guide", Qt.FindChildOption.FindDirectChildrenOnly)
    if dialog is None:
        dialog = UserGuideDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
