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
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydicom
from pydicom.errors import InvalidDicomError

from resources.translations import QT_TRANSLATE_NOOP
from workstation.audit import StudyOrigin
from workstation.platform import DicomWeb, PlatformClient, PlatformError, RetrieveCancelled

if TYPE_CHECKING:
    from workstation.app import Workstation

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
    source: str = ""  # the name of the site's PACS it was found on (DIMSE); "" for the platform

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
        if self.source:  # found on a site's PACS, not on the platform: said on the line
            description = QT_TRANSLATE_NOOP("Priors", "{description} (PACS {name})").format(
                description=description, name=self.source
            )
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
    read = (_prior(item) if isinstance(item, Mapping) else None for item in answer)
    return _kept(read, patient_id, exclude_study_uid, "QIDO entries")


def _kept(read: Iterable[Prior | None], patient_id: str, exclude_study_uid: str, what: str) -> list[Prior]:
    """The priors of one answer (None: an entry that could not be read), whatever the protocol:
    only ``patient_id``'s (a server may match loosely), once each, without the current study."""
    found: dict[str, Prior] = {}
    malformed = foreign = 0
    for prior in read:
        if prior is None:
            malformed += 1
        elif prior.patient_id != patient_id:
            foreign += 1
        elif prior.study_instance_uid != exclude_study_uid:
            found.setdefault(prior.study_instance_uid, prior)
    if malformed:
        log.warning("priors: %d %s without a valid StudyInstanceUID left out", malformed, what)
    if foreign:
        log.warning("priors: %d %s of another PatientID left out (inexact matching)", foreign, what)
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


# --- either source: the platform (QIDO/WADO) and the site's PACS (C-FIND, C-MOVE/C-GET) -------------


class FoundPriors(list[Prior]):
    """The priors found, most recent first, and in French what could not be searched (a source
    down while the others answered: the list is shown, and the gap said, never hidden)."""

    def __init__(self, priors: Sequence[Prior] = (), problems: Sequence[str] = ()) -> None:
        super().__init__(priors)
        self.problems = list(problems)


@dataclass
class OpenedPrior:
    """A prior ready for the viewer; :meth:`close` removes its images (from the disk or RAM)."""

    prior: Prior
    directory: Path
    files: list[Path]
    release: Callable[[], None]

    def close(self) -> None:
        self.release()


def _dimse_prior(ds: Any, source: str) -> Prior | None:
    uid = str(ds.get("StudyInstanceUID", "") or "").strip()
    if not _valid_uid(uid):
        return None
    modalities = ds.get("ModalitiesInStudy", "") or ""
    values = [modalities] if isinstance(modalities, str) else list(modalities)
    count = ds.get("NumberOfStudyRelatedInstances", None)
    try:
        instances = int(count) if count not in (None, "") else None
    except (TypeError, ValueError):
        instances = None
    return Prior(
        study_instance_uid=uid,
        patient_id=str(ds.get("PatientID", "") or "").strip(),
        study_date=_study_date(str(ds.get("StudyDate", "") or "").strip()),
        study_time=str(ds.get("StudyTime", "") or "").strip(),
        modalities=tuple(sorted({str(m).strip() for m in values if str(m).strip()})),
        description=str(ds.get("StudyDescription", "") or "").strip(),
        instances=instances if instances is None or instances >= 0 else None,
        accession_number=str(ds.get("AccessionNumber", "") or "").strip(),
        source=source,
    )


def parse_dimse_priors(
    answers: Sequence[Any], patient_id: str, exclude_study_uid: str, source: str
) -> list[Prior]:
    """The priors in C-FIND STUDY answers, checked as the QIDO ones are: only ``patient_id``'s
    (a PACS may match loosely), without the current study, malformed answers left out."""
    read = (_dimse_prior(ds, source) for ds in answers)
    return _kept(read, patient_id, exclude_study_uid, "C-FIND answers")


def _with_series_modalities(ws: Workstation, client: Any, prior: Prior, patient_id: str) -> Prior:
    """``prior`` with its modalities read from its series (C-FIND SERIES), for a PACS that does not
    return ModalitiesInStudy (an optional key: dcmqrscp leaves it out). The hanging protocols choose
    the prior by its modality: without it, a CT prior would never open beside tonight's CT.
    Audited as a query; a failure leaves the prior as it was (listed, modality unknown)."""
    from workstation.audit import Outcome
    from workstation.pacs.dimse import DimseError

    what = "C-FIND SERIES StudyInstanceUID"
    try:
        series = client.find_series(prior.study_instance_uid)
    except (DimseError, ValueError) as exc:
        log.warning("priors: C-FIND SERIES on %s failed: %s", client.address, exc)
        ws.audit.study_query(ws.identity, client.address, what, patient_id, Outcome.SERIOUS_FAILURE, str(exc))
        return prior
    ws.audit.study_query(ws.identity, client.address, what, patient_id)
    modalities = tuple(sorted({str(ds.get("Modality", "") or "").strip() for ds in series} - {""}))
    return replace(prior, modalities=modalities) if modalities else prior


def find_priors_everywhere(
    ws: Workstation,
    patient_id: str,
    exclude_study_uid: str,
    sender_application: str = "",
    sender_facility: str = "",
) -> FoundPriors:
    """The patient's other studies on the platform and on the PACS that serve the order's site.

    A study both hold is listed once, as the platform's (the platform is the primary source).
    Raises :class:`PriorsError` only when no source could be searched; otherwise the sources that
    failed are in ``problems``. Every PACS query is audited (a Query event, failures included).
    """
    from workstation.pacs.cached import clients_for, find_studies_audited
    from workstation.pacs.dimse import DimseError

    value = check_patient_id(patient_id)
    merged: dict[str, Prior] = {}
    problems: list[str] = []
    errors: list[PriorsError] = []
    try:
        for prior in find_priors(ws.client.dicomweb, value, exclude_study_uid):
            merged.setdefault(prior.study_instance_uid, prior)
    except PriorsError as exc:
        errors.append(exc)
        problems.append(exc.user_message)
    clients = clients_for(ws.settings, sender_application, sender_facility)
    for client in clients:
        try:
            answers = find_studies_audited(client, ws.audit, ws.identity, value)
        except DimseError as exc:
            log.warning("priors: C-FIND on %s failed: %s", client.address, exc)
            message = QT_TRANSLATE_NOOP(
                "Priors", "Impossible de rechercher les examens antérieurs sur le PACS « {name} » : {problem}"
            ).format(name=client.node.name, problem=exc.user_message)
            errors.append(PriorsError(str(exc), message))
            problems.append(message)
            continue
        for prior in parse_dimse_priors(answers, value, exclude_study_uid, client.node.name):
            if prior.study_instance_uid not in merged and not prior.modalities:
                prior = _with_series_modalities(ws, client, prior, value)
            merged.setdefault(prior.study_instance_uid, prior)
    if errors and len(errors) == 1 + len(clients):
        raise errors[0] if len(errors) == 1 else PriorsError("; ".join(map(str, errors)), " ".join(problems))
    priors = sorted(merged.values(), key=lambda p: p.sort_key, reverse=True)
    log.info(
        "priors: %d found (platform and %d PACS, %d source(s) failed)", len(priors), len(clients), len(errors)
    )
    return FoundPriors(priors, problems)


def open_prior(
    ws: Workstation,
    prior: Prior,
    folder: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    audit_patient_id: str = "",
) -> OpenedPrior:
    """Fetch ``prior`` from where it was found and make it ready for the viewer (blocking).

    From the platform: WADO-RS into ``folder`` (the reading's private folder), as before. From a
    PACS: C-MOVE/C-GET into the encrypted cache, then decrypted into RAM; a prior has no report of
    its own to wait for, so its retention starts at once (it leaves the cache with the others).
    Either way every file must carry the prior's StudyInstanceUID and PatientID, and the access is
    audited with its source.
    """
    if not prior.source:
        files = retrieve_prior(ws.client, prior, folder, progress, cancel)
        ws.audit.study_accessed(
            ws.identity,
            prior.study_instance_uid,
            audit_patient_id or prior.patient_id,  # as the journal names patients (INS with its OID)
            StudyOrigin.PLATFORM,
            ws.settings.base_url,
        )
        target = Path(folder) / prior.study_instance_uid
        return OpenedPrior(prior, target, files, partial(shutil.rmtree, target, ignore_errors=True))

    from workstation.cache import CacheError
    from workstation.pacs.cached import clients_for, retrieve_into_cache
    from workstation.pacs.dimse import DimseCancelled, DimseError

    client = next((c for c in clients_for(ws.settings) if c.node.name == prior.source), None)
    if client is None:
        raise PriorsError(
            f"priors: PACS {prior.source!r} is no longer configured",
            QT_TRANSLATE_NOOP("Priors", "Le PACS « {name} » n'est plus configuré sur ce poste.").format(
                name=prior.source
            ),
        )
    check_patient_id(prior.patient_id)
    was_cached = ws.cache.get(prior.study_instance_uid) is not None
    try:
        opened = retrieve_into_cache(
            client,
            ws.cache,
            ws.audit,
            ws.identity,
            prior.study_instance_uid,
            audit_patient_id or prior.patient_id,
            accession_number=prior.accession_number,
            progress=progress,
            cancel=cancel,
        )
    except DimseCancelled as exc:
        raise PriorsCancelled(
            str(exc), QT_TRANSLATE_NOOP("Priors", "Téléchargement de l'examen antérieur annulé.")
        ) from exc
    except DimseError as exc:
        raise PriorsError(
            f"priors: retrieval of {prior.study_instance_uid} from {client.address} failed: {exc}",
            _download_failed(prior, exc.user_message),
        ) from exc
    except CacheError as exc:
        raise PriorsError(f"priors: cache: {exc}", _download_failed(prior, exc.user_message)) from exc
    try:
        _check_files(opened.paths, prior)
    except PriorsError:
        opened.close()
        ws.cache.evict(prior.study_instance_uid, "prior from a PACS failed its identity check")
        raise
    if not was_cached:
        ws.cache.mark_reported(prior.study_instance_uid, datetime.now(UTC))
    return OpenedPrior(prior, opened.directory, list(opened.paths), opened.close)
