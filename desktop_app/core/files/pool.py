"""Runs text extraction in long-lived child processes, each bounded in time and memory per file, on all cores."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024
MAX_WORKERS = 4
# Files queued in each child at once: enough that it never waits for the parent, few enough to requeue.
JOBS_IN_FLIGHT = 4
# OCR of scanned pages (an optional extra) cannot fit in the limits above: its engine alone reserves about 1.4 GiB
# of address space for one page, and a dense letter-size page takes 4 to 15 seconds on one core. A child about to
# begin OCR asks for these instead, for that file only, and is replaced afterwards.
OCR_TIME_S = 120.0
OCR_MEMORY_LIMIT = 3 * 1024 * 1024 * 1024
# What a child sends, before the answer, when it begins OCR of the file it is reading.
_OCR_BEGINS = "ocr begins"

Result = dict[str, Any]


def _worker_main(connection: Connection, memory_limit: int, ocr_time: float = OCR_TIME_S) -> None:
    """A child's loop: receive a path, send back what extract_path found; stop on None."""
    ocr_memory_limit = max(memory_limit, OCR_MEMORY_LIMIT)
    _limit_memory(memory_limit, ocr_memory_limit)
    from .extract import extract_path

    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        job_id, path = job
        began_ocr = False

        def allow_ocr(job_id: int = job_id) -> float:
            nonlocal began_ocr
            began_ocr = True
            _limit_memory(ocr_memory_limit, ocr_memory_limit)
            connection.send((_OCR_BEGINS, job_id))
            return ocr_time * 0.8  # leaves the last fifth for a page begun late, before the parent stops the child

        result = extract_path(path, allow_ocr)
        connection.send((job_id, result))
        if began_ocr or "more memory" in result.get("note", ""):
            # After OCR the child holds the engine and its wider limit; after a MemoryError its heap is not to be
            # trusted. Either way a fresh child reads the next files.
            return


def _limit_memory(limit: int, ceiling: int) -> None:
    """Bounds the child's address space at ``limit``; the hard ``ceiling`` is what OCR may raise it to."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still applies
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, ceiling))


def _failure(note: str) -> Result:
    return {"state": "unreadable", "note": note, "page_count": None, "text": "", "media_type": "", "sha256": ""}


@dataclass
class _Worker:
    process: Any
    connection: Connection
    # Jobs sent and not yet answered, in the order the child reads them; the first is the one being read.
    in_flight: deque[tuple[int, str]] = field(default_factory=deque)
    deadline: float = 0.0
    allowed: float = 0.0  # the seconds the file being read is given
    reading_by_ocr: bool = False


@dataclass
class ExtractionPool:
    """Reads the text of many files at once in a few long-lived child processes (one per core, at most 4).

    ``start`` returns at once; ``wait`` gives the results by job id. A file whose reading takes longer than
    ``timeout`` seconds or needs more than ``memory_limit`` bytes comes back as unreadable with a note; its child
    is replaced and the files queued behind it are read by the new one.
    """

    timeout: float = DEFAULT_TIMEOUT_S
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    ocr_time: float = OCR_TIME_S
    workers: int = 0
    on_result: Callable[[int, Result], None] | None = None  # called in the caller's thread, from drain/wait
    results: dict[int, Result] = field(default_factory=dict)
    _finished: queue.SimpleQueue[int] = field(default_factory=queue.SimpleQueue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _error: BaseException | None = None

    def start(self, jobs: Sequence[tuple[int, str]]) -> None:
        count = self.workers or min(MAX_WORKERS, os.cpu_count() or 1)
        count = max(1, min(count, len(jobs)))
        self._thread = threading.Thread(
            target=self._supervise, args=(list(jobs), count), name="text-extraction", daemon=True
        )
        self._thread.start()

    def wait(self, cancel: Callable[[], bool] | None = None) -> dict[int, Result]:
        """Blocks until every job is done (or ``cancel()`` turns true, which stops the children)."""
        if self._thread is None:
            return self.results
        while self._thread.is_alive():
            self.drain()
            if cancel is not None and cancel():
                self.stop()
                break
            self._thread.join(0.05)
        self.drain()
        if self._error is not None:
            raise self._error
        return self.results

    def drain(self) -> None:
        """Reports the jobs finished since the last call to on_result, in the calling thread."""
        while True:
            try:
                job_id = self._finished.get_nowait()
            except queue.Empty:
                return
            if self.on_result is not None:
                self.on_result(job_id, self.results[job_id])

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _supervise(self, jobs: list[tuple[int, str]], count: int) -> None:
        context = multiprocessing.get_context("spawn")
        pending = deque(jobs)
        workers: list[_Worker] = []
        try:
            for _ in range(count):
                workers.append(self._spawn(context))
            while (pending or any(w.in_flight for w in workers)) and not self._stop.is_set():
                for worker in workers:
                    self._feed(worker, pending)
                busy = [w for w in workers if w.in_flight]
                if not busy:
                    continue
                next_deadline = min(w.deadline for w in busy)
                ready = wait([w.connection for w in busy], timeout=max(0.0, min(0.2, next_deadline - time.monotonic())))
                for index, worker in enumerate(workers):
                    if not worker.in_flight:
                        continue
                    if worker.connection in ready:
                        workers[index] = self._receive(context, worker, pending)
                    elif time.monotonic() > worker.deadline:
                        job_id, _ = worker.in_flight.popleft()
                        self._finish(
                            job_id,
                            _failure(
                                f"Reading its text took longer than {worker.allowed:.0f} seconds and was stopped; "
                                "the file is stored as received."
                            ),
                        )
                        workers[index] = self._replace(context, worker, pending)
        except BaseException as exc:  # handed to the caller of wait()
            self._error = exc
        finally:
            for worker in workers:
                self._end(worker)

    def _feed(self, worker: _Worker, pending: deque[tuple[int, str]]) -> None:
        """Keeps a few jobs queued in each child, so that it never waits for this thread between files."""
        while pending and len(worker.in_flight) < JOBS_IN_FLIGHT:
            job = pending.popleft()
            if not worker.in_flight:
                self._start_clock(worker)
            worker.in_flight.append(job)
            worker.connection.send(job)

    def _receive(self, context: Any, worker: _Worker, pending: deque[tuple[int, str]]) -> _Worker:
        """Takes the answer for the job the child was reading; replaces a child that died or ran out of memory.

        A child beginning OCR says so first: the file it reads is then given the OCR time instead.
        """
        try:
            message, result = worker.connection.recv()
        except (EOFError, OSError):
            job_id, _ = worker.in_flight.popleft()
            self._finish(
                job_id,
                _failure(
                    "Reading its text stopped unexpectedly (it may need more memory than allowed); "
                    "the file is stored as received."
                ),
            )
            return self._replace(context, worker, pending)
        if message == _OCR_BEGINS:
            worker.reading_by_ocr = True
            worker.allowed = self.timeout + self.ocr_time
            worker.deadline = time.monotonic() + self.ocr_time
            return worker
        job_id, _ = worker.in_flight.popleft()
        self._finish(job_id, result)
        self._start_clock(worker)  # the next job's clock starts now
        if worker.reading_by_ocr or "more memory" in result.get("note", ""):
            worker.process.join(0.05)  # the child stops itself after OCR or a MemoryError
            return self._replace(context, worker, pending)
        return worker

    def _start_clock(self, worker: _Worker) -> None:
        worker.allowed = self.timeout
        worker.deadline = time.monotonic() + self.timeout

    def _finish(self, job_id: int, result: Result) -> None:
        self.results[job_id] = result
        self._finished.put(job_id)

    def _spawn(self, context: Any) -> _Worker:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_worker_main, args=(child_end, self.memory_limit, self.ocr_time), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _replace(self, context: Any, worker: _Worker, pending: deque[tuple[int, str]]) -> _Worker:
        """Ends a child and starts another; the jobs it had not begun go back to the front of the queue."""
        pending.extendleft(reversed(worker.in_flight))
        worker.in_flight.clear()
        self._end(worker)
        return self._spawn(context)

    @staticmethod
    def _end(worker: _Worker) -> None:
        if worker.process.is_alive():
            if not worker.in_flight:
                with contextlib.suppress(OSError):
                    worker.connection.send(None)
                worker.process.join(0.5)
            if worker.process.is_alive():
                worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
