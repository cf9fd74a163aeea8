"""Open pages follow other clerks: a thread listens for changes to the records and the window is told, in bursts."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from .operations import EVERYTHING, Changes

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.db.engine import Database
    from .context import AppContext

log = logging.getLogger("desktop_app.gui.live_updates")
WAIT_SECONDS = 0.25  # how long the thread waits at a time, so that it stops soon when asked
REFRESH_AT_MOST_EVERY_MS = 500
# Kinds whose change may touch records of every kind: a whole records file imported, or not known.
_EVERY_KIND = frozenset({"*", "records_file"})


class Elsewhere:
    """The initiator of the changes another clerk made (another window, a command line): pages that show their own
    writes' results refresh for these, keeping the clerk's place and unsaved edits."""

    def __repr__(self) -> str:
        return "ELSEWHERE"


ELSEWHERE = Elsewhere()


def changes_of_kinds(kinds: frozenset[str]) -> Changes:
    """The Changes the pages understand, for record kinds changed elsewhere (which records is not told)."""
    if kinds & _EVERY_KIND:
        return EVERYTHING
    return Changes(frozenset((kind, 0) for kind in kinds))


def _stop_every_thread() -> None:
    """At exit, threads still listening (a window never closed) are stopped: Qt aborts on a running QThread's end."""
    for thread in list(_listening):
        thread.stop()
        thread.wait()


_listening: set[_ListeningThread] = set()
atexit.register(_stop_every_thread)


class _ListeningThread(QThread):
    """Runs the core's ChangeListener until stopped; says which record kinds changed."""

    heard = Signal(object)  # a frozenset of record kinds

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.setObjectName("records-listener")
        self._url = db.url
        self._own_writes = db.writes
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        from ..core.db.change_feed import ChangeListener, kinds_of

        try:
            with ChangeListener(self._url, self._own_writes) as listener:
                while not self._stopping.is_set():
                    changes = listener.wait(WAIT_SECONDS)
                    if changes and not self._stopping.is_set():
                        self.heard.emit(kinds_of(changes))
        except Exception:  # the pages then refresh only after the clerk's own changes, as without a listener
            log.exception("listening for changes made elsewhere stopped")


class LiveUpdates(QObject):
    """Listens to the open records on a thread of its own; ``records_changed`` carries the kinds changed elsewhere.

    A burst of changes makes one signal, at most one every half second. ``restart`` follows another database (or
    the same one opened again); ``stop`` ends the thread and waits for it.
    """

    records_changed = Signal(object)  # a frozenset of record kinds ("*": any kind)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: _ListeningThread | None = None
        self._pending: set[str] = set()
        self._last_told = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tell)

    @property
    def listening(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def restart(self, db: Database | None) -> None:
        """Listens to ``db`` from now on (stops listening when it is None)."""
        self.stop()
        if db is None:
            return
        thread = _ListeningThread(db)
        thread.heard.connect(self._heard)
        self._thread = thread
        _listening.add(thread)
        thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._timer.stop()
        self._pending.clear()
        if thread is not None:
            thread.heard.disconnect(self._heard)
            thread.stop()
            thread.wait()
            _listening.discard(thread)
            thread.deleteLater()

    def _heard(self, kinds: frozenset[str]) -> None:
        if self._thread is None or self.sender() is not self._thread:
            return  # said by a thread being stopped, just before it was
        self._pending.update(kinds)
        if not self._timer.isActive():
            since_ms = (time.monotonic() - self._last_told) * 1000
            self._timer.start(max(0, round(REFRESH_AT_MOST_EVERY_MS - since_ms)))

    def _tell(self) -> None:
        kinds, self._pending = frozenset(self._pending), set()
        if kinds:
            self._last_told = time.monotonic()
            self.records_changed.emit(kinds)


def follow_other_clerks(context: AppContext, records_shown: Callable[[], bool], parent: QObject) -> LiveUpdates:
    """A LiveUpdates whose news reaches every open page as a change made ELSEWHERE, while ``records_shown()``.

    (While the window holds the records back from the clerk, as during a restore, the news is let pass: the
    records are read afresh when they are shown again.)
    """
    live = LiveUpdates(parent)

    def tell_pages(kinds: frozenset[str]) -> None:
        if context.db is None or not records_shown():
            return
        # Announced by the operations, as every change is, after the work the worker already holds.
        context.ops.write(
            lambda _db, _control: kinds,
            changes_of_kinds,
            label="Reading the changes made elsewhere…",
            on_error=lambda _error: None,  # the records were closed meanwhile: there is nothing to refresh
            initiator=ELSEWHERE,
        )

    live.records_changed.connect(tell_pages)
    return live
