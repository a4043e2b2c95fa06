"""The injected items of the report editor: what the report carries from elsewhere, read-only.

Patient, acts, times, dose, products, incidents, participants, order numbers: one row each, with the
source it comes from as a coloured badge (« RDSR », « ordre HL7 »...) and « — manquant » in red when
absent, so the radiologist sees what will be signed without being able to change it by mistake. The
rows are keyed by ``reporting.fields`` keys: a pre-sign check's place finds its row.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from reporting.cda import dose_rows, format_number
from reporting.fields import FieldKey, Item, Place
from reporting.model import Professional, Report, ReportStatus, Source
from reporting.qt.editor_widgets import (
    BADGE_TEXT,
    MISSING,
    SOURCE_BADGES,
    WrappingRows,
    editor_tr,
    escape_html,
)
from reporting.templates import ReportTemplate
from resources.translations.qt import text as user_text

PARIS = ZoneInfo("Europe/Paris")
translate = QCoreApplication.translate
Row = Callable[..., None]  # row(key, label, value, source, detail="")


def injected_tree() -> QTreeWidget:
    """The read-only list: element, value, source; rows as tall as their wrapped text, the columns
    sharing the panel's width (no horizontal scrolling)."""
    tree = QTreeWidget()
    tree.setObjectName("elements-injectes")
    tree.setHeaderLabels(
        [
            translate("ReportEditor", "Élément"),
            translate("ReportEditor", "Valeur"),
            translate("ReportEditor", "Source"),
        ]
    )
    tree.setRootIsDecorated(False)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setWordWrap(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    tree.setItemDelegate(WrappingRows(tree))
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.setColumnWidth(0, 170)
    header.sectionResized.connect(lambda *_: QTimer.singleShot(0, tree.doItemsLayout))
    return tree


def fill_injected(tree: QTreeWidget, rows: dict[FieldKey, QTreeWidgetItem], report: Report) -> None:
    """Show what the report carries from elsewhere, each value with its source, in ``tree``; ``rows``
    gets the first row of each place (where a check's jump lands)."""
    tree.clear()
    rows.clear()

    def row(key: FieldKey, label: str, value: str, source: Source | None, detail: str = "") -> None:
        item = QTreeWidgetItem([label, value or editor_tr(MISSING), ""])
        if source is not None and value:
            text, colour = SOURCE_BADGES[source]
            item.setText(2, editor_tr(text))
            item.setBackground(2, QBrush(QColor(colour)))
            item.setForeground(2, QBrush(QColor(BADGE_TEXT)))  # light badges: dark text on any theme
            item.setToolTip(2, user_text(source.label) + (f" — {user_text(detail)}" if detail else ""))
        if not value:
            item.setForeground(1, QBrush(QColor("#e5676b")))
        item.setToolTip(1, value)
        tree.addTopLevelItem(item)
        rows.setdefault(key, item)

    patient = report.patient
    if patient is not None:
        name = f"{patient.birth_family} {patient.first_given}"
        if patient.birth_date:
            name = translate("ReportEditor", "{name}, né(e) le {date}").format(
                name=name, date=f"{patient.birth_date:%d/%m/%Y}"
            )
        row(Place.PATIENT, translate("ReportEditor", "Patient"), name, patient.source)
        row(
            Place.PATIENT_INS,
            translate("ReportEditor", "INS"),
            patient.ins.extension if patient.ins else "",
            patient.source,
        )
    else:
        row(Place.PATIENT, translate("ReportEditor", "Patient"), "", None)
    if not report.acts:
        row(Place.ACTS, translate("ReportEditor", "Acte"), "", None)
    for index, act in enumerate(report.acts):
        codes = " ; ".join(f"{c.code} {c.display}".strip() for c in (act.ccam, act.loinc) if c)
        where = act.places_text  # every region of the order (thorax and abdomen-pelvis...)
        value = " — ".join(p for p in (codes or act.label, where) if p)
        row(
            Item(Place.ACTS, index),
            translate("ReportEditor", "Acte {number}").format(number=index + 1),
            value,
            act.source,
        )
    act_time = report.act_time
    value = f"{act_time.value.astimezone(PARIS):%d/%m/%Y %H:%M}" if act_time else ""
    row(
        Place.ACT_TIME,
        translate("ReportEditor", "Date et heure de l'acte"),
        value,
        act_time.source if act_time else None,
        act_time.detail if act_time else "",
    )
    for key, label, sourced in (
        (Place.ACT_END_TIME, translate("ReportEditor", "Fin de l'acte"), report.act_end_time),
        (Place.REQUESTED_AT, translate("ReportEditor", "Date de la demande"), report.order.requested_at),
    ):
        if sourced is not None:
            when = f"{sourced.value.astimezone(PARIS):%d/%m/%Y %H:%M}"
            row(key, label, when, sourced.source, sourced.detail)
    _fill_dose(report, row)
    for index, product in enumerate(report.products):
        parts = [product.name]
        if product.quantity is not None:
            parts.append(f"{_number(product.quantity)} {product.unit}".strip())
        if product.atc is not None:
            parts.append(f"ATC {product.atc.code}")
        if product.lot:
            parts.append(translate("ReportEditor", "lot {lot}").format(lot=product.lot))
        row(
            Item(Place.PRODUCTS, index),
            translate("ReportEditor", "Produit administré"),
            ", ".join(parts),
            product.source,
        )
    for index, incident in enumerate(report.incidents):
        row(
            Item(Place.INCIDENTS, index),
            translate("ReportEditor", "Incident"),
            incident.description,
            incident.source,
        )
    people = report.participants
    for key, label, person in (
        (Place.REQUESTER, translate("ReportEditor", "Médecin demandeur"), people.requester),
        (Place.AUTHOR, translate("ReportEditor", "Radiologue (téléradiologie)"), people.author),
        (
            Place.SITE_DOCTOR,
            translate("ReportEditor", "Médecin responsable de la structure"),
            people.site_doctor,
        ),
        (Place.TECHNOLOGIST, translate("ReportEditor", "Manipulateur"), people.technologist),
    ):
        if person is None and key is Place.TECHNOLOGIST:
            continue
        row(key, label, _person(person), person.source if person else None)
    custodian = people.custodian
    row(
        Place.CUSTODIAN,
        translate("ReportEditor", "Structure d'imagerie"),
        custodian.name if custodian else "",
        custodian.source if custodian else None,
    )
    if report.teleradiology:
        mention_source = Source.ACCOUNT if people.author is not None else None
        mention = report.teleradiology_mention
        row(
            Place.TELERADIOLOGY_MENTION,
            translate("ReportEditor", "Mention de téléradiologie"),
            mention,
            mention_source,
        )
    interpretation = report.interpretation_time
    value = f"{interpretation.value.astimezone(PARIS):%d/%m/%Y %H:%M}" if interpretation else ""
    row(
        Place.INTERPRETATION_TIME,
        translate("ReportEditor", "Interprétation"),
        value,
        interpretation.source if interpretation else None,
    )
    order = report.order
    for key, label, sourced in (
        (Place.PLACER_ORDER, translate("ReportEditor", "N° de demande"), order.placer_order),
        (Place.ACCESSION, translate("ReportEditor", "N° d'examen (accession)"), order.accession),
    ):
        row(
            key,
            label,
            sourced.value.extension if sourced else "",
            sourced.source if sourced else None,
            sourced.detail if sourced else "",
        )
    study = order.study_instance_uid
    row(
        Place.STUDY_UID,
        translate("ReportEditor", "Study Instance UID"),
        study.value if study else "",
        study.source if study else None,
        study.detail if study else "",
    )
    tree.resizeColumnToContents(2)


def _fill_dose(report: Report, row: Row) -> None:
    if not report.is_ionising:
        return
    dose = report.dose
    if dose is None or dose.is_empty:
        row(Place.DOSE, translate("ReportEditor", "Dose"), "", None)
    else:
        if dose.total_dlp_mgy_cm is not None:
            total = dose.total_dlp_mgy_cm
            value = f"{_number(total.value)} mGy·cm"
            row(Place.DOSE, translate("ReportEditor", "PDL total"), value, total.source, total.detail)
        for acquisition in dose.acquisitions:
            values = []
            if acquisition.ctdi_vol_mgy is not None:
                values.append(f"CTDIvol {_number(acquisition.ctdi_vol_mgy)} mGy")
            if acquisition.dlp_mgy_cm is not None:
                values.append(
                    translate("ReportEditor", "PDL {value} mGy·cm").format(
                        value=_number(acquisition.dlp_mgy_cm)
                    )
                )
            row(Place.DOSE, f"  {acquisition.label}", " ; ".join(values), acquisition.source)
        if dose.total_dap_dgy_cm2 is not None:
            dap = dose.total_dap_dgy_cm2
            row(
                Place.DOSE,
                translate("ReportEditor", "PDS total"),
                f"{_number(dap.value, 3)} dGy·cm²",
                dap.source,
                dap.detail,
            )
        if dose.fluoroscopy_time_s is not None:
            scopy = dose.fluoroscopy_time_s
            row(
                Place.DOSE,
                translate("ReportEditor", "Temps de scopie"),
                f"{_number(scopy.value, 1)} s",
                scopy.source,
            )
        for extra in dose_rows(dose):  # mammography, air kerma, per incidence, radiopharmaceuticals
            if extra.ident.startswith(("dose-value-", "dose-activity-")):
                value = f"{_number(extra.value, extra.places)} {extra.shown_unit}"
                row(Place.DOSE, f"  {extra.label}", value, extra.source, extra.detail)
    if dose is not None and dose.equipment is not None:
        equipment = dose.equipment
        row(Place.DOSE_EQUIPMENT, translate("ReportEditor", "Appareil"), equipment.label, equipment.source)


def header_html(report: Report, template: ReportTemplate | None) -> str:
    """The panel's heading: who (the used name first, the birth name beside it), which exam, which version."""
    patient = report.patient
    if patient is None:
        who = translate("ReportEditor", "Patient non identifié")
    elif patient.used_family and patient.used_family.upper() != patient.birth_family.upper():
        # the name the site and the worklist show first, the birth name (INS trait) beside it
        given = patient.used_given or patient.first_given
        name = f"{patient.used_family} {given}"
        if patient.sex.value == "F":
            who = translate("ReportEditor", "{name}, née {birth_name}").format(
                name=name, birth_name=patient.birth_family
            )
        else:
            who = translate("ReportEditor", "{name}, né {birth_name}").format(
                name=name, birth_name=patient.birth_family
            )
    else:
        who = f"{patient.birth_family} {patient.first_given}"
    exam = report.acts[0].label if report.acts else translate("ReportEditor", "Examen non renseigné")
    status = (
        translate("ReportEditor", "signé")
        if report.status is ReportStatus.SIGNED
        else translate("ReportEditor", "brouillon")
    )
    if template:
        version = translate("ReportEditor", "Version {version}, {status} — modèle : {template}").format(
            version=report.version, status=status, template=template.title
        )
    else:
        version = translate("ReportEditor", "Version {version}, {status}").format(
            version=report.version, status=status
        )
    return f"<b>{escape_html(who)}</b> — {escape_html(exam)}<br/><small>{escape_html(version)}</small>"


def _person(person: Professional | None) -> str:
    if person is None:
        return ""
    rpps = f" (RPPS {person.rpps})" if person.rpps else ""
    return person.display_name + rpps


def _number(value: Decimal | int | str, digits: int = 2) -> str:
    """A number as the interface language writes it: decimal comma in French, point in English (the
    default locale, which installing the interface language sets, not the system's)."""
    return format_number(value, digits).replace(".", QLocale().decimalPoint())
