"""The reading screen on the screens radiologists use (issue 21): on-call laptop to 4K and 5 MP portrait.

A real platform serves the CT head demo case and its prior once; each screen size then runs in its own
process under its own Xvfb (``xvfb-run -s "-screen 0 WxHx24"``; 200 % through QT_SCALE_FACTOR), opens
the reading page maximised with the prior compared, the MPR 2x2 and the signature dialog
(tests/workstation/display_size_child.py), and saves a screenshot of each under
test-artifacts/display-sizes/. Asserted at every size: the sign button and the report's conclusion are
on screen without any sideways scrolling, nothing scrolls sideways, the measurement tools are not
hidden behind the toolbar's overflow, and the prior's banner paints the patient's name, birth date
and INS in full at a legible size; the signature dialog names the patient and the exam.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from auth.keystore import KeyStore, VolatileKeyring
from teleplatform.demo import cases
from tests.demo_answers import priors_of
from tests.platform_fixtures import RunningPlatform, private_copy
from workstation.app import Workstation
from workstation.order_view import identity_line
from workstation.priors import find_priors_everywhere, open_prior
from workstation.reading import complete_study, dicom_patient_id, open_case
from workstation.settings import Settings
from workstation.worklist import build_rows

ROOT = Path(__file__).resolve().parents[2]
# (label, Xvfb screen, QT_SCALE_FACTOR)
SIZES = [
    ("1366x768", "1366x768", "1"),
    ("1920x1080", "1920x1080", "1"),
    ("2560x1440", "2560x1440", "1"),
    ("3840x2160", "3840x2160", "1"),
    ("3840x2160-200pc", "3840x2160", "2"),
    ("2048x2560-portrait", "2048x2560", "1"),
]

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")


@pytest.fixture(scope="module")
def case_file(
    demo_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    platform_factory: Callable[[Path], RunningPlatform],
) -> Path:
    """Today's CT head, its order and draft, and its prior, fetched once from a real platform."""
    from datetime import date

    from teleplatform.demo.cases import CT_HEAD_CASE

    base = tmp_path_factory.mktemp("display-sizes")
    platform = platform_factory(private_copy(demo_data, base / "data"))
    settings = Settings(platform_url=platform.base_url, ca_file=platform.ca_path, cache_dir=base / "cache")
    ws = Workstation(settings, keystore=KeyStore(VolatileKeyring()), data_dir=base / "ws")
    try:
        account = platform.account
        ws.login(account["login"], account["password"], platform.fresh_otp())
        rows = build_rows(ws.fetch_worklist())
        row = next(r for r in rows if r.order_id == CT_HEAD_CASE.placer_order_number)
        case = open_case(ws, row)
        complete_study(case)  # streamed in reading order: every image here before the copy
        folder = base / "today"
        shutil.copytree(case.folder, folder)
        found = find_priors_everywhere(ws, dicom_patient_id(case.scan), row.entry.study_instance_uid or "")
        (prior,) = priors_of(CT_HEAD_CASE)
        match = next(p for p in found if p.study_instance_uid == prior.study_instance_uid)
        prior_folder = base / "prior-download"
        prior_folder.mkdir()
        opened = open_prior(ws, match, prior_folder)
        kept = base / "prior"
        shutil.copytree(opened.directory, kept)
        data = {
            "settings": settings,
            "row": row,
            "order": case.order,
            "complement": case.complement,
            "draft": case.draft,
            "folder": str(folder),
            "prior": match,
            "prior_folder": str(kept),
            "identity": identity_line(row.order, date.today()),
        }
        opened.close()
        case.close()
    finally:
        ws.close()
    path = base / "case.pickle"
    path.write_bytes(pickle.dumps(data))
    return path


def _run(label: str, screen: str, scale: str, case_file: Path, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_SCALE_FACTOR"] = scale
    env["QT_ENABLE_HIGHDPI_SCALING"] = "1"
    command = [
        "xvfb-run",
        "-a",
        "-s",
        f"-screen 0 {screen}x24",
        sys.executable,
        "-m",
        "tests.workstation.display_size_child",
        str(case_file),
        str(out),
        label,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, (
        f"{label}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    )
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.fixture(scope="module")
def results(case_file: Path, artifacts_dir: Path) -> dict[str, dict]:
    """Every size, two at a time (one process and one X server each)."""
    out = artifacts_dir / "display-sizes"
    out.mkdir(exist_ok=True)
    wanted = os.environ.get("TLR_DISPLAY_SIZES", "")  # a developer's subset, e.g. "1366x768"
    chosen = [s for s in SIZES if not wanted or s[0] in wanted.split(",")]
    with ThreadPoolExecutor(2) as pool:
        futures = {
            label: pool.submit(_run, label, screen, scale, case_file, out) for label, screen, scale in chosen
        }
        return {label: future.result() for label, future in futures.items()}


@pytest.mark.parametrize("label", [s[0] for s in SIZES])
def test_sign_button_conclusion_and_prior_identity_at_every_size(
    results: dict[str, dict], label: str
) -> None:
    if label not in results:
        pytest.skip(f"{label} left out by TLR_DISPLAY_SIZES")
    result = results[label]
    width, height = (int(v) for v in label.split("-")[0].split("x"))
    scale = 2 if label.endswith("200pc") else 1
    assert result["screen"] == [width // scale, height // scale]
    assert result["maximised"]
    assert result["window"][0] <= width // scale  # nothing runs off the screen
    assert result["sign_visible"], result
    assert result["conclusion_visible"], result
    assert result["sideways"] == [], result
    assert not result["tools_overflow"], "the measurement tools are hidden behind the overflow"
    if result.get("sign_visible_drawer_closed") is not None:
        assert result["sign_visible_drawer_closed"]
    patient = cases.CT_HEAD_CASE.patient
    banner = " ".join(result["prior_banner"])
    assert patient.birth_name.upper() in banner.upper()
    assert patient.birth_date.strftime("%d/%m/%Y") in banner
    assert patient.ins in banner.replace(" ", "") or patient.ins[:13] in banner.replace(" ", "")
    assert "ANTÉRIEUR" in banner
    assert result["prior_banner_points"] >= 9.0 * scale / scale  # never below 9 pt
    assert patient.birth_name.upper() in result["signature_text"].upper()
    assert cases.CT_HEAD_CASE.placer_order_number in result["signature_text"]
    for shot in result["shots"].values():
        assert Path(shot).stat().st_size > 10_000


def test_portrait_screen_hangs_the_prior_under_today(results: dict[str, dict]) -> None:
    if "2048x2560-portrait" not in results:
        pytest.skip("left out by TLR_DISPLAY_SIZES")
    assert results["2048x2560-portrait"]["images_orientation"] == "vertical"
