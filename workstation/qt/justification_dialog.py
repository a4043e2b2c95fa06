"""The justification of an order: accept it with a protocol, or refuse it with a coded reason and a
written justification. What is decided is checked by :mod:`workstation.justification`; this dialog
only collects it, and keeps the patient's identity in view while doing so.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from resources.translations import qt as language
from workstation.contrast import contrast_elements, protocol_uses_contrast
from workstation.hl7 import Coded
from workstation.hl7.flux3 import RefusalReason
from workstation.justification import (
    Decision,
    JustificationError,
    ProtocolTemplate,
    check,
    justification_elements,
    missing_elements_request,
    protocols_for,
    radioprotection_warning,
)
from workstation.order_view import identity_html
from workstation.orders import Order
from workstation.qt import theme
from workstation.qt.justification_checklist import JustificationChecklist
from workstation.worklist import short_modality

# the French label travels in the HL7 answer (Coded); the dialog shows it in the interface language
MODALITIES = (
    ("CT", QT_TRANSLATE_NOOP("JustificationDialog", "Scanner (TDM)")),
    ("MR", QT_TRANSLATE_NOOP("JustificationDialog", "IRM")),
    ("DX", QT_TRANSLATE_NOOP("JustificationDialog", "Radiographie")),
    ("US", QT_TRANSLATE_NOOP("JustificationDialog", "Échographie")),
)


class JustificationDialog(QDialog):
    def __init__(
        self,
        order: Order,
        templates: list[ProtocolTemplate],
        today: date,
        parent: QWidget | None = None,
        *,
        refuse_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.order = order
        self.today = today
        self.templates = templates
        self.requested = short_modality(order)
        self.setWindowTitle(
            self.tr("Justification de la demande {number}").format(number=order.placer_order_number)
        )
        self.setObjectName("justificationDialog")
        self.resize(920, 1000)  # the justification and contrast checklists below the protocol

        summary = QTextBrowser()
        summary.setObjectName("justificationSummary")
        summary.document().setDefaultStyleSheet(theme.DOCUMENT_CSS)
        regions = " ; ".join(r.label for r in order.regions)
        unspecified = escape(self.tr("non précisée"))
        question = "<br>".join(escape(q) for q in order.purpose) or f"<span class='warn'>{unspecified}</span>"
        question_label, context_label = escape(self.tr("Question :")), escape(self.tr("Contexte :"))
        requested = self.tr("Demandé : {modality} — {regions}").format(
            modality=self.requested, regions=regions
        )
        summary.setHtml(
            identity_html(order, today, language.text)
            + f"<h3>{escape(requested)}</h3>"
            + f"<p><b>{question_label}</b> {question}</p>"
            + f"<p><b>{context_label}</b> {escape(order.clinical_information) or '—'}</p>"
        )
        summary.setMinimumHeight(260)

        self.accept_radio = QRadioButton(self.tr("&Accepter avec un protocole"))
        self.refuse_radio = QRadioButton(self.tr("&Refuser la demande"))
        self.accept_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.accept_radio)
        group.addButton(self.refuse_radio)
        choice = QHBoxLayout()
        choice.addWidget(self.accept_radio)
        choice.addWidget(self.refuse_radio)
        choice.addStretch(1)

        # accept page
        self.modality = QComboBox()
        self.modality.setObjectName("modalityCombo")
        self.modality.addItem(
            self.tr("Telle que demandée ({modality})").format(modality=self.requested or "?"), ""
        )
        for code, label in MODALITIES:
            if code != self.requested:
                self.modality.addItem(
                    self.tr("Changer pour : {label} ({code})").format(label=self.tr(label), code=code), code
                )
        self.template = QComboBox()
        self.template.setObjectName("protocolCombo")
        self.protocol = QPlainTextEdit()
        self.protocol.setObjectName("protocolText")
        self.protocol.setTabChangesFocus(True)
        self.protocol.setMaximumHeight(200)
        self.warning = QLabel()
        self.warning.setObjectName("banner")
        self.warning.setProperty("level", "warning")
        self.warning.setWordWrap(True)
        self.confirm = QCheckBox(self.tr("Je confirme la justification de cet examen irradiant"))
        self.confirm.setObjectName("radioprotectionConfirm")
        accept_page = QWidget()
        form = QFormLayout(accept_page)
        form.addRow(self.tr("&Modalité"), self.modality)
        form.addRow(self.tr("&Protocole type"), self.template)
        form.addRow(self.tr("&Texte envoyé au site"), self.protocol)
        form.addRow(self.warning)
        form.addRow(self.confirm)
        self.checklist = JustificationChecklist()
        form.addRow(self.checklist)
        self.contrast = QCheckBox(self.tr("Protocole avec injection de produit de contraste"))
        self.contrast.setObjectName("contrastProtocol")
        self.contrast_checklist = JustificationChecklist(
            self.tr("Produit de contraste : contre-indications recherchées avec le site"),
            name="contrastChecklist",
        )
        self.contrast_checklist.show_elements(contrast_elements(order))
        self.physician = QCheckBox(
            self.tr("Je confirme qu'un médecin sera présent auprès du manipulateur lors de l'injection")
        )
        self.physician.setObjectName("physicianAtInjection")
        form.addRow(self.contrast)
        form.addRow(self.contrast_checklist)
        form.addRow(self.physician)

        # refuse page
        self.reason = QComboBox()
        self.reason.setObjectName("reasonCombo")
        self.reason.addItem(self.tr("— choisir le motif —"), "")
        for reason in RefusalReason:
            self.reason.addItem(language.text(reason.label), reason.value)
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("refusalText")
        self.justification.setTabChangesFocus(True)
        self.justification.setPlaceholderText(
            self.tr(
                "Justification pour le médecin demandeur (obligatoire) : "
                "ce qui manque, l'alternative proposée…"
            )
        )
        refuse_page = QWidget()
        refuse_form = QFormLayout(refuse_page)
        refuse_form.addRow(self.tr("M&otif"), self.reason)
        refuse_form.addRow(self.tr("&Justification"), self.justification)

        self.pages = QStackedWidget()
        self.pages.addWidget(accept_page)
        self.pages.addWidget(refuse_page)

        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton(
            self.tr("Envoyer la réponse"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("sendAnswer")
        self.buttons.addButton(self.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(summary, 1)
        layout.addLayout(choice)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.accept_radio.toggled.connect(lambda on: self.pages.setCurrentIndex(0 if on else 1))
        self.modality.currentIndexChanged.connect(self._modality_changed)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self._modality_changed()
        if refuse_only:  # after reading: the exam was done, only a refusal is still possible
            self.refuse_radio.setChecked(True)
            self.accept_radio.setEnabled(False)
            self.reason.setCurrentIndex(self.reason.findData(RefusalReason.IMAGES_INSUFFISANTES.value))
        for edit in (self.protocol, self.justification):
            edit.textChanged.connect(self.error.hide)
        self.confirm.toggled.connect(self.error.hide)
        self.checklist.changed.connect(self.error.hide)
        self.checklist.request_missing.connect(self._ask_missing)
        self.contrast_checklist.changed.connect(self.error.hide)
        self.contrast_checklist.request_missing.connect(self._ask_missing)
        self.physician.toggled.connect(self.error.hide)
        self.contrast.toggled.connect(self._contrast_toggled)
        self._contrast_toggled(self.contrast.isChecked())
        self.reason.currentIndexChanged.connect(self.error.hide)

    def chosen_modality(self) -> str:
        return self.modality.currentData() or self.requested

    def _modality_changed(self) -> None:
        modality = self.chosen_modality()
        self.template.blockSignals(True)
        self.template.clear()
        self.template.addItem(self.tr("— texte libre —"), "")
        for template in protocols_for(self.order, modality, self.templates):
            self.template.addItem(template.label, template.id)
        self.template.setCurrentIndex(1 if self.template.count() > 1 else 0)
        self.template.blockSignals(False)
        self._template_chosen()
        warning = radioprotection_warning(self.order, modality, self.today, language.text)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.confirm.setVisible(bool(warning))
        self.confirm.setChecked(False)
        self.checklist.show_elements(justification_elements(self.order, modality, self.today))

    def _ask_missing(self) -> None:
        """Ask the site for the missing elements: the guide's way is a refusal « informations
        insuffisantes » whose justification lists them; the site then sends a completed request."""
        self.refuse_radio.setChecked(True)
        self.reason.setCurrentIndex(self.reason.findData(RefusalReason.INFORMATIONS_INSUFFISANTES.value))
        missing = self.checklist.missing()
        if self.contrast.isChecked():
            missing += self.contrast_checklist.missing()
        self.justification.setPlainText(missing_elements_request(missing))
        self.justification.setFocus()

    def _template_chosen(self) -> None:
        chosen = next((t for t in self.templates if t.id == self.template.currentData()), None)
        if chosen is not None:
            self.protocol.setPlainText(chosen.text)
            if hasattr(self, "contrast"):  # the first call comes before the contrast box exists
                self.contrast.setChecked(protocol_uses_contrast(chosen.text))

    def _contrast_toggled(self, on: bool) -> None:
        self.error.hide()
        self.contrast_checklist.setVisible(on)
        self.physician.setVisible(on)
        if not on:
            self.physician.setChecked(False)

    def decision(self) -> Decision:
        if self.accept_radio.isChecked():
            code = self.modality.currentData()
            label = dict(MODALITIES).get(code, "")
            return Decision(
                accept=True,
                protocol=self.protocol.toPlainText(),
                modality=Coded(code, label, "DCM") if code else None,
                radioprotection_confirmed=self.confirm.isChecked(),
                missing_accepted=self.checklist.accepted_missing()
                + (self.contrast_checklist.accepted_missing() if self.contrast.isChecked() else ()),
                contrast=self.contrast.isChecked(),
                physician_at_injection=self.physician.isChecked(),
            )
        value = self.reason.currentData()
        return Decision(
            accept=False,
            reason=RefusalReason(value) if value else None,
            justification=self.justification.toPlainText(),
        )

    def _submit(self) -> None:
        try:
            check(self.order, self.decision(), self.today)
        except JustificationError as exc:
            self.error.setText(language.text(exc.user_message))
            self.error.show()
            return
        self.accept()
