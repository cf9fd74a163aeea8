"""The home page's charts (said in words, readable on a dark theme) and a partnership's timeline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.reports import responses
from desktop_app.core.summary import compute
from desktop_app.core.summary.cache import saved_summary, summary_file
from desktop_app.core.summary.data import Chart, ChartGroup
from desktop_app.gui.context import AppContext
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.navigation_history import Place
from desktop_app.gui.operations import Changes
from desktop_app.gui.tasks import TaskRunner
from desktop_app.gui.widgets.charts import BarChart, series_colours
from desktop_app.gui.widgets.timeline import Timeline

from .conftest import wait_idle

STATUS = Chart(
    "Partnerships by status over the years",
    series=("Active", "Suspended"),
    groups=(ChartGroup("2024", (3, 1)), ChartGroup("2025", (2, 0))),
)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#2b2c2f"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#303134"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Mid, "#5f6368"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
        (QPalette.ColorRole.HighlightedText, "#202124"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture
def dark_theme(qapp: Any) -> Iterator[None]:
    before = QGuiApplication.palette()
    QApplication.setPalette(_dark_palette())
    yield
    QApplication.setPalette(before)


def _contrast(first: QColor, second: QColor) -> float:
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _shown_chart(qtbot: Any, chart: Chart) -> BarChart:
    widget = BarChart(chart)
    qtbot.addWidget(widget)
    widget.resize(320, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _bar_and_background(widget: BarChart) -> tuple[QColor, QColor]:
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    bar = widget.bar_rects()[0]
    # The lowest part of the first bar (the first series), and a point above every bar.
    inside = QPoint(int(bar.center().x() * ratio), int((bar.bottom() - 3) * ratio))
    return image.pixelColor(inside), image.pixelColor(QPoint(int(2 * ratio), int(2 * ratio)))


def test_a_chart_says_its_numbers_in_words_and_per_bar(qtbot: Any) -> None:
    widget = _shown_chart(qtbot, STATUS)
    assert widget.accessibleName() == "Partnerships by status over the years"
    assert widget.accessibleDescription() == "2024: 3 active, 1 suspended; 2025: 2 active."
    first, second = widget.bar_rects()
    assert widget.tooltip_at(first.center().toPoint()) == "2024: 3 active, 1 suspended"
    assert widget.tooltip_at(second.center().toPoint()) == "2025: 2 active"
    assert widget.tooltip_at(QPoint(1, 1)) == ""
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    assert widget.current == 1


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_bars_stand_out_from_the_background(qtbot: Any, request: pytest.FixtureRequest, dark: bool) -> None:
    if dark:
        request.getfixturevalue("dark_theme")
    widget = _shown_chart(qtbot, STATUS)
    bar, background = _bar_and_background(widget)
    assert background.rgb() == widget.palette().color(QPalette.ColorRole.Window).rgb()
    assert bar.rgb() == series_colours(2, widget.palette())[0].rgb()
    assert _contrast(bar, background) >= 3.0


def test_an_empty_chart_says_why(qtbot: Any) -> None:
    widget = _shown_chart(qtbot, Chart("Evidence", note="No draft response to the open inquiry yet."))
    assert widget.accessibleDescription() == "No draft response to the open inquiry yet."
    assert widget.toolTip() == "No draft response to the open inquiry yet."


def test_the_home_page_shows_the_three_charts_with_their_numbers(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    home = window.dashboard
    year = dt.date.today().year
    status_words = home.status_chart.accessibleDescription()
    # Both partnerships of the filled records stand this year: one active, one dormant.
    assert f"{year}: 1 active, 1 dormant." in status_words
    # The chart starts at the year the first partnership was established, not the year it was entered.
    assert status_words.startswith("1994: 1 active; 1995: 1 active;")
    review_year = (dt.date.today() - dt.timedelta(days=60)).year
    assert f"{review_year}: 1 espionage" in home.oversight_chart.accessibleDescription()
    assert home.evidence_chart.chart.empty and "No draft response" in home.evidence_chart.accessibleDescription()

    draft = responses.create_draft(window.context.database())
    home.refresh()
    wait_idle(qtbot, window.context)
    evidence_words = home.evidence_chart.accessibleDescription()
    assert evidence_words.startswith("1. ") and f"draft response {draft['id']}" in evidence_words
    expected = responses.evidence(window.context.database(), draft["id"])
    for group, question in zip(home.evidence_chart.chart.groups, expected, strict=True):
        assert group.total == len(question["items"]) and group.values[1] == 0
    assert sum(group.total for group in home.evidence_chart.chart.groups) > 0
    for group in home.evidence_chart.chart.groups:
        said = f"{group.label}: {group.values[0]} in the letter" if group.values[0] else f"{group.label}: none"
        assert said in evidence_words


def test_the_timeline_lists_a_partnerships_records_in_date_order_and_opens_one(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    window.open_record("partnership", window.ids["partnership"])
    wait_idle(qtbot, window.context)
    detail = window.pages["partnership"].detail
    timeline = detail.timeline
    assert isinstance(timeline, Timeline)
    detail.setCurrentWidget(timeline)
    texts = [timeline.entries.item(row).text() for row in range(timeline.entries.count())]
    assert [text.split(",", 1)[0] for text in texts] == ["1994-05-01", "1994-05-01", "2019-04-02", texts[3][:10]]
    assert "Status change: Entered as active" in texts[0] and "Agreement: Sister city agreement" in texts[1]
    assert "Activity: Delegation" in texts[2] and "Oversight: Annual review" in texts[3]
    assert texts[3][:10] == (dt.date.today() - dt.timedelta(days=60)).isoformat()

    timeline.entries.setFocus()
    timeline.entries.setCurrentRow(1)
    qtbot.keyClick(timeline.entries, Qt.Key.Key_Return)
    wait_idle(qtbot, window.context)
    assert window.place_shown() == Place("agreement", window.ids["agreement"])

    window.open_record("partnership", window.ids["partnership"])
    wait_idle(qtbot, window.context)
    detail.setCurrentWidget(detail.timeline)
    timeline.entries.setCurrentRow(0)
    qtbot.keyClick(timeline.entries, Qt.Key.Key_Return)
    assert detail.currentWidget() is detail.history


def test_the_charts_come_with_the_saved_summary_and_are_drawn_again_only_after_a_change(
    qtbot: Any, open_window: Any, location: DataLocation, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_TODAY", dt.date.today().isoformat())
    first = open_window(filled=True)
    drawn = first.dashboard.status_chart.chart
    assert not drawn.empty
    first.close()
    saved = saved_summary(location)
    assert saved is not None and saved.charts is not None and saved.charts.status_by_year == drawn
    path = summary_file(location)
    plain = json.loads(path.read_text(encoding="utf-8"))
    # No real saved chart differs from the records it names; this one does, to tell on screen which is shown.
    plain["summary"]["charts"][0][2][-1][1][1] = 4242
    path.write_text(json.dumps(plain), encoding="utf-8")
    drawings: list[object] = []
    draw = compute.charts_and_state
    monkeypatch.setattr(compute, "charts_and_state", lambda db: drawings.append(db) or draw(db))

    context = AppContext(location=location, runner=TaskRunner())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    assert "4,242 active" in window.dashboard.status_chart.accessibleDescription()  # at once, from the file
    qtbot.waitUntil(lambda: context.db is not None, timeout=20000)
    wait_idle(qtbot, context)
    assert drawings == [] and "4,242 active" in window.dashboard.status_chart.accessibleDescription()

    policy = {"kind": "procedure", "title": "Gift rules", "topics": ["free_expression"]}
    context.ops.write(lambda db, _control: records.create(db, "policy", policy), Changes.of_record, label="Saving…")
    wait_idle(qtbot, context)
    assert len(drawings) == 1
    assert window.dashboard.status_chart.chart == drawn
    window.close()
