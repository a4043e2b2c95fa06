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
