"""A figure both recognisers missed, read by the page's own glyphs (``extract/scan/glyphs.py``).

The scan: a generated layout of a real Guangdong project form (``tests/data/small-print-project.pdf``:
``python -m samples.variants render --kinds project --seeds 1188``), fitted to one landscape sheet (4.1-pt
print), through the independent scan simulator at 200 dpi (seed 1160: grey, a photocopy's softness, blur,
turned 90°) — development scan project-1188. Lone digits of its 分值 and 得分 columns, nine pixels tall, read
as nothing by RapidOCR and by tesseract: 5 of 24 分值 unread, and the whole file was refused as "printed too
small" (its indicator table did not read whole), 12 of 80 numbers kept.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import extract
from extract.model import PageContent

DATA = Path(__file__).parent / "data"
SOURCE = DATA / "small-print-project.pdf"
FIGURE = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    out = tmp_path_factory.mktemp("glyphs") / "project-1188-s1160.pdf"
    out.write_bytes(apply_recipe(SOURCE, draw_recipe(1160, 1, source="project-1188", dpi=200)).pdf)
    return out


@pytest.fixture(scope="module")
def page(scan: Path) -> PageContent:
    from extract.pipeline import analyse

    return analyse(str(scan)).pages[1]


def _truth() -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(SOURCE.with_suffix(".truth.json").read_text(encoding="utf-8"))["fields"]
    return fields


def _flat(rec: extract.Record) -> dict[str, Any]:
    from .accuracy import leaves

    return dict(leaves(extract.to_dict(rec)))


def test_lone_digits_both_recognisers_miss_are_read_by_the_pages_own_glyphs(scan: Path) -> None:
    """The unread 分值 are read by the page's glyphs, each in review; the table reads whole, so the form
    is kept (it was refused), and no number is silently wrong."""
    (rec,) = extract.read_pdf(scan)
    assert rec.template == "project-national"
    truth, got = _truth(), _flat(rec)
    flagged = set(rec.review) | {f for c in rec.checks if c.status == "fail" for f in c.fields}
    by_glyphs = [f"indicators[{i}].set_score" for i in (3, 7, 23)]  # read as nothing by both engines
    for path in by_glyphs:
        assert got[path] == Decimal(truth[path]), path
        assert path in rec.review, path  # read by glyphs alone: in review
    numbers = [p for p, v in truth.items() if isinstance(v, (int, str)) and FIGURE.fullmatch(str(v))]
    exact = [p for p in numbers if got.get(p) is not None and Decimal(str(got[p])) == Decimal(str(truth[p]))]
    silent = [p for p in numbers if p not in exact and not any(p == f or p.startswith(f + ".") for f in flagged)]
    assert not silent, silent
    assert len(exact) >= 0.8 * len(numbers), (len(exact), len(numbers))  # 60 of 69: the form was refused


def test_every_figure_read_surely_reads_the_same_by_the_other_cells_glyphs_or_not_at_all(page: PageContent) -> None:
    """Each cell the recogniser read surely as a figure, read again by the glyphs of the page's other
    cells (never its own): the same figure, or none — never another. Enough of them read to matter."""
    from extract.scan.glyphs import glyph_bank, read_glyphs

    bank = glyph_bank(page)
    assert bank is not None
    s = page.scale
    same = other = 0
    for c in page.grids[0].cells:
        text = "".join(c.text.split())
        if c.confidence < 0.9 or not re.fullmatch(r"\d+(\.\d+)?", text):
            continue
        read = read_glyphs(bank, (int(c.bbox[0] * s), int(c.bbox[1] * s), int(c.bbox[2] * s), int(c.bbox[3] * s)))
        if read is not None:
            same += read[0] == text
            other += read[0] != text
    assert other == 0
    assert same >= 5, same  # 9 on this page


def test_words_and_empty_cells_are_no_figure_by_glyphs(page: PageContent) -> None:
    """Cells the recogniser read as words (labels, names, 万元), and cells with no ink, spell no figure."""
    from extract.scan.glyphs import glyph_bank, read_glyphs

    bank = glyph_bank(page)
    assert bank is not None
    s = page.scale
    words = [
        c
        for c in page.grids[0].cells
        if (c.confidence >= 0.8 and c.text.strip() and not re.search(r"\d", c.text))
        or (not c.text.strip() and c.confidence == 1.0)
    ]
    assert len(words) >= 50
    for c in words:
        box = (int(c.bbox[0] * s), int(c.bbox[1] * s), int(c.bbox[2] * s), int(c.bbox[3] * s))
        assert read_glyphs(bank, box) is None, c.text
