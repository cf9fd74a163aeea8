"""The head of the audit trail kept outside the records, keyed: deleted or rewritten last events no longer match it.

After every change the program writes the trail's last event (number and hash) beside the records (the data
folder, for a SQLite file; the user's configuration folder, for a server), sealed with this computer's key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

from .audit_keys import current_key, held_keys, key_folder, mac
from .private_json import read_private_json, write_private_json

log = logging.getLogger("desktop_app.audit_anchor")

ANCHOR_SUFFIX = ".anchor.json"


@dataclass(frozen=True)
class Anchor:
    """The audit trail's last event as the program last wrote it, and the first event it sealed."""

    seq: int
    hash: str
    sealed_from: int
    key_id: str
    mac: str

    def signed_text(self) -> str:
        return f"anchor:{self.seq}:{self.hash}:{self.sealed_from}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def verdict(self) -> bool | None:
        """True when its key made it, False when it was altered, None when this computer lacks its key."""
        secret = held_keys().get(self.key_id)
        if secret is None:
            return None
        return mac(secret, self.signed_text()) == self.mac


def make_anchor(seq: int, event_hash: str, sealed_from: int) -> Anchor:
    key = current_key()
    unsigned = Anchor(seq, event_hash, sealed_from, key.key_id, "")
    return Anchor(seq, event_hash, sealed_from, key.key_id, mac(key.secret, unsigned.signed_text()))


def anchor_from(value: Any) -> Anchor | None:
    """The anchor a JSON value holds, or None when it holds none in the right form."""
    if not isinstance(value, dict):
        return None
    try:
        anchor = Anchor(
            int(value["seq"]), str(value["hash"]), int(value["sealed_from"]), str(value["key_id"]), str(value["mac"])
        )
    except (KeyError, TypeError, ValueError):
        return None
    return anchor


def anchor_path(url: str | URL) -> Path | None:
    """Where the anchor of the records at ``url`` is kept; None for records kept nowhere (in memory, read-only)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database)
        return path.with_name(path.name + ANCHOR_SUFFIX)
    shown = parsed.render_as_string(hide_password=True)
    return key_folder() / "anchors" / (hashlib.sha256(shown.encode("utf-8")).hexdigest()[:24] + ANCHOR_SUFFIX)


def read_anchor(url: str | URL) -> tuple[bool, Anchor | None]:
    """Whether an anchor file exists for the records at ``url``, and the anchor it holds (None when unreadable)."""
    path = anchor_path(url)
    if path is None or not path.exists():
        return False, None
    return True, anchor_from(read_private_json(path))


def write_anchor(url: str | URL, seq: int, event_hash: str, sealed_from: int) -> None:
    """Keeps ``seq``/``event_hash`` as the records' head; a failure is logged (the change itself is already saved)."""
    path = anchor_path(url)
    if path is None:
        return
    try:
        write_private_json(path, make_anchor(seq, event_hash, sealed_from).as_dict())
    except Exception as exc:  # the commit has happened; the next change or verify tells of a stale anchor
        log.warning("the audit trail's anchor could not be written: %s", type(exc).__name__)
