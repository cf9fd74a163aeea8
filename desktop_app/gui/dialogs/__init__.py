"""The window's dialogs and message boxes."""
