"""The manifest beside each backup: its fingerprint and its audit trail's head, sealed, checked before a restore."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..host.audit_anchor import anchor_from, make_anchor
from ..host.audit_keys import current_key, held_keys, mac
from ..host.paths import sqlite_readonly_uri
from ..host.private_json import read_private_json, write_private_json
from ..host.user_files import file_sha256

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "sister-city-records backup manifest"


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def write_manifest(backup: Path) -> None:
    """Writes the manifest of a checked backup: its SHA-256, size and audit head, sealed with this computer's key."""
    with contextlib.closing(sqlite3.connect(sqlite_readonly_uri(backup), uri=True)) as connection:
        head = connection.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        first_sealed = connection.execute("SELECT min(seq) FROM audit_event WHERE seal <> ''").fetchone()[0]
    anchor = None
    if head is not None:
        anchor = make_anchor(head[0], head[1], first_sealed if first_sealed is not None else head[0] + 1).as_dict()
    key = current_key()
    value: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "file": backup.name,
        "size": backup.stat().st_size,
        "sha256": file_sha256(backup),
        "anchor": anchor,
        "key_id": key.key_id,
    }
    value["mac"] = mac(key.secret, _signed_text(value))
    try:
        write_private_json(manifest_path(backup), value)
    except OSError as exc:
        reason = exc.strerror or exc
        raise UserError(f"The manifest of the backup {backup.name} could not be written: {reason}.") from exc


def _signed_text(value: dict[str, Any]) -> str:
    return "manifest:" + json.dumps([value.get("size"), value.get("sha256"), value.get("anchor")], sort_keys=True)


def manifest_problem(backup: Path) -> str | None:
    """Why the backup does not match its manifest (None when it does, or has no manifest: an older backup)."""
    path = manifest_path(backup)
    if not path.exists():
        return None
    value = read_private_json(path)
    if not isinstance(value, dict) or value.get("format") != MANIFEST_FORMAT:
        return f"its manifest {path.name} is damaged"
    if value.get("anchor") is not None and anchor_from(value.get("anchor")) is None:
        return f"its manifest {path.name} is damaged"
    secret = held_keys().get(str(value.get("key_id")))
    if secret is not None and mac(secret, _signed_text(value)) != value.get("mac"):
        return f"its manifest {path.name} was altered"
    try:
        fingerprint = file_sha256(backup)
    except OSError as exc:
        return f"it cannot be read: {exc.strerror or exc}"
    if fingerprint != value.get("sha256"):
        return "it was changed after it was written (its fingerprint is not the one its manifest recorded)"
    return None
