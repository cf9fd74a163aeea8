"""One background worker for all database work; results, errors and progress come back on the main thread."""

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

log = logging.getLogger("desktop_app.gui.tasks")


class Cancelled(Exception):
    """Raised inside a task when the user asked to stop it."""


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
            raise Cancelled()

    def progress(self, done: int, total: int) -> None:
        self._report(done, total)


Done = Callable[[Any], None]
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
    task_progress = Signal(int, "qlonglong", "qlonglong")

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("records-worker")
        self.tasks: queue.Queue[_Task | None] = queue.Queue()

    def _report(self, number: int, done: int, total: int) -> None:
        self.task_progress.emit(number, done, total)

    def run(self) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            if task.control.cancelled:
                task.error = Cancelled()
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
    """Queues work for the worker; calls back on the main thread. Modelled on Anki's CollectionOp and QueryOp."""

    busy_changed = Signal(str)  # what the program is doing, or "" when idle
    progress = Signal(str, int, int)
    unhandled_error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._numbers = itertools.count(1)
        self._tasks: dict[int, _Task] = {}
        self._current: _Task | None = None
        self._worker = _Worker()
        self._worker.task_started.connect(self._started)
        self._worker.task_done.connect(self._done)
        self._worker.task_failed.connect(self._failed)
        self._worker.task_progress.connect(self._progress)
        self._worker.start()
        self._closed = False

    def run(
        self,
        work: Callable[[TaskControl], Any],
        *,
        label: str,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TaskControl:
        """Runs ``work(control)`` on the worker; ``on_done(result)`` or ``on_error(exc)`` runs on the main thread."""
        task = _Task(next(self._numbers), label, work, on_done, on_error, on_progress)
        if self._closed:
            task.control.cancel()
            return task.control
        self._tasks[task.number] = task
        self._worker.tasks.put(task)
        return task.control

    @property
    def idle(self) -> bool:
        return not self._tasks

    def cancel_all(self) -> None:
        for task in self._tasks.values():
            task.control.cancel()

    def shutdown(self) -> None:
        """Stops taking work, cancels what waits, lets the running task finish, and joins the thread."""
        if self._closed:
            return
        self._closed = True
        for task in self._tasks.values():
            task.control.cancel()
        self._worker.tasks.put(None)
        self._worker.wait()
        self._tasks.clear()

    def _started(self, number: int) -> None:
        task = self._tasks.get(number)
        if task is not None:
            self._current = task
            self.busy_changed.emit(task.label)

    def _finish(self, number: int) -> _Task | None:
        task = self._tasks.pop(number, None)
        if self._current is task:
            self._current = None
        if not self._tasks:
            self.busy_changed.emit("")
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
        if isinstance(error, Cancelled):
            self.busy_changed.emit("Stopped.")
        if task.on_error is not None:
            task.on_error(error)
        elif not isinstance(error, Cancelled):
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
    progress = Signal(str, int, int)
    unhandled_error = Signal(object)

    idle = True

    def run(
        self,
        work: Callable[[TaskControl], Any],
        *,
        label: str,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TaskControl:
        control = TaskControl()
        if on_progress is not None:
            control._report = on_progress
        try:
            result = work(control)
        except Exception as exc:
            if on_error is not None:
                on_error(exc)
            elif not isinstance(exc, Cancelled):
                self.unhandled_error.emit(exc)
        else:
            if on_done is not None:
                on_done(result)
        return control

    def cancel_all(self) -> None:
        pass

    def shutdown(self) -> None:
        pass
