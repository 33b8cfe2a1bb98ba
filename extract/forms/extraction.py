"""What the field stage finds, as it finds it: values by record path with their provenance, the fields
to review and why, the gaps, and the rows of the tables; and ``cell_field``, a Field from one cell.

Used by every reader of the field stage (fields, listtables, matrix); the re-reading of a scan
(``scan.reread``) takes one and returns a new one (``with_fields``), never changing it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace

import regex

from extract.forms.values import Value, clean_text, fold_digits, is_placeholder, parse_typed, two_figures
from extract.model import Cell, Field

LOW_CONFIDENCE = 0.9
UNIT_SECTIONS = ("budget", "funds")


@dataclass(slots=True)
class Extraction:
    """What the field stage found: values by record path, and what needs a look."""

    fields: dict[str, Field] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)  # every path the template reads (for sections and gaps)
    review: dict[str, str] = field(default_factory=dict)  # path -> why
    gaps: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Field]]] = field(default_factory=dict)  # table name -> rows
    # per section with a unit (budget, funds): the labels of its amounts as printed, and the template's unit
    unit_labels: dict[str, list[Cell]] = field(default_factory=dict)
    unit_fixed: dict[str, str] = field(default_factory=dict)
    # paths of the figures read from cells (money, number, percent): their type and unit, so a figure OCR did
    # not read can be read again and parsed as the template says
    numeric: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def note_unit(self, path: str, label: Cell | None, fixed: str | None) -> None:
        """An amount at ``path`` was read under ``label``; the template says it is in ``fixed``."""
        section = path.split(".")[0]
        if section not in UNIT_SECTIONS:
            return
        if label is not None:
            self.unit_labels.setdefault(section, []).append(label)
        else:
            self.unit_labels.setdefault(section, [])
        if fixed:
            self.unit_fixed.setdefault(section, fixed)

    def value(self, path: str) -> Value:
        f = self.fields.get(path)
        return None if f is None else f.value

    def mark_ocr(self, pages: set[int], every_page: bool = False) -> None:
        """Every value read on an OCR page is an OCR value (``source`` ``ocr``), also one the field stage
        rebuilt from its line or cell (a title, a year, a level-1 name, a subtotal): so re-reading,
        repair and review apply to all of them. ``every_page``: the form is all OCR, so is a value whose
        page is not known."""

        def mark(f: Field) -> Field:
            ocr = f.page in pages or (every_page and f.page is None)
            return replace(f, source="ocr") if f.source == "text" and ocr else f

        self.fields = {k: mark(f) for k, f in self.fields.items()}
        self.rows = {name: [{k: mark(f) for k, f in row.items()} for row in rows] for name, rows in self.rows.items()}

    def flag(self, path: str, why: str) -> None:
        self.review.setdefault(path, why)

    def get(self, path: str) -> Field | None:
        """The field at a record path: ``budget.execution`` or a table row's ``indicators[3].score``."""
        if path in self.fields:
            return self.fields[path]
        table, _, rest = path.partition("[")
        index, _, key = rest.partition("].")
        rows = self.rows.get(table)
        if rows is None or not index.isdigit() or int(index) >= len(rows):
            return None
        return rows[int(index)].get(key)

    def with_fields(self, changed: list[Field], flags: dict[str, str] | None = None) -> Extraction:
        """A new extraction with ``changed`` fields in place of those at their paths, and ``flags`` added to
        its review; this one is left as it is."""
        fields = dict(self.fields)
        rows = dict(self.rows)
        copied: set[str] = set()
        for f in changed:
            if f.name in fields:
                fields[f.name] = f
                continue
            table, _, rest = f.name.partition("[")
            index, _, key = rest.partition("].")
            if table not in copied:
                rows[table] = [dict(r) for r in rows[table]]
                copied.add(table)
            rows[table][int(index)][key] = f
        review = dict(self.review)
        for path, why in (flags or {}).items():
            review.setdefault(path, why)
        return dataclasses.replace(self, fields=fields, rows=rows, review=review, gaps=list(self.gaps))

    def put(self, f: Field, cell: Cell | None = None, gap: bool = True) -> None:
        """Store a field; a cell the form leaves empty (not ``——``) where a value belongs is a gap."""
        self.fields[f.name] = f
        self.declared.add(f.name)
        if gap and f.value is None and f.name not in self.review and (cell is None or not clean_text(cell.text)):
            self.gaps.append(f.name)


NUMERIC = ("money", "number", "percent")


def _among_stray_marks(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR cell holding one clean figure beside one or two lone characters (清 57.35: a seal's lettering
    over the cell): the figure, still flagged, with why. None when it is not so plain."""
    tokens = raw.split()
    if len(tokens) < 2:
        return None
    parsed = [(t, parse_typed(t, type_, unit)) for t in tokens]
    figures = [(t, v) for t, (v, problem) in parsed if v is not None and problem is None]
    others = [t for t, _ in parsed if t not in {f for f, _ in figures}]
    if len(figures) != 1 or not others or any(len(t) > 2 or any(ch.isdigit() for ch in t) for t in others):
        return None
    return figures[0][1], f"stray marks beside the figure ({' '.join(others)}: a seal?); read {figures[0][0]}"


_END_MARKS = "“”\"'‘’`´.,。，、)）(（°·:：;；_~-+＋"  # what a speck or a ruling's edge reads as at a figure's end …
_START_MARKS = "“”\"'‘’`´。，、)）(（°·:：;；_~"  # … and at its start (not a point or a sign: .5, -5)


def _marks_at_ends(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR figure with a stray mark at its start or end (5.8“, 10), 5.7.: a speck, a ruling's edge): the
    figure, still flagged, with why. None when what is left is no clean figure."""
    text = raw.strip()
    core = text.lstrip(_START_MARKS).rstrip(_END_MARKS).strip()
    if core == text or not core or not core[0].isdigit() or not core[-1].isdigit():
        return None
    value, problem = parse_typed(core, type_, unit)
    if value is None or problem is not None:
        return None
    return value, f"stray marks at the figure's ends (a speck?): read {text} as {core}"


# a figure of 3-digit groups and 1–2 decimals whatever its separators read as (, . ，), a separator maybe lost
# (24365,800.00): the digits are the same, the last separator is the decimal point
_SEPARATED = regex.compile(r"^[+-]?\d{1,6}(?:[.,]\d{3})+[.,]\d{1,2}$")


def _points_for_commas(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR figure whose thousands commas read as points, or its point as a comma (1.807.42 or
    24,365.800.00 for 1,807.42 and 24,365,800.00: a comma is a point with a tail a 200-dpi scan blurs, or
    takes one from a speck): the figure as its groups print it, still flagged, with why. None otherwise."""
    text = fold_digits(raw.strip())
    if not _SEPARATED.match(text):
        return None
    head, tail = text[:-3], text[-3:]
    if tail[0] not in ".,":  # one decimal
        head, tail = text[:-2], text[-2:]
    grouped = f"{regex.sub(r'[.,]', '', head)}.{tail[1:]}"
    value, problem = parse_typed(grouped, type_, unit)
    if value is None or problem is not None:
        return None
    return value, f"thousands separators misread (commas read as points?): read {raw.strip()} as {grouped}"


def ocr_value(raw: str, type_: str, unit: str | None) -> tuple[Value, str | None]:
    """``parse_typed`` for OCR text: a figure among stray marks, with its separators mixed up or a mark at an
    end is read, with why (the value stays in review)."""
    value, problem = parse_typed(raw, type_, unit)
    if problem and type_ in NUMERIC and two_figures(raw):
        return None, f"two figures in one cell ({raw.strip()}): the ruling between two cells lost in the scan?"
    if problem and type_ in NUMERIC:
        return (
            _among_stray_marks(raw, type_, unit)
            or _points_for_commas(raw, type_, unit)
            or _marks_at_ends(raw, type_, unit)
            or _brackets_in_figure(raw, type_, unit)
            or _glyphs_before(raw, type_, unit)
            or _glyphs_after(raw, type_, unit)
            or (value, problem)
        )
    return value, problem


_CLOSING = regex.compile(r"(?<=\d)[)）](?!\d)")


def _brackets_in_figure(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR figure with closing brackets after its digits and no opening one (100).00%, 432.000).00): the
    right side of a 0 a 1-bit scan broke, read as a bracket. Without them, the figure as ``ocr_value`` reads
    it (its separators, a mark at an end), still flagged, with why."""
    if "(" in raw or "（" in raw or not _CLOSING.search(raw):
        return None
    text = _CLOSING.sub("", raw).strip().rstrip(_END_MARKS)
    value, _why = ocr_value(text, type_, unit)
    if value is None:
        return None
    return value, f"brackets read in the figure (a 0's stroke broken?): read {raw.strip()} as {text}"


# one or two glyphs glued before a figure (V50, 章6, ZT8, 音98.18: a seal's lettering over the cell), the
# one next to the digits no digit's look-alike (l5 may be 15, O5 05, Z8 28: those are left unread)
_GLUED = regex.compile(
    r"^(?P<glyphs>[\p{Han}A-Za-z]{0,1}[\p{Han}A-Za-z--[OoQDlIiJjZzSsBGgbq]])\s*(?P<figure>[+-]?\d\S*)$", regex.V1
)


# … and one or two glued after it (10市, 10用, 5個: a seal's lettering over the cell's right side), the one
# next to the digits no digit's look-alike and no unit or magnitude a figure is printed with (10万, 5亿, 3次)
_GLUED_AFTER = regex.compile(
    r"^(?P<figure>[+-]?[\d.,]*\d)\s*(?P<glyphs>[\p{Han}A-Za-z--[OoQDlIiJjZzSsBGgbq]][\p{Han}A-Za-z]{0,1})$",
    regex.V1,
)
_AFTER_A_FIGURE = frozenset(
    "万亿千百十元角分厘毫%‰个次人件项户天年月日时亩篇份期家所座台辆套册间场名批处条吨米kmt一二三"  # bars: = or a dash
)


def _glyphs_before(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR figure with one or two letters or Chinese glyphs glued before its digits (a seal's lettering
    over the cell): the figure, still flagged, with why. None when what is left is no clean figure."""
    return _glyphs_glued(raw, type_, unit, "before")  # 清 57.35 12 is two figures, not 57.3512


def _glyphs_after(raw: str, type_: str, unit: str | None) -> tuple[Value, str] | None:
    """An OCR figure with one or two letters or Chinese glyphs glued after its digits (a seal's lettering
    over the cell): the figure, still flagged, with why. None when the glyph next to the digits may be a
    digit (l, O, Z …) or a unit or magnitude printed with figures (万, 次, 亩 …: 10万 is no 10), or when
    what is left is no clean figure."""
    return _glyphs_glued(raw, type_, unit, "after")


def _glyphs_glued(raw: str, type_: str, unit: str | None, where: str) -> tuple[Value, str] | None:
    m = (_GLUED if where == "before" else _GLUED_AFTER).match(raw.strip())
    if m is None or (where == "after" and m.group("glyphs")[0] in _AFTER_A_FIGURE):
        return None
    value, problem = parse_typed(m.group("figure"), type_, unit)
    if value is None or problem is not None:
        return None
    return (
        value,
        f"glyphs glued {where} the figure ({m.group('glyphs')}: a seal?); read {raw.strip()} as {m.group('figure')}",
    )


def cell_field(
    path: str, cell: Cell | None, type_: str = "text", unit: str | None = None, ex: Extraction | None = None
) -> Field:
    """A Field from one cell; problems go to ``ex.review``, blanks to ``ex.gaps``."""
    if cell is None:
        return Field(path, None, "", None, None, 0.0)
    raw = cell.text
    value, problem = ocr_value(raw, type_, unit) if cell.source == "ocr" else parse_typed(raw, type_, unit)
    f = Field(path, value, raw, cell.page, cell.bbox, cell.confidence, cell.source)
    if ex is not None:
        if type_ in NUMERIC:
            ex.numeric[path] = (type_, unit)
        if problem:
            ex.flag(path, problem)
        elif "(cid:" in raw:  # glyphs the font maps to no character: the text is not what the page shows
            ex.flag(path, "unmapped glyphs (cid:N) in the text layer")
        elif value is None and type_ != "text" and not is_placeholder(raw):
            ex.flag(path, "unreadable")
        if cell.confidence < LOW_CONFIDENCE:
            ex.flag(path, f"low confidence {cell.confidence:.2f}")
    return f
