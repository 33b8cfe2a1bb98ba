"""Non-form parts of a composite document (kind ``document``): cover, table of contents, narrative, budget table.

Each part kind has a writer that adds one sheet to a workbook shared by a run of consecutive non-form parts
(printed in one go, so the fonts are embedded once and the page numbers in the footers run on), and a checker
that looks at the part's pages of the final PDF. The data keys of each kind are described in samples/README.md
("Composite documents"); every value is a string exactly as printed.

- ``cover``: lines of text centred on a page without a footer.
- ``contents``: a title and entries ``text …………… page`` (dotted leaders); the checker confirms that each
  entry's text (or its ``find``) is on the page it names.
- ``narrative``: part titles, headings, paragraphs (first line indented two characters), small ruled tables,
  and page breaks. A row cannot be split across pages, so a paragraph that does not fit moves to the next page.
- ``budget-table``: a ruled final-accounts table: number (``公开01表``), title, department and unit line,
  header rows built from ``/``-separated column paths (merged where they share a prefix, a short path merged
  down), body rows, manual page breaks (``breaks_after`` names each row by a cell only it holds, such as
  ``2130101`` or ``事业运行``), header rows repeated on every page (print titles) or not, notes, and
  optionally scaled to fit one page. Its ``sums`` rules (column sums, the 功能分类科目编码 tree, labelled row
  sums) are checked on the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from samples.forms.common import (
    CENTER,
    FONT_NAME,
    NO_BORDER,
    DataError,
    FormSheet,
    Printed,
    _metrics_font,
    column_points,
    count_lines,
    find_chars,
    line_pitch,
)
from samples.forms.project_common import fit_rows, printed

SANS = "Noto Sans CJK SC"  # the 黑体 of headings
BODY = 15.0  # narrative text, pt (between 小三 and 三号)
TOC_SIZE = 13.0
TABLE_SIZE = 9.0
INDENT = "\u3000\u3000"  # two ideographic spaces: the first-line indent of a paragraph
LEADER = "…"
NARRATIVE_COLUMNS = "ABCDEFGH"
NARRATIVE_WIDTH = 11.0  # units per column: 8 × 11 = 88 units ≈ 441 pt
WRAPPED = Alignment(horizontal="left", vertical="top", wrap_text=True)
LEFT_ONE = Alignment(horizontal="left", vertical="center", wrap_text=False)
RIGHT_ONE = Alignment(horizontal="right", vertical="center", wrap_text=False)
TABLE_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TABLE_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=False)


def need(part: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = part.get(key)
    if not isinstance(value, kind):
        raise DataError(f"{where}.{key}: expected {kind}, got {value!r}")
    return value


def serif(size: float, *, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def sans(size: float, *, bold: bool = False) -> Font:
    return Font(name=SANS, size=size, bold=bold)


# --- Page setup -----------------------------------------------------------------------------------------
def page_setup(
    ws: Worksheet,
    last_column: str,
    last_row: int,
    *,
    landscape: bool = False,
    footer: bool = True,
    side_margin: float = 0.6,
) -> None:
    """A4, centred, fit to width (never enlarged), a ``- N -`` page number in the footer unless ``footer`` is off."""
    ws.print_area = f"A1:{last_column}{last_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = 0.7
    ws.page_margins.bottom = 0.8
    ws.page_margins.header = 0.0
    ws.page_margins.footer = 0.35
    if footer:
        ws.oddFooter.center.text = "- &P -"
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.size = 10


def text_width(text: str, size: float) -> float:
    return float(_metrics_font().getlength(text)) / 1000 * size


# --- Cover ----------------------------------------------------------------------------------------------
def write_cover(wb: Workbook, part: Mapping[str, Any], where: str) -> Worksheet:
    """``lines``: ``{text, size, bold?, sans?, space_before?}`` centred down the page; no page number."""
    ws = wb.create_sheet("封面")
    ws.column_dimensions["A"].width = 88
    sheet = FormSheet(ws)
    for index, line in enumerate(need(part, "lines", list, where)):
        space = float(line.get("space_before", 0))
        if space:
            sheet.next_row(space)
        size = float(line.get("size", BODY))
        face = sans if line.get("sans") else serif
        sheet.next_row(round(line_pitch(size) + 8, 1))
        text = line.get("text")
        if not isinstance(text, str):
            raise DataError(f"{where}.lines[{index}].text: expected a string")
        sheet.put("A", text, CENTER, border=NO_BORDER, font=face(size, bold=bool(line.get("bold"))))
    page_setup(ws, "A", sheet.row, footer=False, side_margin=1.0)
    return ws


# --- Table of contents ----------------------------------------------------------------------------------
def leader_line(text: str, indent: int, width: float) -> str:
    """``text`` indented by ``indent`` ideographic spaces and filled with dotted leaders to ``width`` pt."""
    head = "\u3000" * indent + text + " "
    room = width - text_width(head, TOC_SIZE)
    count = int(room // text_width(LEADER, TOC_SIZE))
    if count < 2:
        raise DataError(f"contents entry {text!r} is too long for its line")
    return head + LEADER * count


def write_contents(wb: Workbook, part: Mapping[str, Any], where: str) -> Worksheet:
    """``title``, ``entries``: ``{text, page, level?, find?}``; the page numbers in column B, right-aligned."""
    ws = wb.create_sheet("目录")
    widths = {"A": 83.0, "B": 4.0}
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    sheet = FormSheet(ws)
    sheet.next_row(60.0)
    sheet.put("A:B", need(part, "title", str, where), CENTER, border=NO_BORDER, font=sans(20, bold=True))
    sheet.next_row(12.0)
    line_width = column_points("A", widths) - 4  # the leaders stop short of the cell's end, never past it
    for index, entry in enumerate(need(part, "entries", list, where)):
        text = entry.get("text")
        if not isinstance(text, str) or not isinstance(entry.get("page"), int):
            raise DataError(f"{where}.entries[{index}]: expected text (string) and page (integer)")
        level = int(entry.get("level", 0))
        sheet.next_row(round(line_pitch(TOC_SIZE) + 7, 1))
        face = sans(TOC_SIZE) if level == 0 else serif(TOC_SIZE)
        sheet.put("A", leader_line(text, 2 * level, line_width), LEFT_ONE, border=NO_BORDER, font=face)
        sheet.put("B", str(entry["page"]), RIGHT_ONE, border=NO_BORDER, font=serif(TOC_SIZE))
    page_setup(ws, "B", sheet.row, side_margin=0.9)
    return ws


# --- Narrative ------------------------------------------------------------------------------------------
BLOCK_STYLES: dict[str, tuple[Font, Alignment, str, float]] = {
    # key: font, alignment, prefix, space above (pt)
    "part": (sans(18, bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True), "", 16.0),
    "heading": (sans(BODY), WRAPPED, INDENT, 6.0),
    "subheading": (serif(BODY, bold=True), WRAPPED, INDENT, 2.0),
    "text": (serif(BODY), WRAPPED, INDENT, 0.0),
    "plain": (serif(BODY), WRAPPED, "", 0.0),
    "right": (serif(BODY), Alignment(horizontal="right", vertical="top", wrap_text=True), "", 0.0),
}


def block_kind(block: Mapping[str, Any], where: str) -> str:
    kinds = [k for k in (*BLOCK_STYLES, "table", "page_break", "space") if k in block]
    if len(kinds) != 1:
        raise DataError(f"{where}: expected exactly one of {', '.join(BLOCK_STYLES)}, table, page_break, space")
    return kinds[0]


def block_text(block: Mapping[str, Any]) -> str | None:
    """The printed text of a text block (None for tables, breaks and spaces)."""
    for key in BLOCK_STYLES:
        if key in block:
            return str(block[key])
    return None


def write_narrative(wb: Workbook, part: Mapping[str, Any], where: str) -> Worksheet:
    """``blocks``: ``{part|heading|subheading|text|plain|right: "..."}``, ``{table: {...}}``, ``{page_break: true}``,
    ``{space: pt}``. A text block is one wrapped row over A:H, as high as its lines need."""
    ws = wb.create_sheet(str(part.get("sheet", f"说明{len(wb.sheetnames)}")))
    widths = dict.fromkeys(NARRATIVE_COLUMNS, NARRATIVE_WIDTH)
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    sheet = FormSheet(ws)
    full = f"A:{NARRATIVE_COLUMNS[-1]}"
    line_width = column_points(NARRATIVE_COLUMNS, widths) - 24  # LibreOffice wraps earlier than the estimate
    for index, block in enumerate(need(part, "blocks", list, where)):
        here = f"{where}.blocks[{index}]"
        kind = block_kind(block, here)
        if kind == "page_break":
            if sheet.row:
                ws.row_breaks.append(Break(id=sheet.row))
            continue
        if kind == "space":
            sheet.next_row(float(block["space"]))
            continue
        if kind == "table":
            write_small_table(sheet, block["table"], widths, here)
            continue
        face, align, prefix, space = BLOCK_STYLES[kind]
        text = prefix + str(block[kind])
        size = float(face.sz or BODY)
        lines = count_lines(text, line_width, size)
        if space:
            sheet.next_row(space)
        sheet.next_row(round(lines * line_pitch(size) + 5, 1))
        sheet.put(full, text, align, border=NO_BORDER, font=face)
    page_setup(ws, NARRATIVE_COLUMNS[-1], sheet.row, side_margin=1.0)
    return ws


def write_small_table(sheet: FormSheet, table: Mapping[str, Any], widths: dict[str, float], where: str) -> None:
    """A ruled table inside a narrative: ``spans`` (columns of A:H per table column, summing to 8), ``rows``."""
    spans = need(table, "spans", list, where)
    if sum(spans) != len(NARRATIVE_COLUMNS):
        raise DataError(f"{where}.spans: must add up to {len(NARRATIVE_COLUMNS)}")
    size = float(table.get("size", 11))
    header_rows = int(table.get("header_rows", 1))
    for number, row in enumerate(need(table, "rows", list, where)):
        if len(row) != len(spans):
            raise DataError(f"{where}.rows[{number}]: {len(row)} cells for {len(spans)} columns")
        cells = []
        first = 0
        for span, value in zip(spans, row, strict=True):
            letters = NARRATIVE_COLUMNS[first : first + span]
            cells.append((f"{letters[0]}:{letters[-1]}" if span > 1 else letters[0], letters, value))
            first += span
        lines = max(count_lines(str(v or ""), column_points(letters, widths) - 8, size) for _s, letters, v in cells)
        sheet.next_row(round(max(lines * line_pitch(size) + 6, 22.0), 1))
        for span, _letters, value in cells:
            face = sans(size) if number < header_rows else serif(size)
            sheet.put(span, value, TABLE_LEFT if number >= header_rows else CENTER, font=face)


# --- Budget table ---------------------------------------------------------------------------------------
def header_grid(paths: Sequence[Sequence[str]]) -> list[tuple[int, int, int, int, str]]:
    """Merged header cells (first row, last row, first column, last column, text), 0-based, from column paths.

    Adjacent columns that share a path prefix share its cells; a path shorter than the deepest is merged down.
    """
    depth = max(len(p) for p in paths)
    cells = []
    for level in range(depth):
        column = 0
        while column < len(paths):
            path = paths[column]
            if len(path) <= level:
                column += 1
                continue
            last = column
            while last + 1 < len(paths) and paths[last + 1][: level + 1] == path[: level + 1]:
                last += 1
            bottom = depth - 1 if len(path) == level + 1 else level
            cells.append((level, bottom, column, last, path[level]))
            column = last + 1
    return cells


def table_columns(part: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    columns = []
    for index, column in enumerate(need(part, "columns", list, where)):
        here = f"{where}.columns[{index}]"
        header, width = column.get("header"), column.get("width")
        if not isinstance(header, str) or not isinstance(width, int | float):
            raise DataError(f"{here}: expected header (string) and width (number)")
        align = str(column.get("align", "right"))
        if align not in ("left", "center", "right"):
            raise DataError(f"{here}.align: left, center or right")
        columns.append({"path": header.split("/"), "width": float(width), "align": align})
    return columns


def letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def body_value(value: Any, align: str) -> Printed | None:
    """A body cell: amounts (right-aligned columns) as number cells, everything else as text."""
    found = printed(value)
    if found is None or found.text == "":
        return None
    return found if align == "right" else Printed(found.text, numeric=False)


def write_budget_table(wb: Workbook, part: Mapping[str, Any], where: str) -> Worksheet:
    """See the module docstring; ``rows`` are lists of printed strings (null or "" for a blank cell)."""
    columns = table_columns(part, where)
    last = letter(len(columns) - 1)
    ws = wb.create_sheet(str(part.get("sheet", need(part, "number", str, where))))
    widths = {letter(i): c["width"] for i, c in enumerate(columns)}
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    sheet = FormSheet(ws)
    write_table_heading(sheet, part, columns, where)
    breaks = break_rows(part, where)
    height = float(part.get("row_height", 18.0))
    aligns = {"left": TABLE_LEFT, "center": CENTER, "right": TABLE_RIGHT}
    for number, row in enumerate(need(part, "rows", list, where)):
        if len(row) != len(columns):
            raise DataError(f"{where}.rows[{number}]: {len(row)} cells for {len(columns)} columns")
        sheet.next_row(height)
        for index, (spec, value) in enumerate(zip(columns, row, strict=True)):
            align = aligns[spec["align"]]
            sheet.put(letter(index), body_value(value, spec["align"]), align, font=serif(TABLE_SIZE))
        if number in breaks:
            ws.row_breaks.append(Break(id=sheet.row))
    for note in part.get("notes") or []:
        sheet.next_row(18.0)
        sheet.put(f"A:{last}", note, TABLE_LEFT, border=NO_BORDER, font=serif(TABLE_SIZE))
    fit_rows(ws, widths)
    page_setup(ws, last, sheet.row, landscape=bool(part.get("landscape")))
    if part.get("fit_page"):  # scaled down to one page, as a long table often is
        ws.page_setup.fitToHeight = 1
    return ws


def write_table_heading(sheet: FormSheet, part: Mapping[str, Any], columns: list[dict[str, Any]], where: str) -> None:
    """Number, title, department and unit lines, then the merged header rows (print titles if repeated)."""
    last = letter(len(columns) - 1)
    sheet.next_row(16.0)
    sheet.put(f"A:{last}", need(part, "number", str, where), RIGHT_ONE, border=NO_BORDER, font=serif(10))
    sheet.next_row(34.0)
    sheet.put(f"A:{last}", need(part, "title", str, where), CENTER, border=NO_BORDER, font=sans(16, bold=True))
    sheet.next_row(18.0)
    half = len(columns) // 2
    sheet.put(f"A:{letter(half)}", part.get("department"), LEFT_ONE, border=NO_BORDER, font=serif(10))
    sheet.put(f"{letter(half + 1)}:{last}", part.get("unit"), RIGHT_ONE, border=NO_BORDER, font=serif(10))
    depth = max(len(c["path"]) for c in columns)
    first_header = sheet.row + 1
    for _ in range(depth):
        sheet.next_row(float(part.get("header_height", 20.0)))
    for top, bottom, left, right, text in header_grid([c["path"] for c in columns]):
        sheet.row = first_header + top
        span = f"{letter(left)}:{letter(right)}" if right > left else letter(left)
        sheet.put(span, text, CENTER, rows=bottom - top + 1, font=sans(TABLE_SIZE))
    sheet.row = first_header + depth - 1
    if part.get("repeat_header"):
        sheet.ws.print_title_rows = f"{first_header}:{sheet.row}"


def break_rows(part: Mapping[str, Any], where: str) -> set[int]:
    """Indexes of the body rows named by ``breaks_after`` (each by a cell that only that row holds)."""
    rows = need(part, "rows", list, where)
    found_rows = set()
    for name in part.get("breaks_after") or []:
        found = [i for i, row in enumerate(rows) if str(name) in (str(v) for v in row)]
        if len(found) != 1:
            raise DataError(f"{where}.breaks_after: {name!r} must be a cell of exactly one row, not {len(found)}")
        found_rows.add(found[0])
    return found_rows


def first_cell(row: Sequence[Any]) -> str:
    return next((str(v) for v in row if v not in (None, "")), "")


# --- Arithmetic of budget tables ------------------------------------------------------------------------
def amount(value: Any) -> Decimal:
    """A printed amount as a Decimal; blanks are 0."""
    if value in (None, ""):
        return Decimal(0)
    return Decimal(str(value).replace(",", ""))


def table_sums(part: Mapping[str, Any], where: str) -> list[str]:
    """The ``sums`` rules of a budget table, checked on its printed rows."""
    rules = part.get("sums") or {}
    rows = [list(r) for r in part["rows"]]
    amounts = [i for i, c in enumerate(part["columns"]) if c.get("align", "right") == "right"]
    problems = []
    for total, parts in rules.get("columns", []):
        for row in rows[int(rules.get("first_row", 0)) :]:
            if row[total] in (None, "") and all(row[p] in (None, "") for p in parts):
                continue
            if amount(row[total]) != sum((amount(row[p]) for p in parts), Decimal(0)):
                problems.append(f"{where}: row {first_cell(row)!r}: column {total} is not the sum of {parts}")
    if "tree" in rules:
        tree = rules["tree"]
        codes = [int(tree)] if isinstance(tree, int) else [int(c) for c in tree]
        problems += tree_sums(rows, codes, amounts, rules.get("total_label", "合计"), where)
    for rule in rules.get("rows", []):
        label_column, column = int(rule["label_column"]), int(rule["column"])
        by_label = {str(r[label_column]): r for r in rows if r[label_column] not in (None, "")}
        missing = [name for name in [rule["total"], *rule["parts"]] if name not in by_label]
        if missing:
            problems.append(f"{where}: rows {missing} not found in column {label_column}")
            continue
        summed = sum((amount(by_label[p][column]) for p in rule["parts"]), Decimal(0))
        if amount(by_label[rule["total"]][column]) != summed:
            problems.append(f"{where}: {rule['total']!r} (column {column}) is not the sum of its parts ({summed})")
    return problems


def tree_sums(rows: list[list[Any]], codes: list[int], amounts: list[int], total_label: str, where: str) -> list[str]:
    """Each 类 (3 digits) is the sum of its 款 (5), each 款 of its 项 (7); the total row is the sum of the 类.

    ``codes`` is the code column, or the 类, 款 and 项 columns of a table that splits the code (``213 | 01 | 01``).
    """
    coded = []
    for row in rows:
        key = "".join(str(row[c] or "") for c in codes)
        if key.isdigit():
            coded.append((key, row))
    problems = []
    for key, row in coded:
        children = [r for k, r in coded if len(k) == len(key) + 2 and k.startswith(key)]
        if not children:
            continue
        for column in amounts:
            if column in codes:
                continue
            if amount(row[column]) != sum((amount(c[column]) for c in children), Decimal(0)):
                problems.append(f"{where}: {key} column {column} is not the sum of its children")
    totals = [r for r in rows if total_label in (str(v) for v in r)]
    tops = [r for k, r in coded if len(k) == 3]
    for row in totals[:1]:
        for column in amounts:
            if column not in codes and amount(row[column]) != sum((amount(t[column]) for t in tops), Decimal(0)):
                problems.append(f"{where}: {total_label} column {column} is not the sum of the 类 rows")
    return problems


# --- PDF checks -----------------------------------------------------------------------------------------
def on_page(pages: Sequence[Any], number: int, text: str) -> bool:
    """``text`` (whitespace ignored) is in the text layer of page ``number`` (1-based)."""
    return 1 <= number <= len(pages) and find_chars(pages[number - 1].chars, text) is not None


def check_cover(pages: Sequence[Any], part: Mapping[str, Any], numbers: list[int], where: str) -> list[str]:
    missing = [line["text"] for line in part["lines"] if not on_page(pages, numbers[0], line["text"])]
    return [f"{where}: {text!r} not on page {numbers[0]}" for text in missing]


def check_contents(pages: Sequence[Any], part: Mapping[str, Any], numbers: list[int], where: str) -> list[str]:
    problems = []
    for entry in part["entries"]:
        if not any(on_page(pages, n, entry["text"]) for n in numbers):
            problems.append(f"{where}: entry {entry['text']!r} not on the contents page(s) {numbers}")
        target = entry.get("find", entry["text"])
        if not on_page(pages, entry["page"], target):
            problems.append(f"{where}: {target!r} is not on page {entry['page']}, where the contents say")
    return problems


def check_narrative(pages: Sequence[Any], part: Mapping[str, Any], numbers: list[int], where: str) -> list[str]:
    texts = [t for t in (block_text(b) for b in part["blocks"]) if t]
    problems = []
    if texts and not on_page(pages, numbers[0], texts[0]):
        problems.append(f"{where}: {texts[0][:20]!r}… does not start page {numbers[0]}")
    if texts and not on_page(pages, numbers[-1], texts[-1]):
        problems.append(f"{where}: {texts[-1][:20]!r}… is not on its last page {numbers[-1]}")
    for text in texts:
        if not any(on_page(pages, n, text) for n in numbers):
            problems.append(f"{where}: {text[:20]!r}… not (whole) in the text layer of pages {numbers}")
    for block in part["blocks"]:
        if "table" in block and not any(pages[n - 1].find_tables() for n in numbers):
            problems.append(f"{where}: no ruled table on pages {numbers}")
    return problems


def check_budget_table(pages: Sequence[Any], part: Mapping[str, Any], numbers: list[int], where: str) -> list[str]:
    problems = []
    if not on_page(pages, numbers[0], part["title"]):
        problems.append(f"{where}: title {part['title']!r} not on page {numbers[0]}")
    for number in numbers:
        if not pages[number - 1].find_tables():
            problems.append(f"{where}: no ruled table on page {number}")
    for row in part["rows"]:
        text = first_cell(row)
        if text and not any(on_page(pages, n, text) for n in numbers):
            problems.append(f"{where}: row {text!r} not on pages {numbers}")
    return problems + table_sums(part, where)
