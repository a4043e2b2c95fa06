"""What the report takes from the images themselves: one pass over the DICOM headers of a study.

Headers only (``stop_before_pixels``): dose objects, the instances the report refers to, the
patient identity written by the modality (for identity-vigilance) and the acquisition time.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue

from reporting.model import IdentityCheck, ImageReference, PatientIdentity, Source
from resources.translations import QT_TRANSLATE_NOOP, joined

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
NON_IMAGE_MODALITIES = {"SR", "KO", "PR", "DOC", "REG", "SEG", "RTSTRUCT"}


def read_headers(paths: Iterable[Path]) -> Iterator[tuple[str, Dataset | None]]:
    """(file name, header) for every file under these paths; None for a DICOM file that cannot be
    read at all. Files that are not DICOM (a DIRFILE, a README) are skipped silently."""
    for path in _files(paths):
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except InvalidDicomError:
            log.info("not a DICOM file, skipped: %s", path)
            continue
        except Exception as exc:  # truncated or corrupt files: report and go on
            log.warning("cannot read %s: %s", path, exc)
            yield path.name, None
            continue
        yield path.name, ds


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path


@dataclass(frozen=True, slots=True)
class DicomPatient:
    name: str
    birth_date: str
    sex: str


@dataclass(frozen=True, slots=True)
class StudyScan:
    items: tuple[tuple[str, Dataset | None], ...]
    study_uids: tuple[str, ...]
    images: tuple[ImageReference, ...]  # the first instance of each image series
    modalities: tuple[str, ...]
    patients: tuple[DicomPatient, ...]
    acquired_at: datetime | None
    acquired_until: datetime | None = None  # the last image's acquisition: the end of the act
    operators: tuple[str, ...] = ()  # Operators' Name (0008,1070) of the images, PN as written


def scan_study(paths: Iterable[Path]) -> StudyScan:
    return scan_headers(tuple(read_headers(paths)))


def scan_headers(items: tuple[tuple[str, Dataset | None], ...]) -> StudyScan:
    """The scan of headers already read (by ``read_headers`` or by the viewer)."""
    studies: list[str] = []
    modalities: list[str] = []
    patients: list[DicomPatient] = []
    first_of_series: dict[str, tuple[int, ImageReference]] = {}
    times: list[datetime] = []
    operators: list[str] = []
    for _, ds in items:
        if ds is None:
            continue
        study = str(ds.get("StudyInstanceUID", "") or "")
        if not study or "SOPInstanceUID" not in ds:
            continue  # not an object of a study (a vendor's private directory file)
        if study not in studies:
            studies.append(study)
        patient = DicomPatient(
            str(ds.get("PatientName", "") or ""),
            str(ds.get("PatientBirthDate", "") or ""),
            str(ds.get("PatientSex", "") or ""),
        )
        if patient not in patients:
            patients.append(patient)
        modality = str(ds.get("Modality", "") or "").upper()
        when = _acquired(ds)
        if when is not None:
            times.append(when)
        for operator in _names(ds.get("OperatorsName")):
            if operator not in operators:
                operators.append(operator)
        series = str(ds.get("SeriesInstanceUID", "") or "")
        instance = str(ds.get("SOPInstanceUID", "") or "")
        if modality in NON_IMAGE_MODALITIES or not (series and instance):
            continue
        if modality not in modalities:
            modalities.append(modality)
        number = _int(ds.get("InstanceNumber"))
        reference = ImageReference(
            study,
            series,
            instance,
            str(ds.get("SOPClassUID", "") or ""),
            modality,
            Source.DICOM_HEADER,
            str(ds.get("SeriesDescription", "") or "").strip(),
        )
        if series not in first_of_series or number < first_of_series[series][0]:
            first_of_series[series] = (number, reference)
    return StudyScan(
        items=items,
        study_uids=tuple(studies),
        images=tuple(ref for _, ref in first_of_series.values()),
        modalities=tuple(modalities),
        patients=tuple(patients),
        acquired_at=min(times) if times else None,
        acquired_until=max(times) if times else None,
        operators=tuple(operators),
    )


def _names(value: object) -> list[str]:
    """The person names of a PN attribute (one or several values), empty ones dropped."""
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple, MultiValue)) else [value]
    return [str(v).strip() for v in values if str(v).strip(" ^=")]


def check_identity(patient: PatientIdentity, scan: StudyScan, at: datetime) -> IdentityCheck:
    """Compare the order's identity with the one the modality wrote (birth name, birth date, sex).

    Verified only when every image carries the same identity and it matches; otherwise the
    radiologist must check by hand, and the detail says why.
    """
    if not scan.patients:
        return IdentityCheck(
            False, Source.DICOM_HEADER, at, QT_TRANSLATE_NOOP("reporting.study", "aucune image lue")
        )
    problems: list[str] = []
    expected_birth = patient.birth_date.strftime("%Y%m%d") if patient.birth_date else ""
    families = {_fold(patient.birth_family), _fold(patient.used_family)} - {""}
    for dicom in scan.patients:
        family = _fold(dicom.name.split("^")[0]) if dicom.name else ""
        if not family:
            problems.append(QT_TRANSLATE_NOOP("reporting.study", "nom absent des images"))
        elif family not in families:
            problems.append(QT_TRANSLATE_NOOP("reporting.study", "nom différent dans les images"))
        if dicom.birth_date != expected_birth:
            problems.append(
                QT_TRANSLATE_NOOP("reporting.study", "date de naissance différente dans les images")
            )
        if dicom.sex and dicom.sex != patient.sex.value:
            problems.append(QT_TRANSLATE_NOOP("reporting.study", "sexe différent dans les images"))
    if problems:
        return IdentityCheck(False, Source.DICOM_HEADER, at, joined(list(dict.fromkeys(problems)), "; "))
    return IdentityCheck(
        True,
        Source.DICOM_HEADER,
        at,
        QT_TRANSLATE_NOOP(
            "reporting.study",
            "nom de naissance, date de naissance et sexe des images identiques à la demande",
        ),
    )


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.strip().upper())
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ch.isalnum())


def _int(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 1 << 30


def _acquired(ds: Dataset) -> datetime | None:
    for date_key, time_key in (
        ("AcquisitionDate", "AcquisitionTime"),
        ("SeriesDate", "SeriesTime"),
        ("StudyDate", "StudyTime"),
    ):
        day = str(ds.get(date_key, "") or "")
        if len(day) != 8 or not day.isdigit():
            continue
        clock = str(ds.get(time_key, "") or "").split(".")[0].ljust(6, "0")[:6]
        try:
            return datetime.strptime(day + (clock if clock.isdigit() else "000000"), "%Y%m%d%H%M%S").replace(
                tzinfo=PARIS
            )
        except ValueError:
            continue
    return None
