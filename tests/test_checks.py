"""Each check of the Shanxi template: pass, fail, skipped, and Decimal edge cases."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from extract.checks import Facts, run_checks
from extract.forms.amounts import find_amounts
from extract.forms.templates import RuleSpec, default_templates
from extract.forms.tolerance import Fixed
from extract.model import Check

TEMPLATE = next(t for t in default_templates() if t.id == "dept-overall-shanxi")
RULES = {r.id: r for r in TEMPLATE.rules}

BUDGET: dict[str, D | int | str | bool | None] = {
    "budget.unit": "万元",
    "budget.carryover": D("71.39"),
    "budget.initial_budget": D("965.40"),
    "budget.budget_adjustment": D("84.90"),
    "budget.other_adjustment": D("0.00"),
    "budget.execution": D("1121.69"),
    "budget.year_end_balance": D("0.00"),
}
JINZHONG_TEXT = (
    "一般公共预算财政拨款收入10502980.56元。公共安全支出8953203.17元，社会保障和就业支出1175258.54元，"
    "卫生健康支出274091.63元，农林水支出56142元，住房保障支出755248.22元，本年支出合计11216943.56元，"
    "基本支出经费8112057.02元，项目支出3104886.54元。"
)


def run(rule_id: str, facts: Facts) -> Check:
    (check,) = run_checks([RULES[rule_id]], facts)
    return check


def text_facts(text: str, values: dict[str, D | int | str | bool | None] | None = None) -> Facts:
    return Facts(values or dict(BUDGET), find_amounts("narratives.budget_execution", text))


def test_budget_balance_pass_fail_skipped() -> None:
    ok = run("budget_balance", Facts(dict(BUDGET)))
    assert (ok.status, ok.expected, ok.actual, ok.difference, ok.unit) == (
        "pass",
        D("1121.69"),
        D("1121.69"),
        0,
        "万元",
    )
    off = run("budget_balance", Facts({**BUDGET, "budget.execution": D("1131.69")}))
    assert off.status == "fail" and off.difference == D("10.00")
    assert "budget.execution" in off.fields
    missing = run("budget_balance", Facts({**BUDGET, "budget.carryover": None}))
    assert missing.status == "skipped" and "budget.carryover" in missing.details[0]


def test_budget_balance_tolerance_is_inclusive_and_exact() -> None:
    at_tol = run("budget_balance", Facts({**BUDGET, "budget.execution": D("1121.70")}))
    assert at_tol.status == "pass" and at_tol.difference == D("0.01")
    over = run("budget_balance", Facts({**BUDGET, "budget.execution": D("1121.701")}))
    assert over.status == "fail"  # 0.011 > 0.01: no float fuzz lets it through


def test_a_half_unit_tolerance_is_half_a_unit_of_the_printed_figures() -> None:
    import dataclasses

    from extract.forms.tolerance import HalfUnit

    rule = dataclasses.replace(RULES["budget_balance"], tolerance=HalfUnit())
    (same,) = run_checks([rule], Facts(dict(BUDGET)))
    assert same.status == "pass" and same.difference == 0 and same.tolerance == D("0.005")
    (near,) = run_checks([rule], Facts({**BUDGET, "budget.execution": D("1121.694")}))
    assert near.status == "pass" and near.tolerance == D("0.005")  # the coarsest printed figure: 0.01 → 0.005
    (off,) = run_checks([rule], Facts({**BUDGET, "budget.execution": D("1121.70")}))
    assert off.status == "fail"


def test_jinzhong_functional_expenditures_fail_by_exactly_3000() -> None:
    c = run("text_expenditure_by_function", text_facts(JINZHONG_TEXT))
    assert c.status == "fail"
    assert (c.expected, c.actual, c.difference, c.unit) == (D("11216943.56"), D("11213943.56"), D("3000.00"), "元")
    assert len(c.fields) == 6  # the total and five functional lines; not 基本支出/项目支出


def test_basic_plus_project_and_total_vs_execution() -> None:
    facts = text_facts(JINZHONG_TEXT)
    assert run("text_basic_plus_project", facts).status == "pass"
    m = run("text_total_matches_execution", facts)
    assert (m.status, m.expected, m.actual, m.difference, m.unit) == (
        "pass",
        D("1121.69"),
        D("1121.694356"),
        D("0.004356"),
        "万元",
    )
    far = run("text_total_matches_execution", text_facts(JINZHONG_TEXT, {**BUDGET, "budget.execution": D("1121.68")}))
    assert far.status == "fail"


def test_text_checks_skip_without_amounts() -> None:
    empty = text_facts("无")
    for rid in ("text_expenditure_by_function", "text_basic_plus_project", "text_total_matches_execution"):
        assert run(rid, empty).status == "skipped"


def _ind(level1: str, set_score: str, score: str) -> dict[str, D | int | str | bool | None]:
    return {"level1": level1, "set_score": D(set_score), "score": D(score), "reference_score": D(set_score)}


def score_facts(total: str = "96.00", grade: str = "优", scores: tuple[str, str] = ("16.00", "80.00")) -> Facts:
    inds = [_ind("投入", "16", scores[0]), _ind("过程", "84", scores[1])]
    subs: list[dict[str, D | int | str | bool | None]] = [
        {"level1": "投入", "set_score": D("16"), "score": D("16.00"), "reference_score": D("16")},
        {"level1": "过程", "set_score": D("84"), "score": D("80.00"), "reference_score": D("84")},
    ]
    return Facts({"score.total": D(total), "score.total_set": D("100"), "score.grade": grade}, (), inds, subs)


def test_indicator_subtotals() -> None:
    assert run("indicator_subtotals", score_facts()).status == "pass"
    bad = run("indicator_subtotals", score_facts(scores=("15.00", "80.00")))
    assert bad.status == "fail" and "indicator_subtotals[0].score" in bad.fields
    assert run("indicator_subtotals", Facts({})).status == "skipped"


def test_a_groups_unscored_sub_rows_are_no_part_of_its_sums() -> None:
    """其中 sub-rows under an indicator print no figure at all: the group's sums are made without them (the
    group was skipped, so a misread figure in it was confirmed by nothing)."""
    facts = score_facts()
    sub_row: dict[str, D | int | str | bool | None] = {"level1": "过程", "level3": "其中：支付进度"}
    sub_row |= {"set_score": None, "score": None, "reference_score": None}
    with_sub = Facts(facts.values, (), [*facts.indicators, sub_row], facts.subtotals)
    check = run("indicator_subtotals", with_sub)
    assert check.status == "pass"
    rows = [_ind("投入", "16", "16.00"), _ind("过程", "84", "70.00"), sub_row]
    wrong = Facts(facts.values, (), rows, facts.subtotals)
    bad = run("indicator_subtotals", wrong)
    assert bad.status == "fail" and "indicators[1].score" in bad.fields and "indicators[2].score" not in bad.fields


def test_a_group_without_its_subtotal_row_fails_the_subtotals() -> None:
    """A subtotal row read as an indicator (a speck in its name column on a scan): its group has rows but no
    subtotal, so no sum covers it — the check says so instead of passing the shifted rows as clean."""
    facts = score_facts()
    shifted = Facts(facts.values, (), [_ind("投入", "16", "16.00"), *facts.indicators], [facts.subtotals[1]])
    bad = run("indicator_subtotals", shifted)
    assert bad.status == "fail" and "indicators[0].score" in bad.fields and "indicators[1].set_score" in bad.fields
    assert any("投入" in d and "no subtotal" in d for d in bad.details)


def test_an_indicator_with_neither_set_score_nor_score_where_the_others_print_them_is_doubted() -> None:
    """A scan whose score column went unread in one row: the row's 分值 and 得分 are both blank, where the
    table's other indicators print theirs. Passed as "the form prints none" before; now in doubt (warn),
    unless most indicators print no 分值 (points by group) or the row is a 其中 sub-row."""

    def rows(*scores: tuple[str | None, str | None]) -> list[dict[str, D | int | str | bool | None]]:
        return [
            {
                "level1": "产出",
                "level3": f"指标{i}",
                "set_score": None if w is None else D(w),
                "score": None if s is None else D(s),
            }
            for i, (w, s) in enumerate(scores)
        ]

    doubted = run("scores_present", Facts({}, (), rows(("10", "9"), (None, None), ("10", "10"))))
    assert doubted.status == "warn" and doubted.fields == ["indicators[1].score", "indicators[1].set_score"]
    both = run("scores_present", Facts({}, (), rows(("10", None), (None, None), ("10", "10"))))
    assert both.status == "fail" and "indicators[1].set_score" in both.fields and "indicators[0].score" in both.fields
    by_group = run("scores_present", Facts({}, (), rows(("10", "9"), (None, None), (None, None))))
    assert by_group.status == "pass"
    sub = rows(("10", "9"), (None, None), ("10", "10"))
    sub[1]["level3"] = "其中：支付进度"
    assert run("scores_present", Facts({}, (), sub)).status == "pass"


def test_total_score() -> None:
    assert run("total_score", score_facts()).status == "pass"
    bad = run("total_score", score_facts(total="95.00"))
    assert bad.status == "fail" and bad.difference == D("1.00")
    assert run("total_score", Facts({})).status == "skipped"


def test_a_total_set_score_other_than_the_forms_fails_even_without_the_rows_set_scores() -> None:
    """综合得分's set score 100 read as 1 (a ruling's end cut the figure in two on a small-print scan): the
    form's total set score is fixed, so the printed one is checked against it even where the level-1 rows
    print no set score to sum."""
    facts = score_facts()
    subs = [{**r, "set_score": None} for r in facts.subtotals]
    one = Facts({**facts.values, "score.total_set": D("1")}, (), facts.indicators, subs)
    bad = run("total_score", one)
    assert bad.status == "fail" and "score.total_set" in bad.fields
    assert any("printed 1" in d for d in bad.details)
    assert run("total_score", Facts({**facts.values}, (), facts.indicators, subs)).status == "pass"


def test_set_scores_of_groups_printed_without_points_are_summed_from_the_indicators() -> None:
    """Level-1 groups whose rows print no set score (their points in no cell): the indicators' set scores
    make the 100. An indicator row read twice (a signature's stroke across it read as a ruling) with a score
    of 0 keeps the scores' sum, but not the set scores': the check fails and names them all. The generic
    reader, which fixes no total, checks them against the total set score the form prints."""
    facts = score_facts()
    subs = [{**r, "set_score": None} for r in facts.subtotals]
    assert run("total_score", Facts(facts.values, (), facts.indicators, subs)).status == "pass"
    twice = Facts(facts.values, (), [*facts.indicators, _ind("过程", "10", "0")], subs)
    bad = run("total_score", twice)
    assert bad.status == "fail" and {"indicators[0].set_score", "indicators[2].set_score"} <= set(bad.fields)
    assert any("sum to 110" in d for d in bad.details)
    generic = next(t for t in default_templates() if t.id == "generic")
    (rule,) = [r for r in generic.rules if r.id == "total_score"]
    assert "total_set" not in rule.params
    (check,) = run_checks([rule], twice)
    assert check.status == "fail" and "indicators[2].set_score" in check.fields
    (check,) = run_checks([rule], Facts(facts.values, (), facts.indicators, subs))
    assert check.status == "pass"


def test_score_within_weight() -> None:
    assert run("score_within_weight", score_facts()).status == "pass"
    over = run("score_within_weight", score_facts(scores=("17.00", "80.00")))
    assert over.status == "fail" and over.fields == ["indicators[0].score", "indicators[0].set_score"]
    assert run("score_within_weight", Facts({})).status == "skipped"


@pytest.mark.parametrize(
    ("total", "grade", "status"),
    [
        ("96.00", "优", "pass"),
        ("90.00", "优", "pass"),
        ("89.99", "优", "fail"),
        ("89.99", "良", "pass"),
        ("80", "良", "pass"),
        ("79.5", "中", "pass"),
        ("60", "中", "pass"),
        ("59.99", "差", "pass"),
        ("96", "良", "fail"),
    ],
)
def test_grade_band(total: str, grade: str, status: str) -> None:
    assert run("grade_band", Facts({"score.total": D(total), "score.grade": grade})).status == status


def test_grade_band_skipped_without_grade() -> None:
    assert run("grade_band", Facts({"score.total": D("96")})).status == "skipped"


def test_rule_spec_is_data() -> None:
    assert isinstance(RULES["budget_balance"], RuleSpec)
    assert RULES["budget_balance"].tolerance == Fixed(D("0.01"))


def test_a_sum_holding_only_through_a_figure_in_review_confirms_none_of_its_figures() -> None:
    """A scan read two figures of a sum wrong by amounts that cancel (a score 4 → 1 read with low confidence,
    its subtotal 49.7 → 46.7 with high): the sum holds, but only through a figure in doubt, so it is a
    ``warn`` naming that figure and listing every figure of the sum (the pipeline puts them in review) —
    a group without a doubtful figure stays ``pass``; a failing group still fails, the warned one listed too."""
    facts = score_facts()
    doubtful = dataclasses.replace(facts, unsure=frozenset({"indicators[0].score"}))
    sub = run("indicator_subtotals", doubtful)
    assert sub.status == "warn", sub
    assert set(sub.fields) == {"indicator_subtotals[0].score", "indicators[0].score"}
    assert any("投入 score" in d and "only through indicators[0].score" in d for d in sub.details)
    assert run("indicator_subtotals", dataclasses.replace(facts, unsure=frozenset({"score.total"}))).status == "pass"
    both = dataclasses.replace(score_facts(scores=("16.00", "79.00")), unsure=frozenset({"indicators[0].score"}))
    failed = run("indicator_subtotals", both)
    assert failed.status == "fail" and {"indicators[1].score", "indicators[0].score"} <= set(failed.fields)

    total = run("total_score", dataclasses.replace(facts, unsure=frozenset({"indicator_subtotals[1].score"})))
    assert total.status == "warn" and {"score.total", "indicator_subtotals[0].score"} <= set(total.fields)
    assert run("total_score", dataclasses.replace(facts, unsure=frozenset({"score.grade"}))).status == "pass"

    budget = Facts(dict(BUDGET), unsure=frozenset({"budget.carryover"}))
    balance = run("budget_balance", budget)
    assert balance.status == "warn" and "budget.execution" in balance.fields
    assert balance.expected == balance.actual == D("1121.69")  # the arithmetic itself holds
    off = run("budget_balance", Facts({**BUDGET, "budget.execution": D("1131.69")}, unsure=budget.unsure))
    assert off.status == "fail"


def test_checks_name_the_figures_a_warned_sum_put_in_review() -> None:
    from extract.checks.base import unconfirmed_flags

    doubtful = dataclasses.replace(score_facts(), unsure=frozenset({"indicators[0].score"}))
    checks = run_checks(TEMPLATE.rules, doubtful)
    added, named = unconfirmed_flags(checks)
    assert named == {"indicators[0].score"}
    assert "indicator_subtotals[0].score" in added and "indicators[0].score" not in added
