"""Fields: map labels to values with a template, and parse each value to its type.

Every value read becomes a ``Field`` with its page, bbox, raw text and confidence. A value that
cannot be parsed, a required label not found, or a number printed in the wrong unit is listed for
review; a cell the form leaves blank where the template expects a value is a gap (blank is not 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import ValueParseError
from .model import Cell, Field, PageContent, TextLine
from .sheet import Row, Sheet
from .templates import FieldSpec, HeaderSpec, Template
from .values import clean_text, is_placeholder, parse_int, parse_number, parse_phone

LOW_CONFIDENCE = 0.9


@dataclass(slots=True)
class Extraction:
    """What the field stage found: values by record path, and what needs a look."""

    fields: dict[str, Field] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)  # path -> why
    gaps: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Field]]] = field(default_factory=dict)  # table name -> rows

    def value(self, path: str) -> Decimal | int | str | None:
        f = self.fields.get(path)
        return None if f is None else f.value

    def flag(self, path: str, why: str) -> None:
        self.review.setdefault(path, why)


def parse_value(text: str, type_: str, unit: str | None) -> tuple[Decimal | int | str | None, str | None]:
    """Parse ``text`` as ``type_``; returns (value, problem). Only ``ValueParseError`` is caught."""
    try:
        if type_ in ("money", "number", "percent"):
            number = parse_number(text, type_)
            if number is None:
                return None, None
            if unit and number.unit and number.unit != unit and not (unit == "%" and number.unit == "%"):
                return number.value, f"printed in {number.unit}, expected {unit}"
            return number.value, None
        if type_ == "integer":
            return parse_int(text), None
        if type_ == "phone":
            return parse_phone(text), None
    except ValueParseError as exc:
        return None, str(exc)
    value = clean_text(text)
    return (value or None), None


def cell_field(
    path: str, cell: Cell | None, type_: str = "text", unit: str | None = None, ex: Extraction | None = None
) -> Field:
    """A Field from one cell; problems go to ``ex.review``, blanks to ``ex.gaps``."""
    if cell is None:
        return Field(path, None, "", None, None, 0.0)
    raw = cell.text
    value, problem = parse_value(raw, type_, unit)
    f = Field(path, value, raw, cell.page, cell.bbox, cell.confidence)
    if ex is not None:
        if problem:
            ex.flag(path, problem)
        elif value is None and type_ != "text" and not is_placeholder(raw):
            ex.flag(path, "unreadable")
        if cell.confidence < LOW_CONFIDENCE:
            ex.flag(path, f"low confidence {cell.confidence:.2f}")
    return f


def _value_cell(row: Row, label: Cell, take: str) -> Cell | None:
    right = row.right_of(label)
    if take == "next":
        return right[0] if right else None
    filled = [c for c in right if clean_text(c.text)]
    if not filled:
        return right[0] if right else None
    return filled[0] if take == "first_value" else filled[-1]


def read_label_fields(sheet: Sheet, specs: Sequence[FieldSpec], ex: Extraction) -> None:
    for spec in specs:
        hit = sheet.find(spec.labels)
        if hit is None:
            if spec.required:
                ex.flag(spec.path, "label not found")
            continue
        i, label = hit
        cell = _value_cell(sheet.rows[i], label, spec.take)
        f = cell_field(spec.path, cell, spec.type, spec.unit, ex)
        ex.fields[spec.path] = f
        if f.value is None and spec.path not in ex.review:
            ex.gaps.append(spec.path)


def _search_lines(spec: HeaderSpec, lines: Sequence[TextLine]) -> Field | None:
    for ln in lines:
        m = spec.pattern.search(ln.text.strip())
        if m:
            return Field(spec.path, m.group("value"), ln.text, None, ln.bbox, ln.confidence)
    return None


def read_header_fields(pages: Sequence[PageContent], sheet: Sheet, specs: Sequence[HeaderSpec], ex: Extraction) -> None:
    """Title, year and the like: from text outside the table (or inside it), or from another field."""
    free = [(p.number, ln) for p in pages for ln in p.free_lines]
    cells = [(c.page, TextLine(c.text, c.bbox, 0.0, c.confidence)) for r in sheet.rows for c in r.cells if r.starts(c)]
    for spec in specs:
        found: Field | None = None
        if spec.source:
            src = ex.fields.get(spec.source)
            m = spec.pattern.search(str(src.value)) if src and src.value is not None else None
            if src and m:
                found = Field(spec.path, m.group("value"), str(src.value), src.page, src.bbox, src.confidence)
        else:
            for page_no, ln in free + cells:
                f = _search_lines(spec, [ln])
                if f is not None:
                    found = Field(f.name, f.value, f.raw, page_no, f.bbox, f.confidence)
                    break
        if found is None:
            if spec.required:
                ex.flag(spec.path, "not found")
            continue
        if spec.type == "integer":
            value, problem = parse_value(str(found.value), "integer", None)
            found = Field(found.name, value, found.raw, found.page, found.bbox, found.confidence)
            if problem:
                ex.flag(spec.path, problem)
        ex.fields[spec.path] = found


def extract_fields(template: Template, pages: Sequence[PageContent]) -> tuple[Extraction, Sheet]:
    from .listtables import read_tables

    sheet = Sheet.from_pages(pages)
    ex = Extraction()
    read_label_fields(sheet, template.fields, ex)
    read_header_fields(pages, sheet, template.header, ex)
    read_tables(sheet, template, ex)
    return ex, sheet
