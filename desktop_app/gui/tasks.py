"""Background workers for database work; results, errors and progress come back on the main thread.

One worker runs every task that reads or writes the records, one after another (the one writer). A second runs
long read-only checks and copies (the start check, the daily backup copy), so a list opened meanwhile never waits
behind them; SQLite lets a reader run beside the writer.
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from ..core.errors import Stopped

log = logging.getLogger("desktop_app.gui.tasks")


class TaskControl:
    """Handed to each task: lets it report progress and see whether it should stop."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._report: Callable[[int, int], None] = lambda done, total: None

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        if self._stop.is_set():
            raise Stopped()

    def progress(self, done: int, total: int) -> None:
        self._report(done, total)


Done = Callable[[Any], object]  # what a callback returns is not used
Failed = Callable[[BaseException], None]


@dataclass
class _Task:
    number: int
    label: str
    work: Callable[[TaskControl], Any]
    on_done: Done | None
    on_error: Failed | None
    on_progress: Callable[[int, int], None] | None
    control: TaskControl = field(default_factory=TaskControl)
    # Set by the worker before it signals; signals carry only the task's number, never Python objects.
    result: Any = None
    error: BaseException | None = None


class _Worker(QThread):
    """The thread that runs the queued tasks one after another."""

    task_started = Signal(int)
    task_done = Signal(int)
    task_failed = Signal(int)
    # 64-bit counts (bytes of files past 2 GiB); PySide6's type stubs take only Python types, not C++ type names.
    task_progress = Signal(int, "qlonglong", "qlonglong")  # type: ignore[arg-type]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.tasks: queue.Queue[_Task | None] = queue.Queue()

    def _report(self, number: int, done: int, total: int) -> None:
        self.task_progress.emit(number, done, total)

    def run(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            if task.control.cancelled:
                task.error = Stopped()
                self.task_failed.emit(task.number)
                continue
            self.task_started.emit(task.number)
            task.control._report = functools.partial(self._report, task.number)
            try:
                task.result = task.work(task.control)
            except BaseException as exc:  # every failure goes back to the window, never lost in the thread
                task.error = exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
                self.task_failed.emit(task.number)
            else:
                self.task_done.emit(task.number)


class TaskRunner(QObject):
    """Queues work for the worker; calls back on the main thread. The operations build on it, as Anki's ops do."""

    busy_changed = Signal(str)  # what the program is doing, or "" when idle; the views' own messages too
    working = Signal(str)  # the label of the work running now, or "" when none is: never a message
    progress = Signal(str, int, int)
    unhandled_error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._numbers = itertools.count(1)
        self._tasks: dict[int, _Task] = {}
        self._running: list[_Task] = []  # at most one per worker
        self._worker = self._start_worker("records-worker")
        self._checker = self._start_worker("checks-worker")
        self._closed = False

    def _start_worker(self, name: str) -> _Worker:
        worker = _Worker(name)
        worker.task_started.connect(self._started)
        worker.task_done.connect(self._done)
        worker.task_failed.connect(self._failed)
        worker.task_progress.connect(self._progress)
        worker.start()
        return worker

    def run(
        self,
        work: Callable[[TaskControl], Any],
        *,
        label: str,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        read_only_check: bool = False,
    ) -> TaskControl:
        """Runs ``work(control)`` on the worker; ``on_done(result)`` or ``on_error(exc)`` runs on the main thread.

        ``read_only_check``: the work only reads the records (a check, a copy) and may take long; it runs on the
        second worker, beside the records worker, and must stop soon after its control is cancelled.
        """
        task = _Task(next(self._numbers), label, work, on_done, on_error, on_progress)
        if self._closed:
            task.control.cancel()
            return task.control
        self._tasks[task.number] = task
        (self._checker if read_only_check else self._worker).tasks.put(task)
        return task.control

    @property
    def idle(self) -> bool:
        return not self._tasks

    @property
    def working_on(self) -> str:
        """The label of the work running now (the last started), or "" when none is."""
        return self._running[-1].label if self._running else ""

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.control.cancel()

    def shutdown(self) -> None:
        """Stops taking work, cancels what waits, lets the running tasks finish, and joins the threads."""
        if self._closed:
            return
        self._closed = True
        for task in self._tasks.values():
            task.control.cancel()
        for worker in (self._worker, self._checker):
            worker.tasks.put(None)
        for worker in (self._worker, self._checker):
            worker.wait()
        self._tasks.clear()

    def _started(self, number: int) -> None:
        task = self._tasks.get(number)
        if task is not None:
            self._running.append(task)
            self.working.emit(task.label)
            self.busy_changed.emit(task.label)

    def _finish(self, number: int) -> _Task | None:
        task = self._tasks.pop(number, None)
        if task in self._running:
            self._running.remove(task)
            self.working.emit(self.working_on)
        if not self._tasks:
            self.busy_changed.emit("")
        elif self._running:
            self.busy_changed.emit(self._running[-1].label)
        return task

    def _done(self, number: int) -> None:
        task = self._finish(number)
        if task is not None and task.on_done is not None and not self._closed:
            result, task.result = task.result, None
            task.on_done(result)

    def _failed(self, number: int) -> None:
        task = self._finish(number)
        if task is None or self._closed:
            return
        error, task.error = task.error, None
        assert error is not None
        if isinstance(error, Stopped):
            self.busy_changed.emit("Stopped.")
        if task.on_error is not None:
            task.on_error(error)
        elif not isinstance(error, Stopped):
            self.unhandled_error.emit(error)

    def _progress(self, number: int, done: int, total: int) -> None:
        task = self._tasks.get(number)
        if task is not None:
            self.progress.emit(task.label, done, total)
            if task.on_progress is not None:
                task.on_progress(done, total)


class SynchronousRunner(QObject):
    """Runs each task at once on the calling thread: for tests of models and views that need no thread."""

    busy_changed = Signal(str)
    working = Signal(str)
    progress = Signal(str, int, int)
    unhandled_error = Signal(object)

    idle = True
    working_on = ""

    def run(
        self,
        work: Callable[[TaskControl], Any],
        *,
        label: str,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        read_only_check: bool = False,
    ) -> TaskControl:
        control = TaskControl()
        if on_progress is not None:
            control._report = on_progress
        try:
            result = work(control)
        except Exception as exc:
            if on_error is not None:
                on_error(exc)
            elif not isinstance(exc, Stopped):
                self.unhandled_error.emit(exc)
        else:
            if on_done is not None:
                on_done(result)
        return control

    def cancel_all(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
