"""The attachment store: streaming import into the database, content addressing, read-back checked by SHA-256."""

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
    write_attachment,
)
from .extract import TEXT_STATES, state_label
from .store import Cancelled

__all__ = [
    "TEXT_STATES",
    "Cancelled",
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
    "write_attachment",
]
