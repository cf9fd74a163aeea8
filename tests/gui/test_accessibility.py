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
from desktop_app.gui.dialogs.law_rule import LawRuleDialog
from desktop_app.gui.dialogs.open_shared import OpenSharedDialog
from desktop_app.gui.dialogs.settings import SettingsDialog
from desktop_app.gui.dialogs.status_change import StatusChangeDialog
from desktop_app.gui.dialogs.user_guide import UserGuideDialog
from desktop_app.gui.main_window import PAGES
from desktop_app.gui.widgets.files_panel import PreviewDialog

from .conftest import make_pdf, wait_idle

RECORD_KINDS = ("partnership", "agreement", "activity", "participant", "policy", "oversight")
PARTS_OF_CONTROLS = (QComboBox, QAbstractSpinBox, QTabBar, QLineEdit)  # their inner buttons and editors
CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget.parent(), PARTS_OF_CONTROLS):
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
        assert _unnamed(window) == [], key
    window.search.setText("Hefei")
    window.run_search()
    wait_idle(qtbot, window.context)
    assert _unnamed(window) == [], "search"
    partnership = records.get(window.context.database(), "partnership", window.ids["partnership"])
    for dialog in (
        SettingsDialog(window.context, window),
        StatusChangeDialog(window.context, partnership, window),
        FirstRunDialog(window.context, window),
        UserGuideDialog(window),
        LawRuleDialog(window.context, None, window),
        OpenSharedDialog(window.context, lambda _opened: None, window),
        PreviewDialog("agreement 1994.pdf", make_pdf(), window),
    ):
        qtbot.addWidget(dialog)
        wait_idle(qtbot, window.context)
        assert _unnamed(dialog) == [], type(dialog).__name__


def test_every_tab_of_every_record_has_named_controls(qtbot: Any, open_window: Any) -> None:
    """The tabs not shown are hidden, and so skipped by the walk: each is shown in turn, with a record open."""
    window = open_window(filled=True)
    db = window.context.database()
    shown = {kind_name: window.ids.get(kind_name) for kind_name in RECORD_KINDS}
    shown["inquiry"] = records.list_records(db, "inquiry", records.ListQuery())[0]["id"]  # the 2020 letter
    shown["partner"] = records.list_records(db, "partner", records.ListQuery())[0]["id"]
    shown["jurisdiction"] = window.ids["home"]
    tabs_seen = 0
    for kind_name, record_id in shown.items():
        assert record_id is not None, kind_name
        window.open_record(kind_name, record_id)
        wait_idle(qtbot, window.context)
        detail = window.pages[kind_name].detail
        for index in range(detail.count()):
            detail.setCurrentIndex(index)
            wait_idle(qtbot, window.context)
            assert _unnamed(window) == [], f"{kind_name}: {detail.tabToolTip(index)}"
            tabs_seen += 1
    assert tabs_seen >= len(shown) + 6  # a partnership alone has seven tabs
