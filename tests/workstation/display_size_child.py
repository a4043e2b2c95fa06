"""One screen size of tests/workstation/test_display_sizes.py, in its own process under its own Xvfb.

``python -m tests.workstation.display_size_child CASE.pickle OUT_DIR LABEL`` opens the reading page
maximised on the (only) screen, with today's CT and its prior compared, the MPR 2x2 and the signature
dialog, saves a screenshot of each under OUT_DIR/LABEL-*.png and prints one JSON line of what the
test asserts: where the sign button and the report's conclusion are, whether anything scrolls
sideways, and what the prior's banner paints. The case (order, draft, images) was fetched from a
real platform by the parent test; here no network is used.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QInputDialog,
    QMainWindow,
    QScrollArea,
    QWidget,
)


def wait(app: QApplication, condition, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def visible_in_window(widget: QWidget, window: QWidget) -> bool:
    """The whole widget is inside the window and not clipped by a scrolled ancestor."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    if not window.rect().contains(rect):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            port = parent.viewport()
            corner = widget.mapTo(port, QPoint(0, 0))
            if corner.x() < 0 or corner.x() + widget.width() > port.width():
                return False
        parent = parent.parentWidget()
    return True


def sideways_scrollbars(root: QWidget) -> list[str]:
    """Scroll areas of the page that show a horizontal scroll bar."""
    found = []
    for area in root.findChildren(QAbstractScrollArea):
        if area.isVisible() and area.horizontalScrollBar().isVisible():
            found.append(area.objectName() or type(area).__name__)
    return found


def main(argv: list[str]) -> int:
    case_file, out_dir, label = Path(argv[0]), Path(argv[1]), argv[2]
    data = pickle.loads(case_file.read_bytes())
    app = QApplication(["display-size-test"])
    app.setOrganizationName("teleradiologie-tests-sizes")
    from reporting.study import scan_study
    from viewer.loader import StudyLoader
    from workstation.qt import theme
    from workstation.qt.display import place_on_screen, preferred_screen
    from workstation.qt.reading_page import ReadingPage
    from workstation.qt.tasks import Tasks
    from workstation.reading import ReadingCase

    theme.apply_display_settings(app)
    screen = preferred_screen()
    window = QMainWindow()
    window.setWindowTitle("Téléradiologie — poste de lecture")
    for title in ("&Session", "&Liste de travail", "L&ecture", "&Aide"):
        window.menuBar().addMenu(title)
    window.statusBar().showMessage("En ligne — Dr TEST — file d'envoi : 0")
    loader = StudyLoader(workers=0)
    tasks = Tasks(window)
    ws = SimpleNamespace(settings=data["settings"], client=None, identity=None, pacs=None)
    page = ReadingPage(ws, loader, tasks)  # type: ignore[arg-type]
    window.setCentralWidget(page)
    place_on_screen(window, screen)
    wait(app, lambda: window.isVisible() and window.width() > 600, 10)

    folder = Path(data["folder"])
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    case = ReadingCase(
        data["row"],
        folder,
        files,
        data["order"],
        data["complement"],
        scan_study([folder]),
        data["draft"],
        lambda: None,
    )
    page.row = data["row"]
    page.identity.setText(data["identity"])
    page._opened(case)
    viewer = page.viewer
    assert wait(app, lambda: bool(viewer.series()) and viewer.active_viewport.view is not None)
    page.show_prior(data["prior"], Path(data["prior_folder"]))
    prior = page.prior_viewer
    assert prior is not None
    assert wait(app, lambda: bool(prior.series()) and prior.viewports[0].view is not None)
    assert wait(app, lambda: all(s.complete for s in viewer.series() + prior.series()), 120)
    settle(app, 0.5)
    shots: dict[str, str] = {}

    def shoot(name: str) -> None:
        path = out_dir / f"{label}-{name}.png"
        window.screen().grabWindow(0).save(str(path))
        shots[name] = str(path)

    result: dict[str, object] = {
        "screen": [screen.geometry().width(), screen.geometry().height()],
        "ratio": screen.devicePixelRatio(),
        "window": [window.width(), window.height()],
        "maximised": window.isMaximized(),
        "mode": page.layout_mode,
    }
    # the report, opened when it is a drawer
    if page.report_button.isVisible() and not page.report_button.isChecked():
        page.report_button.click()
    settle(app)
    editor = page.editor
    assert editor is not None
    conclusion = editor.findChild(QWidget, "chapitre-conclusion")
    assert conclusion is not None
    scroll = getattr(editor, "_scroll", None) or editor.findChild(QScrollArea)
    scroll.ensureWidgetVisible(conclusion)  # vertical scrolling is fine
    settle(app)
    shoot("compare")
    result["sign_visible"] = visible_in_window(page.sign_button, window)
    result["conclusion_visible"] = visible_in_window(conclusion, window)
    result["sideways"] = sideways_scrollbars(window)
    result["images_orientation"] = (
        "horizontal" if page.images.orientation() == Qt.Orientation.Horizontal else ("vertical")
    )
    tools = viewer.toolbar
    extension = [b for b in tools.findChildren(QWidget) if b.objectName() == "qt_toolbar_ext_button"]
    result["tools_overflow"] = any(b.isVisible() for b in extension)
    # the prior's banner: the lines painted and the size of the identity
    viewport = prior.viewports[0]
    image = QImage(viewport.size(), QImage.Format.Format_RGB32)
    painter = QPainter(image)
    identity_lines, others = viewport.banner_layout(painter)
    painter.end()
    result["prior_banner"] = identity_lines + others
    result["prior_banner_points"] = viewport._banner_points * viewport.overlay_scale()
    result["prior_viewport"] = [viewport.width(), viewport.height()]
    # drawer closed: the images take the width, the sign button is still there
    if page.report_button.isVisible():
        page.report_button.click()
        settle(app)
        shoot("drawer-closed")
        result["sign_visible_drawer_closed"] = visible_in_window(page.sign_button, window)
        page.report_button.click()
        settle(app)
    # MPR 2x2 of today's CT
    assert viewer.enter_mpr()
    settle(app, 0.5)
    shoot("mpr")
    mpr = viewer.mpr_viewports[0]
    result["mpr_cell"] = [mpr.width(), mpr.height()]
    viewer.toggle_mpr()
    settle(app)
    # the signature dialog names the patient and the exam
    seen: dict[str, str] = {}

    def fake_get_text(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen["text"] = text
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(text)
        dialog.show()
        settle(app, 0.4)
        shoot("signature")
        seen["size"] = f"{dialog.width()}x{dialog.height()}"
        dialog.close()
        return "", False

    QInputDialog.getText = staticmethod(fake_get_text)  # type: ignore[method-assign]
    page._sign(editor.report())
    result["signature_text"] = seen.get("text", "")
    result["signature_size"] = seen.get("size", "")
    result["shots"] = shots
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    page.close_case(emit=False)
    tasks.shutdown()
    loader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
