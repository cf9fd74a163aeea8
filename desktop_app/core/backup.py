"""Consistent copies of the SQLite database through its online backup API, checked after writing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .clock import utc_now_text
from .errors import UserError
from .paths import ensure_private_dir, make_private_file


def online_backup(source: Path, destination: Path) -> Path:
    """Copies a live database consistently (never a file copy), checks the copy, and returns its path."""
    ensure_private_dir(destination.parent)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode = DELETE")
            result = dst.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise UserError("The backup copy failed its check, so it was not kept; the records are unchanged.")
        make_private_file(partial)
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The backup could not be written: {exc}.") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The backup could not be written to {destination}: {exc.strerror or exc}.") from exc
    return destination


def timestamped_name(reason: str) -> str:
    """A backup file name that sorts by time, e.g. ``records-20261128T223000Z-before-migration.sqlite3``."""
    stamp = utc_now_text()[:19].replace("-", "").replace(":", "") + "Z"
    return f"records-{stamp}-{reason}.sqlite3"
