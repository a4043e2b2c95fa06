"""What the workstation does with its PACS: which ones serve an exam, queries and retrievals audited,
every retrieved image sealed into the encrypted study cache.

A DIMSE retrieval lands in the same place as a DICOMweb prefetch: each instance is written to a
private folder on the cache's RAM-backed runtime directory, sealed into the cache
(:meth:`StudyCache.put_instance`) and its clear copy removed at once; the study is then read back
from the cache (decrypted into RAM, audited as a cache read) for the viewer. So no clear patient
image reaches the disk, a study opened twice is retrieved once, and eviction applies to it.

Audit (ATNA, as for the platform): a C-FIND is a Query event (DICOM 110112) naming the PACS, the
patient and the query keys; a retrieval is "DICOM Instances Accessed" (110103) with origin ``pacs``
and the PACS as source. Failures are audited too, with their English detail.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auth.session import Identity
from workstation.audit import AuditTrail, Outcome, StudyOrigin
from workstation.cache import OpenedStudy, StudyCache
from workstation.cache.store import TEMP_PREFIX
from workstation.pacs.dimse import DimseClient, DimseError, LocalAe, Progress
from workstation.pacs.nodes import PacsNode

log = logging.getLogger(__name__)


def clients_for(settings: Any, sender_application: str = "", sender_facility: str = "") -> list[DimseClient]:
    """The configured PACS that hold the studies of the site that sent the order (all when the
    sender is unknown, e.g. a study read from the cache without its order)."""
    local = LocalAe.from_settings(settings)
    nodes: Sequence[PacsNode] = settings.pacs
    if sender_application or sender_facility:
        nodes = [n for n in nodes if n.serves(sender_application, sender_facility)]
    return [DimseClient(node, local) for node in nodes]


def find_studies_audited(
    client: DimseClient, audit: AuditTrail, user: Identity, patient_id: str, **keys: str
) -> list[Any]:
    """C-FIND at STUDY level on ``PatientID`` (plus ``keys``), recorded as a Query in the journal."""
    query = " ".join(f"{k}" for k in ("PatientID", *keys))
    try:
        found = client.find_studies(PatientID=patient_id, **keys)
    except DimseError as exc:
        audit.study_query(
            user, client.address, f"C-FIND STUDY {query}", patient_id, Outcome.SERIOUS_FAILURE, str(exc)
        )
        raise
    audit.study_query(user, client.address, f"C-FIND STUDY {query}", patient_id)
    return found


def retrieve_into_cache(
    client: DimseClient,
    cache: StudyCache,
    audit: AuditTrail,
    user: Identity,
    study_uid: str,
    patient_id: str,
    *,
    order_id: str = "",
    accession_number: str = "",
    order_hl7: Sequence[str] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> OpenedStudy:
    """Retrieve ``study_uid`` from the PACS into the encrypted cache, then open it from there.

    A study already complete in the cache is not retrieved again. A retrieval that fails leaves
    nothing half-cached: the study's entry is evicted (key destroyed) unless it was complete before.
    Returns the study decrypted in RAM (close it when the viewer closes the study).
    """
    cached = cache.get(study_uid)
    if cached is None or not cached.complete:
        _retrieve(
            client,
            cache,
            audit,
            user,
            study_uid,
            patient_id,
            order_id,
            accession_number,
            order_hl7,
            progress,
            cancel,
        )
    return cache.open_study(study_uid)


def _retrieve(
    client: DimseClient,
    cache: StudyCache,
    audit: AuditTrail,
    user: Identity,
    study_uid: str,
    patient_id: str,
    order_id: str,
    accession_number: str,
    order_hl7: Sequence[str],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    cache.begin_study(
        study_uid,
        patient_id=patient_id,
        order_id=order_id,
        accession_number=accession_number,
        order_hl7=order_hl7,
    )
    clear = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=cache.runtime_dir))
    clear.chmod(0o700)

    def seal(path: Path) -> None:  # runs in the receiving thread, once per complete instance
        try:
            cache.put_instance(study_uid, path.parent.name, path.stem, path.read_bytes())
        finally:
            with contextlib.suppress(OSError):
                path.unlink()

    try:
        client.retrieve_study(study_uid, clear, progress, cancel, on_instance=seal)
    except BaseException as exc:
        cache.evict(study_uid, f"DIMSE retrieval from {client.address} failed: {type(exc).__name__}")
        if isinstance(exc, DimseError):
            audit.study_accessed(
                user,
                study_uid,
                patient_id,
                StudyOrigin.PACS,
                client.address,
                outcome=Outcome.SERIOUS_FAILURE,
                description=str(exc),
            )
        raise
    finally:
        shutil.rmtree(clear, ignore_errors=True)
    cache.finish_study(study_uid)
    audit.study_accessed(user, study_uid, patient_id, StudyOrigin.PACS, client.address)


def echo(settings: Any, node: PacsNode) -> float:
    """« Tester la connexion » from the settings dialog: one C-ECHO with the values being edited."""
    return DimseClient(node, LocalAe.from_settings(settings)).echo()
