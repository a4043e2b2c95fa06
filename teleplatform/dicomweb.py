"""DICOMweb (PS3.18) over the indexed files: QIDO-RS search, WADO-RS retrieve, metadata, frames.

Retrieval streams the stored files one after the other (chunked multipart/related), never holding a
study in memory. Instances go out in their stored transfer syntax unless the client names one: an
explicit request for Explicit VR Little Endian is honoured by decompressing each instance, and one for
a lossless compressed syntax (JPEG-LS, JPEG 2000, RLE: :data:`TRANSCODABLE`) by re-encoding each
instance that has pixels with the same codecs (pixel values unchanged; a slow link then carries half
the bytes or less). An instance that cannot be so encoded (no pixel data, a layout the codec refuses)
goes out as stored or decompressed, and its part's Content-Type says which syntax it is in. Any other
syntax the files are not already in is refused (406). Frames are always sent uncompressed
(application/octet-stream, little endian): a seek and a read for uncompressed files, a pydicom
decode of that one frame otherwise.

Scope: a radiologist sees the studies of the orders of its senders (linked by the flux 4
complement) and the other studies of those orders' patients (PID-3 = PatientID: the priors), plus
the studies attached to the open téléexpertise requests it is the expert of (teleplatform.expertise);
an admin sees everything. Anything else answers as if it did not exist (404 / no match).
Limits: QIDO limit 1..MAX_LIMIT and offset up to MAX_OFFSET, at most MAX_FRAMES frame numbers per
request and none repeated (400 otherwise).
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.datadict import keyword_for_tag, tag_for_keyword
from pydicom.pixels import pixel_array
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLSLossless,
    RLELossless,
)

from .auth import Role
from .dicom_index import (
    INSTANCE_ATTRIBUTES,
    SERIES_ATTRIBUTES,
    STUDY_ATTRIBUTES,
    frame_count,
    native_frame_size,
)
from .expertise import expert_studies_condition
from .store import Store
from .web import HttpError, Request, Response, accept_items, json_response

log = logging.getLogger(__name__)

DICOM_JSON = "application/dicom+json"
_CHUNK = 1 << 20
_UID_COLUMNS = {
    "StudyInstanceUID": "study_uid",
    "SeriesInstanceUID": "series_uid",
    "SOPInstanceUID": "sop_instance_uid",
    "SOPClassUID": "sop_class_uid",
}
_TEXT_COLUMNS = {
    "PatientID": "patient_id",
    "PatientName": "patient_name",
    "AccessionNumber": "accession_number",
    "Modality": "modality",
}
_INT_COLUMNS = {"SeriesNumber": "series_number", "InstanceNumber": "instance_number"}
_LEVEL_FILTERS = {
    "study": {
        "StudyInstanceUID",
        "PatientID",
        "PatientName",
        "AccessionNumber",
        "StudyDate",
        "ModalitiesInStudy",
    },
}
_LEVEL_FILTERS["series"] = _LEVEL_FILTERS["study"] | {"SeriesInstanceUID", "Modality", "SeriesNumber"}
_LEVEL_FILTERS["instance"] = _LEVEL_FILTERS["series"] | {"SOPInstanceUID", "SOPClassUID", "InstanceNumber"}
_CONTROL_PARAMS = {"limit", "offset", "includefield", "fuzzymatching"}
MAX_LIMIT = 1000
MAX_OFFSET = 10**9
MAX_FRAMES = 64
TRANSCODABLE = {JPEGLSLossless: "pyjpegls", JPEG2000Lossless: "pylibjpeg", RLELossless: "pylibjpeg"}
"""Lossless syntaxes an instance is re-encoded into on request, with the pydicom encoding plugin used."""
_DATE = re.compile(r"^\d{8}$")


def _tag(keyword: str) -> str:
    tag = tag_for_keyword(keyword)
    if tag is None:
        raise KeyError(keyword)
    return f"{tag:08X}"


def _keyword(key: str) -> str | None:
    """A query key as a DICOM keyword: 'PatientID', '00100020' and '0010,0020' all work."""
    compact = key.replace(",", "")
    if re.fullmatch(r"[0-9A-Fa-f]{8}", compact):
        return keyword_for_tag(int(compact, 16)) or None
    return key if tag_for_keyword(key) is not None else None


def visible(request: Request) -> tuple[str, list[Any]]:
    """SQL condition on ``instances`` for what the caller may read, and its arguments. Whole studies:
    a study is visible when it is an order's study or when one of its images names the patient of
    an order (so a mis-filed image inside it still reaches the workstation's own identity checks)."""
    user = request.user
    if user is not None and user.role is Role.ADMIN:
        return "1", []
    senders = sorted(user.senders) if user is not None and user.role is Role.RADIOLOGIST else []
    # téléexpertise: the studies attached to the open requests this radiologist is the expert of
    expert, expert_args = expert_studies_condition(user)
    if not senders:
        return f"({expert})", expert_args
    marks = ", ".join("?" * len(senders))
    return (
        f"(study_uid IN (SELECT o.study_instance_uid FROM orders o WHERE o.sender IN ({marks})"
        " AND o.study_instance_uid IS NOT NULL) OR study_uid IN (SELECT i.study_uid FROM instances i"
        " WHERE i.patient_id IN (SELECT p.patient_id FROM order_patients p JOIN orders o"
        f" ON o.order_id = p.order_id WHERE o.sender IN ({marks}))) OR {expert})",
        [*senders, *senders, *expert_args],
    )


def _values(raw: Sequence[str]) -> list[str]:
    return [v.strip() for item in raw for v in re.split(r"[,\\]", item) if v.strip()]


def _like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


class _Query:
    """SQL conditions for QIDO matching, built from the request's attribute parameters."""

    def __init__(self, request: Request, level: str, fixed: dict[str, str]) -> None:
        self.conditions: list[str] = []
        self.args: list[Any] = []
        self.include: set[str] = set()
        self.include_all = False
        self.warnings: list[str] = []
        allowed = _LEVEL_FILTERS[level]
        for key, raw in request.query.items():
            if key in _CONTROL_PARAMS:
                if key == "includefield":
                    for value in _values(raw):
                        if value == "all":
                            self.include_all = True
                        elif keyword := _keyword(value):
                            self.include.add(keyword)
                continue
            keyword = _keyword(key)
            if keyword is None or keyword not in allowed:
                self.warnings.append(f'299 teleplatform "{key} is not a supported matching key"')
                continue
            self._add(keyword, raw)
        for keyword, value in fixed.items():
            self._add(keyword, [value])
        condition, args = visible(request)
        self.conditions.append(condition)
        self.args.extend(args)
        self.limit = self._int_param(request, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        self.offset = self._int_param(request, "offset", 0, 0, MAX_OFFSET)

    @staticmethod
    def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query.get(name)
        if not raw:
            return default
        text = raw[0].strip()
        if not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
            raise HttpError(
                400, "bad_request", f"Paramètre {name} invalide : un entier de {low} à {high} est attendu."
            )
        return int(text)

    def _add(self, keyword: str, raw: Sequence[str]) -> None:
        values = (
            _values(raw)
            if keyword in _UID_COLUMNS or keyword == "ModalitiesInStudy"
            else [v.strip() for v in raw if v.strip()]
        )
        if not values:
            return  # universal matching
        if keyword in _UID_COLUMNS:
            self._in(_UID_COLUMNS[keyword], values)
        elif keyword == "ModalitiesInStudy":
            marks = ", ".join("?" * len(values))
            self.conditions.append(
                f"study_uid IN (SELECT study_uid FROM instances WHERE modality IN ({marks}))"
            )
            self.args.extend(values)
        elif keyword == "StudyDate":
            self._date(values[0])
        elif keyword in _INT_COLUMNS:
            try:
                self._in(_INT_COLUMNS[keyword], [int(v) for v in values])
            except ValueError as exc:
                raise HttpError(400, "bad_request", f"Valeur de {keyword} invalide.") from exc
        else:
            column = _TEXT_COLUMNS[keyword]
            value = values[0]
            if "*" in value or "?" in value:
                self.conditions.append(f"{column} LIKE ? ESCAPE '\\'")
                self.args.append(_like(value))
            else:
                self.conditions.append(f"{column} = ?")
                self.args.append(value)

    def _in(self, column: str, values: Sequence[Any]) -> None:
        self.conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
        self.args.extend(values)

    def _date(self, value: str) -> None:
        start, dash, end = value.partition("-")
        if not dash:
            end = start
        for part in (start, end):
            if part and not _DATE.match(part):
                raise HttpError(
                    400, "bad_request", "StudyDate doit être AAAAMMJJ ou un intervalle AAAAMMJJ-AAAAMMJJ."
                )
        if start:
            self.conditions.append("study_date >= ?")
            self.args.append(start)
        if end:
            self.conditions.append("study_date <= ?")
            self.args.append(end)

    @property
    def where(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1"


def _subset(attrs: dict[str, Any], keywords: Sequence[str] | set[str]) -> dict[str, Any]:
    tags = {_tag(k) for k in keywords}
    return {tag: value for tag, value in attrs.items() if tag in tags}


def _with_includes(attrs: dict[str, Any], base: Sequence[str], query: _Query) -> dict[str, Any]:
    if query.include_all:
        return dict(attrs)
    return _subset(attrs, set(base) | query.include)


def _int_element(keyword: str, value: int) -> tuple[str, dict[str, Any]]:
    return _tag(keyword), {"vr": "IS", "Value": [value]}


def _check_json_accept(request: Request) -> None:
    for media, _params in accept_items(request):
        if media in (DICOM_JSON, "application/json", "*/*", "application/*"):
            return
    raise HttpError(
        406, "not_acceptable", "Format de réponse non disponible : application/dicom+json uniquement."
    )


def _search_response(results: list[dict[str, Any]], query: _Query) -> Response:
    response = json_response(results, content_type=DICOM_JSON)
    if query.warnings:
        return Response(
            response.status,
            response.content_type,
            response.body,
            headers={"Warning": ", ".join(query.warnings)},
        )
    return response


class DicomWeb:
    def __init__(self, store: Store, root: Path) -> None:
        self._store = store
        self._root = root

    # -- QIDO-RS ----------------------------------------------------------------------------

    def search_studies(self, request: Request) -> Response:
        _check_json_accept(request)
        query = _Query(request, "study", {})
        sql = (
            "SELECT study_uid, COUNT(DISTINCT series_uid) AS n_series, COUNT(*) AS n_instances,"
            " GROUP_CONCAT(DISTINCT modality) AS modalities, MIN(rowid) AS first_row"
            f" FROM instances WHERE {query.where} GROUP BY study_uid"
            " ORDER BY MIN(study_date), study_uid LIMIT ? OFFSET ?"
        )
        results = []
        with self._store.reading() as conn:
            for row in conn.execute(sql, [*query.args, query.limit, query.offset]).fetchall():
                attrs = self._attrs(conn, row["first_row"])
                result = _with_includes(attrs, STUDY_ATTRIBUTES, query)
                modalities = sorted(m for m in (row["modalities"] or "").split(",") if m)
                if modalities:
                    result[_tag("ModalitiesInStudy")] = {"vr": "CS", "Value": modalities}
                result.update(
                    [
                        _int_element("NumberOfStudyRelatedSeries", row["n_series"]),
                        _int_element("NumberOfStudyRelatedInstances", row["n_instances"]),
                    ]
                )
                results.append(dict(sorted(result.items())))
        return _search_response(results, query)

    def search_series(self, request: Request) -> Response:
        _check_json_accept(request)
        query = _Query(
            request,
            "series",
            {"StudyInstanceUID": request.params["study"]} if "study" in request.params else {},
        )
        sql = (
            "SELECT series_uid, COUNT(*) AS n_instances, MIN(rowid) AS first_row"
            f" FROM instances WHERE {query.where} GROUP BY series_uid"
            " ORDER BY MIN(study_uid), MIN(COALESCE(series_number, 0)), series_uid LIMIT ? OFFSET ?"
        )
        results = []
        with self._store.reading() as conn:
            for row in conn.execute(sql, [*query.args, query.limit, query.offset]).fetchall():
                attrs = self._attrs(conn, row["first_row"])
                result = _with_includes(attrs, (*SERIES_ATTRIBUTES, "StudyInstanceUID"), query)
                result.update([_int_element("NumberOfSeriesRelatedInstances", row["n_instances"])])
                results.append(dict(sorted(result.items())))
        return _search_response(results, query)

    def search_instances(self, request: Request) -> Response:
        _check_json_accept(request)
        fixed = {}
        if "study" in request.params:
            fixed["StudyInstanceUID"] = request.params["study"]
        if "series" in request.params:
            fixed["SeriesInstanceUID"] = request.params["series"]
        query = _Query(request, "instance", fixed)
        sql = (
            f"SELECT attrs_json FROM instances WHERE {query.where}"
            " ORDER BY study_uid, COALESCE(series_number, 0), series_uid, COALESCE(instance_number, 0),"
            " sop_instance_uid LIMIT ? OFFSET ?"
        )
        with self._store.reading() as conn:
            rows = conn.execute(sql, [*query.args, query.limit, query.offset]).fetchall()
        base = (*INSTANCE_ATTRIBUTES, "StudyInstanceUID", "SeriesInstanceUID", "Modality")
        results = [
            dict(sorted(_with_includes(json.loads(r["attrs_json"]), base, query).items())) for r in rows
        ]
        return _search_response(results, query)

    @staticmethod
    def _attrs(conn: sqlite3.Connection, rowid: int) -> dict[str, Any]:
        row = conn.execute("SELECT attrs_json FROM instances WHERE rowid = ?", (rowid,)).fetchone()
        return dict(json.loads(row["attrs_json"]))

    # -- WADO-RS ----------------------------------------------------------------------------

    def _instances(self, request: Request) -> list[sqlite3.Row]:
        condition, scope_args = visible(request)
        conditions, args = ["study_uid = ?", condition], [request.params["study"], *scope_args]
        if "series" in request.params:
            conditions.append("series_uid = ?")
            args.append(request.params["series"])
        if "instance" in request.params:
            conditions.append("sop_instance_uid = ?")
            args.append(request.params["instance"])
        with self._store.reading() as conn:
            rows = conn.execute(
                f"SELECT * FROM instances WHERE {' AND '.join(conditions)}"
                " ORDER BY COALESCE(series_number, 0), series_uid, COALESCE(instance_number, 0),"
                " sop_instance_uid",
                args,
            ).fetchall()
        if not rows:
            raise HttpError(404, "not_found", "Aucune image ne correspond à cette étude, série ou instance.")
        return rows

    def retrieve(self, request: Request) -> Response:
        requested = _dicom_transfer_syntax(request)
        rows = self._instances(request)
        target: str | None = None  # the syntax every instance is converted to, None: as stored
        if requested not in (None, "*"):
            stored = {row["transfer_syntax"] for row in rows}
            convertible = all(UID(ts).is_compressed or UID(ts).is_little_endian for ts in stored)
            if requested in (ExplicitVRLittleEndian, *TRANSCODABLE) and convertible:
                target = requested if stored != {requested} else None
            elif stored != {requested}:
                raise HttpError(
                    406, "not_acceptable", "Syntaxe de transfert demandée non disponible pour ces images."
                )
        boundary = secrets.token_hex(16)
        content_type = f'multipart/related; type="application/dicom"; boundary={boundary}'
        return Response(200, content_type, stream=self._stream_instances(rows, boundary, target))

    def _stream_instances(
        self, rows: list[sqlite3.Row], boundary: str, target: str | None
    ) -> Iterator[bytes]:
        for row in rows:
            path = self._root / row["path"]
            if target is None or row["transfer_syntax"] == target:
                syntax, data = row["transfer_syntax"], None
            elif target == ExplicitVRLittleEndian:
                syntax, data = target, _decompressed(path)
            else:
                syntax, data = _transcoded(path, target)
            yield (
                f"--{boundary}\r\nContent-Type: application/dicom; transfer-syntax={syntax}\r\n\r\n"
            ).encode()
            if data is not None:
                yield data
            else:
                with path.open("rb") as fp:
                    while chunk := fp.read(_CHUNK):
                        yield chunk
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    def metadata(self, request: Request) -> Response:
        _check_json_accept(request)
        results = []
        for row in self._instances(request):
            ds = pydicom.dcmread(self._root / row["path"], stop_before_pixels=True)
            result = ds.to_json_dict(bulk_data_threshold=1 << 16, suppress_invalid_tags=True)
            result[_tag("TransferSyntaxUID")] = {"vr": "UI", "Value": [row["transfer_syntax"]]}
            results.append(result)
        return json_response(results, content_type=DICOM_JSON)

    def frames(self, request: Request) -> Response:
        _check_frame_accept(request)
        items = request.params["frames"].split(",")
        if len(items) > MAX_FRAMES:
            raise HttpError(400, "bad_request", f"Au plus {MAX_FRAMES} numéros d'image par requête.")
        if not all(n.strip().isdigit() and len(n.strip()) <= 9 for n in items):
            raise HttpError(400, "bad_request", "Liste de numéros d'images invalide.")
        numbers = [int(n) for n in items]
        if len(set(numbers)) != len(numbers):
            raise HttpError(400, "bad_request", "Numéro d'image répété dans la requête.")
        row = self._instances(request)[0]
        path = self._root / row["path"]
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        total = frame_count(ds)
        if not numbers or any(n < 1 or n > total for n in numbers):
            raise HttpError(404, "not_found", f"Numéro d'image hors limites (1 à {total}).")
        try:
            frames = [_frame(path, ds, row["pixel_offset"], n) for n in numbers]
        except Exception as exc:  # any decoder failure: refuse cleanly, log precisely
            log.error("cannot decode frames of %s: %s: %s", row["path"], type(exc).__name__, exc)
            raise HttpError(
                500, "decode_error", "Impossible de décoder cette image sur la plateforme."
            ) from exc
        boundary = secrets.token_hex(16)
        parts = io.BytesIO()
        for data in frames:
            parts.write(
                f"--{boundary}\r\nContent-Type: application/octet-stream; "
                f"transfer-syntax={ExplicitVRLittleEndian}\r\n\r\n".encode()
            )
            parts.write(data)
            parts.write(b"\r\n")
        parts.write(f"--{boundary}--\r\n".encode())
        content_type = f'multipart/related; type="application/octet-stream"; boundary={boundary}'
        return Response(200, content_type, parts.getvalue())


def _frame(path: Path, ds: pydicom.Dataset, pixel_offset: int | None, number: int) -> bytes:
    size = native_frame_size(ds)
    if pixel_offset is not None and size is not None:
        with path.open("rb") as fp:
            fp.seek(pixel_offset + (number - 1) * size)
            data = fp.read(size)
        if len(data) != size:
            raise ValueError("file shorter than indexed")
        return data
    array = pixel_array(path, index=number - 1)
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()


def _decompressed(path: Path) -> bytes:
    """The instance re-encoded in Explicit VR Little Endian (from a compressed or another LE syntax)."""
    ds = pydicom.dcmread(path)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        # the same instance in another syntax: pydicom would otherwise give it a new SOP Instance UID
        ds.decompress(generate_instance_uid=False)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True, implicit_vr=False, little_endian=True)
    return out.getvalue()


def _transcoded(path: Path, syntax: str) -> tuple[str, bytes]:
    """The instance re-encoded losslessly in ``syntax`` (one of :data:`TRANSCODABLE`): (the syntax it is
    really in, its bytes). Without pixel data it goes out as stored; when the codec refuses its pixels
    (bit depth, photometric interpretation), decompressed, with a warning in the log."""
    ds = pydicom.dcmread(path)
    if "PixelData" not in ds:
        return str(ds.file_meta.TransferSyntaxUID), path.read_bytes()
    try:
        if ds.file_meta.TransferSyntaxUID.is_compressed:
            ds.decompress(generate_instance_uid=False)  # the same instance, in another syntax
        ds.compress(syntax, encoding_plugin=TRANSCODABLE[syntax], generate_instance_uid=False)
    except Exception as exc:  # any codec refusal: the instance still goes out, in a syntax it can be in
        log.warning("cannot encode %s in %s (%s: %s): sent decompressed", path.name, syntax,
                    type(exc).__name__, exc)
        return ExplicitVRLittleEndian, _decompressed(path)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return syntax, out.getvalue()


def _dicom_transfer_syntax(request: Request) -> str | None:
    """The transfer syntax asked for in Accept: None (as stored), '*' or a UID; 406 if none fits."""
    for media, params in accept_items(request):
        if media in ("*/*", "multipart/*"):
            return None
        if media == "multipart/related" and params.get("type", "application/dicom") in (
            "application/dicom",
            "application/*",
            "*/*",
        ):
            return params.get("transfer-syntax")
    raise HttpError(
        406,
        "not_acceptable",
        'Format de réponse non disponible : multipart/related; type="application/dicom" uniquement.',
    )


def _check_frame_accept(request: Request) -> None:
    for media, params in accept_items(request):
        if media in ("*/*", "multipart/*"):
            return
        if (
            media == "multipart/related"
            and params.get("type", "application/octet-stream") in ("application/octet-stream", "*/*")
            and params.get("transfer-syntax", "*") in ("*", ExplicitVRLittleEndian)
        ):
            return
    raise HttpError(
        406,
        "not_acceptable",
        "Les images sont fournies non compressées uniquement (application/octet-stream).",
    )
