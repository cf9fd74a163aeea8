"""One copy of the program per data folder: a lock file held for as long as the window is open."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path
from types import TracebackType

from ..errors import UserError
from ..host.paths import ensure_private_dir

LOCK_FILE_NAME = "sister-city-records.lock"


class AlreadyOpenError(UserError):
    """Another copy of the program holds the data folder."""


class InstanceLock:
    """The held lock on a data folder; released by ``release()``, at the end of a ``with`` block, or at exit."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor: int | None = descriptor

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def release(self) -> None:
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        with contextlib.suppress(OSError):
            _unlock(descriptor)
        os.close(descriptor)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.release()


def acquire_instance_lock(data_dir: Path) -> InstanceLock:
    """Takes the data folder for this copy of the program, or raises AlreadyOpenError with a sentence.

    The operating system releases the lock when the process ends, even if it is killed, so a crash never leaves
    a stale lock behind.
    """
    ensure_private_dir(Path(data_dir))
    path = Path(data_dir) / LOCK_FILE_NAME
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise UserError(f"The data folder {data_dir} cannot be used: {exc.strerror or exc}.") from exc
    try:
        _lock(descriptor)
    except OSError as exc:
        holder = _read_holder(descriptor)
        os.close(descriptor)
        raise AlreadyOpenError(
            f"The records in {data_dir} are already open in another copy of Sister City Records{holder}. "
            "Please switch to that window, or close it and try again."
        ) from exc
    _write_holder(descriptor)
    return InstanceLock(path, descriptor)


def _read_holder(descriptor: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        os.lseek(descriptor, 1, os.SEEK_SET)  # byte 0 is the locked byte on Windows
        text = os.read(descriptor, 200).decode("utf-8", "replace").strip()
        if text:
            return f" ({text})"
    return ""


def _write_holder(descriptor: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 1)
        os.lseek(descriptor, 1, os.SEEK_SET)
        os.write(descriptor, f"on {socket.gethostname()}, process {os.getpid()}".encode())


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
