"""The DICOM modules every demo instance shares, and writing a file safely.

Identity (see README.md): PatientID is the INS matricule, qualified by the INS-NIR test OID in
IssuerOfPatientIDQualifiersSequence; the site's IPP is in OtherPatientIDsSequence. PatientName is
BIRTHNAME^FIRSTNAME (the INS traits). Text is UTF-8 (ISO_IR 192).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import UID

from .cases import (
    GENERATOR_VERSION,
    INS_NAMESPACE,
    INS_NIR_TEST_OID,
    Case,
    Device,
    Study,
    uid,
)

IMPLEMENTATION_CLASS_UID = uid("teleplatform-demo", "implementation")
IMPLEMENTATION_VERSION = f"TLR_DEMO_{GENERATOR_VERSION}"
TIMEZONE = "+0100"
SYNTHETIC_NOTE = "Image de synthèse (démonstration) : aucun patient réel."


def da(day: date | datetime) -> str:
    return day.strftime("%Y%m%d")


def tm(moment: datetime) -> str:
    return moment.strftime("%H%M%S")


def ds(value: Decimal | float, digits: int = 6) -> str:
    """A decimal string (DS) of at most 16 characters, without trailing zeros."""
    text = str(value) if isinstance(value, Decimal) else f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def _age(born: date, on: date) -> str:
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return f"{years:03d}Y"


def sop_common(dataset: Dataset, sop_class: str, sop_instance: str, created: datetime) -> None:
    dataset.SpecificCharacterSet = "ISO_IR 192"
    dataset.SOPClassUID = sop_class
    dataset.SOPInstanceUID = sop_instance
    dataset.InstanceCreationDate = da(created)
    dataset.InstanceCreationTime = tm(created)
    dataset.TimezoneOffsetFromUTC = TIMEZONE


def patient_and_study(dataset: Dataset, case: Study) -> None:
    """Patient, General Study and Patient Study modules (the identity as the images carry it)."""
    assert case.exam is not None
    patient, site, exam = case.patient, case.site, case.exam
    dataset.PatientName = patient.dicom_name
    dataset.PatientID = patient.ipp if patient.provisional else patient.ins  # no INS: the site's IPP
    dataset.IssuerOfPatientID = site.facility if patient.provisional else INS_NAMESPACE
    issuer = Dataset()
    issuer.UniversalEntityID = site.ipp_oid if patient.provisional else INS_NIR_TEST_OID
    issuer.UniversalEntityIDType = "ISO"
    issuer.IdentifierTypeCode = "PI" if patient.provisional else "INS"
    dataset.IssuerOfPatientIDQualifiersSequence = DicomSequence([issuer])
    dataset.TypeOfPatientID = "TEXT"
    dataset.PatientBirthDate = da(case.image_birth_date)
    dataset.PatientSex = patient.sex.value
    if not patient.provisional:  # the IPP beside the INS (a provisional identity has the IPP alone)
        ipp = Dataset()
        ipp.PatientID = patient.ipp
        ipp.IssuerOfPatientID = site.facility
        ipp.TypeOfPatientID = "TEXT"
        ipp_issuer = Dataset()
        ipp_issuer.UniversalEntityID = site.ipp_oid
        ipp_issuer.UniversalEntityIDType = "ISO"
        ipp_issuer.IdentifierTypeCode = "PI"
        ipp.IssuerOfPatientIDQualifiersSequence = DicomSequence([ipp_issuer])
        dataset.OtherPatientIDsSequence = DicomSequence([ipp])
    dataset.StudyInstanceUID = case.study_instance_uid
    dataset.StudyDate = da(exam.performed_at)
    dataset.StudyTime = tm(exam.performed_at)
    dataset.ReferringPhysicianName = case.requester.dicom_name
    dataset.StudyID = case.accession_number[-5:]
    dataset.AccessionNumber = case.accession_number
    accession_issuer = Dataset()
    accession_issuer.LocalNamespaceEntityID = site.facility
    accession_issuer.UniversalEntityID = site.accession_oid
    accession_issuer.UniversalEntityIDType = "ISO"
    dataset.IssuerOfAccessionNumberSequence = DicomSequence([accession_issuer])
    dataset.StudyDescription = exam.study_description
    dataset.ProcedureCodeSequence = DicomSequence([code(exam.act.code, "LN", exam.act.label)])
    dataset.PatientAge = _age(case.image_birth_date, exam.performed_at.date())
    dataset.PatientSize = ds(Decimal(patient.height_cm) / 100)
    dataset.PatientWeight = str(patient.weight_kg)


def request_attributes(case: Study) -> DicomSequence:
    """Request Attributes Sequence: how the modality worklist item (the order) reached the images."""
    assert case.exam is not None
    item = Dataset()
    item.RequestedProcedureID = case.exam.act.code
    item.AccessionNumber = case.accession_number
    item.StudyInstanceUID = case.study_instance_uid
    item.RequestedProcedureDescription = case.exam.act.label
    item.RequestedProcedureCodeSequence = DicomSequence([code(case.exam.act.code, "LN", case.exam.act.label)])
    item.ScheduledProcedureStepID = case.exam.act.code
    if isinstance(case, Case):  # the order the worklist item came from (an archived prior has none here)
        item.PlacerOrderNumberImagingServiceRequest = case.placer_order_number
    return DicomSequence([item])


# Operators' Name (0008,1070) of each site's night shift: the technologist the report names
NIGHT_TECHNOLOGISTS = {"chvc": "LEMAIRE^Sophie", "chhb": "BERNARD^Julien"}


def series(
    dataset: Dataset,
    case: Study,
    modality: str,
    number: int,
    description: str,
    started: datetime,
    body_part: str,
    position: str | None = "HFS",
) -> None:
    """General Series module."""
    dataset.Modality = modality
    dataset.SeriesInstanceUID = series_uid(case, number)
    dataset.SeriesNumber = number
    dataset.SeriesDate = da(started)
    dataset.SeriesTime = tm(started)
    dataset.SeriesDescription = description
    dataset.ProtocolName = description
    dataset.BodyPartExamined = body_part
    if position:
        dataset.PatientPosition = position
    dataset.PerformedProcedureStepStartDate = da(started)
    dataset.PerformedProcedureStepStartTime = tm(started)
    dataset.PerformedProcedureStepID = f"{case.accession_number[-6:]}{number:02d}"
    dataset.PerformedProcedureStepDescription = case.exam.act.label if case.exam else description
    operator = NIGHT_TECHNOLOGISTS.get(case.site.key)
    if operator:
        dataset.OperatorsName = operator
    dataset.RequestAttributesSequence = request_attributes(case)


def equipment(dataset: Dataset, case: Study, device: Device) -> None:
    """General Equipment module (and the attributes of Enhanced General Equipment)."""
    dataset.Manufacturer = device.manufacturer
    dataset.InstitutionName = case.site.name
    dataset.InstitutionalDepartmentName = "Imagerie médicale"
    dataset.StationName = device.station
    dataset.ManufacturerModelName = device.model
    dataset.DeviceSerialNumber = device.serial
    dataset.SoftwareVersions = device.software
    dataset.UDISequence = DicomSequence([_udi(device)])


def _udi(device: Device) -> Dataset:
    item = Dataset()
    item.UniqueDeviceIdentifier = device.udi
    item.DeviceDescription = f"{device.manufacturer} {device.model}"
    return item


def image_common(
    dataset: Dataset, number: int, image_type: Sequence[str], acquired: datetime, content: datetime
) -> None:
    """General Image module, with the note that the pixels are synthetic."""
    dataset.InstanceNumber = number
    dataset.ImageType = list(image_type)
    dataset.AcquisitionDate = da(acquired)
    dataset.AcquisitionTime = acquired.strftime("%H%M%S.%f")[:13]
    dataset.ContentDate = da(content)
    dataset.ContentTime = tm(content)
    dataset.ImageComments = SYNTHETIC_NOTE
    dataset.BurnedInAnnotation = "NO"
    dataset.RecognizableVisualFeatures = "NO"


def pixel_module(dataset: Dataset, rows: int, columns: int, bits_stored: int, signed: bool = False) -> None:
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.Rows = rows
    dataset.Columns = columns
    dataset.BitsAllocated = 16
    dataset.BitsStored = bits_stored
    dataset.HighBit = bits_stored - 1
    dataset.PixelRepresentation = 1 if signed else 0


def series_uid(case: Study, number: int) -> str:
    return uid("case", case.slug, "series", str(number))


def instance_uid(case: Study, number: int, instance: int) -> str:
    return uid("case", case.slug, "series", str(number), "instance", str(instance))


def frame_of_reference_uid(case: Study) -> str:
    return uid("case", case.slug, "frame-of-reference")


def write(path: Path, dataset: Dataset, transfer_syntax: str) -> None:
    """Write a Part 10 file atomically: a server scanning the folder never sees half a file."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    meta.TransferSyntaxUID = UID(transfer_syntax)
    meta.ImplementationClassUID = UID(IMPLEMENTATION_CLASS_UID)
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION
    dataset.file_meta = meta
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    dcmwrite(partial, dataset, enforce_file_format=True)
    os.replace(partial, path)
