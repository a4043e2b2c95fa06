"""Prior studies against the real reference platform serving the demo (cases.PRIORS), and the
answers a less careful archive could give (scripted HTTPS server, a platform with a bad study)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pydicom
import pytest

from teleplatform.demo import cases
from teleplatform.demo.cases import (
    CT_HEAD_CASE,
    CT_TAP_CASE,
    DX_CHEST_CASE,
    MR_BRAIN_CASE,
    PENDING_CASE,
    PRIOR_CT_HEAD,
    PRIOR_DX_CHEST,
    PriorStudy,
)
from tests.platform_fixtures import RunningPlatform
from workstation.platform import PlatformClient
from workstation.priors import (
    Prior,
    PriorsCancelled,
    PriorsError,
    find_priors,
    parse_priors,
    retrieve_prior,
)


def _login(running: RunningPlatform) -> PlatformClient:
    client = PlatformClient(running.base_url, running.ca_path)
    account = running.account
    client.login(account["login"], account["password"], running.fresh_otp())
    return client


@pytest.fixture(scope="module")
def client(platform: RunningPlatform) -> PlatformClient:
    return _login(platform)


def _expected(study: PriorStudy) -> Prior:
    return Prior(
        study_instance_uid=study.study_instance_uid,
        patient_id=study.patient.ins,
        study_date=study.study_date,
        study_time=study.exam.performed_at.strftime("%H%M%S"),
        modalities=(study.modality,),
        description=study.description,
        instances=study.instances,
        accession_number=study.accession_number,
    )


# --- search --------------------------------------------------------------------------------------


def test_the_head_ct_patient_has_his_ct_of_14_months_earlier(client: PlatformClient) -> None:
    found = find_priors(client.dicomweb, CT_HEAD_CASE.patient.ins, CT_HEAD_CASE.study_instance_uid)
    assert found == [_expected(PRIOR_CT_HEAD)]
    assert found[0].study_date == date(2025, 9, 16) and found[0].instances == 36
    assert found[0].label == "16/09/2025 — CT — TDM CEREBRALE SANS INJECTION — 36 images"


def test_the_ct_tap_patient_has_her_chest_radiograph(client: PlatformClient) -> None:
    found = find_priors(client.dicomweb, CT_TAP_CASE.patient.ins, CT_TAP_CASE.study_instance_uid)
    assert found == [_expected(PRIOR_DX_CHEST)]
    assert found[0].label == "24/08/2026 — DX — RADIOGRAPHIE THORAX FACE — 1 image"


def test_most_recent_first_and_only_the_current_study_left_out(client: PlatformClient) -> None:
    both = find_priors(client.dicomweb, CT_TAP_CASE.patient.ins, exclude_study_uid="")
    assert [p.study_instance_uid for p in both] == [
        CT_TAP_CASE.study_instance_uid,
        PRIOR_DX_CHEST.study_instance_uid,
    ]
    tonight = both[0]
    assert tonight.study_date == date(2026, 11, 15) and tonight.modalities == ("CT", "SR")
    assert tonight.instances == cases.CT_TAP_SLICES + 2
    assert tonight.accession_number == CT_TAP_CASE.accession_number
    # the head CT patient: tonight's study is first, the prior after it
    head = find_priors(client.dicomweb, CT_HEAD_CASE.patient.ins, exclude_study_uid="1.2.3")
    assert [p.study_date for p in head] == [date(2026, 11, 14), date(2025, 9, 16)]


@pytest.mark.parametrize("case", [DX_CHEST_CASE, MR_BRAIN_CASE, PENDING_CASE], ids=lambda c: c.slug)
def test_no_prior_for_the_other_patients(client: PlatformClient, case: cases.Case) -> None:
    assert find_priors(client.dicomweb, case.patient.ins, case.study_instance_uid) == []


@pytest.mark.parametrize(
    "patient_id", ["", "   ", "*", "1440318033127*", "14403180331272?", "A\\B", "9" * 65]
)
def test_an_identifier_that_could_match_other_patients_is_not_sent(
    https_server, ca_file: Path, patient_id: str
) -> None:
    server = https_server()
    client = PlatformClient(server.url, ca_file, timeout=2.0)
    with pytest.raises(PriorsError) as raised:
        find_priors(client.dicomweb, patient_id, "1.2.3")
    assert raised.value.user_message == (
        "Recherche des examens antérieurs impossible : l'identifiant du patient est absent ou "
        "invalide dans les images."
    )
    assert server.received == []


class _AnyQuery(dict):
    """Routes keyed by method and path, whatever the query string."""

    def get(self, key, default=None):
        return super().get(key.split("?", 1)[0], default)


def _study(uid: str, patient_id: str, day: str, time: str = "", **more: object) -> dict:
    item = {
        "0020000D": {"vr": "UI", "Value": [uid]},
        "00100020": {"vr": "LO", "Value": [patient_id]},
        "00080020": {"vr": "DA", "Value": [day]} if day else {"vr": "DA"},
        "00080030": {"vr": "TM", "Value": [time]} if time else {"vr": "TM"},
    }
    item.update(more)  # type: ignore[arg-type]
    return item


ME, OTHER = "SENTINELLE-PATIENT-1", "SENTINELLE-AUTRE-2"


def test_an_inexact_archive_answer_is_filtered_on_our_side(https_server, ca_file: Path, caplog) -> None:
    """A server that ignores PatientID or matches fuzzily: other patients never become priors;
    undated and malformed entries do not break the list."""
    caplog.set_level(logging.INFO)
    server = https_server()
    server.routes = _AnyQuery()
    answer = [
        _study("1.2.10", ME, "20240102", "0830", **{"00081030": {"vr": "LO", "Value": ["IRM GENOU"]}}),
        _study("1.2.11", OTHER, "20250101"),  # another patient
        _study("1.2.12", ME, "", ""),  # no date: last
        _study("1.2.13", ME, "20240102", "1745"),  # same day, later
        _study("1.2.14", ME, "2024-13-99"),  # invalid date: treated as undated
        _study("not a uid", ME, "20260101"),
        {"00100020": {"vr": "LO", "Value": [ME]}},  # no UID at all
        _study("1.2.99", ME, "20261114"),  # the current study
        _study("1.2.13", ME, "20240102", "1745"),  # repeated
    ]
    server.routes["GET /dicom-web/studies"] = (200, answer, "application/dicom+json")
    client = PlatformClient(server.url, ca_file, timeout=2.0)
    found = find_priors(client.dicomweb, f" {ME} ", "1.2.99")
    assert [p.study_instance_uid for p in found] == ["1.2.13", "1.2.10", "1.2.12", "1.2.14"]
    assert found[1].description == "IRM GENOU" and found[1].modalities == ()
    assert found[2].label == "date inconnue — modalité inconnue — sans description"
    query = server.received[0].path
    assert f"PatientID={ME}&" in query and "includefield=NumberOfStudyRelatedInstances" in query
    assert ME not in caplog.text and OTHER not in caplog.text  # no patient identifier in the log
    assert "2 QIDO entries without a valid StudyInstanceUID" in caplog.text
    assert "1 QIDO entries of another PatientID" in caplog.text


def test_a_platform_failure_is_told_in_french(https_server, ca_file: Path) -> None:
    server = https_server()
    server.routes = _AnyQuery()
    server.routes["GET /dicom-web/studies"] = (503, {"error": "busy", "message": "Occupé."})
    client = PlatformClient(server.url, ca_file, timeout=2.0)
    with pytest.raises(PriorsError) as raised:
        find_priors(client.dicomweb, "111", "1.2.3")
    assert raised.value.user_message == (
        "Impossible de rechercher les examens antérieurs : "
        "La plateforme a rencontré une erreur (503) : réessayez plus tard."
    )


def test_parse_priors_keeps_the_order_of_studies_of_one_day() -> None:
    answer = [_study("1.1", "7", "20250101", "0900"), _study("1.2", "7", "20250101", "2300")]
    assert [p.study_instance_uid for p in parse_priors(answer, "7", "")] == ["1.2", "1.1"]


# --- retrieval -----------------------------------------------------------------------------------


def test_the_prior_head_ct_is_retrieved_whole(client: PlatformClient, tmp_path: Path) -> None:
    (prior,) = find_priors(client.dicomweb, CT_HEAD_CASE.patient.ins, CT_HEAD_CASE.study_instance_uid)
    seen: list[tuple[int, int]] = []
    files = retrieve_prior(client, prior, tmp_path, lambda done, total: seen.append((done, total)))
    assert len(files) == cases.PRIOR_CT_HEAD_SLICES == len(set(files))
    assert seen[-1] == (36, 36) and len(seen) == 36
    assert all(path.is_relative_to(tmp_path / PRIOR_CT_HEAD.study_instance_uid) for path in files)
    headers = [pydicom.dcmread(path, stop_before_pixels=True) for path in files]
    assert {h.StudyInstanceUID for h in headers} == {PRIOR_CT_HEAD.study_instance_uid}
    assert {h.PatientID for h in headers} == {CT_HEAD_CASE.patient.ins}
    assert {h.AccessionNumber for h in headers} == {PRIOR_CT_HEAD.accession_number}
    assert sorted(int(h.InstanceNumber) for h in headers) == list(range(1, 37))
    # a second call resumes: nothing is fetched again, the same files come back
    assert retrieve_prior(client, prior, tmp_path) == files


def test_the_prior_radiograph_arrives_with_its_pixels(
    client: PlatformClient, platform: RunningPlatform, tmp_path: Path
) -> None:
    (prior,) = find_priors(client.dicomweb, CT_TAP_CASE.patient.ins, CT_TAP_CASE.study_instance_uid)
    (path,) = retrieve_prior(client, prior, tmp_path)
    received = pydicom.dcmread(path)
    archived = pydicom.dcmread(platform.data_dir / "dicom" / PRIOR_DX_CHEST.slug / "S001" / "IM0001.dcm")
    assert received.StudyInstanceUID == PRIOR_DX_CHEST.study_instance_uid
    assert received.PatientID == CT_TAP_CASE.patient.ins and received.Modality == "DX"
    assert np.array_equal(received.pixel_array, archived.pixel_array)
    assert received.pixel_array.shape == (cases.DX_ROWS, cases.DX_COLUMNS)


def test_cancel_and_unknown_study(client: PlatformClient, tmp_path: Path) -> None:
    (prior,) = find_priors(client.dicomweb, CT_HEAD_CASE.patient.ins, CT_HEAD_CASE.study_instance_uid)
    cancel = threading.Event()

    def stop_after_three(done: int, _total: int) -> None:
        if done == 3:
            cancel.set()

    with pytest.raises(PriorsCancelled) as raised:
        retrieve_prior(client, prior, tmp_path, stop_after_three, cancel)
    assert raised.value.user_message == "Téléchargement de l'examen antérieur annulé."
    assert len(list(tmp_path.rglob("*.dcm"))) == 3
    gone = Prior("1.2.826.0.1.3680043.99999", prior.patient_id, date(2020, 1, 2), "", ("CT",), "", 1, "")
    with pytest.raises(PriorsError) as raised:
        retrieve_prior(client, gone, tmp_path)
    assert raised.value.user_message == (
        "Impossible de télécharger l'examen antérieur du 02/01/2020 : "
        "Les images de cet examen ne sont pas (encore) disponibles."
    )


def test_a_folder_that_cannot_be_written(client: PlatformClient, tmp_path: Path) -> None:
    (prior,) = find_priors(client.dicomweb, CT_TAP_CASE.patient.ins, CT_TAP_CASE.study_instance_uid)
    blocked = tmp_path / "pas-un-dossier"
    blocked.write_bytes(b"")
    with pytest.raises(PriorsError) as raised:
        retrieve_prior(client, prior, blocked)
    assert raised.value.user_message == (
        "Impossible d'enregistrer les images de l'examen antérieur (espace disque ou droits insuffisants)."
    )


def test_a_study_with_another_patients_image_is_not_kept(
    platform: RunningPlatform,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
    tmp_path: Path,
) -> None:
    """An archive study where one image carries another PatientID (a mis-filed image): found by
    the first image's identifier, but its download fails and leaves nothing on disk."""
    data = tmp_path_factory.mktemp("mixed-platform")
    for name in ("dicom", "orders", "seed"):
        (data / name).mkdir()
    for seed in (platform.data_dir / "seed").iterdir():
        (data / "seed" / seed.name).write_bytes(seed.read_bytes())
    for order in (platform.data_dir / "orders").glob(f"*_{CT_HEAD_CASE.slug}_*.hl7"):
        # the radiologist reads the studies of its orders' patients: the head CT patient's order
        (data / "orders" / order.name).write_bytes(order.read_bytes())
    source = platform.data_dir / "dicom" / PRIOR_CT_HEAD.slug / "S002"
    for number in (1, 2, 3):
        dataset = pydicom.dcmread(source / f"IM{number:04d}.dcm")
        if number == 3:
            dataset.PatientID = MR_BRAIN_CASE.patient.ins
        dataset.save_as(data / "dicom" / f"IM{number}.dcm")
    mixed = platform_factory(data)
    client = _login(mixed)
    (prior,) = find_priors(client.dicomweb, CT_HEAD_CASE.patient.ins, CT_HEAD_CASE.study_instance_uid)
    assert prior.instances is not None  # (the platform counts only the matching instances: 2)
    with pytest.raises(PriorsError) as raised:
        retrieve_prior(client, prior, tmp_path)
    assert raised.value.user_message == (
        "Les images de l'examen antérieur portent un autre identifiant patient : examen non "
        "affiché, signalez-le au site."
    )
    assert list(tmp_path.rglob("*.dcm")) == []
