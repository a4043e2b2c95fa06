"""The editor shows a dose above its diagnostic reference level (arrêté du 23 mai 2019) beside the
pre-sign checks, without blocking the signature, and lists the mammography doses it injected.
Screenshots go to ``artifacts_dir``."""

from __future__ import annotations

from pathlib import Path

from pydicom.dataset import Dataset
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QTreeWidget

from reporting.dose import dose_from_datasets
from reporting.qt.editor import ReportEditor
from tests.reporting.factories import make_draft
from tests.reporting.test_dose_cda import CHEST_PA, mammography_report


def show(qtbot, editor: ReportEditor) -> ReportEditor:
    qtbot.addWidget(editor)
    editor.resize(1100, 900)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def radiograph(dap_dgy_cm2: str) -> Dataset:
    image = Dataset()
    image.Modality, image.SOPInstanceUID, image.StudyInstanceUID = "DX", "1.2.7.1", "1.2.7"
    image.ViewPosition = "PA"
    image.ImageAndFluoroscopyAreaDoseProduct = dap_dgy_cm2
    return image


def test_a_dose_above_its_nrd_is_shown_and_does_not_block(qtbot, artifacts_dir: Path) -> None:
    dose = dose_from_datasets([("rx.dcm", radiograph("3.1"))])
    editor = show(qtbot, ReportEditor(make_draft(acts=(CHEST_PA,), dose=dose, products=())))
    checks_list = editor.findChild(QListWidget, "verifications")
    texts = [checks_list.item(i).text() for i in range(checks_list.count())]
    [warning] = [t for t in texts if t.startswith("☢")]
    assert "PDS 310 mGy·cm²" in warning and "« Thorax de face (postéro-antérieur) » (200 mGy·cm²" in warning
    assert "✔ Rien ne manque : le compte rendu peut être signé." in texts  # the NRD never blocks
    editor.grab().save(str(artifacts_dir / "editeur-nrd-depasse.png"))
    below = show(
        qtbot,
        ReportEditor(make_draft(acts=(CHEST_PA,), dose=dose_from_datasets([("rx", radiograph("1.5"))]))),
    )
    below_list = below.findChild(QListWidget, "verifications")
    assert not any(below_list.item(i).text().startswith("☢") for i in range(below_list.count()))


def test_mammography_doses_are_listed_among_the_injected_values(qtbot) -> None:
    editor = show(qtbot, ReportEditor(mammography_report()))
    tree = editor.findChild(QTreeWidget, "elements-injectes")
    rows = [
        (item.text(0).strip(), item.text(1))
        for item in tree.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive)
    ]
    assert ("DGM cumulée – sein gauche", "2,61 mGy") in rows
    assert ("DGM (dose glandulaire moyenne) – ROUTINE (MLO sein droit)", "0,51 mGy") in rows  # 0.505 half-up
