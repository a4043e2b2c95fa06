"""Téléexpertise screens: the request dialog (from a case being read), the list of requests on the
worklist page (the expert's received ones apart from those one asked), the expert's answer dialog,
and the case's strip showing the answers with « Citer dans le compte rendu ».

Everything that talks to the platform runs in the window's worker threads (:class:`Tasks`); the
model is :mod:`workstation.expertise`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from auth.session import SessionEvent, SessionEventKind, SessionState, UnlockRejected
from auth.signing import PasswordRequired, SignatureConfirmation
from resources.translations import QT_TRANSLATE_NOOP
from resources.translations import qt as language
from resources.translations.qt import user_message
from viewer.loader import StudyLoader
from viewer.qt.viewer_widget import ViewerWidget
from workstation.app import patient_id
from workstation.expertise import (
    CHECKS,
    IMPOSSIBLE_REASONS,
    Expert,
    ExpertiseAnswer,
    ExpertiseDesk,
    ExpertiseError,
    ExpertiseRequest,
    ExpertiseStatus,
    quote,
)
from workstation.qt import theme
from workstation.qt.signature_box import open_signature_box
from workstation.qt.tasks import Tasks

log = logging.getLogger(__name__)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M") if moment else ""


class AskExpertiseDialog(QDialog):
    """Question, clinical elements, urgency, studies attached, the expert or group, and consent."""

    def __init__(
        self,
        experts: list[Expert],
        specialties: list[str],
        studies: list[tuple[str, str]],
        clinical: str,
        urgent: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("askExpertiseDialog")
        self.setWindowTitle(self.tr("Demander un avis (téléexpertise)"))
        self.setMinimumWidth(640)
        self.named = QRadioButton(self.tr("Expert nommé"))
        self.named.setChecked(True)
        self.group = QRadioButton(self.tr("Groupe de spécialité"))
        self.expert = QComboBox()
        self.expert.setObjectName("expertCombo")
        for e in experts:
            extra = f" — {', '.join(e.specialties)}" if e.specialties else ""
            self.expert.addItem(e.person.display + extra, e.person.login)
        self.specialty = QComboBox()
        self.specialty.setObjectName("specialtyCombo")
        for s in specialties:
            self.specialty.addItem(s, s)
        self.question = QPlainTextEdit()
        self.question.setObjectName("expertiseQuestion")
        self.question.setPlaceholderText(self.tr("La question posée à l'expert"))
        self.question.setFixedHeight(80)
        self.clinical = QPlainTextEdit(clinical)
        self.clinical.setObjectName("expertiseClinical")
        self.clinical.setFixedHeight(80)
        self.urgent = QCheckBox(self.tr("Urgent"))
        self.urgent.setChecked(urgent)
        self.studies = QListWidget()
        self.studies.setObjectName("expertiseStudies")
        self.studies.setFixedHeight(90)
        for n, (uid, label) in enumerate(studies):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if n == 0 else Qt.CheckState.Unchecked)
            self.studies.addItem(item)
        self.informed = QCheckBox(self.tr("Le patient a été informé de la demande de téléexpertise"))
        self.informed.setObjectName("consentInformed")
        self.consented = QCheckBox(self.tr("Le patient a donné son consentement"))
        self.consented.setObjectName("consentGiven")
        self.how = QLineEdit()
        self.how.setPlaceholderText(self.tr("Comment (oral, par le site, personne de confiance…)"))
        consent = QGroupBox(self.tr("Information et consentement du patient (obligatoires)"))
        consent_layout = QVBoxLayout(consent)
        consent_layout.addWidget(self.informed)
        consent_layout.addWidget(self.consented)
        consent_layout.addWidget(self.how)

        target = QHBoxLayout()
        target.addWidget(self.named)
        target.addWidget(self.expert, 1)
        target.addWidget(self.group)
        target.addWidget(self.specialty, 1)
        form = QFormLayout()
        form.addRow(self.tr("Destinataire"), target)
        form.addRow(self.tr("Question"), self.question)
        form.addRow(self.tr("Éléments cliniques"), self.clinical)
        form.addRow(self.tr("Examens joints"), self.studies)
        form.addRow("", self.urgent)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText(self.tr("Envoyer la demande"))
        self.send_button.setObjectName("sendExpertise")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.COLOURS.urgent};")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(consent)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.informed.toggled, self.consented.toggled, self.named.toggled):
            signal.connect(self._update)
        self.question.textChanged.connect(self._update)
        self.studies.itemChanged.connect(self._update)
        self._update()

    def chosen_studies(self) -> list[str]:
        return [
            str(self.studies.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.studies.count())
            if self.studies.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update(self) -> None:
        self.expert.setEnabled(self.named.isChecked())
        self.specialty.setEnabled(not self.named.isChecked())
        missing = []
        if not self.question.toPlainText().strip():
            missing.append(self.tr("la question"))
        if not self.chosen_studies():
            missing.append(self.tr("au moins un examen joint"))
        if (self.expert.count() if self.named.isChecked() else self.specialty.count()) == 0:
            missing.append(self.tr("le destinataire"))
        if not (self.informed.isChecked() and self.consented.isChecked()):
            missing.append(self.tr("l'information et le consentement du patient"))
        self.send_button.setEnabled(not missing)
        self.hint.setText(
            self.tr("À compléter : {missing}.").format(missing=", ".join(missing)) if missing else ""
        )

    def values(self) -> dict[str, object]:
        named = self.named.isChecked()
        return {
            "expert": self.expert.currentData() if named else None,
            "specialty": None if named else self.specialty.currentData(),
            "question": self.question.toPlainText().strip(),
            "clinical": self.clinical.toPlainText().strip(),
            "urgent": self.urgent.isChecked(),
            "studies": self.chosen_studies(),
            "informed": self.informed.isChecked(),
            "consented": self.consented.isChecked(),
            "consent_how": self.how.text().strip(),
        }


_t = language.text  # the labels of request_html are marked QT_TRANSLATE_NOOP("Expertise", ...)


def request_html(request: ExpertiseRequest) -> str:
    """The request as the expert (or the requester) reads it: no more than what was sent."""
    order = request.order
    identity = ""
    if order is not None:
        p = order.patient
        birth = p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "?"
        ins = p.ins.matricule if p.ins else _t(QT_TRANSLATE_NOOP("Expertise", "sans INS"))
        born = _t(QT_TRANSLATE_NOOP("Expertise", "né(e) le"))
        identity = f"{p.display_name} — {born} {birth} — INS {ins}"
    urgency = (
        _t(QT_TRANSLATE_NOOP("Expertise", "urgente"))
        if request.urgent
        else _t(QT_TRANSLATE_NOOP("Expertise", "non urgente"))
    )
    rows = [
        (_t(QT_TRANSLATE_NOOP("Expertise", "Demande")), f"{request.request_id} ({urgency})"),
        (
            _t(QT_TRANSLATE_NOOP("Expertise", "Patient")),
            identity or _t(QT_TRANSLATE_NOOP("Expertise", "identité illisible")),
        ),
        (
            _t(QT_TRANSLATE_NOOP("Expertise", "Demandeur")),
            f"{request.requester.display}, {_when(request.created_at)}",
        ),
        (_t(QT_TRANSLATE_NOOP("Expertise", "Destinataire")), _t(request.addressee)),
        (_t(QT_TRANSLATE_NOOP("Expertise", "Question")), request.question),
        (_t(QT_TRANSLATE_NOOP("Expertise", "Éléments cliniques")), request.clinical or "—"),
        (_t(QT_TRANSLATE_NOOP("Expertise", "Examens joints")), str(len(request.studies))),
        (
            _t(QT_TRANSLATE_NOOP("Expertise", "Consentement")),
            _t(QT_TRANSLATE_NOOP("Expertise", "patient informé et consentant"))
            + (f" ({request.consent_how})" if request.consent_how else ""),
        ),
        (_t(QT_TRANSLATE_NOOP("Expertise", "Statut")), language.text(request.status.label)),
    ]
    if request.status is ExpertiseStatus.ANSWERED:
        rows.append((_t(QT_TRANSLATE_NOOP("Expertise", "Analyse")), request.analysis))
        rows.append((_t(QT_TRANSLATE_NOOP("Expertise", "Avis")), request.opinion))
    if request.status is ExpertiseStatus.IMPOSSIBLE:
        label = language.text(IMPOSSIBLE_REASONS.get(request.reason_code or "", request.reason_code or ""))
        rows.append((_t(QT_TRANSLATE_NOOP("Expertise", "Motif")), f"{label} — {request.reason or ''}"))
    for c in request.communications:
        rows.append(
            (
                _t(QT_TRANSLATE_NOOP("Expertise", "Communication urgente")),
                f"{_when(c.at)} : {c.recipient} ({c.means}) {c.note}",
            )
        )
    body = "".join(f"<tr><th align='left' valign='top'>{k}</th><td>{_escape(v)}</td></tr>" for k, v in rows)
    return f"<table cellspacing='4'>{body}</table>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


class AnswerExpertiseDialog(QDialog):
    """The expert's side: the request, the checks, then a signed report or « impossible ».

    The signature is confirmed as a report's is (:mod:`auth.signing`): the password at most every
    15 minutes of one unlocked session, otherwise a quick confirmation naming the patient and the
    request. ``signature`` is the session's window, shared with the reading page, so a password typed
    to sign a report also serves an answer within the window, and the other way round."""

    def __init__(
        self,
        desk: ExpertiseDesk,
        tasks: Tasks,
        request: ExpertiseRequest,
        parent: QWidget | None = None,
        loader: StudyLoader | None = None,
        signature: SignatureConfirmation | None = None,
    ):
        super().__init__(parent)
        self.desk, self.tasks, self.request = desk, tasks, request
        self.signature = signature  # None: the password at every signature
        self.signature_box: QMessageBox | None = None  # the quick confirmation while it is shown
        self.setObjectName("answerExpertiseDialog")
        self.setWindowTitle(self.tr("Répondre à une demande d'avis (téléexpertise)"))
        self.setMinimumSize(760, 720)
        self.summary = QTextBrowser()
        self.summary.setHtml(request_html(request))
        self.availability = QLabel(self.tr("Disponibilité des images : non vérifiée"))
        self.availability.setWordWrap(True)
        self.check_images = QPushButton(self.tr("Vérifier les images sur la plateforme"))
        self.study_choice = QComboBox()
        self.study_choice.setObjectName("expertiseStudyChoice")
        for n, uid in enumerate(request.studies):
            label = (
                self.tr("Examen de la demande") if uid == request.order_study_uid else self.tr("Examen joint")
            )
            self.study_choice.addItem(f"{n + 1}. {label}", uid)
        self.show_images = QPushButton(self.tr("Afficher les images"))
        self.show_images.setObjectName("showExpertiseImages")
        self.show_images.setEnabled(loader is not None)
        self._loader = loader
        self._folders: list[Path] = []
        self.viewer_window: QDialog | None = None
        self.checks: dict[str, QCheckBox] = {}
        checks_box = QGroupBox(self.tr("Vérifications avant de répondre"))
        checks_layout = QVBoxLayout(checks_box)
        row = QHBoxLayout()
        row.addWidget(self.availability, 1)
        row.addWidget(self.check_images)
        checks_layout.addLayout(row)
        images_row = QHBoxLayout()
        images_row.addWidget(self.study_choice, 1)
        images_row.addWidget(self.show_images)
        checks_layout.addLayout(images_row)
        for key, label in CHECKS.items():
            box = QCheckBox(language.text(label))
            box.setObjectName(f"check_{key}")
            self.checks[key] = box
            checks_layout.addWidget(box)
        self.analysis = QPlainTextEdit()
        self.analysis.setObjectName("expertiseAnalysis")
        self.analysis.setPlaceholderText(self.tr("Analyse des images"))
        self.opinion = QPlainTextEdit()
        self.opinion.setObjectName("expertiseOpinion")
        self.opinion.setPlaceholderText(self.tr("Votre avis, en réponse à la question"))
        self.sign_button = QPushButton(self.tr("Signer et envoyer l'avis"))
        self.sign_button.setObjectName("signExpertise")
        self.impossible_button = QPushButton(self.tr("Expertise impossible…"))
        self.impossible_button.setObjectName("impossibleExpertise")
        self.urgent_button = QPushButton(self.tr("Noter une communication urgente…"))
        self.urgent_button.setObjectName("urgentExpertise")
        close = QPushButton(self.tr("Fermer"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.urgent_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.impossible_button)
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary, 2)
        layout.addWidget(checks_box)
        layout.addWidget(QLabel(self.tr("Analyse")))
        layout.addWidget(self.analysis, 1)
        layout.addWidget(QLabel(self.tr("Avis de l'expert")))
        layout.addWidget(self.opinion, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        close.clicked.connect(self.reject)
        self.check_images.clicked.connect(self.verify_images)
        self.show_images.clicked.connect(self.open_images)
        self.finished.connect(lambda _code: self._release_images())
        self.sign_button.clicked.connect(self.ask_signature)
        self.impossible_button.clicked.connect(self.ask_impossible)
        self.urgent_button.clicked.connect(self.ask_communication)
        self.password_prompt: Callable[[], str | None] = self._password
        self.reason_prompt: Callable[[], tuple[str, str] | None] = self._reason
        self.communication_prompt: Callable[[], tuple[str, str, datetime, str] | None] = self._communication

    def _fail(self, exc: BaseException, fallback: str) -> None:
        if not getattr(exc, "user_message", ""):
            log.error("expertise action failed", exc_info=exc)
        self.status.setText(user_message(exc, fallback))
        self.status.setStyleSheet(f"color: {theme.COLOURS.urgent};")

    def verify_images(self) -> None:
        """QIDO on each attached study: what the platform gives this expert (series, images)."""
        client = self.desk.ws.client

        def work() -> list[tuple[int, int]]:
            found = []
            for uid in self.request.studies:
                instances = client.dicomweb.search_instances(uid)
                found.append((len({_series(i) for i in instances}), len(instances)))
            return found

        def done(found: list[tuple[int, int]]) -> None:
            parts = [
                self.tr("examen {n} : {series} série(s), {images} image(s)").format(
                    n=n + 1, series=s, images=i
                )
                for n, (s, i) in enumerate(found)
            ]
            ok = all(s > 0 for s, _ in found)
            self.availability.setText(
                (self.tr("Images disponibles — ") if ok else self.tr("Images manquantes — "))
                + " ; ".join(parts)
            )

        self.tasks.run(work, done, lambda e: self._fail(e, self.tr("Images non vérifiables.")))

    def open_images(self) -> None:
        """The chosen study, fetched into a private folder and shown in a viewer window; the folder
        is removed when the dialog closes (no image stays on disk in clear)."""
        uid = str(self.study_choice.currentData() or "")
        if not uid or self._loader is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="expertise-"))
        folder.chmod(0o700)
        self._folders.append(folder)
        self.show_images.setEnabled(False)
        self.status.setText(self.tr("Récupération des images…"))

        def done(_files: list[Path]) -> None:
            self.show_images.setEnabled(True)
            self.status.clear()
            if self.viewer_window is None:
                window = QDialog(self)
                window.setWindowTitle(self.tr("Images de la demande {id}").format(id=self.request.request_id))
                window.resize(1000, 760)
                viewer = ViewerWidget(self._loader)  # type: ignore[arg-type]
                viewer.setObjectName("expertiseViewer")
                QVBoxLayout(window).addWidget(viewer)
                window.viewer = viewer  # type: ignore[attr-defined]
                self.viewer_window = window
            order = self.request.order
            banner = order.patient.display_name if order is not None else ""
            self.viewer_window.viewer.open_study([str(folder)], banner)  # type: ignore[attr-defined]
            self.viewer_window.show()

        def failed(exc: BaseException) -> None:
            self.show_images.setEnabled(True)
            self._fail(exc, self.tr("Les images n'ont pas pu être récupérées."))

        self.tasks.run(lambda: self.desk.retrieve_images(self.request, uid, folder), done, failed)

    def _release_images(self) -> None:
        if self.viewer_window is not None:
            self.viewer_window.viewer.close_study()  # type: ignore[attr-defined]
            self.viewer_window.close()
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._folders.clear()

    def _patient(self) -> str:
        return self.request.order.patient.display_name if self.request.order else "?"

    def _password(self) -> str | None:
        password, ok = QInputDialog.getText(
            self,
            self.tr("Signature de l'avis"),
            self.tr(
                "Patient : {patient}\nDemande : {request}\n\n"
                "Confirmez votre signature par votre mot de passe :"
            ).format(patient=self._patient(), request=self.request.request_id),
            QLineEdit.EchoMode.Password,
        )
        return password if ok and password else None

    def ask_signature(self) -> None:
        """The password when the signature window is closed, else the quick confirmation."""
        answer = ExpertiseAnswer(
            tuple(k for k, box in self.checks.items() if box.isChecked()),
            self.analysis.toPlainText().strip(),
            self.opinion.toPlainText().strip(),
        )
        window = self.signature
        if window is not None and not window.needs_password():
            self._confirm_quickly(answer, window.remaining())
            return
        password = self.password_prompt()
        if password is None:
            return
        self._sign(answer, password)

    def _confirm_quickly(self, answer: ExpertiseAnswer, remaining: float) -> None:
        """Inside the signature window: « Signer » is the default button (Enter signs), Escape does
        not sign. Opened window-modal and answered asynchronously, as the report's confirmation."""
        self.signature_box = open_signature_box(
            self,
            self.tr("Signature de l'avis"),
            self.tr("Signer et envoyer l'avis ?\n\nPatient : {patient}\nDemande : {request}").format(
                patient=self._patient(), request=self.request.request_id
            ),
            remaining,
            lambda: self._sign(answer, None),
        )
        self.signature_box.finished.connect(lambda _code: setattr(self, "signature_box", None))

    def _sign(self, answer: ExpertiseAnswer, password: str | None) -> None:
        """Check the confirmation (the password, or the window still open) and sign, in a worker."""
        window = self.signature
        session = self.desk.ws.session
        self.sign_button.setEnabled(False)

        def work() -> object:
            try:  # by the platform, or offline within 12 h of the strong login
                if window is not None:
                    window.confirm(password)
                else:
                    session.confirm_password(password or "")
            except UnlockRejected as exc:
                raise ExpertiseError(
                    "bad password", self.tr("Mot de passe incorrect : l'avis n'est pas signé.")
                ) from exc
            return self.desk.sign_report(self.request, answer, datetime.now().astimezone())

        def failed(exc: BaseException) -> None:
            self.sign_button.setEnabled(True)
            if isinstance(exc, PasswordRequired):  # the window closed meanwhile: the password then
                self.ask_signature()
                return
            self._fail(exc, self.tr("La signature de l'avis a échoué."))

        self.tasks.run(work, lambda _: self.accept(), failed)

    def _reason(self) -> tuple[str, str] | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Expertise impossible"))
        combo = QComboBox()
        for code, label in IMPOSSIBLE_REASONS.items():
            combo.addItem(language.text(label), code)
        text = QPlainTextEdit()
        text.setPlaceholderText(self.tr("Expliquez au demandeur ce qui manque"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(dialog)
        layout.addWidget(combo)
        layout.addWidget(text)
        layout.addWidget(buttons)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(combo.currentData()), text.toPlainText().strip()

    def ask_impossible(self) -> None:
        chosen = self.reason_prompt()
        if chosen is None:
            return
        code, reason = chosen
        self.tasks.run(
            lambda: self.desk.impossible(self.request, code, reason),
            lambda _: self.accept(),
            lambda e: self._fail(e, self.tr("La réponse n'a pas pu être envoyée.")),
        )

    def _communication(self) -> tuple[str, str, datetime, str] | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Communication d'un résultat urgent"))
        recipient = QLineEdit(self.request.requester.display)
        means = QComboBox()
        means.addItems([self.tr("téléphone"), self.tr("visioconférence"), self.tr("de vive voix")])
        at = QDateTimeEdit(datetime.now())
        at.setCalendarPopup(True)
        note = QLineEdit()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(dialog)
        form.addRow(self.tr("À qui"), recipient)
        form.addRow(self.tr("Comment"), means)
        form.addRow(self.tr("Quand"), at)
        form.addRow(self.tr("Ce qui a été dit"), note)
        form.addRow(buttons)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        moment = at.dateTime().toPython().astimezone()
        return recipient.text(), means.currentText(), moment, note.text()

    def ask_communication(self) -> None:
        chosen = self.communication_prompt()
        if chosen is None:
            return

        def done(updated: ExpertiseRequest) -> None:
            self.request = updated
            self.summary.setHtml(request_html(updated))
            self.status.setText(self.tr("Communication urgente enregistrée."))

        self.tasks.run(
            lambda: self.desk.communicate(self.request, *chosen),
            done,
            lambda e: self._fail(e, self.tr("La communication n'a pas pu être enregistrée.")),
        )


def _series(instance: dict[str, object]) -> str:
    """SeriesInstanceUID (0020,000E) of a QIDO instance answer."""
    try:
        return str(instance["0020000E"]["Value"][0])  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return ""


class ExpertisePanel(QWidget):
    """On the worklist page: the requests received (to answer) apart from the ones asked."""

    COLUMNS = 6

    def __init__(
        self,
        desk: ExpertiseDesk,
        tasks: Tasks,
        parent: QWidget | None = None,
        loader: StudyLoader | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.tasks, self.loader = desk, tasks, loader
        # the session's signature window (auth.signing), shared with the reading page by the controller
        self.signature: Callable[[], SignatureConfirmation | None] = lambda: None
        self.setObjectName("expertisePanel")
        self.requests: list[ExpertiseRequest] = []
        self.title = QLabel(self.tr("Demandes d'avis (téléexpertise)"))
        self.title.setStyleSheet("font-weight: 600;")
        self.received = self._table("expertiseReceived")
        self.asked = self._table("expertiseAsked")
        self.answer_button = QPushButton(self.tr("Examiner et répondre…"))
        self.answer_button.setObjectName("answerExpertiseButton")
        self.answer_button.setEnabled(False)
        self.view_button = QPushButton(self.tr("Voir la réponse"))
        self.view_button.setObjectName("viewExpertiseButton")
        self.view_button.setEnabled(False)
        self.status = QLabel()
        received = QWidget()
        left = QVBoxLayout(received)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.received)
        left.addWidget(self.answer_button, 0, Qt.AlignmentFlag.AlignRight)
        asked = QWidget()
        right = QVBoxLayout(asked)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.asked)
        right.addWidget(self.view_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("expertiseTabs")
        self.tabs.addTab(received, self.tr("Reçues, à traiter en tant qu'expert"))
        self.tabs.addTab(asked, self.tr("Envoyées par moi"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        self.received.itemSelectionChanged.connect(self._selection)
        self.asked.itemSelectionChanged.connect(self._selection)
        self.answer_button.clicked.connect(self.answer_selected)
        self.view_button.clicked.connect(self.view_selected)
        self.received.doubleClicked.connect(lambda _: self.answer_selected())
        self.asked.doubleClicked.connect(lambda _: self.view_selected())
        self.on_change: Callable[[list[ExpertiseRequest]], None] = lambda _: None
        self.dialogs: list[QDialog] = []  # closed when the session locks (no patient datum left on screen)

    def _track(self, dialog: QDialog) -> None:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _code: dialog in self.dialogs and self.dialogs.remove(dialog))

    def close_dialogs(self) -> None:
        for dialog in list(self.dialogs):
            dialog.reject()  # an answer dialog also removes the images it fetched
        self.dialogs.clear()

    def _table(self, name: str) -> QTableWidget:
        table = QTableWidget(0, self.COLUMNS)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(
            [
                self.tr("Urgence"),
                self.tr("Demande"),
                self.tr("Avec"),
                self.tr("Question"),
                self.tr("Statut"),
                self.tr("Le"),
            ]
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.setMaximumHeight(170)
        return table

    def refresh(self) -> None:
        if self.desk.ws.session.state is not SessionState.ACTIVE:
            return  # locked or ended: nothing is fetched, nothing shown
        self.tasks.run(self.desk.requests, self.show_requests, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc, self.tr("Demandes d'avis indisponibles.")))

    def show_requests(self, requests: list[ExpertiseRequest]) -> None:
        self.requests = requests
        self.status.clear()
        self._fill(self.received, [r for r in requests if r.role == "expert"], expert_side=True)
        self._fill(self.asked, [r for r in requests if r.role == "requester"], expert_side=False)
        pending = sum(1 for r in requests if r.role == "expert" and r.status is ExpertiseStatus.OPEN)
        self.title.setText(
            self.tr("Demandes d'avis (téléexpertise) — %n à traiter", "", pending)
            if pending
            else self.tr("Demandes d'avis (téléexpertise)")
        )
        if not any(r.role == "expert" for r in requests) and any(r.role == "requester" for r in requests):
            self.tabs.setCurrentIndex(1)  # nothing to answer: show what one asked
        self._selection()
        self.on_change(requests)

    def _fill(self, table: QTableWidget, requests: list[ExpertiseRequest], expert_side: bool) -> None:
        table.setRowCount(len(requests))
        for n, r in enumerate(requests):
            other = r.requester.display if expert_side else language.text(r.addressee)
            values = [
                self.tr("URGENT") if r.urgent else "",
                r.request_id,
                other,
                r.question.splitlines()[0] if r.question else "",
                language.text(r.status.label),
                _when(r.created_at),
            ]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, r.request_id)
                item.setToolTip(r.question if col == 3 else value)
                if col == 0 and r.urgent:
                    item.setForeground(Qt.GlobalColor.red)
                table.setItem(n, col, item)

    def _selected(self, table: QTableWidget) -> ExpertiseRequest | None:
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if not rows:
            return None
        rid = table.item(rows[0].row(), 1).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.requests if r.request_id == rid), None)

    def _selection(self) -> None:
        received = self._selected(self.received)
        self.answer_button.setEnabled(received is not None and received.status is ExpertiseStatus.OPEN)
        self.view_button.setEnabled(self._selected(self.asked) is not None)

    def answer_selected(self) -> AnswerExpertiseDialog | None:
        request = self._selected(self.received)
        if request is None or request.status is not ExpertiseStatus.OPEN:
            return None
        dialog = AnswerExpertiseDialog(
            self.desk, self.tasks, request, self, self.loader, signature=self.signature()
        )
        self._track(dialog)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.open()
        return dialog

    def view_selected(self) -> QDialog | None:
        request = self._selected(self.asked)
        if request is None:
            return None
        self.tasks.run(lambda: self.desk.answer_read(request), lambda _: None, self._failed)
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Demande d'avis {id}").format(id=request.request_id))
        dialog.setMinimumSize(640, 480)
        view = QTextBrowser()
        view.setHtml(request_html(request))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(view)
        layout.addWidget(close)
        self._track(dialog)
        dialog.open()
        return dialog


class CaseExpertiseStrip(QWidget):
    """In the reading page: the case's requests and their answers; an answer can be quoted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseExpertise")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote_button = QPushButton(self.tr("Citer l'avis dans le compte rendu"))
        self.quote_button.setObjectName("quoteExpertise")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.quote_button)
        self.answered: ExpertiseRequest | None = None
        self.hide()

    def show_for(self, requests: list[ExpertiseRequest]) -> None:
        if not requests:
            self.answered = None
            self.hide()
            return
        lines = []
        for r in requests:
            line = self.tr("Téléexpertise {id} ({who}) : {status}").format(
                id=r.request_id, who=language.text(r.addressee), status=language.text(r.status.label)
            )
            if r.status is not ExpertiseStatus.OPEN:
                line += " — " + _escape(quote(r))
            lines.append(line)
        self.text.setText("<br/>".join(lines))
        done = [r for r in requests if r.status is not ExpertiseStatus.OPEN]
        self.answered = done[-1] if done else None
        self.quote_button.setEnabled(self.answered is not None)
        self.show()


class _SessionRelay(QObject):
    """Session events arrive on any thread; the dialogs are closed on the GUI thread."""

    event = Signal(object)


class ExpertiseController(QObject):
    """Wires téléexpertise into the main window: the panel, the reading page's action and strip.
    When the session locks or ends, every téléexpertise dialog is closed, as the window hides the
    order and the case."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        ws = window.ws  # type: ignore[attr-defined]
        self.desk = ExpertiseDesk(ws)
        self.tasks: Tasks = window.tasks  # type: ignore[attr-defined]
        self.panel = ExpertisePanel(self.desk, self.tasks, loader=window.loader)  # type: ignore[attr-defined]
        self.strip = CaseExpertiseStrip()
        self.reading = window.reading_page  # type: ignore[attr-defined]
        self.reading.case_extras.addWidget(self.strip)
        self.reading.expertiseRequested.connect(self.ask)
        # one signature window per session for reports and expertise answers alike (auth.signing)
        self.panel.signature = lambda: getattr(self.reading, "signature", None)
        self.strip.quote_button.clicked.connect(self.quote_answer)
        self.panel.on_change = lambda _requests: self._show_case()
        self.last_dialog: AskExpertiseDialog | None = None
        self._relay = _SessionRelay(self)
        self._relay.event.connect(self._on_session_event)
        unsubscribe = ws.session.subscribe(self._relay.event.emit)
        window.destroyed.connect(lambda *_: unsubscribe())

    def _on_session_event(self, event: SessionEvent) -> None:
        if event.kind in (SessionEventKind.LOCKED, SessionEventKind.EXPIRED, SessionEventKind.LOGGED_OUT):
            self.panel.close_dialogs()
            if self.last_dialog is not None:
                self.last_dialog.reject()
            self.strip.show_for([])

    def refresh(self) -> None:
        self.panel.refresh()

    def _show_case(self) -> None:
        row = self.reading.row
        if row is None:
            self.strip.show_for([])
            return
        mine = [r for r in self.panel.requests if r.order_id == row.order_id and r.role == "requester"]
        for r in mine:
            if r.status is not ExpertiseStatus.OPEN:
                self.tasks.run(lambda r=r: self.desk.answer_read(r), lambda _: None, lambda _e: None)
        self.strip.show_for(mine)

    def quote_answer(self) -> None:
        if self.strip.answered is not None and self.reading.editor is not None:
            self.reading.editor.insert_measurement(quote(self.strip.answered))

    def ask(self, order_id: str) -> None:
        row = self.reading.row
        if row is None or row.order_id != order_id:
            return

        def shown(found: tuple[list[Expert], list[str]]) -> None:
            experts, specialties = found
            studies = []
            if row.entry.study_instance_uid:
                studies.append((row.entry.study_instance_uid, self.tr("Examen du jour")))
            for prior in self.reading.found_priors:
                studies.append(
                    (
                        prior.study_instance_uid,
                        self.tr("Antérieur : {label}").format(label=language.text(prior.label)),
                    )
                )
            order = row.order
            clinical = order.clinical_information if order is not None else ""
            urgent = bool(order is not None and order.priority.value == "urgent")
            dialog = AskExpertiseDialog(experts, specialties, studies, clinical, urgent, self.reading)
            self.last_dialog = dialog
            dialog.accepted.connect(lambda: self._send(row, dialog))
            dialog.open()

        self.tasks.run(
            self.desk.experts,
            shown,
            lambda e: self.reading.status.setText(
                user_message(e, self.tr("Liste des experts indisponible."))
            ),
        )

    def _send(self, row: object, dialog: AskExpertiseDialog) -> None:
        values = dialog.values()

        def done(request: ExpertiseRequest) -> None:
            self.reading.status.setText(
                self.tr("Demande d'avis {id} envoyée à {who}.").format(
                    id=request.request_id, who=_t(request.addressee)
                )
            )
            self.refresh()

        self.tasks.run(
            lambda: self.desk.ask(row.order_id, patient_id(row), **values),  # type: ignore[attr-defined, arg-type]
            done,
            lambda e: self.reading.status.setText(
                user_message(e, self.tr("La demande d'avis n'a pas été envoyée."))
            ),
        )
