"""Small JSON files only their owner reads (keys, anchors), written whole and synced or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .paths import ensure_private_dir, make_private_file


def read_private_json(path: Path) -> Any:
    """The file's JSON value; None when the file is missing or is not JSON (the caller says what that means)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def write_private_json(path: Path, value: Any) -> None:
    """Replaces ``path`` with ``value`` as JSON, readable by its owner only; raises OSError when it cannot."""
    ensure_private_dir(path.parent)
    descriptor, partial_name = tempfile.mkstemp(prefix=".partial-", dir=path.parent)
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(value, handle, sort_keys=True, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        make_private_file(partial)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
