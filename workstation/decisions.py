"""The audit records of the radiologist's answer to an order (issue 23, charter §5).

Accepting with a protocol, refusing, confirming the justification of an irradiating exam and
confirming the contrast safety are each a record of the journal, written in the same durable unit
as the flux 3 answer that carries them (``Outbox.enqueue(..., record=...)``): a decision is in the
journal exactly when its message is queued. Details are codes and the answer's MSH-10, never
patient data.
"""

from __future__ import annotations

from auth.session import Identity
from workstation.audit.model import EventKind
from workstation.audit.trail import AuditTrail
from workstation.justification import Decision


def record_answer(
    trail: AuditTrail,
    user: Identity,
    order_id: str,
    patient_id: str,
    decision: Decision,
    control_id: str,
    modality: str,
) -> None:
    """The records of one decision: the acceptance or refusal, then each confirmation it carries."""
    message = ("MSH-10", control_id)
    if not decision.accept:
        reason = decision.reason.value if decision.reason is not None else ""
        trail.safety_decision(
            EventKind.ORDER_REFUSED,
            user,
            order_id,
            patient_id,
            (message, ("TLR_MOTIF_REFUS", reason)),
            f"refused: {reason}",
        )
        return
    details = [message, ("MODALITY", modality)]
    details += [("MISSING_ACCEPTED", key) for key in decision.missing_accepted]
    accepted = ", ".join(decision.missing_accepted) or "none"
    trail.safety_decision(
        EventKind.ORDER_ACCEPTED,
        user,
        order_id,
        patient_id,
        tuple(details),
        f"accepted with a protocol ({modality}); missing justification elements accepted: {accepted}",
    )
    if decision.radioprotection_confirmed:
        trail.safety_decision(
            EventKind.RADIOPROTECTION_CONFIRMED,
            user,
            order_id,
            patient_id,
            (message,),
            "justification of the irradiating exam confirmed",
        )
    if decision.contrast and decision.physician_at_injection:
        trail.safety_decision(
            EventKind.CONTRAST_CONFIRMED,
            user,
            order_id,
            patient_id,
            (message,),
            "protocol with contrast: risks reviewed, a physician will be present at the injection",
        )
