"""Issue 23, item 1 on the workstation, against the reference platform (Qt-free):

- « Demander des images complémentaires »: the request reaches the platform (in the order's history),
  the row says the order waits for the images, and the audit journal has the safety decision with
  the user and the time; an incomplete request sends nothing;
- live acquisition: before the site's flux 4, the study whose images name the order in (0040,2016)
  opens with the images already there, and cannot be signed until the flux 4.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from workstation.app import Workstation
from workstation.audit.journal import read_entries
from workstation.audit.model import EventKind
from workstation.complementary import (
    ComplementaryError,
    ComplementaryReason,
    ComplementaryRequest,
    ask_complementary_images,
    wanted_series,
)
from workstation.justification import Decision, required_elements
from workstation.reading import ReadingError, open_case, sign_and_queue
from workstation.settings import Settings
from workstation.worklist import build_rows

LIVE = cases.ACQUIRING_CASE  # the demo's radiograph on the platform before its flux 4


def _acquiring(demo_data: Path, target: Path) -> Path:
    """The demo as generated: its images name their order in the Request Attributes Sequence."""
    return private_copy(demo_data, target)


@pytest.fixture
def station(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> tuple[Workstation, RunningPlatform]:
    platform = platform_factory(_acquiring(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache"
    )
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    ws.login(platform.account["login"], platform.account["password"], platform.fresh_otp())
    ws.start_delivery()
    yield ws, platform
    ws.close()


def _row(ws: Workstation, order_id: str):
    return next(r for r in build_rows(ws.fetch_worklist()) if r.order_id == order_id)


def test_a_request_is_sent_shown_waited_for_and_journaled(station) -> None:
    ws, _platform = station
    row = _row(ws, cases.CT_TAP_CASE.placer_order_number)
    with pytest.raises(ComplementaryError):  # « Autre » without a word: nothing leaves
        ask_complementary_images(ws, row, ComplementaryRequest(ComplementaryReason.AUTRE, ("T2",), " "))
    request = ComplementaryRequest(
        ComplementaryReason.TEMPS_INJECTE,
        wanted_series("Temps tardif à 5 min\n\n  Coupes fines pelviennes "),
        "Recherche de fuite urinaire.",
    )
    assert request.series == ("Temps tardif à 5 min", "Coupes fines pelviennes")
    request_id = ask_complementary_images(ws, row, request)
    assert request_id.startswith("IMG-")
    row = _row(ws, cases.CT_TAP_CASE.placer_order_number)
    assert row.entry.awaiting_images and row.status_label == "Images complémentaires demandées"
    event = row.entry.history[-1]
    assert event.event == "Images complémentaires demandées" and request_id in event.detail
    assert "Temps tardif à 5 min" in event.detail and "Recherche de fuite urinaire." in event.detail
    asked = [
        e for e in read_entries(ws.journal_path) if e.record.kind is EventKind.COMPLEMENTARY_IMAGES_REQUESTED
    ]
    assert len(asked) == 1
    line = asked[0].line.decode("utf-8")
    assert ws.identity.login in line and request_id in line and cases.CT_TAP_CASE.placer_order_number in line
    assert asked[0].record.at.tzinfo is not None


def test_before_the_flux_4_the_study_in_progress_opens_and_cannot_be_signed(station) -> None:
    ws, _platform = station
    row = _row(ws, LIVE.placer_order_number)
    assert row.entry.study_in_progress is None  # not accepted yet: nothing is being acquired
    order = row.order
    assert order is not None
    missing = tuple(e.key for e in required_elements(order, "DX", date.today(), False) if not e.present)
    decision = Decision(
        True, "Radiographie thoracique de face", radioprotection_confirmed=True, missing_accepted=missing
    )
    ws.answer_order(row, decision)
    deadline = time.monotonic() + 30
    while not (row := _row(ws, LIVE.placer_order_number)).entry.study_in_progress:
        assert time.monotonic() < deadline, "the study in progress was not announced"
        time.sleep(0.3)
    assert row.entry.study_in_progress == LIVE.study_instance_uid and row.entry.study_instance_uid is None
    assert row.status_label == "Acquisition en cours"
    case = open_case(ws, row)
    try:
        assert case.row.entry.acquiring and case.row.entry.study_instance_uid == LIVE.study_instance_uid
        assert len(case.files) == 1  # the radiograph already there
        with pytest.raises(ReadingError) as refused:
            sign_and_queue(ws, case, case.draft.report)
        assert "flux 4" in refused.value.user_message
    finally:
        case.close()
    cached = ws.cache.get(LIVE.study_instance_uid)
    assert cached is None or not cached.complete  # a study being acquired is never cached as complete
