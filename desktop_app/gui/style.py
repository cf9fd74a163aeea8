"""The window's style: the system's own, with the edges of fields and check boxes kept in sight on a dark palette.

Fusion (the style on Linux, and on Windows where no native style follows a dark theme) draws those edges a shade
darker than the window: on a dark palette they vanish, and an empty field or an unticked box cannot be seen.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

EDGE_SHARE = 0.45  # how far the edge's colour goes from the window's towards the text's
FRAMED = (
    QStyle.PrimitiveElement.PE_PanelLineEdit,
    QStyle.PrimitiveElement.PE_Frame,
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def edge_colour(palette: QPalette) -> QColor:
    """Between the window's colour and the text's: seen on the window and on a field's base alike."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)

    def mix(a: int, b: int) -> int:
        return round(a + (b - a) * EDGE_SHARE)

    return QColor(mix(window.red(), text.red()), mix(window.green(), text.green()), mix(window.blue(), text.blue()))


class VisibleEdgesStyle(QProxyStyle):
    """Draws as the style it wraps, then, on a dark palette only, a visible edge around fields and check boxes."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in FRAMED or not is_dark(option.palette) or option.state & QStyle.StateFlag.State_HasFocus:
            return
        if element == QStyle.PrimitiveElement.PE_PanelLineEdit and getattr(option, "lineWidth", 1) <= 0:
            return  # the frameless editor inside a spin box or an editable list
        _edge(painter, option, round_it=element == QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control != QStyle.ComplexControl.CC_SpinBox or not getattr(option, "frame", False):
            return
        if is_dark(option.palette) and not option.state & QStyle.StateFlag.State_HasFocus:
            _edge(painter, option, round_it=False)


def _edge(painter: QPainter, option: QStyleOption, round_it: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(edge_colour(option.palette), 1))
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    if round_it:
        painter.drawEllipse(rect)
    else:
        painter.drawRoundedRect(rect, 2, 2)
    painter.restore()


def use_visible_edges(app: QApplication) -> bool:
    """Wraps the application's style when it is Fusion (other styles draw their own dark edges); True if done."""
    style = app.style()
    if style is None or style.name().lower() != "fusion" or isinstance(style, VisibleEdgesStyle):
        return False
    app.setStyle(VisibleEdgesStyle("fusion"))
    return True
