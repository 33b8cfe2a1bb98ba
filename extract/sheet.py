"""The form's grids as one sheet: rows in reading order across pages, each with the cells covering it.

A merged cell covers every row it spans, so walking rows fills level names down naturally; a table
that continues on the next page simply continues the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from .model import Cell, Grid, PageContent
from .templates import norm


def label_matches(text: str, labels: Sequence[str]) -> bool:
    """The cell's text is one of ``labels``, possibly followed by a unit, colon or note: ``上年结转金额
    (万元)`` is 上年结转金额, but ``其他调整资金`` is not 其他 (the label must not run on into more words)."""
    t = norm(text)
    for lb in labels:
        if t.startswith(lb):
            rest = t[len(lb) :]
            if not rest or not regex.match(r"[\p{Han}A-Za-z0-9]", rest):
                return True
    return False


@dataclass(frozen=True, slots=True)
class Row:
    page: int
    index: int  # row index within its grid
    cells: tuple[Cell, ...]  # cells covering this row, left to right

    def starts(self, cell: Cell) -> bool:
        """True on the first row of ``cell`` (a merged cell covers later rows too)."""
        return cell.row == self.index

    def at(self, x: float) -> Cell | None:
        """The cell covering the vertical line ``x``."""
        for c in self.cells:
            if c.bbox[0] <= x <= c.bbox[2]:
                return c
        return None

    def right_of(self, cell: Cell) -> list[Cell]:
        return [c for c in self.cells if c.bbox[0] >= cell.bbox[2] - 1.0]


def _rows(grid: Grid) -> Iterator[Row]:
    for r in range(len(grid.ys) - 1):
        covering = sorted((c for c in grid.cells if c.row <= r < c.row + c.row_span), key=lambda c: c.bbox[0])
        if covering:
            yield Row(grid.page, r, tuple(covering))


@dataclass(frozen=True, slots=True)
class Sheet:
    rows: tuple[Row, ...]

    @classmethod
    def from_pages(cls, pages: Sequence[PageContent]) -> Sheet:
        return cls(tuple(row for p in pages for g in p.grids for row in _rows(g)))

    def find(self, labels: Sequence[str], start: int = 0) -> tuple[int, Cell] | None:
        """First cell (in reading order, from row ``start``) whose text begins with one of ``labels``."""
        for i in range(start, len(self.rows)):
            row = self.rows[i]
            for c in row.cells:
                if row.starts(c) and c.text and label_matches(c.text, labels):
                    return i, c
        return None
