"""The interface language at the Qt edge: the translators and the default locale installed on the
application, and :func:`text`, which says a model's marked sentence in that language.

It lives beside the .ts files rather than in one package's ``qt/`` because every Qt edge needs it
(the workstation, and the viewer, the report editor and the login dialog, which also run alone):
one implementation instead of one copy per package.

French needs only its plural forms from us (it is the language the code is written in); Qt's own
strings (standard buttons, context menus) come from Qt's ``qtbase_fr``. English loads one compiled file per
package from :mod:`resources.translations`; if one of them cannot be read the interface stays
entirely French rather than half translated, and the log says which file failed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from resources.translations import LANGUAGES, SOURCE_LANGUAGE, UserText, qm_files

log = logging.getLogger(__name__)

_LOCALES = {
    "fr": QLocale(QLocale.Language.French, QLocale.Country.France),
    # British English: day/month/year and a 24-hour clock, as hospitals read them
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}
_INSTALLED = "_tlr_translators"  # attribute of the application keeping the translators alive


def current(app: QCoreApplication) -> str:
    return getattr(app, "_tlr_language", SOURCE_LANGUAGE)


def install(app: QCoreApplication, language: str) -> str:
    """Makes ``language`` the interface language for the widgets created from now on.

    Returns the language actually installed (French when ``language`` is unknown or its files are
    unreadable). Widgets already built keep their text: the settings dialog says the change takes
    effect at the next start.
    """
    if language not in LANGUAGES:
        log.warning("unknown interface language %r, using %s", language, SOURCE_LANGUAGE)
        language = SOURCE_LANGUAGE
    translators: list[QTranslator] = []
    for qm in qm_files(language):
        translator = QTranslator(app)
        if translator.load(str(qm)):
            translators.append(translator)
        elif language != SOURCE_LANGUAGE:
            log.error("translation file %s could not be loaded; interface left in French", qm)
            return install(app, SOURCE_LANGUAGE)
        else:  # French words stay right; only a plural would read « 1 demande(s) »
            log.error("French plural forms %s could not be loaded", qm)
    qt_own = QTranslator(app)
    if qt_own.load(
        _LOCALES[language], "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        translators.append(qt_own)
    for old in getattr(app, _INSTALLED, []):
        app.removeTranslator(old)
    for translator in translators:
        app.installTranslator(translator)
    setattr(app, _INSTALLED, translators)
    app._tlr_language = language  # type: ignore[attr-defined]
    QLocale.setDefault(_LOCALES[language])
    return language


def user_message(exc: BaseException, fallback: str) -> str:
    """What to tell the user about ``exc``: its own French ``user_message`` in the interface
    language, or ``fallback`` (already translated) for failures that carry none."""
    message = getattr(exc, "user_message", None)
    return text(message) if message else fallback


def text(message: str) -> str:
    """``message`` in the interface language when a model made it with ``QT_TRANSLATE_NOOP``
    (values that are themselves such sentences included); any other string as it is."""
    if not isinstance(message, UserText):
        return message
    template = QCoreApplication.translate(message.context, message.template)
    if not (message.args or message.values):
        return template
    args = [text(a) if isinstance(a, str) else a for a in message.args]
    values = {k: text(v) if isinstance(v, str) else v for k, v in message.values.items()}
    try:
        return template.format(*args, **values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: say it in French
        log.error("translation of %r in %s does not fit its values", message.template, message.context)
        return str(message)
