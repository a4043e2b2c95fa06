"""Every demo order, as the shared reference platform serves it, read against the demo's constants.

Read-only: the `platform` fixture is shared by the whole session, so nothing here answers an order.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pydicom
import pytest

from teleplatform.demo import cases
from workstation.orders import Order, OrderStatus, Priority
from workstation.platform import PlatformClient, WorklistEntry

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def client(platform) -> PlatformClient:
    client = PlatformClient(platform.base_url, platform.ca_path)
    client.login(platform.account["login"], platform.account["password"], platform.fresh_otp())
    return client


@pytest.fixture(scope="module")
def worklist(client: PlatformClient) -> dict[str, WorklistEntry]:
    return {entry.order_id: entry for entry in client.worklist()}


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=PARIS)


@pytest.mark.parametrize("case", cases.ALL_CASES, ids=lambda c: c.slug)
def test_every_demo_order_reads_as_the_site_wrote_it(worklist: dict[str, WorklistEntry], case) -> None:
    entry = worklist[case.placer_order_number]
    order: Order = entry.order()
    assert order.warnings == ()
    assert order.priority is (Priority.URGENT if case.priority is cases.Priority.URGENT else Priority.ROUTINE)
    assert order.requested_at == _local(case.requested_at)

    patient, expected = order.patient, case.patient
    assert (patient.ins.matricule, patient.ins.oid) == (expected.ins, cases.INS_NIR_TEST_OID)
    assert (patient.birth_name, patient.birth_first_names) == (
        expected.birth_name,
        expected.birth_given_names,
    )
    assert patient.first_name == expected.first_given_name
    assert (patient.used_name, patient.used_first_name) == (expected.used_name, expected.used_given_name)
    assert (patient.sex.value, patient.birth_date) == (expected.sex.value, expected.birth_date)
    assert patient.birth_place_cog == expected.birth_cog
    assert (order.height.value, order.weight.value) == (expected.height_cm, expected.weight_kg)

    assert (order.requester.rpps, order.requester.family) == (case.requester.rpps, case.requester.family)
    assert order.requester_phone == case.requester.phone
    assert (order.responsible.rpps, order.responsible.family) == (
        case.responsible.rpps,
        case.responsible.family,
    )
    assert (order.site.name, order.site.identifier) == (case.site.name, case.site.struct_id_nat)
    assert order.site.phone == case.site.phone
    assert order.clinical_information == case.clinical_information
    assert order.purpose == (case.purpose,)
    assert [(h.text, h.relevance.value) for h in order.history] == [(case.history, case.history_relevance)]
    assert order.modality.code == case.modality.code and order.modality.system == case.modality.system
    assert order.modality_comments == ((case.modality_comment,) if case.modality_comment else ())
    assert [r.region.code for r in order.regions] == [r.region.code for r in case.regions]
    assert [r.precision.code if r.precision else None for r in order.regions] == [
        r.precision.code if r.precision else None for r in case.regions
    ]
    assert (order.pregnancy.value if order.pregnancy else None) == case.pregnancy


@pytest.mark.parametrize("case", cases.IMAGED_CASES, ids=lambda c: c.slug)
def test_every_demo_complement_reads_as_the_site_wrote_it(worklist: dict[str, WorklistEntry], case) -> None:
    entry = worklist[case.placer_order_number]
    complement = entry.order().complement
    exam = case.exam
    assert entry.status is OrderStatus.IMAGES_DISPONIBLES
    assert complement.study_instance_uid == case.study_instance_uid == entry.study_instance_uid
    assert complement.accession_number == case.accession_number == entry.accession_number
    assert complement.performed_at == _local(exam.performed_at)
    assert (complement.retention.value, complement.retention.unit) == (cases.RETENTION_DAYS, "jours")
    assert (complement.act.code, complement.act.system) == (exam.act.code, "LN")
    assert complement.devices[0].identifier == exam.device.udi
    assert exam.device.model in complement.devices[0].model
    assert complement.viewer_url.startswith(case.site.drimbox)
    assert f"StudyInstanceUID={case.study_instance_uid}" in complement.viewer_url
    if exam.product is None:
        assert complement.products == ()
    else:
        [product] = complement.products
        assert (product.product.code, product.lot) == (exam.product.atc.code, exam.product.lot)
        assert (product.quantity.value, product.quantity.unit) == (exam.product.volume_ml, "ml")


def test_the_cancelled_and_the_pending_orders(worklist: dict[str, WorklistEntry]) -> None:
    cancelled = worklist[cases.CANCELLED_CASE.placer_order_number]
    assert cancelled.status is OrderStatus.ANNULE
    assert cancelled.order().cancellation.reason.label == cases.CANCELLED_CASE.cancellation.reason
    assert cancelled.order().cancellation.at == _local(cases.CANCELLED_CASE.cancellation.at)
    pending = worklist[cases.PENDING_CASE.placer_order_number]
    assert pending.status is OrderStatus.A_VALIDER and pending.order().complement is None


def test_retrieve_a_demo_study_with_progress(client: PlatformClient, tmp_path: Path) -> None:
    case = cases.MR_BRAIN_CASE
    progress: list[tuple[int, int]] = []
    paths = client.retrieve_study(case.study_instance_uid, tmp_path, lambda *p: progress.append(p))
    assert len(paths) == cases.MR_SLICES
    assert progress == [(i, cases.MR_SLICES) for i in range(1, cases.MR_SLICES + 1)]
    first = pydicom.dcmread(paths[0])
    assert first.StudyInstanceUID == case.study_instance_uid and first.pixel_array.shape == (512, 512)
