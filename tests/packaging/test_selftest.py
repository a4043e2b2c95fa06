"""The self-test's checks, each against the real thing it checks (decoders, processes, TLS, keyring, GL).

A self-test that cannot fail is worse than none: each check is also shown failing for the reason it
exists (a decoder plugin missing, a wrong CA, an insecure keyring, a child process that crashes).
"""

from __future__ import annotations

import fnmatch
import os
import time
import tomllib
from pathlib import Path

import keyring
import keyring.backends.fail
import numpy as np
import pytest

from auth.keystore import VolatileKeyring
from viewer import codecs
from viewer.codecs import SUPPORTED, DecodeFailure
from viewer.render_check import BACKGROUND, FOREGROUND
from workstation import selftest
from workstation.selftest import Check, SelfTestReport, Status, decoders, install
from workstation.selftest.decoders import Samples, jpeg_frame, prepare_samples
from workstation.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
LOSSLESS_JPEG = ("1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return prepare_samples(tmp_path_factory.mktemp("samples"))


def test_every_supported_syntax_has_a_sample_that_decodes_to_the_original(samples: Samples) -> None:
    checks = selftest.check_decoders(samples)
    assert [c.id for c in checks] == [f"decoder.{uid}" for uid in SUPPORTED]
    failed = {c.id: c.detail for c in checks if c.status is not Status.OK}
    assert not failed
    exact = [c for c in checks if "à l'identique" in c.detail]
    lossy = [c for c in checks if "perte attendue" in c.detail]
    assert len(exact) == len(SUPPORTED) - 6 and len(lossy) == 6
    assert {c.data["transfer_syntax"] for c in lossy} == decoders._LOSSY_SAMPLES


def test_embedded_jpeg_frames_hold_the_sample_image() -> None:
    """The DCMTK-made frames are the sample image itself (lossless) — decoded here with libjpeg directly."""
    import libjpeg

    for uid in LOSSLESS_JPEG:
        frame = jpeg_frame(uid)
        np.testing.assert_array_equal(libjpeg.decode(frame), selftest.sample_image(12))
    baseline = libjpeg.decode(jpeg_frame("1.2.840.10008.1.2.4.50"))
    assert baseline.shape == (selftest.SAMPLE_SIZE, selftest.SAMPLE_SIZE)
    assert np.abs(baseline.astype(int) - selftest.sample_image(8)).mean() < 2.0


def test_comparison_refuses_altered_or_missing_images() -> None:
    exact = selftest.sample_image(12)
    assert selftest.compare("1.2.840.10008.1.2.1", exact).matches
    one_off = exact.copy()
    one_off[3, 4] += 1
    result = selftest.compare("1.2.840.10008.1.2.1", one_off)
    assert not result.matches and "1 pixels différents" in result.detail
    noisy = exact.astype(np.int64) + 400  # 10 % of full scale everywhere: not a JPEG, a broken decoder
    assert not selftest.compare("1.2.840.10008.1.2.4.91", noisy).matches
    assert not selftest.compare("1.2.840.10008.1.2.1", exact[:8]).matches
    failure = selftest.compare("1.2.840.10008.1.2.4.90", DecodeFailure(0, "RuntimeError: no plugin"))
    assert not failure.matches and "no plugin" in failure.detail


def test_a_missing_decoder_plugin_is_a_failure(
    samples: Samples, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a bundle that lost pylibjpeg's entry points: pydicom cannot find the named plugin."""
    monkeypatch.setitem(codecs._PLUGIN, codecs.Backend.OPENJPEG, "plugin-absent")
    checks = {c.id: c for c in selftest.check_decoders(samples)}
    j2k = checks["decoder.1.2.840.10008.1.2.4.90"]
    assert j2k.status is Status.FAILURE and "échec du décodage" in j2k.detail
    assert checks["decoder.1.2.840.10008.1.2.4.70"].status is Status.OK  # the others are unaffected


def test_compressed_samples_decode_in_a_spawned_worker(samples: Samples) -> None:
    check = selftest.check_decoder_workers(samples)
    assert check.status is Status.OK, check.detail
    compressed = [uid for uid, task in samples.tasks.items() if task.source.length is None]
    assert check.data["syntaxes"] == len(compressed) == 15
    assert check.data["wrong"] == []


def test_a_crash_a_hang_or_an_exception_in_a_child_is_reported() -> None:
    crashed = selftest.run_isolated(os.abort)
    assert crashed.error.startswith("processus arrêté par le signal 6")
    hung = selftest.run_isolated(time.sleep, 30, timeout=1.0)
    assert "aucune réponse en 1 s" in hung.error and hung.seconds < 10
    raised = selftest.run_isolated(int, "pas un nombre")
    assert raised.error.startswith("ValueError: invalid literal")
    assert selftest.run_isolated(pow, 2, 10).value == 1024


def test_vtk_renders_offscreen_and_reads_back_the_drawing() -> None:
    check = selftest.check_vtk()
    assert check.status is Status.OK, check.detail
    assert check.data["centre"] == list(FOREGROUND)
    assert check.data["corner"] == list(BACKGROUND)
    assert abs(check.data["foreground_pixels"] - 32 * 32) <= 2 * 64
    assert check.data["gl_renderer"]  # the GL in use, for the diagnostics panel


def test_a_black_render_is_a_failure() -> None:
    """What VTK gives under EGL with Qt's offscreen platform: no error, a black image."""
    black = {"vtk": "9", "window_class": "vtkEGLRenderWindow", "centre": [0, 0, 0], "corner": [0, 0, 0],
             "foreground_pixels": 0, "gl_vendor": "", "gl_renderer": "llvmpipe", "gl_version": "4.5"}
    check = selftest.vtk_check_from(black)
    assert check.status is Status.FAILURE and "ne correspond pas" in check.detail


def test_every_module_of_the_application_imports() -> None:
    check = selftest.check_modules()
    assert check.status is Status.OK, check.detail
    sources = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in selftest.APPLICATION_PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if p.name != "__main__.py" and p.parent.name != "__pycache__"
    } - set(selftest.APPLICATION_PACKAGES)
    assert set(check.data["imported"]) == sources


def test_shipped_templates_and_protocols_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    check = selftest.check_resources()
    assert check.status is Status.OK and check.data["terminology"] == "Tomodensitométrie"
    assert check.data["templates"] >= 1 and check.data["protocols"] >= 1

    def lost() -> None:
        raise FileNotFoundError("resources/protocols/protocoles.json")

    monkeypatch.setattr("workstation.justification.load_protocols", lost)
    missing = selftest.check_resources()
    assert missing.status is Status.FAILURE and "protocoles.json" in missing.detail


def test_keyring_accepted_refused_or_tolerated_in_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(VolatileKeyring())
        assert selftest.check_keyring(demo=False).status is Status.OK
        keyring.set_keyring(keyring.backends.fail.Keyring())
        refused = selftest.check_keyring(demo=False)
        assert refused.status is Status.FAILURE and "trousseau" in refused.detail
        demo = selftest.check_keyring(demo=True)
        assert demo.status is Status.WARNING and "mode démonstration" in demo.detail
    finally:
        keyring.set_keyring(previous)


def test_platform_online_with_its_ca(health_server) -> None:
    settings = Settings(platform_url=health_server.url, ca_file=health_server.ca_file)
    check = selftest.check_platform(settings)
    assert check.status is Status.OK and check.data["state"] == "online"


def test_platform_with_another_ca_is_a_failure(health_server, tmp_path: Path) -> None:
    import trustme

    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    check = selftest.check_platform(Settings(platform_url=health_server.url, ca_file=other))
    assert check.status is Status.FAILURE and check.data["state"] == "tls"
    assert "certificat" in check.detail


def test_unreachable_platform_is_degraded_mode_not_a_failure(closed_port: int, health_server) -> None:
    settings = Settings(platform_url=f"https://127.0.0.1:{closed_port}", ca_file=health_server.ca_file)
    check = selftest.check_platform(settings)
    assert check.status is Status.WARNING and check.data["state"] == "degraded"
    assert "mode dégradé" in check.detail


def test_report_lines_json_and_exit_status(closed_port: int) -> None:
    settings = Settings(platform_url=f"https://127.0.0.1:{closed_port}")
    report = selftest.run_checks(settings, demo=True, include_qt=False)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert report.version == version and not report.frozen
    lines = report.lines()
    assert len(lines) == len(report.checks) + 2
    assert lines[0] == f"Autotest du poste de téléradiologie {version} (environnement Python)"
    assert report.ok and lines[-1].startswith("Résultat : le poste est prêt")
    assert SelfTestReport.from_json(report.to_json()) == report
    broken = SelfTestReport(report.version, False, report.generated_at,
                            (*report.checks, Check("x", "autotest", "X", Status.FAILURE, "cassé")))
    assert not broken.ok and "N'EST PAS prêt" in broken.summary()


def test_translation_files_are_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check = selftest.check_translations()
    assert check.status is Status.OK and check.data["unreadable"] == []
    assert "English" in check.detail and "Français" in check.detail

    broken = tmp_path / "workstation_en.qm"
    broken.write_bytes(b"not a qm file")
    monkeypatch.setattr(install, "qm_files", lambda language: [broken, tmp_path / f"absent_{language}.qm"])
    lost = selftest.check_translations()
    assert lost.status is Status.WARNING and "workstation_en.qm" in lost.detail
    assert "absent_fr.qm" in lost.data["unreadable"]


def test_the_jpeg_frames_ship_as_package_data() -> None:
    """The frames are files beside the decoder checks, declared as package data (the wheel) and read
    through importlib.resources (the PyInstaller spec collects the package's data files)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    frames = sorted((ROOT / "workstation" / "selftest").glob("jpeg-*.jpg"))
    assert [f.name for f in frames] == sorted(f"jpeg-{uid}.jpg" for uid in decoders.JPEG_SYNTAXES)
    assert all(any(fnmatch.fnmatch(f.name, p) for p in patterns) for f in frames)
    assert all(jpeg_frame(uid)[:2] == b"\xff\xd8" for uid in decoders.JPEG_SYNTAXES)  # JPEG SOI
    spec = (ROOT / "packaging" / "teleradiologie.spec").read_text()
    assert 'for package in ("resources", "workstation",' in spec and "collect_data_files(package" in spec
