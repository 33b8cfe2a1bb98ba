"""Checks of amounts stated in narrative text: parts against totals, and text against the table."""

from __future__ import annotations

from decimal import Decimal

import regex

from extract.checks.base import Facts, compare, first_failure, half_unit, skipped
from extract.forms.amounts import statements
from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance
from extract.forms.values import to_wan
from extract.model import AmountInText, Check


def _matching(
    facts: Facts, field_path: str, pattern: str, exclude: str | None = None
) -> list[tuple[int, AmountInText]]:
    pat = regex.compile(pattern)
    ex = regex.compile(exclude) if exclude else None
    return [
        (i, a)
        for i, a in enumerate(facts.amounts)
        if a.field == field_path and pat.search(a.label) and not (ex and ex.search(a.label))
    ]


def _paths(hits: list[tuple[int, AmountInText]]) -> list[str]:
    return [f"amounts_in_text[{i}]" for i, _ in hits]


def _in(a: AmountInText, unit: str) -> Decimal:
    return to_wan(a.amount, a.unit) if unit == "万元" else (a.amount * 10000 if a.unit == "万元" else a.amount)


def check_text_parts_sum(rule: RuleSpec, facts: Facts) -> Check:
    """Amounts picked by label: the parts (e.g. every ``…支出``) sum to the total (``本年支出合计``)."""
    fp = rule.params["field"]
    totals = _matching(facts, fp, rule.params["total"])
    parts = sorted(
        dict(h for p in rule.params["parts"] for h in _matching(facts, fp, p, rule.params.get("exclude"))).items()
    )
    fields = _paths(totals) + _paths(parts)
    if len(totals) != 1:
        return skipped(rule, fields or [fp], f"{len(totals)} totals found in {fp}")
    if not parts:
        return skipped(rule, fields, f"no parts found in {fp}")
    unit = rule.unit or "元"
    actual = sum((_in(a, unit) for _, a in parts), Decimal(0))
    return compare(rule, _in(totals[0][1], unit), actual, fields)


def check_text_total_parts(rule: RuleSpec, facts: Facts) -> Check:
    """A stated total (``共申请预算资金2026400元``) equals the sum of the parts after ``其中``."""
    unit = rule.unit or "元"
    results = []
    for fp in rule.params["fields"]:
        text = facts.values.get(fp)
        for total, parts in statements(fp, text if isinstance(text, str) else None):
            actual = sum((_in(a, unit) for a in parts), Decimal(0))
            c = compare(rule, _in(total, unit), actual, [fp])
            if c.status == "fail":
                why = f"{fp}: {total.label} {total.amount}{total.unit}, 其中 parts sum to {actual}{unit}"
                c = compare(rule, _in(total, unit), actual, [fp], details=[why])
            results.append(c)
    return first_failure(rule, results, list(rule.params["fields"]))


def check_text_matches_field(rule: RuleSpec, facts: Facts) -> Check:
    """An amount in the text (元) against a table value (万元), within rounding."""
    fp, target = rule.params["field"], rule.params["rhs"][0]
    if "amount" in rule.params:
        hits = _matching(facts, fp, rule.params["amount"])
    else:  # the stated total of the field's 共…其中 statement
        totals = [t for t, _ in statements(fp, _text(facts, fp))]
        hits = [(i, a) for i, a in enumerate(facts.amounts) if a in totals]
    fields = [fp, *_paths(hits), target]
    value = facts.number(target)
    if value is None:
        return skipped(rule, fields, f"missing: {target}")
    if len(hits) != 1:
        return skipped(rule, fields, f"{len(hits)} amounts found in {fp}")
    amount = hits[0][1]
    table_unit = facts.unit_of(target)
    if table_unit is None:
        return skipped(rule, fields, f"no unit stated for {target}")
    unit = rule.unit or "万元"
    tol = allowance(rule.tolerance, value)
    if table_unit == "元":  # the table is in 元 too: compare in 元, to the table's printed precision
        return compare(rule, value, _in(amount, "元"), fields, tolerance=half_unit(value), unit="元")
    if unit == "元":  # compare in 元: the text amount against the table value × 10000
        return compare(rule, _in(amount, "元"), value * 10000, fields, tolerance=tol * 10000, unit="元")
    return compare(rule, value, _in(amount, "万元"), fields, tolerance=tol, unit="万元")


def _text(facts: Facts, fp: str) -> str | None:
    v = facts.values.get(fp)
    return v if isinstance(v, str) else None
