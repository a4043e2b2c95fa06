"""The main window against a real reference platform over HTTPS, clicked through as a radiologist would.

Login with a wrong then a right one-time code, the worklist (urgent first), the order as written, a
refresh that keeps the selection, the search, and the idle lock that hides every patient datum.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox, QWidget

from auth.keystore import KeyStore, VolatileKeyring
from auth.qt.login_dialog import LoginDialog
from auth.session import SessionState
from reporting.hl7 import extract_cda
from reporting.model import Chapter
from teleplatform.demo import cases
from teleplatform.relay import FaultProxy
from tests.demo_answers import priors_of
from tests.platform_fixtures import RunningPlatform, private_copy
from viewer.loader import StudyLoader
from viewer.qt.viewport import Tool
from workstation.app import Workstation
from workstation.platform import WorklistEntry
from workstation.qt import theme
from workstation.qt.diagnostics import DiagnosticsDialog
from workstation.qt.main_window import MainWindow
from workstation.qt.worklist_model import PATIENT
from workstation.settings import Settings

REFUSAL_TEXT = (
    "Échographie abdominale en première intention chez cette patiente de 27 ans, l’irradiation "
    "n’est pas justifiée à ce stade ; rappeler le 02 61 91 01 42."
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def own_platform(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    """A platform of our own: other tests answer orders on the shared one."""
    return platform_factory(private_copy(demo_data, tmp_path_factory.mktemp("gui-platform") / "data"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def workstation(own_platform: RunningPlatform, tmp_path: Path, clock: FakeClock) -> Iterator[Workstation]:
    settings = Settings(
        platform_url=own_platform.base_url, ca_file=own_platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings,
        keystore=KeyStore(VolatileKeyring()),
        data_dir=tmp_path,
        journal_path=tmp_path / "audit.jsonl",
        clock=clock,
    )
    yield ws
    ws.close()


def _journal_events(ws: Workstation) -> list[str]:
    lines = ws.journal_path.read_text(encoding="utf-8").splitlines()
    return [json.dumps(json.loads(line)) for line in lines]


def _visible_texts(root: QWidget) -> str:
    """Every text a person could read on the window right now."""
    texts = [w.text() for w in root.findChildren(QLabel) if w.isVisible()]
    for view in root.findChildren(QWidget):
        if view.isVisible() and hasattr(view, "toPlainText"):
            texts.append(view.toPlainText())
    model = getattr(root, "model", None)
    if model is not None:
        for row in range(model.rowCount()):
            texts.append(str(model.index(row, PATIENT).data()))
    return "\n".join(texts)


def _login(qtbot, ws: Workstation, platform: RunningPlatform, artifacts_dir: Path) -> None:
    account = platform.account
    dialog = LoginDialog(ws.login, platform_label=ws.settings.base_url)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.login_edit, account["login"])
    qtbot.keyClicks(dialog.password_edit, account["password"])
    good = platform.fresh_otp()
    wrong = f"{(int(good) + 500000) % 1000000:06d}"
    qtbot.keyClicks(dialog.otp_edit, wrong)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=15000)
    assert "code" in dialog.error_label.text().lower()
    dialog.grab().save(str(artifacts_dir / "workstation-login-wrong-code.png"))
    dialog.otp_edit.clear()
    qtbot.keyClicks(dialog.otp_edit, good)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert ws.session.state is SessionState.ACTIVE


@pytest.fixture(scope="module")
def loader() -> Iterator[StudyLoader]:
    with StudyLoader(workers=2) as shared:
        yield shared


def _window(qtbot, ws: Workstation, loader: StudyLoader | None = None) -> MainWindow:
    theme.apply(QApplication.instance())
    window = MainWindow(ws, loader or StudyLoader(workers=0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=15000)
    return window


def test_login_worklist_order_and_lock(
    qtbot, workstation: Workstation, own_platform: RunningPlatform, clock: FakeClock, artifacts_dir: Path
) -> None:
    _login(qtbot, workstation, own_platform, artifacts_dir)
    window = _window(qtbot, workstation)

    # Worklist: what is to do, urgent first; the cancelled order is not in "À traiter".
    rows = [window.model.row_at(i) for i in range(window.model.rowCount())]
    urgent_flags = [r.urgent for r in rows]
    assert urgent_flags == sorted(urgent_flags, reverse=True) and urgent_flags[0]
    names = {r.patient for r in rows}
    assert all(not r.done for r in rows)
    assert any("LEFEBVRE" in n for n in names)
    assert window.count_label.text().startswith(f"{len(rows)} demandes")
    assert "connectée" in window.connection_label.text()

    # Select an order: its text appears and the view is audited.
    target = next(i for i, r in enumerate(rows) if "LEFEBVRE" in r.patient)
    window.table.selectRow(target)
    order_id = rows[target].order_id
    text = window.detail.toPlainText()
    assert "LEFEBVRE" in text and "anticoagulant" in text and "Contexte clinique" in text
    assert "Téléphone du site" in text
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-worklist.png"))
    assert any('"order_viewed"' in e and order_id in e for e in _journal_events(workstation))

    # Select another order, refresh: the same order stays selected.
    other = next(i for i, r in enumerate(rows) if i != target and not r.urgent)
    window.table.selectRow(other)
    other_id = rows[other].order_id
    window.refresh()
    qtbot.waitUntil(lambda: window.refresh_button.isEnabled(), timeout=15000)
    assert window.selected_row() is not None and window.selected_row().order_id == other_id
    assert window.table.selectionModel().selectedRows()[0].row() == window.model.row_of(other_id)

    # Search is accent- and case-insensitive; the scope "Tous" shows the cancelled order.
    window.search.setText("lefebvre")
    assert window.model.rowCount() == 1 and "LEFEBVRE" in window.model.row_at(0).patient
    window.search.clear()
    window.scope.setCurrentIndex(window.scope.findText("Tous"))
    assert any(window.model.row_at(i).cancelled for i in range(window.model.rowCount()))
    window.scope.setCurrentIndex(window.scope.findText("À traiter"))

    # Idle lock at 15:00 (not at 14:59): every patient datum leaves the screen.
    window.table.selectRow(window.model.row_of(order_id))
    clock.now += 14 * 60 + 59
    window._tick()
    assert workstation.session.state is SessionState.ACTIVE
    clock.now += 1
    window._tick()
    assert workstation.session.state is SessionState.LOCKED
    assert window.pages.currentWidget() is window.lock_screen
    visible = _visible_texts(window)
    for row in rows:
        if row.order is not None:
            assert row.order.patient.birth_name not in visible
    assert "inactivité" in window.lock_screen.reason.text()
    window.grab().save(str(artifacts_dir / "workstation-locked.png"))

    # Wrong password: refused with the attempts left; right password: the worklist comes back.
    qtbot.keyClicks(window.lock_screen.password, "pas-le-bon")
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.lock_screen.error.isVisible(), timeout=15000)
    assert "incorrect" in window.lock_screen.error.text()
    window.lock_screen.password.clear()
    qtbot.keyClicks(window.lock_screen.password, own_platform.account["password"])
    qtbot.mouseClick(window.lock_screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workstation.session.state is SessionState.ACTIVE, timeout=15000)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=15000)
    assert window.selected_row() is not None and window.selected_row().order_id == order_id

    records = [json.loads(e)["body"]["record"] for e in _journal_events(workstation)]
    kinds = [(r["kind"], r["outcome"] == 0) for r in records]
    assert kinds[:2] == [("login_failure", False), ("login", True)] and ("worklist_query", True) in kinds
    assert kinds.index(("lock", True)) < kinds.index(("unlock", False)) < kinds.index(("unlock", True))


def test_platform_loss_keeps_the_list_and_says_so(
    qtbot,
    demo_data: Path,
    tmp_path: Path,
    platform_factory: Callable[[Path], RunningPlatform],
    artifacts_dir: Path,
) -> None:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    proxy = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    settings = Settings(platform_url=proxy.url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    try:
        _login(qtbot, ws, platform, artifacts_dir)
        window = _window(qtbot, ws)
        shown = window.model.rowCount()
        proxy.down()
        window.refresh()
        qtbot.waitUntil(lambda: window.degraded_banner.isVisible(), timeout=20000)
        assert window.model.rowCount() == shown
        assert "injoignable" in window.connection_label.text()
        assert "Mode dégradé" in window.degraded_banner.text()
        window.grab().save(str(artifacts_dir / "workstation-platform-lost.png"))

        # Aide > Diagnostic du poste: the self-test says the platform is unreachable (degraded mode)

        window.show_diagnostics()
        dialog = window.findChild(DiagnosticsDialog)
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
        assert any("dégradé" in c.detail or "injoignable" in c.detail for c in dialog.report.checks)
        dialog.grab().save(str(artifacts_dir / "workstation-diagnostics.png"))
        dialog.close()
    finally:
        ws.close()
        proxy.down()
        platform.stop()


@pytest.fixture
def fresh_workstation(
    demo_data: Path,
    tmp_path: Path,
    clock: FakeClock,
    platform_factory: Callable[[Path], RunningPlatform],
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    """A platform whose orders nobody answered yet, and a workstation on it."""
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=clock)
    yield ws, platform
    ws.close()
    platform.stop()


def _signed_in(
    qtbot, fresh: tuple[Workstation, RunningPlatform], artifacts_dir: Path, loader: StudyLoader | None = None
) -> tuple[Workstation, RunningPlatform, MainWindow]:
    """Two-factor login through the dialog, then the main window on the worklist."""
    ws, platform = fresh
    _login(qtbot, ws, platform, artifacts_dir)
    return ws, platform, _window(qtbot, ws, loader)


def _order_to_validate(window: MainWindow) -> int:
    return next(
        i for i in range(window.model.rowCount()) if window.model.row_at(i).entry.status.value == "a_valider"
    )


def _platform_order(ws: Workstation, order_id: str) -> WorklistEntry:
    return next(e for e in ws.client.worklist() if e.order_id == order_id)


def test_accept_with_protocol_needs_the_radioprotection_confirmation(
    qtbot, fresh_workstation: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir)
    row = _order_to_validate(window)
    window.table.selectRow(row)
    order_id = window.model.row_at(row).order_id
    assert window.justify_button.isEnabled()
    qtbot.mouseClick(window.justify_button, Qt.MouseButton.LeftButton)
    dialog = window.justification_dialog
    assert dialog is not None and dialog.isVisible()

    # a woman of childbearing age without pregnancy status: the CT protocol needs a confirmation
    assert dialog.template.currentText().startswith("TDM")
    assert "TDM" in dialog.protocol.toPlainText()
    assert dialog.warning.isVisible() and "grossesse" in dialog.warning.text()
    dialog.grab().save(str(artifacts_dir / "workstation-justification-accept.png"))
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "irradiant" in dialog.error.text()

    dialog.protocol.appendPlainText("Temps artériel supplémentaire si suspicion de saignement actif.")
    dialog.confirm.setChecked(True)
    dialog.checklist.boxes["GROSSESSE"].setChecked(True)  # missing from the request: accepted knowingly
    dialog.physician.setChecked(True)  # an injected protocol: contrast risks unknown, accepted knowingly
    for box in dialog.contrast_checklist.boxes.values():
        box.setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    # queued, delivered, answered AA: the platform moves the order to "protocole envoyé"
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "protocole_envoye", timeout=20000)
    item = ws.outbox.store.items()[0]
    assert item.ack_code == "AA" and item.kind.value == "protocol"
    sent = _platform_order(ws, order_id).order().response
    assert sent is not None and "Temps artériel supplémentaire" in sent.protocol
    assert sent.radiologist is not None and sent.radiologist.rpps == platform.account["rpps"]
    qtbot.waitUntil(
        lambda: (
            "Protocole envoyé" in window.model.row_at(window.model.row_of(order_id)).status_label
            if window.model.row_of(order_id) >= 0
            else False
        ),
        timeout=20000,
    )


def test_refusal_with_justification_is_acknowledged_traced_and_in_the_history(
    qtbot, fresh_workstation: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir)
    row = _order_to_validate(window)
    window.table.selectRow(row)
    order_id = window.model.row_at(row).order_id
    window.justify_selected()
    dialog = window.justification_dialog
    qtbot.mouseClick(dialog.refuse_radio, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "motif" in dialog.error.text()
    dialog.reason.setCurrentIndex(dialog.reason.findText("Examen non adapté ou alternative non irradiante"))
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "justification" in dialog.error.text().lower()
    qtbot.keyClicks(dialog.justification, "Echographie abdominale d'abord")  # typed (QTest: ASCII only)
    dialog.justification.selectAll()
    dialog.justification.insertPlainText(REFUSAL_TEXT)  # accents and the typographic apostrophe, pasted
    dialog.grab().save(str(artifacts_dir / "workstation-justification-refuse.png"))
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "refuse", timeout=20000)
    entry = _platform_order(ws, order_id)
    response = entry.order().response
    assert response is not None and response.refusal_reason.code == "EXAMEN_NON_ADAPTE"
    assert response.justification == REFUSAL_TEXT
    assert any("refus" in h.event.lower() for h in entry.history)
    qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=10000)
    records = [json.loads(line)["body"]["record"] for line in ws.journal_path.read_text().splitlines()]
    refusals = [r for r in records if r["kind"] == "refusal_sent"]
    assert len(refusals) == 1 and refusals[0]["outcome"] == 0
    assert any(o.get("id") == order_id for o in refusals[0]["objects"])
    qtbot.waitUntil(  # the worklist refreshed after the delivery: nothing left for the event loop
        lambda: window.model.row_of(order_id) < 0
        or window.model.row_at(window.model.row_of(order_id)).entry.status.value == "refuse",
        timeout=20000,
    )


def _open(qtbot, window: MainWindow, order_id: str) -> None:
    window.table.selectRow(window.model.row_of(order_id))
    assert window.open_button.isEnabled()
    qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.reading_page
    qtbot.waitUntil(lambda: window.reading_page.editor is not None, timeout=60000)
    viewer = window.reading_page.viewer
    qtbot.waitUntil(lambda: bool(viewer.series()) and viewer.active_viewport.view is not None, timeout=60000)


def test_read_measure_report_sign_and_send(
    qtbot,
    monkeypatch,
    fresh_workstation: tuple[Workstation, RunningPlatform],
    loader: StudyLoader,
    artifacts_dir: Path,
) -> None:
    ws, platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    order_id = cases.CT_TAP_CASE.placer_order_number
    _open(qtbot, window, order_id)
    page = window.reading_page
    assert "ROBIN" in page.identity.text() and "Identité vérifiée" in page.check_label.text()
    assert page.sign_button.isEnabled()
    assert window.model.row_at(window.model.row_of(order_id)).status_label == "En lecture"

    # the portal-phase stack is shown, not the topogram the scanner wrote first
    viewer, editor = page.viewer, page.editor
    qtbot.waitUntil(lambda: viewer.viewports[0].series.shape[0] > 1, timeout=30000)
    # a measurement drawn on the image goes into the report at the cursor
    results = editor.chapter_edit(Chapter.RESULTS)
    results.setFocus()
    results.insertPlainText("Nodule hépatique du segment VI mesuré à ")
    viewport = viewer.active_viewport
    viewer.set_tool(Tool.LENGTH)
    a = QPoint(viewport.width() // 2 - 40, viewport.height() // 2)
    b = QPoint(viewport.width() // 2 + 40, viewport.height() // 2)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    qtbot.waitUntil(lambda: "Longueur : " in results.toPlainText(), timeout=5000)
    editor.chapter_edit(Chapter.TECHNIQUE).setPlainText("Acquisition au temps portal après injection iodée.")
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText("Nodule hépatique isolé, à caractériser par IRM.")
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-reading.png"))

    # signing asks for the password again (checked by the platform): a wrong one signs nothing
    answers = iter([("pas-le-bon", True), (platform.account["password"], True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Mot de passe incorrect" in page.status.text(), timeout=15000)
    assert ws.outbox.store.counts().pending == 0 and ws.outbox.store.counts().delivered == 0
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=20000)
    qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=20000)
    item = ws.outbox.store.items()[0]
    assert item.kind.value == "report" and item.ack_code == "AA"
    entry = _platform_order(ws, order_id)
    assert entry.status.value == "cr_transmis"
    assert page.case is None and page.editor is None  # images and draft gone from the screen and the disk


def test_identity_mismatch_blocks_the_report_until_the_site_confirms(
    qtbot,
    monkeypatch,
    fresh_workstation: tuple[Workstation, RunningPlatform],
    loader: StudyLoader,
    artifacts_dir: Path,
) -> None:
    _ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    _open(qtbot, window, cases.MISMATCH_CASE.placer_order_number)
    page = window.reading_page
    assert "Discordance d'identité" in page.check_label.text()
    assert not page.sign_button.isEnabled() and page.confirm_button.isVisible()
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-identity-mismatch.png"))

    monkeypatch.setattr(
        QInputDialog,
        "getMultiLineText",
        staticmethod(lambda *a, **k: ("Mme Martin, manipulatrice, a corrigé la date de naissance", True)),
    )
    qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert "Identité vérifiée" in page.check_label.text() and page.sign_button.isEnabled()
    report = page.editor.report()
    assert report.identity_check.verified and "Discordance" in report.incidents[-1].description


def test_refuse_after_reading(
    qtbot, fresh_workstation: tuple[Workstation, RunningPlatform], loader: StudyLoader, artifacts_dir: Path
) -> None:
    ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    order_id = cases.DX_CHEST_CASE.placer_order_number
    _open(qtbot, window, order_id)
    qtbot.mouseClick(window.reading_page.refuse_button, Qt.MouseButton.LeftButton)
    dialog = window.justification_dialog
    assert dialog is not None and dialog.refuse_radio.isChecked() and not dialog.accept_radio.isEnabled()
    assert dialog.reason.currentText() == "Images de qualité insuffisante"
    dialog.justification.setPlainText("Cliché sous-exposé et tourné : refaire la radiographie de face.")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=10000)
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "refuse", timeout=20000)
    response = _platform_order(ws, order_id).order().response
    assert response is not None and response.refusal_reason.code == "IMAGES_INSUFFISANTES"


def test_closing_an_edited_report_asks_first_and_undoing_the_edits_does_not(
    qtbot,
    monkeypatch,
    fresh_workstation: tuple[Workstation, RunningPlatform],
    loader: StudyLoader,
    artifacts_dir: Path,
) -> None:
    """« Retour à la liste » abandons the unsigned draft: asked only while the editor's undo stack is
    not at its clean state (as opened), so undoing every edit closes without a question."""
    _ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    order_id = cases.DX_CHEST_CASE.placer_order_number
    _open(qtbot, window, order_id)
    page = window.reading_page
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Callable[..., QMessageBox.StandardButton]:
        def question(_parent: QWidget, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return button

        return question

    editor = page.editor
    assert editor is not None and not editor.is_modified()
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    conclusion.setFocus()
    qtbot.keyClicks(conclusion, "Pas de foyer")
    assert editor.is_modified()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer(QMessageBox.StandardButton.No)))
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "brouillon sera abandonné" in asked[0]
    assert page.case is not None and window.pages.currentWidget() is page  # kept open, text kept
    assert "Pas de foyer" in conclusion.toPlainText()

    while editor.undo_stack().canUndo():
        editor.undo_stack().undo()
    assert not editor.is_modified()
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1  # back to the report as opened: nothing to lose, no question
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=10000)
    assert page.case is None


def test_degraded_mode_read_from_cache_sign_and_deliver_on_return(
    qtbot,
    monkeypatch,
    demo_data: Path,
    tmp_path: Path,
    loader: StudyLoader,
    platform_factory: Callable[[Path], RunningPlatform],
    artifacts_dir: Path,
) -> None:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    proxy = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
    settings = Settings(platform_url=proxy.url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    ws.connectivity._degraded_interval = 0.5  # the heartbeat's pace while degraded, shortened for the test
    try:
        _login(qtbot, ws, platform, artifacts_dir)
        window = _window(qtbot, ws, loader)
        study_uid = next(
            window.model.row_at(i).entry.study_instance_uid
            for i in range(window.model.rowCount())
            if window.model.row_at(i).order_id == cases.CT_TAP_CASE.placer_order_number
        )
        qtbot.waitUntil(
            lambda: (ws.cache.get(study_uid) or False) and ws.cache.get(study_uid).complete, timeout=120000
        )

        proxy.down()  # the platform goes away mid-session
        window.refresh()
        qtbot.waitUntil(lambda: window.degraded_banner.isVisible(), timeout=20000)
        assert "Mode dégradé" in window.degraded_banner.text()
        assert window.model.rowCount() > 0  # the list stays

        order_id = cases.CT_TAP_CASE.placer_order_number
        _open(qtbot, window, order_id)
        page = window.reading_page
        assert page.case is not None and page.case.from_cache
        page.editor.chapter_edit(Chapter.TECHNIQUE).setPlainText("Acquisition au temps portal.")
        page.editor.chapter_edit(Chapter.RESULTS).setPlainText("Pas d'anomalie.")
        page.editor.chapter_edit(Chapter.CONCLUSION).setPlainText("Examen normal.")
        monkeypatch.setattr(
            QInputDialog, "getText", staticmethod(lambda *a, **k: (platform.account["password"], True))
        )
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)  # password checked offline
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=20000)
        assert ws.outbox.store.counts().pending == 1
        qtbot.waitUntil(lambda: "1 message en attente" in window.degraded_banner.text(), timeout=5000)
        window.grab().save(str(artifacts_dir / "workstation-degraded.png"))

        proxy.up()  # the platform is back: the report goes, once
        qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=30000)
        qtbot.waitUntil(lambda: not window.degraded_banner.isVisible(), timeout=10000)
        assert _platform_order(ws, order_id).status.value == "cr_transmis"
        incidents = ws.connectivity.incidents
        assert incidents and incidents[-1].ended_at is not None and len(incidents[-1].queued) == 1

        cda = extract_cda(
            ws.outbox.store.get(ws.outbox.store.items()[0].control_id, with_payload=True).payload
        )
        assert "Mode dégradé" in cda.decode("utf-8") or "mode dégradé" in cda.decode("utf-8")
    finally:
        ws.close()
        proxy.down()
        platform.stop()


def test_viewer_on_another_screen_hidden_by_the_lock_and_layout_remembered(
    qtbot, fresh_workstation: tuple[Workstation, RunningPlatform], loader: StudyLoader, artifacts_dir: Path
) -> None:
    QApplication.setOrganizationName("teleradiologie-tests")
    ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    _open(qtbot, window, cases.CT_HEAD_CASE.placer_order_number)
    page = window.reading_page
    page.toggle_detached()
    detached = page._viewer_window
    assert detached is not None and detached.isVisible() and page.viewer.window() is detached
    ws.session.lock()
    assert window.pages.currentWidget() is window.lock_screen and not detached.isVisible()
    page.set_privacy(False)  # (what the unlock does)
    page.toggle_detached()
    assert page.viewer.window() is window and not page.detached

    window.worklist_splitter.setSizes([700, 900])
    window.save_layout()
    other = MainWindow(ws, loader)
    qtbot.addWidget(other)
    assert other.restore_layout()
    other.show()
    QApplication.processEvents()
    assert other.width() == window.width()
    assert other.worklist_splitter.sizes()[0] < other.worklist_splitter.sizes()[1]


def test_prior_study_side_by_side(
    qtbot, fresh_workstation: tuple[Workstation, RunningPlatform], loader: StudyLoader, artifacts_dir: Path
) -> None:
    _ws, _platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    _open(qtbot, window, cases.CT_HEAD_CASE.placer_order_number)
    page = window.reading_page
    (prior,) = priors_of(cases.CT_HEAD_CASE)
    qtbot.waitUntil(lambda: page.priors.isVisible(), timeout=20000)
    assert page.priors.count() == 1 and prior.study_date.strftime("%d/%m/%Y") in page.priors.currentText()
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.prior_viewer is not None and bool(page.prior_viewer.series()), timeout=60000)
    qtbot.waitUntil(lambda: page.prior_viewer.viewports[0].view is not None, timeout=30000)
    assert page.prior_viewer.series()[0].shape[0] == prior.instances
    assert page.viewer.series()[0].shape[0] > prior.instances  # today's thin slices
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-prior-side-by-side.png"))
    folder = page._prior_folder
    page.close_case()
    assert folder is not None and not folder.exists()
