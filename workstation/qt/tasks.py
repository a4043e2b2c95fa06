"""Blocking work (network, disk) off the GUI thread, with its outcome delivered back on it.

A frozen window at 3 a.m. looks like a crashed workstation, so every platform call goes through
:class:`Tasks`. Callbacks run on the GUI thread (a queued signal), never on the worker.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

OnResult = Callable[[Any], None]
OnError = Callable[[BaseException], None]


@dataclass(eq=False)
class _Job:
    """One task's callables, held by the GUI thread only (see :class:`Tasks`)."""

    fn: Callable[[], Any] | None
    on_result: OnResult
    on_error: OnError


def _run(job_ref: weakref.ref[_Job]) -> Any:
    """On the worker: the job is reached through a weak reference and the callable is released before
    the outcome is announced, so the worker never holds the last reference to a widget."""
    job = job_ref()
    fn = job.fn if job is not None else None
    del job
    if fn is None:
        raise CancelledError
    try:
        return fn()
    finally:
        del fn


class Tasks(QObject):
    """Callables run on a pool; their outcome delivered on the GUI thread.

    The callables (and the callbacks, often bound to widgets) are held by this object on the GUI
    thread and released there, in :meth:`_deliver`; the worker sees them only through a weak
    reference, for the time of the call. A worker that held them would drop the last reference to
    a widget when it ended after its window had gone, destroying that widget off the GUI thread (a
    segmentation fault: issue 18's CI crash in the login dialog was this).
    """

    _finished = Signal(object, object)  # weakref to the _Job, Future

    def __init__(self, parent: QObject | None = None, workers: int = 4) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="task")
        self._jobs: set[_Job] = set()
        self._closed = False
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def run(self, fn: Callable[[], Any], on_result: OnResult, on_error: OnError) -> None:
        if self._closed:  # a queued event delivered after the window closed: nobody waits for it
            log.debug("task not started: the window is closed")
            return
        job = _Job(fn, on_result, on_error)
        self._jobs.add(job)
        future = self._pool.submit(_run, weakref.ref(job))
        future.add_done_callback(partial(_announce, weakref.ref(self), weakref.ref(job)))

    def _deliver(self, job_ref: weakref.ref[_Job], future: Future[Any]) -> None:
        job = job_ref()
        if job is None:  # already delivered (a cancelled future announced twice) or the jobs are gone
            return
        job.fn = None
        self._jobs.discard(job)
        if future.cancelled():  # the window closed before it ran: nobody waits for it any more
            return
        exc = future.exception()
        if exc is None:
            job.on_result(future.result())
            return
        if isinstance(exc, CancelledError):
            return
        job.on_error(exc)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


def _announce(tasks_ref: weakref.ref[Tasks], job_ref: weakref.ref[_Job], future: Future[Any]) -> None:
    """Done callback (on the worker, or on the GUI thread for a cancelled future): queue the outcome
    for the GUI thread, which alone resolves the job; nothing to do when the window is gone."""
    tasks = tasks_ref()
    if tasks is None:
        return
    try:
        tasks._finished.emit(job_ref, future)
    except RuntimeError:  # the Qt object is deleted already: nobody waits for the outcome
        log.debug("task finished after its window was closed")
