"""Units and rates as printed, and the shared vocabulary: read, never assumed."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from extract.errors import TemplateError
from extract.forms.units import read_unit, resolve_rate, unit_in_label, unit_in_line, unreadable_unit
from extract.forms.vocabulary import load_vocabulary, vocabulary


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("项目资金（元）", "元"),
        ("项目资金(万元)", "万元"),
        ("全年执行数 （ 万元 ）", "万元"),
        ("上年结转金额 (万元)", "万元"),
        ("预算执行情况(万元)(20分)", "万元"),
        ("项目资金", None),
        ("产出指标(50分)", None),
        ("项目资金（元", "元"),  # the closing bracket lost (wrapped in a narrow cell, or by OCR)
        ("全年执行数(万元", "万元"),
        ("项目资金元）", "元"),  # the opening bracket lost (OCR, against the label)
        ("年初预算金额万元）", "万元"),
        ("计量单元)", None),  # a word ending in 元, no unit
        ("项目资金元", None),  # no bracket at all: no unit printed in brackets
        ("年初预算数（方元）", None),  # 万 misread: the unit is unreadable, never 元 (a development scan)
    ],
)
def test_unit_in_label(text: str, unit: str | None) -> None:
    assert unit_in_label(text) == unit


@pytest.mark.parametrize(
    ("text", "unreadable"),
    [
        ("项目资金（无）", True),  # OCR garbled the unit: the template's unit must not pass silently
        ("项目资金（", True),
        ("全年执行数(万", True),
        ("项目资金无）", True),  # its opening bracket lost too
        ("年初预算数（方元）", True),
        ("项目资金（元）", False),
        ("年初预算数", False),
        ("产出指标(50分)", False),
        ("执行率(%)", False),
        ("其中：财政拨款", False),
        ("项目资金元）", False),
        ("产出指标50分)", False),
    ],
)
def test_a_label_whose_unit_cannot_be_read(text: str, unreadable: bool) -> None:
    assert unreadable_unit(text) is unreadable


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：万元", "万元"),
        ("金额单位：元", "元"),
        ("单位: 元", "元"),
        ("资金单位：万元", "万元"),
        ("单位名称", None),
    ],
)
def test_unit_in_line(text: str, unit: str | None) -> None:
    assert unit_in_line(text) == unit


def test_labels_before_lines_before_the_template() -> None:
    r, problems = read_unit(["项目资金（元）"], ["单位：万元"], "万元")
    assert (r.unit, r.source, problems) == ("元", "label", [])
    r, problems = read_unit(["项目资金"], ["金额单位：元"], "万元")
    assert (r.unit, r.source) == ("元", "line")
    r, problems = read_unit(["项目资金"], [], "万元")
    assert (r.unit, r.source, problems) == ("万元", "template", [])
    r, problems = read_unit(["项目资金"], [], None)
    assert r.unit is None and problems == ["the form states no unit for its amounts"]
    r, problems = read_unit(["项目资金（元）", "全年执行数(万元)"], [], None)
    assert r.unit == "元" and problems  # two units printed for one block: flagged


def test_a_unit_read_from_a_label_whose_opening_bracket_was_lost() -> None:
    """年初预算金额万元） (a development scan): the unit is 万元, as printed. 项目资金元） may be 项目资金（万元） with
    万 lost beside the （: 元 is read, flagged."""
    r, problems = read_unit(["年初预算金额万元）"], [], "万元")
    assert (r.unit, r.source, problems) == ("万元", "label", [])
    r, problems = read_unit(["项目资金元）"], [], "万元")
    assert (r.unit, r.source) == ("元", "label") and problems and "万" in problems[0]


@pytest.mark.parametrize(
    ("value", "raw", "budget", "executed", "want", "doubt"),
    [
        ("96.43", "96.43%", "945.00", "911.30", "96.43", False),  # printed with %
        ("102.59", "102.59", None, None, "102.59", False),  # over 1.5: only a percentage
        ("0.9643", "0.9643", "945.00", "911.30", "96.43", False),  # a fraction, by the amounts
        ("0.86", "0.86", "100.00", "86.00", "86", False),
        ("0.86", "0.86", "100.00", "0.86", "0.86", False),  # truly 0.86 %: the amounts say so
        ("0.86", "0.86", None, None, "86", True),  # no amounts: not decided, reviewed
        ("1", "1", "50.00", "50.00", "100", False),
        ("0", "0", "0", "0", "0", False),
    ],
)
def test_rates_printed_without_percent_are_decided_by_the_amounts(
    value: str, raw: str, budget: str | None, executed: str | None, want: str, doubt: bool
) -> None:
    got, problem = resolve_rate(D(value), raw, D(budget) if budget else None, D(executed) if executed else None)
    assert got == D(want) and (problem is not None) == doubt


def test_vocabulary_synonyms_by_context() -> None:
    v = vocabulary()
    assert "项目支出名称" in v.expand("header", ("项目名称",))
    assert "调整后预算数" in v.expand("funds_columns", ("全年预算数",))
    assert "其他资金" not in v.expand("header", ("其他",))  # 其他 (a narrative) is not 其他资金 outside funds rows
    assert v.is_label("财务负责人") and v.starts_label("财务负责") and not v.starts_label("张伟")
    assert v.is_group_name("产出指标(50分)") and v.is_group_name("服务对象满意度指标")
    assert v.is_template_row("指标2") and v.is_template_row("……") and not v.is_template_row("指标2：保障人数")


def test_a_broken_vocabulary_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "vocabulary.yaml"
    bad.write_text(
        "synonyms:\n  header: [[项目名称, 项目支出名称]]\n  nonsense: []\ntitle_words: 自评表\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError) as err:
        load_vocabulary(bad)
    assert "invalid vocabulary at synonyms" in str(err.value) and err.value.path == str(bad)
    bad.write_text("synonyms: {}\ntitle_words: 自评表\ntemplate_rows: ['(']\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template_rows\.0: bad regex"):
        load_vocabulary(bad)
    bad.write_text("synonyms: {}\n", encoding="utf-8")  # no title_words: orientation by the title would say nothing
    with pytest.raises(TemplateError, match="'title_words' is a required property"):
        load_vocabulary(bad)
    bad.write_text("synonyms: {}\ntitle_words: '(自评表'\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"title_words: bad regex"):
        load_vocabulary(bad)
