"""Money checks: sums of fields, column sums of a funds block, execution rates, rate-based scores."""

from __future__ import annotations

from decimal import Decimal

from extract.checks.base import Facts, compare, first_failure, half_unit, skipped
from extract.forms.templates import RuleSpec
from extract.model import Check

HUNDRED = Decimal(100)


def check_sum_equal(rule: RuleSpec, facts: Facts) -> Check:
    """Σ lhs = Σ rhs (e.g. carryover + initial + adjustments = execution + year-end balance)."""
    lhs, rhs = list(rule.params["lhs"]), list(rule.params["rhs"])
    missing = [p for p in lhs + rhs if facts.number(p) is None]
    if missing:
        return skipped(rule, lhs + rhs, "missing: " + ", ".join(missing))
    actual = sum((facts.number(p) or Decimal(0) for p in lhs), Decimal(0))
    expected = sum((facts.number(p) or Decimal(0) for p in rhs), Decimal(0))
    return compare(rule, expected, actual, lhs + rhs, unit=facts.unit_of(lhs[0]), unsure=facts.unsure)


def check_columns_sum(rule: RuleSpec, facts: Facts) -> Check:
    """Per column, the total row = the sum of the part rows; columns whose parts are all blank are skipped."""
    m, total_row = rule.params["matrix"], rule.params["total_row"]
    results, fields = [], []
    for col in rule.params["columns"]:
        parts = [f"{m}.{r}.{col}" for r in rule.params["part_rows"]]
        present = [p for p in parts if facts.number(p) is not None]
        total = facts.number(f"{m}.{total_row}.{col}")
        if not present or total is None:
            continue
        expected = sum((facts.number(p) or Decimal(0) for p in present), Decimal(0))
        used = [f"{m}.{total_row}.{col}", *present]
        unit = facts.unit_of(used[0])
        c = compare(rule, expected, total, used, unit=unit, unsure=facts.unsure)
        if c.status == "fail":
            why = [f"{col}: total {total}, parts sum to {expected}"]
            c = compare(rule, expected, total, used, unit=unit, details=why)
        results.append(c)
        fields += used
    return first_failure(rule, results, fields)


def row_prefixes(rule: RuleSpec, facts: Facts) -> list[str]:
    """The rows a funds rule reads: those it names, then the block's rows with labels of their own
    (``funds.other_rows[i]``: 中央补助, 自治区补助 — a rate or score printed there is checked as any row's)."""
    m = rule.params["matrix"]
    named = [f"{m}.{row}" for row in rule.params["rows"]]
    if not m.endswith(".rows"):
        return named
    base = m.removesuffix(".rows") + ".other_rows["
    found = {k.split("]", 1)[0] + "]" for k in facts.values if k.startswith(base)}
    others = sorted(found, key=lambda k: int(k[len(base) : -1]))
    return named + others


def _rate_rows(rule: RuleSpec, facts: Facts) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    out = []
    for p in row_prefixes(rule, facts):
        budget, executed, rate = (facts.number(f"{p}.{k}") for k in ("full_year_budget", "executed", "execution_rate"))
        if budget is not None and executed is not None and rate is not None and budget != 0:
            out.append((p, budget, executed, rate))
    return out


def check_ratio(rule: RuleSpec, facts: Facts) -> Check:
    """执行率 = 全年执行数 / 全年预算数, within half a unit of the printed rate's precision."""
    results, fields = [], []
    for p, budget, executed, rate in _rate_rows(rule, facts):
        computed = executed / budget * HUNDRED
        used = [f"{p}.execution_rate", f"{p}.executed", f"{p}.full_year_budget"]
        c = compare(rule, computed.quantize(Decimal("0.000001")), rate, used, tolerance=half_unit(rate), unit="%")
        if c.status == "fail":
            c = compare(
                rule,
                c.expected or computed,
                rate,
                used,
                tolerance=half_unit(rate),
                unit="%",
                details=[f"{p}: printed {rate}%, {executed} / {budget} = {computed:.4f}%"],
            )
        results.append(c)
        fields += used
    return first_failure(rule, results, fields or row_prefixes(rule, facts))


def check_score_formula(rule: RuleSpec, facts: Facts) -> Check:
    """得分 = 分值 × min(执行率, 100%), within the rule's tolerance."""
    results, fields = [], []
    for p in row_prefixes(rule, facts):
        weight, rate, score = (facts.number(f"{p}.{k}") for k in ("set_score", "execution_rate", "score"))
        if weight is None or rate is None or score is None:
            continue
        expected = weight * min(rate, HUNDRED) / HUNDRED
        used = [f"{p}.score", f"{p}.set_score", f"{p}.execution_rate"]
        detail = [f"{p}: score {score}, {weight} × min({rate}%, 100%) = {expected}"]
        c = compare(rule, expected, score, used)
        results.append(c if c.status == "pass" else compare(rule, expected, score, used, details=detail))
        fields += used
    return first_failure(rule, results, fields)
