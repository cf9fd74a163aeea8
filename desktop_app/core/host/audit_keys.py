"""The keys that seal the audit trail, kept outside the records: the operating system's keyring, else a private file.

A clerk's computer holds one current key, made on first use, and any keys imported from other computers (to check
records sealed there). Someone who has only the records file cannot compute a seal, so cannot rewrite the trail and
seal it again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from ..errors import UserError
from .private_json import read_private_json, write_private_json

log = logging.getLogger("desktop_app.audit_keys")

ENV_KEY_DIR = "SISTER_CITY_RECORDS_KEY_DIR"
KEYRING_SERVICE = "Sister City Records"
KEYRING_ENTRY = "audit-keys"
KEY_FILE_NAME = "audit-keys.json"
EXPORT_FORMAT = "sister-city-records audit key"
_KEY_BYTES = 32


@dataclass(frozen=True)
class SealKey:
    """A secret and the short public name the seals it makes carry."""

    key_id: str
    secret: bytes


def key_id_of(secret: bytes) -> str:
    return hashlib.sha256(b"sister-city-records audit key\x00" + secret).hexdigest()[:16]


def mac(secret: bytes, text: str) -> str:
    """The keyed fingerprint of ``text`` (HMAC-SHA-256, hex)."""
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def key_folder() -> Path:
    """Where the key file lives: the folder an environment variable names, else the user's configuration folder."""
    override = os.environ.get(ENV_KEY_DIR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("SisterCityRecords", appauthor=False, roaming=False))


_lock = threading.Lock()
_cache: dict[str, tuple[str, dict[str, bytes]]] = {}


def _store_name() -> str:
    return str(key_folder())


def _parse_store(value: Any) -> tuple[str, dict[str, bytes]]:
    if not isinstance(value, dict) or not isinstance(value.get("keys"), dict):
        return "", {}
    keys: dict[str, bytes] = {}
    for key_id, secret_hex in value["keys"].items():
        try:
            secret = bytes.fromhex(secret_hex)
        except (TypeError, ValueError):
            continue
        if key_id_of(secret) == key_id:
            keys[key_id] = secret
    current = value.get("current")
    return (current if isinstance(current, str) and current in keys else ""), keys


def _store_value(current: str, keys: dict[str, bytes]) -> dict[str, Any]:
    return {"current": current, "keys": {key_id: secret.hex() for key_id, secret in sorted(keys.items())}}


def _keyring() -> Any:
    """The operating system's keyring when it has a usable one (none is used when the key folder is overridden)."""
    if os.environ.get(ENV_KEY_DIR):
        return None
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring installation is the same as none: the file is used
        return None
    return backend if getattr(backend, "priority", 0) > 0 else None


def _read_stores() -> tuple[str, dict[str, bytes], Any]:
    """The current key's id and every key held, from the keyring and the file, and the keyring used (or None)."""
    current, keys = _parse_store(read_private_json(key_folder() / KEY_FILE_NAME))
    backend = _keyring()
    if backend is not None:
        try:
            text = backend.get_password(KEYRING_SERVICE, KEYRING_ENTRY)
        except Exception as exc:  # a locked or failing keyring: the file's keys still count
            log.warning("the keyring could not be read: %s", type(exc).__name__)
            text = None
        if text:
            try:
                ring_current, ring_keys = _parse_store(json.loads(text))
            except ValueError:
                ring_current, ring_keys = "", {}
            keys.update(ring_keys)
            current = ring_current or current
    return current, keys, backend


def _write_store(current: str, keys: dict[str, bytes], backend: Any) -> None:
    value = _store_value(current, keys)
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, KEYRING_ENTRY, json.dumps(value))
            return
        except Exception as exc:
            log.warning("the keyring could not be written, the key file is used: %s", type(exc).__name__)
    try:
        write_private_json(key_folder() / KEY_FILE_NAME, value)
    except OSError as exc:
        raise UserError(
            f"The key that seals the audit trail could not be saved in {key_folder()}: {exc.strerror or exc}."
        ) from exc


def _loaded() -> tuple[str, dict[str, bytes]]:
    name = _store_name()
    if name not in _cache:
        current, keys, _backend = _read_stores()
        _cache[name] = (current, keys)
    return _cache[name]


def held_keys() -> dict[str, bytes]:
    """Every key this computer holds, by id."""
    with _lock:
        return dict(_loaded()[1])


def current_key() -> SealKey:
    """This computer's sealing key, made and saved on first use."""
    with _lock:
        current, keys = _loaded()
        if current:
            return SealKey(current, keys[current])
        current, keys, backend = _read_stores()
        if not current:
            secret = secrets.token_bytes(_KEY_BYTES)
            current = key_id_of(secret)
            keys[current] = secret
            _write_store(current, keys, backend)
            log.info("a new key to seal the audit trail was made (%s)", current)
        _cache[_store_name()] = (current, keys)
        return SealKey(current, keys[current])


def forget_cached_keys() -> None:
    """Reads the keys again on next use (after another process changed them, or in tests)."""
    with _lock:
        _cache.clear()


def export_key(destination: Path) -> SealKey:
    """Writes this computer's key to ``destination`` (owner-only), to move it with a backup to another computer."""
    key = current_key()
    value = {"format": EXPORT_FORMAT, "key_id": key.key_id, "secret": key.secret.hex()}
    try:
        write_private_json(destination, value)
    except OSError as exc:
        raise UserError(f"The key could not be written to {destination}: {exc.strerror or exc}.") from exc
    return key


def import_key(source: Path) -> SealKey:
    """Adds the key in ``source`` (written by export_key on another computer) to the keys this computer holds."""
    if not source.is_file():
        raise UserError(f"There is no key file at {source}.")
    value = read_private_json(source)
    if not isinstance(value, dict) or value.get("format") != EXPORT_FORMAT:
        raise UserError(f"{source.name} is not an audit key file written by Sister City Records.")
    try:
        secret = bytes.fromhex(str(value.get("secret", "")))
    except ValueError:
        secret = b""
    if len(secret) != _KEY_BYTES or key_id_of(secret) != value.get("key_id"):
        raise UserError(f"{source.name} is damaged: the key it holds does not match its name.")
    with _lock:
        current, keys, backend = _read_stores()
        if keys.get(key_id_of(secret)) != secret:
            keys[key_id_of(secret)] = secret
            _write_store(current, keys, backend)
        _cache.pop(_store_name(), None)
    return SealKey(key_id_of(secret), secret)


def where_kept() -> str:
    """Where this computer's keys are kept, in words."""
    if _keyring() is not None:
        return "the operating system's keyring"
    return str(key_folder() / KEY_FILE_NAME)
