"""Regenerate every screenshot of the user guide (docs/guide/) from the real application.

Run it under an X display, for instance:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py --out docs/guide/img

What it does, so that the guide shows what the application really does tonight:

1. generates the demo data (``teleplatform.demo``) if absent, in the same folder as ``make demo``;
2. starts the reference platform on a free loopback port, on a private copy of that data (its own
   ``state/``, so the demo's database is never touched), behind a TCP relay that can cut the link
   (TLS goes through it untouched: the certificate checks are the real ones);
3. drives the workstation like a radiologist through a night: login (a wrong code, then the right
   one), the worklist, an order, the justification (accept with a protocol, refuse with a reason),
   the reading screen with a measurement sent to the report, the pre-sign checks, an urgent result,
   the document preview, MPR and 3D, a prior study side by side, the identity mismatch, the idle
   lock, the shortcuts panel; then the platform goes away (degraded mode), a report is read from the
   cache and signed offline, delivered when the platform is back, and the workstation is restarted
   during a second outage (offline resume);
4. saves one PNG per screen. Plain widgets are taken with ``QWidget.grab()``; screens with VTK
   content (the 3D view) are cut out of the whole X screen, since ``grab()`` of a VTK widget is garbage.

Everything the workstation writes (settings, journal, outbox, cache) goes to a throw-away profile;
secrets stay in memory (volatile keyring), as in the tests. The script never uses test modules: the
few lines it needs from them are copied here. Exit status 0 when every screenshot was written;
otherwise 1, with the screen that failed named on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from teleplatform.relay import FaultProxy

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file: the project's packages come from the checkout
    sys.path.insert(0, str(ROOT))

log = logging.getLogger("screenshots")

WINDOW_SIZE = (1920, 1080)  # the whole screen of a reading-room display
PROTOCOL_NOTE = "Temps artériel supplémentaire si suspicion de saignement actif."
REFUSAL_TEXT = (
    "Échographie abdominale en première intention chez cette patiente de 27 ans : l’irradiation "
    "n’est pas justifiée à ce stade. Rappeler le radiologue de garde au besoin."
)
# the demo CT's post-operative collection (teleplatform/demo/body.py): image number, then its axis
# in (column, row) of that image, from wall to wall
COLLECTION_IMAGE = 94
COLLECTION_AXIS = ((179.0, 227.0), (219.0, 227.0))
TECHNIQUE = "Acquisition au temps portal après injection iodée."
RESULTS = (
    "Collection de la loge vésiculaire de 31 mm, à paroi rehaussée, contenant une bulle gazeuse. "
    "Pas d'épanchement péritonéal libre. Pas de pneumopéritoine."
)
URGENT_RECIPIENT = "Dr Mehdi BENALI, médecin demandeur (02 61 91 03 64)"
CONCLUSION = (
    "Collection abcédée probable de la loge vésiculaire de 31 mm, à J5 d'une cholécystectomie. "
    "Pas d'autre complication décelable."
)
IDENTITY_CONFIRMATION = (
    "Mme Martin, manipulatrice du site, rappelée à 02 h 10 :\n"
    "la date de naissance de la demande était erronée ;\n"
    "les images sont bien celles de la patiente."
)


class ScreenshotError(Exception):
    """A screen could not be reached or did not look as expected; the message says which."""


# --- the platform (copied from tests/platform_fixtures.py; the relay is teleplatform.relay) ----------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Platform:
    base_url: str
    ca_path: Path
    account: dict[str, str]
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def private_copy(source: Path, target: Path) -> Path:
    """seed/ and orders/ copied, dicom/ linked: the platform gets its own state/ on the same images."""
    target.mkdir(parents=True)
    for name in ("seed", "orders"):
        shutil.copytree(source / name, target / name)
    (target / "dicom").symlink_to((source / "dicom").resolve(), target_is_directory=True)
    return target


def start_platform(data_dir: Path, log_path: Path, timeout: float = 120.0) -> Platform:
    """``python -m teleplatform serve`` on a free port, waited for over verified HTTPS."""
    import requests

    port = _free_port()
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "teleplatform", "serve", "--data", str(data_dir), "--port", str(port)],
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"https://127.0.0.1:{port}"
    ca_path = data_dir / "state" / "tls" / "ca.pem"
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE must not replace the platform's CA
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ScreenshotError(f"the platform exited with {process.returncode}; see {log_path}")
        if ca_path.is_file():
            with contextlib.suppress(requests.RequestException):
                if session.get(f"{base_url}/api/v1/health", verify=str(ca_path), timeout=2).ok:
                    break
        time.sleep(0.1)
    else:
        process.kill()
        raise ScreenshotError(f"the platform did not answer within {timeout:.0f} s; see {log_path}")
    accounts = json.loads((data_dir / "seed" / "accounts.json").read_text(encoding="utf-8"))
    return Platform(base_url, ca_path, accounts[0], process)


class OffsetClock:
    """The session's clock, which the script moves forward to reach the idle lock without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


# --- driving Qt like a user ---------------------------------------------------------------------------


def process(seconds: float = 0.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while True:
        QApplication.processEvents()
        if time.monotonic() >= end:
            return
        time.sleep(0.02)


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while True:
        QApplication.processEvents()
        with contextlib.suppress(Exception):
            if predicate():
                return
        if time.monotonic() > deadline:
            raise ScreenshotError(f"waited {timeout:.0f} s for: {what}")
        time.sleep(0.02)


def click(widget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    if not widget.isEnabled():
        raise ScreenshotError(f"{widget.objectName() or widget.text()!r} is disabled")
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    process()


def answer_next_input_dialog(
    text: str, shot: Callable[[object], None] | None = None
) -> list[BaseException]:
    """When the next modal QInputDialog opens (signature password, identity confirmation), type the
    answer into it, optionally screenshot it, and press OK, as the user would.

    The dialog runs its own event loop inside the click that opened it, so this answers from a timer;
    a failed screenshot must not leave the dialog open (the click would never return): the error is
    put in the returned list, for the caller to raise once the click is over."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    errors: list[BaseException] = []

    def attempt(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            if tries < 500:
                QTimer.singleShot(20, lambda: attempt(tries + 1))
            else:
                errors.append(ScreenshotError("the expected input dialog did not open"))
            return
        try:
            dialog.setTextValue(text)
            QApplication.processEvents()
            if shot is not None:
                shot(dialog)
        except Exception as exc:  # reported once the dialog is closed
            errors.append(exc)
        finally:
            dialog.accept()

    QTimer.singleShot(0, attempt)
    return errors


def raise_first(errors: list[BaseException]) -> None:
    if errors:
        raise errors[0]


class Camera:
    """Saves the screenshots and remembers what it wrote (for the summary)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[Path] = []

    def widget(self, widget, name: str) -> None:  # type: ignore[no-untyped-def]
        """``QWidget.grab()``: exact, for widgets without VTK content."""
        process(0.3)
        self._save(widget.grab(), name)

    def screen(self, widget, name: str) -> None:  # type: ignore[no-untyped-def]
        """The widget's rectangle cut out of the X screen: what a person would see, VTK included."""
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QApplication

        widget.raise_()
        widget.activateWindow()
        process(0.8)
        origin = widget.mapToGlobal(QPoint(0, 0))
        pixmap = QApplication.primaryScreen().grabWindow(
            0, origin.x(), origin.y(), widget.width(), widget.height()
        )
        self._save(pixmap, name)

    def _save(self, pixmap, name: str) -> None:  # type: ignore[no-untyped-def]
        if pixmap.isNull() or pixmap.width() < 50:
            raise ScreenshotError(f"empty capture for {name}")
        path = self.out / f"{name}.png"
        if not pixmap.save(str(path), "PNG"):
            raise ScreenshotError(f"cannot write {path}")
        self.written.append(path)
        log.info("wrote %s (%dx%d)", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path,
                 pixmap.width(), pixmap.height())


# --- the night -------------------------------------------------------------------------------------


@dataclass
class Stage:
    """What the screens share. ``ws`` and ``window`` change when the workstation is restarted."""

    ws: object
    window: object | None
    platform: Platform
    relay: FaultProxy
    clock: OffsetClock
    camera: Camera
    loader: object
    keystore: object  # the "OS keyring": it outlives a restart of the workstation
    data_dir: Path


def _row_index(window, order_id: str) -> int:  # type: ignore[no-untyped-def]
    row = window.model.row_of(order_id)
    if row < 0:
        raise ScreenshotError(f"order {order_id} is not in the worklist shown")
    return row


def login(ws, account: dict[str, str], camera: Camera, shots: bool, code: str = "") -> None:  # type: ignore[no-untyped-def]
    """The login dialog; with ``shots``, a wrong code first (refused), then the right one; ``code``: an
    offline restart code instead of the authenticator's (a restart while the platform is down)."""
    import pyotp
    from PySide6.QtTest import QTest

    from auth.qt.login_dialog import LoginDialog
    from auth.session import SessionState

    dialog = LoginDialog(ws.login, platform_label=ws.settings.base_url)
    dialog.show()
    dialog.login_edit.setText(account["login"])
    QTest.keyClicks(dialog.password_edit, account["password"])
    totp = pyotp.TOTP(account["totp_secret"])
    if shots:
        wrong = f"{(int(totp.now()) + 500000) % 1000000:06d}"
        QTest.keyClicks(dialog.otp_edit, wrong)
        camera.widget(dialog, "01-connexion")
        click(dialog.login_button)
        wait_until(dialog.error_label.isVisible, 20, "the wrong one-time code refused")
        camera.widget(dialog, "02-connexion-code-refuse")
        dialog.otp_edit.clear()
    QTest.keyClicks(dialog.otp_edit, code or totp.now())
    click(dialog.login_button)
    wait_until(lambda: ws.session.state is SessionState.ACTIVE, 20, "the login accepted")
    wait_until(lambda: not dialog.isVisible(), 5, "the login dialog closed")
    dialog.deleteLater()


def worklist(stage: Stage) -> None:
    from teleplatform.demo import cases

    window, camera = stage.window, stage.camera
    window.table.selectRow(_row_index(window, cases.CT_HEAD_CASE.placer_order_number))
    wait_until(lambda: "Contexte clinique" in window.detail.toPlainText(), 5, "the order text")
    camera.widget(window, "03-liste-de-travail")
    shutil.copyfile(camera.out / "03-liste-de-travail.png", ROOT / "docs" / "screenshot-worklist.png")

    # the order to validate, as written by the requester, scrolled to its radioprotection part
    window.table.selectRow(_row_index(window, cases.PENDING_CASE.placer_order_number))
    wait_until(lambda: "Contexte clinique" in window.detail.toPlainText(), 5, "the pending order text")
    camera.widget(window.detail.parentWidget(), "04-demande")
    bar = window.detail.verticalScrollBar()
    bar.setValue(bar.maximum())
    camera.widget(window.detail.parentWidget(), "05-demande-suite")
    bar.setValue(0)

    # filters: the scope "Tous" shows the finished and cancelled orders too
    window.scope.setCurrentIndex(window.scope.findText("Tous"))
    process(0.2)
    window.table.clearSelection()
    camera.widget(window, "06-liste-tous")
    window.scope.setCurrentIndex(window.scope.findText("À traiter"))


def justification(stage: Stage) -> None:
    from teleplatform.demo import cases

    window, camera, ws = stage.window, stage.camera, stage.ws
    order_id = cases.PENDING_CASE.placer_order_number
    window.table.selectRow(_row_index(window, order_id))
    click(window.justify_button)
    dialog = window.justification_dialog
    if dialog is None or not dialog.isVisible():
        raise ScreenshotError("the justification dialog did not open")

    # refusal first, shown filled then cancelled: the order is then accepted for real
    click(dialog.refuse_radio)
    dialog.reason.setCurrentIndex(dialog.reason.findText("Examen non adapté ou alternative non irradiante"))
    dialog.justification.setPlainText(REFUSAL_TEXT)
    camera.widget(dialog, "08-justification-refus")
    click(dialog.accept_radio)
    dialog.justification.clear()

    if not dialog.warning.isVisible():
        raise ScreenshotError("no radioprotection warning for the woman of childbearing age")
    click(dialog.send_button)  # without the confirmation: refused, with the reason in the dialog
    if not dialog.isVisible() or "irradiant" not in dialog.error.text():
        raise ScreenshotError(f"an unconfirmed irradiating protocol was sent: {dialog.error.text()!r}")
    dialog.protocol.appendPlainText(PROTOCOL_NOTE)
    tick_justification(dialog)
    camera.widget(dialog, "07-justification-accepter")  # what the radiologist ticked, before sending
    click(dialog.send_button)
    wait_until(lambda: not dialog.isVisible(), 5, "the justification dialog closed")
    if dialog.result() != dialog.DialogCode.Accepted:
        raise ScreenshotError(f"the justification was not sent: {dialog.error.text()!r}")

    def sent() -> bool:
        entry = next(e for e in ws.client.worklist() if e.order_id == order_id)
        return entry.status.value == "protocole_envoye"

    wait_until(sent, 30, "the protocol acknowledged by the platform")
    wait_until(
        lambda: "Protocole envoyé" in window.model.row_at(window.model.row_of(order_id)).status_label,
        30,
        "the worklist showing « Protocole envoyé »",
    )
    window.table.selectRow(_row_index(window, order_id))
    camera.widget(window, "09-protocole-envoye")


# What the radiologist on call accepts knowingly for Mme MERCIER's urgent CT (suspected appendicitis,
# last period six weeks ago, beta-HCG pending): the pregnancy status is the one element the order
# lacks, covered by the radioprotection confirmation; with contrast, an emergency does not wait for
# the renal function, allergies, metformin and previous reactions the site checks on arrival.
ACCEPTED_WITHOUT = {"GROSSESSE"}
ACCEPTED_WITHOUT_CONTRAST = {"FONCTION_RENALE", "ALLERGIES", "METFORMINE", "REACTION_ANTERIEURE"}


def tick_justification(dialog) -> None:  # type: ignore[no-untyped-def]
    """Tick what a radiologist ticks to accept the pending order: the radioprotection confirmation,
    the physician present at the injection for a contrast protocol, and « Accepter sans » for the
    missing elements listed above. Any other missing element means the demo order changed: stop
    rather than accept it blindly."""
    dialog.confirm.setChecked(True)
    lists = [(dialog.checklist, ACCEPTED_WITHOUT)]
    if dialog.contrast.isChecked():
        dialog.physician.setChecked(True)
        lists.append((dialog.contrast_checklist, ACCEPTED_WITHOUT_CONTRAST))
    for checklist, acceptable in lists:
        for key, box in checklist.boxes.items():
            if key not in acceptable:
                raise ScreenshotError(f"the demo order lacks the justification element {key}")
            box.setChecked(True)


def open_exam(window, order_id: str) -> None:  # type: ignore[no-untyped-def]
    window.table.selectRow(_row_index(window, order_id))
    click(window.open_button)
    page = window.reading_page
    wait_until(lambda: page.editor is not None, 120, f"the study of {order_id} opened")
    viewer = page.viewer
    wait_until(
        lambda: bool(viewer.series()) and viewer.active_viewport.view is not None,
        120,
        f"the images of {order_id} shown",
    )
    process(1.0)


def paste(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a chapter's free text as a paste would (QTest types ASCII only): the editor sees an
    ordinary edit, so its pre-sign panel follows."""
    edit.setFocus()
    edit.selectAll()
    edit.insertPlainText(text)
    process(0.4)


def pick(editor, field_id: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a value in one of the template's pick lists, as a click in the list does."""
    combo = editor.field_widget(field_id)
    index = combo.findText(choice)
    if index < 0:
        raise ScreenshotError(f"no choice {choice!r} in the template field {field_id}")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    process(0.2)


def scroll_to(widget) -> None:  # type: ignore[no-untyped-def]
    """Scroll the report form so that this field is in view, as the user would with the wheel."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget, 10, 10)
    process(0.5)


def answer_next_question(button: str = "Yes") -> list[BaseException]:
    """When the next modal QMessageBox opens (« Fermer l'examen ? »), press ``button`` in it, from a
    timer as :func:`answer_next_input_dialog` does; an error goes into the returned list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    errors: list[BaseException] = []

    def attempt(tries: int = 0) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries < 500:
                QTimer.singleShot(20, lambda: attempt(tries + 1))
            else:
                errors.append(ScreenshotError("the expected question did not open"))
            return
        box.button(getattr(QMessageBox.StandardButton, button)).click()

    QTimer.singleShot(0, attempt)
    return errors


def back_to_worklist(window) -> None:  # type: ignore[no-untyped-def]
    """« Retour à la liste »: the study closes and the worklist comes back; an edited unsigned draft
    is abandoned on purpose (the radiologist answers « Oui » to « Fermer l'examen ? »)."""
    page = window.reading_page
    editor = page.editor
    asks = editor is not None and editor.isEnabled() and editor.is_modified()
    errors = answer_next_question("Yes") if asks else []
    click(page.close_button)
    raise_first(errors)
    wait_until(lambda: window.pages.currentWidget() is window.worklist_page, 10, "back to the worklist")


def reading(stage: Stage) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTabWidget

    from reporting.model import Chapter
    from teleplatform.demo import cases
    from viewer.qt.viewport import Tool

    window, camera = stage.window, stage.camera
    open_exam(window, cases.CT_TAP_CASE.placer_order_number)
    page = window.reading_page
    if "Identité vérifiée" not in page.check_label.text():
        raise ScreenshotError(f"identity check of the CT case: {page.check_label.text()!r}")
    viewer, editor = page.viewer, page.editor
    page.splitter.setSizes([1100, 800])  # as a user drags it: room for the report beside the images
    process(0.5)
    # the portal series, on the slice through the collection of the gallbladder bed (the demo case)
    axial = next((i for i, s in enumerate(viewer.series()) if s.shape[0] > 20), 0)
    viewer.show_series(axial)
    view = viewer.active_viewport.view
    series = view.series
    view.set_index(next(i for i in range(series.shape[0]) if series.image_number(i) == COLLECTION_IMAGE))
    process(0.5)

    results = editor.chapter_edit(Chapter.RESULTS)
    results.setFocus()
    results.moveCursor(QTextCursor.MoveOperation.End)
    results.insertPlainText("Collection de la loge vésiculaire à paroi rehaussée, avec une bulle gazeuse, ")
    viewport = viewer.active_viewport
    viewer.set_tool(Tool.LENGTH)
    size = (viewport.width(), viewport.height())
    a, b = (QPoint(*map(round, view.image_to_display(c, r, size))) for c, r in COLLECTION_AXIS)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    wait_until(lambda: "Longueur : " in results.toPlainText(), 10, "the measurement in the report")
    results.moveCursor(QTextCursor.MoveOperation.End)
    results.insertPlainText(".")
    paste(editor.chapter_edit(Chapter.TECHNIQUE), TECHNIQUE)
    pick(editor, "resultats-peritoine", "collection péritonéale")
    results.setFocus()  # the form follows the focus: back to the results and their measurement
    process(0.3)
    scroll_to(results)
    camera.screen(window, "10-lecture")

    # the pre-sign checks: the conclusion is still empty
    editor.chapter_edit(Chapter.CONCLUSION).clear()
    editor.request_signature()
    process(0.5)
    camera.widget(editor, "11-verifications-avant-signature")

    # an urgent finding phoned to the requester: who, how and when go into the report
    recipient = editor.findChild(QLineEdit, "urgence-destinataire")
    scroll_to(recipient)
    recipient.setText(URGENT_RECIPIENT)
    click(editor.findChild(QPushButton, "noter-urgence"))
    noted = editor.findChild(QLabel, "urgence-notee")
    wait_until(lambda: URGENT_RECIPIENT in noted.text(), 5, "the urgent communication noted")
    scroll_to(noted)
    camera.widget(editor, "12-resultat-urgent")

    # the document as it will be sent (the CDA's human-readable part)
    paste(editor.chapter_edit(Chapter.CONCLUSION), CONCLUSION)
    tabs = editor.findChild(QTabWidget)
    tabs.setCurrentIndex(1)
    process(1.0)
    camera.widget(editor, "13-apercu-du-document")
    tabs.setCurrentIndex(0)

    # MPR with the 3D view (VTK): only the X screen shows it
    viewer.toggle_mpr()
    process(1.0)
    viewer.toggle_3d()
    process(3.0)
    camera.screen(window, "15-lecture-mpr-3d")
    viewer.toggle_3d()
    viewer.toggle_mpr()
    process(0.5)

    back_to_worklist(window)  # the unsigned draft is abandoned; the exam is read again later


def prior(stage: Stage) -> None:
    """The head CT of tonight beside the same patient's head CT of last year (the demo's prior)."""
    from teleplatform.demo import cases

    window, camera = stage.window, stage.camera
    open_exam(window, cases.CT_HEAD_CASE.placer_order_number)
    page = window.reading_page
    wait_until(page.priors.isVisible, 30, "the prior studies found on the platform")
    process(0.5)
    if page.prior_viewer is None and page.compare_button.isEnabled():  # the hanging protocol opens it
        click(page.compare_button)
    wait_until(lambda: page.prior_viewer is not None and bool(page.prior_viewer.series()), 120,
               "the prior study retrieved")
    wait_until(lambda: page.prior_viewer.viewports[0].view is not None, 60, "the prior study shown")
    for viewer in (page.viewer, page.prior_viewer):  # both on the slice through the lateral ventricles
        view = viewer.active_viewport.view
        view.set_index(int(view.series.shape[0] * 0.6))
    process(1.5)
    camera.screen(window, "14-anterieur-cote-a-cote")
    back_to_worklist(window)


def identity_mismatch(stage: Stage) -> None:
    from teleplatform.demo import cases

    window, camera = stage.window, stage.camera
    open_exam(window, cases.MISMATCH_CASE.placer_order_number)
    page = window.reading_page
    if "Discordance d'identité" not in page.check_label.text():
        raise ScreenshotError(f"no identity mismatch shown: {page.check_label.text()!r}")
    if page.sign_button.isEnabled():
        raise ScreenshotError("the signature is possible despite the identity mismatch")
    camera.screen(window, "16-identite-discordance")
    errors = answer_next_input_dialog(
        IDENTITY_CONFIRMATION, lambda dialog: camera.widget(dialog, "17-identite-confirmee-par-le-site")
    )
    click(page.confirm_button)
    raise_first(errors)
    wait_until(lambda: "Identité vérifiée" in page.check_label.text(), 10, "the identity confirmed")
    back_to_worklist(window)


def lock(stage: Stage) -> None:
    from PySide6.QtTest import QTest

    from auth.session import SessionState

    window, camera, ws = stage.window, stage.camera, stage.ws
    stage.clock.offset += ws.settings.idle_lock_minutes * 60 + 1
    window._tick()  # the window's one-second timer, without waiting for it
    wait_until(lambda: window.pages.currentWidget() is window.lock_screen, 5, "the lock screen")
    camera.widget(window, "18-verrouillage")
    QTest.keyClicks(window.lock_screen.password, stage.platform.account["password"])
    click(window.lock_screen.unlock_button)
    wait_until(lambda: ws.session.state is SessionState.ACTIVE, 20, "the session unlocked")
    wait_until(lambda: window.pages.currentWidget() is window.worklist_page, 5, "the worklist back")


def first_start(settings, camera: Camera) -> None:  # type: ignore[no-untyped-def]
    """The settings dialog the workstation shows at its first start (no settings file yet)."""
    from workstation.qt.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings, first_run=True)
    dialog.show()
    camera.widget(dialog, "00a-parametres-premier-demarrage")
    dialog.reject()
    dialog.deleteLater()


def diagnostics(stage: Stage) -> None:
    """Aide › Diagnostic du poste: the self-test's checks in a dialog."""
    from PySide6.QtWidgets import QDialog

    window = stage.window
    window.show_diagnostics()
    process(0.2)
    dialog = next(
        (d for d in window.findChildren(QDialog) if d.objectName() == "diagnosticsDialog" and d.isVisible()),
        None,
    )
    if dialog is None:
        raise ScreenshotError("the diagnostics dialog did not open")
    wait_until(lambda: dialog.report is not None, 120, "the diagnostics checks")
    process(0.5)
    stage.camera.widget(dialog, "00b-diagnostic-du-poste")
    dialog.close()
    dialog.deleteLater()


def shortcuts(stage: Stage) -> None:
    """F1: the window's shortcuts and every key and mouse binding of the viewer (a non-modal window)."""
    panel = stage.window.show_shortcuts()
    process(0.3)
    if panel is None or not panel.isVisible():
        raise ScreenshotError("the keyboard shortcuts panel did not open")
    stage.camera.widget(panel, "19-raccourcis")
    panel.close()  # deleted on close
    process()


def degraded(stage: Stage) -> None:
    from reporting.model import Chapter
    from teleplatform.demo import cases

    window, camera, ws = stage.window, stage.camera, stage.ws
    order_id = cases.CT_TAP_CASE.placer_order_number
    study_uid = window.model.row_at(_row_index(window, order_id)).entry.study_instance_uid

    def cached() -> bool:
        study = ws.cache.get(study_uid)
        return bool(study and study.complete)

    wait_until(cached, 180, "the CT kept in the encrypted cache for offline reading")
    stage.relay.down()  # the platform goes away in the middle of the night
    window.refresh()
    wait_until(window.degraded_banner.isVisible, 30, "the degraded-mode banner")
    window.table.selectRow(_row_index(window, order_id))
    camera.widget(window, "20-mode-degrade")

    open_exam(window, order_id)
    page = window.reading_page
    if page.case is None or not page.case.from_cache:
        raise ScreenshotError("the study did not open from the cache")
    paste(page.editor.chapter_edit(Chapter.TECHNIQUE), TECHNIQUE)
    paste(page.editor.chapter_edit(Chapter.RESULTS), RESULTS)
    pick(page.editor, "resultats-peritoine", "collection péritonéale")
    conclusion = page.editor.chapter_edit(Chapter.CONCLUSION)
    paste(conclusion, CONCLUSION)
    scroll_to(conclusion)
    wait_until(lambda: not page.editor.issues(), 5, "the pre-sign checks satisfied")
    process(0.5)
    camera.screen(window, "21-lecture-hors-ligne")
    errors = answer_next_input_dialog(
        stage.platform.account["password"], lambda dialog: camera.widget(dialog, "22-signature")
    )
    click(page.sign_button)
    raise_first(errors)
    wait_until(lambda: window.pages.currentWidget() is window.worklist_page, 30, "the report signed offline")
    wait_until(lambda: "1 message en attente" in window.degraded_banner.text(), 10, "the queued report")
    camera.widget(window, "23-mode-degrade-envoi-en-attente")

    stage.relay.up()  # the platform is back: the report leaves, once
    wait_until(lambda: ws.outbox.store.counts().delivered >= 2, 60, "the report delivered on return")
    wait_until(lambda: not window.degraded_banner.isVisible(), 30, "the banner gone")
    window.scope.setCurrentIndex(window.scope.findText("Tous"))
    wait_until(lambda: "transmis" in window.model.row_at(window.model.row_of(order_id)).status_label,
               30, "the report shown as transmitted")
    window.table.selectRow(_row_index(window, order_id))
    process(0.3)
    bar = window.detail.verticalScrollBar()  # the order's history, at the end of its text
    bar.setValue(bar.maximum())
    camera.widget(window, "24-cr-transmis")


@contextlib.contextmanager
def night(out: Path, data: Path) -> Iterator[Stage]:
    from PySide6.QtWidgets import QApplication

    from auth.keystore import KeyStore, VolatileKeyring
    from teleplatform.relay import FaultProxy
    from viewer.loader import StudyLoader
    from workstation.app import Workstation
    from workstation.qt import theme
    from workstation.settings import Settings

    with tempfile.TemporaryDirectory(prefix="tlr-screenshots-") as scratch:
        work = Path(scratch)
        platform = start_platform(private_copy(data, work / "platform"), work / "platform.log")
        relay = FaultProxy(int(platform.base_url.rsplit(":", 1)[1]))
        app = QApplication.instance() or QApplication([sys.argv[0]])
        app.setApplicationName("Téléradiologie")
        app.setOrganizationName("teleradiologie-captures")
        theme.apply(app)
        clock = OffsetClock()
        settings = Settings(platform_url=relay.url, ca_file=platform.ca_path, cache_dir=work / "cache")
        keystore = KeyStore(VolatileKeyring())
        ws = Workstation(settings, keystore=keystore, data_dir=work / "ws", clock=clock)
        ws.connectivity._degraded_interval = 0.5  # the heartbeat's pace while degraded: seconds, not minutes
        loader = StudyLoader(workers=2)
        stage = Stage(ws, None, platform, relay, clock, Camera(out), loader, keystore, work / "ws")
        try:
            first_start(settings, stage.camera)
            login(ws, platform.account, stage.camera, shots=True)
            stage.window = main_window(ws, loader)
            yield stage
        finally:
            if stage.window is not None:
                stage.window.close()
                process(0.2)
            stage.ws.close()
            loader.close()
            relay.down()
            platform.stop()


def main_window(ws, loader):  # type: ignore[no-untyped-def]
    """The main window at the reading-room size, started as after a login, worklist shown."""
    from workstation.qt.main_window import MainWindow

    window = MainWindow(ws, loader)
    window.resize(*WINDOW_SIZE)
    window.move(0, 0)
    window.show()
    window.start()
    wait_until(lambda: window.model.rowCount() > 0, 30, "the worklist")
    process(0.5)
    return window


def offline_restart(stage: Stage) -> None:
    """The workstation quits (an exit, not a logout) and restarts while the platform is down: the
    password and an offline restart code (issued before, « Codes de reprise hors ligne… ») reopen the
    session within 12 h of the two-factor login, on the studies of the cache."""
    from workstation.app import Workstation

    codes = stage.ws.issue_offline_codes()
    stage.window.close()
    stage.window = None
    process(0.2)
    settings = stage.ws.settings
    stage.ws.close()
    stage.relay.down()
    ws = Workstation(settings, keystore=stage.keystore, data_dir=stage.data_dir, clock=stage.clock)
    stage.ws = ws
    ws.connectivity._degraded_interval = 0.5
    login(ws, stage.platform.account, stage.camera, shots=False, code=codes[0])
    window = main_window(ws, stage.loader)
    stage.window = window
    wait_until(window.degraded_banner.isVisible, 30, "the degraded-mode banner after the restart")
    wait_until(lambda: "conservés" in window.updated_label.text(), 10, "the list of the cached studies")
    window.table.selectRow(0)
    stage.camera.widget(window, "25-redemarrage-hors-ligne")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Régénère les captures d'écran du guide utilisateur.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "guide" / "img")
    parser.add_argument("--data", type=Path, default=ROOT / ".demo-data",
                        help="données de démonstration (générées si absentes ; celles de « make demo »)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("dicomweb_client", "workstation.cache.prefetch"):  # one line per DICOM instance
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not os.environ.get("DISPLAY"):
        print("Aucun affichage X (DISPLAY) : lancez le script sous xvfb-run.", file=sys.stderr)
        return 1

    # a French workstation: the times on screen are Paris times, whatever this machine's zone
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    # a throw-away profile for the settings, journal, outbox and cache of the workstation
    profile = Path(tempfile.mkdtemp(prefix="tlr-screenshots-profile-"))
    for name in ("DATA", "CONFIG", "CACHE"):
        (profile / name.lower()).mkdir()
        os.environ[f"XDG_{name}_HOME"] = str(profile / name.lower())

    from teleplatform.demo.datadir import generate

    data = args.data.resolve()
    if generate(data):
        for stale in (data / "state").glob("platform.sqlite*"):
            stale.unlink()  # as make demo does: the demo's own database must match the new orders
        log.info("demo data generated in %s", data)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    steps = (worklist, justification, reading, prior, identity_mismatch, lock, shortcuts, diagnostics,
             degraded, offline_restart)
    try:
        with night(out, data) as stage:
            for step in steps:
                log.info("screen: %s", step.__name__)
                step(stage)
            written = stage.camera.written
    except ScreenshotError as exc:
        print(f"Capture impossible : {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{len(written)} captures écrites dans {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
