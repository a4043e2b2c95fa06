"""Fixtures of the viewer tests: the real data set, a reference decoder, a loader with worker processes."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from viewer.loader import StudyLoader


@pytest.fixture(scope="session")
def dicom_data(shared_dir: Path) -> Path:
    return shared_dir / "data" / "dicom"


@pytest.fixture(scope="session")
def worker_loader() -> Iterator[StudyLoader]:
    """One loader with its 2 decoding processes started, shared by the tests that need them
    (starting the processes costs ~0.4 s)."""
    loader = StudyLoader(2)
    loader.warm_up()
    yield loader
    loader.close()


def gdcm_pixels(path: Path) -> tuple[np.ndarray, str]:
    """python-gdcm's own reading of a whole file (all frames), the independent reference decoder.

    Returns (frames, rows, columns[, samples]) stored values and gdcm's photometric interpretation.
    """
    gdcm = pytest.importorskip("gdcm")
    types = {
        gdcm.PixelFormat.UINT8: np.uint8, gdcm.PixelFormat.INT8: np.int8,
        gdcm.PixelFormat.UINT12: np.uint16, gdcm.PixelFormat.INT12: np.int16,
        gdcm.PixelFormat.UINT16: np.uint16, gdcm.PixelFormat.INT16: np.int16,
        gdcm.PixelFormat.UINT32: np.uint32, gdcm.PixelFormat.INT32: np.int32,
    }
    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    assert reader.Read(), f"gdcm cannot read {path}"
    image = reader.GetImage()
    fmt = image.GetPixelFormat()
    dims = image.GetDimensions()
    frames = dims[2] if len(dims) > 2 else 1
    data = image.GetBuffer().encode("utf-8", "surrogateescape")  # SWIG hands the bytes over as str
    samples = fmt.GetSamplesPerPixel()
    shape = (frames, dims[1], dims[0], *((samples,) if samples > 1 else ()))
    photometric = image.GetPhotometricInterpretation().GetString().strip()
    return np.frombuffer(data, types[fmt.GetScalarType()]).reshape(shape), photometric
