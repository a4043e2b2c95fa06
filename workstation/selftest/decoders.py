"""The decoder checks: for every transfer syntax the viewer supports, a tiny image written in it,
read and decoded by the loader's own path, compared with the original.

The six JPEG processes have no encoder among the runtime dependencies, so their frames were encoded
once by DCMTK from :func:`sample_image` (``packaging/make_jpeg_samples.py``) and ship as package data
beside this module (``jpeg-<transfer syntax UID>.jpg``; pyproject.toml's package-data and the
PyInstaller spec carry them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from resources.translations import QT_TRANSLATE_NOOP, composed
from workstation.selftest.isolated import run_isolated
from workstation.selftest.report import Check, Status

if TYPE_CHECKING:
    import numpy as np
    from pydicom.dataset import Dataset

    from viewer.codecs import DecodeTask

log = logging.getLogger(__name__)

SAMPLE_SIZE = 32  # JPEG 2000's default of 6 resolution levels needs 32 pixels a side


# The names the decoder checks show (``Décodeur {name}``): the French descriptions are translated like
# the rest, the bare technical names are not.
SYNTAX_NAMES: dict[str, str] = {
    "1.2.840.10008.1.2": QT_TRANSLATE_NOOP("Selftest", "implicite petit-boutiste (non compressé)"),
    "1.2.840.10008.1.2.1": QT_TRANSLATE_NOOP("Selftest", "explicite petit-boutiste (non compressé)"),
    "1.2.840.10008.1.2.2": QT_TRANSLATE_NOOP("Selftest", "explicite gros-boutiste (non compressé)"),
    "1.2.840.10008.1.2.1.99": QT_TRANSLATE_NOOP("Selftest", "explicite petit-boutiste comprimé (deflate)"),
    "1.2.840.10008.1.2.4.50": QT_TRANSLATE_NOOP("Selftest", "JPEG de base 8 bits (avec perte)"),
    "1.2.840.10008.1.2.4.51": QT_TRANSLATE_NOOP("Selftest", "JPEG étendu 12 bits (avec perte)"),
    "1.2.840.10008.1.2.4.53": QT_TRANSLATE_NOOP("Selftest",
                                                "JPEG à sélection spectrale (avec perte, retiré)"),
    "1.2.840.10008.1.2.4.55": QT_TRANSLATE_NOOP("Selftest", "JPEG progressif (avec perte, retiré)"),
    "1.2.840.10008.1.2.4.57": QT_TRANSLATE_NOOP("Selftest", "JPEG sans perte"),
    "1.2.840.10008.1.2.4.70": QT_TRANSLATE_NOOP("Selftest", "JPEG sans perte, prédicteur 1"),
    "1.2.840.10008.1.2.4.80": QT_TRANSLATE_NOOP("Selftest", "JPEG-LS sans perte"),
    "1.2.840.10008.1.2.4.81": QT_TRANSLATE_NOOP("Selftest", "JPEG-LS quasi sans perte"),
    "1.2.840.10008.1.2.4.90": QT_TRANSLATE_NOOP("Selftest", "JPEG 2000 sans perte"),
    "1.2.840.10008.1.2.4.91": "JPEG 2000",
    "1.2.840.10008.1.2.4.201": QT_TRANSLATE_NOOP("Selftest", "HTJ2K sans perte"),
    "1.2.840.10008.1.2.4.202": QT_TRANSLATE_NOOP("Selftest", "HTJ2K sans perte (RPCL)"),
    "1.2.840.10008.1.2.4.203": "HTJ2K",
    "1.2.840.10008.1.2.5": QT_TRANSLATE_NOOP("Selftest", "RLE sans perte"),
}

# Syntaxes whose sample is encoded with loss: the decoded image is compared within a tolerance.
_LOSSY_SAMPLES = {
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.53",
    "1.2.840.10008.1.2.4.55",
    "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.91",
}
# HTJ2K: no encoder is available anywhere in the stack, so the sample is a JPEG 2000 Part 1
# codestream under the HTJ2K syntax (an HTJ2K decoder reads Part 1 codestreams as well).
_HTJ2K = {"1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"}

# Syntaxes whose frame DCMTK encoded (dcmcjpeg 3.6.7): sample_image(8) for .50, sample_image(12) for
# the others.
JPEG_SYNTAXES = (
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.53",
    "1.2.840.10008.1.2.4.55",
    "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70",
)


def jpeg_frame(uid: str) -> bytes:
    """The shipped JPEG frame of :func:`sample_image` in syntax ``uid`` (package data)."""
    return resources.files(__package__).joinpath(f"jpeg-{uid}.jpg").read_bytes()


def sample_image(bits: int) -> np.ndarray:
    """A small image with smooth ramps (fair to lossy coders) and a flat square (edges for lossless)."""
    import numpy as np

    top = (1 << bits) - 1
    y, x = np.mgrid[0:SAMPLE_SIZE, 0:SAMPLE_SIZE]
    image = x * top // (2 * SAMPLE_SIZE) + y * top // (3 * SAMPLE_SIZE)
    third = SAMPLE_SIZE // 3
    image[third : 2 * third, third : 2 * third] = top // 8
    return image.astype(np.uint8 if bits == 8 else np.uint16)


def sample_dataset(bits: int) -> Dataset:
    """A fictional secondary capture holding :func:`sample_image`, explicit VR little endian."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import UID, ExplicitVRLittleEndian, SecondaryCaptureImageStorage

    # fixed UIDs under the pydicom root: the file is a throw-away and its bytes stay reproducible
    uid = UID("1.2.826.0.1.3680043.8.498.7777.1")
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = uid + ".1"
    ds.SeriesInstanceUID = uid + ".2"
    ds.Modality = "OT"
    ds.PatientName = "AUTOTEST^Image"
    ds.PatientID = "AUTOTEST"
    image = sample_image(bits)
    ds.Rows, ds.Columns = image.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 8 if bits == 8 else 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.PixelData = image.tobytes()
    return ds


def write_sample(uid: str, folder: Path) -> Path:
    """Write :func:`sample_image` in transfer syntax ``uid``; raises when this installation cannot."""
    import pydicom
    from pydicom.encaps import encapsulate
    from pydicom.uid import (
        JPEG2000,
        UID,
        ExplicitVRBigEndian,
        JPEG2000Lossless,
        JPEGLSLossless,
        JPEGLSNearLossless,
        RLELossless,
    )

    path = folder / f"{uid}.dcm"
    ds = sample_dataset(8 if uid == "1.2.840.10008.1.2.4.50" else 12)
    if uid in JPEG_SYNTAXES:
        ds.PixelData = encapsulate([jpeg_frame(uid)])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        ds.file_meta.TransferSyntaxUID = UID(uid)
        if uid != "1.2.840.10008.1.2.4.70" and uid != "1.2.840.10008.1.2.4.57":
            ds.LossyImageCompression = "01"
    elif uid == ExplicitVRBigEndian:
        ds.PixelData = sample_image(12).byteswap().tobytes()
        ds.file_meta.TransferSyntaxUID = ExplicitVRBigEndian
        pydicom.dcmwrite(path, ds, implicit_vr=False, little_endian=False, force_encoding=True)
        return path
    elif uid == RLELossless:
        ds.compress(RLELossless, encoding_plugin="pydicom")
    elif uid == JPEGLSLossless:
        ds.compress(JPEGLSLossless, encoding_plugin="pyjpegls")
    elif uid == JPEGLSNearLossless:
        ds.compress(JPEGLSNearLossless, encoding_plugin="pyjpegls", jls_error=3)
    elif uid == JPEG2000:
        ds.compress(JPEG2000, encoding_plugin="pylibjpeg", j2k_cr=[4])
    elif uid == JPEG2000Lossless or uid in _HTJ2K:
        ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
        ds.file_meta.TransferSyntaxUID = UID(uid)
    else:  # uncompressed and deflated: pydicom writes them from the file meta's transfer syntax
        ds.file_meta.TransferSyntaxUID = UID(uid)
    ds.save_as(path, enforce_file_format=True)
    return path


@dataclass(frozen=True, slots=True)
class Comparison:
    matches: bool
    detail: str  # a UserText, part of the decoder check's detail


def compare(uid: str, decoded: object) -> Comparison:
    """Does ``decoded`` show :func:`sample_image`? Exactly, or within a tolerance for lossy samples."""
    import numpy as np

    if not isinstance(decoded, np.ndarray):
        failed = QT_TRANSLATE_NOOP("Selftest", "échec du décodage ({cause})")
        return Comparison(False, failed.format(cause=str(getattr(decoded, "detail", decoded))))
    expected = sample_image(8 if uid == "1.2.840.10008.1.2.4.50" else 12)
    if decoded.shape != expected.shape:
        shaped = QT_TRANSLATE_NOOP("Selftest", "image de forme {shape} au lieu de {expected}")
        return Comparison(False, shaped.format(shape=decoded.shape, expected=expected.shape))
    error = np.abs(decoded.astype(np.int64) - expected.astype(np.int64))
    if uid not in _LOSSY_SAMPLES:
        if error.any():
            differ = QT_TRANSLATE_NOOP("Selftest", "{count} pixels différents de l'original")
            return Comparison(False, differ.format(count=int(np.count_nonzero(error))))
        return Comparison(True, QT_TRANSLATE_NOOP("Selftest", "restituée à l'identique"))
    full_scale = float(expected.max())
    mean, worst = float(error.mean()) / full_scale, float(error.max()) / full_scale
    # the samples' coders stay well below: measured at most 0.4 % mean and 4.4 % worst (JPEG baseline)
    if mean > 0.02 or worst > 0.10:
        altered = QT_TRANSLATE_NOOP("Selftest", "écart moyen {mean:.1%}, maximal {worst:.1%} : image altérée")
        return Comparison(False, altered.format(mean=mean, worst=worst))
    lossy = QT_TRANSLATE_NOOP("Selftest", "restituée avec perte attendue (écart moyen {mean:.1%})")
    return Comparison(True, lossy.format(mean=mean))


@dataclass(slots=True)
class Samples:
    """The samples written for this run: the decode task of each syntax, or why it could not be made."""

    tasks: dict[str, DecodeTask] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # UserText


def prepare_samples(folder: Path) -> Samples:
    from viewer.codecs import SUPPORTED, DecodeTask
    from viewer.headers import ImageFile, read_image_file

    samples = Samples()
    for uid in SUPPORTED:
        try:
            path = write_sample(uid, folder)
        except Exception as exc:  # a missing encoder plugin raises RuntimeError, others their own types
            log.warning("self-test: cannot write a %s sample: %s: %s", uid, type(exc).__name__, exc)
            cause = " ".join(str(exc).split())  # pydicom's messages span lines: one line per check
            samples.problems[uid] = QT_TRANSLATE_NOOP(
                "Selftest", "image de test impossible à écrire ({error} : {cause})"
            ).format(error=type(exc).__name__, cause=cause)
            continue
        header = read_image_file(path)
        if not isinstance(header, ImageFile):
            log.warning("self-test: header of the %s sample unreadable: %s", uid, header.detail)
            samples.problems[uid] = QT_TRANSLATE_NOOP("Selftest", "en-tête illisible : {problem}").format(
                problem=header.user_text())
            continue
        samples.tasks[uid] = DecodeTask(header.source, header.fmt, (0,))
    return samples


def _decode_all(tasks: dict[str, DecodeTask]) -> dict[str, object]:
    """Decode the first frame of each task; runs in the self-test process and in a worker."""
    from viewer.codecs import decode_task

    return {uid: decode_task(task)[0] for uid, task in tasks.items()}


def check_decoders(samples: Samples) -> list[Check]:
    from viewer.codecs import SUPPORTED

    decoded = _decode_all(samples.tasks)
    checks = []
    for uid, support in SUPPORTED.items():
        name = SYNTAX_NAMES.get(uid, support.name)
        label = QT_TRANSLATE_NOOP("Selftest", "Décodeur {name}").format(name=name)
        data = {"transfer_syntax": uid, "name": name, "backend": support.backend.value}
        if uid in samples.problems:
            checks.append(Check(f"decoder.{uid}", "decodeurs", label, Status.FAILURE,
                                composed("{} ({})", samples.problems[uid], uid), data))
            continue
        result = compare(uid, decoded[uid])
        data["decoded"] = result.matches
        status = Status.OK if result.matches else Status.FAILURE
        if uid in _HTJ2K:
            detail = QT_TRANSLATE_NOOP("Selftest", "{backend}, image {size}×{size} {result} ; flux JPEG 2000 "
                                                   "partie 1, aucun encodeur HTJ2K disponible ({uid})")
        else:
            detail = QT_TRANSLATE_NOOP("Selftest", "{backend}, image {size}×{size} {result} ({uid})")
        detail = detail.format(backend=support.backend.value, size=SAMPLE_SIZE, result=result.detail, uid=uid)
        if not result.matches:
            log.warning("self-test: decoder for %s failed: %s", uid, result.detail)
        checks.append(Check(f"decoder.{uid}", "decodeurs", label, status, detail, data))
    return checks


def check_decoder_workers(samples: Samples) -> Check:
    """The compressed samples decoded again in a ``spawn`` process, as the viewer's loader does."""
    compressed = {uid: t for uid, t in samples.tasks.items() if t.source.length is None}
    label = QT_TRANSLATE_NOOP("Selftest", "Décodage dans les processus auxiliaires")
    outcome = run_isolated(_decode_all, compressed)
    if outcome.error:
        detail = QT_TRANSLATE_NOOP("Selftest", "le processus de décodage n'a pas abouti ({error})")
        return Check("decoder.workers", "decodeurs", label, Status.FAILURE,
                     detail.format(error=outcome.error), {"error": outcome.error})
    wrong = [uid for uid, value in outcome.value.items() if not compare(uid, value).matches]
    data = {"syntaxes": len(compressed), "wrong": wrong, "seconds": round(outcome.seconds, 2)}
    if wrong:
        detail = QT_TRANSLATE_NOOP("Selftest", "{count} syntaxes mal décodées hors du processus principal : "
                                               "{syntaxes}")
        detail = detail.format(count=len(wrong), syntaxes=", ".join(wrong))
        return Check("decoder.workers", "decodeurs", label, Status.FAILURE, detail, data)
    detail = QT_TRANSLATE_NOOP("Selftest", "{count} syntaxes compressées décodées à l'identique par un "
                                           "processus « spawn » ({seconds:.1f} s, démarrage compris)")
    return Check("decoder.workers", "decodeurs", label, Status.OK,
                 detail.format(count=len(compressed), seconds=outcome.seconds), data)


