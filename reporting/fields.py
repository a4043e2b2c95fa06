"""Typed keys for the places of a report: what an edit changes and where a pre-sign check points.

The editor used to address the report with dotted strings (``"fields.resultats-foie"``,
``"participants.author.idnat"``, ``"acts[0].ccam"``) that it parsed back with a regular
expression to know which widget to focus. A typo in one of those strings was silently a jump to
nowhere. Here each place is a value of a type the code can match on:

- :class:`Place`: a fixed place of the report (the patient, the dose, the author...);
- :class:`ChapterText`: the free text of one of the four ANS chapters;
- :class:`TemplateValue`: one field of the template the report is written with;
- :class:`Item`: one element of a list of the report (an act, a product, an incident), or one of
  its parts (an act's CCAM code or localisation).

``str(key)`` is the old dotted path, kept for logs, the command line's refusal list and tooltips.
Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reporting.model import Chapter


class Place(StrEnum):
    """A fixed place of the report (its value is the dotted path shown in logs and tooltips)."""

    STATUS = "status"
    PATIENT = "patient"
    PATIENT_INS = "patient.ins"
    IDENTITY_CHECK = "identity_check"
    ACTS = "acts"
    PRODUCTS = "products"
    INCIDENTS = "incidents"
    DOSE = "dose"
    DOSE_EQUIPMENT = "dose.equipment"
    DOSE_MISSING_REASON = "dose_missing_reason"
    TYPED_DLP = "typed_dlp"  # the DLP read on the console when the images lack it
    TYPED_DAP = "typed_dap"  # the DAP read on the device when the images lack it
    URGENT_COMMUNICATION = "urgent_communication"
    AUTHOR = "participants.author"
    AUTHOR_ID = "participants.author.idnat"
    SITE_DOCTOR = "participants.site_doctor"
    REQUESTER = "participants.requester"
    TECHNOLOGIST = "participants.technologist"
    CUSTODIAN = "participants.custodian"
    PLACER_ORDER = "order.placer_order"
    ACCESSION = "order.accession"
    STUDY_UID = "order.study_instance_uid"
    REQUESTED_AT = "order.requested_at"
    ACT_TIME = "act_time"
    ACT_END_TIME = "act_end_time"
    INTERPRETATION_TIME = "interpretation_time"
    TELERADIOLOGY_MENTION = "teleradiology_mention"
    ADDENDUM = "addendum"


@dataclass(frozen=True, slots=True)
class ChapterText:
    """The text of a chapter (with a template: its free text; the fields are :class:`TemplateValue`)."""

    chapter: Chapter

    def __str__(self) -> str:
        return f"chapters.{self.chapter.attribute}"


@dataclass(frozen=True, slots=True)
class TemplateValue:
    """The value of one field of the report's template, by the field's id."""

    field_id: str

    def __str__(self) -> str:
        return f"fields.{self.field_id}"


class ItemPart(StrEnum):
    CCAM = "ccam"
    LOCALISATION = "localisation"


@dataclass(frozen=True, slots=True)
class Item:
    """The ``index``-th element of a list of the report (``collection``), or one ``part`` of it."""

    collection: Place
    index: int
    part: ItemPart | None = None

    def __str__(self) -> str:
        whole = f"{self.collection.value}[{self.index}]"
        return f"{whole}.{self.part.value}" if self.part is not None else whole


FieldKey = Place | ChapterText | TemplateValue | Item

_PARENTS = {
    Place.PATIENT_INS: Place.PATIENT,
    Place.AUTHOR_ID: Place.AUTHOR,
    Place.DOSE_EQUIPMENT: Place.DOSE,
}


def parent(key: FieldKey) -> FieldKey | None:
    """The place that contains ``key`` (an act's code → the act → the acts), None at the top: where the
    editor shows an issue whose own place has no row of its own."""
    if isinstance(key, Item):
        return Item(key.collection, key.index) if key.part is not None else key.collection
    if isinstance(key, Place):
        return _PARENTS.get(key)
    return None
