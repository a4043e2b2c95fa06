"""The workstation's operational settings: one typed, versioned object.

Every setting is declared once, with its type, default and meaning, so the command line, the
settings file and the code cannot drift apart (orange-canvas-core's lesson). Window geometry is
not here: it belongs to the desktop session and lives in ``QSettings``.

The file is JSON in the user's configuration directory (:func:`workstation.paths.config_dir`: on Linux
``$XDG_CONFIG_HOME/teleradiologie``).
A broken file must not keep a radiologist out at 3 a.m.: it is reported (French for the user,
English in the log) and the defaults are used for what could not be read.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from resources.translations import LANGUAGES, QT_TRANSLATE_NOOP, SOURCE_LANGUAGE
from workstation import paths
from workstation.pacs.nodes import PacsConfigError, PacsList, PacsNode, check_ae_title, check_port
from workstation.paths import APP_DIR_NAME
from workstation.private_files import private_file, private_folder, write_private

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def default_settings_file() -> Path:
    return paths.config_dir() / "settings.json"


class SettingsError(ValueError):
    """A setting has a value the workstation cannot work with.

    ``user_message`` is the French sentence to show; ``str(exc)`` is the English detail for the log.
    """

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


def _meta(kind: type, doc: str) -> dict[str, Any]:
    """Field metadata: the type values are coerced to (annotations are strings here) and the meaning."""
    return {"kind": kind, "doc": doc}


@dataclass(frozen=True, slots=True)
class Settings:
    """What the workstation needs to know about its site; see each field's ``doc`` metadata."""

    platform_url: str = field(
        default="https://127.0.0.1:8443",
        metadata=_meta(
            str, QT_TRANSLATE_NOOP("Settings", "Adresse HTTPS de la plateforme de téléradiologie.")
        ),
    )
    ca_file: Path | None = field(
        default=None,
        metadata=_meta(
            Path,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Certificat de l'autorité (PEM) qui signe le certificat de la plateforme ; "
                "vide : autorités du système.",
            ),
        ),
    )
    request_timeout_seconds: float = field(
        default=15.0,
        metadata=_meta(
            float,
            QT_TRANSLATE_NOOP("Settings", "Délai maximal d'une requête vers la plateforme, en secondes."),
        ),
    )
    worklist_refresh_seconds: int = field(
        default=30,
        metadata=_meta(
            int,
            QT_TRANSLATE_NOOP(
                "Settings", "Intervalle de rafraîchissement automatique de la liste de travail."
            ),
        ),
    )
    idle_lock_minutes: int = field(
        default=15,
        metadata=_meta(
            int,
            QT_TRANSLATE_NOOP(
                "Settings", "Verrouillage de la session après ce nombre de minutes d'inactivité."
            ),
        ),
    )
    cache_size_gb: float = field(
        default=20.0,
        metadata=_meta(
            float, QT_TRANSLATE_NOOP("Settings", "Taille maximale du cache local des examens, en gigaoctets.")
        ),
    )
    cache_dir: Path = field(
        default_factory=paths.cache_dir,
        metadata=_meta(Path, QT_TRANSLATE_NOOP("Settings", "Dossier du cache local chiffré des examens.")),
    )
    personal_dictionary: Path = field(
        default_factory=lambda: paths.config_dir() / "dictionnaire-personnel.txt",
        metadata=_meta(
            Path,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Dictionnaire personnel du correcteur orthographique du compte rendu (un mot par ligne).",
            ),
        ),
    )
    organisation_name: str = field(
        default="",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Organisation de téléradiologie des radiologues de ce poste, nommée dans le compte rendu "
                "(vide : non indiquée).",
            ),
        ),
    )
    organisation_id: str = field(
        default="",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Identifiant national de cette organisation : 1 suivi du FINESS, ou 3 suivi du SIRET (vide : "
                "non indiqué).",
            ),
        ),
    )
    practice_address: str = field(
        default="",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Adresse du lieu d'exercice du radiologue de ce poste, écrite dans les mentions du compte "
                "rendu (vide : non indiquée).",
            ),
        ),
    )
    practice_country: str = field(
        default="France",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Pays d'exercice du radiologue de ce poste ; un autre pays que la France est écrit dans le "
                "compte rendu (téléradiologie depuis l'étranger).",
            ),
        ),
    )
    dimse_ae_title: str = field(
        default="TLR-POSTE",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Titre AE DICOM du poste (appelant pour les requêtes ; destination des C-MOVE, à déclarer "
                "dans le PACS).",
            ),
        ),
    )
    dimse_listen_host: str = field(
        default="0.0.0.0",
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Adresse sur laquelle le poste reçoit les images d'un C-MOVE (récepteur temporaire, ouvert "
                "seulement pendant la récupération).",
            ),
        ),
    )
    dimse_listen_port: int = field(
        default=11113,
        metadata=_meta(
            int,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Port TCP sur lequel le poste reçoit les images d'un C-MOVE (à déclarer dans le PACS).",
            ),
        ),
    )
    pacs: tuple[PacsNode, ...] = field(
        default=PacsList(),
        metadata=_meta(
            PacsList,
            QT_TRANSLATE_NOOP(
                "Settings",
                "PACS des sites interrogés en DICOM (C-FIND, C-MOVE/C-GET) en plus de la plateforme.",
            ),
        ),
    )
    calibration_max_age_days: int = field(
        default=180,
        metadata=_meta(
            int,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Âge au-delà duquel la calibration GSDF d'un écran est signalée comme à refaire, en jours.",
            ),
        ),
    )
    physical_text_size: bool = field(
        default=True,
        metadata=_meta(
            bool,
            QT_TRANSLATE_NOOP(
                "Settings",
                "Textes et annotations à leur taille physique d'après la résolution réelle de l'écran "
                "(sinon : la résolution logique annoncée par le système).",
            ),
        ),
    )
    interface_zoom_percent: int = field(
        default=100,
        metadata=_meta(int, QT_TRANSLATE_NOOP("Settings", "Zoom de l'interface, en pourcentage (50 à 300).")),
    )
    overlay_zoom_percent: int = field(
        default=100,
        metadata=_meta(
            int,
            QT_TRANSLATE_NOOP("Settings", "Zoom des annotations sur les images, en pourcentage (50 à 300)."),
        ),
    )
    language: str = field(
        default=SOURCE_LANGUAGE,
        metadata=_meta(
            str,
            QT_TRANSLATE_NOOP(
                "Settings", "Langue de l'interface (fr, en) ; le compte rendu reste en français."
            ),
        ),
    )

    def __post_init__(self) -> None:
        parts = urlsplit(self.platform_url)
        if parts.scheme != "https" or not parts.hostname:
            raise SettingsError(
                f"platform_url must be an https:// URL with a host, got {self.platform_url!r}",
                QT_TRANSLATE_NOOP(
                    "Settings", "L'adresse de la plateforme doit commencer par https:// (reçu : « {url} »)."
                ).format(url=self.platform_url),
            )
        if self.request_timeout_seconds <= 0:
            raise SettingsError(
                f"request_timeout_seconds must be > 0, got {self.request_timeout_seconds}",
                QT_TRANSLATE_NOOP("Settings", "Le délai des requêtes doit être positif."),
            )
        if self.worklist_refresh_seconds < 5:
            raise SettingsError(
                f"worklist_refresh_seconds must be >= 5, got {self.worklist_refresh_seconds}",
                QT_TRANSLATE_NOOP(
                    "Settings", "Le rafraîchissement de la liste doit être d'au moins 5 secondes."
                ),
            )
        if self.language not in LANGUAGES:
            raise SettingsError(
                f"language must be one of {sorted(LANGUAGES)}, got {self.language!r}",
                QT_TRANSLATE_NOOP(
                    "Settings", "Langue d'interface inconnue : « {language} » (fr ou en)."
                ).format(language=self.language),
            )
        identifier = self.organisation_id
        national = {"1": 10, "3": 15}  # 1 + FINESS, 3 + SIRET (national structure identifiers)
        if identifier and not (identifier.isdigit() and national.get(identifier[0]) == len(identifier)):
            raise SettingsError(
                f"organisation_id must be 1 + FINESS or 3 + SIRET, got {identifier!r}",
                QT_TRANSLATE_NOOP(
                    "Settings",
                    "Identifiant de l'organisation invalide : 1 suivi des 9 chiffres du FINESS, ou 3 suivi "
                    "des 14 chiffres du SIRET.",
                ),
            )
        try:
            check_ae_title(self.dimse_ae_title, QT_TRANSLATE_NOOP("Settings", "le poste"))
            check_port(self.dimse_listen_port, QT_TRANSLATE_NOOP("Settings", "le récepteur DICOM du poste"))
        except PacsConfigError as exc:
            raise SettingsError(str(exc), exc.user_message) from exc
        for name in ("interface_zoom_percent", "overlay_zoom_percent"):
            if not 50 <= getattr(self, name) <= 300:
                raise SettingsError(
                    f"{name} must lie in 50..300, got {getattr(self, name)}",
                    QT_TRANSLATE_NOOP("Settings", "Le zoom doit être compris entre 50 et 300 %."),
                )
        if self.calibration_max_age_days < 1:
            raise SettingsError(
                f"calibration_max_age_days must be >= 1, got {self.calibration_max_age_days}",
                QT_TRANSLATE_NOOP(
                    "Settings", "L'âge maximal d'une calibration doit être d'au moins un jour."
                ),
            )
        if self.idle_lock_minutes < 1:
            raise SettingsError(
                f"idle_lock_minutes must be >= 1, got {self.idle_lock_minutes}",
                QT_TRANSLATE_NOOP("Settings", "Le délai de verrouillage doit être d'au moins une minute."),
            )

    @property
    def base_url(self) -> str:
        """The platform URL without a trailing slash, as the client joins paths to it."""
        return self.platform_url.rstrip("/")

    def check_ca_file(self) -> None:
        """Fail early and in French when the configured CA file is missing, not at the first request."""
        if self.ca_file is not None and not self.ca_file.is_file():
            raise SettingsError(
                f"CA file not found: {self.ca_file}",
                QT_TRANSLATE_NOOP("Settings", "Le certificat d'autorité « {path} » est introuvable.").format(
                    path=self.ca_file
                ),
            )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": SCHEMA_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "pacs":
                data[f.name] = [node.to_json() for node in value]
                continue
            data[f.name] = str(value) if isinstance(value, Path) else value
        return data

    def save(self, path: Path | None = None) -> Path:
        target = path or default_settings_file()
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        write_private(target, text.encode("utf-8"))  # 0600 in a 0700 folder
        return target

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given (non-None) values, e.g. from the command line."""
        wanted = {k: _coerce(k, v) for k, v in changes.items() if v is not None}
        return replace(self, **wanted) if wanted else self


def _coerce(name: str, value: Any) -> Any:
    kind = next((f.metadata["kind"] for f in fields(Settings) if f.name == name), None)
    if kind is None:
        raise SettingsError(
            f"unknown setting {name!r}",
            QT_TRANSLATE_NOOP("Settings", "Paramètre inconnu : « {name} ».").format(name=name),
        )
    if name == "ca_file" and value in ("", None):
        return None
    try:
        if kind is Path:
            if not isinstance(value, str | Path):
                raise TypeError(type(value).__name__)
            return Path(value).expanduser()
        if kind is bool:  # bool("false") is True: only real booleans and their usual spellings
            if isinstance(value, bool):
                return value
            words = {"true": True, "1": True, "oui": True, "yes": True, "false": False, "0": False,
                     "non": False, "no": False}
            if isinstance(value, str) and value.strip().lower() in words:
                return words[value.strip().lower()]
            raise ValueError(f"not a boolean: {value!r}")
        if kind is int and (isinstance(value, bool) or not isinstance(value, int | str)):
            raise TypeError(type(value).__name__)
        if kind is float and (isinstance(value, bool) or not isinstance(value, int | float | str)):
            raise TypeError(type(value).__name__)
        return kind(value)
    except PacsConfigError as exc:  # already says which value is wrong, in French
        raise SettingsError(str(exc), exc.user_message) from exc
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"setting {name!r}: cannot read {value!r} as {kind.__name__} ({exc})",
            QT_TRANSLATE_NOOP("Settings", "Valeur invalide pour le paramètre « {name} » : {value!r}.").format(
                name=name, value=value
            ),
        ) from exc


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """The settings actually in force and, in French, what was wrong with the file (if anything)."""

    settings: Settings
    problems: tuple[str, ...] = ()


def _defaults_used(source: Path, what: str) -> str:
    return QT_TRANSLATE_NOOP(
        "Settings", "Le fichier de paramètres « {path} » est {what} : valeurs par défaut utilisées."
    ).format(path=source, what=what)


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read the settings file; a missing file means defaults, a broken one means defaults plus problems."""
    source = path or default_settings_file()
    if source.is_file():  # start-up check: a settings file others can read is tightened, with a warning
        if source.parent.name == APP_DIR_NAME:  # the application's own folder, not one named by hand
            private_folder(source.parent)
        private_file(source)
    if not source.is_file():
        return LoadedSettings(Settings())
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("settings file %s unreadable, using defaults: %s", source, exc)
        return LoadedSettings(
            Settings(), (_defaults_used(source, QT_TRANSLATE_NOOP("Settings", "illisible")),)
        )
    if not isinstance(raw, dict):
        log.warning("settings file %s is not a JSON object, using defaults", source)
        return LoadedSettings(
            Settings(), (_defaults_used(source, QT_TRANSLATE_NOOP("Settings", "mal formé")),)
        )
    version = raw.pop("version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        log.warning("settings file %s has version %r, expected %d", source, version, SCHEMA_VERSION)
    settings = Settings()
    problems: list[str] = []
    for name, value in raw.items():
        try:
            settings = settings.with_overrides(**{name: value})
        except SettingsError as exc:
            log.warning("settings file %s: %s (default kept)", source, exc)
            problems.append(
                QT_TRANSLATE_NOOP("Settings", "{problem} Valeur par défaut utilisée.").format(
                    problem=exc.user_message
                )
            )
    return LoadedSettings(settings, tuple(problems))
