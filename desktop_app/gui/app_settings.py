"""The window's own settings kept by Qt (not the records): which data folder to open, the shared server last used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from ..core.safekeeping.connecting import SharedServer

ORGANISATION = "SisterCityRecords"
DATA_DIR_SETTING = "data/folder"


def remembered_data_dir() -> str | None:
    """The data folder the clerk chose in Settings, if any."""
    value = QSettings().value(DATA_DIR_SETTING)
    return str(value) if value else None


def remember_data_dir(folder: str) -> None:
    """Opens ``folder`` at the next start."""
    QSettings().setValue(DATA_DIR_SETTING, folder)


# The shared server last opened from the window: its address, database, user and security setting, never a password.
SERVER_SETTINGS = ("host", "port", "database", "user", "sslmode")


def remembered_server() -> SharedServer | None:
    """The details of the shared server last opened, so that the dialog opens filled in."""
    from ..core.safekeeping.connecting import DEFAULT_PORT, DEFAULT_SSLMODE, SSL_MODES, SharedServer

    settings = QSettings()
    values = {name: str(settings.value(f"server/{name}") or "") for name in SERVER_SETTINGS}
    if not values["host"]:
        return None
    port = int(values["port"]) if values["port"].isdigit() else DEFAULT_PORT
    sslmode = values["sslmode"] if values["sslmode"] in SSL_MODES else DEFAULT_SSLMODE
    return SharedServer(values["host"], values["database"], values["user"], port, sslmode)


def remember_server(server: SharedServer) -> None:
    """Fills the dialog with these details next time (the password is the keychain's business, never this file's)."""
    settings = QSettings()
    for name in SERVER_SETTINGS:
        settings.setValue(f"server/{name}", str(getattr(server, name)))
