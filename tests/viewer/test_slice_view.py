"""The Qt-free 2D view model: slice, window, polarity, zoom/pan, rotations and flips, coordinates."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.viewer.factories import axial_positions, voi_lut_item, write_series
from viewer.geometry import plan_series
from viewer.headers import ImageFile, read_image_file
from viewer.loader import load_study
from viewer.series import Series
from viewer.slice_view import SliceView, ViewState
from viewer.windowing import WindowLevel


def _pixels(rank: int) -> np.ndarray:
    """A non-square, asymmetric slice: every rotation and flip gives a different picture."""
    return (np.arange(5 * 7, dtype=np.uint16).reshape(5, 7) * 20 + 1000 + rank).astype(np.uint16)


@pytest.fixture
def series(tmp_path: Path) -> Series:
    write_series(tmp_path, axial_positions(5), pixels_for=_pixels, intercept=-1000.0,
                 extra={"WindowCenter": ["300", "100"], "WindowWidth": ["700", "50"],
                        "VOILUTSequence": voi_lut_item(1000, list(range(0, 4096, 4)), bits=12)})
    return load_study(tmp_path).series[0]


def test_opens_on_the_middle_slice_with_the_header_window(series: Series) -> None:
    view = SliceView(series)
    assert view.state.index == 2 and view.state.window == WindowLevel(300, 700)
    view.use_preset(1)
    assert view.state.window == WindowLevel(100, 50)


def test_scrolling_is_clamped_and_listeners_see_real_changes_only(series: Series) -> None:
    view = SliceView(series)
    seen: list[ViewState] = []
    view.subscribe(seen.append)
    view.scroll(10)
    view.scroll(1)  # already on the last slice: no change, no notification
    view.scroll(-100)
    assert [s.index for s in seen] == [4, 0]


def test_dragging_moves_level_and_width_proportionally(series: Series) -> None:
    view = SliceView(series)
    view.drag_window(dx=256, dy=-256)
    assert view.state.window.width == pytest.approx(700 + 700)
    assert view.state.window.center == pytest.approx(300 - 700)
    view.set_window(10, -5)
    assert view.state.window.width == 1.0  # never below the legal minimum of LINEAR


def test_image_renders_the_window_and_the_inversions(series: Series) -> None:
    view = SliceView(series)
    view.set_window(40.5, 400)  # stored s -> HU s - 1000; slice 2 holds 1002 + 20 k
    stored = series.volume[2].astype(float) - 1000
    expected = np.rint(np.clip(((stored - 40) / 399 + 0.5), 0, 1) * 255).astype(np.uint8)
    assert np.array_equal(view.image(), expected)
    view.toggle_invert()
    assert np.array_equal(view.image(), 255 - expected)


def test_voi_lut_when_asked(series: Series) -> None:
    view = SliceView(series)
    view.use_voi_lut()
    # LUT input starts at 1000 (HU here, after the Modality LUT): HU 2 + 20 k -> entry 0, clamped
    assert view.state.use_voi_lut and int(view.image().max()) == 0  # type: ignore[union-attr]
    view.set_window(300, 700)
    assert not view.state.use_voi_lut


def test_nothing_is_drawn_before_the_slice_is_loaded(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(2))
    headers = [read_image_file(p) for p in sorted(tmp_path.iterdir())]
    empty = Series(plan_series([h for h in headers if isinstance(h, ImageFile)])[0])
    assert SliceView(empty).image() is None


ROTATE, ROTATE_BACK, FLIP_H, FLIP_V = "rotate", "rotate_back", "flip_h", "flip_v"
REFERENCE = {  # the same operation applied to the picture on screen
    ROTATE: lambda a: np.rot90(a, -1), ROTATE_BACK: lambda a: np.rot90(a, 1),
    FLIP_H: lambda a: a[:, ::-1], FLIP_V: lambda a: a[::-1, :],
}


def _apply(view: SliceView, operation: str) -> None:
    {ROTATE: lambda: view.rotate(True), ROTATE_BACK: lambda: view.rotate(False),
     FLIP_H: view.flip_horizontal, FLIP_V: view.flip_vertical}[operation]()


def test_any_sequence_of_rotations_and_flips_shows_what_the_user_asked(series: Series) -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        view = SliceView(series)
        expected = view.image()
        for operation in rng.choice(list(REFERENCE), size=int(rng.integers(1, 7))):
            _apply(view, str(operation))
            expected = REFERENCE[str(operation)](expected)
            assert np.array_equal(view.image(), expected), operation


def test_display_and_image_coordinates_agree_with_the_picture(series: Series) -> None:
    rng = np.random.default_rng(4)
    plain = SliceView(series).image()
    for _ in range(20):
        view = SliceView(series)
        for operation in rng.choice(list(REFERENCE), size=4):
            _apply(view, str(operation))
        shown = view.image()
        assert shown is not None and plain is not None
        viewport = (shown.shape[1], shown.shape[0])  # zoom 1, centred: display pixel = shown pixel
        for v in range(shown.shape[0]):
            for u in range(shown.shape[1]):
                column, row = view.display_to_image(u + 0.5, v + 0.5, viewport)
                assert shown[v, u] == plain[round(row), round(column)]
                assert view.image_to_display(column, row, viewport) == pytest.approx((u + 0.5, v + 0.5))


def test_zoom_keeps_the_point_under_the_cursor(series: Series) -> None:
    view = SliceView(series)
    viewport = (400, 300)
    view.fit(viewport)
    assert view.state.zoom == pytest.approx(min(400 / 7, 300 / 5))
    view.pan_by(13, -7)
    anchor_display = (250.0, 120.0)
    before = view.display_to_image(*anchor_display, viewport)
    view.zoom_by(2.5, anchor=(anchor_display[0] - 200, anchor_display[1] - 150))
    assert view.display_to_image(*anchor_display, viewport) == pytest.approx(before)
    view.zoom_by(1e6)
    assert view.state.zoom == 40.0
