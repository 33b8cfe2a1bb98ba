"""Kind ``dept-national``: the national 部门整体支出绩效自评表 as a province prints it (Anhui, 2022).

One ruled table of nine columns A–I on A4 portrait:

- ``部门（单位）名称`` (A:C) and the name (D:I).
- ``年度预算申请(万元)`` (A:B, merged over the block) beside the header
  ``年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分`` (D–I) and the row ``年度资金总额`` (C) of six values.
  Then rows whose amounts are printed inside label cells, as real forms do: ``按收入性质分：2,436.58``,
  ``一般公共预算：1,826.42`` … in C:E and ``按支出性质分：2,436.58``, ``基本支出：1,064.27`` … in F:I.
- ``年度总体目标`` (A:B, over two rows): ``预期目标`` (C:E) and ``实际完成情况`` (F:I), then their texts.
- The indicator table of the national project form: a vertical ``绩效指标`` in A over the header and every
  indicator row (across the page break), ``一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
  偏差原因分析及改进措施`` in B–I, level-1 names (``产出指标(50分)``) merged down B, level-2 names down C, and
  template rows (``{template: 指标2}``) left blank.
- ``总分`` (A:F), the total set score (G) and the total score (H).

The data format is described in the comments of its data file.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from samples.forms.common import LEFT, NO_BORDER, STACKED, DataError, new_workbook, setup_page
from samples.forms.dept_common import (
    check_expected,
    check_layout,
    check_shown,
    funds_facts,
    label_amount,
    need,
    plain,
    put,
    status,
    text_facts,
)
from samples.forms.project_common import (
    ROW,
    Sheet,
    derive_indicators,
    derive_subtotals,
    fit_rows,
    iter_rows,
    number,
    text_of,
    title_font,
    write_indicators,
)

WIDTHS = {"A": 4.5, "B": 11.0, "C": 12.0, "D": 15.0, "E": 11.0, "F": 11.0, "G": 6.0, "H": 7.5, "I": 22.0}
LAST_COLUMN = "I"
FUND_COLUMNS = (
    ("D", "年初预算数", "initial_budget"),
    ("E", "全年预算数", "full_year_budget"),
    ("F", "全年执行数", "executed"),
    ("G", "分值", "set_score"),
    ("H", "执行率", "execution_rate"),
    ("I", "得分", "score"),
)
INDICATOR_COLUMNS = {
    "level1": "B", "level2": "C", "level3": "D", "target": "E", "actual": "F", "set_score": "G", "score": "H",
    "reason": "I",
}  # fmt: skip
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
INCOME_KEYS = {
    "按收入性质分": "total",
    "一般公共预算": "general_public_budget",
    "政府性基金拨款": "government_fund",
    "纳入专户管理的非税收入拨款": "special_account_nontax",
    "其他资金": "other",
}
EXPENDITURE_KEYS = {"按支出性质分": "total", "基本支出": "basic", "项目支出": "project"}


# --- Writing --------------------------------------------------------------------------------------------
def _write_heading(sheet: Sheet, data: dict[str, Any]) -> None:
    sheet.next_row(32.0)
    put(sheet, "A:I", need(data, "title", str), border=NO_BORDER, font=title_font())
    sheet.next_row(20.0)
    put(sheet, "A:I", need(data, "year_line", str), border=NO_BORDER)
    sheet.next_row(22.0)
    put(sheet, "A:C", "部门（单位）名称")
    put(sheet, "D:I", need(data, "department", str), LEFT)


def _write_funds(sheet: Sheet, data: dict[str, Any]) -> None:
    funds = need(data, "funds", dict)
    total = need(funds, "total", dict, "funds.")
    income = need(funds, "by_income", list, "funds.")
    expenditure = need(funds, "by_expenditure", list, "funds.")
    if len(income) != len(expenditure):
        raise DataError("funds.by_income and funds.by_expenditure must have as many rows")
    sheet.next_row(ROW)
    put(sheet, "A:B", "年度预算申请\n(万元)", rows=2 + len(income))
    put(sheet, "C", None)
    for column, header, _key in FUND_COLUMNS:
        put(sheet, column, header)
    sheet.next_row(ROW)
    put(sheet, "C", "年度资金总额")
    for column, _header, key in FUND_COLUMNS:
        put(sheet, column, total.get(key))
    for left, right in zip(income, expenditure, strict=True):
        sheet.next_row(ROW)
        put(sheet, "C:E", left, LEFT)
        put(sheet, "F:I", right, LEFT)


def _write_goals(sheet: Sheet, data: dict[str, Any]) -> None:
    goals = need(data, "goals", dict)
    sheet.next_row(ROW)
    put(sheet, "A:B", "年度总体目标", rows=2)
    put(sheet, "C:E", "预期目标")
    put(sheet, "F:I", "实际完成情况")
    sheet.next_row(ROW)
    put(sheet, "C:E", need(goals, "expected", str, "goals."), LEFT)
    put(sheet, "F:I", need(goals, "achieved", str, "goals."), LEFT)


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("部门整体支出绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    _write_heading(sheet, data)
    _write_funds(sheet, data)
    _write_goals(sheet, data)
    sheet.next_row(ROW)
    header = sheet.row
    for column, text in zip("BCDEFGHI", INDICATOR_HEADERS, strict=True):
        put(sheet, column, text)
    break_after = data.get("page_break_after")
    write_indicators(sheet, need(data, "indicators", list), INDICATOR_COLUMNS, break_after=break_after)
    if break_after is not None and len(ws.row_breaks.brk) != 1:
        raise DataError(f"{stem}: page_break_after {break_after!r} names no indicator row")
    last = sheet.row
    sheet.row = header
    put(sheet, "A", "绩效指标", STACKED, rows=last - header + 1)
    sheet.row = last
    sheet.next_row(22.0)
    put(sheet, "A:F", "总分")
    put(sheet, "G", need(data, "total_set", str))
    put(sheet, "H", need(data, "total_score", str))
    put(sheet, "I", None)
    fit_rows(ws, WIDTHS)
    setup_page(ws, LAST_COLUMN, sheet.row)
    return wb


# --- Expected record ------------------------------------------------------------------------------------
def _split(cells: list[Any], keys: dict[str, str], where: str) -> dict[str, int | float | None]:
    found: dict[str, int | float | None] = dict.fromkeys(keys.values())
    for text in cells:
        if text is None:
            continue
        label, amount = label_amount(text_of(text))
        if label not in keys:
            raise DataError(f"{where}: unknown label {label!r}")
        found[keys[label]] = plain(amount)
    return found


def derive(data: dict[str, Any]) -> dict[str, Any]:
    """The record (the parts ``expected:`` holds) as the printed data implies it."""
    department = data["department"]
    place = re.match(r"(?:\d+-)?(.+?[省市县区旗])", department)
    year = re.search(r"\d{4}", data["year_line"])
    funds = data["funds"]
    return {
        "form": {
            "template_kind": "department",
            "title": data["title"],
            "fiscal_year": int(year.group()) if year else None,
            "region": place.group(1) if place else None,
            "department": department,
        },
        "funds": {
            "unit": "万元",
            "rows": {"total": {key: plain(number(funds["total"].get(key))) for _c, _h, key in FUND_COLUMNS}},
            "by_income": _split(funds["by_income"], INCOME_KEYS, "funds.by_income"),
            "by_expenditure": _split(funds["by_expenditure"], EXPENDITURE_KEYS, "funds.by_expenditure"),
        },
        "goals": dict(data["goals"]),
        "indicators": derive_indicators(data["indicators"]),
        "indicator_subtotals": derive_subtotals(data["indicators"]),
        "score": {
            "total_set": plain(number(data["total_set"])),
            "total": plain(number(data["total_score"])),
            "grade": None,
        },
    }


def facts(data: dict[str, Any], record: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The arithmetic facts of the printed form that do not follow from the expected record alone."""
    found = {(k, ""): v for k, v in funds_facts(data["funds"]["total"]).items()}
    funds = record["funds"]
    for name in ("by_income", "by_expenditure"):
        block = funds[name]
        parts = [Decimal(str(v)) for k, v in block.items() if k != "total" and v is not None]
        found[(f"{name}_sum", "")] = status(block["total"] is not None and Decimal(str(block["total"])) == sum(parts))
    totals = {funds["by_income"]["total"], funds["by_expenditure"]["total"], funds["rows"]["total"]["full_year_budget"]}
    found[("income_expenditure_totals_agree", "")] = status(len(totals) == 1)
    executed = number(data["funds"]["total"].get("executed"))
    for key in ("expected", "achieved"):
        found.update(text_facts(record["goals"][key], f"goals.{key}", executed))
    return found


# --- Checks ---------------------------------------------------------------------------------------------
def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    """What is wrong with the rendered PDF or the data file's expectations; empty when all is as intended."""
    import pdfplumber

    rows = [(row.get("level3") or row.get("template"), row) for _l1, _l2, row in iter_rows(data["indicators"])]
    names = [name for name, _row in rows]
    cut = names.index(data["page_break_after"]) if data.get("page_break_after") in names else len(names)
    pages = int(data.get("pages", 2))
    on_page = {text: 1 for text in (data["title"], data["year_line"], data["department"], "年度资金总额")}
    on_page.update({name: 1 if i <= cut else 2 for i, name in enumerate(names)})
    on_page["总分"] = pages
    with pdfplumber.open(pdf_path) as pdf:
        if len(pdf.pages) != pages:
            return [f"{len(pdf.pages)} pages, expected {pages}"]
        problems = check_layout(pdf.pages, on_page)
        funds = data["funds"]
        for text in (*funds["by_income"], *funds["by_expenditure"]):
            if text is not None:
                problems += check_shown(pdf.pages, text_of(text) or "", "label cell", one_line=True)
        for key, text in data["goals"].items():
            problems += check_shown(pdf.pages, text, f"goals.{key}")
        for name, row in rows:
            for key in ("target", "actual", "reason"):
                if row.get(key) is not None:
                    problems += check_shown(pdf.pages, text_of(row[key]) or "", f"{name} {key}")
    record = derive(data)
    return problems + check_expected(data, record, facts(data, record))
