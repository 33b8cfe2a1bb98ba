"""The grid stage on the real Jinzhong sample: spans, clipped text back in its own cell, page breaks."""

from __future__ import annotations

from collections import Counter

import pdfplumber
import pytest
import yaml

from extract.inspect.debug import shapes
from extract.model import Cell, PageContent
from extract.pdf.pages import read_page

from .conftest import JINZHONG, SAMPLES


@pytest.fixture(scope="module")
def pages() -> list[PageContent]:
    with pdfplumber.open(JINZHONG) as pdf:
        return [read_page(p, i, str(JINZHONG)) for i, p in enumerate(pdf.pages, start=1)]


def cell_with(page: PageContent, text: str) -> Cell:
    (cell,) = [c for g in page.grids for c in g.cells if c.text == text]
    return cell


def test_grid_counts_are_pinned(pages: list[PageContent]) -> None:
    # one ruled table per page: 7 columns; 18 rows / 69 cells, then 31 rows / 153 cells
    shape = [(len(p.grids), len(p.grids[0].xs) - 1, len(p.grids[0].ys) - 1, len(p.grids[0].cells)) for p in pages]
    assert shape == [(1, 7, 18, 69), (1, 7, 31, 153)]


def test_merged_cells_carry_their_spans(pages: list[PageContent]) -> None:
    p1, p2 = pages
    assert (cell_with(p1, "单位名称").col_span, cell_with(p1, "晋中市司法局").col_span) == (2, 5)
    assert cell_with(p1, "工作目标设定").row_span == 2
    assert cell_with(p1, "预算配置").row_span == 3
    assert cell_with(p2, "预算执行").row_span == 7
    # the vertical 绩效情况 label spans the whole indicator table on page 2, stacked glyphs joined
    vertical = cell_with(p2, "绩效情况")
    assert (vertical.col, vertical.row_span) == (0, 31)
    # across the page break the open-ended merged cell is closed instead of dropped
    assert Counter((c.row_span, c.col_span) for c in p1.grids[0].cells)[(8, 1)] == 1


def test_phone_number_that_runs_past_both_borders_stays_whole(pages: list[PageContent]) -> None:
    phone = cell_with(pages[0], "03542636171")
    label = cell_with(pages[0], "单位联系电话")
    assert phone.bbox[0] >= label.bbox[2] - 1  # the phone's own narrow cell, right of its label
    line = phone.lines[0]
    assert line.bbox[0] < phone.bbox[0] and line.bbox[2] > phone.bbox[2]  # the glyphs overrun both borders
    with pdfplumber.open(JINZHONG) as pdf:  # pdfplumber's own cell text splits it: the trap is real
        rows = pdf.pages[0].extract_tables()[0]
    assert "03542636171" not in {c for r in rows for c in r if c}


def test_clipped_lines_go_back_to_their_cell_not_the_next_row(pages: list[PageContent]) -> None:
    data = yaml.safe_load((SAMPLES / "data" / "jinzhong-2021-justice-bureau.yaml").read_text(encoding="utf-8"))
    rows = [r for g in data["indicators"] for l2 in g["level2"] for r in l2["rows"]]
    ordered = sorted((c for p in pages for g in p.grids for c in g.cells), key=lambda c: (c.page, c.row))
    cells = {c.text: c for c in ordered}
    checked = 0
    for row in rows:
        if row.get("analysis_hidden"):
            owner = next(c for c in ordered if c.text == row["analysis"])
            ordered.remove(owner)
            assert owner.hidden == row["analysis_hidden"]
            checked += 1
    assert checked >= 20
    cut = cells["“三公经费”变"]
    assert cut.hidden == "动率"
    # pdfplumber's own reading of the next row's cell picks up the hidden line
    below = cells["部署，认真安排，确"]
    with pdfplumber.open(JINZHONG) as pdf:
        text = pdf.pages[0].within_bbox(below.bbox).extract_text()
    assert sorted(text) == sorted("真制定年度计划。部署，认真安排，确")  # both lines, glyphs interleaved
    assert below.text == "部署，认真安排，确"


def test_debug_shapes(tmp_path) -> None:
    drawn = shapes(JINZHONG, 1)
    kinds = Counter(s.kind for s in drawn)
    assert kinds["cell"] == 69
    assert kinds["hidden"] == 6  # page 1 has 5 indicator rows: 5 clipped analyses + “三公经费”变|动率
    # the narrative whose amounts do not add up (a failed check's fields) is boxed as flagged
    assert [s.label for s in drawn if s.kind == "flagged"] == ["narratives.budget_execution"]
    fields = {s.label for s in drawn if s.kind == "field"}
    assert {"budget.carryover", "form.unit_phone", "indicators[0].score", "form.title"} <= fields
    from extract.inspect.debug import render

    img = render(JINZHONG, 2, resolution=40)
    assert img.size[0] > 300
    assert img.getpixel((6, 6)) == (40, 90, 220)  # the legend's first swatch (cell) on top of the page


@pytest.mark.slow
def test_debug_draws_a_scanned_page_as_ocr_read_it() -> None:
    """A page with no text layer: its cells come from the OCR stage, mapped back onto the page as stored."""
    scan = SAMPLES / "scans" / "jinzhong-2022-audit-bureau-scan200.pdf"
    drawn = shapes(scan, 1)
    kinds = Counter(s.kind for s in drawn)
    assert kinds["cell"] >= 40 and kinds["field"] + kinds["flagged"] >= 10
    width, height = 595.3, 841.9  # A4 in points
    assert all(-5 <= s.bbox[0] < s.bbox[2] <= width + 5 and -5 <= s.bbox[1] < s.bbox[3] <= height + 5 for s in drawn)
    unit = next(s for s in drawn if s.label == "form.unit_name")
    cell = next(
        s for s in drawn if s.kind == "cell" and abs(s.bbox[0] - unit.bbox[0]) < 3 and abs(s.bbox[1] - unit.bbox[1]) < 3
    )
    assert cell  # the field's box is a cell OCR found there


def test_a_vertical_labels_last_glyph_past_its_cell_is_not_the_next_cells_text() -> None:
    """绩/效/指/标 stacked down a narrow label cell whose merged cell ends a row above the glyph 标 (the label
    centred over rows a page break cut off): 标 fell into the wide 合计 cell below, whose text became 标 合计 —
    no label, and the form's totals were not read. A stacked label's glyphs past its cell are its own,
    clipped (``hidden``)."""
    from extract.grid import build_grid
    from extract.model import TextLine

    # the geometry of a generated national department form's last page (points)
    cells = [(29.0, 28.6, 50.6, 273.4), (50.6, 221.1, 98.5, 273.4), (29.0, 273.4, 399.1, 290.9)]
    tops = (242.5, 254.6, 266.7, 278.8)
    glyphs = [TextLine(ch, (30.4, y, 38.8, y + 8.4), 8.41) for ch, y in zip("绩效指标", tops, strict=True)]
    total = TextLine("合计", (205.7, 277.4, 222.5, 285.8), 8.41)
    grid, _ = build_grid(1, cells, [*glyphs, total])
    by_box = {c.bbox: c for c in grid.cells}
    assert by_box[cells[2]].text == "合计"
    assert by_box[cells[0]].text == "绩效指" and by_box[cells[0]].hidden == "标"
