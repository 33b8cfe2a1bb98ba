"""The parts of a group's merged name cells over page breaks, on scans: found, and joined through specks.

A level name merged down over rows is printed once, on the page holding the middle of its range; the other
pages show blank parts of the cell, which join the named part (``forms.mending``). Two things broke that
chain on scans of development layouts, and the rows of a blank part went to the group above (both
subtotal scores of the two groups wrong, flagged):

- a page holding one row of the group (department-1309: 过程 runs from the foot of page 1 over page 2's one
  row to page 3, where its name is printed). The cells running on over both breaks have no ruling across
  at the page's top and bottom of the table, and their sides (39 pt, under two ``anchor_free_pt``) met no
  ruling across: dropped, so page 2 had no level columns (``imagegrid._at_page_edges``);
- a blank part in which OCR read specks: ``*`` or ``+`` (dust, a seal's fleck) made it a named part
  (``mending._blank``), and ``=*重`` at 0.41 in a blank name cell 16 rows tall a group of its own
  (``listtables.no_figures_for_names``: every group name has two characters or more).

Sources: development layouts department-1309 and department-1311 (``python -m samples.variants render
--kinds department --seeds 1309,1311``; 1311 printed fit to width, as the scan benchmark prints it), scanned
in the test with the simulator's recipe of development scan seed 1280 (300 and 200 dpi).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import extract
from extract.model import Record
from extract.scan.imagegrid import cell_boxes

from .pdfs import simulated_scan
from .test_cut_names import _mended, _part
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
SCALE = 300 / 72


def _truth(name: str) -> dict[str, str | None]:
    fields: dict[str, str | None] = load_truth(DATA / f"{name}.pdf")["fields"]
    return fields


def test_a_page_of_one_row_keeps_the_columns_running_on_over_both_breaks() -> None:
    """Page 2 of a table cut twice: one row, ruled above and below from the level-3 column on; to its left
    the vertical label's, the level-1 and the level-2 columns' sides, as tall as the row, with nothing across."""
    img = np.full((400, 2900), 245, np.uint8)
    top, bottom = 120, 282  # a 39-pt row at 300 dpi
    for x in (730, 820, 1020):  # the label's, level 1's and level 2's sides: the cells run on over both breaks
        img[top:bottom, x : x + 3] = 20
    for x in (1240, 1550, 1800, 2040, 2180, 2380, 2780):
        img[top:bottom, x : x + 3] = 20
    for y in (top, bottom - 3):
        img[y : y + 3, 1240:2783] = 20
    boxes = cell_boxes(img, SCALE)
    lefts = sorted(round(b[0] * SCALE) for b in boxes)
    want = [730, 820, 1020]  # the label's, level 1's and level 2's parts: cells of the row
    assert len(lefts) > 3 and all(abs(a - b) <= 3 for a, b in zip(lefts[:3], want, strict=True)), lefts
    assert lefts[3] > 1200, lefts
    assert len(boxes) == 9, boxes


def test_specks_in_a_blank_part_do_not_break_the_chain() -> None:
    """投入's cell ends on page 1; a blank part at page 1's foot, one read ``*`` on page 2, 过程 printed at the
    head of page 3: all three parts are 过程's."""
    texts = _mended(
        _part(1, "投入", (600.0, 700.0), (640.0, 650.0), 3),
        _part(1, "", (700.0, 809.0), (0.0, 0.0), 4),
        _part(2, "*", (29.0, 67.0), (45.0, 50.0), 1),
        _part(3, "过程", (29.0, 239.0), (205.0, 215.0), 6),
    )
    assert texts == ["投入"] * 3 + ["过程"] * 11


@pytest.mark.parametrize(
    ("text", "confidence", "source", "no_name"),
    [
        ("8", 0.07, "ocr", True),  # a figure, no Chinese: faint specks where a name's cell was cut
        ("*", 0.68, "ocr", True),
        ("=*重", 0.41, "ocr", True),  # one character among marks
        ("鲁", 0.54, "ocr", True),  # one character, of no group name (the grain of a blank cell 3 rows tall)
        ("豪", 0.83, "ocr", True),
        ("帝鲁", 0.41, "ocr", True),  # unsure, no character of any group name
        ("帝鲁", 0.95, "ocr", False),  # read surely: a name the vocabulary does not know, kept (and flagged)
        ("效色模", 0.40, "ocr", False),  # 效益指标 misread: shares 效, kept (a name not surely read, flagged)
        ("效", 0.90, "ocr", False),  # the part of a name a break cut
        ("产出", 0.30, "ocr", False),
        ("(50分)", 0.60, "ocr", False),  # a wrapped name's points, its second line on the next page
        ("鲁", 0.54, "text", False),  # a text layer prints what it prints
    ],
)
def test_what_a_scanned_name_cell_shows_is_a_name_or_not(
    text: str, confidence: float, source: str, no_name: bool
) -> None:
    from extract.forms.mending import shows_no_name
    from extract.model import Cell

    cell = Cell(2, 0, 0, 3, 1, (80.0, 100.0, 120.0, 200.0), text, confidence=confidence, source=source)
    assert shows_no_name(cell) is no_name


@pytest.fixture(scope="module")
def one_row_page(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("parts") / "one-row.pdf"
    source = DATA / "one-row-page-department.pdf"
    (rec,) = extract.read_pdf(simulated_scan(source, out, 1280, 3, "department-1309", 300))
    return rec


def test_the_rows_of_a_one_row_page_belong_to_their_group(one_row_page: Record) -> None:
    truth = _truth("one-row-page-department")
    for j, ind in enumerate(one_row_page.indicators):
        assert ind.level1 == truth[f"indicators[{j}].level1"], j
    for k, sub in enumerate(one_row_page.indicator_subtotals):
        assert str(sub.score) == truth[f"indicator_subtotals[{k}].score"], (k, sub.level1)
    result = score(load_truth(DATA / "one-row-page-department.pdf"), one_row_page)
    assert not result.silent and not result.blank


def test_specks_read_in_a_blank_name_cell_name_no_group(tmp_path: Path) -> None:
    out = tmp_path / "specks.pdf"
    source = DATA / "specks-in-name-department.pdf"
    (rec,) = extract.read_pdf(simulated_scan(source, out, 1280, 3, "department-1311", 200))
    truth = _truth("specks-in-name-department")
    assert [s.level1 for s in rec.indicator_subtotals] == ["投入", "过程", "产出", "效果"]
    for j, ind in enumerate(rec.indicators):
        assert ind.level1 == truth[f"indicators[{j}].level1"], j
    result = score(load_truth(DATA / "specks-in-name-department.pdf"), rec)
    assert not result.silent and not result.blank
