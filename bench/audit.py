"""Audit journal: verifying a 10,000-record journal, appending with fsync, shipping to the platform.

Target (issue 5): verification of 10,000 records in under 1 s, so that a journal is checked at every
start and by an auditor without waiting. Appending is timed one record at a time, each durable
(one write and one fsync) as the workstation does, and the read of the records to ship is timed
on the whole journal, then the whole journal is shipped to an in-process reference platform over
real HTTPS (``POST /api/v1/audit``, batches of 500). Best of three runs for the verification;
records are varied (every event kind, patient, study and order identifiers, MSH-10 details), as in
tests/workstation/test_audit_tamper.py.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._targets import Targets

TARGET_S = 1.0
K0 = bytes.fromhex("5a" * 32)


def _records(count: int) -> Iterator[object]:
    from workstation.audit.model import (
        AccessPointType,
        AuditRecord,
        AuditSource,
        EventKind,
        ObjectKind,
        Outcome,
        Participant,
        ParticipantObject,
        Role,
    )

    kinds = list(EventKind)
    start = datetime(2026, 11, 14, 21, 0, tzinfo=UTC)
    user = Participant("dr.moreau", True, "89970000041", "poste-1.local", AccessPointType.MACHINE_NAME)
    platform = Participant(
        "https://127.0.0.1:8443", False, access_point="https://127.0.0.1:8443", role=Role.DESTINATION
    )
    for i in range(count):
        objects = (
            ParticipantObject(
                ObjectKind.PATIENT,
                f"{1_440_318_033_127_00 + i}^^^&1.2.250.1.213.1.4.10&ISO",
                (("MSH-10", f"{i:020X}"),),
            ),
            ParticipantObject(ObjectKind.STUDY, f"2.25.{10**30 + i}"),
            ParticipantObject(ObjectKind.ORDER, f"CHVC-DI-{i:010d}"),
        )
        yield AuditRecord(
            kinds[i % len(kinds)],
            start + timedelta(seconds=11 * i),
            Outcome.SUCCESS,
            AuditSource("poste-1", "teleradiologie"),
            (user, platform),
            objects,
        )


def _ship(journal: Path, root: Path) -> float:
    """Seconds to ship the whole journal to an in-process reference platform over real HTTPS."""
    import json
    import threading

    import pyotp
    import requests

    from teleplatform.api import Platform
    from teleplatform.server import PlatformServer
    from teleplatform.tls import ensure_tls, server_context
    from workstation.audit.shipping import AuditShipper, PlatformAuditTransport
    from workstation.platform.client import PlatformClient, UserInfo

    secret = pyotp.random_base32()
    account = {
        "login": "bench",
        "password": "bench-password",
        "totp_secret": secret,
        "rpps": "",
        "family": "B",
        "given": "B",
        "title": "",
    }
    for folder in ("seed", "orders", "dicom"):
        (root / folder).mkdir(parents=True)
    (root / "seed" / "accounts.json").write_text(json.dumps([account]), encoding="utf-8")
    tls = ensure_tls(root / "state" / "tls", datetime.now(UTC))
    platform = Platform.open(root)
    server = PlatformServer(0, platform, server_context(tls))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"https://127.0.0.1:{server.port}"
        with requests.Session() as http:
            http.trust_env = False
            answer = http.post(
                f"{base}/api/v1/auth/login",
                json={"login": "bench", "password": "bench-password", "otp": pyotp.TOTP(secret).now()},
                verify=str(tls.ca_cert),
                timeout=30,
            )
            answer.raise_for_status()
        tokens = answer.json()
        client = PlatformClient(base, tls.ca_cert, timeout=60)  # the workstation's one platform client
        user = tokens["user"]
        client.use_tokens(
            tokens["access_token"], tokens["refresh_token"], tokens["expires_in"],
            UserInfo(user["login"], user["rpps"], user["family"], user["given"], user["title"]),
        )
        shipper = AuditShipper(journal, PlatformAuditTransport(client))
        start = time.perf_counter()
        report = shipper.ship()
        elapsed = time.perf_counter() - start
        assert report.head is not None and report.sent == report.head.index + 1, report
        return elapsed
    finally:
        server.shutdown()
        server.server_close()
        platform.close()


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench audit")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--appends", type=int, default=200, help="single appends timed (each with fsync)")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where to write (fsync costs depend on the disk; /tmp may be RAM)",
    )
    args = parser.parse_args(argv)
    from workstation.audit.journal import AuditJournal, MemoryStateStore, read_entries, verify_file

    with tempfile.TemporaryDirectory(prefix="bench-audit-", dir=args.dir) as folder:
        path = Path(folder) / "journal.jsonl"
        records = list(_records(args.records))
        start = time.perf_counter()
        with AuditJournal(path, MemoryStateStore(), K0) as journal:
            journal.append_many(records)
        sealed = time.perf_counter() - start
        size = path.stat().st_size / 1e6

        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = verify_file(path, K0)
            times.append(time.perf_counter() - start)
            assert result.ok and result.records == args.records, result
        verify = min(times)

        start = time.perf_counter()
        shipped = sum(1 for _ in read_entries(path))
        reading = time.perf_counter() - start
        assert shipped == args.records

        single = Path(folder) / "single.jsonl"
        latencies = []
        with AuditJournal(single, MemoryStateStore(), K0) as journal:
            for record in records[: args.appends]:
                start = time.perf_counter()
                journal.append(record)  # type: ignore[arg-type]
                latencies.append(time.perf_counter() - start)
        latencies.sort()

        shipping = _ship(path, Path(folder) / "platform")

    print(
        f"Journal de {args.records} enregistrements ({size:.1f} Mo) scellé en un lot : {sealed:.2f} s\n"
        f"Vérification complète : {verify * 1000:.0f} ms "
        f"(meilleure de 3 ; objectif < {TARGET_S * 1000:.0f} ms)\n"
        f"Lecture pour l'envoi à la plateforme : {reading * 1000:.0f} ms\n"
        f"Ajout unitaire avec fsync ({args.appends}) : médiane {statistics.median(latencies) * 1000:.1f} ms, "
        f"95e centile {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms\n"
        f"Envoi à la plateforme de référence (HTTPS local, lots de 500) : {shipping:.2f} s "
        f"({args.records / shipping:.0f} enregistrements/s)"
    )
    targets = Targets("audit")
    targets.at_most(f"vérification de {args.records} enregistrements", verify * 1000, TARGET_S * 1000, "ms")
    return targets.status()
