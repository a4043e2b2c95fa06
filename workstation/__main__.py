"""``python -m workstation`` (or ``teleradiologie``): the reading workstation.

Settings come from the settings file, overridden by the command line (the demo launcher passes the
platform URL and its CA). Start-up failures are shown in a French dialog and logged in English;
the process then exits with status 2 rather than a traceback.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
from pathlib import Path

log = logging.getLogger("workstation")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="teleradiologie", description="Poste de lecture de téléradiologie.")
    parser.add_argument("--platform-url", help="adresse HTTPS de la plateforme")
    parser.add_argument("--ca-file", help="certificat (PEM) de l'autorité qui signe celui de la plateforme")
    parser.add_argument("--settings", type=Path, help="fichier de paramètres (JSON)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="mode démonstration : accepte un poste sans trousseau sécurisé (secrets en mémoire seulement)",
    )
    parser.add_argument("--login", default="", help="identifiant pré-rempli dans la fenêtre de connexion")
    parser.add_argument(
        "--language", choices=("fr", "en"), help="langue de l'interface (le compte rendu reste en français)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="vérifie l'installation (décodeurs, trousseau, VTK, affichage, plateforme) et quitte sans "
        "ouvrir de fenêtre ; --json pour un rapport JSON",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--self-test" in argv:  # before any window, and with its own options (--json)
        from workstation import selftest

        return selftest.main([a for a in argv if a != "--self-test"])
    args = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from PySide6.QtWidgets import QApplication, QMessageBox

    from auth.qt.login_dialog import LoginDialog
    from reporting import spelling
    from resources.translations import qt as language
    from workstation.app import StartupError, Workstation
    from workstation.qt import theme
    from workstation.qt.main_window import MainWindow
    from workstation.qt.settings_dialog import ask_settings
    from workstation.qt.sign_in import login_dialog
    from workstation.settings import SettingsError, default_settings_file, load_settings

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Téléradiologie")
    app.setOrganizationName("teleradiologie")
    theme.apply(app)

    def fatal(detail: str, message: str) -> int:
        log.error("start-up failed: %s", detail)
        QMessageBox.critical(
            None, QApplication.translate("Startup", "Démarrage impossible"), language.text(message)
        )
        return 2

    loaded = load_settings(args.settings)
    settings_file = args.settings or default_settings_file()
    if not settings_file.is_file() and not args.platform_url:  # first run: ask the site's values
        chosen = ask_settings(loaded.settings, settings_file, first_run=True)
        if chosen is None:
            return 0
        loaded = load_settings(settings_file)
    try:
        settings = loaded.settings.with_overrides(
            platform_url=args.platform_url, ca_file=args.ca_file, language=args.language
        )
        language.install(app, settings.language)
        theme.apply_display_settings(  # text at its physical size, with the user's zooms (issue 21)
            app, settings.physical_text_size, settings.interface_zoom_percent, settings.overlay_zoom_percent
        )
        spelling.use_personal_dictionary(settings.personal_dictionary)  # words the report editor learns
        workstation = Workstation(settings, demo=args.demo)
    except (SettingsError, StartupError) as exc:
        return fatal(str(exc), exc.user_message)
    notices = [*loaded.problems, *(n.text for n in workstation.notices)]

    try:
        while True:
            dialog = login_dialog(workstation, args.login)  # with Pro Santé Connect when offered
            if dialog.exec() != LoginDialog.DialogCode.Accepted:
                return 0
            window = MainWindow(workstation)
            window.open_on_screen()  # maximised on the screen chosen last time, or the largest
            window.start()
            if notices:  # said once, in the window, without blocking the login
                window.show_notice("\n".join(language.text(n) for n in notices))
            app.exec()
            if not window.login_requested:
                return 0
            workstation.logout()
    finally:
        workstation.close()


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
