"""Issue 23, item 1, clicked through against the reference platform: the chest radiograph taken but
its flux 4 not yet sent opens as « Acquisition en cours » with the image already there; « Demander
des images complémentaires… » sends the request, the reading page and the worklist say the order
waits for it, the platform's history shows it. Screenshots: test-artifacts/complementary-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from tests.platform_fixtures import RunningPlatform
from tests.workstation.test_complementary import LIVE, _acquiring
from tests.workstation.test_main_window import FakeClock, _login, _open, _platform_order, _window
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.justification import Decision, required_elements
from workstation.qt.complementary_dialog import ComplementaryDialog
from workstation.settings import Settings
from workstation.worklist import build_rows


@pytest.fixture
def acquiring(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    platform = platform_factory(_acquiring(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=FakeClock()
    )
    yield ws, platform
    ws.close()
    platform.stop()


def _fill_and_send(artifacts_dir: Path) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ComplementaryDialog)
    assert not dialog.send_button.isEnabled()  # no series yet
    dialog.reason.setCurrentIndex(dialog.reason.findText("Série ou séquence manquante"))
    # typed into the modal dialog's nested event loop (key events there abort under pytest-qt)
    dialog.series.setPlainText("Profil gauche")
    dialog.text.setPlainText("Épanchement à confirmer sur le profil.")
    assert dialog.send_button.isEnabled()
    dialog.grab().save(str(artifacts_dir / "complementary-dialog.png"))
    dialog.send_button.click()


def test_open_while_acquiring_then_ask_for_complementary_images(
    qtbot, acquiring: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, platform = acquiring
    _login(qtbot, ws, platform, artifacts_dir)
    order_id = LIVE.placer_order_number
    row = next(r for r in build_rows(ws.fetch_worklist()) if r.order_id == order_id)
    assert row.order is not None
    missing = tuple(e.key for e in required_elements(row.order, "DX", date.today(), False) if not e.present)
    ws.answer_order(
        row, Decision(True, "Thorax de face", radioprotection_confirmed=True, missing_accepted=missing)
    )
    ws.start_delivery()
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).study_in_progress is not None, timeout=30000)

    with StudyLoader(workers=1) as loader:
        window = _window(qtbot, ws, loader)
        qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=15000)
        qtbot.waitUntil(
            lambda: window.model.row_at(window.model.row_of(order_id)).status_label == "Acquisition en cours",
            timeout=15000,
        )
        _open(qtbot, window, order_id)
        page = window.reading_page
        # no flux 4 yet, so the draft has no act: the order's modality and region choose the template
        assert page.editor is not None and not page.case.draft.report.acts
        assert page.editor.template() is not None
        assert page.editor.template().id == "tlr-radiographie-thorax"
        assert page.status.text().startswith("Acquisition en cours : 1 image")
        QTimer.singleShot(300, lambda: _fill_and_send(artifacts_dir))
        qtbot.mouseClick(page.complementary_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: "Images complémentaires demandées au site" in page.status.text(), timeout=15000
        )
        window.grab().save(str(artifacts_dir / "complementary-reading-page.png"))

        entry = _platform_order(ws, order_id)
        assert entry.awaiting_images
        assert entry.history[-1].event == "Images complémentaires demandées"
        assert "Profil gauche" in entry.history[-1].detail
        qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                window.model.row_at(window.model.row_of(order_id)).status_label
                == "Images complémentaires demandées"
            ),
            timeout=15000,
        )
        window.grab().save(str(artifacts_dir / "complementary-worklist.png"))
        window.close()
