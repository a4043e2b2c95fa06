"""The reading screen: the viewer and the report side by side, the patient's identity always on top.

Identity vigilance comes first: while the identity of the order and of the images disagree, the
report cannot be edited; the radiologist either records that the site confirmed the identity (an
incident that goes into the report) or refuses the exam. Signing asks for the password again,
checked by the platform, at most every 15 minutes of one unlocked session, and otherwise for a
one-key confirmation naming the patient and the exam (:mod:`auth.signing` says why), then commits
the report to the outbox: it is never lost, even if the platform is down at that moment.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from auth.session import UnlockRejected
from auth.signing import PasswordRequired, SignatureConfirmation
from reporting.checks import SignatureRefused
from reporting.measurements import measurement_text
from reporting.model import PrognosisAnnouncement, Report
from reporting.qt.editor import ReportEditor
from reporting.templates import template_for_order, template_for_report
from resources.translations import qt as language
from resources.translations.qt import user_message
from viewer.loader import StudyLoader
from viewer.measure import Measurement
from viewer.qt.viewer_widget import ViewerWidget
from workstation.app import Workstation, patient_id
from workstation.key_objects import sign_with_key_images
from workstation.measurements import headers_by_instance, report_measurement, with_measurement_report
from workstation.order_view import identity_line
from workstation.priors import OpenedPrior, Prior, PriorsError, find_priors_everywhere, open_prior
from workstation.qt import complementary_dialog, theme
from workstation.qt.announcement_dialog import AnnouncementDialog
from workstation.qt.comparison import ReadingComparison
from workstation.qt.signature_box import open_signature_box
from workstation.qt.tasks import Tasks
from workstation.reading import (
    ReadingCase,
    confirm_identity,
    dicom_patient_id,
    needs_provisional_identity,
    open_case,
    record_identity_override,
    with_provisional_identity,
)
from workstation.worklist import WorklistRow

log = logging.getLogger(__name__)

# Below this width (logical pixels) the report is a drawer beside the images, opened and closed by a
# button of the top row, rather than a fixed column that would leave the images a strip (issue 21).
COMPACT_WIDTH = 1500


class ReadingPage(QWidget):
    closed = Signal(str)  # order id
    signed = Signal(str)  # order id
    reportQueued = Signal(str, str)  # order id, the report's MSH-10 in the outbox (for the toast)
    refuseRequested = Signal(str)  # order id: refuse after reading (images inappropriate…)
    expertiseRequested = Signal(str)  # order id: ask a remote expert (téléexpertise, issue 20)

    def __init__(
        self, ws: Workstation, loader: StudyLoader, tasks: Tasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.tasks = tasks
        self.case: ReadingCase | None = None
        self.row: WorklistRow | None = None
        self.setObjectName("readingPage")

        self.identity = QLabel()
        self.identity.setObjectName("readingIdentity")
        self.identity.setStyleSheet(
            f"font-size: {theme.points(13)}pt; font-weight: 600; color: {theme.COLOURS.text};"
        )
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity.setWordWrap(True)  # wrapped, never cut, and never widening the window
        self.identity.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.identity.setMinimumWidth(200)
        self.displays: object | None = None  # workstation.qt.display.Displays, set by the main window
        self.layout_mode = "wide"  # "wide", "compact" (report as a drawer) — see _adapt_layout
        self.check_label = QLabel()
        self.check_label.setObjectName("identityCheck")
        self.check_label.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("Identité confirmée par le site…"))
        self.confirm_button.setObjectName("confirmIdentity")
        self.provisional_button = QPushButton(self.tr("Identité provisoire : signer avec la mention…"))
        self.provisional_button.setObjectName("provisionalIdentity")
        self.provisional_button.hide()
        self.refuse_button = QPushButton(self.tr("Refuser l'examen…"))
        self.refuse_button.setToolTip(
            self.tr("Refuser après lecture (images inadaptées, qualité insuffisante…)")
        )
        self.sign_button = QPushButton(self.tr("Signer et envoyer"))
        self.sign_button.setObjectName("signButton")
        self.sign_button.setToolTip(self.tr("Contrôler, signer et envoyer le compte rendu (Ctrl+Entrée)"))
        self.priors = QComboBox()
        self.priors.setObjectName("priorsCombo")
        self.priors.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.priors.setMinimumContentsLength(24)
        self.priors.setToolTip(self.tr("Examens antérieurs du même patient sur la plateforme"))
        self.priors.hide()
        self.compare_button = QPushButton(self.tr("Comparer"))
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setToolTip(
            self.tr("Afficher l'examen antérieur choisi à côté de l'examen du jour")
        )
        self.compare_button.hide()
        self.prior_viewer: ViewerWidget | None = None
        self._prior_folder: Path | None = None
        self._found_priors: list[Prior] = []
        self._opened_priors: list[OpenedPrior] = []  # closed with the case (RAM or disk)
        # short labels, the whole action in the tooltip: the bar must fit a 1366-pixel screen
        self.expertise_button = QPushButton(self.tr("Téléexpertise…"))
        self.expertise_button.setObjectName("expertiseButton")
        self.expertise_button.setToolTip(self.tr("Demander un avis à un confrère (téléexpertise)"))
        self.complementary_button = QPushButton(self.tr("Images complémentaires…"))
        self.complementary_button.setObjectName("complementaryButton")
        self.complementary_button.setToolTip(self.tr("Demander des images complémentaires au site"))
        self.announcement_button = QPushButton(self.tr("Annonce…"))
        self.announcement_button.setObjectName("announcementButton")
        self.announcement_button.setToolTip(
            self.tr("Annonce d'un pronostic grave : noter comment le demandeur en a été informé")
        )
        self._announcement: PrognosisAnnouncement | None = None  # put in the report at signing
        self.case_extras = QVBoxLayout()  # the case's téléexpertise answers (qt.expertise_dialogs)
        self.close_button = QPushButton(self.tr("Retour à la liste"))
        self.close_button.setToolTip(
            self.tr("Fermer l'examen ; le brouillon non signé est abandonné (Ctrl+W)")
        )
        self.progress = QProgressBar()
        self.progress.setFixedHeight(6)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("countLabel")

        self.report_button = QPushButton(self.tr("Compte rendu"))
        self.report_button.setObjectName("reportDrawerButton")
        self.report_button.setCheckable(True)
        self.report_button.setChecked(True)
        self.report_button.setToolTip(self.tr("Afficher ou masquer le compte rendu à côté des images (F9)"))
        self.report_button.setShortcut("F9")
        self.report_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.identity, 1)
        top.addWidget(self.report_button)
        top.addWidget(self.close_button)
        top.addWidget(self.expertise_button)
        top.addWidget(self.complementary_button)
        top.addWidget(self.announcement_button)
        top.addWidget(self.refuse_button)
        top.addWidget(self.sign_button)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_label, 1)
        check_row.addWidget(self.confirm_button)
        check_row.addWidget(self.provisional_button)
        check_row.addWidget(self.priors)
        check_row.addWidget(self.compare_button)

        self.viewer = ViewerWidget(loader)
        self._viewer_window: QWidget | None = None
        self.editor_holder = QWidget()
        self.editor_layout = QVBoxLayout(self.editor_holder)
        self.editor_layout.setContentsMargins(0, 0, 0, 0)
        self.editor: ReportEditor | None = None
        # the images (today's, and the prior's when comparing: side by side or one above the other,
        # whichever gives each the bigger square) beside the report
        self.images = QSplitter(Qt.Orientation.Horizontal)
        self.images.setObjectName("imagesSplitter")
        self.images.setChildrenCollapsible(False)
        self.images.addWidget(self.viewer)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.images)
        self.splitter.addWidget(self.editor_holder)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1000, 640])  # the report needs room to be read, not only the images
        self.splitter.setChildrenCollapsible(False)
        self._adapt_timer = QTimer(self)
        self._adapt_timer.setSingleShot(True)
        self._adapt_timer.setInterval(0)
        self._adapt_timer.timeout.connect(self._adapt_layout)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(check_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(self.case_extras)
        layout.addWidget(self.splitter, 1)

        self.close_button.clicked.connect(self.request_close)
        self.sign_button.clicked.connect(self.request_signature)
        self.confirm_button.clicked.connect(self._confirm_identity)
        self.provisional_button.clicked.connect(self._sign_on_provisional_identity)
        self.refuse_button.clicked.connect(lambda: self.row and self.refuseRequested.emit(self.row.order_id))
        self.expertise_button.clicked.connect(
            lambda: self.row and self.expertiseRequested.emit(self.row.order_id)
        )
        self.complementary_button.clicked.connect(self.ask_complementary_images)
        self.announcement_button.clicked.connect(self.record_announcement)
        self.viewer.measurementAdded.connect(self._measurement)
        self.compare_button.clicked.connect(self.compare_prior)
        self.report_button.toggled.connect(lambda _: self._adapt_layout())
        self._loader = loader
        self._signature: SignatureConfirmation | None = None  # the signature window (auth.signing)
        self.signature_box: QMessageBox | None = None  # the quick confirmation while it is shown
        self.comparison = ReadingComparison(self)  # protocols, prior link, key images, GSPS (issue 19)
        check_row.addWidget(self.comparison.bar)

    # --- layout that adapts to the screen (issue 21) ----------------------------------------------------

    def report_width(self) -> int:
        """The width the report needs to be read and written without a horizontal scroll bar."""
        if self.editor is None:
            return 0
        scroll = getattr(self.editor, "_scroll", None) or self.editor.findChild(QScrollArea)
        needed = self.editor.minimumSizeHint().width()
        if scroll is not None and scroll.widget() is not None:
            content = scroll.widget().minimumSizeHint().width()
            frame = 2 * scroll.frameWidth() + scroll.verticalScrollBar().sizeHint().width() + 4
            outside = self.editor.width() - scroll.viewport().width() - frame if self.editor.width() else 0
            needed = max(needed, content + frame + max(0, outside))
        return needed

    def _adapt_layout(self) -> None:
        """Pick the layout from the room available: the report as a column (wide) or as a drawer the
        top row's « Compte rendu » button opens and closes (compact); the images of today and of the
        prior side by side or one above the other. The sign button stays in the top row, always."""
        width = self.width()
        compact = width < COMPACT_WIDTH
        self.layout_mode = "compact" if compact else "wide"
        self.report_button.setVisible(compact and self.editor is not None)
        drawer_open = not compact or self.report_button.isChecked()
        self.splitter.setChildrenCollapsible(compact)
        self.splitter.setCollapsible(0, False)
        needed = self.report_width()
        self.editor_holder.setMinimumWidth(needed if drawer_open and needed else 0)
        total = max(1, sum(self.splitter.sizes()) or self.splitter.width())
        sizes = self.splitter.sizes()
        if self.editor is not None and not self.detached:
            if not drawer_open:
                self.splitter.setSizes([total, 0])
            elif len(sizes) > 1 and (sizes[1] < needed or sizes[1] == 0):
                self.splitter.setSizes([max(1, total - needed), needed])
        self._orient_images()

    def _orient_images(self) -> None:
        """Side by side or one above the other: whichever gives each viewer the bigger square cell."""
        if self.prior_viewer is None or self.prior_viewer.parent() is not self.images:
            return
        w, h = self.images.width(), self.images.height()
        side_by_side = min(w / 2, h)
        stacked = min(w, h / 2)
        wanted = Qt.Orientation.Horizontal if side_by_side >= stacked else Qt.Orientation.Vertical
        if self.images.orientation() != wanted:
            self.images.setOrientation(wanted)
            span = w if wanted == Qt.Orientation.Horizontal else h
            self.images.setSizes([span // 2, span - span // 2])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._adapt_timer.start()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._adapt_timer.start()
        self._follow_screens()

    def _follow_screens(self) -> None:
        """The GSDF calibration of the screen each viewer is on (issue 21)."""
        displays = self.displays
        if displays is None:
            return
        for viewer in (self.viewer, self.prior_viewer):
            if viewer is not None:
                displays.follow(viewer)  # type: ignore[attr-defined]

    def exam_label(self) -> str:
        """The exam being read, as the signature dialog names it."""
        order = self.row.order if self.row is not None else None
        if order is None:
            return self.row.order_id if self.row is not None else ""
        parts = []
        if order.modality is not None:
            parts.append(order.modality.label or order.modality.code)
        regions = ", ".join(language.text(r.label) for r in order.regions)
        if regions:
            parts.append(regions)
        parts.append(self.tr("demande n° {number}").format(number=order.placer_order_number))
        return " — ".join(parts)

    # --- screens -----------------------------------------------------------------------------------

    @property
    def detached(self) -> bool:
        return self._viewer_window is not None

    def toggle_detached(self) -> None:
        """Put the viewer on its own window, on the diagnostic screen when there is a second one,
        and back beside the report."""
        if self._viewer_window is None:
            window = QWidget(None, Qt.WindowType.Window)
            window.setWindowTitle(
                self.tr("{identity} — visionneuse — Téléradiologie").format(identity=self.identity.text())
                if self.identity.text()
                else self.tr("Téléradiologie — visionneuse")
            )
            window.setObjectName("viewerWindow")
            layout = QVBoxLayout(window)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self.viewer)  # reparented: leaves the splitter
            screens = QGuiApplication.screens()
            here = self.screen()
            target = next((s for s in screens if s is not here), here)
            window.setGeometry(target.availableGeometry())
            self._viewer_window = window
            window.show()
            self._follow_screens()
        else:
            self.images.insertWidget(0, self.viewer)
            self._viewer_window.close()
            self._viewer_window.deleteLater()
            self._viewer_window = None
            self.splitter.setSizes([1000, 640])
            self._adapt_layout()
            self._follow_screens()

    def set_privacy(self, hidden: bool) -> None:
        """The lock hides the detached viewer too: it shows a patient on another screen. A signature
        confirmation left open goes (unanswered: nothing is signed; the lock closed the window)."""
        if self._viewer_window is not None:
            self._viewer_window.setVisible(not hidden)
        if hidden and self.signature_box is not None:
            self.signature_box.reject()

    # --- opening -----------------------------------------------------------------------------------

    def open(self, row: WorklistRow) -> None:
        """Retrieve the study (in a worker) and show it; the identity is on screen from the start."""
        self.close_case(emit=False)
        self.row = row
        self.identity.setText(identity_line(row.order, datetime.now().date(), language.text))
        self.check_label.setText(self.tr("Récupération des images…"))
        self.check_label.setStyleSheet("")
        self.confirm_button.hide()
        self.sign_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        relay = _ProgressRelay(self)
        self.tasks.run(
            lambda: open_case(self.ws, row, relay.report),
            self._opened,
            self._failed,
        )

    def _opened(self, case: ReadingCase) -> None:
        if self.row is None or case.row.order_id != self.row.order_id:  # closed or replaced meanwhile
            case.close()
            return
        self.case = case
        self.progress.setVisible(case.stream is not None and not case.stream.complete)  # still arriving
        self.status.setText(
            self.tr("%n image(s) lue(s) dans le cache chiffré du poste", "", len(case.files))
            if case.from_cache
            else self.tr("%n image(s) reçue(s) de la plateforme", "", len(case.files))
        )
        if case.stream is not None and not case.stream.complete:  # the rest still arriving (issue 24)
            self.status.setText(self.tr("Récupération des images : {done}/{total}").format(
                done=case.stream.done_count, total=case.stream.total))
        if case.row.entry.acquiring:  # before the site's flux 4: what has arrived so far (issue 23)
            received = self.tr(
                "Acquisition en cours : %n image(s) déjà reçue(s) ; rouvrez l'examen pour les suivantes.",
                "",
                len(case.files),
            )
            self.status.setText(received)
        self.viewer.open_study(case.images, self.identity.text())  # type: ignore[arg-type]  # streamed
        report = case.draft.report
        # before the site's flux 4 the draft has no act yet: the order (modality, region) chooses then
        template = template_for_report(report) or template_for_order(case.order, case.complement)
        editor = ReportEditor(report, template)
        editor.setObjectName("reportEditor")
        editor.signRequested.connect(self._sign)
        self.editor = editor
        self.editor_layout.addWidget(editor)
        self._show_identity()
        self._adapt_layout()
        self._follow_screens()
        self._look_for_priors(case)
        self.comparison.case_opened(case)

    def record_announcement(self) -> None:
        """« Annonce d'un pronostic grave… »: kept for the report signed next (issue 23, item 8)."""
        case = self.case
        if case is None:
            return
        requester = case.draft.report.participants.requester
        dialog = AnnouncementDialog(requester.display_name if requester else "", self._announcement, self)
        if dialog.exec() and dialog.announcement is not None:
            self._announcement = dialog.announcement
            self.announcement_button.setText(self.tr("Annonce (notée)…"))

    def ask_complementary_images(self) -> None:
        """« Demander des images complémentaires… » (workstation.complementary), traced and shown."""
        row = self.case.row if self.case is not None else self.row
        if row is None:
            return
        request_id = complementary_dialog.ask(self.ws, row, self)
        if request_id:
            sent = self.tr("Images complémentaires demandées au site ({request}) ; le dossier les attend.")
            self.status.setText(sent.format(request=request_id))

    # --- priors ------------------------------------------------------------------------------------

    @property
    def found_priors(self) -> list[Prior]:
        """The priors found for the case being read (offered as attachments of a téléexpertise)."""
        return list(self._found_priors)

    def _look_for_priors(self, case: ReadingCase) -> None:
        patient = dicom_patient_id(case.scan)
        study = case.row.entry.study_instance_uid or ""
        if not patient:
            return

        def found(priors: list[Prior]) -> None:
            if self.case is not case:
                return
            self._found_priors = priors
            self.priors.clear()
            for prior in priors:
                self.priors.addItem(
                    self.tr("Antérieur : {prior}").format(prior=language.text(prior.label)),
                    prior.study_instance_uid,
                )
            self.priors.setVisible(bool(priors))
            self.compare_button.setVisible(bool(priors))
            self.comparison.priors_found(priors)
            for problem in getattr(priors, "problems", []):  # a source down while the others answered
                failed(PriorsError("priors: a source failed", problem))

        def failed(exc: BaseException) -> None:
            message = user_message(exc, self.tr("Examens antérieurs indisponibles."))
            if not hasattr(exc, "user_message"):
                log.error("priors lookup failed", exc_info=exc)
            self.status.setText(
                self.tr("{status} — antérieurs : {message}").format(
                    status=self.status.text(), message=message
                )
            )

        order = case.order  # the platform, and the PACS of the site that sent the order
        self.tasks.run(
            lambda: find_priors_everywhere(
                self.ws, patient, study, order.sender_application or "", order.sender_facility or ""
            ),
            found,
            failed,
        )

    def compare_prior(self) -> None:
        case = self.case
        prior = next(
            (p for p in self._found_priors if p.study_instance_uid == self.priors.currentData()), None
        )
        if case is None or prior is None:
            return
        if self._prior_folder is None:
            self._prior_folder = Path(tempfile.mkdtemp(prefix="anterieur-"))
            self._prior_folder.chmod(0o700)
        folder = self._prior_folder
        self.compare_button.setEnabled(False)
        self.status.setText(
            self.tr("Récupération de l'antérieur du {date}…").format(
                date=language.text(prior.label).split(" — ")[0]
            )
        )

        def work() -> OpenedPrior:  # from the platform or a PACS (then through the encrypted cache)
            return open_prior(self.ws, prior, folder, audit_patient_id=patient_id(case.row))

        def done(opened: OpenedPrior) -> None:
            self.compare_button.setEnabled(True)
            self._opened_priors.append(opened)
            if self.case is not case:
                return
            files = opened.files
            self.show_prior(prior, opened.directory)
            self.comparison.prior_opened(self.prior_viewer, opened.directory)
            self.status.setText(
                self.tr("Antérieur affiché : {prior} ({images})").format(
                    prior=language.text(prior.label), images=self.tr("%n image(s)", "", len(files))
                )
            )

        def failed(exc: BaseException) -> None:
            self.compare_button.setEnabled(True)
            self.status.setText(user_message(exc, self.tr("L'examen antérieur n'a pas pu être récupéré.")))

        self.tasks.run(work, done, failed)

    def show_prior(self, prior: Prior, folder: Path) -> None:
        """The prior's images beside (or under) today's; its banner names the patient first, the
        prior exam on a second line that is shortened first when the viewer is narrow."""
        if self.prior_viewer is None:
            self.prior_viewer = ViewerWidget(self._loader)
            self.prior_viewer.setObjectName("priorViewer")
            self.images.addWidget(self.prior_viewer)
            self._orient_images()
            span = self.images.width() if self.images.orientation() == Qt.Orientation.Horizontal else (
                self.images.height()
            )
            self.images.setSizes([span // 2, span - span // 2])
            self._follow_screens()
        self.prior_viewer.open_study(
            [str(folder)],
            self.tr("{identity}\nANTÉRIEUR {prior}").format(
                prior=language.text(prior.label), identity=self.identity.text()
            ),
        )
        self._adapt_layout()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        message = user_message(exc, self.tr("L'examen n'a pas pu être ouvert."))
        if not hasattr(exc, "user_message"):
            log.error("opening the study failed", exc_info=exc)
        self.check_label.setText(message)
        self.check_label.setStyleSheet(f"color: {theme.COLOURS.urgent};")

    def _show_identity(self) -> None:
        case = self.case
        if case is None or self.editor is None:
            return
        check = case.identity
        if case.identity_blocked:
            detail = language.text(check.detail) if check else self.tr("non vérifiée")
            self.check_label.setText(
                self.tr(
                    "⚠ Discordance d'identité entre la demande et les images : {detail}. "
                    "La rédaction est bloquée : faites confirmer l'identité par le site, ou refusez l'examen."
                ).format(detail=detail)
            )
            self.check_label.setStyleSheet(
                f"color: {theme.COLOURS.urgent}; background: {theme.COLOURS.urgent_bg}; padding: 6px;"
            )
            self.confirm_button.show()
            self.editor.setEnabled(False)  # blocked, not signed: set_locked would say "signé"
            self.sign_button.setEnabled(False)
        else:
            self.check_label.setText(
                self.tr("✓ Identité vérifiée : {detail}").format(detail=language.text(check.detail))
                if check and check.detail
                else self.tr("✓ Identité vérifiée")
            )
            self.check_label.setStyleSheet(f"color: {theme.COLOURS.ok};")
            self.confirm_button.hide()
            self.editor.setEnabled(True)
            self.sign_button.setEnabled(True)
        self.provisional_button.setVisible(
            not case.identity_blocked and needs_provisional_identity(self.editor.report())
        )

    def _sign_on_provisional_identity(self) -> None:
        """No INS (an unknown emergency patient): signing is allowed with the report's mention, and
        audited; the addendum follows when the site sends the qualified identity (issue 23)."""
        if self.case is None or self.editor is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Identité provisoire"),
            self.tr(
                "Le site n'a transmis aucune INS pour ce patient. Le compte rendu sera signé sur "
                "l'identité provisoire, avec une mention explicite, et l'acte sera tracé. Continuer ?"
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        updated = with_provisional_identity(self.editor.report(), datetime.now().astimezone())
        self.editor.set_report(updated)
        self.case.draft = replace(self.case.draft, report=updated)
        self._show_identity()

    def _confirm_identity(self) -> None:
        if self.case is None or self.editor is None:
            return
        how, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Identité confirmée par le site"),
            self.tr(
                "Qui a confirmé l'identité, et comment (sera inscrit comme incident dans le compte rendu) :"
            ),
        )
        if not ok or len(how.strip()) < 5:
            return
        updated = confirm_identity(self.editor.report(), how, datetime.now().astimezone())
        record_identity_override(self.ws, self.case)
        self.editor.set_report(updated)
        self.case.draft = replace(self.case.draft, report=updated)
        self._show_identity()

    def _measurement(self, measurement: Measurement) -> None:
        if self.editor is None or self.case is None:
            return
        record = report_measurement(measurement, headers_by_instance(self.case.scan.items))
        if record is None:  # no millimetres to give (uncalibrated): its sentence says so, no record
            self.editor.insert_measurement(measurement.text_fr())
        else:
            self.editor.insert_measurement(measurement_text(record), record)

    # --- signing -----------------------------------------------------------------------------------

    def request_signature(self) -> None:
        if self.editor is not None and self.case is not None and not self.case.identity_blocked:
            self.editor.request_signature()

    @property
    def signature(self) -> SignatureConfirmation | None:
        """The session's signature window, made at the first signature (None without a session)."""
        session = getattr(self.ws, "session", None)
        if self._signature is None and session is not None:
            self._signature = SignatureConfirmation(session)
        return self._signature

    def _sign(self, report: object) -> None:
        case = self.case
        if case is None:
            return
        if self._announcement is not None and isinstance(report, Report):  # issue 23: the « annonce »
            report = replace(report, prognosis_announcement=self._announcement)
        window = self.signature
        if window is not None and not window.needs_password():
            self._confirm_quickly(case, report, window.remaining())
            return
        password, ok = QInputDialog.getText(
            self,
            self.tr("Signature du compte rendu"),
            self.tr(
                "Patient : {patient}\nExamen : {exam}\n\n"
                "Confirmez votre signature par votre mot de passe\n"
                "(vérifié par la plateforme, ou sur ce poste en mode dégradé) :"
            ).format(patient=self.identity.text(), exam=self.exam_label()),
            QLineEdit.EchoMode.Password,
        )
        if not ok or not password:
            return
        self._sign_confirmed(case, report, password)

    def _confirm_quickly(self, case: ReadingCase, report: object, remaining: float) -> None:
        """Inside the signature window: « Signer » is the default button, Enter signs, Escape does not.
        Opened window-modal and answered asynchronously, so nothing else waits on it."""
        def signed() -> None:
            if self.case is case:
                self._sign_confirmed(case, report, None)

        self.signature_box = open_signature_box(
            self,
            self.tr("Signature du compte rendu"),
            self.tr("Signer et envoyer le compte rendu ?\n\nPatient : {patient}\nExamen : {exam}").format(
                patient=self.identity.text(), exam=self.exam_label()
            ),
            remaining,
            signed,
        )
        self.signature_box.finished.connect(lambda _code: setattr(self, "signature_box", None))

    def _sign_confirmed(self, case: ReadingCase, report: object, password: str | None) -> None:
        """Check the confirmation (the password, or the window still open) and sign, in a worker."""
        window = self.signature
        self.sign_button.setEnabled(False)

        def work() -> object:
            try:  # by the platform, or offline in degraded mode (within 12 h of the strong login)
                if window is not None:
                    window.confirm(password)
                else:
                    self.ws.session.confirm_password(password or "")
            except UnlockRejected as exc:
                raise _SignatureError(
                    self.tr("Mot de passe incorrect : le compte rendu n'est pas signé.")
                ) from exc
            # the measurements' SR first, so that the report cites it (issue 16); never holds it back
            measured, problem = with_measurement_report(self.ws, case, report)  # type: ignore[arg-type]
            signed = sign_with_key_images(  # key images and measurements stored with the study (issue 19)
                self.ws, case, measured, self.comparison.key_images.items, self.comparison.measurements
            )
            if problem:
                log.warning("signed without the measurement SR")
                signed = replace(signed, problem=" ".join(p for p in (signed.problem, problem) if p))
            return signed

        def done(signed: object) -> None:
            if self.editor is not None:
                self.editor.set_locked(True)
            order_id = case.row.order_id
            item = getattr(signed, "item", None)
            self.signed.emit(order_id)
            if item is not None:
                self.reportQueued.emit(order_id, item.control_id)
            self.close_case()

        def failed(exc: BaseException) -> None:
            self.sign_button.setEnabled(True)
            if isinstance(exc, PasswordRequired):  # the window closed meanwhile: the password then
                if self.case is case:
                    self._sign(report)
                return
            if isinstance(exc, SignatureRefused):
                issues = "; ".join(language.text(i.message) for i in exc.issues)
                self.status.setText(self.tr("Signature refusée : {issues}").format(issues=issues))
                return
            if not getattr(exc, "user_message", ""):
                log.error("signing failed", exc_info=exc)
            message = user_message(exc, self.tr("La signature a échoué ; le brouillon est conservé."))
            self.status.setText(message)
            self.status.setStyleSheet(f"color: {theme.COLOURS.urgent};")

        self.tasks.run(work, done, failed)

    # --- closing -----------------------------------------------------------------------------------

    def request_close(self) -> bool:
        """« Retour à la liste » (or Ctrl+W) by the radiologist: an unsigned report edited since it was
        opened is abandoned only once they say so (the editor's undo stack is not at its clean state;
        undoing back to it needs no question). True when the case was closed."""
        if self.editor is not None and self.editor.isEnabled() and self.editor.is_modified():
            answer = QMessageBox.question(
                self,
                self.tr("Compte rendu non signé"),
                self.tr(
                    "Le compte rendu a été modifié et n'est pas signé : le brouillon sera abandonné. "
                    "Fermer l'examen ?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.close_case()
        return True

    def close_case(self, emit: bool = True) -> None:
        order_id = self.row.order_id if self.row else ""
        self._announcement = None  # belongs to the case being closed
        self.announcement_button.setText(self.tr("Annonce…"))
        self.comparison.reset()
        self.viewer.close_study()
        if self.prior_viewer is not None:
            self.prior_viewer.close_study()
            self.prior_viewer.setParent(None)
            self.prior_viewer.deleteLater()
            self.prior_viewer = None
        for opened in self._opened_priors:
            opened.close()
        self._opened_priors = []
        if self._prior_folder is not None:
            shutil.rmtree(self._prior_folder, ignore_errors=True)
            self._prior_folder = None
        self._found_priors = []
        self.priors.clear()
        self.priors.hide()
        self.compare_button.hide()
        if self.editor is not None:
            self.editor.setParent(None)
            self.editor.deleteLater()
            self.editor = None
        if self.case is not None:
            self.case.close()
            self.case = None
        self.row = None
        self.identity.clear()
        self.status.clear()
        self.status.setStyleSheet("")
        if emit and order_id:
            self.closed.emit(order_id)


class _SignatureError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class _ProgressRelay(QObject):
    """Retrieval progress from the worker thread to the progress bar (queued signal)."""

    progressed = Signal(int, int)

    def __init__(self, page: ReadingPage) -> None:
        super().__init__(page)
        self.progressed.connect(self._show)
        self._page = page

    def report(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def _show(self, done: int, total: int) -> None:
        self._page.progress.setRange(0, total)
        self._page.progress.setValue(done)
        if done >= total and self._page.case is not None:  # the last streamed image came (issue 24)
            self._page.progress.hide()
            self._page.status.setText(self.tr("%n image(s) reçue(s) de la plateforme", "", total))
            return
        self._page.status.setText(
            self.tr("Récupération des images : {done}/{total}").format(done=done, total=total)
        )
