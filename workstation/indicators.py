"""Quality indicators for the evaluation of the teleradiology activity, without Qt.

The HAS guide asks that « l'activité et les pratiques sont évaluées » (delays of care, relevance of
requests and refusals, incidents analysed periodically) and the charter an evaluation document with
medical, organisational and technical indicators: this module computes them for a site's quality
committee, from what is already recorded and nothing else:

* the platform's worklist (docs/ARCHITECTURE.md): per order its priority, its reception time and its
  history of events with their times, as the platform wrote them when it accepted each message;
* the order read from the relayed HL7 (only three fields: the site ORC-21, the radiologist who
  answered ORC-12 and the refusal reason ORC-16 of flux 3);
* the workstation's audit journal, for the technical incidents (unreadable orders, reports the
  platform refused, TLS failures, a broken journal, failed logins).

Téléexpertise delays come from the same history: the platform writes « Téléexpertise demandée » when
a request is made and « Avis d'expert reçu » or « Téléexpertise impossible » when it is answered, each
naming the request (« Demande EXP-… », « (urgente) » for an urgent one), so one order may hold several.

What is not recorded as data (urgent communications) is listed in
:data:`NOT_AVAILABLE` with the reason, never estimated: a wrong figure in front of a quality
committee is worse than a missing one.

Statistics: the median is the usual one (mean of the two middle values for an even count); the
90th percentile is the nearest-rank percentile (the smallest observed delay such that at least 90 %
of the delays are at most it), so every figure shown is a delay that really happened.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from hl7v2.order import Order, OrderStatus, Priority
from resources.translations import QT_TRANSLATE_NOOP
from workstation.audit.journal import JournalError, read_entries
from workstation.audit.model import AuditRecord, EventKind, ObjectKind, Outcome
from workstation.platform.client import WorklistEntry

log = logging.getLogger(__name__)

# The platform's history events (teleplatform/workflow.py writes them, docs/ARCHITECTURE.md relays them).
EVENT_ACCEPTED = "Protocole envoyé"
EVENT_REFUSED = "Demande refusée"
EVENT_IMAGES = "Images disponibles"
EVENT_REPORT = "Compte rendu transmis"
EVENT_REPLACED = "Compte rendu remplacé"
EVENT_CANCELLED = "Demande annulée"
EVENT_EXPERTISE_ASKED = "Téléexpertise demandée"  # teleplatform/expertise.py
EVENT_EXPERTISE_ANSWERED = ("Avis d'expert reçu", "Téléexpertise impossible")
_EXPERTISE_REQUEST = re.compile(r"\bDemande (EXP-[0-9A-F]+)\b")

UNKNOWN_SITE = QT_TRANSLATE_NOOP("Indicators", "Site non identifié (demande illisible)")
UNKNOWN_REASON = QT_TRANSLATE_NOOP("Indicators", "Motif non précisé")


class _ReadOrder(Protocol):
    """A worklist row or a read order: the platform's entry and the order read from its HL7."""

    @property
    def entry(self) -> WorklistEntry: ...

    @property
    def order(self) -> Order | None: ...


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the indicators need of one order, with the times of its steps (None: not happened)."""

    order_id: str
    site: str
    radiologist: str  # who validated or refused the order (flux 3 ORC-12); '' when not answered
    priority: Priority
    status: OrderStatus
    received_at: datetime
    answered_at: datetime | None = None  # first validation or refusal
    refused_at: datetime | None = None
    refusal_reason: str = ""  # French label (or code) of ORC-16
    images_at: datetime | None = None
    report_at: datetime | None = None  # first report transmitted
    replacements: int = 0  # replacement reports (addenda) transmitted
    cancelled: bool = False
    expertise: tuple[tuple[bool, float], ...] = ()  # (urgent, minutes asked → answered) per request

    @property
    def urgent(self) -> bool:
        return self.priority is Priority.URGENT


def _expertise_delays(entry: WorklistEntry) -> tuple[tuple[bool, float], ...]:
    """Each answered téléexpertise request of the order: its urgency and its delay in minutes."""
    asked: dict[str, tuple[bool, datetime]] = {}
    delays = []
    for event in entry.history:
        found = _EXPERTISE_REQUEST.search(event.detail)
        if found is None:
            continue
        request = found.group(1)
        if event.event == EVENT_EXPERTISE_ASKED:
            asked.setdefault(request, ("(urgente)" in event.detail, event.at))
        elif event.event in EVENT_EXPERTISE_ANSWERED and request in asked:
            urgent, at = asked.pop(request)
            delays.append((urgent, (event.at - at).total_seconds() / 60))
    return tuple(delays)


def order_facts(entry: WorklistEntry, order: Order | None) -> OrderFacts:
    """The facts of one order from its platform entry and, when it could be read, its HL7 order."""
    first: dict[str, datetime] = {}
    replacements = 0
    for event in entry.history:
        first.setdefault(event.event, event.at)
        replacements += event.event == EVENT_REPLACED
    refused_at = first.get(EVENT_REFUSED)
    answers = [t for t in (first.get(EVENT_ACCEPTED), refused_at) if t is not None]
    site = order.site.name if order is not None and order.site.name else str(UNKNOWN_SITE)
    radiologist, reason = "", ""
    response = order.response if order is not None else None
    if response is not None:
        if response.radiologist is not None:
            radiologist = response.radiologist.display_name
        coded = response.refusal_reason
        if coded:
            reason = coded.label or coded.code
    refused = refused_at is not None or entry.status is OrderStatus.REFUSE
    if refused and not reason:
        reason = str(UNKNOWN_REASON)
    return OrderFacts(
        order_id=entry.order_id,
        site=site,
        radiologist=radiologist,
        priority=entry.priority,
        status=entry.status,
        received_at=entry.received_at,
        answered_at=min(answers) if answers else None,
        refused_at=refused_at if refused else None,
        refusal_reason=reason if refused else "",
        images_at=first.get(EVENT_IMAGES),
        report_at=first.get(EVENT_REPORT),
        replacements=replacements,
        cancelled=entry.status is OrderStatus.ANNULE
        or EVENT_CANCELLED in first
        or (order is not None and order.cancellation is not None),
        expertise=_expertise_delays(entry),
    )


def facts_of(rows: Iterable[_ReadOrder]) -> list[OrderFacts]:
    """The facts of worklist rows (:class:`~workstation.worklist.WorklistRow` or ``ReadOrder``)."""
    return [order_facts(r.entry, r.order) for r in rows]


class IncidentKind(StrEnum):
    """Technical incidents the audit journal records."""

    DEMANDE_ILLISIBLE = "demande_illisible"
    CR_NON_ACCEPTE = "cr_non_accepte"
    REFUS_NON_ACCEPTE = "refus_non_accepte"
    ECHEC_TLS = "echec_tls"
    JOURNAL_ALTERE = "journal_altere"
    ECHEC_AUTHENTIFICATION = "echec_authentification"

    @property
    def label(self) -> str:
        return {
            IncidentKind.DEMANDE_ILLISIBLE: QT_TRANSLATE_NOOP("Indicators", "Demande illisible (HL7)"),
            IncidentKind.CR_NON_ACCEPTE: QT_TRANSLATE_NOOP(
                "Indicators", "Compte rendu non accepté par la plateforme"
            ),
            IncidentKind.REFUS_NON_ACCEPTE: QT_TRANSLATE_NOOP(
                "Indicators", "Refus non accepté par la plateforme"
            ),
            IncidentKind.ECHEC_TLS: QT_TRANSLATE_NOOP("Indicators", "Échec de connexion sécurisée (TLS)"),
            IncidentKind.JOURNAL_ALTERE: QT_TRANSLATE_NOOP("Indicators", "Journal d'audit altéré"),
            IncidentKind.ECHEC_AUTHENTIFICATION: QT_TRANSLATE_NOOP("Indicators", "Échec d'authentification"),
        }[self]


@dataclass(frozen=True, slots=True)
class Incident:
    kind: IncidentKind
    at: datetime
    order_id: str = ""  # the order concerned, when the record names one


def _incident_kind(record: AuditRecord) -> IncidentKind | None:
    failed = record.outcome is not Outcome.SUCCESS
    match record.kind:
        case EventKind.ORDER_VIEWED if failed:
            return IncidentKind.DEMANDE_ILLISIBLE
        case EventKind.REPORT_SENT if failed:
            return IncidentKind.CR_NON_ACCEPTE
        case EventKind.REFUSAL_SENT if failed:
            return IncidentKind.REFUS_NON_ACCEPTE
        case EventKind.TLS_FAILURE:
            return IncidentKind.ECHEC_TLS
        case EventKind.CHAIN_BROKEN:
            return IncidentKind.JOURNAL_ALTERE
        case EventKind.LOGIN_FAILURE:
            return IncidentKind.ECHEC_AUTHENTIFICATION
    return None


def incidents_of(records: Iterable[AuditRecord]) -> list[Incident]:
    """The incidents among audit records (the journal's other records are the normal activity)."""
    found = []
    for record in records:
        kind = _incident_kind(record)
        if kind is None:
            continue
        order_id = next((o.id for o in record.objects if o.kind is ObjectKind.ORDER), "")
        found.append(Incident(kind, record.at, order_id))
    return found


def journal_incidents(path: Path) -> tuple[list[Incident], str]:
    """The incidents of this workstation's audit journal, and a French note when it cannot be read.

    The records are read without verifying the seal: these are counts for a committee, not
    evidence (``python -m workstation.audit verify`` is the auditor's tool). A journal that cannot
    be read gives no count at all rather than a partial one.
    """
    try:
        return incidents_of(entry.record for entry in read_entries(path)), ""
    except FileNotFoundError:
        return [], ""  # nothing audited yet on this workstation: no incident either
    except (JournalError, OSError) as exc:
        log.error("indicators: audit journal unreadable: %s", exc)
        note = QT_TRANSLATE_NOOP(
            "Indicators",
            "Le journal d'audit de ce poste n'a pas pu être lu : les incidents ne sont pas comptés.",
        )
        return [], str(note)


@dataclass(frozen=True, slots=True)
class Selection:
    """The committee's question: orders received in [start, end), of a site, answered by a radiologist."""

    start: datetime | None = None
    end: datetime | None = None
    site: str = ""  # '' for every site
    radiologist: str = ""  # '' for every radiologist

    def __post_init__(self) -> None:
        for moment in (self.start, self.end):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("selection bounds must be timezone-aware")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("the selection ends before it starts")

    def in_period(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)

    def keeps(self, facts: OrderFacts) -> bool:
        return (
            self.in_period(facts.received_at)
            and (not self.site or facts.site == self.site)
            and (not self.radiologist or facts.radiologist == self.radiologist)
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.site or self.radiologist)


@dataclass(frozen=True, slots=True)
class DelayStats:
    """Delays in minutes: how many, their median and 90th percentile (None when there are none)."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: Sequence[float]) -> DelayStats:
        if not minutes:
            return cls(0, None, None)
        ordered = sorted(minutes)
        return cls(len(ordered), statistics.median(ordered), nearest_rank(ordered, 90))


def nearest_rank(ordered: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile of sorted values: the value of rank ceil(p/100 × n)."""
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.total if self.total else None


class Delay(StrEnum):
    REPONSE = "reponse"
    INTERPRETATION = "interpretation"
    EXPERTISE = "expertise"

    @property
    def label(self) -> str:
        return {
            Delay.REPONSE: QT_TRANSLATE_NOOP("Indicators", "Demande reçue → validée ou refusée"),
            Delay.INTERPRETATION: QT_TRANSLATE_NOOP(
                "Indicators", "Images disponibles → compte rendu transmis"
            ),
            Delay.EXPERTISE: QT_TRANSLATE_NOOP(
                "Indicators", "Téléexpertise demandée → avis rendu ou impossible"
            ),
        }[self]


class Group(StrEnum):
    URGENT = "urgent"
    ROUTINE = "routine"
    TOUS = "tous"

    @property
    def label(self) -> str:
        return {
            Group.URGENT: QT_TRANSLATE_NOOP("Indicators", "Urgent"),
            Group.ROUTINE: QT_TRANSLATE_NOOP("Indicators", "Non urgent"),
            Group.TOUS: QT_TRANSLATE_NOOP("Indicators", "Ensemble"),
        }[self]


NOT_AVAILABLE: tuple[tuple[str, str], ...] = (
    (
        QT_TRANSLATE_NOOP("Indicators", "Communications urgentes et leur délai"),
        QT_TRANSLATE_NOOP(
            "Indicators",
            "La communication d'un résultat urgent n'est écrite que dans le texte du compte rendu, "
            "pas enregistrée comme une donnée datée que l'on puisse compter.",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Indicators:
    """Every figure of a selection, as the screen, the CSV and the PDF show them."""

    selection: Selection
    received: int
    urgent: int
    delays: dict[tuple[Delay, Group], DelayStats]
    refusals: Rate
    refusals_by_reason: dict[str, int]  # French label -> count, most frequent first
    refusals_by_site: dict[str, Rate]
    cancellations: Rate
    cancellations_by_site: dict[str, Rate]
    addenda: Rate  # orders whose report was replaced, among those with a report transmitted
    incidents: dict[IncidentKind, int]
    sites: tuple[str, ...] = ()
    not_available: tuple[tuple[str, str], ...] = field(default=NOT_AVAILABLE)


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def compute(
    facts: Iterable[OrderFacts], incidents: Iterable[Incident] = (), selection: Selection | None = None
) -> Indicators:
    """The indicators of the orders kept by ``selection`` and the incidents of its period.

    With a site or radiologist chosen, only the incidents naming one of the kept orders count: a
    TLS failure or a failed login belongs to no site.
    """
    selection = selection or Selection()
    kept = [f for f in facts if selection.keeps(f)]
    delays: dict[tuple[Delay, Group], DelayStats] = {}
    for delay in Delay:
        values: dict[Group, list[float]] = {g: [] for g in Group}
        for f in kept:
            measured: list[tuple[bool, float | None]]
            if delay is Delay.EXPERTISE:  # one per answered request, grouped by its own urgency
                measured = list(f.expertise)
            elif delay is Delay.REPONSE:
                measured = [(f.urgent, _minutes(f.received_at, f.answered_at))]
            else:
                measured = [(f.urgent, _minutes(f.images_at, f.report_at))]
            for urgent, minutes in measured:
                if minutes is None or minutes < 0:  # a step without its start, or clocks disagreeing
                    continue
                values[Group.URGENT if urgent else Group.ROUTINE].append(minutes)
                values[Group.TOUS].append(minutes)
        for group, minutes_list in values.items():
            delays[(delay, group)] = DelayStats.of(minutes_list)
    sites = sorted({f.site for f in kept})
    per_site = {s: [f for f in kept if f.site == s] for s in sites}
    refused = [f for f in kept if f.refused_at is not None]
    reasons = Counter(f.refusal_reason for f in refused)
    cancelled = [f for f in kept if f.cancelled]
    reported = [f for f in kept if f.report_at is not None]
    ids = {f.order_id for f in kept}
    counted = Counter(
        i.kind
        for i in incidents
        if selection.in_period(i.at) and (not selection.narrowed or i.order_id in ids)
    )
    return Indicators(
        selection=selection,
        received=len(kept),
        urgent=sum(f.urgent for f in kept),
        delays=delays,
        refusals=Rate(len(refused), len(kept)),
        refusals_by_reason=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        refusals_by_site={
            s: Rate(sum(f.refused_at is not None for f in fs), len(fs)) for s, fs in per_site.items()
        },
        cancellations=Rate(len(cancelled), len(kept)),
        cancellations_by_site={s: Rate(sum(f.cancelled for f in fs), len(fs)) for s, fs in per_site.items()},
        addenda=Rate(sum(f.replacements > 0 for f in reported), len(reported)),
        incidents={k: counted[k] for k in IncidentKind if counted[k]},
        sites=tuple(sites),
    )


# --- French formatting, shared by the screen, the CSV and the PDF ---------------------------------


def french_number(value: float, places: int = 1) -> str:
    """« 12,5 » : decimal comma, no trailing ',0'."""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_minutes(minutes: float | None) -> str:
    """A delay as a committee reads it: « 42,5 min », « 2 h 05 », « 3 j 4 h »; « — » when none."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{french_number(minutes)} min"
    total = math.floor(minutes + 0.5)  # half up: 100,5 min is 1 h 41, not Python's banker's 1 h 40
    hours, rest = divmod(total, 60)
    if hours < 48:
        return f"{hours} h {rest:02d}"
    days, hours = divmod(hours, 24)
    return f"{days} j {hours} h"


def format_rate(rate: Rate) -> str:
    """« 12 / 200 (6 %) »; « 0 / 0 » without a percentage when there is nothing to divide."""
    percent = rate.percent
    if percent is None:
        return f"{rate.count} / {rate.total}"
    return f"{rate.count} / {rate.total} ({french_number(percent)} %)"


def period_label(selection: Selection) -> str:
    start, end = selection.start, selection.end
    if start is None and end is None:
        return QT_TRANSLATE_NOOP("Indicators", "toute la période enregistrée")
    if (
        start is not None
        and end is not None
        and start.timetz().replace(tzinfo=None) == end.timetz().replace(tzinfo=None) == datetime.min.time()
    ):  # whole days (the screen's filter): the last day is included
        return QT_TRANSLATE_NOOP("Indicators", "du {start} au {end} inclus").format(
            start=f"{start:%d/%m/%Y}", end=f"{end - timedelta(days=1):%d/%m/%Y}"
        )
    if start is None:
        return QT_TRANSLATE_NOOP("Indicators", "jusqu'au {end}").format(end=f"{end:%d/%m/%Y %H:%M}")
    if end is None:
        return QT_TRANSLATE_NOOP("Indicators", "depuis le {start}").format(start=f"{start:%d/%m/%Y %H:%M}")
    return QT_TRANSLATE_NOOP("Indicators", "du {start} au {end}").format(
        start=f"{start:%d/%m/%Y %H:%M}", end=f"{end:%d/%m/%Y %H:%M}"
    )


def to_csv(ind: Indicators) -> str:
    """The indicators as a CSV for a spreadsheet in French (';' separator, decimal comma).

    One line per figure: section, indicator, group, value, count, total; minutes are plain numbers
    so the committee can recompute. Written with a BOM by :func:`write_csv` so Excel reads UTF-8.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["section", "indicateur", "groupe", "valeur", "nombre", "total"])
    sel = ind.selection
    writer.writerow(["sélection", "période", "", period_label(sel), "", ""])
    writer.writerow(["sélection", "site", "", sel.site or "tous les sites", "", ""])
    writer.writerow(["sélection", "radiologue", "", sel.radiologist or "tous les radiologues", "", ""])
    writer.writerow(["activité", "demandes reçues", "", "", ind.received, ""])
    writer.writerow(["activité", "demandes urgentes", "", "", ind.urgent, ind.received])

    def minutes(value: float | None) -> str:
        return "" if value is None else french_number(value, 2)

    for (delay, group), stats in ind.delays.items():
        name = f"délai {delay.label} (min)"
        for what, value in (("médiane", stats.median), ("90e percentile", stats.p90)):
            writer.writerow(["délais", f"{name}, {what}", group.label, minutes(value), stats.count, ""])

    def rate(section: str, name: str, group: str, r: Rate) -> None:
        percent = "" if r.percent is None else french_number(r.percent, 2)
        writer.writerow([section, name, group, percent, r.count, r.total])

    rate("refus", "taux de refus (%)", "", ind.refusals)
    for reason, count in ind.refusals_by_reason.items():
        rate("refus", "refus par motif (% des refus)", reason, Rate(count, ind.refusals.count))
    for site, r in ind.refusals_by_site.items():
        rate("refus", "taux de refus par site (%)", site, r)
    rate("annulations", "taux d'annulation (%)", "", ind.cancellations)
    for site, r in ind.cancellations_by_site.items():
        rate("annulations", "taux d'annulation par site (%)", site, r)
    rate("comptes rendus", "taux de comptes rendus remplacés (%)", "", ind.addenda)
    for kind in IncidentKind:
        writer.writerow(["incidents", kind.label, "", "", ind.incidents.get(kind, 0), ""])
    for name, why in ind.not_available:
        writer.writerow(["non disponible", name, "", why, "", ""])
    return out.getvalue()
