"""The report's view of the order record, from the ANS examples (flux 1 ORM^O01, flux 4 OMI^O23).

The messages are read by the shared reader (hl7v2) into the order record the worklist shows; the
report takes that record as data (``site_messages``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from hl7v2.message import HL7ParseError
from hl7v2.order import hl7_datetime, parse_order
from reporting.model import Sex, Source
from reporting.order import SiteMessage, modality_code, read_site_messages, site_messages

FLUX = "data/hl7/ansforge-teleradiologie"


def parse_site_message(text: str) -> SiteMessage:
    """The request's view of an order made of this one flux 1 message."""
    return site_messages(parse_order([text]))[0]


def test_order_flux_1(shared_dir: Path) -> None:
    order = parse_site_message((shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_text("utf-8"))
    assert (order.kind, order.control_id, order.source) == ("ORM^O01", "000001", Source.ORDER_HL7)
    patient = order.patient
    assert patient is not None
    assert (patient.ins.root, patient.ins.extension) == ("1.2.250.1.213.1.4.10", "279035121518989")
    assert (patient.birth_family, patient.first_given, patient.sex) == ("PAT-TROIS", "DOMINIQUE", Sex.FEMALE)
    assert patient.birth_date == date(1979, 3, 28)
    assert patient.birth_place_cog == "63220" and patient.identity_status == "VALI"
    assert (order.placer_order.root, order.placer_order.extension) == ("1.2.250.1.748.12345678.12", "OPN101")
    assert order.site_doctor.idnat == "801234567897" and order.radiologist.idnat == "801234564895"
    assert order.site.name == "Structure-Y" and order.site.id.extension == "300017985"
    assert order.site.practice_setting.code == "ETABLISSEMENT"  # FINEG: a FINESS establishment
    assert order.justification == "JustificationDemande"
    assert order.purpose == "Commentaire sur la finalité de l'examen"
    assert order.modality == "MR" and order.region.code == "774007"
    assert order.history == "Antécédents majeur du patient" and order.pregnant is False
    assert order.visit.value == "000897406" and order.encounter_class == "O"
    assert (order.sender_application, order.receiver_application) == ("StructureApp", "TLRapp")
    assert order.requester is None  # the guide's example has no PV1-8


def test_complement_flux_4(shared_dir: Path) -> None:
    text = (shared_dir / FLUX / "flux4_OMI_O23_complement_post_examen.hl7").read_text("utf-8")
    request = (shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_bytes()
    _, complement = read_site_messages(request, text.replace("\r", "\r\n"))
    assert complement is not None and complement.kind == "OMI^O23"
    assert complement.source is Source.COMPLEMENT_HL7
    assert (complement.accession.root, complement.accession.extension) == (
        "1.2.250.1.925.994044.27",
        "ACN101",
    )
    assert complement.study_instance_uid == "1.2.250.1.213.4.5.2.1.101"
    assert complement.act.code == "24590-2"
    assert complement.act_time == hl7_datetime("20260106184418")
    [product] = complement.products
    assert (product.atc.code, product.lot, product.quantity, product.unit) == (
        "V09",
        "0123456789",
        Decimal(1),
        "mL",
    )
    assert complement.equipment_model == "Modèle"


def test_timestamps_and_modalities() -> None:
    assert hl7_datetime("20260106184418").utcoffset().total_seconds() == 3600  # French winter time
    assert hl7_datetime("202607011200+0000") == datetime.fromisoformat("2026-07-01T12:00:00+00:00")
    assert hl7_datetime("") is None
    for malformed in ("2026", "20261399", "202601", "20260106+2500", "2026-01-06"):
        with pytest.raises(ValueError):
            hl7_datetime(malformed)
    assert modality_code("ct").display == "Tomodensitométrie"
    assert modality_code("MED-1126") is None


def test_not_hl7() -> None:
    with pytest.raises(HL7ParseError):
        parse_site_message("bonjour")
    with pytest.raises(HL7ParseError):  # a complement is not a request
        read_site_messages(b"MSH|^~\\&|A|B|C|D|2026||OMI^O23|1|P|2.5.1")


def _segments(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line]


def _join(segments: list[list[str]]) -> str:
    return "\r".join("|".join(fields) for fields in segments)


def _set(segments: list[list[str]], name: str, number: int, value: str) -> None:
    segment = next(s for s in segments if s[0] == name)
    index = number if name != "MSH" else number - 1
    segment.extend([""] * (index + 1 - len(segment)))
    segment[index] = value


REQUESTER_XCN = "801234560801^BIDEAULT^Jacques^^^DR^^^ASIP-SANTE- PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"


def test_requester_from_pv1_8_and_responsible_from_orc_12(shared_dir: Path) -> None:
    """ANS guide flux 1: ORC-12 (and OBR-16, "identique à l'ORC-12") is the site's responsible doctor;
    the requester is PV1-8, never ORC-12."""
    segments = _segments((shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_text("utf-8"))
    _set(segments, "PV1", 8, REQUESTER_XCN)
    order = parse_site_message(_join(segments))
    assert (order.requester.idnat, order.requester.family, order.requester.given) == (
        "801234560801",
        "BIDEAULT",
        "Jacques",
    )
    assert (order.site_doctor.idnat, order.site_doctor.family, order.site_doctor.given) == (
        "801234567897",
        "Hoda",
        "Adam",
    )
    assert order.warnings == ()


def test_responsible_from_obr_16_when_orc_12_is_empty(shared_dir: Path) -> None:
    segments = _segments((shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_text("utf-8"))
    _set(segments, "ORC", 12, "")
    order = parse_site_message(_join(segments))
    assert order.site_doctor.idnat == "801234567897"  # from OBR-16
    assert order.requester is None  # OBR-16 is the responsible doctor, not the requester


def test_obr_16_differing_from_orc_12_keeps_orc_12_and_warns(shared_dir: Path) -> None:
    segments = _segments((shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_text("utf-8"))
    _set(segments, "OBR", 16, REQUESTER_XCN)
    order = parse_site_message(_join(segments))
    assert order.site_doctor.idnat == "801234567897" and order.requester is None
    assert order.warnings == (
        "Le médecin responsable de l'OBR-16 diffère de celui de l'ORC-12 : l'ORC-12 est retenu (OBR-16).",
    )


def test_a_cancelled_order_keeps_the_request_s_doctors(shared_dir: Path) -> None:
    flows = [
        (shared_dir / FLUX / name).read_text("utf-8")
        for name in ("flux1_ORM_O01_demande.hl7", "flux2_ORM_O01_annulation.hl7")
    ]
    record = parse_order(flows)
    assert record.cancelled
    order, complement = site_messages(record)
    assert order.site_doctor.idnat == "801234567897" and order.radiologist.idnat == "801234564895"
    assert order.requester is None and complement is None


def test_escapes_never_reach_the_report(shared_dir: Path) -> None:
    """The signed-report defect of issue 14: \\X..\\ and \\.br\\ were copied literally."""
    segments = _segments((shared_dir / FLUX / "flux1_ORM_O01_demande.hl7").read_text("utf-8"))
    _set(segments, "OBR", 13, "Douleur \\X41\\ c\\XC3A9\\phal\\.br\\2e ligne \\F\\ \\S\\ \\E\\")
    order = parse_site_message(_join(segments))
    assert order.justification == "Douleur A céphal\n2e ligne | ^ \\"
