"""Scanned pages: prepare the image, find the ruled grid, read each piece of text inside its cell, and
hand the same cell boxes and text lines to the grid stage the text layer uses."""

from __future__ import annotations

from typing import Any

import numpy as np

from .grid import build_grid
from .imagegrid import cell_boxes
from .model import BBox, PageContent, TextLine
from .ocr import get_engine
from .ocr.base import PixelBox
from .prep import prepare
from .settings import OcrSettings

MIN_PIECE_PX = 8  # narrower pieces of a text box (after splitting at cell borders) are ruling residue
INSET_PX = 4  # keep crops this far inside the cell borders


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


def _ink_box(gray: Any, cell: PixelBox) -> PixelBox | None:
    """The bounding box of the ink inside a cell (borders excluded), if there is any."""
    x0, y0, x1, y1 = (cell[0] + INSET_PX, cell[1] + INSET_PX, cell[2] - INSET_PX, cell[3] - INSET_PX)
    if x1 - x0 < MIN_PIECE_PX or y1 - y0 < MIN_PIECE_PX:
        return None
    ink = gray[y0:y1, x0:x1] < 128
    if ink.sum() < 12:
        return None
    ys, xs = np.nonzero(ink)
    return (x0 + int(xs.min()) - 2, y0 + int(ys.min()) - 2, x0 + int(xs.max()) + 3, y0 + int(ys.max()) + 3)


def text_pieces(gray: Any, detected: list[PixelBox], cells: list[PixelBox]) -> list[PixelBox]:
    """Line crops to read: detected boxes split at cell borders, plus the ink of any cell the detector
    missed (single digits in narrow cells are easy to miss)."""
    pieces = [p for box in detected for p in _split(box, cells)]
    for cell in cells:
        if not any(_inside(p, cell) for p in pieces):
            ink = _ink_box(gray, cell)
            if ink is not None:
                pieces.append(ink)
    return pieces


def tidy(text: str) -> str:
    """OCR text without a stray mark before a line's first character (a speck read as ``。``). The
    width of punctuation (``,`` or ``，``) is as the engine read it: forms print both."""
    return text.strip().lstrip("。，、.·'`").strip()


def read_scanned_page(page: Any, number: int, settings: OcrSettings) -> PageContent:
    """One image page (a pdfium page) → lines, grid and text, like ``pages.read_page`` for text."""
    engine = get_engine(settings.engine)
    prepared = prepare(page, settings.prep, engine)
    scale = prepared.scale
    boxes: list[BBox] = cell_boxes(prepared.gray, scale, settings.grid)
    cells_px = [(int(b[0] * scale), int(b[1] * scale), int(b[2] * scale), int(b[3] * scale)) for b in boxes]
    pieces = text_pieces(prepared.gray, engine.detect(prepared.gray), cells_px)
    lines = [
        TextLine(
            tidy(ln.text),
            (ln.box[0] / scale, ln.box[1] / scale, ln.box[2] / scale, ln.box[3] / scale),
            (ln.box[3] - ln.box[1]) / scale * 0.8,
            ln.confidence,
        )
        for ln in engine.read(prepared.gray, pieces)
        if tidy(ln.text)
    ]
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))
    w, h = prepared.gray.shape[1] / scale, prepared.gray.shape[0] / scale
    text = "\n".join(ln.text for ln in lines)
    if not boxes:
        return PageContent(number, w, h, "ocr", (), tuple(lines), text, prepared.gray, scale, prepared.to_page)
    grid, free = build_grid(number, boxes, lines, drawn=False)
    return PageContent(number, w, h, "ocr", (grid,), tuple(free), text, prepared.gray, scale, prepared.to_page)
