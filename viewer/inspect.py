"""``python -m viewer.inspect PATH... [--json]``: load files or folders exactly as the viewer does and
print what was found, series by series, with the load timings.

Meant for support and for checking a study before blaming the viewer: it uses the same
:class:`~viewer.loader.StudyLoader`, so what it prints is what the viewer would show.
Exit status: 0 if at least one series loaded without failed slices, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from pydicom.uid import UID

from viewer.codecs import check_backends
from viewer.geometry import plane_name
from viewer.loader import StudyLoad, StudyLoader
from viewer.series import Series
from viewer.volume import volume_summary


def _fr(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}".rstrip("0").rstrip(".").replace(".", ",")


def series_summary(series: Series) -> dict[str, Any]:
    """A plain, JSON-ready description of a loaded series."""
    backends = check_backends()
    geometry = series.geometry
    stored = series.stored_range()
    rescaled = series.rescaled_range()
    first = series.plan.first
    return {
        "label": series.label,
        "study_instance_uid": series.study_instance_uid,
        "series_instance_uid": series.series_instance_uid,
        "part": [series.plan.part, series.plan.parts],
        "modality": series.modality,
        "sop_class": UID(first.sop_class_uid).name if first.sop_class_uid else "",
        "transfer_syntaxes": [
            {"uid": ts, "name": UID(ts).name, "decoder": backends.get(ts, "?")}
            for ts in series.transfer_syntaxes
        ],
        "shape": list(series.shape),
        "dtype": str(series.volume.dtype),
        "photometric": series.photometric,
        "pixel_spacing_mm": [series.spacing.row_mm, series.spacing.column_mm],
        "spacing_source": series.spacing.source.value,
        "spacing_note": series.spacing.description,
        "slice_spacing_mm": geometry.slice_spacing if geometry else None,
        "orientation": list(geometry.row_direction + geometry.column_direction) if geometry else None,
        "plane": plane_name(geometry.row_direction + geometry.column_direction) if geometry else None,
        "origin_mm": list(geometry.origin) if geometry else None,
        "uniform_grid": geometry.uniform if geometry else None,
        "mpr_3d": volume_summary(series),
        "stored_range": list(stored) if stored else None,
        "rescaled_range": list(rescaled) if rescaled else None,
        "rescale_type": "" if first.rescale_type == "US" else first.rescale_type,  # US: unspecified
        "lossy": series.lossy,
        "loaded": series.loaded_count,
        "failed_slices": [k + 1 for k in series.failed_indices],
        "decoder_by_file": series.decoders,  # what actually read each file (a last resort included)
        "warnings": [{"kind": w.kind.value, "message": w.message} for w in series.warnings],
    }


def study_summary(study: StudyLoad) -> dict[str, Any]:
    t = study.timings
    return {
        "series": [series_summary(s) for s in study.series],
        "problems": [
            {"path": p.path, "kind": p.kind.value, "severity": p.severity.value, "message": p.message,
             "detail": p.detail, "frame": p.frame}
            for p in study.problems
        ],
        "timings_s": {
            "files": t.files, "headers": t.headers_s, "preview": t.preview_s,
            "first_slice": t.first_slice_s, "total": t.total_s, "worker_start": t.pool_start_s,
            "slowest_frame": t.slowest_frame_s,
        },
    }


def _print_text(summary: dict[str, Any]) -> None:
    for s in summary["series"]:
        print(f"== {s['label']} [{s['modality']}] ==")
        print(f"  Study UID   : {s['study_instance_uid']}")
        print(f"  Series UID  : {s['series_instance_uid']}" + (f" (partie {s['part'][0]}/{s['part'][1]})"
                                                                if s["part"][1] > 1 else ""))
        for ts in s["transfer_syntaxes"]:
            print(f"  Syntaxe     : {ts['name']} ({ts['uid']}) — décodeur {ts['decoder']}")
        print(f"  Dimensions  : {' x '.join(map(str, s['shape']))} ({s['dtype']}, {s['photometric']})")
        spacing = " x ".join(_fr(v) for v in s["pixel_spacing_mm"])
        print(f"  Pixel       : {spacing} mm — {s['spacing_note']}")
        if s["slice_spacing_mm"] is not None:
            grid = "régulière" if s["uniform_grid"] else "IRRÉGULIÈRE"
            print(f"  Entre coupes: {_fr(s['slice_spacing_mm'])} mm (grille {grid})")
            print(f"  Orientation : {' '.join(_fr(v, 4) for v in s['orientation'])} ({s['plane']})")
            print(f"  Origine     : {' '.join(_fr(v, 2) for v in s['origin_mm'])} mm")
        if s["stored_range"]:
            print(f"  Valeurs     : stockées {s['stored_range'][0]} à {s['stored_range'][1]}"
                  + (f", converties {_fr(s['rescaled_range'][0])} à {_fr(s['rescaled_range'][1])}"
                     f" {s['rescale_type']}".rstrip() if s["rescaled_range"] else ""))
        mpr = s["mpr_3d"]
        print("  MPR/3D      : " + (f"indisponible ({mpr['reason']})" if not mpr["available"] else
                                    f"grille {' x '.join(map(str, mpr['shape']))}, "
                                    f"pas {_fr(mpr['step_mm'])} mm"
                                    + (f" ; {mpr['note']}" if mpr["note"] else " ; coupes d'origine")))
        print(f"  Chargées    : {s['loaded']}/{s['shape'][0]} coupes")
        used: dict[str, int] = {}
        for decoder in s["decoder_by_file"].values():
            used[decoder] = used.get(decoder, 0) + 1
        for decoder, count in sorted(used.items()):
            print(f"  Lu par      : {decoder} ({count} fichier{'s' if count > 1 else ''})")
        for w in s["warnings"]:
            print(f"  ATTENTION   : {w['message']}")
    if summary["problems"]:
        print("== Fichiers non affichés ==")
        for p in summary["problems"]:
            name = p["path"] + (f" (image {p['frame'] + 1})" if p["frame"] is not None else "")
            print(f"  [{p['severity']}] {name} : {p['message']}")
    t = summary["timings_s"]
    ms = {k: (f"{v * 1000:.0f} ms" if isinstance(v, float) else "—") for k, v in t.items()}
    print(f"== Temps == {t['files']} fichiers ; en-têtes {ms['headers']} ; première image {ms['preview']} ; "
          f"première coupe de série {ms['first_slice']} ; total {ms['total']}"
          + (f" (dont démarrage des processus {ms['worker_start']})" if t["worker_start"] else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m viewer.inspect",
        description="Charge des fichiers DICOM comme la visionneuse et décrit les séries.",
    )
    parser.add_argument("paths", nargs="+", help="fichiers ou dossiers DICOM")
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    parser.add_argument("--workers", type=int, default=2, help="processus de décodage (0 : aucun)")
    parser.add_argument("--verbose", action="store_true",
                        help="journal détaillé (anglais) sur la sortie d'erreur")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, stream=sys.stderr)
    with StudyLoader(args.workers) as loader:
        study = loader.load(args.paths).result()
    summary = study_summary(study)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_text(summary)
    ok = any(s["loaded"] and not s["failed_slices"] for s in summary["series"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
