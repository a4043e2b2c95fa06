"""Dose injection: read the dose of an examination from its DICOM objects.

The French decree of 22 September 2006 wants the dose in the report of every ionising act. The
most reliable source is the Radiation Dose Structured Report the modality writes (CT: TID 10011,
projection X-ray and mammography: TID 10001/10003/10005, radiopharmaceuticals: TID 10021); without
one we fall back to the dose attributes of the image headers (DAP, entrance dose, organ dose and
breast thickness of radiographs and mammograms, the radiopharmaceutical module of NM/PET images)
and to the vendors' CT dose screens.

The SR content tree is walked by hand rather than through highdicom's SR classes: those parse
conformant templates, and the vendor objects met in practice (OpenREM's test files) are not; a
tolerant walk that keeps what it can read is what a report needs.
Vendors fill these objects loosely, so nothing here trusts the structure: what cannot be read is
skipped with a French warning for the radiologist (and an English line in the log), and what was
read is returned. This module never raises on bad input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pydicom.dataset import Dataset

from reporting.model import (
    SNOMED_CT,
    Code,
    CtAcquisition,
    DoseKind,
    DoseReport,
    DoseValue,
    Equipment,
    Radiopharmaceutical,
    Source,
    Sourced,
)
from resources.translations import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

RDSR_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.88.67"
RRDSR_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.88.68"  # Radiopharmaceutical Radiation Dose SR
SR_SOP_CLASSES = {
    RDSR_SOP_CLASS,
    RRDSR_SOP_CLASS,
    "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR (some GE scanners)
    "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
    "1.2.840.10008.5.1.4.1.1.88.34",  # Comprehensive 3D SR
}
DOSE_REPORT_TITLE = "113701"  # X-Ray Radiation Dose Report
RADIOPHARMACEUTICAL_REPORT_TITLE = "113500"  # Radiopharmaceutical Radiation Dose Report

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
CT_ACQUISITION_TYPE = "113820"
CT_PHANTOM = "113835"
ACQUISITION_PLANE = "113764"
RP_DOSE_TOTAL = "113725"
RP_DOSE_EVENT = "113738"
EVENT_TYPE = "113721"
IMAGE_VIEW = "111031"
LATERALITY = ("272741003", "G-C171")
AGD_EVENT = "111631"
AGD_ACCUMULATED = "111637"
ENTRANCE_EXPOSURE = "111636"
COMPRESSION_THICKNESS = "111633"
NM_ADMINISTRATION = "113502"
NM_AGENT = ("349358000", "F-61FDB")
NM_RADIONUCLIDE = ("89457008", "C-10072")
NM_START = "123003"
NM_ACTIVITY = "113507"
NM_ROUTE = ("410675002", "G-C340")
FLUOROSCOPY_EVENTS = ("113630", "P5-06000", "44491008")  # Irradiation Event Type: fluoroscopy

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
KERMA_UNITS = {"gy": Decimal(1000), "mgy": Decimal(1), "ugy": Decimal("0.001"), "µgy": Decimal("0.001")}
LENGTH_UNITS = {"mm": Decimal(1), "cm": Decimal(10)}  # to mm
ACTIVITY_UNITS = {"mbq": Decimal(1), "bq": Decimal("0.000001"), "kbq": Decimal("0.001"), "gbq": Decimal(1000)}

# Vendors' placeholders that name nothing (a GE CT RDSR writes "Unknown" in every event).
NO_NAME = frozenset({"", "unknown", "none", "n/a", "na", "-", "?", "not specified", "unspecified"})

# French words for the English code meanings of target regions (CID 4030/4031) and the rest.
REGIONS_FR = {
    "head": "tête",
    "skull": "crâne",
    "brain": "encéphale",
    "neck": "cou",
    "head and neck": "tête et cou",
    "chest": "thorax",
    "thorax": "thorax",
    "abdomen": "abdomen",
    "pelvis": "pelvis",
    "abdomen and pelvis": "abdomen et pelvis",
    "chest and abdomen": "thorax et abdomen",
    "chest, abdomen and pelvis": "thorax, abdomen et pelvis",
    "entire body": "corps entier",
    "whole body": "corps entier",
    "breast": "sein",
    "spine": "rachis",
    "cervical spine": "rachis cervical",
    "thoracic spine": "rachis dorsal",
    "lumbar spine": "rachis lombaire",
    "heart": "cœur",
    "lower limb": "membre inférieur",
    "upper limb": "membre supérieur",
    "extremity": "membre",
    "hip": "hanche",
    "knee": "genou",
    "shoulder": "épaule",
    "sinus": "sinus",
    "facial bones": "massif facial",
    "kidney": "rein",
    "liver": "foie",
    "femur": "fémur",
    "hip joint": "articulation de la hanche",
    "thigh": "cuisse",
    "thigh right": "cuisse droite",
    "thigh left": "cuisse gauche",
    "ankle joint": "cheville",
    "wrist joint": "poignet",
    "hand": "main",
    "foot": "pied",
}
CT_TYPES_FR = {
    "spiral acquisition": "hélicoïdale",
    "sequenced acquisition": "séquentielle",
    "constant angle acquisition": "topogramme",
    "stationary acquisition": "statique",
    "free acquisition": "libre",
    "cone beam acquisition": "faisceau conique (CBCT)",
    "spiral": "hélicoïdale",
    "sequenced": "séquentielle",
    "constant_angle": "topogramme",
    "stationary": "statique",
    "free": "libre",
}
VIEWS_FR = {
    "cranio-caudal": "CC",
    "medio-lateral oblique": "MLO",
    "medio-lateral": "ML",
    "latero-medial": "LM",
    "cc": "CC",
    "mlo": "MLO",
    "ml": "ML",
    "lm": "LM",
    "postero-anterior": "face (PA)",
    "antero-posterior": "face (AP)",
    "pa": "face (PA)",
    "ap": "face (AP)",
    "lateral": "profil",
    "left lateral": "profil gauche",
    "right lateral": "profil droit",
    "ll": "profil gauche",
    "rl": "profil droit",
    "lat": "profil",
}
LATERALITY_FR = {"left": "gauche", "right": "droit", "l": "gauche", "r": "droit", "b": "bilatéral"}
PLANES_FR = {"113620": "plan A", "113621": "plan B", "113622": ""}

TOTAL_DLP_COMMENT = re.compile(r"total\s+dlp\s*[=:]\s*([0-9]+(?:[.,][0-9]+)?)", re.IGNORECASE)
# "Series #3 PRE KIDNEYS Average CTDIvol=7.2 DLP=196.0" (Philips dose screens): the event's DLP
SERIES_DLP_COMMENT = re.compile(
    r"series\s*#\s*(\d+)[^\r\n]*?\bdlp\s*[=:]\s*([0-9]+(?:[.,][0-9]+)?)", re.IGNORECASE
)
TO_VERIFY = QT_TRANSLATE_NOOP("reporting.Sourced", "lu dans un texte libre : à vérifier")


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
    values: list[DoseValue] = field(default_factory=list)
    radiopharmaceuticals: list[Radiopharmaceutical] = field(default_factory=list)
    planes: int = 0

    @property
    def event_uids(self) -> set[str]:
        return {a.event_uid for a in self.acquisitions if a.event_uid}

    @property
    def is_projection(self) -> bool:
        return (
            self.total_dap is not None
            or self.event_dap_sum is not None
            or any(v.kind in (DoseKind.AGD, DoseKind.AGD_ACCUMULATED) for v in self.values)
        )


@dataclass
class _Accumulator:
    rdsrs: list[_RdsrSummary] = field(default_factory=list)
    series_ctdi: dict[str, tuple[str, list[Decimal]]] = field(default_factory=dict)
    screen_acquisitions: list[CtAcquisition] = field(default_factory=list)
    screen_total_dlp: Sourced[Decimal] | None = None
    header_dap: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    header_values: dict[tuple[str, DoseKind], DoseValue] = field(default_factory=dict)
    header_nm: dict[tuple[str, str, str], Radiopharmaceutical] = field(default_factory=dict)
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
        if sop in (RDSR_SOP_CLASS, RRDSR_SOP_CLASS):
            return True
        return sop in SR_SOP_CLASSES and _concept(ds) in (DOSE_REPORT_TITLE, RADIOPHARMACEUTICAL_REPORT_TITLE)

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
            elif code == ACCUMULATED_XRAY:
                self._accumulated(name, item, summary)
            elif code == IRRADIATION_EVENT_XRAY:
                self._projection_event(name, item, summary)
            elif code == NM_ADMINISTRATION:
                administration = self._administration(name, item)
                if administration is not None:
                    summary.radiopharmaceuticals.append(administration)
        if not (
            summary.acquisitions
            or summary.total_dlp is not None
            or summary.total_dap is not None
            or summary.event_dap_sum is not None
            or summary.values
            or summary.radiopharmaceuticals
        ):
            self.warn(f"Aucune valeur de dose reconnue dans le RDSR « {name} ».")
        _unique_labels(summary.acquisitions)
        self.rdsrs.append(summary)

    def _ct_acquisition(self, name: str, item: Dataset, index: int) -> CtAcquisition | None:
        protocol, region, kind, phantom, ctdi, dlp, uid = "", "", "", "", None, None, ""
        for child in _walk(_children(item)):
            code = _concept(child)
            if code == ACQUISITION_PROTOCOL and not protocol:
                protocol = _named(str(child.get("TextValue", "") or ""))
            elif code == TARGET_REGION and not region:
                region = _french(_code_meaning(child), REGIONS_FR)
            elif code == CT_ACQUISITION_TYPE and not kind:
                kind = _french(_code_meaning(child), CT_TYPES_FR)
            elif code == CT_PHANTOM and not phantom:
                phantom = _phantom(_code_meaning(child))
            elif code == CT_CTDIVOL and ctdi is None:
                ctdi = self._measure(name, child, CTDI_UNITS, "CTDIvol")
            elif code == CT_DLP and dlp is None:
                dlp = self._measure(name, child, DLP_UNITS, "PDL")
            elif code == IRRADIATION_EVENT_UID and not uid:
                uid = str(child.get("UID", "") or "")
        return CtAcquisition(
            label=_label(protocol, region, kind, index),
            source=Source.RDSR,
            ctdi_vol_mgy=ctdi,
            dlp_mgy_cm=dlp,
            event_uid=uid,
            phantom=phantom,
        )

    def _accumulated(self, name: str, item: Dataset, summary: _RdsrSummary) -> None:
        """One accumulated container per plane (TID 10002) or the mammography one (TID 10005)."""
        summary.planes += 1
        plane = ""
        for child in _children(item):
            if _concept(child) == ACQUISITION_PLANE:
                plane = PLANES_FR.get(_code_value(child), _code_meaning(child))
        for child in _walk(_children(item)):
            code = _concept(child)
            if code == DAP_TOTAL:
                dap = self._measure(name, child, DAP_UNITS, "PDS total")
                if dap is not None:  # one accumulated container per plane: add the planes
                    summary.total_dap = (summary.total_dap or Decimal(0)) + dap
            elif code == FLUORO_TIME_TOTAL:
                seconds = self._measure(name, child, TIME_UNITS, "temps de scopie")
                if seconds is not None:
                    summary.fluoro_time = (summary.fluoro_time or Decimal(0)) + seconds
                    if plane:
                        summary.values.append(
                            DoseValue(DoseKind.FLUORO_TIME, seconds, Source.RDSR, plane, name)
                        )
            elif code == RP_DOSE_TOTAL:
                kerma = self._measure(name, child, KERMA_UNITS, "dose au point de référence")
                if kerma is not None:
                    summary.values.append(DoseValue(DoseKind.RP_AIR_KERMA, kerma, Source.RDSR, plane, name))
            elif code == AGD_ACCUMULATED:
                agd = self._measure(name, child, KERMA_UNITS, "DGM cumulée")
                if agd is not None:
                    side = _laterality(child)
                    label = f"sein {side}" if side else ""
                    summary.values.append(DoseValue(DoseKind.AGD_ACCUMULATED, agd, Source.RDSR, label, name))

    def _projection_event(self, name: str, item: Dataset, summary: _RdsrSummary) -> None:
        """An irradiation event of TID 10003 (radiography, fluoroscopy, mammography view)."""
        protocol, region, view, side, plane, event_type = "", "", "", "", "", ""
        measured: list[tuple[DoseKind, Decimal]] = []
        for child in _children(item):
            code = _concept(child)
            if code == ACQUISITION_PROTOCOL and not protocol:
                protocol = _named(str(child.get("TextValue", "") or ""))
            elif code == TARGET_REGION and not region:
                region = _french(_code_meaning(child), REGIONS_FR)
                side = side or _laterality(child)
            elif code in LATERALITY and not side:
                side = LATERALITY_FR.get(_code_meaning(child).lower(), _code_meaning(child).lower())
            elif code == IMAGE_VIEW and not view:
                view = _french(_code_meaning(child), VIEWS_FR)
            elif code == ACQUISITION_PLANE:
                plane = PLANES_FR.get(_code_value(child), "")
            elif code == EVENT_TYPE:
                event_type = _code_value(child)
            elif code == DAP_EVENT:
                dap = self._measure(name, child, DAP_UNITS, "PDS d'un événement")
                if dap is not None:
                    summary.event_dap_sum = (summary.event_dap_sum or Decimal(0)) + dap
                    measured.append((DoseKind.DAP_EVENT, dap))
            elif code == AGD_EVENT:
                value = self._measure(name, child, KERMA_UNITS, "DGM")
                if value is not None:
                    measured.append((DoseKind.AGD, value))
            elif code == ENTRANCE_EXPOSURE:
                value = self._measure(name, child, KERMA_UNITS, "dose à l'entrée")
                if value is not None:
                    measured.append((DoseKind.ENTRANCE_DOSE, value))
            elif code == COMPRESSION_THICKNESS:
                value = self._measure(name, child, LENGTH_UNITS, "épaisseur comprimée")
                if value is not None:
                    measured.append((DoseKind.COMPRESSION, value))
        if event_type in FLUOROSCOPY_EVENTS:
            return  # fluoroscopy is reported per plane (totals), not pulse run by pulse run
        where = (
            f"sein {side}" if side and region in ("", "sein") else ", ".join(p for p in (region, side) if p)
        )
        label = " ".join(p for p in (view, where) if p) or protocol
        if protocol and label != protocol:
            label = f"{protocol} ({label})"
        label = ", ".join(p for p in (label, plane) if p)
        number = sum(1 for v in summary.values if v.kind in (DoseKind.DAP_EVENT, DoseKind.AGD)) + 1
        label = label or f"Incidence {number}"
        for kind, value in measured:
            summary.values.append(DoseValue(kind, value, Source.RDSR, label, name))

    def _administration(self, name: str, item: Dataset) -> Radiopharmaceutical | None:
        """A radiopharmaceutical administration of TID 10021/10022."""
        agent, agent_code, nuclide, route, activity, start = "", None, "", None, None, None
        for child in _walk(_children(item)):
            code = _concept(child)
            if code in NM_AGENT and not agent:
                agent = _code_meaning(child)
                value = _code_value(child)
                scheme = _code_scheme(child)
                if value and scheme in ("SCT", "SNM3", "SRT"):
                    agent_code = Code(value, SNOMED_CT, agent, "SNOMED CT") if scheme == "SCT" else None
            elif code in NM_RADIONUCLIDE and not nuclide:
                nuclide = _code_meaning(child)
            elif code in NM_ROUTE and route is None:
                meaning = _code_meaning(child)
                route = Code(_code_value(child), SNOMED_CT, meaning, "SNOMED CT") if meaning else None
            elif code == NM_ACTIVITY and activity is None:
                activity = self._measure(name, child, ACTIVITY_UNITS, "activité administrée")
            elif code == NM_START and start is None:
                start = _datetime(str(child.get("DateTime", "") or ""))
        if not agent and activity is None:
            return None
        return Radiopharmaceutical(
            agent=agent or nuclide or "Radiopharmaceutique non nommé",
            source=Source.RDSR,
            activity_mbq=activity,
            agent_code=agent_code,
            radionuclide=nuclide,
            route=None,  # a SNOMED route is not the EDQM code the CDA entry needs
            administered_at=start,
            detail=name,
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
        if value < 0:
            self.warn(f"{what} négatif ({value}) dans « {name} » : ignoré.")
            return None
        return value * factor

    # -- vendors' CT dose screens -----------------------------------------------------------------
    def _add_dose_screen(self, name: str, ds: Dataset) -> None:
        self._equipment_from(ds, Source.DICOM_HEADER)
        comment = str(ds.get("CommentsOnRadiationDose", "") or "")
        series_dlp = {
            int(m.group(1)): _decimal(m.group(2).replace(",", "."))
            for m in SERIES_DLP_COMMENT.finditer(comment)
        }
        where = QT_TRANSLATE_NOOP("reporting.Sourced", "commentaire de dose de « {name} »").format(name=name)
        found: list[CtAcquisition] = []
        for index, item in enumerate(ds.ExposureDoseSequence, start=1):
            ctdi = _decimal(item.get("CTDIvol"))
            if ctdi is None:
                continue
            series = _integer(item.get("SeriesNumber"))
            kind = _french(str(item.get("AcquisitionType", "") or ""), CT_TYPES_FR)
            label = _named(str(item.get("SeriesDescription", "") or ""))
            if not label:
                label = " ".join(p for p in (kind.capitalize(), f"(série {series})" if series else "") if p)
            dlp = series_dlp.get(series) if series is not None else None
            found.append(
                CtAcquisition(
                    label=label or f"Acquisition {index}",
                    source=Source.DICOM_HEADER,
                    ctdi_vol_mgy=ctdi,
                    dlp_mgy_cm=dlp,
                    detail=f"{where} — {TO_VERIFY}" if dlp is not None else "",
                )
            )
        _unique_labels(found)
        self.screen_acquisitions.extend(found)
        match = TOTAL_DLP_COMMENT.search(comment)
        if match and self.screen_total_dlp is None:
            self.screen_total_dlp = Sourced(
                Decimal(match.group(1).replace(",", ".")), Source.DICOM_HEADER, f"{where} — {TO_VERIFY}"
            )
            self.warn("PDL total lu dans le commentaire libre de l'écran de dose : valeur à vérifier.")
        if any(a.dlp_mgy_cm is not None for a in found):
            self.warn("PDL des acquisitions lus dans le commentaire libre de l'écran de dose : à vérifier.")

    # -- image headers ------------------------------------------------------------------------
    def _add_image(self, name: str, ds: Dataset) -> None:
        self._equipment_from(ds, Source.DICOM_HEADER)
        sop = str(ds.get("SOPInstanceUID", "") or name)
        view = _french(str(ds.get("ViewPosition", "") or ""), VIEWS_FR)
        side = LATERALITY_FR.get(
            str(ds.get("ImageLaterality", "") or ds.get("Laterality", "") or "").lower(), ""
        )
        modality = str(ds.get("Modality", "") or "")
        where = f"sein {side}" if modality == "MG" and side else side
        label = " ".join(p for p in (view, where) if p) or _named(str(ds.get("SeriesDescription", "") or ""))
        dap = _decimal(ds.get("ImageAndFluoroscopyAreaDoseProduct"))
        if dap is not None and dap >= 0:
            self.header_dap[sop] = (label, dap)  # dGy·cm² (PS3.3 C.8.7.8), once per instance
        entrance = _decimal(ds.get("EntranceDoseInmGy"))
        if entrance is not None and entrance >= 0:
            self.header_values[(sop, DoseKind.ENTRANCE_DOSE)] = DoseValue(
                DoseKind.ENTRANCE_DOSE, entrance, Source.DICOM_HEADER, label, name
            )
        if modality == "MG":
            organ = _decimal(ds.get("OrganDose"))  # dGy (PS3.3 C.8.7.8: average glandular dose)
            if organ is not None and organ >= 0 and str(ds.get("OrganExposed", "BREAST")).upper() == "BREAST":
                self.header_values[(sop, DoseKind.AGD)] = DoseValue(
                    DoseKind.AGD, organ * 100, Source.DICOM_HEADER, label or "Incidence", name
                )
            thickness = _decimal(ds.get("BodyPartThickness"))
            if thickness is not None and thickness > 0:
                self.header_values[(sop, DoseKind.COMPRESSION)] = DoseValue(
                    DoseKind.COMPRESSION, thickness, Source.DICOM_HEADER, label or "Incidence", name
                )
        for item in ds.get("RadiopharmaceuticalInformationSequence") or []:
            agent = _named(str(item.get("Radiopharmaceutical", "") or ""))
            codes = item.get("RadiopharmaceuticalCodeSequence") or []
            if not agent and codes:
                agent = str(codes[0].get("CodeMeaning", "") or "").strip()
            activity = _decimal(item.get("RadionuclideTotalDose"))  # MBq (PS3.3 C.8.4.10)
            start = _datetime(str(item.get("RadiopharmaceuticalStartDateTime", "") or ""))
            if not agent and activity is None:
                continue
            nuclides = item.get("RadionuclideCodeSequence") or []
            key = (agent, str(activity), str(start))
            self.header_nm.setdefault(
                key,
                Radiopharmaceutical(
                    agent=agent or "Radiopharmaceutique non nommé",
                    source=Source.DICOM_HEADER,
                    activity_mbq=activity if activity is not None and activity >= 0 else None,
                    radionuclide=str(nuclides[0].get("CodeMeaning", "") or "") if nuclides else "",
                    administered_at=start,
                    detail=name,
                ),
            )
        ctdi_values = [v for v in (_decimal(x) for x in _find_tag(ds, "CTDIvol")) if v is not None]
        if ctdi_values:
            series = str(ds.get("SeriesInstanceUID", "") or "")
            label = _named(str(ds.get("SeriesDescription", "") or ""))
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
        projection = [s for s in self.rdsrs if s.is_projection or (s.values and not s.acquisitions)]
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
        values: list[DoseValue] = []
        if projection:
            summary = max(
                projection, key=lambda s: (s.total_dap or s.event_dap_sum or Decimal(0), len(s.values))
            )
            values = list(summary.values)
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
        radiopharmaceuticals: list[Radiopharmaceutical] = []
        for summary in self.rdsrs:
            for administration in summary.radiopharmaceuticals:
                if administration not in radiopharmaceuticals:
                    radiopharmaceuticals.append(administration)
        if not radiopharmaceuticals:
            radiopharmaceuticals = list(self.header_nm.values())
        return DoseReport(
            acquisitions=tuple(acquisitions),
            total_dlp_mgy_cm=total_dlp,
            total_dap_dgy_cm2=total_dap,
            fluoroscopy_time_s=fluoro,
            equipment=self.equipment,
            study_instance_uid=study,
            warnings=tuple(self.warnings),
            values=tuple(values),
            radiopharmaceuticals=tuple(radiopharmaceuticals),
        )

    def _from_headers(self, study: str) -> DoseReport:
        acquisitions = list(self.screen_acquisitions)
        if not acquisitions:
            for label, ctdis in self.series_ctdi.values():
                mean = _round(sum(ctdis, Decimal(0)) / len(ctdis))
                acquisitions.append(CtAcquisition(label=label, source=Source.DICOM_HEADER, ctdi_vol_mgy=mean))
        total_dlp = self.screen_total_dlp
        if acquisitions and total_dlp is None:
            self.warn("Pas de RDSR : PDL total non disponible dans les en-têtes des images.")
        if acquisitions and not self.screen_acquisitions:
            self.warn("Pas de RDSR : CTDIvol lu dans les en-têtes des images (moyenne par série).")
        total_dap = None
        values = list(self.header_values.values())
        if self.header_dap:
            total = sum((dap for _, dap in self.header_dap.values()), Decimal(0))
            count = len(self.header_dap)
            detail = (
                QT_TRANSLATE_NOOP("reporting.Sourced", "en-tête de l'image")
                if count == 1
                else QT_TRANSLATE_NOOP("reporting.Sourced", "somme des en-têtes de {count} images").format(
                    count=count
                )
            )
            total_dap = Sourced(total, Source.DICOM_HEADER, detail)
            if count > 1:  # each image is one incidence: the reference levels are per incidence
                for number, (label, dap) in enumerate(self.header_dap.values(), start=1):
                    values.append(
                        DoseValue(DoseKind.DAP_EVENT, dap, Source.DICOM_HEADER, label or f"Image {number}")
                    )
        values.sort(key=lambda v: list(DoseKind).index(v.kind))
        return DoseReport(
            acquisitions=tuple(acquisitions),
            total_dlp_mgy_cm=total_dlp,
            total_dap_dgy_cm2=total_dap,
            equipment=self.equipment,
            study_instance_uid=study,
            warnings=tuple(self.warnings),
            values=tuple(values),
            radiopharmaceuticals=tuple(self.header_nm.values()),
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


def _code_value(item: Dataset) -> str:
    try:
        return str(item.ConceptCodeSequence[0].CodeValue).strip()
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""


def _code_scheme(item: Dataset) -> str:
    try:
        return str(item.ConceptCodeSequence[0].CodingSchemeDesignator).strip()
    except (AttributeError, IndexError, KeyError, TypeError):
        return ""


def _named(text: str) -> str:
    """A vendor's name for something, or "" when it is a placeholder ("Unknown", "N/A"...)."""
    text = " ".join(text.split())
    return "" if text.lower() in NO_NAME else text


def _french(meaning: str, table: dict[str, str]) -> str:
    """The French word for a code meaning or a defined term; the text itself when not in the table."""
    text = _named(meaning.replace("_", " ") if meaning.isupper() else meaning)
    return table.get(text.lower(), table.get(meaning.lower(), text.lower() if meaning.isupper() else text))


def _phantom(meaning: str) -> str:
    lowered = meaning.lower()
    if "head" in lowered:
        return "fantôme tête (16 cm)"
    if "body" in lowered:
        return "fantôme corps (32 cm)"
    return _named(meaning)


def _laterality(item: Dataset) -> str:
    """The laterality modifier (SCT 272741003) under a content item, in French."""
    for child in _children(item):
        if _concept(child) in LATERALITY:
            meaning = _code_meaning(child).lower()
            for word, french in LATERALITY_FR.items():
                if len(word) > 1 and word in meaning:
                    return french
            return meaning
    return ""


def _label(protocol: str, region: str, kind: str, index: int) -> str:
    """A French label for a CT event: the protocol, then the region and the acquisition type."""
    described = ", ".join(p for p in (region, kind) if p)
    if protocol:
        return f"{protocol} ({described})" if described else protocol
    if described:
        return described[0].upper() + described[1:]
    return f"Acquisition {index}"


def _unique_labels(acquisitions: list[CtAcquisition]) -> None:
    """Number the labels shared by several events so that each row of the table can be told apart."""
    counts: dict[str, int] = {}
    for acquisition in acquisitions:
        counts[acquisition.label] = counts.get(acquisition.label, 0) + 1
    seen: dict[str, int] = {}
    for index, acquisition in enumerate(acquisitions):
        if counts[acquisition.label] > 1:
            seen[acquisition.label] = seen.get(acquisition.label, 0) + 1
            label = f"{acquisition.label} — n° {seen[acquisition.label]}"
            acquisitions[index] = CtAcquisition(
                label=label,
                source=acquisition.source,
                ctdi_vol_mgy=acquisition.ctdi_vol_mgy,
                dlp_mgy_cm=acquisition.dlp_mgy_cm,
                event_uid=acquisition.event_uid,
                phantom=acquisition.phantom,
                detail=acquisition.detail,
            )


def _integer(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _datetime(text: str) -> datetime | None:
    """A DICOM DT (YYYYMMDDHHMMSS[.F][+ZZZZ]) as a naive or aware datetime; None when unreadable."""
    text = text.strip()
    match = re.fullmatch(r"(\d{14})(?:\.\d{1,6})?([+-]\d{4})?", text) or re.fullmatch(r"(\d{12})()", text)
    if not match:
        return None
    digits, offset = match.group(1), match.group(2)
    try:
        moment = datetime.strptime(digits, "%Y%m%d%H%M%S" if len(digits) == 14 else "%Y%m%d%H%M")
        if offset:
            return datetime.strptime(digits + offset, "%Y%m%d%H%M%S%z")
    except ValueError:
        return None
    return moment
