"""« Annonce d'un pronostic grave… »: record how a poor prognosis was communicated to the requester,
per the announcement procedure agreed with the requesting site (charter §4.1; issue 23, item 8).

The reading page keeps what is recorded here and puts it in the report when it is signed
(``reporting.model.PrognosisAnnouncement``: a sentence of the conclusion, and an audit record).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reporting.model import PrognosisAnnouncement, Source
from reporting.qt.spell_line import SpellLineEdit

MEANS = ("téléphone", "messagerie sécurisée de santé", "visioconférence", "en personne")


class AnnouncementDialog(QDialog):
    """``announcement`` is set once accepted; « Enregistrer » needs a recipient and the procedure."""

    def __init__(
        self, requester: str, previous: PrognosisAnnouncement | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("announcementDialog")
        self.setWindowTitle(self.tr("Annonce d'un pronostic grave"))
        self.setMinimumWidth(640)
        self.announcement: PrognosisAnnouncement | None = None
        self.recipient = QLineEdit(previous.recipient if previous else requester)
        self.recipient.setObjectName("announcementRecipient")
        self.means = QComboBox()
        self.means.setObjectName("announcementMeans")
        self.means.addItems(MEANS)  # French: written as is into the report
        if previous is not None and previous.means in MEANS:
            self.means.setCurrentText(previous.means)
        self.at = QDateTimeEdit(previous.at if previous else datetime.now().astimezone())
        self.at.setDisplayFormat("dd/MM/yyyy HH:mm")
        # written into the report's conclusion: spell-checked as the report's own fields are
        self.procedure = SpellLineEdit(previous.procedure if previous else "")
        self.procedure.setObjectName("announcementProcedure")
        self.procedure.setPlaceholderText(self.tr("Procédure d'annonce convenue avec le site demandeur"))
        self.note = SpellLineEdit(previous.note if previous else "")
        form = QFormLayout()
        form.addRow(self.tr("&Demandeur informé"), self.recipient)
        form.addRow(self.tr("&Moyen"), self.means)
        form.addRow(self.tr("&Le"), self.at)
        form.addRow(self.tr("&Procédure convenue"), self.procedure)
        form.addRow(self.tr("&Précision"), self.note)
        explanation = QLabel(
            self.tr(
                "Le radiologue n'annonce pas lui-même un diagnostic grave au patient à distance : il en "
                "informe le demandeur selon la procédure convenue avec lui. Ce qui est saisi ici est écrit "
                "dans la conclusion du compte rendu et tracé au journal d'audit à la signature."
            )
        )
        explanation.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for edit in (self.recipient, self.procedure):
            edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ready = bool(self.recipient.text().strip() and self.procedure.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ready)

    def _save(self) -> None:
        at = self.at.dateTime().toPython()
        moment = at.astimezone() if isinstance(at, datetime) else datetime.now().astimezone()
        self.announcement = PrognosisAnnouncement(
            self.recipient.text().strip(),
            self.means.currentText(),
            moment,
            self.procedure.text().strip(),
            Source.USER,
            self.note.text().strip(),
        )
        self.accept()
