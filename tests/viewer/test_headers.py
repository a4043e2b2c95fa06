"""Header reading: calibration choice, lossy indicator, display attributes, and every malformed file."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread, dcmwrite
from pydicom.datadict import keyword_dict
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

from tests.viewer.factories import axial_positions, make_slice, slice_pixels, voi_lut_item, write_series
from viewer import headers
from viewer.codecs import Lossy, turbojpeg_available
from viewer.headers import ImageFile, SpacingSource, read_image_file
from viewer.loader import load_study
from viewer.problems import FileProblem, ProblemKind, Severity
from viewer.windowing import Rendering, default_window, render


def _write(tmp_path: Path, **extra: object) -> Path:
    ds = make_slice(position=(0, 0, 0), pixels=slice_pixels(0), series_uid="1.2.3.1", study_uid="1.2.3",
                    instance=1)
    for keyword, value in extra.items():
        if value is None:
            delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    path = tmp_path / "image.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def _header(tmp_path: Path, **extra: object) -> ImageFile:
    found = read_image_file(_write(tmp_path, **extra))
    assert isinstance(found, ImageFile), found
    return found


@pytest.mark.parametrize(
    ("extra", "source", "spacing", "words"),
    [
        ({}, SpacingSource.PATIENT, (0.5, 0.5), "plan du patient"),
        ({"Modality": "DX", "PixelSpacing": None, "ImagerPixelSpacing": ["0.2", "0.2"]},
         SpacingSource.DETECTOR, (0.2, 0.2), "plan du détecteur"),
        ({"Modality": "DX", "PixelSpacing": None, "ImagerPixelSpacing": ["0.2", "0.2"],
          "EstimatedRadiographicMagnificationFactor": "1.25"},
         SpacingSource.MAGNIFICATION_CORRECTED, (0.16, 0.16), "agrandissement estimé (1.25)"),
        ({"Modality": "DX", "PixelSpacing": ["0.15", "0.15"], "ImagerPixelSpacing": ["0.2", "0.2"],
          "PixelSpacingCalibrationType": "GEOMETRY"},
         SpacingSource.CALIBRATED, (0.15, 0.15), "étalonné (GEOMETRY)"),
        ({"Modality": "DX", "PixelSpacing": ["0.2", "0.2"], "ImagerPixelSpacing": ["0.2", "0.2"]},
         SpacingSource.DETECTOR, (0.2, 0.2), "égal à ImagerPixelSpacing"),
        ({"Modality": "CR", "PixelSpacing": ["0.1", "0.1"]},
         SpacingSource.PROJECTION_UNSPECIFIED, (0.1, 0.1), "sans précision du plan"),
        ({"Modality": "OT", "PixelSpacing": None, "NominalScannedPixelSpacing": ["0.3", "0.3"]},
         SpacingSource.NOMINAL, (0.3, 0.3), "numériseur"),
        ({"PixelSpacing": None}, SpacingSource.NONE, (1.0, 1.0), "en pixels"),
    ],
)
def test_which_pixel_spacing_is_used_and_said(
    tmp_path: Path, extra: dict[str, object], source: SpacingSource, spacing: tuple[float, float], words: str
) -> None:
    found = _header(tmp_path, **extra).frames[0].spacing
    assert found.source is source
    assert (found.row_mm, found.column_mm) == pytest.approx(spacing)
    assert words in found.description


def test_lossy_indicator_from_header_and_from_syntax(tmp_path: Path) -> None:
    flagged = _header(tmp_path, LossyImageCompression="01", LossyImageCompressionRatio=["12.5"],
                      LossyImageCompressionMethod=["ISO_10918_1"])
    assert flagged.lossy.state is Lossy.YES and flagged.lossy.ratios == ("12,5",)
    assert _header(tmp_path).lossy.state is Lossy.NO
    write_series(tmp_path / "s", axial_positions(2), extra={"LossyImageCompression": "01",
                                                           "LossyImageCompressionRatio": "10"})
    warning = load_study(tmp_path / "s").series[0].warnings[0]
    assert warning.message.startswith("Compression avec perte (ratio 10:1) : toutes les images.")


def test_windows_and_voi_function_are_read(tmp_path: Path) -> None:
    frame = _header(tmp_path, WindowCenter=["40", "300"], WindowWidth=["80", "1500"],
                    WindowCenterWidthExplanation=["CERVEAU", "OS"], VOILUTFunction="SIGMOID").frames[0]
    assert [(w.center, w.width, w.explanation) for w in frame.windows] == [(40, 80, "CERVEAU"),
                                                                            (300, 1500, "OS")]
    assert frame.voi_function == "SIGMOID"


def test_an_unusable_window_does_not_cost_the_others(tmp_path: Path) -> None:
    frame = _header(tmp_path, WindowCenter=["40", "50"], WindowWidth=["0", "350"]).frames[0]
    assert [(w.center, w.width) for w in frame.windows] == [(50, 350)]


def test_voi_lut_sequence_with_signed_first_value(tmp_path: Path) -> None:
    """LUT Descriptor's second value is read as US; with signed pixels 65526 means -10 (C.11.2.1.1)."""
    header = _header(tmp_path, PixelRepresentation=1, VOILUTSequence=voi_lut_item(65526, [0, 2000, 4095]))
    (lut,) = header.voi_luts
    assert (lut.first_mapped, lut.bits, lut.data, lut.explanation) == (-10, 12, (0, 2000, 4095), "TEST")


def test_monochrome1_and_presentation_lut_shape_set_the_polarity(tmp_path: Path) -> None:
    cases = {("MONOCHROME2", None): False, ("MONOCHROME1", None): True,
             ("MONOCHROME2", "INVERSE"): True, ("MONOCHROME1", "INVERSE"): False}
    for (photometric, shape), inverted in cases.items():
        folder = tmp_path / f"{photometric}{shape}"
        extra = {"PresentationLUTShape": shape} if shape else {}
        write_series(folder, axial_positions(1), photometric=photometric, extra=extra)
        series = load_study(folder).series[0]
        assert series.inverted_by_header(0) is inverted, (photometric, shape)


def test_monochrome1_renders_low_values_white(tmp_path: Path) -> None:
    write_series(tmp_path, axial_positions(1), photometric="MONOCHROME1", intercept=0.0,
                 pixels_for=lambda rank: np.array([[0, 4095]], dtype=np.uint16))
    series = load_study(tmp_path).series[0]
    window = default_window(series.windows(0), series.voi_function(0), series.rescaled_range())
    rendering = Rendering(*series.rescale(0), window, invert=series.inverted_by_header(0))
    image = render(series.volume[0], rendering)
    assert image.tolist() == [[255, 0]]


def test_rescale_may_vary_along_the_series(tmp_path: Path) -> None:
    write_series(tmp_path / "a", axial_positions(1), series_uid="1.2.3.9", study_uid="1.2.3", slope=2.0,
                 intercept=0.0)
    write_series(tmp_path / "b", axial_positions(1, z0=0.0), series_uid="1.2.3.9", study_uid="1.2.3",
                 slope=1.0, intercept=-1024.0, pixels_for=lambda rank: slice_pixels(1))
    series = load_study(tmp_path).series[0]
    assert [series.rescale(k) for k in range(2)] == [(2.0, 0.0), (1.0, -1024.0)]
    low = min(2 * 1000, 1100 - 1024)
    high = max(2 * 1063, 1163 - 1024)
    assert series.rescaled_range() == (low, high)
    assert series.rescaled_slice(0)[0, 0] == 2000.0


def test_enhanced_ct_frames_take_their_geometry_from_the_functional_groups(dicom_data: Path) -> None:
    header = read_image_file(dicom_data / "pydicom_pydicom-data" / "eCT_Supplemental.dcm")
    assert isinstance(header, ImageFile) and len(header.frames) == 2
    assert [f.position for f in header.frames] == [(99.5, -301.5, -159.0), (99.5, -301.5, -149.0)]
    assert all(f.orientation is not None and f.windows for f in header.frames)
    series = load_study(dicom_data / "pydicom_pydicom-data" / "eCT_Supplemental.dcm").series[0]
    assert series.geometry is not None and series.geometry.slice_spacing == pytest.approx(10.0)


# --- malformed input ---------------------------------------------------------------------------------
MALFORMED = {
    "cornerstone/no-pixel-data.dcm": ProblemKind.NON_IMAGE,
    "pydicom_wheel_test_files/ExplVR_BigEndNoMeta.dcm": ProblemKind.NON_IMAGE,
    "pydicom_wheel_test_files/JPEG2000-embedded-sequence-delimiter.dcm": ProblemKind.DECODE_FAILED,
    "pydicom_wheel_test_files/MR_truncated.dcm": ProblemKind.TRUNCATED,
    "pydicom_wheel_test_files/UN_sequence.dcm": ProblemKind.NO_PIXEL_DATA,
    "pydicom_wheel_test_files/badVR.dcm": ProblemKind.INVALID_VALUE,
    "pydicom_wheel_test_files/meta_missing_tsyntax.dcm": ProblemKind.MISSING_ATTRIBUTE,
    "pydicom_wheel_test_files/no_meta.dcm": ProblemKind.NOT_DICOM,
    "pydicom_wheel_test_files/no_meta_group_length.dcm": ProblemKind.NO_PIXEL_DATA,
    "pydicom_wheel_test_files/pydicom_test_files_README.txt": ProblemKind.NOT_DICOM,
    "pydicom_wheel_test_files/reportsi_with_empty_number_tags.dcm": ProblemKind.NON_IMAGE,
    "pydicom_wheel_test_files/rtplan_truncated.dcm": ProblemKind.NON_IMAGE,
    "pylibjpeg-data/966.dcm": ProblemKind.DECODE_FAILED,
}
if not turbojpeg_available():  # pydicom's plugins refuse its extended-process stream; libjpeg-turbo reads it
    MALFORMED["pylibjpeg-data/RG2_JPLY.dcm"] = ProblemKind.DECODE_FAILED
LOADABLE = {  # odd but readable: they must load
    "pydicom-data/bad_sequence.dcm", "pydicom-data/emri_small_jpeg_2k_lossless_too_short.dcm",
    "pydicom-data/explicit_VR-UN.dcm", "pydicom_wheel_test_files/MR_small_padded.dcm",
    "pylibjpeg-data/ELSCINT1_JP2vsJ2K.dcm", "pylibjpeg-data/J2K_pixelrep_mismatch.dcm",
    "pylibjpeg-data/JPEGLossless_1s_1f_i_16_16_bad.dcm",
    "pylibjpeg-data/OsirixFake16BitsStoredFakeSpacing.dcm",
    "pylibjpeg-data/TOSHIBA_J2K_OpenJPEGv2Regression.dcm", "pylibjpeg-data/TOSHIBA_J2K_SIZ0_PixRep1.dcm",
} | ({"pylibjpeg-data/RG2_JPLY.dcm"} if turbojpeg_available() else set())


def test_the_malformed_folder_loads_what_it_can_and_explains_the_rest(dicom_data: Path) -> None:
    folder = dicom_data / "malformed"
    study = load_study(folder)
    problems = {Path(p.path).relative_to(folder).as_posix(): p for p in study.problems}
    assert {name: p.kind for name, p in problems.items()} == MALFORMED
    for found in problems.values():
        assert found.message and found.detail and found.message != found.detail
        skipped = found.kind in (ProblemKind.NON_IMAGE, ProblemKind.NOT_DICOM)
        assert found.severity is (Severity.INFO if skipped else Severity.ERROR)
    loaded = {
        Path(s.file.path).relative_to(folder).as_posix()
        for series in study.series
        for k, s in enumerate(series.slices)
        if series.is_loaded(k)
    }
    assert loaded == LOADABLE


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("pydicom_wheel_test_files/MR_truncated.dcm", "fichier tronqué"),
        ("pydicom_wheel_test_files/badVR.dcm", "valeur DICOM invalide pour NumberOfFrames (« 1A »)"),
        ("pydicom_wheel_test_files/meta_missing_tsyntax.dcm", "attribut DICOM obligatoire absent : Rows"),
        ("cornerstone/no-pixel-data.dcm", "document sans image (Basic Text SR Storage)"),
        ("pydicom_wheel_test_files/UN_sequence.dcm", "image sans données de pixels"),
    ],
)
def test_malformed_files_get_a_clear_french_message(dicom_data: Path, name: str, words: str) -> None:
    found = read_image_file(dicom_data / "malformed" / name)
    assert isinstance(found, FileProblem) and words in found.message
    assert found.user_text().startswith(Path(name).name + " : ")


def test_empty_dataset_after_the_file_meta_is_an_error(tmp_path: Path) -> None:
    """pydicom returns an empty dataset, without error, when the body is missing."""
    path = _write(tmp_path)
    data = path.read_bytes()
    meta_end = 132 + 12 + int.from_bytes(data[140:144], "little")  # (0002,0000) group length
    path.write_bytes(data[:meta_end])
    found = read_image_file(path)
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.EMPTY_DATASET
    assert "fichier DICOM vide" in found.message


def test_unsupported_transfer_syntax_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path)
    ds = dcmread(path)
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"  # MPEG2
    ds.PixelData = encapsulate([b"\x00\x00\x01\xb3 not really a video"])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    ds.save_as(path)
    found = read_image_file(path)
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.UNSUPPORTED_TRANSFER_SYNTAX
    assert "syntaxe de transfert non prise en charge : MPEG2" in found.message


def test_a_file_that_vanished_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    found = read_image_file(tmp_path / "absent.dcm")
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.UNREADABLE


# --- fast header scan --------------------------------------------------------------------------------
def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bool, object, object]:
    """(whether the fast scan took the file, its header, pydicom's header of the same file)."""
    scanned = headers._scan_file(str(path), path.stat().st_size) is not None
    fast = read_image_file(path)
    with monkeypatch.context() as patched:
        patched.setattr(headers, "_scan_file", lambda *_: None)
        reference = read_image_file(path)
    return scanned, fast, reference


def test_fast_scan_equals_pydicom_on_every_shared_file(dicom_data: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of the real data set, written by others: the scan's header or problem is pydicom's."""
    taken = 0
    files = [p for p in sorted(dicom_data.rglob("*")) if p.is_file()]
    for path in files:
        scanned, fast, reference = _both_ways(path, monkeypatch)
        assert fast == reference, path
        taken += scanned
    assert len(files) > 300 and taken >= 0.9 * len(files)  # the fast path is the ordinary one
    ct = dicom_data / "neurolabusc_dcm_qa_ct" / "ct_philips_ingenuity_S2020_1mm" / "I10"
    assert _both_ways(ct, monkeypatch)[0]
    for declined in ("pydicom_pydicom-data/emri_small_big_endian.dcm",  # big endian
                     "pydicom_pydicom-data/eCT_Supplemental.dcm",  # functional groups
                     "cornerstonejs_cornerstoneWADOImageLoader/"
                     "CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm"):
        scanned, fast, reference = _both_ways(dicom_data / declined, monkeypatch)
        assert not scanned and isinstance(fast, ImageFile) and fast == reference


def _private_sequence() -> DicomSequence:
    """An undefined-length private sequence, its items undefined-length too, one holding another
    sequence: what the scan must walk through without the dictionary."""
    inner = Dataset()
    inner.add_new(0x00291011, "LO", "dedans")
    item = Dataset()
    item.add_new(0x00291012, "SQ", DicomSequence([inner]))
    item.add_new(0x00291013, "OB", b"\x00\xfe\xff\xdd\xe0" * 7 + b"\x00")  # delimiter-like bytes in a value
    sequence = DicomSequence([item, Dataset()])
    sequence.is_undefined_length = True
    for each in (item, inner):
        each.is_undefined_length_sequence_item = True
    return sequence


@pytest.mark.parametrize("implicit", [False, True])
def test_fast_scan_of_odd_but_valid_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            implicit: bool) -> None:
    """Implicit VR, a nested undefined-length private sequence, a header longer than the first read,
    pixel data that is not the last element, non-ASCII text: the scan reads them, equal to pydicom,
    and the pixels land right in the volume."""
    pixels = slice_pixels(3, rows=16, columns=12)
    ds = make_slice(position=(0, 0, 0), pixels=pixels, series_uid="1.2.3.1", study_uid="1.2.3", instance=1,
                    extra={"SpecificCharacterSet": "ISO_IR 100", "SeriesDescription": "Thorax injecté",
                           "WindowCenter": ["40", "400"], "WindowWidth": ["350", "1800"]})
    ds.add_new(0x00290010, "LO", "TEST PRIVATE")
    ds.add_new(0x00291010, "SQ", _private_sequence())
    ds.add_new(0x00291020, "OB", bytes(range(256)) * 160)  # 40 KB: past the first 16 KB read
    ds.add_new(0xFFFCFFFC, "OB", b"\x00" * 64)  # Data Set Trailing Padding after the pixels
    if implicit:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    path = tmp_path / "odd.dcm"
    ds.save_as(path, enforce_file_format=True)
    scanned, fast, reference = _both_ways(path, monkeypatch)
    assert scanned and fast == reference
    assert isinstance(fast, ImageFile) and fast.series_description == "Thorax injecté"
    assert [w.center for w in fast.frames[0].windows] == [40, 400]
    assert fast.source.length == pixels.nbytes and fast.source.offset > 40 * 1024
    volume = load_study(path).series[0].volume
    assert np.array_equal(volume[0], pixels)


def test_fast_scan_of_an_odd_length_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that left a value of odd length (not allowed, seen in the wild): every later offset is
    odd, the pixels included."""
    pixels = slice_pixels(0)  # what _write stores
    path = _write(tmp_path, SeriesDescription="ABC ")
    data = path.read_bytes()
    element = b"\x08\x00\x3e\x10LO\x04\x00ABC "
    assert data.count(element) == 1
    path.write_bytes(data.replace(element, b"\x08\x00\x3e\x10LO\x03\x00ABC"))
    scanned, fast, reference = _both_ways(path, monkeypatch)
    assert scanned and fast == reference
    assert isinstance(fast, ImageFile) and fast.series_description == "ABC" and fast.source.offset % 2 == 1
    assert np.array_equal(load_study(path).series[0].volume[0], pixels)


@pytest.mark.parametrize("cut", [200, 420, -40])
def test_fast_scan_leaves_truncated_headers_to_pydicom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       cut: int) -> None:
    """Cut inside the meta group, inside the data set, inside the pixels: the scan declines the first
    two and the answer is pydicom's; a short pixel value is found either way."""
    path = _write(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    scanned, fast, reference = _both_ways(path, monkeypatch)
    assert scanned is (cut < 0) and fast == reference
    if cut < 0:
        assert isinstance(fast, FileProblem) and fast.kind is ProblemKind.TRUNCATED


def test_fast_scan_declines_an_encoding_that_contradicts_the_syntax(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Implicit VR data under an explicit VR syntax (a known writer bug): pydicom detects and reads it."""
    ds = make_slice(position=(0, 0, 0), pixels=slice_pixels(0), series_uid="1.2.3.1", study_uid="1.2.3",
                    instance=1)
    path = tmp_path / "liar.dcm"
    ds.preamble = b"\x00" * 128
    dcmwrite(path, ds, implicit_vr=True, little_endian=True, force_encoding=True)
    assert dcmread(path).file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    scanned, fast, reference = _both_ways(path, monkeypatch)
    assert not scanned and fast == reference and isinstance(fast, ImageFile)
    assert np.array_equal(load_study(path).series[0].volume[0], slice_pixels(0))


def test_every_top_level_attribute_read_is_kept_by_the_scan() -> None:
    """The scan keeps only the elements listed in viewer.headers; an attribute read but not listed
    would silently read as absent on the fast path. Keywords read only inside sequence items (which
    send the file to pydicom) or from the file meta are named here."""
    nested = {"LUTDescriptor", "LUTData", "LUTExplanation", "PixelMeasuresSequence", "PlanePositionSequence",
              "PlaneOrientationSequence", "PixelValueTransformationSequence", "FrameVOILUTSequence",
              "FrameContentSequence", "TemporalPositionIndex", "StackID", "TransferSyntaxUID",
              "MediaStorageSOPClassUID", "PixelData"}
    source = Path(headers.__file__).read_text(encoding="utf-8")
    used = {word for word in re.findall(r'"([A-Z][A-Za-z]+)"', source) if word in keyword_dict}
    kept = set(headers._FAST_KEYWORDS) | set(headers._SEQUENCE_KEYWORDS)
    assert used - nested - kept == set()
    assert nested & kept == set()


@pytest.mark.parametrize(
    "name",
    ["neurolabusc_dcm_qa_ct/ct_philips_ingenuity_S2020_1mm/I10",
     "cornerstonejs_cornerstoneWADOImageLoader/"
     "CTImage.dcm_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm"],
)
def test_fast_scan_equals_pydicom_on_damaged_headers(dicom_data: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Random bytes changed in the header of a real file (tags, VRs, lengths, values): whatever the
    damage, the scan's answer is pydicom's, or the scan leaves the file to pydicom."""
    original = (dicom_data / name).read_bytes()
    image = read_image_file(dicom_data / name)
    assert isinstance(image, ImageFile)
    rng = np.random.default_rng(11)
    path = tmp_path / "damaged.dcm"
    scanned = 0
    for _ in range(120):
        data = bytearray(original)
        for position in rng.integers(128, image.source.offset, size=int(rng.integers(1, 5))):
            data[position] = int(rng.integers(0, 256))
        path.write_bytes(bytes(data))
        taken, fast, reference = _both_ways(path, monkeypatch)
        assert fast == reference, bytes(data[128:image.source.offset]).hex()
        scanned += taken
    assert scanned > 60  # most damage leaves a file the scan still reads


# --- issue 13: messages that say what happened -----------------------------------------------------
def test_compression_ratios_are_rounded_as_a_reader_quotes_them(tmp_path: Path) -> None:
    found = _header(tmp_path, LossyImageCompression="01",
                    LossyImageCompressionRatio=["9.837650", "10", "2.34"])
    assert found.lossy.ratios == ("9,8", "10", "2,3")


def test_a_parsers_oserror_is_a_corrupt_file_not_a_disk_problem(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """pydicom says "End of file reached before delimiter" with OSError: the file is malformed, and
    "droits, disque ou fichier déplacé" would send the reader to the wrong place."""
    path = _write(tmp_path)

    def parser_error(*_: object) -> None:
        raise OSError("End of file reached before delimiter (FFFE,E0DD) found")

    monkeypatch.setattr(headers, "_read", parser_error)
    found = read_image_file(path)
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.CORRUPT
    assert "droits" not in found.message and "corrompu" in found.message

    def denied(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(headers, "_read", denied)
    found = read_image_file(path)
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.UNREADABLE


def test_a_truncated_file_is_never_blamed_on_the_disk(dicom_data: Path, tmp_path: Path) -> None:
    """Real files cut inside their header (pydicom says "No tag to read at file position" with an
    OSError): whatever is raised, the message is never « droits, disque »."""
    for name in ("CT1_JLSL.dcm", "RG3_J2KR.dcm"):
        source = (dicom_data / "nema_wg04_via_dicom-test-files" / name).read_bytes()
        for cut in range(700, 1000, 7):
            path = tmp_path / f"cut{cut}.dcm"
            path.write_bytes(source[:cut])
            found = read_image_file(path)
            assert isinstance(found, FileProblem), cut
            assert found.kind is not ProblemKind.UNREADABLE, (name, cut, found.detail)
            assert "droits" not in found.message


def test_the_patient_identity_is_read_from_the_header(tmp_path: Path) -> None:
    found = _header(tmp_path, PatientName="DUPONT^Jean^Marie", PatientID="123456",
                    PatientBirthDate="19440312", PatientSex="M")
    assert found.patient.display_name == "DUPONT Jean Marie"
    assert (found.patient.patient_id, found.patient.birth_date_fr, found.patient.sex) == \
        ("123456", "12/03/1944", "M")
    assert not _header(tmp_path, PatientName=None, PatientID=None).patient.known


def test_whole_slide_images_and_waveforms_get_one_line(tmp_path: Path) -> None:
    wsi = "1.2.840.10008.5.1.4.1.1.77.1.6"
    found = read_image_file(_write(tmp_path, SOPClassUID=wsi))
    assert isinstance(found, FileProblem) and found.kind is ProblemKind.UNSUPPORTED_OBJECT
    assert "microscopie" in found.message and found.severity is Severity.INFO


def test_a_missing_photometric_interpretation_is_assumed_and_said(tmp_path: Path) -> None:
    found = _header(tmp_path, PhotometricInterpretation=None)
    assert found.fmt.photometric == "MONOCHROME2"
    assert any("Interprétation photométrique absente" in note for note in found.notes)


def test_key_objects_presentation_states_and_reports_are_documents_not_series(tmp_path: Path) -> None:
    """A study the workstation sent back to the platform carries its KOS, GSPS and SR: they are named
    « document sans image » (an INFO, skipped by design), never planned as an image series."""
    write_series(tmp_path, axial_positions(3))
    documents = {"1.2.840.10008.5.1.4.1.1.88.59": ("KO", "Key Object Selection Document Storage"),
                 "1.2.840.10008.5.1.4.1.1.11.1": ("PR", "Grayscale Softcopy Presentation State Storage"),
                 "1.2.840.10008.5.1.4.1.1.88.33": ("SR", "Comprehensive SR Storage")}
    for sop_class, (modality, _) in documents.items():
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = sop_class
        ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.SOPInstanceUID = sop_class, ds.file_meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.Modality = generate_uid(), generate_uid(), modality
        ds.save_as(tmp_path / f"{modality}.dcm", enforce_file_format=True)
    study = load_study(tmp_path)
    assert len(study.series) == 1 and study.series[0].shape[0] == 3
    found = {Path(p.path).stem: p for p in study.problems}
    assert sorted(found) == ["KO", "PR", "SR"]
    for modality, name in documents.values():
        problem = found[modality]
        assert problem.kind is ProblemKind.NON_IMAGE and problem.severity is Severity.INFO
        assert str(problem.message) == f"ignoré : document sans image ({name})."
