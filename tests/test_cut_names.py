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
from extract.model import Cell

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


def _part(page: int, text: str, cell: tuple[float, float], line: tuple[float, float], rows: int) -> tuple[Cell, int]:
    """A level-1 cell's part on one page of a scan: its rows, the cell's top and bottom, its one line of text."""
    from extract.model import TextLine

    c = Cell(
        page,
        0,
        0,
        rows,
        1,
        (80.0, cell[0], 120.0, cell[1]),
        text,
        (TextLine(text, (82.0, line[0], 118.0, line[1]), 9.0, 0.6),),
        confidence=0.6,
        source="ocr",
    )
    return c, rows


def _mended(*parts: tuple[Cell, int]) -> list[str | None]:
    """The level-1 text of every row once ``mend_page_breaks`` ran over the parts given (page by page)."""
    from extract.forms.mending import mend_page_breaks
    from extract.forms.sheet import Row

    rows: list[tuple[Row, dict[str, Cell | None]]] = []
    for cell, n in parts:
        for k in range(n):
            rows.append((Row(cell.page, k, (cell,)), {"level1": cell, "level2": None}))
    mend_page_breaks(rows, ("level1",))
    return [None if cells["level1"] is None else cells["level1"].text for _, cells in rows]


@pytest.mark.parametrize(
    ("above", "below", "want"),
    [
        # strips of half glyphs at the cut edges, neither a name: one group, its name the level-1 name
        # sharing most characters with both strips (效益指标: 益 and 指), unsure
        ("放兴指坛", "双益杨", "效益指标"),
        # a strip that reads as a group name names the group, its points (from half glyphs) dropped
        ("产出（20分）", "面（30万）", "产出"),
    ],
)
def test_strips_of_one_name_at_a_page_break_join(above: str, below: str, want: str) -> None:
    texts = _mended(_part(2, above, (115.0, 241.0), (235.2, 240.0), 3), _part(3, below, (65.0, 190.0), (65.8, 70.1), 2))
    assert texts == [want] * 5


def test_a_wrapped_name_and_two_names_at_a_page_break_are_not_taken_for_strips() -> None:
    """A name wrapped over the break keeps its points (whole lines at the cut edges: 产出指标 | (50分)); two
    group names that read, each at its edge, stay two groups; parts whose text is not at the cut stay apart."""
    wrapped = _mended(
        _part(1, "产出指标", (700.0, 809.0), (797.0, 807.0), 2), _part(2, "(50分)", (29.0, 120.0), (30.0, 40.0), 3)
    )
    assert wrapped == ["产出指标(50分)"] * 5
    two = _mended(
        _part(1, "产出指标", (700.0, 809.0), (797.0, 807.0), 2), _part(2, "效益指标", (29.0, 120.0), (30.0, 40.0), 3)
    )
    assert two == ["产出指标"] * 2 + ["效益指标"] * 3
    centred = _mended(
        _part(1, "放兴指坛", (700.0, 809.0), (750.0, 760.0), 2), _part(2, "双益杨", (29.0, 120.0), (65.8, 70.1), 3)
    )
    assert centred == ["放兴指坛"] * 2 + ["双益杨"] * 3


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
