"""A block's rows whose labels OCR lost, named by the form's own sums (fields stage, scans).

A seal over 年度资金总额 leaves its row's label unread (年盛美全), and a ruling over 其中：本年财政拨款 another's
(其中：年财政拨): the rows are kept under ``funds.other_rows`` and the named rows read blank, every figure of
both in review. The block's sum rule (``columns_sum``: total = Σ parts, per column) can name them: each way of
giving some of the unnamed rows to named rows that read no figure is tried, and where exactly one makes the
rule hold — in some column the total is exactly the sum of two parts or more, or, with one part alone, in two
columns or more and broken in none — those rows are named so, their figures in review (their labels did not
read; a figure of them may be misread: the checks that follow say). Where two ways hold, or none, nothing is
named; an unnamed row no way needs (中央补助 beside the parts) stays as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal

from extract.forms.extraction import Extraction
from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance
from extract.model import Field

MIN_PARTS = 2  # a sum of this many figures names rows by one column; one part alone, by two columns or more
MAX_UNNAMED = 4  # unnamed rows of a block weighed together (the ways to name them grow fast)

Assignment = dict[int, str]  # unnamed row index -> the named row it is taken as


def name_rows_by_sums(ex: Extraction, rules: Sequence[RuleSpec]) -> list[str]:
    """Give unnamed OCR rows of a block to the named rows their figures sum as, where the block's sum rule
    singles out one way to; returns the rows so named."""
    named: list[str] = []
    for rule in rules:
        if rule.kind != "columns_sum" or not str(rule.params.get("matrix", "")).endswith(".rows"):
            continue
        matrix = str(rule.params["matrix"])
        base = matrix.removesuffix(".rows") + ".other_rows"
        unnamed = ex.rows.get(base, [])
        ocr = [k for k, item in enumerate(unnamed) if item["label"].source == "ocr"]
        if not ocr or len(unnamed) > MAX_UNNAMED:
            continue
        rows = [str(rule.params["total_row"]), *(str(p) for p in rule.params["part_rows"])]
        blank = [r for r in rows if not _figures(ex, matrix, r)]
        fits = [a for a in _assignments(ocr, blank) if _holds(ex, rule, matrix, unnamed, a)]
        if len(fits) != 1:
            continue
        _move(ex, matrix, base, fits[0], rule)
        named += [f"{matrix}.{r}" for r in fits[0].values()]
    return named


def _assignments(unnamed: list[int], blank: list[str]) -> Iterator[Assignment]:
    """Every way to give one or more of the unnamed rows to distinct blank named rows."""
    for n in range(1, min(len(unnamed), len(blank)) + 1):
        for chosen in itertools.combinations(unnamed, n):
            for rows in itertools.permutations(blank, n):
                yield dict(zip(chosen, rows, strict=True))


def _figures(ex: Extraction, matrix: str, row: str) -> bool:
    prefix = f"{matrix}.{row}."
    return any(isinstance(f.value, Decimal) for p, f in ex.fields.items() if p.startswith(prefix))


def _holds(
    ex: Extraction, rule: RuleSpec, matrix: str, unnamed: list[dict[str, Field]], assignment: Assignment
) -> bool:
    """The rule holds with the unnamed rows taken as ``assignment`` says, each of them in a column compared:
    in some column the total is exactly the sum of ``MIN_PARTS`` parts or more, or in ``MIN_PARTS`` columns
    or more (none broken) where one part alone is printed."""
    taken = {row: unnamed[k] for k, row in assignment.items()}
    total_row, parts = str(rule.params["total_row"]), [str(p) for p in rule.params["part_rows"]]

    def value(row: str, col: str) -> Decimal | None:
        f = taken[row].get(col) if row in taken else ex.get(f"{matrix}.{row}.{col}")
        return f.value if f is not None and isinstance(f.value, Decimal) else None

    held, broken, strong = 0, 0, False
    used: set[str] = set()
    for col in rule.params["columns"]:
        total = value(total_row, col)
        known = {p: v for p in parts if (v := value(p, col)) is not None}
        if total is None or not known:
            continue
        expected = sum(known.values(), Decimal(0))
        if total == 0 and expected == 0:
            continue  # zeros sum to anything: no evidence
        if abs(total - expected) <= allowance(rule.tolerance, total, expected):
            held += 1
            strong = strong or len(known) >= MIN_PARTS
            used |= {r for r in (total_row, *known) if r in taken}
        else:
            broken += 1
    return used == set(taken) and (strong or (held >= MIN_PARTS and not broken))


def _move(ex: Extraction, matrix: str, base: str, assignment: Assignment, rule: RuleSpec) -> None:
    """The unnamed rows' figures to the rows ``assignment`` names, each in review with why; the other
    unnamed rows stay, numbered anew."""
    unnamed = ex.rows.pop(base)
    for k, row in assignment.items():
        item = unnamed[k]
        why = (
            f"row label read as {str(item['label'].value)!r} (a seal over it?): taken as the row {row}, as the "
            f"form's sum says ({rule.rule}); its label did not read"
        )
        for key, f in item.items():
            if key == "label":
                continue
            path = f"{matrix}.{row}.{key}"
            ex.put(replace(f, name=path), gap=False)
            if (old := f"{base}[{k}].{key}") in ex.numeric:
                ex.numeric[path] = ex.numeric.pop(old)
            ex.review[path] = why
        ex.gaps[:] = [g for g in ex.gaps if not g.startswith(f"{matrix}.{row}.")]
        ex.review[f"{matrix}.{row}"] = why
    kept = [k for k in range(len(unnamed)) if k not in assignment]
    renumbered = {old: new for new, old in enumerate(kept)}

    def rename(path: str) -> str | None:
        """The path with its unnamed row numbered anew; None for a row named (gone from the block)."""
        if not path.startswith(f"{base}["):
            return path
        index, _, rest = path[len(base) + 1 :].partition("]")
        if not index.isdigit() or int(index) not in renumbered:
            return None
        return f"{base}[{renumbered[int(index)]}]{rest}"

    ex.review = {new: why for p, why in ex.review.items() if (new := rename(p)) is not None}
    ex.numeric = {new: t for p, t in ex.numeric.items() if (new := rename(p)) is not None}
    ex.gaps[:] = [new for g in ex.gaps if (new := rename(g)) is not None]
    if kept:
        ex.rows[base] = [
            {key: replace(f, name=rename(f.name) or f.name) for key, f in unnamed[old].items()} for old in kept
        ]
