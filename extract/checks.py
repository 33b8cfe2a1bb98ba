"""Arithmetic checks, as data: each template rule gives one ``Check`` in the record.

All arithmetic is ``Decimal``; each comparison has an explicit tolerance and unit. A check whose
inputs are missing is ``skipped``, never passed. ``difference`` is always ``|expected - actual|``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from .model import AmountInText, Check
from .templates import RuleSpec
from .values import to_wan

Number = Decimal


@dataclass(frozen=True, slots=True)
class Facts:
    """The values the checks read: scalars by record path, amounts in text, table rows."""

    values: dict[str, Decimal | int | str | None]
    amounts: Sequence[AmountInText] = ()
    indicators: Sequence[dict[str, Decimal | int | str | None]] = ()
    subtotals: Sequence[dict[str, Decimal | int | str | None]] = ()
    used: dict[str, list[str]] = field(default_factory=dict)

    def number(self, path: str) -> Decimal | None:
        v = self.values.get(path)
        return v if isinstance(v, Decimal) else (Decimal(v) if isinstance(v, int) else None)


def _compare(rule: RuleSpec, expected: Decimal, actual: Decimal, fields: list[str]) -> Check:
    diff = abs(expected - actual)
    status = "pass" if diff <= rule.tolerance else "fail"
    return Check(rule.id, status, rule.rule, expected, actual, diff, rule.unit, rule.tolerance, fields)


def _skipped(rule: RuleSpec, fields: list[str], why: str) -> Check:
    return Check(rule.id, "skipped", rule.rule, unit=rule.unit, tolerance=rule.tolerance, fields=fields, details=[why])


def check_sum_equal(rule: RuleSpec, facts: Facts) -> Check:
    lhs, rhs = list(rule.params["lhs"]), list(rule.params["rhs"])
    missing = [p for p in lhs + rhs if facts.number(p) is None]
    if missing:
        return _skipped(rule, lhs + rhs, "missing: " + ", ".join(missing))
    actual = sum((facts.number(p) or Decimal(0) for p in lhs), Decimal(0))
    expected = sum((facts.number(p) or Decimal(0) for p in rhs), Decimal(0))
    return _compare(rule, expected, actual, lhs + rhs)


def _amounts(facts: Facts, field_path: str, pattern: str, exclude: str | None = None) -> list[tuple[int, AmountInText]]:
    pat = regex.compile(pattern)
    ex = regex.compile(exclude) if exclude else None
    return [
        (i, a)
        for i, a in enumerate(facts.amounts)
        if a.field == field_path and pat.search(a.label) and not (ex and ex.search(a.label))
    ]


def _amount_paths(hits: Sequence[tuple[int, AmountInText]]) -> list[str]:
    return [f"amounts_in_text[{i}]" for i, _ in hits]


def check_text_parts_sum(rule: RuleSpec, facts: Facts) -> Check:
    fp = rule.params["field"]
    totals = _amounts(facts, fp, rule.params["total"])
    exclude = rule.params.get("exclude")
    parts = [h for p in rule.params["parts"] for h in _amounts(facts, fp, p, exclude)]
    parts = sorted(dict(parts).items())
    fields = _amount_paths(totals) + _amount_paths(parts)
    if len(totals) != 1:
        return _skipped(rule, fields or [fp], f"{len(totals)} totals found in {fp}")
    if not parts:
        return _skipped(rule, fields, f"no parts found in {fp}")
    unit = rule.unit or "元"
    expected = to_wan(totals[0][1].amount, totals[0][1].unit) if unit == "万元" else _in_yuan(totals[0][1])
    actual = sum((to_wan(a.amount, a.unit) if unit == "万元" else _in_yuan(a) for _, a in parts), Decimal(0))
    return _compare(rule, expected, actual, fields)


def _in_yuan(a: AmountInText) -> Decimal:
    return a.amount * 10000 if a.unit == "万元" else a.amount


def check_text_matches_field(rule: RuleSpec, facts: Facts) -> Check:
    fp = rule.params["field"]
    hits = _amounts(facts, fp, rule.params["amount"])
    target = rule.params["rhs"][0]
    fields = [*_amount_paths(hits), target]
    value = facts.number(target)
    if len(hits) != 1 or value is None:
        return _skipped(
            rule, fields, f"{len(hits)} amounts found in {fp}" if value is not None else f"missing: {target}"
        )
    a = hits[0][1]
    actual = to_wan(a.amount, a.unit) if rule.unit == "万元" else _in_yuan(a)
    return _compare(rule, value, actual, fields)


def check_indicator_subtotals(rule: RuleSpec, facts: Facts) -> Check:
    if not facts.subtotals or not facts.indicators:
        return _skipped(rule, [], "no indicator subtotals")
    details: list[str] = []
    fields: list[str] = []
    for i, sub in enumerate(facts.subtotals):
        rows = [(j, r) for j, r in enumerate(facts.indicators) if r.get("level1") == sub.get("level1")]
        for key in ("reference_score", "set_score", "score"):
            printed = sub.get(key)
            vals = [r.get(key) for _, r in rows]
            if not isinstance(printed, Decimal) or not rows or not all(isinstance(v, Decimal) for v in vals):
                continue
            total = sum((v for v in vals if isinstance(v, Decimal)), Decimal(0))
            if abs(total - printed) > rule.tolerance:
                details.append(f"{sub.get('level1')} {key}: printed {printed}, rows sum to {total}")
                fields.append(f"indicator_subtotals[{i}].{key}")
                fields.extend(f"indicators[{j}].{key}" for j, _ in rows)
    return Check(
        rule.id, "fail" if details else "pass", rule.rule, tolerance=rule.tolerance, fields=fields, details=details
    )


def check_total_score(rule: RuleSpec, facts: Facts) -> Check:
    total = facts.number("score.total")
    rows = facts.subtotals or facts.indicators
    scores = [r.get("score") for r in rows]
    if total is None or not rows or not all(isinstance(s, Decimal) for s in scores):
        return _skipped(rule, ["score.total"], "missing total or scores")
    actual = sum((s for s in scores if isinstance(s, Decimal)), Decimal(0))
    check = _compare(rule, total, actual, ["score.total"])
    details = list(check.details)
    status = check.status
    want = rule.params.get("total_set")
    if want is not None:
        sets = [r.get("set_score") for r in rows]
        printed = facts.number("score.total_set")
        if all(isinstance(s, Decimal) for s in sets):
            set_sum = sum((s for s in sets if isinstance(s, Decimal)), Decimal(0))
            if set_sum != Decimal(str(want)) or (printed is not None and printed != set_sum):
                status = "fail"
                details.append(f"set scores sum to {set_sum}, printed {printed}, expected {want}")
    return Check(
        check.id,
        status,
        check.rule,
        check.expected,
        check.actual,
        check.difference,
        rule.unit or "分",
        rule.tolerance,
        ["score.total", "score.total_set"],
        details,
    )


def check_score_within_weight(rule: RuleSpec, facts: Facts) -> Check:
    details, fields = [], []
    checked = 0
    for j, r in enumerate(facts.indicators):
        s, w = r.get("score"), r.get("set_score")
        if isinstance(s, Decimal) and isinstance(w, Decimal):
            checked += 1
            if s < 0 or s > w:
                details.append(f"indicators[{j}] score {s} outside 0..{w}")
                fields += [f"indicators[{j}].score", f"indicators[{j}].set_score"]
    if not checked:
        return _skipped(rule, [], "no scored indicators")
    return Check(rule.id, "fail" if details else "pass", rule.rule, fields=fields, details=details)


def check_grade_band(rule: RuleSpec, facts: Facts) -> Check:
    total, grade = facts.number("score.total"), facts.values.get("score.grade")
    fields = ["score.total", "score.grade"]
    if total is None or not grade:
        return _skipped(rule, fields, "missing total or grade")
    for band in rule.params["bands"]:
        lo = Decimal(str(band["min"])) if "min" in band else None
        hi = Decimal(str(band["max"])) if "max" in band else None
        if (lo is None or total >= lo) and (hi is None or total < hi):
            ok = band["grade"] == grade
            detail = [] if ok else [f"score {total} is in band {band['grade']}, printed {grade}"]
            return Check(rule.id, "pass" if ok else "fail", rule.rule, fields=fields, details=detail)
    return Check(rule.id, "fail", rule.rule, fields=fields, details=[f"score {total} in no band"])


CHECKS: dict[str, Callable[[RuleSpec, Facts], Check]] = {
    "sum_equal": check_sum_equal,
    "text_parts_sum": check_text_parts_sum,
    "text_matches_field": check_text_matches_field,
    "indicator_subtotals": check_indicator_subtotals,
    "total_score": check_total_score,
    "score_within_weight": check_score_within_weight,
    "grade_band": check_grade_band,
}


def run_checks(rules: Sequence[RuleSpec], facts: Facts) -> list[Check]:
    return [CHECKS[r.kind](r, facts) for r in rules]
