"""DIMSE against two PACS nobody here wrote, started on loopback with fresh storage: dcmtk's
``dcmqrscp`` and Orthanc's DICOM server. Echo, C-FIND, C-GET, C-MOVE (through the workstation's
temporary Storage SCP) and C-STORE of the demo studies; pixels compared with the files sent; the
errors a radiologist meets (unknown AE, nothing listening, no answer, unknown move destination)
said in French; retrievals sealed into the encrypted cache and audited.

The PACS are loaded by their own means (dcmtk's ``storescu``, Orthanc's REST API), never by the
code under test. dcmqrscp 3.6.7 sends each instance in the first presentation context accepted for
its SOP class and converts only between uncompressed syntaxes: its outgoing profile here offers MR
in JPEG-LS first (the demo MR is stored so) and the other classes uncompressed, so the JPEG 2000
radiograph comes from it by C-GET only (the client offers one compressed syntax at a time).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
import pytest
import requests
from pydicom.uid import (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
)
from pynetdicom import sop_class as sop

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import Identity
from teleplatform.demo import cases
from tests.demo_answers import priors_of
from workstation.audit import AuditSource, AuditTrail, read_entries
from workstation.audit.custody import open_journal
from workstation.cache import StudyCache
from workstation.pacs.cached import find_studies_audited, retrieve_into_cache
from workstation.pacs.dimse import DimseClient, DimseError, LocalAe
from workstation.pacs.nodes import PacsNode

ORTHANC = Path("/usr/sbin/Orthanc")
DCMQRSCP, STORESCU = shutil.which("dcmqrscp"), shutil.which("storescu")
WORKSTATION_AE = "TLR-POSTE"
USER = Identity("dr.moreau", "89970000041", "MOREAU", "Hélène", "Dr")

MR = cases.MR_BRAIN_CASE.study_instance_uid
DX = cases.DX_CHEST_CASE.study_instance_uid
(PRIOR,) = priors_of(cases.CT_TAP_CASE)
TAP_PATIENT = cases.CT_TAP_CASE.patient.ins


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the PACS exited at start-up; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the PACS did not listen on {port}; see {log}")


@dataclass(frozen=True)
class Pacs:
    name: str
    ae_title: str
    port: int
    scp_port: int  # where it sends C-MOVE sub-operations (TLR-POSTE's declared address)
    files: dict[str, list[Path]]  # study UID -> the files it was loaded with
    moves: frozenset[str]  # studies it can send by C-MOVE (see the module docstring)

    def node(self, retrieve: str = "C-GET", **changes: object) -> PacsNode:
        values: dict[str, object] = {
            "name": self.name,
            "ae_title": self.ae_title,
            "host": "127.0.0.1",
            "port": self.port,
            "retrieve": retrieve,
            "timeout_seconds": 5.0,
        }
        values.update(changes)
        return PacsNode(**values)  # type: ignore[arg-type]

    def client(
        self, retrieve: str = "C-GET", local_ae: str = WORKSTATION_AE, **changes: object
    ) -> DimseClient:
        return DimseClient(self.node(retrieve, **changes), LocalAe(local_ae, "127.0.0.1", self.scp_port))


@pytest.fixture(scope="module")
def demo_files(demo_data: Path) -> dict[str, list[Path]]:
    """Small demo studies: the JPEG-LS brain MR (24), the JPEG 2000 radiograph, the prior chest
    radiograph of the CT TAP patient (explicit VR LE)."""
    root = demo_data / "dicom"
    return {
        MR: sorted((root / "irm-cerebrale").rglob("*.dcm")),
        DX: sorted((root / "rx-thorax").rglob("*.dcm")),
        PRIOR.study_instance_uid: sorted((root / PRIOR.slug).rglob("*.dcm")),
    }


@pytest.fixture(scope="module")
def dose_report(demo_data: Path) -> Path:
    """The CT TAP's Radiation Dose SR (a real SR object): what the C-STORE tests send."""
    (path,) = sorted((demo_data / "dicom" / "tdm-tap" / "S501").glob("*.dcm"))
    return path


def _dcmtk_config(storage: list[str]) -> str:
    """dcmqrscp's association profiles: every syntax in, C-GET's SCP role accepted, and out (C-MOVE)
    MR in JPEG-LS first, the other classes uncompressed first."""
    compressed = [JPEGLSLossless, JPEG2000Lossless, JPEGLosslessSV1, RLELossless]
    lines = [
        "[[TransferSyntaxes]]",
        "[Uncompressed]",
        f"TransferSyntax1 = {ExplicitVRLittleEndian}",
        f"TransferSyntax2 = {ImplicitVRLittleEndian}",
        "[Any]",
    ]
    lines += [f"TransferSyntax{i} = {ts}" for i, ts in enumerate([*compressed, *UNCOMPRESSED_DCMTK], 1)]
    for ts in compressed:
        lines += [f"[Only{ts.replace('.', '_')}]", f"TransferSyntax1 = {ts}"]
    lines += ["[[PresentationContexts]]", "[Incoming]"]
    incoming = [
        sop.Verification,
        sop.StudyRootQueryRetrieveInformationModelFind,
        sop.StudyRootQueryRetrieveInformationModelMove,
        sop.StudyRootQueryRetrieveInformationModelGet,
    ]
    lines += [f"PresentationContext{i} = {uid}\\Uncompressed" for i, uid in enumerate(incoming, 1)]
    lines += [f"PresentationContext{i} = {uid}\\Any" for i, uid in enumerate(storage, len(incoming) + 1)]
    lines.append("[Outgoing]")
    outgoing: list[str] = []
    for uid in storage:
        first = [f"{uid}\\Only{JPEGLSLossless.replace('.', '_')}"] if uid == sop.MRImageStorage else []
        outgoing += [*first, f"{uid}\\Uncompressed"]
    lines += [f"PresentationContext{i} = {cx}" for i, cx in enumerate(outgoing, 1)]
    lines += ["[[SCPSCURoleSelection]]", "[GetRoles]"]
    lines += [f"Role{i} = {uid}\\BOTH" for i, uid in enumerate(storage, 1)]
    lines += [
        "[[Profiles]]",
        "[In]",
        "PresentationContexts = Incoming",
        "SCPSCURoleSelection = GetRoles",
        "[Out]",
        "PresentationContexts = Outgoing",
    ]
    return "\n".join(lines) + "\n"


UNCOMPRESSED_DCMTK = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]


@pytest.fixture(scope="module")
def dcmqrscp(tmp_path_factory: pytest.TempPathFactory, demo_files: dict[str, list[Path]]) -> Iterator[Pacs]:
    if not (DCMQRSCP and STORESCU):
        pytest.skip("dcmtk is not installed (dcmqrscp, storescu: Debian package dcmtk, in scripts/setup.sh)")
    work = tmp_path_factory.mktemp("dcmqrscp")
    (work / "db").mkdir()
    port, scp_port = _free_port(), _free_port()
    (work / "dcmqrscp.cfg").write_text(
        f"NetworkTCPPort = {port}\nMaxPDUSize = 16384\nMaxAssociations = 16\n"
        f"HostTable BEGIN\nposte = ({WORKSTATION_AE}, 127.0.0.1, {scp_port})\nHostTable END\n"
        "VendorTable BEGIN\nVendorTable END\n"
        f"AETable BEGIN\nDCMQRSCP {work / 'db'} RW (200, 1024mb) ANY\nAETable END\n"
    )
    storage = [
        sop.CTImageStorage,
        sop.MRImageStorage,
        sop.DigitalXRayImageStorageForPresentation,
        sop.SecondaryCaptureImageStorage,
        sop.XRayRadiationDoseSRStorage,
        sop.EnhancedSRStorage,
        sop.ComprehensiveSRStorage,
        sop.KeyObjectSelectionDocumentStorage,
    ]
    (work / "profiles.cfg").write_text(_dcmtk_config(storage))
    log = work / "dcmqrscp.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [DCMQRSCP, "-c", str(work / "dcmqrscp.cfg"), "-xf", str(work / "profiles.cfg"), "In", "Out"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
    try:
        _wait_port(port, process, log)
        for study, option in ((MR, "-xt"), (DX, "-xv"), (PRIOR.study_instance_uid, "-xe")):
            loaded = subprocess.run(
                [STORESCU, "-aet", "CHARGEMENT", "-aec", "DCMQRSCP", option, "127.0.0.1", str(port)]
                + [str(p) for p in demo_files[study]],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert loaded.returncode == 0, loaded.stderr
        yield Pacs(
            "PACS dcmqrscp", "DCMQRSCP", port, scp_port, demo_files, frozenset({MR, PRIOR.study_instance_uid})
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def orthanc_pacs(
    tmp_path_factory: pytest.TempPathFactory, demo_files: dict[str, list[Path]]
) -> Iterator[Pacs]:
    if not ORTHANC.is_file():
        pytest.skip(f"Orthanc is not installed ({ORTHANC}: Debian package orthanc, in scripts/setup.sh)")
    work = tmp_path_factory.mktemp("orthanc-dimse")
    http_port, port, scp_port = _free_port(), _free_port(), _free_port()
    config = {
        "Name": "tests-dimse",
        "StorageDirectory": str(work / "storage"),
        "IndexDirectory": str(work / "storage"),
        "HttpPort": http_port,
        "DicomPort": port,
        "DicomAet": "ORTHANC",
        "DicomCheckCalledAet": True,  # a wrong called AE title is refused, as on a real site
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomModalities": {"poste": [WORKSTATION_AE, "127.0.0.1", scp_port]},
    }
    (work / "orthanc.json").write_text(json.dumps(config))
    log = work / "orthanc.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ORTHANC), str(work / "orthanc.json")], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_port(port, process, log)
        session = requests.Session()
        session.trust_env = False
        for files in demo_files.values():
            for path in files:
                deadline = time.monotonic() + 10
                while True:
                    try:
                        answer = session.post(
                            f"http://127.0.0.1:{http_port}/instances", data=path.read_bytes(), timeout=30
                        )
                        break
                    except requests.ConnectionError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)
                assert answer.ok, answer.text
        yield Pacs("PACS Orthanc", "ORTHANC", port, scp_port, demo_files, frozenset(demo_files))
    finally:
        process.kill()
        process.wait(timeout=10)
        shutil.rmtree(work / "storage", ignore_errors=True)


@pytest.fixture(params=["dcmqrscp", "orthanc"])
def pacs(request: pytest.FixtureRequest) -> Pacs:
    return request.getfixturevalue("dcmqrscp" if request.param == "dcmqrscp" else "orthanc_pacs")


def _same_as_sent(written: list[Path], originals: list[Path]) -> None:
    by_sop = {pydicom.dcmread(p).SOPInstanceUID: p for p in written}
    assert len(by_sop) == len(written) == len(originals)
    for original in originals:
        expected = pydicom.dcmread(original)
        got = pydicom.dcmread(by_sop[expected.SOPInstanceUID])
        assert (
            got.file_meta.TransferSyntaxUID == expected.file_meta.TransferSyntaxUID
        )  # as stored, not transcoded
        assert np.array_equal(got.pixel_array, expected.pixel_array)


# --- C-ECHO, C-FIND ------------------------------------------------------------------------------


def test_the_service_classes_named_here_are_pynetdicom_s() -> None:
    """dimse names four PS3.4 service classes itself (typed; pynetdicom makes them at import time):
    a typo there would be a silent refusal by every PACS."""
    from workstation.pacs import dimse

    for name in (
        "Verification",
        "StudyRootQueryRetrieveInformationModelFind",
        "StudyRootQueryRetrieveInformationModelMove",
        "StudyRootQueryRetrieveInformationModelGet",
    ):
        assert getattr(dimse, name) == getattr(sop, name), name
    assert dimse.GET_STORAGE_CLASSES[0] == sop.CTImageStorage


def test_echo(pacs: Pacs) -> None:
    assert 0 < pacs.client().echo() < 5


def test_find_studies_of_a_patient_and_the_series_of_a_study(pacs: Pacs) -> None:
    found = pacs.client().find_studies(PatientID=TAP_PATIENT)
    # the prior radiograph (and tonight's dose report once the C-STORE test has sent it)
    assert (PRIOR.study_instance_uid, TAP_PATIENT, PRIOR.study_date.strftime("%Y%m%d")) in [
        (s.StudyInstanceUID, s.PatientID, s.StudyDate) for s in found
    ]
    assert {s.PatientID for s in found} == {TAP_PATIENT}
    assert {s.StudyInstanceUID for s in found} <= {
        PRIOR.study_instance_uid,
        cases.CT_TAP_CASE.study_instance_uid,
    }
    assert pacs.client().find_studies(PatientID="PERSONNE-INCONNUE") == []
    (series,) = pacs.client().find_series(MR)
    assert (
        series.Modality == "MR"
        and series.SeriesInstanceUID
        == pydicom.dcmread(pacs.files[MR][0], stop_before_pixels=True).SeriesInstanceUID
    )


# --- retrieval --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["C-GET", "C-MOVE"])
def test_retrieval_gives_back_the_files_sent_pixel_for_pixel(pacs: Pacs, method: str, tmp_path: Path) -> None:
    studies = pacs.files if method == "C-GET" else {k: v for k, v in pacs.files.items() if k in pacs.moves}
    for study, originals in studies.items():
        seen: list[tuple[int, int]] = []
        target = tmp_path / method / study
        written = pacs.client(method).retrieve_study(
            study, target, progress=lambda d, t, s=seen: s.append((d, t))
        )
        assert [d for d, _ in seen] == list(range(1, len(originals) + 1))
        assert seen[-1] == (len(originals), len(originals))
        assert all(p.parent.parent == target for p in written)  # <SeriesUID>/<SOPInstanceUID>.dcm
        assert not list(target.rglob("*.part"))
        _same_as_sent(written, originals)


def test_a_study_the_pacs_does_not_hold(pacs: Pacs, tmp_path: Path) -> None:
    with pytest.raises(DimseError) as raised:
        pacs.client().retrieve_study("1.2.250.99999.1", tmp_path)
    assert "ne détient aucune image de cet examen" in raised.value.user_message


# --- C-STORE ------------------------------------------------------------------------------------------


def test_store_a_dose_report_then_find_and_get_it_back(pacs: Pacs, dose_report: Path, tmp_path: Path) -> None:
    report = pydicom.dcmread(dose_report)
    (outcome,) = pacs.client().store([dose_report])
    assert outcome.stored and outcome.sop_instance_uid == report.SOPInstanceUID
    found = pacs.client().find_studies(PatientID=TAP_PATIENT)
    assert report.StudyInstanceUID in {s.StudyInstanceUID for s in found}
    (back,) = pacs.client().retrieve_study(report.StudyInstanceUID, tmp_path)
    stored = pydicom.dcmread(back)
    assert stored.SOPClassUID == sop.XRayRadiationDoseSRStorage
    assert stored.ContentSequence == report.ContentSequence  # the whole SR tree, as sent


# --- errors: French for the radiologist, English in the log --------------------------------------------


def test_a_wrong_called_ae_title_is_refused_in_french(pacs: Pacs, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(DimseError) as raised:
        pacs.client(ae_title="PAS-CE-PACS").echo()
    assert "ne reconnaît pas le titre AE appelé « PAS-CE-PACS »" in raised.value.user_message
    assert "association rejected" in str(raised.value) and "reason 7" in str(raised.value)
    assert "association rejected" in caplog.text


def test_nothing_listening_is_said_as_such() -> None:
    port = _free_port()
    client = DimseClient(
        PacsNode("PACS éteint", "PACS", "127.0.0.1", port, timeout_seconds=2), LocalAe("TLR-POSTE")
    )
    started = time.monotonic()
    with pytest.raises(DimseError) as raised:
        client.echo()
    assert time.monotonic() - started < 3
    assert raised.value.user_message == (
        f"Connexion refusée par 127.0.0.1:{port} : le PACS « PACS éteint » n'écoute pas sur ce port "
        "ou est arrêté."
    )
    assert "connection refused" in str(raised.value)


def test_a_pacs_that_never_answers_times_out() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    port = silent.getsockname()[1]
    client = DimseClient(
        PacsNode("PACS muet", "PACS", "127.0.0.1", port, timeout_seconds=1), LocalAe("TLR-POSTE")
    )
    started = time.monotonic()
    try:
        with pytest.raises(DimseError) as raised:
            client.echo()
    finally:
        for conn in accepted:
            conn.close()
        silent.close()
    assert time.monotonic() - started < 4
    assert raised.value.user_message.startswith("Le PACS « PACS muet » ne répond pas (délai de 1 s dépassé)")
    assert "no answer to the association request" in str(raised.value)


def test_a_move_destination_the_pacs_does_not_know(pacs: Pacs, tmp_path: Path) -> None:
    client = pacs.client("C-MOVE", local_ae="INCONNU")
    with pytest.raises(DimseError) as raised:
        client.retrieve_study(MR, tmp_path)
    # dcmqrscp answers 0xA801 (move destination unknown); Orthanc aborts the association of an AE
    # it does not know: both are said with the AE title to declare
    message = raised.value.user_message
    assert "INCONNU" in message
    assert (
        "ne connaît pas la destination « INCONNU »" in message
        or "interrompu l'échange sans répondre" in message
    )
    assert not list(tmp_path.rglob("*.dcm"))


# --- through the encrypted cache, audited ------------------------------------------------------------------


def test_retrieval_is_sealed_into_the_cache_and_audited(pacs: Pacs, tmp_path: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    trail = AuditTrail(open_journal(keystore, tmp_path / "journal.jsonl"), AuditSource("poste-test"))
    runtime = tmp_path / "ram"
    runtime.mkdir()
    cache = StudyCache(tmp_path / "cache", bytes(range(32)), runtime_dir=runtime)
    client = pacs.client("C-MOVE")
    found = find_studies_audited(client, trail, USER, TAP_PATIENT)
    assert PRIOR.study_instance_uid in {s.StudyInstanceUID for s in found}
    study = PRIOR.study_instance_uid
    with retrieve_into_cache(client, cache, trail, USER, study, TAP_PATIENT) as opened:
        assert opened.directory.parent == runtime
        _same_as_sent(opened.paths, pacs.files[study])
    assert not list(runtime.iterdir())  # the clear copies are gone, the folder of the retrieval too
    sealed = [p.read_bytes() for p in (tmp_path / "cache" / "objects").rglob("*.bin")]
    assert len(sealed) == len(pacs.files[study]) and not any(b"DICM" in blob for blob in sealed)
    assert cache.get(study).complete
    with retrieve_into_cache(client, cache, trail, USER, study, TAP_PATIENT) as again:  # no second retrieval
        assert len(again.paths) == len(pacs.files[study])
    records = [e.record.to_json() for e in read_entries(tmp_path / "journal.jsonl")]
    queries = [r for r in records if r["kind"] == "study_query"]
    accesses = [r for r in records if r["kind"] == "study_accessed"]
    assert len(queries) == 1 and queries[0]["participants"][1]["user_id"] == client.address
    assert {"kind": "patient", "id": TAP_PATIENT} in queries[0]["objects"]
    assert len(accesses) == 1 and ["origin", "pacs"] in accesses[0]["objects"][1]["details"]
    cache.close()
    trail.close()


def test_a_failed_retrieval_leaves_nothing_in_the_cache(pacs: Pacs, tmp_path: Path) -> None:
    keystore = KeyStore(VolatileKeyring())
    trail = AuditTrail(open_journal(keystore, tmp_path / "journal.jsonl"), AuditSource("poste-test"))
    cache = StudyCache(tmp_path / "cache", bytes(range(32)), runtime_dir=tmp_path)
    with pytest.raises(DimseError):
        retrieve_into_cache(pacs.client(), cache, trail, USER, "1.2.250.99999.2", TAP_PATIENT)
    assert cache.get("1.2.250.99999.2") is None
    (record,) = [e.record for e in read_entries(tmp_path / "journal.jsonl")]
    assert record.outcome.value == 8 and "no instance received" in record.description
    cache.close()
    trail.close()
