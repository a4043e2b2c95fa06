"""Issue 22: the 12-hour offline limit across a restart cannot be stretched by setting the clock back.

A strong login, then the workstation restarts while the platform is unreachable: the credential kept
in the keyring reopens the session only within 12 h of that login. Before, the age was the wall clock
minus the login time, so a wall clock 2 h behind accepted a 13-hour-old login. Now the same boot
measures it on the boot-time clock; after a reboot, the wall clock never counts below the latest wall
time the workstation has seen (a file).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auth.session import (
    FullLoginRequired,
    OfflineCodes,
    OfflineCredential,
    Session,
    SessionPolicy,
    SessionState,
    WallHighWater,
)
from tests.auth.test_session import HOUR, MARTIN, FakeClock, FakePlatform

LOGIN_AT = datetime(2026, 1, 6, 20, 0, tzinfo=UTC)
# The second factor of an offline restart (tests/auth/test_offline_codes.py): a code, its hashes, the keeper.
_CODE = ("123456789012", OfflineCodes.from_codes("dr.martin", ["123456789012"]), lambda _left: None)


class World:
    """The wall clock, the boot (id and boot-time seconds) and the session's elapsed clock, driven by hand."""

    def __init__(self) -> None:
        self.wall = LOGIN_AT
        self.boot = ("boot-1", 5000.0)
        self.elapsed = FakeClock()

    def live(self, seconds: float) -> None:
        """Time really passes: every clock moves."""
        self.wall += timedelta(seconds=seconds)
        self.boot = (self.boot[0], self.boot[1] + seconds)
        self.elapsed.advance(seconds)

    def session(self, platform: FakePlatform) -> Session:
        return Session(
            platform, SessionPolicy(), clock=self.elapsed, wall=lambda: self.wall, boot=lambda: self.boot
        )


def _credential(world: World, platform: FakePlatform) -> OfflineCredential:
    first = world.session(platform)
    first.login("dr.martin", "mdp-martin", "123456")
    credential = first.offline_credential()
    assert credential is not None and credential.boot_id == "boot-1" and credential.boot_elapsed == 5000.0
    return OfflineCredential.from_json(credential.to_json())  # as kept in the keyring


def test_same_boot_clock_set_back_two_hours_cannot_stretch_the_limit() -> None:
    world, platform = World(), FakePlatform()
    credential = _credential(world, platform)
    platform.reachable = False
    world.live(13 * HOUR)
    world.wall -= timedelta(hours=2)  # the wall clock says 11 h
    with pytest.raises(FullLoginRequired):
        world.session(platform).resume_offline(credential, "dr.martin", "mdp-martin", *_CODE)


def test_same_boot_the_remaining_time_is_exact_after_a_clock_jump() -> None:
    world, platform = World(), FakePlatform()
    credential = _credential(world, platform)
    platform.reachable = False
    world.live(11 * HOUR + 59 * 60)
    world.wall -= timedelta(hours=2)
    session = world.session(platform)
    session.resume_offline(credential, "dr.martin", "mdp-martin", *_CODE)
    assert session.state is SessionState.ACTIVE
    world.live(59)
    session.record_activity()
    assert session.tick() is SessionState.ACTIVE  # 11:59:59 after the strong login
    world.live(1)
    assert session.tick() is SessionState.EXPIRED  # 12:00:00 exactly, not 14:00


def test_after_a_reboot_the_high_water_mark_keeps_the_limit(tmp_path: Path) -> None:
    world, platform = World(), FakePlatform()
    mark = WallHighWater(tmp_path / "clock-high-water")
    credential = _credential(world, platform)
    world.live(12 * HOUR + 30 * 60)
    mark.note(world.wall, force=True)  # the workstation saw 08:30 the next morning, then stopped
    world.boot = ("boot-2", 40.0)  # rebooted
    world.wall -= timedelta(hours=2)  # with its clock 2 h behind: the wall clock says 10.5 h
    platform.reachable = False
    session = world.session(platform)
    session.use_wall_high_water(WallHighWater(tmp_path / "clock-high-water"))  # read back from its file
    with pytest.raises(FullLoginRequired):
        session.resume_offline(credential, "dr.martin", "mdp-martin", *_CODE)


def test_within_the_limit_the_offline_resume_still_works_after_a_reboot(tmp_path: Path) -> None:
    world, platform = World(), FakePlatform()
    credential = _credential(world, platform)
    world.live(3 * HOUR)
    world.boot = ("boot-2", 40.0)
    platform.reachable = False
    session = world.session(platform)
    session.use_wall_high_water(WallHighWater(tmp_path / "clock-high-water"))
    session.resume_offline(credential, "dr.martin", "mdp-martin", *_CODE)
    assert session.state is SessionState.ACTIVE
    assert (tmp_path / "clock-high-water").stat().st_mode & 0o777 == 0o600


def test_a_credential_written_before_this_version_still_reads() -> None:
    old = (
        '{"identity": ["dr.martin", "10001234567", "MARTIN", "Claire", "Dr"],'
        ' "at": "2026-01-06T20:00:00+00:00", "salt": "00", "hash": "11"}'
    )
    credential = OfflineCredential.from_json(old)
    assert credential.boot_id == "" and credential.boot_elapsed is None and credential.identity == MARTIN
