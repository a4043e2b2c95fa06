"""The one way a Qt-free model tells who listens: :class:`Listeners`.

Models (the session, the outbox's delivery, the link monitor, the prefetcher, a slice view) cannot
use Qt signals, and five hand-written lists had drifted apart (issue 18): different ways to
unsubscribe, and one that let a listener's exception escape into the model. This list is the single
rule, shared through ``resources`` because every package may import it:

- ``subscribe(listener)`` returns the function that unsubscribes it (calling it twice is harmless);
- ``emit(event)`` calls the listeners in subscription order, on the caller's thread, each with a
  snapshot taken at the call (a listener may unsubscribe itself or subscribe another meanwhile);
- a listener that raises is logged with the model's name and the event's kind (never the event:
  it may name a patient), and the others are still called: one broken view must not keep the
  screen lock or the audit trail from hearing an event.

Thread-safe: subscribing and emitting may happen on different threads. Qt views receive events on
the model's thread and hop to the GUI thread themselves (a queued signal), as they already do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")


class Listeners(Generic[E]):
    """The listeners of one kind of event of one model; ``name`` says which in the log."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Callable[[E], object]] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Callable[[E], object]) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: E) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # reported, never raised into the model that emits
                # the event's kind only: an event may carry patient data, which stays out of the log
                kind = getattr(event, "kind", None)
                what = getattr(kind, "value", type(event).__name__)
                log.exception("%s listener %r failed on %s", self.name, listener, what)

    def __len__(self) -> int:
        with self._lock:
            return len(self._listeners)
