"""The status bar's message: what the clerk's last action did, kept until the next message or a click on it."""

from __future__ import annotations

from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget


class MessageLabel(QLabel):
    """Background work is shown elsewhere, so a confirmation ("Undo brings it back") stays until the clerk acts."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAccessibleName("What was done last")
        self.setToolTip("Click to clear this message.")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clear()
        super().mousePressEvent(event)
