"""The report as a readable HTML page (French), the same content as the CDA: for the PDF sent to the
imaging site and for on-screen previews. Qt-free; Qt only lays it out (``reporting.qt.pdf``)."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from reporting import markdown
from reporting.cda import PLACES, dose_rows, format_text
from reporting.model import Chapter, Professional, Report, ReportStatus

PARIS = ZoneInfo("Europe/Paris")
STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; }
h1 { font-size: 15pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 12pt; margin-bottom: 3pt; border-bottom: 1px solid #888; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #999; padding: 2px 4px; }
th { text-align: left; background: #eee; }
.small { font-size: 8pt; color: #444; }
"""


def report_html(report: Report) -> str:
    parts = [f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"]
    parts.append(f"<h1>{_e(report.title)}</h1>")
    status = "signé" if report.status is ReportStatus.SIGNED else "BROUILLON – non signé"
    parts.append(f"<p class='small'>Version {report.version} – {status}</p>")
    parts.append(_identity(report))
    parts.append(_context(report))
    if report.addendum is not None:
        who = report.addendum.author.display_name
        parts.append(f"<h2>Addendum du {_when(report.addendum.at)} ({_e(who)})</h2>")
        parts.append(_narrative(report.addendum.text))
    for chapter in Chapter:
        parts.append(f"<h2>{chapter.title}</h2>")
        parts.append(_narrative(report.chapter(chapter).text))
        if chapter is Chapter.TECHNIQUE:
            parts.append(_technique_blocks(report))
        elif chapter is Chapter.RESULTS and report.measurements:
            parts.append(_measurements(report))
        elif chapter is Chapter.INDICATION:
            parts.append(_order_justification(report))
    if report.urgent_communication is not None:
        urgent = report.urgent_communication
        parts.append(
            f"<p>Résultat communiqué en urgence par {_e(urgent.means)} à {_e(urgent.recipient)} "
            f"le {_when(urgent.at)}.</p>"
        )
    if report.teleradiology and report.teleradiology_mention:
        parts.append(f"<p><i>{_e(report.teleradiology_mention)}</i></p>")
    parts.append(_signature(report))
    parts.append("</body></html>")
    return "".join(parts)


def _e(text: str) -> str:
    return escape(markdown.xml_safe(text), quote=False)


def _when(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        local = moment.astimezone(PARIS) if moment.tzinfo else moment
        return f"{local:%d/%m/%Y à %H:%M}"
    return f"{moment:%d/%m/%Y}"


def _person(person: Professional | None) -> str:
    if person is None:
        return "—"
    rpps = f" (RPPS {person.rpps})" if person.rpps else ""
    return person.display_name + rpps


def _identity(report: Report) -> str:
    patient = report.patient
    if patient is None:
        return "<p><b>Patient non identifié</b></p>"
    ins = f"{patient.ins.extension}" if patient.ins else "—"
    rows = [
        ["Nom de naissance", patient.birth_family],
        ["Prénoms", patient.birth_given_names],
        ["Sexe", patient.sex.label],
        ["Date de naissance", _when(patient.birth_date)],
        ["INS", ins],
    ]
    return _table(None, rows)


def _context(report: Report) -> str:
    people, order = report.participants, report.order
    rows = [
        ["Structure d'imagerie", people.custodian.name if people.custodian else "—"],
        ["Médecin responsable de la structure", _person(people.site_doctor)],
        ["Médecin demandeur", _person(people.requester)],
        ["Radiologue (téléradiologie)", _person(people.author)],
    ]
    if people.technologist is not None:
        rows.append(["Manipulateur", _person(people.technologist)])
    exam = _when(report.act_time.value if report.act_time else None)
    if report.act_end_time is not None and report.act_time is not None:
        exam = f"{exam} – {_when(report.act_end_time.value)}"
    rows += [
        ["N° de demande", order.placer_order.value.extension if order.placer_order else "—"],
        ["Date de la demande", _when(order.requested_at.value if order.requested_at else None)],
        ["N° d'examen (accession)", order.accession.value.extension if order.accession else "—"],
        ["Date de l'examen", exam],
        [
            "Début de la lecture",
            _when(report.interpretation_time.value if report.interpretation_time else None),
        ],
    ]
    if report.signature_time is not None:
        rows.append(["Signature", _when(report.signature_time)])
    return _table(None, rows)


def _technique_blocks(report: Report) -> str:
    parts = []
    if report.acts:
        rows = [
            [
                " ; ".join(f"{c.code} {c.display}".strip() for c in (a.ccam, a.loinc) if c) or a.label,
                a.modality.display or a.modality.code,
                a.places_text,
            ]
            for a in report.acts
        ]
        parts.append(_table(("Acte", "Modalité", "Localisation"), rows))
    if report.products:
        rows = [
            [
                p.name,
                p.atc.code if p.atc else "",
                f"{format_text(p.quantity, PLACES['quantity'])} {p.unit}" if p.quantity else "",
                p.route.display if p.route else "",
                p.lot,
            ]
            for p in report.products
        ]
        parts.append("<p><b>Produits administrés</b></p>")
        parts.append(_table(("Produit", "ATC", "Quantité", "Voie", "Lot"), rows))
    if report.incidents:
        items = "".join(f"<li>{_e(i.description)}</li>" for i in report.incidents)
        parts.append(f"<p><b>Incidents</b></p><ul>{items}</ul>")
    parts.append(_dose(report))
    return "".join(parts)


def _dose(report: Report) -> str:
    if not report.is_ionising:
        return ""
    dose = report.dose
    if dose is None or dose.is_empty:
        reason = report.dose_missing_reason or "non disponible"
        return f"<p><b>Dose</b> : {_e(reason)}</p>"
    rows = [[row.label, row.text(), row.source_text()] for row in dose_rows(dose)]
    equipment = f"<p>Appareil : {_e(dose.equipment.full_label)}</p>" if dose.equipment else ""
    return "<p><b>Dose délivrée</b></p>" + _table(("Mesure", "Valeur", "Source"), rows) + equipment


def _measurements(report: Report) -> str:
    """The measurements' table: every value with the image it was measured on."""
    from reporting import measurements as words  # imports reporting.cda's number rule

    rows = []
    for measure in report.measurements:
        for number, value in enumerate(measure.values):
            rows.append(
                [
                    words.value_label(measure, value),
                    words.value_text(value),
                    words.image_text(measure) if number == 0 else "",
                ]
            )
    return "<p><b>Mesures</b></p>" + _table(("Mesure", "Valeur", "Image"), rows)


def _order_justification(report: Report) -> str:
    """The order's clinical justification, kept beside an Indication the radiologist typed."""
    asked = report.order_justification
    if asked.is_blank or markdown.plain(asked.text) in markdown.plain(report.indication.text):
        return ""
    return "<p><b>Renseignements cliniques de la demande</b></p>" + _narrative(asked.text)


def _signature(report: Report) -> str:
    if report.status is not ReportStatus.SIGNED:
        return "<p><b>Document non signé.</b></p>"
    return (
        f"<p class='small'>Signé électroniquement le {_when(report.signature_time)} par "
        f"{_e(_person(report.participants.author))}. Responsable du document : "
        f"{_e(_person(report.participants.site_doctor))}.</p>"
    )


def _narrative(text: str) -> str:
    if not text.strip():
        return "<p>—</p>"
    out = []
    for block in markdown.blocks(text):
        if isinstance(block, markdown.Heading):
            out.append(f"<p><b>{_spans(block.line)}</b></p>")
        elif isinstance(block, markdown.ListBlock):
            tag = "ol" if block.ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_spans(i)}</li>" for i in block.items) + f"</{tag}>")
        else:
            out.append("<p>" + "<br/>".join(_spans(line) for line in block.lines) + "</p>")
    return "".join(out)


def _spans(line: markdown.Line) -> str:
    out = []
    for span in line:
        text = _e(span.text)
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


def _table(headers: tuple[str, ...] | None, rows: list[list[str]]) -> str:
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr>" if headers else ""
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table class='grid' cellspacing='0'>{head}{body}</table>"
