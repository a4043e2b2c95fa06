"""The people and organisations the teleradiology flows name, read from and written to HL7.

Professionals are identified by their PS_IdNat (XCN-1), which for an RPPS holder is "8" followed by
the RPPS number under the OID 1.2.250.1.71.4.2.1; organisations by their Struct_IdNat in XON-10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hl7v2.escape import escape
from hl7v2.message import Segment

RPPS_AUTHORITY = "ASIP-SANTE-PS"
RPPS_OID = "1.2.250.1.71.4.2.1"
STRUCTURE_AUTHORITY = "ASIP-SANTE-ST"
STRUCTURE_OID = "1.2.250.1.71.4.2.2"
RPPS_PREFIX = "8"  # PS_IdNat type: 8 = RPPS


def components(*values: str | tuple[str, ...]) -> str:
    """One field value handed to hl7apy, which splits it back into its components.

    A tuple is a component made of sub-components (the HD inside XCN, XON, CX). Every leaf is
    escaped here, so a value can never be taken for a separator.
    """
    parts = [
        "&".join(escape(s) for s in v).rstrip("&") if isinstance(v, tuple) else escape(v) for v in values
    ]
    return "^".join(parts).rstrip("^")


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A health professional as the flows carry him (XCN): PS_IdNat, practising name, title."""

    id_nat: str
    family: str
    given: str
    title: str = ""
    authority_oid: str = field(default="", compare=False)  # XCN-9.2 as read (RPPS: 1.2.250.1.71.4.2.1)

    @classmethod
    def from_rpps(cls, rpps: str, family: str, given: str, title: str = "") -> Practitioner:
        return cls(RPPS_PREFIX + rpps, family, given, title)

    @property
    def rpps(self) -> str:
        """The RPPS number when the PS_IdNat is of the RPPS type, else ''."""
        return self.id_nat[1:] if self.id_nat.startswith(RPPS_PREFIX) and len(self.id_nat) == 12 else ""

    @property
    def display_name(self) -> str:
        title = "Dr" if self.title.upper() in {"DR", "DR."} else self.title
        return " ".join(p for p in (title, self.given, self.family) if p)

    @classmethod
    def read(cls, segment: Segment, number: int, rep: int = 0) -> Practitioner | None:
        id_nat = segment.get(number, 1, rep=rep)
        family = segment.get(number, 2, rep=rep)
        if not (id_nat or family):
            return None
        return cls(
            id_nat,
            family,
            segment.get(number, 3, rep=rep),
            segment.get(number, 6, rep=rep),
            segment.get(number, 9, 2, rep=rep),
        )

    def xcn(self) -> str:
        """XCN as in the guide: id^family^given^^^title^^^authority&OID&ISO^D^^^IDNPS."""
        authority = (RPPS_AUTHORITY, RPPS_OID, "ISO")
        return components(
            self.id_nat, self.family, self.given, "", "", self.title, "", "", authority, "D", "", "", "IDNPS"
        )


@dataclass(frozen=True, slots=True)
class Organization:
    """An organisation (XON): its name and Struct_IdNat (FINESS, IDNST...)."""

    name: str
    identifier: str
    id_type: str = "FINEG"  # Interop'Santé table 0203: FINEJ, FINEG, IDNST, UF, SVR
    authority_oid: str = field(default="", compare=False)  # XON-6.2 as read; written as STRUCTURE_OID

    @classmethod
    def read(cls, segment: Segment, number: int) -> Organization | None:
        name, identifier = segment.get(number, 1), segment.get(number, 10)
        if not (name or identifier):
            return None
        return cls(name, identifier, segment.get(number, 7), segment.get(number, 6, 2))

    def xon(self) -> str:
        """XON as in the guide: name^^^^^authority&OID&ISO^type^^^identifier."""
        authority = (STRUCTURE_AUTHORITY, STRUCTURE_OID, "ISO")
        return components(self.name, "", "", "", "", authority, self.id_type, "", "", self.identifier)
