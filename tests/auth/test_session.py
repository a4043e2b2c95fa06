from __future__ import annotations

import time

import pytest

from auth.session import (
    ElapsedClock,
    FullLoginRequired,
    Identity,
    LoginRejected,
    PlatformUnreachable,
    Reason,
    Session,
    SessionEvent,
    SessionEventKind,
    SessionPolicy,
    SessionState,
    SessionStateError,
    UnlockRejected,
)

MIN = 60.0
HOUR = 3600.0
MARTIN = Identity("dr.martin", "10001234567", "MARTIN", "Claire", "Dr")
DURAND = Identity("dr.durand", "10007654321", "DURAND", "Paul", "Dr")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakePlatform:
    """The platform as the session sees it: accounts, a reachability switch, a call log."""

    def __init__(self) -> None:
        self.accounts = {
            "dr.martin": ("mdp-martin", "123456", MARTIN),
            "dr.durand": ("mdp-durand", "654321", DURAND),
        }
        self.reachable = True
        self.calls: list[str] = []

    def authenticate(self, login: str, password: str, otp: str) -> Identity:
        self.calls.append("authenticate")
        if not self.reachable:
            raise PlatformUnreachable("connection refused", "La plateforme est injoignable.")
        account = self.accounts.get(login)
        if account is None or account[0] != password:
            raise LoginRejected(
                "bad_credentials", "401 bad_credentials", "Identifiant ou mot de passe incorrect."
            )
        if account[1] != otp:
            raise LoginRejected("bad_otp", "401 bad_otp", "Code à usage unique incorrect.")
        return account[2]

    def verify_password(self, login: str, password: str) -> bool:
        self.calls.append("verify_password")
        if not self.reachable:
            raise PlatformUnreachable("timeout", "La plateforme est injoignable.")
        return self.accounts[login][0] == password


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def events() -> list[SessionEvent]:
    return []


@pytest.fixture
def session(platform: FakePlatform, clock: FakeClock, events: list[SessionEvent]) -> Session:
    s = Session(platform, clock=clock)
    s.subscribe(events.append)
    return s


def kinds(events: list[SessionEvent]) -> list[SessionEventKind]:
    return [e.kind for e in events]


def logged_in(session: Session) -> Session:
    session.login("dr.martin", "mdp-martin", "123456")
    return session


def test_login_opens_a_strong_session(session: Session, events: list[SessionEvent]) -> None:
    assert session.state is SessionState.LOGGED_OUT
    assert session.login("dr.martin", "mdp-martin", "123456") == MARTIN
    assert session.state is SessionState.ACTIVE and session.identity == MARTIN
    assert kinds(events) == [SessionEventKind.LOGGED_IN]
    assert events[0].identity == MARTIN and events[0].state is SessionState.ACTIVE


@pytest.mark.parametrize(
    ("password", "otp", "code"), [("faux", "123456", "bad_credentials"), ("mdp-martin", "000000", "bad_otp")]
)
def test_rejected_login_stays_logged_out(
    session: Session, events: list[SessionEvent], password: str, otp: str, code: str
) -> None:
    with pytest.raises(LoginRejected) as caught:
        session.login("dr.martin", password, otp)
    assert caught.value.code == code and caught.value.user_message
    assert session.state is SessionState.LOGGED_OUT and session.identity is None
    assert kinds(events) == [SessionEventKind.LOGIN_FAILED]
    assert events[0].login == "dr.martin" and events[0].detail == code and events[0].reason is Reason.REJECTED


def test_login_needs_the_platform(
    session: Session, platform: FakePlatform, events: list[SessionEvent]
) -> None:
    platform.reachable = False
    with pytest.raises(PlatformUnreachable):
        session.login("dr.martin", "mdp-martin", "123456")
    assert session.state is SessionState.LOGGED_OUT
    assert events[-1].reason is Reason.PLATFORM_UNREACHABLE


def test_idle_lock_is_exactly_at_fifteen_minutes(
    session: Session, clock: FakeClock, events: list[SessionEvent]
) -> None:
    logged_in(session)
    clock.advance(14 * MIN + 59)
    assert session.tick() is SessionState.ACTIVE
    clock.advance(1)
    assert session.tick() is SessionState.LOCKED
    assert events[-1].kind is SessionEventKind.LOCKED and events[-1].reason is Reason.IDLE_TIMEOUT
    assert events[-1].state is SessionState.LOCKED


def test_activity_postpones_the_lock(session: Session, clock: FakeClock) -> None:
    logged_in(session)
    clock.advance(14 * MIN + 59)
    session.record_activity()
    clock.advance(14 * MIN + 59)
    assert session.tick() is SessionState.ACTIVE
    clock.advance(1)
    assert session.tick() is SessionState.LOCKED


def test_late_activity_locks_instead_of_extending(session: Session, clock: FakeClock) -> None:
    """Input arriving after the deadline (the timer had not fired yet) must not rescue the session."""
    logged_in(session)
    clock.advance(15 * MIN)
    session.record_activity()
    assert session.state is SessionState.LOCKED


def test_idle_timeout_is_configurable(platform: FakePlatform, clock: FakeClock) -> None:
    session = Session(platform, SessionPolicy(idle_timeout=5 * MIN), clock)
    logged_in(session)
    clock.advance(5 * MIN - 1)
    assert session.tick() is SessionState.ACTIVE
    clock.advance(1)
    assert session.tick() is SessionState.LOCKED


def test_manual_lock_and_online_unlock(
    session: Session, platform: FakePlatform, events: list[SessionEvent]
) -> None:
    logged_in(session)
    session.lock()
    assert session.state is SessionState.LOCKED and events[-1].reason is Reason.USER_REQUEST
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_ONLINE
    assert session.state is SessionState.ACTIVE and platform.calls[-1] == "verify_password"
    assert events[-1].kind is SessionEventKind.UNLOCKED


def test_wrong_passwords_at_unlock_then_session_ends(
    session: Session, clock: FakeClock, events: list[SessionEvent]
) -> None:
    logged_in(session)
    clock.advance(15 * MIN)
    session.tick()
    for left in (4, 3, 2, 1):
        with pytest.raises(UnlockRejected) as caught:
            session.unlock("faux")
        assert caught.value.attempts_left == left and str(left) in caught.value.user_message
        assert session.state is SessionState.LOCKED
    with pytest.raises(FullLoginRequired):
        session.unlock("faux")
    assert session.state is SessionState.LOGGED_OUT and session.identity is None
    assert events[-1].kind is SessionEventKind.LOGGED_OUT
    assert events[-1].reason is Reason.TOO_MANY_UNLOCK_FAILURES and events[-1].login == "dr.martin"


def test_a_success_resets_the_failure_count(session: Session) -> None:
    logged_in(session)
    for _ in range(3):
        session.lock()
        for _ in range(4):
            with pytest.raises(UnlockRejected):
                session.unlock("faux")
        session.unlock("mdp-martin")
    assert session.state is SessionState.ACTIVE


def test_offline_unlock_within_the_window(
    session: Session, platform: FakePlatform, clock: FakeClock, events: list[SessionEvent]
) -> None:
    logged_in(session)
    clock.advance(11 * HOUR)
    session.tick()
    assert session.state is SessionState.LOCKED
    platform.reachable = False
    with pytest.raises(UnlockRejected):
        session.unlock("faux")
    assert events[-1].detail == Reason.PASSWORD_CHECKED_OFFLINE.value
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_OFFLINE
    assert session.state is SessionState.ACTIVE


def test_offline_unlock_refused_after_its_window(platform: FakePlatform, clock: FakeClock) -> None:
    session = Session(platform, SessionPolicy(offline_unlock_window=4 * HOUR), clock)
    logged_in(session)
    clock.advance(4 * HOUR - 1)
    session.tick()
    platform.reachable = False
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_OFFLINE
    clock.advance(15 * MIN)
    session.tick()
    with pytest.raises(FullLoginRequired) as caught:
        session.unlock("mdp-martin")
    assert "injoignable" in caught.value.user_message
    assert session.state is SessionState.LOCKED  # the platform may come back: online unlock still allowed
    platform.reachable = True
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_ONLINE


@pytest.mark.parametrize("reachable", [True, False], ids=["online", "offline"])
def test_unlock_up_to_twelve_hours_then_full_login(
    session: Session, platform: FakePlatform, clock: FakeClock, events: list[SessionEvent], reachable: bool
) -> None:
    logged_in(session)
    platform.reachable = reachable
    clock.advance(12 * HOUR - 1)
    session.tick()
    assert session.state is SessionState.LOCKED
    session.unlock("mdp-martin")
    assert session.state is SessionState.ACTIVE
    clock.advance(1)
    assert session.tick() is SessionState.EXPIRED
    assert events[-1].kind is SessionEventKind.EXPIRED and events[-1].reason is Reason.STRONG_AUTH_EXPIRED
    assert events[-1].state is SessionState.EXPIRED
    with pytest.raises(FullLoginRequired):
        session.unlock("mdp-martin")
    assert session.state is SessionState.EXPIRED


def test_twelve_hours_expire_an_active_session_despite_activity(session: Session, clock: FakeClock) -> None:
    logged_in(session)
    for _ in range(71):  # 71 x 10 min = 11 h 50
        clock.advance(10 * MIN)
        session.record_activity()
    clock.advance(10 * MIN - 1)
    assert session.tick() is SessionState.ACTIVE
    clock.advance(1)
    assert session.tick() is SessionState.EXPIRED


def test_expiry_wins_over_the_idle_lock(
    session: Session, clock: FakeClock, events: list[SessionEvent]
) -> None:
    logged_in(session)
    clock.advance(13 * HOUR)
    session.tick()
    assert kinds(events) == [SessionEventKind.LOGGED_IN, SessionEventKind.EXPIRED]


def test_same_user_resumes_after_expiry(
    session: Session, clock: FakeClock, events: list[SessionEvent]
) -> None:
    logged_in(session)
    clock.advance(12 * HOUR)
    session.tick()
    session.login("dr.martin", "mdp-martin", "123456")
    assert session.state is SessionState.ACTIVE
    assert kinds(events)[-2:] == [SessionEventKind.EXPIRED, SessionEventKind.LOGGED_IN]
    clock.advance(12 * HOUR - 1)  # a new 12-hour span starts at the new strong login
    session.record_activity()
    session.lock()
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_ONLINE


def test_other_user_ends_the_locked_session(session: Session, events: list[SessionEvent]) -> None:
    logged_in(session)
    session.lock()
    session.login("dr.durand", "mdp-durand", "654321")
    assert session.identity == DURAND
    assert [(e.kind, e.login) for e in events[-2:]] == [
        (SessionEventKind.LOGGED_OUT, "dr.martin"),
        (SessionEventKind.LOGGED_IN, "dr.durand"),
    ]
    assert events[-2].reason is Reason.USER_SWITCH
    session.lock()
    with pytest.raises(UnlockRejected):
        session.unlock("mdp-martin")  # the previous user's password no longer opens it


def test_logout_ends_the_session_and_its_offline_check(
    session: Session, platform: FakePlatform, events: list[SessionEvent]
) -> None:
    logged_in(session)
    session.logout()
    assert session.state is SessionState.LOGGED_OUT and session.identity is None
    assert events[-1].kind is SessionEventKind.LOGGED_OUT and events[-1].reason is Reason.USER_REQUEST
    session.logout()  # idempotent, no second event
    assert kinds(events).count(SessionEventKind.LOGGED_OUT) == 1
    with pytest.raises(SessionStateError):
        session.unlock("mdp-martin")
    # the offline check went with the session: nothing can reopen it without the platform
    platform.reachable = False
    with pytest.raises(PlatformUnreachable):
        session.login("dr.martin", "mdp-martin", "123456")


def test_login_while_active_is_refused(session: Session) -> None:
    logged_in(session)
    with pytest.raises(SessionStateError):
        session.login("dr.durand", "mdp-durand", "654321")
    assert session.identity == MARTIN


def test_offline_check_follows_a_password_changed_on_the_platform(
    session: Session, platform: FakePlatform
) -> None:
    logged_in(session)
    session.lock()
    platform.accounts["dr.martin"] = ("nouveau-mdp", "123456", MARTIN)
    session.unlock("nouveau-mdp")
    session.lock()
    platform.reachable = False
    with pytest.raises(UnlockRejected):
        session.unlock("mdp-martin")
    assert session.unlock("nouveau-mdp") is Reason.PASSWORD_CHECKED_OFFLINE


def test_a_failing_listener_does_not_stop_the_others(session: Session, clock: FakeClock) -> None:
    seen: list[SessionEventKind] = []

    def broken(event: SessionEvent) -> None:
        raise RuntimeError("GUI bug")

    session.subscribe(broken)
    unsubscribe = session.subscribe(lambda e: seen.append(e.kind))
    logged_in(session)
    clock.advance(15 * MIN)
    session.tick()
    assert seen == [SessionEventKind.LOGGED_IN, SessionEventKind.LOCKED]
    unsubscribe()
    session.logout()
    assert seen == [SessionEventKind.LOGGED_IN, SessionEventKind.LOCKED]


def test_listeners_may_call_back_into_the_session(session: Session, clock: FakeClock) -> None:
    """A GUI reacting to the lock by logging out must not deadlock."""
    session.subscribe(lambda e: session.logout() if e.kind is SessionEventKind.LOCKED else None)
    logged_in(session)
    clock.advance(15 * MIN)
    session.tick()
    assert session.state is SessionState.LOGGED_OUT


def test_policy_rejects_inconsistent_durations() -> None:
    with pytest.raises(ValueError):
        SessionPolicy(idle_timeout=0)
    with pytest.raises(ValueError):
        SessionPolicy(offline_unlock_window=13 * HOUR)
    with pytest.raises(ValueError):
        SessionPolicy(max_unlock_failures=0)


def test_elapsed_clock_ignores_the_wall_clock_going_back(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = [1_700_000_000.0]
    mono = [50.0]
    monkeypatch.setattr(time, "time", lambda: wall[0])
    monkeypatch.setattr(time, "monotonic", lambda: mono[0])
    monkeypatch.setattr(time, "clock_gettime", lambda _clock: mono[0], raising=False)
    clock = ElapsedClock()
    assert clock() == 0.0
    mono[0] += 10
    wall[0] -= 3600  # someone sets the system clock back an hour
    assert clock() == 10.0
    wall[0] += 600  # suspended 10 min: the monotonic clock may not count it, the wall clock does
    assert clock() == 600.0 + 10.0


def test_external_sign_in_opens_the_session_and_reports_its_failures(
    session: Session, platform: FakePlatform, clock: FakeClock, events: list[SessionEvent]
) -> None:
    def refused() -> Identity:
        raise LoginRejected("access_denied", "provider said access_denied", "Connexion refusée.")

    with pytest.raises(LoginRejected):
        session.login_external(refused, login_hint="psc")
    assert (events[-1].kind, events[-1].login, events[-1].detail) == (
        SessionEventKind.LOGIN_FAILED,
        "psc",
        "access_denied",
    )
    assert session.login_external(lambda: MARTIN) == MARTIN
    assert session.state is SessionState.ACTIVE and events[-1].kind is SessionEventKind.LOGGED_IN
    assert platform.calls == []  # the provider, not the platform's password login
    # Online, the platform still checks the password at unlock; offline there is nothing to check against.
    session.lock()
    assert session.unlock("mdp-martin") is Reason.PASSWORD_CHECKED_ONLINE
    session.lock()
    platform.reachable = False
    with pytest.raises(FullLoginRequired):
        session.unlock("mdp-martin")
    assert session.state is SessionState.LOCKED and events[-1].kind is SessionEventKind.UNLOCK_FAILED
    # The 12 hours run from the provider's sign-in.
    clock.advance(12 * HOUR)
    assert session.tick() is SessionState.EXPIRED
