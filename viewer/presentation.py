"""Grayscale Softcopy Presentation States (GSPS, PS3.3 A.33.1) as the viewer shows them.

Why: a site (or a colleague) that annotated an image, chose its window or turned it, stored that as a
GSPS beside the images; showing the bare images instead would hide the arrow on the fracture. This
module reads a GSPS into plain records: per referenced image, the window (Softcopy VOI LUT), the
spatial transformation (rotation then horizontal flip, PS3.3 C.10.6) and the graphic and text
annotations, in the viewer's image coordinates. It never guesses: an object it cannot place (units
it does not know, a malformed GraphicData) is left out and listed in ``skipped`` (English, for the
log), so the radiologist is told that part of the presentation state is not shown.

Coordinates: GSPS PIXEL units put (0, 0) at the top-left corner of the first pixel; the viewer puts
pixel centres on integers, so every point moves by half a pixel. DISPLAY units are fractions of the
displayed area (taken as the whole image).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset

from viewer.windowing import WindowLevel

log = logging.getLogger(__name__)

GSPS_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"
_KINDS = {"POLYLINE", "INTERPOLATED", "CIRCLE", "ELLIPSE", "POINT"}


class PresentationError(ValueError):
    """Not a GSPS this viewer can use (English detail)."""


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Graphic:
    kind: str  # POLYLINE, INTERPOLATED, CIRCLE (centre, point on circle), ELLIPSE (4 axis ends), POINT
    points: tuple[Point, ...]  # viewer image coordinates (column, row)
    filled: bool = False
    layer: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    anchor: Point | None = None  # the point the text is about (viewer image coordinates)
    box: tuple[Point, Point] | None = None  # top-left, bottom-right of the text box
    layer: str = ""


@dataclass(frozen=True, slots=True)
class ImagePresentation:
    """What a presentation state says of one image."""

    window: WindowLevel | None = None
    rotation: int = 0  # quarter turns clockwise
    flipped: bool = False
    graphics: tuple[Graphic, ...] = ()
    texts: tuple[Text, ...] = ()
    whole_image: bool = True  # False: the state selects a part of the image, which is not zoomed to


@dataclass(frozen=True, slots=True)
class _Item:
    """Something that applies to some images: all of the GSPS's when ``images`` is empty."""

    images: frozenset[tuple[str, int | None]]
    value: Any

    def applies(self, sop_uid: str, frame: int | None) -> bool:
        if not self.images:
            return True
        return (sop_uid, None) in self.images or (sop_uid, frame) in self.images


@dataclass(frozen=True, slots=True)
class PresentationState:
    sop_instance_uid: str
    label: str
    description: str
    creator: str
    series_uids: frozenset[str]
    images: frozenset[tuple[str, int | None]]  # every referenced (SOP Instance UID, frame or None)
    rotation: int
    flipped: bool
    windows: tuple[_Item, ...] = ()
    annotations: tuple[_Item, ...] = ()  # value: (graphics, texts)
    skipped: tuple[str, ...] = field(default=())
    areas: tuple[_Item, ...] = ()  # value: displayed area (first column, first row, last column, last row)

    def references(self, sop_uid: str, frame: int | None = None) -> bool:
        return (sop_uid, None) in self.images or (sop_uid, frame) in self.images or any(
            uid == sop_uid for uid, _ in self.images)

    def for_image(self, sop_uid: str, frame: int | None, shape: tuple[int, int]) -> ImagePresentation:
        """The presentation of one image (``shape`` = rows, columns, for DISPLAY units)."""
        window = next((w.value for w in self.windows if w.applies(sop_uid, frame)), None)
        graphics: list[Graphic] = []
        texts: list[Text] = []
        for item in self.annotations:
            if item.applies(sop_uid, frame):
                found_graphics, found_texts = item.value
                graphics.extend(_scaled_graphic(g, shape) for g in found_graphics)
                texts.extend(_scaled_text(t, shape) for t in found_texts)
        area = next((a.value for a in self.areas if a.applies(sop_uid, frame)), None)
        whole = area is None or tuple(area) == (1, 1, shape[1], shape[0])
        return ImagePresentation(window, self.rotation, self.flipped, tuple(graphics), tuple(texts),
                                 whole)


def _references(items: Iterable[Dataset]) -> frozenset[tuple[str, int | None]]:
    found: set[tuple[str, int | None]] = set()
    for item in items:
        uid = str(item.get("ReferencedSOPInstanceUID", ""))
        if not uid:
            continue
        frames = item.get("ReferencedFrameNumber")
        if frames in (None, ""):
            found.add((uid, None))
        else:
            many = isinstance(frames, list | tuple | pydicom.multival.MultiValue)
            for frame in frames if many else [frames]:
                found.add((uid, int(frame)))
    return frozenset(found)


# DISPLAY units are kept as fractions until the image's size is known: marked with this layer prefix
_DISPLAY = "\0display\0"


def _points(data: Any, units: str, skipped: list[str], what: str) -> tuple[Point, ...] | None:
    values = [float(v) for v in (data or [])]
    if len(values) < 2 or len(values) % 2:
        skipped.append(f"{what}: GraphicData has {len(values)} values")
        return None
    pairs = tuple((values[k], values[k + 1]) for k in range(0, len(values), 2))
    if units == "PIXEL":
        return tuple((c - 0.5, r - 0.5) for c, r in pairs)
    if units == "DISPLAY":
        return pairs
    skipped.append(f"{what}: units {units!r} not supported")
    return None


def _scale(points: tuple[Point, ...], shape: tuple[int, int]) -> tuple[Point, ...]:
    rows, columns = shape
    return tuple((c * columns - 0.5, r * rows - 0.5) for c, r in points)


def _scaled_graphic(graphic: Graphic, shape: tuple[int, int]) -> Graphic:
    if not graphic.layer.startswith(_DISPLAY):
        return graphic
    return Graphic(graphic.kind, _scale(graphic.points, shape), graphic.filled, graphic.layer[len(_DISPLAY):])


def _scaled_text(text: Text, shape: tuple[int, int]) -> Text:
    if not text.layer.startswith(_DISPLAY):
        return text
    anchor = _scale((text.anchor,), shape)[0] if text.anchor else None
    box = _scale(text.box, shape) if text.box else None
    return Text(text.text, anchor, box if box is None else (box[0], box[1]), text.layer[len(_DISPLAY):])


def _graphic(item: Dataset, layer: str, skipped: list[str]) -> Graphic | None:
    kind = str(item.get("GraphicType", "")).upper()
    units = str(item.get("GraphicAnnotationUnits", "PIXEL")).upper()
    if kind not in _KINDS:
        skipped.append(f"graphic type {kind!r} not supported")
        return None
    points = _points(item.get("GraphicData"), units, skipped, f"{kind} graphic")
    if points is None:
        return None
    filled = str(item.get("GraphicFilled", "N")).upper() == "Y"
    return Graphic(kind, points, filled, (_DISPLAY if units == "DISPLAY" else "") + layer)


def _text(item: Dataset, layer: str, skipped: list[str]) -> Text | None:
    value = str(item.get("UnformattedTextValue", "") or "").strip()
    if not value:
        return None
    anchor = box = None
    display = False
    if "AnchorPoint" in item:
        units = str(item.get("AnchorPointAnnotationUnits", "PIXEL")).upper()
        found = _points(item.AnchorPoint, units, skipped, "text anchor")
        anchor = found[0] if found else None
        display = units == "DISPLAY"
    if "BoundingBoxTopLeftHandCorner" in item:
        units = str(item.get("BoundingBoxAnnotationUnits", "PIXEL")).upper()
        corners = _points([*item.BoundingBoxTopLeftHandCorner, *item.BoundingBoxBottomRightHandCorner],
                          units, skipped, "text box")
        box = (corners[0], corners[1]) if corners else None
        display = display or units == "DISPLAY"
    if anchor is None and box is None:
        skipped.append("text without a place")
        return None
    return Text(value, anchor, box, (_DISPLAY if display else "") + layer)


def read_presentation_state(ds: Dataset) -> PresentationState:
    """A GSPS dataset as records; :class:`PresentationError` when it is not one."""
    if str(ds.get("SOPClassUID", "")) != GSPS_SOP_CLASS:
        raise PresentationError(f"SOP class {ds.get('SOPClassUID', '')} is not a GSPS")
    images: set[tuple[str, int | None]] = set()
    series_uids: set[str] = set()
    for series in ds.get("ReferencedSeriesSequence", []):
        series_uids.add(str(series.get("SeriesInstanceUID", "")))
        images |= _references(series.get("ReferencedImageSequence", []))
    if not images:
        raise PresentationError("GSPS references no image")
    skipped: list[str] = []
    windows = []
    for voi in ds.get("SoftcopyVOILUTSequence", []):
        refs = _references(voi.get("ReferencedImageSequence", []))
        try:
            centre = float(_first(voi.get("WindowCenter")))
            width = float(_first(voi.get("WindowWidth")))
        except (TypeError, ValueError):
            skipped.append("VOI LUT without a window (LUT data not shown)")
            continue
        if width < 1:
            skipped.append(f"window width {width} below 1")
            continue
        windows.append(_Item(refs, WindowLevel(centre, width)))
    annotations = []
    for annotation in ds.get("GraphicAnnotationSequence", []):
        refs = _references(annotation.get("ReferencedImageSequence", []))
        layer = str(annotation.get("GraphicLayer", ""))
        objects = annotation.get("GraphicObjectSequence", [])
        graphics = [g for g in (_graphic(i, layer, skipped) for i in objects) if g is not None]
        texts = [t for t in (_text(i, layer, skipped) for i in annotation.get("TextObjectSequence", []))
                 if t is not None]
        if graphics or texts:
            annotations.append(_Item(refs, (tuple(graphics), tuple(texts))))
    rotation = int(ds.get("ImageRotation", 0) or 0)
    if rotation not in (0, 90, 180, 270):
        skipped.append(f"rotation {rotation} not a quarter turn")
        rotation = 0
    areas = []
    for area in ds.get("DisplayedAreaSelectionSequence", []):
        try:
            corners = [int(v) for v in (*area.DisplayedAreaTopLeftHandCorner,
                                        *area.DisplayedAreaBottomRightHandCorner)]
        except (AttributeError, TypeError, ValueError):
            continue
        areas.append(_Item(_references(area.get("ReferencedImageSequence", [])), tuple(corners)))
    if skipped:
        log.info("GSPS %s: %d element(s) not shown: %s", ds.get("SOPInstanceUID", ""), len(skipped),
                 "; ".join(skipped[:5]))
    return PresentationState(
        sop_instance_uid=str(ds.get("SOPInstanceUID", "")),
        label=str(ds.get("ContentLabel", "") or ""),
        description=str(ds.get("ContentDescription", "") or ""),
        creator=str(ds.get("ContentCreatorName", "") or ""),
        series_uids=frozenset(series_uids),
        images=frozenset(images),
        rotation=rotation // 90,
        flipped=str(ds.get("ImageHorizontalFlip", "N")).upper() == "Y",
        windows=tuple(windows),
        annotations=tuple(annotations),
        skipped=tuple(skipped),
        areas=tuple(areas),
    )


def _first(value: Any) -> Any:
    if isinstance(value, list | tuple | pydicom.multival.MultiValue):
        return value[0] if value else None
    return value


def presentation_states(datasets: Iterable[Dataset | None]) -> tuple[list[PresentationState], list[str]]:
    """The GSPS among headers already read (stop_before_pixels keeps a GSPS whole: it has no pixels),
    and the problems of those that could not be read (English)."""
    found, problems = [], []
    for ds in datasets:
        if ds is None or str(ds.get("SOPClassUID", "")) != GSPS_SOP_CLASS:
            continue
        try:
            found.append(read_presentation_state(ds))
        except (PresentationError, AttributeError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"GSPS {ds.get('SOPInstanceUID', '')}: {exc}")
    return found, problems


def scan_folder(folder: Path) -> tuple[list[PresentationState], list[str]]:
    """The GSPS files of a study folder (a prior's): headers only, at most a glance per file."""
    datasets: list[Dataset | None] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPClassUID"])
            if str(header.get("SOPClassUID", "")) == GSPS_SOP_CLASS:
                datasets.append(pydicom.dcmread(path))
        except Exception:  # not DICOM, truncated: the loader already reports those files
            continue
    return presentation_states(datasets)
