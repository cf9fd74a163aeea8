"""Keeps None, True and False alive under PySide6 6.12.0 on Python 3.11.

That PySide6 release returns ``None`` from every method without a result (``setText``, ``show``,
``processEvents``...), and ``True`` from ``Signal.emit``, without taking the reference the caller then gives up,
and drops one more reference to a ``None`` a ``data()`` override returns. From Python 3.12 on these objects are
immortal and nothing happens; on 3.11 their counts fall by one per call, and after a few thousand calls the
interpreter frees ``None`` and crashes ("none_dealloc"). So on 3.11 their counts are raised out of reach once,
which is what 3.12 does for every program.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 2**40


def keep_singletons_alive() -> bool:
    """Raises the reference counts of None, True and False out of reach; True when that was needed and done."""
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):  # immortal already, or a debug build
        return False
    for singleton in (None, True, False):
        before = sys.getrefcount(singleton)
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < HEADROOM:
            count.value += HEADROOM
        if sys.getrefcount(singleton) < before:  # not the layout expected: leave it as it was
            count.value -= HEADROOM
            return False
    return True
