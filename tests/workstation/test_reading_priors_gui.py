"""Reading with the prior, through the real main window on a real reference platform (issue 19).

The demo's head CT opens under the hanging protocol « TDM crâne avec antérieur », which opens its
prior CT beside it. The two studies have different frames of reference, so the viewports ask for a
landmark; the radiologist shows the same level on both and links (Ctrl+L); scrolling today's exam by
five images then moves the prior to the same patient position. A key image (K) is marked and the
report signed: the Key Object Selection is on the platform (QIDO finds it), references the marked
image, and the CDA cites it (and still validates with the ANS tools). Screenshots in test-artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from reporting import checks
from reporting.hl7 import extract_cda
from reporting.key_objects import KOS_SOP_CLASS
from reporting.model import Chapter
from teleplatform.demo import cases
from tests.cda_validation import assert_valid_cda
from tests.workstation.test_main_window import (  # noqa: F401 - fixtures used by name
    _open,
    _signed_in,
    clock,
)
from tests.workstation.test_main_window import fresh_workstation as fresh_workstation
from tests.workstation.test_main_window import loader as loader
from viewer import hanging
from viewer.presentation import GSPS_SOP_CLASS, read_presentation_state
from viewer.qt.viewport import Tool
from workstation.qt.comparison import protocols_path


def _z(viewport) -> float:  # type: ignore[no-untyped-def]
    series = viewport.series
    return float(np.dot(series.geometry.positions[viewport.view.state.index], series.geometry.normal))


def _index_at(viewport, z: float) -> int:  # type: ignore[no-untyped-def]
    series = viewport.series
    places = np.asarray(series.geometry.positions) @ np.asarray(series.geometry.normal)
    return int(np.argmin(np.abs(places - z)))


def test_head_ct_with_its_prior_protocol_link_key_image_and_signed_key_object(
    qtbot, monkeypatch, tmp_path: Path, fresh_workstation, loader, artifacts_dir: Path, shared_dir: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the protocols file of this test
    ws, platform, window = _signed_in(qtbot, fresh_workstation, artifacts_dir, loader)
    case = cases.CT_HEAD_CASE
    _open(qtbot, window, case.placer_order_number)
    page = window.reading_page
    comparison = page.comparison
    # the priors are found, the protocol that wants the prior is chosen and opens it beside
    qtbot.waitUntil(lambda: comparison.protocol is not None
                    and comparison.protocol.name == "TDM crâne avec antérieur", timeout=30000)
    qtbot.waitUntil(lambda: comparison.link is not None and bool(comparison.link.prior.series()),
                    timeout=60000)
    link = comparison.link
    prior_viewer = page.prior_viewer
    assert link is not None and prior_viewer is link.prior
    qtbot.waitUntil(lambda: link.pending() or link.enabled, timeout=60000)
    mine = page.viewer.visible_viewports()[0]
    theirs = prior_viewer.visible_viewports()[0]
    qtbot.waitUntil(lambda: mine.series is not None and mine.series.shape[0] > 100
                    and theirs.view is not None, timeout=60000)
    assert "Protocole : TDM crâne avec antérieur — Cerveau (1/3)" in comparison.protocol_label.text()
    assert mine.view.state.window.center == 40 and theirs.view.state.window.center == 40  # brain window
    # two acquisitions, two frames of reference: not linked until a landmark is shown
    assert mine.series.frame_of_reference_uid != theirs.series.frame_of_reference_uid
    assert link.pending() and not link.enabled
    assert "alignez" in link.label(mine)[0]
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-prior-protocol-pending.png"))

    # the landmark: the same level on both (the prior's slice at 42 mm; today's slice at that level)
    theirs.view.set_index(_index_at(theirs, 42.0))
    mine.view.set_index(_index_at(mine, 42.0))
    window.activateWindow()
    mine.setFocus()
    qtbot.waitUntil(mine.hasFocus, timeout=5000)
    qtbot.keyClick(mine, Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
    assert link.enabled and comparison.link_button.isChecked()
    start_prior = theirs.view.state.index
    for _ in range(5):  # five images down today's exam, with the keyboard
        qtbot.keyClick(mine, Qt.Key.Key_Down)
    assert mine.view.state.index == _index_at(mine, 42.0) + 5
    thickness = theirs.series.slice_thickness(theirs.view.state.index)
    assert abs(_z(theirs) - _z(mine) - link.offset_mm()) <= thickness / 2
    assert theirs.view.state.index != start_prior or thickness > 5
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-prior-linked.png"))

    # the next stage of the protocol: the subdural window on both, still linked
    qtbot.keyClick(mine, Qt.Key.Key_Period)
    assert "Sous-dural (2/3)" in comparison.protocol_label.text()
    assert mine.view.state.window.center == 75 and theirs.view.state.window.center == 75
    assert link.enabled

    # save the layout as the radiologist's protocol: readable JSON in the settings folder
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Crâne et antérieur", True)))
    comparison.ask_save_protocol()
    saved = json.loads(protocols_path().read_text(encoding="utf-8"))
    assert saved["protocols"][0]["name"] == "Crâne et antérieur"
    own, problems = hanging.load_protocols(protocols_path())
    assert problems == [] and own[0].rule.prior is True and own[0].stages[0].link

    # a key image: K on today's exam
    marked_index = mine.view.state.index
    marked_uid = mine.series.instance_uid(marked_index)
    image_shape = (int(mine.series.shape[1]), int(mine.series.shape[2]))
    qtbot.keyClick(mine, Qt.Key.Key_K)
    assert [k.sop_instance_uid for k in comparison.key_images] == [marked_uid]
    assert "Image clé (1)" in comparison.keys_button.text()  # French plural forms (fr.ts)
    QApplication.processEvents()
    window.grab().save(str(artifacts_dir / "workstation-key-image.png"))

    # a length drawn on the key image: saved with the study as a presentation state at signing
    page.viewer.set_tool(Tool.LENGTH)
    a = QPoint(mine.width() // 2 - 40, mine.height() // 2)
    b = QPoint(mine.width() // 2 + 40, mine.height() // 2)
    qtbot.mousePress(mine, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(mine, b)
    qtbot.mouseRelease(mine, Qt.MouseButton.LeftButton, pos=b)
    qtbot.waitUntil(lambda: len(comparison.measurements) == 1, timeout=5000)

    editor = page.editor
    editor.chapter_edit(Chapter.RESULTS).setPlainText("Aspect superposable à l'antérieur (image clé).")
    editor.chapter_edit(Chapter.CONCLUSION).setPlainText(
        "Pas d'hémorragie intracrânienne ; encéphale superposable à l'antérieur.")
    dlp = editor.findChild(QWidget, "pdl-saisi")  # no RDSR for this head CT: read on the console
    dlp.setFocus()
    qtbot.keyClicks(dlp, str(cases.CT_HEAD.dlp_mgycm).replace(".", ","))
    QApplication.processEvents()
    assert [i.message for i in checks.check(editor.report())] == []
    assert [i.message for i in checks.warnings(editor.report())] == []
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: (platform.account["password"], True)))
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.worklist_page, timeout=30000)
    qtbot.waitUntil(lambda: ws.outbox.store.counts().delivered == 1, timeout=30000)

    # the KOS is on the platform, in the study, and selects the marked image
    study = case.study_instance_uid
    found = ws.client.dicomweb.client.search_for_instances(
        study, search_filters={"SOPClassUID": KOS_SOP_CLASS})
    assert len(found) == 1
    ko_uid = found[0]["00080018"]["Value"][0]
    ko_series = found[0]["0020000E"]["Value"][0]
    ko = ws.client.dicomweb.client.retrieve_instance(study, ko_series, ko_uid)
    assert ko.SOPClassUID == KOS_SOP_CLASS and ko.ConceptNameCodeSequence[0].CodeValue == "113000"
    selected = [ref.ReferencedSOPSequence[0].ReferencedSOPInstanceUID
                for item in ko.ContentSequence if item.ValueType == "IMAGE" for ref in [item]]
    assert selected == [marked_uid]
    evidence = [sop.ReferencedSOPInstanceUID for s in ko.CurrentRequestedProcedureEvidenceSequence
                for series in s.ReferencedSeriesSequence for sop in series.ReferencedSOPSequence]
    assert evidence == [marked_uid]

    # the GSPS of the measurement is there too, on the marked image
    found = ws.client.dicomweb.client.search_for_instances(
        study, search_filters={"SOPClassUID": GSPS_SOP_CLASS})
    assert len(found) == 1
    gsps_uid = found[0]["00080018"]["Value"][0]
    gsps = ws.client.dicomweb.client.retrieve_instance(study, found[0]["0020000E"]["Value"][0], gsps_uid)
    state = read_presentation_state(gsps)
    shown = state.for_image(marked_uid, None, image_shape)
    assert [g.kind for g in shown.graphics] == ["POLYLINE"] and "mm" in shown.texts[0].text

    # the CDA cites the KOS, the GSPS and the key image, and still validates
    item = ws.outbox.store.items()[0]
    cda = extract_cda(ws.outbox.store.get(item.control_id, with_payload=True).payload)
    text = cda.decode("utf-8")
    assert f'root="{ko_uid}"' in text and f'root="{marked_uid}"' in text and f'root="{gsps_uid}"' in text
    assert KOS_SOP_CLASS in text
    path = tmp_path / "cr-avec-images-cles.xml"
    path.write_bytes(cda)
    (artifacts_dir / "cda-key-images.xml").write_bytes(cda)
    assert_valid_cda(shared_dir, path)

