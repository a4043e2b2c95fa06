"""Two viewers side by side (today's exam and a prior) under a hanging protocol, linked; presentation
states shown. Real files written here (pydicom, highdicom), the real loader, Qt under Xvfb; every
screenshot is saved in test-artifacts/ to be looked at.
"""
from __future__ import annotations

from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
import pytest
from pydicom.uid import generate_uid
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from viewer.hanging import CURRENT, DEFAULT_PROTOCOLS, PRIOR, StudyFacts, choose
from viewer.loader import StudyLoader
from viewer.presentation import read_presentation_state
from viewer.qt.hanging import apply_specs
from viewer.qt.presentation import GSPS_COLOUR, PresentationLayer
from viewer.qt.study_link import StudyLink
from viewer.qt.viewer_widget import ViewerWidget

from .factories import write_series


def _pixels(rank: int, rows: int = 64, columns: int = 64) -> np.ndarray:
    """A disc whose size changes with the level, so a wrong level shows (and values vary)."""
    y, x = np.mgrid[0:rows, 0:columns]
    radius = 8 + (rank % 20)
    return np.where((x - 32) ** 2 + (y - 32) ** 2 < radius**2, 1100, 24).astype(np.uint16)


def _write(folder: Path, count: int, spacing: float, z0: float, frame: str, study: str,
           description: str) -> list[Path]:
    positions = [(-16.0, -16.0, z0 + k * spacing) for k in range(count)]
    return write_series(folder, positions, study_uid=study, spacing=(0.5, 0.5),
                        pixels_for=lambda rank: _pixels(round(z0 + rank * spacing)),
                        extra={"FrameOfReferenceUID": frame, "BodyPartExamined": "HEAD",
                               "SliceThickness": f"{spacing:g}", "SeriesDescription": description,
                               "StudyDescription": "TDM CEREBRALE SANS INJECTION"})


@pytest.fixture
def pair(qtbot, worker_loader: StudyLoader):
    holder = QWidget()
    row = QHBoxLayout(holder)
    current, prior = ViewerWidget(worker_loader), ViewerWidget(worker_loader)
    row.addWidget(current)
    row.addWidget(prior)
    qtbot.addWidget(holder)
    holder.resize(1400, 700)
    holder.show()
    yield holder, current, prior
    current.close_study()
    prior.close_study()


def _open(qtbot, viewer: ViewerWidget, folder: Path) -> None:
    with qtbot.waitSignal(viewer.studyLoaded, timeout=30000):
        viewer.open_study([str(folder)], "TEST Synthetique")


def _z(viewer: ViewerWidget) -> float:
    viewport = viewer.visible_viewports()[0]
    return float(viewport.series.geometry.positions[viewport.view.state.index][2])


def _screen(path: Path) -> None:
    QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(path))


def test_study_and_prior_of_one_frame_open_under_their_protocol_and_scroll_together(
        qtbot, pair, tmp_path: Path, artifacts_dir: Path) -> None:
    _holder, current, prior = pair
    frame = generate_uid()
    _write(tmp_path / "current", 120, 1.0, -40.0, frame, generate_uid(), "Crâne 1.0")
    _write(tmp_path / "prior", 24, 5.0, -40.0, frame, generate_uid(), "Crâne 5.0")
    _open(qtbot, current, tmp_path / "current")
    _open(qtbot, prior, tmp_path / "prior")
    protocol = choose(DEFAULT_PROTOCOLS, StudyFacts(("CT",), ("HEAD",), "TDM CEREBRALE", ("CT",)))
    assert protocol is not None and protocol.name == "TDM crâne avec antérieur"
    stage = protocol.stages[0]
    assert apply_specs(current, stage.rows, stage.columns, stage.specs(CURRENT)) == 1
    assert apply_specs(prior, stage.prior_rows, stage.prior_columns, stage.specs(PRIOR)) == 1
    assert current.visible_viewports()[0].view.state.window.center == 40  # the protocol's brain window
    link = StudyLink(current, prior)
    assert not link.pending()  # one frame of reference: no landmark needed
    assert link.link() and link.enabled
    viewport = current.visible_viewports()[0]
    viewport.view.set_index(60)
    start = _z(prior)
    viewport.view.scroll(5)  # five images down today's exam
    assert _z(current) == pytest.approx(-40.0 + 65.0)
    assert abs(_z(prior) - _z(current)) <= 2.5  # half the prior's 5 mm slice
    assert _z(prior) != start
    # scrolling the prior moves today's exam back to its level
    prior.visible_viewports()[0].view.scroll(-2)
    assert abs(_z(prior) - _z(current)) <= 0.5
    label = link.label(viewport)
    assert label is not None and "même repère" in label[0]
    _screen(artifacts_dir / "viewer-prior-linked-same-frame.png")
    # linked window and zoom, as options: off by default, then the prior follows both
    theirs = prior.visible_viewports()[0]
    viewport.view.set_window(300.0, 1500.0)
    assert theirs.view.state.window.center == 40
    link.link_window = link.link_zoom = True
    viewport.view.set_window(-600.0, 1500.0)
    assert (theirs.view.state.window.center, theirs.view.state.window.width) == (-600.0, 1500.0)
    viewport.view.zoom_by(2.0)
    mm_per_pixel = viewport.series.spacing.column_mm / viewport.view.state.zoom
    assert theirs.series.spacing.column_mm / theirs.view.state.zoom == pytest.approx(mm_per_pixel)
    assert "fenêtre, zoom" in link.label(viewport)[0]
    link.unlink()
    viewport.view.scroll(3)
    assert link.label(viewport) is None  # unlinked, same frame: nothing to say, nothing follows


def test_different_frames_link_after_one_landmark(qtbot, pair, tmp_path: Path, artifacts_dir: Path) -> None:
    _holder, current, prior = pair
    # the prior's table was 137.5 mm further: same anatomy, other coordinates, other frame
    _write(tmp_path / "current", 120, 1.0, -40.0, generate_uid(), generate_uid(), "Crâne 1.0")
    _write(tmp_path / "prior", 24, 5.0, -40.0 + 137.5, generate_uid(), generate_uid(), "Crâne 5.0")
    _open(qtbot, current, tmp_path / "current")
    _open(qtbot, prior, tmp_path / "prior")
    link = StudyLink(current, prior)
    mine, theirs = current.visible_viewports()[0], prior.visible_viewports()[0]
    assert link.pending()
    label = link.label(mine)
    assert label is not None and "alignez" in label[0]
    _screen(artifacts_dir / "viewer-prior-pending-landmark.png")
    # the radiologist brings both views onto the same level: today's z=20, the prior's z=20+137.5
    mine.view.set_index(60)
    theirs.view.set_index(12)
    assert _z(prior) - _z(current) == pytest.approx(137.5)
    assert link.link()
    assert link.offset_mm() == pytest.approx(137.5)
    for steps in (5, 5, -17):
        mine.view.scroll(steps)
        assert abs((_z(prior) - 137.5) - _z(current)) <= 2.5, steps
    label = link.label(mine)
    assert label is not None and "décalage 137,5 mm" in label[0]
    _screen(artifacts_dir / "viewer-prior-linked-offset.png")


def _gsps(image: pydicom.Dataset) -> pydicom.Dataset:
    """A GSPS as a site's viewer would store it: an arrow-like polyline, a text, a window, a turn."""
    for keyword in ("PatientBirthDate", "PatientSex", "StudyDate", "StudyTime", "ReferringPhysicianName",
                    "StudyID", "AccessionNumber"):
        if keyword not in image:
            setattr(image, keyword, "")
    layer = hd.pr.GraphicLayer(layer_name="ANNOTATIONS", order=1)
    annotation = hd.pr.GraphicAnnotation(
        referenced_images=[image], graphic_layer=layer,
        graphic_objects=[hd.pr.GraphicObject(graphic_type=hd.pr.GraphicTypeValues.POLYLINE,
                                             graphic_data=np.array([[10.5, 10.5], [54.5, 54.5]]),
                                             units=hd.pr.AnnotationUnitsValues.PIXEL)],
        text_objects=[hd.pr.TextObject(text_value="Lésion ?", units=hd.pr.AnnotationUnitsValues.PIXEL,
                                       bounding_box=(40.0, 8.0, 62.0, 16.0))],
    )
    voi = hd.pr.SoftcopyVOILUTTransformation(window_center=300.0, window_width=2000.0,
                                             referenced_images=hd.ReferencedImageSequence([image]))
    gsps = hd.pr.GrayscaleSoftcopyPresentationState(
        referenced_images=[image], series_instance_uid=generate_uid(), series_number=900,
        sop_instance_uid=generate_uid(), instance_number=1, manufacturer="Site",
        manufacturer_model_name="PACS",
        software_versions="1", device_serial_number="1", content_label="ANNOTATION_SITE",
        graphic_layers=[layer], graphic_annotations=[annotation], voi_lut_transformations=[voi],
    )
    gsps.ImageRotation = 90
    return gsps


def test_a_presentation_state_of_the_study_is_shown(qtbot, pair, tmp_path: Path, artifacts_dir: Path) -> None:
    _holder, current, _prior = pair
    paths = _write(tmp_path / "current", 20, 2.0, 0.0, generate_uid(), generate_uid(), "Crâne")
    images = sorted((pydicom.dcmread(p) for p in paths), key=lambda d: int(d.InstanceNumber))
    target = images[7]
    gsps = _gsps(target)
    gsps.save_as(tmp_path / "current" / "gsps.dcm", enforce_file_format=True)
    state = read_presentation_state(pydicom.dcmread(tmp_path / "current" / "gsps.dcm"))
    shown = state.for_image(str(target.SOPInstanceUID), None, (64, 64))
    assert shown.window is not None and shown.window.center == 300 and shown.rotation == 1
    assert shown.graphics[0].points == ((10.0, 10.0), (54.0, 54.0))  # PIXEL corner -> pixel centre
    assert shown.texts[0].text == "Lésion ?" and shown.whole_image  # highdicom's area: the whole image
    layer = PresentationLayer(current)
    layer.set_states([state])
    _open(qtbot, current, tmp_path / "current")
    viewport = current.visible_viewports()[0]
    viewport.view.set_index(7)
    assert viewport.series.instance_uid(7) == str(target.SOPInstanceUID)
    qtbot.waitUntil(lambda: viewport.view.state.rotation == 1, timeout=5000)  # applied when painted
    assert viewport.view.state.window.center == 300
    assert not state.skipped
    _screen(artifacts_dir / "viewer-gsps-annotation.png")
    image = viewport.grab().toImage()
    # the polyline crosses the image centre: annotation-coloured pixels there
    centre = viewport.view.image_to_display(32.0, 32.0, (viewport.width(), viewport.height()))
    found = 0
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            colour = QColor(image.pixel(int(centre[0]) + dx, int(centre[1]) + dy))
            if abs(colour.red() - GSPS_COLOUR.red()) < 40 and abs(colour.green() - GSPS_COLOUR.green()) < 40 \
                    and colour.blue() < 150:
                found += 1
    assert found >= 3
    # another image of the series has no annotation: nothing of the state is drawn there
    viewport.view.set_index(2)
    assert layer.state_for(viewport) is None
