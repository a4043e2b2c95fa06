"""Background tasks of the window: work asked for after the window closed is not started."""

from __future__ import annotations

from workstation.qt.tasks import Tasks


def test_a_task_asked_after_shutdown_is_dropped_not_raised(qtbot) -> None:
    tasks = Tasks()
    results: list[object] = []
    tasks.run(lambda: 1, results.append, results.append)
    qtbot.waitUntil(lambda: results == [1], timeout=5000)
    tasks.shutdown()
    # an outbox event queued before the window unsubscribed arrives now and asks for a refresh
    tasks.run(lambda: 2, results.append, results.append)
    assert tasks.pending == 0 and results == [1]
