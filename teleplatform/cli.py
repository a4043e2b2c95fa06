"""Command line: `serve`, `export`, `account`, `disable` and `enable` on a platform data directory.

Messages for the operator are in French; the server's log (stderr) is in English and carries no
patient data.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path

import pydicom.config
import pyotp

from .api import Platform
from .auth import TOTP_STEP, AuthService, load_seed
from .clock import SystemClock
from .export import export
from .paths import DataDir
from .server import PlatformServer
from .store import Store, StoreError
from .tls import ensure_tls, server_context

log = logging.getLogger("teleplatform")


def _fail(message: str) -> int:
    print(f"teleplatform : {message}", file=sys.stderr)
    return 2


class OneLineFormatter(logging.Formatter):
    """Every log record on one line: CR and LF in a message (a value received from a client, a
    traceback) are escaped, so nothing received can forge a line of the server's log."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r", "\\r").replace("\n", "\\n")


def serve(root: Path, port: int) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # pydicom's warnings quote the offending values, which may be a name or a birth date.
    pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
    if not root.is_dir():
        return _fail(f"dossier de données introuvable : {root}")
    data = DataDir(root.resolve())
    try:
        tls = ensure_tls(data.tls, SystemClock().now())
        platform = Platform.open(data.root)
    except (StoreError, ValueError, OSError) as exc:
        log.error("start-up failed: %s", exc)
        return _fail(f"démarrage impossible : {exc}")
    try:
        server = PlatformServer(port, platform, server_context(tls))
    except OSError as exc:
        platform.close()
        log.error("cannot listen on 127.0.0.1:%d: %s", port, exc)
        return _fail(f"impossible d'écouter sur le port {port} : {exc.strerror}")

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %d received, stopping", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("listening on https://127.0.0.1:%d (clients trust %s)", server.port, tls.ca_cert)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        platform.close()
        log.info("stopped")
    return 0


def account(root: Path, as_json: bool) -> int:
    path = DataDir(root).seed_accounts
    try:
        accounts = load_seed(path)
    except (OSError, ValueError) as exc:
        return _fail(f"comptes de démonstration illisibles ({path}) : {exc}")
    remaining = TOTP_STEP - int(time.time()) % TOTP_STEP
    rows = [
        {
            "login": a.login,
            "password": a.password,
            "totp_secret": a.totp_secret,
            "otp": pyotp.TOTP(a.totp_secret, interval=TOTP_STEP).now(),
            "otp_valid_for": remaining,
            "rpps": a.rpps,
            "family": a.family,
            "given": a.given,
            "title": a.title,
        }
        for a in accounts
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"Comptes de démonstration ({path}) :")
    for row in rows:
        print(f"\n  {row['title']} {row['given']} {row['family']} (RPPS {row['rpps']})")
        print(f"    identifiant   : {row['login']}")
        print(f"    mot de passe  : {row['password']}")
        print(f"    secret TOTP   : {row['totp_secret']}")
        print(f"    code actuel   : {row['otp']} (valable encore {remaining} s)")
    return 0


def export_command(root: Path, out: Path) -> int:
    try:
        report = export(DataDir(root).database, out)
    except FileNotFoundError:
        return _fail(f"aucune base de la plateforme dans {root} (le serveur a-t-il déjà démarré ?)")
    print(
        f"{report.messages} message(s) HL7, {report.documents} document(s) CDA et "
        f"{report.audit_chains} journal(aux) d'audit exportés dans {out}"
    )
    return 0


def set_disabled(root: Path, login: str, disabled: bool) -> int:
    """Disable (revoking its live tokens at once, even while the server runs) or enable an account."""
    database = DataDir(root).database
    if not database.is_file():
        return _fail(f"aucune base de la plateforme dans {root} (le serveur a-t-il déjà démarré ?)")
    store = Store(database)
    try:
        revoked = AuthService(store, SystemClock()).disable(login, disabled)
    except KeyError:
        return _fail(f"compte inconnu : {login}")
    finally:
        store.close()
    if disabled:
        print(f"Compte {login} désactivé ; {revoked} jeton(s) en cours révoqué(s).")
    else:
        print(f"Compte {login} réactivé.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="teleplatform", description="Plateforme de téléradiologie de référence."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_serve = commands.add_parser("serve", help="démarrer le serveur HTTPS (127.0.0.1)")
    p_serve.add_argument("--data", type=Path, required=True, help="dossier de données de la plateforme")
    p_serve.add_argument("--port", type=int, default=8443, help="port d'écoute (défaut 8443)")
    p_export = commands.add_parser("export", help="exporter les messages reçus et les CR (CDA)")
    p_export.add_argument("--data", type=Path, required=True)
    p_export.add_argument("--out", type=Path, required=True)
    p_account = commands.add_parser("account", help="afficher les comptes de démonstration et leur code")
    p_account.add_argument("--data", type=Path, required=True)
    p_account.add_argument("--json", action="store_true", help="sortie JSON (pour le lanceur de démo)")
    for name, text in (
        ("disable", "désactiver un compte (ses sessions prennent fin)"),
        ("enable", "réactiver un compte"),
    ):
        p_state = commands.add_parser(name, help=text)
        p_state.add_argument("--data", type=Path, required=True)
        p_state.add_argument("login")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.data, args.port)
    if args.command == "export":
        return export_command(args.data, args.out)
    if args.command in ("disable", "enable"):
        return set_disabled(args.data, args.login, args.command == "disable")
    return account(args.data, args.json)
