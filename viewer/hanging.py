"""Hanging protocols: which layout, which series, which window, and whether the prior comes beside.

Why: opening every exam in 1x1 and dragging series by hand costs the radiologist a minute per exam
and invites comparing the wrong series. A protocol is chosen from what the study is (modality, body
part, study description, whether a prior exists and its modality); each of its stages says how the
current study (and, when asked, the prior) are laid out: rows x columns, and for every viewport a
series rule (modality, series description, orientation) and a window. Stages are walked with the
next/previous stage keys.

Protocols are plain data (JSON, one file in the settings folder): readable and editable by hand,
written back by "save the current layout as a protocol". Qt-free; the workstation applies them.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
CURRENT, PRIOR = "current", "prior"
ORIENTATIONS = ("axial", "coronal", "sagittal", "oblique", "")


class ProtocolError(ValueError):
    """A protocols file that cannot be used as written (English detail; the caller says it in French)."""


def _matches(pattern: str, text: str) -> bool:
    """Empty pattern: anything. Otherwise a case-insensitive regular expression searched in the text
    (a pattern that is not a valid expression is matched as plain text)."""
    if not pattern:
        return True
    try:
        return re.search(pattern, text or "", re.IGNORECASE) is not None
    except re.error:
        return pattern.lower() in (text or "").lower()


@dataclass(frozen=True, slots=True)
class StudyFacts:
    """What a protocol is chosen on, read from the study's headers (and the priors found)."""

    modalities: tuple[str, ...]
    body_parts: tuple[str, ...] = ()
    description: str = ""
    prior_modalities: tuple[str, ...] | None = None  # None: priors not looked up (yet); () none found


@dataclass(frozen=True, slots=True)
class StudyRule:
    """Every non-empty criterion must hold. ``prior``: True needs a prior (of ``prior_modality`` when
    given), False needs none, None does not care."""

    modality: str = ""
    body_part: str = ""  # regular expression on BodyPartExamined
    description: str = ""  # regular expression on StudyDescription
    prior: bool | None = None
    prior_modality: str = ""

    def score(self, facts: StudyFacts) -> int | None:
        """How specifically the rule matches (None: it does not)."""
        score = 0
        if self.modality:
            if self.modality.upper() not in {m.upper() for m in facts.modalities}:
                return None
            score += 1
        if self.body_part:
            if not any(_matches(self.body_part, part) for part in facts.body_parts):
                return None
            score += 1
        if self.description:
            if not _matches(self.description, facts.description):
                return None
            score += 1
        priors = facts.prior_modalities or ()
        if self.prior_modality:
            priors = tuple(m for m in priors if m.upper() == self.prior_modality.upper())
        if self.prior is True:
            if not priors:
                return None
            score += 2 if self.prior_modality else 1
        elif self.prior is False and priors:
            return None
        return score


@dataclass(frozen=True, slots=True)
class SeriesRule:
    """Which series a viewport shows: every non-empty criterion must hold."""

    modality: str = ""
    description: str = ""  # regular expression on SeriesDescription
    orientation: str = ""  # axial / coronal / sagittal / oblique


@dataclass(frozen=True, slots=True)
class ViewportSpec:
    study: str = CURRENT  # current or prior
    series: SeriesRule = field(default_factory=SeriesRule)
    window: str = ""  # a CT preset's name (viewer.presets.CT_PRESETS), "" for the header's window


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    rows: int = 1
    columns: int = 1
    viewports: tuple[ViewportSpec, ...] = ()
    prior_rows: int = 1
    prior_columns: int = 1
    link: bool = True  # link the prior's scrolling to the current study's
    link_window: bool = False
    link_zoom: bool = False

    @property
    def shows_prior(self) -> bool:
        return any(v.study == PRIOR for v in self.viewports)

    def specs(self, study: str) -> list[ViewportSpec]:
        return [v for v in self.viewports if v.study == study]


@dataclass(frozen=True, slots=True)
class Protocol:
    name: str
    rule: StudyRule
    stages: tuple[Stage, ...]
    user: bool = False  # saved by the radiologist: preferred to a default of the same specificity

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Protocol:
        try:
            stages = []
            for stage in data["stages"]:
                viewports = tuple(
                    ViewportSpec(
                        study=str(v.get("study", CURRENT)),
                        series=SeriesRule(**{k: str(x) for k, x in dict(v.get("series", {})).items()}),
                        window=str(v.get("window", "")),
                    )
                    for v in stage.get("viewports", ())
                )
                sizes = ("rows", "columns", "prior_rows", "prior_columns")
                extra = {k: stage[k] for k in sizes if k in stage}
                flags = {k: bool(stage[k]) for k in ("link", "link_window", "link_zoom") if k in stage}
                options: dict[str, Any] = {**{k: int(x) for k, x in extra.items()}, **flags}
                stages.append(Stage(str(stage["name"]), viewports=viewports, **options))
            rule = dict(data.get("rule", {}))
            protocol = cls(str(data["name"]), StudyRule(**rule), tuple(stages), bool(data.get("user", False)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProtocolError(f"protocol not readable: {exc!r}") from exc
        for stage in protocol.stages:
            if not (1 <= stage.rows <= 2 and 1 <= stage.columns <= 2 and 1 <= stage.prior_rows <= 2
                    and 1 <= stage.prior_columns <= 2):
                raise ProtocolError(f"protocol {protocol.name!r}: layouts are 1x1, 1x2, 2x1 or 2x2")
            if any(v.study not in (CURRENT, PRIOR) for v in stage.viewports):
                raise ProtocolError(f"protocol {protocol.name!r}: a viewport's study is 'current' or 'prior'")
        if not protocol.stages:
            raise ProtocolError(f"protocol {protocol.name!r} has no stage")
        return protocol


def choose(protocols: Iterable[Protocol], facts: StudyFacts) -> Protocol | None:
    """The most specific matching protocol; the radiologist's own first on a tie, then file order."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for rank, protocol in enumerate(protocols):
        score = protocol.rule.score(facts)
        if score is None:
            continue
        key = (score, 1 if protocol.user else 0, -rank)
        if best is None or key > best:
            best, chosen = key, protocol
    return chosen


# --- series ------------------------------------------------------------------------------------------

def orientation_of(normal: Sequence[float] | None) -> str:
    """axial / coronal / sagittal / oblique from a stack's normal (LPS); "" without one."""
    if normal is None:
        return ""
    weights = np.abs(np.asarray(normal, dtype=np.float64))
    axis = int(np.argmax(weights))
    if weights[axis] < 0.8:
        return "oblique"
    return ("sagittal", "coronal", "axial")[axis]


def series_orientation(series: Any) -> str:
    geometry = getattr(series, "geometry", None)
    return orientation_of(geometry.normal if geometry is not None else None)


def pick_series(rule: SeriesRule, series: Sequence[Any], avoid: Sequence[Any] = ()) -> Any | None:
    """The series a viewport shows: among those matching, the one with the most images (a
    localizer never wins over the volume), one not in ``avoid`` when there is a choice (the
    series other viewports with the same window already show: a 2x2 of sequences)."""
    found = [s for s in series
             if (not rule.modality or s.modality.upper() == rule.modality.upper())
             and _matches(rule.description, s.description)
             and (not rule.orientation or series_orientation(s) == rule.orientation)]
    if not found:
        return None
    fresh = [s for s in found if all(s is not t for t in avoid)]
    return max(fresh or found, key=lambda s: s.shape[0])


# --- defaults and storage ----------------------------------------------------------------------------

def _ct(name: str, window: str, orientation: str = "axial", prior: bool = False, columns: int = 1,
        other_window: str = "", link: bool = True) -> Stage:
    viewports = [ViewportSpec(CURRENT, SeriesRule("CT", "", orientation), window)]
    if other_window:
        viewports.append(ViewportSpec(CURRENT, SeriesRule("CT", "", orientation), other_window))
    if prior:
        viewports.append(ViewportSpec(PRIOR, SeriesRule("CT", "", orientation), window))
    return Stage(name, 1, columns, tuple(viewports), link=link, link_window=prior)


DEFAULT_PROTOCOLS: tuple[Protocol, ...] = (  # names marked: the reading screen says them translated
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM crâne avec antérieur"),
             StudyRule("CT", "HEAD|CRANE|BRAIN", prior=True, prior_modality="CT"),
             (_ct(QT_TRANSLATE_NOOP("HangingProtocol", "Cerveau"), "Cerveau", prior=True),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Sous-dural"), "Sous-dural", prior=True),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Os"), "Os", prior=True))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM crâne"), StudyRule("CT", "HEAD|CRANE|BRAIN"),
             (_ct(QT_TRANSLATE_NOOP("HangingProtocol", "Cerveau"), "Cerveau"),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Sous-dural"), "Sous-dural"),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Os"), "Os"))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM thorax avec antérieur scanner"),
             StudyRule("CT", "CHEST|THORAX", prior=True, prior_modality="CT"),
             (_ct(QT_TRANSLATE_NOOP("HangingProtocol", "Poumon"), "Poumon", prior=True),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Médiastin"), "Médiastin", prior=True))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM thorax-abdomen-pelvis"),
             StudyRule("CT", "CHEST|ABD|PELVIS|TAP"),
             (_ct(QT_TRANSLATE_NOOP("HangingProtocol", "Abdomen et poumon"), "Abdomen", columns=2,
                  other_window="Poumon"),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Médiastin et os"), "Médiastin", columns=2,
                  other_window="Os"))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM thorax-abdomen-pelvis avec radiographie antérieure"),
             StudyRule("CT", "CHEST|ABD|PELVIS|TAP", prior=True, prior_modality="DX"),
             (Stage(QT_TRANSLATE_NOOP("HangingProtocol", "Poumon et radiographie"), 1, 1,
                    (ViewportSpec(CURRENT, SeriesRule("CT", "", "axial"), "Poumon"),
                     ViewportSpec(PRIOR, SeriesRule("DX"), "")), link=False),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Abdomen et poumon"), "Abdomen", columns=2,
                  other_window="Poumon"))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "TDM rachis"), StudyRule("CT", "SPINE|RACHIS|LSPINE|LOMB"),
             (_ct(QT_TRANSLATE_NOOP("HangingProtocol", "Os"), "Os"),
              _ct(QT_TRANSLATE_NOOP("HangingProtocol", "Parties molles"), "Abdomen"))),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "Radiographie thorax avec antérieur"),
             StudyRule("", "CHEST|THORAX", prior=True, prior_modality="DX"),
             (Stage(QT_TRANSLATE_NOOP("HangingProtocol", "Face"), 1, 1,
                    (ViewportSpec(CURRENT), ViewportSpec(PRIOR)), link=False),)),
    Protocol(QT_TRANSLATE_NOOP("HangingProtocol", "IRM encéphale"), StudyRule("MR", "HEAD|BRAIN|ENCEPH"),
             (Stage(QT_TRANSLATE_NOOP("HangingProtocol", "Axial"), 1, 1,
                    (ViewportSpec(CURRENT, SeriesRule("MR", "", "axial")),)),
              Stage(QT_TRANSLATE_NOOP("HangingProtocol", "Toutes séquences"), 2, 2,
                    tuple(ViewportSpec(CURRENT, SeriesRule("MR")) for _ in range(4))))),
)
"""The set shipped for the demo exams; a protocols file adds to it (and wins on a tie)."""


def load_protocols(path: Path) -> tuple[list[Protocol], list[str]]:
    """The radiologist's protocols from ``path`` (none when absent) and the problems found (English,
    one per protocol that could not be read: the others are kept)."""
    if not path.exists():
        return [], []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [f"{path.name}: not readable ({exc.__class__.__name__})"]
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(
            data.get("protocols"), list):
        return [], [f"{path.name}: not a version {FORMAT_VERSION} protocols file"]
    found, problems = [], []
    for item in data["protocols"]:
        try:
            found.append(Protocol.from_json(item))
        except ProtocolError as exc:
            problems.append(str(exc))
    return found, problems


def save_protocols(path: Path, protocols: Sequence[Protocol]) -> None:
    """Write the radiologist's protocols (readable JSON, written whole then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": FORMAT_VERSION, "protocols": [p.to_json() for p in protocols]}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def all_protocols(path: Path) -> tuple[list[Protocol], list[str]]:
    """The radiologist's protocols then the defaults."""
    own, problems = load_protocols(path)
    return [*own, *DEFAULT_PROTOCOLS], problems
