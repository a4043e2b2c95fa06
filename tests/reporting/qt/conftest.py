"""The PDF needs no display: without one (and without a platform chosen), let Qt run offscreen
rather than abort the whole test process."""

from __future__ import annotations

import os

if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
