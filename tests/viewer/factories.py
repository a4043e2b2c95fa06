"""Small synthetic DICOM series written by the tests, each built to show one defect.

Every slice's pixels encode the slice's true place along the normal (``value_base + 100 * rank``), so a
test can tell from the volume alone whether the loader ordered the slices right. The patient is
fictional ("TEST^Synthetique").
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
CORONAL = (1.0, 0.0, 0.0, 0.0, 0.0, -1.0)


def slice_pixels(rank: int, rows: int = 8, columns: int = 8, base: int = 1000) -> np.ndarray:
    """A recognisable image: a ramp whose offset is ``base + 100 * rank`` (12 bits at most)."""
    ramp = np.arange(rows * columns, dtype=np.uint16).reshape(rows, columns) % 97
    return (ramp + base + 100 * rank).astype(np.uint16)


def make_slice(
    *,
    position: Sequence[float],
    orientation: Sequence[float] = AXIAL,
    pixels: np.ndarray,
    series_uid: str,
    study_uid: str,
    instance: int,
    spacing: Sequence[float] = (0.5, 0.5),
    slope: float = 1.0,
    intercept: float = -1024.0,
    photometric: str = "MONOCHROME2",
    bits_stored: int = 12,
    signed: bool = False,
    extra: dict[str, object] | None = None,
) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    sop_uid = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.FrameOfReferenceUID = generate_uid()
    ds.PatientName = "TEST^Synthetique"
    ds.PatientID = "TEST-0001"
    ds.Modality = "CT"
    ds.SeriesNumber = 3
    ds.SeriesDescription = "Série de test"
    ds.InstanceNumber = instance
    ds.ImagePositionPatient = [f"{v:.4f}" for v in position]
    ds.ImageOrientationPatient = [f"{v:.6f}" for v in orientation]
    ds.PixelSpacing = [f"{v:g}" for v in spacing]
    ds.SliceThickness = "1"
    ds.RescaleSlope = f"{slope:g}"
    ds.RescaleIntercept = f"{intercept:g}"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.PixelData = pixels.astype(np.int16 if signed else np.uint16).tobytes()
    for keyword, value in (extra or {}).items():
        setattr(ds, keyword, value)
    return ds


def write_series(
    folder: Path,
    positions: Sequence[Sequence[float]],
    *,
    orientations: Sequence[Sequence[float]] | None = None,
    shuffle: bool = True,
    series_uid: str | None = None,
    study_uid: str | None = None,
    syntax: str | None = None,
    **options: object,
) -> list[Path]:
    """Write one file per position; ranks follow the order of ``positions`` (given sorted along the
    normal). Files are named in a shuffled order so that name order never equals slice order."""
    folder.mkdir(parents=True, exist_ok=True)
    series_uid = series_uid or generate_uid()
    study_uid = study_uid or generate_uid()
    rng = np.random.default_rng(7)
    names = rng.permutation(len(positions)) if shuffle else np.arange(len(positions))
    default_orientation = options.pop("orientation", AXIAL)
    pixels_for = options.pop("pixels_for", slice_pixels)
    paths = []
    for rank, position in enumerate(positions):
        orientation = orientations[rank] if orientations else default_orientation
        ds = make_slice(
            position=position, orientation=orientation, pixels=pixels_for(rank),  # type: ignore[operator]
            series_uid=series_uid, study_uid=study_uid, instance=rank + 1, **options,  # type: ignore[arg-type]
        )
        if syntax is not None:
            ds.compress(syntax, encoding_plugin=_ENCODERS.get(syntax, ""))
        path = folder / f"IM{int(names[rank]):04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


_ENCODERS = {"1.2.840.10008.1.2.4.80": "pyjpegls", "1.2.840.10008.1.2.4.90": "pylibjpeg"}


def axial_positions(
    count: int,
    spacing: float = 2.0,
    z0: float = -50.0,
    tilt_mm_per_slice: float = 0.0,
    skip: Sequence[int] = (),
) -> list[tuple[float, float, float]]:
    """Positions of an axial stack; ``tilt_mm_per_slice`` shifts y as a gantry tilt does."""
    return [(-2.0, -2.0 + k * tilt_mm_per_slice, z0 + k * spacing) for k in range(count) if k not in skip]


def voi_lut_item(first: int, data: Sequence[int], bits: int = 12) -> DicomSequence:
    item = Dataset()
    item.add_new("LUTDescriptor", "US", [len(data), first, bits])  # US as most writers do, even if signed
    item.add_new("LUTData", "US", list(data))
    item.LUTExplanation = "TEST"
    return DicomSequence([item])
