"""« Demander des images complémentaires »: the radiologist asks the site for more images while the
patient may still be on the table (HAS guide, supervising the acquisition; SNITEM §2.1.1; issue 23).

The request (a coded reason, the series or sequences wanted, free text) goes to the site through the
platform (``POST /api/v1/orders/{order}/complementary-images``, docs/ARCHITECTURE.md): the ANS guide
has no flow for it, and a flux 3 refusal would close the order. The platform writes it in the order's
history, which the site's worklist and the case's history show, and the order waits for the new
series (``WorklistEntry.awaiting_images``) until the site's next flux 4. On this workstation the
request is a safety decision of the audit journal (COMPLEMENTARY_IMAGES_REQUESTED) with the user,
the time, the order, the patient and the platform's request id, written once the platform took it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from resources.translations import QT_TRANSLATE_NOOP
from workstation.app import Workstation, patient_id
from workstation.audit.model import EventKind
from workstation.worklist import WorklistRow

log = logging.getLogger(__name__)

MAX_SERIES = 20


class ComplementaryReason(Enum):
    """The platform's reason codes (teleplatform.workflow.COMPLEMENTARY_REASONS), labelled here."""

    SERIE_MANQUANTE = "SERIE_MANQUANTE"
    TEMPS_INJECTE = "TEMPS_INJECTE"
    COUVERTURE_INCOMPLETE = "COUVERTURE_INCOMPLETE"
    QUALITE_INSUFFISANTE = "QUALITE_INSUFFISANTE"
    RECONSTRUCTION = "RECONSTRUCTION"
    AUTRE = "AUTRE"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ComplementaryReason.SERIE_MANQUANTE: QT_TRANSLATE_NOOP("Complementary", "Série ou séquence manquante"),
    ComplementaryReason.TEMPS_INJECTE: QT_TRANSLATE_NOOP("Complementary", "Temps injecté nécessaire"),
    ComplementaryReason.COUVERTURE_INCOMPLETE: QT_TRANSLATE_NOOP(
        "Complementary", "Couverture anatomique incomplète"
    ),
    ComplementaryReason.QUALITE_INSUFFISANTE: QT_TRANSLATE_NOOP(
        "Complementary", "Qualité insuffisante (artefacts, mouvement)"
    ),
    ComplementaryReason.RECONSTRUCTION: QT_TRANSLATE_NOOP("Complementary", "Reconstruction supplémentaire"),
    ComplementaryReason.AUTRE: QT_TRANSLATE_NOOP("Complementary", "Autre"),
}


class ComplementaryError(Exception):
    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class ComplementaryRequest:
    """What the radiologist asks: the wanted series one per line as typed, free text optional
    (required for « Autre »)."""

    reason: ComplementaryReason
    series: tuple[str, ...]
    text: str = ""

    def problems(self) -> list[str]:
        """French sentences saying what is missing; empty when the request can be sent."""
        found: list[str] = []
        if not self.series:
            found.append(
                QT_TRANSLATE_NOOP("Complementary", "Indiquez au moins une série ou séquence souhaitée.")
            )
        elif len(self.series) > MAX_SERIES or any(len(s) > 200 for s in self.series):
            found.append(
                QT_TRANSLATE_NOOP(
                    "Complementary", "Au plus 20 séries ou séquences, de 200 caractères au plus chacune."
                )
            )
        if self.reason is ComplementaryReason.AUTRE and not self.text.strip():
            found.append(QT_TRANSLATE_NOOP("Complementary", "Le motif « Autre » demande une précision."))
        if len(self.text) > 2000:
            found.append(QT_TRANSLATE_NOOP("Complementary", "Précisions : 2 000 caractères au plus."))
        return found


def wanted_series(text: str) -> tuple[str, ...]:
    """One wanted series or sequence per non-empty line."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def ask_complementary_images(ws: Workstation, row: WorklistRow, request: ComplementaryRequest) -> str:
    """Send the request to the platform, then journal it; returns the platform's request id.

    Raises :class:`ComplementaryError` (incomplete request) or the client's PlatformError (refused,
    unreachable: nothing is journaled, since nothing was asked).
    """
    problems = request.problems()
    if problems:
        raise ComplementaryError("incomplete complementary-image request", problems[0])
    answer = ws.client.request_complementary_images(
        row.order_id,
        {"reason_code": request.reason.value, "series": list(request.series), "text": request.text.strip()},
    )
    request_id = str(answer.get("request_id") or "")
    ws.audit.safety_decision(
        EventKind.COMPLEMENTARY_IMAGES_REQUESTED,
        ws.identity,
        row.order_id,
        patient_id(row),
        (("REQUEST", request_id), ("REASON", request.reason.value), ("SERIES", str(len(request.series)))),
        f"complementary images requested: {request.reason.value}, {len(request.series)} series",
    )
    log.info("complementary images %s requested on order %s", request_id, row.order_id)
    return request_id
