"""Support commands for the outbox (issue 22), documented in docs/guide (« Vérifier la file d'envoi »).

    python -m workstation.outbox check   [--data-dir DIR]   read-only: integrity, loss; exit 0 ok, 1 damaged
    python -m workstation.outbox recover [--data-dir DIR]   what the workstation does at start-up: set the
                                                            damaged file aside, rebuild the queue from the
                                                            encrypted copies (needs the OS keyring)

``check`` works while the workstation runs (it only reads); ``recover`` needs it closed (the outbox
is one process's at a time). Output in French, for support; nothing of a patient is printed.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from workstation.outbox.recovery import append_log, check_files, open_outbox
from workstation.outbox.spool import Spool
from workstation.outbox.store import OutboxError


def default_data_dir() -> Path:
    from workstation.audit.journal import default_journal_path

    return default_journal_path().parent.parent


def _check(data_dir: Path) -> int:
    result = check_files(data_dir / "outbox.sqlite", data_dir / "outbox-spool")
    print("\n".join(result.lines()))
    return 1 if result.damaged else 0


def _recover(data_dir: Path) -> int:
    from auth.keystore import KeyStore, KeystoreError

    try:
        keystore = KeyStore()
        spool = Spool.open(data_dir / "outbox-spool", keystore)
        store, found = open_outbox(data_dir / "outbox.sqlite", spool)
    except (KeystoreError, OutboxError) as exc:
        print(f"Réparation impossible : {exc.user_message}", file=sys.stderr)
        return 2
    try:
        if found.alarm:
            append_log(data_dir / "outbox-recovery.jsonl", found)
            _audit(keystore, data_dir, store.path, found.summary())
        print(found.user_message or "La file d'envoi est intacte : rien à réparer.")
        print(f"({found.summary()})")
        counts = store.counts()
        print(f"Messages en attente d'envoi : {counts.pending} (envoyés au prochain démarrage du poste).")
    finally:
        store.close()
    return 1 if found.unrecoverable or found.unreadable_copies else 0


def _audit(keystore: object, data_dir: Path, outbox: Path, summary: str) -> None:
    """The same security alert the workstation records at start-up, in its journal."""
    from workstation.audit import AuditSource, AuditTrail
    from workstation.audit.custody import open_journal
    from workstation.audit.journal import JournalError

    try:
        journal = open_journal(keystore, data_dir / "audit" / "journal.jsonl")  # type: ignore[arg-type]
        trail = AuditTrail(journal, AuditSource(socket.gethostname()))
        try:
            trail.outbox_loss(outbox, summary)
        finally:
            trail.close()
    except (JournalError, OSError) as exc:
        print(f"Attention : l'événement n'a pas pu être inscrit au journal d'audit ({exc}).", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workstation.outbox", description="Vérifier ou réparer la file d'envoi du poste."
    )
    parser.add_argument("command", choices=("check", "recover"))
    parser.add_argument(
        "--data-dir", type=Path, help="dossier de données du poste (par défaut celui de l'utilisateur)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    data_dir = args.data_dir or default_data_dir()
    if args.command == "check":
        return _check(data_dir)
    return _recover(data_dir)


if __name__ == "__main__":
    sys.exit(main())
