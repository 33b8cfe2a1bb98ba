"""Arithmetic checks, as data: each template rule gives one ``Check`` in the record.

All arithmetic is ``Decimal``; each comparison has an explicit tolerance and unit. A check whose
inputs are missing is ``skipped``, never passed. ``difference`` is ``|expected - actual|`` and
``signed_difference`` is ``actual - expected``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from extract.checks.base import Facts
from extract.checks.money import check_columns_sum, check_ratio, check_score_formula, check_sum_equal
from extract.checks.presence import (
    check_actual_present,
    check_deduction_explained,
    check_scores_present,
    check_within_budget,
)
from extract.checks.scores import (
    check_grade_band,
    check_indicator_subtotals,
    check_level_families,
    check_score_within_weight,
    check_total_score,
)
from extract.checks.text import check_text_matches_field, check_text_parts_sum, check_text_total_parts
from extract.forms.templates import RuleSpec
from extract.model import Check

CHECKS: dict[str, Callable[[RuleSpec, Facts], Check]] = {
    "sum_equal": check_sum_equal,
    "columns_sum": check_columns_sum,
    "ratio": check_ratio,
    "score_formula": check_score_formula,
    "text_parts_sum": check_text_parts_sum,
    "text_total_parts": check_text_total_parts,
    "text_matches_field": check_text_matches_field,
    "indicator_subtotals": check_indicator_subtotals,
    "level_families": check_level_families,
    "total_score": check_total_score,
    "score_within_weight": check_score_within_weight,
    "grade_band": check_grade_band,
    "scores_present": check_scores_present,
    "actual_present": check_actual_present,
    "within_budget": check_within_budget,
    "deduction_explained": check_deduction_explained,
}

__all__ = ["CHECKS", "Facts", "run_checks"]


def run_checks(rules: Sequence[RuleSpec], facts: Facts) -> list[Check]:
    """One check per rule; a shared rule (schemas/rules.yaml) that finds nothing to check on this form
    is left out rather than listed as skipped."""
    out = []
    for r in rules:
        c = CHECKS[r.kind](r, facts)
        if not (r.shared and c.status == "skipped"):
            out.append(c)
    return out
