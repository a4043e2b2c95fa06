"""The worklist as the radiologist sees it: one row per order, sorted and filtered, without Qt.

The platform sends orders with their raw HL7. :class:`OrderReader` reads each order's messages once
(kept by their content, so a refresh reads only what changed) and is meant for a worker thread;
:func:`build_rows` then only wraps and sorts, which is all the UI thread does. Order matters at
night: what is still to do comes first, urgent before routine, then
the longest waiting; finished orders sink to the bottom. An order whose messages cannot be read is
still listed (with the reason) rather than silently dropped: a missing line in a worklist is an
exam nobody reads. One bad order never hides the others: each is read on its own, and an order
that cannot be read is a « demande illisible » row naming the message (MSH-10), its sender and the
segment and field at fault, reported once to the audit journal by the caller's hook.

Some statuses only the workstation knows (a study open for reading, a report signed but not yet
acknowledged); the caller passes them as ``local`` and they override the platform's word until the
platform catches up.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from hl7v2.message import Coded, Hl7Message, HL7ParseError, header, parse
from hl7v2.order import Order, OrderStatus, Priority, parse_order
from resources.translations import QT_TRANSLATE_NOOP
from workstation.platform.client import WorklistEntry

log = logging.getLogger(__name__)


class LocalStatus(StrEnum):
    """States between two platform statuses, known only to this workstation."""

    REPONSE_EN_ATTENTE = "reponse_en_attente"
    EN_LECTURE = "en_lecture"
    CR_SIGNE = "cr_signe"

    @property
    def label(self) -> str:
        return {
            LocalStatus.REPONSE_EN_ATTENTE: QT_TRANSLATE_NOOP("Worklist", "Réponse en cours d'envoi"),
            LocalStatus.EN_LECTURE: QT_TRANSLATE_NOOP("Worklist", "En lecture"),
            LocalStatus.CR_SIGNE: QT_TRANSLATE_NOOP("Worklist", "CR signé"),
        }[self]


_DONE = frozenset({OrderStatus.CR_TRANSMIS, OrderStatus.REFUSE, OrderStatus.ANNULE})


# CISIS modality labels (terminologie-cisis-fr) to the short code radiologists read in a worklist.
_SHORT_MODALITIES = (
    (("radiographie", "radiologie conventionnelle"), "RX"),
    (("mammographie",), "MG"),
    (("scanner", "tomodensitometrie"), "CT"),
    (("irm", "resonance magnetique"), "MR"),
    (("echographie",), "US"),
    (("scintigraphie", "tomographie par emission"), "NM"),
)


class Scope(StrEnum):
    """The worklist's main filter."""

    A_TRAITER = "a_traiter"
    TERMINES = "termines"
    TOUS = "tous"

    @property
    def label(self) -> str:
        return {
            Scope.A_TRAITER: QT_TRANSLATE_NOOP("Worklist", "À traiter"),
            Scope.TERMINES: QT_TRANSLATE_NOOP("Worklist", "Terminés"),
            Scope.TOUS: QT_TRANSLATE_NOOP("Worklist", "Tous"),
        }[self]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why an order could not be read, as a « demande illisible » row shows it (no patient data)."""

    control_id: str  # MSH-10 of the message at fault, '' when even that is unreadable
    sender: str  # MSH-3/MSH-4 of that message: the imaging site's system
    location: str  # the segment and field at fault, e.g. "OBX-4"
    detail: str  # English, for the log and the audit journal
    user_message: str  # French

    @classmethod
    def from_error(cls, exc: HL7ParseError) -> Unreadable:
        return cls(exc.control_id, exc.sender, exc.location, str(exc), exc.user_message)


@dataclass(frozen=True, slots=True)
class ReadOrder:
    """One worklist entry and what reading its messages gave: an order, or why there is none."""

    entry: WorklistEntry
    order: Order | None
    unreadable: Unreadable | None = None


class OrderReader:
    """Reads the worklist's orders, each message set once, off the UI thread.

    Results are kept by the messages' text: a refresh reads only the orders whose messages are new
    or changed, each message parsed once even when its order gains another (a complement), and
    forgets what left the list. ``on_unreadable`` is called once per unreadable message set (from
    the reading thread), for the audit journal.
    """

    def __init__(self, on_unreadable: Callable[[WorklistEntry, Unreadable], None] | None = None) -> None:
        self._on_unreadable = on_unreadable
        self._known: dict[tuple[str, ...], Order | Unreadable] = {}
        self._parsed: dict[str, Hl7Message] = {}
        self._lock = threading.Lock()

    def read(self, entries: Iterable[WorklistEntry]) -> list[ReadOrder]:
        with self._lock:
            kept: dict[tuple[str, ...], Order | Unreadable] = {}
            still: dict[str, Hl7Message] = {}  # the parsed messages still in the list
            out = []
            for entry in entries:
                key = tuple(m.hl7 if isinstance(m.hl7, str) else repr(m.hl7) for m in entry.messages)
                result = kept.get(key) or self._known.get(key)
                if result is None:
                    result = self._read(entry, still)
                else:
                    still.update((t, self._parsed[t]) for t in key if t in self._parsed)
                kept[key] = result
                if isinstance(result, Unreadable):
                    out.append(ReadOrder(entry, None, result))
                else:
                    out.append(ReadOrder(entry, result))
            self._known, self._parsed = kept, still
            return out

    def _message(self, text: str, still: dict[str, Hl7Message]) -> Hl7Message:
        message = self._parsed.get(text) if isinstance(text, str) else None
        if message is None:
            try:
                message = parse(text)
            except HL7ParseError as exc:  # which message: the order reader would say it too
                exc.control_id, exc.sender = header(text)
                raise
        still[text] = message
        return message

    def _read(self, entry: WorklistEntry, still: dict[str, Hl7Message]) -> Order | Unreadable:
        try:
            return parse_order([self._message(m.hl7, still) for m in entry.messages])
        except HL7ParseError as exc:
            log.warning("worklist: order %s unreadable: %s", entry.order_id, exc)
            unreadable = Unreadable.from_error(exc)
            if self._on_unreadable is not None:
                try:
                    self._on_unreadable(entry, unreadable)
                except Exception:  # the row must still show: the hook's failure is only logged
                    log.exception("worklist: reporting an unreadable order failed")
            return unreadable


@dataclass(frozen=True, slots=True)
class WorklistRow:
    entry: WorklistEntry
    order: Order | None  # None when the relayed messages could not be read
    local: LocalStatus | None = None
    problem: str = ""  # French, when ``order`` is None
    unreadable: Unreadable | None = None

    @property
    def order_id(self) -> str:
        return self.entry.order_id

    @property
    def urgent(self) -> bool:
        return self.entry.priority is Priority.URGENT

    @property
    def cancelled(self) -> bool:
        return self.entry.status is OrderStatus.ANNULE or bool(self.order and self.order.cancelled)

    @property
    def done(self) -> bool:
        return self.cancelled or self.entry.status in _DONE

    @property
    def identity_addendum_due(self) -> bool:
        """Issue 23: the site sent the qualified identity after the report signed on a provisional
        one, and no addendum was signed for it yet (``workstation.identity_update``)."""
        update = self.order.identity_update if self.order is not None else None
        return (
            update is not None
            and not update.linked
            and not self.cancelled
            and self.local is not LocalStatus.CR_SIGNE
        )

    @property
    def status_label(self) -> str:
        if self.identity_addendum_due:
            return QT_TRANSLATE_NOOP("Worklist", "Identité qualifiée reçue : addendum à signer")
        if self.local is not None and not self.done:
            return self.local.label
        if self.cancelled:
            return OrderStatus.ANNULE.label
        if self.entry.awaiting_images and not self.done:  # issue 23: asked of the site, not yet there
            return QT_TRANSLATE_NOOP("Worklist", "Images complémentaires demandées")
        if self.entry.study_in_progress and not self.entry.study_instance_uid and not self.done:
            return QT_TRANSLATE_NOOP("Worklist", "Acquisition en cours")
        return self.entry.status.label

    @property
    def patient(self) -> str:
        if self.order is None:
            return QT_TRANSLATE_NOOP("Worklist", "Demande illisible")
        return self.order.patient.display_name

    @property
    def sex_age(self) -> str:
        if self.order is None:
            return ""
        patient = self.order.patient
        age = age_label(patient.birth_date, self.entry.received_at.date())
        if not age:
            return patient.sex.value
        return QT_TRANSLATE_NOOP("Worklist", "{sex} {age}").format(sex=patient.sex.value, age=age)

    @property
    def modality(self) -> str:
        return short_modality(self.order) if self.order else ""

    @property
    def region(self) -> str:
        if self.order is None:  # where the message is wrong, so the site can be told exactly
            bad = self.unreadable
            if bad is None:
                return ""
            return QT_TRANSLATE_NOOP("Worklist", "{location}, message {control_id}").format(
                control_id=bad.control_id or "?", location=bad.location
            )
        return " ; ".join(r.label for r in self.order.regions)

    @property
    def exam(self) -> str:
        """The exam's name: the act the site says it performed (flux 4), else the act the radiologist
        accepted (flux 3), else the requested modality's label; '' when the order is unreadable."""
        if self.order is None:
            return ""
        act = self.act
        if act is not None:
            return act.label or act.code
        modality = self.order.modality
        return (modality.label or modality.code) if modality is not None else ""

    @property
    def act(self) -> Coded | None:
        """The coded act (LOINC), as performed when the site said so, else as accepted."""
        if self.order is None:
            return None
        complement, response = self.order.complement, self.order.response
        if complement is not None and complement.act is not None:
            return complement.act
        return response.act if response is not None and response.act is not None else None

    @property
    def site(self) -> str:
        if self.order is None:
            return self.unreadable.sender if self.unreadable else ""
        return self.order.site.name

    def waiting(self, now: datetime) -> str:
        return waiting_label(self.entry.received_at, now)

    def search_text(self) -> str:
        """What the search box matches: names, order and accession numbers, INS, site, region."""
        parts = [self.order_id, self.entry.accession_number or "", self.site, self.region, self.modality]
        parts.append(self.exam)
        if self.order is not None:
            p = self.order.patient
            parts += [p.birth_name, p.used_name, p.first_name, p.used_first_name]
            parts.append(p.ins.matricule if p.ins else "")
        return fold(" ".join(parts))


def short_modality(order: Order) -> str:
    """The modality as a worklist shows it: the DICOM code (CT, MR, DX) when there is one.

    The guide's modality vocabulary mixes DICOM codes and CISIS codes (MED-1126, "Radiographie sans
    contraste"); the request's value comes first, then the complement's.
    """
    done = order.complement.modality if order.complement else None
    candidates = [c for c in (order.modality, done) if c]
    for coded in candidates:
        if coded.code.isalpha() and coded.code.isupper() and len(coded.code) <= 3:
            return coded.code
    for coded in candidates:
        label = fold(coded.label)
        for words, short in _SHORT_MODALITIES:
            if any(w in label for w in words):
                return short
    return candidates[0].code if candidates else ""


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so « helene » finds « Hélène »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def age_label(birth: date | None, on: date) -> str:
    """Age as radiologists write it: years, or months under two, or days under one month."""
    if birth is None or birth > on:
        return ""
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if months >= 24:
        return QT_TRANSLATE_NOOP("Worklist", "{years} ans").format(years=months // 12)
    if months >= 1:
        return QT_TRANSLATE_NOOP("Worklist", "{months} mois").format(months=months)
    return QT_TRANSLATE_NOOP("Worklist", "{days} j").format(days=(on - birth).days)


def waiting_label(since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return QT_TRANSLATE_NOOP("Worklist", "{hours} h {minutes}").format(
            hours=hours, minutes=f"{minutes:02d}"
        )
    return QT_TRANSLATE_NOOP("Worklist", "{days} j").format(days=hours // 24)


def build_rows(
    entries: Iterable[WorklistEntry | ReadOrder],
    local: Mapping[str, LocalStatus] | None = None,
    reader: OrderReader | None = None,
) -> list[WorklistRow]:
    """The rows, sorted as the worklist shows them (see module docstring).

    Given :class:`ReadOrder` items (from :meth:`OrderReader.read` in a worker) this only wraps and
    sorts; plain entries are read here first, with ``reader`` when given.
    """
    local = local or {}
    items = list(entries)
    plain = [e for e in items if isinstance(e, WorklistEntry)]
    if plain:
        read = iter((reader or OrderReader()).read(plain))
        items = [next(read) if isinstance(e, WorklistEntry) else e for e in items]
    rows = []
    for item in items:
        assert isinstance(item, ReadOrder)
        bad = item.unreadable
        problem = ""
        if bad is not None:  # what to tell the site: the reason, which message, from which system
            problem = QT_TRANSLATE_NOOP(
                "Worklist", "{reason}. Message {control_id} envoyé par {sender}."
            ).format(reason=bad.user_message, control_id=bad.control_id or "?", sender=bad.sender or "?")
        rows.append(WorklistRow(item.entry, item.order, local.get(item.entry.order_id), problem, bad))
    return sort_rows(rows)


def sort_rows(rows: Iterable[WorklistRow]) -> list[WorklistRow]:
    return sorted(
        rows,
        key=lambda r: (r.done and not r.identity_addendum_due, not r.urgent, r.entry.received_at, r.order_id),
    )


class SortColumn(StrEnum):
    """The worklist's sortable columns (the Qt model maps its columns to these)."""

    PRIORITY = "priority"
    WAITING = "waiting"
    PATIENT = "patient"
    SEX_AGE = "sex_age"
    MODALITY = "modality"
    EXAM = "exam"
    REGION = "region"
    SITE = "site"
    STATUS = "status"


_STATUS_ORDER = {status: n for n, status in enumerate(OrderStatus)}  # the workflow's order
_LOCAL_ORDER = {LocalStatus.EN_LECTURE: 0, LocalStatus.REPONSE_EN_ATTENTE: 1, LocalStatus.CR_SIGNE: 2}


def sort_key(column: SortColumn) -> Callable[[WorklistRow], tuple[bool, Any]]:
    """What a column sorts on, ascending, as (value missing, value): the value behind the text,
    never the French text itself.

    « 2 h 05 » before « 45 min », or « 3 ans » after « 11 mois », is what a string sort of the shown
    text gives; here the waiting time sorts on the reception instant (ascending: the shortest wait
    first), the age on the birth date (ascending: the youngest first), the priority urgent first,
    the status in the workflow's order, and the texts accent- and case-insensitively.
    """
    match column:
        case SortColumn.PRIORITY:
            return lambda r: (False, not r.urgent)
        case SortColumn.WAITING:
            return lambda r: (False, -r.entry.received_at.timestamp())
        case SortColumn.SEX_AGE:
            return _age_key
        case SortColumn.STATUS:
            return _status_key
    attribute = {
        SortColumn.PATIENT: "patient",
        SortColumn.MODALITY: "modality",
        SortColumn.EXAM: "exam",
        SortColumn.REGION: "region",
        SortColumn.SITE: "site",
    }[column]
    return lambda r: (r.order is None or not getattr(r, attribute), fold(getattr(r, attribute)))


def _age_key(row: WorklistRow) -> tuple[bool, Any]:
    birth = row.order.patient.birth_date if row.order is not None else None
    return (birth is None, -birth.toordinal() if birth is not None else 0)


def _status_key(row: WorklistRow) -> tuple[bool, Any]:
    if row.local is not None and not row.done:  # between two platform statuses: after the first
        return (False, (_STATUS_ORDER[row.entry.status], 1, _LOCAL_ORDER[row.local]))
    return (False, (_STATUS_ORDER[OrderStatus.ANNULE if row.cancelled else row.entry.status], 0, 0))


def sorted_rows(
    rows: Iterable[WorklistRow], column: SortColumn | None, descending: bool = False
) -> list[WorklistRow]:
    """The rows sorted on ``column``. Stable: equal keys keep the worklist's own order (urgent,
    then the longest waiting first); rows without the value (an unreadable order, no birth date)
    come last in both directions; ``None`` gives the worklist's own order back."""
    natural = sort_rows(rows)
    if column is None:
        return natural
    key = sort_key(column)
    keyed = [(key(r), r) for r in natural]
    present = [(k[1], r) for k, r in keyed if not k[0]]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in present] + [r for k, r in keyed if k[0]]


def to_do(row: WorklistRow) -> bool:
    """Still waiting for this radiologist: not finished, not signed or answered here (or an addendum
    to sign for the qualified identity received after the report)."""
    if row.identity_addendum_due:
        return True
    return not row.done and row.local not in (LocalStatus.CR_SIGNE, LocalStatus.REPONSE_EN_ATTENTE)


def actionable(row: WorklistRow) -> bool:
    """Something to do now: an order to validate, or images to read (not one waiting for the site)."""
    if row.order is None or not to_do(row):
        return False
    to_validate = row.entry.status is OrderStatus.A_VALIDER and row.local is None
    return to_validate or bool(row.entry.study_instance_uid)


def next_case(rows: list[WorklistRow], after: str, urgent: bool) -> WorklistRow | None:
    """The case to offer once ``after`` is signed: the next one of the same priority in the list as
    shown (after its place, then from the top), else the next one of any priority; only cases that
    can be acted on now (:func:`actionable`), so that Enter opens it; None when nothing is left.
    ``rows`` is the list in the order on screen (the user's sort included)."""
    start = next((i for i, r in enumerate(rows) if r.order_id == after), -1) + 1
    around = rows[start:] + rows[:start]
    waiting = [r for r in around if r.order_id != after and actionable(r)]
    same = next((r for r in waiting if r.urgent == urgent), None)
    return same or (waiting[0] if waiting else None)


def filter_rows(
    rows: Iterable[WorklistRow],
    scope: Scope = Scope.A_TRAITER,
    text: str = "",
    urgent_only: bool = False,
    modality: str = "",
) -> list[WorklistRow]:
    words = fold(text).split()
    kept = []
    for row in rows:
        finished = row.done and not row.identity_addendum_due
        if (scope is Scope.A_TRAITER and finished) or (scope is Scope.TERMINES and not finished):
            continue
        if urgent_only and not row.urgent:
            continue
        if modality and row.modality != modality:
            continue
        if not words or all(w in row.search_text() for w in words):  # folded only when searched
            kept.append(row)
    return kept
