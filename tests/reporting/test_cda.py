"""The CDA's content, read back with lxml (conformity itself is checked by test_validation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from reporting import terminology
from reporting.cda import CdaError, build_cda, format_number, format_text, timestamp
from reporting.checks import sign
from reporting.model import (
    LOINC,
    Act,
    Addendum,
    Code,
    DoseReport,
    Narrative,
    Sex,
    Source,
    Sourced,
    UrgentCommunication,
    new_version,
)
from tests.reporting.factories import PARIS, RADIOLOGIST_THOMAS, SIGNED_AT, STUDY_UID, make_draft, make_signed

NS = {"h": "urn:hl7-org:v3", "ps": "urn:dicom-org:ps3-20", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def parse(report) -> etree._Element:
    return etree.fromstring(build_cda(report))


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, (path, len(found))
    return found[0]


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def section(root: etree._Element, code: str) -> etree._Element:
    return one(root, f"//h:section[h:code/@code='{code}']")


def test_header_identity_participants_and_order() -> None:
    report = make_signed()
    root = parse(report)
    assert one(root, "h:id").get("root") == report.document_id
    assert one(root, "h:setId").get("root") == report.set_id
    assert one(root, "h:versionNumber").get("value") == "1"
    assert one(root, "h:code").get("code") == "18748-4"
    assert one(root, "h:templateId[@root='1.2.250.1.213.1.1.1.45']").get("extension") == "2024.01"
    patient = one(root, "h:recordTarget/h:patientRole")
    ins = one(patient, "h:id")
    assert (ins.get("root"), ins.get("extension")) == ("1.2.250.1.213.1.4.10", "279035121518989")
    assert one(patient, "h:patient/h:name/h:family[@qualifier='BR']").text == "PAT-TROIS"
    assert one(patient, "h:patient/h:name/h:given[not(@qualifier)]").text == "DOMINIQUE MARIE-LOUISE"
    assert one(patient, "h:patient/h:name/h:given[@qualifier='BR']").text == "DOMINIQUE"
    assert one(patient, "h:patient/h:birthTime").get("value") == "19790328"
    assert one(patient, "h:patient/h:birthplace/h:place/h:addr/h:county").text == "63220"
    authors = root.xpath("h:author/h:assignedAuthor/h:id/@extension", namespaces=NS)
    assert authors == ["801234564895", "801234567897"]  # remote radiologist, then the site's doctor
    assert one(root, "h:legalAuthenticator/h:assignedEntity/h:id").get("extension") == "801234567897"
    assert one(root, "h:legalAuthenticator/h:time").get("value") == timestamp(SIGNED_AT)
    assert one(root, "h:authenticator/h:assignedEntity/h:id").get("extension") == "801234564895"
    assert one(root, "h:custodian//h:representedCustodianOrganization/h:id").get("extension") == "300017985"
    assert one(root, "h:participant[@typeCode='REF']//h:id").get("extension") == "801234560801"
    order = one(root, "h:inFulfillmentOf/h:order")
    assert one(order, "h:id").get("extension") == "OPN101"
    accession = one(order, "ps:accessionNumber")
    assert (accession.get("root"), accession.get("extension")) == ("1.2.250.1.925.994044.27", "ACN101")
    event = one(root, "h:documentationOf/h:serviceEvent")
    assert one(event, "h:id").get("root") == STUDY_UID
    assert one(event, "h:code").get("code") == "24727-0"
    assert one(event, "h:code/h:translation[@codeSystem='1.2.250.1.215.300.1']").get("code") == "ACQH004"
    assert one(event, "h:performer[@typeCode='PRF']/h:assignedEntity/h:id").get("extension") == "801234564895"
    assert not root.xpath("h:relatedDocument", namespaces=NS)


def test_four_chapters_and_structured_blocks() -> None:
    root = parse(make_signed())
    assert "hémorragie méningée" in text_of(section(root, "55115-0"))  # indication
    technique = section(root, "55111-9")
    assert "coupes de 1 mm" in text_of(technique)
    assert one(technique, "h:entry/h:procedure/h:targetSiteCode").get("code") == "302548004"
    product = one(technique, "h:entry/h:substanceAdministration")
    assert one(product, ".//h:lotNumberText").text == "0002034"
    assert one(product, ".//h:translation[@codeSystem='2.16.840.1.113883.6.73']").get("code") == "V08AB11"
    assert one(product, "h:doseQuantity/h:low").get("value") == "80"
    assert one(product, "h:routeCode").get("code") == "20045000"
    assert "Extravasation" in text_of(section(root, "55109-3"))  # incidents
    assert "3e ventricule" in text_of(section(root, "59776-5"))  # measurements in the results
    conclusion = text_of(section(root, "19005-8"))
    assert "Examen normal." in conclusion
    assert "téléradiologie par le Dr Thomas ERIC" in conclusion
    catalog = section(root, "121181")
    assert one(catalog, ".//h:observation[@classCode='DGIMG']/h:id").get("root").endswith(".1.1")


def test_exposure_section_carries_dcm_coded_doses() -> None:
    exposure = section(parse(make_signed()), "73569-6")
    values = {
        (
            obs.xpath("h:code/@code", namespaces=NS)[0],
            obs.xpath("h:value/@value", namespaces=NS)[0],
            obs.xpath("h:value/@unit", namespaces=NS)[0],
        )
        for obs in exposure.xpath(
            "h:entry/h:observation[h:templateId/@root='1.2.250.1.213.1.1.3.154']", namespaces=NS
        )
    }
    assert values == {("113813", "857.76", "mGy.cm"), ("113830", "0.15", "mGy"), ("113830", "45.2", "mGy")}
    responsible = one(exposure, ".//h:participant[@typeCode='RESP']/h:participantRole")
    assert one(responsible, "h:code").get("code") == "113850"
    assert "Source" in text_of(exposure) and "RDSR DICOM" in text_of(exposure)  # provenance shown


def test_projection_dose_and_missing_dose_reason() -> None:
    dap = DoseReport(
        total_dap_dgy_cm2=Sourced(Decimal("0.58099997"), Source.RDSR),
        fluoroscopy_time_s=Sourced(Decimal(28), Source.RDSR),
    )
    chest = Act(
        terminology.modality("DX"),
        Source.USER,
        loinc=Code("24648-8", LOINC, "RX thorax ; incidence PA"),
        region=terminology.region("67734004"),
        localisation=terminology.localisation("67734004"),
    )
    exposure = section(parse(make_signed(acts=(chest,), dose=dap)), "73569-6")
    codes = exposure.xpath(".//h:observation/h:code/@code", namespaces=NS)
    assert "113722" in codes and "113730" in codes
    assert one(exposure, ".//h:observation[h:code/@code='113722']/h:value").get("value") == "0.581"
    reason = "RDSR non transmis par la structure"
    exposure = section(parse(make_signed(dose=None, dose_missing_reason=reason)), "73569-6")
    assert reason in text_of(exposure)


def test_new_version_replaces_the_previous_one_with_its_addendum() -> None:
    first = make_signed()
    addendum = Addendum(
        "Complément : **pas de thrombophlébite**.",
        RADIOLOGIST_THOMAS,
        datetime(2026, 1, 7, 9, 0, tzinfo=PARIS),
    )
    second = sign(new_version(first, addendum=addendum), datetime(2026, 1, 7, 9, 5, tzinfo=PARIS))
    root = parse(second)
    assert one(root, "h:setId").get("root") == first.set_id
    assert one(root, "h:versionNumber").get("value") == "2"
    related = one(root, "h:relatedDocument")
    assert related.get("typeCode") == "RPLC"
    assert one(related, "h:parentDocument/h:id").get("root") == first.document_id
    added = section(root, "55107-7")
    assert "thrombophlébite" in text_of(added)
    assert one(added, "h:author/h:assignedAuthor/h:assignedPerson/h:name/h:family").text == "ERIC"


def test_urgent_communication_is_written_in_the_conclusion() -> None:
    urgent = UrgentCommunication(
        "Dr HODA (urgences)", datetime(2026, 1, 6, 19, 10, tzinfo=PARIS), Source.USER
    )
    assert "communiqué en urgence par téléphone à Dr HODA (urgences) le 06/01/2026 à 19:10" in text_of(
        section(parse(make_signed(urgent_communication=urgent)), "19005-8")
    )


def test_text_with_any_character_and_a_huge_paste_survives_intact() -> None:
    weird = "Œdème ’ « » é 😀🧠 <b>&amp; & < > ]]> \"'"
    page = "Ligne avec é, œ, ’ et 🩻 — fin.\n- item\n\n"
    huge = page * 12_000  # about 200 pages of text
    report = make_signed(
        results=Narrative(weird + "\n\n" + huge), conclusion=Narrative(weird), title="CR ’ 😀"
    )
    data = build_cda(report)
    root = etree.fromstring(data)
    assert data.decode("utf-8")  # valid UTF-8 throughout
    assert one(root, "h:title").text == "CR ’ 😀"
    results = text_of(section(root, "59776-5"))
    assert weird in results
    assert results.count("🩻") == 12_000 and results.count("œ") == 12_000
    assert weird in text_of(section(root, "19005-8"))
    control = make_signed(conclusion=Narrative("avant\x00\x0bapres\x0cpage"))
    assert "avant  apres" in text_of(section(parse(control), "19005-8"))


def test_output_is_deterministic_for_a_given_report() -> None:
    report = make_signed()
    assert build_cda(report) == build_cda(report)


def test_only_signed_reports_are_written() -> None:
    with pytest.raises(CdaError):
        build_cda(make_draft())
    with pytest.raises(CdaError):
        build_cda(replace(make_signed(), participants=replace(make_signed().participants, custodian=None)))


def test_number_formatting() -> None:
    assert format_number(Decimal("857.760")) == "857.76"
    assert format_number(Decimal("1590")) == "1590"
    assert format_number(Decimal("7.200978719152135")) == "7.2"
    assert format_number(Decimal("0.58099997"), 3) == "0.581"
    # the cases: half-up (never half-to-even), never 0 for a non-zero value
    assert format_number(Decimal("0.085")) == "0.085"
    assert format_text(Decimal("0.085")) == "0,085"
    assert format_number(Decimal("0.004")) == "0.004"
    assert format_text(Decimal("0.004")) == "0,004"
    assert format_number(Decimal("1.005")) == "1.01"
    assert format_text(Decimal("1.005")) == "1,01"
    assert format_number(Decimal("0.125")) == "0.13"  # half-to-even would give 0.12
    assert format_number(Decimal("12.5"), 0) == "13" and format_number(Decimal("2.5"), 0) == "2.5"
    assert format_number(Decimal("0.0996")) == "0.1"
    assert format_number(Decimal("0.00001234"), 3) == "0.000012"
    assert format_number(Decimal("1E+3")) == "1000" and format_number(Decimal("0E-7")) == "0"
    assert format_text(Decimal("1102.4"), 2) == "1102,4"
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))
    assert timestamp(datetime(2026, 7, 1, 12, 0)) == "20260701120000+0200"


@given(
    st.decimals(min_value=Decimal("1E-12"), max_value=Decimal("1E+9"), allow_nan=False, places=None),
    st.integers(min_value=0, max_value=4),
)
def test_number_rule_properties(value: Decimal, places: int) -> None:
    """Never 0 for a non-zero value, rounded half-up at ``places`` decimals or at the second
    significant digit when that is finer, and the French text is the same digits with a comma."""
    text = format_number(value, places)
    written = Decimal(text)
    assert written != 0
    used = max(places, 1 - value.adjusted())  # decimals kept: two significant digits at least
    half = Decimal(1).scaleb(-used) / 2
    assert abs(written - value) <= half
    assert written == value.quantize(Decimal(1).scaleb(-used), rounding=ROUND_HALF_UP)
    assert format_text(value, places) == text.replace(".", ",")
    assert "e" not in text.lower()


def test_a_former_site_doctor_stays_an_author_of_later_versions() -> None:
    first = make_signed()
    second = new_version(first)
    new_doctor = replace(first.participants.site_doctor, idnat="801234560812", family="DUPOIS", given="Paul")
    second = sign(
        replace(second, participants=replace(second.participants, site_doctor=new_doctor)), SIGNED_AT
    )
    root = parse(second)
    assert root.xpath("h:author/h:assignedAuthor/h:id/@extension", namespaces=NS) == [
        "801234564895",
        "801234560812",
        "801234567897",
    ]
    assert one(root, "h:legalAuthenticator/h:assignedEntity/h:id").get("extension") == "801234560812"
    unchanged = sign(new_version(first), SIGNED_AT)
    assert parse(unchanged).xpath("h:author/h:assignedAuthor/h:id/@extension", namespaces=NS) == [
        "801234564895",
        "801234567897",
    ]


def test_control_characters_in_identifiers_from_a_site_do_not_break_the_document() -> None:
    report = make_signed()
    order = replace(
        report.order,
        placer_order=replace(
            report.order.placer_order, value=replace(report.order.placer_order.value, extension="OPN\x01101")
        ),
    )
    root = parse(replace(report, order=order, title="CR\x02"))
    assert one(root, "h:inFulfillmentOf/h:order/h:id").get("extension") == "OPN 101"


def test_pregnancy_status_is_always_stated_in_the_exposure_section() -> None:
    def status(report) -> tuple[str, str]:
        exposure = section(parse(report), "73569-6")
        value = one(exposure, ".//h:observation[h:code/@code='364320009']/h:value").get("code")
        return value, text_of(one(exposure, ".//h:content[@ID='pregnancy']"))

    assert status(make_signed()) == ("60001007", "non")
    assert status(make_signed(pregnant=None)) == ("261665006", "non renseigné")
    male = replace(make_draft().patient, sex=Sex.MALE)
    assert status(make_signed(patient=male, pregnant=None)) == (
        "60001007",
        "sans objet (patient de sexe masculin)",
    )
