"""The user's browser, played by the tests: the provider's page fetched, filled, posted, redirect followed.

Shared by tests/auth/test_oidc.py and the login dialog's test of the Pro Santé Connect button.
"""

from __future__ import annotations

import html.parser
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.teleplatform.builders import ACCOUNT, otp_at, write_data_dir
from tests.teleplatform.conftest import Live, ManualClock


class _Form(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.alert = ""
        self._in_alert = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values["action"]
        elif tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")
        elif tag == "p" and values.get("role") == "alert":
            self._in_alert = True

    def handle_data(self, data: str) -> None:
        if self._in_alert:
            self.alert += data

    def handle_endtag(self, tag: str) -> None:
        self._in_alert = self._in_alert and tag != "p"


class Browser:
    """What the system browser and the user do: open the page, type, submit, follow the redirect."""

    def __init__(self, live: Live, otp: Callable[[], str], password: str = ACCOUNT["password"]) -> None:
        self.live = live
        self.otp = otp
        self.password = password
        self.http = requests.Session()
        self.http.trust_env = False
        self.pages: list[tuple[int, str]] = []  # (status, alert) of each page shown
        self.redirect: str = ""
        self.follow = True
        self.tamper: Callable[[str], str] = lambda location: location

    def open(self, url: str) -> bool:
        page = self.http.get(url, verify=str(self.live.ca_path), allow_redirects=False, timeout=10)
        if page.status_code == 302:  # the provider sent an error straight back to the client
            return self._go(page.headers["Location"])
        form = self._read(page)
        answer = self.submit(url, form, self.password)
        if answer.status_code == 302:
            return self._go(answer.headers["Location"])
        self._read(answer)
        return True

    def submit(self, url: str, form: _Form, password: str) -> requests.Response:
        fields = {**form.fields, "login": ACCOUNT["login"], "password": password, "otp": self.otp()}
        return self.http.post(
            urljoin(url, form.action),
            data=fields,
            verify=str(self.live.ca_path),
            allow_redirects=False,
            timeout=10,
        )

    def _read(self, page: requests.Response) -> _Form:
        form = _Form()
        form.feed(page.text)
        self.pages.append((page.status_code, form.alert))
        return form

    def _go(self, location: str) -> bool:
        self.redirect = self.tamper(location)
        if self.follow:
            arrived = self.http.get(self.redirect, timeout=10)
            assert arrived.status_code == 200 and "poste de lecture" in arrived.text
        return True


def start_provider(tmp_path: Path, start_live: Callable[..., Live]) -> Live:
    """The reference platform as the provider, on real time: the ID token's exp and iat are checked
    against this machine's clock."""
    return start_live(write_data_dir(tmp_path / "data"), ManualClock(datetime.now(UTC)))


def _steps(live: Live) -> Callable[[], str]:
    """Fresh codes, one step further each time (a code is accepted once)."""
    state = {"offset": 0}

    def next_code() -> str:
        code = otp_at(live.clock.now(), state["offset"])
        live.clock.advance(seconds=30)
        return code

    return next_code
