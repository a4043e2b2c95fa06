"""Start-up: process start to the login window painted, unfrozen and frozen; the frozen bundle's size.

Target: the login window in under 2 s (issue 8). Each run is a new process under the current DISPLAY
(Xvfb in CI: run ``xvfb-run -a python -m bench startup``; without a display Qt's offscreen platform is
used and said so). The application is started through ``packaging/launcher.py`` — the frozen
bundle's own entry script — with ``TLR_STARTUP_PROBE=1``, which prints the time of the login dialog's
first paint and closes it; the clock starts just before the process is created, so the figure is what
a user waits for: interpreter start, imports, settings, keyring, the dialog. It runs in demonstration
mode against a closed port with a throw-away profile (HOME, XDG directories), as a fresh install.

The first run of each kind is reported apart. For the bundle it is a cold start: its files are first
dropped from the page cache (``posix_fadvise(DONTNEED)`` on them only — the machine is shared, so
its whole cache is left alone); the system libraries (GL, X11) stay cached, as on a desktop in use.
``--imports`` adds the modules that cost most at start-up (``python -X importtime``), to know what to
import lazily.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._targets import Targets

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "packaging" / "launcher.py"
BUNDLE_DIR = ROOT / "dist" / "teleradiologie"
TARGET_S = 2.0
PROBE = re.compile(r"^TLR-STARTUP (\d+\.\d+)$")


def _ca_file(folder: Path) -> Path:
    """A self-signed CA certificate: the application checks the configured CA file exists and parses."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench startup CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _environment(home: Path, *, frozen: bool) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TLR_STARTUP_PROBE": "1",
    }
    for name in ("DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    if not frozen:
        env["PYTHONPATH"] = str(ROOT)
    return env


def _start_once(command: list[str], home: Path, *, frozen: bool) -> float:
    """Seconds from process creation to the login dialog's first paint (raises if it never comes)."""
    env = _environment(home, frozen=frozen)
    start = time.time()
    process = subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    shown: float | None = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            match = PROBE.match(line.strip())
            if match:
                shown = float(match.group(1))
                break
        process.wait(60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    if shown is None:
        tail = (process.stderr.read() if process.stderr else "")[-2000:]
        raise RuntimeError(f"no login window (exit {process.returncode}):\n{tail}")
    return shown - start


def _evict(folder: Path) -> int:
    """Drop ``folder``'s files from the page cache (only those: other users of the machine keep theirs),
    so the next start reads the application from disk as after a reboot. Returns the bytes evicted."""
    evicted = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            evicted += path.stat().st_size
    return evicted


def _measure(
    label: str, command: list[str], folder: Path, repeat: int, *, frozen: bool, cold: Path | None = None
) -> float | None:
    home = folder / f"home-{label}"
    home.mkdir()
    try:
        if cold is not None:
            _evict(cold)
        first = _start_once(command, home, frozen=frozen)
        runs = [_start_once(command, home, frozen=frozen) for _ in range(repeat)]
    except RuntimeError as exc:
        print(f"{label} : mesure impossible — {exc}")
        return None
    median = statistics.median(runs)
    print(
        f"{label} : fenêtre de connexion en {median:.2f} s (médiane de {repeat}, de {min(runs):.2f} à "
        f"{max(runs):.2f} s ; premier lancement {first:.2f} s{' à froid' if cold else ''})"
    )
    return median


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _import_costs(command: list[str], folder: Path, top: int) -> None:
    home = folder / "home-imports"
    home.mkdir()
    env = _environment(home, frozen=False)
    result = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=home, env=env,
                            capture_output=True, text=True, timeout=120)
    costs: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if len(name) - len(name.lstrip()) <= 3:  # top-level imports (one level of nesting)
                costs.append((int(parts[1]), name.strip()))
    print(f"Imports les plus coûteux au démarrage (cumulé, {top} premiers) :")
    for micros, name in sorted(costs, reverse=True)[:top]:
        print(f"  {micros / 1000:7.0f} ms  {name}")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench startup")
    parser.add_argument("--repeat", type=int, default=5, help="lancements mesurés après le premier")
    parser.add_argument("--bundle", type=Path, default=BUNDLE_DIR, help="dossier de l'application empaquetée")
    parser.add_argument("--imports", action="store_true", help="liste les imports les plus coûteux")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("Pas d'affichage : plateforme Qt « offscreen » (lancez sous xvfb-run pour une mesure réelle).")
    targets = Targets("startup")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        ca = _ca_file(folder)
        options = ["--demo", "--platform-url", "https://127.0.0.1:9", "--ca-file", str(ca)]
        unfrozen = [sys.executable, str(LAUNCHER), *options]
        _check(targets, "Python (non empaqueté)",
               _measure("Python (non empaqueté)", unfrozen, folder, args.repeat, frozen=False))
        executable = args.bundle / "teleradiologie"
        if executable.is_file():
            _check(targets, "application empaquetée",
                   _measure("Application empaquetée", [str(executable), *options], folder, args.repeat,
                            frozen=True, cold=args.bundle))
            tarballs = sorted(args.bundle.parent.glob("teleradiologie-*.tar.gz"))
            packed = ""
            if tarballs:
                packed = f" ; archive {tarballs[-1].name} : {tarballs[-1].stat().st_size / 1e6:.0f} Mo"
            print(f"Taille de l'application empaquetée : {_size(args.bundle) / 1e6:.0f} Mo{packed}")
        else:
            print(f"Pas d'application empaquetée dans {args.bundle} (make package) : mesure non faite.")
        if args.imports:
            _import_costs(unfrozen, folder, top=15)
    return targets.status()


def _check(targets: Targets, label: str, median: float | None) -> None:
    if median is None:
        targets.failed(f"démarrage ({label})")
    else:
        targets.at_most(f"fenêtre de connexion ({label})", median, TARGET_S, "s")
