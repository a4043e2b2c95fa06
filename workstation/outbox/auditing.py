"""The outbox's audit records, written through the workstation's :class:`~workstation.audit.AuditTrail`.

A report or an addendum settled by the platform becomes a REPORT_SENT record, a refusal a
REFUSAL_SENT record, with the message's MSH-10, the order and the patient identifier (never a
name); an AE is recorded with a failure outcome and the platform's reason. The journal has no event
kind yet for a protocol answer or an audit chain head: those are not recorded here.
"""

from __future__ import annotations

from auth.session import Identity
from workstation.audit import AuditTrail, Outcome
from workstation.outbox.store import ItemState, MessageKind, OutboxItem


class TrailOutboxAuditor:
    def __init__(self, trail: AuditTrail, platform_url: str) -> None:
        self._trail = trail
        self._platform_url = platform_url

    def message_settled(self, item: OutboxItem) -> None:
        if item.kind not in (MessageKind.REPORT, MessageKind.ADDENDUM, MessageKind.REFUSAL):
            return
        user = Identity(item.sender.login, item.sender.rpps, "", "")
        delivered = item.state is ItemState.DELIVERED
        outcome = Outcome.SUCCESS if delivered else Outcome.MINOR_FAILURE
        description = "" if delivered else f"refused by the platform ({item.ack_code} {item.ack_location})"
        record = self._trail.refusal_sent if item.kind is MessageKind.REFUSAL else self._trail.report_sent
        record(
            user,
            item.order_id,
            item.patient_id,
            item.control_id,
            self._platform_url,
            outcome,
            description.strip(),
        )
