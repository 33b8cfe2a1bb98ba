"""A level-1 name drawn across a page break, its glyphs cut in two: the upper halves at the foot of one
page's part of the merged cell, the lower halves at the head of the next page's (``mending.cut_through``).

The sources are generated layouts (``python -m samples.variants render --kinds department --seeds 1214``
and ``--seeds 1181``: national department forms whose indicator table breaks inside a level-1 group),
scanned in the test with the independent simulator's recipes of development scans department-1214 (seed
1200) and department-1181 (seed 1160), both at 300 dpi. Each strip read as something else (效益指标 as 放兴指坛
and 双益杨; 产出 as 广山), the group split in two at the break, and its subtotal score (the sum of its rows)
was two wrong figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extract

from .truth import score

DATA = Path(__file__).parent / "data"
SCANS = {  # source -> (the simulator's seed, the group the break cuts)
    "cut-name-department": (1200, 1),
    "cut-name-department-2": (1160, 2),
}
SOURCE_NAMES = {"cut-name-department": "department-1214", "cut-name-department-2": "department-1181"}


@pytest.fixture(scope="module", params=sorted(SCANS))
def scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    name: str = request.param
    seed, _ = SCANS[name]
    source = DATA / f"{name}.pdf"
    out = tmp_path_factory.mktemp("cut") / f"{name}.pdf"
    recipe = draw_recipe(seed, _pages(source), source=SOURCE_NAMES[name], dpi=300)
    out.write_bytes(apply_recipe(source, recipe).pdf)
    return name, out


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def test_a_name_cut_through_its_glyphs_by_a_page_break_is_one_group(scan: tuple[str, Path]) -> None:
    """The two strips are one group: as many groups as the form prints, the cut group's subtotal score the
    sum of all its rows on both pages; its name, not read, is in review; nothing silently wrong."""
    name, pdf = scan
    _, cut = SCANS[name]
    (rec,) = extract.read_pdf(pdf)
    truth = json.loads((DATA / f"{name}.truth.json").read_text(encoding="utf-8"))
    groups = sum(1 for k in truth["fields"] if k.startswith("indicator_subtotals[") and k.endswith(".level1"))
    assert len(rec.indicator_subtotals) == groups, [g.level1 for g in rec.indicator_subtotals]
    assert str(rec.indicator_subtotals[cut].score) == truth["fields"][f"indicator_subtotals[{cut}].score"]
    assert f"indicator_subtotals[{cut}].level1" in rec.review
    result = score(truth, rec)
    assert not result.silent and not result.blank, (result.silent, result.blank)
