"""Pixel decoding: one pinned back-end per transfer syntax, and the frame decoders the workers run.

Why pinned: with python-gdcm installed pydicom tries gdcm first, and JPEG pixel values differ slightly
between back-ends, so an image could change with the machine's installed packages. Each syntax here names
the back-end measured fastest among the runtime dependencies of pyproject.toml (python-gdcm is only a
test reference). Measured on 512x512 CT frames (bench/viewer.py): CharLS beats libjpeg's JPEG-LS 4x,
pylibjpeg-rle beats pydicom's RLE 7x, libjpeg-turbo 3 (imagecodecs) beats pylibjpeg-libjpeg 4-6x on
lossless, baseline and extended JPEG (and python-gdcm 3-5x); calling OpenJPEG directly saves pydicom's
20-35 %. Monochrome frames (what radiology is made of) go to imagecodecs' builds of libjpeg-turbo,
CharLS and OpenJPEG, which release the GIL, so the loader decodes them on threads; colour frames, and
every frame when the optional imagecodecs package is absent, go through pydicom's plugins (same
libraries, or pylibjpeg-libjpeg for JPEG: same values for lossless, within one level for lossy).

pydicom's plugins hold the GIL, so their parallel decoding needs processes: everything a worker
receives or returns here is plain picklable data, and nothing in this module keeps state between calls.
"""
from __future__ import annotations

import functools
import importlib.util
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import pydicom
from pydicom.encaps import get_frame
from pydicom.pixels import apply_color_lut, get_decoder
from pydicom.uid import UID

from resources.translations import QT_TRANSLATE_NOOP

_WARNINGS_LOCK = threading.Lock()


@contextmanager
def pydicom_quietly() -> Iterator[list[warnings.WarningMessage]]:
    """Collect pydicom's warnings instead of printing them; the caller folds them into its own report.

    ``warnings.catch_warnings`` swaps process-wide state, so concurrent loads take turns through it.
    """
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


class Lossy(Enum):
    """Whether the transfer syntax itself implies an irreversible compression."""

    NO = "non"
    YES = "oui"
    MAYBE = "possible"  # JPEG-LS near-lossless and JPEG 2000 may also be used reversibly


class Backend(Enum):
    NATIVE = QT_TRANSLATE_NOOP("viewer.codecs", "numpy (non compressé)")
    DATASET = QT_TRANSLATE_NOOP("viewer.codecs", "pydicom (jeu de données complet)")
    LIBJPEG = "pylibjpeg-libjpeg"
    TURBOJPEG = "imagecodecs (libjpeg-turbo)"
    LIBJPEG_DIRECT = "pylibjpeg-libjpeg (direct)"
    CHARLS = "pyjpegls (CharLS)"
    OPENJPEG = "pylibjpeg-openjpeg"
    RLE = "pylibjpeg-rle"
    GDCM = QT_TRANSLATE_NOOP("viewer.codecs", "python-gdcm (secours)")


# pydicom's decoding_plugin name for each back-end that goes through pydicom's decoder
_PLUGIN = {
    Backend.LIBJPEG: "pylibjpeg",
    Backend.TURBOJPEG: "pylibjpeg",  # colour frames, or imagecodecs missing: libjpeg through pydicom
    Backend.OPENJPEG: "pylibjpeg",
    Backend.RLE: "pylibjpeg",
    Backend.CHARLS: "pyjpegls",
}


@dataclass(frozen=True, slots=True)
class SyntaxSupport:
    uid: str
    backend: Backend
    lossy: Lossy

    @property
    def encapsulated(self) -> bool:
        return self.backend not in (Backend.NATIVE, Backend.DATASET)

    @property
    def name(self) -> str:
        return UID(self.uid).name


_TABLE = (
    ("1.2.840.10008.1.2", Backend.NATIVE, Lossy.NO),
    ("1.2.840.10008.1.2.1", Backend.NATIVE, Lossy.NO),
    ("1.2.840.10008.1.2.2", Backend.NATIVE, Lossy.NO),
    ("1.2.840.10008.1.2.1.99", Backend.DATASET, Lossy.NO),  # deflated: the whole dataset is one zlib stream
    ("1.2.840.10008.1.2.4.50", Backend.TURBOJPEG, Lossy.YES),
    ("1.2.840.10008.1.2.4.51", Backend.TURBOJPEG, Lossy.YES),
    # Processes 6/8 and 10/12 are retired and pydicom has no decoder for them; libjpeg still reads them.
    ("1.2.840.10008.1.2.4.53", Backend.LIBJPEG_DIRECT, Lossy.YES),
    ("1.2.840.10008.1.2.4.55", Backend.LIBJPEG_DIRECT, Lossy.YES),
    ("1.2.840.10008.1.2.4.57", Backend.TURBOJPEG, Lossy.NO),
    ("1.2.840.10008.1.2.4.70", Backend.TURBOJPEG, Lossy.NO),
    ("1.2.840.10008.1.2.4.80", Backend.CHARLS, Lossy.NO),
    ("1.2.840.10008.1.2.4.81", Backend.CHARLS, Lossy.MAYBE),
    ("1.2.840.10008.1.2.4.90", Backend.OPENJPEG, Lossy.NO),
    ("1.2.840.10008.1.2.4.91", Backend.OPENJPEG, Lossy.MAYBE),
    ("1.2.840.10008.1.2.4.201", Backend.OPENJPEG, Lossy.NO),
    ("1.2.840.10008.1.2.4.202", Backend.OPENJPEG, Lossy.NO),
    ("1.2.840.10008.1.2.4.203", Backend.OPENJPEG, Lossy.MAYBE),
    ("1.2.840.10008.1.2.5", Backend.RLE, Lossy.NO),
)
SUPPORTED: dict[str, SyntaxSupport] = {uid: SyntaxSupport(uid, b, lossy) for uid, b, lossy in _TABLE}


def syntax_support(uid: str) -> SyntaxSupport | None:
    return SUPPORTED.get(str(uid))


@dataclass(frozen=True, slots=True)
class PixelFormat:
    """The Image Pixel module values that decide how bytes become samples."""

    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    bits_stored: int
    pixel_representation: int
    photometric: str
    planar_configuration: int = 0

    @property
    def frame_bytes(self) -> int:
        """Bytes of one natively encoded frame (bit-packed 1-bit data rounds up)."""
        # YBR_FULL_422 stores two chroma samples per pair of pixels: 2 samples per pixel, not 3
        samples = self.samples_per_pixel
        if self.photometric == "YBR_FULL_422" and samples == 3:
            samples = 2
        return (self.rows * self.columns * samples * self.bits_allocated + 7) // 8

    @property
    def is_monochrome(self) -> bool:
        return self.samples_per_pixel == 1 and self.photometric in ("MONOCHROME1", "MONOCHROME2")

    @property
    def file_dtype(self) -> np.dtype | None:
        """The dtype of natively stored samples, or None when they are not whole bytes."""
        if self.bits_allocated not in (8, 16, 32):
            return None
        kind = "i" if self.pixel_representation else "u"
        return np.dtype(f"<{kind}{self.bits_allocated // 8}")

    def decoder_options(self, number_of_frames: int) -> dict[str, object]:
        return {
            "rows": self.rows,
            "columns": self.columns,
            "samples_per_pixel": self.samples_per_pixel,
            "bits_allocated": self.bits_allocated,
            "bits_stored": self.bits_stored,
            "pixel_representation": self.pixel_representation,
            "photometric_interpretation": self.photometric,
            "planar_configuration": self.planar_configuration,
            "number_of_frames": number_of_frames,
            "pixel_keyword": "PixelData",
        }


@dataclass(frozen=True, slots=True)
class PixelSource:
    """Where a file's pixel data lives, found once while reading its header.

    ``offset`` is the first byte of the Pixel Data value, or -1 when the value can only be reached by
    reading the whole dataset (deflated syntax). ``length`` is None for undefined (encapsulated) length.
    """

    path: str
    transfer_syntax: str
    offset: int
    length: int | None
    number_of_frames: int
    vr: str = "OW"

    @property
    def big_endian(self) -> bool:
        return self.transfer_syntax == "1.2.840.10008.1.2.2"


@dataclass(frozen=True, slots=True)
class DecodeTask:
    """Frames of one file to decode, as sent to a worker process."""

    source: PixelSource
    fmt: PixelFormat
    frames: tuple[int, ...]
    # a second pass on frames the pinned back-end refused, by python-gdcm alone; only where a stuck or
    # crashing decoder costs nothing but those frames (a worker process under a deadline)
    last_resort: bool = False


@dataclass(frozen=True, slots=True)
class DecodeFailure:
    """A frame that did not decode; ``detail`` is the English cause for the log."""

    frame: int
    detail: str
    deadline_s: float | None = None  # set when the frame was stopped for taking longer than this
    rescuable: bool = True  # False when no other decoder should be asked (the codestream contradicts
    # the header: a decoder that trusts the codestream would spend seconds on a wrong size)


@dataclass(frozen=True, slots=True)
class Rescued:
    """A frame the pinned back-end refused and the last-resort decoder read; ``decoder`` names it."""

    frame: int
    pixels: np.ndarray
    decoder: str
    detail: str  # why the pinned back-end refused it (English, for the log)


FrameResult = np.ndarray | DecodeFailure | Rescued


def can_read_directly(source: PixelSource, fmt: PixelFormat, volume_dtype: np.dtype) -> bool:
    """True when the stored bytes can land in the volume as they are (then fixed in place).

    This is the fast path of the uncompressed CT: no decoder, no intermediate copy, the read goes straight
    into the preallocated volume.
    """
    support = syntax_support(source.transfer_syntax)
    file_dtype = fmt.file_dtype
    if support is None or support.backend is not Backend.NATIVE or file_dtype is None or source.offset < 0:
        return False
    if not fmt.is_monochrome or (source.big_endian and fmt.bits_allocated == 8 and source.vr == "OW"):
        return False
    if file_dtype == volume_dtype:
        return True
    # unsigned samples of at most 15 stored bits are identical bytes in a signed container of the same size
    return (
        volume_dtype.kind == "i"
        and file_dtype.kind == "u"
        and volume_dtype.itemsize == file_dtype.itemsize
        and fmt.bits_stored < fmt.bits_allocated
    )


def read_directly(
    source: PixelSource, fmt: PixelFormat, frames: tuple[int, ...], outs: list[np.ndarray]
) -> None:
    """Read native frames into ``outs`` (C-contiguous views of the volume); raise on short data."""
    size = fmt.frame_bytes
    file_dtype = fmt.file_dtype
    assert file_dtype is not None
    with open(source.path, "rb", buffering=0) as f:
        for index, out in zip(frames, outs, strict=True):
            f.seek(source.offset + index * size)
            view = out.data.cast("B")
            done = 0
            while done < size:
                got = f.readinto(view[done:])
                if not got:
                    raise EOFError(f"pixel data ends after {done} of {size} bytes of frame {index}")
                done += got
            samples = out.view(file_dtype)
            if source.big_endian:
                samples.byteswap(inplace=True)
            _correct_unused_bits(samples, fmt)


def _correct_unused_bits(samples: np.ndarray, fmt: PixelFormat) -> None:
    """Clear (unsigned) or sign-extend (signed) the bits above Bits Stored, as PS3.5 8.1.1 requires.

    Same rule as pydicom's ``correct_unused_bits``: old scanners left overlay bits up there.
    """
    shift = samples.dtype.itemsize * 8 - fmt.bits_stored
    if shift <= 0:
        return
    if samples.dtype.kind == "u":  # one pass instead of two: unsigned samples only need a mask
        np.bitwise_and(samples, (1 << fmt.bits_stored) - 1, out=samples)
    else:
        np.left_shift(samples, shift, out=samples)
        np.right_shift(samples, shift, out=samples)


def _failure_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _fatal(exc: BaseException) -> bool:
    """What must still stop a worker: an interrupt or an exit request, never a decoder's failure.

    Native decoders written in Rust report a panic (a corrupt RLE frame) as pyo3's PanicException,
    which derives from BaseException precisely so that ``except Exception`` does not swallow it; here
    it is one bad frame like any other."""
    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit)


def decode_frames(task: DecodeTask, threads: int = 1) -> Iterator[FrameResult]:
    """Decode the frames of one file in order, yielding one result per frame as soon as it is ready
    (a worker sends each back at once, so that a deadline applies to one frame, not to a task).

    Never raises for a bad frame: every failure of a decoder, BaseException included, becomes that
    frame's :class:`DecodeFailure`. ``threads``: for a frame decoded alone in the interface's process
    (the first image shown), JPEG 2000 may use that many threads (gdcm does the same).
    """
    if task.last_resort:
        yield from _last_resort_frames(task)
        return
    try:
        reader: _FrameReader | None = _FrameReader(task.source, task.fmt, threads)
        opened = ""
    except BaseException as exc:  # any reader failure is per-file data, reported as such
        if _fatal(exc):
            raise
        reader, opened = None, _failure_text(exc)
    for index in task.frames:
        try:
            if reader is None:
                raise _ReaderFailed(opened)
            yield reader.frame(index)
        except BaseException as exc:
            if _fatal(exc):
                raise
            yield DecodeFailure(index, opened or _failure_text(exc),
                                rescuable=not isinstance(exc, CodestreamMismatch | BrokenFragments))


def _last_resort_frames(task: DecodeTask) -> Iterator[FrameResult]:
    """python-gdcm's reading of frames the pinned back-end refused (it decodes the whole file at once)."""
    try:
        frames: _GdcmFrames | None = _GdcmFrames(task.source, task.fmt)
        opened = ""
    except BaseException as exc:
        if _fatal(exc):
            raise
        frames, opened = None, _failure_text(exc)
    for index in task.frames:
        try:
            if frames is None:
                raise _ReaderFailed(opened)
            yield Rescued(index, frames.frame(index), Backend.GDCM.value, "")
        except BaseException as exc:
            if _fatal(exc):
                raise
            yield DecodeFailure(index, f"python-gdcm: {opened or _failure_text(exc)}", rescuable=False)


def decode_task(task: DecodeTask, threads: int = 1) -> list[FrameResult]:
    """Decode the frames of one file; one result per frame, failures as values (see decode_frames)."""
    return list(decode_frames(task, threads))


_JPEG_SOF = frozenset((0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xF7))
_JPEG_STANDALONE = frozenset((0x01, *range(0xD0, 0xD9)))
_HEADER_SCAN = 65536  # a codestream's frame header comes within its first tables


def codestream_marker(encoded: bytes) -> int | None:
    """The start-of-frame marker of a JPEG or JPEG-LS codestream (0xC3: lossless, 0xF7: JPEG-LS...)."""
    found = _jpeg_frame_header(bytes(encoded[:_HEADER_SCAN]))
    return None if found is None else found[0]


def _jpeg_frame_header(data: bytes) -> tuple[int, int] | None:
    """(SOF marker, its offset) walking the markers of a JPEG codestream from its SOI."""
    if data[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker in _JPEG_SOF:
            return marker, pos
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker == 0xDA or length < 2:
            return None
        pos += 2 + length
    return None


def codestream_size(encoded: bytes) -> tuple[int, int] | None:
    """(rows, columns) a JPEG, JPEG-LS or JPEG 2000 codestream declares in its frame header, or None
    when it has none where expected (then the decoder itself reports the damage)."""
    data = bytes(encoded[:_HEADER_SCAN])
    if data[:2] == b"\xff\xd8":  # JPEG and JPEG-LS: markers with lengths up to the start of frame
        found = _jpeg_frame_header(data)
        if found is None or found[1] + 9 > len(data):
            return None
        pos = found[1]
        return int.from_bytes(data[pos + 5:pos + 7], "big"), int.from_bytes(data[pos + 7:pos + 9], "big")
    siz = data.find(b"\xff\x4f\xff\x51")  # JPEG 2000: SOC then SIZ (also inside a JP2 wrapper)
    if siz < 0 or siz + 24 > len(data):
        return None
    x, y, x0, y0 = (int.from_bytes(data[siz + k:siz + k + 4], "big") for k in (8, 12, 16, 20))
    return y - y0, x - x0


class BrokenFragments(ValueError):
    """The encapsulated items themselves are damaged (a tag where an item should be): the frame's
    bytes cannot be told apart, and python-gdcm spent seconds on such files in the fuzz tests."""


class CodestreamMismatch(ValueError):
    """The codestream's own size contradicts the header: no decoder, not even the last resort, is
    asked to read it (gdcm would trust the codestream and spend 30 s on a 30000 x 30000 claim)."""


def check_codestream(encoded: bytes, fmt: PixelFormat) -> None:
    """Refuse a frame whose codestream declares another size than the header, before decoding it.

    A damaged frame header that claims 30000 x 30000 pixels kept libjpeg busy 30 s (65535 x 65535:
    70 s and gigabytes) for a frame that could never fit the image anyway: gdcm checks the same.
    A height of 0 is legal in JPEG (given later by a DNL marker) and left to the decoder."""
    found = codestream_size(encoded)
    if found is None:
        return
    rows, columns = found
    if columns != fmt.columns or rows not in (0, fmt.rows):
        raise CodestreamMismatch(f"codestream declares {rows}x{columns} pixels, "
                                 f"the header {fmt.rows}x{fmt.columns}")


class _ReaderFailed(Exception):
    """The file's pixel data could not even be opened: every frame fails with the same cause."""


class _FrameReader:
    """Reads a file's pixel data once and decodes any of its frames with the pinned back-end."""

    def __init__(self, source: PixelSource, fmt: PixelFormat, threads: int = 1) -> None:
        support = syntax_support(source.transfer_syntax)
        if support is None:
            raise NotImplementedError(f"no decoder for transfer syntax {source.transfer_syntax}")
        self.source, self.fmt, self.support, self.threads = source, fmt, support, threads
        self.options: dict[str, Any] = fmt.decoder_options(source.number_of_frames)
        self.palette: pydicom.Dataset | None = None
        if fmt.photometric == "PALETTE COLOR":  # the palette tables are in the header, not with the pixels
            self.palette = pydicom.dcmread(source.path, stop_before_pixels=True)
        if support.backend is Backend.DATASET or source.offset < 0:
            self.data: pydicom.Dataset | bytes = pydicom.dcmread(source.path)
            self.options = {}
        else:
            with open(source.path, "rb") as f:
                f.seek(source.offset)
                self.data = f.read() if source.length is None else f.read(source.length)
            if support.backend is Backend.NATIVE:
                self.options["pixel_vr"] = source.vr
                expected = fmt.frame_bytes * source.number_of_frames
                if len(self.data) < expected:
                    raise EOFError(f"pixel data holds {len(self.data)} of {expected} bytes")

    def frame(self, index: int) -> np.ndarray:
        backend = self.support.backend
        if self.support.encapsulated:
            assert isinstance(self.data, bytes)
            try:
                encoded = get_frame(self.data, index, number_of_frames=self.source.number_of_frames)
            except Exception as exc:
                raise BrokenFragments(str(exc)) from exc
            if backend is not Backend.RLE:
                check_codestream(encoded, self.fmt)
        if backend is Backend.LIBJPEG_DIRECT:
            return self._libjpeg_direct(index)
        # colour JPEG stays with pydicom's plugin, which applies the photometric conversions the
        # viewer relies on; imagecodecs decodes the monochrome frames radiology is made of
        if backend is Backend.TURBOJPEG and self.fmt.samples_per_pixel == 1 and turbojpeg_available():
            return self._turbojpeg(index)
        if backend is Backend.CHARLS and self.fmt.samples_per_pixel == 1 and jpegls_available():
            return self._turbojpeg(index, jpegls=True)
        decoder = get_decoder(UID(self.source.transfer_syntax))
        # the same back-end called directly, where pydicom sees it installed (else pydicom says why not)
        if (backend is Backend.OPENJPEG and self.fmt.samples_per_pixel == 1
                and _PLUGIN[backend] in decoder.available_plugins):
            direct = self._openjpeg_direct(index)
            if direct is not None:
                return direct
        # pydicom warns about recoverable oddities (JFIF markers, padding); the pixels are still right
        with pydicom_quietly():
            array, _ = decoder.as_array(
                self.data, index=index, decoding_plugin=_PLUGIN.get(backend, ""), **self.options
            )
            if self.palette is not None:
                array = apply_color_lut(array, self.palette)
                if array.dtype.itemsize > 1:  # 16-bit palette entries: keep the 8 significant bits shown
                    array = (array >> 8).astype(np.uint8)
        return array

    def _turbojpeg(self, index: int, jpegls: bool = False) -> np.ndarray:
        """A monochrome JPEG frame by libjpeg-turbo 3 (lossless and 12-bit included), or a JPEG-LS one by
        imagecodecs' CharLS, as pydicom's decoders return it: the dtype of the stored samples, unused
        high bits cleared or sign-extended. Both release the GIL."""
        import imagecodecs

        assert isinstance(self.data, bytes)
        encoded = get_frame(self.data, index, number_of_frames=self.source.number_of_frames)
        array = imagecodecs.jpegls_decode(encoded) if jpegls else imagecodecs.jpeg8_decode(encoded)
        expected = (self.fmt.rows, self.fmt.columns)
        if array.shape != expected:
            raise ValueError(f"decoded shape {array.shape} differs from the header's {expected}")
        stored = self.fmt.file_dtype
        if stored is not None and array.dtype != stored:
            # same size: the sign is the header's (the codestream has none); else widen the samples
            array = array.view(stored) if array.dtype.itemsize == stored.itemsize else array.astype(stored)
        if self.fmt.bits_stored < array.dtype.itemsize * 8:
            _correct_unused_bits(array, self.fmt)
        return array

    def _openjpeg_direct(self, index: int) -> np.ndarray | None:
        """A monochrome JPEG 2000 frame straight from OpenJPEG (pydicom's path costs 20-35 % more on a
        512x512 CT frame), or None when the codestream's sign disagrees with Pixel Representation:
        pydicom's decoder knows those corrections. imagecodecs' build of OpenJPEG is preferred: it
        releases the GIL (frames decode on threads) and can use threads on one frame."""
        assert isinstance(self.data, bytes)
        encoded = get_frame(self.data, index, number_of_frames=self.source.number_of_frames)
        if jpeg2k_threads_available():
            import imagecodecs

            array = imagecodecs.jpeg2k_decode(encoded, numthreads=self.threads)
        else:
            import openjpeg

            array = openjpeg.decode(encoded)
        stored = self.fmt.file_dtype
        if stored is None or array.dtype.kind != stored.kind or array.dtype.itemsize > stored.itemsize:
            return None
        expected = (self.fmt.rows, self.fmt.columns)
        if array.shape != expected:
            raise ValueError(f"decoded shape {array.shape} differs from the header's {expected}")
        if array.dtype != stored:
            array = array.astype(stored)
        if self.fmt.bits_stored < array.dtype.itemsize * 8:
            _correct_unused_bits(array, self.fmt)
        return array

    def _libjpeg_direct(self, index: int) -> np.ndarray:
        import libjpeg

        assert isinstance(self.data, bytes)
        encoded = get_frame(self.data, index, number_of_frames=self.source.number_of_frames)
        array = np.ascontiguousarray(libjpeg.decode(bytes(encoded)))
        colour = (self.fmt.samples_per_pixel,) if self.fmt.samples_per_pixel > 1 else ()
        expected = (self.fmt.rows, self.fmt.columns, *colour)
        if array.shape != expected:
            raise ValueError(f"decoded shape {array.shape} differs from the header's {expected}")
        if self.fmt.bits_stored < array.dtype.itemsize * 8 and array.dtype.kind in "iu":
            _correct_unused_bits(array, self.fmt)
        return array


_GDCM_TYPES = {"UINT8": np.uint8, "INT8": np.int8, "UINT12": np.uint16, "INT12": np.int16,
               "UINT16": np.uint16, "INT16": np.int16, "UINT32": np.uint32, "INT32": np.int32}


class _GdcmFrames:
    """python-gdcm's reading of a whole file, the last resort for frames the pinned back-end refused
    (gdcm knows many vendors' defects: wrong JPEG sign, missing markers, odd fragment layouts).

    Only monochrome frames, or colour that gdcm hands over as RGB, are taken: its other photometric
    conversions differ from the pinned back-ends' and would change what the radiologist sees."""

    def __init__(self, source: PixelSource, fmt: PixelFormat) -> None:
        import gdcm

        reader = gdcm.ImageReader()
        reader.SetFileName(source.path)
        if not reader.Read():
            raise ValueError("python-gdcm cannot read the file")
        image = reader.GetImage()
        pixel_format = image.GetPixelFormat()
        name = pixel_format.GetScalarTypeAsString()
        if name not in _GDCM_TYPES:
            raise ValueError(f"python-gdcm pixel type {name} not taken")
        photometric = image.GetPhotometricInterpretation().GetString().strip()
        samples = pixel_format.GetSamplesPerPixel()
        if samples != fmt.samples_per_pixel or (samples > 1 and photometric != "RGB"):
            raise ValueError(f"python-gdcm gives {samples} sample(s) as {photometric}")
        buffer = image.GetBuffer()
        if buffer is None:
            raise ValueError("python-gdcm decoded no pixel data")
        data = buffer.encode("utf-8", "surrogateescape")  # SWIG hands the bytes over as str
        dims = image.GetDimensions()
        frames = dims[2] if len(dims) > 2 else 1
        shape = (frames, dims[1], dims[0], *((samples,) if samples > 1 else ()))
        array = np.frombuffer(data, _GDCM_TYPES[name])
        if array.size != int(np.prod(shape)) or shape[1:3] != (fmt.rows, fmt.columns):
            raise ValueError(f"python-gdcm gives {array.size} samples for {shape}")
        self.frames = array.reshape(shape)
        self.fmt = fmt

    def frame(self, index: int) -> np.ndarray:
        if index >= len(self.frames):
            raise ValueError(f"python-gdcm decoded {len(self.frames)} frame(s), not frame {index + 1}")
        array = np.array(self.frames[index])
        stored = self.fmt.file_dtype
        if self.fmt.samples_per_pixel == 1 and stored is not None and array.dtype != stored:
            array = array.view(stored) if array.dtype.itemsize == stored.itemsize else array.astype(stored)
        return array


@functools.cache
def gdcm_available() -> bool:
    """Whether python-gdcm (an optional dependency: the ``gdcm`` extra) is installed; found without
    importing it, so that the interface's process never loads it (only workers decode with it)."""
    return importlib.util.find_spec("gdcm") is not None


@functools.cache
def turbojpeg_available() -> bool:
    """Whether imagecodecs and its libjpeg-turbo codec load here; without them the JPEG syntaxes fall
    back to pylibjpeg-libjpeg (same values for lossless JPEG, within one grey level for lossy)."""
    try:
        import imagecodecs
    except ImportError:
        return False
    return bool(imagecodecs.JPEG8.available)


def releases_gil(source: PixelSource, fmt: PixelFormat) -> bool:
    """Whether this file's frames decode without holding the GIL, so threads can share the cores:
    imagecodecs' libjpeg-turbo and OpenJPEG do (measured 2 threads 1.5-1.85x one); pydicom's plugins,
    pylibjpeg's and pyjpegls do not."""
    support = syntax_support(source.transfer_syntax)
    if support is None or fmt.samples_per_pixel != 1:
        return False
    if support.backend is Backend.TURBOJPEG:
        return turbojpeg_available()
    if support.backend is Backend.CHARLS:
        return jpegls_available()
    if support.backend is Backend.OPENJPEG:  # as _FrameReader.frame decides its direct path
        plugins = get_decoder(UID(source.transfer_syntax)).available_plugins
        return jpeg2k_threads_available() and _PLUGIN[Backend.OPENJPEG] in plugins
    return False


@functools.cache
def jpegls_available() -> bool:
    """Whether imagecodecs' CharLS (GIL released, same library as pyjpegls) loads here."""
    try:
        import imagecodecs
    except ImportError:
        return False
    return bool(imagecodecs.JPEGLS.available)


@functools.cache
def jpeg2k_threads_available() -> bool:
    """Whether imagecodecs' OpenJPEG (GIL released, threads on one frame) loads here."""
    try:
        import imagecodecs
    except ImportError:
        return False
    return bool(imagecodecs.JPEG2K.available)


@functools.cache
def _decoder_name(transfer_syntax: str, monochrome: bool) -> str:
    support = syntax_support(transfer_syntax)
    if support is None:
        return "?"
    backend = support.backend
    if monochrome:  # as _FrameReader.frame chooses
        if backend is Backend.TURBOJPEG and turbojpeg_available():
            return backend.value
        if backend is Backend.CHARLS and jpegls_available():
            return "CharLS (imagecodecs)"
        if backend is Backend.OPENJPEG and jpeg2k_threads_available():
            return "OpenJPEG (imagecodecs)"
    if backend is Backend.TURBOJPEG:  # colour, or imagecodecs absent: pydicom's pylibjpeg plugin
        return Backend.LIBJPEG.value
    return backend.value


def decoder_name(source: PixelSource, fmt: PixelFormat) -> str:
    """The back-end that reads this file's frames (what inspect says, file by file)."""
    return _decoder_name(source.transfer_syntax, fmt.samples_per_pixel == 1)


def check_backends() -> dict[str, str]:
    """For each supported syntax, the pinned back-end or why it is unavailable (used by inspect)."""
    found: dict[str, str] = {}
    for uid, support in SUPPORTED.items():
        plugin = _PLUGIN.get(support.backend)
        if plugin is None:
            found[uid] = support.backend.value
            continue
        if support.backend is Backend.TURBOJPEG and turbojpeg_available():
            found[uid] = support.backend.value
            continue
        name = support.backend.value
        if support.backend is Backend.TURBOJPEG:  # imagecodecs absent: the fallback is what decodes
            name = f"{Backend.LIBJPEG.value} (imagecodecs absent)"
        elif support.backend is Backend.CHARLS and jpegls_available():
            name = "CharLS (imagecodecs)"  # colour frames: pyjpegls through pydicom
        elif support.backend is Backend.OPENJPEG and jpeg2k_threads_available():
            name = "OpenJPEG (imagecodecs)"  # colour frames: pylibjpeg-openjpeg through pydicom
        available = get_decoder(UID(uid)).available_plugins
        found[uid] = name if plugin in available else f"indisponible ({plugin} absent)"
    return found


__all__ = [
    "Backend",
    "BrokenFragments",
    "CodestreamMismatch",
    "DecodeFailure",
    "DecodeTask",
    "FrameResult",
    "Lossy",
    "PixelFormat",
    "PixelSource",
    "Rescued",
    "SyntaxSupport",
    "can_read_directly",
    "check_backends",
    "check_codestream",
    "codestream_marker",
    "codestream_size",
    "decode_frames",
    "decode_task",
    "decoder_name",
    "gdcm_available",
    "read_directly",
    "releases_gil",
    "syntax_support",
]

