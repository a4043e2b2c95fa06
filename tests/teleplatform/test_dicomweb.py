"""DICOMweb through the `dicomweb-client` package: search, retrieve, metadata, frames, pixels equal."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicomweb_client.api import DICOMwebClient
from requests import HTTPError

from .builders import ADMIN_ACCOUNT, write_ct_series, write_data_dir
from .conftest import Live

UID, SERIES, SOP = "0020000D", "0020000E", "00080018"


def _value(item: dict, tag: str):
    return item[tag]["Value"][0]


@pytest.fixture
def dicom_live(tmp_path: Path, start_live: Callable[..., Live]) -> tuple[Live, DICOMwebClient, dict]:
    root = write_data_dir(tmp_path / "data")
    ct = write_ct_series(root / "dicom" / "ct", count=4, patient_id="PAT-A", accession="ACC-A", seed=1)
    mr = write_ct_series(
        root / "dicom" / "nested" / "mr",
        count=2,
        patient_id="PAT-B",
        accession="ACC-B",
        modality="MR",
        seed=2,
    )
    (root / "dicom" / "LISEZMOI.txt").write_text("pas un fichier DICOM")
    (root / "dicom" / "nested" / "DIRFILE").write_bytes(b"\x00" * 300)
    truncated = root / "dicom" / "truncated.dcm"
    truncated.write_bytes(ct[0].read_bytes()[:-100])
    live = start_live(root)
    live.authorize(ADMIN_ACCOUNT)  # no order links these studies: only the admin role reads them all
    client = DICOMwebClient(url=live.url("/dicom-web"), session=live.session)
    return live, client, {"ct": ct, "mr": mr}


def test_broken_and_non_dicom_files_are_reported_and_skipped(dicom_live) -> None:
    live, client, _files = dicom_live
    skipped = {s.path: s.reason for s in live.platform.dicom_report.skipped}
    assert set(skipped) == {"LISEZMOI.txt", "nested/DIRFILE", "truncated.dcm"}
    assert "truncated" in skipped["truncated.dcm"]
    assert live.platform.dicom_report.indexed == 6
    assert len(client.search_for_instances()) == 6


def test_qido_matching(dicom_live) -> None:
    _live, client, files = dicom_live
    studies = client.search_for_studies()
    assert len(studies) == 2
    ct_study = pydicom.dcmread(files["ct"][0]).StudyInstanceUID
    by_patient = client.search_for_studies(search_filters={"PatientID": "PAT-A"})
    assert [_value(s, UID) for s in by_patient] == [ct_study]
    assert _value(by_patient[0], "00201208") == 4  # NumberOfStudyRelatedInstances
    assert by_patient[0]["00080061"]["Value"] == ["CT"]  # ModalitiesInStudy
    assert [
        _value(s, UID) for s in client.search_for_studies(search_filters={"AccessionNumber": "ACC-A"})
    ] == [ct_study]
    assert len(client.search_for_studies(search_filters={"ModalitiesInStudy": "MR"})) == 1
    assert client.search_for_studies(search_filters={"ModalitiesInStudy": "US"}) == []
    assert len(client.search_for_studies(search_filters={"PatientID": "PAT-*"})) == 2
    assert [
        _value(s, UID) for s in client.search_for_studies(search_filters={"StudyInstanceUID": ct_study})
    ] == [ct_study]
    series = client.search_for_series(ct_study)
    assert len(series) == 1 and _value(series[0], "00201209") == 4
    instances = client.search_for_instances(ct_study, _value(series[0], SERIES))
    assert [_value(i, "00200013") for i in instances] == [1, 2, 3, 4]


def test_retrieve_study_streams_files_with_equal_pixels(dicom_live) -> None:
    _live, client, files = dicom_live
    originals = {pydicom.dcmread(p).SOPInstanceUID: pydicom.dcmread(p) for p in files["ct"]}
    study_uid = next(iter(originals.values())).StudyInstanceUID
    retrieved = client.retrieve_study(study_uid)
    assert {ds.SOPInstanceUID for ds in retrieved} == set(originals)
    for ds in retrieved:
        np.testing.assert_array_equal(ds.pixel_array, originals[ds.SOPInstanceUID].pixel_array)
    one = originals[next(iter(originals))]
    instance = client.retrieve_instance(study_uid, one.SeriesInstanceUID, one.SOPInstanceUID)
    assert instance.SOPInstanceUID == one.SOPInstanceUID
    metadata = client.retrieve_series_metadata(study_uid, one.SeriesInstanceUID)
    assert len(metadata) == 4 and all("7FE00010" not in m for m in metadata)
    assert {m["00100020"]["Value"][0] for m in metadata} == {"PAT-A"}


def test_frames_are_the_stored_pixels(dicom_live) -> None:
    _live, client, files = dicom_live
    ds = pydicom.dcmread(files["ct"][2])
    frames = client.retrieve_instance_frames(
        ds.StudyInstanceUID,
        ds.SeriesInstanceUID,
        ds.SOPInstanceUID,
        frame_numbers=[1],
        media_types=("application/octet-stream",),
    )
    pixels = np.frombuffer(frames[0], dtype="<i2").reshape(ds.Rows, ds.Columns)
    np.testing.assert_array_equal(pixels, ds.pixel_array)
    with pytest.raises(HTTPError) as out_of_range:
        client.retrieve_instance_frames(
            ds.StudyInstanceUID,
            ds.SeriesInstanceUID,
            ds.SOPInstanceUID,
            frame_numbers=[2],
            media_types=("application/octet-stream",),
        )
    assert out_of_range.value.response.status_code == 404


def test_unknown_study_and_unsupported_media(dicom_live) -> None:
    live, client, files = dicom_live
    with pytest.raises(HTTPError) as missing:
        client.retrieve_study("1.2.3.4.5")
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()["error"] == "not_found"
    ds = pydicom.dcmread(files["ct"][0])
    frames = live.url(
        f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"
        f"/instances/{ds.SOPInstanceUID}/frames/1"
    )
    assert (
        live.session.get(frames, headers={"Accept": 'multipart/related; type="image/jpeg"'}).status_code
        == 406
    )


def test_compressed_multiframe_is_decoded_per_frame(
    shared_dir: Path, tmp_path: Path, start_live: Callable[..., Live]
) -> None:
    """A real RLE multi-frame file (pydicom-data): frames come out uncompressed and equal to the
    uncompressed original. Ahead of it in path order, a truncated JPEG 2000 copy with the same SOP
    Instance UID is detected and skipped, so it does not shadow the good file; the JPEG 2000 twin
    that comes after is skipped as a duplicate."""
    root = write_data_dir(tmp_path / "data")
    data = shared_dir / "data" / "dicom"
    source = data / "pydicom_pydicom-data"
    copies = (
        ("0", data / "malformed" / "pydicom-data" / "emri_small_jpeg_2k_lossless_too_short.dcm"),
        ("a", source / "emri_small_RLE.dcm"),
        ("b", source / "emri_small_jpeg_2k_lossless.dcm"),
    )
    for folder, path in copies:
        (root / "dicom" / folder).mkdir()
        shutil.copy(path, root / "dicom" / folder / path.name)
    live = start_live(root)
    live.authorize(ADMIN_ACCOUNT)  # no order links these studies: only the admin role reads them all
    client = DICOMwebClient(url=live.url("/dicom-web"), session=live.session)
    assert [(s.path, s.reason) for s in live.platform.dicom_report.skipped] == [
        (
            "0/emri_small_jpeg_2k_lossless_too_short.dcm",
            "encapsulated pixel data incomplete (truncated file)",
        ),
        ("b/emri_small_jpeg_2k_lossless.dcm", "same SOP Instance UID as a/emri_small_RLE.dcm"),
    ]
    reference = pydicom.dcmread(source / "emri_small.dcm")
    rle = pydicom.dcmread(source / "emri_small_RLE.dcm")
    frames = client.retrieve_instance_frames(
        rle.StudyInstanceUID,
        rle.SeriesInstanceUID,
        rle.SOPInstanceUID,
        frame_numbers=[1, 4, 10],
        media_types=("application/octet-stream",),
    )
    for frame, index in zip(frames, (0, 3, 9), strict=True):
        pixels = np.frombuffer(frame, dtype=reference.pixel_array.dtype.newbyteorder("<"))
        np.testing.assert_array_equal(pixels.reshape(rle.Rows, rle.Columns), reference.pixel_array[index])
    # "*" gets the instance as stored; Explicit VR Little Endian gets it decompressed.
    as_stored = client.retrieve_instance(
        rle.StudyInstanceUID,
        rle.SeriesInstanceUID,
        rle.SOPInstanceUID,
        media_types=(("application/dicom", "*"),),
    )
    assert as_stored.file_meta.TransferSyntaxUID == rle.file_meta.TransferSyntaxUID
    native = client.retrieve_instance(
        rle.StudyInstanceUID,
        rle.SeriesInstanceUID,
        rle.SOPInstanceUID,
        media_types=(("application/dicom", "1.2.840.10008.1.2.1"),),
    )
    assert native.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    np.testing.assert_array_equal(native.pixel_array, reference.pixel_array)


def test_ybr_422_frames_are_the_stored_bytes(
    shared_dir: Path, tmp_path: Path, start_live: Callable[..., Live]
) -> None:
    """Uncompressed YBR_FULL_422 (chroma sub-sampled: 2 bytes per pixel, not 3) is served as stored."""
    root = write_data_dir(tmp_path / "data")
    source = (
        shared_dir
        / "data"
        / "dicom"
        / "cornerstonejs_cornerstoneWADOImageLoader"
        / "US-YBR_FULL_422-EVRLE.dcm"
    )
    shutil.copy(source, root / "dicom" / source.name)
    live = start_live(root)
    live.authorize(ADMIN_ACCOUNT)
    assert live.platform.dicom_report.skipped == []
    client = DICOMwebClient(url=live.url("/dicom-web"), session=live.session)
    ds = pydicom.dcmread(source)
    (frame,) = client.retrieve_instance_frames(
        ds.StudyInstanceUID,
        ds.SeriesInstanceUID,
        ds.SOPInstanceUID,
        frame_numbers=[1],
        media_types=("application/octet-stream",),
    )
    assert len(frame) == ds.Rows * ds.Columns * 2
    assert frame == ds.PixelData[: len(frame)]
