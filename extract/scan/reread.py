"""Uncertain OCR numbers are read again another way, and an arithmetic-aware repair picks between
readings only when the form's own arithmetic singles one out.

* A number read by OCR with low confidence, or involved in a failed check, is read again from its cell
  with the other engine (digits only). Agreeing readings raise its confidence; disagreeing ones are
  kept as alternatives, listed in ``provenance[path].readings``.
* When checks fail and exactly one smallest set of alternatives (one field, else two, else three) makes
  every check pass, those readings are taken: the record keeps the first reading in ``repaired_from`` and
  the check in ``repair``.
  Otherwise every field with disagreeing readings goes to ``review``. A form's own inconsistency (both
  engines read the same digits) has no alternative, so it is reported, never "repaired".
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from extract.errors import ExtractError, ValueParseError
from extract.forms.extraction import Extraction, ocr_value
from extract.forms.values import is_placeholder, parse_number
from extract.model import UNREAD_INK, Check, Field, PageContent
from extract.scan.ocr import get_engine
from extract.scan.ocr.base import OcrEngine, OcrLine

REREAD_BELOW = {"rapidocr": 0.97, "tesseract": 1.01}  # confidence under which a number is read again:
# tesseract's confidences do not tell right from wrong digits here, so each of its numbers is checked
INSET = 3


def ocr_numbers(ex: Extraction) -> Iterator[Field]:
    """The numbers of an extraction read by OCR (its fields and its tables' cells)."""
    for f in ex.fields.values():
        if f.source == "ocr" and isinstance(f.value, Decimal):
            yield f
    for rows in ex.rows.values():
        for row in rows:
            for f in row.values():
                if f.source == "ocr" and isinstance(f.value, Decimal):
                    yield f


def reread(
    ex: Extraction,
    pages: dict[int, PageContent],
    primary: str,
    suspects: set[str],
    doubted: frozenset[int] = frozenset(),
) -> tuple[Extraction, dict[str, Decimal]]:
    """Second readings: a new extraction whose numbers carry both readings, and the fields whose readings
    disagree, with the other reading. ``ex`` is left as it is. Every number on a page in ``doubted`` (print
    hard to read in the scan: the recogniser is as sure of a misread digit as of a right one) is read
    again, whatever its confidence."""
    below = REREAD_BELOW.get(primary, 1.01)
    todo = [f for f in ocr_numbers(ex) if f.confidence < below or f.name in suspects or f.page in doubted]
    unread = list(_unread(ex))
    todo += unread
    if not todo:
        return ex, {}
    unread_paths = {f.name for f in unread}
    other = "tesseract" if primary == "rapidocr" else "rapidocr"
    try:
        engine = get_engine(other)
    except ExtractError:
        engine = get_engine(primary)
    disagree: dict[str, Decimal] = {}
    changed: list[Field] = []
    found: dict[str, str] = {}  # figures the first engine did not read, the other did: why each is in review
    blank: list[str] = []  # read as a figure by one engine, as none by the other (a dash, a speck)
    for f, line in _read_again(todo, pages, engine):
        if f.name in unread_paths:
            taken = _second_reading(f, line, *ex.numeric[f.name])
            if taken is not None:
                changed.append(taken[0])
                found[f.name] = taken[1]
            continue
        try:
            number = parse_number(line.text)
        except ValueParseError:
            number = None
        readings = (f.raw, line.text)
        if number is not None and number.value == f.value:
            changed.append(dataclasses.replace(f, confidence=max(f.confidence, line.confidence), readings=readings))
        else:
            changed.append(dataclasses.replace(f, readings=readings))
            if number is not None:
                disagree[f.name] = number.value
            else:
                blank.append(f.name)
    _take_glyphs([f for f in unread if f.name not in found], pages, ex, changed, found)
    why = "the other OCR engine reads no figure here (a dash or a speck read as one?)"
    out = ex.with_fields(changed, dict.fromkeys(blank, why))
    out.review.update(found)  # in place of "cannot read …": the figure is now read, by one engine
    out.gaps[:] = [g for g in out.gaps if g not in found]
    return out, disagree


def _read_again(todo: list[Field], pages: dict[int, PageContent], engine: OcrEngine) -> Iterator[tuple[Field, OcrLine]]:
    """Each field with its cell read again by ``engine`` (digits only), page by page."""
    for page_no in sorted({f.page for f in todo if f.page is not None}):
        page = pages.get(page_no)
        if page is None or page.image is None:
            continue
        fields = [f for f in todo if f.page == page_no and f.bbox is not None]
        boxes = [
            tuple(int(v * page.scale) + d for v, d in zip(f.bbox or (), (INSET, INSET, -INSET, -INSET), strict=True))
            for f in fields
        ]
        image = lift_ghosts(page.image, boxes)  # type: ignore[arg-type]
        yield from zip(fields, engine.read(image, boxes, numeric=True), strict=True)  # type: ignore[arg-type]


GHOST_INK_SHARE = 0.2  # the percentile of a cell's pixels that is its darkest ink (a 6 is 1 % of its cell) …
GHOST_DARK = 100  # … a cell holding ink this dark …
GHOST_SPAN = 100  # … on paper this much lighter (its median) …
GHOST_LIFT = 0.6  # … has its pixels lighter than this share of the way from ink to paper lifted to white


def lift_ghosts(image: Any, boxes: list[tuple[int, int, int, int]]) -> Any:
    """The page with, in each box that holds dark ink, the pixels much lighter than that ink made paper: what is
    left of a seal (its grey ghost, after ``prep.suppress_seal``) beside a figure is read as a glyph of it (6台
    for 6, a 6 not read at all) — the figure's own strokes are the darkest ink in its cell. A cell of faint
    print only (a pale photocopy: no ink this dark) is left as it is."""
    import numpy as np

    out = None
    for x0, y0, x1, y1 in boxes:
        crop = image[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
        if crop.size == 0:
            continue
        dark, paper = float(np.percentile(crop, GHOST_INK_SHARE)), float(np.median(crop))
        if dark >= GHOST_DARK or paper - dark < GHOST_SPAN:
            continue
        if out is None:
            out = image.copy()
        cut = out[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
        cut[cut > dark + (paper - dark) * GHOST_LIFT] = 255
    return image if out is None else out


GLYPHS = "the page's own glyphs"


def _take_glyphs(
    todo: list[Field], pages: dict[int, PageContent], ex: Extraction, changed: list[Field], found: dict[str, str]
) -> None:
    """Figures neither engine read that the page's own glyphs spell: taken, each in review with why."""
    for f, text, likeness in _read_by_glyphs(todo, pages):
        taken = _second_reading(f, OcrLine(text, (0, 0, 0, 0), likeness), *ex.numeric[f.name], by=GLYPHS)
        if taken is not None:
            changed.append(taken[0])
            found[f.name] = taken[1]


def _read_by_glyphs(todo: list[Field], pages: dict[int, PageContent]) -> Iterator[tuple[Field, str, float]]:
    """Figures neither engine read, read by the glyphs of their page (``glyphs.read_glyphs``)."""
    from extract.scan.glyphs import glyph_bank, read_glyphs

    for page_no in sorted({f.page for f in todo if f.page is not None}):
        page = pages.get(page_no)
        bank = glyph_bank(page) if page is not None else None
        if page is None or bank is None:
            continue
        for f in todo:
            if f.page == page_no and f.bbox is not None:
                box = (
                    int(f.bbox[0] * page.scale),
                    int(f.bbox[1] * page.scale),
                    int(f.bbox[2] * page.scale),
                    int(f.bbox[3] * page.scale),
                )
                if (read := read_glyphs(bank, box)) is not None:
                    yield f, *read


def _unread(ex: Extraction) -> Iterator[Field]:
    """Figures OCR did not read: a figure's cell whose text is no figure ('+' for a 4 whose strokes the scan
    broke, 432.000).00)) or that reads as nothing while it holds ink (``UNREAD_INK``)."""
    for path in ex.numeric:
        f = ex.get(path)
        if f is None or f.name != path or f.source != "ocr" or f.value is not None or f.bbox is None:
            continue
        text = f.raw.strip()
        if f.confidence <= UNREAD_INK or (text and not is_placeholder(text) and text.strip(_DASH_GLYPHS)):
            yield f


_DASH_GLYPHS = "一—－-_~"  # a cell read as these alone holds a dash (一 is a recogniser's reading of —): no figure
SECOND_ONLY_FROM = 0.5  # a figure only the other engine reads is taken from this confidence: below it, the
# readings of a dash, a slash or a speck as a digit (7, -7, 2 at 0.0–0.34) outnumber the right ones 3 to 1


def _second_reading(f: Field, line: OcrLine, type_: str, unit: str | None, by: str = "") -> tuple[Field, str] | None:
    """The figure the other engine (or ``by``) reads in a cell the first read none in, and why it stays in
    review."""
    value, problem = ocr_value(line.text, type_, unit)
    if not isinstance(value, Decimal) or line.confidence < SECOND_ONLY_FROM:
        return None
    first = f"{f.raw.strip()!r}" if f.raw.strip() else "nothing (ink unread)"
    if by:
        why = f"read by {by} only: the OCR engines read {first}, the glyphs {line.text.strip()}"
    else:
        why = f"read by one OCR engine only: the first read {first}, the other {line.text.strip()}"
    if problem:
        why += f" ({problem})"
    readings = (f.raw, line.text)
    return dataclasses.replace(f, value=value, raw=line.text, confidence=line.confidence, readings=readings), why


MAX_REPAIRED = 3  # fields whose other readings may be taken together
MAX_TRIALS = 256  # check runs one repair may cost
DISAGREE = "OCR readings disagree"

Checker = Callable[[Extraction], list[Check]]


def repair(ex: Extraction, alternatives: dict[str, Decimal], run: Checker) -> tuple[Extraction, list[Check]]:
    """Try the alternative readings alone, then two together, then three: take the smallest set that makes
    every check pass, only if it is the one set of its size that does (a scan that misread two scores of a
    level-1 group needs both other readings to add up; two sets that fit are a guess, not taken). Returns a
    new extraction and its checks; ``ex`` is left as it is."""
    checks = run(ex)
    if not any(c.status == "fail" for c in checks):
        return ex.with_fields([], dict.fromkeys(alternatives, DISAGREE)), checks
    fields = {f.name: f for f in ocr_numbers(ex)}
    solutions = _solutions(ex, fields, alternatives, checks, run)
    if len(solutions) == 1:
        paths, fixed = solutions[0]
        reading = (
            "the other reading makes" if len(paths) == 1 else f"with {len(paths) - 1} more, the other reading makes"
        )
        repaired = f"{reading} {', '.join(fixed)} pass"
        taken = [
            dataclasses.replace(
                fields[p], value=alternatives[p], raw=str(alternatives[p]), repaired_from=fields[p].raw, repair=repaired
            )
            for p in paths
        ]
        out = ex.with_fields(taken, {other: DISAGREE for other in alternatives if other not in paths})
        return out, run(out)
    why = DISAGREE + (" (several repairs fit)" if solutions else "")
    return ex.with_fields([], dict.fromkeys(alternatives, why)), checks


def _solutions(
    ex: Extraction,
    fields: dict[str, Field],
    alternatives: dict[str, Decimal],
    checks: list[Check],
    run: Checker,
) -> list[tuple[tuple[str, ...], list[str]]]:
    """The sets of alternative readings, of the smallest size any exists, that make every check pass, with
    the checks each fixes. Each set is tried on a new extraction."""
    solutions: list[tuple[tuple[str, ...], list[str]]] = []
    sets = (
        p
        for size in range(1, min(len(alternatives), MAX_REPAIRED) + 1)
        for p in itertools.combinations(alternatives, size)
    )
    for paths in itertools.islice(sets, MAX_TRIALS):
        if solutions and len(paths) > len(solutions[0][0]):
            break
        trial = run(ex.with_fields([dataclasses.replace(fields[p], value=alternatives[p]) for p in paths]))
        if not any(c.status == "fail" for c in trial):
            fixed = [c.id for c, t in zip(checks, trial, strict=True) if c.status == "fail" and t.status == "pass"]
            solutions.append((paths, fixed))
    return solutions
