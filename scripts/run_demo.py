"""`make demo`: the reference platform on loopback with the demo studies, and the workstation pointed at it.

1. generates the demo data directory if it is absent or was made by another generator version (the
   platform's database is then reset, so the worklist matches the new orders);
2. starts ``python -m teleplatform serve`` on 127.0.0.1 and waits for its health endpoint, checking
   its certificate against the platform's own CA (never without verification);
3. prints the demo account (identifier, password, TOTP secret) and, while the demo runs, each new
   one-time code;
4. starts the workstation in demonstration mode with its own profile folders inside the data
   directory, so the demo leaves nothing in the user's profile; stops the platform when it exits.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent


def _say(text: str) -> None:
    print(text, flush=True)


def _prepare_data(data: Path) -> None:
    from teleplatform.demo.datadir import generate

    started = time.perf_counter()
    if generate(data):
        for stale in (data / "state").glob("platform.sqlite*"):
            stale.unlink()  # orders of another generation must not linger in the worklist
        _say(f"Données de démonstration générées dans {data} en {time.perf_counter() - started:.1f} s.")
    else:
        _say(f"Données de démonstration déjà présentes dans {data}.")


def _wait_healthy(url: str, ca: Path, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE must not replace the platform's CA
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("La plateforme s'est arrêtée au démarrage : voir son journal (platform.log).")
        if ca.is_file():
            try:
                if session.get(f"{url}/api/v1/health", verify=str(ca), timeout=2).ok:
                    return
            except requests.RequestException:
                pass
        time.sleep(0.2)
    raise SystemExit(f"La plateforme ne répond pas sur {url} après {timeout:.0f} s (port déjà utilisé ?).")


def _announce_codes(secret: str, stop: threading.Event) -> None:
    totp, last = pyotp.TOTP(secret), ""
    while not stop.is_set():
        code = totp.now()
        if code != last:
            left = totp.interval - int(time.time()) % totp.interval
            _say(f"  Code à usage unique actuel : {code} (encore {left} s)")
            last = code
        stop.wait(1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Démonstration : plateforme de référence + poste de lecture."
    )
    parser.add_argument("--data", type=Path, default=ROOT / ".demo-data")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--language", choices=("fr", "en"), default="fr", help="interface language")
    args = parser.parse_args(argv)
    data = args.data.resolve()

    _prepare_data(data)
    url = f"https://127.0.0.1:{args.port}"
    ca = data / "state" / "tls" / "ca.pem"
    log_file = (data / "platform.log").open("ab")
    platform = subprocess.Popen(
        [sys.executable, "-m", "teleplatform", "serve", "--data", str(data), "--port", str(args.port)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    stop = threading.Event()
    try:
        _wait_healthy(url, ca, platform)
        account = json.loads((data / "seed" / "accounts.json").read_text(encoding="utf-8"))[0]
        _say(f"Plateforme de référence : {url} (autorité de certification : {ca})")
        _say("Compte de démonstration :")
        _say(f"  Identifiant : {account['login']}")
        _say(f"  Mot de passe : {account['password']}")
        _say(f"  Secret TOTP : {account['totp_secret']} (à saisir dans une application d'authentification)")
        threading.Thread(target=_announce_codes, args=(account["totp_secret"], stop), daemon=True).start()

        profile = data / "poste"
        env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE"):
            folder = profile / name.lower()
            folder.mkdir(parents=True, exist_ok=True)
            env[f"XDG_{name}_HOME"] = str(folder)
        command = [sys.executable, "-m", "workstation", "--platform-url", url, "--ca-file", str(ca), "--demo"]
        command += ["--login", account["login"], "--language", args.language]
        workstation = subprocess.Popen(command, env=env)
        signal.signal(signal.SIGTERM, lambda *_: workstation.terminate())
        return workstation.wait()
    finally:
        stop.set()
        if platform.poll() is None:
            platform.terminate()
            try:
                platform.wait(15)
            except subprocess.TimeoutExpired:
                platform.kill()
        log_file.close()


if __name__ == "__main__":
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux"):
        _say("Aucun affichage graphique (DISPLAY) : lancez « make demo » depuis une session graphique.")
        sys.exit(1)
    sys.exit(main())
