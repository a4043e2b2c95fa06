"""``python -m reporting.render``: the headless report command, with the PDF when Qt is installed.

The entry point is the one place of the command that may reach Qt (the PDF is painted by
``reporting.qt.pdf``); the command itself, :func:`reporting.render.main`, stays Qt-free.
"""

from __future__ import annotations

import logging
import sys

from reporting.render import PdfWriter, main


def _pdf_writer() -> PdfWriter | None:
    try:
        from reporting.qt.pdf import write_pdf
    except ImportError as exc:  # Qt belongs to the workstation's dependencies, not to this command's
        logging.getLogger("reporting.render").warning("no PDF written: %s", exc)
        return None
    return write_pdf


if __name__ == "__main__":
    sys.exit(main(pdf_writer=_pdf_writer()))
