"""The order as the radiologist reads it before deciding: rendered to HTML, without Qt.

The request is shown as the site wrote it (nothing summarised away), in the order a radiologist
justifies an exam: who the patient is, what is asked and why, what makes the exam risky (pregnancy,
weight, renal function, contrast contraindications), who asks and how to call them back, then what
was actually done (flux 4) and what was already answered. What the site left out is listed as a
warning rather than hidden. Every value is escaped: HL7 text is data, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from html import escape

from hl7v2.order import RENAL_FUNCTION
from resources.translations import QT_TRANSLATE_NOOP
from workstation.hl7 import Coded, Practitioner
from workstation.orders import Decision, HistoryRelevance, Order, PregnancyStatus, Priority
from workstation.platform.client import WorklistEntry
from workstation.worklist import age_label

_NO_IMPACT = HistoryRelevance.SANS_IMPACT
#: Puts a marked sentence in the interface language; the Qt edge passes ``language.text``. The
#: default keeps the French (this module stays Qt-free and its output testable as it is).
Translate = Callable[[str], str]


def date_fr(day: date | None) -> str:
    return (
        f"{day.day:02d}/{day.month:02d}/{day.year}" if day else QT_TRANSLATE_NOOP("OrderView", "non précisée")
    )


def datetime_fr(moment: datetime | None) -> str:
    if moment is None:
        return QT_TRANSLATE_NOOP("OrderView", "non précisée")
    local = moment.astimezone() if moment.tzinfo else moment
    return QT_TRANSLATE_NOOP("OrderView", "{date} à {time}").format(
        date=date_fr(local.date()), time=f"{local:%H:%M}"
    )


def phone_fr(number: str) -> str:
    """+33261910142 -> 02 61 91 01 42, the way a French number is read out on the phone at night."""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return number


def _rows(pairs: Iterable[tuple[str, str]], tr: Translate) -> str:
    cells = "".join(f"<tr><td class='k'>{escape(tr(k))}</td><td>{v}</td></tr>" for k, v in pairs if v)
    return f"<table class='kv'>{cells}</table>" if cells else ""


def _section(title: str, body: str, tr: Translate) -> str:
    return f"<h3>{escape(tr(title))}</h3>{body}" if body else ""


def _person(person: Practitioner | None, tr: Translate) -> str:
    if person is None:
        return _warn(QT_TRANSLATE_NOOP("OrderView", "non renseigné"), tr)
    rpps = f" — RPPS {escape(person.rpps)}" if person.rpps else ""
    return escape(person.display_name) + rpps


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


def identity_line(order: Order | None, on: date, tr: Translate = str) -> str:
    """One line of identity for the banner of the reading screen and over the images."""
    if order is None:
        return ""
    p = order.patient
    age = age_label(p.birth_date, on)
    ins = f" — INS {p.ins.matricule}" if p.ins else ""
    born = tr(QT_TRANSLATE_NOOP("OrderView", "né(e) le {date}").format(date=date_fr(p.birth_date)))
    return f"{p.display_name} — {p.sex.value} — {born} ({tr(age)}){ins}"


def identity_html(order: Order, on: date, tr: Translate = str) -> str:
    """The identity block, shown on every screen that shows patient data."""
    p = order.patient
    age = age_label(p.birth_date, on)
    names = [f"<b>{escape(p.display_name)}</b>"]
    if p.used_name and p.birth_name and p.used_name.upper() != p.birth_name.upper():
        born = (
            QT_TRANSLATE_NOOP("OrderView", "née {name}")
            if p.sex.value == "F"
            else QT_TRANSLATE_NOOP("OrderView", "né {name}")
        )
        names.append(escape(tr(born.format(name=p.birth_name.upper()))))
    if p.birth_first_names:
        first = QT_TRANSLATE_NOOP("OrderView", "prénoms de naissance : {names}")
        names.append(escape(tr(first.format(names=" ".join(p.birth_first_names)))))
    ins = _warn(QT_TRANSLATE_NOOP("OrderView", "INS absent"), tr)
    if p.ins is not None:
        status = (
            p.identity_status.label if p.identity_status else QT_TRANSLATE_NOOP("OrderView", "statut inconnu")
        )
        kind = p.ins.kind.label if p.ins.kind else p.ins.oid
        qualified = (
            ""
            if p.ins_qualified
            else " " + _warn(QT_TRANSLATE_NOOP("OrderView", "(identité non qualifiée)"), tr)
        )
        ins = f"{escape(p.ins.matricule)} ({escape(tr(kind))}) — {escape(tr(status))}{qualified}"
    return _rows(
        [
            (QT_TRANSLATE_NOOP("OrderView", "Patient"), ", ".join(names)),
            (
                QT_TRANSLATE_NOOP("OrderView", "Sexe, naissance"),
                escape(
                    tr(
                        QT_TRANSLATE_NOOP("OrderView", "{sex}, né(e) le {date}").format(
                            sex=tr(p.sex.label), date=tr(date_fr(p.birth_date))
                        )
                    )
                    + (f" ({tr(age)})" if age else "")
                ),
            ),
            (QT_TRANSLATE_NOOP("OrderView", "Lieu de naissance (COG)"), escape(p.birth_place_cog)),
            (QT_TRANSLATE_NOOP("OrderView", "INS"), ins),
        ],
        tr,
    )


def _coded(value: Coded | None) -> str:
    return escape(value.label or value.code) if value else ""


def _warn(text: str, tr: Translate) -> str:
    return f"<span class='warn'>{escape(tr(text))}</span>"


def _contrast_and_consent(order: Order, tr: Translate) -> list[tuple[str, str]]:
    """The contrast risks and the consent the site sent (local convention, issue 23); nothing for
    what it did not send (the justification dialog shows those as missing)."""
    risk, found = order.contrast_risk, []
    for result in risk.renal_function:
        if result.value is not None:
            when = f" ({result.measured_at:%d/%m/%Y})" if result.measured_at else ""
            found.append(
                (RENAL_FUNCTION.get(result.code.code, result.code.label), escape(f"{result.value}{when}"))
            )
    if risk.allergies is not None:
        found.append((QT_TRANSLATE_NOOP("OrderView", "Allergies"), escape(risk.allergies)))
    if risk.metformin is not None:
        yes_no = (
            QT_TRANSLATE_NOOP("OrderView", "oui") if risk.metformin else QT_TRANSLATE_NOOP("OrderView", "non")
        )
        found.append((QT_TRANSLATE_NOOP("OrderView", "Metformine"), escape(tr(yes_no))))
    if risk.previous_reaction is not None:
        found.append(
            (
                QT_TRANSLATE_NOOP("OrderView", "Réaction antérieure à un produit de contraste"),
                escape(risk.previous_reaction or tr(QT_TRANSLATE_NOOP("OrderView", "aucune"))),
            )
        )
    consent = order.consent
    if consent is not None:
        if consent.force_majeure:
            text = tr(QT_TRANSLATE_NOOP("OrderView", "non recueilli, force majeure : {reason}")).format(
                reason=consent.force_majeure
            )
            found.append(
                (QT_TRANSLATE_NOOP("OrderView", "Consentement"), f"<b class='warn'>{escape(text)}</b>")
            )
        elif consent.given is not None:
            given = (
                QT_TRANSLATE_NOOP("OrderView", "recueilli")
                if consent.given
                else QT_TRANSLATE_NOOP("OrderView", "non recueilli")
            )
            found.append((QT_TRANSLATE_NOOP("OrderView", "Consentement"), escape(tr(given))))
    return found


def order_html(entry: WorklistEntry, order: Order | None, problem: str = "", tr: Translate = str) -> str:
    """The whole request; ``tr`` puts the labels in the interface language (the site's text stays
    as written)."""
    if order is None:
        title = QT_TRANSLATE_NOOP("OrderView", "Demande {number} : illisible").format(number=entry.order_id)
        return (
            f"<h2>{escape(tr(title))}</h2>"
            + "<p class='warn'>"
            + escape(tr(problem or QT_TRANSLATE_NOOP("OrderView", "Demande illisible.")))
            + "</p>"
            + "<p>"
            + escape(
                tr(
                    QT_TRANSLATE_NOOP(
                        "OrderView",
                        "Contactez le site demandeur ; la demande reste dans la liste de travail.",
                    )
                )
            )
            + "</p>"
        )
    title = (
        QT_TRANSLATE_NOOP("OrderView", "URGENT — Demande {number}")
        if entry.priority is Priority.URGENT
        else QT_TRANSLATE_NOOP("OrderView", "Demande {number}")
    )

    def rows(pairs: Iterable[tuple[str, str]]) -> str:
        return _rows(pairs, tr)

    def section(title: str, body: str) -> str:
        return _section(title, body, tr)

    parts = [f"<h2>{escape(tr(title.format(number=order.placer_order_number)))}</h2>"]
    if order.cancelled:
        c = order.cancellation
        reason = (c.reason.label or c.reason.code) if c and c.reason else ""
        cancelled = QT_TRANSLATE_NOOP("OrderView", "Demande annulée par le site le {when}").format(
            when=datetime_fr(c.at if c else None)
        )
        parts.append(
            f"<p class='cancel'>{escape(tr(cancelled))}" + (f" : {escape(reason)}" if reason else "") + "</p>"
        )
    parts.append(identity_html(order, entry.received_at.date(), tr))

    modality = order.modality
    parts.append(
        section(
            QT_TRANSLATE_NOOP("OrderView", "Examen demandé"),
            rows(
                [
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Modalité"),
                        escape(f"{modality.code} ({modality.label})" if modality.label else modality.code)
                        if modality
                        else _warn(QT_TRANSLATE_NOOP("OrderView", "non précisée"), tr),
                    ),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Région"),
                        escape(" ; ".join(r.label for r in order.regions)),
                    ),
                    (QT_TRANSLATE_NOOP("OrderView", "Précisions"), escape(" ".join(order.modality_comments))),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Demandée le"),
                        escape(tr(datetime_fr(order.requested_at))),
                    ),
                    (QT_TRANSLATE_NOOP("OrderView", "Reçue le"), escape(tr(datetime_fr(entry.received_at)))),
                    (QT_TRANSLATE_NOOP("OrderView", "N° d'accès"), escape(entry.accession_number or "")),
                ]
            ),
        )
    )

    clinical = _paragraphs(order.clinical_information) or (
        "<p class='warn'>"
        + escape(tr(QT_TRANSLATE_NOOP("OrderView", "Aucun renseignement clinique.")))
        + "</p>"
    )
    question = _paragraphs("\n".join(order.purpose))
    history = "".join(
        f"<li>{escape(h.text)}"
        + (
            f" <b>({escape(tr(h.relevance.label))})</b>"
            if h.relevance is not None and h.relevance is not _NO_IMPACT
            else ""
        )
        + "</li>"
        for h in order.history
    )
    parts.append(section(QT_TRANSLATE_NOOP("OrderView", "Contexte clinique"), clinical))
    parts.append(section(QT_TRANSLATE_NOOP("OrderView", "Question posée (finalité)"), question))
    parts.append(
        section(QT_TRANSLATE_NOOP("OrderView", "Antécédents"), f"<ul>{history}</ul>" if history else "")
    )

    pregnancy = ""
    if order.pregnancy is not None:
        label = escape(tr(order.pregnancy.label))
        pregnancy = f"<b class='warn'>{label}</b>" if order.pregnancy is PregnancyStatus.YES else label
    facts: list[tuple[str, str]] = [
        (QT_TRANSLATE_NOOP("OrderView", "Poids"), escape(str(order.weight)) if order.weight else ""),
        (QT_TRANSLATE_NOOP("OrderView", "Taille"), escape(str(order.height)) if order.height else ""),
        (QT_TRANSLATE_NOOP("OrderView", "Grossesse"), pregnancy),
    ]
    facts += [
        (o.code.label or o.code.code, escape(" ".join(x for x in (o.value, o.unit) if x)))
        for o in order.other_observations
    ]
    facts += _contrast_and_consent(order, tr)  # issue 23
    parts.append(
        section(QT_TRANSLATE_NOOP("OrderView", "Éléments de radioprotection et de tolérance"), rows(facts))
    )

    parts.append(
        section(
            QT_TRANSLATE_NOOP("OrderView", "Intervenants"),
            rows(
                [
                    (QT_TRANSLATE_NOOP("OrderView", "Médecin demandeur"), _person(order.requester, tr)),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Téléphone du demandeur"),
                        escape(phone_fr(order.requester_phone)),
                    ),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Médecin responsable du site"),
                        _person(order.responsible, tr),
                    ),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Radiologue désigné"),
                        _person(order.verifier, tr) if order.verifier else "",
                    ),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Site"),
                        escape(" — FINESS ".join(x for x in (order.site.name, order.site.identifier) if x)),
                    ),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Téléphone du site"),
                        escape(phone_fr(order.site.phone))
                        or _warn(QT_TRANSLATE_NOOP("OrderView", "non communiqué"), tr),
                    ),
                ]
            ),
        )
    )

    if order.complement is not None:
        done = order.complement
        products = "<br>".join(
            escape(
                " — ".join(
                    x
                    for x in (
                        p.product.label or p.product.code,
                        p.lot and tr(QT_TRANSLATE_NOOP("OrderView", "lot {lot}").format(lot=p.lot)),
                        str(p.quantity or ""),
                    )
                    if x
                )
            )
            for p in done.products
        )
        devices = "<br>".join(escape(" ".join(x for x in (d.model, d.identifier) if x)) for d in done.devices)
        parts.append(
            section(
                QT_TRANSLATE_NOOP("OrderView", "Examen réalisé (complément du site)"),
                rows(
                    [
                        (
                            QT_TRANSLATE_NOOP("OrderView", "Réalisé le"),
                            escape(tr(datetime_fr(done.performed_at))),
                        ),
                        (QT_TRANSLATE_NOOP("OrderView", "Acte"), _coded(done.act)),
                        (
                            QT_TRANSLATE_NOOP("OrderView", "Modalité"),
                            escape(done.modality.code) if done.modality else "",
                        ),
                        (QT_TRANSLATE_NOOP("OrderView", "Produits administrés"), products),
                        (QT_TRANSLATE_NOOP("OrderView", "Équipement"), devices),
                        (
                            QT_TRANSLATE_NOOP("OrderView", "Conservation des images"),
                            escape(str(done.retention)) if done.retention else "",
                        ),
                        (QT_TRANSLATE_NOOP("OrderView", "Visualiseur du site"), escape(done.viewer_url)),
                    ]
                    + [(i.label, f"<b class='warn'>{escape(i.text)}</b>") for i in done.incidents]
                ),
            )
        )

    if order.response is not None:
        r = order.response
        if r.decision is Decision.ACCEPTED:
            body = rows(
                [
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Décision"),
                        escape(tr(QT_TRANSLATE_NOOP("OrderView", "Acceptée"))),
                    ),
                    (QT_TRANSLATE_NOOP("OrderView", "Par"), _person(r.radiologist, tr)),
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Protocole"),
                        "<br>".join(escape(line) for line in r.protocol.splitlines()),
                    ),
                ]
            )
        else:
            body = rows(
                [
                    (
                        QT_TRANSLATE_NOOP("OrderView", "Décision"),
                        f"<b class='warn'>{escape(tr(QT_TRANSLATE_NOOP('OrderView', 'Refusée')))}</b>",
                    ),
                    (QT_TRANSLATE_NOOP("OrderView", "Par"), _person(r.radiologist, tr)),
                    (QT_TRANSLATE_NOOP("OrderView", "Motif"), _coded(r.refusal_reason)),
                    (QT_TRANSLATE_NOOP("OrderView", "Justification"), escape(r.justification)),
                ]
            )
        parts.append(section(QT_TRANSLATE_NOOP("OrderView", "Réponse envoyée"), body))

    if order.warnings:
        items = "".join(f"<li>{escape(tr(w))}</li>" for w in order.warnings)
        parts.append(
            section(QT_TRANSLATE_NOOP("OrderView", "Points à vérifier"), f"<ul class='warn'>{items}</ul>")
        )

    if entry.history:
        items = "".join(
            f"<tr><td class='k'>{escape(tr(datetime_fr(h.at)))}</td><td>{escape(h.event)}"
            f"{' — ' + escape(h.detail) if h.detail else ''}</td></tr>"
            for h in entry.history
        )
        parts.append(
            section(QT_TRANSLATE_NOOP("OrderView", "Historique"), f"<table class='kv'>{items}</table>")
        )
    return "".join(p for p in parts if p)
