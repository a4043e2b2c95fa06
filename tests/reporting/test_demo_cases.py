"""Reports of the demo night, built from the generated orders and images (``demo_data`` fixture),
checked against the generator's constants, then validated by the ANS tools: 0 errors each."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from reporting.cda import build_cda
from reporting.checks import IssueCode, check, sign
from reporting.draft import DraftInputs, compose
from reporting.hl7 import MessageKind, extract_cda
from reporting.markdown import split_chapters
from reporting.model import RADIOLOGIST, IdentityCheck, Professional, Report, Source, idnat_from_rpps
from reporting.order import read_site_messages
from reporting.pipeline import build_and_wrap
from reporting.study import scan_study
from teleplatform.demo import cases
from tests.cda_validation import assert_valid_cda

NOW = datetime(2026, 11, 15, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))
NS = {"h": "urn:hl7-org:v3"}
TEXT = """# Indication
Selon la demande.
# Technique
Protocole standard de la structure.
# Résultats
Voir conclusion.
# Conclusion
Compte rendu de démonstration.
"""


def professional(who: cases.Practitioner, source: Source) -> Professional:
    return Professional(
        idnat_from_rpps(who.rpps), who.family, who.given, source, title="DR", profession=RADIOLOGIST
    )


def draft(demo: Path, case: cases.Case, **extra: object) -> tuple[Report, tuple[str, ...]]:
    orders = demo / "orders"
    order, complement = read_site_messages(
        next(orders.glob(f"*_{case.slug}_ORM_O01.hl7")).read_bytes(),
        next(orders.glob(f"*_{case.slug}_OMI_O23.hl7")).read_bytes(),
    )
    built = compose(
        DraftInputs(
            order=order,
            complement=complement,
            author=professional(cases.DR_MOREAU, Source.ACCOUNT),
            chapters=split_chapters(TEXT),
            now=NOW,
            scan=scan_study([demo / "dicom" / case.slug]),
            **extra,  # type: ignore[arg-type]
        )
    )
    return built.report, built.warnings


@pytest.fixture(scope="module")
def reports(demo_data: Path) -> dict[str, Report]:
    """The four imaged cases, signed once what blocked them has been resolved the way a user would."""
    signed = {}
    ct, warnings = draft(demo_data, cases.CT_HEAD_CASE)
    assert [i.code for i in check(ct)] == [IssueCode.MISSING_DOSE]  # no RDSR, no DLP in the images
    assert "Pas de RDSR : PDL total non disponible dans les en-têtes des images." in warnings
    ct, _ = draft(demo_data, cases.CT_HEAD_CASE, typed_dlp_mgy_cm=cases.CT_HEAD.dlp_mgycm)
    signed["ct-tete"] = sign(ct, NOW)
    for case in (cases.CT_TAP_CASE, cases.DX_CHEST_CASE):
        report, _ = draft(demo_data, case)
        signed[case.slug] = sign(report, NOW)
    mr, warnings = draft(demo_data, cases.MISMATCH_CASE)
    assert [(i.code, i.field) for i in check(mr)] == [(IssueCode.IDENTITY_NOT_CHECKED, "identity_check")]
    assert "date de naissance différente dans les images" in " ".join(warnings)
    checked = IdentityCheck(True, Source.USER, NOW, "vérifiée avec la structure : erreur de saisie console")
    signed["irm-cerebrale"] = sign(replace(mr, identity_check=checked), NOW)
    return signed


def test_identity_orders_and_participants(reports: dict[str, Report]) -> None:
    for case in cases.IMAGED_CASES:
        report = reports[case.slug]
        assert report.patient.ins.extension == case.patient.ins
        assert report.patient.birth_family == case.patient.birth_name
        assert report.order.placer_order.value.extension == case.placer_order_number
        assert report.order.accession.value.extension == case.accession_number
        assert report.order.study_instance_uid.value == case.study_instance_uid
        assert report.participants.custodian.name == case.site.name
        # the requester from PV1-8, the site's responsible doctor from ORC-12 (ANS guide, flux 1)
        requester, site_doctor = report.participants.requester, report.participants.site_doctor
        assert (requester.idnat, requester.family, requester.source) == (
            idnat_from_rpps(case.requester.rpps),
            case.requester.family,
            Source.ORDER_HL7,
        )
        assert (site_doctor.idnat, site_doctor.family) == (
            idnat_from_rpps(case.responsible.rpps),
            case.responsible.family,
        )
        assert report.acts[0].loinc.code == case.exam.act.code
    assert reports["ct-tete"].identity_check.source is Source.DICOM_HEADER  # images and order agree


def test_doses_equal_the_generator_constants(reports: dict[str, Report]) -> None:
    head = reports["ct-tete"].dose
    assert [a.ctdi_vol_mgy for a in head.acquisitions] == [cases.CT_HEAD.ctdivol_mgy]
    assert (
        head.total_dlp_mgy_cm.value == cases.CT_HEAD.dlp_mgycm and head.total_dlp_mgy_cm.source is Source.USER
    )
    tap = reports["tdm-tap"].dose
    assert (
        tap.total_dlp_mgy_cm.value == cases.CT_TAP_TOTAL_DLP_MGYCM
        and tap.total_dlp_mgy_cm.source is Source.RDSR
    )
    assert [(a.ctdi_vol_mgy, a.dlp_mgy_cm) for a in tap.acquisitions] == [
        (a.ctdivol_mgy, a.dlp_mgycm) for a in cases.CT_TAP_ACQUISITIONS
    ]
    assert tap.equipment.model == cases.SCANNER_CHVC.model
    chest = reports["rx-thorax"].dose
    assert chest.total_dap_dgy_cm2.value == cases.DX_DAP_DGYCM2
    [product] = reports["tdm-tap"].products
    assert (product.atc.code, product.lot, product.quantity) == ("V08AB02", "2417305", Decimal(90))
    assert reports["rx-thorax"].acts[0].modality.code == "DX"  # the order only said "radiographie"


def test_demo_reports_are_valid_cda_and_travel(
    reports: dict[str, Report], shared_dir: Path, tmp_path: Path
) -> None:
    files = []
    for slug, report in reports.items():
        outputs = build_and_wrap(report, now=NOW)
        assert outputs.message.kind is MessageKind.ORU_R01
        assert extract_cda(outputs.message.er7) == outputs.cda == build_cda(report)
        root = etree.fromstring(outputs.cda)
        exposure = root.xpath("//h:section[h:code/@code='73569-6']", namespaces=NS)
        assert len(exposure) == (0 if slug == "irm-cerebrale" else 1)
        path = tmp_path / f"{slug}.xml"
        path.write_bytes(outputs.cda)
        files.append(path)
    assert {f.stem for f in files} == set(reports)
    assert_valid_cda(shared_dir, *files)
