"""The form's grids as one sheet: rows in reading order across pages, each with the cells covering it.

A merged cell covers every row it spans, so walking rows fills level names down naturally; a table
that continues on the next page simply continues the sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import regex

from extract.forms.templates import norm
from extract.forms.values import clean_text
from extract.model import Cell, Grid, PageContent

_LEADING_MARKS = regex.compile(r"^[^\p{Han}\p{L}\p{N}(（]+")


def label_matches(text: str, labels: Sequence[str]) -> bool:
    """The cell's text is one of ``labels``, possibly followed by a unit, colon or note: ``上年结转金额
    (万元)`` is 上年结转金额 (so is 上年结转金额万元）, its opening bracket lost), but ``其他调整资金`` is not 其他
    (the label must not run on into more words), though a letter or three apart from it are no more words
    (合计 MD). Marks before the label are not part of it (#综合得分: a speck OCR read as #)."""
    t = _LEADING_MARKS.sub("", norm(text))
    for lb in labels:
        if t.startswith(lb):
            rest = t[len(lb) :]
            if not rest or not regex.match(r"[\p{Han}A-Za-z0-9]", rest) or _UNIT_UNOPENED.match(rest):
                return True
    words = text.split()  # 合计 MD: a letter or three apart from the label (a seal's or a pen's stroke)
    return len(words) == 2 and bool(_LETTERS.fullmatch(words[1])) and label_matches(words[0], labels)


_LETTERS = regex.compile(r"[A-Za-z]{1,3}")
_AMOUNT = regex.compile(r"[-+]?\d[\d,]*\.\d{1,2}")  # an amount as printed after a label: its decimals too


def label_with_figure(text: str, labels: Sequence[str]) -> bool:
    """The cell's text is one of ``labels`` and an amount right after it (按收入性质分2436.58: the colon
    lost), never a label running on into more words."""
    t = _LEADING_MARKS.sub("", norm(text)).replace(" ", "")
    return any(t.startswith(lb) and _AMOUNT.fullmatch(t[len(lb) :]) for lb in labels)


# a unit after a label whose opening bracket OCR lost: 年初预算金额万元） for 年初预算金额（万元）
_UNIT_UNOPENED = regex.compile(r"(?:万元|元|分)\)")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: characters read wrong, lost or added between two texts."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def label_one_edit(text: str, labels: Sequence[str], shortest: int = 3) -> bool:
    """``label_matches`` but for one character read wrong, lost or added, in a label of ``shortest`` or more
    characters (OCR's 形近字: 鲁指标值 is 指标值 with 年度 read as 鲁, 本年财致拨款 is 本年财政拨款). For OCR
    cells no label names as read."""
    return label_near(text, labels, shortest, 1)


LONG_LABEL = 8  # a label this long or longer is still itself with this many characters …
LONG_LABEL_EDITS = 2  # … read wrong, lost or added (专户管理的非税收入拨款 for 纳入专户管理的非税收入拨款)


def label_near(text: str, labels: Sequence[str], shortest: int, edits: int) -> bool:
    """``label_matches`` but for up to ``edits`` characters read wrong, lost or added, in a label of
    ``shortest`` or more characters."""
    t = norm(text)
    for lb in labels:
        if len(lb) < shortest:
            continue
        m = regex.match(f"(?:{regex.escape(lb)}){{e<={edits}}}", t)
        if m and (m.end() == len(t) or not regex.match(r"[\p{Han}A-Za-z0-9]", t[m.end() :])):
            return True
        if regex.fullmatch(f"(?:{regex.escape(lb)}){{e<={edits}}}", t):  # a glyph added at the end: 三级指标1
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


def _join_split_cells(upper: Grid, lower: Grid) -> tuple[Grid, Grid]:
    """A merged cell cut by a page break shows part of its text on each page: the part the first page
    clips (its hidden line) is what the next page shows. Both halves get the whole text."""
    if lower.page != upper.page + 1:
        return upper, lower
    bottom = [c for c in upper.cells if c.hidden and abs(c.bbox[3] - upper.bbox[3]) < 1.5]
    top = [c for c in lower.cells if c.text and abs(c.bbox[1] - lower.bbox[1]) < 1.5]
    joined: dict[int, Cell] = {}
    for a in bottom:
        for b in top:
            same_column = abs(a.bbox[0] - b.bbox[0]) < 2 and abs(a.bbox[2] - b.bbox[2]) < 2
            if same_column and clean_text(a.hidden) == clean_text(b.text):
                whole = clean_text(a.text) + clean_text(b.text)
                joined[id(a)] = replace(a, text=whole, hidden="")
                joined[id(b)] = replace(b, text=whole)
    if not joined:
        return upper, lower
    return (
        replace(upper, cells=tuple(joined.get(id(c), c) for c in upper.cells)),
        replace(lower, cells=tuple(joined.get(id(c), c) for c in lower.cells)),
    )


@dataclass(frozen=True, slots=True)
class Sheet:
    rows: tuple[Row, ...]

    @classmethod
    def from_pages(cls, pages: Sequence[PageContent]) -> Sheet:
        grids = [g for p in pages for g in p.grids]
        for k in range(1, len(grids)):
            grids[k - 1], grids[k] = _join_split_cells(grids[k - 1], grids[k])
        return cls(tuple(row for g in grids for row in _rows(g)))

    def find_near(
        self, labels: Sequence[str], start: int = 0, shortest: int = 5, edits: int = 1
    ) -> tuple[int, Cell] | None:
        """For a label no cell prints as read: the one OCR cell (from row ``start``) whose text is one
        character (``edits``) off one of ``labels`` of ``shortest`` or more characters (般公共预算：18264200.00
        — the 一 of 一般公共预算 lost against a ruling). A cell that is another label as read is not it; two such
        cells are no answer."""
        from extract.forms.vocabulary import vocabulary

        hits = []
        for i in range(start, len(self.rows)):
            row = self.rows[i]
            for c in row.cells:
                if not row.starts(c) or c.source != "ocr" or not c.text or vocabulary().is_label(c.text):
                    continue
                if label_near(c.text, labels, shortest, edits):
                    hits.append((i, c))
        return hits[0] if len(hits) == 1 else None

    def find_glued(self, labels: Sequence[str], start: int = 0) -> tuple[int, Cell] | None:
        """First cell from row ``start`` that prints one of ``labels`` and an amount right after it, the
        colon between them lost to OCR (按收入性质分2436.58): a label and its value in one cell."""
        return self._first(lambda text: label_with_figure(text, labels), start)

    def find(self, labels: Sequence[str], start: int = 0) -> tuple[int, Cell] | None:
        """First cell (in reading order, from row ``start``) whose text begins with one of ``labels``."""
        return self._first(lambda text: label_matches(text, labels), start)

    def _first(self, matches: Callable[[str], bool], start: int) -> tuple[int, Cell] | None:
        for i in range(start, len(self.rows)):
            row = self.rows[i]
            for c in row.cells:
                if row.starts(c) and c.text and matches(c.text):
                    return i, c
        return None
