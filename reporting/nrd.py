"""French diagnostic reference levels (NRD) and the dose values of a report that exceed them.

The levels are the annexes of the ASN decision n° 2019-DC-0667, homologated by the arrêté of
23 May 2019, shipped as data (``resources/dose/niveaux_reference_diagnostiques.json``): every row
names the table and the article of the official text it was read from, so a level shown to the
radiologist can be traced back. Only rows read in a citable copy of the text are shipped; a table
that could not be read is missing, never guessed (the file's ``comment`` says which).

The comparison is for the radiologist's attention in the editor, beside the pre-sign checks: it
never blocks the signature and never writes anything silently into the report (the radiologist may
comment on it). A NRD is defined per incidence (radiography), per acquisition (CT: CTDIvol and
DLP of one helix), per view (mammography: average glandular dose) or per administration (nuclear
medicine: administered activity), so each value of the examination is compared on its own, in the
level's unit. A level applies to an act only through the act codes it lists (LOINC of the CI-SIS
value set or CCAM): a level without codes is compared with nothing until its mapping is set.

Qt-free; the message is a ``QT_TRANSLATE_NOOP`` string of context ``reporting.checks`` (where these
levels were first shown) so the interface says it again in its language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

from reporting.cda import format_text
from reporting.model import Act, DoseKind, DoseReport, Report
from resources.translations import QT_TRANSLATE_NOOP

# The quantities of the decision and the units they may be given in, with the factor that converts
# the report's own unit into the level's unit (the report keeps DAP in dGy·cm², CT in mGy / mGy·cm,
# glandular dose in mGy, activity in MBq).
_UNITS: dict[str, dict[str, Decimal]] = {
    "PDS": {"mGy.cm2": Decimal(100), "cGy.cm2": Decimal(10), "dGy.cm2": Decimal(1), "Gy.cm2": Decimal("0.1")},
    "IDSV": {"mGy": Decimal(1)},
    "PDL": {"mGy.cm": Decimal(1)},
    "DMG": {"mGy": Decimal(1)},
    "Activité": {"MBq": Decimal(1)},
}
# How a level's value is counted, per quantity (what one value of the examination is).
_PER = {
    "PDS": {"incidence", "examen"},
    "IDSV": {"acquisition"},
    "PDL": {"acquisition"},
    "DMG": {"incidence"},
    "Activité": {"administration"},
}
# Decimal places of a value in the message (the report's number rule: two significant digits at least).
_PLACES = {"PDS": 1, "IDSV": 2, "PDL": 1, "DMG": 2, "Activité": 1}

SHIPPED_TABLE = "niveaux_reference_diagnostiques.json"


class ReferenceTableError(ValueError):
    """The NRD table is malformed (a row without its source, an unknown quantity or unit...)."""


@dataclass(frozen=True, slots=True)
class ReferenceLevel:
    """One row of the French NRD tables with the act codes it applies to and where it was read."""

    id: str
    label: str
    quantity: str  # PDS, IDSV, PDL, DMG or Activité
    unit: str  # as the decision writes it: mGy.cm2, mGy, mGy.cm, MBq
    per: str  # incidence, examen, acquisition, administration
    nrd: Decimal
    vgd: Decimal | None
    modalities: frozenset[str]
    loinc: frozenset[str]
    ccam: frozenset[str]
    table: str  # e.g. "annexe 2, tableau 2.1"
    article: str  # the article of the official text, e.g. JORFARTI000038529210
    url: str  # a public copy of that article

    @property
    def source(self) -> str:
        return f"{self.table} ({self.article}, {self.url})"


@dataclass(frozen=True, slots=True)
class ReferenceTable:
    """The levels and the text they come from (its title and date)."""

    text: str
    date: str
    levels: tuple[ReferenceLevel, ...]


@dataclass(frozen=True, slots=True)
class ReferenceLevelExceeded:
    """A dose value above its diagnostic reference level; ``message`` is French (a UserText)."""

    level: ReferenceLevel
    value: Decimal  # in the level's unit
    where: str
    message: str


def parse_reference_table(text: str) -> ReferenceTable:
    """Read a NRD table (the shipped file's format); refuses a row that does not say where it was
    read, or whose quantity, unit or count is not one of the decision's."""
    try:
        data = json.loads(text)
        levels = tuple(_level(row) for row in data["levels"])
        return ReferenceTable(f"{data['source']}", f"{data['date']}", levels)
    except (KeyError, TypeError, InvalidOperation, json.JSONDecodeError) as error:
        raise ReferenceTableError(f"malformed NRD table: {error!r}") from error


def _level(row: dict) -> ReferenceLevel:
    quantity, unit, per = row["quantity"], row["unit"], row["per"]
    if unit not in _UNITS.get(quantity, {}) or per not in _PER[quantity]:
        raise ReferenceTableError(
            f"NRD row {row.get('id')!r}: {quantity} in {unit} per {per} is not a level we compare"
        )
    source = row["source"]
    table, article, url = (str(source.get(key, "")).strip() for key in ("table", "article", "url"))
    if not (table and article and url.startswith("https://")):
        raise ReferenceTableError(f"NRD row {row.get('id')!r} does not name its table, article and URL")
    nrd = Decimal(row["nrd"])
    if not nrd.is_finite() or nrd <= 0:
        raise ReferenceTableError(f"NRD row {row.get('id')!r}: level {row['nrd']!r} is not a positive number")
    return ReferenceLevel(
        id=row["id"],
        label=row["label"],
        quantity=quantity,
        unit=unit,
        per=per,
        nrd=nrd,
        vgd=Decimal(row["vgd"]) if row.get("vgd") else None,
        modalities=frozenset(row["modalities"]),
        loinc=frozenset(row["loinc"]),
        ccam=frozenset(row["ccam"]),
        table=table,
        article=article,
        url=url,
    )


@cache
def reference_table() -> ReferenceTable:
    """The shipped table (read once)."""
    return parse_reference_table(resources.files("resources.dose").joinpath(SHIPPED_TABLE).read_text("utf-8"))


def reference_levels() -> tuple[str, tuple[ReferenceLevel, ...]]:
    """The shipped levels with the sentence naming their text and date."""
    table = reference_table()
    return f"{table.text}, {table.date}", table.levels


def above_reference_levels(
    report: Report, table: ReferenceTable | None = None
) -> list[ReferenceLevelExceeded]:
    """The dose values of the report above the NRD of its acts, each compared in the level's unit."""
    dose = report.dose
    if dose is None or dose.is_empty:
        return []
    levels = (table or reference_table()).levels
    found: list[ReferenceLevelExceeded] = []
    seen: set[tuple[str, str, Decimal]] = set()  # two acts sharing a level: one warning per value
    for act in report.acts:
        for level in levels:
            if not _applies(level, act):
                continue
            for value, where in _values_for(level, dose):
                if value <= level.nrd or (level.id, where, value) in seen:
                    continue
                seen.add((level.id, where, value))
                found.append(ReferenceLevelExceeded(level, value, where, _message(level, value, where)))
    return found


def _applies(level: ReferenceLevel, act: Act) -> bool:
    codes_loinc = {act.loinc.code} if act.loinc else set()
    codes_ccam = {act.ccam.code} if act.ccam else set()
    if not (level.loinc & codes_loinc or level.ccam & codes_ccam):
        return False
    return not level.modalities or act.modality.code in level.modalities


def _values_for(level: ReferenceLevel, dose: DoseReport) -> Iterator[tuple[Decimal, str]]:
    """The values of the examination comparable with a level, converted into the level's unit."""
    factor = _UNITS[level.quantity][level.unit]
    if level.quantity == "PDS":
        events = dose.of_kind(DoseKind.DAP_EVENT)
        if level.per == "incidence" and events:
            yield from ((event.value * factor, event.label) for event in events)
        elif dose.total_dap_dgy_cm2 is not None:
            yield dose.total_dap_dgy_cm2.value * factor, ""
    elif level.quantity in ("IDSV", "PDL"):  # per acquisition (one helix), never the total DLP
        for acquisition in dose.acquisitions:
            value = acquisition.ctdi_vol_mgy if level.quantity == "IDSV" else acquisition.dlp_mgy_cm
            if value is not None:
                yield value * factor, acquisition.label
    elif level.quantity == "DMG":  # per view; the accumulated dose of a breast is not a view
        yield from ((v.value * factor, v.label) for v in dose.of_kind(DoseKind.AGD))
    elif level.quantity == "Activité":
        for drug in dose.radiopharmaceuticals:
            if drug.activity_mbq is not None:
                yield drug.activity_mbq * factor, drug.agent


def _message(level: ReferenceLevel, value: Decimal, where: str) -> str:
    unit = level.unit.replace(".", "·").replace("cm2", "cm²")
    return QT_TRANSLATE_NOOP(
        "reporting.checks",
        "{quantity} {value} {unit}{where} au-dessus du niveau de référence "
        "diagnostique « {act} » ({level} {unit}, arrêté du 23 mai 2019) : "
        "à commenter dans le compte rendu si besoin.",
    ).format(
        quantity=level.quantity,
        value=format_text(value, _PLACES[level.quantity]),
        unit=unit,
        where=f" ({where})" if where else "",
        act=level.label,
        level=format_text(level.nrd, _places(level.nrd)),
    )


def _places(level: Decimal) -> int:
    """The decimals the published level is written with (40 → 0, 0.5 → 1); a table value is finite."""
    exponent = level.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
