"""What every check needs: the facts it reads, and how a comparison becomes a ``Check``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance, half_unit, stated
from extract.model import AmountInText, Check

__all__ = ["Facts", "Row", "compare", "first_failure", "half_unit", "skipped", "verdict"]

Scalar = Decimal | int | str | bool | None
Row = Mapping[str, Scalar]


@dataclass(frozen=True, slots=True)
class Facts:
    """The values the checks read: scalars by record path, amounts in text, table rows, and the texts
    of the narrative fields (for statements such as 共…元，其中…元)."""

    values: Mapping[str, Scalar]
    amounts: Sequence[AmountInText] = ()
    indicators: Sequence[Row] = ()
    subtotals: Sequence[Row] = ()

    def unit_of(self, path: str) -> str | None:
        """The unit of the amount at ``path``, as its section (``budget``, ``funds``) prints it."""
        v = self.values.get(path.split(".")[0] + ".unit")
        return v if isinstance(v, str) else None

    def number(self, path: str) -> Decimal | None:
        v = self.values.get(path)
        if isinstance(v, bool):
            return None
        return v if isinstance(v, Decimal) else (Decimal(v) if isinstance(v, int) else None)


def compare(
    rule: RuleSpec,
    expected: Decimal,
    actual: Decimal,
    fields: list[str],
    *,
    tolerance: Decimal | None = None,
    unit: str | None = None,
    details: list[str] | None = None,
) -> Check:
    tol = allowance(rule.tolerance, expected, actual) if tolerance is None else tolerance
    diff = actual - expected
    return Check(
        id=rule.id,
        status="pass" if abs(diff) <= tol else "fail",
        rule=rule.rule,
        expected=expected,
        actual=actual,
        difference=abs(diff),
        signed_difference=diff,
        unit=unit or rule.unit,
        tolerance=tol,
        fields=fields,
        details=details or [],
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


def verdict(rule: RuleSpec, failures: list[str], fields: list[str], checked: int) -> Check:
    """A check over many items (rows, indicators) with no single expected/actual pair."""
    if not checked:
        return skipped(rule, fields, "nothing to check")
    return Check(id=rule.id, status="fail" if failures else "pass", rule=rule.rule, fields=fields, details=failures)


def first_failure(rule: RuleSpec, results: list[Check], fields: list[str]) -> Check:
    """Fold per-item comparisons into one check: the first failing item (else the first item) gives
    expected/actual; details name every failing item."""
    if not results:
        return skipped(rule, fields, "nothing to check")
    failing = [c for c in results if c.status == "fail"]
    head = failing[0] if failing else results[0]
    details = [d for c in failing for d in c.details]
    if failing:  # the fields of the failing items
        fields = list(dict.fromkeys(f for c in failing for f in c.fields))
    return dataclasses.replace(head, id=rule.id, rule=rule.rule, fields=fields, details=details)
