"""The editor shows a dose above its diagnostic reference level (arrêté du 23 mai 2019) beside the
pre-sign checks, without blocking the signature, and lists the mammography doses it injected.
Screenshots go to ``artifacts_dir``."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydicom.dataset import Dataset
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QTreeWidget

from reporting import nrd
from reporting.dose import dose_from_datasets
from reporting.qt.editor import ReportEditor
from tests.reporting.factories import make_draft
from tests.reporting.test_dose_cda import CHEST_PA, PET, mammography_report
from tests.reporting.test_dose_templates import nm_rdsr
from tests.reporting.test_nrd import levels_table, row


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


@pytest.mark.parametrize(
    ("name", "quantity", "unit", "per", "below", "above", "shown"),
    [
        ("ct", "IDSV", "mGy", "acquisition", "46", "45", "IDSV 45,2 mGy (Crâne injecté)"),
        ("mg", "DMG", "mGy", "incidence", "1.4", "1.3", "DMG 1,36 mGy (ROUTINE (MLO sein gauche))"),
        ("nm", "Activité", "MBq", "administration", "250", "200", "Activité 245,5 MBq (Fluorodeoxyglucose"),
    ],
)
def test_ct_mammography_and_nm_values_above_their_level_are_shown(
    qtbot,
    monkeypatch,
    artifacts_dir: Path,
    name: str,
    quantity: str,
    unit: str,
    per: str,
    below: str,
    above: str,
    shown: str,
) -> None:
    # the decision's CT, mammography and NM tables are not shipped (see tests/reporting/test_nrd.py):
    # the editor is shown test levels through the table it reads
    report = {
        "ct": make_draft(),
        "mg": mammography_report(),
        "nm": make_draft(acts=(PET,), dose=dose_from_datasets([("nm.dcm", nm_rdsr())]), products=()),
    }[name]
    act = report.acts[0]

    def warnings(level: str) -> list[str]:
        table = levels_table(row(quantity, unit, per, level, [act.loinc.code], [act.modality.code]))
        monkeypatch.setattr(nrd, "reference_table", lambda: table)
        editor = show(qtbot, ReportEditor(report))
        editor.grab().save(str(artifacts_dir / f"editeur-nrd-{name}-{level}.png"))
        checks_list = editor.findChild(QListWidget, "verifications")
        return [
            checks_list.item(i).text()
            for i in range(checks_list.count())
            if checks_list.item(i).text()[0] == "☢"
        ]

    [warning] = warnings(above)
    assert shown in warning and "au-dessus du niveau de référence diagnostique « Niveau de test" in warning
    assert warnings(below) == []
