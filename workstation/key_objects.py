"""Signing with key images: the Key Object Selection stored with the study, then the report signed
with it in its catalogue of DICOM objects.

Order matters. The KOS is stored first (STOW-RS to the platform); only a stored KOS is referenced by
the CDA, so a report never points to an object nobody can retrieve. When the store fails (platform
unreachable, refused), the report is still signed (it must never be held back by its key images):
its catalogue then lists the key images themselves, and the radiologist is told the KOS was not
stored. The KOS's UIDs derive from the report version and the marked images, so signing the same
draft again after a failure stores the same object (a server that already holds it answers a
conflict, taken as "already stored" once QIDO confirms it).

Qt-free: composes :mod:`viewer.key_images` (what was marked) with :mod:`reporting.key_objects`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydicom.uid import generate_uid

from reporting.key_objects import (
    KOS_SOP_CLASS,
    KeyObjectDocument,
    KeyObjectError,
    KeyReference,
    build_key_object,
    image_references,
)
from reporting.model import ImageReference, Report
from resources.translations import QT_TRANSLATE_NOOP
from viewer.key_images import KeyImage
from viewer.measure import Measurement
from workstation import reading
from workstation.app import Workstation
from workstation.outbox import OutboxItem
from workstation.platform import PlatformError
from workstation.presentation_states import build_annotation_states
from workstation.reading import ReadingCase, author_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SignedWithKeys:
    item: OutboxItem
    key_object: KeyObjectDocument | None  # None: no key image, or not stored
    problem: str = ""  # French, for the status line, when the KOS could not be stored


def references(keys: Sequence[KeyImage]) -> list[KeyReference]:
    return [KeyReference(k.study_uid, k.series_uid, k.sop_instance_uid, k.sop_class_uid, k.frame)
            for k in keys]


def key_object_for(ws: Workstation, case: ReadingCase, report: Report, keys: Sequence[KeyImage],
                   when: datetime | None = None) -> KeyObjectDocument:
    """The KOS of the marked images, with UIDs stable for this report version and these images."""
    refs = references(keys)
    seed = [report.document_id, *(f"{k.sop_instance_uid}/{k.frame}" for k in refs)]
    evidence = [ds for _, ds in case.scan.items if ds is not None]
    return build_key_object(refs, evidence, author_of(ws), when=when,
                            sop_instance_uid=generate_uid(entropy_srcs=["kos-instance", *seed]),
                            series_uid=generate_uid(entropy_srcs=["kos-series", *seed]))


def _already_held(ws: Workstation, document: KeyObjectDocument, sop_class: str) -> bool:
    found = ws.client.dicomweb.client.search_for_instances(
        document.study_uid, search_filters={"SOPInstanceUID": document.sop_instance_uid,
                                            "SOPClassUID": sop_class})
    return bool(found)


def store_key_object(ws: Workstation, document: KeyObjectDocument, sop_class: str = KOS_SOP_CLASS) -> str:
    """STOW-RS the object (KOS, GSPS) into its study; "" when stored, else the French reason."""
    try:
        ws.client.dicomweb.store_instances([document.dataset], document.study_uid)
    except PlatformError as exc:
        try:
            if _already_held(ws, document, sop_class):
                log.info("key object %s already stored", document.sop_instance_uid)
                return ""
        except Exception:  # the check is a courtesy: the store failure is what the user hears
            log.debug("key object lookup failed", exc_info=True)
        log.warning("key object %s not stored: %s", document.sop_instance_uid, exc)
        return QT_TRANSLATE_NOOP(
            "KeyObjects", "Images clés non enregistrées sur la plateforme ({reason}) : le compte rendu "
            "cite les images elles-mêmes.").format(reason=getattr(exc, "user_message", "") or str(exc))
    log.info("key object %s stored into study %s", document.sop_instance_uid, document.study_uid)
    return ""


def _merged(images: Sequence[ImageReference], extra: Sequence[ImageReference]) -> tuple[ImageReference, ...]:
    held = {i.instance_uid for i in images}
    return (*images, *(e for e in extra if e.instance_uid not in held))


def store_annotations(ws: Workstation, case: ReadingCase, report: Report,
                      measurements: Sequence[Measurement]) -> tuple[list[ImageReference], str]:
    """The radiologist's measurements as GSPS stored with the study; their catalogue entries, and the
    French reason when they could not be stored (the report is signed all the same)."""
    evidence = [ds for _, ds in case.scan.items if ds is not None]
    author = f"{ws.identity.family}^{ws.identity.given}"
    try:
        states = build_annotation_states(measurements, evidence, author, report.document_id)
    except (ValueError, TypeError, AttributeError) as exc:  # highdicom refuses what it cannot encode
        log.error("annotations not written as a presentation state: %s", exc)
        return [], QT_TRANSLATE_NOOP("KeyObjects", "Annotations non enregistrées avec l'examen.")
    cited: list[ImageReference] = []
    modality = next(iter(case.scan.modalities), "OT")
    for state in states:
        holder = KeyObjectDocument(state.dataset, state.sop_instance_uid, state.series_uid, state.study_uid)
        problem = store_key_object(ws, holder, str(state.dataset.SOPClassUID))
        if problem:
            return cited, problem
        cited.append(state.reference(modality))
    return cited, ""


def sign_with_key_images(ws: Workstation, case: ReadingCase, report: Report, keys: Sequence[KeyImage],
                         measurements: Sequence[Measurement] = (), now: datetime | None = None
                         ) -> SignedWithKeys:
    """Store the KOS of ``keys`` (if any) and the measurements as GSPS, then sign and queue the
    report citing what was stored."""
    reading.complete_study(case)  # a streamed study: the objects cite instances of all its images
    annotation_problem = ""
    if measurements:
        annotations, annotation_problem = store_annotations(ws, case, report, measurements)
        if annotations:
            report = replace(report, images=_merged(report.images, annotations))
    if not keys:
        return SignedWithKeys(reading.sign_and_queue(ws, case, report, now), None, annotation_problem)
    modality = keys[0].modality
    refs = references(keys)
    problem = ""
    document: KeyObjectDocument | None = None
    try:
        document = key_object_for(ws, case, report, keys, now)
    except KeyObjectError as exc:
        log.error("key object not built: %s", exc)
        problem = QT_TRANSLATE_NOOP("KeyObjects", "Images clés non enregistrées : elles ne font pas partie "
                                                  "de l'examen lu.")
    if document is not None:
        problem = store_key_object(ws, document)
        if problem:
            document = None
    cited = list(image_references(refs, modality))
    if document is not None:
        cited.append(document.reference(modality))
    report = replace(report, images=_merged(report.images, cited))
    item = reading.sign_and_queue(ws, case, report, now)
    return SignedWithKeys(item, document, " ".join(p for p in (problem, annotation_problem) if p))


# --- reading back: the key images already stored with the study ------------------------------------

# Key Object Selection Document Titles (CID 7010) that select images worth showing as key images;
# the others are rejection notes (113001 quality, 113037 patient safety, 113038 wrong worklist entry,
# 113039 retention expired) and manifests (1130xx), which must never light a star on an image.
KEY_IMAGE_TITLES = frozenset({
    "113000",  # Of Interest: what the workstation writes, and what most PACS call key images
    "113002",  # For Referring Provider
    "113013",  # Best In Set
    "113020",  # For Report Attachment
})
REJECTION_TITLES = frozenset({"113001", "113037", "113038", "113039"})

Selection = tuple[str, int | None]
"""A selected image: its SOP Instance UID and 1-based frame (None: the instance as a whole)."""


def _title(ds: Any) -> tuple[str, str]:
    for item in ds.get("ConceptNameCodeSequence", None) or []:
        return str(item.get("CodeValue", "") or ""), str(item.get("CodingSchemeDesignator", "") or "")
    return "", ""


def _selected(ds: Any) -> list[Selection]:
    """The images a KOS's content tree selects (IMAGE items, first level, as PS3.3 TID 2010 has them)."""
    found: list[Selection] = []
    for item in ds.get("ContentSequence", None) or []:
        if str(item.get("ValueType", "")) != "IMAGE":
            continue
        for ref in item.get("ReferencedSOPSequence", None) or []:
            uid = str(ref.get("ReferencedSOPInstanceUID", "") or "")
            if not uid:
                continue
            frames = ref.get("ReferencedFrameNumber", None)
            if frames in (None, ""):
                found.append((uid, None))
                continue
            values = [frames] if isinstance(frames, str | int) else list(frames)
            for frame in values:
                try:
                    found.append((uid, int(frame)))
                except (TypeError, ValueError):
                    found.append((uid, None))
    return found


def stored_key_images(datasets: Iterable[Any], study_uid: str) -> list[Selection]:
    """The images of ``study_uid`` that the Key Object Selections among ``datasets`` mark as key
    images, in document order, without those a rejection note of the same study rejects.

    Only KOS of this study count (an object of another study never marks today's images), and only
    those whose title says "key image" (:data:`KEY_IMAGE_TITLES`)."""
    selected: list[Selection] = []
    rejected: set[str] = set()
    for ds in datasets:
        if ds is None or str(ds.get("SOPClassUID", "")) != KOS_SOP_CLASS:
            continue
        if str(ds.get("StudyInstanceUID", "")) != study_uid:
            log.info("key object %s of another study ignored", ds.get("SOPInstanceUID", ""))
            continue
        code, scheme = _title(ds)
        if scheme == "DCM" and code in REJECTION_TITLES:
            rejected.update(uid for uid, _ in _selected(ds))
        elif scheme == "DCM" and code in KEY_IMAGE_TITLES:
            selected.extend(s for s in _selected(ds) if s not in selected)
        else:
            log.info("key object %s titled %s^%s is not a key-image selection", ds.get("SOPInstanceUID", ""),
                     code, scheme)
    return [s for s in selected if s[0] not in rejected]


def key_objects_of_study(ws: Workstation, study_uid: str, held: Iterable[Any]) -> list[Any]:
    """The KOS of the study: those among the study's files (``held``), plus those the platform holds
    that the files lack (a study read from the cache predates the KOS stored when it was signed).

    Blocking (a worker). The platform's failure is logged and its KOS left out: the key images are
    a help to the reader, never a reason to refuse the case."""
    documents = [ds for ds in held if ds is not None and str(ds.get("SOPClassUID", "")) == KOS_SOP_CLASS]
    known = {str(ds.get("SOPInstanceUID", "")) for ds in documents}
    try:
        listed = ws.client.dicomweb.client.search_for_instances(
            study_uid, search_filters={"SOPClassUID": KOS_SOP_CLASS})
        for entry in listed:
            sop = str((entry.get("00080018", {}).get("Value") or [""])[0])
            series = str((entry.get("0020000E", {}).get("Value") or [""])[0])
            if sop and series and sop not in known:
                documents.append(ws.client.dicomweb.client.retrieve_instance(study_uid, series, sop))
                known.add(sop)
    except Exception as exc:  # network, refusal, a malformed answer: the files' KOS still count
        log.warning("key objects of study %s not looked up on the platform: %s", study_uid,
                    type(exc).__name__)
    return documents
