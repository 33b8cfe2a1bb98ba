"""Fields: map labels to values with a template, and parse each value to its type.

Every value read becomes a ``Field`` with its page, bbox, raw text and confidence. A value that
cannot be parsed, a required label not found, or a number printed in the wrong unit is listed for
review; a cell the form leaves blank where the template expects a value is a gap (blank is not 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import regex

from extract.forms.extraction import Extraction, cell_field
from extract.forms.listtables import indicator_columns, read_tables
from extract.forms.matrix import read_matrices
from extract.forms.sheet import (
    LONG_LABEL,
    LONG_LABEL_EDITS,
    Sheet,
    edit_distance,
    label_matches,
    label_near,
    label_one_edit,
)
from extract.forms.templates import FieldSpec, HeaderSpec, Template, norm
from extract.forms.units import read_unit, resolve_rate, unreadable_unit
from extract.forms.values import clean_text, parse_typed
from extract.forms.vocabulary import vocabulary
from extract.model import Cell, Field, PageContent, TextLine

REGEX_SECONDS = 0.5  # a template pattern gets this long on one line of text


def _value_cell(sheet: Sheet, i: int, label: Cell, spec: FieldSpec, columns: dict[str, float]) -> Cell | None:
    row = sheet.rows[i]
    if spec.column is not None:
        x = columns.get(spec.column)
        return None if x is None else row.at(x)
    if spec.take == "inline":
        rest = after_label(label.text, spec.labels)
        return Cell(
            label.page,
            label.row,
            label.col,
            label.row_span,
            label.col_span,
            label.bbox,
            rest,
            label.lines,
            "",
            label.confidence,
            label.source,
        )
    if spec.take == "below":
        j = i + label.row_span
        return sheet.rows[j].at((label.bbox[0] + label.bbox[2]) / 2) if j < len(sheet.rows) else None
    right = row.right_of(label)
    if spec.take == "auto":  # beside the label, or below it where the cell beside is blank or absent
        if right and clean_text(right[0].text):
            return right[0]
        j = i + label.row_span
        below = sheet.rows[j].at((label.bbox[0] + label.bbox[2]) / 2) if j < len(sheet.rows) else None
        return below if below is not None and clean_text(below.text) else (right[0] if right else None)
    if spec.take == "next":
        if not right and spec.type == "text":  # the label ends its row: a header over its value
            j = i + label.row_span
            return sheet.rows[j].at((label.bbox[0] + label.bbox[2]) / 2) if j < len(sheet.rows) else None
        return right[0] if right else None
    filled = [c for c in right if clean_text(c.text)]
    if not filled:
        return right[0] if right else None
    return filled[0] if spec.take == "first_value" else filled[-1]


def after_label(text: str, labels: Sequence[str]) -> str:
    """The text of a cell after its label: ``按收入性质分：1,250.00`` → ``1,250.00``; after a label OCR read
    one character off (``般公共预算：18264200.00``), the text after its words."""
    for lb in labels:
        for k in range(1, len(text) + 1):
            if norm(text[:k]) == lb:
                return text[k:].strip().lstrip(":：").strip()
    words = regex.match(r"[^\p{Han}\p{L}\p{N}(（]*[\p{Han}（）()、\s]+[:：]?", text)  # -般公共预算：
    if words and (
        label_one_edit(words.group(), labels, 5) or label_near(words.group(), labels, LONG_LABEL, LONG_LABEL_EDITS)
    ):
        return text[words.end() :].strip()
    return ""


def read_label_fields(
    sheet: Sheet, specs: Sequence[FieldSpec], ex: Extraction, table: tuple[int, dict[str, float]] = (0, {})
) -> None:
    """Label → value fields. A field read under an indicator-table column (总分 → 得分) is searched below
    that table's header only (a funds block's 合计 row above is not the total score)."""
    start, columns = table
    unfound: list[FieldSpec] = []
    labels: set[int] = set()
    for spec in specs:
        ex.declared.add(spec.path)
        first = start if spec.column is not None else 0
        hit, loose = _find_label(sheet, spec, specs, first, start or len(sheet.rows))
        if hit is None:
            if spec.required:
                ex.flag(spec.path, "label not found")
            unfound.append(spec)
            continue
        i, label = hit
        labels.add(id(label))
        cell = _value_cell(sheet, i, label, spec, columns)
        if spec.take == "inline" and cell is not None and not clean_text(cell.text):
            right = sheet.rows[i].right_of(label)  # the amount in a cell of its own, not in the label's
            cell = right[0] if right else cell
        if cell is not None and spec.type == "text" and clean_text(cell.text) and vocabulary().is_label(cell.text):
            # a label where a value belongs: the values are printed below a header row
            j = i + label.row_span
            below = sheet.rows[j].at((label.bbox[0] + label.bbox[2]) / 2) if j < len(sheet.rows) else None
            if below is not None and below is not label and not vocabulary().is_label(below.text):
                cell = below
            else:
                ex.flag(spec.path, f"the cell beside the label holds another label ({clean_text(cell.text)!r})")
                ex.declared.add(spec.path)
                continue
        if spec.type == "money":
            ex.note_unit(spec.path, label, spec.unit)
        f = cell_field(spec.path, cell, spec.type, None if spec.type == "money" else spec.unit, ex)
        ex.put(f, cell)
        if loose and f.value is not None:  # a long label OCR read two characters off: likely, not certain
            ex.flag(spec.path, f"its label read two characters off ({clean_text(label.text)!r})")
        if spec.required and f.value is None:  # a gap where the form must state a value (——, blank)
            ex.flag(spec.path, "required, but the form prints no value")
    _flag_unlabelled_figures(sheet, [s for s in unfound if s.take == "inline" and s.type == "money"], labels, ex)


def _find_label(
    sheet: Sheet, spec: FieldSpec, specs: Sequence[FieldSpec], first: int, end: int
) -> tuple[tuple[int, Cell] | None, bool]:
    """The cell of the field's label (from row ``first``), and whether it was read two glyphs off (a value
    likely, not certainly, the field's): as read, glued to its figure, one glyph off, two off a long label,
    two off the nearest label of all (``_nearest_label``, in the rows above ``end``)."""
    hit = (
        sheet.find(spec.labels, first)
        or (sheet.find_glued(spec.labels, first) if spec.take == "inline" else None)
        or sheet.find_near(spec.labels, first)
    )
    if hit is not None:
        return hit, False
    hit = sheet.find_near(spec.labels, first, LONG_LABEL, LONG_LABEL_EDITS) or _nearest_label(
        sheet, spec, specs, first, end
    )
    return hit, hit is not None


NEAREST_LABEL = 6  # a label this long or longer is still itself with …
NEAREST_EDITS = 2  # … this many glyphs misread, where it is the nearest label of all to the cell by far
NEAREST_AHEAD = 1  # (every other label of the template's fields and of the vocabulary this many edits further)
_LABEL_TAIL = regex.compile(r"[(（][^)）]*[)）]?$|[:：]$")  # a unit (万元) or a colon after the label


def _nearest_label(
    sheet: Sheet, spec: FieldSpec, specs: Sequence[FieldSpec], start: int, end: int
) -> tuple[int, Cell] | None:
    """For a label no cell prints as read, nor one character off: the one OCR cell of the rows ``start`` to
    ``end`` (above the indicator table: its names are no labels, 预算调整率 two glyphs off 预算调整金额) whose
    text is ``NEAREST_EDITS`` glyphs off one of the field's labels of six or more characters, that label
    nearer to it than any other of the forms (by ``NEAREST_AHEAD`` edits). A header of 4-pt print on a 1-bit
    scan reads 年初授算金款 for 年初预算金额 and 慢算调警金额 for 预算调整金额 (the next nearest three edits off or
    more: 年初预算数, 预算执行金额). Two such cells are no answer; the value is in review."""
    own = [lb for lb in spec.labels if len(lb) >= NEAREST_LABEL]
    if not own:
        return None
    others = {norm(lb) for s in specs if s is not spec for lb in s.labels} | set(vocabulary().labels)
    others -= set(spec.labels)
    hits = []
    for i in range(start, min(end, len(sheet.rows))):
        row = sheet.rows[i]
        for c in row.cells:
            if not row.starts(c) or c.source != "ocr" or not c.text or vocabulary().is_label(c.text):
                continue
            t = _LABEL_TAIL.sub("", norm(c.text))
            if not t or all(abs(len(t) - len(lb)) > NEAREST_EDITS for lb in own):
                continue
            mine = min(edit_distance(t, lb) for lb in own)
            if mine > NEAREST_EDITS:
                continue
            near = (lb for lb in others if abs(len(lb) - len(t)) < mine + NEAREST_AHEAD)  # the rest are further
            theirs = min((edit_distance(t, lb) for lb in near), default=mine + NEAREST_AHEAD)
            if theirs >= mine + NEAREST_AHEAD:
                hits.append((i, c))
    return hits[0] if len(hits) == 1 else None


# an OCR cell printing a label and an amount (船公共预量：18264200.00): words, a colon (or none: OCR may lose
# it), a figure with decimals
_LABELLED_FIGURE = regex.compile(r"^(?P<label>[^\d:：]*\p{Han}[^\d:：]*?)[:：]?\s*[-+]?\d[\d,，]*[.．]\d{1,2}$")


def _flag_unlabelled_figures(sheet: Sheet, missing: list[FieldSpec], taken: set[int], ex: Extraction) -> None:
    """Amounts printed after their label in one cell (一般公共预算：18264200.00) whose label no cell reads: where
    an OCR cell prints a figure after a label that is no known one (船公共预量, 姜本变出: the label's glyphs
    misread past matching), that figure may be one of them — they are in review, not passed off as not
    printed."""
    if not missing:
        return
    stray = [
        clean_text(c.text)
        for row in sheet.rows
        for c in row.cells
        if c.source == "ocr"
        and row.starts(c)
        and id(c) not in taken
        and (m := _LABELLED_FIGURE.match(norm(c.text).replace(" ", "")))
        and not vocabulary().is_label(m.group("label"))
    ]
    if not stray:
        return
    for spec in missing:
        ex.flag(
            spec.path,
            f"label not found; OCR read {len(stray)} figure(s) after labels matching none ({', '.join(stray[:3])}): "
            "it may be one of them",
        )


def _flag_unlabelled_values(sheet: Sheet, template: Template, ex: Extraction) -> None:
    """A scanned cell of text that no field read, beside (or under) a scanned cell that reads blank, above
    the indicator table: a value whose label a seal or a blot took (预期目标, 实施单位 lost, the value clear).
    The template's fields outside the indicator table that were not read, where the shared vocabulary knows
    their label (项目名称, 主管部门, 实施单位, 预期目标 …) or no cell reads it (单位负责人, 自评得分, 其他资金 beside
    its amount's own cell), are in review — the value may be theirs, never passed off as not printed; so is
    what is taken from one of them (the region, from the department's name)."""
    if not any(c.source == "ocr" for row in sheet.rows for c in row.cells):
        return  # a text layer: every printed label is there to read
    core = {lb for group in vocabulary().synonyms.get("header", ()) for lb in group}
    missing = [
        s.path
        for s in template.fields
        if s.column is None
        and _unread(ex, s.path)
        and (core & set(s.labels) or not (sheet.find(s.labels) or sheet.find_near(s.labels)))
    ]
    orphans = _orphan_values(sheet, _table_top(sheet, template), ex) if missing else []
    if not orphans:
        return
    why = f"label not found; OCR read text beside a blank cell ({', '.join(orphans[:2])}): it may be this"
    for path in missing:
        ex.flag(path, why)
    for h in template.header:
        if h.source in missing and _unread(ex, h.path):
            ex.flag(h.path, f"taken from {h.source}, which is in review")


def _unread(ex: Extraction, path: str) -> bool:
    return (f := ex.get(path)) is None or f.value is None


def _table_top(sheet: Sheet, template: Template) -> int:
    """The indicator table's first header row (一级指标 | 二级指标 | 三级指标), or the sheet's end."""
    spec = template.tables.get("indicators")
    names = (
        tuple(lb for c in spec.columns if c.name in ("level1", "level2", "level3") for lb in c.labels) if spec else ()
    )
    rows = enumerate(sheet.rows)
    return next(
        (i for i, row in rows if any(c.text and label_matches(c.text, names) for c in row.cells)), len(sheet.rows)
    )


def _orphan_values(sheet: Sheet, top: int, ex: Extraction) -> list[str]:
    """Scanned cells of text above row ``top`` that no field read and that are no label, beside (or under) a
    scanned cell that reads blank."""
    read = [*ex.fields.values(), *(f for rows in ex.rows.values() for row in rows for f in row.values())]
    boxes = [(f.page, f.bbox) for f in read if f.bbox is not None]

    def claimed(c: Cell) -> bool:
        return any(
            page == c.page
            and c.bbox[0] - 1 <= b[0]
            and b[2] <= c.bbox[2] + 1
            and c.bbox[1] < (b[1] + b[3]) / 2 < c.bbox[3]
            for page, b in boxes
        )

    def blank(c: Cell | None) -> bool:
        return c is not None and c.source == "ocr" and not clean_text(c.text)

    labels = tuple(vocabulary().labels)
    out = []
    for i, row in enumerate(sheet.rows[:top]):
        for c in row.cells:
            if not (row.starts(c) and c.source == "ocr" and clean_text(c.text)) or vocabulary().starts_label(c.text):
                continue
            if label_one_edit(c.text, labels, 4) or label_matches(c.text, labels):  # a label one glyph off
                continue  # (年度资金额), or with its unit's opening bracket lost (年初预算数万元）): no value
            left = [d for d in row.cells if d.bbox[2] <= c.bbox[0] + 1]
            above = sheet.rows[i - 1].at((c.bbox[0] + c.bbox[2]) / 2) if i else None
            if (blank(left[-1] if left else None) or blank(above)) and not claimed(c):
                out.append(clean_text(c.text))
    return out


def _search_lines(spec: HeaderSpec, lines: Sequence[TextLine]) -> Field | None:
    """The first match of the spec's pattern whose value is not itself a label of the forms (a blank
    ``项目负责人：  财务负责人：`` line gives no project leader named 财务负责)."""
    for ln in lines:
        try:
            matches = list(spec.pattern.finditer(ln.text.strip(), timeout=REGEX_SECONDS))
        except TimeoutError:  # a pattern that backtracks without end is the template's problem, not a value
            continue
        for m in matches:
            value = m.group("value")
            if spec.type == "text" and value and vocabulary().starts_label(value):
                continue
            return Field(spec.path, value, ln.text, None, ln.bbox, ln.confidence)
    return None


def _header_value(spec: HeaderSpec, ex: Extraction, lines: Sequence[tuple[int, TextLine]]) -> Field | None:
    """A header field: the template's constant, a pattern over another field, or the first line the
    pattern (then the vocabulary's fallback pattern for this field) matches."""
    if spec.value is not None:
        return Field(spec.path, spec.value, "", None, None, 1.0, "template")
    if spec.source:
        src = ex.fields.get(spec.source)
        m = spec.pattern.search(str(src.value)) if src and src.value is not None else None
        return (
            Field(spec.path, m.group("value"), str(src.value), src.page, src.bbox, src.confidence)
            if src and m
            else None
        )
    fallback = vocabulary().patterns.get(spec.path)
    for pattern in (spec.pattern, fallback) if fallback is not None else (spec.pattern,):
        for page_no, ln in lines:
            f = _search_lines(replace(spec, pattern=pattern), [ln])
            if f is not None:
                return Field(f.name, f.value, f.raw, page_no, f.bbox, f.confidence)
    return None


def _wrapped(lines: Sequence[TextLine]) -> list[TextLine]:
    """Two lines of print, one right under the other and overlapping it across, the first as wide as the
    second or wider, in the same print: one line of text wrapped (a long title in its merged cell:
    …(普通省道公路建设)绩 / 效目标自评), joined."""
    out = []
    for a, b in itertools.pairwise(lines):
        height = max(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
        below = 0 <= b.bbox[1] - a.bbox[3] <= 0.8 * height
        across = min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0]) > 0
        # a line wraps where its cell is full: the first line as wide as the rest or wider, in the same print
        # (a seal's mark or a speck above a scanned title, 长业 or 111, is no first line of it)
        filled = a.bbox[2] - a.bbox[0] >= 0.9 * (b.bbox[2] - b.bbox[0]) and abs(a.size - b.size) <= 0.25 * max(
            a.size, b.size
        )
        if below and across and filled:
            box = (min(a.bbox[0], b.bbox[0]), a.bbox[1], max(a.bbox[2], b.bbox[2]), b.bbox[3])
            out.append(TextLine(a.text.strip() + b.text.strip(), box, a.size, min(a.confidence, b.confidence)))
    return out


def _completes(whole: str, part: str) -> bool:
    """``whole`` is ``part`` with more of its line before it: a value wrapped over two lines."""
    return len(whole) > len(part) and whole.endswith(part)


def read_header_fields(pages: Sequence[PageContent], sheet: Sheet, specs: Sequence[HeaderSpec], ex: Extraction) -> None:
    """Title, year and the like: from text outside the table (or inside it), or from another field."""
    free = [(p.number, ln) for p in pages for ln in p.free_lines]
    cells = [(c.page, TextLine(c.text, c.bbox, 0.0, c.confidence)) for r in sheet.rows for c in r.cells if r.starts(c)]
    wrapped = [(p.number, ln) for p in pages for ln in _wrapped(p.free_lines)]  # after the lines as printed
    for spec in specs:
        found = _header_value(spec, ex, free + cells + wrapped)
        longer = _header_value(spec, ex, wrapped) if found is not None and spec.type == "text" else None
        if longer is not None and found is not None and _completes(str(longer.value), str(found.value)):
            found = longer  # the title's last line matched alone (绩效目标自评): the whole title, wrapped
        if found is None:
            ex.declared.add(spec.path)
            if spec.required:
                ex.flag(spec.path, "not found")
            elif spec.source is None:
                ex.gaps.append(spec.path)  # the form does not print it
            continue
        ex.declared.add(spec.path)
        if spec.type != "text":
            value, problem = parse_typed(str(found.value), spec.type, None)
            found = Field(found.name, value, found.raw, found.page, found.bbox, found.confidence)
            if problem:
                ex.flag(spec.path, problem)
        ex.fields[spec.path] = found


def extract_fields(template: Template, pages: Sequence[PageContent]) -> tuple[Extraction, Sheet]:

    sheet = Sheet.from_pages(pages)
    ex = Extraction()
    read_label_fields(sheet, template.fields, ex, indicator_columns(sheet, template))
    read_matrices(sheet, template.matrices, ex)
    read_header_fields(pages, sheet, template.header, ex)
    read_tables(sheet, template, ex)
    _flag_unlabelled_values(sheet, template, ex)
    settle_units(pages, sheet, ex)
    settle_rates(ex)
    return ex, sheet


def settle_units(pages: Sequence[PageContent], sheet: Sheet, ex: Extraction) -> None:
    """``budget.unit`` / ``funds.unit`` as the page prints them (labels, then a 单位： line), else the
    template's; with none, null and the section's amounts go to review."""
    lines = [ln.text for p in pages for ln in p.free_lines]
    lines += [c.text for r in sheet.rows[:3] for c in r.cells if r.starts(c)]  # a 单位 cell atop the table
    for section, labels in ex.unit_labels.items():
        reading, problems = read_unit([c.text for c in labels], lines, ex.unit_fixed.get(section))
        path = f"{section}.unit"
        cell = next((c for c in labels if c.text == reading.raw), None)
        method = cell.source if cell else ("template" if reading.source == "template" else "text")
        ex.fields[path] = Field(
            path, reading.unit, reading.raw, cell.page if cell else None, cell.bbox if cell else None, 1.0, method
        )
        ex.declared.add(path)
        for problem in problems:
            ex.flag(path, problem)
        if reading.source == "template" and any(c.source == "ocr" and unreadable_unit(c.text) for c in labels):
            ex.flag(path, "a label prints a unit OCR could not read; the template's unit is assumed")
        if reading.unit is None:
            _flag_amounts(ex, section, "amount without a unit")
        elif reading.source == "template" and any(p.method == "ocr" for p in pages):
            # a scan: the page may print a unit OCR did not read (元 where the template says 万元)
            ex.flag(path, "no unit read on the scanned page; the template's unit is assumed")
            _flag_amounts(ex, section, f"its unit ({reading.unit}) not read on the page but assumed from the template")


def _flag_amounts(ex: Extraction, section: str, why: str) -> None:
    for p, f in list(ex.fields.items()):
        if p.startswith(section + ".") and isinstance(f.value, Decimal) and not p.endswith(_NOT_MONEY):
            ex.flag(p, why)


_NOT_MONEY = (".set_score", ".score", ".execution_rate")


def _settle_rate(f: Field, row: dict[str, Field | None], ex: Extraction) -> Field:
    budget = row.get("full_year_budget")
    if budget is None or budget.value is None:
        budget = row.get("initial_budget")
    executed = row.get("executed")
    value, problem = resolve_rate(
        f.value if isinstance(f.value, Decimal) else Decimal(0),
        f.raw,
        budget.value if budget is not None and isinstance(budget.value, Decimal) else None,
        executed.value if executed is not None and isinstance(executed.value, Decimal) else None,
    )
    if problem:
        ex.flag(f.name, problem)
    return replace(f, value=value)


def settle_rates(ex: Extraction) -> None:
    """Rates printed without ``%`` (``0.9643``): decided by the row's own 执行数 / 预算数, or reviewed;
    in the funds block's rows and in its rows with labels of their own."""
    for path, f in list(ex.fields.items()):
        if path.endswith(".execution_rate") and isinstance(f.value, Decimal):
            base = path.rsplit(".", 1)[0]
            row = {k: ex.fields.get(f"{base}.{k}") for k in ("full_year_budget", "initial_budget", "executed")}
            ex.fields[path] = _settle_rate(f, row, ex)
    for name, rows in ex.rows.items():
        if name.endswith("other_rows"):
            for item in rows:
                rate = item.get("execution_rate")
                if rate is not None and isinstance(rate.value, Decimal):
                    item["execution_rate"] = _settle_rate(rate, dict(item), ex)
