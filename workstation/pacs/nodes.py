"""The PACS a site reaches over DIMSE, as the workstation's settings describe them (no network here).

Kept apart from :mod:`workstation.pacs.dimse` so that reading the settings never loads pynetdicom.
Every value a PACS entry can hold is checked when it is built: a typo in an AE title or a port is
said in French when the settings are read or saved, not at 3 a.m. at the first query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from resources.translations import QT_TRANSLATE_NOOP

_AE_TITLE = re.compile(r"[ -\[\]-~]{1,16}")  # DICOM AE (PS3.5 6.2): 16 printable ASCII, no backslash
RETRIEVE_METHODS = ("C-MOVE", "C-GET")


class PacsConfigError(ValueError):
    """A PACS setting the workstation cannot work with; ``user_message`` is the French sentence
    (the settings turn it into their own :class:`~workstation.settings.SettingsError`)."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


def _pacs_error(detail: str, user_message: str) -> PacsConfigError:
    return PacsConfigError(f"pacs: {detail}", user_message)


def check_ae_title(value: str, what: str) -> str:
    """An AE title as DIMSE carries it: 1-16 printable ASCII characters, not only spaces, no ``\\``.

    ``what`` names the field in the French message (« titre AE du poste »...)."""
    title = value.strip() if isinstance(value, str) else ""
    if not _AE_TITLE.fullmatch(title):
        raise _pacs_error(
            f"invalid AE title {value!r}",
            QT_TRANSLATE_NOOP(
                "Settings",
                "Titre AE invalide pour {what} : « {value} » (1 à 16 caractères ASCII imprimables, sans "
                "barre oblique inverse).",
            ).format(what=what, value=value),
        )
    return title


def check_port(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise _pacs_error(
            f"invalid TCP port {value!r}",
            QT_TRANSLATE_NOOP("Settings", "Port TCP invalide pour {what} : {value} (1 à 65535).").format(
                what=what, value=value
            ),
        )
    return value


@dataclass(frozen=True, slots=True)
class PacsNode:
    """A site's PACS reached over DIMSE (issue 19, item 5): a second image source beside the platform.

    ``sites`` are the sending facilities (MSH-4, or ``MSH-3^MSH-4``) whose studies this PACS holds:
    only their exams are looked up there (a query names the patient; it goes nowhere it need not).
    Empty means every exam. ``retrieve`` is C-MOVE (the PACS opens an association back to the
    workstation's Storage SCP: ``Settings.dimse_ae_title`` at ``dimse_listen_port``, which the PACS
    must know) or C-GET (everything on the workstation's own association: no inbound port).
    ``current_exams``: this PACS serves its sites' exams of the day (« examens du jour »): the exam to
    read is retrieved from it first, before the platform's DICOMweb (which stays the fallback); without
    the flag a PACS is asked for the exam only when neither the cache nor the platform holds it.
    """

    name: str
    ae_title: str
    host: str
    port: int = 104
    retrieve: str = "C-MOVE"
    tls: bool = False
    tls_ca_file: Path | None = None  # the CA of the PACS's certificate; None: the system's
    tls_cert_file: Path | None = None  # the workstation's certificate, when the PACS asks for one
    tls_key_file: Path | None = None
    sites: tuple[str, ...] = ()
    timeout_seconds: float = 10.0
    current_exams: bool = False

    def __post_init__(self) -> None:
        label = self.name.strip() if isinstance(self.name, str) else ""
        if not label:
            raise _pacs_error(
                "a PACS needs a name", QT_TRANSLATE_NOOP("Settings", "Chaque PACS doit avoir un nom.")
            )
        object.__setattr__(self, "name", label)
        what = QT_TRANSLATE_NOOP("Settings", "le PACS « {name} »").format(name=label)
        object.__setattr__(self, "ae_title", check_ae_title(self.ae_title, what))
        host = self.host.strip() if isinstance(self.host, str) else ""
        if not host or any(c.isspace() or c in "/\\@" for c in host):
            raise _pacs_error(
                f"invalid host {self.host!r} for PACS {label!r}",
                QT_TRANSLATE_NOOP("Settings", "Adresse invalide pour {what} : « {value} ».").format(
                    what=what, value=self.host
                ),
            )
        object.__setattr__(self, "host", host)
        check_port(self.port, what)
        if self.retrieve not in RETRIEVE_METHODS:
            raise _pacs_error(
                f"retrieve must be C-MOVE or C-GET, got {self.retrieve!r}",
                QT_TRANSLATE_NOOP(
                    "Settings",
                    "Méthode de récupération inconnue pour {what} : « {value} » (C-MOVE ou C-GET).",
                ).format(what=what, value=self.retrieve),
            )
        if not isinstance(self.timeout_seconds, int | float) or not 0 < self.timeout_seconds <= 600:
            raise _pacs_error(
                f"timeout_seconds must be in ]0, 600], got {self.timeout_seconds!r}",
                QT_TRANSLATE_NOOP("Settings", "Délai invalide pour {what} (entre 0 et 600 secondes).").format(
                    what=what
                ),
            )
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise _pacs_error(
                f"PACS {label!r}: a TLS certificate needs its key and a key its certificate",
                QT_TRANSLATE_NOOP(
                    "Settings", "Pour {what}, le certificat TLS du poste et sa clé vont ensemble."
                ).format(what=what),
            )
        object.__setattr__(self, "sites", tuple(s.strip() for s in self.sites if s.strip()))
        if not isinstance(self.current_exams, bool):
            raise _pacs_error(
                f"current_exams must be true or false, got {self.current_exams!r}",
                QT_TRANSLATE_NOOP(
                    "Settings", "Valeur invalide pour {what} : « examens du jour » (oui ou non)."
                ).format(what=what),
            )

    def serves(self, sender_application: str, sender_facility: str) -> bool:
        """Whether this PACS holds the studies of the site that sent the order (MSH-3, MSH-4)."""
        if not self.sites:
            return True
        return sender_facility in self.sites or f"{sender_application}^{sender_facility}" in self.sites

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[f.name] = value
        return data

    @classmethod
    def from_json(cls, raw: Any) -> PacsNode:
        if not isinstance(raw, dict):
            raise _pacs_error(
                "a PACS entry is not a JSON object",
                QT_TRANSLATE_NOOP("Settings", "Une entrée de la liste des PACS est mal formée."),
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise _pacs_error(
                f"unknown PACS keys {unknown}",
                QT_TRANSLATE_NOOP("Settings", "Paramètre de PACS inconnu : « {name} ».").format(
                    name=", ".join(unknown)
                ),
            )
        values = dict(raw)
        for key in ("tls_ca_file", "tls_cert_file", "tls_key_file"):
            if values.get(key) in ("", None):
                values[key] = None
            elif isinstance(values[key], str):
                values[key] = Path(values[key]).expanduser()
        if isinstance(values.get("sites"), list):
            values["sites"] = tuple(str(s) for s in values["sites"])
        try:
            return cls(**values)
        except TypeError as exc:  # a required key missing
            raise _pacs_error(
                f"incomplete PACS entry: {exc}",
                QT_TRANSLATE_NOOP(
                    "Settings", "Une entrée de la liste des PACS est incomplète (nom, titre AE et adresse)."
                ),
            ) from exc


def pacs_nodes(value: Any) -> tuple[PacsNode, ...]:
    """The ``pacs`` setting from its JSON form (a list of objects) or as given (PacsNode records)."""
    if not isinstance(value, list | tuple):
        raise TypeError(type(value).__name__)
    nodes = tuple(v if isinstance(v, PacsNode) else PacsNode.from_json(v) for v in value)
    names = [n.name for n in nodes]
    if len(set(names)) != len(names):
        raise _pacs_error(
            "two PACS have the same name",
            QT_TRANSLATE_NOOP("Settings", "Deux PACS portent le même nom."),
        )
    return nodes


class PacsList(tuple[PacsNode, ...]):
    """The ``pacs`` setting's type: built from its JSON form (a list of objects) or from records,
    checked by :func:`pacs_nodes` (so the settings coerce it like any other typed value)."""

    __slots__ = ()

    def __new__(cls, value: Any = ()) -> PacsList:
        return super().__new__(cls, pacs_nodes(value))
