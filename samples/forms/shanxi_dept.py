"""Builder for kind ``shanxi-dept``: the Shanxi/Jinzhong 部门整体支出绩效自评表 (department overall expenditure
performance self-evaluation form).

Checks (pdfplumber): two pages, the table broken inside the indicator rows, every visible fragment on one
line, every hidden continuation in the text layer, every narrative fully visible, the phone number running
past its cell. The data format is described in samples/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break, RowBreak

from samples.forms.common import (
    BODY_SIZE,
    BOX,
    CENTER,
    CLIPPED,
    LEFT,
    NO_BORDER,
    NUMBER,
    RIGHT,
    STACKED,
    TITLE_SIZE,
    Clipped,
    DataError,
    FormSheet,
    Printed,
    Reader,
    _font,
    cell_bottom,
    column_points,
    count_lines,
    find_all,
    find_chars,
    line_pitch,
    new_workbook,
    setup_page,
)

# --- Layout -------------------------------------------------------------------------------------------
# Widths are in spreadsheet character units. LibreOffice converts them with the digit width of the
# workbook's default font, which is set to FONT_NAME at BODY_SIZE (5.0 pt per unit), so the sizes do not
# depend on whether a Calibri substitute is installed. C (三级指标) fits seven CJK characters but not eight,
# F (计算分析情况) about nine; D, E and G are too narrow for an 11-digit phone number.
COLUMN_WIDTHS = {"A": 5.6, "B": 14.0, "C": 13.7, "D": 8.4, "E": 8.4, "F": 17.5, "G": 9.1}
LAST_COLUMN = "G"
ONE_LINE_ROW = 15.0  # one 9 pt line; a second paragraph starts just below the bottom border
HEADER_ROW = 18.0
TITLE_ROW = 30.0
CAPTION_ROW = 20.0
SIGNATURE_ROW = 30.0
NARRATIVE_PADDING = 4.0  # pt above and below the text of a narrative cell
NARRATIVE_SLACK_LINES = 0  # spare lines per narrative cell (the checks catch a short estimate)

BUDGET_FIELDS = (
    ("carryover", "上年结转金额 (万元)"),
    ("initial_budget", "年初预算金额(万元)"),
    ("budget_adjustment", "预算调整金额 (万元)"),
    ("other_adjustment", "其他调整资金(万元)"),
    ("execution", "预算执行金额 (万元)"),
    ("year_end_balance", "年末结余金额(万元)"),
)
NARRATIVE_FIELDS = (
    ("functions_overview", "单位职能概况"),
    ("staffing", "单位人员情况"),
    ("budget_execution", "预算执行情况"),
    ("performance_analysis", "部门整体支出绩效评价分析"),
    ("other", "其他"),
)


# --- Data ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IndicatorRow:
    level3: Clipped
    reference_score: Printed
    set_score: Printed
    analysis: Clipped
    score: Printed


@dataclass(frozen=True, slots=True)
class Level2:
    name: str
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True, slots=True)
class Level1:
    name: str
    reference_score: Printed
    set_score: Printed
    score: Printed
    level2: tuple[Level2, ...]


@dataclass(frozen=True, slots=True)
class Evaluator:
    name: str
    title: str
    department: str
    phone: str


@dataclass(frozen=True, slots=True)
class Form:
    stem: str
    title: str
    year_line: str
    filler_line: str
    unit_name: str
    unit_head: str
    unit_phone: str
    budget: dict[str, Printed]
    narratives: dict[str, str]
    narrative_font_sizes: dict[str, float]
    indicators: tuple[Level1, ...]
    total_set: Printed
    total_score: Printed
    grade: str
    evaluators: tuple[Evaluator, ...]
    page_break_after: str

    def rows(self) -> Iterable[IndicatorRow]:
        for group in self.indicators:
            for level2 in group.level2:
                yield from level2.rows


def _read_row(item: Reader) -> IndicatorRow:
    return IndicatorRow(
        level3=item.clipped("level3"),
        reference_score=item.printed("reference_score"),
        set_score=item.printed("set_score"),
        analysis=item.clipped("analysis"),
        score=item.printed("score"),
    )


def _read_group(item: Reader) -> Level1:
    level2 = tuple(
        Level2(name=sub.text("name"), rows=tuple(_read_row(r) for r in sub.items("rows")))
        for sub in item.items("level2")
    )
    return Level1(
        name=item.text("name"),
        reference_score=item.printed("reference_score"),
        set_score=item.printed("set_score"),
        score=item.printed("score"),
        level2=level2,
    )


def load_form(data: dict[str, Any], stem: str) -> Form:
    top = Reader(data, f"samples/data/{stem}.yaml")
    budget = top.child("budget")
    narratives = top.child("narratives")
    sizes = top.data.get("narrative_font_sizes") or {}
    if not isinstance(sizes, dict) or not all(
        key in dict(NARRATIVE_FIELDS) and isinstance(size, int | float) for key, size in sizes.items()
    ):
        raise top.fail("narrative_font_sizes", "expected {narrative name: size in pt}")
    form = Form(
        stem=stem,
        title=top.text("title"),
        year_line=top.text("year_line"),
        filler_line=top.text("filler_line", "填报单位（公章）："),
        unit_name=top.text("unit_name"),
        unit_head=top.text("unit_head"),
        unit_phone=top.text("unit_phone"),
        budget={key: budget.printed(key) for key, _ in BUDGET_FIELDS},
        narratives={key: narratives.text(key) for key, _ in NARRATIVE_FIELDS},
        narrative_font_sizes={key: float(size) for key, size in sizes.items()},
        indicators=tuple(_read_group(item) for item in top.items("indicators")),
        total_set=top.printed("total_set"),
        total_score=top.printed("total_score"),
        grade=top.text("grade"),
        evaluators=tuple(
            Evaluator(e.text("name"), e.text("title"), e.text("department"), e.text("phone"))
            for e in top.items("evaluators")
        ),
        page_break_after=top.text("page_break_after"),
    )
    if [r.level3.visible for r in form.rows()].count(form.page_break_after) != 1:
        raise top.fail("page_break_after", "must name the visible 三级指标 of exactly one row")
    return form


# --- Workbook -------------------------------------------------------------------------------------------
def write_heading(sheet: FormSheet, form: Form) -> None:
    sheet.next_row(TITLE_ROW)
    sheet.put("A:G", form.title, CENTER, border=NO_BORDER, font=_font(TITLE_SIZE, bold=True))
    sheet.next_row(CAPTION_ROW)
    sheet.put("A:G", form.year_line, CENTER, border=NO_BORDER)
    sheet.next_row(CAPTION_ROW)
    sheet.put("A:G", form.filler_line, LEFT, border=NO_BORDER)


def write_unit_block(sheet: FormSheet, form: Form) -> None:
    sheet.next_row(HEADER_ROW)
    sheet.put("A:B", "单位名称")
    sheet.put("C:G", form.unit_name, LEFT)
    sheet.next_row(HEADER_ROW)
    sheet.put("A:B", "单位负责人")
    sheet.put("C", form.unit_head)
    sheet.put("D:F", "单位联系电话")
    sheet.put("G", Printed(form.unit_phone, numeric=False), NUMBER)
    fields = dict(BUDGET_FIELDS)
    pairs = (("carryover", "initial_budget"), ("budget_adjustment", "other_adjustment"))
    for left, right in (*pairs, ("execution", "year_end_balance")):
        sheet.next_row(HEADER_ROW)
        sheet.put("A:B", fields[left])
        sheet.put("C", form.budget[left], NUMBER)
        sheet.put("D:F", fields[right])
        sheet.put("G", form.budget[right], NUMBER)


def write_narratives(sheet: FormSheet, form: Form) -> None:
    width = column_points("CDEFG", COLUMN_WIDTHS) - 4.0  # less the cell's inner margins
    for key, label in NARRATIVE_FIELDS:
        text = form.narratives[key]
        size = form.narrative_font_sizes.get(key, BODY_SIZE)
        lines = count_lines(text, width, size) + NARRATIVE_SLACK_LINES
        height = max(HEADER_ROW, round(lines * line_pitch(size) + 2 * NARRATIVE_PADDING, 1))
        if height > 409:
            raise DataError(f"{form.stem}: narratives.{key} needs {height} pt (> 409): use a smaller font")
        sheet.next_row(height)
        sheet.put("A:B", label)
        sheet.put("C:G", text, LEFT, font=_font(size))


def write_indicator_header(sheet: FormSheet) -> int:
    sheet.next_row(ONE_LINE_ROW)
    first = sheet.row
    sheet.put("B", "二级指标", rows=2)
    sheet.put("C", "三级指标", rows=2)
    sheet.put("D:E", "指标分值")
    sheet.put("F", "计算分析情况", rows=2)
    sheet.put("G", "评价得分", rows=2)
    sheet.next_row(ONE_LINE_ROW)
    sheet.put("D", "参考分值")
    sheet.put("E", "设定分值")
    return first


def write_indicators(sheet: FormSheet, form: Form) -> None:
    for group in form.indicators:
        sheet.next_row(ONE_LINE_ROW)
        sheet.put("B", group.name)
        sheet.put("C", None, CLIPPED)
        sheet.put("D", group.reference_score, NUMBER)
        sheet.put("E", group.set_score, NUMBER)
        sheet.put("F", "——", CENTER)
        sheet.put("G", group.score, NUMBER)
        for level2 in group.level2:
            for index, row in enumerate(level2.rows):
                sheet.next_row(ONE_LINE_ROW)
                if index == 0:
                    sheet.put("B", level2.name, rows=len(level2.rows))
                sheet.put("C", row.level3.content, CLIPPED)
                sheet.put("D", row.reference_score, NUMBER)
                sheet.put("E", row.set_score, NUMBER)
                sheet.put("F", row.analysis.content, CLIPPED)
                sheet.put("G", row.score, NUMBER)
                if row.level3.visible == form.page_break_after:
                    sheet.ws.row_breaks.append(Break(id=sheet.row))


def write_totals(sheet: FormSheet, form: Form) -> None:
    sheet.next_row(HEADER_ROW)
    sheet.put("B:C", "综合得分")
    sheet.put("D:E", form.total_set, NUMBER)
    sheet.put("F:G", form.total_score, NUMBER)
    sheet.next_row(HEADER_ROW)
    sheet.put("B:D", "评价结果等次：")
    sheet.put("E:G", form.grade)
    sheet.next_row(ONE_LINE_ROW)
    sheet.put("B", "评价人员", rows=len(form.evaluators) + 1)
    sheet.put("C", "姓名")
    sheet.put("D:E", "职称/职务")
    sheet.put("F", "科室")
    sheet.put("G", "联系电话")
    for person in form.evaluators:
        sheet.next_row(ONE_LINE_ROW)
        sheet.put("C", person.name)
        sheet.put("D:E", person.title)
        sheet.put("F", person.department)
        sheet.put("G", Printed(person.phone, numeric=False), NUMBER)
    sheet.next_row(SIGNATURE_ROW)
    sheet.put("B:E", "单位负责人（签章）：", LEFT)
    sheet.put("F:G", "年 月 日", RIGHT)


def build_workbook(form: Form) -> Workbook:
    wb, ws = new_workbook("部门整体支出绩效自评表", COLUMN_WIDTHS)
    sheet = FormSheet(ws)
    write_heading(sheet, form)
    write_unit_block(sheet, form)
    write_narratives(sheet, form)
    top = write_indicator_header(sheet)
    write_indicators(sheet, form)
    write_totals(sheet, form)
    last = sheet.row
    # 绩效情况: one vertical (stacked) label down the whole lower table, across the page break.
    ws.cell(top, 1).value = "绩效情况"
    for (cell,) in ws[f"A{top}:A{last}"]:
        cell.border, cell.font, cell.alignment = BOX, _font(), STACKED
    ws.merge_cells(f"A{top}:A{last}")
    if not isinstance(ws.row_breaks, RowBreak) or len(ws.row_breaks.brk) != 1:
        raise DataError(f"{form.stem}: page_break_after did not place one page break")
    setup_page(ws, LAST_COLUMN, last)
    return wb


def build(data: dict[str, Any], stem: str) -> Workbook:
    """The workbook of the form described by ``data`` (samples/data/<stem>.yaml)."""
    return build_workbook(load_form(data, stem))


# --- Checks ---------------------------------------------------------------------------------------------
def _clip_problems(page: Any, found: list[dict[str, Any]], item: Clipped, what: str) -> list[str]:
    visible = len("".join(item.visible.split()))
    shown = [c for i, c in enumerate(found) if sum(len(d["text"].strip()) for d in found[:i]) < visible]
    rest = found[len(shown) :]
    problems = []
    if len({round(c["top"], 1) for c in shown}) != 1:
        problems.append(f"{what} {item.visible!r} wraps")
    border = cell_bottom(page, shown[0]["x0"] + 1, shown[0]["top"])
    if rest and not all(c["top"] >= border for c in rest):
        problems.append(f"{what} {item.visible!r}: hidden text is not below the cell's bottom border")
    if rest and len({round(c["top"], 1) for c in rest}) != 1:
        problems.append(f"{what} {item.visible!r}: hidden text {item.hidden!r} is not one line")
    return problems


def _check_clipped(pages: Sequence[Any], item: Clipped, what: str) -> list[str]:
    """The visible text is one line; the hidden rest follows one line below, past the cell's border."""
    problems = [f"{what} {item.visible + item.hidden!r} not in the text layer"]
    for page in pages:
        for found in find_all(page.chars, item.visible + item.hidden):
            problems = _clip_problems(page, found, item, what)
            if not problems:
                return []
    return problems


def _check_narratives(page: Any, form: Form) -> list[str]:
    problems = []
    for key, _label in NARRATIVE_FIELDS:
        text = form.narratives[key]
        found = find_chars(page.chars, text)
        if found is None:
            problems.append(f"narratives.{key} not in the page 1 text layer")
            continue
        bottom = cell_bottom(page, found[0]["x0"] + 1, found[0]["top"])
        if max(c["bottom"] for c in found) > bottom:
            problems.append(f"narratives.{key} runs past its cell; lower its font size")
    return problems


def _check_phone(page: Any, phone: str) -> list[str]:
    found = find_chars(page.chars, phone)
    if found is None:
        return [f"unit phone {phone!r} not in the text layer"]
    middle = (found[0]["top"] + found[0]["bottom"]) / 2
    centre = (found[0]["x0"] + found[-1]["x1"]) / 2
    walls = [e["x0"] for e in page.edges if e["orientation"] == "v" and e["top"] < middle < e["bottom"]]
    left = max((x for x in walls if x < centre), default=None)
    right = min((x for x in walls if x > centre), default=None)
    if left is None or right is None or not (found[0]["x0"] < left and found[-1]["x1"] > right):
        return [f"unit phone {phone!r} does not run past both borders of its cell"]
    return []


def check_pdf(pdf_path: Path, form: Form) -> list[str]:
    """What is wrong with the rendered sample; empty when it is as intended."""
    import pdfplumber  # only needed for the checks

    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        if len(pages) != 2:
            return [f"{len(pages)} pages, expected 2"]
        problems = _check_narratives(pages[0], form) + _check_phone(pages[0], form.unit_phone)
        for row in form.rows():
            problems += _check_clipped(pages, row.level3, "level3")
            problems += _check_clipped(pages, row.analysis, "analysis")
        rows = list(form.rows())
        cut = [r.level3.visible for r in rows].index(form.page_break_after)
        for index, row in enumerate(rows):
            wanted = pages[0] if index <= cut else pages[1]
            if find_chars(wanted.chars, row.level3.visible) is None:
                problems.append(f"{row.level3.visible!r} is not on page {1 if index <= cut else 2}")
        for number, page in enumerate(pages, 1):
            if not page.find_tables():
                problems.append(f"page {number}: no ruled table found")
    return problems


def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    """What is wrong with the rendered sample; empty when it is as intended."""
    return check_pdf(pdf_path, load_form(data, pdf_path.stem))
