"""Score checks: subtotals, the total, scores within their weights, the grade band."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from extract.checks.base import Facts, compare, skipped, unconfirmed, verdict
from extract.forms.templates import RuleSpec
from extract.forms.tolerance import allowance
from extract.forms.vocabulary import norm
from extract.model import SCORE_KEYS, Check


def _dec(v: object) -> Decimal | None:
    return v if isinstance(v, Decimal) else None


def check_indicator_subtotals(rule: RuleSpec, facts: Facts) -> Check:
    """Each level-1 subtotal (printed row, or the ``(50分)`` of its name) = the sum of its rows."""
    if not facts.subtotals or not facts.indicators:
        return skipped(rule, [], "no indicator subtotals")
    details: list[str] = []
    fields: list[str] = []
    warnings: list[str] = []
    warned: list[str] = []
    for i, sub in enumerate(facts.subtotals):
        rows = [(j, r) for j, r in enumerate(facts.indicators) if r.get("level1") == sub.get("level1")]
        rows = [(j, r) for j, r in rows if any(_dec(r.get(k)) is not None for k in SCORE_KEYS)]  # not 其中 sub-rows
        for key in SCORE_KEYS:
            printed = _dec(sub.get(key))
            vals = [_dec(r.get(key)) for _, r in rows]
            if printed is None or not rows or any(v is None for v in vals):
                continue
            total = sum((v for v in vals if v is not None), Decimal(0))
            used = [f"indicator_subtotals[{i}].{key}", *(f"indicators[{j}].{key}" for j, _ in rows)]
            if abs(total - printed) > allowance(rule.tolerance, printed, *(v for v in vals if v is not None)):
                details.append(f"{sub.get('level1')} {key}: printed {printed}, rows sum to {total}")
                fields.extend(used)
            elif why := unconfirmed(used, facts.unsure):
                warnings.append(f"{sub.get('level1')} {key}: {why}")
                warned.extend(used)
    # rows of a group with no subtotal while the other groups have one: a subtotal row read as an indicator
    # (its name cell not read, a speck beside it), or a group the form leaves unchecked — never passed clean
    named = {sub.get("level1") for sub in facts.subtotals}
    orphans = [(j, r) for j, r in enumerate(facts.indicators) if r.get("level1") not in named]
    for group in dict.fromkeys(r.get("level1") for _, r in orphans):
        name = f"rows of {group}" if group else "rows without a level-1 name"
        details.append(f"{name} have no subtotal row, the other groups have one")
        fields.extend(f"indicators[{j}].{k}" for j, r in orphans if r.get("level1") == group for k in SCORE_KEYS)
    return verdict(rule, details, [*fields, *warned], len(facts.subtotals), warnings)


def check_total_score(rule: RuleSpec, facts: Facts) -> Check:
    """总分 = Σ level-1 scores (+ the funds score where the form scores its funds); set scores sum to 100."""
    total = facts.number("score.total")
    rows = facts.subtotals or facts.indicators
    extra_scores = [facts.number(p) for p in rule.params.get("score_parts", [])]
    extra_sets = [facts.number(p) for p in rule.params.get("set_parts", [])]
    if rule.params.get("optional_parts"):  # parts the form does not print (an unscored funds block)
        extra_scores = [v for v in extra_scores if v is not None]
        extra_sets = [v for v in extra_sets if v is not None]
    scores = [_dec(r.get("score")) for r in rows] + extra_scores
    fields = ["score.total", "score.total_set", *rule.params.get("score_parts", []), *rule.params.get("set_parts", [])]
    if total is None or not rows or any(s is None for s in scores):
        # the figures the sum would have confirmed: on a scan, those left with one of them unread are in review
        parts = [f"indicator_subtotals[{i}].score" for i in range(len(facts.subtotals))]
        parts += [f"indicators[{j}].score" for j in range(len(facts.indicators))]
        return skipped(rule, [*fields, *parts], "missing total or scores")
    actual = sum((s for s in scores if s is not None), Decimal(0))
    check = compare(rule, total, actual, fields, unit=rule.unit or "分")
    details = list(check.details)
    status = check.status
    table = "indicator_subtotals" if facts.subtotals else "indicators"
    parts = [p for p in rule.params.get("score_parts", []) if facts.number(p) is not None]
    doubts = [("score", ["score.total", *(f"{table}[{i}].score" for i in range(len(rows))), *parts])]
    want = rule.params.get("total_set")
    sets, set_paths = _set_scores(facts, table)
    sets += extra_sets
    printed_set = facts.number("score.total_set")
    if want is not None and printed_set is not None and printed_set != Decimal(str(want)):
        # the form's total set score is fixed (100): a printed one that is not is misread (100 read as 1)
        # even where the rows' set scores are not all printed to sum
        status = "fail"
        details.append(f"total set score printed {printed_set}, the form's is {want}")
    elif (want is not None or printed_set is not None) and all(s is not None for s in sets):
        # the set scores make the form's total (100), or the one it prints where the kind fixes none
        set_sum = sum((s for s in sets if s is not None), Decimal(0))
        printed = printed_set
        expected = Decimal(str(want)) if want is not None else printed_set
        if set_sum != expected or (printed is not None and printed != set_sum):
            status = "fail"
            details.append(f"set scores sum to {set_sum}, printed {printed}, expected {expected}")
            fields = list(dict.fromkeys([*fields, *set_paths]))  # one of them is wrong (or one too many)
        else:
            set_parts = [p for p in rule.params.get("set_parts", []) if facts.number(p) is not None]
            used = ["score.total_set"] if printed is not None else []
            doubts.append(("set_score", [*used, *set_paths, *set_parts]))
    if status == "pass":  # holds only through a figure in review: confirms none of the others
        for _, used in doubts:
            if why := unconfirmed(used, facts.unsure):
                status = "warn"
                details.append(why)
                fields = list(dict.fromkeys([*fields, *used]))
    return dataclasses.replace(check, status=status, fields=fields, details=details)


def _set_scores(facts: Facts, table: str) -> tuple[list[Decimal | None], list[str]]:
    """The set scores that make the form's total, with their paths: the groups', or where groups are printed
    without their points, the indicators' (an indicator row read twice puts its set score in twice)."""
    rows = facts.subtotals if table == "indicator_subtotals" else facts.indicators
    sets = [_dec(r.get("set_score")) for r in rows]
    if table == "indicator_subtotals" and any(s is None for s in sets) and facts.indicators:
        by_row = [_dec(r.get("set_score")) for r in facts.indicators]
        if all(s is not None for s in by_row):
            sets, table = by_row, "indicators"
    return sets, [f"{table}[{i}].set_score" for i in range(len(sets))]


def check_score_within_weight(rule: RuleSpec, facts: Facts) -> Check:
    details, fields = [], []
    checked = 0
    for j, r in enumerate(facts.indicators):
        s, w = _dec(r.get("score")), _dec(r.get("set_score"))
        if s is not None and w is not None:
            checked += 1
            if s < 0 or s > w:
                details.append(f"indicators[{j}] score {s} outside 0..{w}")
                fields += [f"indicators[{j}].score", f"indicators[{j}].set_score"]
    return verdict(rule, details, fields, checked)


def check_grade_band(rule: RuleSpec, facts: Facts) -> Check:
    total, grade = facts.number("score.total"), facts.values.get("score.grade")
    fields = ["score.total", "score.grade"]
    if total is None or not grade:
        return skipped(rule, fields, "missing total or grade")
    for band in rule.params["bands"]:
        lo = Decimal(str(band["min"])) if "min" in band else None
        hi = Decimal(str(band["max"])) if "max" in band else None
        if (lo is None or total >= lo) and (hi is None or total < hi):
            ok = band["grade"] == grade
            detail = [] if ok else [f"score {total} is in band {band['grade']}, printed {grade}"]
            return Check(id=rule.id, status="pass" if ok else "fail", rule=rule.rule, fields=fields, details=detail)
    return Check(id=rule.id, status="fail", rule=rule.rule, fields=fields, details=[f"score {total} in no band"])


def _family(text: object, families: dict[str, dict[str, list[str]]], key: str) -> set[str]:
    """The families whose ``key`` (level1 / level2) words the name holds (产出指标(50分) → {产出})."""
    if not isinstance(text, str):
        return set()
    name = norm(text)
    return {f for f, words in families.items() if any(w in name for w in words.get(key, []))}


def check_level_families(rule: RuleSpec, facts: Facts) -> Check:
    """Each indicator's level-2 name is of its level-1 group's kind (数量指标 under 产出, 社会效益指标 under 效益):
    a row under another kind's group is one of a group whose name (and the ruling above it) the table lost, its
    rows run into the group above — whose subtotal, the sum of them all, no other check can doubt."""
    families: dict[str, dict[str, list[str]]] = rule.params["families"]
    details: list[str] = []
    fields: list[str] = []
    checked = 0
    strays: dict[str, list[int]] = {}
    for j, r in enumerate(facts.indicators):
        group, kinds = _family(r.get("level1"), families, "level1"), _family(r.get("level2"), families, "level2")
        if len(group) != 1 or not kinds:  # a group of no kind, or two (成本效益); a level-2 name of none
            continue
        checked += 1
        if not group & kinds:
            strays.setdefault(str(r.get("level1")), []).append(j)
    for level1, rows in strays.items():
        names = "、".join(dict.fromkeys(str(facts.indicators[j].get("level2")) for j in rows))
        details.append(f"{names} under {level1}: another group's rows (its name lost?)")
        fields.extend(f"indicators[{j}].level1" for j in rows)
        for i, sub in enumerate(facts.subtotals):
            if sub.get("level1") == level1:
                fields.extend(f"indicator_subtotals[{i}].{k}" for k in SCORE_KEYS)
    return verdict(rule, details, fields, checked)
