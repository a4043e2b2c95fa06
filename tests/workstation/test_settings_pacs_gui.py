"""The settings dialog's PACS tab against a real PACS started by the test (dcmtk's dcmqrscp, the
fixture of the DIMSE tests): « Tester la connexion » answers with the round trip, or with the precise
French reason (nothing on that port, an AE title the PACS does not know), without freezing the dialog;
what is saved is read back as the same PACS entries. Screenshot in test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.workstation.test_dimse import (  # noqa: F401 - fixtures used by name
    WORKSTATION_AE,
    Pacs,
    _free_port,
    dcmqrscp,
    demo_files,
)
from workstation.pacs.nodes import PacsNode
from workstation.qt import theme
from workstation.qt.settings_dialog import SettingsDialog
from workstation.settings import Settings, load_settings


def _tested(qtbot, dialog: SettingsDialog) -> str:  # type: ignore[no-untyped-def]
    section = dialog.pacs
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    # the C-ECHO runs on a worker: the click returns at once, the button waits for the answer
    assert not section.test_button.isEnabled()
    qtbot.waitUntil(section.test_button.isEnabled, timeout=15000)
    return section.test_result.text()


def test_pacs_tab_tests_the_connection_and_saves_the_entry(
    qtbot, dcmqrscp: Pacs, tmp_path: Path, artifacts_dir: Path  # noqa: F811 - the fixture
) -> None:
    theme.apply(QApplication.instance())
    dialog = SettingsDialog(Settings(cache_dir=tmp_path / "cache"))
    qtbot.addWidget(dialog)
    dialog.resize(760, 720)
    dialog.show()
    section = dialog.pacs
    dialog.tabs.setCurrentWidget(section)
    assert section.empty.isVisible() and not section.node_form.isVisible()

    section.ae_title.setText(WORKSTATION_AE)
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert section.node_form.isVisible() and section.list.count() == 1
    section.name.clear()
    qtbot.keyClicks(section.name, "PACS du CH")
    assert section.list.item(0).text() == "PACS du CH"  # the list follows the name
    section.called.setText(dcmqrscp.ae_title)
    section.host.setText("127.0.0.1")
    section.port.setValue(dcmqrscp.port)
    section.retrieve.setCurrentIndex(section.retrieve.findData("C-GET"))
    section.sites.setText("CHVC, RIS^CHVC")
    assert not section.tls_files["tls_ca_file"].isEnabled()  # TLS files only with TLS ticked

    # the PACS answers: the round trip in milliseconds
    answer = _tested(qtbot, dialog)
    assert re.fullmatch(r"Connexion réussie \(\d+ ms\)", answer), answer
    QApplication.processEvents()
    dialog.grab().save(str(artifacts_dir / "workstation-settings-pacs.png"))

    # nothing listens on that port
    closed = _free_port()
    section.port.setValue(closed)
    assert _tested(qtbot, dialog) == (
        f"Échec : Connexion refusée par 127.0.0.1:{closed} : le PACS « PACS du CH » n'écoute pas sur ce "
        "port ou est arrêté."
    )

    # the PACS does not know the called AE title
    section.port.setValue(dcmqrscp.port)
    section.called.setText("PAS-CE-PACS")
    answer = _tested(qtbot, dialog)
    assert answer.startswith(
        "Échec : Le PACS « PACS du CH » ne reconnaît pas le titre AE appelé « PAS-CE-PACS »"
    )
    dialog.grab().save(str(artifacts_dir / "workstation-settings-pacs-wrong-ae.png"))

    # a value the workstation cannot work with is refused on saving, on the PACS tab, in French
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    section.called.setText(dcmqrscp.ae_title)
    section.host.setText("")
    dialog.tabs.setCurrentIndex(0)
    save.click()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is section
    assert dialog.error.text() == "Adresse invalide pour le PACS « PACS du CH » : «  »."

    # saved, then read back as the same entry
    section.host.setText("127.0.0.1")
    section.tls.setChecked(True)
    section.tls_files["tls_ca_file"].setText(str(tmp_path / "ca-pacs.pem"))
    section.tls.setChecked(False)  # unticked again: the file stays in the entry, TLS stays off
    save.click()
    assert not dialog.isVisible() and dialog.result_settings is not None
    path = dialog.result_settings.save(tmp_path / "settings.json")
    loaded = load_settings(path)
    assert loaded.problems == ()
    assert loaded.settings.dimse_ae_title == WORKSTATION_AE
    assert loaded.settings.pacs == (
        PacsNode(
            "PACS du CH",
            dcmqrscp.ae_title,
            "127.0.0.1",
            dcmqrscp.port,
            "C-GET",
            tls=False,
            tls_ca_file=tmp_path / "ca-pacs.pem",
            sites=("CHVC", "RIS^CHVC"),
        ),
    )


def test_entries_are_kept_while_switching_and_removed_on_request(qtbot, tmp_path: Path) -> None:
    first = PacsNode("PACS A", "PACSA", "10.0.0.1", 104, "C-MOVE")
    second = PacsNode("PACS B", "PACSB", "10.0.0.2", 11112, "C-GET", tls=True, timeout_seconds=4.0)
    dialog = SettingsDialog(Settings(cache_dir=tmp_path / "cache").with_overrides(pacs=[first, second]))
    qtbot.addWidget(dialog)
    section = dialog.pacs
    assert [section.list.item(i).text() for i in range(section.list.count())] == ["PACS A", "PACS B"]
    assert section.host.text() == "10.0.0.1" and section.retrieve.currentData() == "C-MOVE"
    section.host.setText("10.0.0.9")  # edited, then another entry shown: the edit is kept
    section.list.setCurrentRow(1)
    assert section.port.value() == 11112 and section.tls.isChecked() and section.timeout.value() == 4.0
    assert section.tls_files["tls_ca_file"].isEnabled()
    section.list.setCurrentRow(0)
    assert section.host.text() == "10.0.0.9"
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result_settings is not None and dialog.result_settings.pacs == (second,)


def test_a_wrong_own_ae_title_is_said_before_anything_is_sent(qtbot, tmp_path: Path) -> None:
    node = PacsNode("PACS A", "PACSA", "127.0.0.1", _free_port(), "C-GET")
    dialog = SettingsDialog(Settings(cache_dir=tmp_path / "cache").with_overrides(pacs=[node]))
    qtbot.addWidget(dialog)
    section = dialog.pacs
    section.ae_title.setText("UN\\POSTE")
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    assert section.test_button.isEnabled()  # nothing started
    assert section.test_result.text().startswith("Titre AE invalide pour le poste : « UN\\POSTE »")
