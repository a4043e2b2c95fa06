"""Decoding worker processes with a deadline per frame: a stuck or crashing decoder costs one frame.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one task. Native decoders meet
hostile data in the field (a damaged JPEG frame header kept libjpeg busy 30 s, corrupt JPEG-LS frames
7-30 s, all in C code that holds the GIL and that no signal interrupts), and a pool that waits for them
blocks the whole study. Here each worker runs one task at a time and sends every frame back as soon as
it is decoded; a manager thread watches the time each frame takes, kills the worker whose frame is past
its deadline, starts another, marks that frame unreadable and goes on with the task's next frames.

A worker that dies (a decoder's segmentation fault, the system's OOM killer) costs nothing on its first
death: its frame is tried once more in a fresh worker, and only a second death marks it failed.
Workers are started with ``spawn``: forking a process that runs Qt and loader threads can deadlock.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait

from viewer.codecs import DecodeFailure, DecodeTask, FrameResult, PixelFormat, decode_frames

log = logging.getLogger(__name__)

# a worker that cannot even start this many times in a row: the pool gives up (broken installation)
_MAX_START_FAILURES = 3


@dataclass(frozen=True, slots=True)
class FrameDeadline:
    """How long one frame may take: ``base_s`` plus ``per_megapixel_s`` for each million samples.

    Normal frames take 5-50 ms for a 512x512 CT slice and about 2 s for a 4k x 4k mammogram in JPEG
    2000 on one core of these machines; the defaults leave a 2-core machine busy with other work a
    wide margin and still stop the 7-30 s of a corrupt frame."""

    base_s: float = 5.0
    per_megapixel_s: float = 1.0

    def seconds(self, fmt: PixelFormat) -> float:
        return self.base_s + self.per_megapixel_s * fmt.rows * fmt.columns * fmt.samples_per_pixel / 1e6


@dataclass(slots=True)
class Decoded:
    """What a submitted task gives back: one result per frame and the longest a frame took."""

    results: list[FrameResult]
    slowest_s: float


@dataclass(slots=True)
class _Job:
    task: DecodeTask
    future: Future[Decoded]
    deadline_s: float
    results: list[FrameResult] = field(default_factory=list)
    slowest_s: float = 0.0
    retried: set[int] = field(default_factory=set)  # frames already given a second worker
    started: bool = False  # its future is running (a task resumed after a kill must not restart it)

    @property
    def remaining(self) -> tuple[int, ...]:
        return self.task.frames[len(self.results):]


@dataclass(slots=True)
class _Slot:
    process: multiprocessing.process.BaseProcess | None = None
    conn: Connection | None = None
    ready: bool = False
    job: _Job | None = None
    frame_started: float = 0.0
    start_failures: int = 0


def _close_at_exit(pool: weakref.ref[DecodingPool]) -> None:
    found = pool()
    if found is not None:
        found.shutdown(wait=False)


def _worker_main(conn: Connection, initializer: Callable[[], None] | None) -> None:
    """A worker's life: import the decoders, say ready, decode tasks until told to stop."""
    try:
        if initializer is not None:
            initializer()
        conn.send(("ready", os.getpid()))
        while True:
            task = conn.recv()
            if task is None:
                return
            for result in decode_frames(task):
                conn.send(result)
    except (EOFError, OSError):  # the loader closed the pipe (closing, or this worker was replaced)
        return


class DecodingPool:
    """``workers`` decoding processes fed by one manager thread; :meth:`submit` returns a Future."""

    def __init__(self, workers: int, deadline: FrameDeadline | None = None,
                 initializer: Callable[[], None] | None = None) -> None:
        self.deadline = deadline or FrameDeadline()
        self._initializer = initializer
        self._context = multiprocessing.get_context("spawn")
        self._slots = [_Slot() for _ in range(workers)]
        self._queue: deque[_Job] = deque()
        self._lock = threading.RLock()  # _restart may run inside _dispatch
        self._ready = threading.Condition(self._lock)
        self._wake_reader, self._wake_writer = self._context.Pipe(duplex=False)
        self._closed = False
        self._broken: str | None = None
        self.killed = 0  # workers stopped past a deadline, for the log and the tests
        for slot in self._slots:
            self._start(slot)
        self._manager = threading.Thread(target=self._manage, name="dicom-decode-manager", daemon=True)
        self._manager.start()
        # at exit, multiprocessing terminates daemonic workers: say so first, so that their end is not
        # taken for a crash (and answered with new workers)
        atexit.register(_close_at_exit, weakref.ref(self))

    # --- public ------------------------------------------------------------------------------------
    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until every worker has imported its decoders (the first load then pays nothing)."""
        with self._ready:
            return self._ready.wait_for(
                lambda: self._broken is not None or self._closed or all(s.ready for s in self._slots),
                timeout)

    def submit(self, task: DecodeTask, deadline_s: float | None = None) -> Future[Decoded]:
        """Queue a task; ``deadline_s`` replaces the per-frame deadline (python-gdcm decodes a whole
        file at once, on its first frame)."""
        future: Future[Decoded] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("decoding pool closed")
            if self._broken is not None:
                raise RuntimeError(self._broken)
            self._queue.append(_Job(task, future, deadline_s or self.deadline.seconds(task.fmt)))
        self._wake()
        return future

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers; queued tasks are cancelled, running ones fail (the loader reports them)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake()
        if wait:
            self._manager.join(timeout=10)

    # --- manager thread ----------------------------------------------------------------------------
    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # already closed: the manager has stopped
            self._wake_writer.send_bytes(b"\0")

    def _start(self, slot: _Slot) -> None:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_worker_main, args=(child, self._initializer),
                                        name="dicom-decode", daemon=True)
        process.start()
        child.close()
        slot.process, slot.conn, slot.ready, slot.job = process, parent, False, None

    def _stop(self, slot: _Slot, kill: bool) -> None:
        process, conn = slot.process, slot.conn
        slot.process, slot.conn, slot.ready = None, None, False
        if conn is not None:
            if not kill:
                try:
                    conn.send(None)
                except OSError:
                    kill = True
            conn.close()
        if process is not None:
            if kill:
                process.kill()
            process.join(timeout=5 if not kill else 2)
            if process.is_alive():
                process.kill()
                process.join(timeout=2)

    def _manage(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed:
                        break
                    self._dispatch()
                    busy = [s for s in self._slots if s.conn is not None]
                timeout = self._next_deadline()
                waiting: list[object] = [self._wake_reader] + [s.conn for s in busy]
                for ready in wait(waiting, timeout):  # type: ignore[arg-type]
                    if ready is self._wake_reader:
                        while self._wake_reader.poll():
                            self._wake_reader.recv_bytes()
                        continue
                    slot = next(s for s in busy if s.conn is ready)
                    self._receive(slot)
                self._enforce_deadlines()
        except BaseException:  # a bug here must not leave the loader waiting forever
            log.exception("decoding pool manager failed")
            with self._lock:
                self._broken = "decoding pool manager failed"
        finally:
            self._close_all()

    def _dispatch(self) -> None:
        """Give each idle, ready worker the next task (lock held)."""
        for slot in self._slots:
            if not self._queue:
                return
            if slot.conn is None or not slot.ready or slot.job is not None:
                continue
            job = self._queue.popleft()
            if not job.started:
                if not job.future.set_running_or_notify_cancel():
                    continue  # cancelled before it started
                job.started = True
            try:
                slot.conn.send(replace(job.task, frames=job.remaining))
            except OSError:  # the worker died while idle: put the task back, replace the worker
                self._queue.appendleft(job)
                self._restart(slot, "a decoding worker died while idle (its pipe broke); replaced")
                continue
            slot.job, slot.frame_started = job, time.monotonic()

    def _receive(self, slot: _Slot) -> None:
        assert slot.conn is not None
        try:
            message = slot.conn.recv()
        except (EOFError, OSError):
            self._died(slot)
            return
        now = time.monotonic()
        if not slot.ready:
            with self._ready:
                slot.ready, slot.start_failures = True, 0
                self._ready.notify_all()
            self._wake()
            return
        job = slot.job
        if job is None:  # nothing was asked: ignore (cannot happen with this protocol)
            return
        job.slowest_s = max(job.slowest_s, now - slot.frame_started)
        job.results.append(message)
        slot.frame_started = now
        if not job.remaining:
            slot.job = None
            job.future.set_result(Decoded(job.results, job.slowest_s))
            self._wake()

    def _died(self, slot: _Slot) -> None:
        """The worker's pipe closed: it crashed (or was killed from outside)."""
        if self._closed:  # stopped on purpose (closing, or the interpreter's exit)
            return
        job = slot.job
        exit_code = slot.process.exitcode if slot.process is not None else None
        if job is None:
            if not slot.ready:
                slot.start_failures += 1
            self._restart(slot, f"a decoding worker died while idle (exit code {exit_code}); replaced")
            return
        frame = job.remaining[0]
        if frame in job.retried:
            log.warning("decoding frame %d of %s crashed a worker twice (exit code %s)",
                        frame, job.task.source.path, exit_code)
            job.results.append(DecodeFailure(frame, f"the decoder crashed the worker process "
                                                    f"(exit code {exit_code}), twice"))
        else:
            log.warning("a decoding worker died (exit code %s) on frame %d of %s; trying it again "
                        "in a new worker", exit_code, frame, job.task.source.path)
            job.retried.add(frame)
        slot.job = None
        self._continue(job)
        self._restart(slot, None)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for slot in self._slots:
            job = slot.job
            if job is None or now - slot.frame_started <= job.deadline_s:
                continue
            frame = job.remaining[0]
            log.warning("frame %d of %s took more than its %.1f s deadline: worker killed",
                        frame, job.task.source.path, job.deadline_s)
            self.killed += 1
            job.results.append(DecodeFailure(frame, f"decoding took more than its {job.deadline_s:.1f} s "
                                                    "deadline; worker killed", deadline_s=job.deadline_s))
            job.slowest_s = max(job.slowest_s, now - slot.frame_started)
            if job.task.last_resort:  # the last resort decodes the whole file at once: no use going on
                job.results.extend(DecodeFailure(f, "not tried: the last-resort decoder was stopped on an "
                                                    "earlier frame", rescuable=False) for f in job.remaining)
            slot.job = None
            self._stop(slot, kill=True)
            self._continue(job)
            self._restart(slot, None)

    def _continue(self, job: _Job) -> None:
        """The rest of an interrupted task goes first in the queue; a finished one is delivered."""
        if job.remaining:
            with self._lock:
                self._queue.appendleft(job)
        else:
            job.future.set_result(Decoded(job.results, job.slowest_s))

    def _restart(self, slot: _Slot, why: str | None) -> None:
        if why is not None:
            log.warning("%s", why)
        if slot.process is not None:
            self._stop(slot, kill=True)
        if self._closed:
            return
        if slot.start_failures >= _MAX_START_FAILURES:
            log.error("decoding workers failed to start %d times in a row; decoding in the loader's "
                      "threads from now on", slot.start_failures)
            with self._ready:
                self._broken = "decoding workers cannot start"
                self._fail_queue(self._broken)
                self._ready.notify_all()
            return
        self._start(slot)

    def _next_deadline(self) -> float | None:
        ends = [s.frame_started + s.job.deadline_s for s in self._slots if s.job is not None]
        return None if not ends else max(0.0, min(ends) - time.monotonic()) + 0.01

    def _fail_queue(self, why: str) -> None:
        while self._queue:
            job = self._queue.popleft()
            if job.started or job.future.set_running_or_notify_cancel():
                job.future.set_exception(RuntimeError(why))

    def _close_all(self) -> None:
        with self._lock:
            self._closed = True
            while self._queue:
                job = self._queue.popleft()
                if job.started:
                    job.future.set_exception(RuntimeError("decoding pool closed"))
                else:
                    job.future.cancel()
        for slot in self._slots:
            if slot.job is not None:
                slot.job.future.set_exception(RuntimeError("decoding pool closed"))
                slot.job = None
            self._stop(slot, kill=False)
        with self._ready:
            self._ready.notify_all()
        self._wake_reader.close()
        self._wake_writer.close()


__all__ = ["Decoded", "DecodingPool", "FrameDeadline"]
