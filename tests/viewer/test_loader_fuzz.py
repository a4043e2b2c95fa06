"""Bounded, seeded fuzzing of the loader on the real DICOM files of ../shared (issue 13).

Each round damages a handful of real files (every transfer syntax the viewer supports, single and
multi-frame, grey and colour) the ways storage and networks damage them: flipped bytes in the header
or the pixels, cut files, chunks lost or inserted, a codestream or RLE header rewritten, a transfer
syntax swapped for another. The round's folder, with two intact CT slices, is loaded as a study by a
loader with worker processes. Every load must finish, nothing may escape the loader, no frame may
take longer than its deadline, and the intact CT slices must always arrive.

Deterministic: one seed, a fixed number of rounds (about 30-60 s on the 2-core CI machine).
"""
from __future__ import annotations

import logging
import random
import shutil
import time
from pathlib import Path

import pytest

from tests.viewer.bad_study import CORNERSTONE, CT_FOLDER
from viewer.headers import ImageFile, read_image_file
from viewer.loader import LoadObserver, StudyLoad, StudyLoader
from viewer.problems import FileProblem
from viewer.series import Series
from viewer.workers import FrameDeadline

SEED = 20261206
ROUNDS = 32
FILES_PER_ROUND = 7
DEADLINE = FrameDeadline(base_s=2.0, per_megapixel_s=1.0)
# what the loader may take on top of a frame's deadline to notice it (its watch runs every ~10-200 ms)
DEADLINE_SLACK_S = 0.6

CORPUS = (
    f"{CORNERSTONE}/CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm",
    f"{CORNERSTONE}/CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm",
    f"{CORNERSTONE}/CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm",
    f"{CORNERSTONE}/CTImage.dcm_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm",
    f"{CORNERSTONE}/CTImage.dcm",
    f"{CORNERSTONE}/US-YBR_FULL_422-EVRLE.dcm",
    "pydicom_pydicom-data/emri_small_RLE.dcm",
    "pydicom_pydicom-data/emri_small_jpeg_2k_lossless.dcm",
    "pydicom_pydicom-data/emri_small_jpeg_ls_lossless.dcm",
    "pydicom_pydicom-data/emri_small_big_endian.dcm",
    "pydicom_pydicom-data/OBXXXX1A_rle_2frame.dcm",
    "pydicom_pylibjpeg-data/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm",
    "pydicom_pylibjpeg-data/SC_rgb_dcmtk_+eb+cy+np.dcm",
    "pydicom_pylibjpeg-data/JPEGBaseline_1s_1f_u_08_08.dcm",
    "nema_wg04_via_dicom-test-files/CT1_JLSN.dcm",
)
# compressed syntaxes of the same length, swapped in the file meta without moving a byte
SAME_LENGTH_SYNTAXES = tuple(f"1.2.840.10008.1.2.4.{n}".encode() for n in (50, 51, 57, 70, 80, 81, 90, 91))


class _Strict(LoadObserver):
    """Records every event; an observer event is also where a loader bug would show."""

    def __init__(self) -> None:
        self.problems: list[FileProblem] = []
        self.done: list[Series] = []

    def file_problem(self, problem: FileProblem) -> None:
        assert problem.message and problem.detail
        self.problems.append(problem)

    def series_done(self, series: Series) -> None:
        assert series.complete
        self.done.append(series)


def _mutate(data: bytes, pixel_offset: int, rng: random.Random) -> tuple[str, bytes]:
    out = bytearray(data)
    size = len(out)
    start = max(132, min(pixel_offset, size - 1))  # deflated files have no pixel offset: anywhere
    kind = rng.choice(("pixels", "header", "cut", "lose", "insert", "codestream", "syntax", "rle"))
    if kind == "pixels":
        for _ in range(rng.randint(1, 40)):
            out[rng.randrange(start, size)] = rng.randrange(256)
    elif kind == "header":
        for _ in range(rng.randint(1, 6)):
            out[rng.randrange(132, min(size, max(start + 16, 1024)))] = rng.randrange(256)
    elif kind == "cut":
        del out[rng.randrange(132, size):]
    elif kind == "lose":
        at = rng.randrange(start, size)
        del out[at:at + rng.randint(1, 4096)]
    elif kind == "insert":
        at = rng.randrange(start, size)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    elif kind == "codestream":  # a frame header's size fields (JPEG SOF / JPEG-LS SOF55 / J2K SIZ)
        for marker, fields in ((b"\xff\xc0", 5), (b"\xff\xc1", 5), (b"\xff\xc2", 5), (b"\xff\xc3", 5),
                               (b"\xff\xf7", 5), (b"\xff\x51", 6)):
            at = out.find(marker, start)
            if at > 0:
                for k in range(at + fields, min(size, at + fields + 8)):
                    if rng.random() < 0.4:
                        out[k] = rng.randrange(256)
                break
    elif kind == "syntax":
        for uid in SAME_LENGTH_SYNTAXES:
            at = out.find(uid, 0, 1024)
            if at > 0:
                out[at:at + len(uid)] = rng.choice(SAME_LENGTH_SYNTAXES)
                break
    else:  # an RLE header's segment count and offsets (or whatever the first fragment starts with)
        for _ in range(rng.randint(1, 6)):
            at = start + 16 + rng.randrange(64)
            if at < size:
                out[at] = rng.randrange(256)
    return kind, bytes(out)


def test_fuzzed_real_files_always_load(dicom_data: Path, tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(SEED)
    corpus: list[tuple[str, bytes, int]] = []
    for name in CORPUS:
        path = dicom_data / name
        image = read_image_file(path)
        assert isinstance(image, ImageFile), f"{name}: {image}"
        corpus.append((path.name, path.read_bytes(), max(image.source.offset, 0)))
    ct = sorted((p for p in (dicom_data / CT_FOLDER).iterdir() if p.name != "DIRFILE"),
                key=lambda p: int(p.name[1:]))[70:72]
    started = time.perf_counter()
    kinds: dict[str, int] = {}
    slowest: list[float] = []
    with caplog.at_level(logging.WARNING), StudyLoader(2, deadline=DEADLINE) as loader:
        loader.warm_up()
        for round_ in range(ROUNDS):
            folder = tmp_path / f"round{round_:02d}"
            folder.mkdir()
            intact = []
            for path in ct:
                shutil.copyfile(path, folder / f"ct_{path.name}")
                intact.append(str(folder / f"ct_{path.name}"))
            for k, (name, data, offset) in enumerate(rng.sample(corpus, FILES_PER_ROUND)):
                kind, mutated = _mutate(data, offset, rng)
                kinds[kind] = kinds.get(kind, 0) + 1
                (folder / f"{k}_{kind}_{name}").write_bytes(mutated)
            observer = _Strict()
            handle = loader.load(folder, observer)
            study: StudyLoad = handle.result(timeout=90)  # raises if anything escaped the loader
            _check_round(round_, study, observer, intact)
            slowest.append(round(study.timings.slowest_frame_s, 2))
        killed = loader._pool.killed if loader._pool is not None else 0
    seconds = time.perf_counter() - started
    assert "study load failed" not in caplog.text and "observer" not in caplog.text
    assert "decoding pool manager failed" not in caplog.text
    assert set(kinds) == {"pixels", "header", "cut", "lose", "insert", "codestream", "syntax", "rle"}
    print(f"fuzz: {ROUNDS} rounds, {ROUNDS * FILES_PER_ROUND} damaged files, {seconds:.1f} s; {kinds}; "
          f"workers killed past a deadline: {killed}; slowest frame per round (s): {slowest}")


def _check_round(round_: int, study: StudyLoad, observer: _Strict, intact: list[str]) -> None:
    assert not study.cancelled
    assert len(observer.problems) == len(study.problems)
    for series in study.series:
        assert series.complete, f"round {round_}: a series never finished"
    # no frame took longer than its deadline (the largest one of the round's images)
    formats = [s.file.fmt for series in study.series for s in series.slices]
    longest = max((DEADLINE.seconds(fmt) for fmt in formats), default=DEADLINE.base_s)
    assert study.timings.slowest_frame_s <= longest + DEADLINE_SLACK_S, (
        f"round {round_}: a frame took {study.timings.slowest_frame_s:.2f} s (deadline {longest:.2f} s)")
    # the intact CT slices always arrive, whatever lies next to them
    loaded = {s.file.path for series in study.series for k, s in enumerate(series.slices)
              if series.is_loaded(k)}
    assert set(intact) <= loaded, f"round {round_}: an intact CT slice did not load"
    for problem in study.problems:
        assert problem.path not in intact
