"""`make demo`'s launcher, run for real: platform up over HTTPS, account printed, workstation window on
the X screen, everything stopped when the launcher is told to stop. The screen is grabbed and kept."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from teleplatform.demo.datadir import MARKER
from tests.platform_fixtures import private_copy

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3
    )


@pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs an X display (make test runs under xvfb-run)"
)
def test_demo_launcher_brings_up_platform_and_login_window(
    qapp, demo_data: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    data = private_copy(demo_data, tmp_path / "data")
    shutil.copy(demo_data / MARKER, data / MARKER)  # complete: the launcher must not regenerate
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
            while "Code à usage unique actuel" not in out.read_bytes().decode("utf-8", "replace"):
                assert launcher.poll() is None, out.read_bytes().decode("utf-8", "replace")
                assert time.monotonic() < deadline, "the launcher did not announce the account"
                time.sleep(0.3)
            text = out.read_bytes().decode("utf-8", "replace")
            assert f"https://127.0.0.1:{port}" in text and "déjà présentes" in text
            assert "Identifiant : " in text and "Mot de passe : " in text and "Secret TOTP : " in text

            # The login window appears on the X screen (dark dialog on the black root window).
            screen = qapp.primaryScreen()
            dialog_colour = np.array([0x1B, 0x1E, 0x23])
            found = 0
            while time.monotonic() < deadline:
                shot = screen.grabWindow(0)
                pixels = _pixels(shot.toImage())
                found = int(np.all(pixels == dialog_colour, axis=2).sum())
                if found > 50_000:
                    break
                time.sleep(0.5)
            shot.save(str(artifacts_dir / "demo-login-screen.png"))
            assert found > 50_000, "no login window on the screen"
        finally:
            launcher.send_signal(signal.SIGTERM)
            try:
                launcher.wait(30)
            except subprocess.TimeoutExpired:
                launcher.kill()
                raise
    # the launcher stopped the platform it started: nothing answers on the port any more
    import socket

    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
