"""Decoded pixels of the transfer-syntax matrix against python-gdcm (and pydicom for uncompressed files).

Tolerances, where the comparison is not exact, and why:
* lossy JPEG (DCT processes 1, 2/4, 6/8, 10/12): 1 grey level. Both sides are valid decoders of the same
  lossy stream; the standard lets inverse DCTs differ in their rounding (ISO 10918-2 accuracy test).
* lossy JPEG in colour: 3 levels, the same rounding plus the YCbCr to RGB conversion done on each side.
* lossy JPEG 2000 and JPEG-LS near-lossless: exact, both sides use the same decoding library family and
  these codecs specify the reconstruction exactly.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_color_lut, convert_color_space, get_decoder
from pydicom.uid import UID, JPEG2000Lossless, JPEGLSLossless

from tests.viewer.conftest import gdcm_pixels
from viewer import codecs
from viewer.codecs import SUPPORTED, Backend, turbojpeg_available
from viewer.headers import ImageFile, read_image_file
from viewer.loader import load_study
from viewer.problems import ProblemKind

CORNERSTONE = "cornerstonejs_cornerstoneWADOImageLoader"
WG04 = "nema_wg04_via_dicom-test-files"
PYDICOM = "pydicom_pydicom-data"
PYLIBJPEG = "pydicom_pylibjpeg-data"


def _cs(syntax: str) -> str:
    return f"{CORNERSTONE}/CTImage.dcm_{syntax}.dcm"


LOSSLESS = [
    f"{CORNERSTONE}/CTImage.dcm",
    _cs("LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2"),
    _cs("LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1"),
    _cs("BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2"),
    _cs("DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99"),
    _cs("JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57"),
    _cs("JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70"),
    _cs("JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80"),
    _cs("JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90"),
    _cs("RLELosslessTransferSyntax_1.2.840.10008.1.2.5"),
    f"{WG04}/CT1_UNC.dcm", f"{WG04}/CT1_JPLL.dcm", f"{WG04}/CT1_JLSL.dcm", f"{WG04}/CT1_J2KR.dcm",
    f"{WG04}/CT1_RLE.dcm",
    f"{WG04}/RG3_UNC.dcm", f"{WG04}/RG3_JPLL.dcm", f"{WG04}/RG3_JLSL.dcm", f"{WG04}/RG3_J2KR.dcm",
    f"{WG04}/RG3_RLE.dcm",
    f"{PYDICOM}/eCT_Supplemental.dcm", f"{PYDICOM}/emri_small.dcm", f"{PYDICOM}/emri_small_big_endian.dcm",
    f"{PYDICOM}/emri_small_RLE.dcm", f"{PYDICOM}/emri_small_jpeg_2k_lossless.dcm",
    f"{PYDICOM}/emri_small_jpeg_ls_lossless.dcm",
    f"{PYLIBJPEG}/JPEG2KLossless_1s_1f_u_16_16.dcm", f"{PYLIBJPEG}/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm",
    f"{PYLIBJPEG}/JPEGLossless_1s_1f_u_16_12.dcm", f"{PYLIBJPEG}/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm",
]
LOSSY_EXACT = [
    _cs("JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81"),
    _cs("JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91"),
    f"{WG04}/CT1_JLSN.dcm", f"{WG04}/CT1_J2KI.dcm", f"{WG04}/RG3_JLSN.dcm", f"{WG04}/RG3_J2KI.dcm",
]
LOSSY_DCT = [
    _cs("JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50"),
    _cs("JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51"),
    _cs("JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53"),
    _cs("JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55"),
    f"{CORNERSTONE}/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm",
    f"{PYLIBJPEG}/RG2_JPLY_fixed.dcm", f"{PYLIBJPEG}/JPEGBaseline_1s_1f_u_08_08.dcm",
]
COLOUR = [  # (file, tolerance)
    (f"{CORNERSTONE}/US-YBR_FULL_422-EVRLE.dcm", 0),
    (f"{PYLIBJPEG}/JPEGExtended_3s_1f_u_08_08.dcm", 3),
    (f"{PYLIBJPEG}/SC_rgb_dcmtk_+eb+cy+np.dcm", 3),
]


def _loaded(path: Path) -> np.ndarray:
    """The file loaded exactly as the viewer loads it, frames in file order."""
    study = load_study(path)
    assert not study.errors, [p.user_text() for p in study.errors]
    assert len(study.series) == 1
    series = study.series[0]
    assert series.complete and not series.failed_indices
    order = np.argsort([s.frame.index for s in series.slices])
    return series.volume[order]


def _reference(path: Path) -> np.ndarray:
    pixels, photometric = gdcm_pixels(path)
    if photometric.startswith("YBR"):
        pixels = convert_color_space(pixels, "YBR_FULL", "RGB")
    return pixels


@pytest.mark.parametrize("name", LOSSLESS + LOSSY_EXACT)
def test_exactly_as_gdcm(dicom_data: Path, name: str) -> None:
    ours, reference = _loaded(dicom_data / name), _reference(dicom_data / name)
    assert ours.shape == reference.shape
    assert np.array_equal(ours.astype(np.int64), reference.astype(np.int64))


@pytest.mark.parametrize("name", LOSSY_DCT)
def test_lossy_jpeg_within_one_level_of_gdcm(dicom_data: Path, name: str) -> None:
    ours, reference = _loaded(dicom_data / name), _reference(dicom_data / name)
    assert ours.shape == reference.shape
    difference = np.abs(ours.astype(np.int64) - reference.astype(np.int64))
    assert difference.max() <= 1
    assert difference.mean() < 0.05


@pytest.mark.parametrize(("name", "tolerance"), COLOUR)
def test_colour_as_rgb_like_gdcm(dicom_data: Path, name: str, tolerance: int) -> None:
    ours, reference = _loaded(dicom_data / name), _reference(dicom_data / name)
    assert ours.dtype == np.uint8 and ours.shape[-1] == 3
    assert np.abs(ours.astype(int) - reference.astype(int)).max() <= tolerance


def test_palette_colour_is_applied(dicom_data: Path) -> None:
    path = dicom_data / PYDICOM / "OBXXXX1A_rle_2frame.dcm"
    indices, _ = gdcm_pixels(path)
    expected = (apply_color_lut(indices, pydicom.dcmread(path)) >> 8).astype(np.uint8)
    assert np.array_equal(_loaded(path), expected)


@pytest.mark.parametrize(
    "name",
    [f"{CORNERSTONE}/CTImage.dcm", _cs("BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2"),
     _cs("DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99"), f"{WG04}/RG3_UNC.dcm",
     f"{PYDICOM}/emri_small_big_endian.dcm", f"{PYDICOM}/eCT_Supplemental.dcm"],
)
def test_uncompressed_exactly_as_pydicom(dicom_data: Path, name: str) -> None:
    expected = pydicom.dcmread(dicom_data / name).pixel_array
    ours = _loaded(dicom_data / name)
    assert np.array_equal(ours.reshape(expected.shape), expected)


def test_compressed_lossy_cornerstone_ct_stays_close_to_the_original_in_hu(dicom_data: Path) -> None:
    """The lossy files of the matrix were made from CTImage.dcm: in HU they stay near it."""
    original = load_study(dicom_data / CORNERSTONE / "CTImage.dcm").series[0]
    lossy = load_study(dicom_data / _cs("JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51")).series[0]
    difference = np.abs(original.rescaled_slice(0) - lossy.rescaled_slice(0))
    assert difference.mean() < 10 and np.percentile(difference, 99) < 40
    assert lossy.lossy and not original.lossy


def test_signed_j2k_stored_unsigned_follows_the_header(dicom_data: Path) -> None:
    """J2K_pixelrep_mismatch: the codestream says unsigned, the header signed 13-bit. gdcm keeps the raw
    unsigned values (0..8191, nonsense in HU); the loader sign-extends as PixelRepresentation says."""
    path = dicom_data / "malformed" / "pylibjpeg-data" / "J2K_pixelrep_mismatch.dcm"
    ours = _loaded(path)
    raw, _ = gdcm_pixels(path)
    assert np.array_equal(ours, (raw.astype(np.int16) << 3) >> 3)
    assert ours.min() == -2000  # the CT padding value


def test_truncated_jpeg2000_multiframe_still_loads_every_frame(dicom_data: Path) -> None:
    """emri_small_jpeg_2k_lossless_too_short lacks its last bytes (the sequence delimiter): pydicom
    returns an empty dataset when reading it whole, gdcm gives no pixels; every frame is intact."""
    short = _loaded(dicom_data / "malformed" / "pydicom-data" / "emri_small_jpeg_2k_lossless_too_short.dcm")
    whole = _loaded(dicom_data / PYDICOM / "emri_small_jpeg_2k_lossless.dcm")
    assert np.array_equal(short, whole)


@pytest.mark.parametrize(
    ("syntax", "backend"),
    [("1.2.840.10008.1.2.4.80", Backend.CHARLS), ("1.2.840.10008.1.2.4.70", Backend.TURBOJPEG),
     ("1.2.840.10008.1.2.4.57", Backend.TURBOJPEG), ("1.2.840.10008.1.2.4.50", Backend.TURBOJPEG),
     ("1.2.840.10008.1.2.4.51", Backend.TURBOJPEG), ("1.2.840.10008.1.2.4.90", Backend.OPENJPEG),
     ("1.2.840.10008.1.2.5", Backend.RLE)],
)
def test_back_ends_are_pinned_from_the_runtime_dependencies(syntax: str, backend: Backend) -> None:
    assert SUPPORTED[syntax].backend is backend


@pytest.mark.parametrize("syntax", [JPEGLSLossless, JPEG2000Lossless])
def test_gdcm_is_never_used_even_when_installed(
    dicom_data: Path, monkeypatch: pytest.MonkeyPatch, syntax: UID
) -> None:
    """pydicom tries gdcm first when no plugin is named; the loader always names one."""
    decoder = get_decoder(syntax)
    assert "gdcm" in decoder.available_plugins
    calls: list[object] = []

    def spy(*args: object, **kwargs: object) -> bytes:
        calls.append(args)
        raise RuntimeError("gdcm must not be called")

    monkeypatch.setitem(decoder._available, "gdcm", spy)
    name = {JPEGLSLossless: f"{WG04}/CT1_JLSL.dcm", JPEG2000Lossless: f"{WG04}/CT1_J2KR.dcm"}[syntax]
    _loaded(dicom_data / name)
    assert calls == []


def test_undecodable_frames_are_reported_in_french_and_the_rest_loads(
    dicom_data: Path, tmp_path: Path
) -> None:
    """RG3_JPLY with its JPEG start-of-image marker destroyed: no decoder can read it; with a good file
    of the same series beside it, the good one loads and the bad one is one French problem."""
    data = bytearray((dicom_data / WG04 / "RG3_JPLY.dcm").read_bytes())
    start = data.index(b"\xff\xd8\xff")  # the first frame's SOI (the basic offset table is empty)
    data[start:start + 2] = b"\x00\x00"
    (tmp_path / "RG3_JPLY.dcm").write_bytes(bytes(data))
    (tmp_path / "RG3_JLSL.dcm").symlink_to(dicom_data / WG04 / "RG3_JLSL.dcm")
    study = load_study(tmp_path)
    assert [p.kind for p in study.errors] == [ProblemKind.DECODE_FAILED]
    assert "image illisible" in study.errors[0].message
    series = study.series[0]
    assert series.loaded_count == 1 and len(series.failed_indices) == 1
    assert any("n'ont pas pu être décodées" in w.message for w in series.warnings)


@pytest.mark.skipif(not turbojpeg_available(), reason="imagecodecs (libjpeg-turbo) not installed")
@pytest.mark.parametrize("name", [f"{WG04}/RG3_JPLY.dcm", "malformed/pylibjpeg-data/RG2_JPLY.dcm"])
def test_jpeg_extended_files_pydicom_plugins_refuse_decode_as_gdcm(dicom_data: Path, name: str) -> None:
    """pydicom's plugins reject these 10-bit extended-process streams (a header byte out of range);
    libjpeg-turbo reads them exactly as gdcm does, and as the repaired RG2_JPLY_fixed."""
    ours = _loaded(dicom_data / name)
    assert np.array_equal(ours.astype(np.int64), _reference(dicom_data / name).astype(np.int64))
    if "RG2" in name:
        assert np.array_equal(ours, _loaded(dicom_data / PYLIBJPEG / "RG2_JPLY_fixed.dcm"))


def test_imagecodecs_missing_falls_back_to_libjpeg(dicom_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without imagecodecs the JPEG syntaxes still decode (pylibjpeg-libjpeg): exact for lossless, and
    inspect names the back-end actually used."""
    lossless = dicom_data / _cs("JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70")
    fast = _loaded(lossless)
    monkeypatch.setattr(codecs, "turbojpeg_available", lambda: False)
    assert np.array_equal(_loaded(lossless), fast)
    assert codecs.check_backends()["1.2.840.10008.1.2.4.70"] == "pylibjpeg-libjpeg (imagecodecs absent)"


@pytest.mark.parametrize(
    ("name", "direct"),
    [(f"{WG04}/CT1_J2KR.dcm", True), (f"{WG04}/RG3_J2KI.dcm", True),
     (f"{PYLIBJPEG}/JPEG2KLossless_1s_1f_u_16_16.dcm", True),
     (f"{PYDICOM}/emri_small_jpeg_2k_lossless.dcm", True),
     ("malformed/pylibjpeg-data/J2K_pixelrep_mismatch.dcm", False),
     ("malformed/pylibjpeg-data/TOSHIBA_J2K_SIZ0_PixRep1.dcm", False)],
)
def test_direct_openjpeg_equals_pydicoms_decoder(dicom_data: Path, name: str, direct: bool) -> None:
    """The direct OpenJPEG path gives pydicom's values, and leaves to pydicom the files whose codestream
    sign disagrees with Pixel Representation."""
    image = read_image_file(dicom_data / name)
    assert isinstance(image, ImageFile)
    frames = tuple(range(image.source.number_of_frames))
    reader = codecs._FrameReader(image.source, image.fmt)
    assert all((reader._openjpeg_direct(k) is not None) is direct for k in frames)
    ours = codecs.decode_task(codecs.DecodeTask(image.source, image.fmt, frames))
    decoder = get_decoder(UID(image.source.transfer_syntax))
    options = image.fmt.decoder_options(image.source.number_of_frames)
    for k, frame in zip(frames, ours, strict=True):
        expected, _ = decoder.as_array(reader.data, index=k, decoding_plugin="pylibjpeg", **options)
        assert isinstance(frame, np.ndarray) and frame.dtype == expected.dtype
        assert np.array_equal(frame, expected)


@pytest.mark.skipif(not turbojpeg_available(), reason="imagecodecs (libjpeg-turbo) not installed")
@pytest.mark.parametrize(
    "name",
    [f"{WG04}/CT1_JPLL.dcm", f"{WG04}/RG3_JPLL.dcm",
     _cs("JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57"),
     f"{PYLIBJPEG}/JPEGLossless_1s_1f_u_16_12.dcm", f"{PYLIBJPEG}/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm"],
)
def test_libjpeg_turbo_lossless_equals_libjpeg(dicom_data: Path, name: str) -> None:
    """Signed, 10-, 12- and 16-bit lossless JPEG: libjpeg-turbo's values are pylibjpeg-libjpeg's, dtype
    included (the stored samples' type, as pydicom returns them)."""
    image = read_image_file(dicom_data / name)
    assert isinstance(image, ImageFile)
    reader = codecs._FrameReader(image.source, image.fmt)
    ours = reader._turbojpeg(0)
    decoder = get_decoder(UID(image.source.transfer_syntax))
    expected, _ = decoder.as_array(reader.data, index=0, decoding_plugin="pylibjpeg",
                                   **image.fmt.decoder_options(image.source.number_of_frames))
    assert ours.dtype == expected.dtype and np.array_equal(ours, expected)


@pytest.mark.skipif(not codecs.jpeg2k_threads_available(), reason="imagecodecs (OpenJPEG) not installed")
@pytest.mark.parametrize(
    "name", [f"{WG04}/CT1_J2KR.dcm", f"{WG04}/CT1_J2KI.dcm", f"{WG04}/RG3_J2KI.dcm",
             f"{PYDICOM}/emri_small_jpeg_2k_lossless.dcm",
             "malformed/pylibjpeg-data/J2K_pixelrep_mismatch.dcm"],
)
def test_jpeg2000_on_two_threads_equals_one(dicom_data: Path, name: str) -> None:
    """The first image of a JPEG 2000 study is decoded on 2 threads (imagecodecs' OpenJPEG): the same
    values as the workers' single-threaded decoding, lossy files included."""
    image = read_image_file(dicom_data / name)
    assert isinstance(image, ImageFile)
    task = codecs.DecodeTask(image.source, image.fmt, tuple(range(image.source.number_of_frames)))
    for threaded, single in zip(codecs.decode_task(task, threads=2), codecs.decode_task(task), strict=True):
        assert isinstance(threaded, np.ndarray) and isinstance(single, np.ndarray)
        assert threaded.dtype == single.dtype and np.array_equal(threaded, single)


@pytest.mark.skipif(not codecs.jpegls_available(), reason="imagecodecs (CharLS) not installed")
@pytest.mark.parametrize(
    "name", [f"{WG04}/CT1_JLSL.dcm", f"{WG04}/CT1_JLSN.dcm", f"{WG04}/RG3_JLSL.dcm", f"{WG04}/RG3_JLSN.dcm",
             f"{PYDICOM}/emri_small_jpeg_ls_lossless.dcm"],
)
def test_jpegls_by_imagecodecs_equals_pyjpegls(dicom_data: Path, name: str) -> None:
    """JPEG-LS frames go to imagecodecs' CharLS (it releases the GIL); values and dtype are pyjpegls's,
    near-lossless included (the standard fixes the reconstruction)."""
    image = read_image_file(dicom_data / name)
    assert isinstance(image, ImageFile)
    reader = codecs._FrameReader(image.source, image.fmt)
    decoder = get_decoder(UID(image.source.transfer_syntax))
    options = image.fmt.decoder_options(image.source.number_of_frames)
    for k in range(image.source.number_of_frames):
        ours = reader.frame(k)
        expected, _ = decoder.as_array(reader.data, index=k, decoding_plugin="pyjpegls", **options)
        assert ours.dtype == expected.dtype and np.array_equal(ours, expected)
    assert codecs.releases_gil(image.source, image.fmt)


def test_every_real_codestream_declares_the_size_its_header_says(dicom_data: Path) -> None:
    """The size check that refuses a damaged frame header before decoding must never refuse a good
    one: every JPEG, JPEG-LS and JPEG 2000 frame written by others in ../shared agrees with its header."""
    from pydicom.encaps import get_frame

    from viewer.codecs import Backend, codestream_size, syntax_support

    checked = 0
    for path in sorted(dicom_data.rglob("*.dcm")):
        if "malformed" in path.parts:
            continue
        image = read_image_file(path)
        if not isinstance(image, ImageFile):
            continue
        support = syntax_support(image.source.transfer_syntax)
        if support is None or not support.encapsulated or support.backend is Backend.RLE:
            continue
        with open(path, "rb") as f:
            f.seek(image.source.offset)
            data = f.read()
        for frame in range(image.source.number_of_frames):
            size = codestream_size(get_frame(data, frame, number_of_frames=image.source.number_of_frames))
            assert size in ((image.fmt.rows, image.fmt.columns), (0, image.fmt.columns)), (path.name, size)
            checked += 1
    assert checked >= 30
