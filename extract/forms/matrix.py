"""Blocks of row labels × column labels — a form's funds block (项目资金, 年度预算申请, 预算执行情况):
each value goes to ``<path>.<row>.<column>``, e.g. ``funds.rows.fiscal_appropriation.executed``."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import regex

from extract.forms.extraction import Extraction, cell_field
from extract.forms.sheet import Row, Sheet, label_matches, label_one_edit
from extract.forms.templates import MatrixSpec, norm
from extract.forms.values import clean_text, two_figures
from extract.forms.vocabulary import vocabulary
from extract.grid import join_lines
from extract.model import Cell, Field, TextLine

_PARTS_PREFIX = regex.compile(r"^(?:其中|含)[:：]?")
HEADER_SEARCH_ROWS = 8
BODY_SEARCH_ROWS = 12


@dataclass(frozen=True, slots=True)
class _Header:
    """A block's header row as read: its index, each named column's x-centre and header cell, the columns
    taken by resemblance or elimination, the x-ranges of columns whose header shares one cell with another's
    (a ruling the scan lost), and whether a header cell between named ones reads as no column."""

    row: int
    xs: dict[str, float]
    heads: list[Cell]
    guessed: frozenset[str]
    ranges: dict[str, tuple[float, float]]
    unnamed: bool


def _across(sheet: Sheet, labels: dict[str, tuple[str, ...]], start: int, strip: bool, need: int = 2) -> _Header | None:
    """The first row from ``start`` holding at least ``need`` of ``labels`` (by name)."""
    for i in range(start, min(start + HEADER_SEARCH_ROWS, len(sheet.rows))):
        row = sheet.rows[i]
        cells, ranges = _split_heads(row.cells, labels, strip)
        xs: dict[str, float] = {}
        heads: list[Cell] = []
        for name, options in labels.items():
            for c in cells:
                if c.text and label_matches(_row_label(c) if strip else c.text, options):
                    xs[name] = (c.bbox[0] + c.bbox[2]) / 2
                    heads.append(c)
                    break
        if len(xs) >= min(need, len(labels)):
            guessed = _unread_heads(cells, labels, xs, heads)
            named = {n: r for n, r in ranges.items() if n in xs}
            return _Header(i, xs, heads, guessed, named, _unnamed_between(row, xs, heads))
    return None


def side_by_side(cell: Cell) -> list[Cell]:
    """An OCR cell's lines in groups side by side — no line of a group reaches over another group's
    x-range — each as a cell of its own (its text joined as the grid joins a cell's lines); a cell of one
    group is itself. Where a scan lost the ruling between two columns, one cell holds both columns' headers
    (预算执行数（元） | 权重) and, below, both figures (64210500 | 10)."""
    if cell.source != "ocr" or len(cell.lines) < 2:
        return [cell]
    groups: list[list[TextLine]] = []
    for ln in sorted(cell.lines, key=lambda ln: ln.bbox[0]):
        if groups and ln.bbox[0] < max(g.bbox[2] for g in groups[-1]):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    if len(groups) < 2:
        return [cell]
    return [
        replace(
            cell,
            text=join_lines(g),
            lines=tuple(g),
            bbox=(min(ln.bbox[0] for ln in g), cell.bbox[1], max(ln.bbox[2] for ln in g), cell.bbox[3]),
        )
        for g in groups
    ]


def _split_heads(
    cells: Sequence[Cell], labels: dict[str, tuple[str, ...]], strip: bool
) -> tuple[list[Cell], dict[str, tuple[float, float]]]:
    """The header row's cells, an OCR cell whose groups side by side (``side_by_side``) head two or more
    columns — each group a column's label as read, no two the same column — split into them; with the
    x-range each such column takes in the cell (bounds halfway between its groups): the figures below
    are placed by it, flagged."""
    out: list[Cell] = []
    ranges: dict[str, tuple[float, float]] = {}
    for c in cells:
        parts = side_by_side(c)
        names = [
            next((n for n, o in labels.items() if label_matches(_row_label(p) if strip else p.text, o)), None)
            for p in parts
        ]
        taken = [n for n in names if n is not None]
        if len(taken) < 2 or len(set(taken)) < len(taken):
            out.append(c)
            continue
        out.extend(parts)
        bounds = [c.bbox[0]] + [(a.bbox[2] + b.bbox[0]) / 2 for a, b in itertools.pairwise(parts)] + [c.bbox[2]]
        for k, n in enumerate(names):
            if n is not None:
                ranges[n] = (bounds[k], bounds[k + 1])
    return out, ranges


def _unnamed_between(row: Row, xs: dict[str, float], heads: list[Cell]) -> bool:
    """An OCR header cell between the named ones that names no column (blank under a seal, or misread): a
    column is there whose header was not read."""
    if len(xs) < 2:
        return False
    lo, hi = min(xs.values()), max(xs.values())
    return any(
        c.source == "ocr"
        and row.starts(c)
        and lo < (c.bbox[0] + c.bbox[2]) / 2 < hi
        and not any(h.bbox[0] < c.bbox[2] and c.bbox[0] < h.bbox[2] for h in heads)
        for c in row.cells
    )


def _unread_heads(
    cells: Sequence[Cell], labels: dict[str, tuple[str, ...]], xs: dict[str, float], heads: list[Cell]
) -> frozenset[str]:
    """OCR header cells that name no column as read, beside the columns that are named (a seal over a
    header: 用章分值 for 分值, ） for 全年预算数（万元）): a cell holding the label of exactly one column not
    found yet heads it; a cell that resembles exactly one missing column's label far more than any other
    (``_resembles``: 年初预媒 for 年初预算数, 倾算执行彰 for 预算执行率) heads it (全年预数 is as near 全年执行数 as
    全年预算数 until 全饰丸行数 takes the first); then, when as many unnamed cells lie
    between named ones as columns are left, each heads the column its place gives it, if the block's column
    order holds. The columns taken by resemblance or elimination are returned: their values are flagged
    (``_Block.eliminated``)."""
    if len(xs) == len(labels) or not heads:
        return frozenset()

    def free(c: Cell) -> bool:
        return c.source == "ocr" and not any(c is h for h in heads)

    for c in cells:
        if not free(c) or not c.text:
            continue
        text = norm(c.text)
        named = [n for n, options in labels.items() if n not in xs and any(len(o) >= 2 and o in text for o in options)]
        if len(named) == 1 and not any(label_matches(c.text, o) for n, o in labels.items() if n in xs):
            xs[named[0]] = (c.bbox[0] + c.bbox[2]) / 2
            heads.append(c)
    guessed: set[str] = set()
    taking = True
    while taking:  # a header taken leaves fewer columns to tell apart: the cells before it are weighed again
        taking = False
        for c in cells:
            if not free(c) or not c.text or vocabulary().is_label(c.text):
                continue
            missing = {n: o for n, o in labels.items() if n not in xs}
            if (name := _resembles(norm(c.text), missing)) is not None:
                xs[name] = (c.bbox[0] + c.bbox[2]) / 2
                heads.append(c)
                guessed.add(name)
                taking = True
    # between the named headers, and right of them (样分 for 得分, the block's last column): a block's own
    # label stands left of its headers, never right
    left = min(h.bbox[0] for h in heads)
    gaps = [c for c in cells if free(c) and c.bbox[0] >= left - 1]
    return frozenset(guessed | _by_place(labels, xs, heads, gaps))


def _by_place(
    labels: dict[str, tuple[str, ...]], xs: dict[str, float], heads: list[Cell], gaps: list[Cell]
) -> set[str]:
    """As many unnamed header cells between named ones as columns left: each takes the column its place in
    the block's order gives it, where that order holds across every column (named or not)."""
    missing = [n for n in labels if n not in xs]
    gaps = sorted((g for g in gaps if not vocabulary().is_label(g.text)), key=lambda c: c.bbox[0])
    if not missing or len(gaps) != len(missing):
        return set()
    taken = {n: (g.bbox[0] + g.bbox[2]) / 2 for n, g in zip(missing, gaps, strict=True)}
    order = sorted({**xs, **taken}.items(), key=lambda kv: kv[1])
    if [n for n, _ in order] != [n for n in labels if n in xs or n in taken]:
        return set()
    xs.update(taken)
    heads.extend(gaps)
    return set(taken)


RESEMBLES = 0.6  # share of a label's characters an OCR header must keep, in order, to be taken for it
RESEMBLES_AHEAD = 0.25  # … and by this much more than for any other missing column


def _common(a: str, b: str) -> int:
    """The length of the longest common subsequence of two strings (characters kept in order)."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b):
            cur.append(prev[j] + 1 if ch == other else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


_UNIT_SUFFIX = regex.compile(r"\((?:万|元|分|%)[^()]{0,2}\)?$")


def _resembles(text: str, missing: dict[str, tuple[str, ...]]) -> str | None:
    """The one missing column whose label an OCR header cell keeps most of, in order (three characters at
    least, ``RESEMBLES`` of the label and of the cell), clearly ahead of every other missing column; else None."""
    text = _UNIT_SUFFIX.sub("", text)  # 全年算数(万元): the unit says nothing of which column
    if len(text) < 3:
        return None
    scores: dict[str, float] = {}
    for name, options in missing.items():
        best = 0.0
        for o in options:
            k = _common(text, norm(o))
            if k >= 3:
                best = max(best, min(k / len(norm(o)), k / len(text)))
        scores[name] = best
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < RESEMBLES:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < RESEMBLES_AHEAD:
        return None
    return ranked[0][0]


def _labels_down(
    sheet: Sheet, labels: dict[str, tuple[str, ...]], first: int, left_of: float, strip: bool = False
) -> int:
    """How many of ``labels`` head rows from ``first`` on, in cells left of ``left_of`` (``strip``: a row
    label's 其中： taken off; on OCR, a label a character off counts)."""
    found: set[str] = set()
    for row in sheet.rows[first : first + BODY_SEARCH_ROWS]:
        for c in row.cells:
            if row.starts(c) and c.text and c.bbox[2] <= left_of:
                text = _row_label(c) if strip else c.text
                found.update(
                    n
                    for n, options in labels.items()
                    if label_matches(text, options) or (c.source == "ocr" and label_one_edit(text, options, 4))
                )
    return len(found)


def _row_label(cell: Cell) -> str:
    return str(_PARTS_PREFIX.sub("", norm(cell.text)))


@dataclass(frozen=True, slots=True)
class _Block:
    """Where a block was found: its label cell, its header row, the across labels' x-centres."""

    anchor: Cell | None
    header_row: int
    xs: dict[str, float]
    heads: list[Cell]
    eliminated: frozenset[str]  # columns whose header no cell reads, taken by elimination: values flagged
    transposed: bool
    ranges: dict[str, tuple[float, float]]  # columns sharing one header cell (``_split_heads``): their x-range
    unnamed: bool  # a header cell between named ones names no column (``_unnamed_between``)

    @classmethod
    def of(cls, anchor: Cell | None, h: _Header, transposed: bool) -> _Block:
        return cls(anchor, h.row, h.xs, h.heads, h.guessed, transposed, h.ranges, h.unnamed)


def _locate(sheet: Sheet, spec: MatrixSpec, ex: Extraction) -> _Block | None:
    """The block as printed (rows down, columns across) or transposed (its rows printed across, its
    columns down the side); a block the form must print and does not is flagged."""
    start, anchor = 0, None
    columns = {c.name: c.labels for c in spec.columns}
    if spec.anchor:
        hit = (
            sheet.find(spec.anchor)
            or sheet.find_near(spec.anchor, shortest=4)  # 项目资盒(万元) on a scan
            or next(
                ((i, c) for i, r in enumerate(sheet.rows) for c in r.cells if r.starts(c) and _after_anchor(c, spec)),
                None,
            )
        )
        if hit is not None:
            start, anchor = hit
        elif (unlabelled := _unanchored(sheet, spec, columns)) is not None:
            start = unlabelled
        else:
            if not spec.optional:
                ex.flag(spec.path, "block label not found")
            return None
    head = _across(sheet, columns, start, strip=False)
    across = _across(sheet, spec.rows, start, strip=True, need=1)
    # the reading that finds more of the block's labels: a block printed transposed (its columns down the
    # side under 合计) with the indicator table's header (… 分值 | 得分) a few rows below is not a block headed
    # by that row with no row label beside it
    down = 0 if across is None else _labels_down(sheet, columns, across.row, min(across.xs.values()))
    if across is not None and down >= 2:
        found = len(across.xs) + down
        if head is None or found > len(head.xs) + _labels_down(sheet, spec.rows, head.row, min(head.xs.values()), True):
            return _Block.of(anchor, across, transposed=True)
    if head is not None:
        return _Block.of(anchor, head, transposed=False)
    ex.flag(spec.path, "block header not found")
    return None


UNANCHORED_ACROSS = 3  # a block whose label is not read: this many of its labels across, one down the side below …
UNANCHORED_DOWN = 3  # … or two across and this many down
_UNIT_FIRST = regex.compile(r"^[(（][^)）]{0,6}[)）]")


def _after_anchor(cell: Cell, spec: MatrixSpec) -> str | None:
    """The row label an OCR cell holds after the block's own label (年度预算申请年度资金总额: the scan lost the
    ruling between the block's label and its first row's, and the two cells read as one), or None."""
    if cell.source != "ocr" or not cell.text:
        return None
    text = norm(cell.text)
    for anchor in spec.anchor:
        rest = _UNIT_FIRST.sub("", text[len(anchor) :]) if text.startswith(anchor) else ""  # 预算资金（万元）…
        if rest and any(label_matches(rest, labels) for labels in spec.rows.values()):
            return rest
    return None


def _unanchored(sheet: Sheet, spec: MatrixSpec, columns: dict[str, tuple[str, ...]]) -> int | None:
    """A scanned block whose label OCR did not read (年度预算申请 under a seal, read as ．年算): the first OCR
    row that heads three or more of its columns with one of its row labels in the rows below (年初预算数 |
    全年预算数 | 执行率 over 年度资金总额, or on a scan 年度资金总) — or, printed transposed, three or more of its
    row labels across (年度资金总额 | 本年财政拨款 | 上年结转资金) with one of its column labels down the side
    below (年初预算数); or two across with three or more down the side (年度资金总额 | 其他资金 over 年初预算数,
    全年预算数, 全年执行数 …, its 项目资金（万元） under a seal) — the block, found by what it prints rather
    than its name."""
    for i, row in enumerate(sheet.rows):
        if not any(c.source == "ocr" for c in row.cells):
            continue
        for across, down, strip in ((columns, spec.rows, False), (spec.rows, columns, True)):
            head = _across(sheet, across, i, strip=strip, need=2)
            if head is None or head.row != i:
                continue
            # the rows the block spans (a merged cell may split one in two): a label as read, or on a scan one
            # glyph off (年度资金总 for 年度资金总额) — the first rows' labels may be lost (a seal over them)
            below = sheet.rows[i + 1 : i + 2 + len(down)]
            found = {
                name
                for r in below
                for c in r.cells
                if r.starts(c) and c.text
                for name, labels in down.items()
                if label_matches(_row_label(c), labels)
                or (c.source == "ocr" and label_one_edit(_row_label(c), labels, 4))
            }
            if found and (len(head.xs) >= UNANCHORED_ACROSS or len(found) >= UNANCHORED_DOWN):
                return i
    return None


def _note_units(spec: MatrixSpec, ex: Extraction, block: _Block) -> None:
    """The labels that may state the block's unit: its own label and its amount columns' headers."""
    unit_path = spec.path.rsplit(".", 1)[0] + ".unit"
    money = [c.labels for c in spec.columns if c.type == "money"]
    heads = [h for h in block.heads if block.transposed or any(label_matches(h.text, m) for m in money)]
    for label in [block.anchor, *heads] if block.anchor is not None else heads:
        ex.note_unit(unit_path, label, spec.unit)
    ex.note_unit(unit_path, None, spec.unit)


def read_matrix(sheet: Sheet, spec: MatrixSpec, ex: Extraction) -> None:
    """Each labelled row (or, transposed, column) of the block to ``<path>.<row>.<column>``."""
    if not spec.optional:
        ex.declared.update(f"{spec.path}.{r}.{c.name}" for r in spec.rows for c in spec.columns)
    block = _locate(sheet, spec, ex)
    if block is None:
        return
    ex.declared.update(f"{spec.path}.{r}.{c.name}" for r in spec.rows for c in spec.columns)
    _note_units(spec, ex, block)
    found = _read_body(sheet, spec, ex, block)
    if block.transposed:
        _put_unlabelled(sheet, spec, ex, block, found)
    unknown: list[str] = []
    if not block.transposed:
        _flag_unheaded_columns(spec, ex, block, found)
        unknown = _other_rows(sheet, spec, ex, block.header_row, block.xs, min(block.xs.values()))
    shown = block.xs if block.transposed else found
    _flag_missing_rows(spec, ex, [name for name in spec.rows if name not in shown], unknown)
    if figures := [lb for lb in unknown if _FIGURE_LABEL.match(norm(lb))]:
        # a row "labelled" 63,985,600.00: the label column is a column of figures, every row may be misplaced
        ex.flag(spec.path, f"rows of the block labelled by figures ({', '.join(figures[:3])}): its columns misread")


_FIGURE_LABEL = regex.compile(r"^[+-]?[\d,.]*\d%?$")


def _flag_missing_rows(spec: MatrixSpec, ex: Extraction, missing: list[str], unknown: list[str]) -> None:
    """Rows the template names that the block does not show; with rows OCR read under labels of their own
    (``unknown``), either may be the other."""
    for name in missing:
        if not spec.optional:
            ex.flag(f"{spec.path}.{name}", "row label not found")
        elif unknown:  # 含计 for 合计, 当年财致植女 for 当年财政拨款: the row may be there, its label misread
            ex.flag(f"{spec.path}.{name}", f"row label not found; OCR read rows of the block as {', '.join(unknown)}")
    if missing and unknown:  # … and a row OCR read under a label of its own may be that row: its figures too
        base = spec.path.removesuffix(".rows") + ".other_rows"
        for k, item in enumerate(ex.rows.get(base, [])):
            if item["label"].source == "ocr":
                for key, f in item.items():
                    if f.value is not None:
                        ex.flag(f"{base}[{k}].{key}", f"may be the row {' or '.join(missing)}, its label misread")


def _read_body(sheet: Sheet, spec: MatrixSpec, ex: Extraction, block: _Block) -> dict[str, int]:
    """Each labelled row of the block read: the names found down the side, with the index of their row."""
    down = {c.name: c.labels for c in spec.columns} if block.transposed else spec.rows
    left_edge = min(block.xs.values())
    found: dict[str, int] = {}
    for i in range(block.header_row, min(block.header_row + BODY_SEARCH_ROWS, len(sheet.rows))):
        row = sheet.rows[i]
        for c in row.cells:
            if not (row.starts(c) and c.text and c.bbox[2] <= left_edge):
                continue
            text = c.text if block.transposed else (_after_anchor(c, spec) or _row_label(c))
            missing = {n: labels for n, labels in down.items() if n not in found}
            name, resembled = _label_of(text, missing, c.source, c.confidence)
            if name is None:
                continue
            found[name] = i
            # a label merged down beside the header (年度资金总额 over two rows) has its values below
            values = sheet.rows[i + 1] if i == block.header_row and i + 1 < len(sheet.rows) else row
            for other, x in block.xs.items():
                row_name, col_name = (other, name) if block.transposed else (name, other)
                cell, shared = values.at(x), block.ranges.get(other)
                if shared is not None:  # a header cell shared with another column: what lies in this one's part
                    cell = _within(cell, shared)
                    if (cell is None or not clean_text(cell.text)) and spec.expected(row_name, col_name):
                        ex.flag(
                            f"{spec.path}.{row_name}.{col_name}",
                            "its header shares one cell with another column's (a ruling the scan lost) and "
                            "nothing is read in its part of the cell",
                        )
                _put(spec, ex, row_name, col_name, cell, guessed=resembled or other in block.eliminated or bool(shared))
            if not block.transposed:
                _put_unheaded(spec, ex, name, values, c, block)
    return found


def _flag_unheaded_columns(spec: MatrixSpec, ex: Extraction, block: _Block, found: dict[str, int]) -> None:
    """A column whose header was not read, where some row of the block prints a figure under no column
    found (flagged by ``_put_unheaded``) or two figures in one cell (the ruling between two columns lost,
    with the header of one of them): the column is printed, so every row's value of it read as nothing is
    in review — that row's figure may be there, unread — never passed off as not printed."""
    merged = any(  # a cell holding two figures: a ruling lost, the figures of two columns in one cell
        (f := ex.get(f"{spec.path}.{row}.{col}")) is not None and two_figures(f.raw)
        for row in found
        for col in block.xs
    )
    for col in spec.columns:
        if col.name in block.xs:
            continue
        paths = [f"{spec.path}.{row}.{col.name}" for row in found]
        if not merged and not any(p in ex.review for p in paths):
            continue
        for p in paths:
            if (f := ex.get(p)) is None or f.value is None:
                ex.flag(
                    p,
                    "its column's header was not read and other rows of the block print figures under no "
                    "column found: this row's may be there, unread",
                )


def _within(cell: Cell | None, span: tuple[float, float]) -> Cell | None:
    """The part of an OCR cell whose lines' centres lie in ``span`` (a column whose header shared a cell
    with another's): the cell itself when all do, a blank cell when none."""
    if cell is None or cell.source != "ocr" or not cell.lines:
        return cell
    inside = tuple(ln for ln in cell.lines if span[0] <= (ln.bbox[0] + ln.bbox[2]) / 2 <= span[1])
    if len(inside) == len(cell.lines):
        return cell
    if not inside:
        return replace(cell, text="", lines=())
    box = (min(ln.bbox[0] for ln in inside), cell.bbox[1], max(ln.bbox[2] for ln in inside), cell.bbox[3])
    return replace(cell, text=join_lines(inside), lines=inside, bbox=box)


def _put_unlabelled(sheet: Sheet, spec: MatrixSpec, ex: Extraction, block: _Block, found: dict[str, int]) -> None:
    """A transposed block's columns (printed down its side: 年初预算数, 全年预算数 …) whose label no cell reads
    (切预算数, 数: a label's glyphs lost on a scan). Rows of the block printing figures under its rows' headers
    beside a label that names none of its columns are never dropped: on a scan, as many such rows as columns
    missing, in the block's column order, each goes to its column, flagged; otherwise every missing column
    is in review (figures are there, their column unknown)."""
    missing = [c.name for c in spec.columns if c.name not in found]
    if not missing or not found:
        return
    order = [c.name for c in spec.columns]
    stray = _unlabelled_rows(sheet, block, found, len(missing))
    if not stray:
        return
    where = {**found, **{n: i for n, (i, _) in zip(missing, stray, strict=False)}}
    ocr = all(c.source == "ocr" for _, row in stray for c in row.cells if _NUMBER.search(c.text or ""))
    if ocr and len(stray) == len(missing) and sorted(where, key=lambda n: where[n]) == order:
        for n, (_, row) in zip(missing, stray, strict=True):
            for other, x in block.xs.items():
                _put(spec, ex, other, n, row.at(x), guessed=True)
        return
    for n in missing:
        for other in block.xs:
            ex.flag(
                f"{spec.path}.{other}.{n}",
                f"its label down the block's side was not read; the block prints {len(stray)} rows of figures "
                "under no label found",
            )


def _unlabelled_rows(sheet: Sheet, block: _Block, found: dict[str, int], missing: int) -> list[tuple[int, Row]]:
    """The rows of a transposed block printing figures beside no label found: from its header to its last
    row found, and on for as many rows as labels are missing past it (a row printing no figure, or a label
    of something else — 年度总体目标 — ends it)."""
    last = max(found.values())
    left = min(block.xs.values())
    stray: list[tuple[int, Row]] = []
    taken = set(found.values()) | {i + 1 for i in found.values() if i == block.header_row}
    for i in range(block.header_row + 1, min(last + missing + 1, len(sheet.rows))):
        row = sheet.rows[i]
        label = [c for c in row.cells if row.starts(c) and clean_text(c.text) and c.bbox[2] <= left]
        if i > last and label and vocabulary().is_label(label[-1].text):
            break
        if i in taken:
            continue
        cells = [c for x in block.xs.values() if (c := row.at(x)) is not None and row.starts(c)]
        if any(_NUMBER.search(c.text or "") for c in cells):
            stray.append((i, row))
        elif i > last:  # past the last row found, a row printing no figure ends the block
            break
    return stray


def _put_unheaded(spec: MatrixSpec, ex: Extraction, name: str, values: Row, label: Cell, block: _Block) -> None:
    """The row's values under the columns whose header no cell reads (a header's first line lost under a
    seal: 元） for 年初预算数（万元）). Figures the row prints right of its label under no column found are
    never dropped: on a scan, as many as columns missing, in the block's column order, each goes to its
    column, flagged; otherwise the missing columns are in review (a figure is there, its column unknown). A
    text layer's headers read as printed: its figures are never placed by order, only flagged so."""
    missing = [col.name for col in spec.columns if col.name not in block.xs]
    if not missing:
        return
    xs = list(block.xs.values())
    stray = sorted(
        (
            c
            for c in values.cells
            if values.starts(c)
            and c.bbox[0] >= label.bbox[2] - 1.0
            and _NUMBER.search(c.text or "")
            and not any(c.bbox[0] <= x <= c.bbox[2] for x in xs)
        ),
        key=lambda c: c.bbox[0],
    )
    placed = {n: (c.bbox[0] + c.bbox[2]) / 2 for n, c in zip(missing, stray, strict=False)}
    order = sorted({**block.xs, **placed}.items(), key=lambda kv: kv[1])
    ocr = all(c.source == "ocr" for c in stray)
    if ocr and len(stray) == len(missing) and [n for n, _ in order] == [c.name for c in spec.columns]:
        for n, c in zip(missing, stray, strict=True):
            _put(spec, ex, name, n, c, guessed=True)
        return
    for n in missing:
        if stray:  # flagged first: in review, not a gap (not printed)
            ex.flag(
                f"{spec.path}.{name}.{n}",
                f"its column's header was not read; the row prints figures under no column found: "
                f"{', '.join(clean_text(c.text) for c in stray)}",
            )
        elif block.unnamed:  # a header cell there reads as no column: it may be this one, its figures unread
            ex.flag(
                f"{spec.path}.{name}.{n}",
                "its column's header was not read, and a header cell between the columns found reads as none "
                "(under a seal?): its figure may be there, unread",
            )
        _put(spec, ex, name, n, None)


SHORT_LABEL_DOUBT = 0.97  # a two-character OCR label read less surely than this may be one glyph off (合让 for 合计)


def _label_of(
    text: str, labels: dict[str, tuple[str, ...]], source: str, confidence: float = 1.0
) -> tuple[str | None, bool]:
    """The row (or column) a label cell names: as read; on OCR, the one label it is a character off; else the
    one it resembles (当年财致技款), or the block's total row where it is one glyph off a two-character label
    of it, read unsurely and no label itself (合让 for 合计, 0.94: a 1-bit scan's total row, all six figures
    lost; not 其中 for 其他), then also True: its values are flagged."""
    name = next((n for n, options in labels.items() if label_matches(text, options)), None)
    if name is not None or source != "ocr":
        return name, False
    near = [n for n, options in labels.items() if label_one_edit(text, options, 4)]
    if len(near) == 1:
        return near[0], False
    name = _resembles(norm(text), labels)
    if name is None and confidence < SHORT_LABEL_DOUBT and not vocabulary().is_label(text):
        t = norm(text)
        off = [n for n, options in labels.items() if n == "total" and any(_one_glyph_off(t, norm(o)) for o in options)]
        name = off[0] if len(off) == 1 else None
    return name, name is not None


def _one_glyph_off(text: str, label: str) -> bool:
    """Two characters, one of them as the label's (合让 and 合计)."""
    return len(text) == len(label) == 2 and sum(a != b for a, b in zip(text, label, strict=True)) == 1


_NUMBER = regex.compile(r"\d")


def _other_rows(
    sheet: Sheet, spec: MatrixSpec, ex: Extraction, header_row: int, xs: dict[str, float], left: float
) -> list[str]:
    """Rows of the block whose label is no known row (中央补助, 其中：…县级资金): kept with their label under
    ``<section>.other_rows``, never dropped, those printing no figure too when a row of the block follows
    them. The block ends at a row with no label and no figure, or a label of something else (年度总体目标, a
    header), or one cell across its columns. Returns the labels of those OCR read (a misread known row, maybe)."""
    if not spec.path.endswith(".rows"):
        return []
    base = spec.path.removesuffix(".rows") + ".other_rows"
    out: list[dict[str, Field]] = []
    pending: list[dict[str, Field]] = []  # rows printing no figure: kept when the block goes on past them
    for i in range(header_row + 1, min(header_row + BODY_SEARCH_ROWS, len(sheet.rows))):
        row = sheet.rows[i]
        kind, label = _block_row(row, spec, xs, left)
        if kind in ("known", "next"):  # a known row, or the next section (年度总体目标): the block ran to here
            out, pending = out + pending, []
            if kind == "next":
                break
            continue
        if kind == "skip":
            continue
        if kind == "end" or label is None:
            break
        values = {name: row.at(x) for name, x in xs.items()}
        item = _other_row(spec, ex, f"{base}[{len(out) + len(pending)}]", label, values)
        if kind == "blank":
            pending.append(item)  # 中央补助 printed with no figure, between 资金总额 and 自治区补助 300 259.45
            continue
        out, pending = out + pending + [item], []
    if out:
        ex.rows[base] = out
    return [str(item["label"].value) for item in out if item["label"].source == "ocr"]


def _block_row(row: Row, spec: MatrixSpec, xs: dict[str, float], left: float) -> tuple[str, Cell | None]:
    """What a row below the block's header is: ``known`` (a row the template names), ``next`` (a label of
    something else: past the block), ``skip`` (figures under a label merged down from the row above),
    ``end`` (no label and no figure, or one cell across the block's columns), else a row of its own, ``row``
    or ``blank`` (printing no figure) — with its innermost label cell. Figures beside a scanned label cell of
    their row's own that reads blank are a ``row`` too: its label lost, the row may be one the template names."""
    labels = [c for c in row.cells if c.bbox[2] <= left and clean_text(c.text) and row.starts(c)]
    values = [row.at(x) for x in xs.values()]
    numbers = [c for c in values if c is not None and _NUMBER.search(c.text or "")]
    if any(
        label_matches(_row_label(c), lbs) or (c.source == "ocr" and label_one_edit(_row_label(c), lbs, 4))
        for c in labels
        for lbs in spec.rows.values()
    ):
        return "known", None
    own = max((c for c in row.cells if c.bbox[2] <= left), key=lambda c: c.bbox[2], default=None)
    apart = len({id(c) for c in numbers}) >= max(2, len(xs) // 2)  # figures in most columns, each its own cell
    if apart and own is not None and own.source == "ocr" and row.starts(own) and not clean_text(own.text):
        return "row", own  # figures beside a label cell that reads blank (a seal over 年度资金总额): kept, unnamed
    label = labels[-1] if labels else None  # the innermost label cell (a block label may be merged down)
    if label is None:
        return ("skip" if numbers else "end"), None
    if vocabulary().is_label(label.text) or any(label_matches(label.text, c.labels) for c in spec.columns):
        return "next", label
    texts = [c for c in values if c is not None and clean_text(c.text)]
    if len({id(c) for c in texts}) < len(texts):  # one cell across the block's columns: text, not figures
        return "end", label
    return ("row" if numbers else "blank"), label


def _other_row(
    spec: MatrixSpec, ex: Extraction, path: str, label: Cell, values: dict[str, Cell | None]
) -> dict[str, Field]:
    item = {
        "label": Field(
            f"{path}.label", clean_text(label.text), label.text, label.page, label.bbox, label.confidence, label.source
        )
    }
    for col in spec.columns:
        unit = "%" if col.type == "percent" else None
        item[col.name] = cell_field(f"{path}.{col.name}", values.get(col.name), col.type, unit, ex)
    return item


def _put(spec: MatrixSpec, ex: Extraction, row: str, column: str, cell: Cell | None, guessed: bool = False) -> None:
    """The value at a row and column; one under a column taken by elimination (``guessed``) is flagged."""
    col = next(c for c in spec.columns if c.name == column)
    path = f"{spec.path}.{row}.{column}"
    unit = "%" if col.type == "percent" else None
    f = cell_field(path, cell, col.type, unit, ex)
    ex.put(f, cell if spec.expected(row, column) else None, gap=spec.expected(row, column))
    if guessed and f.value is not None:
        ex.flag(path, f"row or column label not read as printed: taken as {row}.{column} by resemblance or elimination")
    elif guessed and spec.expected(row, column) and (cell is None or cell.source == "ocr"):
        # a column (or row) taken by its place whose cell reads blank: under a seal, its header and figure
        # both lost — not a figure the form leaves out
        ex.flag(path, f"row or column label not read as printed, and the cell taken as {row}.{column} reads blank")


def read_matrices(sheet: Sheet, specs: Sequence[MatrixSpec], ex: Extraction) -> None:
    for spec in specs:
        read_matrix(sheet, spec, ex)
