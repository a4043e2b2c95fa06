"""DICOM loading vs SimpleITK, VTK and naive pydicom; first image; decoders vs python-gdcm; memory.

Everything is measured in the same run on the real 140-slice Philips CT of ../shared (skipped with a
message when absent), warm file cache, median of several interleaved repetitions so that the
machine's noise hits every contender alike. The loader is measured as the application uses it: one
StudyLoader kept alive, its two worker processes already started (their start-up is reported apart).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "dicom"
CT = DATA / "neurolabusc_dcm_qa_ct" / "ct_philips_ingenuity_S2020_1mm"
WG04 = DATA / "nema_wg04_via_dicom-test-files"
CORNERSTONE = DATA / "cornerstonejs_cornerstoneWADOImageLoader"

SYNTAX_FILES = [
    ("Explicit VR LE (référence)", WG04 / "CT1_UNC.dcm"),
    ("RLE", WG04 / "CT1_RLE.dcm"),
    ("JPEG lossless SV1 (.70)", WG04 / "CT1_JPLL.dcm"),
    ("JPEG lossless (.57)",
     CORNERSTONE / "CTImage.dcm_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm"),
    ("JPEG baseline 8 bits (.50)",
     CORNERSTONE / "CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm"),
    ("JPEG extended 12 bits (.51)",
     CORNERSTONE / "CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm"),
    ("JPEG-LS lossless (.80)", WG04 / "CT1_JLSL.dcm"),
    ("JPEG-LS near-lossless (.81)", WG04 / "CT1_JLSN.dcm"),
    ("JPEG 2000 lossless (.90)", WG04 / "CT1_J2KR.dcm"),
    ("JPEG 2000 (.91)", WG04 / "CT1_J2KI.dcm"),
]


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


# --- contenders ----------------------------------------------------------------------------------------
def load_simpleitk(folder: Path) -> tuple[int, ...]:
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    return sitk.GetArrayViewFromImage(reader.Execute()).shape


def load_vtk(folder: Path) -> tuple[int, ...]:
    from vtkmodules.vtkIOImage import vtkDICOMImageReader

    reader = vtkDICOMImageReader()
    reader.SetDirectoryName(str(folder))
    reader.Update()
    return reader.GetOutput().GetDimensions()


def load_naive(folder: Path) -> tuple[int, ...]:
    import pydicom

    files = sorted(p for p in folder.iterdir() if p.name != "DIRFILE")
    return np.stack([pydicom.dcmread(p).pixel_array for p in files]).shape


def series_load(loader: object, repeats: int) -> dict[str, object]:
    from viewer.loader import StudyLoader

    assert isinstance(loader, StudyLoader)
    in_thread = StudyLoader(0)
    contenders: dict[str, Callable[[], object]] = {
        "ce chargeur (2 processus)": lambda: loader.load(CT).result(),
        "ce chargeur (sans processus)": lambda: in_thread.load(CT).result(),
        "SimpleITK ImageSeriesReader": lambda: load_simpleitk(CT),
        "vtkDICOMImageReader": lambda: load_vtk(CT),
        "pydicom naïf (dcmread+pixel_array+stack)": lambda: load_naive(CT),
    }
    for function in contenders.values():  # warm caches and imports
        function()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    firsts: list[tuple[float, float]] = []
    for _ in range(repeats):
        for name, function in contenders.items():
            if name == "ce chargeur (2 processus)":
                study = loader.load(CT).result()
                samples[name].append(study.timings.total_s)
                firsts.append((study.timings.preview_s or 0.0, study.timings.first_slice_s or 0.0))
            else:
                samples[name].append(_timed(function))
    in_thread.close()
    return {
        "medians_s": {name: _median(values) for name, values in samples.items()},
        "min_s": {name: min(values) for name, values in samples.items()},
        "preview_s": _median([f[0] for f in firsts]),
        "first_slice_s": _median([f[1] for f in firsts]),
    }


# --- decoders ------------------------------------------------------------------------------------------
def _gdcm_decode(path: Path) -> int:
    import gdcm

    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    if not reader.Read():
        raise RuntimeError("gdcm cannot read")
    return len(reader.GetImage().GetBuffer().encode("utf-8", "surrogateescape"))


def decoders(pool: ProcessPoolExecutor, repeats: int) -> list[dict[str, object]]:
    from viewer.codecs import DecodeTask, check_backends, decode_task
    from viewer.headers import ImageFile, read_image_file
    from viewer.loader import FRAMES_PER_TASK

    backends = check_backends()
    rows = []
    for label, path in SYNTAX_FILES:
        image = read_image_file(path)
        assert isinstance(image, ImageFile), image
        task = DecodeTask(image.source, image.fmt, (0,))
        megabytes = image.fmt.rows * image.fmt.columns * image.fmt.bits_allocated / 8 / 1e6
        decode_task(task)
        ours = _median([_timed(lambda task=task: decode_task(task)) for _ in range(repeats)])
        # as the loader feeds its workers: tasks of FRAMES_PER_TASK frames (here the same frame again)
        batch = DecodeTask(image.source, image.fmt, (0,) * FRAMES_PER_TASK)
        tasks = 2 * repeats
        list(pool.map(decode_task, [batch] * 2))
        parallel = _timed(lambda batch=batch, tasks=tasks: list(pool.map(decode_task, [batch] * tasks)))
        parallel /= tasks * FRAMES_PER_TASK
        try:
            _gdcm_decode(path)
            gdcm_s: float | None = _median(
                [_timed(lambda path=path: _gdcm_decode(path)) for _ in range(repeats)]
            )
        except Exception:  # gdcm cannot decode some syntaxes; say so rather than fail the bench
            gdcm_s = None
        rows.append({
            "syntax": label, "decoder": backends.get(image.source.transfer_syntax, "?"),
            "ours_mb_s": megabytes / ours, "ours_2_workers_mb_s": megabytes / parallel,
            "gdcm_mb_s": megabytes / gdcm_s if gdcm_s else None,
        })
    return rows


def compressed_series(loader: object, repeats: int, count: int) -> dict[str, object]:
    """The CT's first slices re-encoded in JPEG 2000 lossless: where parallel decoding matters most."""
    import pydicom
    from pydicom.uid import JPEG2000Lossless

    from viewer.loader import StudyLoader

    assert isinstance(loader, StudyLoader)
    with tempfile.TemporaryDirectory(prefix="bench-j2k-") as folder:
        images = (p for p in CT.iterdir() if p.name != "DIRFILE")
        files = sorted(images, key=lambda p: int(p.name[1:]))[:count]
        for path in files:
            ds = pydicom.dcmread(path)
            ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
            ds.save_as(Path(folder) / path.name)
        in_thread = StudyLoader(0)
        contenders: dict[str, Callable[[], object]] = {
            "ce chargeur (2 processus)": lambda: loader.load(folder).result(),
            "ce chargeur (sans processus)": lambda: in_thread.load(folder).result(),
            "SimpleITK ImageSeriesReader (gdcm)": lambda: load_simpleitk(Path(folder)),
        }
        for function in contenders.values():
            function()
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        firsts = []
        for _ in range(repeats):
            for name, function in contenders.items():
                if name == "ce chargeur (2 processus)":
                    study = loader.load(folder).result()
                    samples[name].append(study.timings.total_s)
                    firsts.append(study.timings.first_slice_s or 0.0)
                else:
                    samples[name].append(_timed(function))
        in_thread.close()
    return {"slices": count, "medians_s": {n: _median(v) for n, v in samples.items()},
            "first_slice_s": _median(firsts)}


# --- memory --------------------------------------------------------------------------------------------
def _status(field: str, pid: int | str = "self") -> int:
    """A /proc/<pid>/status memory field in bytes."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def probe_memory(kind: str) -> dict[str, object]:
    """Runs in a fresh interpreter: resident memory added by one load of the CT, at its peak."""
    if kind == "naive":
        import pydicom

        pydicom.dcmread(next(CT.glob("I*"))).pixel_array  # noqa: B018 imports and caches
        baseline = _status("VmRSS")
        shape = load_naive(CT)
        volume = int(np.prod(shape)) * 2
        return {"baseline": baseline, "peak": _status("VmHWM"), "volume": volume, "workers_rss": 0}
    from viewer.loader import StudyLoader

    loader = StudyLoader(2)
    loader.warm_up()
    loader.load(next(CT.glob("I*"))).result()  # imports and caches, out of the measurement
    baseline = _status("VmRSS")
    study = loader.load(CT).result()
    peak = _status("VmHWM")
    pool = loader._pool
    workers = sum(_status("VmHWM", p.pid) for p in pool._processes.values()) if pool is not None else 0
    loader.close()
    volume = study.series[0].volume.nbytes
    return {"baseline": baseline, "peak": peak, "volume": volume, "workers_rss": workers}


def memory(kind: str) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-m", "bench.viewer", "--probe", kind], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report --------------------------------------------------------------------------------------------
def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench viewer")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--j2k-slices", type=int, default=64, help="slices of the JPEG 2000 series (0: skip)")
    args = parser.parse_args(argv)
    if not (CT / "I10").is_file():
        print(f"bench viewer ignoré : données réelles absentes ({CT}); ../shared est nécessaire.")
        return 0
    from viewer.loader import StudyLoader

    loader = StudyLoader(2)
    start = loader.warm_up()
    print(f"Démarrage des 2 processus de décodage (une fois par session) : {start * 1000:.0f} ms")
    try:
        loads = series_load(loader, args.repeats)
        medians = loads["medians_s"]
        ours = medians["ce chargeur (2 processus)"]  # type: ignore[index]
        print(f"\nChargement complet du scanner Philips 140 coupes 512x512 (médiane de {args.repeats}) :")
        for name, seconds in medians.items():  # type: ignore[union-attr]
            print(f"  {name:44s} {seconds * 1000:7.1f} ms   x{seconds / ours:5.2f} / ce chargeur")
        print(f"  première image (aperçu) {loads['preview_s'] * 1000:.1f} ms ; "  # type: ignore[operator]
              f"première coupe de la série {loads['first_slice_s'] * 1000:.1f} ms")  # type: ignore[operator]

        with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
            rows = decoders(pool, args.repeats)
        print("\nDécodage d'une coupe 512x512 (Mo/s de pixels décodés ; "
              "gdcm = python-gdcm ImageReader, 1 cœur) :")
        print(f"  {'syntaxe':30s} {'décodeur':28s} {'1 cœur':>8s} {'2 processus':>12s} {'gdcm':>8s} "
              f"{'1c/gdcm':>8s} {'2p/gdcm':>8s}")
        for row in rows:
            gdcm = row["gdcm_mb_s"]
            ratio1 = f"{row['ours_mb_s'] / gdcm:8.2f}" if gdcm else "       —"  # type: ignore[operator]
            ratio2 = (f"{row['ours_2_workers_mb_s'] / gdcm:8.2f}"  # type: ignore[operator]
                      if gdcm else "       —")
            gdcm_text = f"{gdcm:8.0f}" if gdcm else "       —"
            print(f"  {row['syntax']:30s} {row['decoder']:28s} {row['ours_mb_s']:8.0f} "
                  f"{row['ours_2_workers_mb_s']:12.0f} {gdcm_text} {ratio1} {ratio2}")

        if args.j2k_slices:
            series = compressed_series(loader, max(3, args.repeats // 2), args.j2k_slices)
            base = series["medians_s"]["ce chargeur (2 processus)"]  # type: ignore[index]
            print(f"\nSérie de {series['slices']} coupes JPEG 2000 sans perte (issues du même scanner) :")
            for name, seconds in series["medians_s"].items():  # type: ignore[union-attr]
                print(f"  {name:44s} {seconds * 1000:7.0f} ms   x{seconds / base:5.2f}")
            first = series["first_slice_s"] * 1000  # type: ignore[operator]
            print(f"  première coupe de la série {first:.0f} ms")
    finally:
        loader.close()

    print("\nMémoire résidente ajoutée par un chargement du scanner "
          "(processus neuf, pic VmHWM - VmRSS avant) :")
    for kind, label in (("ours", "ce chargeur"), ("naive", "pydicom naïf")):
        found = memory(kind)
        added = found["peak"] - found["baseline"]
        print(f"  {label:14s} pic +{added / 1e6:6.1f} Mo pour un volume de {found['volume'] / 1e6:.1f} Mo "
              f"(x{added / found['volume']:.2f})"
              + (f" ; processus de décodage : {found['workers_rss'] / 1e6:.0f} Mo au total"
                 if found["workers_rss"] else ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        print(json.dumps(probe_memory(sys.argv[2])))
    else:
        sys.exit(run(sys.argv[1:]))
