"""The window's own settings kept by Qt (not the records): which data folder to open, and their keys."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "SisterCityRecords"
DATA_DIR_SETTING = "data/folder"


def remembered_data_dir() -> str | None:
    """The data folder the clerk chose in Settings, if any."""
    value = QSettings().value(DATA_DIR_SETTING)
    return str(value) if value else None


def remember_data_dir(folder: str) -> None:
    """Opens ``folder`` at the next start."""
    QSettings().setValue(DATA_DIR_SETTING, folder)
