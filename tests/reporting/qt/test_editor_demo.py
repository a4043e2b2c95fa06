"""From a demo order to a signed report the reference platform accepts, through the editor.

The draft is composed from the generated order, complement and images (as ``test_demo_cases``),
the template is the one chosen for the order, the radiologist picks, types a macro, inserts a
measurement and signs; the CDA is validated by the ANS tools and the HL7 message gets AA.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from reporting import checks
from reporting.draft import DraftInputs, compose
from reporting.hl7 import Endpoint, Routing, extract_cda
from reporting.markdown import split_chapters
from reporting.model import RADIOLOGIST, Chapter, Professional, Source, idnat_from_rpps
from reporting.order import parse_site_message
from reporting.pipeline import build_and_wrap
from reporting.qt.editor import ReportEditor
from reporting.study import scan_study
from reporting.templates import template_for_report
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from tests.reporting.qt.test_editor import press, type_text

NOW = datetime(2026, 11, 15, 1, 40, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def own_platform(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> RunningPlatform:
    """A platform of its own: one initial report per order, whatever the other tests sent."""
    return platform_factory(private_copy(demo_data, tmp_path / "data"))


def test_demo_ct_tap_from_order_to_accepted_report(
    qtbot, own_platform: RunningPlatform, shared_dir: Path, artifacts_dir: Path, tmp_path: Path
) -> None:
    case = cases.CT_TAP_CASE
    orders = own_platform.data_dir / "orders"
    order = parse_site_message(next(orders.glob(f"*_{case.slug}_ORM_O01.hl7")).read_text("utf-8"))
    complement = parse_site_message(next(orders.glob(f"*_{case.slug}_OMI_O23.hl7")).read_text("utf-8"))
    account = own_platform.account
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
            scan=scan_study([own_platform.data_dir / "dicom" / case.slug]),
        )
    ).report
    template = template_for_report(draft)
    assert template is not None and template.id == "tlr-tdm-tap-injectee"

    editor = ReportEditor(draft, template)
    qtbot.addWidget(editor)
    editor.resize(760, 1040)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    assert [i.code for i in checks.check(editor.report())] == [checks.IssueCode.MISSING_CONCLUSION]

    liver = editor.field_widget("resultats-foie")
    liver.setFocus()
    for _ in range(4):  # down the pick list to « collection du lit de cholécystectomie »
        press(liver, Qt.Key.Key_Down)
    assert liver.currentText() == "collection du lit de cholécystectomie"
    results = editor.chapter_edit(Chapter.RESULTS)
    results.setFocus()
    qtbot.waitUntil(results.hasFocus)
    type_text(results, "coll")
    press(results, Qt.Key.Key_Tab)
    editor.findChild(QWidget, "elements-injectes").setFocus()  # the measurement comes from the viewer
    editor.insert_measurement("58 x 41 mm (série 4, image 112)")
    conclusion = editor.chapter_edit(Chapter.CONCLUSION)
    conclusion.setFocus()
    qtbot.waitUntil(conclusion.hasFocus)
    type_text(conclusion, "coll")
    press(conclusion, Qt.Key.Key_Tab)
    type_text(conclusion, " Résultat communiqué au Dr BENALI à 01 h 35.")
    listed = editor.findChild(QWidget, "verifications")
    qtbot.waitUntil(lambda: listed.item(0).text().startswith("✔"))
    editor.grab().save(str(artifacts_dir / "editeur-demo-tdm-tap.png"))

    with qtbot.waitSignal(editor.signRequested) as signal:
        qtbot.mouseClick(editor.findChild(QWidget, "signer"), Qt.MouseButton.LeftButton)
    [report] = signal.args
    assert "Foie et voies biliaires : collection du lit de cholécystectomie" in report.results.text
    assert report.results.text.endswith(
        "Collection hydro-aérique à paroi rehaussée de … x … mm, au contact de …"
        " 58 x 41 mm (série 4, image 112)"
    )
    assert report.conclusion.text == (
        "Collection profonde compatible avec un abcès, accessible à un drainage percutané."
        " Résultat communiqué au Dr BENALI à 01 h 35."
    )
    assert report.participants.requester.family == case.requester.family  # from PV1-8
    assert report.dose.total_dlp_mgy_cm.value == cases.CT_TAP_TOTAL_DLP_MGYCM

    signed = checks.sign(report, NOW)  # the application, after the second factor
    editor.set_report(signed)
    assert editor.findChild(QWidget, "verrou").isVisible()
    routing = Routing(
        sender=Endpoint(order.receiver_application, order.receiver_facility),
        receiver=Endpoint(order.sender_application, order.sender_facility),
    )
    outputs = build_and_wrap(signed, routing, now=NOW)
    assert extract_cda(outputs.message.er7) == outputs.cda

    cda_path = tmp_path / "cr.xml"
    cda_path.write_bytes(outputs.cda)
    run = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "validate-cda"), "--json", str(cda_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    [result] = json.loads(run.stdout)
    assert result["errors"] == []

    token = own_platform.login()["access_token"]
    with own_platform.session() as session:
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
