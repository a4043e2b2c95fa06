"""Issue 22 in the window: a damaged outbox found at start-up, a delivery stalled by a full disk.

The workstation starts on an outbox file truncated to 0 bytes: the queue is rebuilt from the encrypted
copies and the start-up notice says so in French; then recording an ACK fails (disk full) and the
banner says that sending waits and resumes by itself; the diagnostics show the damaged file kept.
Screenshots in the artifacts folder (looked at when this was written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from resources.translations import qt as language
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.workstation.outbox_faults import report
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.outbox import MessageKind, OutboxStorageError
from workstation.qt import theme
from workstation.qt.main_window import MainWindow
from workstation.selftest import Status
from workstation.settings import Settings


@pytest.fixture(scope="module")
def gui_platform(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    return platform_factory(private_copy(demo_data, tmp_path_factory.mktemp("outbox-gui") / "data"))


@pytest.fixture
def damaged_start(gui_platform: RunningPlatform, tmp_path: Path) -> Iterator[Workstation]:
    settings = Settings(
        platform_url=gui_platform.base_url, ca_file=gui_platform.ca_path, cache_dir=tmp_path / "cache"
    )
    keystore = KeyStore(VolatileKeyring())  # one keyring for both runs: the copies' key survives
    first = Workstation(settings, keystore=keystore, data_dir=tmp_path, journal_path=tmp_path / "a.jsonl")
    for n in range(3):
        first.outbox.enqueue(report(n), MessageKind.REPORT, order_id=f"F{n:05d}")
    first.close()
    (tmp_path / "outbox.sqlite").write_bytes(b"")  # the file emptied (WAL checkpointed at close)
    ws = Workstation(settings, keystore=keystore, data_dir=tmp_path, journal_path=tmp_path / "a.jsonl")
    yield ws
    ws.close()


def test_recovered_outbox_notice_stalled_banner_and_diagnostics(
    qtbot, damaged_start: Workstation, gui_platform: RunningPlatform, artifacts_dir: Path
) -> None:
    ws = damaged_start
    assert ws.outbox_recovery.alarm and len(ws.outbox_recovery.recovered) == 3
    notice = " ".join(language.text(n.text) for n in ws.notices)
    assert "mis de côté" in notice and "récupérés depuis la copie de secours" in notice
    account = gui_platform.account
    ws.login(account["login"], account["password"], gui_platform.fresh_otp())
    theme.apply(QApplication.instance())
    window = MainWindow(ws, StudyLoader(workers=0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.show_notice(notice)  # as workstation.__main__ does with the start-up notices

    settle = ws.outbox.store.settle

    def full(*_: object, **__: object) -> object:
        raise OutboxStorageError("outbox: recording an acknowledgement failed: disk full", "", disk_full=True)

    ws.outbox.store.settle = full  # type: ignore[method-assign]
    window.start()  # delivery starts: the platform answers (AE: unknown orders), the ACK cannot be recorded
    qtbot.waitUntil(lambda: window.banner.isVisible() and "Disque du poste plein" in window.banner.text(),
                    timeout=20000)
    assert ws.outbox.problem is not None
    qtbot.wait(300)
    QApplication.primaryScreen().grabWindow(0).save(str(artifacts_dir / "outbox-recovered-and-stalled.png"))
    ws.outbox.store.settle = settle  # type: ignore[method-assign]
    ws.outbox.wake()
    qtbot.waitUntil(lambda: not window.banner.isVisible() or "Disque" not in window.banner.text(),
                    timeout=20000)

    from workstation.qt.diagnostics import DiagnosticsDialog
    from workstation.selftest import SelfTestReport, check_outbox

    check = check_outbox(ws.data_dir)
    assert check.status is Status.WARNING and check.data["set_aside"]
    dialog = DiagnosticsDialog(runner=None, parent=window)
    qtbot.addWidget(dialog)
    from datetime import UTC, datetime

    dialog.show_report(SelfTestReport("test", False, datetime.now(UTC), (check,)))
    dialog.resize(1100, 500)
    dialog.show()
    qtbot.wait(300)
    dialog.grab().save(str(artifacts_dir / "outbox-diagnostics.png"))
    sections = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    (outbox,) = [s for s in sections if s.text(0) == "File d'envoi"]
    assert outbox.text(1) == "Avertissement" and "conservé(s) pour le support" in outbox.text(2)
    rows = {outbox.child(i).text(0): outbox.child(i).text(2) for i in range(outbox.childCount())}
    assert rows["Intégrité SQLite"] == "ok" and "outbox-damaged-" in rows["Fichier endommagé conservé"]
