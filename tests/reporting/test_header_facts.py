"""Header facts of the demo night's reports (issue 16, item 5), read back from the signed CDA and
checked against the generator's constants (written by the demo generator, not by the report):
reading time, signature time, technologist (Operators' Name of the images), every region of the
order, the requester's time (ORC-9), service-event start and end, equipment serial number, the
order's justification kept beside a typed Indication; then the four CDAs pass the ANS tools."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from reporting.cda import build_cda, timestamp
from reporting.checks import sign
from reporting.draft import DraftInputs, compose
from reporting.markdown import split_chapters
from reporting.model import RADIOLOGIST, IdentityCheck, Professional, Report, Source, idnat_from_rpps
from reporting.order import read_site_messages
from reporting.study import scan_study
from teleplatform.demo import cases
from teleplatform.demo.dicomfiles import NIGHT_TECHNOLOGISTS
from tests.cda_validation import assert_valid_cda

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 15, 1, 30, tzinfo=PARIS)
OPENED = datetime(2026, 11, 15, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
NS = {"h": "urn:hl7-org:v3"}
TEXT = """# Indication
Bilan demandé par les urgences.
# Technique
Protocole standard de la structure.
# Résultats
Voir conclusion.
# Conclusion
Compte rendu de démonstration.
"""


def _draft(demo: Path, case: cases.Case, **extra: object) -> Report:
    orders = demo / "orders"
    order, complement = read_site_messages(
        next(orders.glob(f"*_{case.slug}_ORM_O01.hl7")).read_bytes(),
        next(orders.glob(f"*_{case.slug}_OMI_O23.hl7")).read_bytes(),
    )
    who = cases.DR_MOREAU
    return compose(
        DraftInputs(
            order=order,
            complement=complement,
            author=Professional(
                idnat_from_rpps(who.rpps),
                who.family,
                who.given,
                Source.ACCOUNT,
                title="DR",
                profession=RADIOLOGIST,
            ),
            chapters=split_chapters(TEXT),
            now=OPENED,
            scan=scan_study([demo / "dicom" / case.slug]),
            **extra,  # type: ignore[arg-type]
        )
    ).report


@pytest.fixture(scope="module")
def signed(demo_data: Path) -> dict[str, Report]:
    reports = {}
    for case in cases.IMAGED_CASES:
        extra = {"typed_dlp_mgy_cm": cases.CT_HEAD.dlp_mgycm} if case is cases.CT_HEAD_CASE else {}
        report = _draft(demo_data, case, **extra)
        if case is cases.MISMATCH_CASE:  # resolved as a radiologist would (see test_demo_cases)
            report = replace(
                report, identity_check=IdentityCheck(True, Source.USER, NOW, "vérifiée avec la structure")
            )
        reports[case.slug] = sign(report, NOW)
    return reports


def _root(report: Report) -> etree._Element:
    return etree.fromstring(build_cda(report))


def _one(root: etree._Element, path: str) -> str:
    [value] = root.xpath(path, namespaces=NS)
    return str(value)


@pytest.mark.parametrize("case", cases.IMAGED_CASES, ids=lambda c: c.slug)
def test_reading_signature_requester_and_service_event_times(
    signed: dict[str, Report], case: cases.Case
) -> None:
    report = signed[case.slug]
    root = _root(report)
    performer = "//h:documentationOf/h:serviceEvent/h:performer[@typeCode='PRF']"
    assert _one(root, f"{performer}/h:time/h:low/@value") == timestamp(OPENED)  # reading began
    assert _one(root, f"{performer}/h:time/h:high/@value") == timestamp(NOW)  # and ended: signed
    assert _one(root, "//h:legalAuthenticator/h:time/@value") == timestamp(NOW)
    # the requester's time is ORC-9 as the generator wrote it, not the act's time
    assert _one(root, "//h:participant[@typeCode='REF']/h:time/@value") == timestamp(case.requested_at)
    assert case.requested_at != case.exam.performed_at
    event = "//h:documentationOf/h:serviceEvent/h:effectiveTime"
    assert _one(root, f"{event}/h:low/@value") == timestamp(case.exam.performed_at)  # TQ1-7
    started = case.exam.performed_at.replace(tzinfo=case.exam.performed_at.tzinfo or PARIS)
    end = report.act_end_time.value  # the last image's acquisition
    highs = root.xpath(f"{event}/h:high/@value", namespaces=NS)
    if timestamp(end) == timestamp(
        started
    ):  # one radiograph taken at TQ1-7: an interval low = high is refused
        assert highs == [] and case is cases.DX_CHEST_CASE
    else:
        assert highs == [timestamp(end)] and end > started


@pytest.mark.parametrize("case", cases.IMAGED_CASES, ids=lambda c: c.slug)
def test_technologist_from_operators_name_and_equipment_serial(
    signed: dict[str, Report], case: cases.Case
) -> None:
    report = signed[case.slug]
    family, given = NIGHT_TECHNOLOGISTS[case.site.key].split("^")
    technologist = report.participants.technologist
    assert (technologist.family, technologist.given, technologist.source) == (
        family,
        given,
        Source.DICOM_HEADER,
    )
    root = _root(report)
    assert technologist.profession.code == "G15_98"  # Manipulateur ERM (TRE_G15)
    # no national identifier in the images: named in the Technique section, not as a header participant
    assert not root.xpath("/h:ClinicalDocument/h:participant[@typeCode='PRF']", namespaces=NS)
    [technique] = root.xpath("//h:section[h:code/@code='55111-9']", namespaces=NS)
    assert f"Manipulateur : {given} {family.upper()}" in " ".join(technique.xpath(".//text()", namespaces=NS))
    texts = " ".join(root.xpath("//h:section//text()", namespaces=NS))
    assert f"n° de série {case.exam.device.serial}" in texts


def test_every_region_of_the_tap_reaches_the_cda_dose_entries_included(signed: dict[str, Report]) -> None:
    report = signed[cases.CT_TAP_CASE.slug]
    expected = [r.region.code for r in cases.CT_TAP_CASE.regions]
    assert len(expected) == 2
    [act] = report.acts
    assert [r.code for r in act.regions] == expected
    root = _root(report)
    regions = root.xpath(
        "//h:serviceEvent/h:code/h:translation[h:qualifier/h:name/@code='39111-0']/@code", namespaces=NS
    )
    assert regions == expected
    thorax, abdomen_pelvis = "302551006", "822978001"  # thorax entier, cavité abdominopelvienne entière

    def places(site: etree._Element) -> list[str]:
        return [site.get("code"), *site.xpath("h:translation/@code", namespaces=NS)]

    technique = root.xpath(
        "//h:procedure[h:templateId/@root='1.2.250.1.213.1.1.3.153']/h:targetSiteCode", namespaces=NS
    )
    assert [places(site) for site in technique] == [[thorax, abdomen_pelvis]]
    doses = root.xpath(
        "//h:section[h:code/@code='73569-6']//h:observation[h:templateId/@root='1.2.250.1.213.1.1.3.154']",
        namespaces=NS,
    )
    assert doses
    for dose in doses:  # one site per entry (DICOM template), naming both places: the dose is counted once
        [site] = dose.xpath("h:targetSiteCode", namespaces=NS)
        assert places(site) == [thorax, abdomen_pelvis]
        assert site.xpath("h:originalText/h:reference/@value", namespaces=NS) == ["#act-1-site"]
    assert "thorax entier ; cavité abdominopelvienne entière" in " ".join(
        root.xpath("//text()", namespaces=NS)
    )
    head = _root(signed[cases.CT_HEAD_CASE.slug])  # one region: the plain code, as before
    [site] = head.xpath(
        "//h:procedure[h:templateId/@root='1.2.250.1.213.1.1.3.153']/h:targetSiteCode", namespaces=NS
    )
    assert site.get("code") == "302548004" and not site.xpath("h:translation", namespaces=NS)


def test_the_orders_justification_stays_beside_a_typed_indication(signed: dict[str, Report]) -> None:
    report = signed[cases.CT_TAP_CASE.slug]
    assert report.indication.text.strip() == "Bilan demandé par les urgences."
    root = _root(report)
    [section] = root.xpath("//h:section[h:code/@code='55115-0']", namespaces=NS)
    text = " ".join(" ".join(section.xpath(".//h:text//text()", namespaces=NS)).split())
    assert "Bilan demandé par les urgences." in text
    assert "Renseignements cliniques de la demande" in text
    assert " ".join(cases.CT_TAP_CASE.clinical_information.split()) in text
    assert " ".join(cases.CT_TAP_CASE.purpose.split()) in text


def test_the_four_demo_cdas_validate(signed: dict[str, Report], shared_dir: Path, tmp_path: Path) -> None:
    files = []
    for slug, report in signed.items():
        path = tmp_path / f"{slug}.xml"
        path.write_bytes(build_cda(report))
        files.append(path)
    assert {f.stem for f in files} == set(signed)
    assert_valid_cda(shared_dir, *files)


def test_a_draft_on_part_of_a_streamed_study_signs_the_whole_one(demo_data: Path) -> None:
    """A study streamed in reading order opens on one image of each series (issue 24); at signing,
    the facts read from the images (the references, the first and last acquisitions) come from all
    of them, and a key-image reference added meanwhile is kept."""
    from reporting.draft import with_whole_study
    from reporting.model import ImageReference

    case = cases.CT_HEAD_CASE
    files = sorted((demo_data / "dicom" / case.slug).rglob("*.dcm"))
    whole = scan_study([demo_data / "dicom" / case.slug])
    assert len(files) > 3 and whole.acquired_until is not None
    partial = scan_study([files[len(files) // 2]])
    assert partial.acquired_until is not None and partial.acquired_until < whole.acquired_until
    report = _draft(demo_data, case)
    opened = replace(report, images=partial.images, act_end_time=None)
    key = ImageReference(*(partial.images[0].study_uid, partial.images[0].series_uid, "2.25.1"),
                         sop_class_uid=partial.images[0].sop_class_uid, modality="CT",
                         source=Source.USER, description="image clé")
    merged = with_whole_study(replace(opened, images=(*opened.images, key)), partial, whole)
    assert merged.images == (*whole.images, key)
    assert merged.act_end_time is not None and merged.act_end_time.value == whole.acquired_until
    assert merged.participants.technologist == report.participants.technologist
