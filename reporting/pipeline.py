"""Signed report in, what is sent out: the CDA and the HL7 message that carries it.

One function for the workstation's send path and for the benchmark (target: under 100 ms for a
typical report on the reference machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reporting.cda import build_cda
from reporting.hl7 import Hl7Message, Routing, wrap
from reporting.model import Report


@dataclass(frozen=True, slots=True)
class Outputs:
    cda: bytes
    message: Hl7Message


def build_and_wrap(
    report: Report,
    routing: Routing | None = None,
    *,
    control_id: str | None = None,
    now: datetime | None = None,
    first_version_as_mdm: bool = False,
) -> Outputs:
    """The CDA of a signed report and its HL7 message (ORU^R01/MDM^T02, or MDM^T10 for a new version)."""
    cda = build_cda(report)
    message = wrap(
        report, cda, routing, control_id=control_id, now=now, first_version_as_mdm=first_version_as_mdm
    )
    return Outputs(cda, message)
