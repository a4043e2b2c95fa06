from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from reporting import terminology
from reporting.checks import IssueCode, SignatureRefused, check, sign
from reporting.fields import ChapterText, Place
from reporting.model import (
    LOINC,
    Act,
    Addendum,
    Chapter,
    Code,
    IdentityCheck,
    Narrative,
    Participants,
    ReportStatus,
    Source,
    new_version,
    teleradiology_mention,
)
from tests.reporting.factories import RADIOLOGIST_THOMAS, SIGNED_AT, make_draft, make_signed


def codes(report) -> list[IssueCode]:
    return [issue.code for issue in check(report)]


def test_complete_report_signs() -> None:
    draft = make_draft()
    assert check(draft) == []
    signed = sign(draft, SIGNED_AT)
    assert signed.status is ReportStatus.SIGNED
    assert signed.signature_time == SIGNED_AT
    assert draft.status is ReportStatus.DRAFT  # the draft object is untouched


def test_sign_refuses_with_exactly_the_check_list() -> None:
    draft = make_draft(
        conclusion=Narrative("   \n"),
        dose=None,
        identity_check=IdentityCheck(False, Source.DICOM_HEADER, detail="nom différent"),
    )
    draft = replace(draft, participants=replace(draft.participants, requester=None))
    expected = check(draft)
    assert [i.code for i in expected] == [
        IssueCode.IDENTITY_NOT_CHECKED,
        IssueCode.MISSING_CONCLUSION,
        IssueCode.MISSING_DOSE,
        IssueCode.MISSING_REQUESTER,
    ]
    assert [i.field for i in expected] == [
        Place.IDENTITY_CHECK,
        ChapterText(Chapter.CONCLUSION),
        Place.DOSE,
        Place.REQUESTER,
    ]
    with pytest.raises(SignatureRefused) as refused:
        sign(draft, SIGNED_AT)
    assert refused.value.issues == expected
    assert "conclusion" in str(refused.value).lower()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"indication": Narrative("")}, IssueCode.MISSING_INDICATION, ChapterText(Chapter.INDICATION)),
        ({"technique": Narrative("")}, IssueCode.MISSING_TECHNIQUE, ChapterText(Chapter.TECHNIQUE)),
        ({"results": Narrative(" ")}, IssueCode.MISSING_RESULTS, ChapterText(Chapter.RESULTS)),
        ({"patient": None}, IssueCode.MISSING_PATIENT, Place.PATIENT),
        ({"identity_check": None}, IssueCode.IDENTITY_NOT_CHECKED, Place.IDENTITY_CHECK),
        ({"acts": ()}, IssueCode.MISSING_ACT, Place.ACTS),
        ({"act_time": None}, IssueCode.MISSING_ACT_TIME, Place.ACT_TIME),
        ({"teleradiology_mention": ""}, IssueCode.MISSING_TELERADIOLOGY_MENTION, Place.TELERADIOLOGY_MENTION),
        (
            {"teleradiology_mention": "Examen interprété en téléradiologie."},
            IssueCode.MISSING_TELERADIOLOGY_MENTION,
            "teleradiology_mention",
        ),
    ],
)
def test_each_missing_item_is_reported(change: dict, code: IssueCode, field: str) -> None:
    draft = replace(make_draft(), **change)
    issues = check(draft)
    assert [(i.code, i.field) for i in issues] == [(code, field)]
    assert issues[0].message and issues[0].message[0].isupper()  # a French sentence for the user


def test_participants_and_order_references_are_required() -> None:
    draft = make_draft()
    draft = replace(
        draft,
        participants=Participants(),
        order=replace(draft.order, placer_order=None, accession=None, study_instance_uid=None),
    )
    assert codes(draft) == [
        IssueCode.MISSING_AUTHOR,
        IssueCode.MISSING_SITE_DOCTOR,
        IssueCode.MISSING_REQUESTER,
        IssueCode.MISSING_CUSTODIAN,
        IssueCode.MISSING_PLACER_ORDER,
        IssueCode.MISSING_ACCESSION,
        IssueCode.MISSING_STUDY_UID,
    ]


def test_author_needs_a_national_identifier() -> None:
    draft = make_draft()
    author = replace(RADIOLOGIST_THOMAS, idnat="12345")
    draft = replace(draft, participants=replace(draft.participants, author=author))
    assert codes(draft) == [IssueCode.INVALID_AUTHOR_ID]


def test_dose_may_be_missing_with_a_reason() -> None:
    assert codes(make_draft(dose=None)) == [IssueCode.MISSING_DOSE]
    assert codes(make_draft(dose=None, dose_missing_reason="RDSR non transmis par la structure")) == []


def test_non_ionising_act_needs_no_dose() -> None:
    mr = Act(
        terminology.modality("MR"),
        Source.COMPLEMENT_HL7,
        loinc=Code("24590-2", LOINC, "IRM cerveau"),
        region=terminology.region("774007"),
        localisation=terminology.localisation("774007"),
    )
    assert codes(make_draft(acts=(mr,), dose=None)) == []


def test_act_needs_a_code_and_a_localisation() -> None:
    act = Act(terminology.modality("CT"), Source.USER)
    assert codes(make_draft(acts=(act,))) == [IssueCode.MISSING_ACT_CODE, IssueCode.MISSING_ACT_LOCALISATION]


def test_signed_report_cannot_be_signed_again_and_versions_restart_as_drafts() -> None:
    signed = make_signed()
    assert codes(signed) == [IssueCode.ALREADY_SIGNED]
    addendum = Addendum("Précision : pas de fracture.", RADIOLOGIST_THOMAS, datetime(2026, 1, 7, 9, 0))
    second = new_version(signed, addendum=addendum)
    assert (second.set_id, second.version, second.parent_document_id) == (
        signed.set_id,
        2,
        signed.document_id,
    )
    assert second.document_id != signed.document_id
    assert second.status is ReportStatus.DRAFT and second.signature_time is None
    assert check(second) == []
    assert codes(replace(second, addendum=replace(addendum, text=" "))) == [IssueCode.MISSING_ADDENDUM_TEXT]
    with pytest.raises(ValueError):
        new_version(second)


def test_teleradiology_mention_names_the_radiologist() -> None:
    mention = teleradiology_mention(RADIOLOGIST_THOMAS)
    assert mention == "Examen interprété en téléradiologie par le Dr Thomas ERIC (RPPS 01234564895)."
    assert make_draft().teleradiology_mention == mention


def test_ct_needs_its_total_dlp_and_radiography_its_dap() -> None:
    from decimal import Decimal

    from reporting.model import CtAcquisition, DoseReport, Sourced

    headers_only = DoseReport(acquisitions=(CtAcquisition("Crâne", Source.DICOM_HEADER, Decimal(48)),))
    issues = check(make_draft(dose=headers_only))
    assert [(i.code, i.field) for i in issues] == [(IssueCode.MISSING_DOSE, Place.DOSE)]
    assert "PDL" in issues[0].message
    typed = replace(headers_only, total_dlp_mgy_cm=Sourced(Decimal("902.4"), Source.USER))
    assert check(make_draft(dose=typed)) == []
    chest = Act(
        terminology.modality("DX"),
        Source.USER,
        loinc=Code("24648-8", LOINC, "RX thorax"),
        region=terminology.region("67734004"),
        localisation=terminology.localisation("67734004"),
    )
    issues = check(make_draft(acts=(chest,), dose=headers_only))
    assert [i.code for i in issues] == [IssueCode.MISSING_DOSE] and "PDS" in issues[0].message
    assert check(make_draft(acts=(chest,), dose=headers_only, dose_missing_reason="PDS non affiché")) == []
