"""Issue 23, item 5, clicked through against the reference platform: the demo's unknown emergency
patient is signed on his provisional identity; the site then sends the qualified identity (its flux 4
again, INS and PID-32 QUAL); the worklist shows « Identité qualifiée reçue : addendum à signer » among
the cases to do; opening it shows both identities and the addendum, and « Signer l'addendum » sends the
report's next version (MDM^T10 replacing the first, same set) on the qualified INS. The CDA validates
with the ANS tools; the journal has « identité qualifiée rattachée » with the user and the time.
Screenshot: test-artifacts/identity-addendum.png."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from auth.keystore import KeyStore, VolatileKeyring
from hl7v2.message import parse
from reporting import checks
from reporting.hl7 import extract_cda
from reporting.model import Chapter
from teleplatform.demo import cases, orders
from tests.cda_validation import assert_valid_cda
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.workstation.test_main_window import FakeClock, _login, _open, _window
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.qt.identity_addendum_dialog import IdentityAddendumDialog
from workstation.settings import Settings

CASE = cases.UNKNOWN_EMERGENCY_CASE
WHO = cases.UNKNOWN_EMERGENCY_IDENTIFIED
FINDING = "Fractures déplacées des 5e et 6e arcs costaux gauches."
DUE = "Identité qualifiée reçue : addendum à signer"


@pytest.fixture
def reading(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=FakeClock()
    )
    yield ws, platform
    ws.close()
    platform.stop()


def _sign_on_the_provisional_identity(qtbot, monkeypatch, window, ws: Workstation, platform) -> None:
    _open(qtbot, window, CASE.placer_order_number)
    page = window.reading_page
    editor = page.editor
    editor.chapter_edit(Chapter.TECHNIQUE).setPlainText("Radiographie thoracique de face, patient couché.")
    editor.chapter_edit(Chapter.RESULTS).setPlainText(FINDING)
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText(FINDING)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.provisional_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: (platform.account["password"], True))
    )
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    if "avertissement" in editor._status.text():
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=30000)
    except Exception:
        issues = [str(i.message) for i in checks.check(editor.report(), editor._template)]
        pytest.fail(f"not signed: {issues} {page.status.text()} {editor._status.text()}")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.reading_page, timeout=15000)


def _row_label(window) -> str:
    index = window.model.row_of(CASE.placer_order_number)
    return window.model.row_at(index).status_label if index >= 0 else ""


def test_the_qualified_identity_received_later_is_linked_by_a_signed_addendum(
    qtbot,
    monkeypatch,
    reading: tuple[Workstation, RunningPlatform],
    artifacts_dir: Path,
    shared_dir: Path,
    tmp_path: Path,
) -> None:
    ws, platform = reading
    _login(qtbot, ws, platform, artifacts_dir)
    with StudyLoader(workers=1) as loader:
        window = _window(qtbot, ws, loader)
        _sign_on_the_provisional_identity(qtbot, monkeypatch, window, ws, platform)
        first = ws.outbox.store.items()[0]

        update = orders.identity_update(CASE, WHO, datetime.now().astimezone())
        assert platform.submit_as_site(update, login=f"ris.{CASE.site.key}") == "AA"
        window.refresh()
        qtbot.waitUntil(lambda: _row_label(window) == DUE, timeout=30000)
        window.table.selectRow(window.model.row_of(CASE.placer_order_number))
        assert window.open_button.isEnabled()
        qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.identity_addendum_dialog is not None, timeout=5000)
        dialog = window.identity_addendum_dialog
        assert isinstance(dialog, IdentityAddendumDialog)
        assert "INCONNU X" in dialog.text.toPlainText() and "statut PROV" in dialog.text.toPlainText()
        assert f"INS {WHO.ins}" in dialog.text.toPlainText() and "LEFEBVRE" in dialog.text.toPlainText()
        assert dialog.sign_button.isEnabled()  # the password was typed to sign the report just before
        dialog.grab().save(str(artifacts_dir / "identity-addendum.png"))
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 2, timeout=30000)
        window.refresh()
        qtbot.waitUntil(
            lambda: _row_label(window) != DUE and window.identity_addendum_dialog is None, timeout=15000
        )
        window.close()

    second = next(i for i in ws.outbox.store.items() if i.control_id != first.control_id)
    payload = ws.outbox.store.get(second.control_id, with_payload=True).payload
    message = parse(payload)
    assert message.message_type == "MDM^T10"
    txa = message.first("TXA")
    assert txa is not None and txa.get(13)  # the replaced document, the provisional version
    cda = extract_cda(payload)
    text = cda.decode("utf-8")
    assert WHO.ins in text and "LEFEBVRE" in text and FINDING in text
    assert "Rattachement d'identité" in text and "identité provisoire INCONNU X" in text
    path = tmp_path / "cr-addendum-identite.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-identity-addendum.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)
    assert not list((ws.data_dir / "signed-reports").iterdir())  # the kept copy is gone once linked

    records = [json.loads(line)["body"]["record"] for line in ws.journal_path.read_text().splitlines()]
    linked = [r for r in records if r["kind"] == "qualified_identity_linked"]
    assert len(linked) == 1 and linked[0]["at"]
    assert linked[0]["participants"][0]["user_id"] == platform.account["login"]
    assert WHO.ins in json.dumps(linked[0]) and CASE.patient.ipp in json.dumps(linked[0])
