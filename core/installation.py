"""Is the installation whole? The files the program reads at run time, beside its code.

A bundle built without `resources/` or `db/migrations/` (packaging/mediation_habitat.spec), or a
checkout missing a folder, would otherwise fail much later with an English traceback. main.py asks
`missing_parts()` before anything else and stops with a French message naming what is missing.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the checkout, or the bundle's folder (sys._MEIPASS)
REQUIRED_FILES = (
    "resources/fonts/DejaVuSans.ttf",  # embedded in every PDF
    "resources/fonts/DejaVuSans-Bold.ttf",
    "db/migrations/env.py",  # Alembic creates and upgrades the base
)
REQUIRED_FOLDERS = {  # folder: files it must hold at least one of
    "resources/reference": "*.json",
    "resources/templates": "*.txt",
    "db/migrations/versions": "*.py",
}


def missing_parts(root: Path = ROOT) -> list[str]:
    """The required files and folders absent under `root`, as relative paths (empty when all is there)."""
    missing = [name for name in REQUIRED_FILES if not (root / name).is_file()]
    missing += [name for name, pattern in REQUIRED_FOLDERS.items() if not any((root / name).glob(pattern))]
    return missing
