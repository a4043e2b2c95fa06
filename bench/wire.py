"""Over a site's link: the 200-slice demo CT through a throttled line, the workstation vs dicomweb-client.

The reference platform runs on the demo data (``--data DIR``, else generated) behind its relay
(:class:`teleplatform.relay.FaultProxy`) throttled to a teleradiologist's line: 100 Mbit/s and 20 ms
each way by default, then 20 Mbit/s. Both sides go through the same relay, over real HTTPS, with
the same account, wall-clocked around the same call:

- the workstation: what ``workstation.reading.open_case`` and the viewer do on opening a study:
  :class:`workstation.platform.streaming.StudyStream` (the displayed slice asked for first, alone, then
  the first slice of every other series, several instances in flight, then the rest of each fresh series
  in one series-level request read part by part; JPEG-LS lossless asked for) fed to the viewer's
  :class:`viewer.loader.StudyLoader` (2 decoding workers, started cold as in the application), each
  instance sealed into an encrypted :class:`workstation.cache.StudyCache` as it comes. "First
  image" is when the loader hands the viewer the displayed slice's decoded pixels (the viewer paints it
  in a few milliseconds: ``bench viewer``'s frame times); "whole series" when every slice of the CT series
  is decoded in its volume (the stack complete: MPR and 3D possible);
- the peer: ``dicomweb_client.DICOMwebClient.retrieve_series`` of the CT series, uncompressed
  (transfer-syntax 1.2.840.10008.1.2.1), one multipart request; for information, the same with
  JPEG-LS lossless asked for (the platform transcodes on request), what a streaming client could gain.

Targets (issue 24): first image < 1 s after opening at 100 Mbit/s and < 2 s at 20 Mbit/s; the whole
series in at most 0.6 x the peer's time (same run, same line). ``--small`` uses the demo's one-instance
radiograph instead of the CT (seconds, for the tests).
"""
from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench._targets import Targets

UNCOMPRESSED = (("application/dicom", "1.2.840.10008.1.2.1"),)
JPEG_LS = (("application/dicom", "1.2.840.10008.1.2.4.80"),)


def _largest_series(client: object, entries: list[object]) -> tuple[str, str, int]:
    """(study, series, instances) of the series with the most instances among the worklist's studies."""
    best = ("", "", 0)
    for entry in entries:
        study = entry.study_instance_uid  # type: ignore[attr-defined]
        counts: dict[str, int] = {}
        for item in client.dicomweb.search_instances(study):  # type: ignore[attr-defined]
            series = item.get("0020000E", {}).get("Value", [""])[0]
            counts[series] = counts.get(series, 0) + 1
        for series, count in counts.items():
            if count > best[2]:
                best = (study, series, count)
    return best


def _s(seconds: float | None) -> str:
    return "jamais" if seconds is None else f"{seconds:6.2f} s"


def _at_most(targets: Targets, name: str, seconds: float | None, limit: float, unit: str) -> None:
    if seconds is None:
        targets.failed(f"{name} : aucune image")
    else:
        targets.at_most(name, seconds, limit, unit)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench wire", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="platform data directory (default: demo data generated)")
    parser.add_argument("--mbit", type=float, default=100.0, help="line bandwidth, Mbit/s each way")
    parser.add_argument("--slow-mbit", type=float, default=20.0, help="the slow line, Mbit/s (0: skip)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="one-way latency")
    parser.add_argument("--small", action="store_true", help="the demo radiograph only (tests)")
    args = parser.parse_args(argv)

    import requests
    from dicomweb_client.api import DICOMwebClient

    from bench.cache import _small_demo
    from teleplatform.relay import FaultProxy
    from tests.platform_fixtures import private_copy, start_platform
    from viewer.loader import LoadObserver, PreviewImage, StudyLoad, StudyLoader
    from viewer.series import Series
    from workstation.cache import StudyCache
    from workstation.platform import PlatformClient
    from workstation.platform.errors import NotFoundError
    from workstation.platform.streaming import IN_FLIGHT, StudyStream

    targets = Targets("wire")
    work = Path(tempfile.mkdtemp(prefix="bench-wire-"))
    running = None
    relays: list[FaultProxy] = []
    try:
        source = args.data
        if source is None:
            source = work / "demo"
            if args.small:
                _small_demo(source)
            else:
                from teleplatform.demo import generate

                generate(source)
        running = start_platform(private_copy(source, work / "platform"), work / "platform.log")
        port = int(running.base_url.rsplit(":", 1)[1])
        direct = PlatformClient(running.base_url, running.ca_path, timeout=120)
        account = running.account
        auth = direct.login(account["login"], account["password"], running.fresh_otp())
        entries = []
        for entry in direct.worklist():
            if entry.study_instance_uid:
                try:
                    direct.dicomweb.search_instances(entry.study_instance_uid)
                except NotFoundError:
                    continue
                entries.append(entry)
        study, series, count = _largest_series(direct, entries)
        if not count:
            targets.failed("no study with images on the platform")
            return targets.status()
        token = auth.access_token  # the same account's session on both sides

        def line(mbit: float) -> FaultProxy:
            relay = FaultProxy(port, bandwidth_bps=mbit * 1e6, latency_s=args.latency_ms / 1000)
            relays.append(relay)
            return relay

        def ours(relay: FaultProxy) -> tuple[float | None, float | None, int]:
            """(first image s, whole series s, bytes received): the application's opening of the study."""
            client = PlatformClient(relay.url, running.ca_path, timeout=120)  # type: ignore[union-attr]
            client.use_tokens(token, auth.refresh_token, 600, auth.user)
            target = work / f"ours-{time.monotonic_ns()}"
            (target / "in").mkdir(parents=True)
            times: dict[str, float] = {}
            done = threading.Event()

            class Watch(LoadObserver):
                def preview(self, image: PreviewImage) -> None:
                    times.setdefault("first", time.perf_counter())

                def slices_loaded(self, item: Series, indices: tuple[int, ...]) -> None:
                    times.setdefault("first", time.perf_counter())

                def series_done(self, item: Series) -> None:
                    if item.series_instance_uid == series:
                        times["series"] = time.perf_counter()
                        done.set()

                def finished(self, study_load: StudyLoad) -> None:
                    done.set()

            loader = StudyLoader(2)  # the application's loader: two workers, started on demand
            cache = StudyCache(target / "cache", secrets.token_bytes(32), runtime_dir=target)
            try:
                start = time.perf_counter()
                cache.begin_study(study)
                stream = StudyStream(
                    client.dicomweb, study, target / "in",
                    store=lambda series, sop, data: cache.put_instance(study, series, sop, data),
                    on_complete=lambda: cache.finish_study(study),
                )
                stream.start(first=lambda wanted: not wanted.image)
                handle = loader.load(stream, Watch())
                done.wait(300)
                stream.result()
                handle.result(60)
                stream.wait(60)  # sealed too
            finally:
                loader.close()
                cache.close()
            shutil.rmtree(target, ignore_errors=True)
            first = times["first"] - start if "first" in times else None
            whole = times["series"] - start if "series" in times else None
            return first, whole, stream.received_bytes

        def peer(relay: FaultProxy, media_types: tuple[tuple[str, str], ...] = UNCOMPRESSED
                 ) -> tuple[float, int]:
            session = requests.Session()
            session.trust_env = False
            session.verify = str(running.ca_path)  # type: ignore[union-attr]
            session.headers["Authorization"] = f"Bearer {token}"
            client = DICOMwebClient(f"{relay.url}/dicom-web", session=session)
            start = time.perf_counter()
            datasets = client.retrieve_series(study, series, media_types=media_types)
            elapsed = time.perf_counter() - start
            assert len(datasets) == count, (len(datasets), count)
            return elapsed, sum(len(ds.PixelData) for ds in datasets)

        fast = line(args.mbit)
        what = "radiographie de démonstration" if args.small else "plus grande série de la démonstration"
        print(f"Ligne {args.mbit:g} Mbit/s, {args.latency_ms:g} ms par sens ; série de {count} instances "
              f"({what})")
        peer_s, peer_bytes = peer(fast)
        first_s, whole_s, ours_bytes = ours(fast)
        print(f"  dicomweb-client retrieve_series non compressé : {peer_s:6.2f} s "
              f"({peer_bytes / 1e6:.1f} Mo de pixels)")
        print(f"  poste, première image (coupe affichée décodée) : {_s(first_s)}")
        print(f"  poste, série entière décodée                  : {_s(whole_s)} ({ours_bytes / 1e6:.1f} Mo "
              f"reçus, JPEG-LS sans perte, coupe affichée d'abord, {IN_FLIGHT} requêtes en vol puis "
              f"la série en une requête)")
        jls_s, jls_bytes = peer(fast, JPEG_LS)
        print(f"  pour information, dicomweb-client avec JPEG-LS sans perte demandé (la plateforme "
              f"transcode) : {jls_s:6.2f} s ({jls_bytes / 1e6:.1f} Mo de pixels)")
        _at_most(targets, f"première image à {args.mbit:g} Mbit/s", first_s, 1.0, "s")
        if whole_s is None:
            targets.failed("série entière : non terminée")
        else:
            targets.at_most("série entière / dicomweb-client non compressé", whole_s / peer_s, 0.6, "x")
        if args.slow_mbit:
            slow = line(args.slow_mbit)
            slow_first, slow_whole, _ = ours(slow)
            print(f"  ligne {args.slow_mbit:g} Mbit/s : première image {_s(slow_first)}, série entière "
                  f"{_s(slow_whole)}")
            _at_most(targets, f"première image à {args.slow_mbit:g} Mbit/s", slow_first, 2.0, "s")
        return targets.status()
    finally:
        for relay in relays:
            relay.down()
        if running is not None:
            running.stop()
        shutil.rmtree(work, ignore_errors=True)
