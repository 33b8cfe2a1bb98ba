"""Builder for kind ``project-national``: the 项目支出绩效自评表 of 财预〔2020〕10号 (as used in Anhui).

Layout (10 columns A–J, A4 portrait, one page): title and year line; 项目名称, 主管部门 | 实施单位; a
``项目资金(万元)`` label merged over the five rows of the funds block (header row and four fund rows); the
``年度总体目标`` label merged over two rows (预期目标 | 实际完成情况 headers, then the two texts); a stacked
``绩效指标`` label down column A beside the indicator table (level-1 cells merged over their rows, level-2
over theirs, blank template rows included); the ``总分`` row (分值 under 分值, 得分 under 得分).
An optional ``page_break_after`` (the level3 of an indicator row) puts a manual page break after that row, so
the indicator table continues on page 2 (set ``pages: 2``); the stacked ``绩效指标`` crosses the break.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from samples.forms.common import BOX, CENTER, LEFT, NO_BORDER, STACKED, DataError, font, new_workbook, setup_page
from samples.forms.project_common import (
    FUND_FIELDS,
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
    title_font,
    write_indicators,
)

WIDTHS = {"A": 5.0, "B": 10.0, "C": 10.0, "D": 16.0, "E": 12.0, "F": 12.0, "G": 8.0, "H": 8.0, "I": 8.0, "J": 13.0}
LAST = "J"
FUND_COLUMNS = ("E", "F", "G", "H", "I", "J")
FUND_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_COLUMNS = {
    "level1": "B",
    "level2": "C",
    "level3": "D",
    "target": "E",
    "actual": "F",
    "set_score": "G",
    "score": "H",
    "reason": "I:J",
}
INDICATOR_HEADERS = {
    "B": "一级指标",
    "C": "二级指标",
    "D": "三级指标",
    "E": "年度指标值",
    "F": "实际完成值",
    "G": "分值",
    "H": "得分",
    "I:J": "偏差原因分析及改进措施",
}


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("项目支出绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    if data.get("attachment"):
        sheet.next_row(ROW)
        sheet.cell(f"A:{LAST}", data["attachment"], LEFT, border=NO_BORDER)
    sheet.next_row(30.0)
    sheet.cell(f"A:{LAST}", data["title"], border=NO_BORDER, font=title_font())
    sheet.next_row(20.0)
    sheet.cell(f"A:{LAST}", data["year_line"], border=NO_BORDER)

    sheet.next_row(ROW)
    sheet.cell("A:B", "项目名称")
    sheet.cell(f"C:{LAST}", data["project_name"], LEFT)
    sheet.next_row(ROW)
    sheet.cell("A:B", "主管部门")
    sheet.cell("C:E", data["department"], LEFT)
    sheet.cell("F:G", "实施单位")
    sheet.cell(f"H:{LAST}", data["implementing_unit"], LEFT)

    funds = data["funds"]
    sheet.next_row(ROW)
    sheet.cell("A:B", funds["label"], rows=1 + len(funds["rows"]))
    sheet.cell("C:D", None)
    for column, header in zip(FUND_COLUMNS, FUND_HEADERS, strict=True):
        sheet.cell(column, header)
    for label, *values in funds["rows"]:
        sheet.next_row(ROW)
        sheet.cell("C:D", label, LEFT)
        for column, value in zip(FUND_COLUMNS, values, strict=True):
            sheet.cell(column, value)

    goals = data["goals"]
    sheet.next_row(ROW)
    sheet.cell("A:B", "年度总体目标", rows=2)
    sheet.cell("C:F", "预期目标")
    sheet.cell(f"G:{LAST}", "实际完成情况")
    sheet.next_row(ROW)
    sheet.cell("C:F", goals["expected"], LEFT)
    sheet.cell(f"G:{LAST}", goals["achieved"], LEFT)

    sheet.next_row(ROW)
    top = sheet.row
    for span, header in INDICATOR_HEADERS.items():
        sheet.cell(span, header)
    break_after = data.get("page_break_after")
    write_indicators(sheet, data["indicators"], INDICATOR_COLUMNS, break_after=break_after)
    if break_after is not None and len(ws.row_breaks.brk) != 1:
        raise DataError(f"{stem}: page_break_after {break_after!r} names no indicator row")
    ws.cell(top, 1).value = "绩效指标"
    for (cell,) in ws[f"A{top}:A{sheet.row}"]:
        cell.border, cell.font, cell.alignment = BOX, font(), STACKED
    ws.merge_cells(f"A{top}:A{sheet.row}")

    total = data["total"]
    sheet.next_row(ROW)
    sheet.cell("A:F", total["label"])
    sheet.cell("G", total["set_score"], CENTER)
    sheet.cell("H", total["score"], CENTER)
    sheet.cell(f"I:{LAST}", None)
    fit_rows(ws, WIDTHS, sheet.fixed_rows)
    setup_page(ws, LAST, sheet.row)
    return wb


def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    rows = [row for _, _, row in iter_rows(data["indicators"]) if "template" not in row]
    texts = [data["title"], data["project_name"], data["department"], data["implementing_unit"]]
    texts += [data["goals"]["expected"], data["goals"]["achieved"], "绩效指标", "总分"]
    texts += [level3_of(row).visible + level3_of(row).hidden for row in rows]
    problems = check_pdf(pdf_path, pages=int(data.get("pages", 1)), texts=texts)
    funds = [(label, dict(zip(FUND_FIELDS, values, strict=True))) for label, *values in data["funds"]["rows"]]
    derived = {
        "form.title": data["title"],
        "form.project_name": data["project_name"],
        "form.department": data["department"],
        "form.implementing_unit": data["implementing_unit"],
        "funds.rows": derive_funds(funds),
        "goals": dict(data["goals"]),
        "score.total_set": plain_number(data["total"]["set_score"]),
        "score.total": plain_number(data["total"]["score"]),
        "indicators": derive_indicators(data["indicators"]),
        "indicator_subtotals": derive_subtotals(data["indicators"]),
    }
    return problems + check_expected(data, derived)
