"""What every check needs: the facts it reads, and how a comparison becomes a ``Check``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import regex

from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance, half_unit, stated
from extract.model import AmountInText, Check

__all__ = [
    "UNCONFIRMED",
    "Facts",
    "Row",
    "compare",
    "first_failure",
    "half_unit",
    "skipped",
    "unconfirmed",
    "unconfirmed_flags",
    "verdict",
]

Scalar = Decimal | int | str | bool | None
Row = Mapping[str, Scalar]


@dataclass(frozen=True, slots=True)
class Facts:
    """The values the checks read: scalars by record path, amounts in text, table rows, and the texts
    of the narrative fields (for statements such as 共…元，其中…元); the paths of the figures in review when
    the checks run (``unsure``: a sum that holds only through one of them confirms none of its figures)."""

    values: Mapping[str, Scalar]
    amounts: Sequence[AmountInText] = ()
    indicators: Sequence[Row] = ()
    subtotals: Sequence[Row] = ()
    unsure: frozenset[str] = frozenset()

    def unit_of(self, path: str) -> str | None:
        """The unit of the amount at ``path``, as its section (``budget``, ``funds``) prints it."""
        v = self.values.get(path.split(".")[0] + ".unit")
        return v if isinstance(v, str) else None

    def number(self, path: str) -> Decimal | None:
        v = self.values.get(path)
        if isinstance(v, bool):
            return None
        return v if isinstance(v, Decimal) else (Decimal(v) if isinstance(v, int) else None)


UNCONFIRMED = "holds only through"  # the start of a warned check's detail: it agrees through figures in review


def unconfirmed(fields: Sequence[str], unsure: frozenset[str]) -> str | None:
    """The detail of a comparison that holds only through figures in review (an OCR reading of low
    confidence, a misread suspected): were one of them wrong, so would another be — a scan that reads two
    figures wrong by amounts that cancel (4 → 1 in a score, 49.7 → 39.7 in its subtotal) passes the sum.
    None when no figure of ``fields`` is in review."""
    doubtful = [f for f in fields if f in unsure]
    if not doubtful:
        return None
    return f"{UNCONFIRMED} {', '.join(doubtful)} (in review): the other figures are not confirmed by it"


_THROUGH = regex.compile(rf"{UNCONFIRMED} (.+?) \(in review\)")


def unconfirmed_flags(checks: Sequence[Check]) -> tuple[set[str], set[str]]:
    """Of checks warned as holding only through figures in review: the fields they put in review (their
    figures, the pipeline flags each) and the figures in review they name (in doubt before the checks ran)."""
    fields: set[str] = set()
    named: set[str] = set()
    for c in checks:
        through = [m.group(1) for d in c.details for m in _THROUGH.finditer(d)]
        if c.status == "warn" and through:
            fields.update(c.fields)
        named.update(p for t in through for p in t.split(", "))
    return fields - named, named


def compare(
    rule: RuleSpec,
    expected: Decimal,
    actual: Decimal,
    fields: list[str],
    *,
    tolerance: Decimal | None = None,
    unit: str | None = None,
    details: list[str] | None = None,
    unsure: frozenset[str] = frozenset(),
) -> Check:
    """One comparison, ``pass`` within the tolerance (``warn`` when it holds only through a figure in
    ``unsure``), else ``fail``."""
    tol = allowance(rule.tolerance, expected, actual) if tolerance is None else tolerance
    diff = actual - expected
    status = "pass" if abs(diff) <= tol else "fail"
    details = list(details or [])
    if status == "pass" and (why := unconfirmed(fields, unsure)):
        status = "warn"
        details.append(why)
    return Check(
        id=rule.id,
        status=status,
        rule=rule.rule,
        expected=expected,
        actual=actual,
        difference=abs(diff),
        signed_difference=diff,
        unit=unit or rule.unit,
        tolerance=tol,
        fields=fields,
        details=details,
    )


def skipped(rule: RuleSpec, fields: list[str], why: str) -> Check:
    return Check(
        id=rule.id,
        status="skipped",
        rule=rule.rule,
        unit=rule.unit,
        tolerance=stated(rule.tolerance),
        fields=fields,
        details=[why],
    )


def verdict(
    rule: RuleSpec, failures: list[str], fields: list[str], checked: int, warnings: Sequence[str] = ()
) -> Check:
    """A check over many items (rows, indicators) with no single expected/actual pair: ``fail`` when an
    item fails, else ``warn`` when one holds only through figures in review (``warnings``), else ``pass``."""
    if not checked:
        return skipped(rule, fields, "nothing to check")
    status = "fail" if failures else ("warn" if warnings else "pass")
    return Check(id=rule.id, status=status, rule=rule.rule, fields=fields, details=[*failures, *warnings])


def first_failure(rule: RuleSpec, results: list[Check], fields: list[str]) -> Check:
    """Fold per-item comparisons into one check: the first failing item (else the first warned, else the
    first item) gives
    expected/actual; details name every failing item."""
    if not results:
        return skipped(rule, fields, "nothing to check")
    failing = [c for c in results if c.status == "fail"] or [c for c in results if c.status == "warn"]
    head = failing[0] if failing else results[0]
    named = failing + [c for c in results if c.status == "warn" and c not in failing]
    details = [d for c in named for d in c.details]
    if failing:  # the fields of the failing items and of those holding only through figures in review
        fields = list(dict.fromkeys(f for c in named for f in c.fields))
    return dataclasses.replace(head, id=rule.id, rule=rule.rule, fields=fields, details=details)
