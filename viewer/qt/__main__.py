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
    parser.add_argument("--patient", default="Patient non identifié", help="bandeau d'identité affiché")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from viewer.loader import StudyLoader
    from viewer.qt.viewer_widget import ViewerWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loader = StudyLoader(2, warm=True)
    widget = ViewerWidget(loader)
    widget.setWindowTitle("Visionneuse — téléradiologie")
    widget.resize(1400, 900)
    widget.show()
    widget.open_study(args.paths, args.patient)
    try:
        return app.exec()
    finally:
        widget.close_study()
        loader.close()


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
