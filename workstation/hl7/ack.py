"""HL7 acknowledgements (ACK): what the platform said about a message we sent.

The outbox decides from the ACK whether a message is delivered (AA), must be corrected (AE) or may
be resent later (AR), so the code, the echoed control id and the reason are all kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hl7v2.message import HL7ParseError, parse
from resources.translations import QT_TRANSLATE_NOOP


class AckCode(StrEnum):
    """MSA-1 (HL7 table 0008); the enhanced-mode codes CA/CE/CR mean the same to us."""

    AA = "AA"
    AE = "AE"
    AR = "AR"

    @property
    def label(self) -> str:
        return {
            AckCode.AA: QT_TRANSLATE_NOOP("Ack", "Message accepté"),
            AckCode.AE: QT_TRANSLATE_NOOP("Ack", "Message refusé : erreur dans le message"),
            AckCode.AR: QT_TRANSLATE_NOOP("Ack", "Message rejeté : à renvoyer plus tard"),
        }[self]


_ENHANCED = {"CA": AckCode.AA, "CE": AckCode.AE, "CR": AckCode.AR}


@dataclass(frozen=True, slots=True)
class Ack:
    code: AckCode
    control_id: str  # MSA-2: the MSH-10 of the message acknowledged
    reason: str = ""  # MSA-3 / ERR-3 / ERR-8 text, '' on AA
    error_location: str = ""  # ERR-2 as "OBX-5", '' when not given

    @property
    def accepted(self) -> bool:
        return self.code is AckCode.AA

    @property
    def user_message(self) -> str:
        if self.accepted:
            return self.code.label
        # the location and the reason are the platform's words (MSA/ERR), shown as they came
        message = self.code.label
        if self.error_location:
            message = QT_TRANSLATE_NOOP("Ack", "{message} ({where})").format(
                message=message, where=self.error_location
            )
        if self.reason:
            message = QT_TRANSLATE_NOOP("Ack", "{message} : {reason}").format(
                message=message, reason=self.reason
            )
        return message


def parse_ack(text: str) -> Ack:
    """Read an ACK; raise :class:`HL7ParseError` if it is not one or lacks MSA-1/MSA-2."""
    message = parse(text)
    if message.msh.get(9) != "ACK":
        raise HL7ParseError(
            "MSH", 9, f"expected an ACK, got {message.message_type!r}", "la réponse n'est pas un acquittement"
        )
    msa = message.one("MSA", "MSA (acquittement)")
    raw_code = msa.require(1, what="acknowledgment code", quoi="code d'acquittement")
    code = _ENHANCED.get(raw_code) or (AckCode(raw_code) if raw_code in AckCode.__members__ else None)
    if code is None:
        raise HL7ParseError("MSA", 1, "unknown acknowledgment code", "code d'acquittement inconnu")
    control_id = msa.require(2, what="acknowledged control id", quoi="identifiant du message acquitté")
    reasons = [msa.get(3)]
    location = ""
    for err in message.all("ERR"):
        reasons += [err.get(3, 2) or err.get(3, 1), err.get(8)]
        if not location and err.get(2, 1):
            location = "-".join(p for p in (err.get(2, 1), err.get(2, 3)) if p)
    reason = " ; ".join(dict.fromkeys(r.strip() for r in reasons if r.strip()))
    return Ack(code, control_id, reason, location)
