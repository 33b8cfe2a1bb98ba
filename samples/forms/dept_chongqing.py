"""Kind ``dept-chongqing``: Chongqing's 部门整体绩效自评表 (department-overall self-evaluation form).

One ruled table of eleven columns A–K on A4 portrait, across two pages:

- ``主管部门 | <department> | 财政处室 | <office> | 自评总分(分) | <score>`` and
  ``部门联系人 | <name> | 联系电话 | <phone>``.
- ``部门预算执行情况(万元)`` (A:B) and ``预算资金`` (C:D), each merged over two rows, beside the header
  ``年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率(%) | 执行率权重 | 执行率得分(分)`` (E–K) and one row of values.
- ``当年绩效目标`` (A:B, over two rows): ``年初绩效目标 | 全年(调整)绩效目标 | 全年目标实际完成情况``, then the texts.
- The indicator table: a vertical ``绩效指标`` in A over the header and every row (across the page break), then
  ``指标名称 | 计量单位 | 指标性质 | 年初指标值 | 调整指标值 | 全年完成值 | 得分系数(%) | 指标权重(分) | 指标得分(分) |
  是否核心指标`` in B–K. Equal 指标性质 of consecutive rows are one merged cell, which may cross the page break.

No year line and no total row: the total is the header's 自评总分, the total set score (100) is the
执行率权重 plus the 指标权重. The data format is described in the comments of its data file.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break

from samples.forms.common import CENTER, LEFT, NO_BORDER, STACKED, DataError, new_workbook, setup_page
from samples.forms.dept_common import check_expected, check_layout, check_shown, funds_facts, need, plain, put
from samples.forms.project_common import ROW, Sheet, fit_rows, number, text_of, title_font

WIDTHS = {
    "A": 4.5, "B": 18.0, "C": 6.5, "D": 7.5, "E": 9.0, "F": 9.0, "G": 9.0, "H": 8.0, "I": 8.0, "J": 8.0, "K": 8.0,
}  # fmt: skip
LAST_COLUMN = "K"
FUND_COLUMNS = (
    ("E", "年初预算数", "initial_budget"),
    ("F", "全年(调整)预算数", "full_year_budget"),
    ("G", "全年执行数", "executed"),
    ("H", "执行率(%)", "execution_rate"),
    ("I", "执行率权重", "set_score"),
    ("J:K", "执行率得分(分)", "score"),
)
GOAL_COLUMNS = (
    ("C:E", "年初绩效目标", "expected"),
    ("F:H", "全年(调整)绩效目标", "adjusted"),
    ("I:K", "全年目标实际完成情况", "achieved"),
)
# (header, record key, column); the row lists of the data file follow this order
INDICATOR_COLUMNS = (
    ("指标名称", "level3", "B"),
    ("计量单位", "unit", "C"),
    ("指标性质", "nature", "D"),
    ("年初指标值", "target", "E"),
    ("调整指标值", "target_adjusted", "F"),
    ("全年完成值", "actual", "G"),
    ("得分系数(%)", "score_ratio", "H"),
    ("指标权重(分)", "set_score", "I"),
    ("指标得分(分)", "score", "J"),
    ("是否核心指标", "is_core", "K"),
)
NATURE = 2  # index of 指标性质 in a row
NUMERIC = {"score_ratio", "set_score", "score"}


# --- Writing --------------------------------------------------------------------------------------------
def _write_header(sheet: Sheet, data: dict[str, Any]) -> None:
    sheet.next_row(34.0)
    put(sheet, "A:K", need(data, "title", str), border=NO_BORDER, font=title_font())
    sheet.next_row(ROW)
    put(sheet, "A:B", "主管部门")
    put(sheet, "C:E", need(data, "department", str))
    put(sheet, "F", "财政处室")
    put(sheet, "G:H", need(data, "finance_office", str))
    put(sheet, "I:J", "自评总分(分)")
    put(sheet, "K", need(data, "self_score", str))
    sheet.next_row(ROW)
    put(sheet, "A:B", "部门联系人")
    put(sheet, "C:E", need(data, "contact", str))
    put(sheet, "F", "联系电话")
    put(sheet, "G:K", {"text": need(data, "contact_phone", str)})


def _write_funds(sheet: Sheet, data: dict[str, Any]) -> None:
    funds = need(data, "funds", dict)
    sheet.next_row(ROW)
    put(sheet, "A:B", "部门预算执行情况(万元)", rows=2)
    put(sheet, "C:D", "预算资金", rows=2)
    for span, header, _key in FUND_COLUMNS:
        put(sheet, span, header)
    sheet.next_row(22.0)
    for span, _header, key in FUND_COLUMNS:
        put(sheet, span, need(funds, key, str, "funds."))


def _write_goals(sheet: Sheet, data: dict[str, Any]) -> None:
    goals = need(data, "goals", dict)
    sheet.next_row(ROW)
    put(sheet, "A:B", "当年绩效目标", rows=2)
    for span, header, _key in GOAL_COLUMNS:
        put(sheet, span, header)
    sheet.next_row(ROW)
    for span, _header, key in GOAL_COLUMNS:
        text = need(goals, key, str, "goals.")
        put(sheet, span, text, LEFT if len(text) > 10 else CENTER)


def _rows(data: dict[str, Any]) -> list[list[str | None]]:
    rows: list[list[str | None]] = need(data, "indicators", list)
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(INDICATOR_COLUMNS):
            raise DataError(f"indicators[{index}]: expected a list of {len(INDICATOR_COLUMNS)} values")
        if not all(value is None or isinstance(value, str) for value in row) or not row[0] or not row[NATURE]:
            raise DataError(f"indicators[{index}]: quoted strings or null; 指标名称 and 指标性质 are required")
    return rows


def _write_indicators(sheet: Sheet, data: dict[str, Any]) -> None:
    sheet.next_row(ROW)
    header = sheet.row
    for text, _key, column in INDICATOR_COLUMNS:
        put(sheet, column, text)
    rows = _rows(data)
    for row in rows:
        sheet.next_row(ROW)
        for index, (value, (_text, _key, column)) in enumerate(zip(row, INDICATOR_COLUMNS, strict=True)):
            if index != NATURE:
                put(sheet, column, value, LEFT if index == 0 else CENTER)
        if row[0] == data.get("page_break_after"):
            sheet.ws.row_breaks.append(Break(id=sheet.row))
    last = sheet.row
    sheet.row = header + 1
    for nature, run in groupby(rows, key=lambda r: r[NATURE]):
        count = len(list(run))
        put(sheet, "D", nature, rows=count)
        sheet.row += count
    sheet.row = header
    put(sheet, "A", "绩效指标", STACKED, rows=last - header + 1)
    sheet.row = last


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("部门整体绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    _write_header(sheet, data)
    _write_funds(sheet, data)
    _write_goals(sheet, data)
    _write_indicators(sheet, data)
    if data.get("page_break_after") is not None and len(ws.row_breaks.brk) != 1:
        raise DataError(f"{stem}: page_break_after {data['page_break_after']!r} names no indicator row")
    fit_rows(ws, WIDTHS)
    setup_page(ws, LAST_COLUMN, sheet.row)
    return wb


# --- Expected record ------------------------------------------------------------------------------------
def _indicator(row: list[str | None]) -> dict[str, Any]:
    item: dict[str, Any] = {"level1": None, "level2": None}
    for value, (_text, key, _column) in zip(row, INDICATOR_COLUMNS, strict=True):
        text = text_of(value)
        if key in NUMERIC:
            item[key] = plain(number(value))
        elif key == "is_core":
            item[key] = {"是": True, "否": False}.get(text or "")
        else:
            item[key] = text
    return item


def derive(data: dict[str, Any]) -> dict[str, Any]:
    """The record (the parts ``expected:`` holds) as the printed data implies it."""
    indicators = [_indicator(row) for row in _rows(data)]
    funds = data["funds"]
    weights = number(funds["set_score"]) or Decimal(0)
    weights += sum((Decimal(str(i["set_score"] or 0)) for i in indicators), Decimal(0))
    return {
        "form": {
            "template_kind": "department",
            "title": data["title"],
            "fiscal_year": None,  # the form prints no year
            "region": "重庆市" if "重庆" in data["department"] else None,
            "department": data["department"],
            "finance_office": data["finance_office"],
            "contact": data["contact"],
            "contact_phone": data["contact_phone"],
        },
        "funds": {
            "unit": "万元",
            "rows": {"total": {key: plain(number(funds[key])) for _s, _h, key in FUND_COLUMNS}},
        },
        "goals": dict(data["goals"]),
        "indicators": indicators,
        "indicator_subtotals": [],
        "score": {"total_set": plain(weights), "total": plain(number(data["self_score"])), "grade": None},
    }


# --- Checks ---------------------------------------------------------------------------------------------
def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    """What is wrong with the rendered PDF or the data file's expectations; empty when all is as intended."""
    import pdfplumber

    rows = _rows(data)
    names = [str(row[0]) for row in rows]
    cut = names.index(data["page_break_after"]) if data.get("page_break_after") in names else len(names)
    pages = int(data.get("pages", 2))
    first = ("title", "department", "finance_office", "self_score", "contact", "contact_phone")
    on_page = {str(data[key]): 1 for key in first}
    on_page.update({header: 1 for _s, header, _k in (*FUND_COLUMNS, *GOAL_COLUMNS)})
    on_page.update({name: 1 if i <= cut else 2 for i, name in enumerate(names)})
    with pdfplumber.open(pdf_path) as pdf:
        if len(pdf.pages) != pages:
            return [f"{len(pdf.pages)} pages, expected {pages}"]
        problems = check_layout(pdf.pages, on_page)
        for key, text in data["goals"].items():
            problems += check_shown(pdf.pages, text, f"goals.{key}")
        for name in names:
            problems += check_shown(pdf.pages, name, "指标名称", one_line=True)
    funds = {(k, ""): v for k, v in funds_facts(data["funds"]).items()}
    return problems + check_expected(data, derive(data), funds)
