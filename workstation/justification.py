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
from workstation.hl7.flux3 import (
    LOCAL_SYSTEM,
    RefusalReason,
    build_acceptance,
    build_refusal,
    new_control_id,
)
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


# --- the elements required before an irradiating act (public health code R.1333-53, HAS annex 1) ----

_DOSE_BY_WEIGHT = frozenset({"CT", "NM", "PT", "XA", "RF"})  # doses (and contrast) adapted to the weight


@dataclass(frozen=True, slots=True)
class JustificationElement:
    """One element the requester must give before an irradiating act, and whether the order has it.

    ``key`` is the code sent in the flux 3 answer when the radiologist accepts without it (99TLR);
    ``label`` and ``detail`` are French (translated at the Qt edge)."""

    key: str
    label: str
    present: bool
    detail: str

    @property
    def coded(self) -> Coded:
        return Coded(self.key, str(self.label), LOCAL_SYSTEM)


def justification_elements(order: Order, modality: str, on: date) -> tuple[JustificationElement, ...]:
    """What R.1333-53 asks the requester to give (motive, purpose, pregnancy circumstances, previous
    exams, the data that optimise the exposure, who asks), each present or missing in ``order``;
    empty for a non-irradiating modality. Only the elements that apply to this patient and modality
    are listed: pregnancy for a woman of childbearing age, the weight where doses follow it."""
    if modality not in IRRADIATING:
        return ()
    patient = order.patient
    given = QT_TRANSLATE_NOOP("Justification", "renseigné")
    elements = [
        JustificationElement(
            "MOTIF",
            QT_TRANSLATE_NOOP("Justification", "Motif de l'examen (renseignements cliniques, OBR-13)"),
            bool(order.clinical_information.strip()),
            given if order.clinical_information.strip() else "",
        ),
        JustificationElement(
            "FINALITE",
            QT_TRANSLATE_NOOP("Justification", "Finalité de l'examen, question posée (NTE FINALITE_EXAMEN)"),
            any(p.strip() for p in order.purpose),
            given if any(p.strip() for p in order.purpose) else "",
        ),
    ]
    age = age_on(patient.birth_date, on)
    low, high = CHILDBEARING_AGES
    if patient.sex is Sex.FEMALE and (age is None or low <= age <= high):
        known = order.pregnancy in (PregnancyStatus.YES, PregnancyStatus.NO)
        elements.append(
            JustificationElement(
                "GROSSESSE",
                QT_TRANSLATE_NOOP("Justification", "Statut de grossesse (patiente en âge de procréer)"),
                known,
                order.pregnancy.label if known and order.pregnancy is not None else "",
            )
        )
    elements.append(
        JustificationElement(
            "ANTERIORITES",
            QT_TRANSLATE_NOOP("Justification", "Antécédents et examens antérieurs (OBX 11322-5)"),
            bool(order.history),
            QT_TRANSLATE_NOOP("Justification", "{count} transmis").format(count=len(order.history))
            if order.history
            else "",
        )
    )
    if modality in _DOSE_BY_WEIGHT:
        elements.append(
            JustificationElement(
                "POIDS",
                QT_TRANSLATE_NOOP("Justification", "Poids du patient, pour optimiser la dose (OBX 29463-7)"),
                order.weight is not None,
                str(order.weight) if order.weight is not None else "",
            )
        )
    requester = order.requester or order.responsible
    elements.append(
        JustificationElement(
            "DEMANDEUR",
            QT_TRANSLATE_NOOP("Justification", "Médecin demandeur identifié (PV1-8 ou ORC-12)"),
            requester is not None,
            requester.display_name if requester is not None else "",
        )
    )
    return tuple(elements)


def missing_elements_request(missing: list[JustificationElement]) -> str:
    """The French text asking the site for what is missing (a refusal « informations insuffisantes »,
    the guide's way back to the requester: the site then sends a completed request)."""
    lines = [
        "Éléments nécessaires à la justification de l'exposition (art. R.1333-53 du code de la santé "
        "publique) ou à la sécurité de l'injection, absents de la demande :"
    ]
    lines += [f"- {e.label}" for e in missing]
    lines.append("Merci de renvoyer la demande complétée.")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the radiologist decided, before it becomes a message."""

    accept: bool
    protocol: str = ""
    modality: Coded | None = None  # only when changed from the request
    reason: RefusalReason | None = None
    justification: str = ""
    radioprotection_confirmed: bool = False
    missing_accepted: tuple[str, ...] = ()  # keys of the missing elements accepted knowingly
    contrast: bool = False  # the protocol plans an injection of a contrast agent
    physician_at_injection: bool = False  # confirmed: a physician beside the technologist


def required_elements(
    order: Order, modality: str, on: date, contrast: bool
) -> tuple[JustificationElement, ...]:
    """Everything to be present or knowingly accepted: R.1333-53's elements, and with an injection
    the contrast risks (:mod:`workstation.contrast`)."""
    from workstation.contrast import contrast_elements  # it builds on this module's element

    elements = justification_elements(order, modality, on)
    return elements + contrast_elements(order) if contrast else elements


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
        if decision.contrast and not decision.physician_at_injection:
            raise JustificationError(
                "physician presence at the injection not confirmed",
                QT_TRANSLATE_NOOP(
                    "Justification",
                    "Protocole avec injection : confirmez qu'un médecin sera présent lors de l'injection.",
                ),
            )
        missing = [
            e
            for e in required_elements(order, modality, on, decision.contrast)
            if not e.present and e.key not in decision.missing_accepted
        ]
        if missing:
            raise JustificationError(
                f"justification elements neither given nor accepted: {', '.join(e.key for e in missing)}",
                QT_TRANSLATE_NOOP(
                    "Justification",
                    "Élément manquant : {element}. Acceptez-le en connaissance de cause "
                    "ou demandez-le au site.",
                ).format(element=missing[0].label),
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
        modality = decision.modality.code if decision.modality else short_modality(order)
        missing = [
            e.coded
            for e in required_elements(order, modality, now.date(), decision.contrast)
            if not e.present and e.key in decision.missing_accepted
        ]
        return build_acceptance(
            order.request,
            radiologist,
            decision.protocol.strip(),
            modality=decision.modality,
            now=now,
            control_id=control_id,
            radioprotection_confirmed=decision.radioprotection_confirmed,
            missing_accepted=tuple(missing),
            physician_at_injection=decision.contrast and decision.physician_at_injection,
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
