"""Linked scrolling geometry (viewer.linking) and hanging-protocol matching (viewer.hanging), Qt-free.

References: positions computed here from ImagePositionPatient as a scanner writes them (origin + k *
spacing along the normal), never from the module under test.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer import hanging
from viewer.geometry import Geometry
from viewer.hanging import (
    DEFAULT_PROTOCOLS,
    Protocol,
    SeriesRule,
    Stage,
    StudyFacts,
    StudyRule,
    ViewportSpec,
    choose,
    pick_series,
)
from viewer.linking import NotLinkable, StackLink, linked_zoom


@dataclass
class FakeStack:
    geometry: Geometry
    frame_of_reference_uid: str
    thickness: float
    modality: str = "CT"
    description: str = ""

    def slice_thickness(self, index: int) -> float | None:
        return self.thickness

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.geometry.positions), 8, 8)


def stack(z0: float, spacing: float, count: int, frame: str = "F1", thickness: float | None = None,
          normal: tuple[float, float, float] = (0.0, 0.0, 1.0), shift: tuple[float, float] = (0.0, 0.0),
          description: str = "", modality: str = "CT") -> FakeStack:
    n = np.asarray(normal, dtype=float)
    n /= np.linalg.norm(n)
    # row and column directions orthogonal to the normal
    helper = np.array([0.0, 1.0, 0.0]) if abs(n[1]) < 0.9 else np.array([1.0, 0.0, 0.0])
    row = np.cross(helper, n)
    row /= np.linalg.norm(row)
    column = np.cross(n, row)
    origin = np.array([shift[0], shift[1], 0.0])
    positions = tuple(tuple(float(v) for v in origin + (z0 + spacing * k) * n) for k in range(count))
    geometry = Geometry(positions, tuple(row), tuple(column), tuple(n), abs(spacing), 0.5, 0.5, 0.0, True)
    return FakeStack(geometry, frame, thickness if thickness is not None else abs(spacing),
                     modality, description)


def z(s: FakeStack, index: int) -> float:
    return float(np.dot(s.geometry.positions[index], s.geometry.normal))


def test_same_frame_lands_on_the_same_position_within_half_a_slice() -> None:
    current = stack(-48.0, 1.0, 176)
    prior = stack(-48.0, 5.0, 36)
    link = StackLink.between(current, prior)
    for index in (88, 93, 0, 175):
        landing = link.land(current, index, prior)
        assert abs(z(prior, landing.index) - z(current, index)) <= 2.5
        assert landing.covered
    # 88 -> 93 on today's exam: the prior moves by one 5 mm slice (the bug of the issue: it stayed)
    assert link.land(current, 93, prior).index == link.land(current, 88, prior).index + 1


def test_different_frames_need_a_landmark_then_follow_with_the_offset() -> None:
    current = stack(-48.0, 1.0, 176, frame="F1")
    prior = stack(-48.0 + 137.5, 5.0, 36, frame="F2")  # same head, table 137.5 mm further
    with pytest.raises(NotLinkable):
        StackLink.between(current, prior)
    # the radiologist shows the same level: today's slice 90 (z=42), the prior's slice 18 (z=42+137.5)
    link = StackLink.aligned(current, 90, prior, 18)
    assert link.offset_along(current.geometry.normal) == pytest.approx(137.5)
    for index in range(0, 176, 7):
        landing = link.land(current, index, prior)
        wanted = z(current, index) + 137.5
        if -48.0 + 137.5 <= wanted <= -48.0 + 137.5 + 35 * 5.0:
            assert landing.covered and abs(z(prior, landing.index) - wanted) <= 2.5
    # scrolling the prior moves today's exam back (reversed link)
    back = link.reversed().land(prior, 20, current)
    assert z(current, back.index) == pytest.approx(z(prior, 20) - 137.5, abs=0.5)


def test_outside_the_prior_is_said_not_covered_and_perpendicular_stacks_refused() -> None:
    current = stack(-48.0, 1.0, 176)
    prior = stack(0.0, 5.0, 4)  # covers 0..15 mm only
    landing = StackLink.between(current, prior).land(current, 0, prior)
    assert not landing.covered and landing.distance_mm == pytest.approx(48.0)
    sagittal = stack(0.0, 1.0, 10, normal=(1.0, 0.0, 0.0))
    with pytest.raises(NotLinkable):
        StackLink.between(current, sagittal)


def test_opposite_normals_link_by_position() -> None:
    """A prior acquired feet-first (slices in the other order) still lands on the same level."""
    current = stack(-48.0, 1.0, 176)
    prior = stack(-48.0, 5.0, 20, normal=(0.0, 0.0, -1.0))  # patient z from +48 down to -47
    link = StackLink.between(current, prior)
    landing = link.land(current, 60, prior)  # today's z = 12
    assert landing.covered and abs(-z(prior, landing.index) - z(current, 60)) <= 2.5
    back = link.reversed().land(prior, landing.index, current)
    assert abs(z(current, back.index) + z(prior, landing.index)) <= 0.5


@settings(max_examples=200, deadline=None)
@given(
    spacing_a=st.floats(0.5, 5.0), spacing_b=st.floats(0.5, 7.0), shift=st.floats(-300.0, 300.0),
    start=st.integers(0, 59), steps=st.integers(-20, 20), tilt=st.floats(-0.15, 0.15),
)
def test_property_landing_is_within_half_a_slice_after_any_scroll(
        spacing_a: float, spacing_b: float, shift: float, start: int, steps: int, tilt: float) -> None:
    current = stack(0.0, spacing_a, 60, frame="A", normal=(0.0, tilt, 1.0))
    prior = stack(shift - 100.0, spacing_b, 400, frame="B", normal=(0.0, tilt, 1.0))
    # the landmark: the prior slice nearest to today's slice ``start`` (plus the table shift)
    places = np.array([z(prior, k) for k in range(400)])
    aligned_prior = int(np.argmin(np.abs(places - (z(current, start) + shift))))
    link = StackLink.aligned(current, start, prior, aligned_prior)
    target = int(np.clip(start + steps, 0, 59))
    link_index = link.land(current, target, prior)
    expected = z(current, target) + (z(prior, aligned_prior) - z(current, start))
    inside = min(places) - spacing_b / 2 <= expected <= max(places) + spacing_b / 2
    if inside:  # wherever the prior reaches, the landing is within half a slice of the position
        assert link_index.covered and abs(z(prior, link_index.index) - expected) <= spacing_b / 2 + 1e-6
    else:  # beyond it: said, never shown as the same level
        assert not link_index.covered


def test_linked_zoom_keeps_millimetres_per_screen_pixel() -> None:
    assert linked_zoom(2.0, 0.5, 1.0) == pytest.approx(4.0)
    assert pytest.approx(1.0 / linked_zoom(2.0, 0.5, 1.0)) == 0.5 / 2.0  # mm per screen pixel


# --- hanging protocols --------------------------------------------------------------------------------

def test_the_head_ct_with_a_ct_prior_gets_the_prior_protocol_and_without_it_the_plain_one() -> None:
    facts = StudyFacts(("CT",), ("HEAD",), "TDM CEREBRALE SANS INJECTION", None)
    assert choose(DEFAULT_PROTOCOLS, facts).name == "TDM crâne"
    with_prior = StudyFacts(("CT",), ("HEAD",), "TDM CEREBRALE SANS INJECTION", ("CT",))
    chosen = choose(DEFAULT_PROTOCOLS, with_prior)
    assert chosen.name == "TDM crâne avec antérieur"
    assert chosen.stages[0].shows_prior and chosen.stages[0].link
    tap = StudyFacts(("CT",), ("CHESTABDPELVIS",), "TDM TAP INJECTE (TEMPS PORTAL)", ("DX",))
    assert choose(DEFAULT_PROTOCOLS, tap).name == "TDM thorax-abdomen-pelvis avec radiographie antérieure"
    assert choose(DEFAULT_PROTOCOLS, StudyFacts(("US",), (), "", ())) is None


def test_the_radiologists_protocol_wins_a_tie_and_survives_a_round_trip(tmp_path: Path) -> None:
    spec = ViewportSpec("current", SeriesRule("CT", "^Crâne", "axial"), "Os")
    own = Protocol("Mon crâne", StudyRule("CT", "HEAD|CRANE|BRAIN"), (Stage("Os", 2, 2, (spec,)),), user=True)
    path = tmp_path / "hanging_protocols.json"
    hanging.save_protocols(path, [own])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["protocols"][0]["name"] == "Mon crâne"  # readable JSON
    protocols, problems = hanging.all_protocols(path)
    assert problems == [] and protocols[0] == own
    assert choose(protocols, StudyFacts(("CT",), ("HEAD",), "", ())).name == "Mon crâne"


def test_a_broken_protocols_file_keeps_the_defaults_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "hanging_protocols.json"
    path.write_text('{"version": 1, "protocols": [{"name": "x", "stages": [{"name": "s", "rows": 9}]},'
                    ' {"nom": "sans nom"}]}', encoding="utf-8")
    protocols, problems = hanging.all_protocols(path)
    assert len(problems) == 2 and protocols == list(DEFAULT_PROTOCOLS)
    path.write_text("{not json", encoding="utf-8")
    assert hanging.load_protocols(path)[0] == [] and hanging.load_protocols(path)[1]


def test_series_rules_pick_the_volume_not_the_localizer_and_by_orientation() -> None:
    localizer = stack(0.0, 1.0, 1, description="Topogramme")
    volume = stack(0.0, 1.0, 120, description="TAP portal 3.0 Br40")
    sagittal = stack(0.0, 1.0, 40, normal=(1.0, 0.0, 0.0), description="Rachis sag")
    series = [localizer, volume, sagittal]
    assert pick_series(SeriesRule("CT"), series) is volume
    assert pick_series(SeriesRule("CT", "", "sagittal"), series) is sagittal
    assert pick_series(SeriesRule("CT", "topo"), series) is localizer
    assert pick_series(SeriesRule("MR"), series) is None
    assert pick_series(SeriesRule("CT", "", "axial"), series, avoid=[volume]) is localizer
