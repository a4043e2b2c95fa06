"""Faster thick-slab MPR (issue 24): a MIP / MinIP slab across columns read from the column-first copy
gives exactly the plane of the volume as acquired, whatever the slab's place and width; the copy is
made while such a slab is shown only."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.viewer.factories import axial_positions, write_series
from viewer.loader import load_study
from viewer.mpr import ColumnLayout, ReformatSeries, SlabMode, VolumeGrid, _sheet, plane_axes, reformat


def _volume(shape: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(-32768, 32767, size=shape, dtype=np.int16, endpoint=True)


def test_the_column_layout_is_the_volume_column_first() -> None:
    volume = _volume((7, 11, 37))
    layout = ColumnLayout(volume)
    assert layout.wait(30)
    columns = layout.ready()
    assert columns is not None and columns.flags.c_contiguous
    assert np.array_equal(columns, volume.transpose(2, 0, 1))


@pytest.mark.parametrize("mode", [SlabMode.MIP, SlabMode.MINIP])
@pytest.mark.parametrize(("index", "voxels"), [(0, 5.0), (18, 14.3), (36, 4.0), (20, 2.0), (3, 80.0)])
def test_a_slab_from_the_column_layout_equals_the_slab_of_the_volume(mode: SlabMode, index: int,
                                                                      voxels: float) -> None:
    volume = _volume((9, 13, 37), seed=index)
    layout = ColumnLayout(volume)
    assert layout.wait(30)
    plain = _sheet(volume, 2, index, mode, voxels)
    fast = _sheet(volume, 2, index, mode, voxels, layout.ready())
    assert fast.dtype == volume.dtype and np.array_equal(fast, plain)
    grid = VolumeGrid(np.diag([0.7, 0.7, 1.6, 1.0]), volume.shape)
    _, right, down = plane_axes(grid, 2)
    assert np.array_equal(reformat(volume, 2, index, right, down, mode, voxels, layout.ready()),
                          reformat(volume, 2, index, right, down, mode, voxels))


def test_other_axes_and_the_mean_ignore_the_layout() -> None:
    volume = _volume((9, 13, 37))
    layout = ColumnLayout(volume)
    assert layout.wait(30)
    for fixed in (0, 1):
        assert np.array_equal(_sheet(volume, fixed, 4, SlabMode.MIP, 3.0, layout.ready()),
                              _sheet(volume, fixed, 4, SlabMode.MIP, 3.0))
    assert np.array_equal(_sheet(volume, 2, 10, SlabMode.MEAN, 5.0, layout.ready()),
                          _sheet(volume, 2, 10, SlabMode.MEAN, 5.0))


@pytest.mark.parametrize("fixed", [0, 1, 2])
def test_sheet_of_a_slab_covers_the_asked_slices_only(fixed: int) -> None:
    shape = [40, 70, 100]
    volume = np.zeros(shape, dtype=np.int16)
    index = [slice(None)] * 3
    index[fixed] = 17
    volume[tuple(index)] = 5  # inside a 5-slice slab centred on 19
    index[fixed] = 16
    volume[tuple(index)] = 9  # just outside it
    layout = ColumnLayout(volume)
    assert layout.wait(30)
    for columns in (None, layout.ready()):
        mip = _sheet(volume, fixed, 19, SlabMode.MIP, 5.0, columns)
        assert mip.shape == tuple(n for a, n in enumerate(shape) if a != fixed)
        assert (mip == 5).all()


def test_the_sagittal_view_makes_the_copy_for_its_slab_only(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    write_series(tmp_path, axial_positions(12, spacing=1.5),
                 pixels_for=lambda rank: rng.integers(0, 3000, size=(16, 24)).astype(np.uint16))
    series = load_study(tmp_path).series[0]
    sagittal = ReformatSeries.orientation(series, "sagittale")
    assert sagittal.fixed == 2
    thin = [sagittal.compute(k).copy() for k in (0, 11, 23)]
    assert sagittal._columns is None
    sagittal.set_slab(SlabMode.MIP, 5.0)
    layout = sagittal._columns
    assert layout is not None and layout.wait(30)
    with_copy = [sagittal.compute(k) for k in (0, 11, 23)]
    sagittal._columns = None  # the same planes read from the volume as acquired
    assert all(np.array_equal(a, sagittal.compute(k)) for a, k in zip(with_copy, (0, 11, 23), strict=True))
    sagittal.set_slab(SlabMode.THIN)
    assert sagittal._columns is None
    assert all(np.array_equal(a, sagittal.compute(k)) for a, k in zip(thin, (0, 11, 23), strict=True))
    coronal = ReformatSeries.orientation(series, "coronale")
    coronal.set_slab(SlabMode.MIP, 5.0)
    assert coronal._columns is None  # its slab is whole rows already
