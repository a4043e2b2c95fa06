"""Key images read back from the Key Object Selections stored with a study (issue 19): reopening a
case shows what was marked. The KOS are made by highdicom (the workstation's own, and ones titled as a
site's PACS would title them); only "key image" titles of the study count, and a rejection note
cancels what it rejects."""

from __future__ import annotations

from pathlib import Path

import highdicom as hd
import pydicom
import pytest
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from reporting.key_objects import KeyReference, build_key_object
from reporting.model import Professional, Source
from teleplatform.demo import cases
from workstation.key_objects import stored_key_images

AUTHOR = Professional("812345678901", "DURAND", "Claire", Source.ACCOUNT)
STUDY = cases.CT_HEAD_CASE.study_instance_uid


@pytest.fixture(scope="module")
def head_ct(demo_data: Path) -> list[pydicom.Dataset]:
    files = sorted((demo_data / "dicom" / cases.CT_HEAD_CASE.slug).rglob("*.dcm"))[:20]
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in files]
    assert headers and all(str(h.StudyInstanceUID) == STUDY for h in headers)
    return headers


def _ref(ds: pydicom.Dataset) -> KeyReference:
    return KeyReference(STUDY, str(ds.SeriesInstanceUID), str(ds.SOPInstanceUID), str(ds.SOPClassUID), None)


def _titled(title: hd.sr.CodedConcept, images: list[pydicom.Dataset]) -> pydicom.Dataset:
    """A KOS as another system writes it: highdicom, any document title."""
    content = hd.ko.KeyObjectSelection(title, images)
    return hd.ko.KeyObjectSelectionDocument(images, content, generate_uid(), 77, generate_uid(), 1)


def test_the_workstation_s_own_kos_marks_its_images_in_order(head_ct: list[pydicom.Dataset]) -> None:
    chosen = [head_ct[7], head_ct[3]]
    kos = build_key_object([_ref(ds) for ds in chosen], head_ct, AUTHOR).dataset
    kos = pydicom.dcmread(pydicom.filebase.DicomBytesIO(_bytes(kos)))  # as read from a file
    images = [h for h in head_ct if h is not None]
    assert stored_key_images([*images, kos], STUDY) == [(str(ds.SOPInstanceUID), None) for ds in chosen]


def test_only_key_image_titles_of_this_study_and_rejections_cancel(head_ct: list[pydicom.Dataset]) -> None:
    of_interest = _titled(hd.sr.CodedConcept("113000", "DCM", "Of Interest"), [head_ct[1], head_ct[2]])
    best = _titled(hd.sr.CodedConcept("113013", "DCM", "Best In Set"), [head_ct[4]])
    teaching = _titled(hd.sr.CodedConcept("113004", "DCM", "For Teaching"), [head_ct[5]])
    rejected = _titled(codes.DCM.RejectedForQualityReasons, [head_ct[2]])
    found = stored_key_images([of_interest, teaching, rejected, best, None], STUDY)
    assert found == [(str(head_ct[1].SOPInstanceUID), None), (str(head_ct[4].SOPInstanceUID), None)]
    assert stored_key_images([of_interest], "1.2.3.4") == []  # a KOS of another study marks nothing


def test_frames_are_kept_and_a_malformed_kos_marks_nothing(head_ct: list[pydicom.Dataset]) -> None:
    kos = _titled(hd.sr.CodedConcept("113000", "DCM", "Of Interest"), [head_ct[0]])
    kos.ContentSequence[0].ReferencedSOPSequence[0].ReferencedFrameNumber = [2, 5]
    assert stored_key_images([kos], STUDY) == [(str(head_ct[0].SOPInstanceUID), 2),
                                               (str(head_ct[0].SOPInstanceUID), 5)]
    del kos.ContentSequence
    del kos.ConceptNameCodeSequence
    assert stored_key_images([kos], STUDY) == []


def _bytes(ds: pydicom.Dataset) -> bytes:
    buffer = pydicom.filebase.DicomBytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
