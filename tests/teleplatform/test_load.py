"""A bounded load test on loopback (issue 15): 20 clients for LOAD_SECONDS against the platform's
own process, site and radiologist accounts mixed. Sites create orders (and resend some of them);
radiologists poll their worklist, accept their own orders and try the other site's. Afterwards:
0 lost (every AA is in the store), 0 duplicated (one row per sender, MSH-10 and account), 0
cross-account leaks (no worklist ever showed another site's order, no answer to one was taken)."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.platform_fixtures import RunningPlatform

from .builders import (
    ACCOUNT,
    OTHER_RADIOLOGIST,
    OTHER_SENDER,
    OTHER_SITE,
    SITE_ACCOUNT,
    SITE_SENDER,
    acceptance,
    new_order,
    write_data_dir,
)

LOAD_SECONDS = 20.0
CLIENTS_PER_ACCOUNT = 5
HL7 = {"Content-Type": "application/hl7-v2; charset=utf-8"}


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    created: dict[str, str] = field(default_factory=dict)  # order id -> site prefix
    accepted: set[str] = field(default_factory=set)  # control ids answered AA
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def note(self, **kwargs: object) -> None:
        with self.lock:
            self.requests += 1
            for name, value in kwargs.items():
                target = getattr(self, name)
                if isinstance(target, dict):
                    target.update(value)  # type: ignore[arg-type]
                elif isinstance(target, set):
                    target.add(value)
                else:
                    target.append(value)


def _site(
    platform: RunningPlatform, token: str, prefix: str, sender: str, tally: Tally, deadline: float
) -> None:
    rng = random.Random(prefix)
    with platform.session() as http:
        http.headers.update({**HL7, "Authorization": f"Bearer {token}"})
        while time.monotonic() < deadline:
            order = f"{prefix}{uuid.uuid4().hex[:10].upper()}"
            raw = new_order(order, uuid.uuid4().hex[:20], sender=sender)
            answer = http.post(f"{platform.base_url}/api/v1/messages", data=raw, timeout=30)
            if answer.status_code != 200 or answer.headers["X-HL7-Ack-Code"] != "AA":
                tally.note(errors=f"{prefix} new order: {answer.status_code} {answer.text[:200]}")
                continue
            tally.note(created={order: prefix})
            if rng.random() < 0.2:  # the site did not hear the ACK and sends again
                again = http.post(f"{platform.base_url}/api/v1/messages", data=raw, timeout=30)
                if again.content != answer.content:
                    tally.note(errors=f"{prefix} resend of {order} got another ACK")


def _radiologist(
    platform: RunningPlatform, token: str, own: str, other: str, tally: Tally, deadline: float
) -> None:
    rng = random.Random(token)
    with platform.session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        while time.monotonic() < deadline:
            listed = http.get(f"{platform.base_url}/api/v1/worklist", timeout=30)
            if listed.status_code != 200:
                tally.note(errors=f"worklist {listed.status_code}")
                continue
            orders = listed.json()["orders"]
            foreign = [o["order_id"] for o in orders if not o["order_id"].startswith(own)]
            if foreign:
                tally.note(leaks=f"{own} worklist showed {foreign[:3]}")
            waiting = [o["order_id"] for o in orders if o["status"] == "a_valider"]
            if waiting:
                control = uuid.uuid4().hex[:20]
                raw = acceptance(rng.choice(waiting), control)
                answer = http.post(f"{platform.base_url}/api/v1/messages", data=raw, headers=HL7, timeout=30)
                if answer.status_code != 200:
                    tally.note(errors=f"acceptance {answer.status_code} {answer.text[:200]}")
                elif answer.headers["X-HL7-Ack-Code"] == "AA":
                    tally.note(accepted=control)
            with tally.lock:
                theirs = [o for o, prefix in tally.created.items() if prefix == other]
            if theirs:
                raw = acceptance(rng.choice(theirs), uuid.uuid4().hex[:20])
                answer = http.post(f"{platform.base_url}/api/v1/messages", data=raw, headers=HL7, timeout=30)
                if answer.status_code != 403:
                    tally.note(leaks=f"{own} answered another site's order: {answer.status_code}")


@pytest.fixture
def loaded(tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]) -> RunningPlatform:
    return platform_factory(write_data_dir(tmp_path / "data"))


def test_twenty_clients_mixed_roles_lose_nothing_duplicate_nothing_leak_nothing(
    loaded: RunningPlatform,
) -> None:
    platform = loaded
    tokens = {
        a["login"]: platform.login(a["login"])["access_token"]
        for a in (ACCOUNT, SITE_ACCOUNT, OTHER_RADIOLOGIST, OTHER_SITE)
    }
    tally = Tally()
    deadline = time.monotonic() + LOAD_SECONDS
    jobs: list[tuple[Callable[..., None], tuple[object, ...]]] = []
    for _ in range(CLIENTS_PER_ACCOUNT):
        jobs.append((_site, (platform, tokens[SITE_ACCOUNT["login"]], "S", SITE_SENDER, tally, deadline)))
        jobs.append((_site, (platform, tokens[OTHER_SITE["login"]], "A", OTHER_SENDER, tally, deadline)))
        jobs.append((_radiologist, (platform, tokens[ACCOUNT["login"]], "S", "A", tally, deadline)))
        jobs.append((_radiologist, (platform, tokens[OTHER_RADIOLOGIST["login"]], "A", "S", tally, deadline)))

    def run(target: Callable[..., None], args: tuple[object, ...]) -> None:
        try:
            target(*args)
        except requests.RequestException as exc:
            tally.note(errors=f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LOAD_SECONDS + 60)
    assert len(threads) == 20 and not any(t.is_alive() for t in threads)

    database = platform.data_dir / "state" / "platform.sqlite"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        stored_orders = dict(conn.execute("SELECT order_id, sender FROM orders").fetchall())
        duplicates = conn.execute(
            "SELECT sender, control_id, account, COUNT(*) FROM messages GROUP BY sender, control_id, account"
            " HAVING COUNT(*) > 1"
        ).fetchall()
        answered = {
            row[0]
            for row in conn.execute(
                "SELECT control_id FROM messages WHERE message_type LIKE 'ORU%' AND ack_code = 'AA'"
            )
        }
    lost_orders = set(tally.created) - set(stored_orders)
    lost_answers = tally.accepted - answered
    wrong_sender = [
        o
        for o, prefix in tally.created.items()
        if stored_orders.get(o)
        != {"S": "StructureApp@StructureFacility", "A": "AutreApp@AutreFacility"}[prefix]
    ]
    print(
        f"load: {tally.requests} requests in {LOAD_SECONDS:.0f} s, {len(tally.created)} orders,"
        f" {len(tally.accepted)} answers; lost {len(lost_orders) + len(lost_answers)},"
        f" duplicated {len(duplicates)}, leaks {len(tally.leaks)}, errors {len(tally.errors)}"
    )
    assert tally.errors == []
    assert (lost_orders, lost_answers) == (set(), set())
    assert duplicates == [] and wrong_sender == []
    assert tally.leaks == []
    assert len(tally.created) > 50 and tally.accepted  # the load was real
