"""The CT Radiation Dose SR of the chest-abdomen-pelvis study (X-Ray Radiation Dose SR Storage,
DICOM PS3.16 TID 10011 "CT Radiation Dose", with TID 10012 accumulated dose and one TID 10013
irradiation event per acquisition: the topogram and the spiral).

Every value comes from cases.py, which the images also use: the spiral's per-image CTDIvol
averages to the event's Mean CTDIvol, and the accumulated DLP is the sum of the events' DLP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian

from . import cases
from .cases import CT_TAP_CASE, CtAcquisition, uid
from .dicomfiles import (
    code,
    da,
    ds,
    equipment,
    instance_uid,
    patient_and_study,
    series_uid,
    sop_common,
    tm,
    write,
)
from .series import (
    CT_IMAGE_STORAGE,
    CT_TAP_DOSE_SERIES,
    CT_TAP_LOCALIZER_SERIES,
    CT_TAP_SERIES,
    instance_path,
)

XRAY_RADIATION_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.67"

_UNITS = {
    "s": code("s", "UCUM", "s"),
    "mm": code("mm", "UCUM", "mm"),
    "kV": code("kV", "UCUM", "kV"),
    "mA": code("mA", "UCUM", "mA"),
    "mGy": code("mGy", "UCUM", "mGy"),
    "mGy.cm": code("mGy.cm", "UCUM", "mGy.cm"),
    "ratio": code("{ratio}", "UCUM", "ratio"),
    "sources": code("{X-Ray sources}", "UCUM", "X-Ray sources"),
    "events": code("{events}", "UCUM", "events"),
}


def _item(relationship: str, value_type: str, concept: Dataset) -> Dataset:
    item = Dataset()
    item.RelationshipType = relationship
    item.ValueType = value_type
    item.ConceptNameCodeSequence = DicomSequence([concept])
    return item


def container(relationship: str, concept: Dataset, children: list[Dataset]) -> Dataset:
    item = _item(relationship, "CONTAINER", concept)
    item.ContinuityOfContent = "SEPARATE"
    item.ContentSequence = DicomSequence(children)
    return item


def coded(
    relationship: str, concept: Dataset, value: Dataset, children: list[Dataset] | None = None
) -> Dataset:
    item = _item(relationship, "CODE", concept)
    item.ConceptCodeSequence = DicomSequence([value])
    if children:
        item.ContentSequence = DicomSequence(children)
    return item


def number(relationship: str, concept: Dataset, value: Decimal | int, unit: str) -> Dataset:
    item = _item(relationship, "NUM", concept)
    measured = Dataset()
    measured.NumericValue = ds(value) if isinstance(value, Decimal) else str(value)
    measured.MeasurementUnitsCodeSequence = DicomSequence([_UNITS[unit]])
    item.MeasuredValueSequence = DicomSequence([measured])
    return item


def text(relationship: str, concept: Dataset, value: str) -> Dataset:
    item = _item(relationship, "TEXT", concept)
    item.TextValue = value
    return item


def uidref(relationship: str, concept: Dataset, value: str) -> Dataset:
    item = _item(relationship, "UIDREF", concept)
    item.UID = value
    return item


def moment(relationship: str, concept: Dataset, value: datetime) -> Dataset:
    item = _item(relationship, "DATETIME", concept)
    item.DateTime = value.strftime("%Y%m%d%H%M%S") + "+0100"
    return item


def irradiation_event_uid(acquisition: CtAcquisition) -> str:
    return uid("case", CT_TAP_CASE.slug, "irradiation-event", acquisition.key)


def _event(acquisition: CtAcquisition) -> Dataset:
    source = [
        text("CONTAINS", code("113832", "DCM", "Identification of the X-Ray Source"), "A"),
        number("CONTAINS", code("113733", "DCM", "KVP"), acquisition.kvp, "kV"),
        number(
            "CONTAINS", code("113833", "DCM", "Maximum X-Ray Tube Current"), acquisition.tube_current_ma, "mA"
        ),
        number(
            "CONTAINS", code("113734", "DCM", "X-Ray Tube Current"), acquisition.mean_tube_current_ma, "mA"
        ),
    ]
    parameters = [
        number("CONTAINS", code("113824", "DCM", "Exposure Time"), acquisition.exposure_time_s, "s"),
        number("CONTAINS", code("113825", "DCM", "Scanning Length"), acquisition.scanning_length_mm, "mm"),
        number(
            "CONTAINS",
            code("113826", "DCM", "Nominal Single Collimation Width"),
            acquisition.single_collimation_mm,
            "mm",
        ),
        number(
            "CONTAINS",
            code("113827", "DCM", "Nominal Total Collimation Width"),
            acquisition.total_collimation_mm,
            "mm",
        ),
    ]
    if acquisition.spiral:
        parameters.append(
            number("CONTAINS", code("113828", "DCM", "Pitch Factor"), acquisition.pitch, "ratio")
        )
        source.append(
            number(
                "CONTAINS",
                code("113834", "DCM", "Exposure Time per Rotation"),
                acquisition.rotation_time_s,
                "s",
            )
        )
    parameters += [
        number("CONTAINS", code("113823", "DCM", "Number of X-Ray Sources"), 1, "sources"),
        container("CONTAINS", code("113831", "DCM", "CT X-Ray Source Parameters"), source),
    ]
    phantom = acquisition.phantom
    dose = [
        number("CONTAINS", code("113830", "DCM", "Mean CTDIvol"), acquisition.ctdivol_mgy, "mGy"),
        coded(
            "CONTAINS",
            code("113835", "DCM", "CTDIw Phantom Type"),
            code(phantom.code, phantom.system, phantom.label),
        ),
        number("CONTAINS", code("113838", "DCM", "DLP"), acquisition.dlp_mgycm, "mGy.cm"),
    ]
    kind = (
        code("116152004", "SCT", "Spiral Acquisition")
        if acquisition.spiral
        else code("113805", "DCM", "Constant Angle Acquisition")
    )
    region = acquisition.target_region
    return container(
        "CONTAINS",
        code("113819", "DCM", "CT Acquisition"),
        [
            text("CONTAINS", code("125203", "DCM", "Acquisition Protocol"), acquisition.protocol),
            coded(
                "CONTAINS",
                code("123014", "DCM", "Target Region"),
                code(region.code, region.system, region.label),
            ),
            coded("CONTAINS", code("113820", "DCM", "CT Acquisition Type"), kind),
            uidref(
                "CONTAINS", code("113769", "DCM", "Irradiation Event UID"), irradiation_event_uid(acquisition)
            ),
            container("CONTAINS", code("113822", "DCM", "CT Acquisition Parameters"), parameters),
            container("CONTAINS", code("113829", "DCM", "CT Dose"), dose),
        ],
    )


def _evidence() -> DicomSequence:
    """The images the report is about (Current Requested Procedure Evidence Sequence)."""
    case = CT_TAP_CASE
    series_items = []
    for number_, count in ((CT_TAP_LOCALIZER_SERIES, 1), (CT_TAP_SERIES, cases.CT_TAP_SLICES)):
        references = []
        for instance in range(1, count + 1):
            reference = Dataset()
            reference.ReferencedSOPClassUID = CT_IMAGE_STORAGE
            reference.ReferencedSOPInstanceUID = instance_uid(case, number_, instance)
            references.append(reference)
        item = Dataset()
        item.SeriesInstanceUID = series_uid(case, number_)
        item.ReferencedSOPSequence = DicomSequence(references)
        series_items.append(item)
    study = Dataset()
    study.StudyInstanceUID = case.study_instance_uid
    study.ReferencedSeriesSequence = DicomSequence(series_items)
    return DicomSequence([study])


def write_dose_report(out: Path) -> list[Path]:
    case = CT_TAP_CASE
    assert case.exam is not None
    exam = case.exam
    device = exam.device
    end = exam.performed_at + timedelta(minutes=2, seconds=float(cases.CT_TAP_SPIRAL.exposure_time_s))
    created = end + timedelta(minutes=2)
    dataset = Dataset()
    sop_common(dataset, XRAY_RADIATION_DOSE_SR, instance_uid(case, CT_TAP_DOSE_SERIES, 1), created)
    patient_and_study(dataset, case)
    dataset.Modality = "SR"  # SR Document Series module
    dataset.SeriesInstanceUID = series_uid(case, CT_TAP_DOSE_SERIES)
    dataset.SeriesNumber = CT_TAP_DOSE_SERIES
    dataset.SeriesDate = da(created)
    dataset.SeriesTime = tm(created)
    dataset.SeriesDescription = "Rapport de dose"
    dataset.ReferencedPerformedProcedureStepSequence = DicomSequence()
    equipment(dataset, case, device)
    dataset.InstanceNumber = 1
    dataset.CompletionFlag = "COMPLETE"
    dataset.VerificationFlag = "UNVERIFIED"
    dataset.ContentDate = da(created)
    dataset.ContentTime = tm(created)
    dataset.PerformedProcedureCodeSequence = DicomSequence([code(exam.act.code, "LN", exam.act.label)])
    request = Dataset()
    request.StudyInstanceUID = case.study_instance_uid
    request.ReferencedStudySequence = DicomSequence()
    request.AccessionNumber = case.accession_number
    request.IssuerOfAccessionNumberSequence = dataset.IssuerOfAccessionNumberSequence
    request.PlacerOrderNumberImagingServiceRequest = case.placer_order_number
    request.FillerOrderNumberImagingServiceRequest = ""
    request.RequestedProcedureID = exam.act.code
    request.RequestedProcedureDescription = exam.act.label
    request.RequestedProcedureCodeSequence = DicomSequence([code(exam.act.code, "LN", exam.act.label)])
    dataset.ReferencedRequestSequence = DicomSequence([request])
    dataset.CurrentRequestedProcedureEvidenceSequence = _evidence()
    # the content tree
    observer = [
        coded("HAS OBS CONTEXT", code("121005", "DCM", "Observer Type"), code("121007", "DCM", "Device")),
        uidref("HAS OBS CONTEXT", code("121012", "DCM", "Device Observer UID"), uid("device", device.serial)),
        text("HAS OBS CONTEXT", code("121013", "DCM", "Device Observer Name"), device.station),
        text("HAS OBS CONTEXT", code("121014", "DCM", "Device Observer Manufacturer"), device.manufacturer),
        text("HAS OBS CONTEXT", code("121015", "DCM", "Device Observer Model Name"), device.model),
        text("HAS OBS CONTEXT", code("121016", "DCM", "Device Observer Serial Number"), device.serial),
        text(
            "HAS OBS CONTEXT",
            code("121017", "DCM", "Device Observer Physical Location During Observation"),
            case.site.name,
        ),
    ]
    accumulated = container(
        "CONTAINS",
        code("113811", "DCM", "CT Accumulated Dose Data"),
        [
            number(
                "CONTAINS",
                code("113812", "DCM", "Total Number of Irradiation Events"),
                len(cases.CT_TAP_ACQUISITIONS),
                "events",
            ),
            number(
                "CONTAINS",
                code("113813", "DCM", "CT Dose Length Product Total"),
                cases.CT_TAP_TOTAL_DLP_MGYCM,
                "mGy.cm",
            ),
        ],
    )
    children = [
        coded(
            "HAS CONCEPT MOD",
            code("121058", "DCM", "Procedure reported"),
            code("77477000", "SCT", "Computed Tomography X-Ray"),
            [
                coded(
                    "HAS CONCEPT MOD",
                    code("363703001", "SCT", "Has Intent"),
                    code("261004008", "SCT", "Diagnostic Intent"),
                )
            ],
        ),
        *observer,
        moment("HAS OBS CONTEXT", code("113809", "DCM", "Start of X-Ray Irradiation"), exam.performed_at),
        moment("HAS OBS CONTEXT", code("113810", "DCM", "End of X-Ray Irradiation"), end),
        coded(
            "HAS OBS CONTEXT",
            code("113705", "DCM", "Scope of Accumulation"),
            code("113014", "DCM", "Study"),
            [uidref("HAS PROPERTIES", code("110180", "DCM", "Study Instance UID"), case.study_instance_uid)],
        ),
        accumulated,
        *(_event(acquisition) for acquisition in cases.CT_TAP_ACQUISITIONS),
        coded(
            "CONTAINS",
            code("113854", "DCM", "Source of Dose Information"),
            code("113856", "DCM", "Automated Data Collection"),
        ),
    ]
    root = container("", code("113701", "DCM", "X-Ray Radiation Dose Report"), children)
    del root.RelationshipType  # the root content item has none
    template = Dataset()
    template.MappingResource = "DCMR"
    template.TemplateIdentifier = "10011"
    for element in root:
        dataset.add(element)
    dataset.ContentTemplateSequence = DicomSequence([template])
    path = instance_path(out, case, CT_TAP_DOSE_SERIES, 1)
    write(path, dataset, ExplicitVRLittleEndian)
    return [path]
