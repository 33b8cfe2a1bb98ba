"""Tables of rows under a header: the indicator table and the evaluators.

The header row is found by the anchor column's label; each column's position is taken from its
header cell (the lowest header cell, under a merged group header such as 指标分值). Every row below,
across page breaks, until an end label, gives one dict of Fields; merged cells fill names down.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import regex

from extract.forms.extraction import LOW_CONFIDENCE, Extraction, cell_field
from extract.forms.mending import mend_page_breaks, shows_no_name
from extract.forms.sheet import Row, Sheet, edit_distance, label_matches, label_near, label_one_edit
from extract.forms.templates import ColumnSpec, TableSpec, Template, norm
from extract.forms.values import NAME_POINTS, clean_text
from extract.forms.vocabulary import vocabulary
from extract.model import SCORE_KEYS, UNREAD_INK, Cell, Field

EQUALS_READ_AS = frozenset("二三")  # a 指标性质 cell's lone = as OCR reads it (一 may be a dash: not taken)

_POINTS = NAME_POINTS  # a level-1 name's points (``values.NAME_POINTS``)


@dataclass(frozen=True, slots=True)
class _Column:
    spec: ColumnSpec
    x: float  # centre of the header cell
    guessed: bool = False  # its header read a character off a two-character label (样分 for 得分): values flagged


LEVELS = ("level1", "level2", "level3")
_EXACT_LEVELS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3"}
_LEVEL_READ = regex.compile(r"^[^级]{0,2}级指标$")  # 一级指标 with its ordinal lost or misread (一-级指标, 级指标)
# … and besides its ordinal one more glyph misread (级有标, 一级物标): taken only in a row that heads another
# column of the table as read, the column's values flagged
_LEVEL_LIKE = regex.compile(r"^[一二三\-—－·]?(?:级指.|级.标|.指标)$")
# … or nothing but the ordinal read (一锤得样 | 二像患标 | 三糖毒幅: blotted print): two or more in a row,
# the ordinals rising left to right, in a row that heads another column as read
_LEVEL_ORDINAL = regex.compile(r"^([一二三])[^\d\s]{2,4}$")


def _levels_by_order(sheet: Sheet, spec: TableSpec) -> tuple[int, dict[str, Cell], bool] | None:
    """A scanned header whose 一级/二级/三级指标 lost or garbled their ordinals (级指标, -级指标, 三级 read as a
    second 二级): a row with two or more …级指标 cells names the table's last level columns left to right
    (二级 | 三级 on a form that prints no 一级指标); a row naming every level column, one ordinal out of its
    place (一级指标 | 级指标 | 二级指标), names them by their order. Where the cells resemble …级指标 less
    (``_LEVEL_LIKE``, ``_LEVEL_ORDINAL``) the row must head another column of the table as read; the third
    value says so (the columns are then taken by resemblance: their values flagged)."""
    wanted = [c.name for c in spec.columns if c.name in LEVELS]
    if len(wanted) < 2 or spec.anchor not in wanted:
        return None
    for i, row in enumerate(sheet.rows):
        heads = sorted((c for c in row.cells if row.starts(c) and c.text), key=lambda c: c.bbox[0])
        read = [c for c in heads if _LEVEL_READ.match(norm(c.text))]
        loose = False
        if len(read) < 2:
            ocr = [c for c in heads if c.source == "ocr"]  # a text layer's header reads as printed
            like = [c for c in ocr if _LEVEL_READ.match(norm(c.text)) or _LEVEL_LIKE.match(norm(c.text))]
            ordinals = [c for c in ocr if _LEVEL_ORDINAL.match(norm(c.text))]
            rising = [m.group(1) for c in ordinals if (m := _LEVEL_ORDINAL.match(norm(c.text)))]
            if (
                len(like) < 2
                and len(ordinals) >= 2
                and all("一二三".index(a) < "一二三".index(b) for a, b in itertools.pairwise(rising))
            ):
                like = ordinals
            # the row heads another column, or the row under it does (参考分值 | 设定分值 under 指标分值)
            if len(like) < 2 or not any(_row_has_other_column(r, spec, like[0]) for r in sheet.rows[i : i + 2]):
                continue
            read, loose = like, True
        if not 2 <= len(read) <= len(wanted):
            continue
        if (names := _names_after_levels(heads, read, spec)) is not None:
            return i, names, True
        # the names column is the rightmost (a form may print no 一级指标); a level read whole keeps its own
        named = dict(zip(sorted(wanted)[-len(read) :], read, strict=True))
        exact = {name: _EXACT_LEVELS.get(norm(c.text)) for name, c in named.items()}
        # an ordinal read twice (一级 | 二级 | 二级 for 三级: 形近字) is misread where it is out of its place
        twice = {e for e in exact.values() if e and list(exact.values()).count(e) > 1}
        exact = {name: None if e in twice and e != name else e for name, e in exact.items()}
        misplaced = any(e and e != name for name, e in exact.items())
        # a level read whole out of its place beside a garbled one, the table's next column right after them:
        # the header's glyphs cut (the lower halves of 二级指标 | 三级指标 read 级拍标 | 二级指标)
        cut = None in exact.values() and all(c.source == "ocr" for c in read)
        cut = cut and _scores_next(sheet.rows[i : i + 2], read[-1], spec)
        if all(exact.values()) or (misplaced and len(read) < len(wanted) and not cut):
            continue  # nothing garbled here, or the order does not hold
        # every level column read, in its place: an ordinal out of its place is misread (级指标 | 二级指标 for
        # 二级 | 三级指标: 三 read as 二), the columns taken by their order, their values flagged
        return i, named, loose or misplaced
    return None


def _scores_next(rows: Sequence[Row], last: Cell, spec: TableSpec) -> bool:
    """The header cell right of the last level read heads another column of the table as printed (参考分值,
    or under a group's head: 指标分值 over 参考分值 | 设定分值, in the header's next row): no level column comes
    after it, so the levels read are the table's last ones, whatever their ordinals say (a repeated header a
    page break cut: the lower halves of 二级指标 | 三级指标 read 级拍标 | 二级指标)."""
    others = [col for col in spec.columns if col.name not in LEVELS]
    return spec.anchor == LEVELS[-1] and any(
        row.starts(c) and abs(c.bbox[0] - last.bbox[2]) <= 1.0 and label_matches(c.text, col.labels)
        for row in rows
        for c in row.cells
        for col in others
    )


def _names_after_levels(heads: list[Cell], read: list[Cell], spec: TableSpec) -> dict[str, Cell] | None:
    """一级指标 | 二级指标 read whole, in order, and the names column's header after them garbled (般指标.): the
    header cell right of the last level read heads the names (its values flagged), the levels their own.
    None unless the levels read are the ones before the names column, every one as printed."""
    exact = [_EXACT_LEVELS.get(norm(c.text)) for c in read]
    wanted = [c.name for c in spec.columns if c.name in LEVELS]
    if spec.anchor != wanted[-1] or exact != wanted[:-1] or not all(c.source == "ocr" for c in read):
        return None
    after = [c for c in heads if c.bbox[0] >= read[-1].bbox[2] - 1.0 and clean_text(c.text)]
    if not after or vocabulary().is_label(after[0].text):
        return None
    return {**dict(zip(wanted[:-1], read, strict=True)), spec.anchor: after[0]}


def _header(sheet: Sheet, spec: TableSpec) -> tuple[int, list[_Column]] | None:
    anchor = next(c for c in spec.columns if c.name == spec.anchor)
    hit = sheet.find(anchor.labels)
    found: dict[str, _Column] = {}
    # OCR may garble the first page's header and read a repeated one right: the earliest header read wins
    levels = _levels_by_order(sheet, spec)  # -级指标 | 级指标 | 级指标
    if levels and (hit is None or levels[0] <= hit[0]):  # 级指标 | 级指标 | 三级指标: the names column read whole
        hit = (levels[0], levels[1][spec.anchor])
        specs = {c.name: c for c in spec.columns}
        found = {
            name: _Column(specs[name], (c.bbox[0] + c.bbox[2]) / 2, guessed=levels[2]) for name, c in levels[1].items()
        }
    near = _near_anchor(sheet, spec, anchor)  # 三级蕉标
    if near and (hit is None or near[0] < hit[0]):
        hit, found = near, {}
    fallback = vocabulary().anchor_fallbacks.get(spec.anchor, ())
    if hit is None and fallback:  # 绩效指标 heading the names column of a form with no 三级指标
        hit = next(((i, c) for i, c in _finds(sheet, fallback) if _row_has_other_column(sheet.rows[i], spec, c)), None)
    if hit is None:
        return None
    first, head = hit
    guessed = anchor.name in found and found[anchor.name].guessed
    found[anchor.name] = _Column(anchor, (head.bbox[0] + head.bbox[2]) / 2, guessed=guessed)
    last = _header_rows(sheet, spec, first, found)
    last = _group_heads(sheet, spec, first, last, found)
    last = _off_group_centre(sheet, spec, first, last, found)
    _near_columns(sheet, spec, first, last, found)
    last = _columns_between(sheet, spec, first, last, found)
    _from_repeated_headers(sheet, spec, anchor, last, found)
    _blank_heads(sheet, spec, first, last, found)
    return last + 1, [found[c.name] for c in spec.columns if c.name in found]


REPEATED_HEADER_PT = 12.0  # a header repeated on a later page heads its names column this near the first's


def _from_repeated_headers(
    sheet: Sheet, spec: TableSpec, anchor: ColumnSpec, last: int, found: dict[str, _Column]
) -> None:
    """Columns the table's first header does not name as read (a seal over it: 健分值 | 康 for 分值 | 自评得分)
    that a header repeated on a later page names (the same print: its names column where the first's is):
    taken where that header puts them, never over a column found."""
    i = last + 1
    while len(found) < len(spec.columns) and (hit := sheet.find(anchor.labels, i)) is not None:
        j, head = hit
        i = j + 1
        if abs(_mid(head) - found[anchor.name].x) > REPEATED_HEADER_PT:
            continue
        more = dict(found)
        end = _header_rows(sheet, spec, j, more)
        for col in spec.columns:
            if col.name not in found and col.name in more:
                found[col.name] = more[col.name]
        i = end + 1


MAX_BETWEEN = 3  # header cells at most paired with columns between two columns found


def _shared(text: str, labels: tuple[str, ...]) -> float:
    """How near a header as read is to the nearest of a column's labels: the share of the longer of the two
    left when the edits from one to the other are taken away (参率分饱 is 2 edits from 参考分值, 3 from
    设定分值: 0.5 and 0.25)."""
    t = norm(text)
    return max(((len(lb) - edit_distance(t, lb)) / max(len(lb), len(t), 1) for lb in labels), default=0.0)


def _columns_between(sheet: Sheet, spec: TableSpec, first: int, last: int, found: dict[str, _Column]) -> int:
    """Columns whose headers OCR misread past resemblance (参率分饱 | 业家分鲁 for 参考分值 | 设定分值: blotted
    print). Between two columns found (or right of the last), the header cells no column took (at most
    ``MAX_BETWEEN``) are paired with columns not found: taken when every cell is nearer than nothing to its
    column's labels and that pairing is nearer than any other (``_shared``) — by resemblance, their values
    flagged. The row under the header counts when it holds no figure (the lower row of a two-row header none
    of whose labels read). Returns the header's last row."""
    rows = list(range(first, min(last + 2, len(sheet.rows))))
    if last + 1 in rows and any(_FIGURE.match(norm(c.text)) for c in sheet.rows[last + 1].cells if c.text):
        rows.pop()
    loose = [(i, c) for i in rows for c in _unclaimed(sheet.rows[i], found)]
    # a cell over others (指标分值 over 参考分值 | 设定分值) heads none of them itself
    leaves = [(i, c) for i, c in loose if not any(j > i and c.bbox[0] <= _mid(d) <= c.bbox[2] for j, d in loose)]
    xs = sorted(col.x for col in found.values())
    # … and right of the last column found, up to the table's edge (计算力机有况 | 评价特力 ending the header)
    for x0, x1 in itertools.pairwise([*xs, float("inf")]):
        cells = sorted((ic for ic in leaves if x0 < _mid(ic[1]) < x1), key=lambda ic: ic[1].bbox[0])
        missing = [c for c in spec.columns if c.name not in found]
        if not cells or len(cells) > MAX_BETWEEN or len(cells) > len(missing):
            continue
        pairing = _best_pairing([c.text for _, c in cells], missing)
        for (i, c), col in zip(cells, pairing or (), strict=False):
            found[col.name] = _Column(col, _mid(c), guessed=True)
            last = max(last, i)
    return last


VALUE_COLUMNS = ("target", "actual")  # what every indicator table prints in words and figures (95%, 29.5亩)
FIGURES_UNDER = 0.5  # share of the scored rows (a figure in a figure column) with one under a blank header


def _texts_at(rows: Sequence[Row], x: float | None) -> int:
    """How many of ``rows`` print text (or hold ink unread) at ``x``."""
    if x is None:
        return 0
    return sum(1 for row in rows if (d := row.at(x)) is not None and (clean_text(d.text) or _unread_ink(d)))


def _figures_at(rows: Sequence[Row], xs: Sequence[float]) -> int:
    """How many of ``rows`` hold a figure (or a scanned cell of ink unread) at one of ``xs`` at least."""
    return sum(1 for row in rows if any((d := row.at(x)) is not None and _figure_or_unread(d) for x in xs))


GARBLED_HEAD = 0.8  # an OCR header cell read this unsurely as no label is a header lost (a seal over it: 得贫二)


def _garbled_head(cell: Cell) -> bool:
    """A scanned header cell that reads as no label of any column, unsurely: its print garbled (a seal's
    lettering over 得分 read 得贫二, 0.62), as good as blank."""
    return cell.source == "ocr" and cell.confidence < GARBLED_HEAD and not vocabulary().is_label(cell.text)


def _blank_heads(sheet: Sheet, spec: TableSpec, first: int, last: int, found: dict[str, _Column]) -> None:
    """Columns whose header cells read blank or garbled (``_garbled_head``: a seal over 分值, 实际完成值 or
    二级指标, its print lost) between two columns found that the template's order puts next to each other
    but for these: the columns not found between them in that order take the blank header cells left to
    right, one each, when they are as many, and most rows below hold a figure (a figure column) or text (as
    many as the names column has), or ink unread, under each cell — placed by the template's order, their
    values flagged."""
    order = [c.name for c in spec.columns]
    specs = {c.name: c for c in spec.columns}
    rows = sheet.rows[first : last + 1]
    body = sheet.rows[last + 1 :]
    named = sorted((col.x, n) for n, col in found.items())
    for (x0, a), (x1, b) in itertools.pairwise(named):
        i, j = order.index(a), order.index(b)
        between = order[i + 1 : j]
        if not between or any(n in found for n in between):
            continue
        heads = {
            round(_mid(c)): c
            for row in rows
            for c in row.cells
            if row.starts(c)
            and c.source == "ocr"
            and x0 < _mid(c) < x1
            and not any(c.bbox[0] <= x <= c.bbox[2] for x in (x0, x1))
        }
        cells = sorted(heads.values(), key=_mid)
        if len(cells) != len(between) or any(clean_text(c.text) and not _garbled_head(c) for c in cells):
            continue  # a header cell that reads something is paired by resemblance (``_columns_between``)
        figures = [x for n, col in found.items() if specs[n].type == "number" for x in [col.x]]
        named_x = found[spec.anchor].x if spec.anchor in found else None
        if not all(
            _figures_at(body, [_mid(c)]) >= max(2, FIGURES_UNDER * _figures_at(body, [*figures, _mid(c)]))
            if specs[n].type == "number"
            else _texts_at(body, _mid(c)) >= max(2, FIGURES_UNDER * _texts_at(body, named_x))
            for n, c in zip(between, cells, strict=True)
        ):
            continue
        for n, c in zip(between, cells, strict=True):
            found[n] = _Column(specs[n], _mid(c), guessed=True)


def _group_heads(sheet: Sheet, spec: TableSpec, first: int, last: int, found: dict[str, _Column]) -> int:
    """An OCR header cell naming one column (分值, what a scan left of 指标分值) over two or more cells of the
    row below that read blank (the sub-headers 分值 | 得分, their small print lost): it heads a group, not a
    column — its centre lies on a ruling between two columns of figures. Its sub-columns take, left to right,
    the one run of as many figure columns in the template's order that holds the named column and no column
    found elsewhere (分值 | 得分 under a national form's 分值; 参考分值 | 设定分值 under a Shanxi form's), all
    flagged; with no such run, or two, the column stays where it is, flagged. Returns the header's last row."""
    order = [c.name for c in spec.columns]
    specs = {c.name: c for c in spec.columns}
    for i in range(first, last + 1):
        row = sheet.rows[i]
        for c in row.cells:
            named = [n for n, col in found.items() if c.bbox[0] <= col.x <= c.bbox[2]]
            j = i + c.row_span
            if not (row.starts(c) and c.source == "ocr" and len(named) == 1 and j < len(sheet.rows)):
                continue
            under = sheet.rows[j]
            below = sorted(
                (
                    d
                    for d in under.cells
                    if under.starts(d) and d.bbox[0] >= c.bbox[0] - 1 and d.bbox[2] <= c.bbox[2] + 1
                ),
                key=_mid,
            )
            if len(below) < 2 or any(clean_text(d.text) for d in below) or any(d.source != "ocr" for d in below):
                continue
            m = len(below)
            windows = [  # runs of figure columns in the template's order holding the named one, the rest unfound
                names
                for k in range(max(0, order.index(named[0]) - m + 1), order.index(named[0]) + 1)
                if len(names := order[k : k + m]) == m
                and all(specs[n].type == "number" for n in names)
                and not any(n in found for n in names if n != named[0])
            ]
            if len(windows) == 1:
                for n, d in zip(windows[0], below, strict=True):
                    found[n] = _Column(specs[n], _mid(d), guessed=True)
            else:
                found[named[0]] = replace(found[named[0]], guessed=True)
            last = max(last, j)
    return last


def _off_group_centre(sheet: Sheet, spec: TableSpec, first: int, last: int, found: dict[str, _Column]) -> int:
    """A column placed at the centre of an OCR header cell over two or more cells of the row below (指标分值
    over 分值 | 自评得分, the sub-header 分值 lost under a seal while 自评得分 read): the centre is the ruling
    between two columns, and the column's figures would be read from neither (a printed 20 passed off as
    not printed). A figure column takes the one sub-cell that reads blank and no other column holds,
    flagged; else it stays where it is, flagged. Returns the header's last row."""
    specs = {c.name: c for c in spec.columns}
    for i in range(first, last + 1):
        row = sheet.rows[i]
        for c in row.cells:
            j = i + c.row_span
            if not (row.starts(c) and c.source == "ocr" and j < len(sheet.rows)):
                continue
            centred = [n for n, col in found.items() if abs(col.x - _mid(c)) < 0.5 and not col.guessed]
            under = sheet.rows[j]
            below = [
                d for d in under.cells if under.starts(d) and d.bbox[0] >= c.bbox[0] - 1 and d.bbox[2] <= c.bbox[2] + 1
            ]
            if len(centred) != 1 or len(below) < 2 or any(d.source != "ocr" for d in below):
                continue
            name = centred[0]
            x = found[name].x
            if any(d.bbox[0] <= x <= d.bbox[2] and label_matches(d.text, specs[name].labels) for d in below):
                continue  # its own sub-header under the group's centre names it (年度指标值 over 指标值)
            free = [
                d
                for d in below
                if not clean_text(d.text)
                and not any(d.bbox[0] <= col.x <= d.bbox[2] for n, col in found.items() if n != name)
            ]
            if len(free) == 1 and specs[name].type == "number":
                found[name] = _Column(specs[name], _mid(free[0]), guessed=True)
            else:
                found[name] = replace(found[name], guessed=True)
            last = max(last, j)
    return last


def _mid(cell: Cell) -> float:
    return (cell.bbox[0] + cell.bbox[2]) / 2


def _unclaimed(row: Row, found: dict[str, _Column]) -> list[Cell]:
    """OCR header cells of a row that head no column found and are no label of the forms as read."""
    return [
        c
        for c in row.cells
        if row.starts(c)
        and c.source == "ocr"
        and clean_text(c.text)
        and not vocabulary().is_label(c.text)
        and not any(c.bbox[0] <= col.x <= c.bbox[2] for col in found.values())
    ]


def _best_pairing(texts: list[str], columns: list[ColumnSpec]) -> tuple[ColumnSpec, ...] | None:
    """The columns, one per text, nearest them all told (``_shared``), each sharing something with its
    text; None when no such pairing is the only best."""
    near = [[_shared(t, col.labels) for col in columns] for t in texts]
    scored = sorted(
        (
            (sum(near[i][k] for i, k in enumerate(perm)), perm)
            for perm in itertools.permutations(range(len(columns)), len(texts))
            if all(near[i][k] > 0 for i, k in enumerate(perm))
        ),
        key=lambda sp: -sp[0],
    )
    if not scored or (len(scored) > 1 and scored[1][0] > scored[0][0] - 1e-9):
        return None
    return tuple(columns[k] for k in scored[0][1])


def _header_rows(sheet: Sheet, spec: TableSpec, first: int, found: dict[str, _Column]) -> int:
    """The header's rows from ``first`` (up to three, while they name columns), each column found noted in
    ``found``; the last header row."""
    last = first
    for i in range(first, min(first + 3, len(sheet.rows))):
        row = sheet.rows[i]
        hits = 0
        for col in spec.columns:
            for c in row.cells:
                if row.starts(c) and c.text and label_matches(c.text, col.labels):
                    if any(k != col.name and c.bbox[0] <= f.x <= c.bbox[2] for k, f in found.items()):
                        continue  # a cell heading another column already (二级指标 read for its 三级指标)
                    found[col.name] = _Column(col, (c.bbox[0] + c.bbox[2]) / 2)
                    hits += 1
        if hits:
            last = i
        elif i > first:
            break
    return last


def _near_anchor(sheet: Sheet, spec: TableSpec, anchor: ColumnSpec) -> tuple[int, Cell] | None:
    """An OCR cell one character from the anchor column's labels and from no other column's (—级指标 is one
    from 一级, 二级 and 三级指标 alike: it heads none), in a row that heads another column of the table too
    (as read, or one character off): the table's header."""
    others = [c for c in spec.columns if c.name != anchor.name]
    for i, row in enumerate(sheet.rows):
        heads = [c for c in row.cells if row.starts(c) and c.source == "ocr" and clean_text(c.text)]
        named = [c for c in heads if any(label_matches(c.text, col.labels) for col in others)]  # 一级指标 as read
        hit = next(
            (
                c
                for c in heads
                if c not in named
                and label_one_edit(c.text, anchor.labels)
                and not any(label_one_edit(c.text, col.labels) for col in others)
            ),
            None,
        )
        if hit is not None and any(
            c is not hit and (label_matches(c.text, col.labels) or label_one_edit(c.text, col.labels))
            for c in heads
            for col in others
        ):
            return i, hit
    return None


def _near_columns(sheet: Sheet, spec: TableSpec, first: int, last: int, found: dict[str, _Column]) -> None:
    """Columns whose header OCR misread by a character (鲁指标值 for 年度指标值): an OCR header cell no column
    took, that is no label of the forms as read, near exactly one column not yet found."""
    for row in sheet.rows[first : last + 1]:
        for c in row.cells:
            x = (c.bbox[0] + c.bbox[2]) / 2
            if not (row.starts(c) and c.source == "ocr" and clean_text(c.text)) or vocabulary().is_label(c.text):
                continue
            if any(c.bbox[0] <= col.x <= c.bbox[2] for col in found.values()):
                continue
            near = [
                col
                for col in spec.columns
                if col.name not in found and (label_one_edit(c.text, col.labels) or _one_more(c.text, col.labels))
            ]
            if len(near) == 1:
                found[near[0].name] = _Column(near[0], x)
                continue
            pairs = [col for col in spec.columns if col.name not in found and _one_of_two(c.text, col.labels)]
            if len(pairs) == 1:  # 样分 for 得分: a short label is too easily met, so its values are flagged
                found[pairs[0].name] = _Column(pairs[0], x, guessed=True)


_FIGURE = regex.compile(r"^[+-]?\d+(?:[.,]\d+)*%?$")
UNREAD_SHARE = 0.5  # a column of figures under no column found, in this share of the scored rows at least


def _flag_unread_columns(
    sheet: Sheet,
    spec: TableSpec,
    columns: list[_Column],
    rows: list[tuple[Row, dict[str, Cell | None]]],
    indicators: list[dict[str, Field]],
    ex: Extraction,
    subtotals: Sequence[dict[str, Field]] = (),
) -> None:
    """Columns the template declares, not found, whose values the table prints under no column found: each
    row's value of them is in review — never passed as not printed; so is each level-1 group's, its subtotal
    row printed under the same header."""
    if not indicators or not rows:
        return
    xs = [col.x for col in columns]
    figures = _unread_figure_columns(spec, columns, rows, xs)
    why = "a column of figures under no header read: this column not found"
    _flag_unread(indicators, figures, ex, why)
    for i, sub in enumerate(subtotals):
        for name in figures:
            if name in SCORE_KEYS and (sub.get(name) is None or sub[name].value is None):
                ex.flag(f"indicator_subtotals[{i}].{name}", why)
    texts = _unread_text_columns(sheet, spec, columns, rows, xs, len(indicators))
    _flag_unread(indicators, texts, ex, "a column of values under no header read: this column not found")


def _unread_figure_columns(
    spec: TableSpec, columns: list[_Column], rows: list[tuple[Row, dict[str, Cell | None]]], xs: list[float]
) -> list[str]:
    """A column of figures (or of scanned cells that read blank but hold ink) the table prints under a header
    no column took (权重 where the template knows 指标权重, a header OCR garbled past resemblance), in half the
    rows scored or more: the figure columns the template declares and were not found, whose values those are."""
    missing = [c.name for c in spec.columns if c.type == "number" and c.name not in {f.spec.name for f in columns}]
    if not missing:
        return []
    scored = _figures_at([row for row, _ in rows], [col.x for col in columns if col.spec.type == "number"])
    unmapped = sum(
        1
        for row, _cells in rows
        if any(
            row.starts(c) and _figure_or_unread(c) and not any(c.bbox[0] <= x <= c.bbox[2] for x in xs)
            for c in row.cells
        )
    )
    return missing if unmapped >= max(2, UNREAD_SHARE * (scored or len(rows))) else []  # 其中… rows: no score


def _flag_unread(indicators: list[dict[str, Field]], names: list[str], ex: Extraction, why: str) -> None:
    """Each indicator's value of the columns ``names`` that is not read goes to review."""
    for i, row in enumerate(indicators):
        for name in names:
            if row.get(name) is None or row[name].value is None:
                ex.flag(f"indicators[{i}].{name}", why)


def _unread_text_columns(
    sheet: Sheet,
    spec: TableSpec,
    columns: list[_Column],
    rows: list[tuple[Row, dict[str, Cell | None]]],
    xs: list[float],
    count: int,
) -> list[str]:
    """Text columns the template declares, not found (a seal over 实际完成值, 二级指标 or 偏差原因分析), whose
    values the table prints under no column found: with most of the ``count`` rows so printed, the target and
    actual columns; with any such text under a scanned header cell that reads blank or as no label (a header
    lost), every one (95%, 29.5亩, 数量指标 had passed as not printed)."""
    found = {f.spec.name for f in columns}
    missing = [
        c.name
        for c in spec.columns
        if c.type != "number" and c.declared and c.name != spec.anchor and c.name not in found
    ]
    if not missing:
        return []
    loose = [
        [
            c
            for c in row.cells
            if row.starts(c) and clean_text(c.text) and not any(c.bbox[0] <= x <= c.bbox[2] for x in xs)
        ]
        for row, _cells in rows
    ]
    lost = _lost_heads(sheet, rows[0][0], spec, xs)
    if any(h.bbox[0] <= _mid(c) <= h.bbox[2] for cells in loose for c in cells for h in lost):
        return missing
    if sum(1 for cells in loose if cells) >= max(2, UNREAD_SHARE * count):
        return [n for n in missing if n in VALUE_COLUMNS]
    return []


def _lost_heads(sheet: Sheet, body: Row, spec: TableSpec, xs: Sequence[float]) -> list[Cell]:
    """Scanned header cells over no column found, in the rows above the table's first row that head a
    column (up to three), that read blank or as no label (none of the table's columns, nothing the
    vocabulary knows): headers a scan lost."""
    i = next((k for k, r in enumerate(sheet.rows) if r is body), None)
    if i is None:
        return []
    labels = [lb for c in spec.columns for lb in c.labels]
    heading = [
        row
        for row in sheet.rows[max(0, i - 3) : i]
        if any(row.starts(c) and c.text and label_matches(c.text, labels) for c in row.cells)
    ]
    return [
        c
        for row in heading
        for c in row.cells
        if row.starts(c)
        and c.source == "ocr"
        and not any(c.bbox[0] <= x <= c.bbox[2] for x in xs)
        and (not clean_text(c.text) or not (label_matches(c.text, labels) or vocabulary().is_label(c.text)))
    ]


def _figure_or_unread(cell: Cell) -> bool:
    """A cell holding a figure, or a scanned cell that reads blank while it holds ink (a faint or small
    figure the recogniser did not make out)."""
    return bool(_FIGURE.match(norm(cell.text) or "-")) or _unread_ink(cell)


def _unread_ink(cell: Cell | None) -> bool:
    """A scanned cell that reads blank while it holds ink (``UNREAD_INK``): not a blank the form prints."""
    return cell is not None and cell.source == "ocr" and not cell.text.strip() and cell.confidence <= UNREAD_INK


def _one_more(text: str, labels: tuple[str, ...]) -> bool:
    """An OCR header that is a label of four or more characters with one more before or after it (一级指标示:
    a seal's mark read beside the label)."""
    t = norm(text)
    return any(len(lb) >= 4 and len(t) == len(lb) + 1 and lb in t for lb in labels)


def _one_of_two(text: str, labels: tuple[str, ...]) -> bool:
    """A two-character OCR header holding one of a two-character label's characters in its place, the other
    misread (样分 for 得分); no label of the forms as read."""
    t = norm(text)
    return len(t) == 2 and any(len(lb) == 2 and sum(a == b for a, b in zip(t, lb, strict=True)) == 1 for lb in labels)


def _flag_guessed(columns: list[_Column], tables: dict[str, list[dict[str, Field]]], ex: Extraction) -> None:
    """The values under a column whose header was taken by resemblance go to review."""
    for col in columns:
        if col.guessed:
            for table, rows in tables.items():
                for i, row in enumerate(rows):
                    if col.spec.name in row:
                        ex.flag(f"{table}[{i}].{col.spec.name}", "column header misread: taken by resemblance")


def _finds(sheet: Sheet, labels: tuple[str, ...]) -> list[tuple[int, Cell]]:
    out = []
    start = 0
    while (hit := sheet.find(labels, start)) is not None:
        out.append(hit)
        start = hit[0] + 1
    return out


def _row_has_other_column(row: Row, spec: TableSpec, anchor: Cell) -> bool:
    """The row heads other columns of the table too (指标值, 实际完成值; on a scan one character off, 停价得分
    for 评价得分, in a label of four or more: 指标分值 is 指标值 with one added): a header, not a side label."""
    return any(
        c is not anchor
        and row.starts(c)
        and c.text
        and (label_matches(c.text, col.labels) or (c.source == "ocr" and label_one_edit(c.text, col.labels, 4)))
        for c in row.cells
        for col in spec.columns
        if col.name not in ("level1", "level2", spec.anchor)
    )


def indicator_columns(sheet: Sheet, template: Template) -> tuple[int, dict[str, float]]:
    """The first row below the indicator table's header and the x-centre of each of its columns (for
    label fields read under a column, e.g. 总分, which come after the header)."""
    spec = template.tables.get("indicators")
    head = _header(sheet, spec) if spec is not None else None
    return (0, {}) if head is None else (head[0], {c.spec.name: c.x for c in head[1]})


END_LABEL_LONG = 6  # an end label this long or longer, in a cell across two names columns, is itself on a scan …
END_LABEL_EDITS = 2  # … with this many glyphs misread (评价结泉得次: a 1-bit 300-dpi scan of 4-pt print)


def _end_cells(row: Row, spec: TableSpec, columns: Sequence[_Column]) -> list[Cell]:
    """The row's cells holding an end label (also after a scanned signature's scribble: ``18单位负责人（签章）``),
    or on a scan one glyph off (缘合得分, 评价结累等次), two in a label of six or more (评价结泉得次), in a cell
    across two names columns, where no name is."""
    names = [col.x for col in columns if col.spec.name in _NAMES]
    return [
        c
        for c in row.cells
        if row.starts(c)
        and c.text
        and (
            any(lb in norm(c.text) for lb in spec.end_labels)
            or (
                c.source == "ocr"
                and sum(c.bbox[0] <= x <= c.bbox[2] for x in names) >= 2
                and (
                    label_one_edit(c.text, spec.end_labels, 4)
                    or label_near(c.text, spec.end_labels, END_LABEL_LONG, END_LABEL_EDITS)
                )
            )
        )
    ]


def _end_misread(row: Row, spec: TableSpec, columns: list[_Column], labels: list[Cell]) -> bool:
    """The scanned row ending the table holds its end label misread (a glyph OCR added, 总分人, 总分A: a seal's
    or a pen's stroke; one misread, 缘合得分), no label as read, and figures under the score columns: the
    total row, its label not read — its figures are taken only where they are the indicators' sums
    (``_total_row_misread``)."""
    if not labels or any(c.source != "ocr" or label_matches(c.text, spec.end_labels) for c in labels):
        return False
    scores = [row.at(col.x) for col in columns if col.spec.name in SCORE_KEYS]
    return any(c is not None and c not in labels and _FIGURE.match(norm(c.text)) for c in scores)


def _table_rows(sheet: Sheet, spec: TableSpec) -> tuple[list[_Column], list[tuple[Row, dict[str, Cell | None]]]]:
    head = _header(sheet, spec)
    if head is None:
        return [], []
    start, columns = head
    out: list[tuple[Row, dict[str, Cell | None]]] = []
    for row in sheet.rows[start:]:
        if ends := _end_cells(row, spec, columns):
            if _end_misread(row, spec, columns, ends):  # 总分人 | 100 | 95.87: the walk weighs it as the total row
                out.append((row, {col.spec.name: row.at(col.x) for col in columns}))
            break
        cells = {col.spec.name: row.at(col.x) for col in columns}
        texts = [norm(c.text) for c in cells.values() if c is not None and c.text]
        if any(t.startswith(lb) for t in texts for lb in spec.skip_labels):
            continue
        if (template := _template_row(cells, spec)) is not None:
            if template:
                out.append((row, cells))  # values on a template row: read on, the walk flags it
            continue  # a blank template row (指标2, ……), not an indicator
        # a repeated header on the next page (a print title, maybe another table's) is not a data row
        anchor = cells.get(spec.anchor)
        anchor_labels = next(c.spec.labels for c in columns if c.spec.name == spec.anchor)
        if (anchor is not None and label_matches(anchor.text, anchor_labels)) or _header_like(row):
            continue
        if out and _cut_from_above(row, cells, out[-1][1]):  # one indicator's name cut in two: one row
            out[-1] = (out[-1][0], _names_joined(row, out[-1][1], cells))
            continue
        out.append((row, cells))
    return columns, out


def _template_row(cells: dict[str, Cell | None], spec: TableSpec) -> bool | None:
    """Whether a row the template's skip rows or the vocabulary's template rows name (指标2, ……) holds
    values (True: read on, the walk flags it; False: a blank template row, no indicator); None when the
    row is no such row."""
    key = cells.get(spec.anchor)
    if key is None or not key.text:
        return None
    if not (any(p.search(clean_text(key.text)) for p in spec.skip_rows) or vocabulary().is_template_row(key.text)):
        return None
    return any(not _blank(c) and c is not key for k, c in cells.items() if k not in _NAMES)


def _cut_from_above(row: Row, cells: dict[str, Cell | None], above: dict[str, Cell | None]) -> bool:
    """A scanned row whose own cells are names only and whose every other cell, one figure at least among
    them, is the row above's, begun there: the row above's name cell cut by a ruling the scan made up (a
    seal's ring, a photocopy's streak: 找对象港音 | 小幼 for 社会公众或服务对象满意度 beside one 5 | 5.00 |
    5.00) — the same indicator, not one more with the row above's figures."""
    own = [c for c in row.cells if row.starts(c) and clean_text(c.text)]
    names = [cells.get(k) for k in _NAMES]
    rest = {k: c for k, c in cells.items() if k not in _NAMES and c is not None}
    return (
        bool(own)
        and all(c.source == "ocr" and any(c is n for n in names) for c in own)
        and any(_FIGURE.match(norm(c.text)) for c in rest.values())
        and all(not row.starts(c) and c is above.get(k) for k, c in rest.items())
    )


def _names_joined(row: Row, above: dict[str, Cell | None], cells: dict[str, Cell | None]) -> dict[str, Cell | None]:
    """The row above's cells, each name cut in two (``_cut_from_above``) read as one: its two parts' text,
    the lower confidence."""
    joined = dict(above)
    for k in _NAMES:
        top, low = above.get(k), cells.get(k)
        if low is None or top is None or low is top or not row.starts(low) or not clean_text(low.text):
            continue
        box = (min(top.bbox[0], low.bbox[0]), top.bbox[1], max(top.bbox[2], low.bbox[2]), low.bbox[3])
        joined[k] = replace(
            top,
            row_span=top.row_span + low.row_span,
            bbox=box,
            text=top.text + low.text,
            lines=(*top.lines, *low.lines),
            confidence=min(top.confidence, low.confidence),
        )
    return joined


def _header_like(row: Row) -> bool:
    """The filled cells of the row are labels of the forms (二级指标 | 三级指标 | 指标分值): all of two, or
    at least three and most (a vertical label down the side may cross the row)."""
    texts = [c.text for c in row.cells if clean_text(c.text)]
    labels = sum(1 for t in texts if vocabulary().is_label(t))
    return (len(texts) >= 2 and labels == len(texts)) or (labels >= 3 and labels >= 0.7 * len(texts))


def _canonical(level3: Cell, names: tuple[str, ...]) -> str | None:
    """The full name of a level-3 indicator the form prints cut: its hidden (clipped) rest, or the one
    known name it is a prefix of."""
    shown = clean_text(level3.text)
    if level3.hidden:
        return shown + clean_text(level3.hidden)
    candidates = [n for n in names if n.startswith(shown) and n != shown]
    return candidates[0] if len(candidates) == 1 and shown not in names else None


def _blank(cell: Cell | None) -> bool:
    return cell is None or not clean_text(cell.text)


def _copy(f: Field, name: str) -> Field:
    return Field(name, f.value, f.raw, f.page, f.bbox, f.confidence, f.source)


@dataclass(slots=True)
class _Indicators:
    """Walks the indicator table's rows, filling level names down across merged cells."""

    types: dict[str, str]
    template: Template
    ex: Extraction
    rows: list[dict[str, Field]] = field(default_factory=list)
    subtotals: list[dict[str, Field]] = field(default_factory=list)
    level1: Field | None = None
    level2: Field | None = None
    level2_cell: Cell | None = None  # the (merged) cell the current level-2 name was read from
    level1_cell: Cell | None = None  # likewise for the level-1 name (its own column)
    above: dict[str, Cell | None] = field(default_factory=dict)  # the cells of the last indicator row read
    # the last row that may be the total row, its label misread: a group's (``fields`` None) or a row of
    # figures under no name (its figures), with how many indicator rows were read above it
    tail: tuple[int, dict[str, Field] | None, str] | None = None
    blanked: dict[int, Cell] = field(default_factory=dict)  # name cells read as no name, by id of the cell read
    unnamed: list[tuple[str, str]] = field(default_factory=list)  # scanned rows read as no group: flag, texts

    def subtotal_row(self, cells: dict[str, Cell | None], name_cell: Cell) -> None:
        """A row with no level-3 name of its own whose name cell names a level-1 group (投入, 产出指标(50分)):
        the group's subtotal. Its name may be merged across the level-1 and level-2 columns."""
        i = len(self.subtotals)
        text = clean_text(name_cell.text)
        m = _POINTS.search(text)
        label = Cell(
            name_cell.page,
            name_cell.row,
            name_cell.col,
            1,
            1,
            name_cell.bbox,
            text[: m.start()].strip() if m else text,
            confidence=name_cell.confidence,
            source=name_cell.source,
        )
        sub = {"level1": cell_field(f"indicator_subtotals[{i}].level1", label)}
        for name in ("reference_score", "set_score", "score"):
            if name in cells and cells[name] is not name_cell:
                sub[name] = cell_field(f"indicator_subtotals[{i}].{name}", cells[name], self.types[name], None, self.ex)
        if m and (sub.get("set_score") is None or sub["set_score"].value is None):
            points = _part(name_cell, m.group("points"))
            sub["set_score"] = cell_field(f"indicator_subtotals[{i}].set_score", points, "number", None, self.ex)
        self.subtotals.append(sub)
        self.level1, self.level2, self.level1_cell = sub["level1"], None, None

    def _level1(self, cell: Cell | None, i: int) -> None:
        """The level-1 name from its own column, filled down the merged cell it was read from."""
        named = _level1_from_column(cell, self.subtotals, self.ex)
        if named is not None:
            self.level1, self.level1_cell = named, cell
        elif self.level1_cell is not None and cell is not None and cell is not self.level1_cell:
            # a blank name cell of another group (not the named merged cell above): the name is not
            # printed for it (a page break cut it off?) — carried down, and flagged
            self.ex.flag(f"indicators[{i}].level1", "no level-1 name printed for this row's group")

    def _level2(self, ind: dict[str, Field], cell: Cell | None, i: int, strip_points: bool) -> None:
        """The level-2 name, filled down its merged cell only: a blank cell of its own is no name."""
        l2 = ind.get("level2")
        if l2 is not None and isinstance(l2.value, str) and strip_points:
            ind["level2"] = l2 = _without_points(l2)
        if l2 is not None and l2.value is not None:
            self.level2 = l2
        elif self.level2 is not None and (cell is None or cell is self.level2_cell):
            ind["level2"] = _copy(self.level2, f"indicators[{i}].level2")
        else:
            self.level2 = None
        self.level2_cell = cell

    def indicator_row(self, cells: dict[str, Cell | None], spec: TableSpec) -> None:
        i = len(self.rows)
        level1_column = spec.level1 in ("column", "any") or "level1" in cells
        ind = {}
        for name, cell in cells.items():
            if name == "level1":
                continue
            f = cell_field(f"indicators[{i}].{name}", cell, self.types[name], None, self.ex)
            if name == "nature" and f.source == "ocr" and f.value in EQUALS_READ_AS:
                f = replace(f, value="=")  # a lone = read by a Chinese recogniser as bars: 二 (三 with a ruling)
            ind[name] = f
            if name in spec.expect and f.value is None and (cell is None or not clean_text(cell.text)):
                self.ex.gaps.append(f.name)
        if level1_column:
            self._level1(cells.get("level1"), i)
        self._level2(ind, cells.get("level2"), i, strip_points=level1_column)
        if self.level1 is not None:
            ind["level1"] = _copy(self.level1, f"indicators[{i}].level1")
        elif spec.level1 not in ("none", "any"):
            self.ex.flag(f"indicators[{i}].level1", "no level-1 name above this row")
        l3 = cells["level3"]
        l3_read = ind.get("level3")
        if l3_read is not None and isinstance(l3_read.value, str) and _is_level1_name(l3_read.value, l3):
            # 产出指标 as an indicator's name: a level-1 column taken for the names column
            self.ex.flag(f"indicators[{i}].level3", "a level-1 name read as the indicator's name: columns misread?")
        canon = _canonical(l3, self.template.canonical_names) if l3 is not None else None
        if l3 is not None and canon:
            ind["level3_canonical"] = Field(
                f"indicators[{i}].level3_canonical", canon, l3.text + l3.hidden, l3.page, l3.bbox, l3.confidence
            )
        self.rows.append(ind)

    def no_figures_for_names(self, cells: dict[str, Cell | None]) -> dict[str, Cell | None]:
        """A group-name cell OCR read as no name (``mending.shows_no_name``: 8 at 0.07, faint specks where a
        name's merged cell was cut): an unread cell (``UNREAD_INK``), flagged where it is used, never a group
        named 8. A merged cell stays one cell over its rows."""
        out = dict(cells)
        for key in ("level1", "level2"):
            c = cells.get(key)
            if c is not None and shows_no_name(c):
                blank = self.blanked.setdefault(id(c), replace(c, text="", lines=(), hidden="", confidence=UNREAD_INK))
                out.update({k: blank for k, other in cells.items() if other is c})  # every column it spans
        return out

    def read_row(self, row: Row, cells: dict[str, Cell | None], spec: TableSpec) -> None:
        """One row of the table: an indicator's (or the lower part of the last one's), a group's, or flagged."""
        cells = self.no_figures_for_names(cells)
        l3 = cells.get("level3")
        own_l3 = _own_level3(cells)
        if own_l3 and self.rows and _one_indicator(cells, self.above):
            self.continued_row(cells, self.above)
            return
        self.above = {}  # only an indicator row just read has a lower part
        if own_l3 and l3 is not None and vocabulary().is_template_row(l3.text):
            self.ex.flag(f"indicators.row[p{row.page}r{row.index}]", f"values on a blank template row: {_texts(cells)}")
        elif own_l3:
            self.indicator_row(cells, spec)
            self.above = cells
        elif (name := _subtotal_name(row, cells, spec)) is not None:
            self.subtotal_row(cells, name)
            self.tail = (len(self.rows), None, f"indicator_subtotals[{len(self.subtotals) - 1}]")
        elif _has_values(cells):  # never drop a row silently: it is read by no rule here
            flag = f"indicators.row[p{row.page}r{row.index}]"
            self.ex.flag(flag, f"table row not read as an indicator: {_texts(cells)}")
            scans = all(c.source == "ocr" for c in cells.values() if c is not None and not _blank(c))
            # figures under no name, or under a name no group goes by (人八 for 合计, in the level-1 column
            # alone), on a scan: the total row, if its figures are the sums (``_total_row_misread``), else
            # maybe a group's row whose name OCR garbled (过耀 for 过程): ``unnamed``
            if scans and not own_l3:
                self.unnamed.append((flag, _texts(cells)))
                figures: dict[str, Field] = {
                    k: cell_field(k, cells[k], "number") for k in ("set_score", "score") if k in cells
                }
                self.tail = (len(self.rows), figures, flag)

    def continued_row(self, cells: dict[str, Cell | None], above: dict[str, Cell | None]) -> None:
        """The lower part of the last indicator's row (``_one_indicator``): a cell of its own fills the
        indicator's field read blank above; where both parts hold text, they are joined and in review."""
        i = len(self.rows) - 1
        ind = self.rows[i]
        for name, cell in cells.items():
            if name in _NAMES or cell is None or cell is above.get(name):
                continue
            path = f"indicators[{i}].{name}"
            if _blank(cell):
                if _unread_ink(cell):
                    self.ex.flag(path, "its row is cut by a line across it, and the lower part holds ink unread")
                continue
            f = cell_field(path, cell, self.types[name], None, self.ex)
            before = ind.get(name)
            if before is None or before.value is None or (isinstance(before.value, str) and not before.value.strip()):
                ind[name] = f
                self.ex.gaps[:] = [g for g in self.ex.gaps if g != path]
            elif isinstance(before.value, str) and isinstance(f.value, str):
                ind[name] = replace(before, value=before.value + f.value, raw=before.raw + f.raw)
                self.ex.flag(path, "read from two parts of a row cut by a line across it (a mark, a stroke?)")
            else:
                self.ex.flag(path, f"a second value {f.raw!r} below it in a row cut by a line across it")


_NAMES = ("level1", "level2", "level3")


def _one_indicator(cells: dict[str, Cell | None], above: dict[str, Cell | None]) -> bool:
    """A row whose name cell and figures are the merged cells of the indicator row above: that indicator's
    row cut in two by a line across part of it (a signature's stroke over 指标值 and 实际完成值 read as a
    ruling), not one more indicator. On a scan, a figure of the lower part's own under a figure cell of the
    upper part that reads blank is that indicator's too (a ruling made up across 分值 and 实际完成值 leaves the
    分值 in the lower part, 得分 merged over both). An indicator's name merged over rows with figures of their
    own in the same columns is not: those are indicators of one name."""
    l3 = cells.get("level3")
    if l3 is None or l3 is not above.get("level3"):
        return False
    figures = [k for k in SCORE_KEYS if k in cells]
    shared = [k for k in figures if not _blank(cells[k]) and cells[k] is above.get(k)]
    return bool(shared) and all(
        cells[k] is above.get(k) or _blank_as_read(cells[k]) or (_scanned(cells[k]) and _blank(above.get(k)))
        for k in figures
    )


def _scanned(cell: Cell | None) -> bool:
    return cell is not None and cell.source == "ocr"


def _blank_as_read(cell: Cell | None) -> bool:
    """No text and no ink that read as nothing (``UNREAD_INK``): a figure cell that is blank for sure."""
    return _blank(cell) and not _unread_ink(cell)


def _subtotal_name(row: Row, cells: dict[str, Cell | None], spec: TableSpec) -> Cell | None:
    """The name cell of a level-1 subtotal row (a row with no level-3 name of its own), or None.

    Read by content, not by the template's layout: the row's name is merged across the level-1 and
    level-2 columns, or is a known level-1 name (投入, 产出指标(50分)), and the row carries scores; on a
    form whose level-1 names are subtotal rows any named row without a level-3 name is one."""
    l1, l2, l3 = cells.get("level1"), cells.get("level2"), cells.get("level3")
    name = next((c for c in (l2, l1) if not _blank(c)), None)
    if name is None or (l3 is not None and l3 is not name and not _blank(l3) and not _speck(cells)):
        return None
    if not row.starts(name):
        return None  # a name merged down from the rows above: an empty row of that group, not a subtotal
    scored = any(
        not _blank(cells.get(k)) and cells.get(k) is not name and regex.search(r"\d", cells[k].text or "")  # type: ignore[union-attr]
        for k in SCORE_KEYS
    )
    text = clean_text(name.text)
    m = _POINTS.search(text)
    known = vocabulary().is_level1(text[: m.start()] if m else text)
    merged = l1 is not None and l1 is l2
    if vocabulary().is_label(text):
        return None
    if spec.level1 == "subtotal_rows" and name is l2:  # this form's level-1 names are subtotal rows
        return name if scored or known else None
    if known and (l1 is None or name is l1 or merged):
        return name  # 产出指标 heading its group, scored or not (an unscored form prints no points at all)
    return name if merged and (scored or m is not None) else None


def _is_level1_name(text: str, cell: Cell | None) -> bool:
    """产出指标, or 产出指标(55分) with its points, as a names cell holds it when the level-1 column was taken
    for the names column: a …指标 group name, or a cell merged over rows (an indicator may be named 满意度)."""
    text = clean_text(text)
    m = _POINTS.search(text)
    name = text[: m.start()] if m else text
    return vocabulary().is_level1(name) and (name.endswith("指标") or (cell is not None and cell.row_span > 1))


def _has_values(cells: dict[str, Cell | None]) -> bool:
    return any(not _blank(c) for k, c in cells.items() if k not in ("level1", "level2"))


def _own_level3(cells: dict[str, Cell | None]) -> bool:
    l3 = cells.get("level3")
    return not _blank(l3) and not _speck(cells) and all(l3 is not cells.get(k) for k in ("level1", "level2"))


def _speck(cells: dict[str, Cell | None]) -> bool:
    """A lone OCR character in the names cell of a row whose name spans the level-1 and level-2 columns (效果
    | 效果 | 南 over 30 30: a seal's letter in a subtotal row): a mark, not an indicator's name."""
    l1, l3 = cells.get("level1"), cells.get("level3")
    return (
        l1 is not None
        and l1 is cells.get("level2")
        and not _blank(l1)
        and l3 is not None
        and l3 is not l1
        and l3.source == "ocr"
        and len(clean_text(l3.text)) == 1
    )


def _texts(cells: dict[str, Cell | None]) -> str:
    return " | ".join(dict.fromkeys(clean_text(c.text) for c in cells.values() if c is not None and not _blank(c)))


def read_indicators(sheet: Sheet, spec: TableSpec, template: Template, ex: Extraction) -> None:
    columns, rows = _table_rows(sheet, spec)
    if not columns:  # a form with no indicators read is never passed as one that prints none
        ex.flag("indicators", "the indicator table's header was not found: no indicator read")
    mend_page_breaks(rows, ("level1", "level2"))
    walk = _Indicators({c.spec.name: c.spec.type for c in columns}, template, ex)
    for row, cells in rows:
        walk.read_row(row, cells, spec)
    if walk.tail is not None and not any(_scored(r) for r in walk.rows[walk.tail[0] :]):
        _total_row_misread(walk, ex, *walk.tail)
    for flag, texts in walk.unnamed:  # a scanned row read as no group, not the total row: groups unsure
        if flag in ex.review:
            ex.flag("indicator_subtotals", f"a row of the table read as no group: {texts}")
    _sum_subtotal_scores(walk.rows, walk.subtotals, ex)
    if not walk.rows:
        _flag_table_unread(walk.subtotals, ex)
    ex.rows["indicators"] = walk.rows
    ex.rows["indicator_subtotals"] = walk.subtotals
    _flag_guessed(columns, {"indicators": walk.rows, "indicator_subtotals": walk.subtotals}, ex)
    _flag_unread_columns(sheet, spec, columns, rows, walk.rows, ex, walk.subtotals)


TOTALS = (("set_score", "score.total_set"), ("score", "score.total"))


def _scored(row: dict[str, Field]) -> bool:
    return any(row.get(k) is not None and row[k].value is not None for k in SCORE_KEYS)


def _total_row_misread(
    walk: _Indicators, ex: Extraction, above: int, figures: dict[str, Field] | None, flag: str
) -> None:
    """The table's last row with figures, its label misread past the end labels — one more group under a name
    none the forms use (合计 read as M under a seal), or figures under no name at all (its label read as specks)
    — where the form's totals were not read: when its set score or score is the sum of the indicators' (with
    the funds block's, where scored), it is the total row. Its figures are the totals, in review (the label
    was not read), not a group's; the rows read below it (``above`` indicator rows were read before it),
    none with a figure, are past the table's end."""
    label = "nothing"
    spec = walk.template.tables.get("indicators")
    end_labels = spec.end_labels if spec is not None else ()
    one_off = False  # the label one glyph off an end label of four or more (综命得分): the total row by its label
    if figures is None:  # a group's row (``flag`` its path): the last group read
        if flag != f"indicator_subtotals[{len(walk.subtotals) - 1}]":
            return
        figures = walk.subtotals[-1]
        name = figures.get("level1")
        if name is None or name.source != "ocr" or vocabulary().is_group_name(str(name.value or "")):
            return
        label = repr(name.value)
        one_off = label_one_edit(str(name.value or ""), end_labels, 4)
    if any((f := ex.fields.get(path)) is not None and f.value is not None for _, path in TOTALS):
        return
    sums = any((f := figures.get(key)) is not None and f.value in _sums(walk, ex, above, key) for key, _ in TOTALS)
    if not sums and not one_off:
        return
    why = "its figures are the indicators' sums" if sums else "one glyph off the table's end label"
    prefixes = [f"indicators[{j}]." for j in range(above, len(walk.rows))]
    if flag.startswith("indicator_subtotals["):
        walk.subtotals.pop()
        prefixes.append(f"{flag}.")
    else:
        prefixes.append(flag)
    del walk.rows[above:]
    for path in [p for p in ex.review if p.startswith(tuple(prefixes))]:
        del ex.review[path]
    ex.gaps[:] = [g for g in ex.gaps if not g.startswith(tuple(prefixes))]
    for key, path in TOTALS:
        f = figures.get(key)
        if f is not None and f.value is not None:
            ex.put(replace(f, name=path))
            ex.gaps[:] = [g for g in ex.gaps if g != path]
            ex.review[path] = f"the total row, its label read as {label}: {why}"


def _sums(walk: _Indicators, ex: Extraction, above: int, key: str) -> set[Decimal]:
    """The sum of the first ``above`` indicators' ``key`` (unscored 其中 rows left out), and with the funds
    block's where it has one; none when one is not read."""
    values = [r[key].value if r.get(key) is not None else None for r in walk.rows[:above] if _scored(r)]
    if not values or not all(isinstance(v, Decimal) for v in values):
        return set()
    total = sum((v for v in values if isinstance(v, Decimal)), Decimal(0))
    funds = ex.fields.get(f"funds.rows.total.{key}")
    return {total} | ({total + funds.value} if funds is not None and isinstance(funds.value, Decimal) else set())


def _flag_table_unread(subtotals: list[dict[str, Field]], ex: Extraction) -> None:
    """No indicator read: the level-1 groups' points and the total the table ends with are not known either
    (a scan whose indicator header OCR garbled printed them all). What was not read of them goes to review,
    never passed off as not printed."""
    ex.flag("indicators", "no indicator row read")
    if not subtotals:
        ex.flag("indicator_subtotals", "no indicator read: the level-1 groups' points are not known")
    for path in ("score.total_set", "score.total"):
        if (f := ex.fields.get(path)) is None or f.value is None:
            ex.flag(path, "no indicator read, and the total the table ends with not read either")


def _sum_subtotal_scores(rows: list[dict[str, Field]], subtotals: list[dict[str, Field]], ex: Extraction) -> None:
    """Forms that print the level-1 points in the name (产出指标(50分)) print no subtotal score: it is the
    sum of the group's scores (raw ``"computed"``), or left out when a score is missing (then in review:
    the group's points are not known, not "not printed")."""
    for i, sub in enumerate(subtotals):
        if sub.get("score") is not None and sub["score"].value is not None:
            continue  # printed in a subtotal row
        group = [r for r in rows if r.get("level1") is not None and r["level1"].value == sub["level1"].value]
        group = [r for r in group if _scored(r)]
        scores = [r["score"].value for r in group if "score" in r]  # unscored 其中 sub-rows left out
        if group and len(scores) == len(group) and all(isinstance(v, Decimal) for v in scores):
            total = sum((v for v in scores if isinstance(v, Decimal)), Decimal(0))
            sub["score"] = Field(f"indicator_subtotals[{i}].score", total, "computed", None, None, 1.0, "computed")
            if any(r.get("level1") is None for r in rows):  # rows of no known group: the sum may miss some
                ex.flag(f"indicator_subtotals[{i}].score", "computed, but some rows belong to no level-1 group")
        elif group and not all(isinstance(v, Decimal) for v in scores):  # a blank score: points unknown
            ex.flag(f"indicator_subtotals[{i}].score", "not printed, and not computed: a score of its group is blank")


def resum_subtotals(ex: Extraction) -> bool:
    """The subtotal scores the form does not print summed again from the rows as they now read (a scan's
    figures read again: a row whose figures the first reading lost was no part of its group's sum, or a blank
    score of its group left the sum unmade), as the field stage sums them; whether any was summed."""
    rows = ex.rows.get("indicators", [])
    subtotals = [dict(sub) for sub in ex.rows.get("indicator_subtotals", [])]  # an earlier reading's rows stay
    unprinted = {
        i: sub.pop("score", None)
        for i, sub in enumerate(subtotals)
        if (f := sub.get("score")) is None or f.value is None or f.source == "computed"
    }
    if not unprinted:
        return False
    _sum_subtotal_scores(rows, subtotals, ex)
    summed = {i for i in unprinted if (f := subtotals[i].get("score")) is not None and f.source == "computed"}
    for i, before in unprinted.items():
        if i not in summed and before is not None:
            subtotals[i]["score"] = before  # not summed now either: the field as it was (its place on the page)
        elif i in summed and "not computed" in ex.review.get(path := f"indicator_subtotals[{i}].score", ""):
            ex.review[path] = "computed only after figures of its group were read again"  # in review still
    ex.rows["indicator_subtotals"] = subtotals
    return bool(summed)


def _without_points(f: Field) -> Field:
    """``数量指标(10分)`` → ``数量指标`` (the points are the form's, not the name's)."""
    text = str(f.value)
    m = _POINTS.search(text)
    return f if m is None else Field(f.name, text[: m.start()].strip(), f.raw, f.page, f.bbox, f.confidence, f.source)


def _part(cell: Cell, text: str) -> Cell:
    """A part of a cell's text (the points printed after a group's name) as a cell of its own: the same
    place, confidence and source (text layer or OCR)."""
    return replace(cell, row_span=1, col_span=1, text=text, lines=(), hidden="")


def _level1_from_column(cell: Cell | None, subtotals: list[dict[str, Field]], ex: Extraction) -> Field | None:
    """Level-1 name from its own column; a printed ``(50分)`` suffix becomes the subtotal's set score."""
    if cell is None or not clean_text(cell.text) or vocabulary().is_label(cell.text):
        return None  # blank, or a vertical 绩效指标 label down the column, not a group name
    text = clean_text(cell.text)
    m = _POINTS.search(text)
    name = text[: m.start()].strip() if m else text
    if not subtotals or subtotals[-1]["level1"].value != name:
        j = len(subtotals)
        sub = {
            "level1": Field(
                f"indicator_subtotals[{j}].level1", name, cell.text, cell.page, cell.bbox, cell.confidence, cell.source
            )
        }
        if cell.source == "ocr" and cell.confidence < LOW_CONFIDENCE:  # a name not surely read (cut by a page)
            ex.flag(f"indicator_subtotals[{j}].level1", f"low confidence {cell.confidence:.2f}")
        if m:
            sub["set_score"] = cell_field(
                f"indicator_subtotals[{j}].set_score",
                _part(cell, m.group("points")),
                "number",
                None,
                ex,
            )
        subtotals.append(sub)
    return subtotals[-1]["level1"]


def read_list(sheet: Sheet, spec: TableSpec, ex: Extraction) -> None:
    columns, rows = _table_rows(sheet, spec)
    types = {c.spec.name: c.spec.type for c in columns}
    items: list[dict[str, Field]] = []
    for _row, cells in rows:
        anchor = cells.get(spec.anchor)
        if anchor is None or not clean_text(anchor.text):
            continue
        i = len(items)
        items.append(
            {name: cell_field(f"{spec.name}[{i}].{name}", cell, types[name], None, ex) for name, cell in cells.items()}
        )
    ex.rows[spec.name] = items
    _flag_guessed(columns, {spec.name: items}, ex)


def read_tables(sheet: Sheet, template: Template, ex: Extraction) -> None:
    for name, spec in template.tables.items():
        if name == "indicators":
            read_indicators(sheet, spec, template, ex)
        else:
            read_list(sheet, spec, ex)
