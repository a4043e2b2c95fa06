"""The indicators as charts (matplotlib, Agg: PNG bytes, no GUI toolkit) and as a French HTML report.

The screen and the PDF show the same PNG images and the same tables, so what the committee reads
on paper is what was checked on screen. Qt lays the HTML out into the PDF (``workstation/qt``),
as ``reporting/qt/pdf.py`` does for reports: one PDF stack in the application.
"""

from __future__ import annotations

import html
import io
from datetime import datetime

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from workstation.indicators import (
    Delay,
    Group,
    IncidentKind,
    Indicators,
    Rate,
    format_minutes,
    format_rate,
    french_number,
    period_label,
)

CHARTS = ("delais", "refus", "sites", "incidents")
"""Chart names, in the order the screen and the report show them."""

_URGENT, _ROUTINE, _GREY = "#c0392b", "#2e6da4", "#7f8c8d"


def _figure() -> Figure:
    figure = Figure(figsize=(6.4, 3.4), dpi=100, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _empty(figure: Figure, title: str) -> Figure:
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=11)
    axes.text(0.5, 0.5, "Aucune donnée pour cette sélection", ha="center", va="center", color=_GREY)
    axes.set_axis_off()
    return figure


def _hours(value: float, _pos: object = None) -> str:
    return french_number(value)


def delays_figure(ind: Indicators) -> Figure:
    """Median (solid) and 90th percentile (hatched) of each delay, urgent beside routine, in hours."""
    figure = _figure()
    title = "Délais : médiane et 90e percentile (heures)"
    if not any(ind.delays[(d, g)].count for d in Delay for g in (Group.URGENT, Group.ROUTINE)):
        return _empty(figure, title)
    axes = figure.add_subplot()
    width = 0.2
    labels = ["Demande → réponse", "Images → compte rendu", "Téléexpertise → avis"]  # one per Delay
    for offset, group, colour in ((-1, Group.URGENT, _URGENT), (0, Group.ROUTINE, _ROUTINE)):
        for k, delay in enumerate(Delay):
            stats = ind.delays[(delay, group)]
            x = k + offset * 2 * width
            median = (stats.median or 0) / 60
            p90 = (stats.p90 or 0) / 60
            axes.bar(x, median, width, color=colour, label=f"{group.label}, médiane" if k == 0 else None)
            axes.bar(
                x + width,
                p90,
                width,
                color="white",
                edgecolor=colour,
                hatch="//",
                label=f"{group.label}, 90e percentile" if k == 0 else None,
            )
            if stats.count == 0:
                axes.text(x + width / 2, 0, "aucun", ha="center", va="bottom", fontsize=8, color=_GREY)
                continue
            for bar_x, value in ((x, stats.median), (x + width, stats.p90)):
                axes.text(
                    bar_x, (value or 0) / 60, format_minutes(value), ha="center", va="bottom", fontsize=7
                )
    axes.set_xticks([k - width / 2 for k in range(len(labels))], labels)
    axes.yaxis.set_major_formatter(FuncFormatter(_hours))
    axes.set_ylabel("heures")
    axes.set_title(title, fontsize=11)
    axes.legend(fontsize=8, ncols=2, loc="upper left")
    axes.margins(y=0.25)
    return figure


def _barh(
    figure: Figure, title: str, labels: list[str], values: list[float], colour: str, unit: str
) -> Figure:
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=colour)
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=8)
    for y, value in zip(positions, values, strict=True):
        axes.text(value, y, f" {french_number(value)}{unit}", va="center", fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0,5 refusal
    axes.set_title(title, fontsize=11)
    axes.margins(x=0.2)
    return figure


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def refusals_figure(ind: Indicators) -> Figure:
    figure = _figure()
    title = f"Refus par motif ({ind.refusals.count} refus)"
    if not ind.refusals_by_reason:
        return _empty(figure, title)
    reasons = list(ind.refusals_by_reason)
    return _barh(figure, title, reasons, [ind.refusals_by_reason[r] for r in reasons], _ROUTINE, "")


def sites_figure(ind: Indicators) -> Figure:
    """Refusal and cancellation rates per site, in percent of the site's orders."""
    figure = _figure()
    title = "Taux de refus et d'annulation par site (%)"
    if not ind.sites:
        return _empty(figure, title)
    axes = figure.add_subplot()
    height = 0.38
    positions = list(range(len(ind.sites)))[::-1]

    def percent(rate: Rate) -> float:
        return rate.percent or 0.0

    refused = [percent(ind.refusals_by_site[s]) for s in ind.sites]
    cancelled = [percent(ind.cancellations_by_site[s]) for s in ind.sites]
    axes.barh([y + height / 2 for y in positions], refused, height, color=_URGENT, label="Refus")
    axes.barh([y - height / 2 for y in positions], cancelled, height, color=_GREY, label="Annulations")
    for y, a, b in zip(positions, refused, cancelled, strict=True):
        axes.text(a, y + height / 2, f" {french_number(a)} %", va="center", fontsize=8)
        axes.text(b, y - height / 2, f" {french_number(b)} %", va="center", fontsize=8)
    axes.set_yticks(positions, [_short(s) for s in ind.sites], fontsize=8)
    axes.set_title(title, fontsize=11)
    axes.legend(fontsize=8, loc="lower right")
    axes.margins(x=0.25)
    return figure


def incidents_figure(ind: Indicators) -> Figure:
    figure = _figure()
    total = sum(ind.incidents.values())
    title = f"Incidents par nature ({total})"
    if not total:
        return _empty(figure, title)
    kinds = [k for k in IncidentKind if ind.incidents.get(k)]
    return _barh(figure, title, [k.label for k in kinds], [ind.incidents[k] for k in kinds], _GREY, "")


def figures(ind: Indicators) -> dict[str, Figure]:
    return {
        "delais": delays_figure(ind),
        "refus": refusals_figure(ind),
        "sites": sites_figure(ind),
        "incidents": incidents_figure(ind),
    }


def png(figure: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes, drawn by Agg (no display, same pixels on screen and paper)."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def charts_png(ind: Indicators, dpi: int = 100) -> dict[str, bytes]:
    return {name: png(figure, dpi) for name, figure in figures(ind).items()}


# --- the French report ----------------------------------------------------------------------------


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='4' border='1' width='100%'><tr>{cells}</tr>{body}</table>"


def summary_tables(ind: Indicators, incidents_note: str = "") -> str:
    """The figures as HTML tables (screen and PDF)."""
    parts = ["<h2>Activité</h2>"]
    parts.append(
        _table(
            ["Demandes reçues", "dont urgentes", "Refus", "Annulations", "Comptes rendus remplacés"],
            [
                [
                    str(ind.received),
                    str(ind.urgent),
                    format_rate(ind.refusals),
                    format_rate(ind.cancellations),
                    format_rate(ind.addenda),
                ]
            ],
        )
    )
    parts.append(
        "<p class='note'>Taux de refus et d'annulation : parmi les demandes reçues. Comptes rendus "
        "remplacés : demandes dont le compte rendu a été remplacé, parmi celles qui en ont un.</p>"
    )
    parts.append("<h2>Délais</h2>")
    rows = []
    for delay in Delay:
        for group in Group:
            stats = ind.delays[(delay, group)]
            rows.append(
                [
                    delay.label,
                    group.label,
                    str(stats.count),
                    format_minutes(stats.median),
                    format_minutes(stats.p90),
                ]
            )
    parts.append(_table(["Délai", "Priorité", "Demandes", "Médiane", "90e percentile"], rows))
    parts.append(
        "<p class='note'>90e percentile : le plus petit délai observé tel qu'au moins 90 % des délais "
        "lui sont inférieurs ou égaux. « — » : aucune demande concernée.</p>"
    )
    parts.append("<h2>Refus par motif</h2>")
    if ind.refusals_by_reason:
        reasons = [
            [reason, format_rate(Rate(count, ind.refusals.count))]
            for reason, count in ind.refusals_by_reason.items()
        ]
        parts.append(_table(["Motif", "Refus (part des refus)"], reasons))
    else:
        parts.append("<p>Aucun refus.</p>")
    parts.append("<h2>Par site</h2>")
    if ind.sites:
        rows = [
            [site, format_rate(ind.refusals_by_site[site]), format_rate(ind.cancellations_by_site[site])]
            for site in ind.sites
        ]
        parts.append(_table(["Site", "Refus", "Annulations"], rows))
    else:
        parts.append("<p>Aucune demande.</p>")
    parts.append("<h2>Incidents</h2>")
    if incidents_note:
        parts.append(f"<p><b>{html.escape(incidents_note)}</b></p>")
    else:
        rows = [[kind.label, str(ind.incidents.get(kind, 0))] for kind in IncidentKind]
        parts.append(_table(["Nature", "Nombre"], rows))
        if ind.selection.narrowed:
            parts.append(
                "<p class='note'>Avec un site ou un radiologue choisi, seuls les incidents liés à une "
                "demande de la sélection sont comptés.</p>"
            )
    parts.append("<h2>Indicateurs non encore disponibles</h2><ul>")
    for name, why in ind.not_available:
        parts.append(f"<li><b>{html.escape(name)}</b> : {html.escape(why)}</li>")
    parts.append("</ul>")
    return "".join(parts)


def report_html(
    ind: Indicators, charts: dict[str, str], generated_at: datetime, sources: str, incidents_note: str = ""
) -> str:
    """The committee's report in French; ``charts`` maps a chart name to the image URL to show."""
    sel = ind.selection
    head = (
        "<h1>Indicateurs de qualité de la téléradiologie</h1>"
        f"<p>Période : {html.escape(period_label(sel))}<br/>"
        f"Site : {html.escape(sel.site or 'tous les sites')}<br/>"
        f"Radiologue : {html.escape(sel.radiologist or 'tous les radiologues')}<br/>"
        f"Édité le {generated_at:%d/%m/%Y à %H:%M}<br/>"
        f"Sources : {html.escape(sources)}</p>"
    )
    images = "".join(
        f"<p align='center'><img src='{html.escape(charts[name])}' width='560'/></p>"
        for name in CHARTS
        if name in charts
    )
    style = (
        "<style>body { font-family: sans-serif; font-size: 9pt; } h1 { font-size: 15pt; } "
        "h2 { font-size: 11pt; margin-top: 10px; } th { background: #e8eef5; text-align: left; } "
        ".note { color: #555; font-size: 8pt; }</style>"
    )
    tables = summary_tables(ind, incidents_note)
    return f"<html><head><meta charset='utf-8'/>{style}</head><body>{head}{images}{tables}</body></html>"
