"""Uncertain OCR numbers are read again another way, and an arithmetic-aware repair picks between
readings only when the form's own arithmetic singles one out.

* A number read by OCR with low confidence, or involved in a failed check, is read again from its cell
  with the other engine (digits only). Agreeing readings raise its confidence; disagreeing ones are
  kept as alternatives, listed in ``provenance[path].readings``.
* When checks fail and exactly one alternative of exactly one field makes every check pass, that
  reading is taken: the record keeps the first reading in ``repaired_from`` and the check in ``repair``.
  Otherwise every field with disagreeing readings goes to ``review``. A form's own inconsistency (both
  engines read the same digits) has no alternative, so it is reported, never "repaired".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from decimal import Decimal

from .errors import ExtractError, ValueParseError
from .fields import Extraction
from .model import Check, Field, PageContent
from .ocr import get_engine
from .values import parse_number

REREAD_BELOW = {"rapidocr": 0.97, "tesseract": 1.01}  # confidence under which a number is read again:
# tesseract's confidences do not tell right from wrong digits here, so each of its numbers is checked
INSET = 3


def _numeric(ex: Extraction) -> Iterator[Field]:
    for f in ex.fields.values():
        if f.source == "ocr" and isinstance(f.value, Decimal):
            yield f
    for rows in ex.rows.values():
        for row in rows:
            for f in row.values():
                if f.source == "ocr" and isinstance(f.value, Decimal):
                    yield f


def _put(ex: Extraction, f: Field) -> None:
    if f.name in ex.fields:
        ex.fields[f.name] = f
        return
    table, _, rest = f.name.partition("[")
    index, _, key = rest.partition("].")
    ex.rows[table][int(index)][key] = f


def reread(ex: Extraction, pages: dict[int, PageContent], primary: str, suspects: set[str]) -> dict[str, Decimal]:
    """Second readings; returns the fields whose readings disagree, with the other reading."""
    below = REREAD_BELOW.get(primary, 1.01)
    todo = [f for f in _numeric(ex) if f.confidence < below or f.name in suspects]
    if not todo:
        return {}
    other = "tesseract" if primary == "rapidocr" else "rapidocr"
    try:
        engine = get_engine(other)
    except ExtractError:
        engine = get_engine(primary)
    disagree: dict[str, Decimal] = {}
    for page_no in sorted({f.page for f in todo if f.page is not None}):
        page = pages.get(page_no)
        if page is None or page.image is None:
            continue
        fields = [f for f in todo if f.page == page_no and f.bbox is not None]
        boxes = [
            tuple(int(v * page.scale) + d for v, d in zip(f.bbox or (), (INSET, INSET, -INSET, -INSET), strict=True))
            for f in fields
        ]
        for f, line in zip(fields, engine.read(page.image, boxes, numeric=True), strict=True):  # type: ignore[arg-type]
            try:
                number = parse_number(line.text)
            except ValueParseError:
                number = None
            readings = (f.raw, line.text)
            if number is not None and number.value == f.value:
                _put(ex, dataclasses.replace(f, confidence=max(f.confidence, line.confidence), readings=readings))
            else:
                _put(ex, dataclasses.replace(f, readings=readings))
                if number is not None:
                    disagree[f.name] = number.value
    return disagree


def repair(ex: Extraction, alternatives: dict[str, Decimal], run: Callable[[], list[Check]]) -> list[Check]:
    """Try each alternative reading alone; take it only if it is the one that makes every check pass."""
    checks = run()
    if not any(c.status == "fail" for c in checks):
        for path in alternatives:
            ex.flag(path, "OCR readings disagree")
        return checks
    fields = {f.name: f for f in _numeric(ex)}
    solutions = []
    for path, value in alternatives.items():
        original = fields[path]
        _put(ex, dataclasses.replace(original, value=value))
        trial = run()
        _put(ex, original)
        if not any(c.status == "fail" for c in trial):
            fixed = [c.id for c, t in zip(checks, trial, strict=True) if c.status == "fail" and t.status == "pass"]
            solutions.append((path, value, fixed))
    if len(solutions) == 1:
        path, value, fixed = solutions[0]
        f = fields[path]
        _put(
            ex,
            dataclasses.replace(
                f,
                value=value,
                raw=str(value),
                repaired_from=f.raw,
                repair=f"the other reading makes {', '.join(fixed)} pass",
            ),
        )
        for other in alternatives:
            if other != path:
                ex.flag(other, "OCR readings disagree")
        return run()
    for path in alternatives:
        ex.flag(path, "OCR readings disagree" + (" (several repairs fit)" if solutions else ""))
    return checks
