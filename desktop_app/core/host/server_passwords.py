"""Passwords of shared servers, kept by the operating system's keyring alone: never in a file, a setting or a log.

Where no keyring is usable nothing is kept at all, and the window asks for the password each time. A keyring that
fails (locked, refused) is treated the same way; what failed is logged by its kind, never with the password.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("desktop_app.server_passwords")

KEYRING_SERVICE = "Sister City Records server"


@dataclass(frozen=True)
class ServerAccount:
    """One user on one database of one server: the key its password is kept under."""

    host: str
    port: int
    database: str
    user: str

    @property
    def entry(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def _keyring() -> Any:
    """The operating system's keyring when there is a usable one, else None."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring installation is the same as none
        return None
    return backend if getattr(backend, "priority", 0) > 0 else None


def keyring_usable() -> bool:
    """Whether this computer has a keychain the program can keep passwords in."""
    return _keyring() is not None


def read_password(account: ServerAccount) -> str | None:
    """The password kept for ``account``, or None (none kept, or no keyring to read)."""
    backend = _keyring()
    if backend is None:
        return None
    try:
        password = backend.get_password(KEYRING_SERVICE, account.entry)
    except Exception as exc:  # a locked or failing keyring: the password is asked for instead
        log.warning("the keyring could not be read: %s", type(exc).__name__)
        return None
    return password if isinstance(password, str) and password else None


def save_password(account: ServerAccount, password: str) -> bool:
    """Keeps ``password`` for ``account`` in the keyring; False when it could not be kept (it is then kept nowhere)."""
    backend = _keyring()
    if backend is None or not password:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, account.entry, password)
    except Exception as exc:
        log.warning("the keyring refused to keep a server password: %s", type(exc).__name__)
        return False
    return True


def forget_password(account: ServerAccount) -> None:
    """Removes any password kept for ``account``."""
    backend = _keyring()
    if backend is None:
        return
    try:
        if backend.get_password(KEYRING_SERVICE, account.entry) is not None:
            backend.delete_password(KEYRING_SERVICE, account.entry)
    except Exception as exc:
        log.warning("the keyring could not forget a server password: %s", type(exc).__name__)


def keep_or_forget(account: ServerAccount, password: str, remember: bool) -> bool:
    """Keeps the password when the clerk asked to (True when it is kept), and forgets any kept one otherwise."""
    if remember and password:
        return save_password(account, password)
    forget_password(account)
    return False
