"""Text lines on a prepared page: the engine's detector, or, for an engine without one (tesseract), rows
of ink split at wide gaps — what a detector is for, on a ruled form whose cells hold a line or a few each.
Rulings are removed first."""

from __future__ import annotations

from typing import Any

import numpy as np

from extract.scan.ocr.base import OcrEngine, PixelBox

SEAL_GHOST = 185  # red-channel values above this are paper or seal, not black ink
MIN_INK = 3  # pixels of ink in a row (or column) for it to count
GAP_FACTOR = 1.2  # a horizontal gap wider than this × line height splits a line


def _runs(profile: Any, min_len: int) -> list[tuple[int, int]]:
    on = profile >= MIN_INK
    out, start = [], None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= min_len:
                out.append((start, i))
            start = None
    if start is not None and len(on) - start >= min_len:
        out.append((start, len(on)))
    return out


def find_lines(engine: OcrEngine, gray: Any, scale: float) -> list[PixelBox]:
    """Boxes of the text lines on the page: the engine's own detector (on the page reduced by ``scale``),
    else the ink's rows."""
    boxes = engine.detect(gray, scale)
    return ink_lines(gray) if boxes is None else boxes


def ink_lines(gray: Any) -> list[PixelBox]:
    """Boxes of the text lines on the page, rulings excluded."""
    import cv2

    from extract.scan.imagegrid import ruling_masks
    from extract.settings import ImageGridSettings

    gray = np.where(gray > SEAL_GHOST, 255, gray).astype(np.uint8)  # the seal's ghost is not text
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    horiz, vert = ruling_masks(gray, 300 / 72, ImageGridSettings())
    rulings = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(rulings))
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    # glyph boxes, merged along rows into lines
    glyphs = [tuple(stats[i][:4]) for i in range(1, n) if stats[i][4] >= 6]
    glyphs.sort(key=lambda g: (g[1], g[0]))
    lines: list[list[int]] = []
    for x, y, w, h in glyphs:
        for ln in lines:
            height = ln[3] - ln[1]
            same_row = min(ln[3], y + h) - max(ln[1], y) > 0.4 * min(height, h)
            near = x - ln[2] <= GAP_FACTOR * max(height, h) and ln[0] - (x + w) <= GAP_FACTOR * max(height, h)
            if same_row and near:
                ln[0], ln[1], ln[2], ln[3] = min(ln[0], x), min(ln[1], y), max(ln[2], x + w), max(ln[3], y + h)
                break
        else:
            lines.append([x, y, x + w, y + h])
    lines = _merge_overlaps(lines)
    return [(a - 2, b - 2, c + 2, d + 2) for a, b, c, d in lines if (c - a) >= 6 and (d - b) >= 8]


def _merge_overlaps(lines: list[list[int]]) -> list[list[int]]:
    """Join lines that overlap (a glyph can bridge two partial lines): no text is read twice."""
    merged = True
    while merged:
        merged = False
        for i in range(len(lines)):
            for j in range(i + 1, len(lines)):
                a, b = lines[i], lines[j]
                v = min(a[3], b[3]) - max(a[1], b[1])
                h = min(a[2], b[2]) - max(a[0], b[0])
                if v > 0.4 * min(a[3] - a[1], b[3] - b[1]) and h > -4:
                    lines[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    del lines[j]
                    merged = True
                    break
            if merged:
                break
    return lines
