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


def test_errors_reach_the_gui_thread_and_pending_counts_running_work(qtbot) -> None:
    import threading

    tasks = Tasks()
    release = threading.Event()
    errors: list[BaseException] = []
    on_gui: list[bool] = []

    def failing() -> None:
        assert release.wait(5)
        raise ValueError("boom")

    def caught(exc: BaseException) -> None:
        on_gui.append(threading.current_thread() is threading.main_thread())
        errors.append(exc)

    tasks.run(failing, errors.append, caught)
    assert tasks.pending == 1
    release.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and on_gui == [True] and tasks.pending == 0
    tasks.shutdown()


def test_a_widget_held_by_a_task_is_released_on_the_gui_thread(qtbot) -> None:
    """A task's callable often holds a window. If the window's last other reference goes while the
    task runs, the worker must not be the one to drop it when it ends: Qt would destroy the widget
    off the GUI thread (the kind of crash CI saw in the login dialog)."""
    import gc
    import threading
    import time
    import weakref

    from PySide6.QtWidgets import QWidget

    tasks = Tasks()
    release = threading.Event()
    finished = threading.Event()
    widget = QWidget()
    alive = weakref.ref(widget)

    def work(held: QWidget = widget) -> str:
        try:
            assert release.wait(5)
            return held.objectName()
        finally:
            finished.set()

    tasks.run(work, lambda _: None, lambda _: None)
    del widget, work
    release.set()
    assert finished.wait(5)
    time.sleep(0.3)  # the worker has returned and let go of everything it held
    gc.collect()
    assert alive() is not None  # not freed by the worker: the GUI thread still holds the job
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)  # delivered on the GUI thread
    gc.collect()
    assert alive() is None  # and released there
    tasks.shutdown()
