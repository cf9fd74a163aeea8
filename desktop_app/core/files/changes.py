"""Notices a file that changes while it is being read, so that a half-written file is never attached."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError


@dataclass(frozen=True)
class FileState:
    """What tells one version of a file from the next: which file it is, its size and when it was last written."""

    device: int
    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileState:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def state_of_open_file(descriptor: int) -> FileState:
    return FileState.of(os.fstat(descriptor))


def state_of_path(path: Path) -> FileState | None:
    """The file's state now, or None when it is gone or cannot be looked at."""
    try:
        return FileState.of(os.stat(path))
    except OSError:
        return None


def changed_while_read(shown: str) -> UserError:
    return UserError(
        f"{shown} changed while it was being read; nothing was attached. "
        "Attach it again once it is no longer being written."
    )
