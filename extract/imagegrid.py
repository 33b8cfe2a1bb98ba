"""The table grid of a scanned page: ruling lines by morphology → cells with their spans, in points.

Lines are found as long thin runs of ink (a morphological opening with a long kernel), short breaks in
a faint or broken ruling are closed, and the grid of all line positions is merged back into the
form's cells wherever the ruling between two grid slots is absent (a merged cell). The result is the
list of cell boxes the text path also starts from, so cells, fields and checks run unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import BBox
from .settings import ImageGridSettings


@dataclass(frozen=True, slots=True)
class Segment:
    pos: float  # y of a horizontal ruling, x of a vertical one (pixels)
    start: float
    end: float


def _segments(mask: Any, horizontal: bool, merge_px: int) -> list[Segment]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segs = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if horizontal:
            segs.append(Segment(y + h / 2, float(x), float(x + w)))
        else:
            segs.append(Segment(x + w / 2, float(y), float(y + h)))
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
    """Whether rulings at ``pos`` cover the span lo..hi (enough of it)."""
    covered = 0.0
    for seg in segs:
        if abs(seg.pos - pos) <= s.merge_px:
            covered += max(0.0, min(seg.end, hi) - max(seg.start, lo))
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
    horiz = cv2.bitwise_and(cv2.dilate(horiz, hk), binary)
    vert = cv2.bitwise_and(cv2.dilate(vert, vk), binary)
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (s.close_px, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, s.close_px)))
    return horiz, vert


TABLE_SPAN = (0.2, 0.15)  # a ruled structure this wide (share of the page) or this tall is a table


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
    """The horizontal rulings, and a closing line wherever vertical rulings end together with no ruling
    across. A table printed over pages leaves the cells that run on over the page break (a level name
    spanning rows on both pages) without their bottom or top ruling: the line closes them, as the edge
    of the page does."""
    out = list(hsegs)
    for ends in ([v.start for v in vsegs], [v.end for v in vsegs]):
        for y in sorted(set(ends)):
            xs = [v.pos for v, e in zip(vsegs, ends, strict=True) if abs(e - y) <= 2 * merge_px]
            if len(xs) >= 2:
                out.append(Segment(y, min(xs), max(xs)))
    return sorted(out, key=lambda g: g.pos)


def cell_boxes(gray: Any, scale: float, s: ImageGridSettings | None = None) -> list[BBox]:
    """Cell rectangles (PDF points of the prepared page) of the ruled table(s) on the image."""
    s = s or ImageGridSettings()
    horiz, vert = _within_tables(*ruling_masks(gray, scale, s))
    vsegs = _segments(vert, False, s.merge_px)
    hsegs = _framed(_segments(horiz, True, s.merge_px), vsegs, s.merge_px)
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
