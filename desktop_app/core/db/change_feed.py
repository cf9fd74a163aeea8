"""Changes made by other clerks, as they happen: each write announces the record kinds it touched; a listener hears.

On a PostgreSQL server every committed write that changed records sends one notification (NOTIFY, which the server
delivers only when the transaction commits); on a SQLite file a listener polls the file's change counter and reads
the audit trail's new events. Either way a change names only the record kinds touched and the trail's newest
sequence number: never a value, never a name.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

CHANNEL = "sister_city_records"
ANY_KIND = "*"  # the kinds touched are not known (a gap while the server was out of reach, a file replaced)
POLL_SECONDS = 0.5
RECONNECT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 10
EVENTS_READ_AT_MOST = 10_000  # more new events than this at once: a large import, taken as a change of any kind
_EVENTS_KEY = "change_feed_events"
_OWN_RANGES_KEPT = 512


@dataclass(frozen=True)
class Change:
    """One committed write elsewhere: the record kinds it touched (ANY_KIND when not known) and the newest seq."""

    kinds: frozenset[str]
    seq: int | None = None


def kinds_of(changes: Iterable[Change]) -> frozenset[str]:
    """Every record kind the changes touched."""
    return frozenset(kind for change in changes for kind in change.kinds)


class WriteLog:
    """The writes of one Database: a token naming them in notifications, and the audit seqs they committed."""

    def __init__(self) -> None:
        self.origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._ranges: deque[tuple[int, int]] = deque(maxlen=_OWN_RANGES_KEPT)
        self._lock = threading.Lock()

    def add(self, first: int, last: int) -> None:
        with self._lock:
            self._ranges.append((first, last))

    def discard(self, first: int, last: int) -> None:
        with self._lock:
            if (first, last) in self._ranges:
                self._ranges.remove((first, last))

    def wrote(self, seq: int) -> bool:
        with self._lock:
            return any(first <= seq <= last for first, last in self._ranges)


# --- announcing -----------------------------------------------------------------------------------------------


def follow_audit_events(factory: sessionmaker[Session]) -> None:
    """Notes, in each session the factory makes, the audit events it writes: their seq and record kind."""
    from sqlalchemy import event

    from .models import AuditEvent

    audit_table = AuditEvent.__tablename__

    @event.listens_for(factory, "before_flush")
    def _added_events(session: Session, _context: Any, _instances: Any) -> None:
        for obj in session.new:
            if isinstance(obj, AuditEvent):
                _note(session, [(obj.seq, obj.record_kind)])

    @event.listens_for(factory, "do_orm_execute")
    def _inserted_events(state: ORMExecuteState) -> None:
        # The statement's table is an annotated copy of the model's: told by its name.
        if state.is_insert and getattr(getattr(state.statement, "table", None), "name", None) == audit_table:
            given = state.parameters
            rows: list[Any] = list(given) if isinstance(given, list | tuple) else [given or {}]
            _note(state.session, [(row.get("seq"), row.get("record_kind")) for row in rows])


def _note(session: Session, events: list[tuple[Any, Any]]) -> None:
    session.info.setdefault(_EVENTS_KEY, []).extend(
        (int(seq), str(kind)) for seq, kind in events if seq is not None and kind
    )


def announce(session: Session, log: WriteLog) -> tuple[int, int] | None:
    """Called at the end of a writing transaction, before it commits: on PostgreSQL sends the notification.

    Returns the first and last audit seq the transaction wrote (None when it changed no records), which the
    caller records in ``log`` so that a listener of the same Database can tell its own writes.
    """
    events = session.info.pop(_EVENTS_KEY, None)
    if not events:
        return None
    seqs = [seq for seq, _kind in events]
    first, last = min(seqs), max(seqs)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        payload = json.dumps(
            {"kinds": sorted({kind for _seq, kind in events}), "seq": last, "origin": log.origin},
            separators=(",", ":"),
        )
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
    return first, last


# --- listening ------------------------------------------------------------------------------------------------


class ChangeListener:
    """Hears the records change: ``wait(seconds)`` returns the changes committed since the last call, or [].

    ``wait`` never blocks longer than its timeout. Writes recorded in ``own_writes`` (the window's own Database)
    are not reported: the window shows their results already. Use it as a context manager; it reconnects by itself.
    """

    def __init__(self, url: str, own_writes: WriteLog | None = None) -> None:
        self._source: _ServerListener | _FileListener = (
            _FileListener(url, own_writes) if url.startswith("sqlite") else _ServerListener(url, own_writes)
        )

    def __enter__(self) -> ChangeListener:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def wait(self, timeout_seconds: float) -> list[Change]:
        return self._source.wait(max(0.0, timeout_seconds))

    def close(self) -> None:
        self._source.close()


def _sleep_until(deadline: float, at_most: float) -> None:
    time.sleep(max(0.0, min(deadline - time.monotonic(), at_most)))


class _ServerListener:
    """LISTEN on a connection of its own (autocommit), made again when the server drops it.

    Connecting happens on a short-lived thread of its own, so that a server that does not answer never holds
    ``wait`` beyond its timeout.
    """

    def __init__(self, url: str, own_writes: WriteLog | None) -> None:
        self._conninfo = _libpq_address(url)
        self._own_origin = own_writes.origin if own_writes is not None else None
        self._connection: Any = None
        # The first connection is begun at once, so that it listens as soon as it can.
        self._attempt: _ListeningConnection | None = _ListeningConnection(self._conninfo)
        self._next_attempt = time.monotonic() + RECONNECT_SECONDS
        self._was_connected = False

    def wait(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        if self._connection is None:
            reconnected = self._connect(deadline)
            if self._connection is None:
                _sleep_until(deadline, timeout)
                return []
            if reconnected:
                # What was committed while the connection was down was not heard: anything may have changed.
                return [Change(frozenset({ANY_KIND}))]
        import psycopg

        changes: list[Change] = []
        try:
            while not changes and (remaining := deadline - time.monotonic()) > 0:
                for notification in self._connection.notifies(timeout=remaining, stop_after=1):
                    change = self._change_of(notification.payload)
                    if change is not None:
                        changes.append(change)
        except psycopg.Error:
            self._drop()
        return changes

    def _connect(self, deadline: float) -> bool:
        """Waits for a connection being made (starting one when it is time); True when it replaces a lost one."""
        if self._attempt is None:
            if time.monotonic() < self._next_attempt:
                return False
            self._next_attempt = time.monotonic() + RECONNECT_SECONDS
            self._attempt = _ListeningConnection(self._conninfo)
        if not self._attempt.done.wait(max(0.0, deadline - time.monotonic())):
            return False
        self._connection, self._attempt = self._attempt.connection, None
        if self._connection is None:
            return False
        reconnected, self._was_connected = self._was_connected, True
        return reconnected

    def _change_of(self, payload: str) -> Change | None:
        try:
            told = json.loads(payload)
            kinds = frozenset(str(kind) for kind in told["kinds"])
            seq = int(told["seq"]) if told.get("seq") is not None else None
            origin = told.get("origin")
        except (ValueError, TypeError, KeyError):
            return Change(frozenset({ANY_KIND}))
        if self._own_origin is not None and origin == self._own_origin:
            return None
        return Change(kinds or frozenset({ANY_KIND}), seq)

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        _close_quietly(connection)

    def close(self) -> None:
        self._drop()
        if self._attempt is not None:
            self._attempt.abandon()
            self._attempt = None


class _ListeningConnection:
    """A connection to the server that listens on the channel, made on a thread of its own."""

    def __init__(self, conninfo: str) -> None:
        self.done = threading.Event()
        self.connection: Any = None
        self._abandoned = False
        self._lock = threading.Lock()
        threading.Thread(target=self._connect, args=(conninfo,), name="records-listener-connect", daemon=True).start()

    def _connect(self, conninfo: str) -> None:
        import psycopg

        connection = None
        try:
            connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
            connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            _close_quietly(connection)
            connection = None
        with self._lock:
            if self._abandoned:
                _close_quietly(connection)
            else:
                self.connection = connection
            self.done.set()

    def abandon(self) -> None:
        """Nobody waits for it any more: the connection, when made, is closed at once."""
        with self._lock:
            self._abandoned = True
            connection, self.connection = self.connection, None
        _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):  # a broken connection may fail to close; it is let go either way
            connection.close()


def _libpq_address(url: str) -> str:
    """The connection string psycopg connects with, from the program's database URL.

    Built as key=value pairs, not as a URL: libpq refuses a URL whose password holds a space, which SQLAlchemy
    leaves unencoded.
    """
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.engine import make_url

    address = make_url(url)
    parts = {
        "host": address.host,
        "port": address.port,
        "dbname": address.database,
        "user": address.username,
        "password": address.password,
    }
    options = {name: value for name, value in address.query.items() if isinstance(value, str)}
    return make_conninfo("", **{name: value for name, value in parts.items() if value is not None}, **options)


class _FileListener:
    """Polls a SQLite file: its change counter on a connection of its own, then the audit trail's new events."""

    def __init__(self, url: str, own_writes: WriteLog | None) -> None:
        from sqlalchemy.engine import make_url

        self._path = make_url(url).database or ""
        self._own = own_writes
        self._connection: sqlite3.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        self._data_version: int | None = None
        self._last_seq: int | None = None
        self._next_poll = 0.0

    def wait(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if now >= self._next_poll:
                self._next_poll = now + POLL_SECONDS
                changes = self._poll()
                if changes:
                    return changes
            if now >= deadline:
                return []
            _sleep_until(deadline, self._next_poll - now)

    def _poll(self) -> list[Change]:
        try:
            return self._changes()
        except (sqlite3.Error, OSError):
            # Busy, or the file is being replaced: the next poll reads again on a fresh connection.
            self.close()
            return []

    def _changes(self) -> list[Change]:
        file_id = self._identity()
        if self._connection is not None and file_id != self._file_id:
            self.close()  # the file was replaced (a restored backup): its events are not the ones read before
            self._last_seq = None
            self._connection = self._open(file_id)
            return [Change(frozenset({ANY_KIND}))]
        if self._connection is None:
            self._connection = self._open(file_id)
            return []
        version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        if version == self._data_version:
            return []
        self._data_version = version
        return self._new_events()

    def _identity(self) -> tuple[int, int]:
        status = os.stat(self._path)
        return status.st_dev, status.st_ino

    def _open(self, file_id: tuple[int, int]) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, timeout=0.2, isolation_level=None, check_same_thread=False)
        try:
            self._data_version = int(connection.execute("PRAGMA data_version").fetchone()[0])
            if self._last_seq is None:
                self._last_seq = _newest_seq(connection)
        except sqlite3.Error:
            connection.close()
            raise
        self._file_id = file_id
        return connection

    def _new_events(self) -> list[Change]:
        assert self._connection is not None
        last = self._last_seq or 0
        rows = self._connection.execute(
            "SELECT seq, record_kind FROM audit_event WHERE seq > ? ORDER BY seq LIMIT ?",
            (last, EVENTS_READ_AT_MOST + 1),
        ).fetchall()
        if not rows:
            newest = _newest_seq(self._connection)
            if newest < last:  # the trail is shorter than it was: the file holds other records now
                self._last_seq = newest
                return [Change(frozenset({ANY_KIND}), newest)]
            return []
        self._last_seq = int(rows[-1][0])
        if len(rows) > EVENTS_READ_AT_MOST:
            self._last_seq = _newest_seq(self._connection)
            return [Change(frozenset({ANY_KIND}), self._last_seq)]
        theirs = [(seq, kind) for seq, kind in rows if self._own is None or not self._own.wrote(seq)]
        if not theirs:
            return []
        return [Change(frozenset(str(kind) for _seq, kind in theirs), int(theirs[-1][0]))]

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _newest_seq(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT coalesce(max(seq), 0) FROM audit_event").fetchone()[0])
