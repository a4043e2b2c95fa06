"""Report templates and terminology tables (package data, read with importlib.resources)."""
