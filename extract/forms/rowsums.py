"""A block's row whose label OCR lost, named by the form's own sums (fields stage, scans).

A seal over 年度资金总额 leaves its row's label unread (年盛美全): the row is kept under
``funds.other_rows`` and the named total row reads blank, every figure of both in review. Where the block's
sum rule (``columns_sum``: total = Σ parts, per column) singles out one named row that read no figure as the
one the unnamed row must be — in some column its figure is exactly the sum the rule gives, and no other row
fits — its figures go to that row, still in review (its label did not read; a figure of it may be misread:
the checks that follow say). Nothing is named where two rows would fit, where no column's sum can be made,
or where the block holds other unnamed rows (中央补助 beside a sealed total: which is which is unsure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from extract.forms.extraction import Extraction
from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance
from extract.model import Field

MIN_PARTS = 2  # a sum of this many figures names a row by one column; one part alone, by two columns or more


def name_rows_by_sums(ex: Extraction, rules: Sequence[RuleSpec]) -> list[str]:
    """Move an unnamed OCR row of a block to the named row its figures sum as, where the block's sum rule
    singles it out; returns the rows so named."""
    named: list[str] = []
    for rule in rules:
        if rule.kind != "columns_sum" or not str(rule.params.get("matrix", "")).endswith(".rows"):
            continue
        matrix = str(rule.params["matrix"])
        base = matrix.removesuffix(".rows") + ".other_rows"
        unnamed = ex.rows.get(base, [])
        if len(unnamed) != 1 or unnamed[0]["label"].source != "ocr":
            continue
        item = unnamed[0]
        total_row, parts = str(rule.params["total_row"]), [str(p) for p in rule.params["part_rows"]]
        blank = [r for r in (total_row, *parts) if not _figures(ex, matrix, r)]
        fits = [r for r in blank if _fits(ex, rule, matrix, item, r, total_row, parts)]
        if len(fits) != 1:
            continue
        _move(ex, matrix, base, fits[0], rule)
        named.append(f"{matrix}.{fits[0]}")
    return named


def _number(ex: Extraction, path: str) -> Decimal | None:
    f = ex.get(path)
    return f.value if f is not None and isinstance(f.value, Decimal) else None


def _figures(ex: Extraction, matrix: str, row: str) -> bool:
    prefix = f"{matrix}.{row}."
    return any(isinstance(f.value, Decimal) for p, f in ex.fields.items() if p.startswith(prefix))


def _fits(
    ex: Extraction,
    rule: RuleSpec,
    matrix: str,
    item: dict[str, Field],
    row: str,
    total_row: str,
    parts: list[str],
) -> bool:
    """The unnamed row's figures are those ``row`` must print by the rule: one column's figure is exactly
    the sum of two parts or more; where one part alone is printed (the total is that part: the other parts
    blank), every column that can be compared, two at least."""
    held, broken, strong = 0, 0, False
    for col in rule.params["columns"]:
        f = item.get(col)
        value = None if f is None else f.value
        if not isinstance(value, Decimal):
            continue
        if row == total_row:
            known = [v for p in parts if (v := _number(ex, f"{matrix}.{p}.{col}")) is not None]
            if not known:
                continue
            expected = sum(known, Decimal(0))
            terms = len(known)
        else:
            total = _number(ex, f"{matrix}.{total_row}.{col}")
            known = [v for p in parts if p != row and (v := _number(ex, f"{matrix}.{p}.{col}")) is not None]
            if total is None:
                continue
            expected = total - sum(known, Decimal(0))
            terms = len(known) + 1
        if expected == 0:
            continue
        if abs(value - expected) <= allowance(rule.tolerance, value, expected):
            held += 1
            strong = strong or terms >= MIN_PARTS
        else:
            broken += 1
    return strong or (held >= MIN_PARTS and not broken)


def _move(ex: Extraction, matrix: str, base: str, row: str, rule: RuleSpec) -> None:
    """The unnamed row's figures to ``row``, each in review with why; the unnamed row is gone."""
    (item,) = ex.rows.pop(base)
    label = item["label"]
    why = (
        f"row label read as {str(label.value)!r} (a seal over it?): taken as the row {row}, whose figures "
        f"its own are by the form's sum ({rule.rule}); its label did not read"
    )
    for key, f in item.items():
        if key == "label":
            continue
        path = f"{matrix}.{row}.{key}"
        ex.put(replace(f, name=path), gap=False)
        if f"{base}[0].{key}" in ex.numeric:
            ex.numeric[path] = ex.numeric.pop(f"{base}[0].{key}")
        ex.review[path] = why
    for path in [p for p in ex.review if p.startswith(f"{base}[")]:
        del ex.review[path]
    ex.gaps[:] = [g for g in ex.gaps if not g.startswith((f"{base}[", f"{matrix}.{row}."))]
    ex.review[f"{matrix}.{row}"] = why
