"""Dose injection: read the dose of an examination from its DICOM objects.

The French decree of 22 September 2006 wants the dose in the report of every ionising act. The
most reliable source is the Radiation Dose Structured Report the modality writes (CT: TID 10011,
projection X-ray: TID 10001); without one we fall back to the dose attributes of the image headers.
Vendors fill these objects loosely, so nothing here trusts the structure: what cannot be read is
skipped with a French warning for the radiologist (and an English line in the log), and what was
read is returned. This module never raises on bad input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from pydicom.dataset import Dataset

from reporting.model import CtAcquisition, DoseReport, Equipment, Source, Sourced
from reporting.study import read_headers
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

RDSR_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.88.67"
SR_SOP_CLASSES = {
    RDSR_SOP_CLASS,
    "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR (some GE scanners)
    "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
    "1.2.840.10008.5.1.4.1.1.88.34",  # Comprehensive 3D SR
}
DOSE_REPORT_TITLE = "113701"  # X-Ray Radiation Dose Report

# DCM concept codes of TID 10011 (CT) and TID 10001 (projection X-ray).
CT_ACCUMULATED_DLP = "113813"
CT_ACQUISITION = "113819"
CT_CTDIVOL = "113830"
CT_DLP = "113838"
ACQUISITION_PROTOCOL = "125203"
TARGET_REGION = "123014"
IRRADIATION_EVENT_UID = "113769"
ACCUMULATED_XRAY = "113702"
DAP_TOTAL = "113722"
IRRADIATION_EVENT_XRAY = "113706"
DAP_EVENT = "122130"
FLUORO_TIME_TOTAL = "113730"
OBSERVER_MANUFACTURER = "121014"
OBSERVER_MODEL = "121015"

GY_M2_IN_DGY_CM2 = Decimal(100000)
# Units normalised by dropping dots, spaces and case ("Gy.m2", "Gym2", "GY.M2" are all one unit).
DAP_UNITS = {  # factor to dGy·cm²
    "gym2": GY_M2_IN_DGY_CM2,
    "mgym2": Decimal(100),
    "ugym2": Decimal("0.1"),
    "µgym2": Decimal("0.1"),
    "gycm2": Decimal(10),
    "dgycm2": Decimal(1),
    "cgycm2": Decimal("0.1"),
    "mgycm2": Decimal("0.01"),
    "ugycm2": Decimal("0.00001"),
    "µgycm2": Decimal("0.00001"),
}
DLP_UNITS = {"mgycm": Decimal(1), "mgymm": Decimal("0.1"), "gycm": Decimal(1000)}  # to mGy·cm
CTDI_UNITS = {"mgy": Decimal(1), "gy": Decimal(1000), "ugy": Decimal("0.001")}  # to mGy
TIME_UNITS = {"s": Decimal(1), "ms": Decimal("0.001"), "min": Decimal(60)}  # to s

TOTAL_DLP_COMMENT = re.compile(r"total\s+dlp\s*[=:]\s*([0-9]+(?:[.,][0-9]+)?)", re.IGNORECASE)


def read_dose(paths: Iterable[Path]) -> DoseReport:
    """Dose of the examination made of these files (directories are walked; non-DICOM files skipped)."""
    return dose_from_datasets(read_headers(paths))


def dose_from_datasets(items: Iterable[tuple[str, Dataset | None]]) -> DoseReport:
    """Dose from already read datasets, each with a name used in the warnings (a file name).

    ``None`` stands for a file that could not be read at all.
    """
    acc = _Accumulator()
    for name, ds in items:
        if ds is None:
            acc.warn(f"Fichier « {name} » illisible : ignoré pour la dose.")
            continue
        try:
            acc.add(name, ds)
        except Exception:  # a vendor object we cannot make sense of must not stop the report
            log.exception("unexpected structure in %s, object skipped", name)
            acc.warn(f"Structure inattendue dans « {name} » : objet ignoré pour la dose.")
    return acc.result()


def _normalise_unit(unit: str) -> str:
    return unit.replace(".", "").replace(" ", "").replace("·", "").replace("²", "2").lower()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class _RdsrSummary:
    """What one RDSR says; several RDSRs of a study are often cumulative versions of each other."""

    name: str
    acquisitions: list[CtAcquisition] = field(default_factory=list)
    total_dlp: Decimal | None = None
    total_dap: Decimal | None = None
    event_dap_sum: Decimal | None = None
    fluoro_time: Decimal | None = None

    @property
    def event_uids(self) -> set[str]:
        return {a.event_uid for a in self.acquisitions if a.event_uid}


@dataclass
class _Accumulator:
    rdsrs: list[_RdsrSummary] = field(default_factory=list)
    series_ctdi: dict[str, tuple[str, list[Decimal]]] = field(default_factory=dict)
    screen_acquisitions: list[CtAcquisition] = field(default_factory=list)
    screen_total_dlp: Sourced[Decimal] | None = None
    header_dap: dict[str, Decimal] = field(default_factory=dict)
    equipment: Equipment | None = None
    studies: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- dispatch -----------------------------------------------------------------------------
    def add(self, name: str, ds: Dataset) -> None:
        study = str(ds.get("StudyInstanceUID", "") or "")
        if study:
            self.studies.add(study)
        if self._is_rdsr(ds):
            self._add_rdsr(name, ds)
        elif "ExposureDoseSequence" in ds:
            self._add_dose_screen(name, ds)
        else:
            self._add_image(name, ds)

    @staticmethod
    def _is_rdsr(ds: Dataset) -> bool:
        sop = str(ds.get("SOPClassUID", ""))
        if sop == RDSR_SOP_CLASS:
            return True
        return sop in SR_SOP_CLASSES and _concept(ds) == DOSE_REPORT_TITLE

    def _equipment_from(self, ds: Dataset, source: Source) -> None:
        if self.equipment is not None:
            return
        manufacturer = str(ds.get("Manufacturer", "") or "").strip()
        model = str(ds.get("ManufacturerModelName", "") or "").strip()
        if source is Source.RDSR:
            manufacturer = manufacturer or _text_of(ds, OBSERVER_MANUFACTURER)
            model = model or _text_of(ds, OBSERVER_MODEL)
        if manufacturer or model:
            self.equipment = Equipment(
                manufacturer=manufacturer,
                model=model,
                source=source,
                serial_number=str(ds.get("DeviceSerialNumber", "") or "").strip(),
                station=str(ds.get("StationName", "") or "").strip(),
            )

    # -- RDSR ---------------------------------------------------------------------------------
    def _add_rdsr(self, name: str, ds: Dataset) -> None:
        self._equipment_from(ds, Source.RDSR)
        summary = _RdsrSummary(name)
        content = _children(ds)
        if not content:
            self.warn(f"Le RDSR « {name} » ne contient aucune donnée de dose.")
            return
        for item in _walk(content):
            code = _concept(item)
            if code == CT_ACQUISITION:
                acquisition = self._ct_acquisition(name, item, len(summary.acquisitions) + 1)
                if acquisition is not None:
                    summary.acquisitions.append(acquisition)
            elif code == CT_ACCUMULATED_DLP and summary.total_dlp is None:
                summary.total_dlp = self._measure(name, item, DLP_UNITS, "PDL total")
            elif code == DAP_TOTAL:
                dap = self._measure(name, item, DAP_UNITS, "PDS total")
                if dap is not None:  # one accumulated container per plane: add the planes
                    summary.total_dap = (summary.total_dap or Decimal(0)) + dap
            elif code == DAP_EVENT:
                dap = self._measure(name, item, DAP_UNITS, "PDS d'un événement")
                if dap is not None:
                    summary.event_dap_sum = (summary.event_dap_sum or Decimal(0)) + dap
            elif code == FLUORO_TIME_TOTAL:
                seconds = self._measure(name, item, TIME_UNITS, "temps de scopie")
                if seconds is not None:
                    summary.fluoro_time = (summary.fluoro_time or Decimal(0)) + seconds
        if not (
            summary.acquisitions
            or summary.total_dlp is not None
            or summary.total_dap is not None
            or summary.event_dap_sum is not None
        ):
            self.warn(f"Aucune valeur de dose reconnue dans le RDSR « {name} ».")
        self.rdsrs.append(summary)

    def _ct_acquisition(self, name: str, item: Dataset, index: int) -> CtAcquisition | None:
        label, ctdi, dlp, uid = "", None, None, ""
        for child in _walk(_children(item)):
            code = _concept(child)
            if code == ACQUISITION_PROTOCOL and not label:
                label = str(child.get("TextValue", "") or "").strip()
            elif code == TARGET_REGION and not label:
                label = _code_meaning(child)
            elif code == CT_CTDIVOL and ctdi is None:
                ctdi = self._measure(name, child, CTDI_UNITS, "CTDIvol")
            elif code == CT_DLP and dlp is None:
                dlp = self._measure(name, child, DLP_UNITS, "PDL")
            elif code == IRRADIATION_EVENT_UID and not uid:
                uid = str(child.get("UID", "") or "")
        return CtAcquisition(
            label=label or f"Acquisition {index}",
            source=Source.RDSR,
            ctdi_vol_mgy=ctdi,
            dlp_mgy_cm=dlp,
            event_uid=uid,
        )

    def _measure(self, name: str, item: Dataset, units: dict[str, Decimal], what: str) -> Decimal | None:
        try:
            measured = item.MeasuredValueSequence[0]
            unit = str(measured.MeasurementUnitsCodeSequence[0].CodeValue)
        except (AttributeError, IndexError, KeyError, TypeError):
            self.warn(f"{what} sans valeur mesurée dans « {name} » : ignoré.")
            return None
        try:
            raw = measured.NumericValue
        except (AttributeError, ValueError):  # pydicom refuses a DS that is not a number
            raw = measured.get_item("NumericValue").value if "NumericValue" in measured else None
            raw = raw.decode("ascii", "replace").strip() if isinstance(raw, bytes) else raw
        value = _decimal(raw)
        factor = units.get(_normalise_unit(unit))
        if value is None:
            self.warn(f"{what} illisible ({raw!r}) dans « {name} » : ignoré.")
            return None
        if factor is None:
            self.warn(f"{what} dans une unité inconnue ({unit}) dans « {name} » : ignoré.")
            return None
        return value * factor

    # -- Philips-style dose screens -------------------------------------------------------------
    def _add_dose_screen(self, name: str, ds: Dataset) -> None:
        self._equipment_from(ds, Source.DICOM_HEADER)
        for index, item in enumerate(ds.ExposureDoseSequence, start=1):
            ctdi = _decimal(item.get("CTDIvol"))
            if ctdi is None:
                continue
            label = str(item.get("SeriesDescription", "") or "").strip() or f"Acquisition {index}"
            self.screen_acquisitions.append(
                CtAcquisition(label=label, source=Source.DICOM_HEADER, ctdi_vol_mgy=ctdi)
            )
        match = TOTAL_DLP_COMMENT.search(str(ds.get("CommentsOnRadiationDose", "") or ""))
        if match and self.screen_total_dlp is None:
            self.screen_total_dlp = Sourced(
                Decimal(match.group(1).replace(",", ".")),
                Source.DICOM_HEADER,
                QT_TRANSLATE_NOOP("reporting.Sourced", "commentaire de dose de « {name} »").format(name=name),
            )
            self.warn("PDL total lu dans le commentaire libre de l'écran de dose : valeur à vérifier.")

    # -- image headers ------------------------------------------------------------------------
    def _add_image(self, name: str, ds: Dataset) -> None:
        self._equipment_from(ds, Source.DICOM_HEADER)
        sop = str(ds.get("SOPInstanceUID", "") or name)
        dap = _decimal(ds.get("ImageAndFluoroscopyAreaDoseProduct"))
        if dap is not None:
            self.header_dap[sop] = dap  # dGy·cm² (PS3.3 C.8.7.8), once per instance
        ctdi_values = [v for v in (_decimal(x) for x in _find_tag(ds, "CTDIvol")) if v is not None]
        if ctdi_values:
            series = str(ds.get("SeriesInstanceUID", "") or "")
            label = str(ds.get("SeriesDescription", "") or "").strip()
            if not label:
                label = f"Série {ds.get('SeriesNumber', '')}".strip()
            entry = self.series_ctdi.setdefault(series, (label, []))
            entry[1].extend(ctdi_values)

    # -- result -------------------------------------------------------------------------------
    def result(self) -> DoseReport:
        if len(self.studies) > 1:
            self.warn("Les objets de dose proviennent de plusieurs examens : vérifier la sélection.")
        study = next(iter(self.studies)) if len(self.studies) == 1 else ""
        if self.rdsrs:
            return self._from_rdsrs(study)
        return self._from_headers(study)

    def _from_rdsrs(self, study: str) -> DoseReport:
        ct = [s for s in self.rdsrs if s.acquisitions or s.total_dlp is not None]
        projection = [s for s in self.rdsrs if s.total_dap is not None or s.event_dap_sum is not None]
        acquisitions: list[CtAcquisition] = []
        total_dlp: Sourced[Decimal] | None = None
        if ct:
            best = _covering(ct)
            if best is not None:
                acquisitions = list(best.acquisitions)
                if best.total_dlp is not None:
                    total_dlp = Sourced(best.total_dlp, Source.RDSR, best.name)
            else:  # disjoint RDSRs: merge the events once each and add them up
                seen: set[str] = set()
                for summary in ct:
                    for acquisition in summary.acquisitions:
                        if acquisition.event_uid and acquisition.event_uid in seen:
                            continue
                        seen.add(acquisition.event_uid)
                        acquisitions.append(acquisition)
                self.warn("Plusieurs RDSR complémentaires : PDL total recalculé à partir des acquisitions.")
            if total_dlp is None:
                dlps = [a.dlp_mgy_cm for a in acquisitions if a.dlp_mgy_cm is not None]
                if dlps:
                    total_dlp = Sourced(
                        sum(dlps, Decimal(0)),
                        Source.COMPUTED,
                        QT_TRANSLATE_NOOP("reporting.Sourced", "somme des PDL des acquisitions"),
                    )
                    if best is not None:
                        self.warn("Le RDSR ne donne pas de PDL total : somme des acquisitions utilisée.")
        total_dap: Sourced[Decimal] | None = None
        fluoro: Sourced[Decimal] | None = None
        if projection:
            summary = max(projection, key=lambda s: s.total_dap or s.event_dap_sum or Decimal(0))
            if summary.total_dap is not None:
                total_dap = Sourced(summary.total_dap, Source.RDSR, summary.name)
            elif summary.event_dap_sum is not None:
                total_dap = Sourced(
                    summary.event_dap_sum,
                    Source.COMPUTED,
                    QT_TRANSLATE_NOOP("reporting.Sourced", "somme des PDS des événements"),
                )
                self.warn("Le RDSR ne donne pas de PDS total : somme des événements utilisée.")
            if summary.fluoro_time is not None:
                fluoro = Sourced(summary.fluoro_time, Source.RDSR, summary.name)
            if len(projection) > 1:
                self.warn("Plusieurs RDSR de radiologie : le plus complet a été retenu, à vérifier.")
        return DoseReport(
            acquisitions=tuple(acquisitions),
            total_dlp_mgy_cm=total_dlp,
            total_dap_dgy_cm2=total_dap,
            fluoroscopy_time_s=fluoro,
            equipment=self.equipment,
            study_instance_uid=study,
            warnings=tuple(self.warnings),
        )

    def _from_headers(self, study: str) -> DoseReport:
        acquisitions = list(self.screen_acquisitions)
        if not acquisitions:
            for label, values in self.series_ctdi.values():
                mean = _round(sum(values, Decimal(0)) / len(values))
                acquisitions.append(CtAcquisition(label=label, source=Source.DICOM_HEADER, ctdi_vol_mgy=mean))
        total_dlp = self.screen_total_dlp
        if acquisitions and total_dlp is None:
            self.warn("Pas de RDSR : PDL total non disponible dans les en-têtes des images.")
        if acquisitions and not self.screen_acquisitions:
            self.warn("Pas de RDSR : CTDIvol lu dans les en-têtes des images (moyenne par série).")
        total_dap = None
        if self.header_dap:
            total = sum(self.header_dap.values(), Decimal(0))
            count = len(self.header_dap)
            detail = (
                QT_TRANSLATE_NOOP("reporting.Sourced", "en-tête de l'image")
                if count == 1
                else QT_TRANSLATE_NOOP("reporting.Sourced", "somme des en-têtes de {count} images").format(
                    count=count
                )
            )
            total_dap = Sourced(total, Source.DICOM_HEADER, detail)
        return DoseReport(
            acquisitions=tuple(acquisitions),
            total_dlp_mgy_cm=total_dlp,
            total_dap_dgy_cm2=total_dap,
            equipment=self.equipment,
            study_instance_uid=study,
            warnings=tuple(self.warnings),
        )


def _covering(summaries: list[_RdsrSummary]) -> _RdsrSummary | None:
    """The RDSR whose events include those of all the others (the latest cumulative one), if any."""
    ranked = sorted(summaries, key=lambda s: (len(s.acquisitions), s.total_dlp or Decimal(0)), reverse=True)
    best = ranked[0]
    if all(s.event_uids <= best.event_uids for s in ranked[1:]):
        return best
    return None


def _concept(item: Dataset) -> str:
    try:
        return str(item.ConceptNameCodeSequence[0].CodeValue)
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""


def _code_meaning(item: Dataset) -> str:
    try:
        return str(item.ConceptCodeSequence[0].CodeMeaning).strip()
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""


def _children(item: Dataset) -> list[Dataset]:
    try:
        return list(item.get("ContentSequence") or [])
    except (TypeError, ValueError):
        return []


def _walk(items: list[Dataset], depth: int = 0) -> Iterator[Dataset]:
    """Depth-first over SR content items, bounded against pathological nesting."""
    if depth > 12:
        return
    for item in items:
        yield item
        if _concept(item) in (CT_ACQUISITION,):
            continue  # an acquisition is read as a whole by _ct_acquisition
        yield from _walk(_children(item), depth + 1)


def _text_of(ds: Dataset, code: str) -> str:
    for item in _walk(_children(ds)):
        if _concept(item) == code:
            return str(item.get("TextValue", "") or "").strip()
    return ""


def _find_tag(ds: Dataset, keyword: str, depth: int = 0) -> Iterator[object]:
    """Values of an attribute at any depth (Enhanced CT keeps CTDIvol in functional groups)."""
    if depth > 6:
        return
    for element in ds:
        if element.keyword == keyword and element.value not in (None, ""):
            yield element.value
        elif element.VR == "SQ":
            for item in element.value or []:
                yield from _find_tag(item, keyword, depth + 1)
