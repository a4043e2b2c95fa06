"""Display checks: Qt's platform plugin and screens, VTK's offscreen rendering (both in a child
process: a machine without display or GL aborts the process that tries), and the screens' GSDF
calibration."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resources.translations import QT_TRANSLATE_NOOP, composed, joined
from viewer.render_check import BACKGROUND, FOREGROUND, RENDER_SIZE, render_probe
from workstation.selftest.isolated import run_isolated
from workstation.selftest.report import Check, Status

if TYPE_CHECKING:
    from workstation.calibration import CalibrationStore
    from workstation.settings import Settings

__all__ = ["BACKGROUND", "FOREGROUND", "RENDER_SIZE", "calibration_check", "check_calibration", "check_qt",
           "check_vtk", "qt_check_from", "vtk_check_from"]

# --- Qt --------------------------------------------------------------------------------------------------
def qt_check_from(info: dict[str, Any]) -> Check:
    screens = info.get("screens") or []
    label = QT_TRANSLATE_NOOP("Selftest", "Affichage (Qt)")
    described = {"qt": info.get("qt"), "platform": info.get("platform"), "count": len(screens)}
    if not screens:
        detail = QT_TRANSLATE_NOOP("Selftest", "Qt {qt}, plateforme « {platform} », {count} écran(s) : "
                                               "aucun écran")
        return Check("qt", "affichage", label, Status.FAILURE, detail.format(**described), info)
    shown = []
    for s in screens:
        if s.get("primary"):
            screen = QT_TRANSLATE_NOOP("Selftest", "{width}×{height} ({depth} bits, principal)")
        else:
            screen = QT_TRANSLATE_NOOP("Selftest", "{width}×{height} ({depth} bits)")
        shown.append(screen.format(width=s["width"], height=s["height"], depth=s["depth"]))
    detail = QT_TRANSLATE_NOOP("Selftest", "Qt {qt}, plateforme « {platform} », {count} écran(s) : {screens}")
    detail = detail.format(**described, screens=joined(shown))
    return Check("qt", "affichage", label, Status.OK, detail, info)


def check_qt() -> Check:
    label = QT_TRANSLATE_NOOP("Selftest", "Affichage (Qt)")
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        detail = QT_TRANSLATE_NOOP("Selftest", "aucun affichage : ni DISPLAY ni WAYLAND_DISPLAY ne sont "
                                               "définis (session graphique requise)")
        return Check("qt", "affichage", label, Status.FAILURE, detail, {})
    outcome = run_isolated("workstation.selftest.qt_probe:qt_probe")  # Qt only in the child process
    if outcome.error:
        return Check("qt", "affichage", label, Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "Qt ne démarre pas ({error})").format(error=outcome.error),
                     {"error": outcome.error})
    return qt_check_from(outcome.value)



def vtk_check_from(info: dict[str, Any]) -> Check:
    def close(found: Sequence[int], wanted: Sequence[int]) -> bool:
        return all(abs(a - b) <= 2 for a, b in zip(found, wanted, strict=True))

    label = QT_TRANSLATE_NOOP("Selftest", "Rendu 3D (VTK)")
    gl = composed("OpenGL {} ({})", info["gl_version"] or "?",
                   info["gl_renderer"] or QT_TRANSLATE_NOOP("Selftest", "rendu inconnu"))
    quarter = (RENDER_SIZE // 2) ** 2  # the square covers the middle half in both directions
    drawn = abs(info["foreground_pixels"] - quarter) <= 2 * RENDER_SIZE
    if close(info["centre"], FOREGROUND) and close(info["corner"], BACKGROUND) and drawn:
        detail = QT_TRANSLATE_NOOP("Selftest", "VTK {vtk}, image {size}×{size} hors écran relue conforme ; "
                                               "{gl}")
        detail = detail.format(vtk=info["vtk"], size=RENDER_SIZE, gl=gl)
        return Check("vtk", "rendu", label, Status.OK, detail, info)
    detail = QT_TRANSLATE_NOOP("Selftest", "VTK {vtk} : l'image relue ne correspond pas au dessin (centre "
                                           "{centre}, coin {corner}) ; {gl}")
    return Check("vtk", "rendu", label, Status.FAILURE,
                 detail.format(vtk=info["vtk"], centre=info["centre"], corner=info["corner"], gl=gl), info)


def check_vtk() -> Check:
    outcome = run_isolated(render_probe)
    if outcome.error:
        return Check("vtk", "rendu", QT_TRANSLATE_NOOP("Selftest", "Rendu 3D (VTK)"), Status.FAILURE,
                     QT_TRANSLATE_NOOP("Selftest", "le rendu hors écran a échoué ({error})").format(
                         error=outcome.error), {"error": outcome.error})
    return vtk_check_from(outcome.value)


# --- calibration ---------------------------------------------------------------------------------------
def check_calibration(
    settings: Settings, settings_file: Path | None = None, connected: Sequence[str] | None = None
) -> Check:
    """GSDF calibration of the screens (issue 21): every stored calibration must still pass the TG18-LN
    check and be younger than ``settings.calibration_max_age_days``; ``connected`` (screen keys, from
    the running application) adds the screens that have none. No calibration is a warning: the
    images are then shown in P-values, not as on a calibrated diagnostic display."""
    from workstation.calibration import CalibrationStore, default_store_path
    from workstation.settings import default_settings_file

    store = CalibrationStore.load(default_store_path(settings_file or default_settings_file()))
    return calibration_check(store, settings.calibration_max_age_days, connected)


def calibration_check(
    store: CalibrationStore, max_age_days: int, connected: Sequence[str] | None = None
) -> Check:
    """:func:`check_calibration` on a loaded store (the diagnostics pass the screens Qt sees)."""
    from workstation.calibration import TG18_TOLERANCE, now_date

    label = QT_TRANSLATE_NOOP("Selftest", "Calibration GSDF des écrans")
    today = now_date()
    keys = list(connected) if connected is not None else sorted(store.calibrations)
    shown: list[str] = []  # UserText, and the store's problems (French already)
    status = Status.OK
    screens: list[dict[str, Any]] = []
    for key in keys:
        state = store.status(key, today, max_age_days)
        entry: dict[str, Any] = {"screen": key, "calibrated": state.calibrated}
        if state.readings is None:
            status = max(status, Status.WARNING, key=list(Status).index)
            shown.append(QT_TRANSLATE_NOOP("Selftest", "« {screen} » non calibré").format(screen=key))
        else:
            readings = state.readings
            deviation = readings.tg18_deviation() if state.calibrated else 1.0
            entry.update(l_min=readings.l_min, l_max=readings.l_max, age_days=state.age_days,
                         measured_on=readings.measured_on.isoformat(), outdated=state.outdated,
                         tg18_deviation=deviation)
            text = QT_TRANSLATE_NOOP(
                "Selftest", "« {screen} » calibré le {date}, {low}–{high} cd/m², paliers TG18-LN à {dev} %"
            ).format(screen=key, date=f"{readings.measured_on:%d/%m/%Y}", low=f"{readings.l_min:.2f}",
                     high=f"{readings.l_max:.0f}", dev=f"{deviation * 100:.0f}")
            if not state.calibrated or deviation > TG18_TOLERANCE:
                status = Status.FAILURE
                text = QT_TRANSLATE_NOOP("Selftest", "{text} : hors tolérance").format(text=text)
            elif state.outdated:
                status = max(status, Status.WARNING, key=list(Status).index)
                text = QT_TRANSLATE_NOOP("Selftest", "{text} : à refaire (plus de {days} jours)").format(
                    text=text, days=max_age_days)
            shown.append(text)
        screens.append(entry)
    for problem in store.problems:
        status = max(status, Status.WARNING, key=list(Status).index)
        shown.append(problem)
    if not shown:
        status = Status.WARNING
        shown.append(QT_TRANSLATE_NOOP("Selftest", "aucun écran calibré"))
    return Check("calibration", "affichage", label, status, joined(shown), {"screens": screens})

