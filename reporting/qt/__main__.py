"""Open the report editor alone, on real inputs, to look at it and try it:

    python -m reporting.qt --order ORM.hl7 [--complement OMI.hl7] [--study DIR] \\
        --author "RPPS NOM Prénom" [--template ID] [--language en]

The draft is composed as ``reporting.render`` does (order, complement, images); the template is the
one chosen for the exam unless ``--template`` names another. « Signer » signs locally and locks the
panel (the application asks for the second factor and sends; this preview sends nothing).
``--language en`` shows the panel in English (the report stays French); the command line's own
messages are French.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from reporting.checks import sign
from reporting.draft import DraftInputs, compose, parse_professional
from reporting.markdown import split_chapters
from reporting.model import RADIOLOGIST, Report, Source
from reporting.order import read_site_messages
from reporting.qt.editor import ReportEditor
from reporting.study import scan_study
from reporting.templates import TemplateError, builtin_templates, template_by_id, template_for_report
from resources.translations import LANGUAGES, SOURCE_LANGUAGE
from resources.translations import qt as language

PARIS = ZoneInfo("Europe/Paris")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m reporting.qt", description="Éditeur de compte rendu.")
    parser.add_argument("--order", required=True, type=Path, help="demande d'examen HL7 (ORM^O01)")
    parser.add_argument("--complement", type=Path, help="complément post-examen HL7 (OMI^O23)")
    parser.add_argument("--study", type=Path, help="dossier des images DICOM")
    parser.add_argument("--author", required=True, help='radiologue : "RPPS NOM Prénom"')
    parser.add_argument("--template", help="identifiant du modèle (sinon choisi d'après l'examen)")
    parser.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        default=SOURCE_LANGUAGE,
        help="langue de l'interface (le compte rendu reste en français)",
    )
    args = parser.parse_args(argv)
    try:
        order, complement = read_site_messages(
            args.order.read_bytes(), args.complement.read_bytes() if args.complement else None
        )
        author = parse_professional(args.author, Source.ACCOUNT, title="DR", profession=RADIOLOGIST)
        templates = builtin_templates()
    except (OSError, ValueError, TemplateError) as error:  # HL7ParseError is a ValueError
        print(f"Entrée inutilisable : {error}", file=sys.stderr)
        return 2
    now = datetime.now(PARIS)
    draft = compose(
        DraftInputs(
            order=order,
            complement=complement,
            author=author,
            chapters=split_chapters(""),
            now=now,
            scan=scan_study([args.study]) if args.study else None,
        )
    )
    for warning in draft.warnings:
        print(f"Avertissement : {warning}", file=sys.stderr)
    try:
        chosen = template_by_id(args.template, templates) if args.template else None
        template = chosen or template_for_report(draft.report)
    except KeyError:
        print(f"Modèle inconnu : {args.template} ({', '.join(t.id for t in templates)})", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    language.install(app, args.language)
    editor = ReportEditor(draft.report, template)
    title = template.title if template else QCoreApplication.translate("ReportPreview", "sans modèle")
    editor.setWindowTitle(
        QCoreApplication.translate("ReportPreview", "Compte rendu — {template}").format(template=title)
    )

    def signed(report: Report) -> None:
        editor.set_report(sign(report, datetime.now(PARIS)))
        QMessageBox.information(
            editor,
            QCoreApplication.translate("ReportPreview", "Signature"),
            QCoreApplication.translate("ReportPreview", "Compte rendu signé (aperçu : rien n'est envoyé)."),
        )

    editor.signRequested.connect(signed)
    editor.resize(760, 1000)
    editor.show()
    return app.exec()



if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
