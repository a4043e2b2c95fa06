"""Entry script of the frozen application (PyInstaller runs it as ``__main__``).

``multiprocessing.freeze_support()`` comes first: the viewer's decoding workers and the self-test's
probes are ``spawn`` processes, and in a frozen bundle a spawned child is this very executable
started with ``--multiprocessing-fork``; freeze_support turns it into the worker instead of a second
workstation.

``TLR_STARTUP_PROBE=1`` (used by ``bench/startup.py``, unfrozen and frozen alike) prints
``TLR-STARTUP <epoch seconds>`` when the login dialog is first painted, then closes the dialog so the
process ends normally: the time from process start to a usable login window, measured without
touching the application's code.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time


def _install_startup_probe() -> object:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])  # the application reuses this instance

    class StartupProbe(QObject):
        def __init__(self) -> None:
            super().__init__(app)
            self.seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            painted = event.type() == QEvent.Type.Paint
            if painted and not self.seen and type(watched).__name__ == "LoginDialog":
                self.seen = True
                print(f"TLR-STARTUP {time.time():.6f}", flush=True)
                QTimer.singleShot(0, watched.reject)  # type: ignore[attr-defined]
            return False

    probe = StartupProbe()
    app.installEventFilter(probe)
    return probe


def main() -> int:
    probe = _install_startup_probe() if os.environ.get("TLR_STARTUP_PROBE") == "1" else None
    from workstation.__main__ import main as workstation_main

    status = workstation_main(sys.argv[1:])
    del probe
    return status


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
