"""The user guide and its screenshots agree with each other and with the script that makes them.

Regenerating the screenshots drives the whole application for about a minute (scripts/screenshots.py,
run by hand after an interface change); these checks are the cheap part that must hold at every
commit: every image the guide shows exists and is a real capture (a PNG of a plausible size), every
capture in the folder is shown by the guide, and each one is a name the script writes, so no
hand-made or stale picture slips into the guide.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide" / "README.md"
IMAGES = ROOT / "docs" / "guide" / "img"
SCRIPT = ROOT / "scripts" / "screenshots.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR", f"{path.name}: no IHDR chunk first"
    return struct.unpack(">II", header[16:24])


def _referenced() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(img/([^)]+)\)", GUIDE.read_text(encoding="utf-8"))


def _written_by_script() -> set[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    return {f"{name}.png" for name in re.findall(r'camera\.(?:widget|screen)\([^"]*"([^"]+)"', text)}


def test_every_image_of_the_guide_exists_and_is_a_capture() -> None:
    referenced = _referenced()
    assert len(referenced) >= 20  # the whole night, not a sample
    for name in referenced:
        path = IMAGES / name
        assert path.is_file(), f"the guide shows {name}, which is not in {IMAGES}"
        width, height = _png_size(path)
        assert width >= 300 and height >= 100, f"{name} is {width}x{height}: not a screen capture"


def test_every_capture_is_in_the_guide_and_made_by_the_script() -> None:
    on_disk = {p.name for p in IMAGES.glob("*.png")}
    assert on_disk == set(_referenced()), "captures not shown, or shown but missing"
    assert on_disk == _written_by_script(), "a capture the script does not write (or no longer writes)"


def test_the_main_window_captures_are_full_screen() -> None:
    """The window captures are taken at the reading-room size the guide describes (1920x1080)."""
    for name in ("03-liste-de-travail.png", "10-lecture.png", "20-mode-degrade.png"):
        assert _png_size(IMAGES / name) == (1920, 1080), name
    readme_shot = ROOT / "docs" / "screenshot-worklist.png"
    assert readme_shot.read_bytes() == (IMAGES / "03-liste-de-travail.png").read_bytes()
