"""DIMSE with one PACS (pynetdicom): C-ECHO, C-FIND, C-GET or C-MOVE retrieval, C-STORE.

Many sites still run a PACS that speaks only DIMSE; this is the workstation's second image source
beside the platform's DICOMweb (issue 19, item 5). Everything here is blocking: the GUI calls it
from its worker threads.

* Retrieval writes ``dest/<SeriesUID>/<SOPInstanceUID>.dcm`` exactly as received (the bytes the PACS
  sent, file meta added: no decoding and re-encoding), the layout of a DICOMweb download, so the
  cache and the viewer take either alike. An instance of another study, or whose UIDs are not UIDs
  (they become file names), is refused on the wire and never written.
* C-MOVE needs an inbound association: the workstation runs a Storage SCP (``LocalAe``: its AE
  title, address and port, which the PACS must know as a move destination) only for the time of
  the retrieval, accepting only the PACS's own AE title as caller. One at a time per process (the
  port is the site's configuration, not ephemeral). C-GET needs no inbound port.
* Failures are :class:`DimseError`: ``user_message`` is French for the radiologist (association
  refused, unknown AE, nothing listening, timeout, TLS...), ``str()`` the precise English detail for
  the log. Logs carry AE titles, addresses and UIDs, never a patient identifier or name.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import (
    JPEG2000,
    UID,
    ComprehensiveSRStorage,
    ComputedRadiographyImageStorage,
    CTImageStorage,
    DigitalMammographyXRayImageStorageForPresentation,
    DigitalXRayImageStorageForPresentation,
    DigitalXRayImageStorageForProcessing,
    EncapsulatedPDFStorage,
    EnhancedCTImageStorage,
    EnhancedMRImageStorage,
    EnhancedSRStorage,
    ExplicitVRLittleEndian,
    GrayscaleSoftcopyPresentationStateStorage,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    KeyObjectSelectionDocumentStorage,
    MRImageStorage,
    NuclearMedicineImageStorage,
    PositronEmissionTomographyImageStorage,
    RLELossless,
    SecondaryCaptureImageStorage,
    UltrasoundImageStorage,
    UltrasoundMultiFrameImageStorage,
    XRayAngiographicImageStorage,
    XRayRadiationDoseSRStorage,
    XRayRadiofluoroscopicImageStorage,
)
from pynetdicom import (
    AE,
    ALL_TRANSFER_SYNTAXES,
    AllStoragePresentationContexts,
    build_context,
    build_role,
    evt,
)
from pynetdicom.association import Association
from pynetdicom.pdu import A_ASSOCIATE_RJ

from resources.translations import QT_TRANSLATE_NOOP
from workstation.pacs.nodes import PacsNode

# The service classes of PS3.4 that pydicom.uid does not name (pynetdicom.sop_class makes them at
# import time, which a type checker cannot see); tests/workstation/test_dimse.py checks they agree.
Verification = UID("1.2.840.10008.1.1")
StudyRootQueryRetrieveInformationModelFind = UID("1.2.840.10008.5.1.4.1.2.2.1")
StudyRootQueryRetrieveInformationModelMove = UID("1.2.840.10008.5.1.4.1.2.2.2")
StudyRootQueryRetrieveInformationModelGet = UID("1.2.840.10008.5.1.4.1.2.2.3")

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_UID = re.compile(r"[0-9]+(\.[0-9]+)*")

UNCOMPRESSED: list[str | UID] = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]
COMPRESSED: list[str | UID] = [
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    JPEG2000Lossless,
    JPEG2000,
    RLELossless,
]
# What a C-GET asks the PACS to send back on its own association. Images may come compressed, so
# their classes get one context per compressed syntax (a PACS sends an instance as stored when we
# accepted its syntax, and not every PACS can transcode); the others come uncompressed. 128
# presentation contexts at most per association: 7 x 10 + 15 + 1 here.
_IMAGE_CLASSES = [
    CTImageStorage,
    MRImageStorage,
    DigitalXRayImageStorageForPresentation,
    ComputedRadiographyImageStorage,
    DigitalMammographyXRayImageStorageForPresentation,
    UltrasoundImageStorage,
    SecondaryCaptureImageStorage,
]
_OTHER_CLASSES = [
    EnhancedCTImageStorage,
    EnhancedMRImageStorage,
    DigitalXRayImageStorageForProcessing,
    UltrasoundMultiFrameImageStorage,
    XRayAngiographicImageStorage,
    XRayRadiofluoroscopicImageStorage,
    NuclearMedicineImageStorage,
    PositronEmissionTomographyImageStorage,
    EnhancedSRStorage,
    ComprehensiveSRStorage,
    XRayRadiationDoseSRStorage,
    KeyObjectSelectionDocumentStorage,
    GrayscaleSoftcopyPresentationStateStorage,
    EncapsulatedPDFStorage,
]
GET_STORAGE_CLASSES = (*_IMAGE_CLASSES, *_OTHER_CLASSES)
# What the C-MOVE receiver accepts, in its order of preference (pynetdicom picks the first it
# supports among those proposed): explicit VR first, so that a PACS that offers both uncompressed
# syntaxes sends an explicit-VR file as it is.
RECEIVED_SYNTAXES = [
    *UNCOMPRESSED,
    *COMPRESSED,
    *(ts for ts in ALL_TRANSFER_SYNTAXES if ts not in UNCOMPRESSED and ts not in COMPRESSED),
]
RETRY_SYNTAXES = [  # most frequent in archives first
    JPEGLSLossless,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    RLELossless,
    JPEGBaseline8Bit,
    JPEG2000,
    JPEGLSNearLossless,
    JPEGExtended12Bit,
    JPEGLossless,
]

STUDY_KEYS = (
    "StudyInstanceUID",
    "PatientID",
    "StudyDate",
    "StudyTime",
    "StudyDescription",
    "AccessionNumber",
    "ModalitiesInStudy",
    "NumberOfStudyRelatedInstances",
)
SERIES_KEYS = (
    "SeriesInstanceUID",
    "Modality",
    "SeriesNumber",
    "SeriesDescription",
    "NumberOfSeriesRelatedInstances",
)

# DIMSE status values (PS3.4 C.4, PS3.7 C)
_PENDING = (0xFF00, 0xFF01)
_CANCEL = 0xFE00
_MOVE_DESTINATION_UNKNOWN = 0xA801
_OUT_OF_RESOURCES = (0xA700, 0xA701, 0xA702)
_REFUSED_INSTANCE = 0xC000  # "cannot understand": an instance we did not ask for
_STORE_FAILED = 0xA700


class DimseError(Exception):
    """A DIMSE exchange that failed; ``user_message`` is French, ``str()`` English for the log."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class DimseCancelled(DimseError):
    """The user cancelled a retrieval; the instances already written are complete."""


class DimseNotFound(DimseError):
    """The PACS answered but holds nothing for the request."""


@dataclass(frozen=True, slots=True)
class LocalAe:
    """The workstation as a DICOM node: its AE title and where its C-MOVE Storage SCP listens."""

    ae_title: str
    listen_host: str = "0.0.0.0"
    listen_port: int = 11113

    @classmethod
    def from_settings(cls, settings: Any) -> LocalAe:
        return cls(settings.dimse_ae_title, settings.dimse_listen_host, settings.dimse_listen_port)


@dataclass(frozen=True, slots=True)
class StoreOutcome:
    """The PACS's answer to one C-STORE: 0x0000 success, 0xB000-0xB007 warnings, anything else failed."""

    sop_instance_uid: str
    status: int

    @property
    def stored(self) -> bool:
        return self.status == 0x0000 or 0xB000 <= self.status <= 0xB0FF


@dataclass
class _Exchange:
    """What the transport events told us about one association attempt (to explain a failure)."""

    connected: bool = False
    received: bool = False
    # the A-ASSOCIATE-RJ as it arrived (result, source, reason, reason text): a PACS that closes the
    # connection right after its rejection (dcmqrscp under load) can make pynetdicom report an abort
    rejection: tuple[int, int, int, str] | None = None


def _valid_uid(uid: object) -> bool:
    return isinstance(uid, str) and len(uid) <= 64 and _UID.fullmatch(uid) is not None


def _status(value: Dataset) -> int | None:
    return int(value.Status) if "Status" in value else None


_LISTENER = threading.Lock()  # one C-MOVE Storage SCP per process: its port is configured, not ephemeral


class DimseClient:
    """One PACS (:class:`~workstation.pacs.nodes.PacsNode`) seen from the workstation (:class:`LocalAe`)."""

    def __init__(self, node: PacsNode, local: LocalAe) -> None:
        self.node = node
        self.local = local

    @property
    def address(self) -> str:
        """How the audit journal and the logs name this PACS: ``dicom://AE@host:port``."""
        return f"dicom://{self.node.ae_title}@{self.node.host}:{self.node.port}"

    # --- association --------------------------------------------------------------------------

    def _ae(self) -> AE:
        ae = AE(ae_title=self.local.ae_title)
        timeout = float(self.node.timeout_seconds)
        ae.acse_timeout = timeout
        ae.dimse_timeout = timeout
        ae.network_timeout = timeout
        ae.connection_timeout = timeout
        ae.maximum_pdu_size = 0  # no limit on what we receive
        return ae

    def _tls(self) -> tuple[ssl.SSLContext, str] | None:
        if not self.node.tls:
            return None
        try:
            context = ssl.create_default_context(
                cafile=str(self.node.tls_ca_file) if self.node.tls_ca_file else None
            )
            if self.node.tls_cert_file and self.node.tls_key_file:
                context.load_cert_chain(str(self.node.tls_cert_file), str(self.node.tls_key_file))
        except (OSError, ssl.SSLError) as exc:
            raise DimseError(
                f"{self.address}: TLS files unusable: {exc}",
                QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Connexion chiffrée au PACS « {name} » impossible : certificat ou clé illisible "
                    "(vérifiez les paramètres TLS).",
                ).format(name=self.node.name),
            ) from exc
        return context, self.node.host

    def _associate(
        self, ae: AE, contexts: Sequence[Any], roles: Sequence[Any] = (), handlers: Sequence[Any] = ()
    ) -> Association:
        seen = _Exchange()

        def opened(_event: evt.Event) -> None:
            seen.connected = True

        def received(event: evt.Event) -> None:
            seen.received = True
            pdu = getattr(event, "pdu", None)
            if isinstance(pdu, A_ASSOCIATE_RJ):
                result, source, reason = pdu.result, pdu.source, pdu.reason_diagnostic
                if result is not None and source is not None and reason is not None:
                    seen.rejection = (result, source, reason, pdu.reason_str)

        assoc = ae.associate(
            self.node.host,
            self.node.port,
            contexts=list(contexts),
            ae_title=self.node.ae_title,
            ext_neg=list(roles) or None,
            evt_handlers=[(evt.EVT_CONN_OPEN, opened), (evt.EVT_PDU_RECV, received), *handlers],
            tls_args=self._tls(),
        )
        if assoc.is_established:
            return assoc
        raise self._not_associated(assoc, seen)

    def _not_associated(self, assoc: Association, seen: _Exchange) -> DimseError:
        name = self.node.name
        answer = assoc.acceptor.primitive
        rejection = seen.rejection
        if assoc.is_rejected and answer is not None:
            rejection = (
                int(answer.result or 0), int(answer.result_source or 0), int(answer.diagnostic or 0),
                answer.reason_str,
            )
        if rejection is not None:
            result, source, reason, reason_text = rejection
            detail = (
                f"{self.address}: association rejected by {self.node.ae_title} "
                f"(result {result}, source {source}, reason {reason}: {reason_text})"
            )
            log.warning("%s", detail)
            if source == 1 and reason == 7:
                message = QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Le PACS « {name} » ne reconnaît pas le titre AE appelé « {called} » : vérifiez le titre "
                    "AE du PACS dans les paramètres.",
                ).format(name=name, called=self.node.ae_title)
            elif source == 1 and reason == 3:
                message = QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Le PACS « {name} » ne connaît pas ce poste (titre AE « {calling} ») : il doit être "
                    "déclaré dans le PACS par son administrateur.",
                ).format(name=name, calling=self.local.ae_title)
            elif result == 2:
                message = QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Le PACS « {name} » est momentanément surchargé et refuse la connexion : réessayez.",
                ).format(name=name)
            else:
                message = QT_TRANSLATE_NOOP(
                    "Pacs", "Le PACS « {name} » a refusé l'association DICOM ({reason})."
                ).format(name=name, reason=reason_text)
            return DimseError(detail, message)
        if seen.connected and not seen.received:
            detail = (
                f"{self.address}: no answer to the association request within {self.node.timeout_seconds} s"
            )
            log.warning("%s", detail)
            return DimseError(
                detail,
                QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Le PACS « {name} » ne répond pas (délai de {seconds} s dépassé) "
                    ": vérifiez l'adresse et le "
                    "port, ou réessayez plus tard.",
                ).format(name=name, seconds=f"{self.node.timeout_seconds:g}"),
            )
        if seen.connected:
            detail = f"{self.address}: association aborted by the peer or the network"
            log.warning("%s", detail)
            return DimseError(
                detail,
                QT_TRANSLATE_NOOP(
                    "Pacs", "Le PACS « {name} » a interrompu la connexion DICOM (refus ou erreur réseau)."
                ).format(name=name),
            )
        return self._unreachable()

    def _unreachable(self) -> DimseError:
        """No transport: say why, from one plain TCP probe (refused, no route, unknown host, TLS)."""
        name, host, port = self.node.name, self.node.host, self.node.port
        try:
            with socket.create_connection((host, port), timeout=min(3.0, self.node.timeout_seconds)):
                pass
        except socket.gaierror as exc:
            detail = f"{self.address}: unknown host ({exc})"
            message = QT_TRANSLATE_NOOP(
                "Pacs", "Adresse du PACS « {name} » inconnue : « {host} » (vérifiez les paramètres)."
            ).format(name=name, host=host)
        except ConnectionRefusedError:
            detail = f"{self.address}: connection refused (nothing listens on port {port})"
            message = QT_TRANSLATE_NOOP(
                "Pacs",
                "Connexion refusée par {host}:{port} : le PACS « {name} » n'écoute "
                "pas sur ce port ou est arrêté.",
            ).format(name=name, host=host, port=port)
        except TimeoutError:
            detail = f"{self.address}: TCP connection timed out"
            message = QT_TRANSLATE_NOOP(
                "Pacs",
                "Le PACS « {name} » ne répond pas ({host}:{port}) : réseau coupé, "
                "pare-feu ou adresse erronée.",
            ).format(name=name, host=host, port=port)
        except OSError as exc:
            detail = f"{self.address}: cannot connect: {exc.strerror or exc}"
            message = QT_TRANSLATE_NOOP(
                "Pacs", "Le PACS « {name} » est injoignable ({host}:{port}) : {problem}."
            ).format(name=name, host=host, port=port, problem=exc.strerror or type(exc).__name__)
        else:
            if self.node.tls:
                detail = f"{self.address}: TCP connects but the TLS handshake failed"
                message = QT_TRANSLATE_NOOP(
                    "Pacs",
                    "La connexion chiffrée (TLS) au PACS « {name} » a échoué : "
                    "certificat non reconnu ou PACS "
                    "sans TLS sur ce port.",
                ).format(name=name)
            else:
                detail = f"{self.address}: transport failed although the port accepts connections"
                message = QT_TRANSLATE_NOOP(
                    "Pacs", "La connexion au PACS « {name} » a échoué : réessayez."
                ).format(name=name)
        log.warning("%s", detail)
        return DimseError(detail, message)

    def _lost(self, what: str, started: float) -> DimseError:
        """No answer to a request: a timeout, or the PACS aborted the association well before it
        (what Orthanc does with a request from an AE it does not authorise)."""
        if time.monotonic() - started < 0.9 * self.node.timeout_seconds:
            detail = f"{self.address}: {what}: association aborted by the PACS before any answer"
            message = QT_TRANSLATE_NOOP(
                "Pacs",
                "Le PACS « {name} » a interrompu l'échange sans répondre : requête refusée (ce poste, "
                "titre AE « {ae} », n'y est peut-être pas autorisé).",
            ).format(name=self.node.name, ae=self.local.ae_title)
        else:
            detail = f"{self.address}: {what}: no answer within {self.node.timeout_seconds:g} s"
            message = QT_TRANSLATE_NOOP(
                "Pacs",
                "Le PACS « {name} » a cessé de répondre pendant l'échange (délai de {seconds} s dépassé).",
            ).format(name=self.node.name, seconds=f"{self.node.timeout_seconds:g}")
        log.warning("%s", detail)
        return DimseError(detail, message)

    def _failed_status(self, what: str, status: int, comment: str = "") -> DimseError:
        detail = f"{self.address}: {what} failed with status 0x{status:04X}" + (
            f" ({comment})" if comment else ""
        )
        log.warning("%s", detail)
        if status == _MOVE_DESTINATION_UNKNOWN:
            message = QT_TRANSLATE_NOOP(
                "Pacs",
                "Le PACS « {name} » ne connaît pas la destination « {ae} » : il "
                "faut y déclarer ce poste (titre "
                "AE {ae}, port {port}) ou choisir la récupération C-GET.",
            ).format(name=self.node.name, ae=self.local.ae_title, port=self.local.listen_port)
        elif status in _OUT_OF_RESOURCES:
            message = QT_TRANSLATE_NOOP(
                "Pacs", "Le PACS « {name} » manque de ressources pour répondre (code 0x{status}) : réessayez."
            ).format(name=self.node.name, status=f"{status:04X}")
        else:
            message = QT_TRANSLATE_NOOP(
                "Pacs", "Le PACS « {name} » a répondu par une erreur (code 0x{status})."
            ).format(name=self.node.name, status=f"{status:04X}")
        return DimseError(detail, message)

    # --- C-ECHO -------------------------------------------------------------------------------

    def echo(self) -> float:
        """« Tester la connexion »: one C-ECHO; returns the round trip in seconds."""
        started = time.monotonic()
        assoc = self._associate(self._ae(), [build_context(Verification)])
        try:
            status = assoc.send_c_echo()
        finally:
            assoc.release()
        code = _status(status)
        if code is None:
            raise self._lost("C-ECHO", started)
        if code != 0x0000:
            raise self._failed_status("C-ECHO", code)
        seconds = time.monotonic() - started
        log.info("%s: C-ECHO ok in %.3f s", self.address, seconds)
        return seconds

    # --- C-FIND -------------------------------------------------------------------------------

    def _find(self, query: Dataset, what: str) -> list[Dataset]:
        assoc = self._associate(self._ae(), [build_context(StudyRootQueryRetrieveInformationModelFind)])
        found: list[Dataset] = []
        started = time.monotonic()
        try:
            for status, identifier in assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind):
                code = _status(status)
                if code is None:
                    raise self._lost(what, started)
                if code in _PENDING:
                    if identifier is not None:
                        found.append(identifier)
                    continue
                if code != 0x0000:
                    raise self._failed_status(what, code, str(status.get("ErrorComment", "")))
        finally:
            if assoc.is_established:
                assoc.release()
        log.info("%s: %s: %d answers", self.address, what, len(found))
        return found

    def find_studies(self, **keys: str) -> list[Dataset]:
        """C-FIND at STUDY level (Study Root): ``keys`` are matching keys (``PatientID="..."``); the
        return keys of :data:`STUDY_KEYS` are asked for. Exact or wildcard matching is the
        caller's choice (the priors search refuses wildcards before it calls)."""
        query = Dataset()
        query.QueryRetrieveLevel = "STUDY"
        for keyword in STUDY_KEYS:
            setattr(query, keyword, "")
        for keyword, value in keys.items():
            setattr(query, keyword, value)
        return self._find(query, "C-FIND STUDY")

    def find_series(self, study_uid: str) -> list[Dataset]:
        """C-FIND at SERIES level for one study."""
        if not _valid_uid(study_uid):
            raise ValueError(f"not a DICOM UID: {study_uid!r}")
        query = Dataset()
        query.QueryRetrieveLevel = "SERIES"
        query.StudyInstanceUID = study_uid
        for keyword in SERIES_KEYS:
            setattr(query, keyword, "")
        return self._find(query, "C-FIND SERIES")

    # --- retrieval ----------------------------------------------------------------------------

    def retrieve_study(
        self,
        study_uid: str,
        dest_dir: Path,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        on_instance: Callable[[Path], None] | None = None,
    ) -> list[Path]:
        """Every instance of the study into ``dest_dir/<SeriesUID>/<SOPInstanceUID>.dcm``, by the
        node's method (C-MOVE or C-GET). ``progress(done, total)`` after each instance (``total`` is
        the PACS's count when it gave one); ``on_instance(path)`` after each file is complete (the
        cache seals it and removes the clear copy there). ``cancel`` stops at the next answer with
        :class:`DimseCancelled`. Returns the files written (those ``on_instance`` removed included)."""
        if not _valid_uid(study_uid):
            raise ValueError(f"not a DICOM UID: {study_uid!r}")
        receiver = _Receiver(study_uid, Path(dest_dir), progress, on_instance, self.address)
        query = Dataset()
        query.QueryRetrieveLevel = "STUDY"
        query.StudyInstanceUID = study_uid
        started = time.monotonic()
        try:
            if self.node.retrieve == "C-GET":
                self._get(query, receiver, cancel)
            else:
                self._move(query, receiver, cancel)
        except DimseError as exc:
            # Some PACS answer a retrieval of a study they do not hold with a bare failure (Orthanc:
            # 0xC000): a C-FIND tells "not found" (said below) from a real failure.
            if (
                receiver.written
                or isinstance(exc, DimseCancelled)
                or "failed with status 0xC" not in str(exc)
            ):
                raise
            if self.find_studies(StudyInstanceUID=study_uid):
                raise
        if receiver.refused:
            raise DimseError(
                f"{self.address}: {receiver.refused} instance(s) of another study or "
                f"with malformed UIDs refused",
                QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Le PACS « {name} » a envoyé des images d'un autre examen ou mal identifiées : elles ont "
                    "été refusées et l'examen n'est pas affiché.",
                ).format(name=self.node.name),
            )
        if receiver.write_error:
            raise DimseError(
                f"{self.address}: cannot write a received instance: {receiver.write_error}",
                QT_TRANSLATE_NOOP(
                    "Pacs", "Impossible d'enregistrer les images reçues du PACS (espace disque ou droits)."
                ),
            )
        if not receiver.written:
            raise DimseNotFound(
                f"{self.address}: study {study_uid}: no instance received",
                QT_TRANSLATE_NOOP("Pacs", "Le PACS « {name} » ne détient aucune image de cet examen.").format(
                    name=self.node.name
                ),
            )
        log.info(
            "%s: %s of study %s: %d instances in %.1f s",
            self.address,
            self.node.retrieve,
            study_uid,
            len(receiver.written),
            time.monotonic() - started,
        )
        return list(receiver.written)

    def _follow(
        self,
        assoc: Association,
        responses: Iterator[tuple[Dataset, Dataset | None]],
        receiver: _Receiver,
        cancel: threading.Event | None,
        what: str,
    ) -> int:
        """Read the C-GET/C-MOVE answers (counts for the progress); returns the number of failed
        sub-operations of a final answer that is otherwise a success or a warning."""
        started = time.monotonic()
        for status, _identifier in responses:
            code = _status(status)
            if code is None:
                raise self._lost(what, started)
            remaining = int(status.get("NumberOfRemainingSuboperations", 0) or 0)
            counted = sum(
                int(status.get(k, 0) or 0)
                for k in (
                    "NumberOfCompletedSuboperations",
                    "NumberOfFailedSuboperations",
                    "NumberOfWarningSuboperations",
                )
            )
            receiver.total = max(receiver.total, remaining + counted)
            started = time.monotonic()  # a long retrieval that answers is not a timeout
            if code in _PENDING:
                if cancel is not None and cancel.is_set():
                    assoc.abort()
                    raise DimseCancelled(
                        f"{self.address}: {what} cancelled after {len(receiver.written)} instances",
                        QT_TRANSLATE_NOOP("Pacs", "Récupération des images annulée."),
                    )
                continue
            if code == _CANCEL:
                raise DimseCancelled(
                    f"{self.address}: {what} cancelled by the PACS",
                    QT_TRANSLATE_NOOP("Pacs", "Récupération annulée."),
                )
            failed = int(status.get("NumberOfFailedSuboperations", 0) or 0)
            if code == 0x0000 or 0xB000 <= code <= 0xB0FF:
                return failed
            if failed:  # sub-operations failed (0xA702...): the caller decides, another syntax may do
                return failed
            raise self._failed_status(what, code, str(status.get("ErrorComment", "")))
        raise self._lost(what, started)

    def _incomplete(self, what: str, failed: int) -> DimseError:
        detail = f"{self.address}: {what}: {failed} sub-operation(s) failed"
        log.warning("%s", detail)
        return DimseError(
            detail,
            QT_TRANSLATE_NOOP(
                "Pacs",
                "Le PACS « {name} » n'a pas pu envoyer {count} image(s) de l'examen : examen "
                "incomplet, non affiché.",
            ).format(name=self.node.name, count=failed),
        )

    def _get(self, query: Dataset, receiver: _Receiver, cancel: threading.Event | None) -> None:
        """C-GET, first with every syntax offered; then, for what failed, once per compressed syntax.

        A PACS that cannot transcode sends an instance in the first context we accepted for its
        SOP class (dcmqrscp does exactly that): an image stored JPEG-LS fails when that context is
        uncompressed. Offering one compressed syntax at a time for the image classes lets such a
        PACS send each image as it stores it; instances already received are not written twice.
        """
        passes: list[list[str | UID] | None] = [None]
        passes.extend([syntax] for syntax in RETRY_SYNTAXES)
        failed = 0
        for index, only in enumerate(passes):
            failed = self._get_pass(query, receiver, cancel, only)
            if not failed or (receiver.total and len(receiver.written) >= receiver.total):
                return
            if index == 0:
                log.info(
                    "%s: C-GET: %d instance(s) not sent as offered, offering one compressed syntax at a time",
                    self.address,
                    failed,
                )
        raise self._incomplete("C-GET", max(failed, receiver.total - len(receiver.written)))

    def _get_pass(
        self,
        query: Dataset,
        receiver: _Receiver,
        cancel: threading.Event | None,
        only: list[str | UID] | None,
    ) -> int:
        contexts = [build_context(StudyRootQueryRetrieveInformationModelGet)]
        for sop_class in _IMAGE_CLASSES:
            if only is None:
                contexts.append(build_context(sop_class, UNCOMPRESSED))
                contexts.extend(build_context(sop_class, syntax) for syntax in COMPRESSED)
            else:
                contexts.append(build_context(sop_class, only))
        contexts.extend(build_context(sop_class, UNCOMPRESSED) for sop_class in _OTHER_CLASSES)
        roles = [build_role(sop_class, scp_role=True) for sop_class in GET_STORAGE_CLASSES]
        assoc = self._associate(self._ae(), contexts, roles, [(evt.EVT_C_STORE, receiver.handle)])
        try:
            responses = assoc.send_c_get(query, StudyRootQueryRetrieveInformationModelGet)
            return self._follow(assoc, responses, receiver, cancel, "C-GET")
        finally:
            if assoc.is_established:
                assoc.release()

    def _move(self, query: Dataset, receiver: _Receiver, cancel: threading.Event | None) -> None:
        if self.node.tls and not (self.node.tls_cert_file and self.node.tls_key_file):
            raise DimseError(
                f"{self.address}: C-MOVE over TLS needs the workstation's certificate for its receiver",
                QT_TRANSLATE_NOOP(
                    "Pacs",
                    "Récupération C-MOVE chiffrée impossible sans certificat du poste pour la réception : "
                    "renseignez-le ou choisissez C-GET pour le PACS « {name} ».",
                ).format(name=self.node.name),
            )
        failed = 0
        if not _LISTENER.acquire(timeout=max(30.0, 3 * self.node.timeout_seconds)):
            raise DimseError(
                f"{self.address}: another C-MOVE holds the workstation's receiver",
                QT_TRANSLATE_NOOP("Pacs", "Une autre récupération est en cours : réessayez dans un instant."),
            )
        try:
            scp = self._ae()
            scp.supported_contexts = [
                build_context(cx.abstract_syntax, RECEIVED_SYNTAXES)
                for cx in AllStoragePresentationContexts
                if cx.abstract_syntax is not None  # always set in pynetdicom's list
            ]
            scp.require_calling_aet = [self.node.ae_title]  # only this PACS may store, only now
            server_tls = None
            if self.node.tls:
                server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                server_tls.load_cert_chain(str(self.node.tls_cert_file), str(self.node.tls_key_file))
            try:
                server = scp.start_server(
                    (self.local.listen_host, self.local.listen_port),
                    block=False,
                    ssl_context=server_tls,
                    evt_handlers=[(evt.EVT_C_STORE, receiver.handle)],
                    ae_title=self.local.ae_title,
                )
            except OSError as exc:
                detail = (
                    f"{self.address}: cannot listen on {self.local.listen_host}:{self.local.listen_port} "
                    f"for C-MOVE: {exc.strerror or exc}"
                )
                log.error("%s", detail)
                raise DimseError(
                    detail,
                    QT_TRANSLATE_NOOP(
                        "Pacs",
                        "Le poste ne peut pas recevoir les images sur le port {port} "
                        "(déjà utilisé ou interdit) : "
                        "changez le port de réception DICOM dans les paramètres, ou choisissez C-GET.",
                    ).format(port=self.local.listen_port),
                ) from exc
            assert server is not None  # start_server(block=False) returns the running server
            try:
                assoc = self._associate(
                    self._ae(), [build_context(StudyRootQueryRetrieveInformationModelMove)]
                )
                try:
                    responses = assoc.send_c_move(
                        query, self.local.ae_title, StudyRootQueryRetrieveInformationModelMove
                    )
                    failed = self._follow(assoc, responses, receiver, cancel, "C-MOVE")
                finally:
                    if assoc.is_established:
                        assoc.release()
            finally:
                server.shutdown()
        finally:
            _LISTENER.release()
        if failed:
            raise self._incomplete("C-MOVE", failed)

    # --- C-STORE ------------------------------------------------------------------------------

    def store(self, items: Iterable[Dataset | Path]) -> list[StoreOutcome]:
        """C-STORE each dataset (or DICOM file) in its own transfer syntax, on one association.

        For the documents the workstation makes (Key Object Selection, SR): every instance's status
        is returned; :class:`DimseError` when the PACS refused any of them (the others stay stored:
        C-STORE has no transaction), with the count in French."""
        datasets = [self._readable(item) for item in items]
        if not datasets:
            return []
        pairs: dict[tuple[str, str], None] = {}
        for ds in datasets:
            pairs[(str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID))] = None
        if len(pairs) > 128:
            raise ValueError("more than 128 (SOP class, transfer syntax) pairs in one C-STORE batch")
        contexts = [build_context(sop_class, syntax) for sop_class, syntax in pairs]
        assoc = self._associate(self._ae(), contexts)
        outcomes: list[StoreOutcome] = []
        try:
            for ds in datasets:
                started = time.monotonic()
                status = assoc.send_c_store(ds)
                code = _status(status)
                if code is None:
                    raise self._lost("C-STORE", started)
                outcomes.append(StoreOutcome(str(ds.SOPInstanceUID), code))
        finally:
            if assoc.is_established:
                assoc.release()
        refused = [o for o in outcomes if not o.stored]
        if refused:
            codes = ", ".join(sorted({f"0x{o.status:04X}" for o in refused}))
            detail = f"{self.address}: C-STORE refused {len(refused)}/{len(outcomes)} instance(s) ({codes})"
            log.warning("%s", detail)
            raise DimseError(
                detail,
                QT_TRANSLATE_NOOP(
                    "Pacs", "Le PACS « {name} » a refusé {count} document(s) sur {total} (code {codes})."
                ).format(name=self.node.name, count=len(refused), total=len(outcomes), codes=codes),
            )
        log.info("%s: C-STORE of %d instance(s) ok", self.address, len(outcomes))
        return outcomes

    @staticmethod
    def _readable(item: Dataset | Path) -> Dataset:
        if isinstance(item, Dataset):
            ds = item
        else:
            try:
                ds = dcmread(item)
            except (InvalidDicomError, OSError) as exc:
                raise DimseError(
                    f"C-STORE: {Path(item).name} unreadable ({type(exc).__name__})",
                    QT_TRANSLATE_NOOP("Pacs", "Document DICOM illisible : rien n'a été envoyé au PACS."),
                ) from exc
        meta = getattr(ds, "file_meta", None)
        if (
            not _valid_uid(str(ds.get("SOPInstanceUID", "")))
            or not _valid_uid(str(ds.get("SOPClassUID", "")))
            or meta is None
            or "TransferSyntaxUID" not in meta
        ):
            raise DimseError(
                "C-STORE: a dataset lacks its SOP class, SOP instance UID or transfer syntax",
                QT_TRANSLATE_NOOP("Pacs", "Document DICOM incomplet : rien n'a été envoyé au PACS."),
            )
        return ds


@dataclass
class _Receiver:
    """The C-STORE handler of a retrieval (C-GET: our association; C-MOVE: the temporary SCP)."""

    study_uid: str
    dest_dir: Path
    progress: Progress | None
    on_instance: Callable[[Path], None] | None
    address: str
    total: int = 0
    refused: int = 0
    write_error: str = ""
    written: list[Path] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: set[Path] = field(default_factory=set)

    def handle(self, event: evt.Event) -> int:
        try:
            ds = event.dataset
        except Exception as exc:  # a dataset pydicom cannot parse: refused, the retrieval fails
            log.warning("%s: C-STORE of an unreadable dataset refused (%s)", self.address, type(exc).__name__)
            with self._lock:
                self.refused += 1
            return _REFUSED_INSTANCE
        study, series, sop = (
            str(ds.get(k, "")) for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")
        )
        if study != self.study_uid or not (_valid_uid(series) and _valid_uid(sop)):
            log.warning(
                "%s: C-STORE of an instance of another study or with malformed UIDs refused", self.address
            )
            with self._lock:
                self.refused += 1
            return _REFUSED_INSTANCE
        target = self.dest_dir / series / f"{sop}.dcm"
        with self._lock:
            if target in self._seen:  # sent again by a later C-GET pass: already kept
                return 0x0000
        partial = target.with_name(f".{target.name}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(event.encoded_dataset(include_meta=True))
            os.replace(partial, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            with self._lock:
                self.write_error = exc.strerror or type(exc).__name__
            log.error("%s: cannot write a received instance: %s", self.address, exc.strerror or exc)
            return _STORE_FAILED
        try:
            if self.on_instance is not None:
                self.on_instance(target)
        except Exception as exc:  # e.g. the cache refused it: the instance is not stored
            log.error("%s: a received instance could not be kept: %s", self.address, exc)
            with self._lock:
                self.write_error = str(exc)
            return _STORE_FAILED
        with self._lock:
            self._seen.add(target)
            self.written.append(target)
            done = len(self.written)
        if self.progress is not None:
            self.progress(done, max(done, self.total))
        return 0x0000
