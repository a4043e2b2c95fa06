"""Issue 23, item 1 on the platform: a radiologist asks the site for complementary images (traced in
the order's history, the order waiting until the site's next flux 4), within its scope only; and the
study being acquired is announced before the flux 4 when its images name the order in (0040,2016).

Order S-1 belongs to StructureFacility (the radiologist ACCOUNT's site); S-9 to the other group.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from .builders import (
    OTHER_RADIOLOGIST,
    OTHER_SENDER,
    SITE_ACCOUNT,
    acceptance,
    complement,
    new_order,
    write_ct_series,
    write_data_dir,
)
from .conftest import Live

INS = "279035121518989"
URL = "/api/v1/orders/{}/complementary-images"
WANTED = {
    "reason_code": "TEMPS_INJECTE",
    "series": ["Temps portal abdomino-pelvien"],
    "text": "Suspicion d'abcès.",
}


def _name_the_order(files: list[Path], placer: str, in_request_attributes: bool = False) -> None:
    """(0040,2016) at the top level, or in the Request Attributes Sequence as a modality fed by the
    RIS's worklist writes it."""
    for path in files:
        ds = pydicom.dcmread(path)
        if in_request_attributes:
            item = pydicom.Dataset()
            item.PlacerOrderNumberImagingServiceRequest = placer
            item.RequestedProcedureID = "RP1"
            ds.RequestAttributesSequence = pydicom.Sequence([item])
        else:
            ds.PlacerOrderNumberImagingServiceRequest = placer
        ds.save_as(path)


@pytest.fixture
def live(tmp_path: Path, start_live) -> Live:
    root = write_data_dir(
        tmp_path / "data",
        {"1.hl7": new_order("S-1", "M1"), "2.hl7": new_order("S-9", "M9", sender=OTHER_SENDER)},
    )
    acquiring = write_ct_series(root / "dicom" / "acq", 3, patient_id=INS, accession="", seed=3)
    _name_the_order(acquiring, "S-1^^1.2.250.1.748.12345678.12^ISO", in_request_attributes=True)
    other = write_ct_series(root / "dicom" / "other", 2, patient_id=INS, accession="", seed=4)
    _name_the_order(other, "S-77")  # the same patient's images of another order: never announced
    write_ct_series(
        root / "dicom" / "prior", 2, patient_id=INS, accession="ACC-OLD", seed=5
    )  # no (0040,2016)
    live = start_live(root)
    live.authorize()
    live.acquiring_uid = str(pydicom.dcmread(acquiring[0]).StudyInstanceUID)  # type: ignore[attr-defined]
    return live


def test_the_study_in_progress_is_announced_before_the_flux_4_and_only_it(live: Live) -> None:
    assert live.orders()["S-1"]["study_in_progress"] is None  # not accepted yet: nothing is acquired
    assert live.post_hl7(acceptance("S-1", "A1")).headers["X-HL7-Ack-Code"] == "AA"
    announced = live.orders()["S-1"]["study_in_progress"]
    assert announced == {"study_instance_uid": live.acquiring_uid, "series": 1, "instances": 3}
    found = live.session.get(live.url("/dicom-web/studies"), params={"StudyInstanceUID": live.acquiring_uid})
    assert found.status_code == 200 and len(found.json()) == 1  # and the radiologist may read it
    live.as_site(complement("S-1", "C1", "ACC-1", live.acquiring_uid))
    order = live.orders()["S-1"]
    assert order["study_in_progress"] is None and order["study_instance_uid"] == live.acquiring_uid


def test_a_request_is_traced_the_order_waits_and_the_next_flux_4_ends_the_wait(live: Live) -> None:
    early = live.session.post(live.url(URL.format("S-1")), json=WANTED)
    assert early.status_code == 409 and early.json()["error"] == "bad_state"  # before the protocol
    live.post_hl7(acceptance("S-1", "A1"))
    answer = live.session.post(live.url(URL.format("S-1")), json=WANTED)
    assert answer.status_code == 201, answer.text
    request = answer.json()
    assert request["request_id"].startswith("IMG-") and request["reason"] == "Temps injecté nécessaire"
    order = live.orders()["S-1"]
    assert order["awaiting_images"] is True and order["complementary_requests"] == [request]
    event = order["history"][-1]
    assert event["event"] == "Images complémentaires demandées"
    assert request["request_id"] in event["detail"] and "Temps portal abdomino-pelvien" in event["detail"]
    site = live.session.get(
        live.url("/api/v1/worklist"), headers={"Authorization": f"Bearer {live.token(SITE_ACCOUNT)}"}
    )
    assert site.json()["orders"][0]["awaiting_images"] is True  # the site sees what is asked
    live.as_site(complement("S-1", "C1", "ACC-1", live.acquiring_uid))
    order = live.orders()["S-1"]
    assert order["awaiting_images"] is False and order["complementary_requests"][0]["received_at"]
    assert order["history"][-1]["event"] == "Images complémentaires reçues"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"reason_code": "NIMPORTE", "series": ["T2"]}, "bad_reason"),
        ({"reason_code": "SERIE_MANQUANTE", "series": []}, "bad_series"),
        ({"reason_code": "SERIE_MANQUANTE", "series": [" "]}, "bad_series"),
        ({"reason_code": "AUTRE", "series": ["T2"], "text": ""}, "bad_text"),
        ([], "bad_request"),
    ],
)
def test_a_malformed_request_is_400_and_records_nothing(live: Live, body: object, code: str) -> None:
    live.post_hl7(acceptance("S-1", "A1"))
    answer = live.session.post(live.url(URL.format("S-1")), json=body)
    assert answer.status_code == 400 and answer.json()["error"] == code
    assert live.orders()["S-1"]["complementary_requests"] == []


def test_out_of_scope_or_unknown_orders_and_other_roles_are_403_and_traced(live: Live) -> None:
    for order in ("S-9", "S-404"):
        refused = live.session.post(live.url(URL.format(order)), json=WANTED)
        assert refused.status_code == 403 and refused.json()["error"] == "order_not_allowed"
    site = live.session.post(
        live.url(URL.format("S-1")),
        json=WANTED,
        headers={"Authorization": f"Bearer {live.token(SITE_ACCOUNT)}"},
    )
    assert site.status_code == 403 and site.json()["error"] == "role_not_allowed"
    other = live.token(OTHER_RADIOLOGIST)
    assert (
        live.session.post(
            live.url(URL.format("S-1")), json=WANTED, headers={"Authorization": f"Bearer {other}"}
        ).status_code
        == 403
    )
    with live.platform.store.reading() as conn:
        codes = [r["code"] for r in conn.execute("SELECT code FROM access_refusals")]
    assert codes.count("order_not_allowed") == 3 and "role_not_allowed" in codes
