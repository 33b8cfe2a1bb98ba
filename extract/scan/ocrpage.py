"""Scanned pages: prepare the image, find the ruled grid, read each piece of text inside its cell, and
hand the same cell boxes and text lines to the grid stage the text layer uses."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from extract.grid import build_grid
from extract.model import UNREAD_INK, BBox, Grid, PageContent, TextLine
from extract.scan.imagegrid import cell_boxes
from extract.scan.ocr import get_engine
from extract.scan.ocr.base import OcrEngine, OcrLine, PixelBox
from extract.scan.prep import (
    Prepared,
    direction_vote,
    level,
    mirrored,
    scan_resolution,
    title_way,
    too_small_to_weigh,
    turned_by_vote,
    upside_down,
)
from extract.settings import OcrSettings

MIN_PIECE_PX = 8  # narrower pieces of a text box (after splitting at cell borders) are ruling residue
INSET_PX = 4  # keep crops this far inside the cell borders
MIN_GLYPH_PT = 2.0  # ink in a cell no taller than this is no text (the smallest print is about 6 pt) …
SMALL_GLYPH_SHARE = 0.2  # … on a page of smaller print, ink this share of its lines' height (median box) …
ROW_GLYPH_SHARE = 0.2  # … or of its one-line rows' height (the cells' lower quartile) …
GLYPH_FLOOR_PX = 4  # … and never lower than this many pixels (a speck, a dash's stroke)
INK_LEVEL = 128  # grey below this is ink …
INK_CONTRAST = 70  # … and so is grey this much darker than the cell's paper (thin strokes of a 200-dpi scan)
UNREAD_CONTRAST = 45  # ink that faint in a cell the detector missed is read, and doubts a cell read blank
# … and so is a fainter stroke joined to such ink (a small digit blurred grey: only its core is that dark)
FAINT_CONTRAST = 30


def _split(box: PixelBox, cells: list[PixelBox]) -> list[PixelBox]:
    """A detected text box cut at the borders of the cells it runs across, each piece inside one cell."""
    x0, y0, x1, y1 = box
    cy = (y0 + y1) / 2
    pieces = []
    for cx0, cy0, cx1, cy1 in cells:
        if not (cy0 <= cy <= cy1) or cx1 <= x0 or x1 <= cx0:
            continue
        px0, px1 = max(x0, cx0 + INSET_PX), min(x1, cx1 - INSET_PX)
        py0, py1 = max(y0, cy0 + INSET_PX), min(y1, cy1 - INSET_PX)
        if px1 - px0 >= MIN_PIECE_PX and py1 - py0 >= MIN_PIECE_PX:
            pieces.append((px0, py0, px1, py1))
    return pieces if pieces else ([box] if not any(_inside(box, c) for c in cells) else [])


def _inside(box: PixelBox, cell: PixelBox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]


RESIDUE_PX = 6  # a ruling's residue lies this deep inside a cell's inset crop at most (skew, thick rulings)
RESIDUE_SHARE = 0.35  # … and inks this share of a row or column of it at least


def _cell_ink(gray: Any, cell: PixelBox, contrast: float) -> tuple[Any, int, int] | None:
    """The ink inside a cell (borders excluded): a mask and its origin. Ink: grey below ``INK_LEVEL``, or
    ``contrast`` darker than the cell's paper. What is left of a ruling along the crop's sides (a skewed
    or thick ruling reaches past the inset) is no ink: rows and columns at a side inked over
    ``RESIDUE_SHARE`` of their length are cleared, up to ``RESIDUE_PX`` deep."""
    x0, y0, x1, y1 = (cell[0] + INSET_PX, cell[1] + INSET_PX, cell[2] - INSET_PX, cell[3] - INSET_PX)
    if x1 - x0 < MIN_PIECE_PX or y1 - y0 < MIN_PIECE_PX:
        return None
    crop = gray[y0:y1, x0:x1]
    ink = crop < max(INK_LEVEL, float(np.median(crop)) - contrast)
    for mask in (ink, ink.T):  # rows, then columns (a view: cleared in place)
        n = mask.shape[0]
        for order in (range(min(RESIDUE_PX, n)), range(n - 1, max(n - 1 - RESIDUE_PX, -1), -1)):
            for i in order:
                if mask[i].mean() < RESIDUE_SHARE:
                    break
                mask[i] = False
    return ink, x0, y0


def glyph_ink(gray: Any, cell: PixelBox) -> tuple[Any, int, int] | None:
    """The ink of a cell as a reader of faint print sees it: grey ``UNREAD_CONTRAST`` darker than the
    paper, and the fainter strokes (``FAINT_CONTRAST``) joined to it: a hysteresis threshold. A small digit
    blurred grey by the scan (a 3 of 2.4-pt print at 300 dpi, 62 levels darker than the paper at most) is
    that dark only along its core, too short alone to be taken for a glyph; bleed-through (30 levels at
    most) and a scanner's noise have no such core."""
    import cv2

    found = _cell_ink(gray, cell, UNREAD_CONTRAST)
    weak = _cell_ink(gray, cell, FAINT_CONTRAST)
    if found is None or weak is None or not found[0].any():
        return found
    ink, x0, y0 = found
    _, labels = cv2.connectedComponents(weak[0].astype(np.uint8), connectivity=8)
    cored = np.unique(labels[ink & weak[0]])
    return ink | np.isin(labels, cored[cored > 0]), x0, y0


def _ink_box(gray: Any, cell: PixelBox, min_height: float, contrast: float | None = INK_CONTRAST) -> PixelBox | None:
    """The bounding box of the ink inside a cell (``_cell_ink``; ``contrast`` None: ``glyph_ink``), if there
    is any as tall as a glyph (a thinner strip is what is left of a ruling, or a dash placeholder: nothing
    to read)."""
    found = glyph_ink(gray, cell) if contrast is None else _cell_ink(gray, cell, contrast)
    if found is None:
        return None
    ink, x0, y0 = found
    if ink.sum() < 12:
        return None
    ys, xs = np.nonzero(ink)
    if ys.max() - ys.min() + 1 < min_height:
        return None
    return (x0 + int(xs.min()) - 2, y0 + int(ys.min()) - 2, x0 + int(xs.max()) + 3, y0 + int(ys.max()) + 3)


def _ink_lines(gray: Any, cell: PixelBox, min_height: float) -> list[PixelBox]:
    """The ink of a cell as lines of print: a word wrapped over two lines of a narrow cell (参考分 / 值) is
    two lines, and the recogniser reads one line at a time. Split only where every band of ink between
    blank rows is as tall as a glyph (the strokes of 三 alone are not lines)."""
    found = glyph_ink(gray, cell)
    if found is None:
        return []
    ink, x0, y0 = found
    if ink.sum() < 12:
        return []
    bands: list[list[int]] = []
    for y in np.flatnonzero(ink.any(axis=1)):
        if bands and bands[-1][1] >= y - 1:
            bands[-1][1] = int(y) + 1
        else:
            bands.append([int(y), int(y) + 1])
    if bands[-1][1] - bands[0][0] < min_height:
        return []
    if len(bands) < 2 or any(b - a < min_height for a, b in bands):
        bands = [[bands[0][0], bands[-1][1]]]
    lines = []
    for a, b in bands:
        xs = np.flatnonzero(ink[a:b].any(axis=0))
        lines.append((x0 + int(xs[0]) - 2, y0 + a - 2, x0 + int(xs[-1]) + 3, y0 + b + 2))
    return lines


def glyph_height(detected: list[PixelBox], cells: list[PixelBox], scale: float) -> float:
    """The least height (pixels) of ink taken for a glyph in a cell: ``MIN_GLYPH_PT``, lower on a page of
    print a few points tall (a 2.7-pt form's digits are 8 pixels tall at 300 dpi: its cells read blank
    would pass as not printed), measured by the detected lines of print and by the rows of the table."""
    least = [MIN_GLYPH_PT * scale]
    lines = sorted(b[3] - b[1] for b in detected)
    if len(lines) >= 20:
        least.append(SMALL_GLYPH_SHARE * lines[len(lines) // 2])
    rows = sorted(c[3] - c[1] for c in cells)
    if len(rows) >= 20:
        least.append(ROW_GLYPH_SHARE * rows[len(rows) // 4])
    return max(GLYPH_FLOOR_PX, min(least))


def text_pieces(gray: Any, detected: list[PixelBox], cells: list[PixelBox], scale: float) -> list[PixelBox]:
    """Line crops to read: detected boxes split at cell borders, plus the ink of any cell the detector
    missed (single digits in narrow cells, a word wrapped in a narrow cell are easy to miss), line by line.
    Faint print (thin strokes of small print, a light copy) counts as ink here as it does for a cell that
    reads blank (``UNREAD_CONTRAST``)."""
    pieces = [p for box in detected for p in _split(box, cells)]
    least = glyph_height(detected, cells, scale)
    for cell in cells:
        if not any(_inside(p, cell) for p in pieces):
            pieces += _ink_lines(gray, cell, least)
    return pieces


def missed_pieces(gray: Any, pieces: list[PixelBox], cells: list[PixelBox], least: float) -> list[PixelBox]:
    """Line crops of the cells holding ``pieces`` that none of them covers (``_missed_lines``)."""
    missed = []
    for cell in cells:
        if inside := [p for p in pieces if _inside(p, cell)]:
            missed += _missed_lines(gray, cell, inside, least)
    return missed


MISSED_LINE_SHARE = 0.45  # a line of a cell the detector missed has ink this share as tall as the boxes found there …
MISSED_INK_LEVELS = 15  # … printed as dark, within this many grey levels (``_darkest``: a seal's ring crossing the
# cell is lighter, 165–167 against the print's 132–147 in a grey scan, where no colour tells the seal apart) …
MISSED_CONFIDENCE = 0.8  # … and reads this surely


def _missed_lines(gray: Any, cell: PixelBox, found: list[PixelBox], least: float) -> list[PixelBox]:
    """Lines of print in a cell where the detector found others but not these: a header word wrapped in a
    narrow cell (指标性 / 质, 年初目标 / 值) or a paragraph's first line filling the cell's width between its
    rulings is missed on the reduced page while the lines below it are found — the cell read 质, the
    column's name lost, or a goal's text without its first line. A band of ink (``_ink_lines``) above or
    below the found lines is read too where it is as tall as a line of them (not a speck, a hair), printed
    as dark as the lightest of them (not a grey seal's ring) and set inside the cell: ink running into the
    cell's border is a ring or a ruling's residue. Only a cell with room for another line is looked at."""
    top, bottom = min(p[1] for p in found), max(p[3] for p in found)
    tall = max(p[3] - p[1] for p in found)
    if (cell[3] - cell[1] - 2 * INSET_PX) - (bottom - top) < MISSED_LINE_SHARE * tall:
        return []
    lines = [p for p in found if p[2] - p[0] >= p[3] - p[1]] or found  # not a ruling's end, a sliver of seal
    lightest = max(_darkest(gray, p) for p in lines)
    high = max(least, MISSED_LINE_SHARE * tall)
    above = (cell[0], cell[1], cell[2], top + INSET_PX)
    below = (cell[0], bottom - INSET_PX, cell[2], cell[3])
    missed = []
    for part in (above, below):
        if part[3] - part[1] - 2 * INSET_PX < high:
            continue
        for ln in _ink_lines(gray, part, high):
            at_border = ln[1] + 2 <= cell[1] + INSET_PX if part is above else ln[3] - 2 >= cell[3] - INSET_PX
            if not at_border and _darkest(gray, ln) <= lightest + MISSED_INK_LEVELS:
                missed.append(ln)
    return missed


def _darkest(gray: Any, box: PixelBox) -> float:
    """How dark the print in ``box`` is: the lower quartile of its ink's grey (pixels ``UNREAD_CONTRAST``
    darker than its paper) — its strokes' cores, however much paper the box holds; 255 for no ink."""
    crop = gray[max(box[1], 0) : box[3], max(box[0], 0) : box[2]]
    if not crop.size:
        return 255.0
    ink = crop[crop < float(np.median(crop)) - UNREAD_CONTRAST]
    return float(np.percentile(ink, 25)) if ink.size >= 12 else 255.0


STACK_RATIO = 3.0  # a cell this many times taller than wide may hold a name stacked one glyph per line


def _in_any(piece: PixelBox, cells: dict[PixelBox, Any]) -> bool:
    return any(_inside(piece, c) for c in cells)


def stacked_glyphs(gray: Any, cell: PixelBox) -> Any | None:
    """A tall narrow cell whose ink is a column of glyphs (a level-1 name printed one character per line,
    产/出/指/标): the glyphs laid side by side as one line image, for a recogniser that reads lines
    left to right. ``None`` for any other cell (one glyph run: a number, a word). Ink is ``glyph_ink`` (grey
    darker than the cell's paper, and the fainter strokes joined to it), so grey and light print keep their
    strokes whole (counted only under 128, a grey one-line name broke into runs a few pixels tall, a
    "column" read as 预算执-··.·); a skewed ruling's residue inside the cell is cleared (else one run down
    the cell: 上/年/结/转/金/额 no stack)."""
    x0, y0, x1, y1 = (cell[0] + INSET_PX, cell[1] + INSET_PX, cell[2] - INSET_PX, cell[3] - INSET_PX)
    if x1 - x0 < MIN_PIECE_PX or (y1 - y0) < STACK_RATIO * (x1 - x0):
        return None
    found = glyph_ink(gray, cell)  # strokes whole, grey or light print; a ruling's residue cleared
    if found is None:
        return None
    ink = found[0]
    width = ink.shape[1]
    for j in range(width):
        if _longest_run(ink[:, j]) > RULING_RUN * width:
            ink[:, j] = False  # a skewed ruling, inked down part of the cell: no glyph's stroke
    cols = _glyph_columns(np.flatnonzero(ink.sum(axis=0) >= 2), width)
    if len(cols) == 0:
        return None
    xa, xb = int(cols[0]), int(cols[-1]) + 1
    rows = ink[:, xa:xb].sum(axis=1) >= 1
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(np.int8), [0]))))
    raw = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    # a glyph is about as tall as the column is wide, or as its lines are tall where a line holds two
    # glyphs (上年 / 结转 / 金额 wrapped in a narrow cell): most runs of ink are whole lines
    tall = sorted(b - a for a, b in raw)
    glyph = max(min(xb - xa, tall[(3 * len(tall)) // 4] if tall else xb - xa), 8)
    runs: list[list[int]] = []
    for start, end in raw:
        if runs and start - runs[-1][1] <= glyph // 6 and end - runs[-1][0] <= 1.25 * glyph:
            runs[-1][1] = end  # parts of one glyph (土 over 口) separated by a thin gap
        else:
            runs.append([start, end])
    tallest = max(r[1] - r[0] for r in runs)
    runs = [r for r in runs if r[1] - r[0] >= 3 and not _speck_run(ink[r[0] : r[1], xa:xb], tallest)]
    if len(runs) < 2 or any(r[1] - r[0] > 1.6 * glyph for r in runs):
        return None  # one run, or runs taller than a glyph: not a column of single glyphs
    height = max(r[1] - r[0] for r in runs) + 8
    tiles = []
    for r0, r1 in runs:  # each line as wide as its own ink: a short last line, ), is no wide blank tile
        used = np.flatnonzero(ink[r0:r1, xa:xb].any(axis=0))
        ca, cb = xa + int(used[0]), xa + int(used[-1]) + 1
        tile = np.full((height, cb - ca + 8), 255, np.uint8)
        top = (height - (r1 - r0)) // 2
        tile[top : top + r1 - r0, 4 : 4 + cb - ca] = gray[y0 + r0 : y0 + r1, x0 + ca : x0 + cb]
        tiles.append(tile)
    return np.ascontiguousarray(np.hstack(tiles))


def _glyph_columns(cols: Any, width: int) -> Any:
    """The inked columns of a tall cell without a thin strip at a side, apart from the rest: a ruling's
    residue (a skewed ruling a few pixels inside the crop, its run shorter than ``RULING_RUN``), which
    would join the glyphs' rows into one run down the cell."""
    while len(cols) > 1:
        gaps = np.flatnonzero(np.diff(cols) > 2)  # groups of inked columns, apart by 3 blank ones or more
        if not len(gaps):
            break
        first, last = cols[: gaps[0] + 1], cols[gaps[-1] + 1 :]
        if first[-1] - first[0] < 3 and first[0] < RESIDUE_PX:
            cols = cols[gaps[0] + 1 :]
        elif last[-1] - last[0] < 3 and last[-1] >= width - RESIDUE_PX:
            cols = cols[: gaps[-1] + 1]
        else:
            break
    return cols


RULING_RUN = 1.5  # ink down a column of a tall cell longer than this many times its width is a ruling's


def _longest_run(column: Any) -> int:
    """The longest run of ink down one column of a mask."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], column.astype(np.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0


SPECK_RUN_SHARE = 1 / 3  # a run of ink lower and narrower than this share of the tallest is a speck (dust)


def _speck_run(ink: Any, tallest: int) -> bool:
    """A run of ink down a tall cell that is no glyph: a dot of dust, lower and narrower than a third of the
    cell's tallest run (a glyph, or a line of them). Dust above and below 产出指标 / (50分) laid beside it as
    tiles of their own lost its bracket: 产出指标50分）, no set score for the group."""
    cols = np.flatnonzero(ink.any(axis=0))
    width = int(cols[-1] - cols[0]) + 1 if len(cols) else 0
    return ink.shape[0] < SPECK_RUN_SHARE * tallest and width < SPECK_RUN_SHARE * tallest


SPECK_CONFIDENCE = 0.3  # one or two glyphs, no digit, read this unsurely: a speck or a seal's trace


def _speck(line: OcrLine) -> bool:
    """A mark read as a glyph or two with next to no confidence (福 at 0.04 where a seal's ring crosses an empty
    cell): no text. It would give an empty cell a value — a subtotal row an indicator's name. Digits are kept:
    an unsure number is reread and flagged, never dropped."""
    text = tidy(line.text)
    if text in RELATION_SIGNS:  # a 指标性质 cell's one sign, read unsure: kept (the field stage flags it)
        return False
    return line.confidence < SPECK_CONFIDENCE and len(text) <= 2 and not any(ch.isdigit() for ch in text)


def tidy(text: str) -> str:
    """OCR text without a stray mark before a line's first character (a speck read as ``。``). The
    width of punctuation (``,`` or ``，``) is as the engine read it: forms print both."""
    return text.strip().lstrip("。，、.·'`").strip()


CHEVRONS = {">": ">", "＞": ">", "》": ">", "≥": ">", "≧": ">", "<": "<", "＜": "<", "《": "<", "≤": "<", "≦": "<"}
RELATION_SIGNS = frozenset("=≥≤><＝")
BAR_THICKER = 1.6  # ink under a chevron's apex this many times that above it: the lower arm has a bar


def _first_glyph(ink: Any) -> Any | None:
    """The ink of a line crop's first glyph: from its first inked column to the first gap of two empty
    columns (at most as wide as the line is tall), trimmed to its rows."""
    cols = ink.any(axis=0)
    first = np.flatnonzero(cols)
    if not len(first):
        return None
    x0 = int(first[0])
    x1 = min(x0 + ink.shape[0], ink.shape[1])
    x = x0
    while x < x1 and (cols[x] or (x + 1 < x1 and cols[x + 1])):
        x += 1
    glyph = ink[:, x0:x]
    rows = np.flatnonzero(glyph.any(axis=1))
    return glyph[rows[0] : rows[-1] + 1] if len(rows) and glyph.shape[1] >= 4 else None


def _glyph_in(gray: Any, box: PixelBox) -> Any | None:
    """The first glyph of a line's crop (Otsu's ink), if it is tall enough to tell its strokes apart."""
    import cv2

    x0, y0, x1, y1 = box
    crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
    if crop.size == 0 or crop.shape[0] < 8:
        return None
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    glyph = _first_glyph(ink.astype(bool))
    return glyph if glyph is not None and glyph.shape[0] >= 6 else None


def _runs(column: Any) -> int:
    """Separate runs of ink down a column."""
    return int(np.count_nonzero(np.diff(column.astype(np.int8)) == 1) + int(column[0]))


BARS_READ = frozenset("二三一=＝")  # what a recogniser makes of a lone glyph of horizontal strokes


def _chevron(glyph: Any) -> str | None:
    """'>' or '<' when a lone glyph is a chevron (its rows' ink moves across and back, few rows run the
    glyph's width), None when it is bars (= read as 二) or anything else."""
    w = glyph.shape[1]
    rows = [np.flatnonzero(r) for r in glyph]
    inked = [(r[0], r[-1]) for r in rows if len(r)]
    if len(inked) < 6 or w < 4:
        return None
    full = sum(1 for a, b in inked if b - a + 1 >= 0.75 * w) / len(inked)
    if full > 0.3:
        return None
    centre = [(a + b) / 2 for a, b in inked]
    third = max(1, len(centre) // 3)
    ends = (np.mean(centre[:third]) + np.mean(centre[-third:])) / 2
    middle = float(np.mean(centre[third:-third] or centre))
    if abs(middle - ends) < 0.25 * w:
        return None
    return ">" if middle > ends else "<"


def relation_sign(gray: Any, line: OcrLine) -> OcrLine:
    """A line that starts with a chevron as read (>, ≥, 》, ＜ …) gets the sign its glyph shows: ≥ or ≤ when a
    bar runs under the chevron (upright or slanted with the lower arm, as CJK fonts draw it: a column down
    the lower half of the glyph crosses the arm and the bar), > or < when it crosses the arm alone. The
    recogniser reads ≥ as > or 》 on most scans (a target '≥6.8万人' came out '>6.8万人': another promise)."""
    text = line.text.strip()
    x0, y0, x1, y1 = line.box
    if text in BARS_READ and x1 - x0 <= 2.5 * (y1 - y0):  # a lone glyph read as bars: maybe a chevron
        glyph = _glyph_in(gray, line.box)
        turn = _chevron(glyph) if glyph is not None else None
        return line if turn is None else relation_sign(gray, OcrLine(turn, line.box, line.confidence))
    if not text or text[0] not in CHEVRONS:
        return line
    glyph = _glyph_in(gray, line.box)
    if glyph is None:
        return line
    h, w = glyph.shape
    upper, lower = glyph[: h // 2], glyph[h // 2 :]
    direction = CHEVRONS[text[0]]
    # the arms' open ends, away from the apex (where the arms meet, thick either way)
    lo, hi = (0.5, 0.85) if direction == "<" else (0.15, 0.5)
    middle = range(int(w * lo), max(int(w * hi), int(w * lo) + 1))
    crossings = float(np.median([_runs(lower[:, x]) for x in middle]))
    # blurred together, arm and bar are one stroke twice as thick as the upper arm
    thicker = float(lower[:, middle.start : middle.stop].sum()) / max(
        float(upper[:, middle.start : middle.stop].sum()), 1.0
    )
    barred = crossings >= 2 or thicker >= BAR_THICKER
    if text[0] in "≥≤≧≦" and not barred:
        return line  # the engine saw a bar the ink does not show clearly: keep its reading
    sign = {">": "≥", "<": "≤"}[direction] if barred else direction
    return OcrLine(sign + text[1:], line.box, line.confidence)


STROKES_READ = frozenset("1lI|丨")  # what a recogniser makes of a lone upright or slanted stroke
SLANT = 0.25  # a stroke whose centre moves across by this share of its height is slanted: a slash


def slash(gray: Any, line: OcrLine) -> OcrLine:
    """A lone stroke read as 1 (or l, |) that is slanted is the '/' forms print in a cell with no value;
    read as '1' on 1-bit scans, it became a score of 1 where the form has none. The centre of the stroke's
    ink row by row, fitted to a line: a 1 stands upright (its flag is short), a slash leans."""
    text = line.text.strip()
    x0, y0, x1, y1 = line.box
    if text not in STROKES_READ or x1 - x0 > 1.5 * (y1 - y0):
        return line
    glyph = _glyph_in(gray, line.box)
    if glyph is None or glyph.shape[0] < 8:
        return line
    rows = [(y, float(np.flatnonzero(r).mean())) for y, r in enumerate(glyph) if r.any()]
    ys = np.array([y for y, _ in rows], dtype=float)
    xs = np.array([x for _, x in rows])
    tilt = float(np.polyfit(ys, xs, 1)[0])  # columns per row: < 0 leans like '/'
    return OcrLine("/", line.box, line.confidence) if tilt <= -SLANT else line


def _read(prepared: Prepared, detected: list[PixelBox], settings: OcrSettings, engine: OcrEngine) -> _Read:
    """The grid's cells and the text in them, read on a prepared page."""
    scale = prepared.scale
    boxes: list[BBox] = cell_boxes(prepared.gray, scale, settings.grid)
    cells_px = [(int(b[0] * scale), int(b[1] * scale), int(b[2] * scale), int(b[3] * scale)) for b in boxes]
    stacked = {c: img for c in cells_px if (img := stacked_glyphs(prepared.gray, c)) is not None}
    pieces = [p for p in text_pieces(prepared.gray, detected, cells_px, scale) if not _in_any(p, stacked)]
    least = glyph_height(detected, cells_px, scale)
    missed = missed_pieces(prepared.gray, pieces, [c for c in cells_px if c not in stacked], least)
    read = engine.read(prepared.gray, pieces + missed)
    found = read[: len(pieces)] + [ln for ln in read[len(pieces) :] if ln.confidence >= MISSED_CONFIDENCE]
    lines = [slash(prepared.gray, relation_sign(prepared.gray, ln)) for ln in found]
    return _Read(boxes, lines, stacked, least)


TITLE_BAND_PX = 40  # a band above the table lower than this holds no title line to look for
DETECT_MIN_SIDE = 736  # RapidOCR's detector enlarges an image whose shorter side is below this to it


def _title_band(gray: Any, scale: float, read: _Read, engine: OcrEngine) -> list[OcrLine]:
    """A title above the table that the page's detection missed, where no line read there names a form's
    title: the detector, run on the reduced page, can lose a title whose first glyphs a seal's ring crosses
    (晋中市部门整体支出绩效自评表 under a grey seal, 200 dpi: no box at all). The ink of the band that no line
    read covers is detected again at the page's full resolution, and a title found there is read."""
    from extract.forms.vocabulary import vocabulary

    if not read.cells:
        return []
    top = int(min(c[1] for c in read.cells) * scale)
    if top < TITLE_BAND_PX:
        return []
    above = [ln for ln in read.lines if ln.box[3] <= top + 2]
    if any(vocabulary().names_title(ln.text) for ln in above):
        return []
    region = _uncovered_ink(gray[:top], [ln.box for ln in above], read.least)
    if region is None:
        return []
    x0, y0, x1, y1 = region
    crop = np.full((max(y1 - y0, DETECT_MIN_SIDE), max(x1 - x0, DETECT_MIN_SIDE)), 255, np.uint8)
    crop[: y1 - y0, : x1 - x0] = gray[y0:y1, x0:x1]  # white around it: never enlarged by the detector
    found = [(a + x0, b + y0, c + x0, d + y0) for a, b, c, d in engine.detect(crop, 1.0) or []]
    new = [b for b in found if b[3] - b[1] >= read.least and not any(_covers(ln.box, b) for ln in above)]
    return [ln for ln in engine.read(gray, new) if vocabulary().names_title(ln.text)]


def _uncovered_ink(band: Any, covered: list[PixelBox], least: float) -> PixelBox | None:
    """The box (with a margin) of the ink in ``band`` outside the ``covered`` boxes, where some of it is as
    tall as a glyph and as wide as a few; None for a band of margins, specks and lines already read."""
    import cv2

    ink = (band < 128).astype(np.uint8)
    for x0, y0, x1, y1 in covered:
        ink[max(y0, 0) : y1, max(x0, 0) : x1] = 0
    smeared = cv2.dilate(ink, np.ones((3, max(3, int(least))), np.uint8))  # a line's glyphs as one run
    _, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    big = [s for s in stats[1:] if s[3] >= least and s[2] >= 3 * least]
    if not big:
        return None
    m = int(least)
    h, w = band.shape[:2]
    x0 = max(min(int(s[0]) for s in big) - m, 0)
    y0 = max(min(int(s[1]) for s in big) - m, 0)
    x1 = min(max(int(s[0] + s[2]) for s in big) + m, w)
    y1 = min(max(int(s[1] + s[3]) for s in big) + m, h)
    return x0, y0, x1, y1


def _covers(a: PixelBox, b: PixelBox) -> bool:
    """Box ``a`` covers most of box ``b``'s width on the same line."""
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    cy = (b[1] + b[3]) / 2
    return overlap >= 0.5 * (b[2] - b[0]) and a[1] <= cy <= a[3]


def _unread_ink(grid: Grid, gray: Any, scale: float, least: float) -> Grid:
    """Cells that read as nothing but hold ink as tall as a glyph (a digit the recogniser missed, print
    under a seal, a faint figure): not blanks the form prints — their confidence is ``UNREAD_INK``, so a
    field read from one is flagged instead of passed as "not printed"."""
    cells = []
    for c in grid.cells:
        if not c.text.strip():
            box = (int(c.bbox[0] * scale), int(c.bbox[1] * scale), int(c.bbox[2] * scale), int(c.bbox[3] * scale))
            if _ink_box(gray, box, least, None) is not None:
                c = replace(c, confidence=UNREAD_INK)
        cells.append(c)
    return replace(grid, cells=tuple(cells))


@dataclass(frozen=True, slots=True)
class _Read:
    cells: list[BBox]  # points
    lines: list[OcrLine]  # pixels
    stacked: dict[PixelBox, Any]  # tall cells holding a name stacked one glyph per line: their line image
    least: float  # pixels: the least height of ink taken for a glyph (``glyph_height``)


def read_scanned_page(page: Any, number: int, settings: OcrSettings) -> PageContent:
    """One image page (a pdfium page) → lines, grid and text, like ``pages.read_page`` for text."""
    engine = get_engine(settings.engine)
    prepared, detected = level(page, settings.prep, engine)
    vote = direction_vote(prepared.gray, detected, engine)  # the way up, before any text is read
    prepared, detected = turned_by_vote(prepared, detected, vote)
    read = _read(prepared, detected, settings, engine)
    dpi = scan_resolution(page)
    way = 0 if vote == 0 else title_way(prepared.gray, detected, engine)  # unsure vote: what the title says
    if way is None and not too_small_to_weigh(detected, prepared.scale, dpi):
        way = 180 if upside_down(prepared.gray, read.lines, engine) else 0  # else how confidently lines read
    if way == 180:  # read again, turned over
        h, w = prepared.gray.shape[:2]
        prepared = prepared.turned_over()
        read = _read(prepared, [mirrored(b, w, h) for b in detected], settings, engine)
    read = replace(read, lines=read.lines + _title_band(prepared.gray, prepared.scale, read, engine))
    scale = prepared.scale
    lines = [
        TextLine(
            tidy(ln.text),
            (ln.box[0] / scale, ln.box[1] / scale, ln.box[2] / scale, ln.box[3] / scale),
            (ln.box[3] - ln.box[1]) / scale * 0.8,
            ln.confidence,
        )
        for ln in read.lines
        if tidy(ln.text) and not _speck(ln)
    ]
    for cell, img in read.stacked.items():  # a name stacked down a tall narrow cell, read as one line
        (one,) = engine.read(img, [(0, 0, img.shape[1], img.shape[0])])
        if tidy(one.text):
            box = (cell[0] / scale, cell[1] / scale, cell[2] / scale, cell[3] / scale)
            lines.append(TextLine(tidy(one.text), box, (cell[2] - cell[0]) / scale * 0.6, one.confidence))
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))
    w, h = prepared.gray.shape[1] / scale, prepared.gray.shape[0] / scale
    text = "\n".join(ln.text for ln in lines)
    grids: tuple[Grid, ...] = ()
    free = lines
    if read.cells:
        grid, free = build_grid(number, read.cells, lines, drawn=False)
        grids = (_unread_ink(grid, prepared.gray, scale, read.least),)
    return PageContent(
        number,
        w,
        h,
        "ocr",
        grids,
        tuple(free),
        text,
        prepared.gray,
        scale,
        prepared.page_map(),
        prepared.rotation,
        dpi,
    )
