"""Back and Forward (Alt+Left, Alt+Right, the toolbar, the Go menu) among the window's pages and records."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_app.gui.main_window import window_title
from desktop_app.gui.navigation_history import NavigationHistory, Place

from .conftest import wait_idle


def _press(qtbot: Any, window: Any, key: Qt.Key) -> None:
    window.activateWindow()
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot, window.context)


def _shown(window: Any) -> Place | None:
    place = window.place_shown()
    assert place is None or isinstance(place, Place)
    return place


def test_back_and_forward_by_shortcut_among_records_and_pages(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    ids = window.ids
    assert not window.back_action.isEnabled()
    window.open_record("partnership", ids["partnership"])
    wait_idle(qtbot, window.context)
    window.show_page("policy")
    wait_idle(qtbot, window.context)
    window.open_record("agreement", ids["agreement"])
    wait_idle(qtbot, window.context)
    assert _shown(window) == Place("agreement", ids["agreement"])

    _press(qtbot, window, Qt.Key.Key_Left)
    assert window.current_key() == "policy"
    _press(qtbot, window, Qt.Key.Key_Left)
    assert _shown(window) == Place("partnership", ids["partnership"])
    assert window.nav.currentItem().text() == "Partnerships"
    _press(qtbot, window, Qt.Key.Key_Left)
    assert _shown(window) == Place("home")
    assert not window.back_action.isEnabled()

    _press(qtbot, window, Qt.Key.Key_Right)
    _press(qtbot, window, Qt.Key.Key_Right)
    _press(qtbot, window, Qt.Key.Key_Right)
    assert _shown(window) == Place("agreement", ids["agreement"])
    assert not window.forward_action.isEnabled()


def test_a_new_oversight_action_from_a_partnership_returns_to_it(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    partnership_id = window.ids["partnership"]
    window.open_record("partnership", partnership_id)
    wait_idle(qtbot, window.context)
    oversight_list = window.pages["partnership"].detail.related[-1]
    assert oversight_list.kind.name == "oversight"
    oversight_list.new_button.click()
    wait_idle(qtbot, window.context)
    form = window.pages["oversight"].detail.form
    assert window.current_key() == "oversight" and form.record is None
    assert form.editors["partnership_id"].value() == partnership_id

    window.back_action.trigger()  # the toolbar button's and the Go menu's action
    wait_idle(qtbot, window.context)
    assert _shown(window) == Place("partnership", partnership_id)
    assert window.forward_action.isEnabled()


def test_going_somewhere_new_forgets_forward() -> None:
    history = NavigationHistory()
    history.left(Place("home"), Place("partnership", 1))
    history.left(Place("partnership", 1), Place("policy"))
    assert history.back(Place("policy")) == Place("partnership", 1)
    assert history.can_go_forward()
    history.left(Place("partnership", 1), Place("audit"))
    assert not history.can_go_forward()
    assert history.back(Place("audit")) == Place("partnership", 1)
    assert history.back(Place("partnership", 1)) == Place("home")
    assert history.back(Place("home")) is None


def test_the_window_title_names_the_place_once() -> None:
    assert window_title({"name": "Springfield", "state": "IL"}) == "Springfield, IL – Sister City Records"
    assert window_title({"name": "Springfield, IL", "state": "IL"}) == "Springfield, IL – Sister City Records"
    assert window_title({"name": "Cook County", "state": None}) == "Cook County – Sister City Records"


def test_the_open_window_is_titled_by_its_city(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    qtbot.waitUntil(lambda: "Springfield" in window.windowTitle())
    assert window.windowTitle().count("Springfield") == 1
    assert window.windowTitle().count("Sister City Records") == 1
