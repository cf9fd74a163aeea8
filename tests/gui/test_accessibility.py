"""Every control a clerk can reach has an accessible name, on every page and in every dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from desktop_app.core.records import service as records
from desktop_app.gui.dialogs.first_run import FirstRunDialog
from desktop_app.gui.dialogs.settings import SettingsDialog
from desktop_app.gui.dialogs.status_change import StatusChangeDialog
from desktop_app.gui.main_window import PAGES

from .conftest import wait_idle

CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget.parent(), QComboBox | QAbstractSpinBox | QTabBar):
            continue
        if type(widget).__name__ in ("QToolBarExtension", "QScrollBar") or widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        parts_of_qt = ("QHeaderView", "QCalendarWidget", "QComboBoxPrivateContainer")
        if isinstance(widget, QHeaderView) or (parent is not None and parent.metaObject().className() in parts_of_qt):
            continue
        if not widget.accessibleName() and not widget.isHidden():
            text = getattr(widget, "text", lambda: "")()
            missing.append(f"{type(widget).__name__} {text!r} in {type(parent).__name__}")
    return missing


def test_every_control_has_an_accessible_name(qtbot: Any, open_window: Any) -> None:
    window = open_window(filled=True)
    for key, _label, _icon in PAGES:
        window.show_page(key)
        wait_idle(qtbot, window.context)
    assert _unnamed(window) == []
    partnership = records.get(window.context.database(), "partnership", window.ids["partnership"])
    for dialog in (
        SettingsDialog(window.context, window),
        StatusChangeDialog(window.context, partnership, window),
        FirstRunDialog(window.context, window),
    ):
        qtbot.addWidget(dialog)
        wait_idle(qtbot, window.context)
        assert _unnamed(dialog) == [], type(dialog).__name__
