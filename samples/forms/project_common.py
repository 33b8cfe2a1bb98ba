"""Shared parts of the project-expenditure form builders (kinds ``project-*``).

The data files hold every printed value as a string, exactly as printed (``null`` or absent for a blank
cell), plus an ``expected:`` section: the record the extractor should produce. The helpers here write cells,
size rows to their wrapped text, write the indicator table, and check the rendered PDF and the ``expected:``
section against the printed data (so the hand-written expectations cannot drift from the form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samples.forms.common import (
    BODY_SIZE,
    BOX,
    CENTER,
    CLIPPED,
    NUMBER_RE,
    Clipped,
    DataError,
    FormSheet,
    Printed,
    cell_bottom,
    column_points,
    count_lines,
    find_all,
    find_chars,
    font,
    line_pitch,
)

ROW = 18.0  # the least height of a table row
ONE_LINE_ROW = 15.0  # rows holding a clipped cell: one 9 pt line; the second paragraph lands below the border
PADDING = 3.0  # pt above and below the text of a wrapped cell
INNER_MARGIN = 6.0  # pt of a cell's width that text cannot use (LibreOffice wraps a little early)
POINTS_RE = re.compile(r"^(?P<name>.*?)[(（](?P<points>\d+(?:\.\d+)?)分[)）]$")
PLACEHOLDERS = {"", "—", "——", "-", "/", "－"}


# --- Values ---------------------------------------------------------------------------------------------
def printed(value: Any) -> Printed | None:
    """A data-file value as printed: a plain number becomes a number cell, anything else a text cell."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"text"}:
        return Printed(str(value["text"]), numeric=False)
    if not isinstance(value, str):
        raise DataError(f"{value!r}: expected a quoted string as printed")
    leading_zero = len(value) > 1 and value.startswith("0") and value[1] != "."  # a phone number, a code
    return Printed(value, numeric=bool(NUMBER_RE.fullmatch(value)) and not leading_zero)


def text_of(value: Any) -> str | None:
    """The printed text of a data-file value (None for a blank cell)."""
    found = printed(value)
    return None if found is None else found.text


def number(value: Any) -> Decimal | None:
    """The number a printed value stands for (``96.50%`` -> 96.50); None for blanks and placeholders."""
    text = text_of(value)
    if text is None or text.strip() in PLACEHOLDERS:
        return None
    return Decimal(text.strip().rstrip("%").replace(",", ""))


def split_points(name: str) -> tuple[str, Decimal | None]:
    """``产出指标(50分)`` -> (``产出指标``, 50)."""
    match = POINTS_RE.match(name)
    if match is None:
        return name, None
    return match["name"], Decimal(match["points"])


# --- Writing --------------------------------------------------------------------------------------------
class Sheet(FormSheet):
    """A FormSheet that takes data-file values, and remembers rows whose height must not change."""

    def __init__(self, ws: Worksheet) -> None:
        super().__init__(ws)
        self.fixed_rows: set[int] = set()

    def cell(
        self,
        span: str,
        value: Any,
        align: Alignment = CENTER,
        *,
        rows: int = 1,
        border: Border = BOX,
        font: Font | None = None,
    ) -> None:
        """Write a data-file value (printed string, {text: ...} or None) into ``span``."""
        cell = self.put(span, printed(value), align, rows=rows, border=border, font=font)
        if cell.data_type == "f":  # "=8个" is a printed target, not a formula
            cell.data_type = "s"

    def clipped(self, span: str, item: Clipped) -> None:
        """A one-line cell whose second paragraph is clipped at the bottom border (kept in the text layer)."""
        self.put(span, item.content, CLIPPED)
        if item.hidden:
            self.fixed_rows.add(self.row)
            self.ws.row_dimensions[self.row].height = ONE_LINE_ROW


def _columns(first: int, last: int) -> str:
    return "".join(get_column_letter(i) for i in range(first, last + 1))


def _lines(text: str, alignment: Alignment, width: float, size: float) -> int:
    if alignment.textRotation == 255:  # stacked: one character a line
        return len("".join(text.split()))
    if not alignment.wrap_text:
        return text.count("\n") + 1
    return sum(count_lines(part, width, size) for part in text.split("\n"))


def fit_rows(ws: Worksheet, widths: dict[str, float], fixed: Iterable[int] = ()) -> None:
    """Raise row heights so that every wrapped (or stacked) text is shown whole; merged cells share rows."""
    spans = {(r.min_row, r.min_col): (r.max_row, r.max_col) for r in ws.merged_cells.ranges}
    needs: list[tuple[int, int, float]] = []
    frozen = set(fixed)
    for line in ws.iter_rows():
        for cell in line:
            if not isinstance(cell.value, str) or not cell.value or cell.alignment.vertical == "top":
                continue
            assert isinstance(cell.row, int) and isinstance(cell.column, int)
            last_row, last_col = spans.get((cell.row, cell.column), (cell.row, cell.column))
            width = column_points(_columns(cell.column, last_col), widths) - INNER_MARGIN
            size = float(cell.font.sz or BODY_SIZE)
            lines = _lines(cell.value, cell.alignment, width, size)
            if lines == 1 and all(r in frozen for r in range(cell.row, last_row + 1)):
                continue  # one line fits a one-line (clipped-cell) row
            needs.append((cell.row, last_row, lines * line_pitch(size) + 2 * PADDING))

    def height(row: int) -> float:
        return float(ws.row_dimensions[row].height or ROW)

    for top, bottom, need in sorted(needs, key=lambda n: n[1] - n[0]):
        have = sum(height(r) for r in range(top, bottom + 1))
        if have >= need:
            continue
        free = [r for r in range(top, bottom + 1) if r not in frozen]
        if not free:
            raise DataError(f"row {top}: text needs {need:.1f} pt but the row is fixed at {have:.1f} pt")
        ws.row_dimensions[free[-1]].height = round(height(free[-1]) + need - have + 0.05, 1)


# --- Indicator table ------------------------------------------------------------------------------------
def iter_rows(groups: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(level1 as printed, level2 as printed, row) for every row, template rows included."""
    for group in groups:
        for level2 in group["level2"]:
            for row in level2["rows"]:
                yield group["level1"], level2["name"], row


def level3_of(row: Mapping[str, Any]) -> Clipped:
    return Clipped(str(row.get("level3") or ""), str(row.get("level3_hidden") or ""))


def write_indicators(
    sheet: Sheet,
    groups: Sequence[Mapping[str, Any]],
    columns: Mapping[str, str],
    *,
    break_after: str | None = None,
) -> list[int]:
    """Write the indicator rows; ``columns`` maps level1, level2, level3 and the row's keys to spans.

    A row ``{template: "指标2"}`` is a blank template row: its text in the 三级指标 cell, the other cells empty.
    Returns the sheet rows written.
    """
    from openpyxl.worksheet.pagebreak import Break

    written = []
    for group in groups:
        group_rows = sum(len(level2["rows"]) for level2 in group["level2"])
        for index2, level2 in enumerate(group["level2"]):
            for index, row in enumerate(level2["rows"]):
                sheet.next_row(ROW)
                written.append(sheet.row)
                if index2 == 0 and index == 0:
                    sheet.cell(columns["level1"], group["level1"], rows=group_rows)
                if index == 0:
                    sheet.cell(columns["level2"], level2["name"], rows=len(level2["rows"]))
                if "template" in row:
                    sheet.cell(columns["level3"], row["template"])
                elif row.get("level3_hidden"):
                    sheet.clipped(columns["level3"], level3_of(row))
                else:
                    sheet.cell(columns["level3"], row.get("level3"))
                for key, span in columns.items():
                    if key in ("level1", "level2", "level3"):
                        continue
                    value = None if "template" in row else row.get(key)
                    sheet.cell(span, value, _align(key))
                if break_after is not None and row.get("level3") == break_after:
                    sheet.ws.row_breaks.append(Break(id=sheet.row))
    return written


def _align(key: str) -> Alignment:
    if key in ("reason", "deviation_reason"):
        return Alignment(horizontal="left", vertical="center", wrap_text=True)
    return CENTER


# --- Expected record ------------------------------------------------------------------------------------
ROW_KEYS = ("level3", "target", "actual", "set_score", "score", "reason")


def _value(key: str, value: Any) -> Any:
    if key in ("set_score", "score"):
        found = number(value)
        return None if found is None else _plain(found)
    text = text_of(value)
    return None if text is None or text.strip() in PLACEHOLDERS else text


def plain_number(value: Any) -> int | float | None:
    """A printed value as the record's JSON number (None for blanks and placeholders)."""
    found = number(value)
    return None if found is None else _plain(found)


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def derive_indicators(
    groups: Sequence[Mapping[str, Any]], extra: Sequence[str] = (), *, reasons: bool = True
) -> list[dict[str, Any]]:
    """The ``indicators`` of the record as the printed data implies them (template rows left out). A
    clipped level-3 name is what the page shows, its whole name ``level3_canonical``; ``reasons``:
    whether the form has a deviation-reason column."""
    found = []
    for level1, level2, row in iter_rows(groups):
        if "template" in row:
            continue
        clipped = level3_of(row)
        item: dict[str, Any] = {
            "level1": split_points(level1)[0],
            "level2": split_points(level2)[0],
            "level3": clipped.visible,
        }
        if clipped.hidden:
            item["level3_canonical"] = clipped.visible + clipped.hidden
        for key in ("target", "actual", *extra, "set_score", "score"):
            item[key] = _value(key, row.get(key))
        if reasons:
            item["deviation_reason"] = _value("reason", row.get("reason"))
        found.append(item)
    return found


def derive_subtotals(groups: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for group in groups:
        name, points = split_points(group["level1"])
        scores = [
            number(row.get("score")) for level2 in group["level2"] for row in level2["rows"] if "template" not in row
        ]
        found.append(
            {
                "level1": name,
                "set_score": None if points is None else _plain(points),
                "score": _plain(sum((s for s in scores if s is not None), Decimal(0))),
            }
        )
    return found


def compare(expected: Any, derived: Any, where: str) -> list[str]:
    """Differences between the hand-written expectation and what the printed data implies."""
    if isinstance(expected, dict) and isinstance(derived, dict):
        problems = []
        for key in sorted(set(expected) | set(derived)):
            if key not in expected or key not in derived:
                problems.append(f"{where}.{key}: only in {'expected' if key in expected else 'the data'}")
            else:
                problems += compare(expected[key], derived[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(derived, list):
        if len(expected) != len(derived):
            return [f"{where}: {len(expected)} items expected, the data has {len(derived)}"]
        return [
            p for i, (e, d) in enumerate(zip(expected, derived, strict=True)) for p in compare(e, d, f"{where}[{i}]")
        ]
    if isinstance(expected, int | float) and isinstance(derived, int | float) and not isinstance(expected, bool):
        return [] if Decimal(str(expected)) == Decimal(str(derived)) else [f"{where}: {expected!r} != {derived!r}"]
    return [] if expected == derived else [f"{where}: expected {expected!r}, the data gives {derived!r}"]


def score_facts(expected: Mapping[str, Any]) -> dict[str, str]:
    """The status (pass/fail/skip) of the arithmetic checks that follow from the expected record alone."""
    funds = expected["funds"]["rows"]
    total = funds["total"]
    facts: dict[str, str] = {}
    parts = [funds[k] for k in funds if k != "total"]
    if parts:
        sums = []
        for column in ("initial_budget", "full_year_budget", "executed"):
            if total[column] is None and all(p[column] is None for p in parts):
                continue
            given = Decimal(str(total[column] or 0))
            summed = sum((Decimal(str(p[column] or 0)) for p in parts), Decimal(0))
            sums.append(given == summed)
        facts["funds_total_sum"] = "pass" if all(sums) else "fail"
    budget, executed, rate = total["full_year_budget"], total["executed"], total["execution_rate"]
    if budget in (None, 0) or executed is None or rate is None:
        facts["funds_execution_rate"] = "skip"
    else:
        computed = Decimal(str(executed)) / Decimal(str(budget)) * 100
        facts["funds_execution_rate"] = "pass" if abs(computed - Decimal(str(rate))) < Decimal("0.005") else "fail"
    if total["set_score"] is None or total["score"] is None or rate is None:
        facts["funds_score"] = "skip"
    else:
        computed = Decimal(str(total["set_score"])) * min(Decimal(str(rate)), Decimal(100)) / 100
        facts["funds_score"] = "pass" if abs(computed - Decimal(str(total["score"]))) < Decimal("0.005") else "fail"
    indicators = expected["indicators"]
    subtotals = expected["indicator_subtotals"]
    ok = True
    for sub in subtotals:
        rows = [i for i in indicators if i["level1"] == sub["level1"]]
        scores = sum(Decimal(str(i["score"] or 0)) for i in rows)
        ok &= Decimal(str(sub["score"])) == scores
        if sub["set_score"] is not None and all(i["set_score"] is not None for i in rows):
            ok &= Decimal(str(sub["set_score"])) == sum(Decimal(str(i["set_score"])) for i in rows)
    facts["indicator_subtotals"] = "pass" if ok else "fail"
    score = expected["score"]
    funds_score = Decimal(str(total["score"] or 0))
    summed = funds_score + sum(Decimal(str(i["score"] or 0)) for i in indicators)
    facts["total_score"] = "pass" if summed == Decimal(str(score["total"])) else "fail"
    sets = [i["set_score"] for i in indicators]
    if None in sets:
        facts["total_set"] = "skip"
    else:
        all_sets = Decimal(str(total["set_score"] or 0)) + sum(Decimal(str(s)) for s in sets)
        facts["total_set"] = "pass" if all_sets == Decimal(str(score["total_set"])) else "fail"
    within = [i for i in indicators if i["set_score"] is not None and i["score"] is not None]
    facts["score_within_weight"] = (
        "skip" if not within else "pass" if all(i["score"] <= i["set_score"] for i in within) else "fail"
    )
    return facts


def check_expected(data: Mapping[str, Any], derived: Mapping[str, Any]) -> list[str]:
    """``expected`` agrees with what the data prints, and ``checks_expected`` with the arithmetic."""
    expected = data.get("expected")
    if not isinstance(expected, dict):
        return ["no expected: section"]
    problems = []
    for key, value in derived.items():
        problems += compare(_get(expected, key), value, f"expected.{key}")
    declared = {c["id"]: c["status"] for c in data.get("checks_expected", []) if "field" not in c}
    for check_id, status in score_facts(expected).items():
        if declared.get(check_id) != status:
            problems.append(f"checks_expected.{check_id}: declared {declared.get(check_id)!r}, computed {status!r}")
    return problems


def _get(mapping: Mapping[str, Any], dotted: str) -> Any:
    value: Any = mapping
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# --- PDF checks -----------------------------------------------------------------------------------------
def check_pdf(pdf_path: Path, *, pages: int, texts: Iterable[str], clipped: Iterable[Clipped] = ()) -> list[str]:
    """Page count, a text layer and a ruled table on every page, each text present, clipped cells as meant."""
    import pdfplumber

    problems = []
    with pdfplumber.open(pdf_path) as pdf:
        if len(pdf.pages) != pages:
            problems.append(f"{len(pdf.pages)} pages, expected {pages}")
        for number_, page in enumerate(pdf.pages, 1):
            if not page.chars:
                problems.append(f"page {number_}: no text layer")
            if not page.find_tables():
                problems.append(f"page {number_}: no ruled table found")
        for text in texts:
            problems += _check_inside(pdf.pages, text)
        for item in clipped:
            problems += _check_clipped(pdf.pages, item)
    return problems


def _check_inside(pages: Sequence[Any], text: str) -> list[str]:
    """``text`` is in the text layer, every line of it above the bottom border of the cell it starts in."""
    for page in pages:
        found = find_chars(page.chars, text)
        if found is not None:
            bottom = cell_bottom(page, found[0]["x0"] + 1, found[0]["top"])
            if max(c["bottom"] for c in found) > bottom + 0.5:
                return [f"{text!r} runs past the bottom of its cell"]
            return []
    return [f"{text!r} not in the text layer"]


def _check_clipped(pages: Sequence[Any], item: Clipped) -> list[str]:
    visible = len("".join(item.visible.split()))
    for page in pages:
        for found in find_all(page.chars, item.visible + item.hidden):
            count = 0
            shown = []
            for char in found:
                if count >= visible:
                    break
                shown.append(char)
                count += len(char["text"].strip())
            rest = found[len(shown) :]
            border = cell_bottom(page, shown[0]["x0"] + 1, shown[0]["top"])
            if (
                len({round(c["top"], 1) for c in shown}) == 1
                and rest
                and all(c["top"] >= border for c in rest)
                and len({round(c["top"], 1) for c in rest}) == 1
            ):
                return []
    return [f"clipped {item.visible!r}+{item.hidden!r}: not one visible line with the rest below the border"]


def title_font() -> Font:
    return font(16.0, bold=True)


FUND_KEYS = (
    ("总额", "total"),
    ("财政拨款", "fiscal_appropriation"),
    ("财政专户", "special_account"),
    ("财政资金", "fiscal_appropriation"),
    ("单位资金", "unit_funds"),
    ("结转", "carryover"),
    ("其他资金", "other"),
)
FUND_FIELDS = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")


def fund_key(label: str) -> str:
    """The record key of a funds row from its printed label (``其中：本年财政拨款`` -> fiscal_appropriation)."""
    for marker, key in FUND_KEYS:
        if marker in label:
            return key
    raise DataError(f"funds row {label!r}: no record key")


def derive_funds(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """``funds.rows`` of the record from (printed label, {field: printed value}) pairs."""
    found = {}
    for label, values in rows:
        numbers = {field: number(values.get(field)) for field in FUND_FIELDS}
        found[fund_key(label)] = {k: None if v is None else _plain(v) for k, v in numbers.items()}
    return found
