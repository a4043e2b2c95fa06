"""From loose images to ordered stacks: series grouping, geometric split, slice order and its defects.

Geometry comes from ImagePositionPatient / ImageOrientationPatient only, every slice's: the
:class:`RegularGrid` that MPR and 3D use is built from all of them (a gantry tilt shifted out, uneven
spacing resampled), never from the first and last slice and the slice count. The usual readers do not
help here (STACK-NOTES): VTK and SimpleITK report one spacing for a tilted series, VTK reverses the
slice order and drops the position, and gdcm's sorter returns nothing on a tilt. What a radiologist
must know about the stack (a missing slice, uneven spacing, a gantry tilt, images of several
orientations under one Series Instance UID) becomes a :class:`SeriesWarning` in French.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

import numpy as np

from resources.translations import QT_TRANSLATE_NOOP, joined
from viewer.codecs import Lossy, PixelFormat
from viewer.headers import FrameInfo, ImageFile

# Orientation cosines of one acquisition are written identically; 1e-3 (~0.06 degree) absorbs rounding.
ORIENTATION_TOLERANCE = 1e-3
# Two slices closer than this along the normal are at the same place (mm).
SAME_POSITION_MM = 0.01
# A gap this many times the usual spacing means slices are missing, not merely uneven.
MISSING_FACTOR = 1.5
# Spacing deviations below max(1 % of the spacing, 0.01 mm) are rounding, not unevenness.
UNEVEN_RELATIVE, UNEVEN_ABSOLUTE_MM = 0.01, 0.01
# Positions drifting from the normal by more than this angle are a gantry tilt (degrees).
TILT_DEGREES = 0.1
# A gap is "n missing slices" when it is n + 1 times the step on both sides within this fraction of a step.
MULTIPLE_TOLERANCE = 0.05
# In-plane shifts of a slice below this (pixels) are rounding: the slice stays on the grid as written.
SHIFT_PIXELS = 0.01
# An uneven stack is resampled at its smallest gap, but into at most this many times its slice count
# (dcm2niix's limit: a 0.5 mm overlap in a 7 mm stack would otherwise multiply the memory by 14).
MAX_PLANES_FACTOR = 2
# A rebuilt MPR/3D volume larger than this is refused rather than allowed to exhaust memory (bytes).
MAX_REBUILT_BYTES = 1536 * 1024 * 1024


class WarningKind(Enum):
    MIXED_ORIENTATION = "orientations_mixtes"
    SERIES_SPLIT = "serie_scindee"
    GANTRY_TILT = "inclinaison_statif"
    MISSING_SLICES = "coupes_manquantes"
    UNEVEN_SPACING = "espacement_irregulier"
    DUPLICATE_POSITIONS = "positions_dupliquees"
    LOSSY_COMPRESSION = "compression_avec_perte"
    MODALITY_LUT_IGNORED = "lut_modalite_ignoree"
    MISSING_SERIES_UID = "uid_serie_absent"
    HEADER = "entete"
    DECODE_FAILED = "decodage_impossible"


@dataclass(frozen=True, slots=True)
class SeriesWarning:
    kind: WarningKind
    message: str


@dataclass(frozen=True, slots=True)
class Slice:
    """One frame of one file, the unit of a stack."""

    file: ImageFile
    frame: FrameInfo

    @property
    def spatial(self) -> bool:
        return self.frame.position is not None and self.frame.orientation is not None


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where the voxels are: voxel (k, i, j) of the volume sits at
    ``positions[k] + j * column_mm * row_direction + i * row_mm * column_direction``.
    """

    positions: tuple[tuple[float, float, float], ...]
    row_direction: tuple[float, float, float]  # direction of increasing column index
    column_direction: tuple[float, float, float]  # direction of increasing row index
    normal: tuple[float, float, float]
    slice_spacing: float  # median distance between neighbours along the normal (mm)
    row_mm: float
    column_mm: float
    tilt_degrees: float
    uniform: bool  # evenly spaced, no gap, no tilt: a plain voxel grid
    # the orthogonal grid MPR and 3D use (None: refused, ``volume_refusal`` says why in French)
    volume: RegularGrid | None = None
    volume_refusal: str | None = None

    @property
    def origin(self) -> tuple[float, float, float]:
        return self.positions[0]

    @property
    def spacing(self) -> tuple[float, float, float]:
        """(slice, row, column) spacing in mm, in the axis order of the volume array."""
        return (self.slice_spacing, self.row_mm, self.column_mm)

    def index_to_patient(self) -> np.ndarray:
        """4x4 matrix from (j, i, k, 1) voxel indices of the ACQUIRED stack to patient mm, first to last
        slice: exact for a uniform grid only. MPR and 3D never use it; they use :attr:`volume`."""
        matrix = np.eye(4)
        matrix[:3, 0] = np.multiply(self.row_direction, self.column_mm)
        matrix[:3, 1] = np.multiply(self.column_direction, self.row_mm)
        if len(self.positions) > 1:
            matrix[:3, 2] = (np.subtract(self.positions[-1], self.positions[0])) / (len(self.positions) - 1)
        else:
            matrix[:3, 2] = np.multiply(self.normal, self.slice_spacing)
        matrix[:3, 3] = self.origin
        return matrix


@dataclass(frozen=True, slots=True)
class RegularGrid:
    """The orthogonal voxel grid of patient millimetres that MPR and 3D are computed on.

    Built from every slice's ImagePositionPatient, never from the first and last slice alone: its axes
    are the acquired rows, columns and the normal of the acquired plane (as dcm2niix and Horos correct
    a gantry tilt), its planes are ``step_mm`` apart along the normal. Acquired slice ``k`` lies on the
    grid's plane coordinate ``offsets_mm[k] / step_mm``, its pixel (0, 0) at grid row ``row_shifts[k]``
    and column ``column_shifts[k]``. When every slice falls on a plane and no slice is shifted, the
    acquired volume IS this grid (``direct``); otherwise :mod:`viewer.volume` resamples it.
    """

    origin: tuple[float, float, float]  # patient mm of voxel (0, 0, 0)
    row_direction: tuple[float, float, float]  # increasing column index j
    column_direction: tuple[float, float, float]  # increasing row index i
    normal: tuple[float, float, float]  # increasing plane index k
    step_mm: float
    row_mm: float  # between rows (along column_direction)
    column_mm: float  # between columns (along row_direction)
    shape: tuple[int, int, int]  # (planes, rows, columns)
    offsets_mm: tuple[float, ...]  # each acquired slice, along the normal from plane 0
    row_shifts: tuple[float, ...]
    column_shifts: tuple[float, ...]
    resampled: bool  # planes interpolated between slices (uneven spacing or a gap)
    shifted: bool  # slices moved in their plane onto a common grid (gantry tilt corrected)
    tilt_degrees: float

    @property
    def direct(self) -> bool:
        return not (self.resampled or self.shifted)

    def index_to_patient(self) -> np.ndarray:
        """4x4 matrix from (j, i, k, 1) grid indices to patient mm (orthogonal axes)."""
        matrix = np.eye(4)
        matrix[:3, 0] = np.multiply(self.row_direction, self.column_mm)
        matrix[:3, 1] = np.multiply(self.column_direction, self.row_mm)
        matrix[:3, 2] = np.multiply(self.normal, self.step_mm)
        matrix[:3, 3] = self.origin
        return matrix


def regular_grid(positions: np.ndarray, row: Sequence[float], column: Sequence[float], row_mm: float,
                 column_mm: float, rows: int, columns: int, tilt: float) -> RegularGrid | str:
    """The grid of a stack sorted along its normal, or why there is none (a French sentence)."""
    r = np.asarray(row, dtype=np.float64)
    c = np.asarray(column, dtype=np.float64)
    normal = np.cross(r, c)
    if len(positions) < 2:
        return QT_TRANSLATE_NOOP("NotAVolume", "il faut une pile de plusieurs coupes en niveaux de gris avec "
                                 "une position et une orientation dans le patient")
    delta = positions - positions[0]
    offsets = delta @ normal
    if float(np.min(np.diff(offsets))) < SAME_POSITION_MM:
        return QT_TRANSLATE_NOOP("NotAVolume", "plusieurs coupes occupent la même position (phases ou échos "
                                 "mêlés) : aucun volume ne peut en être formé")
    columns_shift = delta @ r / column_mm
    rows_shift = delta @ c / row_mm
    shifted = bool(max(np.ptp(columns_shift), np.ptp(rows_shift)) > SHIFT_PIXELS)
    if not shifted:
        columns_shift, rows_shift = np.zeros(len(offsets)), np.zeros(len(offsets))
    low_column, low_row = float(columns_shift.min()), float(rows_shift.min())
    columns_shift, rows_shift = columns_shift - low_column, rows_shift - low_row
    out_columns = columns + math.ceil(float(columns_shift.max()) - SHIFT_PIXELS)
    out_rows = rows + math.ceil(float(rows_shift.max()) - SHIFT_PIXELS)
    gaps = np.diff(offsets)
    extent = float(offsets[-1])
    median = float(np.median(gaps))
    tolerance = max(UNEVEN_RELATIVE * median, UNEVEN_ABSOLUTE_MM)
    if float(np.max(np.abs(gaps - median))) <= tolerance:
        step, planes, resampled = extent / (len(offsets) - 1), len(offsets), False
    else:
        smallest = float(gaps.min())
        planes = math.ceil(extent / smallest - 1e-6) + 1
        planes = min(planes, MAX_PLANES_FACTOR * len(offsets))
        step, resampled = extent / (planes - 1), True
    if planes * out_rows * out_columns * 2 > MAX_REBUILT_BYTES:
        return QT_TRANSLATE_NOOP("NotAVolume", "le volume corrigé serait trop grand pour la mémoire")
    origin = positions[0] + low_column * column_mm * r + low_row * row_mm * c
    return RegularGrid(
        tuple(float(v) for v in origin), tuple(float(v) for v in r), tuple(float(v) for v in c),  # type: ignore[arg-type]
        tuple(float(v) for v in normal), step, row_mm, column_mm, (planes, out_rows, out_columns),  # type: ignore[arg-type]
        tuple(float(v) for v in offsets), tuple(float(v) for v in rows_shift),
        tuple(float(v) for v in columns_shift), resampled, shifted, tilt)


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """One displayable stack: slices in order, geometry if any, what the reader must be told."""

    series_instance_uid: str
    part: int
    parts: int
    slices: tuple[Slice, ...]
    geometry: Geometry | None
    warnings: tuple[SeriesWarning, ...] = field(default=())

    @property
    def first(self) -> ImageFile:
        return self.slices[0].file

    @property
    def shape(self) -> tuple[int, ...]:
        fmt = self.first.fmt
        colour = (3,) if _is_colour(fmt) else ()
        return (len(self.slices), fmt.rows, fmt.columns, *colour)

    @property
    def dtype(self) -> np.dtype:
        return volume_dtype(s.file.fmt for s in self.slices)


def _is_colour(fmt: PixelFormat) -> bool:
    return fmt.samples_per_pixel == 3 or fmt.photometric == "PALETTE COLOR"


def volume_dtype(formats: Iterable[PixelFormat]) -> np.dtype:
    """The smallest integer type holding every stored value of the stack, int16 before uint16.

    int16 first because it holds the common 12-bit unsigned CT and MR samples as they are, so such
    files read straight into the volume; colour is stored as 8-bit RGB.
    """
    low, high, colour = 0, 0, False
    for fmt in set(formats):
        if _is_colour(fmt):
            colour = True
            high = max(high, (1 << min(fmt.bits_stored, 16)) - 1)
            continue
        bits = 1 if fmt.bits_allocated == 1 else fmt.bits_stored
        if fmt.pixel_representation:
            low, high = min(low, -(1 << (bits - 1))), max(high, (1 << (bits - 1)) - 1)
        else:
            high = max(high, (1 << bits) - 1)
    if colour:
        return np.dtype(np.uint8 if high <= 255 else np.uint16)
    for candidate in (np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32):
        info = np.iinfo(candidate)
        if info.min <= low and high <= info.max:
            return np.dtype(candidate)
    return np.dtype(np.int64)


def plan_series(files: Sequence[ImageFile]) -> list[SeriesPlan]:
    """Group images by Series Instance UID, split each by geometry, order every stack."""
    by_uid: dict[str, list[Slice]] = {}
    for image in files:
        by_uid.setdefault(image.series_instance_uid, []).extend(Slice(image, f) for f in image.frames)
    plans: list[SeriesPlan] = []
    for uid, slices in by_uid.items():
        clusters = _cluster(slices)
        parts = [part for cluster in clusters for part in _split_same_positions(cluster)]
        split_notes = _split_warnings(clusters)
        for number, part in enumerate(parts, start=1):
            plans.append(_plan(uid, number, len(parts), part, split_notes))
    plans.sort(key=lambda p: (p.first.study_instance_uid, p.first.series_number is None,
                              p.first.series_number or 0))
    return plans


def _same_geometry(a: Slice, b: Slice) -> bool:
    fa, fb = a.file.fmt, b.file.fmt
    if a.spatial != b.spatial or (fa.rows, fa.columns, _is_colour(fa)) != (
        fb.rows, fb.columns, _is_colour(fb)
    ):
        return False
    if not a.spatial:
        return True
    assert a.frame.orientation is not None and b.frame.orientation is not None
    pairs = zip(a.frame.orientation, b.frame.orientation, strict=True)
    if max(abs(x - y) for x, y in pairs) > ORIENTATION_TOLERANCE:
        return False
    sa, sb = a.frame.spacing, b.frame.spacing
    return math.isclose(sa.row_mm, sb.row_mm, rel_tol=1e-3) and math.isclose(
        sa.column_mm, sb.column_mm, rel_tol=1e-3
    )


def _cluster(slices: list[Slice]) -> list[list[Slice]]:
    clusters: list[list[Slice]] = []
    for item in slices:
        for cluster in clusters:
            if _same_geometry(cluster[0], item):
                cluster.append(item)
                break
        else:
            clusters.append([item])
    return clusters


def _normal(orientation: Sequence[float]) -> np.ndarray:
    return np.cross(orientation[:3], orientation[3:])


def _projections(slices: Sequence[Slice]) -> np.ndarray:
    normal = _normal(slices[0].frame.orientation)  # type: ignore[arg-type]
    return np.array([np.dot(s.frame.position, normal) for s in slices])  # type: ignore[arg-type]


def _unique_positions(slices: Sequence[Slice]) -> bool:
    proj = np.sort(_projections(slices))
    return bool(len(proj) < 2 or np.min(np.diff(proj)) >= SAME_POSITION_MM)


def _split_same_positions(cluster: list[Slice]) -> list[list[Slice]]:
    """Phases, echoes or stacks filed under one UID share positions: one stack each when an attribute
    tells them apart; otherwise the stack stays whole and the duplicates are reported."""
    if not cluster[0].spatial or _unique_positions(cluster):
        return [cluster]
    for attribute in ("temporal", "echo", "stack", "acquisition", "trigger"):
        groups: dict[str | None, list[Slice]] = {}
        for item in cluster:
            groups.setdefault(getattr(item.frame.split, attribute), []).append(item)
        if len(groups) > 1 and all(_unique_positions(g) for g in groups.values()):
            return [groups[k] for k in sorted(groups, key=_natural_key)]
    return [cluster]


def _natural_key(value: str | None) -> tuple[int, float, str]:
    if value is None:
        return (1, 0.0, "")
    try:
        return (0, float(value), value)
    except ValueError:
        return (0, math.inf, value)


def plane_name(orientation: Sequence[float]) -> str:
    """axiale / coronale / sagittale / oblique, from the dominant axis of the normal."""
    normal = np.abs(_normal(orientation))
    axis = int(np.argmax(normal))
    if normal[axis] < 0.8:
        return QT_TRANSLATE_NOOP("Plane", "oblique")
    return (QT_TRANSLATE_NOOP("Plane", "sagittale"), QT_TRANSLATE_NOOP("Plane", "coronale"),
            QT_TRANSLATE_NOOP("Plane", "axiale"))[axis]


def _split_warnings(clusters: list[list[Slice]]) -> list[SeriesWarning]:
    if len(clusters) < 2:
        return []
    planes = sorted({plane_name(c[0].frame.orientation) for c in clusters if c[0].spatial
                     and c[0].frame.orientation is not None})
    orientations = {c[0].frame.orientation for c in clusters if c[0].spatial}
    if len(orientations) > 1:
        return [SeriesWarning(
            WarningKind.MIXED_ORIENTATION,
            QT_TRANSLATE_NOOP("SeriesWarning", "La série contient des images d'orientations différentes "
                              "({planes}) : elle a été scindée en {count} piles distinctes.")
            .format(planes=joined(planes), count=len(clusters)),
        )]
    return [SeriesWarning(
        WarningKind.SERIES_SPLIT,
        QT_TRANSLATE_NOOP("SeriesWarning", "La série contient des images de tailles ou d'échantillonnages "
                          "différents : elle a été scindée en {count} piles distinctes.")
        .format(count=len(clusters)),
    )]


def _mm(value: float) -> str:
    return _decimal(f"{value:.2f}")


def _deg(value: float) -> str:
    return _decimal(f"{value:.1f}")


def decimal_text(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and the decimal comma of the warnings (marked for English)."""
    return _decimal(f"{value:.{decimals}f}")


def _decimal(written: str) -> str:
    """"12.50" with a decimal comma, « 12,50 »; marked, so that an English interface writes 12.50."""
    integer, _, fraction = written.partition(".")
    #: the decimal comma of the numbers in the warnings (a point in English)
    decimal = QT_TRANSLATE_NOOP("SeriesWarning", "{integer},{fraction}")
    return decimal.format(integer=integer, fraction=fraction)


def _plan(uid: str, part: int, parts: int, slices: list[Slice], common: list[SeriesWarning]) -> SeriesPlan:
    warnings = list(common)
    geometry = None
    if slices[0].spatial:
        proj = _projections(slices)
        instance = [s.file.instance_number if s.file.instance_number is not None else 0 for s in slices]
        order = sorted(range(len(slices)), key=lambda k: (proj[k], instance[k], _file_order(slices[k])))
        slices = [slices[k] for k in order]
        geometry, found = _analyse(slices, proj[order])
        warnings.extend(found)
    else:
        slices.sort(key=lambda s: (s.file.instance_number is None, s.file.instance_number or 0,
                                   s.file.path, s.frame.index))
    warnings.extend(_image_warnings(uid, slices))
    return SeriesPlan(uid, part, parts, tuple(slices), geometry, tuple(warnings))


def _file_order(item: Slice) -> tuple[str, int]:
    return (item.file.path, item.frame.index)


@dataclass(frozen=True, slots=True)
class SpacingRun:
    """Consecutive gaps of one length along the normal: ``first``..``last`` gap indices."""

    first: int
    last: int
    step: float


def spacing_runs(gaps: np.ndarray) -> list[SpacingRun]:
    """The gaps cut into runs of equal length (within rounding), in stack order."""
    runs: list[SpacingRun] = []
    start = 0
    for k in range(1, len(gaps) + 1):
        reference = float(np.mean(gaps[start:k]))
        if k == len(gaps) or abs(float(gaps[k]) - reference) > max(UNEVEN_RELATIVE * reference,
                                                                    UNEVEN_ABSOLUTE_MM):
            runs.append(SpacingRun(start, k - 1, float(np.mean(gaps[start:k]))))
            start = k
    return runs


def missing_runs(runs: Sequence[SpacingRun]) -> list[tuple[SpacingRun, int, float]]:
    """The runs that are slices missing from a regular run: (run, slices missing per gap, usual step).

    A gap is a missing slice only when it is a whole multiple (2 or more) of a step that the stack keeps
    on BOTH sides of it; anything else is a change of spacing (a head CT going from 4 to 7 mm is
    complete), however large the jump."""
    found = []
    for k in range(1, len(runs) - 1):
        before, run, after = runs[k - 1], runs[k], runs[k + 1]
        step = (before.step + after.step) / 2
        if abs(before.step - after.step) > max(UNEVEN_RELATIVE * step, UNEVEN_ABSOLUTE_MM):
            continue
        ratio = run.step / step
        if round(ratio) >= 2 and abs(ratio - round(ratio)) <= MULTIPLE_TOLERANCE:
            found.append((run, round(ratio) - 1, step))
    return found


def _analyse(slices: list[Slice], proj: np.ndarray) -> tuple[Geometry, list[SeriesWarning]]:
    first = slices[0].frame
    assert first.orientation is not None
    row = tuple(first.orientation[:3])
    col = tuple(first.orientation[3:])
    normal = tuple(float(v) for v in _normal(first.orientation))
    positions = tuple(tuple(float(v) for v in s.frame.position) for s in slices)  # type: ignore[union-attr]
    warnings: list[SeriesWarning] = []
    spacing = first.slice_thickness or 1.0
    tilt = 0.0
    uniform = True
    if len(slices) > 1:
        gaps = np.diff(proj)
        duplicates = int(np.count_nonzero(gaps < SAME_POSITION_MM))
        real = gaps[gaps >= SAME_POSITION_MM]
        if duplicates:
            uniform = False
            warnings.append(SeriesWarning(
                WarningKind.DUPLICATE_POSITIONS,
                QT_TRANSLATE_NOOP("SeriesWarning", "{count} coupe(s) occupent la même position qu'une "
                                  "autre : la pile n'est pas un volume régulier (phases ou échos mêlés ?) ; "
                                  "MPR et 3D indisponibles.")
                .format(count=duplicates),
            ))
        if len(real):
            spacing = float(np.median(real))
            runs = spacing_runs(real)
            missing = missing_runs(runs)
            if missing:
                uniform = False
                ends = np.cumsum(np.concatenate([[proj[0]], real]))  # places along the normal, duplicates out
                count = sum(n * (run.last - run.first + 1) for run, n, _ in missing)
                where = joined([QT_TRANSLATE_NOOP("SeriesWarning", "entre {low} et {high} mm")
                                .format(low=_mm(ends[k]), high=_mm(ends[k + 1]))
                                for run, _, _ in missing for k in range(run.first, run.last + 1)][:3])
                more = ", ..." if sum(run.last - run.first + 1 for run, _, _ in missing) > 3 else ""
                spacings = sorted({_mm(step) for _, _, step in missing})
                warnings.append(SeriesWarning(
                    WarningKind.MISSING_SLICES,
                    QT_TRANSLATE_NOOP("SeriesWarning", "Coupe(s) manquante(s) : {count} coupe(s) absente(s) "
                                      "({where}{more}) dans une pile régulière de {spacing} mm.")
                    .format(count=count, where=where, more=more, spacing=joined(spacings)),
                ))
            kept = [run for run in runs if run not in {m[0] for m in missing}]
            steps = np.array([run.step for run in kept])
            tolerance = max(UNEVEN_RELATIVE * spacing, UNEVEN_ABSOLUTE_MM)
            if len(steps) > 1 and float(steps.max() - steps.min()) > tolerance:
                uniform = False
                if missing:
                    text = QT_TRANSLATE_NOOP("SeriesWarning", "Espacement variable entre les coupes : "
                                             "de {low} à {high} mm ({changes} changement(s) d'espacement).")
                else:  # what matters to a remote reader: the exam is complete
                    text = QT_TRANSLATE_NOOP("SeriesWarning", "Espacement variable entre les coupes : "
                                             "de {low} à {high} mm ({changes} changement(s) d'espacement, "
                                             "aucune coupe manquante pour autant).")
                warnings.append(SeriesWarning(
                    WarningKind.UNEVEN_SPACING,
                    text.format(low=_mm(float(steps.min())), high=_mm(float(steps.max())),
                                changes=sum(abs(a.step - b.step) > tolerance for a, b in pairwise(kept))),
                ))
        travel = np.subtract(positions[-1], positions[0])
        length = float(np.linalg.norm(travel))
        if length > SAME_POSITION_MM:
            cosine = min(1.0, abs(float(np.dot(travel, normal))) / length)
            tilt = math.degrees(math.acos(cosine))
            if tilt > TILT_DEGREES:
                uniform = False
                warnings.append(SeriesWarning(
                    WarningKind.GANTRY_TILT,
                    QT_TRANSLATE_NOOP("SeriesWarning", "Inclinaison du statif (gantry tilt) de {angle}° : "
                                      "MPR et 3D sont corrigés de l'inclinaison ; les coupes d'origine sont "
                                      "affichées telles qu'acquises.")
                    .format(angle=_deg(tilt)),
                ))
    spacing_2d = first.spacing
    fmt = slices[0].file.fmt
    grid = (regular_grid(np.asarray(positions), row, col, spacing_2d.row_mm, spacing_2d.column_mm, fmt.rows,
                         fmt.columns, tilt)
            if not _is_colour(fmt) else
            QT_TRANSLATE_NOOP("NotAVolume", "les images en couleur ne forment pas un volume"))
    geometry = Geometry(positions, row, col, normal, spacing, spacing_2d.row_mm, spacing_2d.column_mm,  # type: ignore[arg-type]
                        tilt, uniform, grid if isinstance(grid, RegularGrid) else None,
                        grid if isinstance(grid, str) else None)
    return geometry, warnings


def _image_warnings(uid: str, slices: Sequence[Slice]) -> list[SeriesWarning]:
    """What the files themselves say: lossy compression, ignored LUT, header oddities."""
    warnings: list[SeriesWarning] = []
    files = list({s.file.path: s.file for s in slices}.values())
    if not uid:
        warnings.append(SeriesWarning(WarningKind.MISSING_SERIES_UID,
                                      QT_TRANSLATE_NOOP("SeriesWarning", "Series Instance UID absent : "
                                                        "images regroupées par défaut.")))
    lossy = [f for f in files if f.lossy.state is not Lossy.NO]
    if lossy:
        certain = any(f.lossy.state is Lossy.YES for f in lossy)
        ratios = sorted({r for f in lossy for r in f.lossy.ratios})
        methods = sorted({m for f in lossy for m in f.lossy.methods})
        details = "; ".join(x for x in (", ".join(f"{r}:1" for r in ratios), ", ".join(methods)) if x)
        head = QT_TRANSLATE_NOOP("SeriesWarning", "Compression avec perte") if certain else (
            QT_TRANSLATE_NOOP("SeriesWarning", "Compression peut-être avec perte (syntaxe le permettant, "
                              "sans indication dans l'en-tête)")
        )
        share = (QT_TRANSLATE_NOOP("SeriesWarning", "toutes les images") if len(lossy) == len(files) else
                 QT_TRANSLATE_NOOP("SeriesWarning", "{count} image(s) sur {total}")
                 .format(count=len(lossy), total=len(files)))
        warnings.append(SeriesWarning(
            WarningKind.LOSSY_COMPRESSION,
            QT_TRANSLATE_NOOP("SeriesWarning", "{head}{details} : {share}. La qualité diagnostique peut "
                              "être réduite.")
            .format(head=head, share=share,
                    details=f" (ratio {details})" if ratios else f" ({details})" if details else ""),
        ))
    if any(f.has_modality_lut for f in files):
        warnings.append(SeriesWarning(
            WarningKind.MODALITY_LUT_IGNORED,
            QT_TRANSLATE_NOOP("SeriesWarning", "Table de modalité (Modality LUT Sequence) non appliquée : "
                              "valeurs affichées brutes."),
        ))
    for note in sorted({n for f in files for n in f.notes}):
        warnings.append(SeriesWarning(WarningKind.HEADER, note))
    return warnings
