"""A digit both OCR engines missed, mended by the form's own arithmetic where it singles the figure out
(``scan.mend``).

``mended-digit-department.pdf`` is development layout department-1285 (``python -m samples.variants render
--kinds department --seeds 1285``), a national department form, scanned in the test at 300 dpi with the
recipe of development scans seed 1280. The 分值 10 of 播发稿件数量 reads 101 (a ruling's stroke
taken for a 1) and the other engine reads no figure there; its group's set scores then sum to 121 against
the 30 printed. Of the values one digit from 101, only 10 makes that sum hold and breaks nothing: it is
taken, in review, with 101 kept as the first reading. The score 19 (for 10) beside it is not mended: 1, 9
and 10 all keep it within its 10 points and nothing else tells them apart.

The rules, on figures and a checker built here (the mending takes any checker):
- a figure both engines read alike is the form's own, never mended (a form whose sums do not add up is
  reported, not repaired);
- where a total and a part both fit, nothing is taken.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import extract
from extract.forms.extraction import Extraction
from extract.model import Check, Field, Record
from extract.scan.mend import mend_by_arithmetic, neighbours

from .pdfs import simulated_scan
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "mended-digit-department.pdf"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("mend") / "scan.pdf"
    (rec,) = extract.read_pdf(simulated_scan(PDF, out, 1280, 1, "department-1285", 300))
    return rec


def test_the_set_score_read_101_is_mended_to_10_in_review(record: Record) -> None:
    (row,) = [i for i in record.indicators if i.level3 == "播发稿件数量"]
    j = record.indicators.index(row)
    path = f"indicators[{j}].set_score"
    assert row.set_score == Decimal("10")
    prov = record.provenance[path]
    assert (prov.repaired_from, prov.method) == ("101", "ocr")
    assert prov.repair and "indicator_subtotals" in prov.repair
    assert path in record.review


def test_nothing_silent(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent and not result.blank, (result.silent, result.blank)


# ---------------------------------------------------------------- the rules, on a checker built here


def _fig(path: str, value: str, readings: tuple[str, ...]) -> Field:
    return Field(path, Decimal(value), value, 1, (0.0, 0.0, 1.0, 1.0), 0.9, "ocr", readings)


def _sum_checker(ex: Extraction) -> list[Check]:
    """total = a + b, one item."""
    a, b, total = (ex.fields[k].value for k in ("a", "b", "total"))
    assert isinstance(a, Decimal) and isinstance(b, Decimal) and isinstance(total, Decimal)
    ok = a + b == total
    details = [] if ok else [f"total {total}, parts sum to {a + b}"]
    return [Check("sum", "pass" if ok else "fail", "total = a + b", fields=["a", "b", "total"], details=details)]


def _form(total: tuple[str, ...], a: tuple[str, ...], b: tuple[str, ...]) -> Extraction:
    ex = Extraction()
    for path, readings in (("total", total), ("a", a), ("b", b)):
        ex.fields[path] = _fig(path, readings[0], readings)
    return ex


def test_the_one_figure_in_doubt_is_mended_when_one_value_fits() -> None:
    ex = _form(("2116.81", "2116.8"), ("1000.00", "1000.00"), ("1146.81", "1146.81"))
    out, checks = mend_by_arithmetic(ex, _sum_checker(ex), _sum_checker)
    assert out.fields["total"].value == Decimal("2146.81")
    assert out.fields["total"].repaired_from == "2116.81"
    assert "total" in out.review and [c.status for c in checks] == ["pass"]
    assert ex.fields["total"].value == Decimal("2116.81")  # the extraction given is left as it was


def test_a_figure_both_engines_read_alike_is_not_mended() -> None:
    ex = _form(("2116.81", "2116.81"), ("1000.00", "1000.00"), ("1146.81", "1146.81"))
    out, checks = mend_by_arithmetic(ex, _sum_checker(ex), _sum_checker)
    assert out.fields["total"].value == Decimal("2116.81") and [c.status for c in checks] == ["fail"]


def test_a_total_and_a_part_that_both_fit_are_left_alone() -> None:
    ex = _form(("2116.81", "2116.8"), ("1040.00", "1840.00"), ("1106.81", "1106.81"))  # 2146.81, or a 1010.00
    out, checks = mend_by_arithmetic(ex, _sum_checker(ex), _sum_checker)
    assert (out.fields["total"].value, out.fields["a"].value) == (Decimal("2116.81"), Decimal("1040.00"))
    assert [c.status for c in checks] == ["fail"]


def test_neighbours_keep_the_decimals_and_add_no_leading_zero() -> None:
    near = set(neighbours(Decimal("101")))
    assert {Decimal(10), Decimal(11), Decimal(100), Decimal(1101), Decimal(201)} <= near
    assert Decimal(101) not in near and Decimal(1) not in near
    assert all(v.as_tuple().exponent == -2 for v in neighbours(Decimal("25.56")))
    assert Decimal("25.56") in set(neighbours(Decimal("125.56")))
