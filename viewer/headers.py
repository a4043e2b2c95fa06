"""Reading one file's header into plain values: what the image is, where it sits, where its pixels are.

The header is read up to the Pixel Data element and the offset of its value is kept, so the pixels can
later be read straight into the volume (or by a worker process) without parsing the file twice or
holding a pydicom Dataset per slice. Everything returned is a frozen, picklable value. Ordinary files
(little endian, needed attributes at the top level) are walked by a struct scan that keeps only the
elements used here, ~6x cheaper than pydicom's parser, which reads every other file (see _scan).

pydicom is tolerant by design: it returns an empty dataset for some broken files, accepts garbage in
numeric strings until the value is used, and stops silently at a truncated end. Every value the viewer
relies on is therefore converted here, once, and a bad one becomes a :class:`FileProblem` naming it.
"""
from __future__ import annotations

import errno
import functools
import math
import os
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import pydicom
from pydicom.charset import convert_encodings, default_encoding
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import DataElement, RawDataElement, convert_raw_data_element
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.filereader import read_partial
from pydicom.tag import BaseTag, Tag
from pydicom.uid import UID

from resources.translations import QT_TRANSLATE_NOOP
from viewer.codecs import (
    Lossy,
    PixelFormat,
    PixelSource,
    codestream_marker,
    pydicom_quietly,
    syntax_support,
)
from viewer.problems import FileProblem, ProblemKind

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
DEFLATED = "1.2.840.10008.1.2.1.99"

PROJECTION_MODALITIES = frozenset({"CR", "DX", "MG", "IO", "PX", "RF", "XA", "RG", "DF"})
_PIXEL_DATA, _FLOAT_PIXEL_DATA, _DOUBLE_PIXEL_DATA = 0x7FE00010, 0x7FE00008, 0x7FE00009
_DIRECTORY_RECORDS = 0x00041220
_BULK = frozenset({_PIXEL_DATA, _FLOAT_PIXEL_DATA, _DOUBLE_PIXEL_DATA, _DIRECTORY_RECORDS})
_LONG_VRS = {b"OB", b"OW", b"OF", b"OD", b"OL", b"OV", b"SQ", b"UC", b"UN", b"UR", b"UT", b"SV", b"UV"}


class SpacingSource(Enum):
    """Which attribute gives the pixel size, which decides what a measured distance means."""

    PATIENT = "PixelSpacing"
    CALIBRATED = "PixelSpacing étalonné"
    PROJECTION_UNSPECIFIED = "PixelSpacing (projection)"
    DETECTOR = "ImagerPixelSpacing"
    MAGNIFICATION_CORRECTED = "ImagerPixelSpacing / agrandissement"
    NOMINAL = "NominalScannedPixelSpacing"
    NONE = "aucune"


@dataclass(frozen=True, slots=True)
class PixelSpacing:
    """Pixel size in mm as DICOM orders it: (between rows, between columns), and what it is measured on."""

    row_mm: float
    column_mm: float
    source: SpacingSource
    description: str


_NOT_DICOM = QT_TRANSLATE_NOOP("FileProblem", "ignoré : ce n'est pas un fichier DICOM.")

NO_SPACING = PixelSpacing(1.0, 1.0, SpacingSource.NONE, "Aucun étalonnage : les mesures sont en pixels.")


@dataclass(frozen=True, slots=True)
class Window:
    """A header window (PS3.3 C.11.2.1.2) in the units of the Modality LUT output."""

    center: float
    width: float
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class VoiLut:
    """One item of the VOI LUT Sequence (PS3.3 C.11.2.1.1)."""

    first_mapped: int
    bits: int
    data: tuple[int, ...]
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class LossyInfo:
    """Lossy Image Compression (0028,2110) and its ratio/method, or what the transfer syntax implies."""

    state: Lossy
    ratios: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SplitKeys:
    """Attributes that tell apart images sharing one position (phases, echoes, stacks)."""

    temporal: str | None = None
    echo: str | None = None
    acquisition: str | None = None
    stack: str | None = None
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class FrameInfo:
    """What the viewer needs of one frame; a classic single-frame file has exactly one."""

    index: int
    position: tuple[float, float, float] | None
    orientation: tuple[float, float, float, float, float, float] | None
    spacing: PixelSpacing
    slice_thickness: float | None
    rescale_slope: float
    rescale_intercept: float
    windows: tuple[Window, ...]
    voi_function: str
    split: SplitKeys


@dataclass(frozen=True, slots=True)
class PatientIdentity:
    """Who the headers say the images are of, as written (the application checks it against the
    order; the standalone viewer shows it, marked as coming from the headers)."""

    name: str = ""  # PN as written: FAMILY^Given^Middle^Prefix^Suffix
    patient_id: str = ""
    birth_date: str = ""  # DA as written (YYYYMMDD)
    sex: str = ""

    @property
    def known(self) -> bool:
        return bool(self.name or self.patient_id)

    @property
    def display_name(self) -> str:
        """« FAMILY Given Middle » from the PN components."""
        parts = [p.strip() for p in self.name.split("=")[0].split("^")]
        family, given = [*parts, "", ""][:2]
        return " ".join(x for x in (family.upper(), given, *parts[2:3]) if x)

    @property
    def birth_date_fr(self) -> str:
        raw = self.birth_date
        return f"{raw[6:8]}/{raw[4:6]}/{raw[0:4]}" if len(raw) == 8 and raw.isdigit() else raw


@dataclass(frozen=True, slots=True)
class ImageFile:
    """One image file, ready to be grouped into series and decoded."""

    path: str
    sop_class_uid: str
    sop_instance_uid: str
    study_instance_uid: str
    series_instance_uid: str
    series_number: int | None
    series_description: str
    modality: str
    frame_of_reference_uid: str
    instance_number: int | None
    fmt: PixelFormat
    source: PixelSource
    lossy: LossyInfo
    rescale_type: str
    voi_luts: tuple[VoiLut, ...]
    presentation_lut_shape: str
    has_modality_lut: bool
    frames: tuple[FrameInfo, ...]
    notes: tuple[str, ...] = ()
    study_date: str = ""  # DA as written (YYYYMMDD), for the corner annotation; not validated
    patient: PatientIdentity = PatientIdentity()


class _BadValue(Exception):
    def __init__(self, keyword: str, raw: object, cause: Exception) -> None:
        super().__init__(f"{keyword}={raw!r}: {type(cause).__name__}: {cause}")
        self.keyword, self.raw = keyword, raw


# VRs whose values are ASCII by definition (PS3.5 6.2): their raw bytes are decoded here directly,
# which is several times cheaper than pydicom's conversion (validation, DSfloat objects). Header
# extraction is the cost of loading an uncompressed series, so this matters. Others go through pydicom.
_ASCII_VRS = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI"})
_BINARY_VRS = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d"}


@functools.cache
def _tag(keyword: str) -> tuple[BaseTag, str, int]:
    """pydicom's tag, its dictionary VR, and the tag as a plain int (a dict look-up with a BaseTag
    calls its Python-level __eq__; with an int it stays in C)."""
    tag = Tag(keyword)
    return tag, dictionary_VR(tag), int(tag)


class _Scanned:
    """The elements the fast scan kept, with the few Dataset methods this module uses.

    Not a pydicom Dataset: building two of them (data set and file meta) per file cost more than
    reading the values. Raw elements are keyed by plain int tags; a value that needs pydicom's
    conversion (text in the file's character set) is converted by pydicom, as a Dataset would.
    """

    __slots__ = ("_converted", "implicit", "meta", "raw")

    def __init__(self, raw: dict[int, RawDataElement], implicit: bool, meta: _Scanned | None) -> None:
        self.raw, self.implicit, self.meta = raw, implicit, meta
        self._converted: dict[int, DataElement] = {}

    @property
    def file_meta(self) -> _Scanned | None:
        return self.meta

    @property
    def original_encoding(self) -> tuple[bool, bool]:
        return self.implicit, True

    def __len__(self) -> int:
        return len(self.raw)

    def get_item(self, key: int) -> RawDataElement | None:
        return self.raw.get(int(key))

    def __getitem__(self, key: int) -> DataElement:
        number = int(key)
        found = self._converted.get(number)
        if found is None:
            if number not in self.raw:
                raise KeyError(Tag(number))
            encoding = self._encoding() if number != 0x00080005 else default_encoding
            found = self._converted[number] = convert_raw_data_element(self.raw[number], encoding=encoding)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        number = int(Tag(key))
        return self[number].value if number in self.raw else default

    def _encoding(self) -> str | list[str]:
        charset = self.raw.get(0x00080005)
        if charset is None or not charset.value:
            return default_encoding
        return convert_encodings(self[0x00080005].value)


def _element(ds: Dataset | _Scanned, keyword: str) -> Any:
    tag, _, number = _tag(keyword)
    return ds.raw.get(number) if type(ds) is _Scanned else ds.get_item(tag)


def _values(ds: Dataset | _Scanned, keyword: str) -> list[Any]:
    """The element's values as a list ([] when absent or empty), strings stripped of padding."""
    tag, vr, number = _tag(keyword)
    elem = ds.raw.get(number) if type(ds) is _Scanned else ds.get_item(tag)
    if elem is None:
        return []
    if isinstance(elem, RawDataElement):
        data = elem.value
        if not data:
            return []
        actual = elem.VR if elem.VR and elem.VR != "UN" else vr  # UN keeps the original (LE) encoding
        if actual in _ASCII_VRS:
            return [v.strip(" \x00") for v in data.decode("latin-1").split("\\")]
        code = _BINARY_VRS.get(actual)
        if code is not None:
            count = len(data) // struct.calcsize(code)
            little = elem.is_little_endian or elem.VR == "UN"
            end = count * struct.calcsize(code)
            return list(struct.unpack(("<" if little else ">") + code * count, data[:end]))
    value = ds[tag].value
    if value is None or value == "" or value == b"":
        return []
    return _multi(value)


def _has(ds: Dataset | _Scanned | None, keyword: str) -> bool:
    return ds is not None and _element(ds, keyword) is not None


def _get(ds: Dataset | _Scanned | None, keyword: str, convert: Callable[[list[Any]], Any],
         default: Any = None) -> Any:
    """A converted attribute value, ``default`` when absent or empty, _BadValue when unusable."""
    if ds is None:
        return default
    try:
        values = _values(ds, keyword)
    except Exception as exc:  # an undecodable raw value is a bad value like any other
        raise _BadValue(keyword, "<illisible>", exc) from exc
    if not values or values == [""]:
        return default
    try:
        return convert(values)
    except Exception as exc:
        raise _BadValue(keyword, "\\".join(str(v) for v in values), exc) from exc


def _multi(raw: Any) -> list[Any]:
    """pydicom gives one value or a MultiValue list; always a list here."""
    if isinstance(raw, str | bytes) or not hasattr(raw, "__iter__"):
        return [raw]
    return list(raw)


def _floats(n: int) -> Callable[[list[Any]], tuple[float, ...]]:
    def convert(values: list[Any]) -> tuple[float, ...]:
        found = tuple(float(v) for v in values)
        if len(found) != n or not all(math.isfinite(v) for v in found):
            raise ValueError(f"expected {n} finite numbers")
        return found

    return convert


def _float(values: list[Any]) -> float:
    value = float(values[0])
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def _int(values: list[Any]) -> int:
    return int(values[0])


def _text(values: list[Any]) -> str:
    return str(values[0]).strip()


def _all(values: list[Any]) -> list[Any]:
    return values


def _item(ds: Dataset | _Scanned | None, keyword: str) -> Dataset | None:
    """First item of a sequence attribute, or None."""
    if not _has(ds, keyword):
        return None
    seq = ds[_tag(keyword)[0]].value  # type: ignore[index]
    return seq[0] if seq else None


def read_image_file(path: str | os.PathLike[str]) -> ImageFile | FileProblem:
    """Read a file's header; never raises for bad content (the problem is the return value)."""
    path = os.fspath(path)
    try:
        with pydicom_quietly() as caught:
            return _read(path, caught)
    except _BadValue as bad:
        return FileProblem(
            path, ProblemKind.INVALID_VALUE,
            QT_TRANSLATE_NOOP("FileProblem", "valeur DICOM invalide pour {keyword} (« {value} »).")
            .format(keyword=bad.keyword, value=str(bad.raw)[:40]), str(bad),
        )
    except OSError as exc:
        if _file_system_error(exc):
            unreadable = QT_TRANSLATE_NOOP("FileProblem", "impossible de lire le fichier (droits, disque "
                                                          "ou fichier déplacé).")
            return FileProblem(path, ProblemKind.UNREADABLE, unreadable, f"{type(exc).__name__}: {exc}")
        # pydicom says "End of file reached before delimiter" and the like with OSError: bad content
        return FileProblem(path, ProblemKind.CORRUPT,
                           QT_TRANSLATE_NOOP("FileProblem",
                                             "fichier DICOM corrompu : son en-tête ne peut pas être lu."),
                           f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # pydicom raises many types on corrupt input; all mean "corrupt file"
        return FileProblem(path, ProblemKind.CORRUPT,
                           QT_TRANSLATE_NOOP("FileProblem",
                                             "fichier DICOM corrompu : son en-tête ne peut pas être lu."),
                           f"{type(exc).__name__}: {exc}")


def _file_system_error(exc: OSError) -> bool:
    """Whether an OSError comes from the file system (rights, a vanished file, a failing disk) rather
    than from a parser that met malformed content and chose OSError to say so."""
    return isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError | NotADirectoryError
                      | TimeoutError) or exc.errno in (errno.EIO, errno.ENXIO, errno.ENODEV, errno.ESTALE,
                                                       errno.EACCES, errno.ENOENT)


# Objects that carry pixels this viewer would show wrong: the line the user reads instead
_UNSUPPORTED_SOP = {
    "1.2.840.10008.5.1.4.1.1.77.1.6": QT_TRANSLATE_NOOP(
        "FileProblem", "lame de microscopie numérisée (WSI) : non affichée par cette visionneuse "
                       "(mosaïque de tuiles sans géométrie ni échelle utilisables)."),
}
_WAVEFORM_PREFIX = "1.2.840.10008.5.1.4.1.1.9."
_WAVEFORM = QT_TRANSLATE_NOOP("FileProblem", "tracé (ECG ou autre signal) : non affiché par cette "
                                             "visionneuse ({name}).")


def _read(path: str, caught: list[warnings.WarningMessage]) -> ImageFile | FileProblem:
    size = os.path.getsize(path)
    scanned = _scan_file(path, size)
    ds: Dataset | _Scanned
    if scanned is not None:
        ds, pixel_pos, pixel_header = scanned
        has_prefix, pydicom_notes = True, ""
    else:
        with open(path, "rb") as fp:
            preamble = fp.read(132)
            has_prefix = preamble[128:132] == b"DICM"
            fp.seek(0)
            try:
                ds = read_partial(fp, _stop_before_bulk, force=not has_prefix)
            except InvalidDicomError as exc:
                return FileProblem(path, ProblemKind.NOT_DICOM, _NOT_DICOM, str(exc))
            pixel_header = fp.read(12)
            pixel_pos = fp.tell() - len(pixel_header)
            pydicom_notes = "; ".join(str(w.message) for w in caught)

    if len(ds) == 0:
        if not has_prefix:
            return FileProblem(path, ProblemKind.NOT_DICOM, _NOT_DICOM,
                               "no DICM prefix and nothing parsed with force=True")
        return FileProblem(path, ProblemKind.EMPTY_DATASET,
                           QT_TRANSLATE_NOOP("FileProblem", "fichier DICOM vide : aucun attribut lisible "
                                                            "après l'en-tête (fichier tronqué ?)."),
                           f"pydicom returned an empty dataset; {pydicom_notes or 'no warning'}")
    if not has_prefix and not _has(ds, "SOPClassUID") and not _has(ds, "Rows"):
        return FileProblem(path, ProblemKind.NOT_DICOM, _NOT_DICOM,
                           "no DICM prefix and no SOP Class UID nor Rows when forced")

    sop_class = _get(ds, "SOPClassUID", _text) or _get(getattr(ds, "file_meta", None),
                                                       "MediaStorageSOPClassUID", _text, "")
    syntax = _transfer_syntax(ds)
    if syntax == DEFLATED:
        inflated = pydicom.dcmread(path)  # the inflated stream has no file offsets: read everything once
        ds = inflated
        pixel_tag = _PIXEL_DATA if _has(ds, "PixelData") else None
        value_offset, length, vr = -1, None, str(inflated["PixelData"].VR) if _has(ds, "PixelData") else "OW"
    else:
        pixel_tag, value_offset, length, vr = _pixel_element(pixel_header, pixel_pos, ds, syntax)

    sop_name = UID(sop_class).name if sop_class else QT_TRANSLATE_NOOP("FileProblem", "classe SOP absente")
    if sop_class in _UNSUPPORTED_SOP:
        return FileProblem(path, ProblemKind.UNSUPPORTED_OBJECT, _UNSUPPORTED_SOP[sop_class],
                           f"{sop_name}: not displayed by this viewer")
    if sop_class.startswith(_WAVEFORM_PREFIX):
        return FileProblem(path, ProblemKind.UNSUPPORTED_OBJECT, _WAVEFORM.format(name=sop_name),
                           f"{sop_name}: waveform, not displayed")
    if pixel_tag is None:
        if "Image Storage" in sop_name or _has(ds, "Rows"):
            return FileProblem(path, ProblemKind.NO_PIXEL_DATA,
                               QT_TRANSLATE_NOOP("FileProblem", "image sans données de pixels "
                                                                "(en-tête seul), rien à afficher."),
                               f"{sop_name}: no (7FE0,0010) Pixel Data")
        return FileProblem(path, ProblemKind.NON_IMAGE,
                           QT_TRANSLATE_NOOP("FileProblem", "ignoré : document sans image ({name}).")
                           .format(name=sop_name),
                           f"{sop_name}: no Pixel Data")
    if pixel_tag != _PIXEL_DATA:
        return FileProblem(path, ProblemKind.UNSUPPORTED_PIXEL_FORMAT,
                           QT_TRANSLATE_NOOP("FileProblem",
                                             "pixels en virgule flottante non pris en charge."),
                           f"pixel element {pixel_tag:08X} (float/double pixel data)")

    support = syntax_support(syntax)
    if support is None:
        return FileProblem(path, ProblemKind.UNSUPPORTED_TRANSFER_SYNTAX,
                           QT_TRANSLATE_NOOP("FileProblem", "syntaxe de transfert non prise en charge : "
                                                            "{name} ({uid}).")
                           .format(name=UID(syntax).name, uid=syntax),
                           f"unsupported transfer syntax {syntax}")

    notes: list[str] = []
    fmt = _pixel_format(ds, path, notes)
    if isinstance(fmt, FileProblem):
        return fmt
    frames_in_file = _get(ds, "NumberOfFrames", _int, 1)
    if frames_in_file < 1:
        raise _BadValue("NumberOfFrames", frames_in_file, ValueError("must be at least 1"))
    native_bytes = fmt.frame_bytes * frames_in_file
    sniffed = False
    if value_offset >= 0 and (support.encapsulated != (length is None)
                              or (not support.encapsulated and length is not None and length < native_bytes)):
        # as gdcm does: look at the data itself before calling the file corrupt or truncated
        found = _sniff_syntax(path, value_offset, length, support.encapsulated, native_bytes)
        if found is not None and syntax_support(found) is not None:
            sniffed = True
            notes.append(QT_TRANSLATE_NOOP(
                "SeriesWarning", "Syntaxe de transfert erronée dans le fichier ({declared}) : les pixels "
                                 "sont en {found} et ont été lus comme tels.")
                .format(declared=UID(syntax).name, found=UID(found).name))
            syntax, support = found, syntax_support(found)
            assert support is not None
    if support.encapsulated != (length is None) and value_offset >= 0 and not sniffed:
        return FileProblem(path, ProblemKind.CORRUPT,
                           QT_TRANSLATE_NOOP("FileProblem", "fichier DICOM corrompu : données de pixels "
                                                            "incohérentes avec la syntaxe de transfert."),
                           f"{UID(syntax).name} with {'undefined' if length is None else 'defined'} length")
    if not support.encapsulated and value_offset >= 0:
        expected = fmt.frame_bytes * frames_in_file
        available = min(length or 0, size - value_offset)
        if available < expected:
            return FileProblem(path, ProblemKind.TRUNCATED,
                               QT_TRANSLATE_NOOP("FileProblem", "fichier tronqué : les données de l'image "
                                                                "sont incomplètes."),
                               f"pixel data holds {available} of {expected} bytes")

    source = PixelSource(path, syntax, value_offset, length, frames_in_file, vr)
    frames = _frames(ds, frames_in_file, notes)
    return ImageFile(
        path=path,
        sop_class_uid=sop_class,
        sop_instance_uid=_get(ds, "SOPInstanceUID", _text, "") or path,
        study_instance_uid=_get(ds, "StudyInstanceUID", _text, ""),
        series_instance_uid=_get(ds, "SeriesInstanceUID", _text, ""),
        series_number=_get(ds, "SeriesNumber", _int),
        series_description=_get(ds, "SeriesDescription", _text, ""),
        modality=_get(ds, "Modality", _text, ""),
        frame_of_reference_uid=_get(ds, "FrameOfReferenceUID", _text, ""),
        instance_number=_get(ds, "InstanceNumber", _int),
        fmt=fmt,
        source=source,
        lossy=_lossy(ds, support.lossy),
        rescale_type=_get(ds, "RescaleType", _text, ""),
        voi_luts=_voi_luts(ds),
        presentation_lut_shape=_get(ds, "PresentationLUTShape", _text, ""),
        has_modality_lut=_has(ds, "ModalityLUTSequence"),
        frames=frames,
        notes=tuple(notes),
        study_date=_get(ds, "StudyDate", _text, ""),
        patient=_identity(ds),
    )


def _identity(ds: Dataset | _Scanned) -> PatientIdentity:
    """The patient attributes; an unreadable one is left empty (never a reason to refuse the image)."""
    found = []
    for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex"):
        try:
            value = ds[_tag(keyword)[0]].value if _element(ds, keyword) is not None else None
        except Exception:  # undecodable text in a declared character set: left out
            value = None
        found.append("" if value is None else str(value).strip(" \x00"))
    return PatientIdentity(*found)


# --- fast header scan ------------------------------------------------------------------------------
# Reading the headers is the cost of loading an uncompressed series: pydicom's element parser spends
# ~3.5 us per element building objects for ~130 elements per CT file, of which the viewer uses ~30.
# The scan below walks the same bytes with struct and keeps only the elements this module reads, as
# pydicom RawDataElements in a pydicom Dataset, so every value is still converted by the code above
# (and by pydicom for the non-ASCII VRs). It covers the ordinary case only: a Part 10 file in implicit
# or explicit VR little endian (every encapsulated syntax is the latter) whose needed attributes are
# all top-level. Anything else (no preamble, big endian, deflate, a VR that does not match the
# declared encoding, a truncated element, the sequences read above) raises _Unusual and the file is
# read by pydicom, which knows how to be tolerant and what to warn about.
_FAST_KEYWORDS = (
    "SpecificCharacterSet", "SOPClassUID", "SOPInstanceUID", "StudyDate", "Modality", "SeriesDescription",
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex",
    "SliceThickness", "TriggerTime", "EchoNumbers", "ImagerPixelSpacing",
    "EstimatedRadiographicMagnificationFactor",
    "StudyInstanceUID", "SeriesInstanceUID", "SeriesNumber", "AcquisitionNumber", "InstanceNumber",
    "ImagePositionPatient", "ImageOrientationPatient", "FrameOfReferenceUID", "TemporalPositionIdentifier",
    "SamplesPerPixel", "PhotometricInterpretation", "PlanarConfiguration", "NumberOfFrames", "Rows",
    "Columns", "PixelSpacing", "NominalScannedPixelSpacing", "PixelSpacingCalibrationType",
    "PixelSpacingCalibrationDescription", "BitsAllocated", "BitsStored", "PixelRepresentation",
    "WindowCenter", "WindowWidth", "RescaleIntercept", "RescaleSlope", "RescaleType",
    "WindowCenterWidthExplanation", "VOILUTFunction", "LossyImageCompression",
    "LossyImageCompressionRatio", "LossyImageCompressionMethod", "PresentationLUTShape",
)
# sequences whose content this module reads: a file that has one goes to pydicom
_SEQUENCE_KEYWORDS = (
    "ModalityLUTSequence", "VOILUTSequence", "SharedFunctionalGroupsSequence",
    "PerFrameFunctionalGroupsSequence",
)
_FAST_TAGS = frozenset(int(Tag(k)) for k in _FAST_KEYWORDS)
_SEQUENCE_TAGS = frozenset(int(Tag(k)) for k in _SEQUENCE_KEYWORDS)
_EXPLICIT_VRS = frozenset(
    b"AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV"
    .split()
)
_HEADER_SIZE = {vr: 12 if vr in _LONG_VRS else 8 for vr in _EXPLICIT_VRS}  # bytes before the value
_UNDEFINED = 0xFFFFFFFF
_ITEM, _ITEM_END, _SEQUENCE_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
_SCAN_FIRST = 16384  # bytes read first: a CT header is ~8 KB; a longer one is read by doubling
_HHI, _H, _I = struct.Struct("<HHI"), struct.Struct("<H"), struct.Struct("<I")
# an element's first bytes read at once; "<I" reads a tag as (element << 16) | group
_EXPLICIT_HEAD, _IMPLICIT_HEAD = struct.Struct("<I2sH"), struct.Struct("<II")


def _swapped(tag: int) -> int:
    """(group << 16) | element from the tag as "<I" reads it, and back."""
    return ((tag & 0xFFFF) << 16) | (tag >> 16)


_KEEP, _TO_PYDICOM, _STOP = 1, 2, 3
# what the scan does at each tag it knows, with the tag as pydicom's key
_ACTION = (
    {_swapped(t): (_KEEP, t, BaseTag(t)) for t in _FAST_TAGS}
    | {_swapped(t): (_TO_PYDICOM, t, BaseTag(t)) for t in _SEQUENCE_TAGS}
    | {_swapped(t): (_STOP, t, BaseTag(t)) for t in _BULK}
)


class _Unusual(Exception):
    """The scan met something it leaves to pydicom."""


class _NeedMore(Exception):
    """The header goes on past the bytes read so far."""


def _scan_file(path: str, size: int) -> tuple[_Scanned, int, bytes] | None:
    """(dataset of the needed elements, offset of the bulk element, its first 12 bytes), or None when
    the file must be read by pydicom."""
    with open(path, "rb", buffering=0) as f:
        data = f.read(_SCAN_FIRST)
        while True:
            try:
                return _scan(data, len(data) >= size)
            except _Unusual:
                return None
            except _NeedMore:
                more = f.read(len(data))
                if not more:
                    return None
                data += more


def _scan(data: bytes, complete: bool) -> tuple[_Scanned, int, bytes]:
    end = len(data)
    if end < 132 or data[128:132] != b"DICM":
        raise _Unusual
    more = _Unusual if complete else _NeedMore
    # file meta information: always explicit VR little endian
    meta: dict[int, RawDataElement] = {}
    pos = 132
    while True:
        if pos + 8 > end:
            raise more
        tag, vr, length = _EXPLICIT_HEAD.unpack_from(data, pos)
        if tag & 0xFFFF != 2:
            break
        size = _HEADER_SIZE.get(vr)
        if size is None:
            raise _Unusual
        if size == 12:
            (length,) = _I.unpack_from(data, pos + 8)
        start = pos + size
        pos = start + length
        if length == _UNDEFINED or pos > end:
            raise more if length != _UNDEFINED else _Unusual
        number = _swapped(tag)
        meta[number] = RawDataElement(BaseTag(number), vr.decode("ascii"), length, data[start:pos], start,
                                      False, True)
    syntax_element = meta.get(0x00020010)
    raw_syntax = syntax_element.value if syntax_element is not None else None
    syntax = raw_syntax.decode("ascii", "replace").strip(" \x00") if isinstance(raw_syntax, bytes) else ""
    support = syntax_support(syntax)
    if syntax == IMPLICIT_LE:
        implicit = True
    elif syntax == EXPLICIT_LE or (support is not None and support.encapsulated):
        implicit = False
    else:
        raise _Unusual  # big endian, deflate, unknown: pydicom
    if pos + 6 <= end and (data[pos + 4:pos + 6] in _HEADER_SIZE) == implicit:
        raise _Unusual  # the first element's encoding contradicts the syntax: pydicom's detection decides

    found: dict[int, RawDataElement] = {}
    walk = _walk_implicit if implicit else _walk_explicit
    pos = walk(data, pos, found, more, complete)
    if not found:
        raise _Unusual  # nothing usable: pydicom says what the file is
    if not complete and pos + 12 > end:
        raise _NeedMore
    return _Scanned(found, implicit, _Scanned(meta, False, None)), pos, data[pos:pos + 12]


def _walk_explicit(
    data: bytes, pos: int, found: dict[int, RawDataElement], more: type[Exception], complete: bool
) -> int:
    """Explicit VR little endian elements from ``pos``: the needed ones into ``found``; returns the
    offset of the bulk element (or the end). The hot loop of a load: one unpack and two dict look-ups
    per element, the tag compared as read (element, group)."""
    end = len(data)
    head, long_length = _EXPLICIT_HEAD.unpack_from, _I.unpack_from
    action_of, size_of = _ACTION.get, _HEADER_SIZE.get
    while True:
        if pos + 8 > end:
            if complete and pos == end:
                return pos  # no pixel data: the callers say what that means
            raise more
        tag, vr, length = head(data, pos)
        size = size_of(vr)
        if size is None:
            raise _Unusual
        if size == 12:
            if pos + 12 > end:
                raise more
            (length,) = long_length(data, pos + 8)
        known = action_of(tag)
        if known is None:
            if tag & 0xFFFF <= 2:
                raise _Unusual  # a command set or a second meta group
            if length != _UNDEFINED:
                pos += size + length
            elif vr == b"SQ":
                pos = _skip_sequence(data, pos + size, False, complete)
            else:
                raise _Unusual  # UN of undefined length holds implicit VR data
            continue
        action, number, key = known
        if action == _STOP:
            return pos
        if action == _TO_PYDICOM or vr == b"SQ" or length == _UNDEFINED:
            raise _Unusual
        start = pos + size
        pos = start + length
        if pos > end:
            raise more
        found[number] = RawDataElement(key, vr.decode("ascii"), length, data[start:pos], start, False, True)


def _walk_implicit(
    data: bytes, pos: int, found: dict[int, RawDataElement], more: type[Exception], complete: bool
) -> int:
    """As :func:`_walk_explicit` for implicit VR little endian (the VR comes from the dictionary)."""
    end = len(data)
    head, action_of = _IMPLICIT_HEAD.unpack_from, _ACTION.get
    while True:
        if pos + 8 > end:
            if complete and pos == end:
                return pos
            raise more
        tag, length = head(data, pos)
        known = action_of(tag)
        if known is None:
            if tag & 0xFFFF <= 2:
                raise _Unusual
            if length != _UNDEFINED:
                pos += 8 + length
            else:
                pos = _skip_sequence(data, pos + 8, True, complete)
            continue
        action, number, key = known
        if action == _STOP:
            return pos
        if action == _TO_PYDICOM or length == _UNDEFINED:
            raise _Unusual
        start = pos + 8
        pos = start + length
        if pos > end:
            raise more
        found[number] = RawDataElement(key, None, length, data[start:pos], start, True, True)


def _skip_sequence(data: bytes, pos: int, implicit: bool, complete: bool) -> int:
    """The offset after an undefined-length sequence whose first item starts at ``pos``."""
    end = len(data)
    more = _Unusual if complete else _NeedMore
    while True:
        if pos + 8 > end:
            raise more
        group, element, length = _HHI.unpack_from(data, pos)
        tag = (group << 16) | element
        pos += 8
        if tag == _SEQUENCE_END:
            return pos
        if tag != _ITEM:
            raise _Unusual
        if length != _UNDEFINED:
            pos += length
            continue
        while True:  # an undefined-length item: its elements up to the item delimiter
            if pos + 8 > end:
                raise more
            group, element, length = _HHI.unpack_from(data, pos)
            if (group << 16) | element == _ITEM_END:
                pos += 8
                break
            if implicit:
                start = pos + 8
            else:
                vr = data[pos + 4:pos + 6]
                size = _HEADER_SIZE.get(vr)
                if size is None:
                    raise _Unusual
                if size == 12:
                    if pos + 12 > end:
                        raise more
                    (length,) = _I.unpack_from(data, pos + 8)
                else:
                    length = _H.unpack_from(data, pos + 6)[0]
                start = pos + size
                if length == _UNDEFINED and vr != b"SQ":
                    raise _Unusual
            pos = _skip_sequence(data, start, implicit, complete) if length == _UNDEFINED else start + length


_ITEM_TAG = b"\xfe\xff\x00\xe0"


def _sniff_syntax(path: str, offset: int, length: int | None, declared_encapsulated: bool,
                  native_bytes: int) -> str | None:
    """The transfer syntax the pixel data really has when the declared one contradicts it.

    Fragments (undefined length, or a defined length too short for native pixels that starts with an
    item) under a native syntax: look at the first fragment (JPEG SOF marker, JPEG-LS, JPEG 2000, RLE
    header). A defined length of exactly the native size under a compressed syntax: native explicit
    VR little endian. None when the data says nothing clear."""
    if declared_encapsulated:
        return EXPLICIT_LE if length == native_bytes else None
    with open(path, "rb") as f:
        f.seek(offset)
        head = f.read(65536)
    if head[:4] != _ITEM_TAG or len(head) < 8:
        return None
    table = int.from_bytes(head[4:8], "little")  # the basic offset table item, often empty
    pos = 8 + table
    if head[pos:pos + 4] != _ITEM_TAG:
        return None
    fragment = head[pos + 8:]
    if fragment[:3] == b"\xff\xd8\xff":
        sof = codestream_marker(fragment)
        return {0xC0: "1.2.840.10008.1.2.4.50", 0xC1: "1.2.840.10008.1.2.4.51",
                0xC2: "1.2.840.10008.1.2.4.55", 0xC3: "1.2.840.10008.1.2.4.57",
                0xF7: "1.2.840.10008.1.2.4.80"}.get(sof or -1)
    if b"\xff\x4f\xff\x51" in fragment[:256]:
        return "1.2.840.10008.1.2.4.91"  # may be reversible or not: the lossy one says "possibly lossy"
    if len(fragment) >= 64:
        segments, first = int.from_bytes(fragment[:4], "little"), int.from_bytes(fragment[4:8], "little")
        if 1 <= segments <= 15 and first == 64:
            return "1.2.840.10008.1.2.5"
    return None


def _stop_before_bulk(tag: BaseTag, vr: str | None, length: int) -> bool:
    """Stop before the pixels (read later, straight into the volume) and before the records of a
    DICOMDIR-like file (a Philips DIRFILE is 100 KB of them, worth 30 image headers of parsing)."""
    return tag in _BULK  # a set: BaseTag's __eq__ is Python code, called once here instead of four times


def _transfer_syntax(ds: Dataset | _Scanned) -> str:
    """The declared syntax, or the one pydicom detected when the file meta lacks it."""
    meta = getattr(ds, "file_meta", None)
    declared = _get(meta, "TransferSyntaxUID", _text, "")
    if declared:
        return declared
    implicit, little = ds.original_encoding
    if implicit:
        return IMPLICIT_LE
    return EXPLICIT_LE if little else EXPLICIT_BE


def _pixel_element(
    head: bytes, pos: int, ds: Dataset | _Scanned, syntax: str
) -> tuple[int | None, int, int | None, str]:
    """Parse the element header where pydicom stopped: (tag, value offset, length or None, VR)."""
    if len(head) < 8:
        return None, -1, None, ""
    implicit, little = ds.original_encoding
    if syntax in (IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE):
        implicit, little = syntax == IMPLICIT_LE, syntax != EXPLICIT_BE
    elif syntax_support(syntax) is not None:  # every compressed syntax is explicit VR little endian
        implicit, little = False, True
    if not implicit and syntax == EXPLICIT_LE and head[4:6] not in _EXPLICIT_VRS:
        implicit = True  # implicit VR data under an explicit syntax, which pydicom detected and read
    end = "<" if little else ">"
    group, element = struct.unpack(end + "HH", head[:4])
    tag = (group << 16) | element
    if tag not in (_PIXEL_DATA, _FLOAT_PIXEL_DATA, _DOUBLE_PIXEL_DATA):
        return None, -1, None, ""
    if implicit:
        (length,) = struct.unpack(end + "I", head[4:8])
        offset = pos + 8
        vr = "OW" if _get(ds, "BitsAllocated", _int, 16) > 8 else "OB"
    else:
        vr_bytes = head[4:6]
        vr = vr_bytes.decode("ascii", "replace")
        if vr_bytes in _LONG_VRS:
            if len(head) < 12:
                return tag, -1, None, vr
            (length,) = struct.unpack(end + "I", head[8:12])
            offset = pos + 12
        else:
            (length,) = struct.unpack(end + "H", head[6:8])
            offset = pos + 8
    return tag, offset, (None if length == 0xFFFFFFFF else length), vr


def _pixel_format(ds: Dataset | _Scanned, path: str, notes: list[str]) -> PixelFormat | FileProblem:
    required = ("Rows", "Columns", "BitsAllocated")
    missing = [k for k in required if not _has(ds, k)]
    if missing:
        return FileProblem(path, ProblemKind.MISSING_ATTRIBUTE,
                           QT_TRANSLATE_NOOP("FileProblem", "attribut DICOM obligatoire absent : {keywords}.")
                           .format(keywords=", ".join(missing)),
                           f"missing type 1 attributes {missing}")
    fmt = PixelFormat(
        rows=_get(ds, "Rows", _int),
        columns=_get(ds, "Columns", _int),
        samples_per_pixel=_get(ds, "SamplesPerPixel", _int, 1),
        bits_allocated=_get(ds, "BitsAllocated", _int),
        bits_stored=_get(ds, "BitsStored", _int) or _get(ds, "BitsAllocated", _int),
        pixel_representation=_get(ds, "PixelRepresentation", _int, 0),
        photometric=_get(ds, "PhotometricInterpretation", _text, "").upper(),
        planar_configuration=_get(ds, "PlanarConfiguration", _int, 0),
    )
    if not fmt.photometric:  # type 1, yet missing in the field: gdcm and dcmtk assume the same
        assumed = "MONOCHROME2" if fmt.samples_per_pixel == 1 else "RGB"
        fmt = replace(fmt, photometric=assumed)
        notes.append(QT_TRANSLATE_NOOP("SeriesWarning", "Interprétation photométrique absente : images "
                                                        "lues en {assumed} (vérifier que le blanc et le noir "
                                                        "ne sont pas inversés).").format(assumed=assumed))
    if (fmt.rows <= 0 or fmt.columns <= 0 or fmt.bits_allocated not in (1, 8, 16, 32)
            or not 0 < fmt.bits_stored <= fmt.bits_allocated or fmt.samples_per_pixel not in (1, 3)):
        return FileProblem(path, ProblemKind.UNSUPPORTED_PIXEL_FORMAT,
                           QT_TRANSLATE_NOOP("FileProblem",
                                             "format de pixels non pris en charge ou incohérent."),
                           f"{fmt}")
    return fmt


def _ratio_text(raw: object) -> str:
    """A compression ratio as a reader quotes it: one decimal at most (« 9,8 », « 10 »), not the
    « 9,83765 » some encoders write; a value that is not a number is kept as written."""
    try:
        value = float(str(raw))
    except ValueError:
        return str(raw).strip()
    if not math.isfinite(value):
        return str(raw).strip()
    return f"{round(value, 1):g}".replace(".", ",") if value < 1e6 else f"{value:.0f}"


def _lossy(ds: Dataset | _Scanned, by_syntax: Lossy) -> LossyInfo:
    flag = _get(ds, "LossyImageCompression", _text, "")
    given = _get(ds, "LossyImageCompressionRatio", _all, [])
    ratios = tuple(_ratio_text(r) for r in given)
    methods = tuple(str(m) for m in _get(ds, "LossyImageCompressionMethod", _all, []) if str(m))
    if flag == "01" or by_syntax is Lossy.YES:
        state = Lossy.YES
    elif by_syntax is Lossy.MAYBE and flag != "00":
        state = Lossy.MAYBE
    else:
        state = Lossy.NO
    return LossyInfo(state, ratios, methods)


def _spacing(ds: Dataset | _Scanned, measures: Dataset | None, modality: str) -> PixelSpacing:
    """Choose the pixel size and say what it measures (PS3.3 10.7.1.3 and C.8.11.4.1.1)."""
    pixel = _get(measures, "PixelSpacing", _floats(2)) or _get(ds, "PixelSpacing", _floats(2))
    imager = _get(ds, "ImagerPixelSpacing", _floats(2))
    projection = modality in PROJECTION_MODALITIES or (imager is not None and pixel is None)
    if pixel is not None and min(pixel) <= 0:
        pixel = None
    if imager is not None and min(imager) <= 0:
        imager = None
    if pixel is not None and not projection:
        return PixelSpacing(pixel[0], pixel[1], SpacingSource.PATIENT,
                            "PixelSpacing : distances mesurées dans le plan du patient.")
    if pixel is not None:
        kind = _get(ds, "PixelSpacingCalibrationType", _text, "")
        if kind:
            text = _get(ds, "PixelSpacingCalibrationDescription", _text, "")
            return PixelSpacing(pixel[0], pixel[1], SpacingSource.CALIBRATED,
                                f"PixelSpacing étalonné ({kind}{' : ' + text if text else ''}) : "
                                "distances dans le plan de l'objet étalonné.")
        same = imager is not None and all(
            math.isclose(a, b, rel_tol=1e-6) for a, b in zip(pixel, imager, strict=True)
        )
        if same:
            return PixelSpacing(pixel[0], pixel[1], SpacingSource.DETECTOR,
                                "PixelSpacing égal à ImagerPixelSpacing : distances au plan du détecteur, "
                                "agrandissement non corrigé.")
        if imager is not None:
            return PixelSpacing(pixel[0], pixel[1], SpacingSource.CALIBRATED,
                                "PixelSpacing différent d'ImagerPixelSpacing : "
                                "étalonnage de type non précisé.")
        return PixelSpacing(pixel[0], pixel[1], SpacingSource.PROJECTION_UNSPECIFIED,
                            "PixelSpacing d'une image de projection sans précision du plan : "
                            "distances probablement au plan du détecteur.")
    if imager is not None:
        factor = _get(ds, "EstimatedRadiographicMagnificationFactor", _float)
        if factor is not None and factor > 0 and not math.isclose(factor, 1.0):
            return PixelSpacing(imager[0] / factor, imager[1] / factor, SpacingSource.MAGNIFICATION_CORRECTED,
                                "ImagerPixelSpacing corrigé du facteur d'agrandissement estimé "
                                f"({factor:g}) : "
                                "distances estimées dans le plan de l'objet.")
        return PixelSpacing(imager[0], imager[1], SpacingSource.DETECTOR,
                            "ImagerPixelSpacing : distances au plan du détecteur, "
                            "agrandissement non corrigé.")
    nominal = _get(ds, "NominalScannedPixelSpacing", _floats(2))
    if nominal is not None and min(nominal) > 0:
        return PixelSpacing(nominal[0], nominal[1], SpacingSource.NOMINAL,
                            "NominalScannedPixelSpacing : taille nominale du numériseur de film.")
    return NO_SPACING


def _windows(item: Dataset | _Scanned | None) -> tuple[tuple[Window, ...], str | None]:
    if not _has(item, "WindowCenter") or not _has(item, "WindowWidth"):
        return (), None
    centers = _get(item, "WindowCenter", _all, [])
    widths = _get(item, "WindowWidth", _all, [])
    explanations = _get(item, "WindowCenterWidthExplanation", _all, [])
    found = []
    for i, (c, w) in enumerate(zip(centers, widths, strict=False)):
        try:
            center, width = float(c), float(w)
        except (TypeError, ValueError):
            continue  # one unusable window among several must not cost the others
        if math.isfinite(center) and math.isfinite(width) and width > 0:
            found.append(Window(center, width, str(explanations[i]).strip() if i < len(explanations) else ""))
    return tuple(found), _get(item, "VOILUTFunction", _text)


def _voi_luts(ds: Dataset | _Scanned) -> tuple[VoiLut, ...]:
    luts = []
    for item in ds.get("VOILUTSequence", []) or []:
        descriptor = [int(v) for v in _get(item, "LUTDescriptor", _all, [])]
        if len(descriptor) != 3 or not _has(item, "LUTData"):
            continue
        entries = descriptor[0] or 65536
        first, bits = descriptor[1], descriptor[2]
        if first > 32767 and _get(ds, "PixelRepresentation", _int, 0):
            first -= 65536  # descriptor read as US while the stored values are signed (PS3.3 C.11.2.1.1)
        raw = item["LUTData"].value
        if isinstance(raw, bytes | bytearray):
            width = 1 if len(raw) == entries else 2
            data = tuple(int.from_bytes(raw[i:i + width], "little") for i in range(0, entries * width, width))
        else:
            data = tuple(int(v) for v in _multi(raw))
        if len(data) < entries or not 8 <= bits <= 16:
            continue
        luts.append(VoiLut(first, bits, data[:entries], _get(item, "LUTExplanation", _text, "")))
    return tuple(luts)


def _orientation(raw: tuple[float, ...] | None,
                 notes: list[str]) -> tuple[float, float, float, float, float, float] | None:
    if raw is None:
        return None
    row, col = raw[:3], raw[3:]
    nr, nc = math.sqrt(sum(v * v for v in row)), math.sqrt(sum(v * v for v in col))
    if nr < 1e-3 or nc < 1e-3 or abs(sum(a * b for a, b in zip(row, col, strict=True))) / (nr * nc) > 1e-2:
        note = QT_TRANSLATE_NOOP("SeriesWarning",
                                 "ImageOrientationPatient invalide : images traitées sans géométrie.")
        if note not in notes:
            notes.append(note)
        return None
    return row[0] / nr, row[1] / nr, row[2] / nr, col[0] / nc, col[1] / nc, col[2] / nc


def _frames(ds: Dataset | _Scanned, count: int, notes: list[str]) -> tuple[FrameInfo, ...]:
    """Per-frame values: the functional groups of enhanced objects, else the classic attributes."""
    shared = _item(ds, "SharedFunctionalGroupsSequence")
    per_frame = list(ds.get("PerFrameFunctionalGroupsSequence", []) or [])
    modality = _get(ds, "Modality", _text, "")
    thickness_top = _get(ds, "SliceThickness", _float)
    top_windows, top_function = _windows(ds)
    top_split = SplitKeys(
        temporal=_get(ds, "TemporalPositionIdentifier", _text),
        echo=_get(ds, "EchoNumbers", _text),
        acquisition=_get(ds, "AcquisitionNumber", _text),
        trigger=_get(ds, "TriggerTime", _text),
    )
    top_position = _get(ds, "ImagePositionPatient", _floats(3))
    top_orientation = _orientation(_get(ds, "ImageOrientationPatient", _floats(6)), notes)
    cache: dict[int, PixelSpacing] = {}

    frames = []
    for index in range(count):
        group = per_frame[index] if index < len(per_frame) else None

        def pick(keyword: str, group: Dataset | None = group) -> Dataset | None:
            return _item(group, keyword) or _item(shared, keyword)

        measures = pick("PixelMeasuresSequence")
        key = id(measures)
        if key not in cache:
            cache[key] = _spacing(ds, measures, modality)
        plane_pos, plane_ori = pick("PlanePositionSequence"), pick("PlaneOrientationSequence")
        position = _get(plane_pos, "ImagePositionPatient", _floats(3))
        orientation = _orientation(_get(plane_ori, "ImageOrientationPatient", _floats(6)), notes)
        if plane_pos is None and plane_ori is None:
            # a classic multi-frame object repeats one position for every frame: not a volume by itself
            position = top_position if count == 1 else None
            orientation = top_orientation
        transform = pick("PixelValueTransformationSequence")
        source = transform if transform is not None and "RescaleSlope" in transform else ds
        windows, function = _windows(pick("FrameVOILUTSequence"))
        if not windows:
            windows, function = top_windows, function or top_function
        content = _item(group, "FrameContentSequence")
        split = top_split
        if content is not None:
            split = SplitKeys(
                temporal=_get(content, "TemporalPositionIndex", _text) or top_split.temporal,
                echo=top_split.echo,
                acquisition=top_split.acquisition,
                stack=_get(content, "StackID", _text),
                trigger=top_split.trigger,
            )
        slope = _get(source, "RescaleSlope", _float, 1.0)
        if slope == 0:
            slope = 1.0
            zero_slope = QT_TRANSLATE_NOOP("SeriesWarning", "RescaleSlope nulle ignorée (remplacée par 1).")
            if zero_slope not in notes:
                notes.append(zero_slope)
        frames.append(FrameInfo(
            index=index,
            position=position if orientation is not None else None,
            orientation=orientation,
            spacing=cache[key],
            slice_thickness=_get(measures, "SliceThickness", _float) or thickness_top,
            rescale_slope=slope,
            rescale_intercept=_get(source, "RescaleIntercept", _float, 0.0),
            windows=windows,
            voi_function=(function or "LINEAR").upper(),
            split=split,
        ))
    return tuple(frames)
