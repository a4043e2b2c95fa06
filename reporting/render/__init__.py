"""Headless rendering of a report, for scripts and tests:

    python -m reporting.render --order ORM.hl7 [--complement OMI.hl7] --study DIR \\
        --author "RPPS NOM Prénom" --findings TEXT.md --out DIR

Builds the report from the order, its images (dose read from them) and the radiologist's Markdown
(chapters as headings), runs the pre-sign checks, then writes the CDA, the HL7 message and, when
Qt is available, a PDF for the site. This module is Qt-free: the PDF writer (``reporting.qt.pdf``) is
handed to :func:`main` by the command's entry point, ``reporting/render/__main__.py``.
Exit status: 0 written, 1 the report cannot be signed (the
list of what is missing is printed), 2 unusable input (an unreadable file, an HL7 message the shared
reader refuses, which is named with its segment and field); never a traceback for bad input.
Messages are French; no patient data is logged.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from hl7v2.message import HL7ParseError
from reporting import markdown
from reporting.checks import Issue, IssueCode, check, sign
from reporting.draft import DraftInputs, compose, parse_professional
from reporting.fields import ChapterText
from reporting.hl7 import Endpoint, Routing
from reporting.model import CCAM, PHYSICIAN, RADIOLOGIST, Chapter, Code, Report, Source
from reporting.order import SiteMessage, read_site_messages
from reporting.pipeline import Outputs, build_and_wrap
from reporting.study import scan_study

log = logging.getLogger("reporting.render")
PARIS = ZoneInfo("Europe/Paris")
EXIT_OK, EXIT_NOT_SIGNABLE, EXIT_BAD_INPUT = 0, 1, 2
PdfWriter = Callable[[Report, Path], Path]


class InputError(Exception):
    """An input the command cannot use; the message is French, for the user."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reporting.render",
        description="Construit, contrôle et écrit le compte rendu d'imagerie (CDA, message HL7, PDF).",
    )
    p.add_argument("--order", required=True, type=Path, help="demande d'examen HL7 (ORM^O01, flux 1)")
    p.add_argument("--complement", type=Path, help="complément post-examen HL7 (OMI^O23, flux 4)")
    p.add_argument("--study", type=Path, help="dossier des images DICOM de l'examen")
    p.add_argument("--author", required=True, help='radiologue auteur : "RPPS NOM Prénom"')
    p.add_argument("--findings", required=True, type=Path, help="texte du radiologue en Markdown")
    p.add_argument("--out", required=True, type=Path, help="dossier de sortie")
    p.add_argument("--requester", help='médecin demandeur s\'il manque dans la demande : "RPPS NOM Prénom"')
    p.add_argument("--act", action="append", default=[], metavar="CODE[=LIBELLÉ]", help="acte CCAM réalisé")
    p.add_argument(
        "--identity-checked",
        action="store_true",
        help="le radiologue a vérifié lui-même la concordance identité / images",
    )
    p.add_argument("--dose-missing-reason", default="", help="raison de l'absence de dose (acte irradiant)")
    p.add_argument(
        "--dlp", type=_decimal, help="PDL total en mGy·cm lu sur la console (si les images ne le donnent pas)"
    )
    p.add_argument(
        "--dap",
        type=_decimal,
        help="PDS total en dGy·cm² lu sur la console (si les images ne le donnent pas)",
    )
    p.add_argument("--mdm", action="store_true", help="envoyer un MDM^T02 au lieu d'un ORU^R01")
    p.add_argument("--no-pdf", action="store_true", help="ne pas écrire le PDF")
    return p


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"nombre attendu : « {text} »") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"valeur positive attendue : « {text} »")
    return value


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{what} introuvable : {path}") from exc
    except OSError as exc:
        raise InputError(f"{what} illisible : {path} ({exc.strerror})") from exc


def _read(path: Path, what: str) -> str:
    try:
        return _read_bytes(path, what).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} n'est pas un texte UTF-8 : {path}") from exc


def read_order(order_path: Path, complement_path: Path | None) -> tuple[SiteMessage, SiteMessage | None]:
    """The order (and complement) files, read by the shared HL7 reader (in their MSH-18 charset)."""
    request = _read_bytes(order_path, "La demande")
    complement = _read_bytes(complement_path, "Le complément") if complement_path else None
    try:
        return read_site_messages(request, complement)
    except HL7ParseError as exc:
        log.warning("unreadable HL7 input: %s", exc)
        raise InputError(exc.user_message) from exc


def _ccam(text: str) -> Code:
    code, _, label = text.partition("=")
    code = code.strip().upper()
    if len(code) != 7 or not (code[:4].isalpha() and code[4:].isdigit()):
        raise InputError(f"Code CCAM invalide : « {code} » (4 lettres et 3 chiffres attendus).")
    return Code(code, CCAM, label.strip(), "CCAM")


@dataclass(frozen=True, slots=True)
class Built:
    report: Report
    routing: Routing
    warnings: tuple[str, ...]
    text_issues: tuple[Issue, ...]  # problems of the Markdown itself, listed with the pre-sign checks


def build_report(args: argparse.Namespace, now: datetime) -> Built:
    """The draft report from the command line's inputs (``InputError`` when one is unusable)."""
    order, complement = read_order(args.order, args.complement)
    if args.study is not None and not args.study.is_dir():
        raise InputError(f"Dossier d'images introuvable : {args.study}")
    try:
        author = parse_professional(args.author, Source.USER, title="DR", profession=RADIOLOGIST)
        requester = (
            parse_professional(args.requester, Source.USER, title="DR", profession=PHYSICIAN)
            if args.requester
            else None
        )
    except ValueError as exc:
        raise InputError('Professionnel attendu sous la forme "RPPS NOM Prénom".') from exc
    chapters = markdown.split_chapters(_read(args.findings, "Le texte du compte rendu"))
    text_issues = []
    if chapters.unplaced:
        text_issues.append(
            Issue(
                IssueCode.TEXT_OUTSIDE_CHAPTERS,
                "Du texte précède le premier chapitre (Indication, Technique, Résultats, "
                "Conclusion) : placez-le sous un titre de chapitre.",
                ChapterText(Chapter.INDICATION),  # where it belongs: under the first chapter's title
            )
        )
    draft = compose(
        DraftInputs(
            order=order,
            complement=complement,
            author=author,
            chapters=chapters,
            now=now,
            scan=scan_study([args.study]) if args.study is not None else None,
            ccam_acts=tuple(_ccam(a) for a in args.act),
            requester=requester,
            identity_checked_by_user=args.identity_checked,
            dose_missing_reason=args.dose_missing_reason,
            typed_dlp_mgy_cm=args.dlp,
            typed_dap_dgy_cm2=args.dap,
        )
    )
    routing = Routing(  # the report goes back to whoever sent the order
        sender=Endpoint(order.receiver_application or "TLR-POSTE", order.receiver_facility or "TLR"),
        receiver=Endpoint(order.sender_application or "RIS", order.sender_facility or "STRUCTURE"),
    )
    return Built(draft.report, routing, draft.warnings, tuple(text_issues))


def write_outputs(report: Report, outputs: Outputs, out: Path, pdf: PdfWriter | None) -> list[Path]:
    """CR_<order>_v<version>.xml (CDA), .hl7 (message) and .pdf (when given a PDF writer)."""
    out.mkdir(parents=True, exist_ok=True)
    placer = report.order.placer_order.value.extension if report.order.placer_order else "sans-numero"
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"CR_{placer}_v{report.version}")
    written = [out / f"{stem}.xml", out / f"{stem}.hl7"]
    written[0].write_bytes(outputs.cda)
    written[1].write_bytes(outputs.message.er7.encode("utf-8"))
    if pdf is not None:
        written.append(pdf(report, out / f"{stem}.pdf"))
    return written


def main(argv: list[str] | None = None, pdf_writer: PdfWriter | None = None) -> int:
    """The command; ``pdf_writer`` (None: no PDF, said in the log unless --no-pdf) comes from the
    entry point, which may use Qt."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    now = datetime.now(PARIS).replace(microsecond=0)
    try:
        built = build_report(args, now)
    except InputError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in built.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
    issues = [*built.text_issues, *check(built.report)]
    if issues:
        print("Compte rendu non signable, éléments manquants :", file=sys.stderr)
        for issue in issues:
            print(f"  - {issue.message} [{issue.code}, {issue.field}]", file=sys.stderr)
        return EXIT_NOT_SIGNABLE
    report = sign(built.report, now)
    outputs = build_and_wrap(report, built.routing, now=now, first_version_as_mdm=args.mdm)
    try:
        if pdf_writer is None and not args.no_pdf:
            log.warning("no PDF written: no PDF writer (Qt) available")
        written = write_outputs(report, outputs, args.out, pdf=None if args.no_pdf else pdf_writer)
    except OSError as exc:
        print(f"Erreur : écriture impossible dans {args.out} ({exc.strerror}).", file=sys.stderr)
        return EXIT_BAD_INPUT
    for path in written:
        print(path)
    return EXIT_OK

