"""resources.events.Listeners: the one listener list of the Qt-free models (issue 18)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum

import pytest

from resources.events import Listeners


def test_order_unsubscribe_and_snapshot() -> None:
    heard: list[str] = []
    listeners: Listeners[int] = Listeners("test")
    first = listeners.subscribe(lambda e: heard.append(f"a{e}"))

    def once(event: int) -> None:
        heard.append(f"b{event}")
        second()  # unsubscribes itself while the event is being delivered
        listeners.subscribe(lambda e: heard.append(f"c{e}"))  # heard from the next event only

    second = listeners.subscribe(once)
    listeners.emit(1)
    listeners.emit(2)
    first()
    first()  # twice is harmless
    listeners.emit(3)
    assert heard == ["a1", "b1", "a2", "c2", "c3"]
    assert len(listeners) == 1


@dataclass(frozen=True)
class Event:
    kind: Kind
    patient: str


class Kind(Enum):
    LOCKED = "locked"


def test_a_failing_listener_is_logged_and_the_others_still_hear(caplog: pytest.LogCaptureFixture) -> None:
    heard: list[Event] = []
    listeners: Listeners[Event] = Listeners("session")

    def broken(event: Event) -> None:
        raise RuntimeError("view gone")

    listeners.subscribe(broken)
    listeners.subscribe(heard.append)
    event = Event(Kind.LOCKED, "DUPONT^Marie")
    with caplog.at_level(logging.ERROR):
        listeners.emit(event)  # never raises into the model
    assert heard == [event]
    assert "session listener" in caplog.text and "failed on locked" in caplog.text
    assert "RuntimeError: view gone" in caplog.text and "DUPONT" not in caplog.text  # no patient data


def test_subscribing_from_other_threads_while_emitting() -> None:
    listeners: Listeners[int] = Listeners("test")
    counts = [0]
    lock = threading.Lock()

    def count(_event: int) -> None:
        with lock:
            counts[0] += 1

    def subscribe_many() -> None:
        for _ in range(50):
            listeners.subscribe(count)

    threads = [threading.Thread(target=subscribe_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(100):
        listeners.emit(0)
    for thread in threads:
        thread.join()
    assert len(listeners) == 200
    counts[0] = 0
    listeners.emit(0)
    assert counts[0] == 200
