"""Writing the demo data directory: dicom/, orders/ and seed/ (docs/ARCHITECTURE.md).

Generation is deterministic (seeded noise, UIDs derived from names) and idempotent: a marker file
written last records the generator version and every file with its size; when it matches what is
on disk, nothing is redone. A generation from another version, or one interrupted midway, is
redone in place (each file is replaced atomically) and the files the new one no longer makes are
removed. Nothing else in the directory is touched (state/ belongs to the server).

The image series are split into chunks written by worker processes: on two cores the whole demo
takes well under half a minute.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from . import cases, series
from .cases import (
    DEMO_ACCOUNT,
    DEMO_ADMIN_ACCOUNT,
    DEMO_EXPERT_ACCOUNT,
    DEMO_EXPERT_SPECIALTIES,
    DEMO_GROUP,
    DEMO_SITE_ACCOUNTS,
    GENERATOR_VERSION,
    MESSAGES,
    SITES,
)
from .orders import render
from .rdsr import write_dose_report

log = logging.getLogger(__name__)

MARKER = ".teleplatform-demo.json"
ORDERS = "orders"
ACCOUNTS = Path("seed") / "accounts.json"
GROUPS = Path("seed") / "groups.json"


def _chunks(count: int, parts: int) -> list[tuple[int, ...]]:
    size = -(-count // parts)
    return [tuple(range(start + 1, min(start + size, count) + 1)) for start in range(0, count, size)]


_WRITERS: dict[str, Callable[[Path, Sequence[int]], list[Path]]] = {
    "ct-head": series.ct_head,
    "ct-tap": series.ct_tap,
    "mr": series.mr_brain,
    "dx": lambda out, _: series.dx_chest(out),
    "dx-prior": lambda out, _: series.dx_chest_prior(out),
    "dx-charter": lambda out, _: series.dx_charter_cases(out),
    "ct-head-prior": series.ct_head_prior,
    "localizer": lambda out, _: series.ct_tap_localizer(out),
    "dose": lambda out, _: write_dose_report(out),
}


def _tasks() -> list[tuple[str, tuple[int, ...]]]:
    """Longest first, so that the two workers finish together."""
    return [
        ("dx", ()),
        ("dx-prior", ()),
        ("dx-charter", ()),
        *(("ct-tap", chunk) for chunk in _chunks(cases.CT_TAP_SLICES, 4)),
        *(("ct-head", chunk) for chunk in _chunks(cases.CT_HEAD_SLICES, 4)),
        *(("mr", chunk) for chunk in _chunks(cases.MR_SLICES, 2)),
        *(("ct-head-prior", chunk) for chunk in _chunks(cases.PRIOR_CT_HEAD_SLICES, 2)),
        ("localizer", ()),
        ("dose", ()),
    ]


def _run(out: str, name: str, instances: tuple[int, ...]) -> list[str]:
    root = Path(out)
    return [str(path.relative_to(root)) for path in _WRITERS[name](root, instances)]


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def order_file_names() -> list[str]:
    """orders/0001_<case>_<message>.hl7 ...: sorting the names gives the order of reception."""
    return [
        f"{ORDERS}/{number:04d}_{planned.file_stem}.hl7" for number, planned in enumerate(MESSAGES, start=1)
    ]


def _write_orders(out: Path) -> list[str]:
    names = order_file_names()
    for name, planned in zip(names, MESSAGES, strict=True):
        _write_bytes(out / name, render(planned))
    return names


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_accounts(out: Path) -> list[str]:
    """The demo radiologist first (what `make demo` prints and the tests log in as), assigned to
    the group of the demo sites; then one account per site's RIS, the platform's admin, and the
    téléexpertise expert (no site of its own)."""
    account = DEMO_ACCOUNT
    who = account.practitioner
    entries: list[dict[str, object]] = [
        {
            "login": account.login,
            "password": account.password,
            "totp_secret": account.totp_secret,
            "rpps": who.rpps,
            "family": who.family,
            "given": who.given,
            "title": who.title,
            "role": "radiologist",
            "groups": [DEMO_GROUP],
            "comment": account.comment,
        }
    ]
    for service in (*DEMO_SITE_ACCOUNTS, DEMO_ADMIN_ACCOUNT):
        entry: dict[str, object] = {
            "login": service.login,
            "password": service.password,
            "totp_secret": service.totp_secret,
            "rpps": "",
            "family": service.name,
            "given": "",
            "title": "",
            "role": service.role,
            "comment": account.comment,
        }
        if service.sites:
            entry["senders"] = [f"{site.application}^{site.facility}" for site in service.sites]
        entries.append(entry)
    expert = DEMO_EXPERT_ACCOUNT
    entries.append(
        {
            "login": expert.login,
            "password": expert.password,
            "totp_secret": expert.totp_secret,
            "rpps": expert.practitioner.rpps,
            "family": expert.practitioner.family,
            "given": expert.practitioner.given,
            "title": expert.practitioner.title,
            "role": "radiologist",
            "expertise": list(DEMO_EXPERT_SPECIALTIES),
            "comment": expert.comment,
        }
    )
    _write_bytes(out / ACCOUNTS, _json_bytes(entries))
    _write_bytes(out / GROUPS, _json_bytes({DEMO_GROUP: [f"{s.application}^{s.facility}" for s in SITES]}))
    return [str(ACCOUNTS), str(GROUPS)]


Progress = Callable[[int, int], None]  # (parts written, parts in all): generation takes a minute


def _write_dicom(out: Path, workers: int, progress: Progress | None = None) -> list[str]:
    tasks = _tasks()
    if workers <= 1:
        names = []
        for done, task in enumerate(tasks, start=1):
            names += _run(str(out), *task)
            if progress is not None:
                progress(done, len(tasks))
        return names
    # spawn, not fork: the caller may be a threaded server or a test runner
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_run, str(out), *task) for task in tasks]
        if progress is not None:
            for done, _ in enumerate(as_completed(futures), start=1):
                progress(done, len(tasks))
        return [name for future in futures for name in future.result()]


def _read_marker(out: Path) -> dict[str, object] | None:
    try:
        content = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def is_complete(out: Path) -> bool:
    """A generation by this version, with every file it wrote still there at its size."""
    marker = _read_marker(out)
    if marker is None or marker.get("generator_version") != GENERATOR_VERSION:
        return False
    files = marker.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for name, size in files.items():
        try:
            if (out / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def default_workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, 4))


def generate(out: Path, workers: int | None = None, progress: Progress | None = None) -> bool:
    """Write the demo cases into `out`; False when an identical generation was already there.
    ``progress(done, total)`` is called as the DICOM parts are written (from this thread)."""
    out = Path(out)
    if is_complete(out):
        log.info("demo data in %s already generated by version %s", out, GENERATOR_VERSION)
        return False
    previous = _read_marker(out)
    (out / MARKER).unlink(missing_ok=True)  # from here on the directory is incomplete
    out.mkdir(parents=True, exist_ok=True)
    written = _write_orders(out) + _write_accounts(out)
    written += _write_dicom(out, workers or default_workers(), progress)
    old = previous.get("files") if previous else None
    if isinstance(old, dict):
        for name in set(old) - set(written):
            stale = out / name
            if stale.is_file():
                stale.unlink()
                log.info("removed %s, no longer part of the demo", name)
    marker = {
        "generator_version": GENERATOR_VERSION,
        "comment": "Données de démonstration fictives générées par python -m teleplatform.demo.",
        "files": {name: (out / name).stat().st_size for name in sorted(written)},
    }
    _write_bytes(out / MARKER, (json.dumps(marker, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    log.info("demo data written to %s: %d files", out, len(written))
    return True
