"""Blocking work (network, disk) off the GUI thread, with its outcome delivered back on it.

A frozen window at 3 a.m. looks like a crashed workstation, so every platform call goes through
:class:`Tasks`. Callbacks run on the GUI thread (a queued signal), never on the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

OnResult = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class Tasks(QObject):
    _finished = Signal(object, object, object)  # on_result, on_error, Future

    def __init__(self, parent: QObject | None = None, workers: int = 4) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="task")
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        return self._pending

    def run(self, fn: Callable[[], Any], on_result: OnResult, on_error: OnError) -> None:
        if self._closed:  # a queued event delivered after the window closed: nobody waits for it
            log.debug("task not started: the window is closed")
            return
        self._pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(on_result, on_error, f))

    def _deliver(self, on_result: OnResult, on_error: OnError, future: Future[Any]) -> None:
        self._pending -= 1
        if future.cancelled():  # the window closed before it ran: nobody waits for it any more
            return
        exc = future.exception()
        if exc is None:
            on_result(future.result())
            return
        on_error(exc)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
