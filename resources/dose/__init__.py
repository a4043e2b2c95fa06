"""Dose reference data shipped with the application (French diagnostic reference levels)."""
