"""`make demo` stopped by Ctrl+C (SIGINT) or SIGTERM: exit 130 or 0 (never the child's -15 that made
make print « Error 241 »), the platform and the workstation stopped, the port free; each one-time
code line names the account again (issue 17, item 7)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from teleplatform.demo.datadir import MARKER
from tests.platform_fixtures import private_copy

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs an X display (make test runs under xvfb-run)"
)
@pytest.mark.parametrize(("stop", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_demo_launcher_stops_cleanly(
    demo_data: Path, tmp_path: Path, stop: signal.Signals, expected: int
) -> None:
    data = private_copy(demo_data, tmp_path / "data")
    shutil.copy(demo_data / MARKER, data / MARKER)  # complete: nothing to generate
    port = _free_port()
    out = tmp_path / "out.txt"
    with out.open("wb") as sink:
        launcher = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run_demo.py"), "--data", str(data), "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 90
            while "Code à usage unique actuel" not in out.read_text("utf-8", "replace"):
                assert launcher.poll() is None, out.read_text("utf-8", "replace")
                assert time.monotonic() < deadline, "the launcher did not announce the account"
                time.sleep(0.2)
            time.sleep(1.0)  # the workstation is starting: it must be stopped too
            launcher.send_signal(stop)
            code = launcher.wait(30)
        finally:
            if launcher.poll() is None:
                launcher.kill()
    text = out.read_text("utf-8", "replace")
    assert code == expected, text
    assert "Traceback" not in text, text
    code_line = next(line for line in text.splitlines() if "Code à usage unique actuel" in line)
    assert "dr." in code_line and "mot de passe" in code_line  # the account with every code
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # the platform is stopped
