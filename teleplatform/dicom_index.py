"""Index of the DICOM files under DIR/dicom, kept in the store.

Files are read header-only (stop_before_pixels). A file that is not DICOM Part 10, lacks the UIDs
that place it (pydicom returns an empty dataset for some broken files), repeats an already indexed
SOP Instance UID, or is shorter than its own uncompressed pixel data claims, is reported and
skipped; the server starts anyway. Unchanged files (same size and mtime) are not re-read on restart.

For uncompressed little-endian files the offset of the pixel data is recorded, so a frame is a
seek and a read rather than a decode.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames
from pydicom.errors import InvalidDicomError
from pydicom.pixels.utils import get_expected_length
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from .store import Store

log = logging.getLogger(__name__)

STUDY_ATTRIBUTES = (
    "StudyInstanceUID",
    "StudyDate",
    "StudyTime",
    "AccessionNumber",
    "StudyID",
    "StudyDescription",
    "ReferringPhysicianName",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
)
SERIES_ATTRIBUTES = (
    "SeriesInstanceUID",
    "Modality",
    "SeriesNumber",
    "SeriesDescription",
    "SeriesDate",
    "SeriesTime",
    "BodyPartExamined",
)
INSTANCE_ATTRIBUTES = (
    "SOPClassUID",
    "SOPInstanceUID",
    "InstanceNumber",
    "Rows",
    "Columns",
    "NumberOfFrames",
    "BitsAllocated",
    "PhotometricInterpretation",
)
_NATIVE_LE = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class ScanReport:
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def _walk(root: Path) -> list[Path]:
    """Every file below root, following directory symlinks once (the demo links shared data)."""
    seen: set[str] = set()
    files: list[Path] = []
    for directory, subdirs, names in os.walk(root, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen:
            subdirs.clear()
            continue
        seen.add(real)
        subdirs.sort()
        files.extend(Path(directory) / name for name in sorted(names))
    return files


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def frame_count(ds: Dataset) -> int:
    return _int(ds.get("NumberOfFrames")) or 1


def native_frame_size(ds: Dataset) -> int | None:
    """Bytes of one uncompressed frame (YBR_FULL_422 sub-sampling included), or None when frames
    are not whole bytes (BitsAllocated 1) or the header cannot say."""
    if (_int(ds.get("BitsAllocated")) or 1) % 8:
        return None
    try:
        return get_expected_length(ds, unit="bytes") // frame_count(ds)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


class _Unusable(Exception):
    pass


def _check_encapsulated(path: Path, frames: int) -> None:
    """A compressed file is read once in full (not decoded): a truncated one has no complete
    PixelData, or fewer frames than NumberOfFrames, and would fail only when a client asks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            full = pydicom.dcmread(path)
            found = sum(1 for _ in generate_frames(full.PixelData, number_of_frames=frames))
        except Exception as exc:  # truncated items, missing delimiter, ...: all mean incomplete
            raise _Unusable("encapsulated pixel data incomplete (truncated file)") from exc
    if found < frames:
        raise _Unusable(f"encapsulated pixel data has {found} of {frames} frames (truncated file)")


def _read(path: Path, size: int) -> tuple[Dataset, int | None]:
    """Header and, for uncompressed little-endian pixel data, the offset of its value."""
    try:
        with path.open("rb") as fp:
            ds = pydicom.dcmread(fp, stop_before_pixels=True)
            pixel_tag_at = fp.tell()
    except InvalidDicomError as exc:
        raise _Unusable("not a DICOM Part 10 file") from exc
    except Exception as exc:  # pydicom raises many types on broken files; all mean "skip it"
        raise _Unusable(f"unreadable DICOM ({type(exc).__name__})") from exc
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "SOPClassUID"):
        if not str(ds.get(keyword, "")).strip():
            raise _Unusable(f"{keyword} missing")
    syntax = ds.file_meta.get("TransferSyntaxUID")
    if syntax is None:
        raise _Unusable("TransferSyntaxUID missing")
    if pixel_tag_at >= size:  # no pixel data (structured reports, dose reports...)
        return ds, None
    if syntax.is_encapsulated:
        _check_encapsulated(path, frame_count(ds))
        return ds, None
    frame = native_frame_size(ds)
    if frame is None or syntax.is_deflated:
        return ds, None
    header = 8 if syntax == ImplicitVRLittleEndian else 12
    if size < pixel_tag_at + header + frame * frame_count(ds):
        raise _Unusable("pixel data shorter than its Rows, Columns and frames (truncated file)")
    return ds, pixel_tag_at + header if syntax in _NATIVE_LE else None


def _attributes_json(ds: Dataset) -> str:
    subset = Dataset()
    for keyword in (*STUDY_ATTRIBUTES, *SERIES_ATTRIBUTES, *INSTANCE_ATTRIBUTES):
        if keyword in ds:
            subset[keyword] = ds[keyword]
    return json.dumps(subset.to_json_dict(suppress_invalid_tags=True))


def scan(store: Store, root: Path) -> ScanReport:
    """Bring the index in line with the files; the first file (in path order) of a SOP UID wins."""
    report = ScanReport()
    if not root.is_dir():
        log.warning("no DICOM directory at %s", root)
    with store.reading() as conn:
        known = {
            r["path"]: (r["size"], r["mtime_ns"], r["sop_instance_uid"])
            for r in conn.execute("SELECT path, size, mtime_ns, sop_instance_uid FROM instances")
        }
    claimed: dict[str, str] = {}
    rows: list[tuple[object, ...]] = []
    for path in _walk(root) if root.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
        except OSError as exc:
            report.skipped.append(Skipped(rel, f"cannot stat ({exc.strerror})"))
            continue
        previous = known.get(rel)
        if previous is not None and previous[:2] == (stat.st_size, stat.st_mtime_ns):
            sop_uid, ds, pixel_offset = previous[2], None, None
        else:
            try:
                ds, pixel_offset = _read(path, stat.st_size)
            except _Unusable as exc:
                report.skipped.append(Skipped(rel, str(exc)))
                continue
            sop_uid = str(ds.SOPInstanceUID)
        if sop_uid in claimed:
            report.skipped.append(Skipped(rel, f"same SOP Instance UID as {claimed[sop_uid]}"))
            continue
        claimed[sop_uid] = rel
        if ds is None:
            report.unchanged += 1
            continue
        report.indexed += 1
        rows.append(
            (
                sop_uid,
                str(ds.StudyInstanceUID),
                str(ds.SeriesInstanceUID),
                str(ds.SOPClassUID),
                rel,
                stat.st_size,
                stat.st_mtime_ns,
                str(ds.file_meta.TransferSyntaxUID),
                pixel_offset,
                str(ds.get("PatientID", "")),
                str(ds.get("PatientName", "")),
                str(ds.get("AccessionNumber", "")),
                str(ds.get("Modality", "")),
                str(ds.get("StudyDate", "")),
                _int(ds.get("SeriesNumber")),
                _int(ds.get("InstanceNumber")),
                _attributes_json(ds),
            )
        )
    kept = set(claimed.values())
    with store.transaction() as conn:
        stale = [path for path in known if path not in kept]
        conn.executemany("DELETE FROM instances WHERE path = ?", [(p,) for p in stale])
        report.removed = sum(1 for p in stale if not (root / p).exists())
        for row in rows:
            conn.execute("DELETE FROM instances WHERE path = ? OR sop_instance_uid = ?", (row[4], row[0]))
        conn.executemany(
            "INSERT INTO instances (sop_instance_uid, study_uid, series_uid, sop_class_uid, path, size,"
            " mtime_ns, transfer_syntax, pixel_offset, patient_id, patient_name, accession_number, modality,"
            " study_date, series_number, instance_number, attrs_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    for skipped in report.skipped:
        log.warning("DICOM file skipped: %s: %s", skipped.path, skipped.reason)
    log.info(
        "DICOM index: %d file(s) read, %d unchanged, %d removed, %d skipped",
        report.indexed,
        report.unchanged,
        report.removed,
        len(report.skipped),
    )
    return report
