"""Session-wide test configuration.

../shared (real DICOM and HL7 written by others, the ANS specs and schematrons) sits beside the
checkout in CI. Tests that need it take the ``shared_dir`` fixture, which skips with the reason when
it is absent, so a missing ../shared never passes silently.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.platform_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "README.md").is_file():
        pytest.skip(f"../shared is absent ({SHARED}): real data and specs unavailable on this machine")
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where GUI tests keep their screenshots (CI keeps them; developers look at them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def _private_profile(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Defaults (settings, audit journal, outbox, cache) land in a throw-away profile, never in the
    home folder of whoever runs the tests."""
    import os

    profile = tmp_path_factory.mktemp("profile")
    for name in ("DATA", "CONFIG", "CACHE"):
        folder = profile / name.lower()
        folder.mkdir()
        os.environ[f"XDG_{name}_HOME"] = str(folder)


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    """pytest-qt's application, in the workstation's default language from its first widget: French
    with its plural forms (« 1 fichier non affiché »), whichever test happens to run first."""
    from PySide6.QtWidgets import QApplication

    from resources.translations import qt as language

    class FrenchApplication(QApplication):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            language.install(self, "fr")

    return FrenchApplication
