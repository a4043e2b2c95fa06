"""``python -m workstation.audit``: check a journal, or write its records as DICOM audit XML.

    verify PATH (--key-file FILE | --key-from-keyring) [--head INDEX:MAC]
    export-xml PATH --out DIR [--after INDEX:MAC]

``verify`` exits 0 when the journal is intact, 1 when a record is bad (named with its index and the
reason), 2 when it cannot check (no key, unreadable file). The key file holds ``k_0`` as 64
hexadecimal digits. Output is French: it is read by the people who audit the workstation.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from auth.errors import AuthError
from auth.secret import Secret
from workstation.audit.dicom_xml import to_xml
from workstation.audit.journal import KEY_SIZE, ChainHead, JournalError, read_entries, verify_file

OK, BAD, CANNOT = 0, 1, 2


class _Refusal(Exception):
    """A French message for stderr and the exit code CANNOT."""


def _head(text: str) -> ChainHead:
    try:
        return ChainHead.from_text(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "tête de chaîne attendue sous la forme INDEX:MAC (64 chiffres hexa)"
        ) from exc


def _key_from_file(path: Path) -> Secret:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = Secret(bytes.fromhex(text))
    except (OSError, ValueError) as exc:
        raise _Refusal(f"Fichier de clé illisible ({path}) : {exc}") from exc
    if len(key) != KEY_SIZE:
        raise _Refusal(f"Le fichier de clé doit contenir {KEY_SIZE} octets en hexadécimal ({len(key)} lus).")
    return key


def _material_from_keyring(path: Path) -> tuple[Secret, ChainHead | None]:
    from auth.keystore import KeyStore
    from workstation.audit.custody import verification_material

    try:
        key, head = verification_material(KeyStore(), path)
    except AuthError as exc:
        raise _Refusal(exc.user_message) from exc
    if key is None:
        raise _Refusal(
            "Aucune clé de journal d'audit dans le trousseau de cette session : une fois confiée à la "
            "plateforme, la clé initiale s'obtient par son export (fichier .k0) et se passe avec --key-file."
        )
    return key, head


def _verify(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.is_file():
        raise _Refusal(f"Journal introuvable : {path}")
    if args.key_file:
        key, head = _key_from_file(args.key_file), None
    else:
        key, head = _material_from_keyring(path)
    head = args.head or head
    with key:
        try:
            result = verify_file(path, key, head)
        except OSError as exc:
            raise _Refusal(f"Journal illisible : {exc}") from exc
    if result.problem is not None:
        print(f"ALTÉRÉ : {path}", file=sys.stdout)
        print(f"Premier enregistrement en défaut : {result.problem.describe()}.")
        print(f"{result.records} enregistrement(s) intègre(s) avant lui.")
        return BAD
    last = f", tête {result.head.to_text()}" if result.head else ""
    checked = " (fin du journal vérifiée par rapport à l'état du trousseau)" if head else ""
    print(f"INTÈGRE : {path} : {result.records} enregistrement(s){last}{checked}.")
    return OK


def _export(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    count = 0
    try:
        for entry in read_entries(args.path, args.after):
            target = out / f"{entry.index:08d}.xml"
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # patient identifiers inside
            with os.fdopen(fd, "wb") as stream:
                stream.write(to_xml(entry.record))
            count += 1
    except JournalError as exc:
        raise _Refusal(exc.user_message) from exc
    except OSError as exc:
        raise _Refusal(f"Export impossible : {exc}") from exc
    print(f"{count} message(s) d'audit DICOM écrit(s) dans {out} (non vérifiés : lancez « verify » d'abord).")
    return OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workstation.audit", description="Journal d'audit du poste."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="vérifier l'intégrité d'un journal")
    verify.add_argument("path", type=Path)
    source = verify.add_mutually_exclusive_group(required=True)
    source.add_argument("--key-file", type=Path, help="clé initiale k0, 64 chiffres hexadécimaux")
    source.add_argument("--key-from-keyring", action="store_true", help="clé et tête de chaîne du trousseau")
    verify.add_argument(
        "--head", type=_head, help="tête de chaîne accusée (INDEX:MAC) : détecte une troncature"
    )
    export = commands.add_parser("export-xml", help="écrire les enregistrements en XML d'audit DICOM")
    export.add_argument("path", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--after", type=_head, help="seulement après cette tête de chaîne (INDEX:MAC)")
    args = parser.parse_args(argv)
    try:
        return _verify(args) if args.command == "verify" else _export(args)
    except _Refusal as exc:
        print(f"Vérification impossible : {exc}" if args.command == "verify" else str(exc), file=sys.stderr)
        return CANNOT


if __name__ == "__main__":
    sys.exit(main())
