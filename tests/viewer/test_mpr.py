"""MPR: reformatted planes against a volume whose values are a known linear function of the position,
display conventions, slabs, crosshair navigation, lengths on a coronal reformat, bounded memory."""
from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import load_study
from viewer.measure import MeasureKind, measure
from viewer.mpr import ReformatSeries, SlabMode, VolumeGrid, oblique_plane
from viewer.series import Series

SLICES, ROWS, COLUMNS = 20, 48, 64
SLICE_MM, PIXEL_MM = 3.0, 0.5


def ramp(rank: int) -> np.ndarray:
    """Stored value 1000 + 40 k + 3 i + 7 j: linear, so every interpolation must be exact."""
    i, j = np.mgrid[0:ROWS, 0:COLUMNS]
    return (1000 + 40 * rank + 3 * i + 7 * j).astype(np.uint16)


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> Series:
    folder = tmp_path_factory.mktemp("mpr")
    write_series(folder, axial_positions(SLICES, spacing=SLICE_MM), pixels_for=ramp,
                 spacing=(PIXEL_MM, PIXEL_MM), intercept=-1024.0)
    loaded = load_study(folder).series[0]
    assert loaded.complete and loaded.shape == (SLICES, ROWS, COLUMNS)
    return loaded


def value_at(k: float, i: float, j: float) -> float:
    return 1000 + 40 * k + 3 * i + 7 * j


def test_coronal_planes_are_resampled_to_square_pixels_head_up(series: Series) -> None:
    coronal = ReformatSeries.orientation(series, "coronale")
    rows = int((SLICES - 1) * SLICE_MM / PIXEL_MM) + 1  # 115 rows of 0.5 mm over 57 mm
    assert coronal.shape == (ROWS, rows, COLUMNS)
    assert (coronal.spacing.row_mm, coronal.spacing.column_mm) == (PIXEL_MM, PIXEL_MM)
    plane = coronal.volume[10]
    # head up: the first row is the last (highest) slice; columns run towards the patient's left (+x)
    for row, column in ((0, 0), (0, 63), (114, 5), (57, 31), (1, 2)):
        k = (rows - 1 - row) * PIXEL_MM / SLICE_MM
        assert plane[row, column] == round(value_at(k, 10, column))
    geometry = coronal.plane(10)
    assert geometry.column_direction == pytest.approx((0, 0, -1))
    assert geometry.row_direction == pytest.approx((1, 0, 0))
    assert geometry.origin == pytest.approx(series.plane(SLICES - 1).to_patient([(0, 10)])[0])


def test_sagittal_planes_look_from_the_left_anterior_on_the_left(series: Series) -> None:
    sagittal = ReformatSeries.orientation(series, "sagittale")
    assert sagittal.shape[0] == COLUMNS and sagittal.shape[2] == ROWS
    plane = sagittal.volume[7]
    # column index = row index i of the volume (+y, posterior, to the right)
    assert plane[0, 0] == round(value_at(SLICES - 1, 0, 7))
    assert plane[0, 40] == round(value_at(SLICES - 1, 40, 7))
    assert sagittal.plane(7).row_direction == pytest.approx((0, 1, 0))


def test_slabs_reduce_over_their_thickness_only(series: Series) -> None:
    axial = ReformatSeries.orientation(series, "axiale")
    assert np.array_equal(axial.volume[5], series.volume[5])
    axial.set_slab(SlabMode.MIP, 4 * SLICE_MM)  # slices 3..6 around 5 (4 slices)
    assert np.array_equal(axial.volume[5], series.volume[3:7].max(axis=0))
    axial.set_slab(SlabMode.MINIP, 4 * SLICE_MM)
    assert np.array_equal(axial.volume[5], series.volume[3:7].min(axis=0))
    axial.set_slab(SlabMode.MEAN, 3 * SLICE_MM)  # 4..6
    assert np.array_equal(axial.volume[5], np.rint(series.volume[4:7].mean(axis=0)).astype(np.int16))
    assert axial.label.endswith("MPR axiale — moyenne 9 mm")


def test_crosshair_finds_the_plane_of_a_point(series: Series) -> None:
    coronal = ReformatSeries.orientation(series, "coronale")
    sagittal = ReformatSeries.orientation(series, "sagittale")
    point = series.plane(12).to_patient([(40.0, 17.0)])[0]
    assert coronal.index_of(point) == 17 and sagittal.index_of(point) == 40
    assert abs(coronal.plane(17).distance_to(point)) < 1e-9
    column, row = coronal.plane(17).to_image([point])[0]
    assert (column, row) == pytest.approx((40.0, (SLICES - 1 - 12) * SLICE_MM / PIXEL_MM))


def test_length_on_a_coronal_reformat_is_in_patient_millimetres(series: Series) -> None:
    coronal = ReformatSeries.orientation(series, "coronale")
    grid = VolumeGrid.of(series)
    a, b = grid.to_patient((2, 10, 5)), grid.to_patient((8, 10, 25))  # 6 slices and 20 columns apart
    expected = math.hypot(6 * SLICE_MM, 20 * PIXEL_MM)  # 20.59 mm
    plane = coronal.plane(10)
    points = [tuple(p) for p in plane.to_image([a, b])]
    length = measure(MeasureKind.LENGTH, points, plane, coronal.where(10))
    assert length.value == pytest.approx(expected, rel=1e-9)
    assert length.points_mm[0] == pytest.approx(tuple(a)) and length.sop_instance_uid is None
    assert length.text_fr() == "Longueur : 20,6 mm (série 3, reconstruction coronale, coupe 11)"
    # a ROI on the reformat sees the rescaled values of the plane
    roi = measure(MeasureKind.RECTANGLE, [(4.0, 50.0), (8.0, 52.0)], plane, coronal.where(10),
                  values=coronal.rescaled_slice(10))
    assert roi.stats is not None and roi.stats.pixels == 15
    expected_mean = np.mean([value_at((114 - r) * PIXEL_MM / SLICE_MM, 10, c) - 1024
                             for r in (50, 51, 52) for c in range(4, 9)])
    assert roi.stats.mean == pytest.approx(expected_mean, abs=0.5)


def test_oblique_plane_is_exact_on_a_linear_volume(series: Series) -> None:
    grid = VolumeGrid.of(series)
    centre = grid.centre()
    right = (1.0, 1.0, 0.0)  # 45° in the axial plane, tilted 30° towards the feet
    down = (-math.sin(math.radians(30)) / math.sqrt(2), math.sin(math.radians(30)) / math.sqrt(2),
            -math.cos(math.radians(30)))
    reference, geometry = oblique_plane(series.volume, grid, centre, right, down, (40, 40), 0.5, outside=-1.0,
                                        engine="numpy")
    inside = 0
    for row in range(40):
        for column in range(40):
            k, i, j = grid.to_voxel(geometry.to_patient([(column, row)])[0])
            if 0 <= k <= SLICES - 1 and 0 <= i <= ROWS - 1 and 0 <= j <= COLUMNS - 1:
                assert reference[row, column] == pytest.approx(value_at(k, i, j), abs=0.05)
                inside += 1
            elif min(k, i, j) < -0.01 or k > SLICES - 0.99 or i > ROWS - 0.99 or j > COLUMNS - 0.99:
                assert reference[row, column] == -1.0
    assert inside > 800
    # VTK's reslice (the default engine) gives the same plane where both sample inside the volume
    fast, same = oblique_plane(series.volume, grid, centre, right, down, (40, 40), 0.5, outside=-1.0)
    assert same == geometry
    both = (reference != -1.0) & (fast != -1.0)
    assert both.sum() > 0.95 * inside
    assert np.abs(fast[both] - reference[both]).max() < 0.05
    # an axial "oblique" through a slice reproduces it exactly
    axial, _ = oblique_plane(series.volume, grid, series.plane(4).to_patient([(31.5, 23.5)])[0],
                             (1, 0, 0), (0, 1, 0), (ROWS, COLUMNS), PIXEL_MM)
    assert np.array_equal(axial, series.volume[4].astype(np.float32))


def test_a_plane_never_copies_the_volume(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(60, spacing=1.0),
                 pixels_for=lambda r: np.full((256, 256), r, np.uint16), spacing=(0.8, 0.8))
    big = load_study(tmp_path).series[0]
    volume_bytes = big.volume.nbytes  # 7.9 MB
    for name in ("axiale", "coronale", "sagittale"):
        stack = ReformatSeries.orientation(big, name)
        stack.set_slab(SlabMode.MEAN, 10.0)
        tracemalloc.start()
        stack.volume[stack.shape[0] // 2]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 0.15 * volume_bytes, (name, peak)


def test_three_planes_of_an_oblique_stack_and_refusals(tmp_path: Path) -> None:
    from tests.viewer.factories import AXIAL
    from viewer.mpr import NotAVolume

    for degrees, expected in ((30, ["axiale", "coronale", "sagittale"]), (40, None)):
        c, d = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        oblique = (c, 0.0, d, 0.0, 1.0, 0.0)  # rows tilted towards the head: normal (-d, 0, c)
        positions = [(-2.0 - d * k, -2.0, c * k) for k in range(6)]
        write_series(tmp_path / f"obl{degrees}", positions, orientation=oblique,
                     pixels_for=lambda r: ramp(r)[:8, :8])
        stacks = ReformatSeries.three(load_study(tmp_path / f"obl{degrees}").series[0])
        assert all(s.volume[0].shape == s.shape[1:] for s in stacks)
        if expected:
            assert [s.name for s in stacks] == expected
        else:  # too oblique to name every plane: the voxel grid's planes, the acquired one first
            assert [s.fixed for s in stacks] == [0, 1, 2] and "oblique" in [s.name for s in stacks]
    # every slice at one place: not a volume, said in French
    write_series(tmp_path / "same", [(0.0, 0.0, 5.0)], orientation=AXIAL)
    write_series(tmp_path / "dup", [(0.0, 0.0, 5.0), (0.0, 0.0, 5.0)], orientation=AXIAL,
                 extra={"SeriesNumber": 9})
    duplicate = next(s for s in load_study(tmp_path / "dup").series if s.shape[0] == 2)
    with pytest.raises(NotAVolume) as refused:
        ReformatSeries.three(duplicate)
    assert "même position" in refused.value.message_fr
    single = load_study(tmp_path / "same").series[0]
    with pytest.raises(NotAVolume, match="several slices"):
        ReformatSeries.three(single)


def test_oblique_stack_planes_cover_the_volume_and_sample_it_exactly(series: Series) -> None:
    from viewer.mpr import ObliqueSeries, rotated_about

    right = rotated_about((1, 0, 0), (0, 0, 1), 30.0)  # a coronal plane turned 30° about the axial normal
    assert right == pytest.approx((math.cos(math.radians(30)), math.sin(math.radians(30)), 0.0))
    stack = ObliqueSeries(series, right, (0, 0, -1), "oblique")
    grid = VolumeGrid.of(series)
    centre = grid.centre()
    index = stack.index_of(centre)
    assert abs(stack.plane(index).distance_to(centre)) <= stack.pixel_mm / 2 + 1e-9
    plane = stack.volume[index]
    geometry = stack.plane(index)
    assert plane.shape == stack.shape[1:] and plane.dtype == series.volume.dtype
    checked = 0
    for row in range(0, plane.shape[0], 7):
        for column in range(0, plane.shape[1], 7):
            k, i, j = grid.to_voxel(geometry.to_patient([(column, row)])[0])
            if 0.01 < k < SLICES - 1.01 and 0.01 < i < ROWS - 1.01 and 0.01 < j < COLUMNS - 1.01:
                assert abs(int(plane[row, column]) - value_at(k, i, j)) <= 1  # rounded to int16
                checked += 1
    assert checked > 20
    # a 6 mm MIP slab of a ramp rising along +y is the value 3 mm further along the normal
    stack.set_slab(SlabMode.MIP, 6 * stack.pixel_mm)
    slab = stack.volume[index]
    assert slab.dtype == series.volume.dtype and int((slab.astype(np.int32) - plane).max()) > 0
    column, row = geometry.to_image([centre])[0]
    gain = int(slab[round(row), round(column)]) - int(plane[round(row), round(column)])
    assert 0 < gain <= 3 * 3 * stack.pixel_mm / PIXEL_MM  # ramp 3 per row along y, at most 3 planes up
