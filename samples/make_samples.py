"""Render the sample forms in samples/ from the data files in samples/data/.

Each ``samples/data/<stem>.yaml`` describes one 部门整体支出绩效自评表 (department overall expenditure
performance self-evaluation form, Shanxi/Jinzhong layout). The form is made the way real ones are: written
as an .xlsx with openpyxl, then printed to PDF by LibreOffice headless. The PDF's date and ID are then made
reproducible, and the result is checked with pdfplumber (two pages, the table broken inside the indicator
rows, every visible fragment on one line, every hidden continuation in the text layer, every narrative fully
visible, the phone number running past its cell). The data format is described in samples/README.md.

Usage: python samples/make_samples.py [STEM ...] [--keep-xlsx] [--no-check]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

SAMPLES_DIR = Path(__file__).resolve().parent
DATA_DIR = SAMPLES_DIR / "data"

# --- Layout -------------------------------------------------------------------------------------------
# Widths are in spreadsheet character units. LibreOffice converts them with the digit width of the
# workbook's default font, which is set to FONT_NAME at BODY_SIZE (5.0 pt per unit), so the sizes do not
# depend on whether a Calibri substitute is installed. C (三级指标) fits seven CJK characters but not eight,
# F (计算分析情况) about nine; D, E and G are too narrow for an 11-digit phone number.
FONT_NAME = "Noto Serif CJK SC"  # a Song/Ming face, like the 宋体 of real forms; in fonts-noto-cjk
BODY_SIZE = 9.0
TITLE_SIZE = 16.0
COLUMN_WIDTHS = {"A": 5.6, "B": 14.0, "C": 13.7, "D": 8.4, "E": 8.4, "F": 17.5, "G": 9.1}
LAST_COLUMN = "G"
ONE_LINE_ROW = 15.0  # one 9 pt line; a second paragraph starts just below the bottom border
HEADER_ROW = 18.0
TITLE_ROW = 30.0
CAPTION_ROW = 20.0
SIGNATURE_ROW = 30.0
NARRATIVE_PADDING = 4.0  # pt above and below the text of a narrative cell
NARRATIVE_SLACK_LINES = 0  # spare lines per narrative cell (the checks catch a short estimate)

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
# One-line cells of narrow columns: the first paragraph is the printed fragment, the second is clipped.
CLIPPED = Alignment(horizontal="left", vertical="top", wrap_text=True)
# Numbers and phones: centred, not wrapped, not shrunk. Wider text (an 11-digit phone in G) is clipped at
# both borders on the page, as the left neighbour is filled and G is the last printed column, while the
# text layer keeps every digit, running past both borders.
NUMBER = Alignment(horizontal="center", vertical="center", wrap_text=False, shrink_to_fit=False)
STACKED = Alignment(horizontal="center", vertical="center", text_rotation=255)

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

NUMBER_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


# --- Data ----------------------------------------------------------------------------------------------
class DataError(Exception):
    """A data file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Printed:
    """A value exactly as printed; numeric values become number cells, others text cells."""

    text: str
    numeric: bool


@dataclass(frozen=True, slots=True)
class Clipped:
    """Text of a one-line cell in a narrow column: the visible line and the clipped rest."""

    visible: str
    hidden: str

    @property
    def content(self) -> str:
        return f"{self.visible}\n{self.hidden}" if self.hidden else self.visible


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


class _Reader:
    """Typed access to one mapping of a data file; errors name the file and the key path."""

    def __init__(self, data: Any, path: str, where: str = "") -> None:
        if not isinstance(data, dict):
            raise DataError(f"{path}: {where or 'top level'}: expected a mapping")
        self.data = data
        self.path = path
        self.where = where

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, message: str) -> DataError:
        return DataError(f"{self.path}: {self._key(key)}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "expected a (quoted) string")
        return value

    def printed(self, key: str) -> Printed:
        value = self.data.get(key)
        if isinstance(value, dict) and set(value) == {"text"} and isinstance(value["text"], str):
            return Printed(value["text"], numeric=False)
        if isinstance(value, str) and NUMBER_RE.fullmatch(value):
            return Printed(value, numeric=True)
        raise self.fail(key, 'expected a quoted number as printed ("3.00") or {text: "..."}')

    def clipped(self, key: str) -> Clipped:
        return Clipped(self.text(key), self.text(f"{key}_hidden", ""))

    def child(self, key: str) -> _Reader:
        return _Reader(self.data.get(key), self.path, self._key(key))

    def items(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a non-empty list")
        return [_Reader(item, self.path, f"{self._key(key)}[{i}]") for i, item in enumerate(value)]


def _read_row(item: _Reader) -> IndicatorRow:
    return IndicatorRow(
        level3=item.clipped("level3"),
        reference_score=item.printed("reference_score"),
        set_score=item.printed("set_score"),
        analysis=item.clipped("analysis"),
        score=item.printed("score"),
    )


def _read_group(item: _Reader) -> Level1:
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


def load_form(path: Path) -> Form:
    with path.open(encoding="utf-8") as handle:
        top = _Reader(yaml.safe_load(handle), str(path))
    budget = top.child("budget")
    narratives = top.child("narratives")
    sizes = top.data.get("narrative_font_sizes") or {}
    if not isinstance(sizes, dict) or not all(
        key in dict(NARRATIVE_FIELDS) and isinstance(size, int | float) for key, size in sizes.items()
    ):
        raise top.fail("narrative_font_sizes", "expected {narrative name: size in pt}")
    form = Form(
        stem=path.stem,
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


def cell_value(value: Printed) -> tuple[int | float | str, str]:
    """The cell value and number format that print ``value.text`` exactly."""
    if not value.numeric:
        return value.text, "@"
    match = NUMBER_RE.fullmatch(value.text)
    assert match is not None
    decimals = len(match.group(1) or "")
    grouped = "," in value.text
    number = Decimal(value.text.replace(",", ""))
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    shown = f"{number:,.{decimals}f}" if grouped else f"{number:.{decimals}f}"
    if shown != value.text:
        raise DataError(f"{value.text!r} cannot be printed exactly by a number format")
    return (float(number) if decimals else int(number)), fmt


# --- Text measurement (to size narrative rows) ----------------------------------------------------------
@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int]:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", FONT_NAME],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cannot locate font {FONT_NAME!r} with fc-match: {exc}") from exc
    file, _, index = found.rpartition(":")
    if "NotoSerifCJK" not in file:
        raise SystemExit(f"font {FONT_NAME!r} is not installed (fc-match gave {file}): install fonts-noto-cjk")
    return file, int(index or 0)


@lru_cache(maxsize=1)
def _metrics_font() -> Any:
    from PIL import ImageFont  # Pillow comes with pdfplumber

    file, index = _font_file()
    return ImageFont.truetype(file, size=1000, index=index)


def line_pitch(size: float) -> float:
    ascent, descent = _metrics_font().getmetrics()
    return float(ascent + descent) / 1000 * size


# Characters that may not start a line; LibreOffice keeps them with the character before.
NO_BREAK_BEFORE = set("，。、；：？！）》」』】”’%．,.;:?!)")
WORD_RE = re.compile(r"[0-9A-Za-z.,%]+|\s|.", re.DOTALL)


def count_lines(text: str, width: float, size: float) -> int:
    """Lines that ``text`` needs in a wrapped cell ``width`` pt wide (greedy, whole numbers kept together)."""
    font = _metrics_font()
    tokens: list[str] = []
    for token in WORD_RE.findall(text):
        if tokens and token[0] in NO_BREAK_BEFORE:
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, used = 1, 0.0
    for token in tokens:
        advance = float(font.getlength(token)) / 1000 * size
        if used + advance > width and used > 0:
            lines, used = lines + 1, (0.0 if token.isspace() else advance)
        else:
            used += advance
    return lines


def column_points(columns: str) -> float:
    """Width in pt of the columns (e.g. "CDEFG") as LibreOffice draws them."""
    return sum(COLUMN_WIDTHS[c] for c in columns) * _digit_width()


def _digit_width() -> float:
    return float(_metrics_font().getlength("0")) / 1000 * BODY_SIZE


# --- Workbook -------------------------------------------------------------------------------------------
def _font(size: float = BODY_SIZE, *, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


class FormSheet:
    """Writes cells and merged ranges with the form's styles, one row at a time."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0

    def next_row(self, height: float) -> int:
        self.row += 1
        self.ws.row_dimensions[self.row].height = height
        return self.row

    def put(
        self,
        span: str,
        value: str | Printed | None,
        align: Alignment = CENTER,
        *,
        rows: int = 1,
        border: Border = BOX,
        font: Font | None = None,
    ) -> Cell:
        """Write ``value`` into columns ``span`` ("C" or "C:G") of the current row, merged over ``rows``."""
        first, _, last = span.partition(":")
        last = last or first
        top, bottom = self.row, self.row + rows - 1
        for line in self.ws[f"{first}{top}:{last}{bottom}"]:
            for cell in line:
                cell.border = border
                cell.font = font or _font()
                cell.alignment = align
        if (first, top) != (last, bottom):
            self.ws.merge_cells(f"{first}{top}:{last}{bottom}")
        cell = self.ws[f"{first}{top}"]
        if isinstance(value, Printed):
            cell.value, cell.number_format = cell_value(value)
        elif value is not None:
            cell.value, cell.number_format = value, "@"
        return cell


def new_workbook() -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    # openpyxl has no public API for the default (Normal) font; LibreOffice sizes columns with it.
    wb._fonts = IndexedList([_font()])
    ws = wb.active
    assert ws is not None
    ws.title = "部门整体支出绩效自评表"
    for column, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[column].width = width
    return wb, ws


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
    width = column_points("CDEFG") - 4.0  # less the cell's inner margins
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


def setup_page(ws: Worksheet, last_row: int) -> None:
    ws.print_area = f"A1:{LAST_COLUMN}{last_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.4
    ws.page_margins.header = ws.page_margins.footer = 0.0


def build_workbook(form: Form) -> Workbook:
    wb, ws = new_workbook()
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
    setup_page(ws, last)
    return wb


# --- PDF ------------------------------------------------------------------------------------------------
def print_to_pdf(xlsx: Path, outdir: Path) -> Path:
    """Print ``xlsx`` to ``outdir``/<stem>.pdf with LibreOffice, in a throwaway user profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(xlsx),
        ]
        env = {**os.environ, "TZ": "UTC"}
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    pdf = outdir / f"{xlsx.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise SystemExit(f"LibreOffice failed on {xlsx.name}: {done.stdout}{done.stderr}")
    return pdf


def make_reproducible(data: bytes, seed: str) -> bytes:
    """Replace LibreOffice's creation date, /ID and checksum by fixed values of the same length."""

    def fixed_date(match: re.Match[bytes]) -> bytes:
        return match.group(1) + b"20000101000000" + match.group(2)

    data = re.sub(rb"(/(?:CreationDate|ModDate)\(D:)\d{14}([^)]*\))", fixed_date, data)
    digest = hashlib.md5(seed.encode() + re.sub(rb"<[0-9A-F]{32}>|/[0-9A-F]{32}", b"", data)).hexdigest()
    token = digest.upper().encode()
    data = re.sub(rb"(/ID \[ ?)<[0-9A-F]{32}>(\s*)<[0-9A-F]{32}>", rb"\1<" + token + rb">\2<" + token + b">", data)
    return re.sub(rb"(/DocChecksum /)[0-9A-F]{32}", rb"\g<1>" + token, data)


def render(form: Form, workdir: Path, *, keep_xlsx: bool) -> Path:
    xlsx = workdir / f"{form.stem}.xlsx"
    build_workbook(form).save(xlsx)
    pdf = print_to_pdf(xlsx, workdir)
    target = SAMPLES_DIR / f"{form.stem}.pdf"
    target.write_bytes(make_reproducible(pdf.read_bytes(), form.stem))
    if keep_xlsx:
        shutil.copy(xlsx, SAMPLES_DIR / xlsx.name)
    return target


# --- Checks ---------------------------------------------------------------------------------------------
def _find_all(chars: Sequence[dict[str, Any]], text: str) -> Iterator[list[dict[str, Any]]]:
    """Each run of chars that spells ``text`` (whitespace ignored), in content-stream order."""
    stream, owner = "", []
    for char in chars:
        glyphs = "".join(char["text"].split())
        stream += glyphs
        owner += [char] * len(glyphs)
    needle = "".join(text.split())
    at = stream.find(needle)
    while at >= 0:
        found: list[dict[str, Any]] = []
        for char in owner[at : at + len(needle)]:
            if not found or found[-1] is not char:
                found.append(char)
        yield found
        at = stream.find(needle, at + 1)


def _find(chars: Sequence[dict[str, Any]], text: str) -> list[dict[str, Any]] | None:
    return next(_find_all(chars, text), None)


def _clip_problems(page: Any, found: list[dict[str, Any]], item: Clipped, what: str) -> list[str]:
    visible = len("".join(item.visible.split()))
    shown = [c for i, c in enumerate(found) if sum(len(d["text"].strip()) for d in found[:i]) < visible]
    rest = found[len(shown) :]
    problems = []
    if len({round(c["top"], 1) for c in shown}) != 1:
        problems.append(f"{what} {item.visible!r} wraps")
    border = _cell_bottom(page, shown[0]["x0"] + 1, shown[0]["top"])
    if rest and not all(c["top"] >= border for c in rest):
        problems.append(f"{what} {item.visible!r}: hidden text is not below the cell's bottom border")
    if rest and len({round(c["top"], 1) for c in rest}) != 1:
        problems.append(f"{what} {item.visible!r}: hidden text {item.hidden!r} is not one line")
    return problems


def _check_clipped(pages: Sequence[Any], item: Clipped, what: str) -> list[str]:
    """The visible text is one line; the hidden rest follows one line below, past the cell's border."""
    problems = [f"{what} {item.visible + item.hidden!r} not in the text layer"]
    for page in pages:
        for found in _find_all(page.chars, item.visible + item.hidden):
            problems = _clip_problems(page, found, item, what)
            if not problems:
                return []
    return problems


def _cell_bottom(page: Any, x: float, top: float) -> float:
    """The first horizontal ruling below ``top`` that crosses ``x``."""
    below = [e["top"] for e in page.edges if e["orientation"] == "h" and e["x0"] <= x <= e["x1"] and e["top"] > top + 1]
    return min(below, default=float(page.height))


def _check_narratives(page: Any, form: Form) -> list[str]:
    problems = []
    for key, _label in NARRATIVE_FIELDS:
        text = form.narratives[key]
        found = _find(page.chars, text)
        if found is None:
            problems.append(f"narratives.{key} not in the page 1 text layer")
            continue
        bottom = _cell_bottom(page, found[0]["x0"] + 1, found[0]["top"])
        if max(c["bottom"] for c in found) > bottom:
            problems.append(f"narratives.{key} runs past its cell; lower its font size")
    return problems


def _check_phone(page: Any, phone: str) -> list[str]:
    found = _find(page.chars, phone)
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
            if _find(wanted.chars, row.level3.visible) is None:
                problems.append(f"{row.level3.visible!r} is not on page {1 if index <= cut else 2}")
        for number, page in enumerate(pages, 1):
            if not page.find_tables():
                problems.append(f"page {number}: no ruled table found")
    return problems


# --- Main -----------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stems", nargs="*", help="data file stems (default: all in samples/data)")
    parser.add_argument("--keep-xlsx", action="store_true", help="also keep the .xlsx next to the PDF")
    parser.add_argument("--no-check", action="store_true", help="skip the pdfplumber checks")
    args = parser.parse_args(argv)
    stems = args.stems or sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
    failed = False
    with tempfile.TemporaryDirectory(prefix="make-samples-") as tmp:
        for stem in stems:
            path = DATA_DIR / f"{stem}.yaml"
            if not path.exists():
                print(f"{stem}: no data file {path}", file=sys.stderr)
                return 2
            try:
                form = load_form(path)
                pdf = render(form, Path(tmp), keep_xlsx=args.keep_xlsx)
            except DataError as exc:
                print(exc, file=sys.stderr)
                return 2
            problems = [] if args.no_check else check_pdf(pdf, form)
            for problem in problems:
                print(f"{pdf.name}: {problem}", file=sys.stderr)
            failed |= bool(problems)
            print(f"{pdf.relative_to(SAMPLES_DIR.parent)}: {pdf.stat().st_size} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
