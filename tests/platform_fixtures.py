"""Session fixtures giving tests a real reference platform: `demo_data`, `platform`, `platform_factory`.

`platform` runs `python -m teleplatform serve` as a separate process on a free loopback port, on a
private copy of the demo data (the DICOM folder is linked, not copied), and waits for
/api/v1/health over HTTPS verified against the platform's own CA. It is shared by the whole
session: tests must not assume an order is in its initial state unless they created it.

Accounts: the first seeded account is the radiologist the workstation tests log in as; on the demo
data it reads the orders of both demo sites. Messages only a site may send (flux 1, 2, 4) go
through :meth:`RunningPlatform.submit_as_site` (the RIS account of a demo site, or any site account
named), with the site's own MSH-3/MSH-4 (``DEMO_SITE_SENDER`` for the builders' ``sender=``).

Logging in: TOTP codes are single-use per account (the step must move forward), so use
`platform.fresh_otp()` / `platform.login()`, which hand out codes in increasing steps and wait
(at most one 30 s step) only when three logins came within the same step.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
DEMO_SITE_LOGIN = "ris.chvc"
DEMO_SITE_SENDER = "RIS_CHVC|CHVC"
"""MSH-3|MSH-4 of the demo site whose RIS account is DEMO_SITE_LOGIN (teleplatform.demo.cases)."""
STEP = 30
START_TIMEOUT = 120.0
# Last TOTP step used per (data dir, login): the server remembers it across restarts, so must we.
_USED_STEPS: dict[tuple[str, str], int] = {}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningPlatform:
    """A platform server process and what a client needs to talk to it."""

    base_url: str
    ca_path: Path
    data_dir: Path
    accounts: list[dict[str, str]]
    process: subprocess.Popen[bytes]
    log_path: Path
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def account(self) -> dict[str, str]:
        """The first seeded account: login, password, totp_secret, rpps, family, given, title."""
        return self.accounts[0]

    def session(self) -> requests.Session:
        """A requests session that verifies the platform's CA (and ignores REQUESTS_CA_BUNDLE)."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca_path)
        return session

    def fresh_otp(self, login: str | None = None) -> str:
        """A TOTP code of a step never used through this object, waiting if needed."""
        account = self._account(login)
        key = (str(self.data_dir.resolve()), account["login"])
        while True:
            current = int(time.time()) // STEP
            step = max(current - 1, _USED_STEPS.get(key, -1) + 1)
            if step <= current + 1:
                _USED_STEPS[key] = step
                return pyotp.TOTP(account["totp_secret"]).at(step * STEP)
            time.sleep((step - 1) * STEP - time.time() + 0.05)

    def login(self, login: str | None = None) -> dict[str, Any]:
        """POST /api/v1/auth/login with a fresh code; returns the JSON answer (tokens, user)."""
        account = self._account(login)
        with self.session() as session:
            response = session.post(
                f"{self.base_url}/api/v1/auth/login",
                timeout=30,
                json={
                    "login": account["login"],
                    "password": account["password"],
                    "otp": self.fresh_otp(login),
                },
            )
        response.raise_for_status()
        return dict(response.json())

    def site_login(self) -> str:
        """The login of a site account: DEMO_SITE_LOGIN on the demo data, else the first one."""
        sites = [a["login"] for a in self.accounts if a.get("role") == "site"]
        if not sites:
            raise LookupError("no site account in this platform's seed/accounts.json")
        return DEMO_SITE_LOGIN if DEMO_SITE_LOGIN in sites else sites[0]

    def submit_as(self, login: str, raw: bytes) -> requests.Response:
        """POST /api/v1/messages with that account's token (logged in once, again when refused)."""
        for attempt in range(2):
            if attempt or login not in self._tokens:
                self._tokens[login] = self.login(login)["access_token"]
            with self.session() as session:
                response = session.post(
                    f"{self.base_url}/api/v1/messages",
                    data=raw,
                    headers={
                        "Content-Type": "application/hl7-v2; charset=utf-8",
                        "Authorization": f"Bearer {self._tokens[login]}",
                    },
                    timeout=30,
                )
            if response.status_code != 401:
                break
        return response

    def submit_as_site(self, raw: bytes, login: str | None = None) -> str:
        """Send a site's message (flux 1, 2, 4) as the site's RIS; returns the ACK code (MSA-1)."""
        response = self.submit_as(login or self.site_login(), raw)
        assert response.status_code == 200, response.text
        return response.headers["X-HL7-Ack-Code"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def _account(self, login: str | None) -> dict[str, str]:
        if login is None:
            return self.account
        return next(a for a in self.accounts if a["login"] == login)


def start_platform(data_dir: Path, log_path: Path) -> RunningPlatform:
    """Start `python -m teleplatform serve` on data_dir and wait until it answers over HTTPS."""
    port = _free_port()
    log_file = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "teleplatform", "serve", "--data", str(data_dir), "--port", str(port)],
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    log_file.close()
    base_url = f"https://127.0.0.1:{port}"
    ca_path = data_dir / "state" / "tls" / "ca.pem"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the platform exited with {process.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        if ca_path.is_file():
            try:
                health = requests.get(f"{base_url}/api/v1/health", verify=str(ca_path), timeout=2)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"the platform did not answer within {START_TIMEOUT:.0f} s:\n{log_path.read_text()}")
    accounts = json.loads((data_dir / "seed" / "accounts.json").read_text(encoding="utf-8"))
    return RunningPlatform(base_url, ca_path, data_dir, accounts, process, log_path)


def private_copy(source: Path, target: Path) -> Path:
    """seed/ and orders/ copied, dicom/'s entries linked: each server gets its own state/ on the same
    images, and what it receives by STOW-RS (dicom/stow/) stays its own instead of landing in the
    session's demo data."""
    target.mkdir(parents=True)
    for name in ("seed", "orders"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    if (source / "dicom").is_dir():
        (target / "dicom").mkdir()
        for entry in (source / "dicom").iterdir():
            (target / "dicom" / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    return target


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cases (dicom/, orders/, seed/): $TLR_DEMO_DATA when set, else generated once."""
    existing = os.environ.get("TLR_DEMO_DATA")
    if existing:
        path = Path(existing)
        if not (path / "seed" / "accounts.json").is_file():
            pytest.fail(f"TLR_DEMO_DATA={existing} is not a platform data directory (no seed/accounts.json)")
        return path
    from teleplatform.demo import generate

    out = tmp_path_factory.mktemp("demo-data")
    generate(out)
    return out


@pytest.fixture(scope="session")
def platform_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], RunningPlatform]]:
    """start(data_dir) -> RunningPlatform; every platform started is stopped at the end of the session."""
    started: list[RunningPlatform] = []

    def start(data_dir: Path) -> RunningPlatform:
        log_path = tmp_path_factory.mktemp("platform-log") / "server.log"
        running = start_platform(data_dir, log_path)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def platform(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> RunningPlatform:
    """The reference platform serving the demo data (one server for the whole session)."""
    return platform_factory(private_copy(demo_data, tmp_path_factory.mktemp("platform") / "data"))
