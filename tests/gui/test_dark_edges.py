"""On a dark palette the edges of fields and check boxes stay in sight (Fusion alone draws them nearly black)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QCheckBox, QLineEdit, QStyle, QStyleFactory, QStyleOptionButton, QWidget

from desktop_app.gui.style import VisibleEdgesStyle, edge_colour

DARK = {
    QPalette.ColorRole.Window: "#2d2d2d",
    QPalette.ColorRole.WindowText: "#ffffff",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.Text: "#ffffff",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#ffffff",
}
SEEN = 40  # lightness steps between an edge and what surrounds it


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    return palette


def _edge_contrast(widget: QWidget, style: QStyle, qtbot: Any) -> int:
    """How far the lightest pixel on the field's outer edge stands from the window colour."""
    style.setParent(widget)  # the style lives as long as the widget drawn with it
    widget.setStyle(style)
    widget.setPalette(_dark_palette())
    widget.setAutoFillBackground(True)
    widget.resize(widget.sizeHint())
    qtbot.addWidget(widget)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    box = _indicator_box(widget, style)
    window = QColor(DARK[QPalette.ColorRole.Window]).lightness()
    edge = [QColor(image.pixel(x, box[1])).lightness() for x in range(box[0], box[2])]
    edge += [QColor(image.pixel(box[0], y)).lightness() for y in range(box[1], box[3])]
    return max(abs(value - window) for value in edge)


def _indicator_box(widget: QWidget, style: QStyle) -> tuple[int, int, int, int]:
    if isinstance(widget, QCheckBox):
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        rect = style.subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, widget)
        return rect.left(), rect.top(), rect.right(), rect.bottom()
    return 0, 0, widget.width() - 1, widget.height() - 1


def test_fields_and_check_boxes_have_visible_edges_on_a_dark_palette(qtbot: Any) -> None:
    assert _edge_contrast(QLineEdit(), VisibleEdgesStyle("fusion"), qtbot) >= SEEN
    assert _edge_contrast(QCheckBox("Legally binding"), VisibleEdgesStyle("fusion"), qtbot) >= SEEN


def test_plain_fusion_hides_them_which_is_why_the_style_is_wrapped(qtbot: Any) -> None:
    assert _edge_contrast(QLineEdit(), QStyleFactory.create("fusion"), qtbot) < SEEN


def test_the_edge_colour_stands_from_the_window_and_the_fields() -> None:
    edge = edge_colour(_dark_palette()).lightness()
    assert edge - QColor(DARK[QPalette.ColorRole.Window]).lightness() >= SEEN
    assert edge - QColor(DARK[QPalette.ColorRole.Base]).lightness() >= SEEN
