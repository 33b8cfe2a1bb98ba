"""The funds and narrative checks of the national templates: pass, fail, skipped, Decimal edges."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from extract.checks import Facts, run_checks
from extract.checks.base import Row
from extract.forms.amounts import find_amounts
from extract.forms.templates import default_templates
from extract.model import Check

T = {t.id: t for t in default_templates()}


def run(template: str, rule_id: str, facts: Facts) -> Check:
    (rule,) = [r for r in T[template].rules if r.id == rule_id]
    (check,) = run_checks([rule], facts)
    return check


def funds(**rows: dict[str, str | None]) -> dict[str, D | None]:
    out: dict[str, D | None] = {}
    for row, cols in rows.items():
        for col, v in cols.items():
            out[f"funds.rows.{row}.{col}"] = None if v is None else D(v)
    return out


def test_funds_total_sum_fails_like_the_anhui_form() -> None:
    values = funds(
        total={"initial_budget": "0", "full_year_budget": "0", "executed": "0"},
        fiscal_appropriation={"initial_budget": "202.64", "full_year_budget": "132.912", "executed": "132.912"},
    )
    c = run("project-national", "funds_total_sum", Facts(values))
    assert (c.status, c.expected, c.actual, c.difference, c.signed_difference, c.unit) == (
        "fail",
        D("202.64"),
        D("0"),
        D("202.64"),
        D("-202.64"),
        "万元",
    )
    assert len(c.details) == 3 and "funds.rows.total.initial_budget" in c.fields


def test_funds_total_sum_passes_and_skips_blank_columns() -> None:
    values = funds(
        total={"initial_budget": "100.00", "full_year_budget": "120.00", "executed": None},
        fiscal_appropriation={"initial_budget": "80.00", "full_year_budget": "100.00", "executed": None},
        other={"initial_budget": "20.00", "full_year_budget": "20.00", "executed": None},
    )
    assert run("project-national", "funds_total_sum", Facts(values)).status == "pass"
    assert run("project-national", "funds_total_sum", Facts({})).status == "skipped"


@pytest.mark.parametrize(
    ("executed", "budget", "rate", "status"),
    [
        ("215457.6", "250000", "86.19", "fail"),  # 86.18304%: printed 86.19 is off by more than 0.005
        ("215457.6", "250000", "86.18", "pass"),
        ("1248.19", "1642.35", "76", "pass"),  # 76.0003% printed to a whole percent
        ("1248.19", "1642.35", "76.1", "fail"),
        ("911.30", "945.00", "96.43", "pass"),
    ],
)
def test_execution_rate_within_half_a_printed_unit(executed: str, budget: str, rate: str, status: str) -> None:
    values = funds(total={"executed": executed, "full_year_budget": budget, "execution_rate": rate})
    c = run("project-national", "funds_execution_rate", Facts(values))
    assert c.status == status
    assert c.unit == "%" and c.tolerance == D("0.5").scaleb(-len(rate.partition(".")[2]))


def test_execution_rate_skipped_on_a_zero_budget() -> None:
    values = funds(total={"executed": "0", "full_year_budget": "0", "execution_rate": "0"})
    assert run("project-national", "funds_execution_rate", Facts(values)).status == "skipped"


def test_funds_score_caps_the_rate_at_100() -> None:
    ok = funds(total={"set_score": "10", "execution_rate": "104.5", "score": "10"})
    assert run("project-national", "funds_score", Facts(ok)).status == "pass"
    wrong = funds(total={"set_score": "10", "execution_rate": "96.43", "score": "9.74"})
    c = run("project-national", "funds_score", Facts(wrong))
    assert c.status == "fail" and c.expected == D("9.643")


def test_text_total_parts_fails_like_the_anhui_goal() -> None:
    expected = (
        "本项目共申请预算资金2026400元,其中村级组织运转400000元,村民组长,党小组长基本报酬252000元,"
        "村民监督委员会 工资28000元,村级事务补助960000元,村级工作目标奖励100000元。"
    )
    achieved = "本项目共完成预算资金1329120.67元,其中村级组织运转439120.67元,村级事务补助890000元。"
    values = {"goals.expected": expected, "goals.achieved": achieved}
    amounts = find_amounts("goals.expected", expected) + find_amounts("goals.achieved", achieved)
    c = run("project-national", "text_parts_sum", Facts(values, amounts))
    assert (c.status, c.expected, c.actual, c.signed_difference, c.unit) == (
        "fail",
        D("2026400"),
        D("1740000"),
        D("-286400"),
        "元",
    )
    assert c.fields == ["goals.expected"]  # the achieved statement adds up
    assert [a.role for a in amounts[:2]] == ["total", "part"]


def test_text_total_matches_funds_within_the_printed_rounding() -> None:
    achieved = "本项目共完成预算资金1329120.67元,其中村级组织运转1329120.67元。"
    amounts = find_amounts("goals.achieved", achieved)
    facts = Facts(
        {"goals.achieved": achieved, "funds.unit": "万元", "funds.rows.fiscal_appropriation.executed": D("132.912")},
        amounts,
    )
    c = run("project-national", "text_total_matches_funds", facts)
    assert (c.status, c.expected, c.actual, c.signed_difference, c.tolerance, c.unit) == (
        "pass",
        D("1329120.67"),
        D("1329120.000"),
        D("-0.670"),
        D("5.0000"),
        "元",
    )
    far = Facts({**facts.values, "funds.rows.fiscal_appropriation.executed": D("132.911")}, amounts)
    assert run("project-national", "text_total_matches_funds", far).status == "fail"
    assert run("project-national", "text_total_matches_funds", Facts({"goals.achieved": "无"})).status == "skipped"
    # the same statement against a table printed in 元: compared in 元, to the table's precision
    in_yuan = Facts({**facts.values, "funds.unit": "元", "funds.rows.fiscal_appropriation.executed": D("1329120.67")})
    c = run("project-national", "text_total_matches_funds", Facts(in_yuan.values, amounts))
    assert (c.status, c.expected, c.actual, c.unit) == ("pass", D("1329120.67"), D("1329120.67"), "元")
    off = Facts({**in_yuan.values, "funds.rows.fiscal_appropriation.executed": D("1329020.67")}, amounts)
    assert run("project-national", "text_total_matches_funds", off).status == "fail"
    # no unit stated: the comparison cannot be made, and says so
    unitless = Facts({k: v for k, v in facts.values.items() if k != "funds.unit"}, amounts)
    c = run("project-national", "text_total_matches_funds", unitless)
    assert c.status == "skipped" and "no unit" in c.details[0]


def test_by_income_and_by_expenditure() -> None:
    values = {
        "funds.by_income.total": D("2436.58"),
        "funds.by_income.general_public_budget": D("1826.42"),
        "funds.by_income.government_fund": D("412.00"),
        "funds.by_income.special_account_nontax": D("63.16"),
        "funds.by_income.other": D("135.00"),
        "funds.by_expenditure.total": D("2436.58"),
        "funds.by_expenditure.basic": D("1064.27"),
        "funds.by_expenditure.project": D("1371.81"),
    }
    assert run("dept-national", "by_income_sum", Facts(values)).status == "pass"
    off = run("dept-national", "by_expenditure_sum", Facts(values))
    assert (off.status, off.difference) == ("fail", D("0.50"))
    assert run("dept-national", "income_expenditure_totals_agree", Facts(values)).status == "pass"
    del values["funds.by_income.other"]
    assert run("dept-national", "by_income_sum", Facts(values)).status == "skipped"


def test_total_score_counts_the_funds_score() -> None:
    inds: list[Row] = [
        {"level1": "产出指标", "set_score": D("50"), "score": D("49.7")},
        {"level1": "效益指标", "set_score": D("40"), "score": D("38.8")},
    ]
    values: dict[str, D | int | str | bool | None] = {
        "score.total": D("98.18"),
        "score.total_set": D("100"),
        "funds.rows.total.set_score": D("10"),
        "funds.rows.total.score": D("9.68"),
    }
    c = run("dept-national", "total_score", Facts(values, (), inds, inds))
    assert c.status == "pass" and c.actual == D("98.18")
    bad = run("dept-national", "total_score", Facts({**values, "funds.rows.total.set_score": D("20")}, (), inds, inds))
    assert bad.status == "fail" and "set scores sum to 110" in bad.details[0]


@pytest.mark.parametrize("template", ["project-national", "generic"])
def test_a_funds_row_of_its_own_has_its_execution_rate_checked(template: str) -> None:
    """A published Ningxia form's funds block prints 自治区补助 300 259.45 86.5% under 资金总额 300 — a row no
    key of the record stands for (``funds.other_rows``). Its rate is checked as any row's; a rate read as
    100.00 fails, naming that row's figures."""
    values: dict[str, object] = {
        **funds(total={"full_year_budget": "300", "executed": None, "execution_rate": None}),
        "funds.other_rows[0].label": "中央补助",
        "funds.other_rows[0].full_year_budget": None,
        "funds.other_rows[1].label": "自治区补助",
        "funds.other_rows[1].full_year_budget": D("300"),
        "funds.other_rows[1].executed": D("259.45"),
        "funds.other_rows[1].execution_rate": D("86.5"),
    }
    c = run(template, "funds_execution_rate", Facts(values))  # type: ignore[arg-type]
    assert c.status == "pass" and "funds.other_rows[1].execution_rate" in c.fields
    values["funds.other_rows[1].execution_rate"] = D("100.00")
    c = run(template, "funds_execution_rate", Facts(values))  # type: ignore[arg-type]
    assert c.status == "fail"
    assert set(c.fields) >= {f"funds.other_rows[1].{k}" for k in ("execution_rate", "executed", "full_year_budget")}
