"""What of a scanned cell is read: the ink of a cell the text detector missed, line by line."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from extract.scan.ocrpage import text_pieces

SCALE = 300 / 72
CELL = (100, 100, 160, 170)  # a narrow cell: 14 × 17 pt at 300 dpi (pixels, borders on its edges)


def _cell(paper: int = 230) -> np.ndarray:
    img = np.full((300, 300), paper, np.uint8)
    x0, y0, x1, y1 = CELL
    img[y0 : y0 + 3, x0:x1] = img[y1 - 3 : y1, x0:x1] = 40  # its rulings
    img[y0:y1, x0 : x0 + 3] = img[y0:y1, x1 - 3 : x1] = 40
    return img


def _glyph(img: np.ndarray, x: int, y: int, h: int, ink: int) -> None:
    """A glyph-like mark: two uprights and three bars, ``h`` pixels tall."""
    img[y : y + h, x : x + 2] = ink
    img[y : y + h, x + 9 : x + 11] = ink
    for yy in (y, y + h // 2, y + h - 2):
        img[yy : yy + 2, x : x + 11] = ink


def test_a_word_wrapped_over_two_lines_of_a_narrow_cell_is_read_line_by_line() -> None:
    """Issue 11: 参考分值 wrapped as 参考分 / 值 in a narrow header cell the detector missed was read as one
    crop of two lines, which the recogniser reads as nothing: the header and its column were lost."""
    img = _cell()
    _glyph(img, 110, 115, 16, 60)
    _glyph(img, 125, 115, 16, 60)
    _glyph(img, 118, 140, 16, 60)
    pieces = text_pieces(img, [], [CELL], SCALE)
    assert len(pieces) == 2, pieces
    top, bottom = sorted(pieces, key=lambda p: p[1])
    assert top[3] <= 140 and bottom[1] >= 131 and top[0] <= 110 and top[2] >= 135


def test_the_strokes_of_one_glyph_are_not_lines() -> None:
    """三 alone: bars with blank rows between them, each too low for a line of print: one piece."""
    img = _cell()
    for y in (120, 131, 142):
        img[y : y + 2, 115:145] = 60
    assert len(text_pieces(img, [], [CELL], SCALE)) == 1


def test_a_faint_figure_beside_a_rulings_residue_is_read_from_its_own_ink() -> None:
    """Issue 11: a figure printed light (its strokes 50 grey levels under the paper: small print, a light
    copy) in a cell whose skewed ruling leaves a strip of ink along the side: the figure was not taken as ink,
    or its crop ran the cell's full height with the strip in it, and read as nothing."""
    img = _cell()
    img[103:167, 103:106] = 60  # a skewed ruling's residue inside the border
    _glyph(img, 125, 125, 16, 180)
    (piece,) = text_pieces(img, [], [CELL], SCALE)
    assert piece[0] >= 118 and piece[1] >= 118 and piece[3] <= 146, piece


def test_a_blank_cell_and_its_rulings_residue_give_nothing_to_read() -> None:
    img = _cell()
    img[103:167, 103:106] = 60
    img[103:106, 103:157] = 60
    assert text_pieces(img, [], [CELL], SCALE) == []


def test_a_small_digit_blurred_grey_is_ink_by_its_core_and_bleed_through_is_not() -> None:
    """A 3 of 2.4-pt print in a 300-dpi grey scan (a crop of the simulator's page, ``tests/data``): only its
    core is 45 levels darker than the paper, 7 pixels tall, less than a glyph; the detector missed it and the
    cell read as a blank, unflagged (11 参考分值 of one form). Its fainter strokes joined to the core (a
    hysteresis threshold) make it a glyph: read, or doubted. A blank cell of the same page gives nothing, and
    neither does the digit at half its contrast (bleed-through from the back of the sheet)."""
    from PIL import Image

    from extract.scan.ocrpage import MIN_GLYPH_PT, _ink_box

    data = Path(__file__).parent / "data"
    digit = np.asarray(Image.open(data / "faint-digit-cell.png").convert("L"))
    blank = np.asarray(Image.open(data / "blank-cell.png").convert("L"))

    def box(img: np.ndarray) -> tuple[int, int, int, int]:
        return (6, 6, img.shape[1] - 6, img.shape[0] - 6)  # the cell's borders, 6 pixels into the crop

    tall = MIN_GLYPH_PT * SCALE
    assert _ink_box(digit, box(digit), tall, 45) is None  # the old threshold: too short, a blank
    found = _ink_box(digit, box(digit), tall, None)
    assert found is not None and found[0] >= 30 and found[2] <= 60, found
    assert len(text_pieces(digit, [], [box(digit)], SCALE)) == 1
    assert _ink_box(blank, box(blank), tall, None) is None and text_pieces(blank, [], [box(blank)], SCALE) == []
    paper = float(np.median(digit))
    ghost = (paper - (paper - digit.astype(float)) * 0.5).astype(np.uint8)
    ghost[:, :8] = digit[:, :8]  # the rulings as printed
    ghost[:, -8:] = digit[:, -8:]
    ghost[:8, :] = digit[:8, :]
    ghost[-8:, :] = digit[-8:, :]
    assert _ink_box(ghost, box(ghost), tall, None) is None


@pytest.mark.parametrize("seed", range(6))  # test seeds 0–99
def test_a_digit_a_threshold_broke_on_a_page_of_small_print_is_ink(seed: int) -> None:
    """A 3 of 2.3-pt print in a 300-dpi 1-bit scan a light threshold broke (a crop of the simulator's page,
    development scan department-1066, ``tests/data``): 8 pixels of it are left, where the page's digits are
    10 tall. The least glyph height on a page of small print was 0.3 of its lines' boxes (31 pixels: 9.3, above
    the fixed 8.3), nearly a whole digit: the cell read as a blank, unflagged (a 参考分值). It is 0.2 of them
    now, as of the table's rows: the remnant is ink, the cell doubted; a blank cell gives nothing still. The
    page's other measures (lines and rows of print like its own, their number) are drawn by the seed."""
    from PIL import Image

    from extract.scan.ocrpage import _ink_box, glyph_height

    rng = random.Random(seed)
    data = Path(__file__).parent / "data"
    digit = np.asarray(Image.open(data / "broken-digit-cell.png").convert("L"))
    blank = np.asarray(Image.open(data / "blank-cell.png").convert("L"))

    def box(img: np.ndarray) -> tuple[int, int, int, int]:
        return (6, 6, img.shape[1] - 6, img.shape[0] - 6)  # the cell's borders, 6 pixels into the crop

    n = rng.randrange(20, 200)
    lines = [(0, 0, 100, rng.randint(29, 33)) for _ in range(n)]  # the detector's boxes: glyphs and margins
    rows = [(0, 0, 100, rng.randint(58, 66)) for _ in range(n)]  # the table's cells
    least = glyph_height(lines, rows, SCALE)
    assert _ink_box(digit, box(digit), least, None) is not None, least
    assert _ink_box(blank, box(blank), least, None) is None
