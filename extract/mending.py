"""Names of merged cells that a page break cuts (fields stage, indicator tables).

A level name merged down over rows is drawn once, centred on the whole merged range: the page holding
the range's middle shows it, the other part of the cell is blank — or, for a wrapped name, each page
shows the lines that fall on it (服务对 | 象满意度指标, 产出指标 | (50分)). Here every part gets the whole
name, so that rows on either page belong to their group. Where the text is drawn tells how far its
range runs past the page, which decides between two named neighbours of a blank part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex

from .model import Cell
from .sheet import Row
from .values import clean_text
from .vocabulary import vocabulary

Rows = list[tuple[Row, dict[str, Cell | None]]]
_POINTS = regex.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
INNER = {"level1": "level2", "level2": "level3"}  # the column a name merged across would cover next


def _blank(cell: Cell | None) -> bool:
    return cell is None or not clean_text(cell.text)


def reach(cell: Cell | None, down: bool) -> float:
    """How far (pt) the merged range of a vertically centred name runs below (``down``) or above this
    part of it, judged by where its text is drawn; 0 when the text is centred in this part."""
    if cell is None or not cell.lines:
        return 0.0
    mid = (min(ln.bbox[1] for ln in cell.lines) + max(ln.bbox[3] for ln in cell.lines)) / 2
    top, bottom = cell.bbox[1], cell.bbox[3]
    return 2 * (mid - top) - (bottom - top) if down else 2 * (bottom - mid) - (bottom - top)


class _Runs:
    """The runs of one name column: consecutive rows sharing one (merged) cell."""

    def __init__(self, rows: Rows, name: str) -> None:
        self.rows, self.name = rows, name
        self.runs: list[tuple[int, int, Cell | None]] = []  # (first row, last row, cell)
        for k, (_row, cells) in enumerate(rows):
            cell = cells.get(name)
            if self.runs and cell is not None and self.runs[-1][2] is cell:
                self.runs[-1] = (self.runs[-1][0], k, cell)
            else:
                self.runs.append((k, k, cell))

    def joinable(self, a: int, b: int) -> bool:
        """Runs ``a`` and ``b`` (a above b) may be the two parts of one cell: they meet at a page break,
        and neither is a name merged across into the next column (a subtotal row, a group of its own)."""
        (a0, a1, up), (b0, b1, down) = self.runs[a], self.runs[b]
        if up is None or down is None or self.rows[a1][0].page == self.rows[b0][0].page:
            return False
        inner = INNER.get(self.name, "level3")
        rows = (*range(a0, a1 + 1), *range(b0, b1 + 1))
        return not any(self.rows[k][1].get(self.name) is self.rows[k][1].get(inner) for k in rows)

    def height(self, r: int) -> float:
        cell = self.runs[r][2]
        return 0.0 if cell is None else cell.bbox[3] - cell.bbox[1]

    def name_runs(self, first: int, last: int, text: str) -> None:
        for r in range(first, last + 1):
            cell = self.runs[r][2]
            if cell is None:
                continue
            named = replace(cell, text=text, hidden="")
            for k in range(self.runs[r][0], self.runs[r][1] + 1):
                self.rows[k][1][self.name] = named

    def join_wrapped(self) -> None:
        """A wrapped name cut in two (服务对 | 象满意度指标, 产出指标 | (50分)) becomes one name."""
        for j in range(len(self.runs) - 1):
            cell, nxt = self.runs[j][2], self.runs[j + 1][2]
            if cell is None or nxt is None or _blank(cell) or _blank(nxt) or not self.joinable(j, j + 1):
                continue
            shown, rest, below = clean_text(cell.text), clean_text(cell.hidden), clean_text(nxt.text)
            whole = shown + below if below.startswith(rest) else shown + rest
            one_name = bool(rest) and whole.endswith(below)
            if not one_name and (_POINTS.match(below) or vocabulary().is_group_name(shown + below)):
                whole, one_name = shown + below, not vocabulary().is_group_name(below)
            if one_name:
                self.name_runs(j, j + 1, whole)

    def fill_blanks(self) -> None:
        """Each chain of blank parts (a merged cell over three pages leaves two) joins the named part
        above or below it whose centred text reaches across the chain's height, or the only candidate."""
        j = 0
        while j < len(self.runs):
            if self.runs[j][2] is None or not _blank(self.runs[j][2]):
                j += 1
                continue
            last = j
            while last + 1 < len(self.runs) and _blank(self.runs[last + 1][2]) and self.joinable(last, last + 1):
                last += 1
            source = self._source(j, last)
            if source is not None:
                self.name_runs(j, last, source.text)
            j = last + 1

    def _source(self, first: int, last: int) -> Cell | None:
        total = sum(self.height(r) for r in range(first, last + 1))
        options = []
        for r, near in ((first - 1, first), (last + 1, last)):
            if not 0 <= r < len(self.runs) or _blank(self.runs[r][2]):
                continue
            if self.joinable(min(r, near), max(r, near)) and self.height(r) >= self.height(near) - 0.5:
                options.append(r)
        fits = [r for r in options if abs(reach(self.runs[r][2], down=r < first) - total) <= max(3.0, 0.2 * total)]
        if len(fits) == 1 or (not fits and len(options) == 1):
            return self.runs[(fits or options)[0]][2]
        return None


def mend_page_breaks(rows: Rows, names: Sequence[str]) -> None:
    """Give every part of a merged name cut by a page break the whole name (in place)."""
    for name in names:
        runs = _Runs(rows, name)
        runs.join_wrapped()
        runs = _Runs(rows, name)
        runs.fill_blanks()
