"""Widgets only: windows, dialogs, Qt models over core results, and the background task runner."""

from .pyside_fixes import keep_singletons_alive

keep_singletons_alive()
