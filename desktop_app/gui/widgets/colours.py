"""The one colour the window adds to the palette's: a red for what is overdue, readable on light and dark themes."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette

LIGHT_THEME_RED = "#b3261e"
DARK_THEME_RED = "#ff8a80"


def overdue_red() -> str:
    """A red with enough contrast against the current palette's window colour."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return DARK_THEME_RED if window.lightness() < 128 else LIGHT_THEME_RED


def in_red(html_text: str) -> str:
    """Rich text shown in the overdue red (always with words that say it too: colour is never the only sign)."""
    return f'<span style="color:{overdue_red()}">{html_text}</span>'
