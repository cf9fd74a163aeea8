"""Emitting our own signals safely on every PySide6 release the program accepts.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference to it, so each emit
from Python lowers the reference count of ``True`` by one; on Python 3.11 a long run of the program then crashes the
program ("bool_dealloc"). ``emit`` below gives the reference back where that fault is found, and does
nothing extra where it is not.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    after = sys.getrefcount(True)
    if after < before:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
        return True
    return False


_DROPS_REFERENCE = _emit_drops_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, keeping Python's reference counts right."""
    signal.emit(*args)
    if _DROPS_REFERENCE:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
