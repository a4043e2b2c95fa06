"""Issue 23, item 5 on the platform and in the order reader: after a report signed on a provisional
identity, the site resends its flux 4 (OMI^O23 SR, same order and study) with the qualified PID (INS,
PID-32 QUAL: the CI-SIS INS annex's value set); the order stays ``cr_transmis``, its history says
« Identité qualifiée reçue », and ``hl7v2.order`` reads the qualified identity as an identity update
until a report (the addendum, MDM^T10) follows it."""

from __future__ import annotations

from pathlib import Path

from hl7v2.order import IdentityStatus, parse_order

from .builders import PID, acceptance, cda, complement, new_order, report_mdm, write_data_dir
from .conftest import Live

STUDY = "1.2.250.1.999.1.7"
IPP = "70220981^^^CHHB&1.2.250.1.999.2&ISO^PI"
PROVISIONAL = "PID|||" + IPP + "||INCONNU^X^^^^^L||19800101|M" + "|" * 24 + "PROV"
QUALIFIED = (
    "PID|||181031803341258^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS~"
    + IPP
    + "||LEFEBVRE^THOMAS^THOMAS JEAN^^^^L||19810309|M"
    + "|" * 24
    + "QUAL"
)


def _with_pid(raw: bytes, pid: str) -> bytes:
    return raw.replace(PID.encode(), pid.encode())


def _reported(live: Live) -> None:
    """S-1, a provisional identity, accepted, done and reported (``cr_transmis``)."""
    assert live.as_site(_with_pid(new_order("S-1", "M1"), PROVISIONAL)).headers["X-HL7-Ack-Code"] == "AA"
    assert live.post_hl7(acceptance("S-1", "A1")).headers["X-HL7-Ack-Code"] == "AA"
    done = _with_pid(complement("S-1", "C1", "ACC-1", STUDY), PROVISIONAL)
    assert live.as_site(done).headers["X-HL7-Ack-Code"] == "AA"
    first = report_mdm("S-1", "R1", cda("2.25.11", "S-1", STUDY), "2.25.11")
    assert live.post_hl7(first).headers["X-HL7-Ack-Code"] == "AA"
    assert live.orders()["S-1"]["status"] == "cr_transmis"


def _hl7(live: Live) -> list[str]:
    return [m["hl7"] for m in live.orders()["S-1"]["messages"]]


def test_the_qualified_identity_after_the_report_is_taken_and_read_until_the_addendum(
    tmp_path: Path, start_live
) -> None:
    live = start_live(write_data_dir(tmp_path / "data"))
    live.authorize()
    _reported(live)
    assert parse_order(_hl7(live)).identity_update is None

    update = _with_pid(complement("S-1", "C2", "ACC-1", STUDY), QUALIFIED)
    assert live.as_site(update).headers["X-HL7-Ack-Code"] == "AA"
    order = live.orders()["S-1"]
    assert order["status"] == "cr_transmis"
    assert order["history"][-1]["event"] == "Identité qualifiée reçue"
    assert "LEFEBVRE" not in order["history"][-1]["detail"]  # no patient datum in the history

    read = parse_order(_hl7(live))
    assert read.patient.ins is None and read.patient.identity_status is IdentityStatus.PROV
    found = read.identity_update
    assert found is not None and found.control_id == "C2" and found.received_after == "R1"
    assert found.patient.ins is not None and found.patient.ins.matricule == "181031803341258"
    assert found.patient.identity_status is IdentityStatus.QUAL and not found.linked

    addendum = report_mdm("S-1", "R2", cda("2.25.12", "S-1", STUDY, "2.25.11"), "2.25.12", "2.25.11")
    assert live.post_hl7(addendum).headers["X-HL7-Ack-Code"] == "AA"
    after = parse_order(_hl7(live)).identity_update
    assert after is not None and after.linked


def test_after_the_report_a_flux_4_is_refused_unless_it_qualifies_the_identity_of_the_same_study(
    tmp_path: Path, start_live
) -> None:
    live = start_live(write_data_dir(tmp_path / "data"))
    live.authorize()
    _reported(live)
    still_provisional = _with_pid(complement("S-1", "C2", "ACC-1", STUDY), PROVISIONAL)
    answer = live.as_site(still_provisional)
    assert answer.headers["X-HL7-Ack-Code"] == "AE"
    assert "compte rendu transmis" in answer.text
    other_study = _with_pid(complement("S-1", "C3", "ACC-1", "1.2.250.1.999.1.8"), QUALIFIED)
    answer = live.as_site(other_study)
    assert answer.headers["X-HL7-Ack-Code"] == "AE"
    assert "n'est pas celle du compte rendu" in answer.text
    assert len(live.orders()["S-1"]["messages"]) == 4  # nothing refused is stored


def test_a_qualified_flux_4_before_any_report_is_no_identity_update() -> None:
    """Qualified before the report: an ordinary complement (the report is signed on it directly)."""
    request = _with_pid(new_order("S-1", "M1"), PROVISIONAL).decode()
    done = _with_pid(complement("S-1", "C1", "ACC-1", STUDY), QUALIFIED).decode()
    assert parse_order([request, done]).identity_update is None
