"""The signature window (auth.signing): the password opens it, it closes after 15 minutes (exactly),
on a lock, an expiry, a logout or a new login, and a quick confirmation never extends it."""

from __future__ import annotations

import pytest

from auth.session import (
    FullLoginRequired,
    Identity,
    PlatformUnreachable,
    Session,
    SessionPolicy,
    SessionState,
    UnlockRejected,
)
from auth.signing import SIGNATURE_WINDOW, Confirmation, PasswordRequired, SignatureConfirmation

MIN = 60.0
MARTIN = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")
DURAND = Identity("dr.durand", "10007654321", "DURAND", "Paul", "Dr")


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


class Platform:
    def __init__(self) -> None:
        self.accounts = {"dr.martin": ("mdp-martin", MARTIN), "dr.durand": ("mdp-durand", DURAND)}
        self.reachable = True
        self.checks = 0

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        return self.accounts[login][1]

    def verify_password(self, login: str, password: str) -> bool:
        self.checks += 1
        if not self.reachable:
            raise PlatformUnreachable("down", "La plateforme est injoignable.")
        return self.accounts[login][0] == password


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
def session(platform: Platform, clock: Clock) -> Session:
    s = Session(platform, clock=clock)
    s.login("dr.martin", "mdp-martin", "123456")
    return s


@pytest.fixture
def signing(session: Session, clock: Clock) -> SignatureConfirmation:
    return SignatureConfirmation(session, clock=clock)


def test_the_window_is_the_idle_lock_delay() -> None:
    assert SIGNATURE_WINDOW == 15 * MIN


def test_login_alone_does_not_open_the_window(signing: SignatureConfirmation) -> None:
    assert signing.needs_password()
    with pytest.raises(PasswordRequired):
        signing.confirm(None)


def test_password_opens_a_fixed_window_that_expires_exactly(
    signing: SignatureConfirmation, session: Session, clock: Clock, platform: Platform
) -> None:
    assert signing.confirm("mdp-martin") is Confirmation.PASSWORD_ONLINE
    assert not signing.needs_password() and signing.remaining() == SIGNATURE_WINDOW
    checks = platform.checks
    clock.now += 10 * MIN
    session.record_activity()  # the radiologist is working: no idle lock
    assert signing.confirm(None) is Confirmation.WITHIN_WINDOW
    assert platform.checks == checks  # nothing sent to the platform for a quick confirmation
    clock.now += 5 * MIN - 1
    session.record_activity()
    assert signing.remaining() == 1.0  # the quick confirmation did not extend it
    assert signing.confirm(None) is Confirmation.WITHIN_WINDOW
    clock.now += 1  # 15:00 after the password: asked again
    assert signing.needs_password()
    with pytest.raises(PasswordRequired):
        signing.confirm(None)
    assert signing.confirm("mdp-martin") is Confirmation.PASSWORD_ONLINE
    assert signing.remaining() == SIGNATURE_WINDOW


def test_a_wrong_password_opens_nothing(signing: SignatureConfirmation) -> None:
    with pytest.raises(UnlockRejected):
        signing.confirm("pas-le-bon")
    assert signing.needs_password()


def test_a_wrong_password_does_not_close_an_open_window_early_or_extend_it(
    signing: SignatureConfirmation, clock: Clock, session: Session
) -> None:
    signing.confirm("mdp-martin")
    clock.now += 2 * MIN
    session.record_activity()
    with pytest.raises(UnlockRejected):
        signing.confirm("faux")
    assert signing.remaining() == SIGNATURE_WINDOW - 2 * MIN


@pytest.mark.parametrize("how", ["lock", "idle", "logout"])
def test_lock_idle_lock_or_logout_close_the_window(
    signing: SignatureConfirmation, session: Session, clock: Clock, how: str
) -> None:
    signing.confirm("mdp-martin")
    if how == "lock":
        session.lock()
    elif how == "idle":
        clock.now += 15 * MIN
        session.tick()
        assert session.state is SessionState.LOCKED
    elif how == "logout":
        session.logout()
    assert signing.needs_password()
    if how in ("lock", "idle"):
        session.unlock("mdp-martin")  # unlocking with the password does not sign anything
        assert session.state is SessionState.ACTIVE and signing.needs_password()
        return
    session.login("dr.durand", "mdp-durand", "123456")  # another radiologist at the same desk
    assert signing.needs_password()
    with pytest.raises(PasswordRequired):
        signing.confirm(None)


def test_offline_password_check_within_the_offline_window(
    signing: SignatureConfirmation, platform: Platform
) -> None:
    platform.reachable = False
    assert signing.confirm("mdp-martin") is Confirmation.PASSWORD_OFFLINE
    assert signing.confirm(None) is Confirmation.WITHIN_WINDOW


def test_offline_too_long_after_the_strong_login_needs_a_full_login(platform: Platform, clock: Clock) -> None:
    session = Session(platform, SessionPolicy(offline_unlock_window=3600.0), clock=clock)
    session.login("dr.martin", "mdp-martin", "123456")
    signing = SignatureConfirmation(session, clock=clock)
    platform.reachable = False
    for _ in range(6):
        clock.now += 10 * MIN
        session.record_activity()
    with pytest.raises(FullLoginRequired):
        signing.confirm("mdp-martin")
    assert signing.needs_password()


def test_closed_owner_stops_following_the_session(signing: SignatureConfirmation) -> None:
    signing.confirm("mdp-martin")
    signing.close()
    assert signing.needs_password()


def test_negative_window_refused(session: Session) -> None:
    with pytest.raises(ValueError):
        SignatureConfirmation(session, window=-1)
