"""In-process platform servers for the platform's own tests: real HTTPS over loopback, a manual clock.

Running the server in a thread (not a subprocess) lets the tests move time (TOTP steps, lock-out
expiry, token expiry) without sleeping; restart and CLI behaviour are tested on the real process
through tests/platform_fixtures.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from teleplatform.api import Platform
from teleplatform.server import PlatformServer
from teleplatform.tls import ensure_tls, server_context

from .builders import ACCOUNT, SITE_ACCOUNT, otp_at, write_data_dir


@dataclass
class ManualClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 1, 6, 14, 0, 5, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Live:
    """One running in-process platform and an HTTPS session that trusts its CA."""

    base_url: str
    ca_path: Path
    root: Path
    clock: ManualClock
    platform: Platform
    session: requests.Session
    _site_token: str | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def login(self, offset_steps: int = 0, account: dict | None = None) -> dict:
        """Log in (as ``account``, the radiologist ACCOUNT by default) with the code of the current
        step (+offset); moves the clock one step on so the next login gets a fresh code (codes are
        single-use)."""
        account = account or ACCOUNT
        response = self.session.post(
            self.url("/api/v1/auth/login"),
            json={
                "login": account["login"],
                "password": account["password"],
                "otp": otp_at(self.clock.now(), offset_steps),
            },
        )
        assert response.status_code == 200, response.text
        self.clock.advance(seconds=30)
        return response.json()

    def authorize(self, account: dict | None = None) -> dict:
        tokens = self.login(account=account)
        self.session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        return tokens

    def token(self, account: dict) -> str:
        return str(self.login(account=account)["access_token"])

    def post_hl7(self, raw: bytes, token: str | None = None) -> requests.Response:
        """POST a message with the session's token, or with ``token`` (another account's)."""
        headers = {"Content-Type": "application/hl7-v2; charset=utf-8"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.post(self.url("/api/v1/messages"), data=raw, headers=headers)

    def as_site(self, raw: bytes) -> requests.Response:
        """A site message (flux 1, 2, 4) sent by the site account of StructureFacility."""
        if self._site_token is None:
            self._site_token = self.token(SITE_ACCOUNT)
        return self.post_hl7(raw, self._site_token)

    def orders(self) -> dict[str, dict]:
        response = self.session.get(self.url("/api/v1/worklist"))
        assert response.status_code == 200, response.text
        return {o["order_id"]: o for o in response.json()["orders"]}


def https_session(ca_path: Path) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # this machine exports REQUESTS_CA_BUNDLE, which would override verify
    session.verify = str(ca_path)
    return session


@pytest.fixture
def start_live() -> Iterator[Callable[..., Live]]:
    started: list[tuple[PlatformServer, threading.Thread, Platform]] = []

    def start(root: Path, clock: ManualClock | None = None) -> Live:
        clock = clock or ManualClock()
        tls = ensure_tls(root / "state" / "tls", datetime.now(UTC))  # certificates use real time
        platform = Platform.open(root, clock)
        server = PlatformServer(0, platform, server_context(tls))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread, platform))
        return Live(
            f"https://127.0.0.1:{server.port}", tls.ca_cert, root, clock, platform, https_session(tls.ca_cert)
        )

    yield start
    for server, thread, platform in started:
        server.shutdown()
        thread.join(5)
        server.server_close()
        platform.close()


@pytest.fixture
def live(tmp_path: Path, start_live: Callable[..., Live]) -> Live:
    return start_live(write_data_dir(tmp_path / "data"))
