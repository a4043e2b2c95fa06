"""Issue 23, item 9: an offline restart takes two factors, the password and an offline restart code
issued by the platform (auth.session explains the design against charter §8.2).

Refused: the password alone, an app code instead of a restart code, a code used twice, another user's
codes, no codes prepared, a code after the 12 h window. Accepted: the password and a restart code,
which is then spent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auth.session import (
    FullLoginRequired,
    LoginRejected,
    OfflineCodeRequired,
    OfflineCodes,
    OfflineCredential,
    Reason,
    Session,
    SessionEvent,
    SessionEventKind,
    SessionPolicy,
    SessionState,
    is_offline_code,
    normalise_offline_code,
)
from tests.auth.test_session import FakeClock, FakePlatform

LOGIN_AT = datetime(2026, 1, 6, 20, 0, tzinfo=UTC)
ISSUED = ["111122223333", "444455556666", "777788889999"]


class Restart:
    """A first two-factor login keeps the credential and the codes; then a restart while the platform
    is unreachable, ``hours`` later."""

    def __init__(self, codes: list[str] | None = ISSUED, login: str = "dr.martin") -> None:
        self.wall = LOGIN_AT
        self.platform = FakePlatform()
        first = self._session()
        first.login("dr.martin", "mdp-martin", "123456")
        credential = first.offline_credential()
        assert credential is not None
        self.credential = OfflineCredential.from_json(credential.to_json())  # as the keyring holds it
        held = OfflineCodes.from_codes(login, codes, self.wall) if codes else None
        self.codes = OfflineCodes.from_json(held.to_json()) if held else None
        self.platform.reachable = False
        self.events: list[SessionEvent] = []

    def _session(self) -> Session:
        return Session(
            self.platform, SessionPolicy(), clock=FakeClock(), wall=lambda: self.wall, boot=lambda: ("", 0.0)
        )

    def resume(self, password: str, code: str, hours: float = 3) -> Session:
        self.wall = LOGIN_AT + timedelta(hours=hours)
        session = self._session()
        session.subscribe(self.events.append)

        def keep(left: OfflineCodes) -> None:
            self.codes = left

        session.resume_offline(self.credential, "dr.martin", password, code, self.codes, keep)
        return session


def test_the_password_alone_no_longer_opens_an_offline_restart() -> None:
    restart = Restart()
    with pytest.raises(OfflineCodeRequired) as refused:
        restart.resume("mdp-martin", "")
    assert refused.value.code == "bad_offline_code"
    with pytest.raises(OfflineCodeRequired):
        restart.resume("mdp-martin", "123456")  # the authenticator's code cannot be checked offline
    assert [e.kind for e in restart.events] == [SessionEventKind.LOGIN_FAILED] * 2
    assert restart.codes is not None and len(restart.codes.digests) == 3  # nothing spent


def test_without_codes_prepared_the_offline_restart_is_refused_and_says_so() -> None:
    restart = Restart(codes=None)
    with pytest.raises(OfflineCodeRequired) as refused:
        restart.resume("mdp-martin", "111122223333")
    assert refused.value.code == "no_offline_code"
    assert "codes de reprise hors ligne" in refused.value.user_message


def test_password_and_a_restart_code_open_the_session_and_spend_the_code() -> None:
    restart = Restart()
    session = restart.resume("mdp-martin", "4444 5555 6666")  # typed as printed, in groups
    assert session.state is SessionState.ACTIVE
    logged_in = restart.events[-1]
    assert logged_in.kind is SessionEventKind.LOGGED_IN and logged_in.reason is Reason.OFFLINE_CODE_CHECKED
    assert restart.codes is not None and len(restart.codes.digests) == 2
    session.logout()
    with pytest.raises(OfflineCodeRequired):
        restart.resume("mdp-martin", "444455556666")  # used once already
    assert restart.resume("mdp-martin", "777788889999").state is SessionState.ACTIVE


def test_a_wrong_password_with_a_good_code_is_refused_and_spends_nothing() -> None:
    restart = Restart()
    with pytest.raises(LoginRejected) as refused:
        restart.resume("pas-le-bon", "111122223333")
    assert refused.value.code == "bad_credentials" and not isinstance(refused.value, OfflineCodeRequired)
    assert restart.codes is not None and len(restart.codes.digests) == 3


def test_codes_of_another_user_are_not_a_second_factor() -> None:
    restart = Restart(login="dr.durand")
    with pytest.raises(OfflineCodeRequired):
        restart.resume("mdp-martin", "111122223333")


def test_the_codes_expire_with_the_twelve_hour_window() -> None:
    restart = Restart()
    assert restart.resume("mdp-martin", "111122223333", hours=11.9).state is SessionState.ACTIVE
    with pytest.raises(FullLoginRequired):
        restart.resume("mdp-martin", "444455556666", hours=12.0)
    assert restart.codes is not None and len(restart.codes.digests) == 2  # the late attempt spent nothing


def test_the_keyring_holds_no_code_in_clear() -> None:
    codes = OfflineCodes.from_codes("dr.martin", ISSUED)
    kept = codes.to_json()
    assert not any(code in kept for code in ISSUED)
    with pytest.raises(ValueError):
        OfflineCodes.from_codes("dr.martin", ["12345"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_only_twelve_digits_make_a_code(text: str) -> None:
    clean = normalise_offline_code(text)
    assert is_offline_code(text) == (len(clean) == 12 and all(c in "0123456789" for c in clean))

