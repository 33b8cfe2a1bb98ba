"""Table grid and cells: ruled cells with their spans, and each string given back to its own cell.

pdfplumber's table finder gives the cell rectangles of a ruled table (a merged cell is one
rectangle). Here they get row/column indices and spans, and every block of text is given to the
one cell it was drawn in — also where its glyphs run past the cell's borders, which pdfplumber's
own ``extract()`` hands to the neighbouring cell:

* a line that runs past a vertical border (a centred phone number in a narrow cell) stays whole
  with the cell it is anchored in (centred on it, starting in it or ending in it);
* the lines of a wrapped string that fall below the cell's bottom border are not shown on the page
  (the border clips them): they go to the owner's ``hidden`` text, never to the cell below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extract.model import BBox, Cell, Grid, TextLine
from extract.textlayer.textlines import DEFAULT_LINE_SETTINGS, LineSettings, blocks
from extract.validate import checked


@dataclass(frozen=True, slots=True)
@checked
class GridSettings:
    snap: float = 1.5  # border coordinates closer than this (pt) are one border
    inside: float = 1.0  # tolerance (pt) for "a point lies inside a cell"
    clip_reach: float = 0.6  # a clipped line starts at most this (× size) past its cell's border
    clip_gap: float = 1.0  # ... and, over a cell with no text of its own, at most this (pt) past it
    anchor_pad: float = 6.0  # max distance (pt) of left/right-aligned text from its cell border
    lines: LineSettings = DEFAULT_LINE_SETTINGS


DEFAULT_GRID_SETTINGS = GridSettings()


def _cluster(values: Sequence[float], snap: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= snap:
            continue
        out.append(v)
    return out


def _index(bounds: Sequence[float], v: float, snap: float) -> int:
    for i, b in enumerate(bounds):
        if abs(b - v) <= snap:
            return i
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


@dataclass(slots=True)
class _Slot:
    bbox: BBox
    row: int
    col: int
    row_span: int
    col_span: int
    visible: list[TextLine]
    hidden: list[TextLine]


def _contains(b: BBox, x: float, y: float, tol: float) -> bool:
    return b[0] - tol <= x <= b[2] + tol and b[1] - tol <= y <= b[3] + tol


def _owner(line: TextLine, slots: Sequence[_Slot], s: GridSettings) -> _Slot | None:
    """The cell a line of text is anchored in: centred on it, starting in it, or ending in it."""
    y = (line.bbox[1] + line.bbox[3]) / 2
    x0, x1 = line.bbox[0], line.bbox[2]
    row = [
        sl
        for sl in slots
        if sl.bbox[1] - s.inside <= y <= sl.bbox[3] + s.inside and sl.bbox[0] < x1 and x0 < sl.bbox[2]
    ]
    if not row:
        return None
    if len(row) == 1:
        return row[0]
    inside = [sl for sl in row if sl.bbox[0] - s.inside <= x0 and x1 <= sl.bbox[2] + s.inside]
    if inside:
        return inside[0]
    centre = (x0 + x1) / 2
    for sl in row:  # centred text overflowing both borders
        mid = (sl.bbox[0] + sl.bbox[2]) / 2
        if abs(centre - mid) <= max(1.5, 0.04 * (sl.bbox[2] - sl.bbox[0])):
            return sl
    for sl in row:  # left-aligned, overflowing to the right
        if sl.bbox[0] - s.inside <= x0 <= sl.bbox[0] + s.anchor_pad:
            return sl
    for sl in row:  # right-aligned, overflowing to the left
        if sl.bbox[2] - s.anchor_pad <= x1 <= sl.bbox[2] + s.inside:
            return sl
    return next((sl for sl in row if sl.bbox[0] <= x0 <= sl.bbox[2]), row[0])


def _inside_vertically(line: TextLine, b: BBox, tol: float) -> bool:
    y = (line.bbox[1] + line.bbox[3]) / 2
    return b[1] - tol <= y <= b[3] + tol


def _within_columns(line: TextLine, b: BBox, s: GridSettings) -> bool:
    return b[0] - s.inside <= line.bbox[0] and line.bbox[2] <= b[2] + s.inside


def _clipped(line: TextLine, b: BBox, s: GridSettings) -> bool:
    """A line of the cell's own string that the border cuts through (partly outside the cell)."""
    reach = s.clip_reach * line.size
    return b[1] - reach <= line.bbox[3] and line.bbox[1] <= b[3] + reach


def _overlaps(a: TextLine, b: TextLine) -> bool:
    return a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


def _settle_hidden(slots: Sequence[_Slot], s: GridSettings) -> None:
    """A line taken as clipped overflow of the cell above is certain where it lies over that cell's
    neighbour's own text (both cannot show). Over a cell with no text of its own it is that cell's
    own string drawn next in the stream, unless it starts right at the border, where overflow does."""
    for owner in slots:
        keep = []
        for ln in owner.hidden:
            y, x = (ln.bbox[1] + ln.bbox[3]) / 2, (ln.bbox[0] + ln.bbox[2]) / 2
            below = next((sl for sl in slots if sl is not owner and _contains(sl.bbox, x, y, 0.0)), None)
            certain = below is None or any(_overlaps(ln, other) for other in below.visible)
            at_border = below is not None and not below.visible and ln.bbox[1] - owner.bbox[3] <= s.clip_gap
            if certain or at_border:
                keep.append(ln)
            elif below is not None:
                below.visible.append(ln)
        owner.hidden = keep


def join_lines(lines: Sequence[TextLine]) -> str:
    """The lines of a cell in reading order: rows top to bottom (lines overlapping vertically share a
    row), each row left to right; rows are joined without a separator (Chinese text wraps anywhere)."""
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2):
        if rows:
            last = rows[-1][-1]
            overlap = min(ln.bbox[3], last.bbox[3]) - max(ln.bbox[1], last.bbox[1])
            if overlap > 0.5 * min(ln.bbox[3] - ln.bbox[1], last.bbox[3] - last.bbox[1]):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    out: list[str] = []
    for row in rows:
        prev: TextLine | None = None
        for ln in sorted(row, key=lambda ln: ln.bbox[0]):
            if prev is not None and ln.bbox[0] - prev.bbox[2] > 0.18 * ln.size:
                out.append(" ")
            out.append(ln.text)
            prev = ln
    return "".join(out).strip()


def _stacked(block: Sequence[TextLine]) -> bool:
    """One glyph a line, in one column: a vertical (stacked) string such as a 绩效指标 label."""
    return (
        len(block) >= 2
        and all(len(ln.text.strip()) == 1 for ln in block)
        and (max(ln.bbox[0] for ln in block) - min(ln.bbox[0] for ln in block) < 0.3 * block[0].size)
    )


def _centred_on(block: Sequence[TextLine], b: BBox) -> bool:
    x = (block[0].bbox[0] + block[0].bbox[2]) / 2
    width = b[2] - b[0]
    return width <= 3 * block[0].size or abs(x - (b[0] + b[2]) / 2) <= 0.25 * width


def _place(block: list[TextLine], owner: _Slot, settings: GridSettings) -> list[TextLine]:
    """The lines of ``block`` its owner cell shows or clips; returns the rest (another cell's string)."""
    for k, ln in enumerate(block):
        if k and not _within_columns(ln, owner.bbox, settings):
            return block[k:]  # wrapped lines never run wider than their cell
        if _inside_vertically(ln, owner.bbox, settings.inside):
            owner.visible.append(ln)
        elif _clipped(ln, owner.bbox, settings):
            owner.hidden.append(ln)
        elif k and _stacked(block):  # a vertical label's glyphs past its cell's end: its own, clipped
            owner.hidden.extend(block[k:])
            return []
        else:  # wholly outside its owner: not a clipped line of it, but another cell's string
            return block[k:]
    return []


def build_grid(
    page: int,
    cell_boxes: Sequence[BBox],
    lines: Sequence[TextLine],
    settings: GridSettings = DEFAULT_GRID_SETTINGS,
    drawn: bool = True,
) -> tuple[Grid, list[TextLine]]:
    """One ruled table: cells with spans and their text. Returns the grid and the lines outside it.
    ``drawn``: the lines come from a text layer in drawing order (wrapped strings are grouped); OCR
    lines have no order and are placed one by one."""
    snap = settings.snap
    xs = _cluster([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes], snap)
    ys = _cluster([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes], snap)
    slots = []
    for b in cell_boxes:
        c0, c1 = _index(xs, b[0], snap), _index(xs, b[2], snap)
        r0, r1 = _index(ys, b[1], snap), _index(ys, b[3], snap)
        slots.append(_Slot(b, r0, c0, max(r1 - r0, 1), max(c1 - c0, 1), [], []))
    slots.sort(key=lambda sl: (sl.row, sl.col))
    outside: list[TextLine] = []
    pending = [list(b) for b in blocks(lines, settings.lines)] if drawn else [[ln] for ln in lines]
    while pending:
        block = pending.pop(0)
        owner = _owner(block[0], slots, settings)
        if owner is not None and _stacked(block) and not _centred_on(block, owner.bbox):
            # a vertical label's glyphs drawn past its own (narrow) cell into a wide one: not that cell's
            outside.extend(block)
            continue
        if owner is None:  # not drawn in this table: each line on its own
            for ln in block:
                own = _owner(ln, slots, settings)
                (own.visible if own is not None else outside).append(ln)
            continue
        rest = _place(block, owner, settings)
        if rest:
            pending.insert(0, rest)
    _settle_hidden(slots, settings)
    cells = tuple(
        Cell(
            page=page,
            row=sl.row,
            col=sl.col,
            row_span=sl.row_span,
            col_span=sl.col_span,
            bbox=sl.bbox,
            text=join_lines(sl.visible),
            lines=tuple(sl.visible),
            hidden=join_lines(sl.hidden),
            confidence=min((ln.confidence for ln in sl.visible), default=1.0),
            source="text" if drawn else "ocr",
        )
        for sl in slots
    )
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return Grid(page=page, bbox=bbox, xs=tuple(xs), ys=tuple(ys), cells=cells), outside
