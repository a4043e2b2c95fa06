"""Structured measurements through the real main window on a real reference platform (issue 16).

On the demo's thorax-abdomen-pelvis CT, a length and an elliptic ROI are drawn: each goes into the
findings as its sentence and into the report as a record (undoing the insertion drops the record);
the preview shows the measurement table (screenshot in test-artifacts/). The signed CDA carries
them as entries citing the measured image and passes the ANS tools; the TID 1500 SR is in the study
on the platform (QIDO), passes dciodvfy and reads back with highdicom with the report's numbers.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import highdicom as hd
import numpy as np
from lxml import etree
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from reporting.hl7 import extract_cda
from reporting.measurements import measurement_text
from reporting.model import Chapter, MeasurementKind
from reporting.sr import COMPREHENSIVE_SR
from teleplatform.demo import cases
from tests.cda_validation import assert_valid_cda
from tests.workstation.test_main_window import (  # noqa: F401 - fixtures used by name
    _open,
    _signed_in,
    clock,
)
from tests.workstation.test_main_window import fresh_workstation as fresh_workstation
from tests.workstation.test_main_window import loader as loader
from viewer.qt.viewport import Tool

NS = {"h": "urn:hl7-org:v3"}


def _drag(qtbot, viewport, a: QPoint, b: QPoint) -> None:  # type: ignore[no-untyped-def]
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def test_length_and_roi_go_to_the_signed_cda_and_the_sr(
    qtbot, monkeypatch, tmp_path: Path, fresh_workstation, loader, artifacts_dir: Path, shared_dir: Path
) -> None:
    ws, platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    case = cases.CT_TAP_CASE
    _open(qtbot, window, case.placer_order_number)
    page = window.reading_page
    viewer, editor = page.viewer, page.editor
    qtbot.waitUntil(lambda: viewer.viewports[0].series.shape[0] > 1, timeout=30000)
    viewport = viewer.active_viewport
    qtbot.waitUntil(lambda: viewport.series.is_loaded(viewport.view.state.index), timeout=30000)
    results = editor.chapter_edit(Chapter.RESULTS)
    results.setFocus()
    results.insertPlainText("Lésion hépatique : ")
    centre = QPoint(viewport.width() // 2, viewport.height() // 2)
    viewer.set_tool(Tool.LENGTH)
    _drag(qtbot, viewport, centre - QPoint(60, 0), centre + QPoint(60, 0))
    qtbot.waitUntil(lambda: len(editor.report().measurements) == 1, timeout=5000)
    results.moveCursor(results.textCursor().MoveOperation.End)
    results.insertPlainText("\nDensité de la lésion : ")
    viewer.set_tool(Tool.ELLIPSE)
    _drag(qtbot, viewport, centre - QPoint(30, 20), centre + QPoint(30, 20))
    qtbot.waitUntil(lambda: len(editor.report().measurements) == 2, timeout=5000)
    length, roi = editor.report().measurements
    assert length.kind is MeasurementKind.LENGTH and length.unit == "mm" and length.value > 0
    assert roi.kind is MeasurementKind.AREA and {v.unit for v in roi.statistics} == {"[hnsf'U]"}
    assert length.instance_uid == roi.instance_uid == viewport.series.instance_uid(viewport.view.state.index)
    assert length.study_uid == case.study_instance_uid
    text = results.toPlainText()
    assert measurement_text(length) in text and measurement_text(roi) in text

    # undoing the ROI's insertion takes its record out of the report; redoing brings it back
    editor.undo_stack().undo()
    QApplication.processEvents()
    assert [m.kind for m in editor.report().measurements] == [MeasurementKind.LENGTH]
    editor.undo_stack().redo()
    QApplication.processEvents()
    assert len(editor.report().measurements) == 2

    # the preview shows the measurement table
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText("Lésion hépatique unique, à caractériser par IRM.")
    preview = editor.findChild(QWidget, "apercu")
    editor._tabs.setCurrentWidget(preview)
    editor._refresh()
    QApplication.processEvents()
    html = preview.toHtml()
    assert "Mesures" in html and "ROI ellipse – Moyenne" in html and "UH" in html
    assert preview.find("Mesures", QTextDocument.FindFlag.FindCaseSensitively)
    bar = preview.verticalScrollBar()  # the table at the top of the panel
    bar.setValue(bar.value() + preview.cursorRect().top() - 8)
    QApplication.processEvents()
    preview.grab().save(str(artifacts_dir / "report-preview-measurements.png"))
    window.grab().save(str(artifacts_dir / "workstation-measurements.png"))

    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: (platform.account["password"], True))
    )
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=30000)
    qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=30000)

    # the signed CDA: one entry per value, each citing the measured image
    item = ws.outbox.store.items()[0]
    cda = extract_cda(ws.outbox.store.get(item.control_id, with_payload=True).payload)
    root = etree.fromstring(cda)
    [section] = root.xpath("//h:section[h:code/@code='59776-5']", namespaces=NS)
    entries = section.xpath("h:entry/h:observation", namespaces=NS)
    assert [e.xpath("h:code/@code", namespaces=NS)[0] for e in entries] == [
        "410668003",
        "42798000",
        "373098007",
        "386136009",
        "255605001",
        "56851009",
    ]
    assert entries[0].xpath("h:value/@value", namespaces=NS) == [str(length.value)]
    assert {e.xpath("h:entryRelationship/h:observation/h:id/@root", namespaces=NS)[0] for e in entries} == {
        length.instance_uid
    }
    path = tmp_path / "cr-mesures.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-measurements.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)

    # the SR is in the study on the platform, cited by the CDA, valid, and carries the same numbers
    study = case.study_instance_uid
    found = ws.client.dicomweb.client.search_for_instances(
        study, search_filters={"SOPClassUID": COMPREHENSIVE_SR}
    )
    assert len(found) == 1
    sr_uid, sr_series = found[0]["00080018"]["Value"][0], found[0]["0020000E"]["Value"][0]
    assert f'root="{sr_uid}"' in cda.decode("utf-8")
    sr = ws.client.dicomweb.client.retrieve_instance(study, sr_series, sr_uid)
    sr_path = tmp_path / "sr.dcm"
    sr.save_as(sr_path, enforce_file_format=True)
    tool = shutil.which("dciodvfy")
    assert tool, "dciodvfy is missing: dicom3tools is in scripts/setup.sh APT_TEST (make setup-test)"
    run = subprocess.run([tool, str(sr_path)], capture_output=True, text=True, timeout=60, check=False)
    assert [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("Error")] == []
    groups = hd.sr.ComprehensiveSR.from_dataset(sr).content.get_planar_roi_measurement_groups()
    assert len(groups) == 2
    [value] = groups[0].get_measurements()
    assert float(value.value) == float(length.value) and value.unit.value == "mm"
    assert np.allclose(groups[0].roi.value, length.points)
    assert groups[1].roi.graphic_type is hd.sr.GraphicTypeValues.ELLIPSE
