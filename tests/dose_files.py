"""The dose of the files a test names (the application reads headers once for everything, through
reporting.study.scan_study, and hands them to reporting.dose.dose_from_datasets)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reporting.dose import dose_from_datasets
from reporting.model import DoseReport
from reporting.study import read_headers


def read_dose(paths: Iterable[Path]) -> DoseReport:
    """Dose of the examination made of these files (directories are walked; non-DICOM files skipped)."""
    return dose_from_datasets(read_headers(paths))
