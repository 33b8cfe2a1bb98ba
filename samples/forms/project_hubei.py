"""Builder for kind ``project-hubei``: the Hubei (Xiangyang) 财政项目绩效自评表.

Layout (7 columns A–G, A4 portrait, one page): title (with the year); ``单位名称：…`` (left) and
``填报日期：…`` (right) above the table; 项目名称, 主管部门 | 项目实施单位; three checkbox lines 项目类别,
项目属性, 项目类型 (☑ ticked, □ not); ``预算执行情况(万元)(20分)`` merged over two rows beside the header
``预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率)`` and the row ``年度财政资金总额``; a stacked
``年度绩效目标(80分)`` label down column A beside the indicator table (一级 | 二级 | 三级 | 年初目标值(A) |
实际完成值(B) | 得分; no 分值 column, as in the source); the ``总分(100分)`` row. A 三级指标 may be clipped
(``level3_hidden``): its row is one line high and the rest of the text sits below the cell's border.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

from samples.forms.common import BOX, LEFT, NO_BORDER, STACKED, font, new_workbook, setup_page
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
    title_font,
    write_indicators,
)

WIDTHS = {"A": 5.0, "B": 10.0, "C": 11.0, "D": 24.0, "E": 14.0, "F": 14.0, "G": 12.0}
LAST = "G"
FUND_COLUMNS = ("D", "E", "F", "G")
INDICATOR_COLUMNS = {
    "level1": "B",
    "level2": "C",
    "level3": "D",
    "target": "E",
    "actual": "F",
    "score": "G",
}
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分")
RIGHT_LINE = Alignment(horizontal="right", vertical="center")
TICKED, UNTICKED = "☑", "□"


def options_line(options: list[str], ticked: str) -> str:
    """``1、部门预算项目☑  2、财政专项□ …`` with the box after ``ticked`` ticked."""
    if ticked not in options:
        raise ValueError(f"{ticked!r} is not one of {options}")
    return "  ".join(f"{n}、{option}{TICKED if option == ticked else UNTICKED}" for n, option in enumerate(options, 1))


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("财政项目绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    sheet.next_row(34.0)
    sheet.cell(f"A:{LAST}", data["title"], border=NO_BORDER, font=title_font())
    sheet.next_row(22.0)
    sheet.cell("A:D", data["unit_line"], LEFT, border=NO_BORDER)
    sheet.cell(f"E:{LAST}", data["date_line"], RIGHT_LINE, border=NO_BORDER)

    sheet.next_row(ROW)
    sheet.cell("A:B", "项目名称")
    sheet.cell(f"C:{LAST}", data["project_name"], LEFT)
    sheet.next_row(ROW)
    sheet.cell("A:B", "主管部门")
    sheet.cell("C:D", data["department"], LEFT)
    sheet.cell("E", "项目实施单位")
    sheet.cell(f"F:{LAST}", data["implementing_unit"], LEFT)
    for item in data["choices"]:
        sheet.next_row(ROW)
        sheet.cell("A:B", item["label"])
        sheet.cell(f"C:{LAST}", options_line(item["options"], item["ticked"]), LEFT)

    funds = data["funds"]
    sheet.next_row(ROW)
    sheet.cell("A:B", funds["label"], rows=2)
    sheet.cell("C", None)
    for column, header in zip(FUND_COLUMNS, funds["headers"], strict=True):
        sheet.cell(column, header)
    sheet.next_row(ROW)
    sheet.cell("C", funds["row_label"])
    for column, value in zip(FUND_COLUMNS, funds["values"], strict=True):
        sheet.cell(column, value)

    sheet.next_row(ROW)
    top = sheet.row
    for column, header in zip("BCDEFG", INDICATOR_HEADERS, strict=True):
        sheet.cell(column, header)
    write_indicators(sheet, data["indicators"], INDICATOR_COLUMNS)
    ws.cell(top, 1).value = data["indicator_label"]
    for (cell,) in ws[f"A{top}:A{sheet.row}"]:
        cell.border, cell.font, cell.alignment = BOX, font(), STACKED
    ws.merge_cells(f"A{top}:A{sheet.row}")
    total = data["total"]
    sheet.next_row(ROW)
    sheet.cell("A:F", total["label"])
    sheet.cell("G", total["score"])
    fit_rows(ws, WIDTHS, sheet.fixed_rows)
    setup_page(ws, LAST, sheet.row)
    return wb


def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    rows = [row for _, _, row in iter_rows(data["indicators"]) if "template" not in row]
    texts = [data["title"], data["unit_line"], data["date_line"], data["project_name"], data["department"]]
    texts += [options_line(item["options"], item["ticked"]) for item in data["choices"]]
    texts += [level3_of(row).visible for row in rows if not row.get("level3_hidden")]
    clipped = [level3_of(row) for row in rows if row.get("level3_hidden")]
    problems = check_pdf(pdf_path, pages=int(data.get("pages", 1)), texts=texts, clipped=clipped)
    budget, executed, rate, score = data["funds"]["values"]
    values = {"full_year_budget": budget, "executed": executed, "execution_rate": rate, "score": score}
    derived = {
        "form.title": data["title"],
        "form.project_name": data["project_name"],
        "form.department": data["department"],
        "form.implementing_unit": data["implementing_unit"],
        "form.project_category": data["choices"][0]["ticked"],
        "form.project_attribute": data["choices"][1]["ticked"],
        "form.project_type": data["choices"][2]["ticked"],
        "funds.rows.total.full_year_budget": derive_funds([("总额", values)])["total"]["full_year_budget"],
        "funds.rows.total.executed": derive_funds([("总额", values)])["total"]["executed"],
        "funds.rows.total.execution_rate": derive_funds([("总额", values)])["total"]["execution_rate"],
        "funds.rows.total.score": derive_funds([("总额", values)])["total"]["score"],
        "score.total": plain_number(data["total"]["score"]),
        "indicators": derive_indicators(data["indicators"], reasons=False),
        "indicator_subtotals": derive_subtotals(data["indicators"]),
    }
    return problems + check_expected(data, derived)
