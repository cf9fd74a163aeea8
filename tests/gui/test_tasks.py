"""The background worker: results and errors on the main thread, progress, cancelling, and a clean shutdown."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QThread

from desktop_app.core.errors import Stopped, UserError
from desktop_app.gui.tasks import TaskControl, TaskRunner


@pytest.fixture
def runner() -> Any:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def test_result_arrives_on_the_main_thread(qtbot: Any, runner: TaskRunner) -> None:
    seen: dict[str, Any] = {}

    def work(_control: TaskControl) -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["main"] = QThread.currentThread() is qtbot_thread

    qtbot_thread = QThread.currentThread()
    runner.run(work, label="Answering…", on_done=done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["main"] is True
    assert seen["worker"] is not threading.main_thread()
    assert runner.idle


def test_tasks_run_one_at_a_time_in_order(qtbot: Any, runner: TaskRunner) -> None:
    order: list[int] = []
    running = []

    def work(number: int) -> Any:
        def run(_control: TaskControl) -> int:
            running.append(number)
            assert len(running) == 1
            time.sleep(0.01)
            running.remove(number)
            return number

        return run

    for number in range(5):
        runner.run(work(number), label="Work…", on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 5)
    assert order == [0, 1, 2, 3, 4]


def test_errors_come_back_and_unhandled_ones_are_announced(qtbot: Any, runner: TaskRunner) -> None:
    errors: list[BaseException] = []
    runner.run(lambda _c: (_ for _ in ()).throw(UserError("No.")), label="Failing…", on_error=errors.append)
    with qtbot.waitSignal(runner.unhandled_error) as blocker:
        runner.run(lambda _c: 1 / 0, label="Dividing…")
    assert isinstance(blocker.args[0], ZeroDivisionError)
    assert isinstance(errors[0], UserError) and errors[0].message == "No."


def test_progress_and_cancel(qtbot: Any, runner: TaskRunner) -> None:
    started = threading.Event()
    progress: list[tuple[int, int]] = []
    outcome: list[BaseException] = []

    def work(control: TaskControl) -> None:
        started.set()
        for step in range(1000):
            control.progress(step, 1000)
            control.check()
            time.sleep(0.002)

    control = runner.run(
        work, label="Long work…", on_progress=lambda d, t: progress.append((d, t)), on_error=outcome.append
    )
    waiting_done: list[int] = []
    waiting = runner.run(lambda _c: 1, label="Waiting…", on_done=waiting_done.append, on_error=outcome.append)
    started.wait(5)
    qtbot.waitUntil(lambda: len(progress) > 3)
    control.cancel()
    waiting.cancel()
    qtbot.waitUntil(lambda: len(outcome) == 2)
    assert all(isinstance(error, Stopped) for error in outcome)
    assert waiting_done == []
    assert progress[0] == (0, 1000)


def test_shutdown_waits_for_the_running_task(qtbot: Any) -> None:
    runner = TaskRunner()
    finished = threading.Event()

    def work(_control: TaskControl) -> None:
        time.sleep(0.2)
        finished.set()

    runner.run(work, label="Writing…")
    later: list[int] = []
    runner.run(lambda _c: later.append(1), label="Never…")
    time.sleep(0.05)
    runner.shutdown()
    assert finished.is_set()
    assert later == []  # what was waiting is cancelled, not run
    assert not runner._worker.isRunning()
    control = runner.run(lambda _c: 1, label="After closing")
    assert control.cancelled


def test_a_read_only_check_runs_beside_the_records_worker(qtbot: Any, runner: TaskRunner) -> None:
    release = threading.Event()
    check_finished: list[str] = []
    list_loaded: list[int] = []
    labels: list[str] = []
    runner.busy_changed.connect(labels.append)

    def long_check(control: TaskControl) -> str:
        while not release.wait(0.01):
            control.check()
        return "checked"

    runner.run(long_check, label="Checking the records…", on_done=check_finished.append, read_only_check=True)
    runner.run(lambda _c: 200, label="Loading partnerships…", on_done=list_loaded.append)
    qtbot.waitUntil(lambda: list_loaded == [200])
    assert check_finished == []  # the list did not wait for the check
    assert labels[-1] == "Checking the records…"  # the status still says what is running
    release.set()
    qtbot.waitUntil(lambda: check_finished == ["checked"])
    assert runner.idle and labels[-1] == ""


def test_shutdown_stops_a_running_read_only_check(qtbot: Any) -> None:
    runner = TaskRunner()
    outcome: list[BaseException] = []
    started = threading.Event()

    def endless_check(control: TaskControl) -> None:
        started.set()
        while True:
            control.check()
            time.sleep(0.01)

    runner.run(endless_check, label="Checking…", on_error=outcome.append, read_only_check=True)
    started.wait(5)
    runner.shutdown()
    assert not runner._checker.isRunning() and not runner._worker.isRunning()


def test_none_true_and_false_survive_many_calls_into_qt() -> None:
    import sys

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    class Probe(QObject):
        ping = Signal(int)

    probe, label = Probe(), QLabel()
    for number in range(20_000):  # more calls than None has references on an unprotected Python 3.11
        probe.ping.emit(number)
        label.setText("x")
    assert sys.getrefcount(None) > 10_000 and sys.getrefcount(True) > 10_000
