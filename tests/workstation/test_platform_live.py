"""The client against the real reference platform (a private instance: these tests change orders).

Orders are the ANS guide's examples (flux 1 and 4) and their variants, the images a real MR slab of
../shared; what the platform answers is what the workstation will meet in production.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pyotp
import pytest

from tests.platform_fixtures import RunningPlatform
from workstation.hl7 import AckCode, RefusalReason, build_acceptance, build_refusal, new_control_id, parse
from workstation.orders import OrderStatus, parse_order
from workstation.platform import PlatformClient, RetrieveCancelled

TLR = "data/hl7/ansforge-teleradiologie"
MR_SLAB = "data/dicom/datalad_example-dicom-structural/mr_t1w_slab_0143-0242"


def _variant(flux1: str, order_id: str, control_id: str) -> str:
    return flux1.replace("OPN101", order_id).replace("|000001|P|", f"|{control_id}|P|")


@pytest.fixture(scope="module")
def own_platform(
    shared_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> tuple[RunningPlatform, list[Path]]:
    data = tmp_path_factory.mktemp("own-platform")
    for name in ("dicom", "orders", "seed"):
        (data / name).mkdir()
    images = sorted((shared_dir / MR_SLAB).glob("*.dcm"))[:12]
    for image in images:
        (data / "dicom" / image.name).write_bytes(image.read_bytes())
    study_uid = pydicom.dcmread(images[0], stop_before_pixels=True).StudyInstanceUID
    flux1 = (shared_dir / TLR / "flux1_ORM_O01_demande.hl7").read_bytes().decode()
    flux4 = (shared_dir / TLR / "flux4_OMI_O23_complement_post_examen.hl7").read_bytes().decode()
    orders = {
        "01.hl7": flux1,
        "02.hl7": flux4.replace("1.2.250.1.213.4.5.2.1.101", study_uid),
        "03.hl7": _variant(flux1, "OPN102", "000012"),
        "04.hl7": _variant(flux1, "OPN103", "000013"),
    }
    for name, text in orders.items():
        (data / "orders" / name).write_bytes(text.encode("utf-8"))
    account = {
        "login": "dr.essai",
        "password": "Essai-2026!",
        "totp_secret": pyotp.random_base32(),
        "rpps": "10001234567",
        "family": "Essai",
        "given": "Camille",
        "title": "Dr",
        "role": "radiologist",
        "sites": ["StructureApp^StructureFacility"],  # MSH-3^MSH-4 of the ANS examples' site
    }
    (data / "seed" / "accounts.json").write_text(json.dumps([account]), encoding="utf-8")
    return platform_factory(data), images


@pytest.fixture(scope="module")
def client(own_platform) -> PlatformClient:
    running, _ = own_platform
    client = PlatformClient(running.base_url, running.ca_path)
    account = running.account
    client.login(account["login"], account["password"], running.fresh_otp())
    return client


def _entry(client: PlatformClient, order_id: str):
    return next(e for e in client.worklist() if e.order_id == order_id)


def test_worklist_orders_and_complement_parse(client: PlatformClient) -> None:
    entries = {e.order_id: e for e in client.worklist()}
    assert set(entries) == {"OPN101", "OPN102", "OPN103"}
    imaged = entries["OPN101"]
    assert imaged.status is OrderStatus.IMAGES_DISPONIBLES and imaged.accession_number == "ACN101"
    order = imaged.order()
    assert order.complement.study_instance_uid == imaged.study_instance_uid
    assert order.patient.ins.matricule == "279035121518989" and order.modality.code == "MR"
    assert entries["OPN102"].order().placer_order_number == "OPN102"


def test_acceptance_round_trip_and_resend(client: PlatformClient) -> None:
    order = _entry(client, "OPN102").order()
    user = client.auth.user
    message = build_acceptance(order.request, user.practitioner, "IRM cérébrale\nT1, T2 FLAIR, diffusion")
    ack = client.submit(message)
    assert ack.code is AckCode.AA and ack.control_id == parse(message).control_id
    entry = _entry(client, "OPN102")
    assert entry.status is OrderStatus.PROTOCOLE_ENVOYE
    stored = len(entry.messages)
    assert client.submit(message) == ack  # resent: the same ACK...
    entry = _entry(client, "OPN102")
    assert len(entry.messages) == stored  # ...and not stored twice
    response = entry.order().response  # our answer, read back from what the platform relays
    assert response.protocol == "IRM cérébrale\nT1, T2 FLAIR, diffusion"
    assert response.radiologist.rpps == user.rpps


def test_refusal_round_trip(client: PlatformClient) -> None:
    order = _entry(client, "OPN103").order()
    justification = "IRM non justifiée en première intention.\nProposer un scanner."
    reason = RefusalReason.EXAMEN_NON_ADAPTE.coded
    ack = client.submit(build_refusal(order.request, client.auth.user.practitioner, reason, justification))
    assert ack.code is AckCode.AA
    entry = _entry(client, "OPN103")
    assert entry.status is OrderStatus.REFUSE
    assert reason.label in entry.history[-1].detail
    assert entry.order().response.justification == justification


def test_a_refused_message_comes_back_ae_with_its_reason(client: PlatformClient) -> None:
    order = _entry(client, "OPN101").order()  # images already there: too late to accept
    ack = client.submit(build_acceptance(order.request, client.auth.user.practitioner, "Protocole"))
    assert ack.code is AckCode.AE and "impossible" in ack.reason
    malformed = build_acceptance(order.request, client.auth.user.practitioner, "P").replace(
        "ORC|OK|", "ORC|ZZ|"
    )
    ack = client.submit(malformed)
    assert ack.code is AckCode.AE and ack.error_location == "ORC-1" and "ORC-1" in ack.reason
    again = client.submit(malformed.replace(parse(malformed).control_id, new_control_id()))
    assert again.code is AckCode.AE


def test_retrieve_a_study_with_progress(client: PlatformClient, own_platform, tmp_path: Path) -> None:
    _, images = own_platform
    study_uid = _entry(client, "OPN101").study_instance_uid
    progress: list[tuple[int, int]] = []
    cancel = threading.Event()
    paths = client.retrieve_study(study_uid, tmp_path, lambda *p: progress.append(p), cancel)
    assert progress == [(i, len(images)) for i in range(1, len(images) + 1)]
    originals = {pydicom.dcmread(p).SOPInstanceUID: p for p in images}
    for path in paths:
        got = pydicom.dcmread(path)
        assert np.array_equal(got.pixel_array, pydicom.dcmread(originals[got.SOPInstanceUID]).pixel_array)
    cancel.set()
    with pytest.raises(RetrieveCancelled):
        client.retrieve_study(study_uid, tmp_path / "again", cancel=cancel)
    assert not (tmp_path / "again").exists()


def test_the_platform_relays_the_sites_messages_unchanged(client: PlatformClient, own_platform) -> None:
    running, _ = own_platform
    sent = [(running.data_dir / "orders" / name).read_bytes().decode() for name in ("01.hl7", "02.hl7")]
    entry = _entry(client, "OPN101")
    assert [m.control_id for m in entry.messages] == ["000001", "000004"]
    assert entry.order() == parse_order(sent)
