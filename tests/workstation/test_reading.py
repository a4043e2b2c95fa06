"""Reading an exam end to end without Qt, against a fresh reference platform over HTTPS: images
retrieved, draft composed from the relayed messages and the headers, identity check, sign refused
with the list, sign and queue, ACK AA, images removed from the disk when the reading ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from reporting.checks import IssueCode, SignatureRefused
from reporting.model import Narrative, Source
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from workstation.app import Workstation
from workstation.reading import confirm_identity, open_case, sign_and_queue
from workstation.settings import Settings
from workstation.worklist import WorklistRow, build_rows


@pytest.fixture(scope="module")
def reading_platform(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    return platform_factory(private_copy(demo_data, tmp_path_factory.mktemp("reading") / "data"))


@pytest.fixture
def ws(reading_platform: RunningPlatform, tmp_path: Path) -> Iterator[Workstation]:
    settings = Settings(
        platform_url=reading_platform.base_url, ca_file=reading_platform.ca_path, cache_dir=tmp_path / "cache"
    )
    workstation = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path)
    account = reading_platform.account
    workstation.login(account["login"], account["password"], reading_platform.fresh_otp())
    workstation.start_delivery()
    yield workstation
    workstation.close()


def _row(ws: Workstation, case: cases.Case) -> WorklistRow:
    rows = build_rows(ws.fetch_worklist())
    return next(r for r in rows if r.order_id == case.placer_order_number)


def _written(report, text: str):
    return replace(
        report,
        technique=Narrative("Acquisition hélicoïdale avec injection au temps portal.", Source.USER),
        results=Narrative(text, Source.USER),
        conclusion=Narrative("Pas d'anomalie aiguë décelée.", Source.USER),
    )


def test_read_sign_and_send_the_ct_of_chest_abdomen_pelvis(ws: Workstation) -> None:
    case = open_case(ws, _row(ws, cases.CT_TAP_CASE))
    try:
        assert case.stream is not None and case.stream.wait(120)  # streamed in reading order (issue 24)
        assert len(case.files) == len(list(case.folder.rglob("*.dcm"))) > 50
        assert not case.identity_blocked
        report = case.draft.report
        expected_dlp = sum(a.dlp_mgycm for a in cases.CT_TAP_ACQUISITIONS)
        assert report.dose is not None and report.dose.total_dlp_mgy_cm is not None
        assert report.dose.total_dlp_mgy_cm.value == expected_dlp
        assert report.dose.total_dlp_mgy_cm.source is Source.RDSR
        assert report.participants.author is not None and report.participants.author.family == "MOREAU"

        with pytest.raises(SignatureRefused) as refused:
            sign_and_queue(ws, case, report)
        codes = {i.code for i in refused.value.issues}
        assert {IssueCode.MISSING_RESULTS, IssueCode.MISSING_CONCLUSION} <= codes

        item = sign_and_queue(ws, case, _written(report, "Foie, rate, pancréas sans anomalie."))
        deadline = time.monotonic() + 20
        while ws.outbox.store.get(item.control_id).state.value != "delivered":
            assert time.monotonic() < deadline, ws.outbox.store.get(item.control_id)
            time.sleep(0.2)
        assert ws.outbox.store.get(item.control_id).ack_code == "AA"
        assert _row(ws, cases.CT_TAP_CASE).entry.status.value == "cr_transmis"
    finally:
        folder = case.folder
        case.close()
    assert not folder.exists()


def test_identity_mismatch_blocks_until_the_site_confirms(ws: Workstation) -> None:
    case = open_case(ws, _row(ws, cases.MISMATCH_CASE))
    try:
        assert case.identity_blocked
        assert "naissance" in case.identity.detail
        report = _written(case.draft.report, "Pas de lésion.")
        with pytest.raises(SignatureRefused) as refused:
            sign_and_queue(ws, case, report)
        assert IssueCode.IDENTITY_NOT_CHECKED in {i.code for i in refused.value.issues}
        confirmed = confirm_identity(
            report,
            "date de naissance erronée à la console, rappel du manipulateur",
            case.draft.report.interpretation_time.value,
        )
        assert confirmed.identity_check.verified and "Discordance" in confirmed.incidents[-1].description
        sign_and_queue(ws, case, confirmed)
    finally:
        case.close()
