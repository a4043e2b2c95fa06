"""Justifying an order (flux 3): accept it with a protocol, or refuse it with a traced reason.

The charter makes the remote radiologist responsible for the justification of an irradiating exam.
This module holds what the decision needs, without Qt: the protocol templates (data in
``resources/protocols``), the radioprotection check that asks for an explicit confirmation, and
:func:`build_answer`, which turns the decision into the ORU^R01 the outbox will deliver.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from resources.translations import QT_TRANSLATE_NOOP
from workstation.hl7 import Coded, Practitioner
from workstation.hl7.flux3 import RefusalReason, build_acceptance, build_refusal, new_control_id
from workstation.orders import Order, PregnancyStatus, Sex
from workstation.worklist import fold, short_modality

log = logging.getLogger(__name__)

IRRADIATING = frozenset({"CT", "DX", "CR", "RX", "XA", "RF", "MG", "NM", "PT", "IO", "PX"})
_RADIOGRAPHY = frozenset({"DX", "CR", "RX"})
CHILDBEARING_AGES = (12, 50)


class JustificationError(ValueError):
    """The decision cannot be sent as it is; ``user_message`` says what to fix."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class ProtocolTemplate:
    id: str
    label: str
    modality: str
    regions: tuple[str, ...]
    text: str

    def fits(self, modality: str, region_text: str) -> bool:
        same = modality == self.modality or {modality, self.modality} <= _RADIOGRAPHY
        return same and (not self.regions or any(r in region_text for r in self.regions))


def load_protocols() -> list[ProtocolTemplate]:
    raw = resources.files("resources.protocols").joinpath("protocoles.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return [
        ProtocolTemplate(p["id"], p["label"], p["modality"], tuple(p.get("regions", ())), p["text"])
        for p in data["protocols"]
    ]


def protocols_for(order: Order, modality: str, templates: list[ProtocolTemplate]) -> list[ProtocolTemplate]:
    """The templates of the requested modality, those matching the requested region first."""
    regions = fold(" ".join(r.label for r in order.regions))

    def coverage(template: ProtocolTemplate) -> float:  # the most specific template first
        return sum(r in regions for r in template.regions) / max(1, len(template.regions))

    matching = sorted((t for t in templates if t.fits(modality, regions)), key=coverage, reverse=True)
    others = [t for t in templates if t not in matching and t.fits(modality, "")]
    return matching + [t for t in others if not t.regions] + [t for t in others if t.regions]


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def radioprotection_warning(order: Order, modality: str, on: date, tr: Callable[[str], str] = str) -> str:
    """What needs an explicit confirmation before an irradiating protocol, or ''; French unless the
    Qt edge passes its ``tr`` (``language.text``)."""
    if modality not in IRRADIATING:
        return ""
    patient = order.patient
    age = age_on(patient.birth_date, on)
    reasons = []
    if order.pregnancy is PregnancyStatus.YES:
        reasons.append(QT_TRANSLATE_NOOP("Justification", "la patiente est enceinte"))
    if age is not None and age < 18:
        reasons.append(
            QT_TRANSLATE_NOOP("Justification", "le patient est un enfant ({age} ans)").format(age=age)
        )
    low, high = CHILDBEARING_AGES
    childbearing = patient.sex is Sex.FEMALE and (age is None or low <= age <= high)
    if childbearing and order.pregnancy in (None, PregnancyStatus.UNKNOWN):
        reasons.append(
            QT_TRANSLATE_NOOP(
                "Justification", "patiente en âge de procréer sans statut de grossesse renseigné"
            )
        )
    if not reasons:
        return ""
    warning = QT_TRANSLATE_NOOP(
        "Justification",
        "Examen irradiant : {reasons}. Confirmez que le bénéfice attendu justifie l'exposition et "
        "qu'aucune alternative non irradiante n'est adaptée.",
    )
    return tr(warning.format(reasons=" ; ".join(tr(r) for r in reasons)))


@dataclass(frozen=True, slots=True)
class Decision:
    """What the radiologist decided, before it becomes a message."""

    accept: bool
    protocol: str = ""
    modality: Coded | None = None  # only when changed from the request
    reason: RefusalReason | None = None
    justification: str = ""
    radioprotection_confirmed: bool = False


def check(order: Order, decision: Decision, on: date) -> None:
    """Raise :class:`JustificationError` for a decision that must not leave the workstation."""
    if order.cancelled:
        raise JustificationError(
            "order cancelled", QT_TRANSLATE_NOOP("Justification", "Cette demande a été annulée par le site.")
        )
    if order.request is None:
        raise JustificationError(
            "no request message", QT_TRANSLATE_NOOP("Justification", "La demande d'origine est introuvable.")
        )
    if decision.accept:
        if not decision.protocol.strip():
            raise JustificationError(
                "empty protocol",
                QT_TRANSLATE_NOOP("Justification", "Rédigez ou choisissez un protocole avant d'accepter."),
            )
        modality = decision.modality.code if decision.modality else short_modality(order)
        if radioprotection_warning(order, modality, on) and not decision.radioprotection_confirmed:
            raise JustificationError(
                "radioprotection not confirmed",
                QT_TRANSLATE_NOOP("Justification", "Confirmez la justification de l'examen irradiant."),
            )
        return
    if decision.reason is None:
        raise JustificationError(
            "no refusal reason", QT_TRANSLATE_NOOP("Justification", "Choisissez le motif du refus.")
        )
    if len(decision.justification.strip()) < 10:
        raise JustificationError(
            "justification too short",
            QT_TRANSLATE_NOOP(
                "Justification",
                "Rédigez la justification du refus pour le médecin demandeur (10 caractères au moins).",
            ),
        )


def build_answer(order: Order, decision: Decision, radiologist: Practitioner, now: datetime) -> str:
    """The ORU^R01 of the decision (checked first); its MSH-10 identifies it in the outbox."""
    check(order, decision, now.date())
    assert order.request is not None
    control_id = new_control_id()
    if decision.accept:
        return build_acceptance(
            order.request,
            radiologist,
            decision.protocol.strip(),
            modality=decision.modality,
            now=now,
            control_id=control_id,
        )
    assert decision.reason is not None
    return build_refusal(
        order.request,
        radiologist,
        decision.reason.coded,
        decision.justification.strip(),
        now=now,
        control_id=control_id,
    )
