"""Idempotence and repair of a demo data directory, on a reduced generation (orders, account and
the dose report only: the image series are checked on the full generation in test_demo.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teleplatform.demo import datadir, generate, is_complete
from teleplatform.demo.__main__ import main
from teleplatform.demo.cases import MESSAGES
from teleplatform.demo.orders import render


@pytest.fixture(autouse=True)
def _dose_report_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datadir, "_tasks", lambda: [("dose", ())])


def test_second_run_does_nothing(tmp_path: Path) -> None:
    assert generate(tmp_path, workers=1) is True
    assert is_complete(tmp_path)
    marker = json.loads((tmp_path / datadir.MARKER).read_text(encoding="utf-8"))
    assert "orders/0001_irm-cerebrale_ORM_O01.hl7" in marker["files"]
    assert "dicom/tdm-tap/S501/IM0001.dcm" in marker["files"]
    assert generate(tmp_path, workers=1) is False


def test_damaged_file_is_rewritten(tmp_path: Path) -> None:
    generate(tmp_path, workers=1)
    first = tmp_path / "orders" / "0001_irm-cerebrale_ORM_O01.hl7"
    first.write_bytes(b"MSH|tronque")
    assert not is_complete(tmp_path)
    assert generate(tmp_path, workers=1) is True
    assert first.read_bytes() == render(MESSAGES[0])


def test_other_version_is_replaced_and_its_leftovers_removed(tmp_path: Path) -> None:
    generate(tmp_path, workers=1)
    marker_path = tmp_path / datadir.MARKER
    marker = json.loads(marker_path.read_text(encoding="utf-8"))
    leftover = tmp_path / "dicom" / "ancien-cas" / "IM0001.dcm"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"old")
    server_state = tmp_path / "state" / "platform.sqlite"
    server_state.parent.mkdir()
    server_state.write_bytes(b"state")
    marker["generator_version"] = "0"
    marker["files"]["dicom/ancien-cas/IM0001.dcm"] = 3
    marker_path.write_text(json.dumps(marker), encoding="utf-8")
    assert generate(tmp_path, workers=1) is True
    assert not leftover.exists()
    assert server_state.read_bytes() == b"state"
    assert is_complete(tmp_path)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path / "data"), "--workers", "1"]) == 0
    assert "Données de démonstration écrites" in capsys.readouterr().out
    assert main(["--out", str(tmp_path / "data"), "--workers", "1"]) == 0
    assert "déjà à jour" in capsys.readouterr().out
