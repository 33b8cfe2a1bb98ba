"""Blocks of row labels × column labels — a form's funds block (项目资金, 年度预算申请, 预算执行情况):
each value goes to ``<path>.<row>.<column>``, e.g. ``funds.rows.fiscal_appropriation.executed``."""

from __future__ import annotations

from collections.abc import Sequence

import regex

from .fields import Extraction, cell_field
from .model import Cell
from .sheet import Sheet, label_matches
from .templates import MatrixSpec, norm

_PARTS_PREFIX = regex.compile(r"^(?:其中|含)[:：]?")
HEADER_SEARCH_ROWS = 8
BODY_SEARCH_ROWS = 12


def _header(sheet: Sheet, spec: MatrixSpec, start: int) -> tuple[int, dict[str, float], list[Cell]] | None:
    for i in range(start, min(start + HEADER_SEARCH_ROWS, len(sheet.rows))):
        row = sheet.rows[i]
        xs: dict[str, float] = {}
        heads: list[Cell] = []
        for col in spec.columns:
            for c in row.cells:
                if c.text and label_matches(c.text, col.labels):
                    xs[col.name] = (c.bbox[0] + c.bbox[2]) / 2
                    if col.type == "money":
                        heads.append(c)
                    break
        if len(xs) >= min(2, len(spec.columns)):
            return i, xs, heads
    return None


def _row_label(cell: Cell) -> str:
    return _PARTS_PREFIX.sub("", norm(cell.text))


def read_matrix(sheet: Sheet, spec: MatrixSpec, ex: Extraction) -> None:
    if not spec.optional:
        ex.declared.update(f"{spec.path}.{r}.{c.name}" for r in spec.rows for c in spec.columns)
    start = 0
    anchor: Cell | None = None
    if spec.anchor:
        hit = sheet.find(spec.anchor)
        if hit is None:
            if not spec.optional:
                ex.flag(spec.path, "block label not found")
            return
        start, anchor = hit
    head = _header(sheet, spec, start)
    if head is None:
        ex.flag(spec.path, "block header not found")
        return
    header_row, xs, heads = head
    ex.declared.update(f"{spec.path}.{r}.{c.name}" for r in spec.rows for c in spec.columns)
    unit_path = spec.path.rsplit(".", 1)[0] + ".unit"
    for label in [anchor, *heads] if anchor is not None else heads:
        ex.note_unit(unit_path, label, spec.unit)
    ex.note_unit(unit_path, None, spec.unit)
    left_edge = min(xs.values())
    found: set[str] = set()
    for i in range(header_row, min(header_row + BODY_SEARCH_ROWS, len(sheet.rows))):
        row = sheet.rows[i]
        for c in row.cells:
            if not (row.starts(c) and c.text and c.bbox[2] <= left_edge):
                continue
            name = next(
                (n for n, labels in spec.rows.items() if n not in found and label_matches(_row_label(c), labels)), None
            )
            if name is None:
                continue
            found.add(name)
            # a row label merged down beside the header (年度资金总额 over two rows) has its values below
            values = sheet.rows[i + 1] if i == header_row and i + 1 < len(sheet.rows) else row
            for col in spec.columns:
                path = f"{spec.path}.{name}.{col.name}"
                cell = values.at(xs[col.name]) if col.name in xs else None
                unit = "%" if col.type == "percent" else None
                f = cell_field(path, cell, col.type, unit, ex)
                ex.put(f, cell if spec.expected(name, col.name) else None, gap=spec.expected(name, col.name))
    for name in spec.rows:
        if name not in found and not spec.optional:
            ex.flag(f"{spec.path}.{name}", "row label not found")


def read_matrices(sheet: Sheet, specs: Sequence[MatrixSpec], ex: Extraction) -> None:
    for spec in specs:
        read_matrix(sheet, spec, ex)
