"""``python -m viewer.qt PATH... [--patient TEXT]``: the viewer alone on files or folders (support, demos).

The application embeds :class:`viewer.qt.viewer_widget.ViewerWidget`; this opens it in its own window so
the viewer can be tried and checked without the workstation, the platform or a login.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m viewer.qt", description="Visionneuse DICOM seule.")
    parser.add_argument("paths", nargs="+", help="fichiers ou dossiers DICOM")
    parser.add_argument("--patient", default="",
                        help="bandeau d'identité affiché (défaut : l'identité lue dans les en-têtes DICOM)")
    parser.add_argument("--language", choices=("fr", "en"), default="fr", help="langue de l'interface")
    args = parser.parse_args(argv)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QApplication

    from resources.translations import qt as language
    from viewer.loader import StudyLoader
    from viewer.qt import bindings
    from viewer.qt.viewer_widget import ViewerWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    language.install(app, args.language)
    loader = StudyLoader(2, warm=True)
    widget = ViewerWidget(loader)
    widget.setWindowTitle(QCoreApplication.translate("ViewerMain", "Visionneuse — téléradiologie"))
    help_action = QAction(widget)  # F1: every key and mouse binding, as in the workstation
    help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    help_action.triggered.connect(lambda: bindings.help_dialog(widget, bindings.title(), widget.help_rows()))
    widget.addAction(help_action)
    widget.resize(1400, 900)
    widget.show()
    # with no --patient, the identity comes from the DICOM headers (marked so; several patients warned)
    widget.open_study(args.paths, args.patient, banner_from_headers=not args.patient)
    try:
        return app.exec()
    finally:
        widget.close_study()
        loader.close()


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
