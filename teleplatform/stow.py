"""STOW-RS (PS3.18 10.5): a radiologist stores the objects its reading produced (key object selection,
presentation states) into the study it read.

Scope, as for everything else on the platform: a radiologist may store only into the study of an
order it sees (the order's flux 4 study, for its sites and groups): never into a prior, another
site's study, or a study the platform does not hold. A refused request is a traced 403 and nothing
of it is stored (all or nothing). Each stored instance must also name the study's patient
(PatientID of the instances already held) and must not be an image (the platform's images come from
the sites); a SOP Instance UID already held is accepted again only with the same bytes (a retried
store), otherwise it is a failure of that instance (0xA900, PS3.4 B.2.3), never an overwrite.

Files go under ``DIR/dicom/stow/<study>/<series>/<sop>.dcm`` (written whole, then renamed) and into
the index at once, so QIDO and WADO find them without a restart.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from .auth import Role
from .dicom_index import _attributes_json, _int
from .store import Store
from .web import HttpError, Request, Response, json_response, media_type

log = logging.getLogger(__name__)

DICOM_JSON = "application/dicom+json"
MAX_PARTS = 64
# what a reading may add to a study: key object selection, presentation states, structured reports
ALLOWED_SOP_CLASSES = frozenset({
    "1.2.840.10008.5.1.4.1.1.88.59",  # Key Object Selection Document
    "1.2.840.10008.5.1.4.1.1.11.1",  # Grayscale Softcopy Presentation State
    "1.2.840.10008.5.1.4.1.1.88.11",  # Basic Text SR
    "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR
    "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
})
_PROCESSING_FAILURE = 0x0110
_DUPLICATE = 0xA900  # "data set does not match SOP class" family used by stores for conflicts
_NOT_AUTHORIZED = 0x0124
_SOP_CLASS_REFUSED = 0x0122


class StowRefused(Exception):
    """The whole request is out of the caller's scope: a traced 403."""

    def __init__(self, code: str, message: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.message, self.detail = code, message, detail


@dataclass(frozen=True, slots=True)
class _Part:
    data: bytes
    ds: pydicom.Dataset


def _parts(request: Request) -> list[bytes]:
    media, params = media_type(request.header("content-type") or "")
    if media != "multipart/related" or "boundary" not in params:
        raise HttpError(415, "unsupported_media_type",
                        "Le corps doit être multipart/related; type=\"application/dicom\".")
    kind = params.get("type", "application/dicom").strip('"').lower()
    if kind != "application/dicom":
        raise HttpError(415, "unsupported_media_type", "Seuls des objets application/dicom sont acceptés.")
    delimiter = b"--" + params["boundary"].strip('"').encode("latin-1")
    pieces = request.body.split(delimiter)
    found = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        head, separator, body = piece.partition(b"\r\n\r\n")
        if not separator:
            raise HttpError(400, "bad_request", "Partie multipart sans en-têtes.")
        headers = head.decode("latin-1").lower()
        if "content-type" in headers and "application/dicom" not in headers:
            raise HttpError(415, "unsupported_media_type",
                            "Seuls des objets application/dicom sont acceptés.")
        found.append(body[:-2] if body.endswith(b"\r\n") else body)
        if len(found) > MAX_PARTS:
            raise HttpError(413, "too_many_parts", f"Au plus {MAX_PARTS} objets par requête.")
    if not found:
        raise HttpError(400, "bad_request", "Aucun objet DICOM dans la requête.")
    return found


def _element(tag: str, vr: str, *values: Any) -> tuple[str, dict[str, Any]]:
    return tag, {"vr": vr, "Value": list(values)} if values else {"vr": vr}


class StowService:
    def __init__(self, store: Store, root: Path, base_url: str = "") -> None:
        self._store, self._root, self._base = store, root, base_url

    def _allowed_studies(self, request: Request) -> set[str]:
        user = request.user
        if user is None or user.role is not Role.RADIOLOGIST or not user.senders:
            return set()
        senders = sorted(user.senders)
        marks = ", ".join("?" * len(senders))
        with self._store.reading() as conn:
            rows = conn.execute(
                f"SELECT study_instance_uid FROM orders WHERE sender IN ({marks})"
                " AND study_instance_uid IS NOT NULL", senders).fetchall()
        return {r["study_instance_uid"] for r in rows}

    def store(self, request: Request) -> Response:
        parts: list[_Part] = []
        for data in _parts(request):
            try:
                ds = pydicom.dcmread(io.BytesIO(data))
            except (InvalidDicomError, Exception) as exc:  # any reading failure: 400
                raise HttpError(400, "bad_request", "Un objet n'est pas un fichier DICOM lisible.") from exc
            parts.append(_Part(data, ds))
        allowed = self._allowed_studies(request)
        wanted = request.params.get("study")
        for part in parts:
            study = str(part.ds.get("StudyInstanceUID", ""))
            if wanted and study != wanted:
                raise HttpError(400, "bad_request", "Un objet n'appartient pas à l'étude de l'URL.")
            if study not in allowed:
                raise StowRefused("study_not_allowed", "Vous ne pouvez enregistrer que dans les examens de "
                                  "vos demandes.", f"STOW into study {study} outside the caller's orders")
        referenced, failed = [], []
        for part in parts:
            status = self._store_one(part)
            ds = part.ds
            item = dict([_element("00081150", "UI", str(ds.get("SOPClassUID", ""))),
                         _element("00081155", "UI", str(ds.get("SOPInstanceUID", "")))])
            if status is None:
                url = (f"{self._base}/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"
                       f"/instances/{ds.SOPInstanceUID}")
                item.update([_element("00081190", "UR", url)])
                referenced.append(item)
            else:
                item.update([_element("00081197", "US", status)])
                failed.append(item)
        body: dict[str, Any] = {}
        if referenced:
            body["00081199"] = {"vr": "SQ", "Value": referenced}
        if failed:
            body["00081198"] = {"vr": "SQ", "Value": failed}
        code = 200 if not failed else (202 if referenced else 409)
        return json_response(body, code, content_type=DICOM_JSON)

    def _store_one(self, part: _Part) -> int | None:
        """None when stored (or already held with the same bytes); else the failure reason."""
        ds = part.ds
        names = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID")
        keys = [str(ds.get(k, "")).strip() for k in names]
        study, series, sop, sop_class = keys
        if not all(keys) or "TransferSyntaxUID" not in getattr(ds, "file_meta", {}):
            return _PROCESSING_FAILURE
        if sop_class not in ALLOWED_SOP_CLASSES or "PixelData" in ds:
            return _SOP_CLASS_REFUSED
        with self._store.reading() as conn:
            held = conn.execute("SELECT path FROM instances WHERE sop_instance_uid = ?", (sop,)).fetchone()
            patients = {r["patient_id"] for r in conn.execute(
                "SELECT DISTINCT patient_id FROM instances WHERE study_uid = ?", (study,))}
        if patients and str(ds.get("PatientID", "")) not in patients:
            log.warning("STOW refused: instance %s names another patient than study %s", sop, study)
            return _NOT_AUTHORIZED
        digest = hashlib.sha256(part.data).hexdigest()
        if held is not None:
            try:
                same = hashlib.sha256((self._root / held["path"]).read_bytes()).hexdigest() == digest
            except OSError:
                same = False
            return None if same else _DUPLICATE
        relative = Path("stow") / study / series / f"{sop}.dcm"
        path = self._root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        with temporary.open("wb") as fp:
            fp.write(part.data)
            fp.flush()
            os.fsync(fp.fileno())
        temporary.replace(path)
        stat = path.stat()
        row = (sop, study, series, sop_class, relative.as_posix(), stat.st_size, stat.st_mtime_ns,
               str(ds.file_meta.TransferSyntaxUID), None, str(ds.get("PatientID", "")),
               str(ds.get("PatientName", "")), str(ds.get("AccessionNumber", "")),
               str(ds.get("Modality", "")),
               str(ds.get("StudyDate", "")), _int(ds.get("SeriesNumber")), _int(ds.get("InstanceNumber")),
               _attributes_json(ds))
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO instances (sop_instance_uid, study_uid, series_uid, sop_class_uid, path, size,"
                " mtime_ns, transfer_syntax, pixel_offset, patient_id, patient_name, accession_number,"
                " modality,"
                " study_date, series_number, instance_number, attrs_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        log.info("STOW: stored %s (%s) into study %s", sop, sop_class, study)
        return None

