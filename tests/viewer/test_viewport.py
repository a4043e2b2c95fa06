"""The 2D viewport, on screen: the painted pixels are the model's, keys and mouse drive the model,
measurements drawn with the mouse are right in millimetres, an unloaded slice says so."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QWheelEvent

from tests.viewer.factories import axial_positions, write_series
from viewer.geometry import plan_series
from viewer.headers import ImageFile, read_image_file
from viewer.loader import load_study
from viewer.qt.viewport import Tool, Viewport
from viewer.series import Series
from viewer.slice_view import SliceView
from viewer.windowing import WindowLevel

pytestmark = pytest.mark.gui
SIZE = 400
BANNER = "TEST Synthétique — né le 01/01/1970 — IPP TEST-0001"


def _flat(rank: int) -> np.ndarray:
    """64 x 64 slice: 1000 + 100 * rank stored (HU -24 + 100 * rank), a 16-pixel bright square top left."""
    pixels = np.full((64, 64), 1000 + 100 * rank, dtype=np.uint16)
    pixels[:16, :16] = 3000
    return pixels


@pytest.fixture
def series(tmp_path: Path) -> Series:
    write_series(tmp_path, axial_positions(5, spacing=2.0), pixels_for=_flat, intercept=-1024.0,
                 spacing=(0.5, 0.5), extra={"WindowCenter": "50", "WindowWidth": "400"})
    return load_study(tmp_path).series[0]


def _grey(widget: Viewport, x: int, y: int) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    colour = image.pixelColor(x, y)
    assert colour.red() == colour.green() == colour.blue()
    return colour.red()


def _expected(hu: float, center: float, width: float) -> int:
    """PS3.3 C.11.2.1.2.1 LINEAR, written out independently of viewer.windowing."""
    if hu <= center - 0.5 - (width - 1) / 2:
        return 0
    if hu > center - 0.5 + (width - 1) / 2:
        return 255
    return round(((hu - (center - 0.5)) / (width - 1) + 0.5) * 255)


@pytest.fixture
def viewport(qtbot, series: Series) -> Viewport:
    widget = Viewport()
    qtbot.addWidget(widget)
    widget.resize(SIZE, SIZE)
    widget.set_view(SliceView(series), BANNER)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_paints_the_model_window_invert_and_scroll(qtbot, viewport: Viewport, artifacts_dir: Path) -> None:
    view = viewport.view
    assert view is not None and view.state.index == 2 and view.state.zoom == pytest.approx(SIZE / 64)
    centre = SIZE // 2 + 20
    assert _grey(viewport, centre, centre) == _expected(176, 50, 400)
    viewport.grab().save(str(artifacts_dir / "viewport_axial.png"))
    qtbot.keyClick(viewport, Qt.Key.Key_I)
    assert _grey(viewport, centre, centre) == 255 - _expected(176, 50, 400)
    qtbot.keyClick(viewport, Qt.Key.Key_I)
    # wheel towards the user: next slice; the painted value follows
    wheel = QWheelEvent(QPointF(centre, centre), QPointF(centre, centre), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    viewport.wheelEvent(wheel)
    assert view.state.index == 3 and _grey(viewport, centre, centre) == _expected(276, 50, 400)
    qtbot.keyClick(viewport, Qt.Key.Key_Home)
    assert view.state.index == 0 and _grey(viewport, centre, centre) == _expected(-24, 50, 400)
    # Weasis keys: 6 = lung window on a CT, 1 = the header's window again
    qtbot.keyClick(viewport, Qt.Key.Key_6)
    assert view.state.window == WindowLevel(-600, 1500)
    assert _grey(viewport, centre, centre) == _expected(-24, -600, 1500)
    qtbot.keyClick(viewport, Qt.Key.Key_1)
    assert view.state.window == WindowLevel(50, 400)
    # right-button drag widens the window
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=QPoint(100, 100))
    qtbot.mouseMove(viewport, QPoint(164, 100))
    qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=QPoint(164, 100))
    assert view.state.window.width > 400


def test_rotation_moves_the_bright_corner_and_the_letters(qtbot, viewport: Viewport,
                                                           artifacts_dir: Path) -> None:
    view = viewport.view
    assert view is not None
    # the bright 16x16 corner is top left (patient right, anterior): D on the left, A on top
    assert _grey(viewport, 30, 90) == 255 and _grey(viewport, SIZE - 30, 90) < 255
    qtbot.keyClick(viewport, Qt.Key.Key_R)  # a clockwise quarter turn: the corner goes top right
    assert _grey(viewport, SIZE - 30, 90) == 255 and _grey(viewport, 30, 90) < 255
    right = view.screen_direction(1, 0)
    # screen right now runs up the rows (towards anterior), one display pixel = 1/zoom image pixel
    assert right == pytest.approx((0.0, -1.0 / view.state.zoom))
    viewport.grab().save(str(artifacts_dir / "viewport_rotated.png"))
    qtbot.keyClick(viewport, Qt.Key.Key_H)
    assert _grey(viewport, 30, 90) == 255


def test_length_and_roi_drawn_with_the_mouse(qtbot, viewport: Viewport, artifacts_dir: Path) -> None:
    added = []
    viewport.measurementAdded.connect(added.append)
    viewport.tool = Tool.LENGTH
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(100, 200))
    qtbot.mouseMove(viewport, QPoint(200, 250))
    qtbot.mouseMove(viewport, QPoint(300, 200))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    assert len(added) == 1
    # 200 display pixels at 6.25 display pixels per 0.5 mm pixel: 16 mm
    assert added[0].value == pytest.approx(200 / (SIZE / 64) * 0.5, rel=1e-6)
    assert added[0].text_fr() == "Longueur : 16,0 mm (série 3, image 3)"
    viewport.tool = Tool.RECTANGLE
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(150, 150))
    qtbot.mouseMove(viewport, QPoint(250, 250))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(250, 250))
    roi = added[1]
    assert roi.stats is not None and roi.stats.mean == pytest.approx(176.0) and roi.stats.sd == 0.0
    assert roi.value == pytest.approx((100 / (SIZE / 64) * 0.5) ** 2, rel=1e-6)
    # editing: drag the length's end point 100 px further: 24 mm
    changed = []
    viewport.measurementChanged.connect(lambda previous, new: changed.append((previous, new)))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    qtbot.mouseMove(viewport, QPoint(350, 200))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(350, 200))
    assert changed and changed[-1][0] is added[0]
    assert changed[-1][1].value == pytest.approx(250 / (SIZE / 64) * 0.5, rel=1e-6)
    viewport.grab().save(str(artifacts_dir / "viewport_measures.png"))
    qtbot.keyClick(viewport, Qt.Key.Key_Delete)
    assert len(viewport.measurements()) == 1


def test_an_unloaded_slice_says_loading_and_the_patient_stays_visible(qtbot, tmp_path: Path,
                                                                       artifacts_dir: Path) -> None:
    paths = write_series(tmp_path, axial_positions(3), pixels_for=_flat)
    images = [read_image_file(str(p)) for p in paths]
    assert all(isinstance(i, ImageFile) for i in images)
    series = Series(plan_series(images)[0])  # planned, nothing decoded yet
    widget = Viewport()
    qtbot.addWidget(widget)
    widget.resize(SIZE, SIZE)
    widget.set_view(SliceView(series), BANNER)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    widget.grab().save(str(artifacts_dir / "viewport_loading.png"))
    band = [image.pixelColor(x, SIZE // 2).red() for x in range(SIZE // 2 - 60, SIZE // 2 + 60)]
    assert max(band) > 200  # the "chargement…" text across the centre
    banner = [image.pixelColor(x, 12) for x in range(6, 200)]
    assert any(c.red() > 200 and c.green() > 180 and c.blue() < 120 for c in banner)  # yellow identity
    # the slice arrives: the viewport shows it
    series.volume[1] = _flat(1)
    series._settle([1], 1)
    widget.slices_arrived((1,))
    assert _grey(widget, 50, 60) == 255 and _grey(widget, SIZE // 2 + 20, SIZE // 2 + 20) == 0


def test_thousands_of_repaints_do_not_abort_the_interpreter(qtbot, viewport: Viewport) -> None:
    """PySide6 6.12 on CPython 3.11 takes a reference from None per void call (see viewer.qt): this many
    repaints ended in "Fatal Python error: none_dealloc". A binding with that defect fails here."""
    import sys

    view = viewport.view
    assert view is not None
    before = sys.getrefcount(None)
    for k in range(3000):  # ~135,000 void calls, more than None's whole reference count at start-up
        view.scroll(1 if (k // 4) % 2 == 0 else -1)
        viewport.repaint()
    assert before - sys.getrefcount(None) < 1_000  # ~135,000 with the defect


def test_the_magnifier_shows_the_image_twice_larger_around_the_cursor(qtbot, viewport: Viewport,
                                                                        artifacts_dir: Path) -> None:
    viewport.tool = Tool.MAGNIFIER
    # the bright square covers display 0-100 (16 px at 6.25); (110, 80) is just outside it
    assert _grey(viewport, 110, 80) < 255
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(80, 80))
    # magnified around (80, 80): display (110, 80) now shows image point 80 + 30 / 2 = 95: inside
    assert _grey(viewport, 110, 80) == 255
    assert _grey(viewport, 80 + 70, 80) < 255  # 80 + 70 / 2 = 115: outside, still in the disc
    viewport.grab().save(str(artifacts_dir / "viewport_magnifier.png"))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(80, 80))
    assert _grey(viewport, 110, 80) < 255


def test_probe_and_lossy_warning(qtbot, tmp_path: Path, artifacts_dir: Path) -> None:
    write_series(tmp_path, axial_positions(3), pixels_for=_flat, spacing=(0.5, 0.5),
                 extra={"LossyImageCompression": "01", "LossyImageCompressionRatio": "12",
                        "WindowCenter": "50", "WindowWidth": "400"})
    series = load_study(tmp_path).series[0]
    assert series.lossy
    widget = Viewport()
    qtbot.addWidget(widget)
    widget.resize(SIZE, SIZE)
    widget.set_view(SliceView(series), BANNER)
    widget.show()
    qtbot.waitExposed(widget)
    # the HU under the cursor: slice 1 is stored 1100, -1024 intercept -> 76 HU; the corner square 1976
    def hover(x: int, y: int) -> None:
        point = QPointF(x, y)
        widget.mouseMoveEvent(QMouseEvent(QEvent.Type.MouseMove, point, widget.mapToGlobal(point),
                                          Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                          Qt.KeyboardModifier.NoModifier))

    hover(SIZE // 2 + 3, SIZE // 2 + 3)
    assert widget._probe == "(32, 32) : 76 UH"
    hover(20, 90)
    assert widget._probe == "(3, 14) : 1976 UH"
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    widget.grab().save(str(artifacts_dir / "viewport_lossy_probe.png"))
    red = [image.pixelColor(x, y) for x in range(SIZE - 200, SIZE - 4) for y in range(SIZE - 20, SIZE - 4)]
    assert any(c.red() > 200 and c.green() < 120 and c.blue() < 120 for c in red)  # "compressée avec perte"
