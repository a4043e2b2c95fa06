"""Key images: the images the radiologist marks (key K) as the ones that carry the findings.

Why: the requesting physician and the next reader should not have to scroll 300 slices to find the
haematoma. Marked images become, when the report is signed, a DICOM Key Object Selection document
stored with the study and referenced by the report (built by the workstation, which composes this
model with :mod:`reporting`). Qt-free; one list per opened study.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KeyImage:
    """One marked image: what a Key Object Selection references, and what the list shows."""

    study_uid: str
    series_uid: str
    sop_instance_uid: str
    sop_class_uid: str
    frame: int | None  # 1-based frame number of a multi-frame instance, None for a single frame
    modality: str
    series_label: str
    image_number: int

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.sop_instance_uid, self.frame)


def key_image_of(series: Any, index: int) -> KeyImage:
    """The key image for slice ``index`` of a :class:`viewer.series.Series`."""
    slice_ = series.slices[index]
    image = slice_.file
    frame = slice_.frame.index + 1 if image.source.number_of_frames > 1 else None
    return KeyImage(image.study_instance_uid, image.series_instance_uid, image.sop_instance_uid,
                    image.sop_class_uid, frame, image.modality, series.label, series.image_number(index))


class KeyImages:
    """The marked images of one study, in the order they were marked."""

    def __init__(self) -> None:
        self._items: list[KeyImage] = []

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[KeyImage]:
        return iter(list(self._items))

    @property
    def items(self) -> tuple[KeyImage, ...]:
        return tuple(self._items)

    def contains(self, image: KeyImage) -> bool:
        return any(i.key == image.key for i in self._items)

    def toggle(self, image: KeyImage) -> bool:
        """Mark the image, or unmark it when it was marked; True when it is marked now."""
        for item in self._items:
            if item.key == image.key:
                self._items.remove(item)
                return False
        self._items.append(image)
        return True

    def remove(self, image: KeyImage) -> None:
        self._items = [i for i in self._items if i.key != image.key]

    def clear(self) -> None:
        self._items.clear()

    def studies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.study_uid for i in self._items))
