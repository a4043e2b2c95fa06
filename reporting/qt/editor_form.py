"""The report editor's writing form: the chapters with their template fields, and the radiologist's checks.

Built for one template (changing template builds a new form): each chapter's pick lists and free
text, then what only the radiologist supplies (identity check, the DLP/DAP read on the console, why
the dose is missing, incidents, the urgent-result communication) and the addendum of a new version.
The form shows values; every change the user makes goes to the editor, which turns it into an edit of
the model (``reporting.editing``) on its undo stack. Texts are in the « ReportEditor » context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reporting.fields import FieldKey, Place, TemplateValue
from reporting.model import Chapter, IdentityCheck, Narrative, Source, UrgentCommunication
from reporting.qt.editor_widgets import (
    MACRO_HELP,
    PARIS,
    URGENT_MEANS,
    UndoLineEdit,
    _ChapterEdit,
    chapter_title,
    editor_tr,
    set_badge,
)
from reporting.qt.spell_line import rehighlight_everywhere
from reporting.templates import FieldKind, ReportTemplate, TemplateField, builtin_templates

if TYPE_CHECKING:
    from reporting.qt.editor import ReportEditor

translate = QCoreApplication.translate


class WritingForm(QWidget):
    """The content of the « Rédaction » tab for ``template`` (None: free text only)."""

    NARROW = 600  # below this width of the editor (compare mode), each field goes under its label

    def __init__(self, editor: ReportEditor, template: ReportTemplate | None) -> None:
        super().__init__()
        self.editor = editor
        self.template = template
        self.field_widgets: dict[str, QWidget] = {}
        self.whole_choices: dict[str, QLabel] = {}
        self.forms: list[QFormLayout] = []
        self.chapter_edits: dict[Chapter, _ChapterEdit] = {}
        self.chapter_badges: dict[Chapter, QLabel] = {}
        self._layout = QVBoxLayout(self)
        self._build_chapters()
        self._build_verifications()
        self._layout.addStretch(1)
        for line in self.findChildren(UndoLineEdit):  # « Ajouter au dictionnaire » says so in the status
            line.on_learn = self.learn_word
            line.stepBoundary.connect(self._close_typing_step)  # a correction is an undo step of its own

    def _close_typing_step(self) -> None:
        self.editor._value_serial += 1

    def wrap_policy(self) -> QFormLayout.RowWrapPolicy:
        """Below ``NARROW`` pixels (compare mode), each field goes under its label."""
        narrow = self.editor.width() < self.NARROW
        return QFormLayout.RowWrapPolicy.WrapAllRows if narrow else QFormLayout.RowWrapPolicy.WrapLongRows

    def _whole_choice_label(self, key: str) -> QLabel:
        """Under a pick list, the whole choice when the list is too narrow to show it (never cut)."""
        label = QLabel()
        label.setObjectName(f"choix-complet-{key}")
        label.setWordWrap(True)
        label.setStyleSheet("color:#a9b0ba;font-size:9pt")
        label.hide()
        self.whole_choices[key] = label
        return label

    def fit_choices(self) -> None:
        """Show a pick list's whole choice under it when its box cuts it (narrow panel, long choice)."""
        for key, label in self.whole_choices.items():
            combo = self.field_widgets.get(key)
            if not isinstance(combo, QComboBox):
                continue
            text = combo.currentText()
            room = combo.lineEdit().width() - 8 if combo.lineEdit() is not None else combo.width() - 40
            cut = bool(text) and combo.fontMetrics().horizontalAdvance(text) > room
            if cut:
                label.setText(text)
            label.setVisible(cut)

    def _build_chapters(self) -> None:
        self.addendum_group = QGroupBox(translate("ReportEditor", "Addendum"))
        self.addendum_group.setObjectName("groupe-addendum")
        addendum_layout = QVBoxLayout(self.addendum_group)
        self.addendum = _ChapterEdit(self.editor, None, translate("ReportEditor", "Addendum"))
        self.addendum.setAccessibleName(translate("ReportEditor", "Addendum"))
        self.addendum.setPlaceholderText(
            translate("ReportEditor", "Texte de l'addendum (complément au compte rendu signé)")
        )
        addendum_layout.addWidget(self.addendum)
        self.addendum_group.hide()
        self._layout.addWidget(self.addendum_group)
        template = self.template
        for chapter in Chapter:
            part = template.chapter(chapter) if template is not None else None
            group = QGroupBox(chapter_title(chapter))
            group.setObjectName(f"groupe-{chapter.attribute}")
            group_layout = QVBoxLayout(group)
            badge = QLabel()
            badge.setObjectName(f"source-{chapter.attribute}")
            self.chapter_badges[chapter] = badge
            group_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
            if part is not None and part.fields:
                fields = QFormLayout()
                fields.setRowWrapPolicy(self.wrap_policy())
                self.forms.append(fields)
                for template_field in part.fields:
                    widget = self._field_widget(template_field)
                    if isinstance(widget, QComboBox):
                        holder = QWidget()
                        column = QVBoxLayout(holder)
                        column.setContentsMargins(0, 0, 0, 0)
                        column.setSpacing(1)
                        column.addWidget(widget)
                        column.addWidget(self._whole_choice_label(template_field.id))
                        fields.addRow(template_field.label, holder)
                    else:
                        fields.addRow(template_field.label, widget)
                group_layout.addLayout(fields)
            edit = _ChapterEdit(self.editor, chapter)
            if part is not None:
                keywords = ", ".join(template.macro_keywords(chapter)) if template is not None else ""
                if keywords:
                    macros = translate("ReportEditor", "Macros de ce chapitre : {keywords}.").format(
                        keywords=keywords
                    )
                    edit.setToolTip(f"{editor_tr(MACRO_HELP)}\n{macros}")
                    placeholder = translate("ReportEditor", "Texte libre — macros : {keywords} (puis Tab)")
                    edit.setPlaceholderText(placeholder.format(keywords=keywords))
            edit.setAccessibleName(
                translate("ReportEditor", "{chapter} : texte libre").format(chapter=chapter_title(chapter))
            )
            self.chapter_edits[chapter] = edit
            group_layout.addWidget(edit)
            self._layout.addWidget(group)

    def _field_widget(self, template_field: TemplateField) -> QWidget:
        key = TemplateValue(template_field.id)
        if template_field.kind is FieldKind.SELECTION:
            combo = QComboBox()
            combo.setEditable(True)
            combo.setLineEdit(UndoLineEdit(self.editor._stack, combo, self.editor._speller))
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItems(list(template_field.choices))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
            combo.setToolTip(
                translate(
                    "ReportEditor",
                    "Choisissez dans la liste (flèches haut/bas), ou tapez le début d'un choix : "
                    "il est complété et Tab le valide. Une autre valeur peut aussi être tapée.",
                )
            )
            combo.lineEdit().textEdited.connect(lambda text, k=key: self.editor._field_typed(k, text))
            combo.activated.connect(
                lambda index, k=key, c=combo: self.editor._field_picked(k, c.itemText(index))
            )
            combo.installEventFilter(self.editor._focus_watcher)  # the combo forwards focus to its line edit
            widget: QWidget = combo
        else:
            line = UndoLineEdit(self.editor._stack, checker=self.editor._speller)
            line.textEdited.connect(lambda text, k=key: self.editor._field_typed(k, text))
            line.installEventFilter(self.editor._focus_watcher)
            widget = line
        widget.setObjectName(f"champ-{template_field.id}")
        widget.setAccessibleName(template_field.label)
        self.field_widgets[template_field.id] = widget
        return widget

    def _build_verifications(self) -> None:
        group = QGroupBox(translate("ReportEditor", "Vérifications du radiologue"))
        layout = QVBoxLayout(group)
        whole = translate(
            "ReportEditor",
            "Identité du patient vérifiée : les images sont bien celles du patient de la demande",
        )
        self.identity = QCheckBox(translate("ReportEditor", "Identité du patient vérifiée"))
        self.identity.setObjectName("identite-verifiee")
        self.identity.setAccessibleName(whole)
        self.identity.setToolTip(whole)
        self.identity.clicked.connect(self.editor._identity_clicked)
        self.identity_badge = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.identity)
        row.addWidget(self.identity_badge)
        row.addStretch(1)
        layout.addLayout(row)
        explanation = QLabel(
            translate("ReportEditor", "Les images sont bien celles du patient de la demande.")
        )
        explanation.setObjectName("identite-explication")
        explanation.setWordWrap(True)
        explanation.setIndent(24)
        explanation.setBuddy(self.identity)
        layout.addWidget(explanation)
        self.dose_row = QWidget()
        dose_layout = QFormLayout(self.dose_row)
        dose_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.dose_form = dose_layout
        dose_layout.setContentsMargins(0, 0, 0, 0)
        self.typed_dlp = self._number_field(
            "pdl-saisi", Place.TYPED_DLP, translate("ReportEditor", "ex. 850,5")
        )
        dose_layout.addRow(translate("ReportEditor", "PDL total lu sur la console (mGy·cm)"), self.typed_dlp)
        self.typed_dap = self._number_field(
            "pds-saisi", Place.TYPED_DAP, translate("ReportEditor", "ex. 0,92")
        )
        dose_layout.addRow(translate("ReportEditor", "PDS total lu sur l'appareil (dGy·cm²)"), self.typed_dap)
        self.dose_reason = UndoLineEdit(self.editor._stack, checker=self.editor._speller)
        self.dose_reason.setObjectName("motif-absence-dose")
        self.dose_reason.setPlaceholderText(
            translate("ReportEditor", "À remplir seulement si la dose ne peut pas être importée")
        )
        self.dose_reason.textEdited.connect(
            lambda text: self.editor._field_typed(Place.DOSE_MISSING_REASON, text)
        )
        self.dose_reason.installEventFilter(self.editor._focus_watcher)
        dose_layout.addRow(translate("ReportEditor", "Motif d'absence de dose"), self.dose_reason)
        layout.addWidget(self.dose_row)
        self.number_error = QLabel()
        self.number_error.setObjectName("erreur-nombre")
        self.number_error.setStyleSheet("color:#b3261e")
        self.number_error.hide()
        layout.addWidget(self.number_error)
        incident_row = QHBoxLayout()
        self.incident = UndoLineEdit(self.editor._stack, checker=self.editor._speller)
        self.incident.setObjectName("incident")
        self.incident.setPlaceholderText(
            translate("ReportEditor", "Incident technique ou indésirable (ex. réaction au contraste)")
        )
        self.incident.returnPressed.connect(self.editor._add_incident)
        self.incident_button = QPushButton(translate("ReportEditor", "Ajouter l'incident"))
        self.incident_button.setObjectName("ajouter-incident")
        self.incident_button.clicked.connect(self.editor._add_incident)
        incident_row.addWidget(self.incident, 1)
        incident_row.addWidget(self.incident_button)
        layout.addLayout(incident_row)
        urgent_row = QHBoxLayout()
        self.urgent_recipient = UndoLineEdit(self.editor._stack, checker=self.editor._speller)
        self.urgent_recipient.setObjectName("urgence-destinataire")
        self.urgent_recipient.setPlaceholderText(
            translate("ReportEditor", "Résultat urgent communiqué à (nom, fonction)")
        )
        self.urgent_recipient.returnPressed.connect(self.editor._record_urgent)
        self.urgent_means = QComboBox()
        self.urgent_means.setObjectName("urgence-moyen")
        for means in URGENT_MEANS:
            self.urgent_means.addItem(editor_tr(means), means)
        self.urgent_button = QPushButton(translate("ReportEditor", "Noter l'appel"))
        self.urgent_button.setObjectName("noter-urgence")
        self.urgent_button.setToolTip(
            translate("ReportEditor", "Note à qui, comment et quand le résultat urgent a été communiqué.")
        )
        self.urgent_button.clicked.connect(self.editor._record_urgent)
        layout.addWidget(self.urgent_recipient)  # on its own line: the panel can be narrow
        urgent_row.addWidget(self.urgent_means, 1)
        urgent_row.addWidget(self.urgent_button)
        layout.addLayout(urgent_row)
        self.urgent_label = QLabel()
        self.urgent_label.setObjectName("urgence-notee")
        self.urgent_label.setWordWrap(True)
        layout.addWidget(self.urgent_label)
        self._layout.addWidget(group)

    def _number_field(self, name: str, key: Place, example: str) -> QLineEdit:
        line = UndoLineEdit(self.editor._stack, spell_check=False)  # a number: nothing to spell
        line.setObjectName(name)
        line.setPlaceholderText(
            translate("ReportEditor", "seulement si les images ne le donnent pas ({example})").format(
                example=example
            )
        )
        line.textEdited.connect(lambda text, k=key: self.editor._field_typed(k, text))
        line.installEventFilter(self.editor._focus_watcher)
        return line

    def show_urgent(self, urgent: UrgentCommunication | None) -> None:
        if urgent is None:
            self.urgent_label.setText("")
            self.urgent_label.hide()
            return
        at = urgent.at.astimezone(PARIS) if urgent.at.tzinfo else urgent.at
        self.urgent_label.setText(
            translate(
                "ReportEditor", "Résultat communiqué en urgence par {means} à {recipient} le {date} à {time}."
            ).format(
                means=editor_tr(urgent.means),
                recipient=urgent.recipient,
                date=f"{at:%d/%m/%Y}",
                time=f"{at:%H:%M}",
            )
        )
        self.urgent_label.show()

    def tab_chain(self) -> list[QWidget]:
        """The form's widgets in the order Tab walks them (the editor adds its own after them)."""
        chain: list[QWidget] = [self.addendum]
        for chapter in Chapter:
            part = self.template.chapter(chapter) if self.template else None
            if part is not None:
                chain.extend(self.field_widgets[f.id] for f in part.fields)
            chain.append(self.chapter_edits[chapter])
        chain += [
            self.identity,
            self.typed_dlp,
            self.typed_dap,
            self.dose_reason,
            self.incident,
            self.incident_button,
            self.urgent_recipient,
            self.urgent_means,
            self.urgent_button,
        ]
        return chain

    def show_number_errors(self, wrong: tuple[Place, ...]) -> None:
        """Say which typed dose values are not numbers (``EditModel.invalid_numbers``): they are ignored."""
        self.number_error.setVisible(bool(wrong))
        if wrong:
            quantity = {
                (Place.TYPED_DLP,): translate("ReportEditor", "PDL"),
                (Place.TYPED_DAP,): translate("ReportEditor", "PDS"),
                (Place.TYPED_DLP, Place.TYPED_DAP): translate("ReportEditor", "PDL et PDS"),
            }[wrong]
            self.number_error.setText(
                translate(
                    "ReportEditor",
                    "{quantity} : nombre positif attendu (virgule décimale acceptée) ; valeur ignorée.",
                ).format(quantity=quantity)
            )

    def show_field(self, key: TemplateValue, value: str) -> None:
        widget = self.field_widgets.get(key.field_id)
        if isinstance(widget, QComboBox):
            if widget.currentText() != value:
                # -1 for a value of its own (or none): the arrow keys then start from the first choice
                widget.setCurrentIndex(widget.findText(value, Qt.MatchFlag.MatchExactly))
                widget.setEditText(value)
            if not widget.hasFocus():
                widget.lineEdit().setCursorPosition(0)  # long choices are read from their start
            if key.field_id in self.whole_choices:
                self.editor._fit_timer.start()
        elif isinstance(widget, QLineEdit) and widget.text() != value:
            widget.setText(value)

    def show_identity(self, check: IdentityCheck | None) -> None:
        self.identity.setChecked(check is not None and check.verified)
        if check is not None and check.verified:
            set_badge(self.identity_badge, check.source)
        else:
            self.identity_badge.setText("")
            self.identity_badge.setStyleSheet("")

    def show_chapter_source(self, chapter: Chapter, narrative: Narrative) -> None:
        badge = self.chapter_badges[chapter]
        if narrative.is_blank or narrative.source is Source.USER:
            badge.hide()
        else:
            badge.show()
            set_badge(badge, narrative.source, translate("ReportEditor", "Texte repris de : {source}"))

    def show_value(self, key: FieldKey, value: object, invalid_numbers: tuple[Place, ...]) -> None:
        """Show a value of the model (chapter texts and the addendum are shown by their document, the
        incidents by the list of injected items)."""
        if key is Place.IDENTITY_CHECK:
            self.show_identity(value if isinstance(value, IdentityCheck) else None)
        elif key in (Place.DOSE_MISSING_REASON, Place.TYPED_DLP, Place.TYPED_DAP):
            line = {
                Place.DOSE_MISSING_REASON: self.dose_reason,
                Place.TYPED_DLP: self.typed_dlp,
                Place.TYPED_DAP: self.typed_dap,
            }[key]
            if line.text() != value:
                line.setText(str(value))
            self.show_number_errors(invalid_numbers)
        elif key is Place.URGENT_COMMUNICATION:
            self.show_urgent(value if isinstance(value, UrgentCommunication) else None)
        elif isinstance(key, TemplateValue):
            self.show_field(key, str(value))

    def learn_word(self, word: str) -> None:
        """Add a word to the personal dictionary (the user's settings) and stop underlining it."""
        status = self.editor._status
        try:
            self.editor._speller.add_personal(word)
        except OSError:
            text = translate(
                "ReportEditor", "Dictionnaire personnel impossible à écrire : « {word} » reste souligné."
            )
            status.setText(text.format(word=word))
            return
        rehighlight_everywhere()  # the chapters and one-line fields of every open editor
        status.setText(
            translate("ReportEditor", "« {word} » ajouté au dictionnaire personnel.").format(word=word)
        )

    def widget_for(self, key: FieldKey) -> QWidget | None:
        """The widget that shows ``key``'s value (where an undo of it scrolls to), if the form has one."""
        if isinstance(key, TemplateValue):
            return self.field_widgets.get(key.field_id)
        widgets: dict[FieldKey, QWidget] = {
            Place.IDENTITY_CHECK: self.identity,
            Place.DOSE_MISSING_REASON: self.dose_reason,
            Place.TYPED_DLP: self.typed_dlp,
            Place.TYPED_DAP: self.typed_dap,
            Place.URGENT_COMMUNICATION: self.urgent_label,
        }
        return widgets.get(key)


class TemplateChoice(QComboBox):
    """The template list: « Sans modèle », the built-in templates, and the report's own when it is
    none of them; ``chosen(template or None)`` when the user picks one."""

    chosen = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("modele")
        self.setToolTip(
            translate(
                "ReportEditor",
                "Modèle de compte rendu. En changer garde le texte déjà écrit (en texte libre) ; "
                "l'historique d'annulation repart de zéro.",
            )
        )
        # long template titles must not widen the panel: the list shows them whole when opened
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self._templates: dict[str, ReportTemplate] = {}
        self.activated.connect(self._activated)

    def show_template(self, current: ReportTemplate | None) -> None:
        self.clear()
        self.addItem(translate("ReportEditor", "Sans modèle"), None)
        known = list(builtin_templates())
        if current is not None and all(t.id != current.id for t in known):
            known.append(current)
        for template in known:
            self.addItem(template.title, template.id)
        self._templates = {t.id: t for t in known}
        self.setCurrentIndex(max(self.findData(current.id if current else None), 0))

    def _activated(self, index: int) -> None:
        template_id = self.itemData(index)
        self.chosen.emit(self._templates.get(template_id) if template_id else None)
