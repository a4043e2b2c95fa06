"""A study folder of real files from ../shared spoiled the ways the field spoils them (issue 13).

Every bad file is made from a real file written by others, damaged in one precise way, next to an
intact run of the real Philips CT, so a test can check that each bad file gets its own French line
and that the CT still opens whole. Nothing here decodes anything: the loader under test does.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.uid import ExplicitVRLittleEndian

CORNERSTONE = "cornerstonejs_cornerstoneWADOImageLoader"
CT_FOLDER = "neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm"
CT_SLICES = 12
WSI_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6"  # VL Whole Slide Microscopy Image Storage
ECG_CLASS = "1.2.840.10008.5.1.4.1.1.9.1.1"  # 12-lead ECG Waveform Storage


@dataclass(frozen=True, slots=True)
class BadStudy:
    folder: Path
    ct_files: tuple[Path, ...]


def _encapsulated_fragment(data: bytes | bytearray, offset: int) -> int:
    """Offset of the first fragment's value after the (possibly empty) basic offset table item."""
    table = int.from_bytes(data[offset + 4:offset + 8], "little")
    return offset + 8 + table + 8


def _pixel_offset(path: Path) -> int:
    from viewer.headers import ImageFile, read_image_file

    image = read_image_file(path)
    assert isinstance(image, ImageFile), image
    return image.source.offset


def damaged_rle(source: Path, target: Path) -> None:
    """The high-byte segment of an RLE CT slice rewritten as replicate runs that write past the end
    of the frame: pylibjpeg-rle answers with a Rust panic (a BaseException)."""
    data = bytearray(source.read_bytes())
    fragment = _encapsulated_fragment(data, _pixel_offset(source))
    first = int.from_bytes(data[fragment + 4:fragment + 8], "little")
    second = int.from_bytes(data[fragment + 8:fragment + 12], "little")
    size = second - first
    data[fragment + first:fragment + second] = b"\x81\x00" * (size // 2) + b"\x00" * (size % 2)
    target.write_bytes(bytes(data))


def huge_frame_header(source: Path, target: Path, rows: int, columns: int) -> None:
    """A JPEG frame header (SOF) that claims rows x columns pixels while the DICOM header says 512:
    libjpeg spent 30 s on 30000 x 30000 before the codestream was checked against the header."""
    data = bytearray(source.read_bytes())
    offset = _pixel_offset(source)
    for marker in (b"\xff\xc0", b"\xff\xc1", b"\xff\xc2", b"\xff\xc3", b"\xff\xf7"):
        sof = data.find(marker, offset)
        if sof > 0:
            break
    else:
        raise AssertionError(f"no start of frame in {source}")
    data[sof + 5:sof + 7] = rows.to_bytes(2, "big")
    data[sof + 7:sof + 9] = columns.to_bytes(2, "big")
    target.write_bytes(bytes(data))


def compressed_labelled_native(source: Path, target: Path, undefined_length: bool) -> None:
    """JPEG-lossless pixel data under an Explicit VR Little Endian label (gdcm reads it)."""
    ds = pydicom.dcmread(source)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds["PixelData"].is_undefined_length = undefined_length
    ds.save_as(target, enforce_file_format=True)


def without_photometric(source: Path, target: Path) -> None:
    ds = pydicom.dcmread(source)
    del ds.PhotometricInterpretation
    ds.save_as(target, enforce_file_format=True)


def with_sop_class(source: Path, target: Path, sop_class: str) -> None:
    """A real file relabelled as another kind of object (a slide scanner's, a waveform's)."""
    ds = pydicom.dcmread(source)
    ds.SOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.save_as(target, enforce_file_format=True)


def make_bad_study(dicom_data: Path, folder: Path) -> BadStudy:
    """The folder, and the intact CT files in it."""
    folder.mkdir(parents=True, exist_ok=True)
    ct = sorted((p for p in (dicom_data / CT_FOLDER).iterdir() if p.name != "DIRFILE"),
                key=lambda p: int(p.name[1:]))[60:60 + CT_SLICES]
    copies = []
    for path in ct:
        copy = folder / f"ct_{path.name}"
        shutil.copyfile(path, copy)
        copies.append(copy)
    cs = dicom_data / CORNERSTONE
    damaged_rle(cs / "CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm",
                folder / "rle_panic.dcm")
    huge_frame_header(cs / "CTImage.dcm_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm",
                      folder / "jpeg_sof_30000.dcm", 30000, 30000)
    huge_frame_header(cs / "CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm",
                      folder / "jpegls_sof_65535.dcm", 65535, 65535)
    lossless = cs / "CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm"
    compressed_labelled_native(lossless, folder / "jpll_labelled_native.dcm", undefined_length=False)
    compressed_labelled_native(lossless, folder / "jpll_labelled_native_undefined.dcm",
                               undefined_length=True)
    without_photometric(cs / "CTImage.dcm", folder / "no_photometric.dcm")
    with_sop_class(dicom_data / "pydicom_pydicom-data" / "emri_small.dcm", folder / "slide_wsi.dcm",
                   WSI_CLASS)
    with_sop_class(dicom_data / "malformed" / "cornerstone" / "no-pixel-data.dcm", folder / "ecg.dcm",
                   ECG_CLASS)
    shutil.copyfile(dicom_data / "malformed" / "pydicom_wheel_test_files" / "MR_truncated.dcm",
                    folder / "mr_truncated.dcm")
    return BadStudy(folder, tuple(copies))
