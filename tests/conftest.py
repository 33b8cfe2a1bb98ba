from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
JINZHONG = SAMPLES / "jinzhong-2021-justice-bureau.pdf"


def sample_pdfs() -> list[Path]:
    return sorted(SAMPLES.glob("*.pdf"))


@pytest.fixture
def jinzhong(tmp_path: Path) -> Path:
    """A private copy of the Jinzhong sample (tests never write next to the committed samples)."""
    p = tmp_path / JINZHONG.name
    shutil.copy(JINZHONG, p)
    return p
