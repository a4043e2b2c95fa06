"""From the demo orders to signed reports the reference platform accepts, through the editor.

For each imaged demo case the draft is composed from the generated order, complement and images
(as ``test_demo_cases``), the template is the one chosen for the order, and the radiologist does
what that case needs: picks, macros, a measurement, the DLP read on the console (CT head: no RDSR),
the identity check (MR: the console swapped day and month). Then the Sign button, the CDA
validated by the ANS tools (one run for the four) and the HL7 message acknowledged AA.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from reporting import checks
from reporting.draft import DraftInputs, compose
from reporting.hl7 import Endpoint, Routing, extract_cda
from reporting.markdown import split_chapters
from reporting.model import RADIOLOGIST, Chapter, Professional, Report, Source, idnat_from_rpps
from reporting.order import SiteMessage, read_site_messages
from reporting.pipeline import Outputs, build_and_wrap
from reporting.qt.editor import ReportEditor
from reporting.study import scan_study
from reporting.templates import template_for_report
from teleplatform.demo import cases
from tests.cda_validation import assert_valid_cda
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.reporting.qt.test_editor import press, type_text

NOW = datetime(2026, 11, 15, 1, 40, tzinfo=ZoneInfo("Europe/Paris"))
TEMPLATES = {
    "ct-tete": "tlr-tdm-tete-sans-injection",
    "tdm-tap": "tlr-tdm-tap-injectee",
    "rx-thorax": "tlr-radiographie-thorax",
    "irm-cerebrale": "tlr-irm-cerebrale",
}


@pytest.fixture
def own_platform(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> RunningPlatform:
    """A platform of its own: one initial report per order, whatever the other tests sent."""
    return platform_factory(private_copy(demo_data, tmp_path / "data"))


def _messages(platform: RunningPlatform, case: cases.Case) -> tuple[SiteMessage, SiteMessage]:
    orders = platform.data_dir / "orders"
    order, complement = read_site_messages(
        next(orders.glob(f"*_{case.slug}_ORM_O01.hl7")).read_bytes(),
        next(orders.glob(f"*_{case.slug}_OMI_O23.hl7")).read_bytes(),
    )
    assert complement is not None
    return order, complement


def _open(qtbot, platform: RunningPlatform, case: cases.Case) -> tuple[ReportEditor, SiteMessage]:
    order, complement = _messages(platform, case)
    account = platform.account
    author = Professional(
        idnat_from_rpps(account["rpps"]),
        account["family"],
        account["given"],
        Source.ACCOUNT,
        title="DR",
        profession=RADIOLOGIST,
    )
    draft = compose(
        DraftInputs(
            order=order,
            complement=complement,
            author=author,
            chapters=split_chapters(""),
            now=NOW,
            scan=scan_study([platform.data_dir / "dicom" / case.slug]),
        )
    ).report
    template = template_for_report(draft)
    assert template is not None and template.id == TEMPLATES[case.slug]
    editor = ReportEditor(draft, template)
    qtbot.addWidget(editor)
    editor.resize(760, 1040)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor, order


def _write(qtbot, editor: ReportEditor, chapter: Chapter, keys: str, macro: bool = True) -> None:
    edit = editor.chapter_edit(chapter)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    type_text(edit, keys)
    if macro:
        press(edit, Qt.Key.Key_Tab)


def _sign(qtbot, editor: ReportEditor) -> Report:
    with qtbot.waitSignal(editor.signRequested) as signal:
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    [report] = signal.args
    signed = checks.sign(report, NOW)  # the application, after the second factor
    editor.set_report(signed)
    assert editor.findChild(QWidget, "verrou").isVisible()
    return signed


def _ct_tap(qtbot, editor: ReportEditor, artifacts_dir: Path) -> Report:
    assert [i.code for i in checks.check(editor.report())] == [checks.IssueCode.MISSING_CONCLUSION]
    liver = editor.field_widget("resultats-foie")
    liver.setFocus()
    for _ in range(4):  # down the pick list to « collection du lit de cholécystectomie »
        press(liver, Qt.Key.Key_Down)
    assert liver.currentText() == "collection du lit de cholécystectomie"
    _write(qtbot, editor, Chapter.RESULTS, "coll")
    editor.findChild(QWidget, "elements-injectes").setFocus()  # the measurement comes from the viewer
    editor.insert_measurement("58 x 41 mm (série 4, image 112)")
    _write(qtbot, editor, Chapter.CONCLUSION, "coll")
    type_text(editor.chapter_edit(Chapter.CONCLUSION), " Résultat communiqué au Dr BENALI à 01 h 35.")
    # the peritoneum's pre-filled « pas de collection » now contradicts the collection: refused there
    with qtbot.assertNotEmitted(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    assert [i.code for i in editor.issues()] == [checks.IssueCode.CONTRADICTED_NORMAL]
    peritoneum = editor.field_widget("resultats-peritoine")
    assert peritoneum.isAncestorOf(QApplication.focusWidget())
    for _ in range(2):  # « collection péritonéale »
        press(peritoneum, Qt.Key.Key_Down)
    assert peritoneum.currentText() == "collection péritonéale"
    listed = editor.findChild(QWidget, "verifications")
    qtbot.waitUntil(lambda: listed.item(0).text().startswith("✔"))
    editor.grab().save(str(artifacts_dir / "editeur-demo-tdm-tap.png"))
    report = _sign(qtbot, editor)
    assert "Foie et voies biliaires : collection du lit de cholécystectomie" in report.results.text
    assert "\nPéritoine : collection péritonéale\n" in report.results.text
    assert report.results.text.endswith(
        "Collection hydro-aérique à paroi rehaussée de … x … mm, au contact de …"
        " 58 x 41 mm (série 4, image 112)"
    )
    assert report.conclusion.text == (
        "Collection profonde compatible avec un abcès, accessible à un drainage percutané."
        " Résultat communiqué au Dr BENALI à 01 h 35."
    )
    assert report.dose.total_dlp_mgy_cm.value == cases.CT_TAP_TOTAL_DLP_MGYCM
    assert report.dose.total_dlp_mgy_cm.source is Source.RDSR
    return report


def _ct_head(qtbot, editor: ReportEditor, artifacts_dir: Path) -> Report:
    assert [i.code for i in checks.check(editor.report())] == [
        checks.IssueCode.MISSING_CONCLUSION,
        checks.IssueCode.MISSING_DOSE,  # no RDSR and no DLP in the image headers
    ]
    dlp = editor.findChild(QWidget, "pdl-saisi")
    dlp.setFocus()
    qtbot.waitUntil(dlp.hasFocus)
    type_text(dlp, str(cases.CT_HEAD.dlp_mgycm).replace(".", ","))  # read on the console's dose screen
    _write(qtbot, editor, Chapter.CONCLUSION, "nl")
    report = _sign(qtbot, editor)
    assert report.dose.total_dlp_mgy_cm.value == cases.CT_HEAD.dlp_mgycm
    assert report.dose.total_dlp_mgy_cm.source is Source.USER
    return report


def _chest(qtbot, editor: ReportEditor, artifacts_dir: Path) -> Report:
    assert [i.code for i in checks.check(editor.report())] == [checks.IssueCode.MISSING_CONCLUSION]
    lungs = editor.field_widget("resultats-parenchyme")
    lungs.setFocus()
    press(lungs, Qt.Key.Key_Down)
    pleura = editor.field_widget("resultats-plevre")
    pleura.setFocus()
    press(pleura, Qt.Key.Key_Down)
    _write(qtbot, editor, Chapter.CONCLUSION, "pfd")
    report = _sign(qtbot, editor)
    assert "Parenchyme pulmonaire : opacité alvéolaire systématisée de la base droite" in report.results.text
    assert "Plèvre : émoussement du cul-de-sac pleural droit" in report.results.text
    assert report.dose.total_dap_dgy_cm2.value == cases.DX_DAP_DGYCM2
    return report


def _mr(qtbot, editor: ReportEditor, artifacts_dir: Path) -> Report:
    assert [i.code for i in checks.check(editor.report())] == [
        checks.IssueCode.IDENTITY_NOT_CHECKED,  # the console swapped day and month of the birth date
        checks.IssueCode.MISSING_CONCLUSION,
    ]
    with qtbot.assertNotEmitted(editor.signRequested):
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    identity = editor.findChild(QWidget, "identite-verifiee")
    qtbot.mouseClick(identity, Qt.MouseButton.LeftButton, pos=QPoint(8, identity.height() // 2))
    _write(qtbot, editor, Chapter.CONCLUSION, "nl")
    report = _sign(qtbot, editor)
    assert report.identity_check.verified and report.identity_check.source is Source.USER
    assert report.dose is None or report.dose.is_empty
    return report


ACTIONS = {"tdm-tap": _ct_tap, "ct-tete": _ct_head, "rx-thorax": _chest, "irm-cerebrale": _mr}


def test_the_four_demo_cases_from_order_to_accepted_report(
    qtbot, own_platform: RunningPlatform, shared_dir: Path, artifacts_dir: Path, tmp_path: Path
) -> None:
    sent: dict[str, Outputs] = {}
    for case in cases.IMAGED_CASES:
        editor, order = _open(qtbot, own_platform, case)
        report = ACTIONS[case.slug](qtbot, editor, artifacts_dir)
        assert report.participants.requester.family == case.requester.family  # from PV1-8
        assert report.participants.site_doctor.family == case.responsible.family  # from ORC-12
        routing = Routing(
            sender=Endpoint(order.receiver_application, order.receiver_facility),
            receiver=Endpoint(order.sender_application, order.sender_facility),
        )
        outputs = build_and_wrap(report, routing, now=NOW)
        assert extract_cda(outputs.message.er7) == outputs.cda
        sent[case.slug] = outputs

    files = []
    for slug, outputs in sent.items():
        path = tmp_path / f"{slug}.xml"
        path.write_bytes(outputs.cda)
        files.append(str(path))
    assert {Path(f).stem for f in files} == set(sent)
    assert_valid_cda(shared_dir, *map(Path, files))

    token = own_platform.login()["access_token"]
    with own_platform.session() as session:
        for outputs in sent.values():
            answer = session.post(
                f"{own_platform.base_url}/api/v1/messages",
                data=outputs.message.er7.encode("utf-8"),
                headers={
                    "Content-Type": "application/hl7-v2; charset=utf-8",
                    "Authorization": f"Bearer {token}",
                },
                timeout=30,
            )
            assert answer.status_code == 200
            msa = next(s for s in answer.text.replace("\n", "\r").split("\r") if s.startswith("MSA|"))
            assert msa.split("|")[1:3] == ["AA", outputs.message.control_id]
    assert Decimal(str(cases.CT_HEAD.dlp_mgycm)) == sent_dlp(sent["ct-tete"])


def sent_dlp(outputs: Outputs) -> Decimal:
    """The total DLP as the CDA carries it (DCM 113813), to check the typed value travelled."""
    from lxml import etree

    root = etree.fromstring(outputs.cda)
    values = root.xpath(
        "//h:observation[h:code/@code='113813']/h:value/@value", namespaces={"h": "urn:hl7-org:v3"}
    )
    return Decimal(values[0])
