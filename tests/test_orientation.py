"""Scans no one tuned for (issue 11): orientation that never turns an upright page, and OCR provenance
that survives the field stage. Pages come from the independent scan simulator (``samples/scansim``,
test seeds 0–99) over the committed layout variants, at 150–400 dpi, upright and turned."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extract.pipeline import extract_document
from extract.prep import prepare
from extract.settings import PrepSettings
from samples.scansim import page_rotation, simulate

from .conftest import SAMPLES

FIXED = SAMPLES / "variants" / "fixed"
CASES = [
    (kind, dpi, turn)
    for (kind, dpi), turn in zip(
        itertools.product(("project", "department"), (150, 200, 300, 400)),
        itertools.cycle((0, 90, 180, 270)),
        strict=False,
    )
] + [("project", 300, 0), ("department", 200, 0), ("department", 300, 180), ("project", 150, 90)]


@pytest.mark.parametrize(("kind", "dpi", "turn"), CASES)
def test_a_page_is_turned_upright_and_an_upright_page_never_turned(
    kind: str, dpi: int, turn: int, tmp_path: Path
) -> None:
    seed = CASES.index((kind, dpi, turn))  # test seeds: 0–99
    source = FIXED / f"{kind}-{seed % 6}.pdf"
    scan = tmp_path / "scan.pdf"
    recipe = simulate(source, seed, scan, dpi=dpi, rotation=turn)
    doc = pdfium.PdfDocument(scan)
    try:
        page = doc[0]
        prepared = prepare(page, PrepSettings())
        page.close()
    finally:
        doc.close()
    # the simulator turned the content clockwise by r; the pipeline turns it back clockwise by 360 - r
    assert prepared.rotation == (360 - page_rotation(recipe, 0)) % 360, (source.name, recipe.dpi, recipe.colour)


def test_values_read_on_a_scan_keep_their_ocr_origin() -> None:
    (record,) = extract_document(SAMPLES / "scans" / "chizhou-2022-village-funds-scan300.pdf").records
    read = {k: p for k, p in record.provenance.items() if p.method != "computed"}
    assert len(read) > 40
    text = sorted(k for k, p in read.items() if p.method != "ocr")
    assert text == [], text  # title, year, level-1 names, subtotals: all OCR
    # a value split from its cell's text (a level-1 name's printed points) keeps the cell's confidence
    sub = record.provenance["indicator_subtotals[0].set_score"]
    assert sub.confidence == record.provenance["indicator_subtotals[0].level1"].confidence < 1.0
