"""The patient's prior studies: found over QIDO-RS by exact PatientID, fetched over WADO-RS.

Reading compares tonight's images with the patient's earlier ones (issue 6, item 5). The platform
archives studies that have no order in the worklist; the only link is the patient identifier,
which in French teleradiology is the INS (DICOM PatientID). So:

* the query is an exact match on PatientID. A value with a DICOM wildcard (``*``, ``?``), a
  multi-value separator (``\\``) or nothing in it is refused before anything is sent: universal
  or wildcard matching would list other patients' studies;
* every answer is checked again on our side (a server may match fuzzily or ignore the key), and
  every retrieved file must carry that PatientID and the prior's StudyInstanceUID: identity
  vigilance holds for a prior exactly as for the current exam.

Qt-free; the reading screen runs these calls off the GUI thread. Failures are :class:`PriorsError`
with a French ``user_message`` (the platform's own message when it gave one); logs carry UIDs and
counts, never a patient identifier or name.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from resources.translations import QT_TRANSLATE_NOOP
from workstation.platform import DicomWeb, PlatformClient, PlatformError, RetrieveCancelled

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

_STUDY_UID, _PATIENT_ID, _DATE, _TIME = "0020000D", "00100020", "00080020", "00080030"
_DESCRIPTION, _ACCESSION, _MODALITIES, _INSTANCES = "00081030", "00080050", "00080061", "00201208"
FIELDS = (
    "StudyInstanceUID",
    "PatientID",
    "StudyDate",
    "StudyTime",
    "StudyDescription",
    "AccessionNumber",
    "ModalitiesInStudy",
    "NumberOfStudyRelatedInstances",
)
"""The QIDO includefield list: what a :class:`Prior` is made of."""

_UID = re.compile(r"[0-9]+(\.[0-9]+)*")
_FORBIDDEN = re.compile(r"[*?\\]")  # DICOM wildcards and the multi-value separator
_MAX_PATIENT_ID = 64  # VR LO
_CHECKED = ["PatientID", "StudyInstanceUID"]


class PriorsError(Exception):
    """A priors search or download that failed; ``user_message`` is for the radiologist."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class PriorsCancelled(PriorsError):
    """The radiologist cancelled a download; the instances already written are complete."""


@dataclass(frozen=True, slots=True)
class Prior:
    """One earlier study of the patient, as QIDO-RS describes it."""

    study_instance_uid: str
    patient_id: str
    study_date: date | None  # None when the archive has no (valid) date
    study_time: str  # DICOM TM as given ("" when absent), only to order two studies of one day
    modalities: tuple[str, ...]
    description: str
    instances: int | None  # NumberOfStudyRelatedInstances, None when the server does not say
    accession_number: str

    @property
    def label(self) -> str:
        """One French line for a list (marked for the interface language): date, modalities,
        description, number of images."""
        when = (
            self.study_date.strftime("%d/%m/%Y")
            if self.study_date
            else QT_TRANSLATE_NOOP("Priors", "date inconnue")
        )
        modalities = ", ".join(self.modalities) or QT_TRANSLATE_NOOP("Priors", "modalité inconnue")
        description = self.description or QT_TRANSLATE_NOOP("Priors", "sans description")
        if self.instances is None:
            return QT_TRANSLATE_NOOP("Priors", "{date} — {modalities} — {description}").format(
                date=when, modalities=modalities, description=description
            )
        if self.instances > 1:
            images = QT_TRANSLATE_NOOP("Priors", "{count} images").format(count=self.instances)
        else:
            images = QT_TRANSLATE_NOOP("Priors", "{count} image").format(count=self.instances)
        return QT_TRANSLATE_NOOP("Priors", "{date} — {modalities} — {description} — {images}").format(
            date=when, modalities=modalities, description=description, images=images
        )

    @property
    def sort_key(self) -> tuple[date, str]:
        """Most recent first when sorted in reverse; an undated study goes last."""
        return (self.study_date or date.min, self.study_time)


def _values(item: Mapping[str, Any], tag: str) -> list[Any]:
    element = item.get(tag)
    if not isinstance(element, Mapping):
        return []
    values = element.get("Value")
    return list(values) if isinstance(values, list) else []


def _text(item: Mapping[str, Any], tag: str) -> str:
    values = _values(item, tag)
    return str(values[0]).strip() if values and values[0] is not None else ""


def _study_date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date() if len(text) == 8 else None
    except ValueError:
        return None


def _instances(item: Mapping[str, Any]) -> int | None:
    values = _values(item, _INSTANCES)
    try:
        count = int(values[0]) if values else None
    except (TypeError, ValueError):
        return None
    return count if count is not None and count >= 0 else None


def _valid_uid(uid: str) -> bool:
    return len(uid) <= 64 and _UID.fullmatch(uid) is not None


def check_patient_id(patient_id: str) -> str:
    """The identifier to query with, or :class:`PriorsError` when it could match other patients."""
    value = patient_id.strip() if isinstance(patient_id, str) else ""
    if not value or _FORBIDDEN.search(value) or len(value) > _MAX_PATIENT_ID:
        raise PriorsError(
            "priors: unusable patient identifier for an exact QIDO match "
            f"(empty, wildcard, separator or over {_MAX_PATIENT_ID} characters)",
            QT_TRANSLATE_NOOP(
                "Priors",
                "Recherche des examens antérieurs impossible : l'identifiant du patient est absent ou "
                "invalide dans les images.",
            ),
        )
    return value


def _prior(item: Mapping[str, Any]) -> Prior | None:
    uid = _text(item, _STUDY_UID)
    if not _valid_uid(uid):
        return None
    modalities = tuple(sorted({str(m).strip() for m in _values(item, _MODALITIES) if str(m).strip()}))
    return Prior(
        study_instance_uid=uid,
        patient_id=_text(item, _PATIENT_ID),
        study_date=_study_date(_text(item, _DATE)),
        study_time=_text(item, _TIME),
        modalities=modalities,
        description=_text(item, _DESCRIPTION),
        instances=_instances(item),
        accession_number=_text(item, _ACCESSION),
    )


def parse_priors(answer: Sequence[Mapping[str, Any]], patient_id: str, exclude_study_uid: str) -> list[Prior]:
    """The priors in a QIDO-RS studies answer: only ``patient_id``'s, without the current study,
    most recent first. Malformed entries and other patients' studies are left out (and logged)."""
    found: dict[str, Prior] = {}
    malformed = foreign = 0
    for item in answer:
        prior = _prior(item) if isinstance(item, Mapping) else None
        if prior is None:
            malformed += 1
        elif prior.patient_id != patient_id:
            foreign += 1
        elif prior.study_instance_uid != exclude_study_uid:
            found.setdefault(prior.study_instance_uid, prior)
    if malformed:
        log.warning("priors: %d QIDO entries without a valid StudyInstanceUID left out", malformed)
    if foreign:
        log.warning("priors: %d QIDO entries of another PatientID left out (inexact matching)", foreign)
    return sorted(found.values(), key=lambda p: p.sort_key, reverse=True)


def find_priors(dicomweb: DicomWeb, patient_id: str, exclude_study_uid: str) -> list[Prior]:
    """The patient's other studies on the platform, most recent first.

    ``patient_id`` is the current study's PatientID (the INS), matched exactly;
    ``exclude_study_uid`` the study being read. Raises :class:`PriorsError`.
    """
    value = check_patient_id(patient_id)
    try:
        answer = dicomweb.search_studies(PatientID=value, includefield=list(FIELDS))
    except PlatformError as exc:
        log.warning("priors: QIDO search failed: %s", exc)
        raise PriorsError(
            f"priors: QIDO search failed: {exc}",
            QT_TRANSLATE_NOOP("Priors", "Impossible de rechercher les examens antérieurs : {problem}").format(
                problem=exc.user_message
            ),
        ) from exc
    if not isinstance(answer, list):
        raise PriorsError(
            "priors: QIDO answer is not a list",
            QT_TRANSLATE_NOOP(
                "Priors",
                "Impossible de rechercher les examens antérieurs : réponse illisible de la plateforme.",
            ),
        )
    priors = parse_priors(answer, value, exclude_study_uid)
    log.info("priors: %d found (QIDO listed %d studies)", len(priors), len(answer))
    return priors


def _check_files(files: Sequence[Path], prior: Prior) -> None:
    """Every file is of the prior's study and patient: a wrong file never reaches the screen."""
    for path in files:
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=_CHECKED)
        except (InvalidDicomError, OSError) as exc:
            raise PriorsError(
                f"priors: a file of study {prior.study_instance_uid} is unreadable ({type(exc).__name__})",
                QT_TRANSLATE_NOOP(
                    "Priors", "Une image de l'examen antérieur est illisible : examen non affiché."
                ),
            ) from exc
        if str(header.get("StudyInstanceUID", "")) != prior.study_instance_uid:
            raise PriorsError(
                f"priors: a file retrieved for study {prior.study_instance_uid} belongs to another study",
                QT_TRANSLATE_NOOP(
                    "Priors",
                    "La plateforme a renvoyé une image d'un autre examen : examen antérieur non affiché.",
                ),
            )
        if str(header.get("PatientID", "")).strip() != prior.patient_id:
            raise PriorsError(
                f"priors: a file of study {prior.study_instance_uid} carries another PatientID",
                QT_TRANSLATE_NOOP(
                    "Priors",
                    "Les images de l'examen antérieur portent un autre identifiant patient : examen non "
                    "affiché, signalez-le au site.",
                ),
            )


def _download_failed(prior: Prior, problem: str) -> str:
    if prior.study_date is None:
        return QT_TRANSLATE_NOOP(
            "Priors", "Impossible de télécharger l'examen antérieur de date inconnue : {problem}"
        ).format(problem=problem)
    return QT_TRANSLATE_NOOP(
        "Priors", "Impossible de télécharger l'examen antérieur du {date} : {problem}"
    ).format(date=prior.study_date.strftime("%d/%m/%Y"), problem=problem)


def retrieve_prior(
    client: PlatformClient,
    prior: Prior,
    folder: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """Download ``prior`` into ``folder/<StudyInstanceUID>/<SeriesUID>/<SOPInstanceUID>.dcm``.

    Reuses :meth:`PlatformClient.retrieve_study` (atomic files, progress, cancel between
    instances, resume). The caller owns ``folder`` (the reading's private folder) and removes it.
    Returns the files, every one checked to carry the prior's StudyInstanceUID and PatientID.
    Raises :class:`PriorsCancelled` on cancel, :class:`PriorsError` on any other failure.
    """
    target = Path(folder) / prior.study_instance_uid
    try:
        check_patient_id(prior.patient_id)
        files = client.retrieve_study(prior.study_instance_uid, target, progress, cancel)
    except RetrieveCancelled as exc:
        log.info("priors: download of %s cancelled", prior.study_instance_uid)
        raise PriorsCancelled(
            str(exc), QT_TRANSLATE_NOOP("Priors", "Téléchargement de l'examen antérieur annulé.")
        ) from exc
    except PlatformError as exc:
        log.warning("priors: download of %s failed: %s", prior.study_instance_uid, exc)
        raise PriorsError(
            f"priors: download of {prior.study_instance_uid} failed: {exc}",
            _download_failed(prior, exc.user_message),
        ) from exc
    except ValueError as exc:  # a StudyInstanceUID that is not a UID
        raise PriorsError(
            f"priors: cannot download {prior.study_instance_uid!r}: {exc}",
            _download_failed(prior, QT_TRANSLATE_NOOP("Priors", "identifiant d'examen invalide.")),
        ) from exc
    except OSError as exc:
        log.error("priors: cannot write %s: %s", prior.study_instance_uid, exc.strerror or exc)
        raise PriorsError(
            f"priors: cannot write study {prior.study_instance_uid}: {exc.strerror or exc}",
            QT_TRANSLATE_NOOP(
                "Priors",
                "Impossible d'enregistrer les images de l'examen antérieur (espace disque ou droits "
                "insuffisants).",
            ),
        ) from exc
    try:
        _check_files(files, prior)
    except PriorsError:
        for path in files:  # never leave another patient's images behind
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    log.info("priors: %s downloaded, %d files", prior.study_instance_uid, len(files))
    return files
