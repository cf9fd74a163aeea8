"""The attachment store: streaming import into the database, content addressing, read-back checked by SHA-256.

The names below are imported on first use, so that a text-reading child process, which imports only
``files.pool`` and ``files.extract``, does not load the database layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .attachments import (
        add_version,
        attach_files,
        declare_record,
        get_attachment,
        link_attachment,
        list_attachments,
        open_copy_for_viewer,
        read_text_in,
        replace_content,
        restore_attachment,
        trash_attachment,
        unlink_attachment,
        write_attachment,
    )
    from .extract import TEXT_STATES, state_label

_HOMES = {
    "TEXT_STATES": ".extract",
    "state_label": ".extract",
}

__all__ = [
    "TEXT_STATES",
    "add_version",
    "attach_files",
    "declare_record",
    "get_attachment",
    "link_attachment",
    "list_attachments",
    "open_copy_for_viewer",
    "read_text_in",
    "replace_content",
    "restore_attachment",
    "state_label",
    "trash_attachment",
    "unlink_attachment",
    "write_attachment",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES.get(name, ".attachments"), __name__), name)
    globals()[name] = value
    return value
