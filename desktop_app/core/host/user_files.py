"""Checks a file the user names before anything opens it: it exists, is an ordinary file, and says its size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import UserError


def regular_file_size(path: Path, *, shown: str | None = None, folder_advice: str = "") -> int:
    """The file's size; a missing file, a folder, a pipe, a device or a socket is refused with a sentence.

    Only ``os.stat`` is used, so a FIFO or a device is refused without ever being opened (opening could hang).
    """
    name = shown if shown is not None else str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"There is no file {name}.") from None
    except OSError as exc:
        raise UserError(f"The file {name} cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"{name} is a folder, not a file{folder_advice}.")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{name} is not an ordinary file (it is a pipe, a device or a socket), so it was not read.")
    return info.st_size
