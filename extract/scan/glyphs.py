"""A figure both recognisers missed, read by the page's own glyphs.

Small print in a poor scan leaves a lone digit unread (a 3 of a 4-pt form at 200 dpi: nine pixels of grey,
no box from the detector, nothing from a crop of it): its cell holds ink and reads as nothing. The same page
prints the same digits, in the same font, through the same scan, in cells read with confidence: those are
the page's exemplars. A glyph of an unread cell is the digit whose exemplars it matches (normalised
cross-correlation of the glyph's grey, scaled to one height), when that match is near-identical and no other
digit's comes close. A digit the page prints nowhere else has no exemplar and is read as none; a dash, a
speck, a character, a glyph of another height are no digit. What is read so stays in review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from extract.model import PageContent
from extract.scan.ocr.base import PixelBox
from extract.scan.ocrpage import glyph_ink

BANK_CONFIDENCE = 0.9  # cells read at least this surely give exemplars
MATCH = 0.97  # a glyph is a digit whose exemplar it matches this closely (normalised cross-correlation) …
MARGIN = 0.02  # … and better by this much than any other digit's (on 21 pages of 1-bit, grey and colour
# scans at 200 and 300 dpi, each exemplar matched against the page's others: 218 of 553 taken, none wrong,
# and none taken had its own digit no other exemplar)
HEIGHTS = (0.75, 1.33)  # a glyph is compared with exemplars whose height is within these ratios of its own
SIDE = 20  # pixels: glyphs are compared scaled to this height, centred in a square this wide
DOT_SHARE = 0.6  # ink lower than this share of the cell's tallest glyph is a point (low) or a speck (high)
SPECK_SHARE = 0.35  # ink apart from the digits no larger than this share of their height is a speck
EXEMPLAR = re.compile(r"[0-9][0-9.,]*")


@dataclass(frozen=True, slots=True)
class Glyph:
    kind: str  # "digit" (as tall as a glyph), "point" (small, low), "speck" (small, high)
    box: PixelBox
    edge: bool = False  # the ink reaches the side of the cell's crop: a ruling's residue, clipped print


@dataclass(slots=True)
class GlyphBank:
    """A page's exemplars: digit -> glyph images (normalised), their heights in pixels and their cells."""

    gray: Any
    paper: float
    digits: dict[str, list[tuple[Any, int, PixelBox]]] = field(default_factory=dict)


def glyphs(gray: Any, box: PixelBox) -> list[Glyph]:
    """The glyphs of a cell, left to right: its ink (``glyph_ink``) in connected pieces, pieces one above
    another (the parts of a broken digit) joined."""
    import cv2

    found = glyph_ink(gray, box)
    if found is None:
        return []
    ink, x0, y0 = found
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    pieces = sorted(
        (int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 0] + stats[i, 2]), int(stats[i, 1] + stats[i, 3]))
        for i in range(1, n)
    )
    joined: list[tuple[int, int, int, int]] = []
    for p in pieces:
        if joined:
            q = joined[-1]
            overlap = min(p[2], q[2]) - p[0]
            if overlap > 1 and overlap >= 0.5 * min(p[2] - p[0], q[2] - q[0]):
                joined[-1] = (min(p[0], q[0]), min(p[1], q[1]), max(p[2], q[2]), max(p[3], q[3]))
                continue
        joined.append(p)
    if not joined:
        return []
    tallest = max(g[3] - g[1] for g in joined)
    top = min(g[1] for g in joined)
    h, w = ink.shape
    out = []
    for g in joined:
        low = g[1] >= top + 0.5 * tallest
        kind = "digit" if g[3] - g[1] >= DOT_SHARE * tallest else "point" if low else "speck"
        edge = g[0] == 0 or g[1] == 0 or g[2] == w or g[3] == h
        out.append(Glyph(kind, (x0 + g[0], y0 + g[1], x0 + g[2], y0 + g[3]), edge))
    return out


def _normalised(bank: GlyphBank, box: PixelBox) -> tuple[Any, int]:
    """A glyph's ink darkness (0 paper .. 1 its darkest) scaled to ``SIDE`` pixels tall, centred."""
    import cv2

    crop = bank.gray[box[1] : box[3], box[0] : box[2]].astype(np.float32)
    dark = np.clip((bank.paper - crop) / max(bank.paper - float(crop.min()), 1.0), 0.0, 1.0)
    h, w = dark.shape
    width = min(SIDE, max(1, round(w * SIDE / h)))
    small = cv2.resize(dark, (width, SIDE), interpolation=cv2.INTER_AREA)
    square = np.zeros((SIDE, SIDE), np.float32)
    left = (SIDE - width) // 2
    square[:, left : left + width] = small
    return square, h


def _likeness(a: Any, b: Any) -> float:
    x, y = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum()) / norm if norm else 0.0


def glyph_bank(page: PageContent) -> GlyphBank | None:
    """The exemplars of a scanned page: each digit of each cell read surely as a figure alone (3, 22, 5.0,
    1,006.80) whose ink is as many glyphs as it has digits."""
    if page.image is None or not page.grids:
        return None
    gray = page.image if page.image.ndim == 2 else page.image.mean(axis=2).astype(np.uint8)
    bank = GlyphBank(gray, float(np.median(gray)))
    s = page.scale
    for grid in page.grids:
        for c in grid.cells:
            text = "".join(c.text.split())
            if c.confidence < BANK_CONFIDENCE or not EXEMPLAR.fullmatch(text):
                continue
            box = (int(c.bbox[0] * s), int(c.bbox[1] * s), int(c.bbox[2] * s), int(c.bbox[3] * s))
            every = glyphs(gray, box)
            found = [g for g in every if g.kind == "digit"]
            digits = [ch for ch in text if ch.isdigit()]
            if len(found) != len(digits) or any(g.edge for g in every):
                continue
            for g, d in zip(found, digits, strict=True):
                bank.digits.setdefault(d, []).append((*_normalised(bank, g.box), box))
    return bank


def read_glyphs(bank: GlyphBank, box: PixelBox) -> tuple[str, float] | None:
    """The figure a cell's glyphs spell by the page's exemplars (none of the cell's own), with the least
    likeness of its digits; None where any glyph is no digit surely (no match near-identical, two close)."""
    found = glyphs(bank.gray, box)
    digits = [i for i, g in enumerate(found) if g.kind == "digit"]
    if not digits or any(g.edge for g in found):
        return None
    text, least = "", 1.0
    tallest = max(g.box[3] - g.box[1] for g in found)
    for i, g in enumerate(found):
        if g.kind == "point" and digits[0] < i:
            text += "." if i < digits[-1] else ""  # a decimal point (or a comma); after the figure: no matter
            continue
        if g.kind != "digit":  # a speck of the scan, if small: a part of a glyph, if not
            if max(g.box[2] - g.box[0], g.box[3] - g.box[1]) > SPECK_SHARE * tallest:
                return None
            continue
        read = _digit(bank, g.box, box)
        if read is None:
            return None
        text += read[0]
        least = min(least, read[1])
    if text.count(".") > 1 or re.fullmatch(r"\d+\.\d{3}", text):
        return None  # a comma and a point alike at this size: 1,006.80, or 1,006 (1.006?), is not read so
    return text, least


def _digit(bank: GlyphBank, box: PixelBox, cell: PixelBox) -> tuple[str, float] | None:
    image, height = _normalised(bank, box)
    best: dict[str, float] = {}
    for d, exemplars in bank.digits.items():
        for exemplar, h, source in exemplars:
            if source != cell and HEIGHTS[0] <= height / h <= HEIGHTS[1]:
                best[d] = max(best.get(d, -1.0), _likeness(image, exemplar))
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    digit, likeness = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
    if likeness < MATCH or likeness - runner_up < MARGIN:
        return None
    return digit, likeness
