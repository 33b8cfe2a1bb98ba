"""Checks that hold on every form, from the shared rules (``schemas/rules.yaml``): a scored row has its
score, an indicator its actual value, and the amounts executed stay within the budget (``warn``: legal
but unusual)."""

from __future__ import annotations

from decimal import Decimal

from extract.checks.base import Facts, skipped, verdict
from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance, stated
from extract.model import Check


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def check_scores_present(rule: RuleSpec, facts: Facts) -> Check:
    """Every row that prints a 分值 prints its 得分 (and the funds total row likewise). Where most
    indicators print a 分值, an indicator that prints neither is doubted (``warn`` when nothing else
    fails): a column missed in its row, or a row the form left unscored."""
    details, fields = [], []
    checked, unscored = 0, 0
    named = [  # indicators by name; a 其中 sub-row under one prints no figure of its own
        j
        for j, r in enumerate(facts.indicators)
        if not _blank(r.get("level3")) and not str(r.get("level3")).lstrip().startswith("其中")
    ]
    weighed = sum(1 for j in named if not _blank(facts.indicators[j].get("set_score")))
    for j, r in enumerate(facts.indicators):
        if _blank(r.get("set_score")) and _blank(r.get("score")):
            if j in named and weighed * 2 > len(named):
                checked += 1
                unscored += 1
                details.append(
                    f"indicators[{j}] ({r.get('level3')}): 分值 and 得分 blank, where {weighed} of "
                    f"{len(named)} indicators print a 分值"
                )
                fields += [f"indicators[{j}].score", f"indicators[{j}].set_score"]
            continue
        checked += 1
        if _blank(r.get("score")):
            details.append(f"indicators[{j}] ({r.get('level3')}): 分值 {r.get('set_score')} printed, 得分 blank")
            fields += [f"indicators[{j}].score", f"indicators[{j}].set_score"]
    for row in rule.params.get("rows", []):
        p = f"{rule.params['matrix']}.{row}"
        weight, score = facts.values.get(f"{p}.set_score"), facts.values.get(f"{p}.score")
        if _blank(weight):
            continue
        checked += 1
        if _blank(score):
            details.append(f"{p}: 分值 {weight} printed, 得分 blank")
            fields += [f"{p}.score", f"{p}.set_score"]
    c = verdict(rule, details, fields, checked)
    if c.status == "fail" and unscored == len(details):
        return Check(c.id, "warn", c.rule, fields=c.fields, details=c.details)
    return c


def check_actual_present(rule: RuleSpec, facts: Facts) -> Check:
    """Every indicator that states a target states what was achieved (``warn`` where it does not)."""
    details, fields = [], []
    checked = 0
    for j, r in enumerate(facts.indicators):
        if _blank(r.get("target")) and _blank(r.get("actual")):
            continue
        checked += 1
        if _blank(r.get("actual")):
            details.append(f"indicators[{j}] ({r.get('level3')}): target {r.get('target')}, no actual value")
            fields.append(f"indicators[{j}].actual")
    c = verdict(rule, details, fields, checked)
    return c if c.status != "fail" else Check(c.id, "warn", c.rule, fields=c.fields, details=c.details)


def check_within_budget(rule: RuleSpec, facts: Facts) -> Check:
    """全年执行数 ≤ 全年预算数 in every row of the funds block (``warn`` where more was spent)."""
    details, fields = [], []
    checked = 0
    for row in rule.params["rows"]:
        p = f"{rule.params['matrix']}.{row}"
        budget, executed = facts.number(f"{p}.full_year_budget"), facts.number(f"{p}.executed")
        if budget is None or executed is None:
            continue
        checked += 1
        if executed > budget + allowance(rule.tolerance, budget, executed):
            over = executed - budget
            details.append(f"{p}: executed {executed} exceeds the budget {budget} by {over}")
            fields += [f"{p}.executed", f"{p}.full_year_budget"]
    if not checked:
        return skipped(rule, [f"{rule.params['matrix']}.{r}" for r in rule.params["rows"]], "nothing to check")
    status = "warn" if details else "pass"
    return Check(
        rule.id,
        status,
        rule.rule,
        unit=facts.unit_of(fields[0]) if fields else None,
        tolerance=stated(rule.tolerance),
        fields=fields,
        details=details,
    )


def check_deduction_explained(rule: RuleSpec, facts: Facts) -> Check:
    """An indicator scored below its 分值 states why, where the form has a column for it (``warn``)."""
    details, fields = [], []
    checked = 0
    for j, r in enumerate(facts.indicators):
        if "deviation_reason" not in r:
            continue  # the form prints no reasons column
        s, w = r.get("score"), r.get("set_score")
        if not isinstance(s, Decimal) or not isinstance(w, Decimal):
            continue
        checked += 1
        if s < w and _blank(r.get("deviation_reason")):
            details.append(f"indicators[{j}] ({r.get('level3')}): {s} of {w} points, no reason given")
            fields += [f"indicators[{j}].score", f"indicators[{j}].deviation_reason"]
    c = verdict(rule, details, fields, checked)
    return c if c.status != "fail" else Check(c.id, "warn", c.rule, fields=c.fields, details=c.details)
