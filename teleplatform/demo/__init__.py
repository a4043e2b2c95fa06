"""Demo data for the reference platform: four imaged cases and six orders of one night of
teleradiology, written as the platform's data directory (dicom/, orders/, seed/).

    python -m teleplatform.demo --out DIR

See README.md in this package for the cases, and cases.py for every value as a constant.
"""

from .datadir import generate, is_complete

__all__ = ["generate", "is_complete"]
