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

    def chains(self) -> list[tuple[int, int]]:
        """Maximal sequences of blank parts, each part the next page's continuation of the one before."""
        out: list[tuple[int, int]] = []
        j = 0
        while j < len(self.runs):
            if self.runs[j][2] is None or not _blank(self.runs[j][2]):
                j += 1
                continue
            last = j
            while last + 1 < len(self.runs) and _blank(self.runs[last + 1][2]) and self.joinable(last, last + 1):
                last += 1
            out.append((j, last))
            j = last + 1
        return out

    def fill_blanks(self) -> None:
        """Blank parts join the named part of their merged cell. A centred name is drawn at the middle of
        the whole merged range: with blank parts of heights A above and B below its part (height h), its
        text sits (h + B − A) / 2 below the part's top. Each named part claims the neighbouring blank
        chains that best explain where its text is; a chain no part claims joins its only candidate."""
        chains = self.chains()
        above = {last + 1: (first, last) for first, last in chains}
        below = {first - 1: (first, last) for first, last in chains}
        claims: dict[tuple[int, int], list[tuple[float, int]]] = {c: [] for c in chains}
        candidates: dict[tuple[int, int], list[int]] = {c: [] for c in chains}
        for r, (_lo, _hi, cell) in enumerate(self.runs):
            if cell is None or _blank(cell):
                continue
            up = above.get(r) if r in above and self.joinable(above[r][1], r) else None
            down = below.get(r) if r in below and self.joinable(r, below[r][0]) else None
            for chain in (up, down):
                if chain is not None:
                    candidates[chain].append(r)
            best = self._best_claim(r, up, down)
            for chain, error in best:
                claims[chain].append((error, r))
        for chain in chains:
            if claims[chain]:
                source = min(claims[chain])[1]
            elif len(candidates[chain]) == 1:
                source = candidates[chain][0]
            else:
                continue
            self.name_runs(chain[0], chain[1], self.runs[source][2].text)  # type: ignore[union-attr]

    def _best_claim(
        self, r: int, up: tuple[int, int] | None, down: tuple[int, int] | None
    ) -> list[tuple[tuple[int, int], float]]:
        cell = self.runs[r][2]
        if cell is None or not cell.lines or (up is None and down is None):
            return []
        mid = (min(ln.bbox[1] for ln in cell.lines) + max(ln.bbox[3] for ln in cell.lines)) / 2
        h = cell.bbox[3] - cell.bbox[1]
        d = 2 * (mid - cell.bbox[1]) - h  # = B − A
        a = sum(self.height(k) for k in range(up[0], up[1] + 1)) if up else 0.0
        b = sum(self.height(k) for k in range(down[0], down[1] + 1)) if down else 0.0
        options: list[tuple[float, tuple[tuple[int, int], ...]]] = [(abs(0.0 - d), ())]
        if up:
            options.append((abs(-a - d), (up,)))
        if down:
            options.append((abs(b - d), (down,)))
        if up and down:
            options.append((abs(b - a - d), (up, down)))
        error, chosen = min(options, key=lambda o: o[0])
        if error > max(3.0, 0.1 * (h + a + b)):
            return []  # the text does not tell (top-aligned, or a shorter cell): no claim
        return [(chain, error) for chain in chosen]


def mend_page_breaks(rows: Rows, names: Sequence[str]) -> None:
    """Give every part of a merged name cut by a page break the whole name (in place)."""
    for name in names:
        runs = _Runs(rows, name)
        runs.join_wrapped()
        runs = _Runs(rows, name)
        runs.fill_blanks()
