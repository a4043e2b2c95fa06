"""STOW-RS on the reference platform: a radiologist stores a Key Object Selection into the study of
one of its orders (QIDO then finds it); never into a prior, another site's study, nor as a site or
admin; never an image; a retried store is accepted, a different object under the same UID is not.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pydicom
import pytest
import requests

from reporting.key_objects import KOS_SOP_CLASS, KeyReference, build_key_object
from reporting.model import Professional, Source

from .builders import (
    ACCOUNT,
    ADMIN_ACCOUNT,
    OTHER_RADIOLOGIST,
    OTHER_SENDER,
    OTHER_SITE,
    SITE_ACCOUNT,
    complement,
    new_order,
    write_ct_series,
    write_data_dir,
)
from .test_security import _ack_code, _bearer, _get, _refused

AUTHOR = Professional("812345678901", "DURAND", "Claire", Source.ACCOUNT)


def _ko(paths: list[Path]) -> pydicom.Dataset:
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in paths]
    keys = [KeyReference(str(h.StudyInstanceUID), str(h.SeriesInstanceUID), str(h.SOPInstanceUID),
                         str(h.SOPClassUID)) for h in headers[:1]]
    return build_key_object(keys, headers, AUTHOR).dataset


def _bytes(ds: pydicom.Dataset) -> bytes:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _stow(live, token: str, *objects: bytes, study: str | None = None) -> requests.Response:
    boundary = secrets.token_hex(8)
    body = b"".join(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + o + b"\r\n"
                    for o in objects) + f"--{boundary}--\r\n".encode()
    path = f"/dicom-web/studies/{study}" if study else "/dicom-web/studies"
    headers = {**_bearer(token),
               "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
               "Accept": "application/dicom+json"}
    return live.session.post(live.url(path), data=body, headers=headers)


@pytest.fixture
def studies(tmp_path: Path, start_live):
    root = write_data_dir(tmp_path / "data")
    files = {
        "a": write_ct_series(root / "dicom" / "a", count=2, patient_id="PAT-A", accession="ACC-A", seed=1),
        # the patient of order S-1 (its PID-3): a prior the radiologist reads but may not write into
        "prior": write_ct_series(root / "dicom" / "prior", count=2, patient_id="279035121518989",
                                 accession="ACC-P", seed=3),
        "b": write_ct_series(root / "dicom" / "b", count=2, patient_id="PAT-B", accession="ACC-B", seed=2),
    }
    live = start_live(root)
    tokens = {a["login"]: live.token(a) for a in (ACCOUNT, SITE_ACCOUNT, OTHER_RADIOLOGIST, OTHER_SITE,
                                                   ADMIN_ACCOUNT)}
    uid = {k: str(pydicom.dcmread(v[0]).StudyInstanceUID) for k, v in files.items()}
    site, other = tokens[SITE_ACCOUNT["login"]], tokens[OTHER_SITE["login"]]
    assert _ack_code(live.post_hl7(new_order("S-1", "S01"), site)) == "AA"
    assert _ack_code(live.post_hl7(complement("S-1", "S02", "ACC-A", uid["a"]), site)) == "AA"
    assert _ack_code(live.post_hl7(new_order("O-1", "O01", sender=OTHER_SENDER), other)) == "AA"
    assert _ack_code(live.post_hl7(complement("O-1", "O02", "ACC-B", uid["b"], sender=OTHER_SENDER),
                                   other)) == "AA"
    return live, tokens, files, uid


def test_a_key_object_stored_into_the_order_study_is_found_by_qido(studies) -> None:
    live, tokens, files, uid = studies
    token = tokens["dr.durand"]
    ko = _ko(files["a"])
    response = _stow(live, token, _bytes(ko), study=uid["a"])
    assert response.status_code == 200, response.text
    stored = response.json()["00081199"]["Value"]
    assert [s["00081155"]["Value"][0] for s in stored] == [str(ko.SOPInstanceUID)]
    found = _get(live, "/dicom-web/instances", token,
                 params={"StudyInstanceUID": uid["a"], "SOPClassUID": KOS_SOP_CLASS}).json()
    assert [f["00080018"]["Value"][0] for f in found] == [str(ko.SOPInstanceUID)]
    # WADO gives back the very object, and it references the marked image
    back = _get(live, f"/dicom-web/studies/{uid['a']}/series/{ko.SeriesInstanceUID}/instances/"
                      f"{ko.SOPInstanceUID}/metadata", token).json()[0]
    assert back["00080016"]["Value"] == [KOS_SOP_CLASS]
    # a retried store (same bytes) is accepted; another object under the same UID is not
    assert _stow(live, token, _bytes(ko)).status_code == 200
    ko.ContentTime = "000001"
    conflict = _stow(live, token, _bytes(ko))
    assert conflict.status_code == 409, conflict.text
    assert "00081198" in conflict.json()


def test_store_is_refused_outside_the_orders_of_the_radiologist(studies) -> None:
    live, tokens, files, uid = studies
    token = tokens["dr.durand"]
    # a prior of the patient is readable, but not writable: only the order's study
    assert _get(live, f"/dicom-web/studies/{uid['prior']}", token).status_code == 200
    _refused(_stow(live, token, _bytes(_ko(files["prior"]))), "study_not_allowed")
    _refused(_stow(live, token, _bytes(_ko(files["b"]))), "study_not_allowed")
    # the other radiologist cannot store into study A; sites and the admin store nothing
    _refused(_stow(live, tokens["dr.leroy"], _bytes(_ko(files["a"]))), "study_not_allowed")
    for login in ("ris.structure", "admin.export"):
        _refused(_stow(live, tokens[login], _bytes(_ko(files["a"]))), "role_not_allowed")
    # all or nothing: one refused part and nothing is stored
    _refused(_stow(live, token, _bytes(_ko(files["a"])), _bytes(_ko(files["b"]))), "study_not_allowed")
    assert _get(live, "/dicom-web/instances", token,
                params={"StudyInstanceUID": uid["a"], "SOPClassUID": KOS_SOP_CLASS}).json() == []
    refusals = live.platform.store.reading
    with refusals() as conn:
        codes = [r["code"] for r in conn.execute("SELECT code FROM access_refusals")]
    assert codes.count("study_not_allowed") >= 4


def test_images_and_objects_of_another_patient_are_failures(studies) -> None:
    live, tokens, files, _uid = studies
    token = tokens["dr.durand"]
    image = files["a"][0].read_bytes()
    response = _stow(live, token, image)
    assert response.status_code == 409, response.text
    assert response.json()["00081198"]["Value"][0]["00081197"]["Value"] == [0x0122]
    ko = _ko(files["a"])
    ko.PatientID = "PAT-B"
    response = _stow(live, token, _bytes(ko))
    assert response.status_code == 409
    assert response.json()["00081198"]["Value"][0]["00081197"]["Value"] == [0x0124]
    assert _stow(live, token, b"not dicom").status_code == 400
