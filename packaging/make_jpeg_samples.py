"""Regenerate the self-test's JPEG frames, ``workstation/selftest/jpeg-<UID>.jpg`` (needs dcmtk).

The self-test decodes one tiny image per transfer syntax. pydicom and the runtime dependencies can
encode RLE, JPEG-LS and JPEG 2000 but not the six JPEG processes, so those frames are made once here
with DCMTK's ``dcmcjpeg`` (an independent encoder, which is what a decoder check wants) from the same
image ``workstation.selftest.sample_image`` produces, and written beside the self-test's decoder
module as package data.

usage: .venv/bin/python packaging/make_jpeg_samples.py   (rewrites the six files)
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pydicom
from pydicom.encaps import generate_fragmented_frames

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workstation.selftest import sample_dataset  # noqa: E402

FRAMES = ROOT / "workstation" / "selftest"

# transfer syntax -> (dcmcjpeg option, bits stored of the source image)
PROCESSES = {
    "1.2.840.10008.1.2.4.50": ("+eb", 8),
    "1.2.840.10008.1.2.4.51": ("+ee", 12),
    "1.2.840.10008.1.2.4.53": ("+es", 12),
    "1.2.840.10008.1.2.4.55": ("+ep", 12),
    "1.2.840.10008.1.2.4.57": ("+el", 12),
    "1.2.840.10008.1.2.4.70": ("+e1", 12),
}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for uid, (option, bits) in PROCESSES.items():
            source, target = Path(tmp) / f"in{bits}.dcm", Path(tmp) / f"{uid}.dcm"
            sample_dataset(bits).save_as(source, enforce_file_format=True)
            subprocess.run(["dcmcjpeg", option, str(source), str(target)], check=True)
            ds = pydicom.dcmread(target)
            if ds.file_meta.TransferSyntaxUID != uid:
                raise SystemExit(f"dcmcjpeg {option} wrote {ds.file_meta.TransferSyntaxUID}, not {uid}")
            frame = b"".join(next(generate_fragmented_frames(ds.PixelData)))
            (FRAMES / f"jpeg-{uid}.jpg").write_bytes(frame)
            print(f"{uid}: {len(frame)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
