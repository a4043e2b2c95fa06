"""The report being written, as a Qt-free model: what the editor panel shows and changes.

The editor (``reporting.qt.editor``) is a view of an :class:`EditModel`: the model holds every value
the radiologist can change, each under a typed key of ``reporting.fields`` (a chapter's free text, a
template field, the identity check, the dose read on the console, the incidents and the urgent
communication added, the addendum), and :meth:`EditModel.report` composes the report to check, save
and sign from them. A change is an :class:`Edit`, a command object with ``redo`` and ``undo``: the
editor's undo stack holds Qt commands that each wrap one, so what is undone is exactly what the model
was told, and the model can be driven and tested without a display.

The model tells its views which key changed through ``changed`` (``resources.events.Listeners``).
Nothing here knows about widgets or about the undo stack: typing merged into one step, the labels of
the undo menu and where the screen scrolls on undo are the view's business.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from reporting.fields import ChapterText, FieldKey, Place, TemplateValue
from reporting.markdown import xml_safe
from reporting.measurements import measurement_text
from reporting.model import (
    Chapter,
    DoseReport,
    IdentityCheck,
    Incident,
    Measurement,
    Narrative,
    Report,
    Source,
    Sourced,
    UrgentCommunication,
)
from reporting.templates import ReportTemplate, compose_chapter, split_chapter
from resources.events import Listeners
from resources.translations import QT_TRANSLATE_NOOP

PROJECTION = frozenset({"CR", "DX", "RF", "XA", "IO", "PX"})  # acts whose dose is the DAP (22/09/2006)
TYPED_DOSES = ((Place.TYPED_DLP, "total_dlp_mgy_cm"), (Place.TYPED_DAP, "total_dap_dgy_cm2"))


@dataclass(slots=True)
class Edit:
    """One change of one value: ``redo`` puts ``new``, ``undo`` puts ``old`` back.

    ``typing`` edits of the same key and the same ``serial`` (the view's count of typing pauses:
    focus lost, cursor moved, another edit in between) merge into one, as a word processor merges
    the letters of a word into one undo step."""

    key: FieldKey
    old: object
    new: object
    typing: bool = False
    serial: int = 0

    def redo(self, model: EditModel) -> None:
        model.put(self.key, self.new)

    def undo(self, model: EditModel) -> None:
        model.put(self.key, self.old)

    def merge(self, other: Edit) -> bool:
        """Take ``other`` into this edit when both are the same typing; False otherwise."""
        if other.key != self.key or not (self.typing and other.typing) or other.serial != self.serial:
            return False
        self.new = other.new
        return True


class EditModel:
    """The values of the report being edited, keyed by ``reporting.fields`` keys.

    ``base`` is the report as loaded (what was injected: patient, acts, dose, participants...);
    ``template`` the one it is written with. Loading splits each chapter into the template's field
    values and the free text; :meth:`report` joins them again."""

    def __init__(self, report: Report, template: ReportTemplate | None = None) -> None:
        self.changed: Listeners[FieldKey] = Listeners("reporting.editing")
        self._values: dict[FieldKey, object] = {}
        self._inserted: list[Measurement] = []
        self.load(report, template)

    # --- loading ----------------------------------------------------------------------------------

    def load(self, report: Report, template: ReportTemplate | None) -> None:
        """Edit ``report`` with ``template`` from now on (nothing of the previous report is kept)."""
        self.base = report
        self.template = template
        self._values = {}
        self._inserted = []
        for chapter in Chapter:
            narrative = report.chapter(chapter)
            part = template.chapter(chapter) if template is not None else None
            free = narrative.text
            if part is not None:
                if narrative.is_blank:
                    values, free = part.default_values(), part.text
                else:
                    values, free = split_chapter(part, narrative.text)
                for template_field in part.fields:
                    self._values[TemplateValue(template_field.id)] = values[template_field.id]
            self._values[ChapterText(chapter)] = free
        self._values[Place.IDENTITY_CHECK] = report.identity_check
        self._values[Place.DOSE_MISSING_REASON] = report.dose_missing_reason
        self._values[Place.TYPED_DLP] = ""
        self._values[Place.TYPED_DAP] = ""
        self._values[Place.INCIDENTS] = ()  # added here; the report's own stay in ``base``
        self._values[Place.URGENT_COMMUNICATION] = report.urgent_communication
        self._values[Place.ADDENDUM] = report.addendum.text if report.addendum is not None else ""

    def with_template(self, template: ReportTemplate | None) -> Report:
        """The report to load for writing on with ``template``: what was written stays (the old
        template's fields become free text), and a chapter still at the old template's defaults is
        emptied so that it takes the new one's."""
        current = self.report()
        old = self.template
        chapters: dict[str, Any] = {}
        for chapter in Chapter:
            narrative = current.chapter(chapter)
            if old is not None and narrative.text == old.default_text(chapter):
                chapters[chapter.attribute] = Narrative("", narrative.source)
        return replace(current, **chapters)

    # --- values -----------------------------------------------------------------------------------

    def value(self, key: FieldKey) -> object:
        return self._values[key]

    def text(self, key: FieldKey) -> str:
        """A text value (free text, template field, typed number, dose reason, addendum)."""
        value = self._values.get(key, "")
        return value if isinstance(value, str) else ""

    def put(self, key: FieldKey, value: object) -> None:
        """Set a value (what an :class:`Edit` does) and tell the views."""
        if key not in self._values:
            raise KeyError(f"{key} is not a value of this report")
        self._values[key] = value
        self.changed.emit(key)

    def revise(self, edit: Edit, new: object) -> None:
        """Make the last applied ``edit`` end at ``new``: the view's text merged more typing into the
        step it already recorded."""
        edit.new = new
        self.put(edit.key, new)

    # --- the edits the radiologist makes -------------------------------------------------------------

    def edit(self, key: FieldKey, new: object, typing: bool = False, serial: int = 0) -> Edit | None:
        """The edit setting ``key`` to ``new``; None when it is already that."""
        old = self._values[key]
        if old == new:
            return None
        return Edit(key, old, new, typing, serial)

    def identity_edit(self, checked: bool, at: datetime) -> Edit:
        """The radiologist checks (or unchecks) that the images are those of the patient."""
        detail = "vérifiée par le radiologue" if checked else "vérification retirée par le radiologue"
        check = IdentityCheck(checked, Source.USER, at, detail)
        return Edit(Place.IDENTITY_CHECK, self._values[Place.IDENTITY_CHECK], check)

    def incident_edit(self, text: str) -> Edit | None:
        """A technical or adverse incident recorded by the radiologist (None for blank text)."""
        description = " ".join(xml_safe(text).split())
        if not description:
            return None
        old = self._values[Place.INCIDENTS]
        assert isinstance(old, tuple)
        return Edit(Place.INCIDENTS, old, (*old, Incident(description, Source.USER)))

    def urgent_edit(self, recipient: str, means: str, at: datetime) -> Edit | None:
        """The urgent result was told to ``recipient`` by ``means`` (French) at ``at``; None for blank."""
        who = " ".join(xml_safe(recipient).split())
        if not who:
            return None
        new = UrgentCommunication(who, at, Source.USER, means)
        return Edit(Place.URGENT_COMMUNICATION, self._values[Place.URGENT_COMMUNICATION], new)

    def add_measurement(self, record: Measurement) -> None:
        """A measurement inserted as text in a chapter: the report keeps its record only while its
        sentence is in a chapter, so undoing or editing the insertion drops it."""
        self._inserted.append(record)

    def invalid_numbers(self) -> tuple[Place, ...]:
        """The typed dose values that are not positive numbers (they are ignored, and said so)."""
        return tuple(
            key for key, _ in TYPED_DOSES if self.text(key).strip() and decimal_number(self.text(key)) is None
        )

    # --- the report ---------------------------------------------------------------------------------

    def chapter_text(self, chapter: Chapter) -> str:
        """The chapter as the report will say it: the template's field lines, then the free text."""
        free = self.text(ChapterText(chapter))
        part = self.template.chapter(chapter) if self.template is not None else None
        if part is None:
            return free
        values = {f.id: self.text(TemplateValue(f.id)) for f in part.fields}
        return compose_chapter(part, values, free)

    def report(self) -> Report:
        """The report as edited: chapters, identity check, dose, incidents, urgent communication,
        measurements and addendum from the values; everything else as loaded."""
        base = self.base
        changes: dict[str, Any] = {}
        for chapter in Chapter:
            text = self.chapter_text(chapter)
            original = base.chapter(chapter)
            changes[chapter.attribute] = original if text == original.text else Narrative(text, Source.USER)
        changes["identity_check"] = self._values[Place.IDENTITY_CHECK]
        changes["dose_missing_reason"] = self._values[Place.DOSE_MISSING_REASON]
        changes["dose"] = self._dose_with_typed_values()
        added = self._values[Place.INCIDENTS]
        assert isinstance(added, tuple)
        changes["incidents"] = base.incidents + added
        changes["urgent_communication"] = self._values[Place.URGENT_COMMUNICATION]
        changes["measurements"] = self._kept_measurements()
        if base.addendum is not None:
            text = self.text(Place.ADDENDUM)
            same = text == base.addendum.text
            changes["addendum"] = base.addendum if same else replace(base.addendum, text=text)
        return replace(base, **changes)

    def _kept_measurements(self) -> tuple[Measurement, ...]:
        """The report's measurements, once each: those it came with, and those inserted here whose
        sentence is still in a chapter (an undone or edited insertion takes its record away)."""
        texts = "\n".join(self.chapter_text(chapter) for chapter in Chapter)
        kept: list[Measurement] = list(dict.fromkeys(self.base.measurements))
        for record in self._inserted:
            sentence = " ".join(xml_safe(measurement_text(record)).split("\n")).strip()
            if sentence in texts and record not in kept:
                kept.append(record)
        return tuple(kept)

    def _dose_with_typed_values(self) -> DoseReport | None:
        """Values read on the console fill what the images lack; they never replace a measured value."""
        dose = self.base.dose
        for key, attribute in TYPED_DOSES:
            value = decimal_number(self.text(key))
            if value is not None and (dose is None or getattr(dose, attribute) is None):
                detail = QT_TRANSLATE_NOOP("reporting.Sourced", "lu sur la console par le radiologue")
                typed: dict[str, Any] = {attribute: Sourced(value, Source.USER, detail)}
                dose = replace(dose or DoseReport(), **typed)
        return dose

    # --- what the form offers -------------------------------------------------------------------------

    def asks_dlp(self) -> bool:
        """A CT whose images give no total DLP: the console's value can be typed."""
        dose = self.base.dose
        ct = any(act.modality.code == "CT" for act in self.base.acts)
        return ct and (dose is None or dose.total_dlp_mgy_cm is None)

    def asks_dap(self) -> bool:
        """A projection act whose images give no DAP: the device's value can be typed."""
        dose = self.base.dose
        projection = any(act.modality.code in PROJECTION for act in self.base.acts)
        return projection and (dose is None or dose.total_dap_dgy_cm2 is None)


def decimal_number(text: str) -> Decimal | None:
    """A positive number typed the French way (``850,5``) or with a dot; None when it is not one."""
    try:
        value = Decimal(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None
