"""From the characters of a text layer to lines of text, in drawing order.

A spreadsheet draws each cell's text as one string. Characters are grouped, in content-stream
order, into ``TextLine``s (one line of one string) and lines into blocks (the lines of one wrapped
string). The grid stage then gives each block to the one cell it belongs to, even where the glyphs
run past the cell's borders.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from extract.model import TextLine
from extract.validate import checked

Char = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
@checked
class LineSettings:
    same_line: float = 0.45  # max |Δtop| / size for two chars to be on one line
    join_gap: float = 0.35  # max forward gap / size inside one string (cells' strings are further apart)
    space_gap: float = 0.18  # a gap wider than this (× size) becomes a space
    block_step_min: float = 0.8  # next line of a wrapped string: Δtop / size in [min, max]
    block_step_max: float = 2.2
    block_align: float = 0.6  # alignment tolerance (× size) of wrapped lines


DEFAULT_LINE_SETTINGS = LineSettings()


Wall = tuple[float, float, float]  # a vertical cell border: x, top, bottom


def _continues(prev: Char, char: Char, s: LineSettings, walls: Sequence[Wall] = ()) -> bool:
    size = max(float(prev["size"]), float(char["size"]), 1.0)
    if abs(float(char["top"]) - float(prev["top"])) > s.same_line * size:
        return False
    x1, x0 = float(prev["x1"]), float(char["x0"])
    gap = x0 - x1
    if not -0.25 * size <= gap <= s.join_gap * size:
        return False
    if gap > WALL_MARGIN * 2:  # a cell border in the gap between two glyphs: two cells' strings
        y = (float(char["top"]) + float(char["bottom"])) / 2
        at = bisect.bisect_left(walls, (x1 + WALL_MARGIN, -1e9, -1e9))
        while at < len(walls) and walls[at][0] <= x0 - WALL_MARGIN:
            if walls[at][1] <= y <= walls[at][2]:
                return False
            at += 1
    return True


def _below(char: Char, nxt: Char) -> bool:
    """``nxt`` is drawn right under ``char``: ``char`` starts a stacked (vertical) string, which never
    continues the line before it (a vertical label's first glyph beside the 合计 of the next cell)."""
    size = max(float(char["size"]), 1.0)
    step = float(nxt["top"]) - float(char["top"])
    return abs(float(nxt["x0"]) - float(char["x0"])) < 0.3 * size and 0.8 * size <= step <= 2.2 * size


WALL_MARGIN = 0.3  # pt: a border must clear both glyphs by this much to separate them


def text_lines(
    chars: Iterable[Char], settings: LineSettings = DEFAULT_LINE_SETTINGS, walls: Sequence[Wall] = ()
) -> list[TextLine]:
    """Group characters, in stream order, into lines of single strings. ``walls``: the vertical cell
    borders of the page's tables (sorted); adjacent strings of two cells that a border runs between are
    two lines, while one string overflowing its cell (a border through its glyphs) stays one."""
    lines: list[TextLine] = []
    current: list[Char] = []
    upright = [c for c in chars if c.get("upright", True)]
    for k, char in enumerate(upright):
        stacked = k + 1 < len(upright) and _below(char, upright[k + 1])
        if current and (stacked or not _continues(current[-1], char, settings, walls)):
            lines.append(_make_line(current, settings))
            current = []
        current.append(char)
    if current:
        lines.append(_make_line(current, settings))
    return [line for line in lines if line.text.strip()]


def _make_line(chars: Sequence[Char], s: LineSettings) -> TextLine:
    parts: list[str] = []
    prev: Char | None = None
    for c in chars:
        if prev is not None:
            gap = float(c["x0"]) - float(prev["x1"])
            if gap > s.space_gap * float(c["size"]) and not str(prev["text"]).isspace():
                parts.append(" ")
        parts.append(str(c["text"]))
        prev = c
    bbox = (
        min(float(c["x0"]) for c in chars),
        min(float(c["top"]) for c in chars),
        max(float(c["x1"]) for c in chars),
        max(float(c["bottom"]) for c in chars),
    )
    size = max(float(c["size"]) for c in chars)
    return TextLine(text="".join(parts), bbox=bbox, size=size)


def _aligned(a: TextLine, b: TextLine, tol: float) -> bool:
    left = abs(a.bbox[0] - b.bbox[0]) <= tol
    right = abs(a.bbox[2] - b.bbox[2]) <= tol
    centre = abs((a.bbox[0] + a.bbox[2]) / 2 - (b.bbox[0] + b.bbox[2]) / 2) <= tol
    return left or right or centre


def blocks(lines: Sequence[TextLine], settings: LineSettings = DEFAULT_LINE_SETTINGS) -> list[list[TextLine]]:
    """Consecutive lines that continue one wrapped string (next line down, same size, aligned)."""
    out: list[list[TextLine]] = []
    for line in lines:
        if out:
            prev = out[-1][-1]
            size = max(prev.size, 1.0)
            step = (line.bbox[1] - prev.bbox[1]) / size
            if (
                abs(line.size - prev.size) < 0.5
                and settings.block_step_min <= step <= settings.block_step_max
                and _aligned(prev, line, settings.block_align * size)
            ):
                out[-1].append(line)
                continue
        out.append([line])
    return out
