"""Rendering: a content and a layout to an openpyxl workbook, and the ground truth of what it prints.

:func:`build_workbook` writes the sheet; :func:`render` also returns the fields the printed form shows
(record path -> value, the ground truth). Both come from one pass over the same printed strings, so the truth
is what the page says. :func:`print_batch` prints many workbooks with one LibreOffice run.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from samples.forms.common import (
    BOX,
    NO_BORDER,
    Printed,
    cell_value,
    column_points,
    count_lines,
    line_pitch,
    print_many,
)
from samples.forms.common import new_workbook as _new_workbook
from samples.variants.content import Content, Level1, Row, Value, blank, dec, decimals
from samples.variants.layout import (
    BASE_WIDTHS,
    LABEL_WIDTH,
    LEVEL1_WIDTH,
    REASON_MORE_WIDTH,
    Layout,
    table_columns,
)

BODY = 9.0
ROW = 18.0
PADDING = 3.0
INNER_MARGIN = 6.0
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=False)
STACKED = Alignment(horizontal="center", vertical="center", text_rotation=255, wrap_text=True)
NUMBER_TEXT_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|[—\-－/]+")
PRINTED_NUMBER_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
TARGET_RE = re.compile(r"(?P<nature>[≥≤=＝﹦><＞＜])?\s*(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*)")
FUND_ROW_LABELS = {
    "total": "total_row",
    "fiscal_appropriation": "fiscal_row",
    "carryover": "carryover_row",
    "other": "other_row",
}
FUND_ROW_FIXED = {"special_account": "财政专户管理资金", "unit_funds": "单位资金"}
FUND_FIELDS = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")
AMOUNTS = ("initial_budget", "full_year_budget", "executed")
BUDGET_LABELS = (
    ("carryover", "上年结转金额"),
    ("initial_budget", "年初预算金额"),
    ("budget_adjustment", "预算调整金额"),
    ("other_adjustment", "其他调整资金"),
    ("execution", "预算执行金额"),
    ("year_end_balance", "年末结余金额"),
)
NARRATIVE_LABELS = (
    ("functions_overview", "单位职能概况"),
    ("staffing", "单位人员情况"),
    ("budget_execution", "预算执行情况"),
    ("performance_analysis", "部门整体支出绩效评价分析"),
    ("other", "其他"),
)
INCOME_LABELS = (
    ("total", "按收入性质分"),
    ("general_public_budget", "一般公共预算"),
    ("government_fund", "政府性基金拨款"),
    ("special_account_nontax", "纳入专户管理的非税收入拨款"),
    ("other", "其他资金"),
)
EXPENDITURE_LABELS = (("total", "按支出性质分"), ("basic", "基本支出"), ("project", "项目支出"))


def split_spans(n: int, weights: Sequence[float]) -> list[tuple[int, int]]:
    """``n`` grid columns (1-based) cut into ``len(weights)`` contiguous spans roughly by ``weights``."""
    k = len(weights)
    if k > n:
        raise ValueError(f"{k} cells do not fit {n} columns")
    total = sum(weights)
    bounds = [0]
    acc = 0.0
    for i, weight in enumerate(weights[:-1]):
        acc += weight
        bound = round(n * acc / total)
        bound = max(bound, bounds[-1] + 1)
        bound = min(bound, n - (k - 1 - i))
        bounds.append(bound)
    bounds.append(n)
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(k)]


def spaced(text: str) -> str:
    return " ".join(text) if len(text) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", text) else text


def wrap_header(text: str) -> str:
    """``年度指标值`` -> ``年度指标\\n值``: a header word broken inside its cell."""
    if len(text) < 5 or "\n" in text:
        return text
    cut = 4 if len(text) <= 6 else len(text) // 2
    return text[:cut] + "\n" + text[cut:]


def split_target(row: Row) -> tuple[Value, Value, Value]:
    """(指标性质, 指标值, 度量单位) of a row."""
    if row.nature is not None:
        return row.nature, row.target, row.measure_unit
    if blank(row.target):
        return None, row.target, None
    assert row.target is not None
    match = TARGET_RE.fullmatch(row.target.strip())
    if match is None:
        return "定性", row.target, None
    return match["nature"] or "=", match["value"], match["unit"] or None


def joined_target(row: Row) -> Value:
    """The 年度指标值 of a row printed in one cell."""
    if row.nature is None or row.nature == "定性" or blank(row.target):
        return row.target
    return f"{row.nature}{row.target}{row.measure_unit or ''}"


def clean(value: Value) -> str | None:
    """The truth of a printed text: line breaks removed, ends stripped, placeholders null."""
    if value is None:
        return None
    text = value.replace("\n", "").strip()
    return None if blank(text) else text


@dataclass
class Rendered:
    workbook: Workbook
    fields: dict[str, Any]
    intended_pages: int
    texts: list[str] = field(default_factory=list)  # texts that must appear in the PDF's text layer


class Builder:
    """Writes one form: cells, merged ranges, styles; records the truth of every printed field."""

    def __init__(self, content: Content, layout: Layout) -> None:
        self.c = content
        self.lay = layout
        self.rng = random.Random(f"render-{layout.kind}-{layout.seed}")
        self.columns = table_columns(layout.family, layout.level1, layout.indicator_label)
        base = {
            **BASE_WIDTHS[layout.family],
            "label": LABEL_WIDTH,
            "level1": LEVEL1_WIDTH,
            "reason_more": REASON_MORE_WIDTH,
        }
        self.n = len(self.columns)
        self.widths = {
            get_column_letter(i + 1): round(base[key] * factor, 2)
            for i, (key, factor) in enumerate(zip(self.columns, layout.width_factors, strict=True))
        }
        self.wb, ws = _new_workbook("绩效自评表", self.widths)
        self.ws: Worksheet = ws
        self.row = 0
        self.fields: dict[str, Any] = {}
        self.texts: list[str] = []
        self.font = Font(name=layout.font, size=BODY)
        self.bold = Font(name=layout.font, size=BODY, bold=True)
        self.breaks: list[int] = []

    # --- cells -------------------------------------------------------------------------------------------
    def col(self, key: str) -> int:
        return self.columns.index(key) + 1

    def span(self, key: str) -> tuple[int, int]:
        """The grid columns of an indicator-table column (偏差原因 may span two)."""
        if key == "reason" and "reason_more" in self.columns:
            return self.col("reason"), self.col("reason_more")
        return self.col(key), self.col(key)

    def next_row(self, height: float = ROW) -> int:
        self.row += 1
        self.ws.row_dimensions[self.row].height = height
        return self.row

    def put(
        self,
        first: int,
        last: int,
        value: Value,
        align: Alignment = CENTER,
        *,
        rows: int = 1,
        border: Border = BOX,
        font: Font | None = None,
    ) -> None:
        top, bottom = self.row, self.row + rows - 1
        for r in range(top, bottom + 1):
            for c in range(first, last + 1):
                cell = self.ws.cell(r, c)
                cell.border, cell.font, cell.alignment = border, font or self.font, align
        if (first, top) != (last, bottom):
            self.ws.merge_cells(start_row=top, start_column=first, end_row=bottom, end_column=last)
        cell = self.ws.cell(top, first)
        if value is None:
            return
        match = PRINTED_NUMBER_RE.fullmatch(value)
        leading_zero = len(value) > 1 and value.startswith("0") and value[1] != "."
        if match and not leading_zero:
            cell.value, cell.number_format = cell_value(Printed(value, numeric=True))
        else:
            cell.value, cell.number_format = value, "@"
            cell.data_type = "s"  # "=8个", "+5", "@" are printed text, never formulas

    def label(self, text: str) -> str:
        return spaced(text) if self.lay.spaced_labels else text

    def head(self, text: str) -> str:
        return wrap_header(text) if self.lay.header_wrap else text

    # --- values ------------------------------------------------------------------------------------------
    @property
    def in_yuan(self) -> bool:
        return self.c.funds is not None and self.lay.amount_unit == "元" and self.c.funds.unit == "万元"

    @property
    def funds_unit(self) -> str:
        return "元" if self.in_yuan else (self.c.funds.unit if self.c.funds is not None else "万元")

    def amount(self, value: Value, *, convert: bool = True) -> tuple[Value, str | None]:
        """(printed, truth) of an amount."""
        number = dec(value)
        if number is None:
            return value, None
        places = decimals(value)
        if convert and self.in_yuan:
            number, places = number * 10000, 2
        printed = f"{number:,.{places}f}" if self.lay.thousands else f"{number:.{places}f}"
        return printed, f"{number:.{places}f}"

    def rate(self, value: Value) -> tuple[Value, str | None]:
        number = dec(value)
        if number is None or value is None:
            return value, None
        text = value.strip().rstrip("%")
        if self.lay.rate_format == "percent":
            return f"{text}%", text
        if self.lay.rate_format == "plain":
            return text, text
        return f"{number / 100:.{decimals(text) + 2}f}", text

    def score(self, value: Value) -> tuple[Value, str | None]:
        return value, None if blank(value) else str(dec(value))

    def truth(self, path: str, value: Any) -> None:
        self.fields[path] = value

    # --- heading -----------------------------------------------------------------------------------------
    def heading(self) -> None:
        lay, n = self.lay, self.n
        if lay.attachment:
            self.next_row()
            self.put(1, n, lay.attachment, LEFT, border=NO_BORDER, font=self.bold)
        title = f"{self.c.year}年度{self.c.title}" if lay.year_style == "leading" else self.c.title
        self.next_row(round(lay.title_size * 1.5 + 8, 1))
        self.put(1, n, title, CENTER, border=NO_BORDER, font=Font(name=lay.font, size=lay.title_size, bold=True))
        self.truth("form.title", title)
        self.truth("form.fiscal_year", self.c.year)
        self.texts.append(title)
        if lay.year_style == "line":
            self.next_row(20.0)
            self.put(1, n, f"({self.c.year}年度)", border=NO_BORDER)
        elif lay.year_style == "field":
            self.next_row(20.0)
            self.put(1, n, f"年度：{self.c.year}", LEFT, border=NO_BORDER)

    def unit_line(self, extra: str = "") -> None:
        if self.lay.unit_placement != "unit_line":
            if extra:
                self.next_row(20.0)
                self.put(1, self.n, extra, LEFT, border=NO_BORDER)
            return
        unit = "万元" if self.lay.family == "shanxi" else self.funds_unit
        text = f"单位：{unit}" if unit == "万元" else f"金额单位：{unit}"
        self.next_row(20.0)
        if extra:
            left, right = split_spans(self.n, [3, 2])
            self.put(left[0], left[1], extra, LEFT, border=NO_BORDER)
            self.put(right[0], right[1], text, RIGHT, border=NO_BORDER)
        else:
            self.put(1, self.n, text, RIGHT, border=NO_BORDER)

    def header_fields(self, pairs: list[tuple[str, str, str]]) -> None:
        """(record key, label, value) pairs, one or two to a row."""
        if self.lay.header_pairs == "two_per_row":
            groups = [pairs[:1]] + [pairs[i : i + 2] for i in range(1, len(pairs), 2)]
        else:
            groups = [[p] for p in pairs]
        for group in groups:
            self.next_row()
            weights: list[float] = []
            for _ in group:
                weights += [2, 3 if len(group) == 2 else 8]
            spans = split_spans(self.n, weights)
            for i, (key, label, value) in enumerate(group):
                self.put(*spans[2 * i], self.label(label))
                self.put(*spans[2 * i + 1], value, LEFT)
                self.truth(f"form.{key}", clean(value))
                self.texts.append(value)

    # --- funds -------------------------------------------------------------------------------------------
    def fund_headers(self) -> list[str]:
        headers = []
        unit = f"（{self.funds_unit}）"
        for key in FUND_FIELDS:
            text = self.lay.label(key)
            if key in AMOUNTS and self.lay.unit_placement == "column_headers":
                text += unit
            headers.append(self.head(text))
        return headers

    def fund_label(self, key: str) -> str:
        return self.lay.label(FUND_ROW_LABELS[key]) if key in FUND_ROW_LABELS else FUND_ROW_FIXED[key]

    def fund_values(self, key: str, values: Any, path: str | None = None) -> list[Value]:
        """The printed cells of one funds row; the truth under ``path`` (default ``funds.rows.<key>``)."""
        path = path or f"funds.rows.{key}"
        printed: list[Value] = []
        for name in FUND_FIELDS:
            raw = values.get(name)
            if name in AMOUNTS:
                shown, truth = self.amount(raw)
            elif name == "execution_rate":
                shown, truth = self.rate(raw)
            else:
                shown, truth = self.score(raw)
            printed.append(shown)
            self.truth(f"{path}.{name}", truth)
        return printed

    def funds_block(self, label: str) -> None:
        funds = self.c.funds
        assert funds is not None
        self.truth("funds.unit", self.funds_unit)
        text = label + (f"（{self.funds_unit}）" if self.lay.unit_placement == "funds_label" else "")
        keys = list(funds.rows)
        if self.lay.transposed_funds:
            spans = split_spans(self.n, [2, 2] + [2] * len(keys))
            self.next_row()
            self.put(*spans[0], self.label(text), rows=1 + len(FUND_FIELDS))
            self.put(*spans[1], None)
            for span, key in zip(spans[2:], keys, strict=True):
                self.put(*span, self.head(self.fund_label(key)))
            columns = [self.fund_values(key, funds.rows[key]) for key in keys]
            for i, header in enumerate(self.fund_headers()):
                self.next_row()
                self.put(*spans[1], header)
                for span, values in zip(spans[2:], columns, strict=True):
                    self.put(*span, values[i])
            return
        spans = split_spans(self.n, [2, 2.5, 1.5, 1.5, 1.5, 1, 1, 1])
        self.next_row()
        self.put(*spans[0], self.label(text), rows=1 + len(keys) + len(funds.other_rows))
        self.put(*spans[1], None)
        for span, header in zip(spans[2:], self.fund_headers(), strict=True):
            self.put(*span, header)
        for key in keys:
            self.next_row()
            self.put(*spans[1], self.fund_label(key), LEFT)
            for span, value in zip(spans[2:], self.fund_values(key, funds.rows[key]), strict=True):
                self.put(*span, value)
        for k, (label, row) in enumerate(funds.other_rows.items()):
            self.next_row()
            self.put(*spans[1], label, LEFT)
            self.truth(f"funds.other_rows[{k}].label", clean(label))
            for span, value in zip(spans[2:], self.fund_values(label, row, f"funds.other_rows[{k}]"), strict=True):
                self.put(*span, value)

    def goals_block(self) -> None:
        goals = self.c.goals
        if goals is None:
            return
        spans = split_spans(self.n, [2, 4, 4])
        self.next_row()
        self.put(*spans[0], self.label("年度总体目标"), rows=2)
        self.put(*spans[1], self.lay.label("expected"))
        self.put(*spans[2], self.lay.label("achieved"))
        self.next_row()
        for span, key in zip(spans[1:], ("expected", "achieved"), strict=True):
            self.put(*span, goals[key], LEFT)
            self.truth(f"goals.{key}", clean(goals[key]))
            if goals[key]:
                self.texts.append(goals[key])

    # --- indicator table ---------------------------------------------------------------------------------
    def value_columns(self) -> list[str]:
        return [k for k in self.columns if k not in ("label", "level1", "level2", "level3", "reason_more")]

    def indicator_header(self) -> tuple[int, int]:
        lay = self.lay
        names = {
            "level1": "一级指标",
            "level2": "二级指标",
            "level3": "三级指标",
            "target": lay.label("target"),
            "actual": lay.label("actual"),
            "set_score": lay.label("set_score"),
            "score": lay.label("score"),
            "reason": lay.label("reason"),
            "nature": "指标性质",
            "unit": "度量单位",
            "reference_score": "参考分值",
            "analysis": "计算分析情况",
        }
        if lay.family == "shanxi":
            names.update(set_score="设定分值", score="评价得分")
        if lay.family == "yunnan":
            names["target"] = "指标值"
        groups: dict[str, tuple[str, str]] = {}  # first key -> (group header, last key)
        if lay.family == "yunnan":
            groups["nature"] = (lay.label("target") if lay.label("target") != "指标值" else "年度指标值", "unit")
        if lay.header_rows == 2 or lay.family == "shanxi":
            first = "reference_score" if lay.family == "shanxi" else "set_score"
            groups[first] = ("指标分值", "set_score" if lay.family == "shanxi" else "score")
        two = bool(groups)
        top = self.next_row()
        if two:
            self.next_row()
            self.row = top
        skip: set[str] = set()
        for key in self.columns:
            if key in ("label", "reason_more") or key in skip:
                continue
            c = self.col(key)
            if key in groups:
                header, last = groups[key]
                self.put(c, self.col(last), self.head(header))
                self.row = top + 1
                for sub in self.columns[self.columns.index(key) : self.columns.index(last) + 1]:
                    self.put(self.col(sub), self.col(sub), self.head(names[sub]))
                    skip.add(sub)
                self.row = top
                continue
            self.put(*self.span(key), self.head(names[key]), rows=2 if two else 1)
        self.row = top + (1 if two else 0)
        return top, self.row

    def row_values(self, row: Row, index: int | None) -> dict[str, Value]:
        """The printed value of each value column of an indicator row; records its truth at ``index``."""
        nature, value, unit = split_target(row)
        split = self.lay.family in ("yunnan", "sichuan_like")
        values: dict[str, Value] = {
            "target": value if split else joined_target(row),
            "nature": nature,
            "unit": unit,
            "actual": row.actual,
            "set_score": row.set_score,
            "score": row.score,
            "reason": row.deviation_reason,
            "reference_score": row.reference_score,
            "analysis": row.analysis,
        }
        if index is not None:
            path = f"indicators[{index}]"
            for key in self.value_columns():
                truth_key = "deviation_reason" if key == "reason" else key
                if key in ("set_score", "score", "reference_score"):
                    self.truth(f"{path}.{truth_key}", self.score(values[key])[1])
                else:
                    self.truth(f"{path}.{truth_key}", clean(values[key]))
        return {key: values[key] for key in self.value_columns()}

    def template_groups(self) -> set[tuple[int, int]]:
        if self.lay.template_rows == "none":
            return set()
        slots = [(i, j) for i, l1 in enumerate(self.c.indicators) for j, _ in enumerate(l1.groups)]
        return set(self.rng.sample(slots, min(len(slots), self.rng.randint(1, 3))))

    def group_rows(self, level1: Level1, i: int, added: set[tuple[int, int]]) -> list[list[tuple[Row, bool]]]:
        """Per level-2 group, its printed rows as (row, is an indicator)."""
        found = []
        for j, group in enumerate(level1.groups):
            rows: list[tuple[Row, bool]] = []
            for row in group.rows:
                rows.append((row, not row.template))
                rows += [(sub, True) for sub in row.sub_rows]
            if (i, j) in added:
                text = "" if self.lay.template_rows == "empty" else self.lay.template_rows
                rows.append((Row(level3=text), False))
            if not rows:
                rows.append((Row(level3=""), False))
            found.append(rows)
        return found

    def subtotal_row(self, level1: Level1, score: Value) -> None:
        lay = self.lay
        self.next_row()
        if lay.level1 == "subtotal_merged":
            self.put(self.col("level1"), self.col("level2"), level1.level1)
        else:
            self.put(self.col("level2"), self.col("level2"), level1.level1)
        for key in ["level3", *self.value_columns()]:
            value: Value = None
            if key == "set_score":
                value = level1.set_score
            elif key == "score":
                value = score
            elif key == "reference_score":
                value = level1.reference_score
            elif key == "analysis":
                value = "——"
            self.put(*self.span(key), value)

    def subtotal(self, level1: Level1, index: int) -> None:
        """The subtotal row (where the layout has one) and the truth of ``indicator_subtotals[index]``."""
        lay = self.lay
        scores = [dec(r.score) for r in level1.rows()]
        stated = level1.score
        if stated is None and any(s is not None for s in scores):
            stated = str(sum((s for s in scores if s is not None), Decimal(0)))
        sub = f"indicator_subtotals[{index}]"
        self.truth(f"{sub}.level1", level1.level1)
        if lay.level1 in ("subtotal_merged", "subtotal_level2"):
            self.subtotal_row(level1, stated)
            self.truth(f"{sub}.set_score", self.score(level1.set_score)[1])
            reference = self.score(level1.reference_score)[1]
        else:
            points = lay.level1 == "points" and not blank(level1.set_score)
            self.truth(f"{sub}.set_score", self.score(level1.set_score)[1] if points else None)
            reference = None
        printed = lay.level1 in ("subtotal_merged", "subtotal_level2") or level1.score is not None
        unscored = any(dec(r.score) is None and dec(r.set_score) is not None for r in level1.rows())
        # a sum the form does not print is computed by the reader only from every scored row's score
        self.truth(f"{sub}.score", self.score(stated)[1] if printed or not unscored else None)
        if lay.family == "shanxi":
            self.truth(f"{sub}.reference_score", reference)

    def level1_cell(self, level1: Level1, first_row: int, rows: int) -> None:
        """The level-1 column's merged cell beside a group (blank under a merged subtotal row)."""
        if "level1" not in self.columns:
            return
        saved = self.row
        self.row = first_row
        name: Value = level1.level1
        if self.lay.level1 == "points" and not blank(level1.set_score):
            name = f"{level1.level1}({level1.set_score}分)"
        if self.lay.level1 == "subtotal_merged":
            name = None
        self.put(self.col("level1"), self.col("level1"), name, rows=rows)
        self.row = saved

    def indicator_rows(self) -> tuple[list[int], int]:
        """Write every level-1 group; returns the sheet rows of indicators and the subtotal count."""
        added = self.template_groups()
        index = 0
        written: list[int] = []
        subtotal_index = 0
        for i, level1 in enumerate(self.c.indicators):
            if not level1.groups:
                continue
            printed_groups = self.group_rows(level1, i, added)
            self.subtotal(level1, subtotal_index)
            subtotal_index += 1
            total_rows = sum(len(rows) for rows in printed_groups)
            first_row = self.row + 1
            for group, rows in zip(level1.groups, printed_groups, strict=True):
                for k, (row, is_indicator) in enumerate(rows):
                    self.next_row()
                    if k == 0:
                        self.put(self.col("level2"), self.col("level2"), group.level2, rows=len(rows))
                    level3 = ("★" if row.core else "") + row.level3
                    self.put(self.col("level3"), self.col("level3"), level3 or None)
                    at = index if is_indicator else None
                    for key, value in self.row_values(row, at).items():
                        align = LEFT if key in ("reason", "analysis") else CENTER
                        self.put(*self.span(key), None if at is None else value, align)
                    if is_indicator:
                        path = f"indicators[{index}]"
                        self.truth(f"{path}.level1", level1.level1)
                        self.truth(f"{path}.level2", group.level2)
                        self.truth(f"{path}.level3", clean(level3))
                        self.texts.append(level3)
                        index += 1
                    written.append(self.row)
            self.level1_cell(level1, first_row, total_rows)
        return written, subtotal_index

    def place_breaks(self, rows: list[int]) -> None:
        count = min(self.lay.page_breaks, max(0, (len(rows) - 2) // 4))
        if count == 0:
            return
        usable = rows[2:-2] or rows[:-1]
        chosen = sorted(self.rng.sample(usable, min(count, len(usable))))
        kept: list[int] = []
        for r in chosen:
            if not kept or r - kept[-1] >= 3:
                kept.append(r)
        for r in kept:
            self.ws.row_breaks.append(Break(id=r))
        self.breaks = kept

    def label_column(self, top: int, bottom: int) -> None:
        if "label" not in self.columns:
            return
        align = STACKED if self.lay.indicator_label == "stacked" else CENTER
        saved = self.row
        self.row = top
        self.put(1, 1, "绩效指标", align, rows=bottom - top + 1)
        self.row = saved

    def total_row(self, label: str) -> None:
        lay = self.lay
        self.next_row()
        first_value = self.col("set_score")
        if lay.family == "shanxi":
            first_value = self.col("reference_score")
            self.put(1, first_value - 1, label)
            self.put(first_value, self.col("set_score"), self.c.total_set)
            self.put(self.col("analysis"), self.col("score"), self.c.total_score)
        else:
            self.put(1, first_value - 1, label)
            self.put(first_value, first_value, self.c.total_set)
            self.put(self.col("score"), self.col("score"), self.c.total_score)
            if self.col("score") < self.n:
                self.put(self.col("score") + 1, self.n, None)
        self.truth("score.total_set", self.score(self.c.total_set)[1])
        self.truth("score.total", self.score(self.c.total_score)[1])

    def indicator_table(self, total_label: str) -> None:
        top, header_bottom = self.indicator_header()
        written, _ = self.indicator_rows()
        self.label_column(top, self.row)
        if self.lay.print_titles:
            self.ws.print_title_rows = f"{top}:{header_bottom}"
        if self.lay.scaling == "fit_width":
            self.place_breaks(written)
        self.total_row(total_label)

    # --- families ----------------------------------------------------------------------------------------
    def project(self) -> None:
        self.heading()
        self.unit_line()
        lay, h = self.lay, self.c.header
        self.header_fields(
            [
                ("project_name", lay.label("project_name"), h["project_name"]),
                ("department", lay.label("department"), h["department"]),
                ("implementing_unit", lay.label("implementing_unit"), h["implementing_unit"]),
            ]
        )
        self.funds_block(self.lay.funds_anchor or "项目资金")
        self.goals_block()
        self.indicator_table(lay.label("total_score_row"))

    def national_dept(self) -> None:
        self.heading()
        self.unit_line()
        h = self.c.header
        name = h.get("department") or h["unit_name"]
        key = "department" if "department" in h else "unit_name"
        self.header_fields([(key, "部门（单位）名称", name)])
        self.funds_block(self.lay.funds_anchor or "年度预算申请")
        funds = self.c.funds
        assert funds is not None
        if funds.by_income or funds.by_expenditure:
            income = list(INCOME_LABELS) if funds.by_income else []
            spend = list(EXPENDITURE_LABELS) if funds.by_expenditure else []
            spans = split_spans(self.n, [2, 4, 4])
            for i in range(max(len(income), len(spend))):
                self.next_row()
                for span, items, name_, values in (
                    (spans[1], income, "by_income", funds.by_income),
                    (spans[2], spend, "by_expenditure", funds.by_expenditure),
                ):
                    if i < len(items) and values is not None:
                        key_, text = items[i]
                        shown, truth = self.amount(values.get(key_))
                        if self.lay.income_cells == "own" and span[1] > span[0]:  # label | amount
                            self.put(span[0], span[0] + (span[1] - span[0]) // 2, text, LEFT)
                            self.put(span[0] + (span[1] - span[0]) // 2 + 1, span[1], shown)
                        else:
                            self.put(*span, f"{text}：{shown if shown is not None else ''}", LEFT)
                        self.truth(f"funds.{name_}.{key_}", truth)
                    else:
                        self.put(*span, None)
            # the funds label cell covers these rows too
            self._extend_funds_label(max(len(income), len(spend)))
        self.goals_block()
        self.indicator_table(self.lay.label("total_score_row"))

    def _extend_funds_label(self, extra: int) -> None:
        for merged in list(self.ws.merged_cells.ranges):
            cell = self.ws.cell(merged.min_row, merged.min_col)
            anchor = self.lay.funds_anchor or "年度预算申请"
            if isinstance(cell.value, str) and anchor in cell.value.replace(" ", ""):
                first_col, last_col, top = merged.min_col, merged.max_col, merged.min_row
                self.ws.unmerge_cells(str(merged))
                bottom = merged.max_row + extra
                for r in range(top, bottom + 1):
                    for c in range(first_col, last_col + 1):
                        self.ws.cell(r, c).border = BOX
                self.ws.merge_cells(start_row=top, start_column=first_col, end_row=bottom, end_column=last_col)
                return

    def shanxi(self) -> None:
        c, h = self.c, self.c.header
        self.heading()
        self.unit_line("填报单位（公章）：")
        self.header_fields([("unit_name", "单位名称", h["unit_name"])])
        spans = split_spans(self.n, [2, 3, 2, 3])
        self.next_row()
        self.put(*spans[0], self.label("单位负责人"))
        self.put(*spans[1], h.get("unit_head"))
        self.put(*spans[2], self.label("单位联系电话"))
        self.put(*spans[3], h.get("unit_phone"))
        self.truth("form.unit_head", clean(h.get("unit_head")))
        self.truth("form.unit_phone", clean(h.get("unit_phone")))
        budget = c.budget or {}
        unit = "（万元）" if self.lay.unit_placement != "unit_line" else ""
        labels = dict(BUDGET_LABELS)
        for left, right in (
            ("carryover", "initial_budget"),
            ("budget_adjustment", "other_adjustment"),
            ("execution", "year_end_balance"),
        ):
            self.next_row()
            for i, key in enumerate((left, right)):
                shown, truth = self.amount(budget.get(key), convert=False)
                self.put(*spans[2 * i], self.head(labels[key] + unit))
                self.put(*spans[2 * i + 1], shown)
                self.truth(f"budget.{key}", truth)
        text_span = (spans[1][0], self.n)
        for key, label in NARRATIVE_LABELS:
            text = (c.narratives or {}).get(key)
            if text is None:
                continue
            size = self.narrative_size(text, text_span)
            self.next_row()
            self.put(*spans[0], self.label(label))
            self.put(*text_span, text, LEFT, font=Font(name=self.lay.font, size=size))
            self.truth(f"narratives.{key}", clean(text))
            self.texts.append(text)
        self.indicator_table("综合得分")
        self.next_row()
        half = split_spans(self.n, [1, 1])
        self.put(half[0][0], half[0][1], "评价结果等次：")
        self.put(half[1][0], half[1][1], c.grade)
        self.truth("score.grade", clean(c.grade))
        if c.evaluators:
            spans5 = split_spans(self.n, [2, 2, 2, 2, 2])
            self.next_row()
            self.put(*spans5[0], "评价人员", rows=len(c.evaluators) + 1)
            for span, text in zip(spans5[1:], ("姓名", "职称/职务", "科室", "联系电话"), strict=True):
                self.put(*span, text)
            for i, person in enumerate(c.evaluators):
                self.next_row()
                values = (person.name, person.title, person.department, person.phone)
                for span, key, value in zip(spans5[1:], ("name", "title", "department", "phone"), values, strict=True):
                    self.put(*span, value)
                    self.truth(f"evaluators[{i}].{key}", clean(value))
        self.next_row(30.0)
        self.put(1, half[0][1], "单位负责人（签章）：", LEFT, border=NO_BORDER)
        self.put(half[1][0], self.n, "年 月 日", RIGHT, border=NO_BORDER)

    @property
    def slack(self) -> float:
        """Share of a cell's width the measured text may fill (other fonts than Noto measure less exactly)."""
        return 0.9 if self.lay.font.startswith("Noto") else 0.82

    def narrative_size(self, text: str, span: tuple[int, int]) -> float:
        width = (self.span_points(*span) - INNER_MARGIN) * self.slack
        for size in (9.0, 8.0, 7.0, 6.0, 5.5, 5.0):
            if (count_lines(text, width, size) + 0.5) * line_pitch(size) + 2 * PADDING <= 150:
                return size
        return 4.5

    # --- sizing ------------------------------------------------------------------------------------------
    def span_points(self, first: int, last: int) -> float:
        letters = "".join(get_column_letter(i) for i in range(first, last + 1))
        return column_points(letters, self.widths)

    def widen_for_numbers(self) -> None:
        """Widen columns so that no number or rate cell is too narrow (LibreOffice would print ###)."""
        spans = {(r.min_row, r.min_col): r.max_col for r in self.ws.merged_cells.ranges}
        for line in self.ws.iter_rows():
            for cell in line:
                if cell.value is None or not isinstance(cell.column, int) or not isinstance(cell.row, int):
                    continue
                shown = str(cell.value) if cell.number_format == "@" else self._shown(cell.value, cell.number_format)
                if not NUMBER_TEXT_RE.fullmatch(shown):
                    continue
                last = spans.get((cell.row, cell.column), cell.column)
                need = len(shown) * 1.2 + 2.0
                have = sum(self.widths[get_column_letter(i)] for i in range(cell.column, last + 1))
                if have < need:
                    letter = get_column_letter(last)
                    self.widths[letter] = round(self.widths[letter] + need - have, 2)
                    self.ws.column_dimensions[letter].width = self.widths[letter]

    @staticmethod
    def _shown(value: Any, number_format: str) -> str:
        if isinstance(value, int | float):
            places = len(number_format.split(".")[1]) if "." in number_format else 0
            return f"{value:,.{places}f}" if "," in number_format else f"{value:.{places}f}"
        return str(value)

    def fit_rows(self) -> None:
        """Raise row heights so every wrapped or stacked text shows whole (merged cells share their rows)."""
        ws = self.ws
        spans = {(r.min_row, r.min_col): (r.max_row, r.max_col) for r in ws.merged_cells.ranges}
        slack = self.slack
        needs: list[tuple[int, int, float]] = []
        for line in ws.iter_rows():
            for cell in line:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                assert isinstance(cell.row, int) and isinstance(cell.column, int)
                last_row, last_col = spans.get((cell.row, cell.column), (cell.row, cell.column))
                size = float(cell.font.sz or BODY)
                if cell.alignment.textRotation == 255:
                    lines = len("".join(cell.value.split()))
                    pitch = size * 1.25
                else:
                    width = (self.span_points(cell.column, last_col) - INNER_MARGIN) * slack
                    if not cell.alignment.wrap_text:
                        continue
                    lines = sum(count_lines(part, max(width, size), size) for part in cell.value.split("\n"))
                    lines += 0.5 if lines > 1 else 0  # LibreOffice breaks lines a little earlier than measured
                    pitch = line_pitch(size)
                needs.append((cell.row, last_row, lines * pitch + 2 * PADDING))

        def height(row: int) -> float:
            return float(ws.row_dimensions[row].height or ROW)

        for top, bottom, need in sorted(needs, key=lambda n: n[1] - n[0]):
            have = sum(height(r) for r in range(top, bottom + 1))
            if have < need:
                if bottom > top:  # spread over the rows of a tall merged cell
                    extra = (need - have) / (bottom - top + 1)
                    for r in range(top, bottom + 1):
                        ws.row_dimensions[r].height = round(height(r) + extra + 0.05, 1)
                else:
                    ws.row_dimensions[top].height = min(409.0, round(need + 0.05, 1))

    def page_setup(self) -> None:
        ws, lay = self.ws, self.lay
        ws.print_area = f"A1:{get_column_letter(self.n)}{self.row}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if lay.orientation == "landscape" else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if lay.scaling == "one_page" else 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.4
        ws.page_margins.header = ws.page_margins.footer = 0.0

    def build(self) -> Rendered:
        family = self.lay.family
        if family == "shanxi":
            self.shanxi()
        elif family == "national_dept":
            self.national_dept()
        else:
            self.project()
        self.widen_for_numbers()
        self.fit_rows()
        self.page_setup()
        return Rendered(self.wb, self.fields, len(self.breaks) + 1, self.texts)


def render(content: Content, layout: Layout) -> Rendered:
    """The workbook of ``content`` printed in ``layout``, and the truth of every printed field."""
    return Builder(content, layout).build()


def build_workbook(content: Content, layout: Layout) -> Workbook:
    return render(content, layout).workbook


# --- Printing -------------------------------------------------------------------------------------------
def print_batch(xlsx_files: Sequence[Path], outdir: Path, *, chunk: int = 40) -> list[Path]:
    """Print every workbook to ``outdir``/<stem>.pdf, many files to one LibreOffice run (throwaway profile)."""
    done: list[Path] = []
    for start in range(0, len(xlsx_files), chunk):
        done += print_many(list(xlsx_files[start : start + chunk]), outdir)
    return done


def page_count(pdf: Path) -> int:
    data = pdf.read_bytes()
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    if counts:
        return max(counts)
    return max(1, math.ceil(len(re.findall(rb"/Type\s*/Page\b", data))))
