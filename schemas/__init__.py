"""The validated data of ``extract``: templates, rules, vocabulary and JSON Schemas. Kept at the top of
the repository (``schemas/``) and shipped inside the package as ``extract.schemas``."""

from __future__ import annotations

from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = SCHEMAS_DIR / "templates"
