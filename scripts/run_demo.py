"""`make demo`: the reference platform on loopback with the demo studies, and the workstation pointed at it.

1. generates the demo data directory if it is absent or was made by another generator version (the
   platform's database is then reset, so the worklist matches the new orders);
2. starts ``python -m teleplatform serve`` on 127.0.0.1 and waits for its health endpoint, checking
   its certificate against the platform's own CA (never without verification);
3. prints the demo account (identifier, password, TOTP secret) and, while the demo runs, each new
   one-time code;
4. starts the workstation in demonstration mode with its own profile folders inside the data
   directory, so the demo leaves nothing in the user's profile; stops the platform when it exits.

Ctrl+C or SIGTERM stop everything cleanly: the platform and the workstation run in their own
process groups (the terminal's Ctrl+C reaches only this launcher), are terminated, then killed if
they linger, and the launcher exits 130 (Ctrl+C) or 0 (SIGTERM, a requested stop), never with the
child's negative status (``make: *** Error 241`` was -15).
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


def _progress(done: int, total: int) -> None:
    """One line redrawn on a terminal, a line per step otherwise (a log file)."""
    text = f"  Génération des images de démonstration : {done}/{total} ({100 * done // total} %)"
    if sys.stdout.isatty():
        print("\r" + text, end="\n" if done == total else "", flush=True)
    else:
        _say(text)


def _prepare_data(data: Path) -> None:
    from teleplatform.demo.datadir import generate, is_complete

    started = time.perf_counter()
    if not is_complete(data):
        _say("Génération des données de démonstration (environ une minute la première fois)…")
    if generate(data, progress=_progress):
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


def _announce_codes(account: dict[str, str], stop: threading.Event) -> None:
    """Each new code with the account it opens, so the last line always says everything needed."""
    totp, last = pyotp.TOTP(account["totp_secret"]), ""
    while not stop.is_set():
        code = totp.now()
        if code != last:
            left = totp.interval - int(time.time()) % totp.interval
            _say(
                f"  Code à usage unique actuel : {code} (encore {left} s) — identifiant "
                f"{account['login']}, mot de passe {account['password']}"
            )
            last = code
        stop.wait(1.0)


class _Stop(Exception):
    """Ctrl+C or SIGTERM: stop the demo (``code`` is the launcher's exit status)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _on_signal(number: int, _frame: object) -> None:
    raise _Stop(130 if number == signal.SIGINT else 0)


def _stop(process: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Démonstration : plateforme de référence + poste de lecture."
    )
    parser.add_argument("--data", type=Path, default=ROOT / ".demo-data")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--language", choices=("fr", "en"), default="fr", help="interface language")
    args = parser.parse_args(argv)
    data = args.data.resolve()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    platform: subprocess.Popen[bytes] | None = None
    workstation: subprocess.Popen[bytes] | None = None
    stop = threading.Event()
    log_file = None
    try:
        _prepare_data(data)
        url = f"https://127.0.0.1:{args.port}"
        ca = data / "state" / "tls" / "ca.pem"
        log_file = (data / "platform.log").open("ab")
        platform = subprocess.Popen(
            [sys.executable, "-m", "teleplatform", "serve", "--data", str(data), "--port", str(args.port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches the launcher, which stops it
        )
        _wait_healthy(url, ca, platform)
        account = json.loads((data / "seed" / "accounts.json").read_text(encoding="utf-8"))[0]
        _say(f"Plateforme de référence : {url} (autorité de certification : {ca})")
        _say("Compte de démonstration :")
        _say(f"  Identifiant : {account['login']}")
        _say(f"  Mot de passe : {account['password']}")
        _say(f"  Secret TOTP : {account['totp_secret']} (à saisir dans une application d'authentification)")
        _say("Arrêt : Ctrl+C (ou fermez le poste de lecture).")
        threading.Thread(target=_announce_codes, args=(account, stop), daemon=True).start()

        profile = data / "poste"
        env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE"):
            folder = profile / name.lower()
            folder.mkdir(parents=True, exist_ok=True)
            env[f"XDG_{name}_HOME"] = str(folder)
        command = [sys.executable, "-m", "workstation", "--platform-url", url, "--ca-file", str(ca), "--demo"]
        command += ["--login", account["login"], "--language", args.language]
        workstation = subprocess.Popen(command, env=env, start_new_session=True)
        code = workstation.wait()
        return code if code >= 0 else 0  # closed by the user, or stopped by a signal: not a failure
    except (_Stop, KeyboardInterrupt) as stopped:
        _say("\nArrêt de la démonstration…")
        return stopped.code if isinstance(stopped, _Stop) else 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the clean-up is not interrupted in turn
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop.set()
        _stop(workstation)
        _stop(platform, 15.0)
        if log_file is not None:
            log_file.close()


if __name__ == "__main__":
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux"):
        _say("Aucun affichage graphique (DISPLAY) : lancez « make demo » depuis une session graphique.")
        sys.exit(1)
    sys.exit(main())
