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

from extract.forms.sheet import Row
from extract.forms.values import NAME_POINTS, clean_text
from extract.forms.vocabulary import vocabulary
from extract.model import Cell

Rows = list[tuple[Row, dict[str, Cell | None]]]
_POINTS = regex.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
INNER = {"level1": "level2", "level2": "level3"}  # the column a name merged across would cover next
CUT_EDGE_PT = 2.0  # a line of a part this near the page's cut edge of its cell is drawn across the break …
CUT_CONFIDENCE = 0.5  # … and the name joined from two such strips is this unsure at most (flagged)


_HAN = regex.compile(r"\p{Han}")
_MARK = regex.compile(r"[\p{P}\p{S}]")
UNSURE_NAME = 0.5  # a name cell's text read less surely than this, no character of any group name in it: specks


def shows_no_name(cell: Cell) -> bool:
    """A name cell of a scan whose text is no name: OCR read dust, a seal's fleck or the grain of a blank
    merged cell as a figure or marks, no Chinese in it (``8`` at 0.07, ``*``, ``+``), one character among
    marks or of no group name (``=*重`` at 0.41, ``鲁`` at 0.54, ``豪`` at 0.83: every group name has two
    characters or more), or unsure characters of no group name the forms use (``帝鲁`` at 0.41, ``豪`` at
    0.45, in blank cells 11–16 rows tall). Such a part broke the
    chain of a name's parts over pages and made a group of its own (its rows' scores a subtotal of their
    own, two figures wrong). A name misread (``效色模`` for 效益指标) shares characters with the names: kept."""
    text = clean_text(cell.text)
    if cell.source != "ocr" or not text or _POINTS.match(text):  # (50分): a wrapped name's points
        return False
    han = _HAN.findall(text)
    shared = set(han) & vocabulary().name_characters
    if not han or (len(han) == 1 and (_MARK.search(text) or not shared)):
        return True
    return cell.confidence < UNSURE_NAME and not shared


def _blank(cell: Cell | None) -> bool:
    """A part showing no name: empty, or on a scan no name (``shows_no_name``)."""
    return cell is None or not clean_text(cell.text) or shows_no_name(cell)


def _whole_name(shown: str, below: str) -> str | None:
    """Of the two parts of one name cell at a page break, the one that shows the whole group name where the
    other shows a part of it — its start (社会效益 | 社会效益指标: a name centred on the whole merged cell, drawn
    across the break, the first page's part clipping its last line off below the table) or its end
    (社会效益指标 | 指标). None unless the whole is a group name the forms use and the part is none (满意度指标 above
    服务对象满意度指标 is a level-1 group's row above its level-2 group's)."""
    for whole, part in ((below, shown), (shown, below)):
        clipped = part and part != whole and (whole.startswith(part) or whole.endswith(part))
        if clipped and vocabulary().is_group_name(whole) and not vocabulary().is_group_name(part):
            return whole
    return None


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

    def name_runs(self, first: int, last: int, text: str, confidence: float | None = None) -> None:
        """Runs ``first``..``last`` all read ``text``; with ``confidence``, no surer than that."""
        for r in range(first, last + 1):
            cell = self.runs[r][2]
            if cell is None:
                continue
            named = replace(cell, text=text, hidden="")
            if confidence is not None:
                named = replace(named, confidence=min(named.confidence, confidence))
            for k in range(self.runs[r][0], self.runs[r][1] + 1):
                self.rows[k][1][self.name] = named

    def cut_through(self, a: int, b: int) -> bool:
        """Parts ``a`` and ``b`` of one scanned cell (joinable) each show a strip of one line of glyphs at
        the page break: a name drawn across the break, its glyphs cut in two — the upper halves at the foot
        of the first page's part, the lower halves at the head of the next page's (效益指标 read 放兴指坛 and
        双益杨). At least one strip reads as no group name (two names that read, each at its edge, are two)."""
        up, down = self.runs[a][2], self.runs[b][2]
        if up is None or down is None or not up.lines or not down.lines or "ocr" not in (up.source, down.source):
            return False
        shown, below = clean_text(up.text), clean_text(down.text)
        if not shown or not below or shown == below:
            return False
        at_foot = max(ln.bbox[3] for ln in up.lines) >= up.bbox[3] - CUT_EDGE_PT
        at_head = min(ln.bbox[1] for ln in down.lines) <= down.bbox[1] + CUT_EDGE_PT
        known = vocabulary().is_group_name(shown) and vocabulary().is_group_name(below)
        return at_foot and at_head and not known

    def join_cut(self, a: int, b: int) -> None:
        """Name both parts of a name cut through its glyphs (``cut_through``) as one, unsure: the strip that
        reads as a group name, else the level-1 name sharing the most characters with both strips (one
        alone, two or more shared), else both strips as read — without points, which a strip of half glyphs
        misreads (产出(20分) at the foot of a page for 产出(30分)). The name and what is read from it (a set
        score in its points) are below ``CUT_CONFIDENCE``: in review, never passed as read."""
        up, down = self.runs[a][2], self.runs[b][2]
        assert up is not None and down is not None
        shown, below = clean_text(up.text), clean_text(down.text)
        named = [t for t in (shown, below) if vocabulary().is_group_name(t)]
        if named:
            whole = named[0]
        else:
            both = set(shown + below)
            shared = sorted(((len(set(n) & both), n) for n in vocabulary().level1_names), reverse=True)
            best = shared[0] if shared else (0, "")
            unique = len(shared) < 2 or shared[1][0] < best[0]
            whole = best[1] if best[0] >= 2 and unique else shown + below
        whole = NAME_POINTS.sub("", whole)  # points read from half glyphs (20 for 30): not read
        self.name_runs(a, b, whole, min(up.confidence, down.confidence, CUT_CONFIDENCE))

    def join_hidden(self) -> None:
        """A part whose hidden lines make it a group name the forms use (社会效 with 益指标 clipped below the
        table, the part on the next page holding no indicator) is that name, whatever part follows."""
        for j, (_, _, cell) in enumerate(self.runs):
            if cell is None or not cell.hidden:
                continue
            shown, whole = clean_text(cell.text), clean_text(cell.text) + clean_text(cell.hidden)
            if not vocabulary().is_group_name(shown) and vocabulary().is_group_name(whole):
                self.name_runs(j, j, whole)

    def join_wrapped(self) -> None:
        """A wrapped name cut in two (服务对 | 象满意度指标, 产出指标 | (50分)) becomes one name; so does a
        name whose last line the page break clips (效益指 with 标(30分) hidden), where the next part is blank,
        and a scanned name drawn across the break, its glyphs cut in two (``cut_through``)."""
        for j in range(len(self.runs) - 1):
            cell, nxt = self.runs[j][2], self.runs[j + 1][2]
            if cell is not None and nxt is not None and cell.hidden and _blank(nxt) and self.joinable(j, j + 1):
                self.name_runs(j, j, clean_text(cell.text) + clean_text(cell.hidden))
                continue
            if cell is None or nxt is None or _blank(cell) or _blank(nxt) or not self.joinable(j, j + 1):
                continue
            shown, rest, below = clean_text(cell.text), clean_text(cell.hidden), clean_text(nxt.text)
            if whole_in_one := _whole_name(shown, below):  # 社会效益 | 社会效益指标: the break clipped one part
                self.name_runs(j, j + 1, whole_in_one)
                continue
            whole = shown + below if below.startswith(rest) else shown + rest
            one_name = bool(rest) and whole.endswith(below)
            if not one_name and (_POINTS.match(below) or vocabulary().is_group_name(shown + below)):
                whole, one_name = shown + below, not vocabulary().is_group_name(below)
            if one_name:
                self.name_runs(j, j + 1, whole)
            elif self.cut_through(j, j + 1):  # whole lines a wrap put on each page are read above
                self.join_cut(j, j + 1)

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

    def _d(self, r: int) -> float | None:
        """B − A for the named part ``r``: its centred text sits (h + B − A) / 2 below its top, where A
        and B are the heights of the blank parts of its merged cell above and below it."""
        cell = self.runs[r][2]
        if cell is None or not cell.lines:
            return None
        mid = (min(ln.bbox[1] for ln in cell.lines) + max(ln.bbox[3] for ln in cell.lines)) / 2
        return 2 * (mid - cell.bbox[1]) - (cell.bbox[3] - cell.bbox[1])

    def fill_blanks(self) -> None:
        """Blank parts join the named part of their merged cell. A centred name is drawn at the middle of
        the whole merged range, so each named part tells B − A. Every chain of blank parts between two
        named parts is split between them (some parts to the one above, the rest to the one below) so as
        to explain where both are drawn; a split that explains neither names nothing. A chain with one
        named neighbour is that name's."""
        chains = []  # (first, last, named part above or None, named part below or None)
        for first, last in self.chains():
            up = (
                first - 1
                if first > 0 and not _blank(self.runs[first - 1][2]) and self.joinable(first - 1, first)
                else None
            )
            down = (
                last + 1
                if last + 1 < len(self.runs) and not _blank(self.runs[last + 1][2]) and self.joinable(last, last + 1)
                else None
            )
            if up is not None or down is not None:
                chains.append((first, last, up, down))
        splits = [(last - first + 1 if down is None else 0) for first, last, up, down in chains]
        for _ in range(3):  # coordinate descent: each chain's split, the others held
            for c, (first, last, up, down) in enumerate(chains):
                options = range(last - first + 2) if up is not None and down is not None else [splits[c]]
                splits[c] = min(options, key=lambda s, c=c: self._error(chains, [*splits[:c], s, *splits[c + 1 :]]))
        sizes = self._sizes(chains, splits)
        for (first, last, up, down), s in zip(chains, splits, strict=True):
            for owner, lo, hi in ((up, first, first + s - 1), (down, first + s, last)):
                if owner is None or lo > hi:
                    continue
                d = self._d(owner)
                a, b = sizes.get(owner, (0.0, 0.0))
                h = self.height(owner)
                two = up is not None and down is not None
                if two and d is not None and abs(b - a - d) > max(3.0, 0.1 * (h + a + b)):
                    continue  # between two names, and where this one is drawn does not fit: leave unnamed
                self.name_runs(lo, hi, self.runs[owner][2].text)  # type: ignore[union-attr]

    def _sizes(
        self, chains: list[tuple[int, int, int | None, int | None]], splits: list[int]
    ) -> dict[int, tuple[float, float]]:
        """Per named part: the heights (A above, B below) of the blank parts a split gives it."""
        sizes: dict[int, list[float]] = {}
        for (first, last, up, down), s in zip(chains, splits, strict=True):
            if up is not None:
                sizes.setdefault(up, [0.0, 0.0])[1] += sum(self.height(k) for k in range(first, first + s))
            if down is not None:
                sizes.setdefault(down, [0.0, 0.0])[0] += sum(self.height(k) for k in range(first + s, last + 1))
        return {r: (a, b) for r, (a, b) in sizes.items()}

    def _error(self, chains: list[tuple[int, int, int | None, int | None]], splits: list[int]) -> float:
        total = 0.0
        for r, (a, b) in self._sizes(chains, splits).items():
            d = self._d(r)
            total += 0.0 if d is None else abs(b - a - d)
        return total


def mend_page_breaks(rows: Rows, names: Sequence[str]) -> None:
    """Give every part of a merged name cut by a page break the whole name (in place)."""
    for name in names:
        runs = _Runs(rows, name)
        runs.join_hidden()
        runs.join_wrapped()
        runs = _Runs(rows, name)
        runs.fill_blanks()
