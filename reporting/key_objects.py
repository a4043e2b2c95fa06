"""The DICOM Key Object Selection document of a signed report (the radiologist's key images).

Why: key images are worth something only if the next reader finds them where DICOM viewers look for
them: a Key Object Selection (KOS, PS3.3 A.59) stored with the study, titled "Of Interest"
(DCM 113000), its observer the signing radiologist. The document is built with highdicom (the
field's implementation of the SR templates and of the evidence sequences); its own SOP Instance UID
goes into the CDA report's catalogue of DICOM objects, beside the key images it selects.

Qt-free, and free of the viewer: the caller hands the key images as :class:`KeyReference` records
and the header datasets of the study (the evidence: patient and study modules are copied from them).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import highdicom as hd
from highdicom.sr import CodedConcept
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.valuerep import DA, TM

from reporting.model import ImageReference, Professional, Source

KOS_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.88.59"
KO_SERIES_NUMBER = 9901
MANUFACTURER = "Poste de téléradiologie"


class KeyObjectError(ValueError):
    """The key images cannot be written as a KOS (an image the study does not hold...)."""


@dataclass(frozen=True, slots=True)
class KeyReference:
    study_uid: str
    series_uid: str
    sop_instance_uid: str
    sop_class_uid: str
    frame: int | None = None


@dataclass(frozen=True, slots=True)
class KeyObjectDocument:
    dataset: Dataset
    sop_instance_uid: str
    series_uid: str
    study_uid: str

    def reference(self, modality: str) -> ImageReference:
        """The document as an entry of the CDA's catalogue of DICOM objects. The series' modality
        qualifier is the study's acquisition modality (``modality``): the CI-SIS value set
        (JDV_ModaliteAcquisition_CISIS) has no "KO"; the SOP class code says what the object is."""
        return ImageReference(self.study_uid, self.series_uid, self.sop_instance_uid, KOS_SOP_CLASS, modality,
                              Source.USER, "Images clés (sélection d'objets clés)")


def image_references(keys: Sequence[KeyReference], modality: str) -> tuple[ImageReference, ...]:
    """The key images themselves as catalogue entries (the CDA lists what the report points to)."""
    seen: dict[str, ImageReference] = {}
    for key in keys:
        seen.setdefault(key.sop_instance_uid, ImageReference(
            key.study_uid, key.series_uid, key.sop_instance_uid, key.sop_class_uid, modality, Source.USER,
            "Image clé"))
    return tuple(seen.values())


_TYPE2 = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
          "ReferringPhysicianName", "StudyID", "AccessionNumber")


def complete_header(ds: Dataset) -> Dataset:
    """A copy of the header with the patient and study attributes the KOS must copy present (type 2:
    empty when the modality did not write them)."""
    copy = Dataset()
    copy.update(ds)
    for keyword in _TYPE2:
        if keyword not in copy:
            setattr(copy, keyword, "")
    return copy


def build_key_object(keys: Sequence[KeyReference], evidence: Sequence[Dataset], author: Professional,
                     description: str = "", when: datetime | None = None,
                     sop_instance_uid: str | None = None, series_uid: str | None = None) -> KeyObjectDocument:
    """The KOS selecting ``keys``, its evidence the datasets of ``evidence`` that hold them.

    Every key image must be found among the evidence headers (same SOP Instance UID) and belong to
    one study: a KOS referencing an image the platform does not hold would mislead the next reader."""
    if not keys:
        raise KeyObjectError("no key image")
    by_uid = {str(ds.get("SOPInstanceUID", "")): ds for ds in evidence}
    studies = {k.study_uid for k in keys}
    if len(studies) != 1:
        raise KeyObjectError(f"key images of {len(studies)} studies")
    chosen: list[Dataset] = []
    for key in keys:
        ds = by_uid.get(key.sop_instance_uid)
        if ds is None:
            raise KeyObjectError(f"key image {key.sop_instance_uid} not among the study's instances")
        if str(ds.get("StudyInstanceUID", "")) != key.study_uid:
            raise KeyObjectError(f"key image {key.sop_instance_uid} is not of study {key.study_uid}")
        if all(str(c.SOPInstanceUID) != key.sop_instance_uid for c in chosen):
            chosen.append(complete_header(ds))
    name = f"{author.family}^{author.given}" if author.given else author.family
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name=name),
    )
    content = hd.ko.KeyObjectSelection(
        document_title=CodedConcept("113000", "DCM", "Of Interest"),
        referenced_objects=chosen,
        observer_person_context=observer,
        description=description or None,
    )
    sop_uid = sop_instance_uid or hd.UID()
    series = series_uid or hd.UID()
    document = hd.ko.KeyObjectSelectionDocument(
        evidence=chosen,
        content=content,
        series_instance_uid=series,
        series_number=KO_SERIES_NUMBER,
        sop_instance_uid=sop_uid,
        instance_number=1,
        manufacturer=MANUFACTURER,
    )
    moment = when or datetime.now()
    document.ContentDate = DA(moment.strftime("%Y%m%d"))
    document.ContentTime = TM(moment.strftime("%H%M%S"))
    document.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: French names and descriptions
    document.SeriesDescription = "Images clés"
    return KeyObjectDocument(document, str(sop_uid), str(series), next(iter(studies)))
