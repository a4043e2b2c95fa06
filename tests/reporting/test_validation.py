"""Every kind of document we write passes the ANS checks: CDA XSD + the five schematrons of an N3
CR d'imagerie, run by ../shared/tools/validate-cda (one run for all documents: ~10 s of Saxon)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from reporting import terminology
from reporting.cda import build_cda
from reporting.checks import sign
from reporting.model import (
    CCAM,
    LOINC,
    Act,
    Addendum,
    Code,
    DoseReport,
    Equipment,
    Narrative,
    Report,
    Source,
    Sourced,
    UrgentCommunication,
    new_version,
)
from tests.cda_validation import validate_cda
from tests.reporting.factories import PARIS, RADIOLOGIST_THOMAS, SITE_DOCTOR_ADAM, make_signed


def documents() -> dict[str, Report]:
    head = terminology.region("774007")
    chest = terminology.region("67734004")
    mr = Act(
        terminology.modality("MR"),
        Source.COMPLEMENT_HL7,
        loinc=Code("24590-2", LOINC, "IRM cerveau", "LOINC"),
        region=head,
        localisation=terminology.localisation(head.code),
    )
    ct_ccam_only = Act(
        terminology.modality("CT"),
        Source.USER,
        ccam=Code("ACQK001", CCAM, "Scanographie du crâne et de son contenu", "CCAM"),
        region=head,
        localisation=terminology.localisation(head.code),
    )
    radiography = Act(
        terminology.modality("DX"),
        Source.USER,
        ccam=Code("ZBQK002", CCAM, "Radiographie du thorax"),
        region=chest,
        localisation=terminology.localisation(chest.code),
    )
    dap = DoseReport(
        total_dap_dgy_cm2=Sourced(Decimal("0.581"), Source.RDSR),
        fluoroscopy_time_s=Sourced(Decimal(28), Source.RDSR),
        equipment=Equipment("CARESTREAM", "DRX-Evolution", Source.RDSR),
    )
    first = make_signed()
    addendum = Addendum(
        "Complément : *pas de thrombophlébite*.", RADIOLOGIST_THOMAS, datetime(2026, 1, 7, 9, 0, tzinfo=PARIS)
    )
    second = new_version(first)  # the site's responsible doctor changed: both are authors
    new_site_doctor = replace(SITE_DOCTOR_ADAM, idnat="801234560812", family="DUPOIS", given="Paul")
    weird = "Œdème ’ « » é 😀🧠 <b>&amp; & < > ]]>\x0cpage\x00 suite\n"
    return {
        "ct_full": first,
        "mr_minimal": make_signed(
            acts=(mr,), dose=None, products=(), incidents=(), measurements=(), images=(), pregnant=None
        ),
        "ct_ccam_only": make_signed(acts=(ct_ccam_only, ct_ccam_only), products=()),
        "dx_dap_pregnant": make_signed(
            acts=(radiography,), dose=dap, pregnant=Sourced(True, Source.ORDER_HL7)
        ),
        "pregnancy_not_given": make_signed(pregnant=None),
        "no_dose_with_reason": make_signed(
            dose=None, dose_missing_reason="RDSR non transmis par la structure."
        ),
        "version_2_addendum": sign(
            new_version(first, addendum=addendum), datetime(2026, 1, 7, 9, 5, tzinfo=PARIS)
        ),
        "version_2_new_site_doctor": sign(
            replace(second, participants=replace(second.participants, site_doctor=new_site_doctor)),
            datetime(2026, 1, 7, 9, 5, tzinfo=PARIS),
        ),
        "urgent_and_unicode": make_signed(
            title="CR d’imagerie 😀",
            results=Narrative(weird + ("Ligne é œ ’ 🩻\n- item\n\n" * 3000)),
            conclusion=Narrative(weird),
            urgent_communication=UrgentCommunication(
                "Dr HODA", datetime(2026, 1, 6, 19, 10, tzinfo=PARIS), Source.USER
            ),
        ),
    }


def test_every_document_kind_is_valid(shared_dir: Path, tmp_path: Path) -> None:
    files = []
    for name, report in documents().items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(build_cda(report))
        files.append(path)
    results = validate_cda(shared_dir, files)
    assert set(results) == {f.stem for f in files}
    assert {name: errors for name, errors in results.items() if errors} == {}
