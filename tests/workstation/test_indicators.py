"""Quality indicators on a generated history of 1,000 orders whose delays are known by construction.

The generator gives each group of orders its delays as a shuffled run 1, 2, ... n times a step, so
the expected median and 90th percentile are closed forms worked out by hand below (median of
1..n = (n+1)/2, nearest-rank 90th percentile = ceil(0.9 n)), not recomputed by the code under test.
The orders travel as the platform sends them: raw HL7 (flux 1 and flux 3, after the ANS examples)
read by the workstation's order reader, and the platform's history of events.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from hl7v2.order import OrderStatus, Priority
from workstation.audit.model import (
    AuditRecord,
    AuditSource,
    EventKind,
    ObjectKind,
    Outcome,
    Participant,
    ParticipantObject,
)
from workstation.indicators import (
    UNKNOWN_REASON,
    Delay,
    Group,
    IncidentKind,
    Rate,
    Selection,
    compute,
    facts_of,
    format_minutes,
    format_rate,
    incidents_of,
    nearest_rank,
    to_csv,
)
from workstation.platform.client import HistoryEvent, RawMessage, WorklistEntry
from workstation.worklist import OrderReader, build_rows

BASE = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
SITES = ("Centre hospitalier de Vierzon", "Clinique des Capucins")
RADIOLOGISTS = (
    ("89900000017", "MARTIN", "Claire"),
    ("89900000025", "DURAND", "Paul"),
    ("89900000033", "PETIT", "Anne"),
)
REASONS = (
    ("INDICATION_NON_JUSTIFIEE", "Indication non justifiée"),
    ("INFORMATIONS_INSUFFISANTES", "Informations cliniques insuffisantes"),
    ("EXAMEN_RECENT", "Examen récent déjà disponible"),
)
N = 1000

_PID = (
    "PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS^^20101207||"
    "PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L||19790328|F|||28 Av de Breteuil^^PARIS^^75007^FRA^H^^^^^^^~"
    "^^^^^^BDL^^63220|||||||||||||||||||N|VALI"
)
_MSH = (
    "MSH|^~\\&|{sa}|{sf}|{ra}|{rf}|20260106134418||{type}|{cid}|P|2.5.1|||||FRA|UNICODE UTF-8|||"
    "1.0^CISIS_TLR_HL7_V2"
)
_DOCTOR = "801234567897^Hoda^Adam^^^DR^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"


def _request(order_id: str, site: str, urgent: bool) -> str:
    priority = "^^^^^S" if urgent else "^^^^^R"
    return "\r".join(
        (
            _MSH.format(sa="RIS", sf="SITE", ra="TLR", rf="PF", type="ORM^O01^ORM_O01", cid=f"R{order_id}"),
            _PID,
            "PV1||O",
            f"ORC|NW|{order_id}^^1.2.250.1.748.1^ISO||||{priority}|||20260106134418||{_DOCTOR}|{_DOCTOR}||"
            f"^PRN^CP^^^^^^^^^+3360708091|||STRUCTURE_IMAGERIE^^TLR_TYPE_ORGANISATION||||"
            f"{site}^^^^^ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO^FINEG^^^300017985",
            f"OBR||{order_id}^^1.2.250.1.748.1^ISO||TRANSMISSION_DEMANDE^Transmission d'une demande d'examen"
            "^TLR_OBR_PROCEDURE|||||||||Douleur thoracique|||" + _DOCTOR,
            "OBX|1|CE|MODALITE_IMAGERIE^Modalité^TLR_OBSERVATION||CT^Scanner^DCM||||||O",
        )
    )


def _answer(order_id: str, radiologist: tuple[str, str, str], reason: tuple[str, str] | None) -> str:
    rpps, family, given = radiologist
    who = f"8{rpps}^{family}^{given}^^^DR^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"
    decision = "OC" if reason else "OK"
    refusal = f"{reason[0]}^{reason[1]}^TLR_MOTIF_REFUS" if reason else ""
    lines = [
        _MSH.format(sa="TLR", sf="PF", ra="RIS", rf="SITE", type="ORU^R01^ORU_R01", cid=f"A{order_id}"),
        _PID,
        f"ORC|{decision}|{order_id}^^1.2.250.1.748.1^ISO||||||||||{who}||||{refusal}",
        f"OBR||{order_id}^^1.2.250.1.748.1^ISO||REPONSE_DEMANDE^Réponse^TLR_OBR_PROCEDURE",
    ]
    if not reason:  # Protocole : « Scanner TAP injecté » in base64
        lines.append(
            "OBX|1|ED|PROTOCOLE_IMAGERIE^Protocole^TLR_OBSERVATION||^TEXT^^Base64^U2Nhbm5lciBUQVAgaW5qZWN0w6k="
        )
    return "\r".join(lines)


@dataclass
class Plan:
    """What the generator made of order i: the truth the indicators are checked against."""

    index: int
    order_id: str
    site: str
    urgent: bool
    received_at: datetime
    cancelled: bool
    refused: bool
    reason: str
    radiologist: str
    response_minutes: float | None
    report_minutes: float | None
    replacements: int


def _plan() -> list[Plan]:
    """1,000 orders, one an hour; 1 in 5 urgent; 1 in 10 cancelled before any answer; 150 refused."""
    rng = random.Random(20)
    plans = []
    for i in range(N):
        urgent = i % 5 == 0
        cancelled = i % 10 == 3
        refused = i % 10 == 7 or i % 20 == 5
        plans.append(
            Plan(
                index=i,
                order_id=f"CMD{i:04d}",
                site=SITES[(i // 2) % 2],
                urgent=urgent,
                received_at=BASE + timedelta(hours=i),
                cancelled=cancelled,
                refused=refused,
                reason="",
                radiologist="",
                response_minutes=None,
                report_minutes=None,
                replacements=(2 if i == 2 else 1) if i % 50 == 2 else 0,
            )
        )
    # Response delays: urgent 1..n minutes, routine 10, 20 .. 10 n minutes, each run shuffled.
    for urgent, step in ((True, 1), (False, 10)):
        answered = [p for p in plans if p.urgent is urgent and not p.cancelled]
        ranks = list(range(1, len(answered) + 1))
        rng.shuffle(ranks)
        for p, rank in zip(answered, ranks, strict=True):
            p.response_minutes = rank * step
    refused = [p for p in plans if p.refused]
    for j, p in enumerate(refused):
        p.reason = REASONS[j % 3][1]
    for p in plans:
        if p.response_minutes is not None:
            rad = RADIOLOGISTS[p.index % 3]
            p.radiologist = f"Dr {rad[2]} {rad[1]}"
    # Interpretation delays (images -> report) of the accepted orders that have a report:
    # urgent 1..n minutes, routine 30, 60 .. 30 n minutes. Routine orders i % 40 == 1 have no report yet.
    for urgent, step in ((True, 1), (False, 30)):
        reported = [
            p for p in plans if p.urgent is urgent and not p.cancelled and not p.refused and p.index % 40 != 1
        ]
        ranks = list(range(1, len(reported) + 1))
        rng.shuffle(ranks)
        for p, rank in zip(reported, ranks, strict=True):
            p.report_minutes = rank * step
    for p in plans:
        if p.report_minutes is None:
            p.replacements = 0
    return plans


def _entry(p: Plan) -> WorklistEntry:
    at = p.received_at
    history = [HistoryEvent(at, "Demande reçue", "Demande d'examen d'imagerie reçue.")]
    messages = [RawMessage("ORM^O01", f"R{p.order_id}", at, _request(p.order_id, p.site, p.urgent))]
    status = OrderStatus.A_VALIDER
    if p.cancelled:
        history.append(
            HistoryEvent(at + timedelta(minutes=5), "Demande annulée", "Annulée par la structure.")
        )
        status = OrderStatus.ANNULE
    elif p.response_minutes is not None:
        answered = at + timedelta(minutes=p.response_minutes)
        rad = RADIOLOGISTS[p.index % 3]
        reason = next((r for r in REASONS if r[1] == p.reason), None)
        messages.append(RawMessage("ORU^R01", f"A{p.order_id}", answered, _answer(p.order_id, rad, reason)))
        if p.refused:
            history.append(HistoryEvent(answered, "Demande refusée", f"Motif : {p.reason}"))
            status = OrderStatus.REFUSE
        else:
            history.append(HistoryEvent(answered, "Protocole envoyé", "Demande validée."))
            images = answered + timedelta(minutes=45)
            history.append(HistoryEvent(images, "Images disponibles", "Examen réalisé."))
            status = OrderStatus.IMAGES_DISPONIBLES
            if p.report_minutes is not None:
                report = images + timedelta(minutes=p.report_minutes)
                history.append(HistoryEvent(report, "Compte rendu transmis", "Document."))
                status = OrderStatus.CR_TRANSMIS
                for k in range(p.replacements):
                    history.append(
                        HistoryEvent(
                            report + timedelta(days=k + 1), "Compte rendu remplacé", "Nouvelle version."
                        )
                    )
    priority = Priority.URGENT if p.urgent else Priority.ROUTINE
    return WorklistEntry(p.order_id, status, priority, at, None, None, tuple(messages), tuple(history))


def _record(kind: EventKind, at: datetime, outcome: Outcome, order_id: str = "") -> AuditRecord:
    objects = (ParticipantObject(ObjectKind.ORDER, order_id),) if order_id else ()
    user = Participant("claire.martin", True, alt_user_id="89900000017")
    return AuditRecord(kind, at, outcome, AuditSource("poste-1"), (user,), objects)


def _journal() -> list[AuditRecord]:
    """7 TLS failures, 3 unreadable orders, 2 reports refused by the platform, 1 refusal refused, and
    normal activity that is not an incident (successful sends, views, logins)."""
    records = [
        _record(EventKind.TLS_FAILURE, BASE + timedelta(hours=10 * k), Outcome.MINOR_FAILURE)
        for k in range(7)
    ]
    records += [
        _record(EventKind.ORDER_VIEWED, BASE + timedelta(hours=h), Outcome.MINOR_FAILURE, f"CMD{h:04d}")
        for h in (4, 600, 900)
    ]
    records += [
        _record(
            EventKind.REPORT_SENT, BASE + timedelta(hours=h, minutes=30), Outcome.MINOR_FAILURE, f"CMD{h:04d}"
        )
        for h in (1, 998)
    ]
    records.append(
        _record(EventKind.REFUSAL_SENT, BASE + timedelta(hours=17), Outcome.MINOR_FAILURE, "CMD0017")
    )
    records += [
        _record(EventKind.REPORT_SENT, BASE + timedelta(hours=h, minutes=40), Outcome.SUCCESS, f"CMD{h:04d}")
        for h in range(0, N, 7)
    ]
    records += [
        _record(EventKind.ORDER_VIEWED, BASE + timedelta(hours=h), Outcome.SUCCESS, f"CMD{h:04d}")
        for h in range(N)
    ]
    records.append(_record(EventKind.LOGIN, BASE, Outcome.SUCCESS))
    return records


@pytest.fixture(scope="module")
def plans() -> list[Plan]:
    return _plan()


@pytest.fixture(scope="module")
def facts(plans: list[Plan]):
    rows = build_rows([_entry(p) for p in plans], reader=OrderReader())
    assert all(r.order is not None for r in rows), [r.problem for r in rows if r.order is None][:3]
    return facts_of(rows)


def test_the_generated_history_is_what_the_closed_forms_assume(plans: list[Plan]) -> None:
    urgent = [p for p in plans if p.urgent]
    assert len(urgent) == 200 and sum(p.cancelled for p in plans) == 100
    assert sum(p.refused for p in plans) == 150 and not any(p.cancelled and p.refused for p in plans)
    assert sorted(p.response_minutes for p in urgent) == list(range(1, 201))
    routine = [p.response_minutes for p in plans if not p.urgent and p.response_minutes is not None]
    assert sorted(routine) == list(range(10, 7001, 10))
    reports = [p.report_minutes for p in plans if p.report_minutes is not None]
    assert len(reports) == 725 and sum(p.replacements > 0 for p in plans) == 20


def test_every_delay_figure_on_1000_orders(facts) -> None:
    ind = compute(facts)
    assert ind.received == 1000 and ind.urgent == 200

    def check(delay: Delay, group: Group, count: int, median: float, p90: float) -> None:
        stats = ind.delays[(delay, group)]
        assert (stats.count, stats.median, stats.p90) == (count, pytest.approx(median), pytest.approx(p90))

    # received -> answered: urgent 1..200 min; routine 10..7000 min step 10 (700 orders)
    check(Delay.REPONSE, Group.URGENT, 200, 100.5, 180)
    check(Delay.REPONSE, Group.ROUTINE, 700, 10 * 350.5, 10 * 630)
    # together (900): 220 values <= 200 (1..200 and 10..200), then 200 + 10 k; ranks 450/451 and 810
    check(Delay.REPONSE, Group.TOUS, 900, (2500 + 2510) / 2, 200 + 10 * (810 - 220))
    # images -> report: urgent 1..150 min; routine 30..17250 step 30 (575 orders)
    check(Delay.INTERPRETATION, Group.URGENT, 150, 75.5, 135)
    check(Delay.INTERPRETATION, Group.ROUTINE, 575, 30 * 288, 30 * 518)
    # together (725): 155 values <= 150, then 150 + 30 k; ranks 363 and 653
    check(Delay.INTERPRETATION, Group.TOUS, 725, 150 + 30 * (363 - 155), 150 + 30 * (653 - 155))


def test_every_rate_and_count_on_1000_orders(facts, plans: list[Plan]) -> None:
    ind = compute(facts, incidents_of(_journal()))
    assert ind.refusals == Rate(150, 1000)
    assert ind.refusals_by_reason == {label: 50 for _, label in REASONS}
    for site in SITES:
        mine = [p for p in plans if p.site == site]
        assert ind.refusals_by_site[site] == Rate(sum(p.refused for p in mine), len(mine))
        assert ind.cancellations_by_site[site] == Rate(sum(p.cancelled for p in mine), len(mine))
    # site 0 is i mod 4 in {0, 1}: half the i % 10 == 7 refusals, every i % 20 == 5 one
    assert ind.refusals_by_site[SITES[0]] == Rate(100, 500)
    assert ind.cancellations == Rate(100, 1000)
    assert ind.addenda == Rate(20, 725)
    assert ind.incidents == {
        IncidentKind.ECHEC_TLS: 7,
        IncidentKind.DEMANDE_ILLISIBLE: 3,
        IncidentKind.CR_NON_ACCEPTE: 2,
        IncidentKind.REFUS_NON_ACCEPTE: 1,
    }
    assert ind.sites == SITES
    assert [name for name, _ in ind.not_available] == ["Communications urgentes et leur délai"]


def _reference(values: list[float]) -> tuple[int, float | None, float | None]:
    """Median and nearest-rank 90th percentile written the textbook way, for the filtered subsets."""
    if not values:
        return 0, None, None
    s = sorted(values)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return n, median, s[math.ceil(0.9 * n) - 1]


@pytest.mark.parametrize(
    "selection",
    [
        Selection(start=BASE + timedelta(hours=100), end=BASE + timedelta(hours=400)),
        Selection(site=SITES[1]),
        Selection(radiologist="Dr Paul DURAND"),
        Selection(start=BASE + timedelta(hours=500), site=SITES[0], radiologist="Dr Anne PETIT"),
    ],
    ids=["period", "site", "radiologist", "all-three"],
)
def test_filters_by_period_site_and_radiologist(facts, plans: list[Plan], selection: Selection) -> None:
    kept = [
        p
        for p in plans
        if selection.in_period(p.received_at)
        and (not selection.site or p.site == selection.site)
        and (not selection.radiologist or p.radiologist == selection.radiologist)
    ]
    ind = compute(facts, incidents_of(_journal()), selection)
    assert ind.received == len(kept) and ind.urgent == sum(p.urgent for p in kept)
    assert ind.refusals == Rate(sum(p.refused for p in kept), len(kept))
    assert ind.cancellations == Rate(sum(p.cancelled for p in kept), len(kept))
    for urgent, group in ((True, Group.URGENT), (False, Group.ROUTINE)):
        response = [p.response_minutes for p in kept if p.urgent is urgent and p.response_minutes is not None]
        stats = ind.delays[(Delay.REPONSE, group)]
        assert (stats.count, stats.median, stats.p90) == _reference(response)
        report = [p.report_minutes for p in kept if p.urgent is urgent and p.report_minutes is not None]
        stats = ind.delays[(Delay.INTERPRETATION, group)]
        assert (stats.count, stats.median, stats.p90) == _reference(report)
    ids = {p.order_id for p in kept}
    in_period = [i for i in incidents_of(_journal()) if selection.in_period(i.at)]
    expected = [i for i in in_period if not selection.narrowed or i.order_id in ids]
    assert sum(ind.incidents.values()) == len(expected)


def test_a_refusal_without_reason_and_an_unreadable_order_are_counted_not_dropped() -> None:
    p = Plan(0, "X1", SITES[0], False, BASE, False, True, "", "", 12, None, 0)
    entry = _entry(p)
    unreadable = WorklistEntry(
        "X2",
        OrderStatus.A_VALIDER,
        Priority.URGENT,
        BASE,
        None,
        None,
        (RawMessage("ORM^O01", "1", BASE, "not HL7 at all"),),
        (HistoryEvent(BASE, "Demande reçue", ""),),
    )
    facts = facts_of(build_rows([entry, unreadable], reader=OrderReader()))
    ind = compute(facts)
    assert ind.received == 2 and ind.refusals == Rate(1, 2)
    assert ind.refusals_by_reason == {str(UNKNOWN_REASON): 1}
    assert ind.sites == tuple(sorted((SITES[0], "Site non identifié (demande illisible)")))


def test_no_figure_is_shown_for_an_empty_selection(facts) -> None:
    ind = compute(facts, selection=Selection(start=BASE - timedelta(days=30), end=BASE - timedelta(days=1)))
    assert ind.received == 0 and ind.refusals.percent is None
    assert all(s.count == 0 and s.median is None and s.p90 is None for s in ind.delays.values())
    assert format_minutes(None) == "—" and format_rate(ind.refusals) == "0 / 0"


def test_selection_refuses_naive_or_reversed_bounds() -> None:
    with pytest.raises(ValueError):
        Selection(start=datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        Selection(start=BASE, end=BASE)


def test_nearest_rank_and_french_formats() -> None:
    assert nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert nearest_rank([7], 90) == 7
    assert format_minutes(42.5) == "42,5 min" and format_minutes(125) == "2 h 05"
    assert format_minutes(100.5) == "1 h 41" and format_minutes(59.99) == "60 min"
    assert format_minutes(3 * 24 * 60 + 240) == "3 j 4 h"
    assert format_rate(Rate(1, 3)) == "1 / 3 (33,3 %)"


def test_csv_for_the_committee(facts) -> None:
    ind = compute(facts, incidents_of(_journal()))
    text = to_csv(ind)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["section", "indicateur", "groupe", "valeur", "nombre", "total"]
    by_key = {(r[1], r[2]): r for r in rows[1:]}
    median = by_key[("délai Demande reçue → validée ou refusée (min), médiane", "Urgent")]
    assert median[3:5] == ["100,5", "200"]
    assert by_key[("taux de refus (%)", "")][3:] == ["15", "150", "1000"]
    assert by_key[("Échec de connexion sécurisée (TLS)", "")][4] == "7"
    assert ("Communications urgentes et leur délai", "") in by_key
    expertise = by_key[("délai Téléexpertise demandée → avis rendu ou impossible (min), médiane", "Ensemble")]
    assert expertise[3:5] == ["", "0"]  # no téléexpertise in these orders: no figure, never a guess


def test_period_label_of_whole_days_names_the_last_day_included() -> None:
    from zoneinfo import ZoneInfo

    from workstation.indicators import period_label

    paris = ZoneInfo("Europe/Paris")
    days = Selection(datetime(2026, 1, 5, tzinfo=paris), datetime(2026, 2, 1, tzinfo=paris))
    assert period_label(days) == "du 05/01/2026 au 31/01/2026 inclus"
    hours = Selection(datetime(2026, 1, 5, 8, tzinfo=paris), datetime(2026, 1, 5, 20, tzinfo=paris))
    assert period_label(hours) == "du 05/01/2026 08:00 au 05/01/2026 20:00"
