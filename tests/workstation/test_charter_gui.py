"""Charter conformity of the reading workflow (issue 23), clicked through against the reference platform.

- the justification checklist of R.1333-53: each element present or missing; a missing one is
  accepted knowingly (sent in the flux 3 answer) or asked of the site (a refusal listing it);
- attribution: the accepting radiologist, the time and the radioprotection confirmation travel in
  the flux 3 answer, come back in the order and are written in the report's exposure section
  (the CDA validates with the ANS tools);
- every safety decision is an audit record with the user and the time (the journal is walked at the end).

Screenshots go to test-artifacts/ (charter-*.png).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from auth.keystore import KeyStore, VolatileKeyring
from hl7v2.message import parse
from reporting import checks
from reporting.hl7 import extract_cda
from reporting.model import Chapter
from teleplatform.demo import cases
from teleplatform.demo.cases import Flow, ScheduledMessage
from teleplatform.demo.orders import render, viewer_url
from tests.cda_validation import assert_valid_cda
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.workstation.test_main_window import FakeClock, _login, _open, _platform_order, _window
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.audit.model import SAFETY_DECISIONS
from workstation.qt.main_window import MainWindow
from workstation.settings import Settings


@pytest.fixture(scope="module")
def loader() -> Iterator[StudyLoader]:
    with StudyLoader(workers=2) as shared:
        yield shared


def _without_flux_4(demo_data: Path, target: Path, case: cases.Case) -> Path:
    """The demo with ``case``'s images on the platform but its flux 4 not yet sent: the order is
    still to be validated (the site sends the flux 4 during the test)."""
    data = private_copy(demo_data, target)
    for path in (data / "orders").glob(f"*_{case.slug}_OMI_O23.hl7"):
        path.unlink()
    return data


@pytest.fixture
def charter(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    platform = platform_factory(_without_flux_4(demo_data, tmp_path / "platform", cases.CT_TAP_CASE))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=FakeClock()
    )
    yield ws, platform
    ws.close()
    platform.stop()


def _signed_in(
    qtbot,
    fixture: tuple[Workstation, RunningPlatform],
    artifacts_dir: Path,
    loader: StudyLoader | None = None,
) -> tuple[Workstation, RunningPlatform, MainWindow]:
    ws, platform = fixture
    _login(qtbot, ws, platform, artifacts_dir)
    return ws, platform, _window(qtbot, ws, loader)


def _records(ws: Workstation) -> list[dict]:
    return [json.loads(line)["body"]["record"] for line in ws.journal_path.read_text().splitlines()]


def _justify(qtbot, window: MainWindow, order_id: str):
    window.table.selectRow(window.model.row_of(order_id))
    assert window.justify_button.isEnabled()
    qtbot.mouseClick(window.justify_button, Qt.MouseButton.LeftButton)
    dialog = window.justification_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _settled(
    qtbot, ws: Workstation, window: MainWindow, order_id: str, status: str, delivered: int = 1
) -> None:
    """The answer delivered and the worklist refreshed with it (nothing left for the event loop)."""
    qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == delivered, timeout=20000)

    def shown() -> bool:
        row = window.model.row_of(order_id)
        return row < 0 or window.model.row_at(row).entry.status.value == status

    qtbot.waitUntil(shown, timeout=20000)


def _flux3(ws: Workstation, order_id: str) -> str:
    entry = _platform_order(ws, order_id)
    return next(m.hl7 for m in entry.messages if m.type.startswith("ORU^R01"))


def test_missing_justification_element_is_accepted_knowingly_and_sent_with_the_radiologist(
    qtbot, charter: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, platform, window = _signed_in(qtbot, charter, artifacts_dir)
    order_id = cases.PENDING_CASE.placer_order_number  # woman of 27, pregnancy status unknown
    dialog = _justify(qtbot, window, order_id)
    checklist = dialog.checklist
    assert checklist.isVisible()
    keys = [e.key for e in checklist.elements]
    assert keys == ["MOTIF", "FINALITE", "GROSSESSE", "ANTERIORITES", "POIDS", "DEMANDEUR"]
    assert [e.key for e in checklist.missing()] == ["GROSSESSE"]
    assert "manquant" in checklist.rows["GROSSESSE"].text()
    assert "55 kg" in checklist.rows["POIDS"].text() and "FOURNIER" in checklist.rows["DEMANDEUR"].text()
    assert list(checklist.boxes) == ["GROSSESSE"] and checklist.ask_button.isVisible()
    QApplication.processEvents()
    dialog.grab().save(str(artifacts_dir / "charter-justification-checklist.png"))

    # the injected protocol: the contrast risks the site did not send are shown missing
    assert dialog.contrast.isChecked() and dialog.contrast_checklist.isVisible()
    contrast = dialog.contrast_checklist
    assert [e.key for e in contrast.missing()] == [
        "FONCTION_RENALE",
        "ALLERGIES",
        "METFORMINE",
        "REACTION_ANTERIEURE",
    ]

    dialog.confirm.setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "médecin sera présent" in dialog.error.text()
    dialog.physician.setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Statut de grossesse" in dialog.error.text()
    checklist.boxes["GROSSESSE"].setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Fonction rénale" in dialog.error.text()
    for box in contrast.boxes.values():
        box.setChecked(True)
    before = datetime.now(UTC)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "protocole_envoye", timeout=20000)

    # the answer as the platform holds it: attributed, timed, with what was confirmed and accepted
    response = _platform_order(ws, order_id).order().response
    assert response is not None and response.radiologist is not None
    assert response.radiologist.rpps == platform.account["rpps"]
    assert response.answered_at is not None and abs(response.answered_at - before) < timedelta(minutes=1)
    assert response.radioprotection_confirmed
    assert [c.code for c in response.missing_accepted] == [
        "GROSSESSE",
        "FONCTION_RENALE",
        "ALLERGIES",
        "METFORMINE",
        "REACTION_ANTERIEURE",
    ]
    assert response.physician_at_injection
    local = [o for o in parse(_flux3(ws, order_id)).all("OBX") if o.get(3, 3) == "99TLR"]
    assert [o.get(3) for o in local] == [
        "RADIOPROTECTION_CONFIRMEE",
        *["ELEMENT_JUSTIFICATION_MANQUANT"] * 5,
        "PRESENCE_MEDECIN_INJECTION",
    ]
    assert all(o.get(16) == "8" + platform.account["rpps"] and o.get(14) for o in local)

    records = _records(ws)
    accepted = [r for r in records if r["kind"] == "order_accepted"]
    confirmed = [r for r in records if r["kind"] == "radioprotection_confirmed"]
    contrast_records = [r for r in records if r["kind"] == "contrast_confirmed"]
    assert len(accepted) == 1 and len(confirmed) == 1 and len(contrast_records) == 1
    order = next(o for o in accepted[0]["objects"] if o["kind"] == "order")
    assert order["id"] == order_id and ["MISSING_ACCEPTED", "GROSSESSE"] in order["details"]
    assert accepted[0]["participants"][0]["user_id"] == platform.account["login"]
    _settled(qtbot, ws, window, order_id, "protocole_envoye")


def test_missing_elements_are_asked_of_the_site(
    qtbot, charter: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, _platform, window = _signed_in(qtbot, charter, artifacts_dir)
    order_id = cases.PENDING_CASE.placer_order_number
    dialog = _justify(qtbot, window, order_id)
    qtbot.mouseClick(dialog.checklist.ask_button, Qt.MouseButton.LeftButton)
    assert dialog.refuse_radio.isChecked() and dialog.reason.currentData() == "INFORMATIONS_INSUFFISANTES"
    text = dialog.justification.toPlainText()
    assert "R.1333-53" in text and "Statut de grossesse" in text and "Motif" not in text
    assert "Fonction rénale" in text  # the injected protocol's missing contrast risks too
    QApplication.processEvents()
    dialog.grab().save(str(artifacts_dir / "charter-ask-missing-elements.png"))
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "refuse", timeout=20000)
    response = _platform_order(ws, order_id).order().response
    assert response is not None and response.refusal_reason.code == "INFORMATIONS_INSUFFISANTES"
    assert "Statut de grossesse" in response.justification
    refused = [r for r in _records(ws) if r["kind"] == "order_refused"]
    assert len(refused) == 1 and "INFORMATIONS_INSUFFISANTES" in refused[0]["description"]
    _settled(qtbot, ws, window, order_id, "refuse")


def test_acceptance_is_written_in_the_report_and_every_safety_decision_is_journaled(
    qtbot,
    monkeypatch,
    charter: tuple[Workstation, RunningPlatform],
    loader: StudyLoader,
    artifacts_dir: Path,
    shared_dir: Path,
    tmp_path: Path,
) -> None:
    ws, platform, window = _signed_in(qtbot, charter, artifacts_dir, loader)
    # the order sheet shows the consent, or the force majeure that excused it
    window.table.selectRow(window.model.row_of(cases.CT_HEAD_CASE.placer_order_number))
    qtbot.waitUntil(lambda: "force majeure" in window.detail.toPlainText(), timeout=10000)
    assert "Patient confus (GCS 14)" in window.detail.toPlainText()
    window.detail.find("force majeure")  # scrolled to it for the screenshot
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "charter-force-majeure.png"))
    case = cases.CT_TAP_CASE
    order_id = case.placer_order_number
    window.table.selectRow(window.model.row_of(order_id))
    qtbot.waitUntil(lambda: "Consentement" in window.detail.toPlainText(), timeout=10000)
    assert "Créatininémie" in window.detail.toPlainText()
    dialog = _justify(qtbot, window, order_id)
    assert not dialog.checklist.missing()  # everything R.1333-53 asks for was given by the site
    assert dialog.contrast.isChecked() and not dialog.contrast_checklist.missing()
    rows = dialog.contrast_checklist.rows
    assert "Créatininémie 64 umol/L (14/11/2026)" in rows["FONCTION_RENALE"].text()
    assert "non" in rows["METFORMINE"].text() and "aucune" in rows["REACTION_ANTERIEURE"].text()
    QApplication.processEvents()
    dialog.grab().save(str(artifacts_dir / "charter-contrast.png"))
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "médecin sera présent" in dialog.error.text()
    dialog.physician.setChecked(True)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _platform_order(ws, order_id).status.value == "protocole_envoye", timeout=20000)
    _settled(qtbot, ws, window, order_id, "protocole_envoye")
    response = _platform_order(ws, order_id).order().response
    assert response is not None and response.physician_at_injection and not response.missing_accepted

    # the site performs the exam and sends its flux 4: the case can be read
    assert (
        platform.submit_as_site(render(ScheduledMessage(case.exam.complement_at, case, Flow.COMPLEMENT)))
        == "AA"
    )
    window.refresh()
    qtbot.waitUntil(
        lambda: bool(window.model.row_at(window.model.row_of(order_id)).entry.study_instance_uid),
        timeout=20000,
    )
    _open(qtbot, window, order_id)
    page = window.reading_page
    report = page.editor.report()
    justified = report.exposure_justification
    assert justified is not None and justified.radiologist.rpps == platform.account["rpps"]
    assert justified.at is not None
    # the site's adverse effect is offered to the incident section, the consent to the indication
    assert [(i.source.value, i.description[:40]) for i in report.incidents] == [
        ("complement_hl7", "Effet indésirable signalé par le site : ")
    ]
    assert "Information et consentement : patient informé" in report.indication.text

    # an urgent result phoned, then signed
    editor = page.editor
    editor.chapter_edit(Chapter.TECHNIQUE).setPlainText("Acquisition au temps portal après injection iodée.")
    editor.chapter_edit(Chapter.RESULTS).setPlainText("Examen sans anomalie notable.")
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText("Absence de complication post-opératoire décelée.")
    editor._urgent_recipient.setText("Dr Benali, chirurgien de garde")
    qtbot.mouseClick(editor._urgent_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: (platform.account["password"], True))
    )
    QApplication.processEvents()
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    if "avertissement" in editor._status.text():  # warnings are shown once, a second click signs
        qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    try:
        qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 2, timeout=30000)
    except Exception:
        pytest.fail(
            f"not signed: {[str(i.message) for i in checks.check(editor.report(), editor._template)]} "
            f"{page.status.text()} {editor._status.text()} {ws.outbox.store.counts()} "
            f"{[(i.kind, i.state, i.ack_code, i.ack_reason, i.last_error) for i in ws.outbox.store.items()]}"
        )
    item = next(i for i in ws.outbox.store.items() if i.kind.value == "report")
    cda = extract_cda(ws.outbox.store.get(item.control_id, with_payload=True).payload)
    text = cda.decode("utf-8")
    assert "Justification de l'exposition : Dr Hélène MOREAU, demande acceptée le " in text
    assert "Effet indésirable signalé par le site : Extravasation minime" in text
    assert "Information et consentement : patient informé, consentement recueilli par le site" in text
    # the DRIMbox link: the site's partial URL completed with this report's identifier
    document = etree.fromstring(cda)
    ns = {"h": "urn:hl7-org:v3"}
    document_id = document.find("h:id", ns).get("root")
    [link] = document.iterfind(".//h:linkHtml", ns)
    assert link.get("href") == viewer_url(case) + document_id and link.text == link.get("href")
    path = tmp_path / "cr-justification.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-charter-justification.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)

    # the identity mismatch of the MR case, lifted on the site's word
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=20000)
    _open(qtbot, window, cases.MISMATCH_CASE.placer_order_number)
    monkeypatch.setattr(
        QInputDialog,
        "getMultiLineText",
        staticmethod(lambda *a, **k: ("Mme Martin, manipulatrice, a corrigé la date de naissance", True)),
    )
    qtbot.mouseClick(window.reading_page.confirm_button, Qt.MouseButton.LeftButton)

    # the journal: each safety decision, with the user (login and RPPS) and the time
    records = _records(ws)
    decisions = [r for r in records if r["kind"] in {k.value for k in SAFETY_DECISIONS}]
    kinds = [r["kind"] for r in decisions]
    assert kinds == ["order_accepted", "contrast_confirmed", "urgent_communication", "identity_override"], (
        kinds
    )
    for record in decisions:
        user = record["participants"][0]
        assert (
            user["user_id"] == platform.account["login"] and user["alt_user_id"] == platform.account["rpps"]
        )
        assert datetime.fromisoformat(record["at"]).tzinfo is not None
        assert any(o["kind"] == "order" for o in record["objects"])


def _provisional_identity(data: Path, case: cases.Case) -> None:
    """The site's messages for ``case`` as for an unknown emergency patient: no INS in PID-3 (only
    the site's IPP), identity status PROV."""
    ins = f"{case.patient.ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS~"
    for path in (data / "orders").glob(f"*_{case.slug}_*.hl7"):
        text = path.read_bytes().decode("utf-8")
        assert ins in text and "|VALI\r" in text
        path.write_bytes(text.replace(ins, "").replace("|VALI\r", "|PROV\r").encode("utf-8"))


@pytest.fixture
def provisional(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    data = private_copy(demo_data, tmp_path / "platform")
    _provisional_identity(data, cases.CT_TAP_CASE)
    platform = platform_factory(data)
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(
        settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws", clock=FakeClock()
    )
    yield ws, platform
    ws.close()
    platform.stop()


def test_a_report_on_a_provisional_identity_is_signed_with_the_mention_and_audited(
    qtbot,
    monkeypatch,
    provisional: tuple[Workstation, RunningPlatform],
    loader: StudyLoader,
    artifacts_dir: Path,
    shared_dir: Path,
    tmp_path: Path,
) -> None:
    ws, platform, window = _signed_in(qtbot, provisional, artifacts_dir, loader)
    case = cases.CT_TAP_CASE
    order_id = case.placer_order_number
    _open(qtbot, window, order_id)
    page = window.reading_page
    if page.confirm_button.isVisible():  # the images carry the INS the order lacks: the site confirms
        monkeypatch.setattr(
            QInputDialog,
            "getMultiLineText",
            staticmethod(
                lambda *a, **k: ("IDE des urgences : patient inconnu à l'admission, bracelet vérifié", True)
            ),
        )
        qtbot.mouseClick(page.confirm_button, Qt.MouseButton.LeftButton)
    assert page.provisional_button.isVisible()
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "charter-provisional-identity.png"))
    editor = page.editor
    editor.chapter_edit(Chapter.TECHNIQUE).setPlainText("Acquisition au temps portal après injection iodée.")
    editor.chapter_edit(Chapter.RESULTS).setPlainText("Examen sans anomalie notable.")
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText("Absence d'anomalie décelée.")

    # without the explicit choice, the missing INS refuses the signature
    issues = [str(i.message) for i in checks.check(editor.report(), editor._template)]
    assert any("INS" in i for i in issues), issues
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.provisional_button, Qt.MouseButton.LeftButton)
    assert not page.provisional_button.isVisible()
    assert editor.report().provisional_identity is not None
    assert editor.report().provisional_identity.status == "PROV"

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
            f"{page.status.text()} {editor._status.text()} {ws.outbox.store.counts()} "
            f"{[(i.kind, i.state, i.ack_code, i.ack_reason, i.last_error) for i in ws.outbox.store.items()]}"
        )
    item = ws.outbox.store.items()[0]
    cda = extract_cda(ws.outbox.store.get(item.control_id, with_payload=True).payload)
    text = cda.decode("utf-8")
    assert (
        "Compte rendu établi sur une identité provisoire non qualifiée, sans INS (statut transmis : PROV) : "
        "à rapprocher" in text
    )
    assert case.patient.ins not in text  # the report names the patient by the site's IPP only
    path = tmp_path / "cr-identite-provisoire.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-charter-provisional-identity.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)

    signed = [r for r in _records(ws) if r["kind"] == "provisional_identity_signed"]
    assert len(signed) == 1
    patient = next(o for o in signed[0]["objects"] if o["kind"] == "patient")
    assert patient["id"].startswith(case.patient.ipp + "^^^&")  # the IPP, since there is no INS
    assert signed[0]["participants"][0]["user_id"] == platform.account["login"]
    _settled(qtbot, ws, window, order_id, "cr_transmis")
