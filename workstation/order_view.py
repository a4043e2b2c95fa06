"""The order as the radiologist reads it before deciding: rendered to HTML, without Qt.

The request is shown as the site wrote it (nothing summarised away), in the order a radiologist
justifies an exam: who the patient is, what is asked and why, what makes the exam risky (pregnancy,
weight, renal function, contrast contraindications), who asks and how to call them back, then what
was actually done (flux 4) and what was already answered. What the site left out is listed as a
warning rather than hidden. Every value is escaped: HL7 text is data, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from html import escape

from workstation.hl7 import Coded, Practitioner
from workstation.orders import Decision, HistoryRelevance, Order, PregnancyStatus, Priority
from workstation.platform.client import WorklistEntry
from workstation.worklist import age_label

_NO_IMPACT = HistoryRelevance.SANS_IMPACT


def date_fr(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else "non précisée"


def datetime_fr(moment: datetime | None) -> str:
    if moment is None:
        return "non précisée"
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{date_fr(local.date())} à {local:%H:%M}"


def phone_fr(number: str) -> str:
    """+33261910142 -> 02 61 91 01 42, the way a French number is read out on the phone at night."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return number


def _rows(pairs: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td class='k'>{escape(k)}</td><td>{v}</td></tr>" for k, v in pairs if v)
    return f"<table class='kv'>{cells}</table>" if cells else ""


def _section(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}" if body else ""


def _person(person: Practitioner | None) -> str:
    if person is None:
        return _warn("non renseigné")
    rpps = f" — RPPS {escape(person.rpps)}" if person.rpps else ""
    return escape(person.display_name) + rpps


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


def identity_line(order: Order | None, on: date) -> str:
    """One line of identity for the banner of the reading screen and over the images."""
    if order is None:
        return ""
    p = order.patient
    age = age_label(p.birth_date, on)
    ins = f" — INS {p.ins.matricule}" if p.ins else ""
    return f"{p.display_name} — {p.sex.value} — né(e) le {date_fr(p.birth_date)} ({age}){ins}"


def identity_html(order: Order, on: date) -> str:
    """The identity block, shown on every screen that shows patient data."""
    p = order.patient
    age = age_label(p.birth_date, on)
    names = [f"<b>{escape(p.display_name)}</b>"]
    if p.used_name and p.birth_name and p.used_name.upper() != p.birth_name.upper():
        born = "née" if p.sex.value == "F" else "né"
        names.append(f"{born} {escape(p.birth_name.upper())}")
    if p.birth_first_names:
        names.append(f"prénoms de naissance : {escape(' '.join(p.birth_first_names))}")
    ins = "<span class='warn'>INS absent</span>"
    if p.ins is not None:
        status = p.identity_status.label if p.identity_status else "statut inconnu"
        kind = p.ins.kind.label if p.ins.kind else p.ins.oid
        qualified = "" if p.ins_qualified else " <span class='warn'>(identité non qualifiée)</span>"
        ins = f"{escape(p.ins.matricule)} ({escape(kind)}) — {escape(status)}{qualified}"
    return _rows(
        [
            ("Patient", ", ".join(names)),
            (
                "Sexe, naissance",
                escape(f"{p.sex.label}, né(e) le {date_fr(p.birth_date)}{age and f' ({age})'}"),
            ),
            ("Lieu de naissance (COG)", escape(p.birth_place_cog)),
            ("INS", ins),
        ]
    )


def _coded(value: Coded | None) -> str:
    return escape(value.label or value.code) if value else ""


def _warn(text: str) -> str:
    return f"<span class='warn'>{escape(text)}</span>"


def order_html(entry: WorklistEntry, order: Order | None, problem: str = "") -> str:
    if order is None:
        return (
            f"<h2>Demande {escape(entry.order_id)} : illisible</h2>"
            f"<p class='warn'>{escape(problem or 'Demande illisible.')}</p>"
            "<p>Contactez le site demandeur ; la demande reste dans la liste de travail.</p>"
        )
    urgent = "URGENT — " if entry.priority is Priority.URGENT else ""
    parts = [f"<h2>{urgent}Demande {escape(order.placer_order_number)}</h2>"]
    if order.cancelled:
        c = order.cancellation
        reason = (c.reason.label or c.reason.code) if c and c.reason else ""
        parts.append(
            f"<p class='cancel'>Demande annulée par le site le {escape(datetime_fr(c.at if c else None))}"
            + (f" : {escape(reason)}" if reason else "")
            + "</p>"
        )
    parts.append(identity_html(order, entry.received_at.date()))

    modality = order.modality
    parts.append(
        _section(
            "Examen demandé",
            _rows(
                [
                    (
                        "Modalité",
                        escape(f"{modality.code} ({modality.label})" if modality.label else modality.code)
                        if modality
                        else _warn("non précisée"),
                    ),
                    ("Région", escape(" ; ".join(r.label for r in order.regions))),
                    ("Précisions", escape(" ".join(order.modality_comments))),
                    ("Demandée le", escape(datetime_fr(order.requested_at))),
                    ("Reçue le", escape(datetime_fr(entry.received_at))),
                    ("N° d'accès", escape(entry.accession_number or "")),
                ]
            ),
        )
    )

    clinical = _paragraphs(order.clinical_information) or "<p class='warn'>Aucun renseignement clinique.</p>"
    question = _paragraphs("\n".join(order.purpose))
    history = "".join(
        f"<li>{escape(h.text)}"
        + (f" <b>({escape(h.relevance.label)})</b>" if h.relevance not in (None, _NO_IMPACT) else "")
        + "</li>"
        for h in order.history
    )
    parts.append(_section("Contexte clinique", clinical))
    parts.append(_section("Question posée (finalité)", question))
    parts.append(_section("Antécédents", f"<ul>{history}</ul>" if history else ""))

    pregnancy = ""
    if order.pregnancy is not None:
        label = order.pregnancy.label
        pregnancy = f"<b class='warn'>{label}</b>" if order.pregnancy is PregnancyStatus.YES else label
    facts = [
        ("Poids", escape(str(order.weight)) if order.weight else ""),
        ("Taille", escape(str(order.height)) if order.height else ""),
        ("Grossesse", pregnancy),
    ]
    facts += [
        (o.code.label or o.code.code, escape(" ".join(x for x in (o.value, o.unit) if x)))
        for o in order.other_observations
    ]
    parts.append(_section("Éléments de radioprotection et de tolérance", _rows(facts)))

    parts.append(
        _section(
            "Intervenants",
            _rows(
                [
                    ("Médecin demandeur", _person(order.requester)),
        ("Téléphone du demandeur", escape(phone_fr(order.requester_phone))),
                    ("Médecin responsable du site", _person(order.responsible)),
                    ("Radiologue désigné", _person(order.verifier) if order.verifier else ""),
                    (
                        "Site",
                        escape(" — FINESS ".join(x for x in (order.site.name, order.site.identifier) if x)),
                    ),
                    ("Téléphone du site", escape(phone_fr(order.site.phone)) or _warn("non communiqué")),
                ]
            ),
        )
    )

    if order.complement is not None:
        c = order.complement
        products = "<br>".join(
            escape(
                " — ".join(
                    x
                    for x in (
                        p.product.label or p.product.code,
                        p.lot and f"lot {p.lot}",
                        str(p.quantity or ""),
                    )
                    if x
                )
            )
            for p in c.products
        )
        devices = "<br>".join(escape(" ".join(x for x in (d.model, d.identifier) if x)) for d in c.devices)
        parts.append(
            _section(
                "Examen réalisé (complément du site)",
                _rows(
                    [
                        ("Réalisé le", escape(datetime_fr(c.performed_at))),
                        ("Acte", _coded(c.act)),
                        ("Modalité", escape(c.modality.code) if c.modality else ""),
                        ("Produits administrés", products),
                        ("Équipement", devices),
                        ("Conservation des images", escape(str(c.retention)) if c.retention else ""),
                        ("Visualiseur du site", escape(c.viewer_url)),
                    ]
                ),
            )
        )

    if order.response is not None:
        r = order.response
        if r.decision is Decision.ACCEPTED:
            body = _rows(
                [
                    ("Décision", "Acceptée"),
                    ("Par", _person(r.radiologist)),
                    ("Protocole", "<br>".join(escape(line) for line in r.protocol.splitlines())),
                ]
            )
        else:
            body = _rows(
                [
                    ("Décision", "<b class='warn'>Refusée</b>"),
                    ("Par", _person(r.radiologist)),
                    ("Motif", _coded(r.refusal_reason)),
                    ("Justification", escape(r.justification)),
                ]
            )
        parts.append(_section("Réponse envoyée", body))

    if order.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in order.warnings)
        parts.append(_section("Points à vérifier", f"<ul class='warn'>{items}</ul>"))

    if entry.history:
        items = "".join(
            f"<tr><td class='k'>{escape(datetime_fr(h.at))}</td><td>{escape(h.event)}"
            f"{' — ' + escape(h.detail) if h.detail else ''}</td></tr>"
            for h in entry.history
        )
        parts.append(_section("Historique", f"<table class='kv'>{items}</table>"))
    return "".join(p for p in parts if p)
