"""Builder for kind ``project-ningxia``: the 银川市本级部门项目支出绩效自评表 (Ningxia/Yinchuan project form).

Layout (8 columns A–H, A4 portrait, two pages): title (with the year); 项目名称, 主管部门 | 实施单位,
自评得分 | 财政审核评分; ``项目资金(万元)`` and ``年度资金总额`` labels each merged over two rows, beside the
header row ``年初预算数 | 调整预算数(A) | 全年执行数(B) | 执行率(B/A)`` and the value row; ``年度总体目标``
merged over two rows (年初设定目标 | 年度总体目标完成情况, then the texts); the indicator table (一级 | 二级 |
三级 | 参考分值 | 指标值(A) | 全年实际值(B) | 得分 | 未完成原因分析及改进措施) with scored level-1 blocks and
blank ``指标N：`` template rows; the 合计 row. A manual page break follows ``page_break_after``; the indicator
header row is a print title, so it is printed again at the top of page 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from samples.forms.common import LEFT, NO_BORDER, new_workbook, setup_page
from samples.forms.project_common import (
    ROW,
    Sheet,
    check_expected,
    check_pdf,
    derive_funds,
    derive_indicators,
    derive_subtotals,
    fit_rows,
    iter_rows,
    level3_of,
    plain_number,
    text_of,
    title_font,
    write_indicators,
)

WIDTHS = {"A": 9.0, "B": 10.0, "C": 18.0, "D": 6.0, "E": 14.0, "F": 14.0, "G": 6.0, "H": 14.0}
LAST = "H"
FUND_SPANS = ("C", "D:E", "F", "G:H")
INDICATOR_COLUMNS = {
    "level1": "A",
    "level2": "B",
    "level3": "C",
    "set_score": "D",
    "target": "E",
    "actual": "F",
    "score": "G",
    "reason": "H",
}
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "参考分值",
    "指标值(A)",
    "全年实际值(B)",
    "得分",
    "未完成原因分析及改进措施",
)


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("项目支出绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    sheet.next_row(34.0)
    sheet.cell(f"A:{LAST}", data["title"], border=NO_BORDER, font=title_font())
    for row in data["header"]:
        sheet.next_row(ROW)
        if len(row) == 2:
            sheet.cell("A", row[0])
            sheet.cell(f"B:{LAST}", row[1], LEFT)
        else:
            sheet.cell("A", row[0])
            sheet.cell("B:D", row[1], LEFT)
            sheet.cell("E", row[2])
            sheet.cell(f"F:{LAST}", row[3], LEFT)

    funds = data["funds"]
    sheet.next_row(ROW)
    sheet.cell("A", funds["label"], rows=2)
    sheet.cell("B", funds["row_label"], rows=2)
    for span, header in zip(FUND_SPANS, funds["headers"], strict=True):
        sheet.cell(span, header)
    sheet.next_row(ROW)
    for span, value in zip(FUND_SPANS, funds["values"], strict=True):
        sheet.cell(span, value)

    goals = data["goals"]
    sheet.next_row(ROW)
    sheet.cell("A", goals["label"], rows=2)
    sheet.cell("B:D", goals["expected_label"])
    sheet.cell(f"E:{LAST}", goals["achieved_label"])
    sheet.next_row(ROW)
    sheet.cell("B:D", goals["expected"], LEFT)
    sheet.cell(f"E:{LAST}", goals["achieved"], LEFT)

    sheet.next_row(ROW)
    header_row = sheet.row
    for column, header in zip("ABCDEFGH", INDICATOR_HEADERS, strict=True):
        sheet.cell(column, header)
    write_indicators(sheet, data["indicators"], INDICATOR_COLUMNS, break_after=data.get("page_break_after"))
    total = data["total"]
    sheet.next_row(ROW)
    sheet.cell("A:C", total["label"])
    sheet.cell("D", total["set_score"])
    sheet.cell("E:F", None)
    sheet.cell("G", total["score"])
    sheet.cell(LAST, None)
    fit_rows(ws, WIDTHS, sheet.fixed_rows)
    setup_page(ws, LAST, sheet.row)
    ws.print_title_rows = f"{header_row}:{header_row}"
    return wb


def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    rows = [row for _, _, row in iter_rows(data["indicators"]) if "template" not in row]
    texts = [data["title"], data["goals"]["expected"], data["goals"]["achieved"]]
    texts += [str(text_of(v)) for row in data["header"] for v in row if v is not None]
    texts += [level3_of(row).visible + level3_of(row).hidden for row in rows]
    problems = check_pdf(pdf_path, pages=int(data.get("pages", 2)), texts=texts)
    initial, adjusted, executed, rate = data["funds"]["values"]
    values = {"initial_budget": initial, "full_year_budget": adjusted, "executed": executed, "execution_rate": rate}
    header = {row[0]: row[1] for row in data["header"]} | {row[2]: row[3] for row in data["header"] if len(row) == 4}
    derived = {
        "form.title": data["title"],
        "form.project_name": header["项目名称"],
        "form.department": header["主管部门"],
        "form.implementing_unit": header["实施单位"],
        "funds.rows": derive_funds([(data["funds"]["row_label"], values)]),
        "goals": {"expected": data["goals"]["expected"], "achieved": data["goals"]["achieved"]},
        "score.total": plain_number(data["total"]["score"]),
        "score.total_set": plain_number(data["total"]["set_score"]),
        "indicators": derive_indicators(data["indicators"]),
        "indicator_subtotals": derive_subtotals(data["indicators"]),
    }
    if plain_number(header["自评得分"]) != plain_number(data["total"]["score"]):
        problems.append("自评得分 differs from the 合计 得分")
    return problems + check_expected(data, derived)
