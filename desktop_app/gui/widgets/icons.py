"""The program's SVG icons, drawn at any size in the palette's text colour so they suit light and dark themes."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ...core.host.resources import resource_path


@cache
def _template(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


class _SvgIconEngine(QIconEngine):
    """Renders the SVG at the size asked for (sharp on HiDPI screens), coloured from the current palette."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def _colour(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorRole.HighlightedText)
        return palette.color(QPalette.ColorRole.WindowText)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        svg = _template(self._name).replace("currentColor", self._colour(mode).name())
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        side = min(rect.width(), rect.height())
        target = QRectF(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side)
        renderer.render(painter, target)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return QPixmap.fromImage(image)

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name)


def icon(name: str) -> QIcon:
    """The icon of that name from resources/icons."""
    return QIcon(_SvgIconEngine(name))
