"""The table grid of a scanned page: ruling lines by morphology → cells with their spans, in points.

Lines are found as long thin runs of ink (a morphological opening with a long kernel), short breaks in
a faint or broken ruling are closed, and the grid of all line positions is merged back into the
form's cells wherever the ruling between two grid slots is absent (a merged cell). The result is the
list of cell boxes the text path also starts from, so cells, fields and checks run unchanged.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np

from extract.model import BBox
from extract.settings import ImageGridSettings


@dataclass(frozen=True, slots=True)
class Segment:
    pos: float  # y of a horizontal ruling, x of a vertical one (pixels)
    start: float
    end: float
    thick: float = 0.0  # its width across (pixels; the 90th percentile along it)
    bend: float = 0.0  # how far its centre line strays from a straight line (pixels)


def _shape(labels: Any, i: int, x: int, y: int, w: int, h: int, horizontal: bool) -> tuple[float, float, float]:
    """Where a ruling piece runs (pixels across it: the middle of its densest rows, or columns), how
    thick it is (the 90th percentile of its width along it) and how much it bends (the 75th percentile
    of its centre line's distance from a straight line). Ink touching a ruling (a seal's ring, a stroke)
    widens its box to one side, not its densest line; the arc of a seal's ring bends and its star tapers,
    a ruling does neither."""
    box = (labels[y : y + h, x : x + w] == i).astype(np.float32)
    if not horizontal:
        box = box.T
    counts = box.sum(axis=1)
    dense = np.flatnonzero(counts >= 0.5 * counts.max())
    pos = float((y if horizontal else x) + (dense[0] + dense[-1] + 1) / 2)
    ink = box.sum(axis=0)
    along = np.flatnonzero(ink > 0)
    if len(along) < 8:
        return pos, float(ink.max()), 0.0
    centre = (box[:, along] * np.arange(box.shape[0])[:, None]).sum(axis=0) / ink[along]
    fit = np.polyval(np.polyfit(along, centre, 1), along)
    widths = ink[along]
    p90, median = float(np.percentile(widths, 90)), float(np.median(widths))
    thick = p90 if p90 <= 1.5 * median + 1 else float("inf")  # a taper (a star's point) is no ruling
    return pos, thick, float(np.percentile(np.abs(centre - fit), 75))


def _segments(mask: Any, horizontal: bool, merge_px: int) -> list[Segment]:
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segs = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        pos, thick, bend = _shape(labels, i, x, y, w, h, horizontal)
        if horizontal:
            segs.append(Segment(pos, float(x), float(x + w), thick, bend))
        else:
            segs.append(Segment(pos, float(y), float(y + h), thick, bend))
    segs.sort(key=lambda s: s.pos)
    return segs


def _positions(segs: list[Segment], merge_px: int) -> list[float]:
    out: list[list[float]] = []
    for s in segs:
        if out and s.pos - out[-1][-1] <= merge_px:
            out[-1].append(s.pos)
        else:
            out.append([s.pos])
    return [float(np.mean(g)) for g in out]


def _covered(segs: list[Segment], pos: float, lo: float, hi: float, s: ImageGridSettings) -> bool:
    """Whether rulings at ``pos`` cover the span lo..hi (enough of it). A ruling's ends are fuzzy by the
    merge distance (it stops a few pixels short of the ruling it meets): a sliver of a span, cut by
    another table's border standing that close, is covered up to the border."""
    covered = 0.0
    for seg in segs:
        if abs(seg.pos - pos) <= s.merge_px:
            covered += max(0.0, min(seg.end + s.merge_px, hi) - max(seg.start - s.merge_px, lo))
    return covered >= s.coverage * (hi - lo)


def ruling_masks(gray: Any, scale: float, s: ImageGridSettings) -> tuple[Any, Any]:
    import cv2

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(s.h_min_pt * scale), 10), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(s.v_min_pt * scale), 10)))
    # long runs of ink are rulings; pieces of the same ruling cut short by a break are taken back where
    # they continue a long run (the run grown along its own direction, kept only on ink)
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk)
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk)
    horiz = _taken_back(
        horiz, cv2.bitwise_and(cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, hk), binary), binary, scale, True
    )
    vert = _taken_back(vert, cv2.bitwise_and(cv2.morphologyEx(vert, cv2.MORPH_CLOSE, vk), binary), binary, scale, False)
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (s.close_px, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, s.close_px)))
    return horiz, vert


GLYPH_SIDE_PT = (0.5, 2.5)  # a stroke's neighbours in its glyph stand this far from it (from, to)
GLYPH_SIDE_INK = 0.12  # share of ink on each side above which a stroke taken back is a glyph's


def _taken_back(runs: Any, joined: Any, binary: Any, scale: float, horizontal: bool) -> Any:
    """The long runs with the ink taken back where they continue across a break, less the strokes of
    glyphs: a name centred in a merged cell over the line of a ruling that stops at the cell (效果 of a
    level-1 row across the level-1 and level-2 columns) has a stroke on that line, between the ruling above
    and the one below, and it made two cells of one. Ink taken back with ink on both sides of it, as a
    glyph's other strokes stand, is no ruling; a ruling's break runs between white cell margins."""
    import cv2

    back = cv2.bitwise_and(joined, cv2.bitwise_not(runs))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(back, connectivity=8)
    if n <= 1:
        return joined
    near, far = (max(int(v * scale), 1) for v in GLYPH_SIDE_PT)
    ink = binary > 0
    out = joined.copy()
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if horizontal:
            sides = (ink[max(y - far, 0) : max(y - near, 0), x : x + w], ink[y + h + near : y + h + far, x : x + w])
        else:
            sides = (ink[y : y + h, max(x - far, 0) : max(x - near, 0)], ink[y : y + h, x + w + near : x + w + far])
        if all(side.size and float(side.mean()) > GLYPH_SIDE_INK for side in sides):
            box = out[y : y + h, x : x + w]
            box[labels[y : y + h, x : x + w] == i] = 0
    return out


TABLE_SPAN = (0.2, 0.15)  # a ruled structure this wide (share of the page) or this tall is a table
ALONGSIDE = 0.9  # a ruling beside the table as tall as this share of it, within its height, is part of it


def _at_edge(stat: Any, w: int, h: int) -> bool:
    """A component touching the image's border: the dark edge of the paper or the scanner's lid, no ruling."""
    x, y, bw, bh = (int(v) for v in stat[:4])
    return x <= 2 or y <= 2 or x + bw >= w - 2 or y + bh >= h - 2


def _within_tables(horiz: Any, vert: Any) -> tuple[Any, Any]:
    """Ruling pieces inside the region of the page's tables only: the strokes of a large bold title (or
    of a seal's lettering above the table) are long enough to pass for rulings and would cut the title
    into tiny cells; they are not connected to a table's frame and lie outside it. The region is the box of
    the long rulings (not of everything joined to them, nor of the paper's dark edge)."""
    import cv2

    h, w = horiz.shape[:2]
    # long rulings by themselves, each mask apart: a title's strokes or a seal's ring touching the table
    # would join it as one component and stretch its region over the title
    boxes = []
    for mask, axis, share in ((horiz, 2, TABLE_SPAN[0] * w), (vert, 3, TABLE_SPAN[1] * h)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        boxes += [stats[i, :4] for i in range(1, n) if stats[i, axis] >= share and not _at_edge(stats[i], w, h)]
    if not boxes:
        return horiz, vert
    margin = int(0.01 * max(h, w))
    x0 = max(min(int(b[0]) for b in boxes) - margin, 0)
    y0 = max(min(int(b[1]) for b in boxes) - margin, 0)
    x1 = min(max(int(b[0] + b[2]) for b in boxes) + margin, w)
    y1 = min(max(int(b[1] + b[3]) for b in boxes) + margin, h)
    # columns merged over the whole page on a page a group runs through (a level-1 name's cell from the page
    # before to the page after): their rulings stand beside the table, as tall as it, with no ruling across
    n, _, stats, _ = cv2.connectedComponentsWithStats(vert, connectivity=8)
    beside = [
        stats[i, :4]
        for i in range(1, n)
        if stats[i, 3] >= ALONGSIDE * (y1 - y0 - 2 * margin)
        and stats[i, 1] >= y0
        and stats[i, 1] + stats[i, 3] <= y1
        and not _at_edge(stats[i], w, h)
    ]
    if beside:
        x0 = max(min([x0, *(int(b[0]) - margin for b in beside)]), 0)
        x1 = min(max([x1, *(int(b[0] + b[2]) + margin for b in beside)]), w)
    region = np.zeros_like(horiz)
    region[y0:y1, x0:x1] = 255
    return cv2.bitwise_and(horiz, region), cv2.bitwise_and(vert, region)


def _slots(
    hsegs: list[Segment], vsegs: list[Segment], xs: list[float], ys: list[float], s: ImageGridSettings
) -> dict[int, list[tuple[int, int]]]:
    """Grid slots grouped into cells: two neighbouring slots join where no ruling separates them."""
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(vsegs, xs[c + 1], ys[r], ys[r + 1], s):
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and not _covered(hsegs, ys[r + 1], xs[c], xs[c + 1], s):
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    return groups


def _framed(hsegs: list[Segment], vsegs: list[Segment], merge_px: int) -> list[Segment]:
    """The horizontal rulings, and a closing line wherever vertical rulings end together (where most of
    them end) with no ruling across. A table printed over pages leaves the cells that run on over the
    page break (a level name spanning rows on both pages) without their bottom or top ruling: the line
    closes them, as the edge of the page does."""
    out = list(hsegs)
    tol = 2 * merge_px
    for ends in ([v.start for v in vsegs], [v.end for v in vsegs]):
        for y in sorted(set(ends)):
            group = [(v.pos, e) for v, e in zip(vsegs, ends, strict=True) if abs(e - y) <= tol]
            if len(group) >= 2:  # where most of them end: one drawn on a little past the others' end
                # (a seal's ring running on from a ruling) made a line through the middle of 综合得分's row
                at = statistics.median_low(e for _, e in group)
                out.append(Segment(at, min(x for x, _ in group), max(x for x, _ in group)))
    return sorted(dict.fromkeys(out), key=lambda g: g.pos)


def _met_by(end: float, pos: float, across: list[Segment], tol: float) -> float | None:
    """The position of a ruling across that meets the point (pos along it, end across it), if any."""
    for a in across:
        if abs(a.pos - end) <= tol and a.start - tol <= pos <= a.end + tol:
            return a.pos
    return None


def _anchored(
    segs: list[Segment], across: list[Segment], tol: float, long_px: float, thick_px: float, bend_px: float
) -> list[Segment]:
    """The pieces that belong to the table's frame. A long piece is a ruling. A shorter one is a ruling
    if it is thin, straight and even, and runs from one ruling across to another (a piece of middle
    length: meets one at least). Over a grey or 1-bit scan no colour tells a seal from the print: its
    ring's sides bend, its star's points taper or are thick, the strokes of its lettering end in the open,
    and each made a column or row of tiny cells out of a score cell."""
    out = []
    for g in segs:
        length = g.end - g.start
        if length >= 2 * long_px:
            out.append(g)
        elif g.thick <= thick_px and g.bend <= bend_px:
            a, b = _met_by(g.start, g.pos, across, tol), _met_by(g.end, g.pos, across, tol)
            both = a is not None and b is not None and abs(a - b) > tol
            if both or ((a is not None or b is not None) and length >= long_px):
                out.append(g)
    return out


def frame_segments(horiz: Any, vert: Any, scale: float, s: ImageGridSettings) -> tuple[list[Segment], list[Segment]]:
    """The ruling pieces of the masks that are part of the table's frame (see ``_anchored``), twice over:
    a piece kept must meet pieces that are kept themselves."""
    hsegs, vsegs = _segments(horiz, True, s.merge_px), _segments(vert, False, s.merge_px)
    tol = max(4.0, 1.5 * scale)  # a ruling's end lies in the ruling across it
    long_px, thick_px, bend_px = s.anchor_free_pt * scale, max(s.ruling_max_pt * scale, 5.0), max(1.5, 0.4 * scale)
    pieces = vsegs
    for _ in range(2):
        hsegs, vsegs = (
            _anchored(hsegs, vsegs, tol, long_px, thick_px, bend_px),
            _anchored(vsegs, hsegs, tol, long_px, thick_px, bend_px),
        )
    return hsegs, sorted(vsegs + _at_page_edges(pieces, vsegs, hsegs, tol, thick_px, bend_px), key=lambda g: g.pos)


def _at_page_edges(
    pieces: list[Segment], kept: list[Segment], across: list[Segment], tol: float, thick_px: float, bend_px: float
) -> list[Segment]:
    """Vertical pieces left out that run to where the table is cut by the page: a table printed over pages
    leaves the cells running on over the break (level names merged down over rows) without a ruling at the
    page's top or bottom of the table, so their sides meet nothing across there. A thin, straight piece whose
    ends each lie at the table's cut edge (where two kept rulings or more end together: its top or bottom on
    this page) or meet a ruling across is the side of such a cell (a page holding one row of a group whose
    name is printed on the next page lost its level columns, and the rows their group)."""
    if len(kept) < 2:
        return []
    starts, ends = [v.start for v in kept], [v.end for v in kept]
    edges = [y for y, near in ((min(starts), starts), (max(ends), ends)) if sum(abs(e - y) <= tol for e in near) >= 2]

    def placed(end: float, pos: float) -> bool:
        return any(abs(end - y) <= tol for y in edges) or _met_by(end, pos, across, tol) is not None

    out = []
    for g in pieces:
        if g in kept or g.thick > thick_px or g.bend > bend_px or not edges:
            continue
        at_edge = any(abs(e - y) <= tol for e in (g.start, g.end) for y in edges)
        if at_edge and placed(g.start, g.pos) and placed(g.end, g.pos) and g.end - g.start > 2 * tol:
            out.append(g)
    return out


def cell_boxes(gray: Any, scale: float, s: ImageGridSettings | None = None) -> list[BBox]:
    """Cell rectangles (PDF points of the prepared page) of the ruled table(s) on the image."""
    s = s or ImageGridSettings()
    horiz, vert = _within_tables(*ruling_masks(gray, scale, s))
    hsegs, vsegs = frame_segments(horiz, vert, scale, s)
    hsegs = _framed(hsegs, vsegs, s.merge_px)
    ys, xs = _positions(hsegs, s.merge_px), _positions(vsegs, s.merge_px)
    if len(ys) < 2 or len(xs) < 2:
        return []
    boxes: list[BBox] = []
    for slots in _slots(hsegs, vsegs, xs, ys, s).values():
        rs = [r for r, _ in slots]
        cs = [c for _, c in slots]
        r0, r1, c0, c1 = min(rs), max(rs) + 1, min(cs), max(cs) + 1
        if len(slots) != (r1 - r0) * (c1 - c0):
            continue  # not a rectangle: open space outside the table, not a cell
        if _closed(hsegs, vsegs, xs, ys, r0, r1, c0, c1, s):
            boxes.append((xs[c0] / scale, ys[r0] / scale, xs[c1] / scale, ys[r1] / scale))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def _closed(
    hsegs: list[Segment],
    vsegs: list[Segment],
    xs: list[float],
    ys: list[float],
    r0: int,
    r1: int,
    c0: int,
    c1: int,
    s: ImageGridSettings,
) -> bool:
    """A cell is ruled on all four sides."""
    return (
        _covered(hsegs, ys[r0], xs[c0], xs[c1], s)
        and _covered(hsegs, ys[r1], xs[c0], xs[c1], s)
        and _covered(vsegs, xs[c0], ys[r0], ys[r1], s)
        and _covered(vsegs, xs[c1], ys[r0], ys[r1], s)
    )
