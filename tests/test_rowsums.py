"""A funds row whose label OCR lost is named by the block's own sum, and only where the sum singles it out
(``extract.forms.rowsums``). The scans that show it end to end: ``test_scans.py::
test_a_funds_row_whose_label_a_seal_hid_is_named_by_the_forms_sums``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract.forms.extraction import Extraction
from extract.forms.rowsums import name_rows_by_sums
from extract.forms.templates import RuleSpec, load_templates
from extract.model import Field

COLUMNS = ("initial_budget", "full_year_budget", "executed")


def _field(path: str, value: str | None) -> Field:
    raw = value or ""
    return Field(path, Decimal(value) if value else None, raw, 1, (0, 0, 1, 1), 0.9, "ocr")


def _block(named: dict[str, tuple[str | None, ...]], unnamed: list[tuple[str, tuple[str | None, ...]]]) -> Extraction:
    ex = Extraction()
    for row in ("total", "fiscal_appropriation", "carryover", "other"):
        for col, v in zip(COLUMNS, named.get(row, (None, None, None)), strict=True):
            ex.put(_field(f"funds.rows.{row}.{col}", v))
    ex.rows["funds.other_rows"] = [
        {
            "label": Field(f"funds.other_rows[{k}].label", label, label, 1, (0, 0, 1, 1), 0.5, "ocr"),
            **{c: _field(f"funds.other_rows[{k}].{c}", v) for c, v in zip(COLUMNS, values, strict=True)},
        }
        for k, (label, values) in enumerate(unnamed)
    ]
    return ex


def _rules() -> tuple[RuleSpec, ...]:
    (t,) = [t for t in load_templates() if t.id == "project-national"]
    return t.rules


PARTS = {"fiscal_appropriation": ("1595.62", "1595.62", "1439.73"), "carryover": ("63.94", "72.81", "57.99")}


@pytest.mark.parametrize(
    ("named", "unnamed", "want"),
    [
        # the total's label under a seal: executed 1515.70 = 1439.73 + 57.99 + 17.98 (the other columns misread)
        ({**PARTS, "other": ("14.54", "17.98", "17.98")}, [("年盛美全", ("4.10", "168641", "1515.70"))], "total"),
        # a part's label lost: its figures are the total less the other parts
        ({"total": ("1674.10", "1686.41", "1515.70"), **PARTS}, [("", ("14.54", "17.98", "17.98"))], "other"),
        # one part printed alone: the total is that part, in every column that can be compared
        ({"fiscal_appropriation": ("200", "210", "190")}, [("含计", ("200", "210", "190"))], "total"),
    ],
)
def test_a_row_whose_figures_the_sum_singles_out_is_named(
    named: dict[str, tuple[str | None, ...]], unnamed: list[tuple[str, tuple[str | None, ...]]], want: str
) -> None:
    ex = _block(named, unnamed)
    assert name_rows_by_sums(ex, _rules()) == [f"funds.rows.{want}"]
    assert "funds.other_rows" not in ex.rows
    values = unnamed[0][1]
    for col, v in zip(COLUMNS, values, strict=True):
        f = ex.fields[f"funds.rows.{want}.{col}"]
        assert f.value == (Decimal(v) if v else None) and f.name == f"funds.rows.{want}.{col}"
        assert f"funds.rows.{want}.{col}" in ex.review  # its label did not read: in review


@pytest.mark.parametrize(
    ("named", "unnamed"),
    [
        # 中央补助, a row of its own: its figures are no row's by the sum
        ({"total": ("1674.10", "1686.41", "1515.70"), **PARTS}, [("中央补助", ("300", "300", "259.45"))]),
        # one part printed alone, one column agreeing and one not: not enough
        ({"fiscal_appropriation": ("200", "210", "190")}, [("含计", ("200", "215", None))]),
        # two unnamed rows either of which sums as the sealed total: which is which is unsure
        ({**PARTS}, [("年盛美全", ("1659.56", "1668.43", "1497.72")), ("年度资金", ("1659.56", "1668.43", "1497.72"))]),
        # the sums of zeros name nothing
        ({"fiscal_appropriation": ("0", "0", "0"), "carryover": ("0", "0", "0")}, [("", ("0", "0", "0"))]),
    ],
)
def test_a_row_the_sum_does_not_single_out_stays_unnamed(
    named: dict[str, tuple[str | None, ...]], unnamed: list[tuple[str, tuple[str | None, ...]]]
) -> None:
    ex = _block(named, unnamed)
    assert name_rows_by_sums(ex, _rules()) == []
    assert len(ex.rows["funds.other_rows"]) == len(unnamed)


def test_rows_named_together_and_a_row_of_its_own_kept() -> None:
    """A sealed total and a part whose label a ruling cut (其中：年财政拨) are named together — neither alone
    makes the sum hold — and 中央补助, which no way of naming needs, stays, numbered anew."""
    sealed = ("年度实全", ("10", "16864", "1515.70"))  # the total, two of its figures misread
    cut = ("其中：年财政拨", (None, "1595.62", "1439.73"))
    own = ("中央补助", ("300", "300", "259.45"))
    ex = _block({"carryover": PARTS["carryover"], "other": ("14.54", "17.98", "17.98")}, [own, sealed, cut])
    ex.flag("funds.other_rows[0].executed", "a note on 中央补助")
    ex.flag("funds.other_rows[2].executed", "a note on the cut row")
    assert sorted(name_rows_by_sums(ex, _rules())) == ["funds.rows.fiscal_appropriation", "funds.rows.total"]
    assert ex.fields["funds.rows.total.executed"].value == Decimal("1515.70")
    assert ex.fields["funds.rows.fiscal_appropriation.full_year_budget"].value == Decimal("1595.62")
    (kept,) = ex.rows["funds.other_rows"]
    assert kept["label"].value == "中央补助" and kept["executed"].name == "funds.other_rows[0].executed"
    assert ex.review["funds.other_rows[0].executed"] == "a note on 中央补助"
    assert not any(p.startswith(("funds.other_rows[1]", "funds.other_rows[2]")) for p in ex.review)
