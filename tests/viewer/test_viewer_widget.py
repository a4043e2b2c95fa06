"""The composite viewer under Xvfb: opens the demo head CT, scrolls, windows, zooms, measures, goes MPR;
asserts the rendered pixels against the model and known values; keeps screenshots in test-artifacts/.

Also: a study with broken files opens with a French message; a closed study never shows late slices;
series of one frame of reference scroll together; the thumbnail strip drags a series into a viewport.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydicom.uid import generate_uid
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.viewer.factories import axial_positions, slice_pixels, write_series
from viewer.loader import StudyLoader
from viewer.measure import MeasureKind, Measurement
from viewer.qt.viewer_widget import ViewerWidget
from viewer.qt.viewport import MIME_SERIES, Tool, Viewport
from viewer.windowing import render

pytestmark = pytest.mark.gui
BANNER = "LEFEBVRE Jean-Pierre — né le 12/03/1944 — IPP 144031803312722"


@pytest.fixture
def viewer(qtbot, worker_loader: StudyLoader) -> ViewerWidget:
    widget = ViewerWidget(worker_loader)
    qtbot.addWidget(widget)
    widget.resize(1200, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _screen(viewport: Viewport) -> QImage:
    return viewport.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _check_pixels(viewport: Viewport, points: list[tuple[int, int]]) -> None:
    """The grey painted at each display point is the model's rendering of the voxel under it."""
    view = viewport.view
    assert view is not None
    image = _screen(viewport)
    series, state = view.series, view.state
    stored = series.volume[state.index]
    for x, y in points:
        column, row = view.display_to_image(x + 0.5, y + 0.5, (viewport.width(), viewport.height()))
        c, r = int(np.floor(column + 0.5)), int(np.floor(row + 0.5))
        expected = int(render(stored[r:r + 1, c:c + 1], view.rendering())[0, 0])
        colour = image.pixelColor(x, y)
        assert (colour.red(), colour.green(), colour.blue()) == (expected,) * 3, (x, y, c, r)


def _wheel(viewport: Viewport, notches: int, ctrl: bool = False) -> None:
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    modifiers = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    viewport.wheelEvent(QWheelEvent(centre, centre, QPoint(0, 0), QPoint(0, 120 * notches),
                                    Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False))


def test_reading_the_demo_head_ct(qtbot, viewer: ViewerWidget, demo_data: Path, artifacts_dir: Path) -> None:
    measured: list[Measurement] = []
    viewer.measurementAdded.connect(measured.append)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=60_000) as loaded:
        viewer.open_study([str(demo_data / "dicom" / "ct-tete")], BANNER)
    study = loaded.args[0]
    assert [s.shape for s in viewer.series()] == [(176, 512, 512)] and not study.errors
    viewport = viewer.active_viewport
    view = viewport.view
    assert view is not None and view.state.index == 88 and view.series.modality == "CT"
    # the brain window of the header: air outside the head is black, the skull white
    image = _screen(viewport)
    assert image.pixelColor(viewport.width() // 2, 5 + viewport.height() // 20).red() == 0
    probe_points = [(viewport.width() // 2 + dx, viewport.height() // 2 + dy)
                    for dx, dy in ((0, 0), (37, -55), (-120, 80), (150, 10))]
    _check_pixels(viewport, probe_points)
    viewport.grab().save(str(artifacts_dir / "viewer_ct_head_axial.png"))

    # scroll 10 slices towards the feet with the wheel, then drag-scroll with the left button
    _wheel(viewport, -10)
    assert view.state.index == 98
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(viewport, QPoint(300, 340))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 340))
    assert view.state.index == 108
    # bone window (key 8): the skull stays white, the brain turns dark grey
    qtbot.keyClick(viewport, Qt.Key.Key_8)
    assert (view.state.window.center, view.state.window.width) == (400, 1800)
    _check_pixels(viewport, probe_points)
    # right-button drag: narrower window and higher level
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=QPoint(300, 300))
    qtbot.mouseMove(viewport, QPoint(200, 360))
    qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=QPoint(200, 360))
    assert view.state.window.width < 1800 and view.state.window.center > 400
    _check_pixels(viewport, probe_points)
    # zoom x1.15² around the centre
    zoom = view.state.zoom
    _wheel(viewport, 2, ctrl=True)
    assert view.state.zoom == pytest.approx(zoom * 1.15 ** 2)
    _check_pixels(viewport, probe_points)

    # a length across the head with the tool of the toolbar
    qtbot.keyClick(viewport, Qt.Key.Key_1)  # the header's brain window back
    viewer.set_tool(Tool.LENGTH)
    a, b = QPoint(viewport.width() // 2 - 150, viewport.height() // 2), QPoint(viewport.width() // 2 + 150,
                                                                               viewport.height() // 2)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    assert len(measured) == 1 and measured[0].kind is MeasureKind.LENGTH
    spacing = view.series.spacing.column_mm
    assert measured[0].value == pytest.approx(300 / view.state.zoom * spacing, rel=1e-6)
    assert measured[0].sop_instance_uid == view.series.instance_uid(108)
    assert measured[0].text_fr().startswith("Longueur : ") and "(série 2, image " in measured[0].text_fr()
    viewer.set_tool(Tool.ELLIPSE)
    c = QPoint(viewport.width() // 2 + 40, viewport.height() // 2 - 40)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=c)
    qtbot.mouseMove(viewport, c + QPoint(30, 30))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=c + QPoint(30, 30))
    assert len(measured) == 2 and measured[1].stats is not None and measured[1].stats.pixels > 50
    viewer.grab().save(str(artifacts_dir / "viewer_ct_head_measures.png"))

    # MPR: three planes through the crosshair; the coronal plane's pixels are the model's
    viewer.mpr_action.trigger()
    assert viewer.pages.currentWidget() is not None and viewer.mpr_viewports[1].view is not None
    axial, coronal, sagittal = viewer.mpr_viewports
    qtbot.wait(50)
    centre = np.asarray(view.series.plane(88).to_patient([(255.5, 255.5)])[0])
    viewer.set_crosshair(centre)
    assert coronal.view is not None and coronal.view.state.index == 256
    assert coronal.title == "Coronale" and sagittal.title == "Sagittale"
    for port in (axial, coronal, sagittal):
        _check_pixels(port, [(port.width() // 2 + dx, port.height() // 2 + dy)
                             for dx, dy in ((17, 23), (30, -60), (-50, 40))])
    # the crosshair lines go through the same patient point in every plane
    for port in (axial, coronal, sagittal):
        assert port.view is not None
        column, row = port.series.plane(port.view.state.index).to_image([centre])[0]
        assert 0 <= column < port.series.shape[2] and 0 <= row < port.series.shape[1]
        if port is axial:
            assert (column, row) == pytest.approx((255.5, 255.5))
        line = _screen(port).pixelColor(*[int(v) for v in port.view.image_to_display(
            column, row, (port.width(), port.height()))])
        assert line.green() > 150 and line.blue() < 160  # the green crosshair
    # the crosshair lines are where the other planes cut each view: one horizontal, one vertical here
    lines = axial.crosshair_lines
    assert len(lines) == 2
    directions = sorted(abs(float(np.dot((b - a) / np.linalg.norm(b - a), (1, 0, 0)))) for a, b in lines)
    assert directions == pytest.approx([0.0, 1.0], abs=1e-6)
    # oblique: the coronal plane turns 30° about the axial normal, the axial view shows it turned
    viewer.oblique_angle.setValue(30.0)
    assert coronal.title.startswith("Coronale oblique 30") and coronal.view is not None
    assert coronal.series.plane(coronal.view.state.index).row_direction == pytest.approx(
        (np.cos(np.radians(30)), np.sin(np.radians(30)), 0.0))
    assert abs(coronal.series.plane(coronal.view.state.index).distance_to(centre)) < 0.5
    _check_pixels(coronal, [(coronal.width() // 2 + 17, coronal.height() // 2 + 23)])
    turned = sorted(abs(float(np.dot((b - a) / np.linalg.norm(b - a), (1, 0, 0)))) for a, b in
                    axial.crosshair_lines)
    assert turned == pytest.approx(sorted([np.cos(np.radians(30)), np.sin(np.radians(30))]), abs=1e-6)
    viewer.grab().save(str(artifacts_dir / "viewer_ct_head_mpr_oblique.png"))
    viewer.oblique_angle.setValue(0.0)
    assert coronal.title == "Coronale"
    viewer.slab_mode.setCurrentIndex(1)  # MIP 10 mm
    assert coronal.series.label.endswith("MIP 10 mm")
    _check_pixels(coronal, [(coronal.width() // 2 + 12, coronal.height() // 2 - 30)])
    viewer.grab().save(str(artifacts_dir / "viewer_ct_head_mpr.png"))
    # clicking with the crosshair in the sagittal view moves the axial plane
    before = axial.view.state.index if axial.view else -1
    qtbot.mouseClick(sagittal, Qt.MouseButton.LeftButton, pos=QPoint(sagittal.width() // 2,
                                                                      sagittal.height() // 2 - 60))
    assert axial.view is not None and axial.view.state.index != before
    # 3D in the fourth view: the skull, seen from the front with the bone preset, fills the middle
    viewer.volume_action.trigger()
    volume = viewer.volume_view
    assert volume is not None and volume.series is view.series
    pixels = volume.render_pixels()
    grey = pixels.max(axis=2)
    height, width = grey.shape
    assert grey[:5, :5].max() == 0 and grey[-5:, -5:].max() == 0
    lit = np.argwhere(grey > 40)
    assert len(lit) > 0.1 * grey.size
    assert abs(lit[:, 1].mean() - width / 2) < 0.1 * width  # the head is centred left-right
    QImage(np.ascontiguousarray(pixels).data, width, height, 3 * width, QImage.Format.Format_RGB888).save(
        str(artifacts_dir / "viewer_ct_head_3d.png"))
    QApplication.primaryScreen().grabWindow(0).save(str(artifacts_dir / "viewer_ct_head_mpr_3d_screen.png"))
    viewer.mpr_action.trigger()
    assert viewer.active_viewport is viewer.viewports[0] and volume.series is None
    viewer.close_study()
    assert viewer.series() == [] and viewer.viewports[0].view is None


def test_broken_files_get_a_french_message_and_the_rest_opens(qtbot, viewer: ViewerWidget, tmp_path: Path,
                                                              artifacts_dir: Path) -> None:
    write_series(tmp_path / "ok", axial_positions(6))
    (tmp_path / "ok" / "corrupt.dcm").write_bytes(b"DICM" * 10)
    truncated = tmp_path / "ok" / "IM0003.dcm"
    data = truncated.read_bytes()
    (tmp_path / "ok" / "truncated.dcm").write_bytes(data[: len(data) - 60])
    problems: list[list[str]] = []
    viewer.problemsFound.connect(problems.append)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path / "ok")], BANNER)
    assert len(viewer.series()) == 1 and viewer.series()[0].loaded_count >= 6
    assert problems and any("corrupt.dcm" in p for p in problems[0])
    assert any("truncated.dcm" in p and "tronqué" in p for p in problems[0])
    assert viewer.messages.isVisible() and "2 fichiers non affichés" in viewer.messages.text()
    viewer.grab().save(str(artifacts_dir / "viewer_problems.png"))


def test_a_closed_study_never_shows_late_slices(qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(40))
    viewer.open_study([str(tmp_path)], BANNER)
    viewer.close_study()
    qtbot.wait(800)
    assert viewer.series() == [] and all(v.view is None for v in viewer.viewports)
    assert viewer.thumbnails.count() == 0 and viewer.viewports[0].banner == ""


def test_series_of_one_frame_of_reference_scroll_together_and_drag_from_thumbnails(
        qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    frame, study = generate_uid(), generate_uid()
    write_series(tmp_path / "thin", axial_positions(30, spacing=1.0), study_uid=study,
                 extra={"FrameOfReferenceUID": frame, "SeriesNumber": 3})
    write_series(tmp_path / "thick", axial_positions(6, spacing=5.0), study_uid=study,
                 extra={"FrameOfReferenceUID": frame, "SeriesNumber": 4})
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    viewer.set_layout(1, 2)
    left, right = viewer.viewports[:2]
    assert left.view is not None and right.view is not None
    thin = left if left.series.shape[0] == 30 else right
    thick = right if thin is left else left
    assert thin.view is not None and thick.view is not None
    thin.view.set_index(21)  # z = -50 + 21 mm = -29: nearest thick slice is z = -30 (index 4)
    assert thick.view.state.index == 4
    thick.view.set_index(1)  # z = -45: the thin series follows to index 5
    assert thin.view.state.index == 5
    # drop the thin series' thumbnail on the other viewport
    number = next(k for k, s in enumerate(viewer.series()) if s is thin.series)
    mime = QMimeData()
    mime.setData(MIME_SERIES, str(number).encode("ascii"))
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    thick.dropEvent(drop)
    assert thick.series is thin.series and viewer.active_viewport is thick


def test_reference_line_of_the_active_slice(qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    from tests.viewer.factories import CORONAL

    frame, study = generate_uid(), generate_uid()
    write_series(tmp_path / "ax", [(-2.0, -2.0, 6.0 + k) for k in range(4)], study_uid=study,
                 extra={"FrameOfReferenceUID": frame, "SeriesNumber": 3})
    write_series(tmp_path / "cor", [(-2.0, -1.0 + k, 10.0) for k in range(3)], orientation=CORONAL,
                 study_uid=study, extra={"FrameOfReferenceUID": frame, "SeriesNumber": 4})
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    viewer.set_layout(1, 2)
    axial = next(v for v in viewer.viewports[:2] if v.series.shape[0] == 4)
    coronal = next(v for v in viewer.viewports[:2] if v is not axial)
    assert axial.view is not None and coronal.view is not None
    qtbot.mouseClick(axial, Qt.MouseButton.MiddleButton, pos=QPoint(10, 10))  # activates it
    axial.view.set_index(2)  # z = 8 mm
    assert len(coronal.reference_lines) == 1 and not axial.reference_lines
    a, b = coronal.reference_lines[0]
    assert a[2] == pytest.approx(8.0) and b[2] == pytest.approx(8.0)
    row = coronal.series.plane(coronal.view.state.index).to_image([a])[0][1]
    assert row == pytest.approx(4.0)  # (10 - 8) / 0.5 mm
    x, y = coronal.view.image_to_display(3.5, row, (coronal.width(), coronal.height()))
    colour = _screen(coronal).pixelColor(int(x), int(y))
    assert colour.blue() > 200 and colour.red() < 150  # the cyan line across the coronal image


def test_the_series_is_shown_while_it_loads(qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    """Progressive: the viewport holds the series and paints its first slice before the load is over."""
    write_series(tmp_path, axial_positions(96), syntax="1.2.840.10008.1.2.4.90",  # JPEG 2000: in the workers
                 pixels_for=lambda rank: slice_pixels(rank, 128, 128))
    seen: list[tuple[bool, bool, int]] = []

    def on_slices(token: int, series: object, indices: object) -> None:
        viewport = viewer.viewports[0]
        seen.append((viewport.series is series, viewer._handle is not None, series.loaded_count))  # type: ignore[attr-defined]

    viewer._bridge.slicesLoaded.connect(on_slices)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=60_000):
        viewer.open_study([str(tmp_path)], BANNER)
    assert len(seen) >= 3
    first = seen[0]
    assert first[0] and first[1] and first[2] < 96  # shown, load still running, series not complete
    view = viewer.viewports[0].view
    assert view is not None and view.state.index == 48 and view.series.complete
    image = _screen(viewer.viewports[0])
    assert max(image.pixelColor(x, viewer.viewports[0].height() // 2).red() for x in range(0, 400, 7)) > 0


def test_the_preview_image_is_shown_then_replaced_by_its_series(qtbot, viewer: ViewerWidget,
                                                                tmp_path: Path) -> None:
    from viewer.headers import ImageFile, read_image_file
    from viewer.loader import PreviewImage
    from viewer.series import Series

    paths = write_series(tmp_path, axial_positions(5))
    image = read_image_file(str(paths[0]))
    assert isinstance(image, ImageFile)
    pixels = np.full((8, 8), 1234, dtype=np.uint16)
    viewer._banner = BANNER
    viewer._on_preview(viewer._token, PreviewImage(image, image.frames[0], pixels))
    shown = viewer.viewports[0].series
    assert isinstance(shown, Series) and shown.shape == (1, 8, 8) and shown.is_loaded(0)
    assert int(shown.volume[0, 3, 3]) == 1234 and viewer.series() == []
    real = Series.preview(image, image.frames[0], pixels)  # any series: the preview gives way to it
    viewer._on_series_found(viewer._token, real)
    assert viewer.viewports[0].series is real and viewer.series() == [real]
    viewer._on_preview(viewer._token - 1, PreviewImage(image, image.frames[0], pixels))  # a stale load
    assert viewer.viewports[0].series is real


def test_shortcuts_cine_and_measurement_signals(qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(12), extra={"WindowCenter": "50", "WindowWidth": "400"})
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    viewer.activateWindow()
    viewport = viewer.active_viewport
    viewport.setFocus()
    qtbot.waitUntil(viewport.hasFocus, timeout=2000)
    # the tooltips name the shortcuts; the shortcut letters choose the tools
    assert viewer._tool_actions[Tool.LENGTH].toolTip() == "Outil : longueur (L)"
    qtbot.keyClick(viewport, Qt.Key.Key_L)
    assert viewport.tool is Tool.LENGTH and viewer._tool_actions[Tool.LENGTH].isChecked()
    qtbot.keyClick(viewport, Qt.Key.Key_W)
    assert viewport.tool is Tool.WINDOW
    # cine at 10 images/s: a few slices in half a second, looping
    view = viewport.view
    assert view is not None
    start = view.state.index
    qtbot.keyClick(viewport, Qt.Key.Key_Space)
    qtbot.wait(550)
    qtbot.keyClick(viewport, Qt.Key.Key_Space)
    moved = (view.state.index - start) % 12
    assert 3 <= moved <= 7
    # measurements: added, edited and removed reach the application with the values
    events: list[tuple[str, object]] = []
    viewer.measurementAdded.connect(lambda m: events.append(("added", m)))
    viewer.measurementChanged.connect(lambda old, new: events.append(("changed", (old, new))))
    viewer.measurementRemoved.connect(lambda m: events.append(("removed", m)))
    measured = viewport.add_measurement(MeasureKind.LENGTH, [(1.0, 1.0), (5.0, 4.0)])
    assert measured is not None and measured.value == pytest.approx(2.5)  # 5 pixels of 0.5 mm
    qtbot.keyClick(viewport, Qt.Key.Key_Delete)
    assert [kind for kind, _ in events] == ["added", "removed"] and events[1][1] is measured


def test_measurements_list_calibration_and_closing(qtbot, viewer: ViewerWidget, tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(4), extra={"WindowCenter": "100", "WindowWidth": "400"})
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    viewport = viewer.active_viewport
    measured = viewport.add_measurement(MeasureKind.LENGTH, [(0.0, 0.0), (4.0, 3.0)])
    assert viewer.measurements() == [measured]
    x, y = viewport.width() // 2 + 3, viewport.height() // 2 + 3
    before = _screen(viewport).pixelColor(x, y).red()
    assert 0 < before < 255
    calibration = (255 - np.arange(256)).astype(np.uint8)  # a display table that inverts: easy to see
    viewer.set_calibration(calibration)
    assert _screen(viewport).pixelColor(x, y).red() == 255 - before
    viewer.close_study()
    assert viewer.measurements() == []


def test_a_dose_report_is_a_document_of_the_study_not_a_warning(qtbot, viewer: ViewerWidget,
                                                                 tmp_path: Path) -> None:
    """The CT's dose SR (or the study's KOS, GSPS) has no image: said plainly, not in the orange
    banner of files that failed (issue 17: a permanent warning on every CT)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    write_series(tmp_path, axial_positions(4))
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.88.67"  # X-Ray Radiation Dose SR
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.Modality = generate_uid(), generate_uid(), "SR"
    ds.save_as(tmp_path / "dose.dcm", enforce_file_format=True)
    problems: list[list[str]] = []
    viewer.problemsFound.connect(problems.append)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    text = viewer.messages.text()
    assert viewer.messages.isVisible() and len(viewer.series()) == 1 and problems == []
    assert "document sans image (X-Ray Radiation Dose SR Storage)" in text and "non affiché :" not in text
    assert text.startswith("1 document")  # « 1 document sans image joint… » once its plural is in the .ts
    assert "#5a3a00" not in viewer.messages.styleSheet()  # not the warning's colour
    # a file that failed beside it: the banner is a warning again, and names both
    (tmp_path / "corrupt.dcm").write_bytes(b"DICM" * 10)
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30_000):
        viewer.open_study([str(tmp_path)], BANNER)
    text = viewer.messages.text()
    assert text.startswith("1 fichier non affiché :") and "corrupt.dcm" in text
    assert "X-Ray Radiation Dose" in text
    assert "#5a3a00" in viewer.messages.styleSheet()
