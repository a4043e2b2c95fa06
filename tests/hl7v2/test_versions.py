"""The same order written in v2.3.1, v2.4 and v2.5.1 reads to the same record, modulo what the older
version lacks; every message of ../shared/data/hl7 and of the demo night reads with the shared reader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hl7v2.message import parse
from hl7v2.order import Order, parse_order
from teleplatform.demo import cases
from teleplatform.demo.orders import render
from workstation.hl7 import parse_ack

FLUX = "data/hl7/ansforge-teleradiologie"


def _flows(shared_dir: Path) -> dict[int, str]:
    names = {
        1: "flux1_ORM_O01_demande.hl7",
        2: "flux2_ORM_O01_annulation.hl7",
        3: "flux3_ORU_R01_reponse.hl7",
        4: "flux4_OMI_O23_complement_post_examen.hl7",
    }
    return {n: (shared_dir / FLUX / name).read_bytes().decode("utf-8") for n, name in names.items()}


def _downgrade(text: str, version: str, widths: dict[str, int]) -> str:
    """The message as an older sender writes it: MSH-12, no MSH-21 before 2.4, segments cut to the
    fields the version defines, segments it does not have left out."""
    out = []
    for line in text.strip("\r").split("\r"):
        fields = line.split("|")
        name = fields[0]
        if widths.get(name) == 0:
            continue
        if name == "MSH":
            fields[11] = version
        if name in widths:
            fields = fields[: widths[name] + (0 if name == "MSH" else 1)]
        out.append("|".join(fields))
    return "\r".join(out) + "\r"


V231 = {"MSH": 19, "PID": 30, "ORC": 19, "TQ1": 0}  # no MSH-21, PID-32, ORC-21 (v2.4) nor TQ1 (v2.5)
V24 = {"TQ1": 0}


def _without_version_gaps(order: Order) -> Order:
    return replace(order, warnings=())


def test_v2_4_and_v2_3_1_variants_read_to_the_same_record(shared_dir: Path) -> None:
    flows = _flows(shared_dir)
    reference = parse_order([flows[1], flows[4]])
    v24 = parse_order([_downgrade(flows[1], "2.4", V24), _downgrade(flows[4], "2.4", V24)])
    assert v24.request.version == "2.4"
    assert v24.complement.performed_at is None and v24.complement.retention is None  # TQ1 is v2.5
    assert v24 == replace(
        reference, complement=replace(reference.complement, performed_at=None, retention=None)
    )
    v231 = parse_order([_downgrade(flows[1], "2.3.1", V231), _downgrade(flows[4], "2.3.1", V231)])
    assert v231.patient.identity_status is None  # PID-32 is v2.4
    assert (v231.site.name, v231.site.identifier) == ("", "")  # ORC-21 is v2.4
    assert "Structure d'imagerie non identifiée (ORC-21)." in v231.warnings
    assert v231.patient.ins == reference.patient.ins
    expected = replace(
        reference,
        patient=replace(reference.patient, identity_status=None),
        site=replace(reference.site, name="", identifier="", id_type="", oid=""),
        complement=replace(reference.complement, performed_at=None, retention=None),
    )
    assert _without_version_gaps(v231) == _without_version_gaps(expected)


@pytest.mark.parametrize("version", ["2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6"])
def test_any_2_x_version_is_read(shared_dir: Path, version: str) -> None:
    order = parse_order([_downgrade(_flows(shared_dir)[1], version, {})])
    assert order.placer_order_number == "OPN101" and order.request.version == version


def test_every_message_of_the_shared_data_reads(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "hl7"
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".hl7", ".er7"))
    assert len(paths) >= 12
    for path in paths:
        message = parse(path.read_bytes())
        assert message.segments[0].name == "MSH" and message.control_id, path.name
        assert not any(
            "\\" in v for s in message.segments[1:] for f in s.fields for r in f for c in r for v in c
        ), path.name  # no raw escape sequence left in any value
        if message.message_type == "ACK":
            assert parse_ack(path.read_text("utf-8")).control_id, path.name
    flows = _flows(shared_dir)
    order = parse_order([flows[1], flows[2], flows[3], flows[4]])
    assert order.cancelled and order.response is not None and order.complement is not None


def test_every_demo_message_reads_back_as_the_case_wrote_it() -> None:
    by_case: dict[str, list[bytes]] = {}
    for planned in cases.MESSAGES:
        by_case.setdefault(planned.case.slug, []).append(render(planned))
    for case in cases.ALL_CASES:
        order = parse_order(by_case[case.slug])
        assert order.patient.birth_name == case.patient.birth_name
        assert order.patient.used_name == case.patient.used_name
        assert order.clinical_information  # OBR-13 as written, escapes decoded
        assert "\\" not in order.clinical_information and "\\" not in "".join(order.purpose)
