"""The real program: `python -m teleplatform serve|export|account`, on the ANS example messages.

One scenario, in order: the sites' flux 1 waits in orders/, the workstation answers with the ANS
flux 3 example, the site sends the ANS flux 4 example, a report arrives as the synthetic CI-SIS ORU;
then the server is killed (SIGKILL) and restarted, and must have kept everything and ingested
nothing twice; finally the export and the account listing are checked.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from tests.platform_fixtures import RunningPlatform

from .builders import new_order, write_ct_series, write_data_dir

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "teleplatform", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _post(platform: RunningPlatform, token: str, raw: bytes) -> str:
    with platform.session() as session:
        response = session.post(
            f"{platform.base_url}/api/v1/messages",
            data=raw,
            timeout=30,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/hl7-v2; charset=utf-8"},
        )
    assert response.status_code == 200, response.text
    ack = parse_message(
        response.content.decode(), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False
    )
    return str(ack.msa.msa_1.to_er7())


def _state(platform: RunningPlatform, token: str) -> dict:
    with platform.session() as session:
        response = session.get(
            f"{platform.base_url}/api/v1/worklist", timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return {o["order_id"]: o for o in response.json()["orders"]}


def test_ans_examples_survive_a_crash_and_export(
    shared_dir: Path, tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> None:
    examples = shared_dir / "data" / "hl7"
    tlr = examples / "ansforge-teleradiologie"
    root = write_data_dir(
        tmp_path / "data", {"01_demande.hl7": (tlr / "flux1_ORM_O01_demande.hl7").read_bytes()}
    )
    write_ct_series(root / "dicom" / "study", count=2)
    (root / "dicom" / "notes.txt").write_text("not DICOM")

    platform = platform_factory(root)
    ca_before = platform.ca_path.read_bytes()
    token = platform.login()["access_token"]
    orders = _state(platform, token)
    assert (orders["OPN101"]["status"], orders["OPN101"]["messages"][0]["control_id"]) == (
        "a_valider",
        "000001",
    )

    assert _post(platform, token, (tlr / "flux3_ORU_R01_reponse.hl7").read_bytes()) == "AA"
    flux4 = (tlr / "flux4_OMI_O23_complement_post_examen.hl7").read_bytes()
    assert platform.submit_as_site(flux4) == "AA"  # a site's message: sent by the site's account
    # The synthetic CI-SIS report has no ORC-2: the order is the CDA's inFulfillmentOf/order/id.
    assert platform.submit_as_site(new_order("984375862", "LOCAL-1")) == "AA"
    report = (examples / "synthetic" / "SYNTH_ORU_R01_TransCDA_V2.1_CR-IMG_2024.01.hl7").read_bytes()
    assert _post(platform, token, report) == "AA"
    before = _state(platform, token)
    assert before["OPN101"]["status"] == "images_disponibles"
    assert before["OPN101"]["study_instance_uid"] == "1.2.250.1.213.4.5.2.1.101"
    assert before["984375862"]["status"] == "cr_transmis"

    platform.process.send_signal(signal.SIGKILL)  # no clean shutdown: only committed data may count
    platform.process.wait(10)
    restarted = platform_factory(root)
    assert restarted.ca_path.read_bytes() == ca_before
    assert _state(restarted, token) == before  # same orders, messages, history; the token too survived
    log = restarted.log_path.read_text()
    assert "0 accepted, 0 refused (AE), 0 rejected (AR), 1 already received" in log
    assert "notes.txt: not a DICOM Part 10 file" in log
    assert "PAT-TROIS" not in log and "279035121518989" not in log  # no patient data in the log
    assert _post(restarted, token, report) == "AA"  # resent: the original ACK, nothing stored twice
    restarted.stop()

    out = tmp_path / "export"
    result = _cli("export", "--data", str(root), "--out", str(out))
    assert result.returncode == 0, result.stderr
    exported = sorted(p.name for p in (out / "messages").iterdir())
    assert len(exported) == 5 and all(name.endswith("_AA.hl7") for name in exported)
    assert (out / "messages" / exported[0]).read_bytes() == (tlr / "flux1_ORM_O01_demande.hl7").read_bytes()
    (document,) = (out / "documents").iterdir()
    ans_cda = shared_dir / "specs" / "cisis" / "ExemplesCDA" / "IMG_CR_IMG_2024.01.xml"
    assert document.read_bytes() == ans_cda.read_bytes()


def test_account_lists_the_seeded_accounts_with_a_current_code(tmp_path: Path) -> None:
    root = write_data_dir(tmp_path / "data")
    result = _cli("account", "--data", str(root), "--json")
    assert result.returncode == 0, result.stderr
    account, *others = json.loads(result.stdout)
    assert [a["login"] for a in others] == ["ris.structure", "dr.leroy", "ris.autre", "admin.export"]
    totp = pyotp.TOTP(account["totp_secret"])
    assert totp.verify(account["otp"], valid_window=1)
    assert account["login"] == "dr.durand" and account["password"]
    human = _cli("account", "--data", str(root))
    assert "code actuel" in human.stdout and account["login"] in human.stdout
    missing = _cli("account", "--data", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "illisibles" in missing.stderr


def test_serve_refuses_a_missing_directory_and_a_busy_port(
    tmp_path: Path, platform_factory: Callable[[Path], RunningPlatform]
) -> None:
    result = _cli("serve", "--data", str(tmp_path / "absent"), "--port", "1")
    assert result.returncode == 2 and "introuvable" in result.stderr
    root = write_data_dir(tmp_path / "data")
    platform = platform_factory(root)
    copy = tmp_path / "copy"
    shutil.copytree(root / "seed", copy / "seed")
    port = platform.base_url.rsplit(":", 1)[1]
    started = time.monotonic()
    busy = _cli("serve", "--data", str(copy), "--port", port)
    assert busy.returncode == 2 and f"port {port}" in busy.stderr
    assert time.monotonic() - started < 30
