"""Files the user names: checked before anything opens one, and written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

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


def writable_file(destination: Path, example: str) -> Path:
    """A file that can be written: not a folder, in a folder that exists; ``example`` names a file in the sentence."""
    destination = Path(destination)
    if destination.is_dir():
        raise UserError(f"{destination} is a folder; give a file name such as {example}.")
    folder = destination.parent if str(destination.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist.")
    return destination


def write_whole(destination: Path, data: bytes, *, example: str, what: str = "") -> None:
    """Writes the file whole or not at all (a temporary file beside it, then replaced); ``what`` names it."""
    with writing_whole(destination, example=example, what=what) as handle:
        handle.write(data)


@contextmanager
def writing_whole(destination: Path, *, example: str, what: str = "") -> Iterator[BinaryIO]:
    """A handle for writing the file bit by bit, whole or not at all, as ``write_whole`` does with bytes in memory.

    The file is created readable and writable by its owner only (0600), whatever the umask; it takes the
    destination's place only when the block ends without an error.
    """
    destination = writable_file(destination, example)
    failed = f"{what} could not be written to {destination}" if what else f"{destination} could not be written"
    try:
        descriptor, partial_name = tempfile.mkstemp(prefix=".partial-", dir=destination.parent)
    except OSError as exc:
        raise UserError(f"{failed}: {exc.strerror or exc}.") from exc
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(partial, destination)
    except OSError as exc:
        raise UserError(f"{failed}: {exc.strerror or exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time; OSError when it cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
