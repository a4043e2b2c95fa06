"""``teleradiologie --self-test`` as a user runs it: a separate process with a bare environment.

Unfrozen (always): ``python -m workstation --self-test`` from an empty directory, with no PYTHONPATH and
a fresh HOME, as CI and a developer can afford to run it on every change (~3 s).

Frozen: the PyInstaller bundle in ``dist/`` built by ``make package``. CI builds it (``CI=true``, as
CI runs): the build costs 40-70 s of both cores and ~520 MB of disk, the frozen tests ~30 s more,
about a tenth of the 20 min CI budget, and it is the only proof that the bundle still starts and
finds its decoders after a dependency or the spec changed. Developers' runs use the bundle when
``dist/teleradiologie`` is there and skip otherwise (``TLR_BUILD_PACKAGE=1`` builds it first,
``TLR_BUILD_PACKAGE=0`` never builds, even in CI). The tarball test installs it (``install.sh --user``
into a temporary XDG_DATA_HOME) and runs the installed copy, i.e. a machine without the project's venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from viewer.codecs import SUPPORTED

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / "teleradiologie" / "teleradiologie"
UNFROZEN = [sys.executable, "-m", "workstation"]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def bare_environment(home: Path) -> dict[str, str]:
    """What a desktop session gives a program: no venv, no PYTHONPATH, a HOME of its own, the display."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "LANG": "C.UTF-8",
    }
    for name in ("DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def run_self_test(
    command: list[str], home: Path, port: int, *, json_output: bool, demo: bool = True
) -> subprocess.CompletedProcess[str]:
    home.mkdir(exist_ok=True)
    args = [*command, "--self-test", "--platform-url", f"https://127.0.0.1:{port}"]
    if demo:
        args.append("--demo")
    if json_output:
        args.append("--json")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        args.append("--no-display")
    return subprocess.run(args, cwd=home, env=bare_environment(home), capture_output=True, text=True,
                          timeout=180)


def assert_ready(result: subprocess.CompletedProcess[str], *, frozen: bool) -> dict:
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    checks = {c["id"]: c for c in report["checks"]}
    assert report["version"] == VERSION and report["frozen"] is frozen and report["ok"] is True
    failed = {k: c["detail"] for k, c in checks.items() if c["status"] == "échec"}
    assert not failed
    for uid in SUPPORTED:
        assert checks[f"decoder.{uid}"]["status"] == "ok"
        assert checks[f"decoder.{uid}"]["data"]["decoded"] is True
    assert checks["decoder.workers"]["data"]["syntaxes"] == 15
    assert checks["decoder.workers"]["data"]["wrong"] == []
    assert checks["modules"]["data"]["failed"] == {}
    assert checks["resources"]["data"]["templates"] >= 1 and checks["resources"]["data"]["protocols"] >= 1
    assert checks["translations"]["status"] == "ok", checks["translations"]  # .qm files in the bundle
    assert checks["vtk"]["data"]["centre"] == [255, 0, 0]
    assert checks["platform"]["status"] == "avertissement"
    assert checks["platform"]["data"]["state"] == "degraded"
    assert checks["keyring"]["status"] in ("ok", "avertissement")  # no OS keyring on CI: demo tolerates it
    versions = checks["versions"]["data"]["versions"]
    assert versions["application"] == VERSION
    assert all(v != "absent" for v in versions.values()), versions
    if "qt" in checks:
        assert checks["qt"]["data"]["screens"]
    return checks


def test_unfrozen_application_self_test(tmp_path: Path, closed_port: int) -> None:
    result = run_self_test(UNFROZEN, tmp_path / "home", closed_port, json_output=True)
    checks = assert_ready(result, frozen=False)
    assert checks["versions"]["data"]["executable"] == sys.executable


def test_unfrozen_text_report_one_line_per_check(tmp_path: Path, closed_port: int) -> None:
    result = run_self_test(UNFROZEN, tmp_path / "home", closed_port, json_output=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Autotest du poste de téléradiologie {VERSION} (environnement Python)"
    assert lines[-1].startswith("Résultat : le poste est prêt")
    body = lines[1:-1]
    # versions, settings, modules, resources, translations, the decoders, their workers, keyring,
    # outbox, calibration, Qt (with a display), VTK, platform
    assert len(body) == len(SUPPORTED) + 12 - ("--no-display" in result.args)
    assert all(line[:7] in ("[ OK  ]", "[AVERT]") for line in body), body
    assert any(line.startswith("[ OK  ] Rendu 3D (VTK) : VTK ") for line in body)
    assert any(line.startswith("[AVERT] Plateforme : ") and "mode dégradé" in line for line in body)


def _newest_source() -> float:
    """When the sources the bundle is made of last changed (a stale bundle would test old code)."""
    folders = ("workstation", "viewer", "reporting", "auth", "resources", "packaging")
    files = [p for f in folders for p in (ROOT / f).rglob("*") if p.is_file()]
    files = [p for p in files if "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in [*files, ROOT / "pyproject.toml"])


@pytest.fixture(scope="session")
def bundle() -> Path:
    wanted = os.environ.get("TLR_BUILD_PACKAGE", "1" if os.environ.get("CI") == "true" else "")
    stale = BUNDLE.is_file() and BUNDLE.stat().st_mtime < _newest_source()
    if (stale or not BUNDLE.is_file()) and wanted == "1":
        subprocess.run([str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True, timeout=1800)
    elif stale:
        pytest.skip(f"the bundle at {BUNDLE} is older than the sources: run `make package` again")
    if not BUNDLE.is_file():
        pytest.skip(f"no frozen bundle at {BUNDLE}: run `make package` (or set TLR_BUILD_PACKAGE=1)")
    return BUNDLE


def test_frozen_bundle_self_test(bundle: Path, tmp_path: Path, closed_port: int) -> None:
    checks = assert_ready(run_self_test([str(bundle)], tmp_path / "home", closed_port, json_output=True),
                          frozen=True)
    data = checks["versions"]["data"]
    assert data["executable"] == str(bundle)
    assert Path(data["prefix"]).is_relative_to(bundle.parent)  # nothing from a venv


def test_frozen_bundle_installs_from_the_tarball_and_passes(
    bundle: Path, tmp_path: Path, closed_port: int
) -> None:
    tarballs = sorted(DIST.glob(f"teleradiologie-{VERSION}-linux-*.tar.gz"))
    if not tarballs:
        pytest.skip("no tarball in dist/: run `make package`")
    with tarfile.open(tarballs[-1]) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    folder = next((tmp_path / "unpacked").iterdir())
    home = tmp_path / "home"
    home.mkdir()
    installed = subprocess.run([str(folder / "install.sh"), "--user"], env=bare_environment(home),
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    data_home = home / ".local" / "share"
    executable = data_home / "teleradiologie" / "current" / "teleradiologie"
    desktop = (data_home / "applications" / "teleradiologie.desktop").read_text(encoding="utf-8")
    assert f"Exec={executable} %F" in desktop and f"X-Teleradiologie-Version={VERSION}" in desktop
    assert "@EXEC@" not in desktop
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / "teleradiologie.svg").is_file()
    checks = assert_ready(run_self_test([str(executable)], home, closed_port, json_output=True), frozen=True)
    assert Path(checks["versions"]["data"]["prefix"]).is_relative_to(data_home / "teleradiologie")


def in_secret_service_session(command: list[str]) -> list[str]:
    """``command`` in its own D-Bus session with an unlocked GNOME keyring (a desktop session's keyring)."""
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("gnome-keyring and dbus are not installed (apt-get install gnome-keyring dbus)")
    unlock = 'printf autotest | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"'
    return ["dbus-run-session", "--", "sh", "-c", unlock, "sh", *command]


@pytest.mark.parametrize("kind", ["unfrozen", "frozen"])
def test_self_test_without_demo_mode_accepts_the_secret_service(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, closed_port: int
) -> None:
    """Outside demonstration mode the keyring is required: a real Secret Service satisfies it (frozen:
    the bundle carries keyring's backends, SecretStorage and jeepney)."""
    command = UNFROZEN if kind == "unfrozen" else [str(request.getfixturevalue("bundle"))]
    result = run_self_test(in_secret_service_session(command), tmp_path / "home", closed_port,
                           json_output=True, demo=False)
    checks = assert_ready(result, frozen=kind == "frozen")
    assert checks["keyring"]["status"] == "ok"
    assert checks["keyring"]["data"]["backend"] == "Secret Service (trousseau GNOME, KeePassXC)"


def test_self_test_without_demo_mode_fails_without_a_keyring(tmp_path: Path, closed_port: int) -> None:
    env_has_bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if env_has_bus:
        pytest.skip("this session has a D-Bus bus (a keyring may answer)")
    result = run_self_test(UNFROZEN, tmp_path / "home", closed_port, json_output=True, demo=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    keyring = next(c for c in report["checks"] if c["id"] == "keyring")
    assert report["ok"] is False and keyring["status"] == "échec"
    assert "Le poste refuse de l'utiliser" in keyring["detail"]


@pytest.mark.parametrize("kind", ["unfrozen", "frozen"])
def test_application_opens_its_login_window(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, closed_port: int
) -> None:
    """The whole start-up path up to the real login dialog, painted (``packaging/launcher.py``'s probe,
    which then closes it: the process must end normally)."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (run under xvfb-run)")
    if kind == "frozen":
        command = [str(request.getfixturevalue("bundle"))]
    else:
        command = [sys.executable, str(ROOT / "packaging" / "launcher.py")]
    home = tmp_path / "home"
    home.mkdir()
    import trustme

    ca = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca))
    env = {**bare_environment(home), "TLR_STARTUP_PROBE": "1"}
    result = subprocess.run(
        [*command, "--demo", "--platform-url", f"https://127.0.0.1:{closed_port}", "--ca-file", str(ca)],
        cwd=home, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    painted = [line for line in result.stdout.splitlines() if line.startswith("TLR-STARTUP ")]
    assert len(painted) == 1, result.stdout + result.stderr[-3000:]
