"""Original file names kept as text: made storable, shown safely, and turned into a safe name to write out."""

from __future__ import annotations

import os
import re
import unicodedata

MAX_NAME_CHARS = 1000
MAX_FILE_NAME_BYTES = 150
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Marks that reorder the text around them, so that "invoice\u202etxt.exe" reads as "invoiceexe.txt".
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI_CONTROL = re.compile(f"[{_BIDI_CONTROLS}]")
_UNSAFE_IN_FILE_NAME = re.compile(f'[\\x00-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}<>:"/\\\\|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def original_name_of(path: str | os.PathLike[str]) -> str:
    """The last part of a path as storable text: bytes that are not UTF-8 become the replacement character."""
    name = os.path.basename(os.fspath(path).rstrip("/\\")) or os.fspath(path)
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name[:MAX_NAME_CHARS]


def display_name(name: str) -> str:
    """A name as it may be printed: control characters shown as the replacement character, bidi marks spelled out."""
    return shown_bidi_controls(_CONTROL.sub("\ufffd", name))


def shown_bidi_controls(text: str) -> str:
    """The text with each bidirectional control written out visibly, such as <U+202E>, so none can reorder it."""
    return _BIDI_CONTROL.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def safe_file_name(name: str, fallback: str = "attachment") -> str:
    """A name that is safe to create in a folder on Windows, macOS and Linux; never a path."""
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = _UNSAFE_IN_FILE_NAME.sub("_", cleaned).strip().strip(".").strip()
    stem, dot, extension = cleaned.rpartition(".")
    if not dot:
        stem, extension = cleaned, ""
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    if len(extension) > 16:
        stem, extension = f"{stem}.{extension}", ""
    # Folders allow 255 bytes a name on most systems; keep well inside, counting UTF-8 bytes.
    while stem and len(f"{stem}.{extension}".encode()) > MAX_FILE_NAME_BYTES:
        stem = stem[:-1]
    cleaned = f"{stem}.{extension}" if extension else stem
    return cleaned or fallback
