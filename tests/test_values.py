from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.errors import ValueParseError
from extract.forms.values import (
    fold_digits,
    is_placeholder,
    parse_decimal,
    parse_int,
    parse_number,
    parse_phone,
    to_wan,
    two_figures,
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,121.69", "1121.69", None),
        ("１１２１．６９", "1121.69", None),
        ("１,１２１.６９", "1121.69", None),
        (" 1121.69万元", "1121.69", "万元"),
        ("  71.39 ", "71.39", None),
        ("965.40", "965.40", None),
        ("86.19%", "86.19", "%"),
        ("８６．１９％", "86.19", "%"),
        ("8,953,203.17元", "8953203.17", "元"),
        ("0.00", "0.00", None),
        ("-3.5", "-3.5", None),
        ("100", "100", None),
        ("1\n121.69", "1121.69", None),
    ],
)
def test_numbers_are_decimal(text: str, value: str, unit: str | None) -> None:
    n = parse_number(text)
    assert n is not None
    assert isinstance(n.value, Decimal)
    assert n.value == Decimal(value)
    assert str(n.value) == value  # printed precision is kept: 965.40 stays 965.40
    assert n.unit == unit


@pytest.mark.parametrize("text", ["", "  ", "——", "—", "-", "/", "／", None, "……"])
def test_placeholders_are_none_not_zero(text: str | None) -> None:
    assert parse_number(text) is None
    assert parse_decimal(text) is None


@pytest.mark.parametrize("text", ["1,12.3", "12,34", "abc", "1.2.3", "十二", "1,121.69x", "3.00分3"])
def test_garbage_raises_value_parse_error(text: str) -> None:
    with pytest.raises(ValueParseError):
        parse_number(text)


def test_no_binary_float_rounding() -> None:
    # 0.1 + 0.2 == 0.3 in Decimal; the classic float trap must not happen
    total = sum((parse_decimal(t) or Decimal(0)) for t in ["0.1", "0.2"])
    assert total == Decimal("0.3")


def test_int_and_phone() -> None:
    assert parse_int("2021") == 2021
    with pytest.raises(ValueParseError):
        parse_int("2021.5")
    assert parse_phone("０３５４２６３６１７１") == "03542636171"
    assert parse_phone(" 0354-2636171 ") == "0354-2636171"
    assert parse_phone("——") is None
    with pytest.raises(ValueParseError):
        parse_phone("办公室")


def test_fold_digits_keeps_chinese_text() -> None:
    assert fold_digits("支出８９５３元（含）：") == "支出8953元（含）："
    assert is_placeholder(" —— ")


def test_to_wan() -> None:
    assert to_wan(Decimal("11216943.56"), "元") == Decimal("1121.694356")
    assert to_wan(Decimal("1121.69"), "万元") == Decimal("1121.69")


@pytest.mark.parametrize(
    ("text", "two"),
    [
        ("1580.42 1808.", True),  # a 1-bit development scan: the ruling between two cells lost under a seal
        ("1580.42 1808.88", True),
        ("10 88.64%", True),
        ("96.80% 9.68", True),
        ("１５８０．４２　１８０８", True),
        ("12345 678", True),  # a group of more than three digits before the space
        ("3 2", True),
        ("1 580.42", False),  # thousands apart
        ("100 000", False),
        ("-1 000.5", False),
        ("1,234 567.89", False),
        ("1121. 69", False),  # a point's one side
        ("1121 .69", False),
        ("1\n121.69", False),  # a figure wrapped in its cell
        ("12.5 万元", False),
        ("清 57.35", False),
        ("", False),
    ],
)
def test_two_figures_side_by_side_are_no_one_figure(text: str, two: bool) -> None:
    assert two_figures(text) is two
    if two:
        with pytest.raises(ValueParseError):
            parse_number(text)


@given(st.text(max_size=20))
def test_only_value_parse_error_escapes(text: str) -> None:
    with contextlib.suppress(ValueParseError):
        parse_number(text)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_round_trip_with_separators(d: Decimal) -> None:
    text = f"{d:,.2f}"
    assert parse_decimal(text) == d
    full = text.translate(str.maketrans("0123456789.,", "０１２３４５６７８９．，"))
    assert parse_decimal(full) == d


@pytest.mark.parametrize(
    ("raw", "source", "value"),
    [
        ("清 57.35", "ocr", Decimal("57.35")),  # a seal's character over the cell, read before the figure
        ("57.35 专", "ocr", Decimal("57.35")),
        ("审计 1,118.52", "ocr", Decimal("1118.52")),
        ("清 57.35 12", "ocr", None),  # two figures: which one is not plain
        ("清晰度 57.35", "ocr", None),  # a word, not a stray mark
        ("清 57.35", "text", None),  # a text layer prints what it prints
        ("清", "ocr", None),
    ],
)
def test_an_ocr_figure_beside_stray_marks_is_read_and_stays_flagged(raw: str, source: str, value) -> None:
    from extract.forms.extraction import Extraction, cell_field
    from extract.model import Cell

    cell = Cell(1, 0, 0, 1, 1, (0.0, 0.0, 50.0, 20.0), raw, confidence=0.99, source=source)
    ex = Extraction()
    f = cell_field("budget.budget_adjustment", cell, "money", None, ex)
    assert f.value == value
    assert "budget.budget_adjustment" in ex.review  # never passed off as clean
