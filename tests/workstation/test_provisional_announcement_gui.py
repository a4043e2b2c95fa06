"""Issue 23 in the demo, clicked through against the reference platform: the unknown emergency
patient (provisional identity, no INS) is read and signed with the explicit mention; before signing,
« Annonce d'un pronostic grave… » records how the result was told to the requester; the workstation's
settings say the radiologist reads from abroad. The CDA carries the three mentions and validates
with the ANS tools; the journal has the provisional-identity signature and the announcement, with the
user and the time. Screenshot: test-artifacts/charter-announcement.png."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from auth.keystore import KeyStore, VolatileKeyring
from reporting import checks
from reporting.hl7 import extract_cda
from reporting.model import Chapter
from teleplatform.demo import cases
from tests.cda_validation import assert_valid_cda
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.workstation.test_main_window import FakeClock, _login, _open, _window
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.qt.announcement_dialog import AnnouncementDialog
from workstation.settings import Settings

CASE = cases.UNKNOWN_EMERGENCY_CASE
FINDING = "Fractures déplacées des 5e et 6e arcs costaux gauches."


@pytest.fixture
def abroad(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url,
        ca_file=platform.ca_path,
        cache_dir=tmp_path / "cache",
        practice_address="Avenue Louise 54, 1050 Ixelles",
        practice_country="Belgique",
    )
    ws = Workstation(
        settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=FakeClock()
    )
    yield ws, platform
    ws.close()
    platform.stop()


def _announce(artifacts_dir: Path) -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AnnouncementDialog)
    assert "ROUSSEAU" in dialog.recipient.text()  # the requester of the order, prefilled
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert not save.isEnabled()  # the agreed procedure is required
    dialog.procedure.setText("procédure d'annonce du service des urgences du CH du Haut-Berry")
    assert save.isEnabled()
    dialog.grab().save(str(artifacts_dir / "charter-announcement.png"))
    save.click()


def test_provisional_identity_signed_with_the_announcement_from_abroad(
    qtbot,
    monkeypatch,
    abroad: tuple[Workstation, RunningPlatform],
    artifacts_dir: Path,
    shared_dir: Path,
    tmp_path: Path,
) -> None:
    ws, platform = abroad
    _login(qtbot, ws, platform, artifacts_dir)
    with StudyLoader(workers=1) as loader:
        window = _window(qtbot, ws, loader)
        _open(qtbot, window, CASE.placer_order_number)
        page = window.reading_page
        assert page.provisional_button.isVisible()
        editor = page.editor
        editor.chapter_edit(Chapter.TECHNIQUE).setPlainText(
            "Radiographie thoracique de face, patient couché."
        )
        editor.chapter_edit(Chapter.RESULTS).setPlainText(FINDING)
        editor.chapter_edit(Chapter.CONCLUSION).setPlainText(FINDING)
        monkeypatch.setattr(
            QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
        )
        qtbot.mouseClick(page.provisional_button, Qt.MouseButton.LeftButton)
        QTimer.singleShot(300, lambda: _announce(artifacts_dir))
        qtbot.mouseClick(page.announcement_button, Qt.MouseButton.LeftButton)
        assert "notée" in page.announcement_button.text()
        monkeypatch.setattr(
            QInputDialog, "getText", staticmethod(lambda *a, **k: (platform.account["password"], True))
        )
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
        if "avertissement" in editor._status.text():
            qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
        try:
            qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=30000)
        except Exception:
            pytest.fail(
                f"not signed: {[str(i.message) for i in checks.check(editor.report(), editor._template)]} "
                f"{page.status.text()} {editor._status.text()} {ws.outbox.store.counts()}"
            )
        window.close()
    item = ws.outbox.store.items()[0]
    cda = extract_cda(ws.outbox.store.get(item.control_id, with_payload=True).payload)
    text = cda.decode("utf-8")
    assert "identité provisoire non qualifiée, sans INS (statut transmis : PROV)" in text
    assert "Annonce d'un pronostic grave" in text and "ROUSSEAU" in text
    assert "procédure d'annonce du service des urgences du CH du Haut-Berry" in text
    assert "exerçant depuis l'étranger (Belgique)" in text and "Avenue Louise 54, 1050 Ixelles" in text
    path = tmp_path / "cr-inconnu-annonce.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-charter-announcement.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)

    records = [json.loads(line)["body"]["record"] for line in ws.journal_path.read_text().splitlines()]
    kinds = [r["kind"] for r in records]
    assert "provisional_identity_signed" in kinds
    announced = [r for r in records if r["kind"] == "urgent_communication" and "ANNONCE" in json.dumps(r)]
    assert len(announced) == 1
    assert announced[0]["participants"][0]["user_id"] == platform.account["login"]
    assert announced[0]["at"]
