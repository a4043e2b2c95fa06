"""The slab of a thick MPR plane reduced on two threads (issue 24) gives exactly numpy's one-thread answer,
for every axis, odd sizes and both MIP and MinIP; the resampled plane keeps its values' rounding."""
from __future__ import annotations

import numpy as np
import pytest

from viewer.mpr import SlabMode, _reduce_slab, _sheet


@pytest.mark.parametrize("fixed", [0, 1, 2])
@pytest.mark.parametrize("mode", [SlabMode.MIP, SlabMode.MINIP])
def test_two_thread_slab_equals_the_plain_reduction(fixed: int, mode: SlabMode) -> None:
    rng = np.random.default_rng(fixed)
    shape = [167, 131, 97]
    shape[fixed] = 23
    volume = rng.integers(-32768, 32767, size=shape, dtype=np.int16, endpoint=True)
    assert volume.size >= 1 << 18  # large enough for the threaded path
    plain = volume.max(axis=fixed) if mode is SlabMode.MIP else volume.min(axis=fixed)
    found = _reduce_slab(volume, fixed, mode)
    assert found.dtype == volume.dtype and np.array_equal(found, plain)


@pytest.mark.parametrize("fixed", [0, 1, 2])
def test_sheet_of_a_slab_covers_the_asked_slices_only(fixed: int) -> None:
    shape = [40, 70, 100]
    volume = np.zeros(shape, dtype=np.int16)
    index = [slice(None)] * 3
    index[fixed] = 17
    volume[tuple(index)] = 5  # inside a 5-slice slab centred on 19
    index[fixed] = 16
    volume[tuple(index)] = 9  # just outside it
    mip = _sheet(volume, fixed, 19, SlabMode.MIP, 5.0)
    assert mip.shape == tuple(n for a, n in enumerate(shape) if a != fixed)
    assert (mip == 5).all()
