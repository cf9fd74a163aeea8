"""Widgets only: windows, dialogs, Qt models over core results, and the background task runner."""
