"""The MPR 2x2 (with 3D) of a CT phantom acquired with a 25° gantry tilt, on a real screen under Xvfb:
orthogonal planes, the orientation letters of the tilted planes, a scale bar in patient millimetres, the
"corrigé de l'inclinaison" mark on every derived view. The screenshot is kept in test-artifacts/."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from tests.viewer.phantoms import make_phantom, regular_table, write_phantom
from viewer.loader import StudyLoader
from viewer.qt.viewer_widget import ViewerWidget

pytestmark = pytest.mark.gui
BANNER = "FANTOME Inclinaison — né le 01/01/2000 — IPP 0000025"


def test_mpr_of_a_tilted_ct_on_screen(qtbot, worker_loader: StudyLoader, tmp_path: Path,
                                      artifacts_dir: Path) -> None:
    phantom = make_phantom(25.0)
    write_phantom(tmp_path / "ct", phantom, regular_table(phantom, 2.0), tilt_tag=25.0)
    viewer = ViewerWidget(worker_loader)
    qtbot.addWidget(viewer)
    viewer.resize(1400, 1000)
    viewer.show()
    qtbot.waitExposed(viewer)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=60_000):
        viewer.open_study([str(tmp_path / "ct")], BANNER)
    assert viewer.enter_mpr()
    assert viewer.show_3d()
    axial, coronal, sagittal = viewer.mpr_viewports
    try:
        # the three planes are orthogonal and so are each plane's axes, tilt or not
        planes = [v.series.plane(v.view.state.index) for v in (axial, coronal, sagittal)]
        for plane in planes:
            assert abs(float(np.dot(plane.row_direction, plane.column_direction))) < 1e-9
        for a in range(3):
            for b in range(a + 1, 3):
                assert abs(float(np.dot(planes[a].normal, planes[b].normal))) < 1e-9
        # the letters of planes tilted 25° about the patient's left-right axis
        assert axial.orientation_marks() == {"right": "G", "left": "D", "top": "AH", "bottom": "PB"}
        assert coronal.orientation_marks() == {"right": "G", "left": "D", "top": "HP", "bottom": "BA"}
        assert sagittal.orientation_marks() == {"right": "PB", "left": "AH", "top": "HP", "bottom": "BA"}
        # the scale bar's millimetres are the plane's, across and down the screen
        for viewport in (axial, coronal, sagittal):
            view = viewport.view
            plane = viewport.series.plane(view.state.index)
            size = (viewport.width(), viewport.height())
            centre = (size[0] / 2, size[1] / 2)
            for dx, dy in ((200, 0), (0, 200)):
                ends = [view.display_to_image(centre[0] + sx * dx / 2, centre[1] + sy * dy / 2, size)
                        for sx, sy in ((-1, -1), (1, 1))]
                mm = float(np.linalg.norm(np.diff(plane.to_patient(ends), axis=0)))
                assert mm / 200 == pytest.approx(viewport.mm_per_display_pixel(), rel=1e-6)
            corners = viewport.corner_texts()
            assert corners["derived"] == ["corrigé de l'inclinaison de 25,0°"]
        assert "corrigé de l'inclinaison de 25,0°" in viewer.volume_view.status.text()
        assert "Volume MPR/3D reconstruit d'après la position de chaque coupe" in viewer.mpr_info.text()
        # through the rod along the normal: upright on the coronal and sagittal views, one narrow band of
        # columns from end to end (a sheared volume would drift across the columns), 37.9 mm tall
        rod = phantom.rods["normal"]
        row_rod = phantom.rods["row"]
        viewer.set_crosshair(rod.start + float(np.dot(row_rod.start - rod.start, phantom.normal))
                             * phantom.normal)
        for viewport in (coronal, sagittal):
            stack = viewport.series
            image = stack.volume[viewport.view.state.index]
            plane = stack.plane(viewport.view.state.index)
            (c0, _), (c1, _) = plane.to_image([rod.start, rod.end])
            band = image[:, round(c0) - 4:round(c0) + 5] > 1024 + 400
            rows = np.flatnonzero(band.any(axis=1))
            assert abs(c1 - c0) < 0.01 and len(rows) * plane.row_mm == pytest.approx(rod.length, abs=2.0)
            assert np.ptp(np.flatnonzero(band.any(axis=0))) <= 5
        qtbot.wait(300)
        QApplication.processEvents()
        QApplication.primaryScreen().grabWindow(0).save(str(artifacts_dir / "mpr_tilted_phantom_25deg.png"))
    finally:
        viewer.close()


def test_mpr_and_3d_refused_in_french_when_no_volume_can_be_formed(qtbot, worker_loader: StudyLoader,
                                                                   tmp_path: Path) -> None:
    from tests.viewer.factories import AXIAL, write_series

    write_series(tmp_path / "dup", [(0.0, 0.0, 5.0), (0.0, 0.0, 5.0), (0.0, 0.0, 7.0), (0.0, 0.0, 9.0)],
                 orientation=AXIAL)
    viewer = ViewerWidget(worker_loader)
    qtbot.addWidget(viewer)
    viewer.resize(900, 700)
    viewer.show()
    qtbot.waitExposed(viewer)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=60_000):
        viewer.open_study([str(tmp_path / "dup")], BANNER)
    assert viewer.active_viewport.view is not None  # the slices themselves are shown
    assert not viewer.enter_mpr() and not viewer.show_3d()
    text = viewer.messages.text()
    assert ("MPR : Reconstruction impossible : plusieurs coupes occupent la même position (phases ou échos "
            "mêlés) : aucun volume ne peut en être formé.") in text
    assert "MPR et 3D indisponibles" in text  # the series' own warning says it too
    viewer.close()
