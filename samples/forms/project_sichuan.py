"""Builder for kind ``project-sichuan``: the Sichuan 部门预算项目支出绩效自评表.

Layout (11 columns A–K, A4 portrait): title, year line, then ``报表编号：…`` (left) and ``金额单位：万元``
(right) above the table; 项目名称, 主管部门 | 实施单位, 项目负责人 | 联系电话; the 项目基本情况 block (label
merged down A over three label/text rows); the ``预算执行情况(10分)`` block (label merged down A over the
header and five fund rows; ``原因`` header with one text cell merged over the five fund rows at the right); the
``绩效指标(90分)`` block (label merged down A; 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 |
得分 | 未完成原因分析); the 合计 row; 评价结论, 存在问题, 改进措施; the signature line below the table.
Column A is narrow, so the block labels wrap to two or three characters a line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

from samples.forms.common import LEFT, NO_BORDER, new_workbook, setup_page
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
    text_of,
    title_font,
    write_indicators,
)

WIDTHS = {
    "A": 6.0,
    "B": 8.0,
    "C": 9.0,
    "D": 15.0,
    "E": 8.0,
    "F": 9.0,
    "G": 8.0,
    "H": 8.0,
    "I": 6.0,
    "J": 6.0,
    "K": 16.0,
}
LAST = "K"
FUND_COLUMNS = ("D", "E", "F", "G", "H", "I")
FUND_HEADERS = ("年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分")
INDICATOR_COLUMNS = {
    "level1": "B",
    "level2": "C",
    "level3": "D",
    "nature": "E",
    "target": "F",
    "unit": "G",
    "actual": "H",
    "set_score": "I",
    "score": "J",
    "reason": "K",
}
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
)
BASICS = (("goal", "项目年度目标"), ("completion", "年度目标完成情况"), ("overview", "项目实施内容及过程概述"))
CONCLUSION = (("evaluation", "评价结论"), ("problems", "存在问题"), ("improvements", "改进措施"))
RIGHT_LINE = Alignment(horizontal="right", vertical="center")
TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)


def build(data: dict[str, Any], stem: str) -> Workbook:
    wb, ws = new_workbook("部门预算项目支出绩效自评表", WIDTHS)
    sheet = Sheet(ws)
    sheet.next_row(30.0)
    sheet.cell(f"A:{LAST}", data["title"], border=NO_BORDER, font=title_font())
    sheet.next_row(20.0)
    sheet.cell(f"A:{LAST}", data["year_line"], border=NO_BORDER)
    sheet.next_row(20.0)
    sheet.cell("A:F", data["report_no_line"], LEFT, border=NO_BORDER)
    sheet.cell(f"G:{LAST}", data["unit_line"], RIGHT_LINE, border=NO_BORDER)

    for pair in data["header"]:
        sheet.next_row(ROW)
        if len(pair) == 2:
            sheet.cell("A:C", pair[0])
            sheet.cell(f"D:{LAST}", pair[1], LEFT)
        else:
            sheet.cell("A:C", pair[0])
            sheet.cell("D:F", pair[1], LEFT)
            sheet.cell("G:H", pair[2])
            sheet.cell(f"I:{LAST}", pair[3], LEFT)

    basics = data["basics"]
    for index, (key, label) in enumerate(BASICS):
        sheet.next_row(ROW)
        if index == 0:
            sheet.cell("A", basics["label"], rows=len(BASICS))
        sheet.cell("B:C", label)
        sheet.cell(f"D:{LAST}", basics[key], LEFT)

    funds = data["funds"]
    sheet.next_row(ROW)
    sheet.cell("A", funds["label"], rows=1 + len(funds["rows"]))
    sheet.cell("B:C", None)
    for column, header in zip(FUND_COLUMNS, FUND_HEADERS, strict=True):
        sheet.cell(column, header)
    sheet.cell(f"J:{LAST}", "原因")
    for index, (label, *values) in enumerate(funds["rows"]):
        sheet.next_row(ROW)
        sheet.cell("B:C", label, LEFT)
        for column, value in zip(FUND_COLUMNS, values, strict=True):
            sheet.cell(column, value)
        if index == 0:
            sheet.cell(f"J:{LAST}", funds["reason"], LEFT, rows=len(funds["rows"]))

    sheet.next_row(ROW)
    top = sheet.row
    for column, header in zip("BCDEFGHIJK", INDICATOR_HEADERS, strict=True):
        sheet.cell(column, header)
    write_indicators(sheet, data["indicators"], INDICATOR_COLUMNS, break_after=data.get("break_after"))
    sheet.row, bottom = top, sheet.row
    # top-aligned, as the block crosses the page break: page 1 shows it, page 2 starts below it
    sheet.cell("A", data["indicator_label"], TOP_CENTER, rows=bottom - top + 1)
    sheet.row = bottom

    total = data["total"]
    sheet.next_row(ROW)
    sheet.cell("A:H", total["label"])
    sheet.cell("I", total["set_score"])
    sheet.cell("J", total["score"])
    sheet.cell(LAST, None)
    for key, label in CONCLUSION:
        sheet.next_row(ROW)
        sheet.cell("A:C", label)
        sheet.cell(f"D:{LAST}", data["conclusion"][key], LEFT)
    sheet.next_row(28.0)
    sheet.cell("A:F", data["signatures"][0], LEFT, border=NO_BORDER)
    sheet.cell(f"G:{LAST}", data["signatures"][1], LEFT, border=NO_BORDER)
    fit_rows(ws, WIDTHS, sheet.fixed_rows)
    setup_page(ws, LAST, sheet.row)
    return wb


def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    rows = [row for _, _, row in iter_rows(data["indicators"]) if "template" not in row]
    texts = [data["title"], data["report_no_line"], data["funds"]["reason"], *data["signatures"]]
    texts += [str(text_of(v)) for pair in data["header"] for v in pair]
    texts += [data["basics"][key] for key, _ in BASICS] + [data["conclusion"][key] for key, _ in CONCLUSION]
    texts += [level3_of(row).visible + level3_of(row).hidden for row in rows]
    problems = check_pdf(pdf_path, pages=int(data.get("pages", 1)), texts=texts)
    funds = [(label, dict(zip(FUND_FIELDS, values, strict=True))) for label, *values in data["funds"]["rows"]]
    for _, values in funds:  # columns: 年初预算, 调整后预算数, 预算执行数, 预算执行率, 权重, 得分
        values["execution_rate"], values["set_score"] = values["set_score"], values["execution_rate"]
    basics, conclusion = data["basics"], data["conclusion"]
    header = {row[0]: row[1] for row in data["header"]} | {row[2]: row[3] for row in data["header"] if len(row) == 4}
    derived = {
        "form.title": data["title"],
        "form.report_no": data["report_no_line"].split("：", 1)[1],
        "form.project_name": header["项目名称"],
        "form.department": header["主管部门"],
        "form.implementing_unit": header["实施单位"],
        "signatures": {
            "project_leader": data["signatures"][0].split("：", 1)[1],
            "finance_leader": data["signatures"][1].split("：", 1)[1],
        },
        "score.total_set": plain_number(data["total"]["set_score"]),
        "score.total": plain_number(data["total"]["score"]),
        "funds.rows": derive_funds(funds),
        "funds.reason": data["funds"]["reason"],
        "goals": {
            "expected": basics["goal"],
            "achieved": basics["completion"],
            "implementation_overview": basics["overview"],
        },
        "conclusion": dict(conclusion),
        "indicators": derive_indicators(data["indicators"], extra=("nature", "unit")),
        "indicator_subtotals": derive_subtotals(data["indicators"]),
    }
    return problems + check_expected(data, derived)
