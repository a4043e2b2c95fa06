"""WADO-RS transcoding on request (issue 24): a client that names a lossless compressed syntax in Accept
gets every instance with pixels re-encoded in it, pixel for pixel the stored values, fewer bytes on the
wire; an instance that cannot be encoded goes out in a syntax it is in, and its part says which. Scope
and roles are those of any retrieval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from dicomweb_client.api import DICOMwebClient
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLSLossless, RLELossless

from .builders import ADMIN_ACCOUNT, write_ct_series, write_data_dir
from .conftest import Live


@pytest.fixture
def live_ct(tmp_path: Path, start_live: Callable[..., Live]) -> tuple[Live, DICOMwebClient, list[Path]]:
    root = write_data_dir(tmp_path / "data")
    files = write_ct_series(root / "dicom" / "ct", count=3, seed=4)
    rng = np.random.default_rng(4)
    for k, path in enumerate(files):  # smooth anatomy-like ramps with a little noise: compressible,
        ds = pydicom.dcmread(path)   # and large enough for OpenJPEG's default resolution levels
        ds.Rows, ds.Columns = 64, 48
        ramp = np.add.outer(np.arange(64) * 17, np.arange(48) * 11) - 900 + 5 * k
        ds.PixelData = (ramp + rng.integers(-3, 4, size=ramp.shape)).astype(np.int16).tobytes()
        ds.save_as(path, enforce_file_format=True)
    live = start_live(root)
    live.authorize(ADMIN_ACCOUNT)
    return live, DICOMwebClient(url=live.url("/dicom-web"), session=live.session), files


@pytest.mark.parametrize("syntax", [JPEGLSLossless, JPEG2000Lossless, RLELossless])
def test_a_lossless_syntax_asked_for_is_served_with_the_same_pixels(live_ct, syntax: str) -> None:
    _, client, files = live_ct
    first = pydicom.dcmread(files[0])
    got = client.retrieve_series(first.StudyInstanceUID, first.SeriesInstanceUID,
                                 media_types=(("application/dicom", syntax),))
    assert len(got) == len(files)
    stored = {pydicom.dcmread(p).SOPInstanceUID: pydicom.dcmread(p).pixel_array for p in files}
    for ds in got:
        assert ds.file_meta.TransferSyntaxUID == syntax
        assert np.array_equal(ds.pixel_array, stored[ds.SOPInstanceUID])


def test_the_part_headers_say_the_syntax_sent_and_the_bytes_shrink(live_ct) -> None:
    live, _, files = live_ct
    first = pydicom.dcmread(files[0])
    url = live.url(f"/dicom-web/studies/{first.StudyInstanceUID}/series/{first.SeriesInstanceUID}")
    sizes = {}
    for syntax in (ExplicitVRLittleEndian, JPEGLSLossless):
        answer = live.session.get(
            url, headers={"Accept": f'multipart/related; type="application/dicom"; transfer-syntax={syntax}'})
        assert answer.status_code == 200
        assert answer.content.count(f"transfer-syntax={syntax}".encode()) == len(files)
        sizes[syntax] = len(answer.content)
    assert sizes[JPEGLSLossless] < sizes[ExplicitVRLittleEndian]


def test_a_syntax_the_platform_cannot_make_is_still_refused(live_ct) -> None:
    live, _, files = live_ct
    first = pydicom.dcmread(files[0])
    url = live.url(f"/dicom-web/studies/{first.StudyInstanceUID}")
    baseline = "1.2.840.10008.1.2.4.50"  # lossy: never made from the stored pixels
    answer = live.session.get(
        url, headers={"Accept": f'multipart/related; type="application/dicom"; transfer-syntax={baseline}'})
    assert answer.status_code == 406


def test_an_instance_the_codec_refuses_goes_out_decompressed(live_ct, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    from teleplatform import dicomweb

    def refuse(self: pydicom.Dataset, *args: object, **kwargs: object) -> None:
        raise ValueError("unsupported by this codec")

    monkeypatch.setattr(pydicom.Dataset, "compress", refuse)
    _, client, files = live_ct
    first = pydicom.dcmread(files[0])
    syntax, data = dicomweb._transcoded(files[0], JPEGLSLossless)
    assert syntax == ExplicitVRLittleEndian
    got = client.retrieve_series(first.StudyInstanceUID, first.SeriesInstanceUID,
                                 media_types=(("application/dicom", JPEGLSLossless),))
    assert {str(ds.file_meta.TransferSyntaxUID) for ds in got} == {ExplicitVRLittleEndian}
    assert len(data) > 0


def test_transcoding_keeps_the_scope(live_ct) -> None:
    """Another account's study stays absent (404) whatever syntax is asked for."""
    live, _, files = live_ct
    from .builders import ACCOUNTS

    radiologist = next(a for a in ACCOUNTS if a.get("role", "radiologist") == "radiologist")
    live.authorize(radiologist)
    first = pydicom.dcmread(files[0])
    answer = live.session.get(
        live.url(f"/dicom-web/studies/{first.StudyInstanceUID}"),
        headers={"Accept": f'multipart/related; type="application/dicom"; transfer-syntax={JPEGLSLossless}'})
    assert answer.status_code == 404
