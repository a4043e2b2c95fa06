"""Issue 20, end to end in two windows on one reference platform (pytest-qt, run under Xvfb).

Workstation A (dr.moreau, the demo radiologist) reads the CT TAP demo case and asks dr.lambert (the
demo's expert: a radiologist of no demo site, in the "neuro", "ostéo-articulaire" and "pédiatrie"
expert groups) for an opinion,
with the patient's consent recorded; B sees it apart in its list, checks the images the request
opened to it, and answers with a signed expertise report (CDA 85208-7 through its outbox); A sees the
answer in the case and quotes it into the report; a second request is answered « impossible » with a
reason. Both steps are in both audit journals. Screenshots: A's request dialog, B's list, A's case
with the answer (looked at when this was written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from reporting.model import Chapter
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.audit import EventKind
from workstation.audit.journal import read_entries
from workstation.expertise import DOCUMENT_CODE, ExpertiseStatus
from workstation.qt import theme
from workstation.qt.expertise_dialogs import AnswerExpertiseDialog
from workstation.qt.main_window import MainWindow
from workstation.settings import Settings

EXPERT = {  # the demo's téléexpertise expert: no demo site, in the "neuro", "ostéo-articulaire"… groups
    "login": cases.DEMO_EXPERT_ACCOUNT.login,
    "password": cases.DEMO_EXPERT_ACCOUNT.password,
}


@pytest.fixture
def two_workstations(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[RunningPlatform, Workstation, Workstation]]:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    opened = []
    for name in ("a", "b"):
        settings = Settings(
            platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / name / "c"
        )
        opened.append(Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / name))
    a, b = opened
    a.login(platform.account["login"], platform.account["password"], platform.fresh_otp())
    b.login(EXPERT["login"], EXPERT["password"], platform.fresh_otp(EXPERT["login"]))
    yield platform, a, b
    for ws in (a, b):
        ws.close()
    platform.stop()


def _window(qtbot, ws: Workstation, loader: StudyLoader) -> MainWindow:
    theme.apply(QApplication.instance())
    window = MainWindow(ws, loader)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    return window


def _kinds(ws: Workstation) -> list[EventKind]:
    return [e.record.kind for e in read_entries(ws.journal_path)]


def test_ask_answer_signed_report_and_impossible_between_two_workstations(
    qtbot, two_workstations, artifacts_dir: Path
) -> None:
    _platform, ws_a, ws_b = two_workstations
    with StudyLoader(workers=0) as loader:
        a = _window(qtbot, ws_a, loader)
        qtbot.waitUntil(lambda: a.model.rowCount() > 0, timeout=60000)
        order_id = cases.CT_TAP_CASE.placer_order_number

        # A reads the TAP case and asks B
        a.table.selectRow(a.model.row_of(order_id))
        qtbot.mouseClick(a.open_button, Qt.MouseButton.LeftButton)
        page = a.reading_page
        qtbot.waitUntil(lambda: page.editor is not None, timeout=90000)
        assert page.expertise_button.isVisible()
        qtbot.mouseClick(page.expertise_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: a.expertise.last_dialog is not None and a.expertise.last_dialog.isVisible(), timeout=60000
        )
        dialog = a.expertise.last_dialog
        dialog.expert.setCurrentIndex(dialog.expert.findData(EXPERT["login"]))
        dialog.question.setPlainText(
            "Nodule hépatique du segment VI : caractérisation ? Métastase ou hémangiome ?"
        )
        assert not dialog.send_button.isEnabled()  # consent not recorded yet
        assert "consentement" in dialog.hint.text()
        dialog.informed.setChecked(True)
        dialog.consented.setChecked(True)
        dialog.how.setText("oral, noté par le radiologue demandeur")
        assert dialog.send_button.isEnabled()
        QApplication.processEvents()
        dialog.grab().save(str(artifacts_dir / "expertise-request-dialog.png"))
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: "En attente de l'expert" in a.expertise.strip.text.text(), timeout=60000
        )  # the case shows it
        first = ws_a.client.expertise_requests()[0]
        assert first["expert"]["login"] == EXPERT["login"] and first["consent"]["consented"] is True
        tap_study = a.model.row_at(a.model.row_of(order_id)).entry.study_instance_uid
        assert first["studies"][0] == tap_study and first["order_id"] == order_id

        # B sees it apart from its (empty) worklist, checks the images, signs its report
        b = _window(qtbot, ws_b, loader)
        panel = b.expertise.panel
        qtbot.waitUntil(lambda: panel.received.rowCount() == 1, timeout=60000)
        assert b.model.rowCount() == 0  # no site of B's: the request is the only way in
        assert "1 à traiter" in panel.title.text()
        QApplication.processEvents()
        b.grab().save(str(artifacts_dir / "expertise-expert-list.png"))
        panel.received.selectRow(0)
        answer = panel.answer_selected()
        assert isinstance(answer, AnswerExpertiseDialog)
        answer.verify_images()
        qtbot.waitUntil(lambda: "Images disponibles" in answer.availability.text(), timeout=60000)
        qtbot.mouseClick(answer.show_images, Qt.MouseButton.LeftButton)  # the expert judges the images
        qtbot.waitUntil(
            lambda: answer.viewer_window is not None and bool(answer.viewer_window.viewer.series()),
            timeout=60000,
        )
        folders = list(answer._folders)
        assert folders and all(f.stat().st_mode & 0o077 == 0 for f in folders)
        for box in answer.checks.values():
            box.setChecked(True)
        answer.analysis.setPlainText("Nodule de 18 mm du segment VI, rehaussement périphérique nodulaire.")
        answer.opinion.setPlainText("Aspect d'hémangiome typique ; pas d'argument pour une métastase.")
        QApplication.processEvents()
        answer.grab().save(str(artifacts_dir / "expertise-answer-dialog.png"))
        answer.password_prompt = lambda: EXPERT["password"]
        qtbot.mouseClick(answer.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: ws_b.outbox.store.counts().delivered == 1, timeout=60000)
        assert not any(f.exists() for f in folders)  # the images left the disk with the dialog
        done = ws_a.client.expertise_requests()[0]
        assert done["status"] == "repondue"
        cda = etree.fromstring(done["report"]["cda"].encode())
        ns = {"h": "urn:hl7-org:v3"}
        assert cda.find("h:code", ns).get("code") == DOCUMENT_CODE
        assert cda.find("h:legalAuthenticator/h:signatureCode", ns).get("code") == "S"
        assert "hémangiome" in done["report"]["cda"]

        # A sees the answer in the case and quotes it into the report
        a.expertise.refresh()
        strip = a.expertise.strip
        qtbot.waitUntil(lambda: strip.isVisible() and "Avis rendu" in strip.text.text(), timeout=60000)
        assert "hémangiome" in strip.text.text()
        report_text = "".join(page.editor.chapter_edit(c).toPlainText() for c in Chapter)
        assert "Avis de téléexpertise" not in report_text
        qtbot.mouseClick(strip.quote_button, Qt.MouseButton.LeftButton)
        QApplication.processEvents()
        report_text = "".join(page.editor.chapter_edit(c).toPlainText() for c in Chapter)
        assert (
            "Avis de téléexpertise (Dr Julien LAMBERT" in report_text and "hémangiome typique" in report_text
        )
        QApplication.processEvents()
        a.grab().save(str(artifacts_dir / "expertise-case-with-answer.png"))
        order = next(e for e in ws_a.client.worklist() if e.order_id == order_id)
        events = [h.event for h in order.history]
        assert "Téléexpertise demandée" in events and "Avis d'expert reçu" in events

        # a second request, to the group, answered « impossible » with a reason
        second = a.expertise.desk.ask(
            order_id,
            "",
            expert=None,
            specialty="ostéo-articulaire",
            question="Lésion osseuse L2 ?",
            clinical="",
            urgent=True,
            studies=[first["studies"][0]],
            informed=True,
            consented=True,
            consent_how="oral",
        )
        b.expertise.refresh()
        qtbot.waitUntil(lambda: panel.received.rowCount() == 2, timeout=60000)
        row = next(i for i in range(2) if panel.received.item(i, 1).text() == second.request_id)
        panel.received.selectRow(row)
        impossible = panel.answer_selected()
        impossible.reason_prompt = lambda: (
            "IMAGES_INSUFFISANTES",
            "Pas de reconstruction en fenêtre osseuse.",
        )
        qtbot.mouseClick(impossible.impossible_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: any(
                r.request_id == second.request_id and r.status is ExpertiseStatus.IMPOSSIBLE
                for r in a.expertise.desk.requests()
            ),
            timeout=60000,
        )
        a.expertise.refresh()
        qtbot.waitUntil(lambda: "fenêtre osseuse" in strip.text.text(), timeout=60000)
        # the answer read is journaled by a worker once the case shows it
        qtbot.waitUntil(lambda: _kinds(ws_a).count(EventKind.EXPERTISE_ANSWER_READ) == 2, timeout=60000)

        # the answer opened from A's list; locking the session closes it with the rest of the case
        a_panel = a.expertise.panel
        qtbot.waitUntil(lambda: a_panel.asked.rowCount() == 2, timeout=60000)
        a_panel.asked.selectRow(0)
        view = a_panel.view_selected()
        assert view is not None and view.isVisible()
        ws_a.session.lock()
        qtbot.waitUntil(lambda: not view.isVisible() and not strip.isVisible(), timeout=60000)

    # both traced in both journals
    kinds_a, kinds_b = _kinds(ws_a), _kinds(ws_b)
    assert kinds_a.count(EventKind.EXPERTISE_REQUESTED) == 2
    assert kinds_a.count(EventKind.EXPERTISE_ANSWER_READ) == 2
    assert kinds_b.count(EventKind.EXPERTISE_ANSWERED) == 2
    assert EventKind.STUDY_ACCESSED in kinds_b  # the images the request opened to the expert, viewed
    answered = [
        e.record for e in read_entries(ws_b.journal_path) if e.record.kind is EventKind.EXPERTISE_ANSWERED
    ]
    assert "report" in answered[0].description and "impossible" in answered[1].description
