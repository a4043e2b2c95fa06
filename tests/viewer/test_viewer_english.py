"""The viewer with the interface in English: widgets, menus, tooltips, the texts painted on the image,
the series warnings and the file problems, MPR and 3D; nothing left in French but the patient's data.

The screenshots (test-artifacts/viewer-en*.png) are for a human eye: truncated or clumsy English
shows there, not in an assertion.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QComboBox

from tests.i18n import french_leftovers, interface_language, looks_french
from tests.viewer.factories import axial_positions, slice_pixels, write_series
from viewer.loader import StudyLoader
from viewer.measure import MeasureKind
from viewer.mpr import SlabMode
from viewer.qt import texts
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import Tool, Viewport

pytestmark = pytest.mark.gui

BANNER = "TEST Synthétique — né le 01/01/1970 — IPP TEST-0001"
DESCRIPTION = "Série de test"  # the DICOM SeriesDescription of the factories: data, shown as written
DATA = (BANNER, DESCRIPTION)


def _painted(viewport: Viewport) -> list[str]:
    """Every text the viewport paints over the image (the widget tree does not hold them)."""
    lines = viewport.banner_lines()
    for corner in viewport.corner_texts().values():
        lines.extend(corner)
    lines.extend(viewport.orientation_marks().values())
    lines.extend(texts.measurement_label(m) for m in viewport.measurements())
    return lines


def _french(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        rest = line
        for data in DATA:
            rest = rest.replace(data, "")
        if looks_french(rest):
            found.append(line)
    return found


def _hover(viewport: Viewport, x: float, y: float) -> None:
    point = QPointF(x, y)
    viewport.mouseMoveEvent(QMouseEvent(QEvent.Type.MouseMove, point, viewport.mapToGlobal(point),
                                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                        Qt.KeyboardModifier.NoModifier))


def test_the_viewer_reads_in_english(qtbot, worker_loader: StudyLoader, tmp_path: Path,
                                     artifacts_dir: Path) -> None:
    # a lossy series with one slice missing (two warnings) beside a broken file (one problem)
    folder = tmp_path / "study"
    write_series(folder, axial_positions(24, skip=(11,)),
                 pixels_for=lambda rank: slice_pixels(rank, 160, 160),
                 extra={"SeriesNumber": 3, "WindowCenter": "600", "WindowWidth": "1600",
                        "StudyDate": "20240312", "LossyImageCompression": "01",
                        "LossyImageCompressionRatio": "10"})
    (folder / "corrupt.dcm").write_bytes(b"DICM" * 10)
    with interface_language("en"):
        viewer = ViewerWidget(worker_loader)
        qtbot.addWidget(viewer)
        viewer.resize(1500, 950)
        viewer.show()
        qtbot.waitExposed(viewer)
        with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
            viewer.open_study([str(folder)], BANNER)
        viewport = viewer.active_viewport
        assert viewport.view is not None and viewport.series.complete
        viewport.view.set_index(5)
        length = viewport.add_measurement(MeasureKind.LENGTH, [(20.0, 30.0), (120.0, 30.0)])
        roi = viewport.add_measurement(MeasureKind.ELLIPSE, [(40.0, 80.0), (100.0, 140.0)])
        assert length is not None and roi is not None
        _hover(viewport, viewport.width() / 2, viewport.height() / 2)

        # the widgets: toolbar, menus, tooltips, thumbnails, the problems and warnings banner
        assert french_leftovers(viewer, allow=DATA) == []
        assert viewer._tool_actions[Tool.LENGTH].text() == "Length"
        assert viewer._tool_actions[Tool.WINDOW].toolTip() == "Tool: window/level (W)"
        assert viewer.sync_action.toolTip() == (
            "Synchronised scrolling of the series sharing a frame of reference (Y)")
        assert viewer.thumbnails.item(0).text() == f"Series 3 — {DESCRIPTION}"
        assert "23 images\nDouble-click or drag" in viewer.thumbnails.item(0).toolTip()
        banner = viewer.messages.text()
        assert banner.startswith("1 file not displayed:\n  • corrupt.dcm: ")
        assert f"⚠ Series 3 — {DESCRIPTION}: Lossy compression (ratio 10:1): all images. " \
               "Diagnostic quality may be reduced." in banner
        assert f"⚠ Series 3 — {DESCRIPTION}: Missing slice(s): 1 slice(s) absent (between " \
               "-30.00 and -26.00 mm) in a regular stack with 2.00 mm spacing." in banner
        assert [viewer.slab_mode.itemText(k) for k in range(viewer.slab_mode.count())] == [
            "thin slice", "MIP", "MinIP", "average"]
        assert viewer.slab_thickness.text() == "10.0 mm"  # English numbers in English

        # the texts painted over the image
        assert _french(_painted(viewport)) == []
        corners = viewport.corner_texts()
        assert viewport.banner_lines() == [BANNER, "Study of 12/03/2024"]
        assert corners["top_right"][:2] == [f"Series 3 — {DESCRIPTION}", "Image 6/23"]
        assert corners["top_right"][2].startswith("Pos. -40.0 mm — Thick. 1.0 mm")
        assert corners["bottom_left"][0] == "Window C 600 / W 1600"
        assert corners["bottom_left"][1].startswith("Zoom ") and corners["bottom_left"][1].endswith("%")
        # the patient's right on the left of an axial image: R, not the French D (droite)
        assert viewport.orientation_marks() == {"left": "R", "right": "L", "top": "A", "bottom": "P"}
        assert corners["bottom_right"][0].endswith(" HU") and "): " in corners["bottom_right"][0]
        assert corners["lossy"] == ["Lossy compressed image"]
        assert texts.measurement_label(length) == "50.0 mm"
        assert texts.measurement_label(roi).startswith("Mean ") and " HU  SD " in texts.measurement_label(roi)
        viewer.grab().save(str(artifacts_dir / "viewer-en.png"))

        # MPR, a slab, an oblique turn, then 3D in the fourth view
        assert viewer.enter_mpr()
        assert [v.title for v in viewer.mpr_viewports] == ["Axial", "Coronal", "Sagittal"]
        assert viewer.mpr_viewports[1].orientation_marks()["top"] == "H"  # head, not the French H(aut)
        viewer.slab_mode.setCurrentIndex(viewer.slab_mode.findData(SlabMode.MEAN))
        viewer.oblique_angle.setValue(30)
        coronal = viewer.mpr_viewports[1]
        assert coronal.title == "Coronal oblique 30°"
        assert coronal.corner_texts()["top_right"][1] == (
            f"Series 3 — {DESCRIPTION} — MPR coronal oblique 30° — average 10 mm")
        notes = viewer.mpr_info.text().split("\n\n")
        assert notes[0] == f"Series 3 — {DESCRIPTION}" and len(notes) == 4
        assert notes[1].startswith("MPR/3D volume rebuilt from the position of each slice: resampled at ")
        assert notes[2].startswith("Missing slice(s)") and notes[3].startswith("Lossy compression")
        for port in viewer.mpr_viewports:
            assert _french(_painted(port)) == [], port.title
        assert viewer.show_3d()
        presets = viewer.volume_view.findChild(QComboBox)
        assert [presets.itemText(k) for k in range(presets.count())] == [
            "Bone", "Soft tissue", "Vessels (contrast)", "Skin"]
        assert viewer.volume_view.status.text() == f"Series 3 — {DESCRIPTION} — Bone — resampled at 2.00 mm"
        assert french_leftovers(viewer, allow=DATA) == []
        viewer.grab().save(str(artifacts_dir / "viewer-en-mpr.png"))


def test_refusals_and_an_empty_viewport_in_english(qtbot, worker_loader: StudyLoader) -> None:
    with interface_language("en"):
        viewer = ViewerWidget(worker_loader)
        qtbot.addWidget(viewer)
        assert not viewer.enter_mpr()
        assert viewer.messages.text() == "⚠ MPR: No series displayed."
        assert viewer.viewports[0].banner_lines() == ["Unidentified patient"]
        assert viewer.viewports[0].corner_texts() == {}
        assert french_leftovers(viewer) == []
    # the interface language applies to the widgets built after it is chosen: French again here
    french = ViewerWidget(worker_loader)
    qtbot.addWidget(french)
    assert french._tool_actions[Tool.LENGTH].toolTip() == "Outil : longueur (L)"
    assert french.slab_thickness.text() == "10,0 mm"
