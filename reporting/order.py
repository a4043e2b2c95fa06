"""What a report needs from the imaging site's HL7 messages: the order (flux 1, ORM^O01) and the
post-exam complement (flux 4, OMI^O23) of the ANS teleradiology guide.

Read with hl7apy, tolerantly: sites fill these messages loosely, so a missing or malformed value
is a French warning, never an exception, and the report's pre-sign checks say what is still
missing. Every value read is tagged with its source (order or complement) when it enters a report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from hl7apy.core import Segment

from reporting import terminology
from reporting.hl7 import read_segments, unescape
from reporting.model import (
    ATC,
    DCM,
    LOINC,
    PHYSICIAN,
    RPPS_ROOT,
    STRUCTURE_ROOT,
    AdministeredProduct,
    Code,
    Identifier,
    Organization,
    PatientIdentity,
    Professional,
    Sex,
    Source,
    VisitNumber,
)

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
ESTABLISHMENT_ID_TYPES = {"FINEG", "FINEJ"}  # FINESS-registered: a health establishment
PRACTICE_SETTINGS = {
    True: Code("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
    False: Code("AMBULATOIRE", "1.2.250.1.213.1.1.4.9", "Ambulatoire"),
}
UCUM_UNITS = {"ml": "mL", "l": "L", "mg": "mg", "g": "g", "mbq": "MBq"}
_TS = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?(?:([+-])(\d{2})(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class SiteMessage:
    """One message of the imaging site, reduced to what the report uses."""

    kind: str  # "ORM^O01" or "OMI^O23"
    control_id: str
    source: Source
    sender_application: str = ""  # MSH-3/4: the imaging site's system, to which the report goes back
    sender_facility: str = ""
    receiver_application: str = ""  # MSH-5/6: the platform, sender of the report
    receiver_facility: str = ""
    order_control: str = ""
    patient: PatientIdentity | None = None
    placer_order: Identifier | None = None
    encounter_class: str = ""
    visit: VisitNumber | None = None
    site: Organization | None = None
    site_doctor: Professional | None = None  # ORC-12 (else OBR-16): responsible doctor of the site
    radiologist: Professional | None = None  # ORC-11: remote radiologist, when known
    requester: Professional | None = None  # PV1-8 only: referring (requesting) doctor, when sent
    justification: str = ""  # OBR-13
    purpose: str = ""  # NTE FINALITE_EXAMEN
    modality: str = ""
    region: Code | None = None
    history: str = ""
    pregnant: bool | None = None
    accession: Identifier | None = None  # IPC-1
    study_instance_uid: str = ""  # IPC-3
    act: Code | None = None  # CODE_ACTE_IMAGERIE (LOINC)
    act_time: datetime | None = None  # TQ1-7
    products: tuple[AdministeredProduct, ...] = ()
    equipment_model: str = ""
    warnings: tuple[str, ...] = field(default=())


def parse_site_message(text: str) -> SiteMessage:
    """Read an ORM^O01 (flux 1) or OMI^O23 (flux 4); ``Hl7Error`` only if it is not HL7 at all."""
    segments = read_segments(text)
    return _Reader(segments).message()


def hl7_datetime(text: str) -> datetime | None:
    """An HL7 TS (French local time unless an offset is given); None when empty or malformed."""
    match = _TS.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    tz: timezone | ZoneInfo = PARIS
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz
        )
    except ValueError:
        return None


def _child(element: object, number: int) -> object | None:
    for child in getattr(element, "children", ()):
        if child.name.rsplit("_", 1)[-1] == str(number):
            return child
    return None


def get(
    segment: Segment | None, number: int, component: int | None = None, sub: int | None = None, rep: int = 0
) -> str:
    """The unescaped text of a field, component or subcomponent ("" when absent)."""
    if segment is None:
        return ""
    repetitions = segment.children.get(f"{segment.name}_{number}")
    if len(repetitions) <= rep:
        return ""
    element: object | None = repetitions[rep]
    for position in (component, sub):
        if position is None or element is None:
            continue
        child = _child(element, position)
        if (
            child is None
            and position == 1
            and not any(c.name.rsplit("_", 1)[-1].isdigit() for c in getattr(element, "children", ()))
        ):
            continue  # a simple value: its first component is itself
        element = child
    return unescape(element.to_er7()) if element is not None else ""  # type: ignore[attr-defined]


def repetitions(segment: Segment | None, number: int) -> int:
    return len(segment.children.get(f"{segment.name}_{number}")) if segment is not None else 0


class _Reader:
    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.msh = segments[0]
        kind = f"{get(self.msh, 9, 1)}^{get(self.msh, 9, 2)}"
        self.kind = kind
        self.source = Source.COMPLEMENT_HL7 if kind.startswith("OMI") else Source.ORDER_HL7
        self.warnings: list[str] = []

    def first(self, name: str) -> Segment | None:
        return next((s for s in self.segments if s.name == name), None)

    def all(self, name: str) -> list[Segment]:
        return [s for s in self.segments if s.name == name]

    def warn(self, where: str, detail: str, message: str) -> None:
        log.warning("%s %s: %s", get(self.msh, 10), where, detail)
        self.warnings.append(f"{message} ({where}).")

    def message(self) -> SiteMessage:
        orc = self.first("ORC")
        pv1 = self.first("PV1")
        obr = self.first("OBR")
        obx = self._observations()
        return SiteMessage(
            kind=self.kind,
            control_id=get(self.msh, 10),
            source=self.source,
            sender_application=get(self.msh, 3, 1),
            sender_facility=get(self.msh, 4, 1),
            receiver_application=get(self.msh, 5, 1),
            receiver_facility=get(self.msh, 6, 1),
            order_control=get(orc, 1),
            patient=self._patient(),
            placer_order=self._placer(orc, obr),
            encounter_class=get(pv1, 2),
            visit=self._visit(pv1),
            site=self._site(orc),
            site_doctor=self._site_doctor(orc, obr),
            radiologist=self._professional(orc, 11),
            requester=self._professional(pv1, 8),
            justification=get(obr, 13),
            purpose=self._purpose(),
            modality=self._coded(obx.get("MODALITE_IMAGERIE"), 1),
            region=self._region(obx.get("REGION_ANATOMIQUE", [])),
            history="\n".join(get(o, 5) for o in obx.get("11322-5", []) if get(o, 5)),
            pregnant=self._pregnancy(obx.get("82810-3")),
            accession=self._accession(),
            study_instance_uid=get(self.first("IPC"), 3, 1),
            act=self._act(obx.get("CODE_ACTE_IMAGERIE")),
            act_time=self._act_time(),
            products=self._products(obx.get("PRODUIT_ADMINISTRE", [])),
            equipment_model=self._equipment(obx.get("APPAREIL_IMAGERIE", [])),
            warnings=tuple(self.warnings),
        )

    def _observations(self) -> dict[str, list[Segment]]:
        grouped: dict[str, list[Segment]] = {}
        for obx in self.all("OBX"):
            grouped.setdefault(get(obx, 3, 1), []).append(obx)
        return grouped

    def _patient(self) -> PatientIdentity | None:
        pid = self.first("PID")
        if pid is None:
            self.warn("PID", "no PID segment", "Identité du patient absente")
            return None
        ins: Identifier | None = None
        others: list[Identifier] = []
        for rep in range(repetitions(pid, 3)):
            value, root, kind = get(pid, 3, 1, rep=rep), get(pid, 3, 4, 2, rep=rep), get(pid, 3, 5, rep=rep)
            if not value:
                continue
            if kind in ("INS", "INS-NIR", "INS-NIA") and ins is None:
                ins = Identifier(root, value)
            elif root:
                others.append(Identifier(root, value))
        if ins is None:
            self.warn("PID-3", "no INS identifier", "Matricule INS absent")
        legal = next((rep for rep in range(repetitions(pid, 5)) if get(pid, 5, 7, rep=rep) == "L"), 0)
        used = next((rep for rep in range(repetitions(pid, 5)) if get(pid, 5, 7, rep=rep) == "D"), None)
        birth_family = get(pid, 5, 1, 1, rep=legal)
        first_given = get(pid, 5, 2, rep=legal)
        given_names = get(pid, 5, 3, rep=legal) or first_given
        sex = {"F": Sex.FEMALE, "M": Sex.MALE}.get(get(pid, 8), Sex.UNKNOWN)
        birth = hl7_datetime(get(pid, 7))
        if get(pid, 7) and birth is None:
            self.warn("PID-7", "malformed birth date", "Date de naissance illisible")
        cog = ""
        for rep in range(repetitions(pid, 11)):
            if get(pid, 11, 7, rep=rep) == "BDL":
                cog = get(pid, 11, 9, rep=rep)
        return PatientIdentity(
            ins=ins,
            birth_family=birth_family,
            birth_given_names=given_names,
            first_given=first_given,
            sex=sex,
            birth_date=birth.date() if birth else None,
            source=self.source,
            birth_place_cog=cog,
            used_family=get(pid, 5, 1, 1, rep=used) if used is not None else "",
            used_given=get(pid, 5, 2, rep=used) if used is not None else "",
            identity_status=get(pid, 32),
            other_ids=tuple(others),
        )

    def _placer(self, orc: Segment | None, obr: Segment | None) -> Identifier | None:
        for segment in (orc, obr):
            value = get(segment, 2, 1)
            if value:
                return Identifier(get(segment, 2, 3), value)
        self.warn("ORC-2", "no placer order number", "Numéro de demande absent")
        return None

    def _visit(self, pv1: Segment | None) -> VisitNumber | None:
        value = get(pv1, 19, 1)
        if not value:
            return None
        return VisitNumber(value, get(pv1, 19, 4, 1), get(pv1, 19, 4, 2), get(pv1, 19, 4, 3))

    def _site(self, orc: Segment | None) -> Organization | None:
        name = get(orc, 21, 1)
        number = get(orc, 21, 10)
        if not (name or number):
            return None
        id_type = get(orc, 21, 7)
        root = get(orc, 21, 6, 2) or STRUCTURE_ROOT
        return Organization(
            Identifier(root, number) if number else None,
            name,
            self.source,
            id_type=id_type,
            practice_setting=PRACTICE_SETTINGS[id_type in ESTABLISHMENT_ID_TYPES],
        )

    def _site_doctor(self, orc: Segment | None, obr: Segment | None) -> Professional | None:
        """The site's responsible doctor: ORC-12, else OBR-16 ("identique à l'ORC-12" in the guide).

        Neither field is ever read as the requesting physician: the guide gives both to the
        responsible doctor (PSResponsable) and the requester travels in PV1-8 (Referring Doctor).
        """
        in_orc = self._professional(orc, 12)
        in_obr = self._professional(obr, 16)
        if in_orc is None:
            return in_obr
        if in_obr is not None and in_obr.idnat and in_orc.idnat and in_obr.idnat != in_orc.idnat:
            self.warn(
                "OBR-16",
                f"OBR-16 {in_obr.idnat} differs from ORC-12 {in_orc.idnat}",
                "Le médecin responsable de l'OBR-16 diffère de celui de l'ORC-12 : l'ORC-12 est retenu",
            )
        return in_orc

    def _professional(self, segment: Segment | None, number: int) -> Professional | None:
        idnat = get(segment, number, 1)
        family = get(segment, number, 2, 1) or get(segment, number, 2)
        if not (idnat or family):
            return None
        root = get(segment, number, 9, 2)
        if root and root != RPPS_ROOT:
            self.warn(
                f"{segment.name}-{number}",
                f"professional id root {root}",  # type: ignore[union-attr]
                "Identifiant de professionnel hors RPPS",
            )
        return Professional(
            idnat,
            family,
            get(segment, number, 3),
            self.source,
            title=get(segment, number, 6),
            profession=PHYSICIAN,
        )

    def _purpose(self) -> str:
        return "\n".join(
            get(nte, 3) for nte in self.all("NTE") if get(nte, 4, 1) == "FINALITE_EXAMEN" and get(nte, 3)
        )

    def _coded(self, observations: list[Segment] | None, component: int) -> str:
        return get(observations[0], 5, component) if observations else ""

    def _region(self, observations: list[Segment]) -> Code | None:
        main = [o for o in observations if get(o, 4).endswith(".1") or not get(o, 4)]
        if not main:
            return None
        code = get(main[0], 5, 1)
        return terminology.region(code, get(main[0], 5, 2)) if code else None

    def _pregnancy(self, observations: list[Segment] | None) -> bool | None:
        value = self._coded(observations, 1)
        return {"Y": True, "N": False}.get(value)

    def _accession(self) -> Identifier | None:
        ipc = self.first("IPC")
        value = get(ipc, 1, 1)
        return Identifier(get(ipc, 1, 3), value) if value else None

    def _act(self, observations: list[Segment] | None) -> Code | None:
        if not observations:
            return None
        code = get(observations[0], 5, 1)
        system = get(observations[0], 5, 3)
        if not code:
            return None
        if system not in ("LN", "LOINC", ""):
            self.warn("OBX CODE_ACTE_IMAGERIE", f"coding system {system}", "Code d'acte hors LOINC ignoré")
            return None
        return Code(code, LOINC, get(observations[0], 5, 2), "LOINC")

    def _act_time(self) -> datetime | None:
        tq1 = self.first("TQ1")
        text = get(tq1, 7, 1)
        moment = hl7_datetime(text)
        if text and moment is None:
            self.warn("TQ1-7", "malformed timestamp", "Date de l'examen illisible")
        return moment

    def _products(self, observations: list[Segment]) -> tuple[AdministeredProduct, ...]:
        """PRODUIT_ADMINISTRE observations, grouped by OBX-4 'n.m' (1 ATC code, 2 lot, 3 quantity)."""
        groups: dict[str, dict[str, Segment]] = {}
        for obx in observations:
            group, _, part = get(obx, 4).partition(".")
            groups.setdefault(group, {})[part] = obx
        products = []
        for parts in groups.values():
            atc_code = get(parts.get("1"), 5, 1)
            lot = get(parts.get("2"), 5)
            quantity_text = get(parts.get("3"), 5)
            quantity = None
            if quantity_text:
                try:
                    quantity = Decimal(quantity_text.replace(",", "."))
                except InvalidOperation:
                    self.warn("OBX PRODUIT_ADMINISTRE", "malformed quantity", "Quantité de produit illisible")
            if not (atc_code or lot):
                continue
            name = get(parts.get("1"), 5, 2) or (
                f"Produit ATC {atc_code}" if atc_code else "Produit administré"
            )
            unit = get(parts.get("3"), 6, 1)
            products.append(
                AdministeredProduct(
                    name=name,
                    source=self.source,
                    atc=Code(atc_code, ATC, get(parts.get("1"), 5, 2), "ATC") if atc_code else None,
                    lot=lot,
                    quantity=quantity,
                    unit=UCUM_UNITS.get(unit.lower(), unit),
                )
            )
        return tuple(products)

    def _equipment(self, observations: list[Segment]) -> str:
        for obx in observations:
            if get(obx, 4).endswith(".2"):
                return get(obx, 5)
        return ""


def modality_code(text: str) -> Code | None:
    """A DICOM modality code as a DCM code, None for the order-only codes (MED-1126...)."""
    code = text.strip().upper()
    if not code or not code.isalpha() or len(code) > 6:
        return None
    found = terminology.modality(code)
    return found if found.display else Code(code, DCM, "", "DCM")
