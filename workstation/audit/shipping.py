"""Shipping the audit journal to the platform, whose acknowledged chain head anchors the journal.

The journal stays on the workstation; its records are also sent, in order, to the platform
(``POST /api/v1/audit``, docs/ARCHITECTURE.md), which stores each sealed line as it is and answers
the chain head it now holds: ``(index, MAC)`` of the last record. The shipper records that head
beside the journal (:class:`AckStore`, not a secret) and next time sends what follows it.

Why the head matters: the HMAC chain shows any record altered, removed, moved or duplicated, but a
journal cut short is still a valid chain. The head the platform acknowledged is kept out of the
workstation's reach, so the journal must always still contain that record with that MAC:

- every shipment starts by reading the journal after the acknowledged head, which fails with
  :class:`JournalTampered` when that record is gone or changed;
- when the platform refuses a batch because it holds something else (``chain_conflict``,
  ``chain_gap``), its own head is fetched: the shipper resumes after it if the journal contains it
  (our local record was merely behind), otherwise the journal was rewritten or truncated after it
  was shipped: :class:`JournalTampered`;
- :meth:`AuditShipper.check_against_platform` makes the same check on demand (at start-up), and
  an auditor passes that head to ``python -m workstation.audit verify --head INDEX:MAC``.

On :class:`JournalTampered` the caller does what it does when opening fails: a security alert
(``AuditTrail.chain_broken``) and ``custody.set_aside_and_restart``.

Once the platform holds the chain, :meth:`AuditShipper.escrow_initial_key` hands it the chain's
initial key ``k_0`` and deletes it from the keyring: the platform then checks every MAC it receives,
and the workstation keeps only the writer's current key (forward security made real).

A chain is named by the MAC of its record 0 (64 hex digits): a journal set aside and restarted is
a new chain for the platform. Delivery is at least once; the platform counts a record it already
holds with the same MAC as a duplicate.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import requests

from auth.keystore import KeyStore, SecretName
from auth.secret import Secret
from resources.translations import QT_TRANSLATE_NOOP
from workstation.audit.journal import ChainHead, JournalTampered, read_entries
from workstation.platform.client import PlatformClient
from workstation.platform.errors import (
    AuthError,
    PlatformError,
    ServerError,
    TlsError,
    UnreachableError,
)

log = logging.getLogger(__name__)

BATCH = 500  # the platform takes up to 1,000 records per request

_FIRST_RECORD_ALTERED = QT_TRANSLATE_NOOP("Audit", "Le journal d'audit est altéré (enregistrement 0).")


class ShippingError(Exception):
    """Records could not be shipped now; they stay pending. ``user_message`` is French."""

    def __init__(self, detail: str, user_message: str, *, tls: bool = False) -> None:
        super().__init__(detail)
        self.user_message = user_message
        self.tls = tls  # a certificate or handshake failure: the caller records a security alert


class ChainRefused(Exception):
    """The platform holds a different history for this chain (HTTP 409); ``head`` is what it holds."""

    def __init__(self, code: str, detail: str, head: ChainHead | None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.head = head


class AuditTransport(Protocol):
    """The platform's audit endpoints, as the shipper needs them."""

    def send(self, chain: str, lines: Sequence[bytes]) -> ChainHead:
        """Ship sealed lines (without their end of line); returns the head the platform holds.

        Raises :class:`ChainRefused` (conflict) or :class:`ShippingError` (try again later).
        """
        ...

    def head(self, chain: str) -> ChainHead | None:
        """The head the platform holds for ``chain``; None when it never received it."""
        ...

    def escrow(self, chain: str, initial_key: Secret) -> int:
        """Hand the chain's ``k_0`` to the platform; returns how many records it verified with it.

        Raises :class:`ChainRefused` (``key_mismatch``) or :class:`ShippingError`.
        """
        ...


@dataclass(frozen=True, slots=True)
class ShipReport:
    sent: int  # records the platform stored or confirmed in this run
    head: ChainHead | None  # the acknowledged head after this run (None: nothing ever shipped)


def chain_id(path: Path) -> str | None:
    """The chain's name: the MAC of record 0, or None when the journal has no complete record."""
    try:
        with open(path, "rb") as stream:
            first = stream.readline()
    except FileNotFoundError:
        return None
    if not first.endswith(b"\n"):
        return None
    try:
        mac = json.loads(first)["mac"]
    except (ValueError, KeyError, TypeError) as exc:
        raise JournalTampered(f"record 0 of {path} is unreadable: {exc}", _FIRST_RECORD_ALTERED) from exc
    if not isinstance(mac, str) or len(mac) != 64:
        raise JournalTampered(f"record 0 of {path} has no MAC", _FIRST_RECORD_ALTERED)
    return mac


class AckStore:
    """The last head the platform acknowledged, in ``<journal>.ack.json`` (atomic replace, mode 600).

    Not a secret and not the anchor itself: the platform keeps the authoritative copy. This file
    only spares a request at each shipment and lets the workstation check truncation offline.
    """

    def __init__(self, journal_path: Path) -> None:
        self.path = journal_path.with_name(journal_path.name + ".ack.json")

    def load(self, chain: str) -> ChainHead | None:
        try:
            data = json.loads(self.path.read_text(encoding="ascii"))
            if data.get("chain") != chain:
                return None
            return ChainHead(int(data["index"]), bytes.fromhex(data["mac"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("audit acknowledgement file %s unreadable (%s): asking the platform", self.path, exc)
            return None

    def save(self, chain: str, head: ChainHead) -> None:
        data = {
            "chain": chain,
            "index": head.index,
            "mac": head.mac.hex(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fd, temp = tempfile.mkstemp(prefix=".ack-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as stream:
                json.dump(data, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


class AuditShipper:
    """Sends the journal's unshipped records; see the module docstring. Qt-free, any thread.

    The journal writer may append while this reads: only complete lines are read.
    """

    def __init__(
        self, journal_path: Path, transport: AuditTransport, acks: AckStore | None = None, batch: int = BATCH
    ) -> None:
        if not 1 <= batch <= 1000:
            raise ValueError("batch must be between 1 and 1000 records")
        self.path = Path(journal_path)
        self._transport = transport
        self._acks = acks or AckStore(self.path)
        self._batch = batch
        self._lock = threading.Lock()  # a timer and the logout may ship at once: one at a time

    def acknowledged(self) -> ChainHead | None:
        chain = chain_id(self.path)
        return self._acks.load(chain) if chain else None

    def pending(self) -> int:
        """How many complete records the platform has not acknowledged (offline: from the local copy)."""
        ack = self.acknowledged()
        return sum(1 for _ in read_entries(self.path, ack))

    def ship(self) -> ShipReport:
        """Send every record after the acknowledged head, in batches; record each new head.

        Raises :class:`ShippingError` (nothing lost: the rest is sent next time) and
        :class:`JournalTampered` (the journal no longer contains what the platform acknowledged).
        """
        with self._lock:
            return self._ship()

    def _ship(self) -> ShipReport:
        chain = chain_id(self.path)
        if chain is None:
            return ShipReport(0, None)
        ack = self._acks.load(chain)
        if ack is None:
            ack = self._transport.head(chain)  # the local copy is gone: the platform's anchor
        sent = [0]
        resynchronised = False
        while True:
            try:
                ack = self._send_after(chain, ack, sent)
                return ShipReport(sent[0], ack)
            except ChainRefused as refused:
                if resynchronised:
                    raise self._tampered(refused.head, str(refused)) from refused
                resynchronised = True
                platform_head = refused.head or self._transport.head(chain)
                if platform_head is None:
                    raise self._tampered(None, str(refused)) from refused
                log.warning("audit shipping: platform holds head %d, resuming from it", platform_head.index)
                self._contains(platform_head)
                self._acks.save(chain, platform_head)
                ack = platform_head

    def escrow_initial_key(self, keystore: KeyStore) -> bool:
        """Hand ``k_0`` to the platform, then delete it from the keyring (once the chain is shipped).

        From then on the workstation holds only the writer's current key: whoever reads the
        keyring cannot re-seal any earlier record, and the platform checks every MAC it receives.
        Returns True when the key was handed over now; False when there is nothing to do yet
        (nothing acknowledged) or any more (already handed over). Raises :class:`ShippingError`
        (try again later) and :class:`JournalTampered` (the platform says the key does not seal
        what it received: the journal or the key was replaced).
        """
        with self._lock:
            chain = chain_id(self.path)
            if chain is None or self.acknowledged() is None:
                return False
            key = keystore.load(SecretName.AUDIT_JOURNAL_KEY)
            if key is None:
                return False
            with key:
                try:
                    verified = self._transport.escrow(chain, key)
                except ChainRefused as refused:
                    raise self._tampered(None, f"initial key refused: {refused}") from refused
            keystore.delete(SecretName.AUDIT_JOURNAL_KEY)
        log.info(
            "audit journal: initial key handed to the platform (%d records verified) and deleted", verified
        )
        return True

    def check_against_platform(self) -> ChainHead | None:
        """Ask the platform for its head and check the journal still contains it (start-up check).

        Returns that head (None when the platform has nothing of this chain yet); raises
        :class:`JournalTampered` or :class:`ShippingError`.
        """
        chain = chain_id(self.path)
        if chain is None:
            local = self._acks.path.exists()
            if local:
                raise self._tampered(None, "the journal is empty but records were acknowledged")
            return None
        head = self._transport.head(chain)
        if head is not None:
            self._contains(head)
        return head

    # --- internals -------------------------------------------------------------------------------

    def _send_after(self, chain: str, ack: ChainHead | None, sent: list[int]) -> ChainHead | None:
        """Ship what follows ``ack``; ``sent[0]`` counts the records acknowledged on the way."""
        batch: list[tuple[int, bytes, bytes]] = []
        entries = read_entries(self.path, ack)  # raises JournalTampered: the anchor is gone
        for entry in entries:
            batch.append((entry.index, entry.mac, entry.line.rstrip(b"\n")))
            if len(batch) == self._batch:
                ack = self._send(chain, batch)
                sent[0] += len(batch)
                batch = []
        if batch:
            ack = self._send(chain, batch)
            sent[0] += len(batch)
        return ack

    def _send(self, chain: str, batch: list[tuple[int, bytes, bytes]]) -> ChainHead:
        last_index, last_mac, _ = batch[-1]
        head = self._transport.send(chain, [line for _, _, line in batch])
        if head.index < last_index or (head.index == last_index and head.mac != last_mac):
            raise ShippingError(
                f"audit shipping: platform acknowledged {head.to_text()} after records up to {last_index}",
                QT_TRANSLATE_NOOP(
                    "Audit",
                    "La plateforme a accusé réception d'un autre état du journal d'audit que celui envoyé.",
                ),
            )
        if head.index > last_index:  # it already held more: they must be ours
            self._contains(head)
        self._acks.save(chain, head)
        log.info("audit shipping: %d record(s) acknowledged up to %d", len(batch), head.index)
        return head

    def _contains(self, head: ChainHead) -> None:
        """The journal still has record ``head.index`` with ``head.mac``, else JournalTampered."""
        for _ in read_entries(self.path, head):
            break

    def _tampered(self, head: ChainHead | None, detail: str) -> JournalTampered:
        where = f" (platform head {head.to_text()})" if head else ""
        return JournalTampered(
            f"audit journal {self.path} differs from what the platform received{where}: {detail}",
            QT_TRANSLATE_NOOP(
                "Audit",
                "Le journal d'audit du poste ne correspond plus à ce que la plateforme a reçu : il a été "
                "modifié ou tronqué après son envoi. Une alerte de sécurité est nécessaire.",
            ),
        )


# --- transport through the platform client ------------------------------------------------------

_UNREACHABLE = QT_TRANSLATE_NOOP(
    "Audit", "La plateforme est injoignable : le journal d'audit sera envoyé plus tard."
)
_NOT_LOGGED_IN = QT_TRANSLATE_NOOP(
    "Audit", "Session expirée : le journal d'audit sera envoyé après la prochaine connexion."
)


class PlatformAuditTransport:
    """The audit endpoints through the workstation's one platform client (:mod:`workstation.platform.client`):
    its CA-only TLS, its refusal of redirects and its token refresh on 401 apply to the journal too.

    The client's errors become :class:`ShippingError` (records stay pending): a certificate refused
    is flagged ``tls`` (the caller records a security alert), a missing or expired session says the
    journal leaves after the next login, anything else says when it will be sent.
    """

    def __init__(self, client: PlatformClient) -> None:
        self._client = client

    def send(self, chain: str, lines: Sequence[bytes]) -> ChainHead:
        body = {"chain": chain, "records": [line.decode("ascii") for line in lines]}
        response = self._call("POST", "/audit", "audit ship", json=body)
        if response.status_code == 409:
            raise ChainRefused(self._code(response), response.text[:300], self._header_head(response))
        return self._head(self._answer(response, "ship"))

    def escrow(self, chain: str, initial_key: Secret) -> int:
        body = {"key": bytes(initial_key.view()).hex()}  # a copy we cannot wipe (JSON needs text)
        response = self._call("PUT", f"/audit/chains/{chain}/key", "audit key escrow", json=body)
        if response.status_code == 409:
            raise ChainRefused(self._code(response), response.text[:300], None)
        answer = self._answer(response, "key escrow")
        try:
            return int(answer["verified"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ShippingError(f"audit key escrow: malformed answer {answer!r:.200}", _BAD_ANSWER) from exc

    def head(self, chain: str) -> ChainHead | None:
        response = self._call("GET", f"/audit/chains/{chain}", "audit head")
        if response.status_code == 404:
            if self._code(response) == "unknown_chain":
                return None
            raise ShippingError(f"audit head: HTTP 404 {self._code(response)}", _PROTOCOL)
        return self._head(self._answer(response, "head"))

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response:
        try:
            return self._client.call(method, path, what, expected=(404, 409), **kwargs)
        except TlsError as exc:
            if not exc.certificate:  # a handshake refused otherwise: not a security alert
                raise ShippingError(str(exc), _UNREACHABLE) from exc
            raise ShippingError(
                str(exc),
                QT_TRANSLATE_NOOP(
                    "Audit",
                    "Connexion sécurisée à la plateforme refusée (certificat) : le journal d'audit n'est "
                    "pas envoyé.",
                ),
                tls=True,
            ) from exc
        except AuthError as exc:
            raise ShippingError(str(exc), _NOT_LOGGED_IN) from exc
        except (UnreachableError, ServerError) as exc:
            raise ShippingError(str(exc), _UNREACHABLE) from exc
        except PlatformError as exc:  # a redirect refused, a 4xx the contract does not have
            raise ShippingError(str(exc), _PROTOCOL) from exc

    @staticmethod
    def _code(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        return str(body.get("error", "")) if isinstance(body, dict) else ""

    @staticmethod
    def _answer(response: requests.Response, what: str) -> dict[str, Any]:
        if response.status_code != 200:
            detail = f"audit {what}: HTTP {response.status_code}: {response.text[:300]}"
            raise ShippingError(detail, _PROTOCOL)
        try:
            body = response.json()
        except ValueError as exc:
            raise ShippingError(f"audit {what}: answer is not JSON", _BAD_ANSWER) from exc
        if not isinstance(body, dict):
            raise ShippingError(f"audit {what}: answer is not an object", _BAD_ANSWER)
        return body

    @staticmethod
    def _head(body: dict[str, Any]) -> ChainHead:
        try:
            head = body["head"]
            return ChainHead(int(head["index"]), bytes.fromhex(head["mac"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ShippingError(f"audit: malformed head in {body!r:.200}", _BAD_ANSWER) from exc

    @staticmethod
    def _header_head(response: requests.Response) -> ChainHead | None:
        value = response.headers.get("X-Audit-Head")
        try:
            return ChainHead.from_text(value) if value else None
        except ValueError:
            return None


_PROTOCOL = QT_TRANSLATE_NOOP(
    "Audit", "La plateforme a refusé le journal d'audit du poste (erreur de protocole)."
)
_BAD_ANSWER = QT_TRANSLATE_NOOP("Audit", "La plateforme a envoyé une réponse illisible au journal d'audit.")
