"""The settings dialog: a wrong value is refused with the settings' French message, a good one saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from workstation.qt import theme
from workstation.qt.settings_dialog import SettingsDialog
from workstation.settings import Settings, load_settings


def test_first_run_settings_are_checked_then_saved(qtbot, tmp_path: Path, artifacts_dir: Path) -> None:
    from PySide6.QtWidgets import QApplication

    theme.apply(QApplication.instance())
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog = SettingsDialog(Settings(), first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)

    dialog._editors["platform_url"].setText("http://plateforme.example")  # not HTTPS
    save.click()
    assert dialog.isVisible() and "https://" in dialog.error.text()
    dialog._editors["platform_url"].setText("https://plateforme.example:8443")
    dialog._editors["ca_file"].setText(str(tmp_path / "absent.pem"))
    save.click()
    assert dialog.isVisible() and "introuvable" in dialog.error.text()
    dialog._editors["ca_file"].setText(str(ca))
    dialog._editors["cache_size_gb"].setValue(5)
    dialog.grab().save(str(artifacts_dir / "workstation-settings.png"))
    save.click()
    assert not dialog.isVisible() and dialog.result_settings is not None

    target = dialog.result_settings.save(tmp_path / "settings.json")
    loaded = load_settings(target).settings
    assert loaded.platform_url == "https://plateforme.example:8443" and loaded.ca_file == ca
    assert loaded.cache_size_gb == 5


def test_a_ca_file_that_is_not_a_certificate_stops_the_start_in_french(tmp_path: Path) -> None:
    import pytest

    from auth.keystore import KeyStore, VolatileKeyring
    from workstation.app import StartupError, Workstation

    garbage = tmp_path / "ca.pem"
    garbage.write_text("ceci n'est pas un certificat\n")
    settings = Settings(platform_url="https://127.0.0.1:9", ca_file=garbage, cache_dir=tmp_path / "cache")
    with pytest.raises(StartupError) as refused:
        Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    assert "certificat" in refused.value.user_message.lower()


def test_saving_keeps_the_settings_the_dialog_does_not_show(qtbot, tmp_path: Path) -> None:
    """The dialog edits a few fields; the others (a personal dictionary, PACS nodes...) must come back
    as they were, not reset to their defaults by a save."""
    mine = Settings().with_overrides(personal_dictionary=str(tmp_path / "mots.txt"), cache_size_gb=7)
    dialog = SettingsDialog(mine)
    qtbot.addWidget(dialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result_settings is not None
    assert dialog.result_settings.personal_dictionary == tmp_path / "mots.txt"
    assert dialog.result_settings.cache_size_gb == 7
