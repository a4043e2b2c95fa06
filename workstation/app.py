"""The composition root: one object that wires settings, keyring, platform client, session and audit.

The Qt layer holds one :class:`Workstation` and calls it; it never builds a client or a journal
itself, so the same wiring runs in the GUI, in scripted tests and in the self-test. Everything here
is blocking (network, disk): the GUI calls it from worker threads.

The keyring decides what may persist. On a machine without an OS keyring (a bare demo VM) the
workstation refuses to start, unless it runs in demonstration mode, where secrets live in memory
only and the audit journal of each run is its own chain (its key dies with the process, which is
said in French to the user rather than hidden).
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from auth.keystore import InsecureKeyringError, KeyStore, KeystoreError, SecretName, VolatileKeyring
from auth.secret import Secret
from auth.session import (
    Clock,
    Identity,
    OfflineCodes,
    OfflineCredential,
    PlatformUnreachable,
    Session,
    SessionEvent,
    SessionPolicy,
    WallHighWater,
)
from resources.translations import QT_TRANSLATE_NOOP
from workstation.audit import AuditSource, AuditTrail, Outcome
from workstation.audit.custody import open_journal, set_aside_and_restart
from workstation.audit.journal import JournalError, JournalTampered, default_journal_path, read_entries
from workstation.audit.model import EventKind as AuditEventKind
from workstation.audit.shipping import AuditShipper, PlatformAuditTransport, ShippingError
from workstation.cache import CacheError, Prefetcher, PrefetchRequest, StudyCache, TrailCacheAuditor
from workstation.connectivity import ConnectivityMonitor
from workstation.decisions import record_answer
from workstation.hl7 import HL7ParseError, Practitioner, parse
from workstation.justification import Decision, JustificationError, build_answer
from workstation.orders import OrderStatus, Priority
from workstation.outbox import EventKind as OutboxEventKind
from workstation.outbox import MessageKind, Outbox, OutboxError, OutboxEvent, OutboxItem, Sender
from workstation.outbox.auditing import TrailOutboxAuditor
from workstation.outbox.recovery import RecoveryReport, append_log, database_damage, open_outbox, set_aside
from workstation.outbox.spool import Spool
from workstation.platform import PlatformClient, PlatformError, RawMessage, TlsError, WorklistEntry
from workstation.platform.verifier import SessionVerifier
from workstation.settings import Settings
from workstation.worklist import WorklistRow, short_modality

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The workstation cannot start; ``user_message`` says why in French."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


@dataclass(frozen=True, slots=True)
class StartupNotice:
    """Something the user must know at start-up, shown once (French, marked for the interface language)."""

    text: str


_TO_READ = frozenset({OrderStatus.PROTOCOLE_ENVOYE, OrderStatus.IMAGES_DISPONIBLES})


def _raw_message(text: str, received_at: datetime) -> RawMessage:
    """A cached order message as the worklist relays it (type and MSH-10 read by the HL7 parser)."""
    try:
        message = parse(text)
    except HL7ParseError:  # kept: the row will show the order as unreadable, with the reason
        return RawMessage("", "", received_at, text)
    return RawMessage(message.message_type, message.control_id, received_at, text)


def patient_id(row: WorklistRow) -> str:
    """The patient identifier for the audit journal: INS with its OID, never a name; without an INS
    (a provisional identity) the site's own identifier (IPP) with its OID."""
    if row.order is not None and row.order.patient.ins is not None:
        ins = row.order.patient.ins
        return f"{ins.matricule}^^^&{ins.oid}&ISO"
    if row.order is not None:
        local = next((i for i in row.order.patient.other_ids if i.value and i.oid), None)
        if local is not None:
            return f"{local.value}^^^&{local.oid}&ISO"
    return ""


class Workstation:
    def __init__(
        self,
        settings: Settings,
        *,
        demo: bool = False,
        keystore: KeyStore | None = None,
        data_dir: Path | None = None,
        journal_path: Path | None = None,
        clock: Clock | None = None,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.notices: list[StartupNotice] = []
        settings.check_ca_file()
        self.keystore = keystore or self._keystore(demo)
        self.demo = demo
        try:
            self.client = PlatformClient(
                settings.base_url, settings.ca_file, settings.request_timeout_seconds
            )
        except PlatformError as exc:  # e.g. a CA file that is not a PEM certificate
            raise StartupError(str(exc), exc.user_message) from exc
        self.session = Session(
            SessionVerifier(self.client),
            SessionPolicy(idle_timeout=settings.idle_lock_minutes * 60.0),
            clock=clock,
            wall=wall,
        )
        self.data_dir = data_dir or default_journal_path().parent.parent
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # the latest wall time seen: an offline resume after a reboot cannot count from a clock set back
        self.session.use_wall_high_water(WallHighWater(self.data_dir / "clock-high-water"))
        self.journal_path = journal_path or self.data_dir / "audit" / "journal.jsonl"
        self.audit = self._audit(own_chain_per_run=journal_path is None and not self.keystore.persistent)
        self.outbox = self._open_outbox(settings)
        self._degraded_setup(settings)
        self.shipper = AuditShipper(self.journal_path, PlatformAuditTransport(self.client))
        self.session.subscribe(self._on_session_event)
        self._worklist_lock = threading.Lock()

    # --- start-up ------------------------------------------------------------------------------

    def _keystore(self, demo: bool) -> KeyStore:
        try:
            return KeyStore()
        except InsecureKeyringError as exc:
            if not demo:
                raise StartupError(str(exc), exc.user_message) from exc
            log.warning("no acceptable OS keyring; demonstration mode keeps secrets in memory only")
            self.notices.append(
                StartupNotice(
                    QT_TRANSLATE_NOOP(
                        "Workstation",
                        "Mode démonstration : aucun trousseau sécurisé du système n'est disponible sur ce "
                        "poste. Les secrets restent en mémoire et le journal d'audit de cette séance est une "
                        "chaîne propre à la séance. En production, le poste refuse de démarrer dans ce cas.",
                    )
                )
            )
            self._keys_die_with_the_run = True  # a cache left by an earlier run cannot be read
            return KeyStore(VolatileKeyring())

    def _audit(self, own_chain_per_run: bool) -> AuditTrail:
        if own_chain_per_run:  # a chain whose key dies with the process (demo mode): its own file
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            self.journal_path = self.journal_path.with_name(f"{self.journal_path.stem}.demo-{stamp}.jsonl")
        path = self.journal_path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the journal: patient identifiers
        source = AuditSource(socket.gethostname())
        try:
            journal = open_journal(self.keystore, path)
        except JournalError as exc:
            log.error("audit journal %s failed its checks: %s", path, exc)
            journal, aside = set_aside_and_restart(self.keystore, path)
            trail = AuditTrail(journal, source)
            trail.chain_broken(aside, str(exc))
            self.notices.append(
                StartupNotice(
                    QT_TRANSLATE_NOOP(
                        "Workstation",
                        "Le journal d'audit du poste a échoué à sa vérification. Il a été mis de côté comme "
                        "preuve ({file}) et un nouveau journal commence. Prévenez le responsable sécurité.",
                    ).format(file=aside.name)
                )
            )
            return trail
        return AuditTrail(journal, source)

    def _open_outbox(self, settings: Settings) -> Outbox:
        """The outbox, checked at start-up against its encrypted second copies (issue 22): a damaged
        or emptied file is set aside and rebuilt; any loss is recorded in the audit journal and told
        to the user, and written to ``outbox-recovery.jsonl`` for support."""
        try:
            spool = Spool.open(self.data_dir / "outbox-spool", self.keystore)
            outbox_file = self.data_dir / "outbox.sqlite"
            store, found = open_outbox(outbox_file, spool, recorded=self._signed_in_journal)
        except OutboxError as exc:
            raise StartupError(str(exc), exc.user_message) from exc
        except KeystoreError as exc:
            raise StartupError(str(exc), exc.user_message) from exc
        self.outbox_recovery: RecoveryReport = found
        if found.alarm:
            append_log(self.data_dir / "outbox-recovery.jsonl", found)
            try:
                self.audit.outbox_loss(store.path, found.summary())
            except JournalError:
                log.exception("audit journal refused the outbox loss record")
        if found.user_message:
            self.notices.append(StartupNotice(found.user_message))
        return Outbox(
            store, self.client.submit, auditor=TrailOutboxAuditor(self.audit, settings.base_url), spool=spool
        )

    def _signed_in_journal(self, control_id: str) -> bool:
        """Does the audit journal hold the "report signed" record of this MSH-10? (a signing cut by a
        crash between its copy and its release: complete only if the record was written)"""
        try:
            return any(
                entry.record.kind is AuditEventKind.REPORT_SIGNED
                and any(o.id == control_id for o in entry.record.objects)
                for entry in read_entries(self.journal_path)
            )
        except (JournalError, OSError) as exc:
            log.error("audit journal unreadable while settling an interrupted signing: %s", exc)
            return False

    def _check_cache_index(self, settings: Settings) -> None:
        """The study cache's index is a local database too (issue 22): checked at start-up; a damaged
        one is set aside with the encrypted files it keys (never deleted) and the cache starts empty."""
        index = settings.cache_dir / "index.sqlite"
        damage = database_damage(index)
        if not damage:
            return
        log.error("cache index %s damaged (%s): set aside, the cache starts empty", index, damage)
        folder = set_aside(index, prefix="index-damaged-")
        if (settings.cache_dir / "objects").exists():
            (settings.cache_dir / "objects").rename(folder / "objects")
        self.notices.append(
            StartupNotice(
                QT_TRANSLATE_NOOP(
                    "Workstation",
                    "L'index du cache local des examens était endommagé : il a été mis de côté (sans rien "
                    "effacer) dans {folder} et le cache repart vide ; les examens seront retéléchargés.",
                ).format(folder=folder.name)
            )
        )

    def _degraded_setup(self, settings: Settings) -> None:
        """The encrypted study cache, its prefetcher and the connectivity monitor (issue 7)."""
        if getattr(self, "_keys_die_with_the_run", False):
            # Demo without an OS keyring: the previous run's cache was sealed with a key that died
            # with it, by design. Emptied quietly, so the cache starts as new instead of reporting a
            # key change at every start (issue 17); the notice stays for a keyring that lost its key.
            for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
                (settings.cache_dir / name).unlink(missing_ok=True)
            shutil.rmtree(settings.cache_dir / "objects", ignore_errors=True)
            log.info("volatile keyring: the study cache of an earlier run was emptied")
        self._check_cache_index(settings)
        try:
            self.cache = StudyCache.open(
                settings.cache_dir,
                self.keystore,
                auditor=TrailCacheAuditor(self.audit, lambda: self.session.identity),
            )
        except CacheError as exc:
            raise StartupError(str(exc), exc.user_message) from exc
        if self.cache.reset_notice:
            self.notices.append(StartupNotice(self.cache.reset_notice))
        heartbeat = PlatformClient(
            settings.base_url, settings.ca_file, timeout=min(3.0, settings.request_timeout_seconds)
        )
        self.connectivity = ConnectivityMonitor(
            heartbeat.health,
            incidents_file=self.data_dir / "incidents.json",
            trail=self.audit,
            platform_url=settings.base_url,
        )
        self.connectivity.attach(self.outbox)
        self.prefetcher = Prefetcher(
            self.cache,
            self.client.dicomweb,
            size_cap=int(settings.cache_size_gb * 2**30),
            on_failure=self.connectivity.report_failure,
        )
        self.outbox.subscribe(self._on_outbox_event)

    def _on_outbox_event(self, event: OutboxEvent) -> None:
        item = event.item
        reported = item is not None and item.kind in (MessageKind.REPORT, MessageKind.ADDENDUM)
        if event.kind is OutboxEventKind.DELIVERED and item is not None and item.study_uid and reported:
            try:
                self.cache.mark_reported(item.study_uid, item.settled_at or datetime.now(UTC))
            except CacheError as exc:
                log.warning("cache: cannot mark the study reported: %s", exc)

    # --- session -------------------------------------------------------------------------------

    def _on_session_event(self, event: SessionEvent) -> None:
        try:
            self.audit.on_session_event(event)
        except JournalError:
            log.exception("audit journal refused a session event")

    def login(self, login: str, password: str, otp: str) -> Identity:
        """Two-factor login (blocking; the login dialog runs it in a worker thread).

        When the platform cannot be reached, the session reopens offline (degraded mode: cached
        studies, reports queued) on two factors still: the password, and in the code field one of the
        offline restart codes the platform issued to this user (:meth:`issue_offline_codes`), within
        12 hours of the last two-factor login on this workstation (``auth.session`` says why).
        """
        try:
            identity = self.session.login(login, password, otp)
        except PlatformUnreachable:
            stored = self.keystore.load(SecretName.OFFLINE_LOGIN)
            if stored is None:
                raise
            with stored:
                credential = OfflineCredential.from_json(bytes(stored.view()).decode("utf-8"))
            held = self.keystore.load(SecretName.OFFLINE_CODES)
            codes = None
            if held is not None:
                with held:
                    codes = OfflineCodes.from_json(bytes(held.view()).decode("utf-8"))
            identity = self.session.resume_offline(
                credential, login, password, otp, codes, self._store_offline_codes
            )
            log.warning("platform unreachable at login: session resumed offline (password and restart code)")
            return identity
        fresh = self.session.offline_credential()
        if fresh is not None:
            with Secret(fresh.to_json().encode("utf-8")) as secret:
                self.keystore.store(SecretName.OFFLINE_LOGIN, secret)
        return identity

    def _store_offline_codes(self, codes: OfflineCodes) -> None:
        with Secret(codes.to_json().encode("utf-8")) as secret:
            self.keystore.store(SecretName.OFFLINE_CODES, secret)

    def issue_offline_codes(self) -> list[str]:
        """Ask the platform for new offline restart codes (online, in a session opened with two
        factors); their hashes replace any held before in the keyring, the codes are returned to be
        shown once and never stored; the platform logs the issue."""
        identity = self.identity
        codes = self.client.offline_codes()
        self._store_offline_codes(OfflineCodes.from_codes(identity.login, codes, datetime.now(UTC)))
        log.info("offline restart codes issued by the platform: %d hashes kept in the keyring", len(codes))
        return codes

    @property
    def identity(self) -> Identity:
        identity = self.session.identity
        if identity is None:
            raise RuntimeError("no user is logged in")
        return identity

    def logout(self, forget: bool = True) -> None:
        """End the session. ``forget``: the user logged out, so no offline resume of this login
        (an exit or a crash keeps it, for a restart while the platform is down)."""
        if forget:
            self.keystore.delete(SecretName.OFFLINE_LOGIN)
        if self.client.auth is not None:
            self.ship_audit()  # the session's records leave before its token is revoked
        try:
            self.client.logout()
        except PlatformError as exc:
            log.warning("platform logout failed: %s", exc)
        self.session.logout()

    # --- worklist ------------------------------------------------------------------------------

    def fetch_worklist(self) -> list[WorklistEntry]:
        """The platform's worklist; every query is audited, failures included."""
        with self._worklist_lock:
            try:
                entries = self.client.worklist()
            except TlsError as exc:
                if exc.certificate:  # a security alert; another handshake failure is not one (issue 22)
                    self.audit.tls_failure(self.settings.base_url, str(exc), self.session.identity)
                self.connectivity.report_failure(exc)
                raise
            except PlatformError as exc:
                self.audit.worklist_query(
                    self.identity, self.settings.base_url, outcome=Outcome.SERIOUS_FAILURE
                )
                self.connectivity.report_failure(exc)
                raise
            self.audit.worklist_query(self.identity, self.settings.base_url)
            self.connectivity.report_success()
            self.prefetcher.update(
                PrefetchRequest(
                    e.study_instance_uid,
                    e.received_at,
                    urgent=e.priority is Priority.URGENT,
                    order_id=e.order_id,
                    accession_number=e.accession_number or "",
                    order_hl7=tuple(m.hl7 for m in e.messages),
                )
                for e in entries
                if e.study_instance_uid and e.status in _TO_READ
            )
            return entries

    def cached_entries(self) -> list[WorklistEntry]:
        """The worklist as the cache knows it, for degraded mode: the studies kept for offline reading."""
        entries = []
        for study in self.cache.studies():
            if not study.complete or study.reported_at is not None:
                continue
            messages = tuple(_raw_message(text, study.cached_at) for text in study.order_hl7)
            entries.append(
                WorklistEntry(
                    study.order_id,
                    OrderStatus.IMAGES_DISPONIBLES,
                    Priority(study.priority),
                    study.cached_at,
                    study.study_uid,
                    study.accession_number or None,
                    messages,
                    (),
                )
            )
        return entries

    def order_viewed(self, row: WorklistRow) -> None:
        self.audit.order_viewed(self.identity, row.order_id, patient_id(row))

    # --- answers and reports: committed to the outbox, delivered by its thread -------------------

    def ship_audit(self, check: bool = False) -> None:
        """Send the journal's new records to the platform (blocking; a timer and the logout call it).

        The platform's acknowledged head anchors the journal: a journal cut or rewritten after it was
        shipped is a security alert, set aside as evidence, and a new chain starts.
        """
        try:
            if check:
                self.shipper.check_against_platform()
            self.shipper.ship()
            self.shipper.escrow_initial_key(self.keystore)
        except JournalTampered as exc:
            log.error("audit journal differs from the platform's copy: %s", exc)
            journal, aside = set_aside_and_restart(self.keystore, self.journal_path)
            self.audit.replace_journal(journal)
            self.audit.chain_broken(aside, str(exc))
        except ShippingError as exc:
            if exc.tls:
                self.audit.tls_failure(self.settings.base_url, str(exc), self.session.identity)
            log.info("audit shipping postponed: %s", exc)

    def start_delivery(self) -> None:
        """After the first login: delivery, prefetch and heartbeat need the platform session."""
        self.outbox.start()
        self.connectivity.start()
        self.prefetcher.start()
        try:
            self.cache.evict_expired(self.outbox.store.has_open)
        except CacheError as exc:
            log.warning("cache eviction failed: %s", exc)

    def answer_order(self, row: WorklistRow, decision: Decision, now: datetime | None = None) -> OutboxItem:
        """Build the flux 3 answer and commit it to the outbox (raises JustificationError)."""
        if row.order is None:
            raise JustificationError(
                "unreadable order",
                QT_TRANSLATE_NOOP("Workstation", "Cette demande est illisible : contactez le site."),
            )
        identity = self.identity
        radiologist = Practitioner.from_rpps(identity.rpps, identity.family, identity.given, identity.title)
        message = build_answer(row.order, decision, radiologist, now or datetime.now().astimezone())
        modality = decision.modality.code if decision.modality else short_modality(row.order)
        return self.outbox.enqueue(
            message,
            MessageKind.PROTOCOL if decision.accept else MessageKind.REFUSAL,
            order_id=row.order_id,
            study_uid=row.entry.study_instance_uid or "",
            patient_id=patient_id(row),
            sender=Sender(identity.login, identity.rpps),
            record=lambda item: record_answer(  # the decision is in the journal once its answer is queued
                self.audit, identity, row.order_id, patient_id(row), decision, item.control_id, modality
            ),
        )

    def close(self) -> None:
        """At exit: stop delivering (what is queued stays on disk) and end the session."""
        self.prefetcher.stop()
        self.connectivity.stop()
        self.outbox.close()
        self.cache.close()
        if self.session.identity is not None:
            self.logout(forget=False)
        self.audit.close()


Factory = Callable[[], Workstation]
