"""Seeded re-drawing of a form's amounts and scores that keeps every printed sum and ratio consistent, and
:func:`problems`, the arithmetic checks of the real forms run on a content (empty when consistent).

Rules kept: each funds column's total = the sum of its parts; 执行率 = 全年执行数 / 全年预算数 × 100 (2 dp);
funds 得分 = 分值 × min(执行率, 100 %) (2 dp); every indicator score ≤ its set score; a level-1 group's points
= the sum of its set scores and its score = the sum of its scores; 总分 = funds score + indicator scores;
the set scores (funds 分值 included) add up to the printed total (100). Shanxi budget block: carryover +
initial budget + adjustment + other adjustment = execution + year-end balance; the grade follows the band.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from samples.variants.content import (
    AMOUNT_FIELDS,
    Content,
    Funds,
    FundsRow,
    Row,
    Value,
    blank,
    dec,
    decimals,
)

CENT = Decimal("0.01")


def fmt(value: Decimal, places: int) -> str:
    """``value`` with at least ``places`` decimals and as many more as it needs (``9.5`` with 0 -> ``9.5``)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{value:.{max(places, needed)}f}"


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_of(executed: Decimal, budget: Decimal) -> Decimal:
    return round2(executed / budget * 100) if budget else Decimal(0)


def grade_of(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def _sum(values: list[Value]) -> Decimal:
    return sum((d for d in (dec(v) for v in values) if d is not None), Decimal(0))


# --- Consistency ----------------------------------------------------------------------------------------
def _half_unit(value: Value) -> Decimal:
    return Decimal(5).scaleb(-1 - decimals(value))


def _funds_problems(funds: Funds) -> list[str]:
    found: list[str] = []
    rows = funds.rows
    total = rows["total"]
    parts = [row for key, row in rows.items() if key != "total"]
    for column in AMOUNT_FIELDS:
        values = [p.get(column) for p in parts]
        if parts and not all(blank(v) for v in values) and dec(total.get(column)) != _sum(values):
            found.append(f"funds.{column}: total {total.get(column)} != parts {_sum(values)}")
    for key, row in rows.items():
        budget, executed, rate = dec(row.full_year_budget), dec(row.executed), dec(row.execution_rate)
        if budget and executed is not None and rate is not None:
            computed = executed / budget * 100
            if abs(computed - rate) > _half_unit(row.execution_rate):
                found.append(f"funds.{key}.execution_rate: {rate} != {computed:.4f}")
        set_score, score = dec(row.set_score), dec(row.score)
        if set_score is not None and score is not None and rate is not None:
            expected = set_score * min(rate, Decimal(100)) / 100
            if abs(expected - score) > _half_unit(row.score):
                found.append(f"funds.{key}.score: {score} != {expected:.4f}")
    for key, names in (("by_income", funds.by_income), ("by_expenditure", funds.by_expenditure)):
        if names:
            parts_sum = _sum([v for k, v in names.items() if k != "total"])
            if dec(names["total"]) != parts_sum:
                found.append(f"funds.{key}: total {names['total']} != parts {parts_sum}")
    return found


def _indicator_problems(content: Content) -> list[str]:
    found: list[str] = []
    for level1 in content.indicators:
        rows = level1.rows()
        sets = [r.set_score for r in rows]
        if level1.set_score is not None and not any(blank(s) for s in sets) and dec(level1.set_score) != _sum(sets):
            found.append(f"{level1.level1}: points {level1.set_score} != {_sum(sets)}")
        for key in ("score", "reference_score"):
            stated = getattr(level1, key)
            summed = _sum([r.get(key) for r in rows])
            if stated is not None and dec(stated) != summed:
                found.append(f"{level1.level1}: {key} {stated} != {summed}")
        for row in rows:
            s, sc = dec(row.set_score), dec(row.score)
            if s is not None and sc is not None and not 0 <= sc <= s:
                found.append(f"{row.level3}: score {sc} not within 0..{s}")
    return found


def _total_problems(content: Content) -> list[str]:
    found: list[str] = []
    total = content.funds.rows["total"] if content.funds is not None else None
    funds_set = dec(total.set_score) if total is not None else None
    funds_score = dec(total.score) if total is not None else None
    rows = [row for _, _, row in content.rows()]
    scores = _sum([r.score for r in rows]) + (funds_score or 0)
    if content.total_score is not None and dec(content.total_score) != scores:
        found.append(f"total score {content.total_score} != {scores}")
    sets = [r.set_score for r in rows if not r.sub_rows or not blank(r.set_score)]
    if content.total_set is not None and not any(blank(s) for s in sets):
        summed = _sum(sets) + (funds_set or 0)
        if dec(content.total_set) != summed:
            found.append(f"total set {content.total_set} != {summed}")
    if content.grade is not None and content.total_score is not None:
        total_score = dec(content.total_score)
        if total_score is not None and grade_of(total_score) != content.grade:
            found.append(f"grade {content.grade} does not match {total_score}")
    return found


def problems(content: Content) -> list[str]:
    """The arithmetic checks of the real forms that ``content`` fails (empty: consistent)."""
    found = [] if content.funds is None else _funds_problems(content.funds)
    found += _indicator_problems(content) + _total_problems(content)
    if content.budget is not None:
        b = {k: dec(v) or Decimal(0) for k, v in content.budget.items()}
        left = b["carryover"] + b["initial_budget"] + b["budget_adjustment"] + b["other_adjustment"]
        if left != b["execution"] + b["year_end_balance"]:
            found.append(f"budget: {left} in, {b['execution'] + b['year_end_balance']} out")
    return found


# --- Re-drawing -----------------------------------------------------------------------------------------
def _amount(rng: random.Random, base: Decimal, low: float, high: float) -> Decimal:
    return round2(base * Decimal(str(round(rng.uniform(low, high), 4))))


def _redraw_part(rng: random.Random, row: FundsRow, scale: Decimal) -> FundsRow:
    initial, budget, executed = (dec(row.get(k)) for k in AMOUNT_FIELDS)
    if budget is None or budget == 0:
        return row
    new_budget = max(_amount(rng, budget, 0.8, 1.2) * scale, CENT)
    new_budget = round2(new_budget)
    new_initial = None
    if initial is not None:
        new_initial = new_budget if rng.random() < 0.4 else _amount(rng, new_budget, 0.75, 1.1)
    ratio = (executed / budget) if executed is not None else Decimal(1)
    if executed is None:
        new_executed = None
    elif ratio >= 1 or rng.random() < 0.3:
        new_executed = new_budget
    else:
        new_executed = min(_amount(rng, new_budget, 0.78, 0.999), new_budget)
    return replace(
        row,
        initial_budget=None if new_initial is None else f"{new_initial:.2f}",
        full_year_budget=f"{new_budget:.2f}",
        executed=None if new_executed is None else f"{new_executed:.2f}",
    )


def _with_rate_and_score(row: FundsRow) -> FundsRow:
    budget, executed = dec(row.full_year_budget), dec(row.executed)
    if blank(row.execution_rate) or budget is None or executed is None:
        return row
    rate = rate_of(executed, budget)
    score = row.score
    set_score = dec(row.set_score)
    if set_score is not None and not blank(row.score):
        score = fmt(round2(set_score * min(rate, Decimal(100)) / 100), 2)
    return replace(row, execution_rate=f"{rate:.2f}", score=score)


def _redraw_funds(rng: random.Random, funds: Funds) -> Funds:
    scale = Decimal(str(round(rng.uniform(0.4, 2.5), 3)))
    rows = dict(funds.rows)
    parts = [key for key in rows if key != "total"]
    total = rows["total"]
    numeric_parts = [k for k in parts if dec(rows[k].full_year_budget)]
    if numeric_parts:
        for key in numeric_parts:
            rows[key] = _redraw_part(rng, rows[key], scale)
        values = {}
        for column in AMOUNT_FIELDS:
            if blank(total.get(column)):
                continue
            values[column] = f"{sum((dec(rows[k].get(column)) or Decimal(0) for k in parts), Decimal(0)):.2f}"
        total = replace(total, **values)
    else:
        total = _redraw_part(rng, total, scale)
    rows["total"] = total
    rows = {key: _with_rate_and_score(row) for key, row in rows.items()}
    return replace(funds, rows=rows)


def _redraw_score(rng: random.Random, row: Row, places: int) -> Row:
    set_score = dec(row.set_score)
    if set_score is None or blank(row.score):
        return row
    if rng.random() < 0.72:
        score = set_score
    else:
        cut = Decimal(str(round(rng.uniform(0.05, 0.45) * float(set_score), 1)))
        score = max(set_score - max(cut, Decimal("0.1")), Decimal(0))
    return replace(row, score=fmt(score, places))


def redraw(content: Content, seed: int) -> Content:
    """``content`` with amounts (``perturb: all``) and scores (``all``/``scores``) re-drawn from ``seed``."""
    if content.perturb == "none" or problems(content):  # published inconsistent: printed as published
        return content
    rng = random.Random(f"perturb-{seed}-{content.name}")
    funds = content.funds
    if content.perturb == "all" and funds is not None:
        funds = _redraw_funds(rng, funds)
    indicators = []
    for level1 in content.indicators:
        groups = []
        for group in level1.groups:
            rows = tuple(_redraw_score(rng, row, decimals(row.score)) for row in group.rows)
            groups.append(replace(group, rows=rows))
        new = replace(level1, groups=tuple(groups))
        if level1.score is not None:
            new = replace(new, score=fmt(_sum([r.score for r in new.rows()]), decimals(level1.score)))
        indicators.append(new)
    funds_score = dec(funds.rows["total"].score) if funds is not None else None
    total = _sum([r.score for lv in indicators for r in lv.rows()]) + (funds_score or 0)
    result = replace(
        content,
        funds=funds,
        indicators=tuple(indicators),
        total_score=None if content.total_score is None else fmt(total, decimals(content.total_score)),
    )
    if content.grade is not None:
        result = replace(result, grade=grade_of(total))
    return result
