"""Encrypted study cache: prefetch throughput vs plain DICOMweb retrieval, cached vs network opening.

Runs the reference platform (``python -m teleplatform serve``, real HTTPS on loopback) on the demo
data (``--data DIR``, else generated in a temporary directory), logs in, and for each study of the
worklist that has images measures, interleaved and repeated (median):

- plain retrieval: ``PlatformClient.retrieve_study`` into a fresh directory (what a workstation
  without cache does), against prefetch: the same retrieval sealed into the encrypted cache
  (``Prefetcher.run_once``);
- opening a study: ``StudyCache.open_study`` (decrypt into RAM for the viewer) against fetching it
  over the network.

Loopback HTTPS is the best case for the network: on a real link the cached opening wins by more.

Targets (all studies together, same run): opening from the cache at most 0.5 x the time of fetching
over loopback, and prefetching (retrieval sealed into the encrypted cache) at most 1.5 x the time of
the plain retrieval. ``--small`` serves only the demo's chest radiograph (the other orders have no
images on the platform and are skipped): seconds instead of a minute, for the tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench._targets import Targets

CACHE_OPEN_TARGET = 0.5
PREFETCH_TARGET = 1.5


def _small_demo(out: Path) -> None:
    """The demo's orders and accounts with one study's images (the chest radiograph) on the platform."""
    from teleplatform.demo import datadir, series

    out.mkdir(parents=True)
    datadir._write_orders(out)
    datadir._write_accounts(out)
    series.dx_chest(out)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cache", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="platform data directory (default: demo data generated)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="one small study (tests)")
    args = parser.parse_args(argv)

    from tests.platform_fixtures import private_copy, start_platform
    from workstation.cache import Prefetcher, PrefetchRequest, StudyCache
    from workstation.platform import PlatformClient
    from workstation.platform.errors import NotFoundError

    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    running = None
    try:
        source = args.data
        if source is None:
            from teleplatform.demo import generate

            source = work / "demo"
            if args.small:
                _small_demo(source)
            else:
                generate(source)
        running = start_platform(private_copy(source, work / "platform"), work / "platform.log")
        client = PlatformClient(running.base_url, running.ca_path, timeout=60)
        account = running.account
        client.login(account["login"], account["password"], running.fresh_otp())
        entries = [e for e in client.worklist() if e.study_instance_uid]
        runtime = Path("/dev/shm") if Path("/dev/shm").is_dir() else work
        print(f"{len(entries)} studies with images; decrypted copies in {runtime}")
        print(
            f"{'study':<16}{'inst.':>6}{'MB':>8}{'plain MB/s':>12}{'prefetch MB/s':>15}{'ratio':>7}"
            f"{'open net s':>12}{'open cache s':>14}{'speed-up':>10}"
        )
        totals = {"plain": 0.0, "prefetch": 0.0, "net": 0.0, "cache": 0.0, "mb": 0.0}
        for entry in entries:
            uid = entry.study_instance_uid
            assert uid is not None
            plain, prefetch, opened, size, count = [], [], [], 0, 0
            cache_dir = work / "cache"
            for rep in range(args.repeat):
                target = work / f"plain-{rep}"
                start = time.perf_counter()
                try:
                    paths = client.retrieve_study(uid, target)
                except NotFoundError:  # an order whose images the platform does not hold (--small)
                    paths = []
                plain.append(time.perf_counter() - start)
                size, count = sum(p.stat().st_size for p in paths), len(paths)
                shutil.rmtree(target, ignore_errors=True)
                if not count:
                    break

                shutil.rmtree(cache_dir, ignore_errors=True)
                cache = StudyCache(cache_dir, bytes(range(32)), runtime_dir=runtime)
                prefetcher = Prefetcher(cache, client.dicomweb, size_cap=1 << 40, runtime_dir=runtime)
                start = time.perf_counter()
                report = prefetcher.run_once([PrefetchRequest(uid, entry.received_at)])
                prefetch.append(time.perf_counter() - start)
                assert report.instances == count, (report.instances, count)

                start = time.perf_counter()
                with cache.open_study(uid) as study:
                    assert len(study.paths) == count
                opened.append(time.perf_counter() - start)
                cache.close()
            if not count:
                print(f"{entry.order_id[-15:]:<16} no image on the platform: skipped")
                continue
            mb = size / 1e6
            t_plain, t_prefetch, t_open = (statistics.median(x) for x in (plain, prefetch, opened))
            totals["plain"] += t_plain
            totals["prefetch"] += t_prefetch
            totals["cache"] += t_open
            totals["net"] += t_plain
            totals["mb"] += mb
            print(
                f"{entry.order_id[-15:]:<16}{count:>6}{mb:>8.1f}{mb / t_plain:>12.1f}{mb / t_prefetch:>15.1f}"
                f"{t_plain / t_prefetch:>7.2f}{t_plain:>12.3f}{t_open:>14.3f}{t_plain / t_open:>9.1f}x"
            )
        print(
            f"all: {totals['mb']:.1f} MB; prefetch throughput"
            f" {totals['mb'] / totals['prefetch']:.1f} MB/s vs "
            f"plain DICOMweb {totals['mb'] / totals['plain']:.1f} MB/s (ratio prefetch/plain "
            f"{totals['plain'] / totals['prefetch']:.2f}); opening from the cache {totals['cache']:.2f} s vs "
            f"over the network {totals['net']:.2f} s ({totals['net'] / totals['cache']:.1f}x faster)"
        )
        targets = Targets("cache")
        if not totals["mb"]:
            targets.failed("no study with images on the platform")
        else:
            targets.at_most("ouverture cache / réseau (temps)", totals["cache"] / totals["net"],
                            CACHE_OPEN_TARGET, "x")
            targets.at_most("préchargement chiffré / retrait simple (temps)",
                            totals["prefetch"] / totals["plain"], PREFETCH_TARGET, "x")
        return targets.status()
    finally:
        if running is not None:
            running.stop()
        shutil.rmtree(work, ignore_errors=True)
