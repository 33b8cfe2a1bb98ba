"""The grid of a scanned page from its rulings: merged cells, and broken or faint lines still closing."""

from __future__ import annotations

import numpy as np

from extract.imagegrid import cell_boxes

SCALE = 300 / 72


def draw_table(gaps: bool, faint: bool) -> np.ndarray:
    img = np.full((1200, 1600), 245, np.uint8)
    ink = 150 if faint else 20
    ys = [100, 200, 300, 400, 500]
    xs = [100, 500, 900, 1300]
    for y in ys:
        img[y : y + 3, xs[0] : xs[-1] + 3] = ink
    for x in xs:
        img[ys[0] : ys[-1] + 3, x : x + 3] = ink
    img[300:303, 503:900] = 245  # merge two cells across rows: no ruling between them
    img[403:500, 900:903] = 245  # and two cells across columns in the last row
    if gaps:  # a scanner's broken rulings: 7 px holes every 150 px
        for y in ys:
            for x in range(160, 1300, 150):
                img[y : y + 3, x : x + 7] = 245
        for x in xs:
            for y in range(140, 500, 150):
                img[y : y + 7, x : x + 3] = 245
    return img


def test_cells_and_spans_from_rulings() -> None:
    boxes = cell_boxes(draw_table(gaps=False, faint=False), SCALE)
    assert len(boxes) == 10  # 12 slots, one row-merge and one column-merge
    tall = [b for b in boxes if round((b[3] - b[1]) * SCALE) == 200]
    wide = [b for b in boxes if round((b[2] - b[0]) * SCALE) == 800]
    assert len(tall) == 1 and len(wide) == 1


def test_broken_and_faint_rulings_still_close_the_grid() -> None:
    assert len(cell_boxes(draw_table(gaps=True, faint=False), SCALE)) == 10
    assert len(cell_boxes(draw_table(gaps=True, faint=True), SCALE)) == 10
