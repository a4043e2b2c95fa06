"""Contrast safety before accepting a protocol with an injection (charter §4.1; 2020 charter).

Contraindications are searched jointly with the site: renal function, allergies, metformin and a
previous reaction to a contrast agent are shown from the request, or shown missing; the radiologist
accepts a missing one knowingly (or asks the site for it, like any justification element) and
confirms that a physician will be present beside the technologist during the injection. That
confirmation travels with the protocol (flux 3 OBX PRESENCE_MEDECIN_INJECTION) and is audited.

Qt-free; the justification dialog shows these elements with the same checklist as R.1333-53's.
"""

from __future__ import annotations

import re

from hl7v2.order import RENAL_FUNCTION
from resources.translations import QT_TRANSLATE_NOOP
from workstation.justification import JustificationElement
from workstation.orders import Order
from workstation.worklist import fold

_WITHOUT = re.compile(
    r"\bsans (injection|produit de contraste|contraste)( d[eu] (produit de )?contraste)?( iode)?\b"
    r"|\bangio-?irm (tof|time of flight)\b"  # the time-of-flight angiography needs no injection
)
_WITH = re.compile(r"\b(injection|injecte|contraste|gadolini|iode|angio)")


def protocol_uses_contrast(protocol: str) -> bool:
    """Whether a protocol's text plans an injection: a mention of injection, contrast, iodine,
    gadolinium or angiography that is not only "sans injection" / "sans contraste". The dialog
    shows the answer as a box the radiologist can correct: a text is read, not understood."""
    text = _WITHOUT.sub(" ", fold(protocol))
    return bool(_WITH.search(text))


def contrast_elements(order: Order) -> tuple[JustificationElement, ...]:
    """Renal function, allergies, metformin and previous reactions, each present or missing."""
    risk = order.contrast_risk
    renal = "; ".join(
        f"{RENAL_FUNCTION.get(r.code.code, r.code.label or r.code.code)} {r.value}"
        + (f" ({r.measured_at:%d/%m/%Y})" if r.measured_at is not None else "")
        for r in risk.renal_function
        if r.value is not None
    )
    none = QT_TRANSLATE_NOOP("Contrast", "aucune")
    metformin = {
        True: QT_TRANSLATE_NOOP("Contrast", "oui : à suspendre selon la fonction rénale"),
        False: QT_TRANSLATE_NOOP("Contrast", "non"),
    }
    return (
        JustificationElement(
            "FONCTION_RENALE",
            QT_TRANSLATE_NOOP("Contrast", "Fonction rénale (créatininémie ou DFG)"),
            bool(renal),
            renal,
        ),
        JustificationElement(
            "ALLERGIES",
            QT_TRANSLATE_NOOP("Contrast", "Allergies"),
            risk.allergies is not None,
            risk.allergies or none,
        ),
        JustificationElement(
            "METFORMINE",
            QT_TRANSLATE_NOOP("Contrast", "Traitement par metformine"),
            risk.metformin is not None,
            metformin[risk.metformin] if risk.metformin is not None else "",
        ),
        JustificationElement(
            "REACTION_ANTERIEURE",
            QT_TRANSLATE_NOOP("Contrast", "Réaction antérieure à un produit de contraste"),
            risk.previous_reaction is not None,
            risk.previous_reaction or none,
        ),
    )
