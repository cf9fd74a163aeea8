"""A small stacked bar chart drawn with QPainter in the palette's colours, with its numbers said in words too."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...core.summary.data import Chart, ChartGroup

# Hues far apart on the colour wheel; their lightness follows the theme so that each stands out from the background.
SERIES_HUES = (210, 30, 130, 0, 280, 50)
LIGHT_THEME_LIGHTNESS = 105
DARK_THEME_LIGHTNESS = 165
SATURATION = 170
MARGIN = 6
LEGEND_SWATCH = 10
PLOT_HEIGHT = 120  # the bars' height at most


def theme_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def series_colours(count: int, palette: QPalette) -> list[QColor]:
    """One colour per part of a stack, readable on the palette's window colour."""
    lightness = DARK_THEME_LIGHTNESS if theme_is_dark(palette) else LIGHT_THEME_LIGHTNESS
    return [QColor.fromHsl(SERIES_HUES[n % len(SERIES_HUES)], SATURATION, lightness) for n in range(count)]


def group_words(chart: Chart, group: ChartGroup) -> str:
    """One bar in words: "2024: 3 active, 1 suspended" (parts with nothing are left out)."""
    parts = [f"{value:,} {name.lower()}" for name, value in zip(chart.series, group.values, strict=False) if value]
    return f"{group.label}: {', '.join(parts) if parts else 'none'}"


def chart_words(chart: Chart) -> str:
    """The whole chart in words, for a screen reader."""
    if chart.empty:
        return chart.note or "Nothing to show yet."
    said = "; ".join(group_words(chart, group) for group in chart.groups) + "."
    return f"{said} {chart.note}".strip()


class BarChart(QWidget):
    """Stacked bars, one per group, with a legend; a tooltip names each bar's numbers, and Left/Right walk them."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.current = -1  # the bar chosen with the keyboard
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_chart(chart)

    def sizeHint(self) -> QSize:
        return QSize(300, 190)

    def minimumSizeHint(self) -> QSize:
        return QSize(180, 190)

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.current = min(self.current, len(chart.groups) - 1)
        self.setAccessibleName(chart.title)
        self.setAccessibleDescription(chart_words(chart))
        self.setToolTip("" if chart.groups else chart_words(chart))
        self._fit_height()
        self.update()

    # --- geometry -----------------------------------------------------------------------------------------------

    def _line_height(self) -> int:
        return self.fontMetrics().height()

    def _shown_series(self) -> list[int]:
        return [n for n in range(len(self.chart.series)) if any(g.values[n] for g in self.chart.groups)]

    def _legend_places(self) -> list[tuple[int, QRectF]]:
        """Each shown series and where its swatch and name go, wrapped to the width; y counts from the legend's top."""
        metrics = self.fontMetrics()
        line = self._line_height()
        places = []
        x, y = MARGIN, 0
        for number in self._shown_series():
            width = LEGEND_SWATCH + 4 + metrics.horizontalAdvance(self.chart.series[number]) + 12
            if x + width > self.width() - MARGIN and x > MARGIN:
                x, y = MARGIN, y + line
            places.append((number, QRectF(x, y, width, line)))
            x += width
        return places

    def _legend_lines(self) -> int:
        places = self._legend_places()
        return int(places[-1][1].top() // self._line_height()) + 1 if places else 0

    def _fit_height(self) -> None:
        wanted = PLOT_HEIGHT + self._line_height() * (2 + self._legend_lines()) + 3 * MARGIN
        if self.height() != wanted or self.minimumHeight() != wanted:
            self.setFixedHeight(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _plot_area(self) -> QRect:
        line = self._line_height()
        top = MARGIN + line  # room for the largest total
        bottom = self.height() - MARGIN - line * (1 + self._legend_lines()) - MARGIN
        return QRect(MARGIN, top, max(self.width() - 2 * MARGIN, 1), max(bottom - top, 1))

    def bar_rects(self) -> list[QRectF]:
        """Where each group's bar stands (its full height when it would hold the largest total)."""
        groups = self.chart.groups
        if not groups:
            return []
        area = self._plot_area()
        slot = area.width() / len(groups)
        width = max(min(slot * 0.7, 48.0), 2.0)
        return [
            QRectF(area.left() + slot * n + (slot - width) / 2, area.top(), width, area.height())
            for n in range(len(groups))
        ]

    def bar_at(self, point: QPoint) -> int:
        for number, rect in enumerate(self.bar_rects()):
            if rect.left() - 2 <= point.x() <= rect.right() + 2 and point.y() <= rect.bottom():
                return number
        return -1

    # --- drawing -------------------------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        if self.chart.empty:
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN), flags, chart_words(self.chart))
            painter.end()
            return
        self._draw_bars(painter, palette)
        self._draw_legend(painter, palette)
        painter.end()

    def _draw_bars(self, painter: QPainter, palette: QPalette) -> None:
        colours = series_colours(len(self.chart.series), palette)
        text = palette.color(QPalette.ColorRole.WindowText)
        area = self._plot_area()
        most = max(group.total for group in self.chart.groups)
        line = self._line_height()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        labels_every = self._labels_every(area)
        totals_shown = self._totals_fit(area)
        last = len(self.chart.groups) - 1
        for number, (group, rect) in enumerate(zip(self.chart.groups, self.bar_rects(), strict=True)):
            bottom = rect.bottom()
            for value, colour in zip(group.values, colours, strict=False):
                height = rect.height() * value / most
                painter.fillRect(QRectF(rect.left(), bottom - height, rect.width(), height), colour)
                bottom -= height
            painter.setPen(text)
            if group.total and (totals_shown or number == last):
                above = QRectF(rect.left() - 12, bottom - line, rect.width() + 24, line)
                painter.drawText(above, Qt.AlignmentFlag.AlignCenter, f"{group.total:,}")
            if self._labelled(number, labels_every):
                room = area.width() / len(self.chart.groups) * labels_every - 4
                label = self._short_label(group.label, room)
                width = min(max(room, rect.width() + 40), self.fontMetrics().horizontalAdvance(label) + 8.0)
                left = min(max(rect.center().x() - width / 2, 0.0), self.width() - width)  # within the chart
                below = QRectF(left, area.bottom() + 2, width, line)
                painter.drawText(below, Qt.AlignmentFlag.AlignCenter, label)
            if number == self.current and self.hasFocus():
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
                painter.drawRect(rect.adjusted(-3, -3, 3, 3))

    def _labels_every(self, area: QRect) -> int:
        """Every how many bars a label fits below, with room between (years are all as wide; questions are cut)."""
        widest = max(min(self.fontMetrics().horizontalAdvance(group.label), 40) for group in self.chart.groups)
        return max(1, math.ceil(len(self.chart.groups) * (widest + 12) / max(area.width(), 1)))

    def _labelled(self, number: int, every: int) -> bool:
        """Whether a bar is named below it: every ``every``-th counted from the last (this year), and the first."""
        if number == 0:
            return True
        return (len(self.chart.groups) - 1 - number) % every == 0 and number >= every

    def _totals_fit(self, area: QRect) -> bool:
        """Whether every bar's total fits above it; when not (many years), only the last bar's is written, and
        the tooltips, the arrow keys and the description say the others."""
        slot = area.width() / len(self.chart.groups)
        widest = max(self.fontMetrics().horizontalAdvance(f"{group.total:,}") for group in self.chart.groups)
        return widest + 2 <= slot

    def _short_label(self, label: str, room: float) -> str:
        # A question's label is cut to its number under a narrow bar; the tooltip and the description say it whole.
        if self.fontMetrics().horizontalAdvance(label) <= room or "." not in label:
            return label
        return label.split(".", 1)[0]

    def _draw_legend(self, painter: QPainter, palette: QPalette) -> None:
        colours = series_colours(len(self.chart.series), palette)
        line = self._line_height()
        top = self._plot_area().bottom() + line + MARGIN
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        for number, place in self._legend_places():
            swatch = QRectF(place.left(), top + place.top() + (line - LEGEND_SWATCH) / 2, LEGEND_SWATCH, LEGEND_SWATCH)
            painter.fillRect(swatch, colours[number])
            name = QRectF(place.left() + LEGEND_SWATCH + 4, top + place.top(), place.width(), line)
            painter.drawText(name, Qt.AlignmentFlag.AlignVCenter, self.chart.series[number])

    # --- tooltips and keys ---------------------------------------------------------------------------------------

    def tooltip_at(self, point: QPoint) -> str:
        number = self.bar_at(point)
        return group_words(self.chart, self.chart.groups[number]) if number >= 0 else ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and self.chart.groups:
            said = self.tooltip_at(event.pos())
            if said:
                QToolTip.showText(event.globalPos(), said, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(event.key()), 0)
        if not step or not self.chart.groups:
            super().keyPressEvent(event)
            return
        self.current = max(0, min(len(self.chart.groups) - 1, self.current + step))
        self._say_current()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def _say_current(self) -> None:
        group = self.chart.groups[self.current]
        rect = self.bar_rects()[self.current]
        QToolTip.showText(self.mapToGlobal(rect.center().toPoint()), group_words(self.chart, group), self)
        self.update()
