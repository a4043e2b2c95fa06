"""The workstation in English, against a real reference platform, looked at as an English reader.

Every readable string of the worklist, the order, the justification dialog, the reading screen,
the lock screen and the settings and diagnostics dialogs must be English once the language is set
to ``en``; what stays French is data written by others (patient names, sites, the site's clinical
text, coded regions) and the report itself, a French document whatever the interface language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from auth.keystore import KeyStore, VolatileKeyring
from reporting.html import report_html
from teleplatform.demo import cases
from tests.i18n import french_leftovers, interface_language, looks_french
from tests.platform_fixtures import RunningPlatform, private_copy
from viewer.loader import StudyLoader
from workstation.app import Workstation
from workstation.qt import theme
from workstation.qt.diagnostics import DiagnosticsDialog
from workstation.qt.justification_dialog import JustificationDialog
from workstation.qt.main_window import MainWindow
from workstation.qt.settings_dialog import SettingsDialog
from workstation.qt.worklist_model import SEX_AGE, STATUS
from workstation.selftest import run_checks
from workstation.settings import Settings

pytestmark = pytest.mark.gui


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    theme.apply(qapp)
    with interface_language("en"):
        yield


@pytest.fixture
def signed_in(
    english: None,
    demo_data: Path,
    tmp_path: Path,
    platform_factory: Callable[[Path], RunningPlatform],
) -> Iterator[tuple[Workstation, RunningPlatform]]:
    platform = platform_factory(private_copy(demo_data, tmp_path / "platform"))
    settings = Settings(
        platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=tmp_path / "cache", language="en"
    )
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=tmp_path / "ws")
    account = platform.account
    ws.login(account["login"], account["password"], platform.fresh_otp())
    yield ws, platform
    ws.close()
    platform.stop()


def _data(window: MainWindow) -> list[str]:
    """What others wrote: names, sites, regions, clinical text. It stays as written."""
    out: list[str] = [window.ws.identity.given, window.ws.identity.family]
    for row in window._all_rows:
        out += [row.patient, row.site, row.region]
        if row.order is not None:
            out += [row.order.clinical_information, *row.order.purpose]
    return [x for x in out if x]


def test_worklist_order_and_dialogs_in_english(
    qtbot, signed_in: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, _ = signed_in
    window = MainWindow(ws, StudyLoader(workers=0))
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=15000)
    # a patient with a full identity (the demo's first row is an unknown emergency patient: no birthplace)
    window.table.selectRow(next(
        i for i in range(window.model.rowCount())
        if (order := window.model.row_at(i).order) is not None
        and order.placer_order_number == cases.CT_HEAD_CASE.placer_order_number
    ))
    QApplication.processEvents()

    assert window.windowTitle() == "Teleradiology — reading workstation"
    assert [window.model.headerData(i, window.table.horizontalHeader().orientation()) for i in range(3)] == [
        "Priority",
        "Waiting",
        "Patient",
    ]
    assert "request" in window.count_label.text()
    assert french_leftovers(window, allow=_data(window)) == []
    statuses = {window.model.index(r, STATUS).data() for r in range(window.model.rowCount())}
    assert statuses and not any(looks_french(s) for s in statuses), statuses
    ages = [window.model.index(r, SEX_AGE).data() for r in range(window.model.rowCount())]
    assert any(a.endswith(" y") for a in ages), ages

    detail = window.detail.toPlainText()
    for english, french in (
        ("Sex, birth", "Sexe, naissance"),
        ("Place of birth (COG)", "Lieu de naissance (COG)"),
        ("Requested exam", "Examen demandé"),
        ("Requesting physician", "Médecin demandeur"),
        ("Clinical context", "Contexte clinique"),
        ("Participants", "Intervenants"),
    ):
        assert english in detail and french not in detail
    window.grab().save(str(artifacts_dir / "workstation-en-worklist.png"))

    # the justification dialog: protocol templates are clinical text sent to the French site
    to_validate = next(
        i for i in range(window.model.rowCount()) if window.model.row_at(i).entry.status.value == "a_valider"
    )
    window.table.selectRow(to_validate)
    window.justify_selected()
    dialog = window.justification_dialog
    assert isinstance(dialog, JustificationDialog)
    templates = [dialog.template.itemText(i) for i in range(1, dialog.template.count())]
    assert french_leftovers(dialog, allow=[*_data(window), *templates]) == []
    assert dialog.accept_radio.text() == "&Accept with a protocol"
    dialog.grab().save(str(artifacts_dir / "workstation-en-justification.png"))
    dialog.reject()

    # the lock screen
    ws.session.lock()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.lock_screen, timeout=5000)
    assert french_leftovers(window.lock_screen, allow=_data(window)) == []
    assert window.lock_screen.unlock_button.text() == "Unlock"
    window.close()


def test_settings_and_diagnostics_in_english(
    qtbot, english: None, tmp_path: Path, artifacts_dir: Path
) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", language="en")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert french_leftovers(dialog, allow=["Français"]) == []  # each language named in itself
    assert dialog.windowTitle() == "Workstation settings"

    report = run_checks(settings, demo=True, include_qt=False)
    diagnostics = DiagnosticsDialog(report=report)
    qtbot.addWidget(diagnostics)
    diagnostics.show()
    texts = [diagnostics.summary.text()]
    items = [diagnostics.tree.topLevelItem(i) for i in range(diagnostics.tree.topLevelItemCount())]
    while items:
        item = items.pop()
        texts += [item.text(0), item.text(1), item.text(2)]
        items += [item.child(i) for i in range(item.childCount())]
    leftovers = [t for t in texts if looks_french(t.replace("Français", ""))]  # named in itself
    assert leftovers == [], "\n".join(leftovers)
    diagnostics.grab().save(str(artifacts_dir / "workstation-en-diagnostics.png"))


def test_reading_screen_in_english_report_in_french(
    qtbot, signed_in: tuple[Workstation, RunningPlatform], artifacts_dir: Path
) -> None:
    ws, _ = signed_in
    with StudyLoader(workers=2) as loader:
        window = MainWindow(ws, loader)
        qtbot.addWidget(window)
        window.resize(1600, 900)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=15000)
        order_id = cases.CT_TAP_CASE.placer_order_number
        window.table.selectRow(window.model.row_of(order_id))
        window.open_selected()
        page = window.reading_page
        qtbot.waitUntil(lambda: page.editor is not None, timeout=60000)
        qtbot.waitUntil(lambda: bool(page.viewer.series()), timeout=60000)
        QApplication.processEvents()

        assert page.check_label.text().startswith("✓ Identity checked")
        # the prior is retrieved on opening (hanging protocols): its status ends with the image count
        qtbot.waitUntil(lambda: "image" in page.status.text(), timeout=60000)
        assert french_leftovers(page, allow=_data(window), skip=[page.editor, page.viewer]) == []
        # the report is a French document whatever the interface language
        html = report_html(page.editor.report())
        assert "Examen interprété en téléradiologie" in html or "Technique" in html
        assert looks_french(html)
        window.grab().save(str(artifacts_dir / "workstation-en-reading.png"))
        window.reading_page.close_case()
        window.close()
