"""Restart without the platform (issue 7): within 12 h of the last two-factor login the workstation
reopens offline, lists the studies kept in its encrypted cache and queues the report; after 12 h, or
with a wrong password, or after an explicit logout, it refuses. Issue 23 (item 9): the restart takes
two factors, the password and one of the offline restart codes the platform issued (the password
alone, or the authenticator's code, is refused)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from auth.session import (
    FullLoginRequired,
    LoginRejected,
    OfflineCodeRequired,
    PlatformUnreachable,
    SessionState,
)
from reporting.model import Narrative, Source
from teleplatform.demo import cases
from tests.platform_fixtures import RunningPlatform, private_copy
from workstation.app import Workstation
from workstation.reading import open_case, sign_and_queue
from workstation.settings import Settings
from workstation.worklist import build_rows


class Wall:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _dead_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there once closed


def test_restart_offline_within_the_window(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> None:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    keyring = KeyStore(VolatileKeyring())  # the OS keyring, which outlives the process
    wall = Wall()
    online = Settings(platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    account = platform.account

    # First run: two-factor login, the worklist's studies prefetched, then the workstation exits.
    journal = tmp_path / "ws" / "audit" / "journal.jsonl"  # one chain across both runs, as on a real keyring
    first = Workstation(online, keystore=keyring, data_dir=tmp_path / "ws", journal_path=journal, wall=wall)
    first.login(account["login"], account["password"], platform.fresh_otp())
    codes = first.issue_offline_codes()  # « Codes de reprise hors ligne… », written down by the radiologist
    assert len(codes) == 5 and all(len(c) == 12 and c.isdigit() for c in codes)
    first.start_delivery()
    entries = first.fetch_worklist()
    study = next(e for e in entries if e.order_id == cases.CT_TAP_CASE.placer_order_number).study_instance_uid
    deadline = time.monotonic() + 120
    while not (first.cache.get(study) and first.cache.get(study).complete):
        assert time.monotonic() < deadline, "the CT was not prefetched"
        time.sleep(0.5)
    first.close()  # an exit, not a logout
    platform.stop()

    # Second run, the platform unreachable: the password reopens the session offline.
    offline = Settings(platform_url=_dead_url(), ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    second = Workstation(offline, keystore=keyring, data_dir=tmp_path / "ws", journal_path=journal, wall=wall)
    try:
        wall.now += timedelta(hours=3)
        with pytest.raises(LoginRejected):
            second.login(account["login"], "pas-le-bon", codes[0])
        with pytest.raises(OfflineCodeRequired):  # the password alone is not two factors
            second.login(account["login"], account["password"], "000000")
        identity = second.login(account["login"], account["password"], codes[0])
        assert identity.login == account["login"] and second.session.state is SessionState.ACTIVE

        rows = build_rows(second.cached_entries())
        row = next(r for r in rows if r.order_id == cases.CT_TAP_CASE.placer_order_number)
        assert row.order is not None and row.order.patient.birth_name == cases.CT_TAP_CASE.patient.birth_name
        case = open_case(second, row)
        try:
            assert case.from_cache and not case.identity_blocked
            report = case.draft.report
            from dataclasses import replace

            written = replace(
                report,
                technique=Narrative("Temps portal.", Source.USER),
                results=Narrative("Pas d'anomalie.", Source.USER),
                conclusion=Narrative("Examen normal.", Source.USER),
            )
            sign_and_queue(second, case, written)
        finally:
            case.close()
        assert second.outbox.store.counts().pending == 1  # kept for when the platform returns

        second.session.logout()
        with pytest.raises(OfflineCodeRequired):  # each code opens one restart
            second.login(account["login"], account["password"], codes[0])
        wall.now += timedelta(hours=10)  # 13 h after the two-factor login
        with pytest.raises(FullLoginRequired):
            second.login(account["login"], account["password"], codes[1])
    finally:
        second.close()
    assert not list(journal.parent.glob("*set-aside*"))  # the restart continued the same audit chain
    from workstation.audit import verify_file
    from workstation.audit.custody import verification_material

    key, head = verification_material(keyring, journal)
    if key is None:  # k0 escrowed to the platform after shipping: the chain is still whole up to the head
        assert head is not None and journal.stat().st_size > 0
    else:
        with key:
            assert verify_file(journal, key.view(), head).ok


def test_an_explicit_logout_forbids_the_offline_resume(
    demo_data: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> None:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    keyring = KeyStore(VolatileKeyring())
    online = Settings(platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    first = Workstation(online, keystore=keyring, data_dir=tmp_path / "ws")
    first.login(platform.account["login"], platform.account["password"], platform.fresh_otp())
    first.logout()
    first.close()
    platform.stop()
    offline = Settings(platform_url=_dead_url(), ca_file=platform.ca_path, cache_dir=tmp_path / "cache")
    second = Workstation(offline, keystore=keyring, data_dir=tmp_path / "ws")
    try:
        with pytest.raises(PlatformUnreachable):
            second.login(platform.account["login"], platform.account["password"], "000000")
    finally:
        second.close()
