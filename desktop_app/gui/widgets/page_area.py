"""The area the window's pages are shown in: it scrolls when a page needs more room than a small screen gives."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QStackedWidget, QWidget


class _Holder(QWidget):
    """Holds the pages at the viewport's size, never below their smallest size.

    Without a layout of its own, so the scroll area does not ask the pages' height for a width (which a layout
    answers with its preferred height, not its smallest, and the page would scroll at any size).
    """

    def __init__(self, pages: QStackedWidget) -> None:
        super().__init__()
        self.pages = pages
        self.area: QScrollArea | None = None
        pages.setParent(self)
        pages.currentChanged.connect(lambda _index: self._measure_again())

    def minimumSizeHint(self) -> QSize:
        """The page shown's smallest size (the stack's own is its largest page's, shown or not)."""
        shown = self.pages.currentWidget()
        if shown is None:
            return QSize(0, 0)
        return shown.minimumSizeHint().expandedTo(shown.minimumSize())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.pages.setGeometry(self.rect())

    def event(self, event: QEvent) -> bool:
        """A page's smallest size changed (a page made, a filter bar wrapped): the scroll area measures again."""
        if event.type() == QEvent.Type.LayoutRequest:
            self._measure_again()
        return super().event(event)

    def _measure_again(self) -> None:
        if self.area is not None:
            QCoreApplication.sendEvent(self.area, QEvent(QEvent.Type.LayoutRequest))


class PageArea(QScrollArea):
    """A frameless scroll area around the pages: the window's smallest size never depends on the largest page."""

    def __init__(self, pages: QStackedWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pages-area")
        self.setAccessibleName("The page shown")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the page's controls
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidgetResizable(True)
        holder = _Holder(pages)
        holder.area = self
        self.setWidget(holder)
