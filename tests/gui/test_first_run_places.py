"""The first run: examples show as greyed examples, the titles kept are saved, a city without state is offered."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from desktop_app.core.records import service as records
from desktop_app.core.records.parties import home_jurisdiction
from desktop_app.gui.dialogs.first_run import FirstRunDialog

from .conftest import wait_idle


def test_examples_are_greyed_placeholders_and_the_titles_kept_are_saved(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    wait_idle(qtbot, window.context)
    for line in (dialog.city, dialog.clerk_name, dialog.signatory_name):
        assert line.text() == "" and line.placeholderText().startswith("e.g. ")
        palette = line.palette()
        placeholder = palette.color(QPalette.ColorRole.PlaceholderText)
        assert placeholder != palette.color(QPalette.ColorRole.Text)
    assert (dialog.clerk_title.text(), dialog.signatory_title.text()) == ("City Clerk", "Mayor")
    qtbot.keyClicks(dialog.city, "Kansas City, MO")
    qtbot.keyClicks(dialog.signatory_name, "Quinton Lucas")
    dialog.load_sample.setChecked(False)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.context)
    home = home_jurisdiction(window.context.database())
    assert home is not None
    assert (home["signatory_name"], home["signatory_title"], home["clerk_title"]) == (
        "Quinton Lucas",
        "Mayor",
        "City Clerk",
    )
    assert home["clerk_name"] == ""  # the example name is never taken for a value


def test_a_city_typed_without_its_state_offers_the_matching_places(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    dialog = window.first_run_dialog
    wait_idle(qtbot, window.context)
    qtbot.keyClicks(dialog.city, "kansas city")
    offered = [
        dialog.completer.completionModel().index(row, 0).data() for row in range(dialog.completer.completionCount())
    ]
    assert "Kansas City, MO" in offered
    assert "Kansas City, MO" in dialog.found.text()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "two letters" in dialog.problem.text.text() and '"Kansas City, MO"' in dialog.problem.text.text()
    assert home_jurisdiction(window.context.database()) is None
    dialog.completer.popup().hide()


def test_the_places_on_record_are_offered_too(qtbot: Any, open_window: Any) -> None:
    window = open_window(home=False)
    records.create(window.context.database(), "jurisdiction", {"name": "Dayton", "state": "OH"})
    window.first_run_dialog.close()
    dialog = FirstRunDialog(window.context, window)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, window.context)
    qtbot.keyClicks(dialog.city, "dayt")
    offered = [
        dialog.completer.completionModel().index(row, 0).data() for row in range(dialog.completer.completionCount())
    ]
    assert offered == ["Dayton, OH"]
    dialog.completer.popup().hide()
