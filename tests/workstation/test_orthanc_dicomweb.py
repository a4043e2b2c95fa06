"""The DICOMweb side against a real PACS (Orthanc + its DICOMweb plugin).

Orthanc runs in plain HTTP on loopback (its own TLS is broken on Debian 12, see STACK-NOTES), which
the DICOMweb reader accepts only when told explicitly; the platform client itself stays HTTPS-only.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pydicom
import pytest
import requests

from teleplatform.demo import cases
from workstation.platform import DicomWeb, NotFoundError, RetrieveCancelled

pytestmark = pytest.mark.orthanc

J2K_CT = (
    "data/dicom/cornerstonejs_cornerstoneWADOImageLoader/"
    "CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm"
)


def _local_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or CA bundle from the environment
    return session


MR_UID = cases.MR_BRAIN_CASE.study_instance_uid


@pytest.fixture(scope="module")
def uploaded(orthanc, demo_data: Path, shared_dir: Path) -> dict[str, list[Path]]:
    """Study UID -> files, uploaded through Orthanc's REST API: the demo MR and radiograph, and a
    real JPEG 2000 CT to show the stored transfer syntax comes back as it was."""
    demo = sorted((demo_data / "dicom" / "irm-cerebrale").rglob("*.dcm"))
    demo += sorted((demo_data / "dicom" / "rx-thorax").rglob("*.dcm"))
    files = [*demo, shared_dir / J2K_CT]
    session = _local_session()
    studies: dict[str, list[Path]] = {}
    for path in files:
        response = session.post(f"{orthanc.rest}/instances", data=path.read_bytes(), timeout=30)
        assert response.ok, response.text
        uid = pydicom.dcmread(path, stop_before_pixels=True).StudyInstanceUID
        studies.setdefault(uid, []).append(path)
    assert len(studies) == 3 and len(studies[MR_UID]) == cases.MR_SLICES
    return studies


def _reader(orthanc) -> DicomWeb:
    return DicomWeb(orthanc.dicomweb, _local_session(), allow_plain_http=True)


def test_qido_lists_the_uploaded_studies(orthanc, uploaded) -> None:
    found = {s["0020000D"]["Value"][0] for s in _reader(orthanc).search_studies()}
    assert found == set(uploaded)
    assert len(_reader(orthanc).search_instances(MR_UID)) == cases.MR_SLICES


def test_retrieve_writes_every_instance_with_identical_pixels(orthanc, uploaded, tmp_path: Path) -> None:
    for study_uid, originals in uploaded.items():
        seen: list[tuple[int, int]] = []
        paths = _reader(orthanc).retrieve_study(
            study_uid, tmp_path, progress=lambda *p, seen=seen: seen.append(p)
        )
        assert seen == [(i, len(originals)) for i in range(1, len(originals) + 1)]
        assert len(paths) == len(originals) and all(p.is_file() for p in paths)
        assert not list(tmp_path.rglob("*.part"))  # no half-written file left
        by_sop = {pydicom.dcmread(p).SOPInstanceUID: p for p in paths}
        for original in originals:
            expected = pydicom.dcmread(original)
            got = pydicom.dcmread(by_sop[expected.SOPInstanceUID])
            assert got.file_meta.TransferSyntaxUID == expected.file_meta.TransferSyntaxUID  # as stored
            assert np.array_equal(got.pixel_array, expected.pixel_array)


def test_cancel_stops_between_instances_and_a_new_call_resumes(orthanc, uploaded, tmp_path: Path) -> None:
    cancel = threading.Event()

    def stop_after_three(done: int, total: int) -> None:
        if done == 3:
            cancel.set()

    with pytest.raises(RetrieveCancelled) as caught:
        _reader(orthanc).retrieve_study(MR_UID, tmp_path, progress=stop_after_three, cancel=cancel)
    assert caught.value.user_message == "Téléchargement des images annulé."
    kept = sorted(tmp_path.rglob("*.dcm"))
    assert len(kept) == 3
    before = {p: p.stat().st_mtime_ns for p in kept}
    paths = _reader(orthanc).retrieve_study(MR_UID, tmp_path)
    assert len(paths) == cases.MR_SLICES and all(
        p.stat().st_mtime_ns == t for p, t in before.items()
    )  # not fetched again


def test_an_unknown_study_is_not_found(orthanc, uploaded, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as caught:
        _reader(orthanc).retrieve_study("1.2.3.4.5.6.7.8.9", tmp_path)
    assert "pas (encore) disponibles" in caught.value.user_message
    with pytest.raises(ValueError, match="UID"):
        _reader(orthanc).retrieve_study("../../etc", tmp_path)


def test_plain_http_only_when_asked_and_only_on_loopback(orthanc) -> None:
    with pytest.raises(ValueError, match="https"):
        DicomWeb(orthanc.dicomweb, _local_session())
    with pytest.raises(ValueError, match="loopback"):
        DicomWeb("http://pacs.example.org/dicom-web", _local_session(), allow_plain_http=True)
