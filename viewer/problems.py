"""What can go wrong with one input file, said once in French for the user and once in English for the log.

A study arrives from many modalities and many hands: one broken file must never stop the rest of the
study from loading, so every failure becomes a :class:`FileProblem` value that travels with the load
result instead of an exception that unwinds the loader.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

log = logging.getLogger(__name__)


class Severity(Enum):
    """INFO: skipped by design (not an image); ERROR: an image that should have loaded and did not."""

    INFO = "info"
    ERROR = "erreur"


class ProblemKind(Enum):
    NOT_DICOM = "not_dicom"
    NON_IMAGE = "non_image"
    EMPTY_DATASET = "empty_dataset"
    UNREADABLE = "unreadable"
    CORRUPT = "corrupt"
    TRUNCATED = "truncated"
    MISSING_ATTRIBUTE = "missing_attribute"
    INVALID_VALUE = "invalid_value"
    NO_PIXEL_DATA = "no_pixel_data"
    UNSUPPORTED_TRANSFER_SYNTAX = "unsupported_transfer_syntax"
    UNSUPPORTED_PIXEL_FORMAT = "unsupported_pixel_format"
    DECODE_FAILED = "decode_failed"
    DECODE_TIMEOUT = "decode_timeout"  # stopped past its deadline (worker killed or thread abandoned)
    UNSUPPORTED_OBJECT = "unsupported_object"  # an image this viewer cannot show right (slide, waveform)


_SEVERITY = {ProblemKind.NOT_DICOM: Severity.INFO, ProblemKind.NON_IMAGE: Severity.INFO,
             ProblemKind.UNSUPPORTED_OBJECT: Severity.INFO}


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One file (or one frame of it) that did not become pixels.

    ``message`` is the French sentence shown to the user; ``detail`` the precise English cause for the log.
    """

    path: str
    kind: ProblemKind
    message: str
    detail: str
    frame: int | None = None

    @property
    def severity(self) -> Severity:
        return _SEVERITY.get(self.kind, Severity.ERROR)

    def user_text(self) -> str:
        """The line a user reads: which file, what happened."""
        where = Path(self.path).name
        if self.frame is not None:
            where += f" (image {self.frame + 1})"
        return f"{where} : {self.message}"

    def log(self) -> None:
        level = logging.INFO if self.severity is Severity.INFO else logging.WARNING
        frame = "" if self.frame is None else f" frame {self.frame}"
        log.log(level, "%s%s: %s: %s", self.path, frame, self.kind.value, self.detail)

