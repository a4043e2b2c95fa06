"""Terminology tables of the report (modalities, regions, routes), read once from package data."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from reporting.model import DCM, EDQM, SNOMED_CT, Code


@cache
def _tables() -> dict:
    text = resources.files("resources.templates").joinpath("terminologie.json").read_text(encoding="utf-8")
    return json.loads(text)


def modality(code: str) -> Code:
    """The DCM-coded modality with its French name (the code alone when it is not in the table)."""
    entry = _tables()["modalites"].get(code.strip().upper())
    return Code(code.strip().upper(), DCM, entry["display"] if entry else "", "DCM")


def region(code: str, display: str = "") -> Code:
    entry = _tables()["regions"].get(code)
    return Code(code, SNOMED_CT, entry["display"] if entry else display, "SNOMED CT")


def localisation(region_code: str) -> Code | None:
    """The JDV_LocalisationAnatomique code used by default for acts and doses in this region."""
    entry = _tables()["regions"].get(region_code)
    if entry is None:
        return None
    code, display = entry["localisation"]
    return Code(code, SNOMED_CT, display, "SNOMED CT")


def route(code: str) -> Code:
    return Code(code, EDQM, _tables()["voies"].get(code, ""), "EDQM")
