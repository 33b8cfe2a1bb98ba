"""Where a scanned indicator table ends, and the header labels of 4-pt print on a scan.

Two Shanxi department forms printed small (4 pt) and scanned by the independent simulator with the recipes of
development scans seed 1280 (sources: ``python -m samples.variants render --kinds department --seeds 1282``
and ``--seeds 1311``), scanned here as the benchmark scans them:

- department-1282, 1-bit (threshold) at 300 dpi: the total row's label reads 嫁台婷分 (no label) and the grade's
  评价结泉得次 (two glyphs off 评价结果等次), so the table ran on over the total row, the grade and the evaluators —
  their phone numbers read as scores of three more indicators, the totals as a fifth group's; the budget
  block's labels read 年初授算金款, 慢算调警金额, 年末糖余套额 (two glyphs off each) and their figures, read surely,
  were lost.
- department-1311, grey at 200 dpi: a seal's ring, running on from the end of a column's ruling, made a line
  through the middle of the 综合得分 row; its label fell between two rows, and the table ran on likewise.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import extract
from extract.model import Record

from .truth import is_numeric_path, score

DATA = Path(__file__).parent / "data"


def _scan(tmp: Path, source: str, name: str, dpi: int) -> Path:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    out = tmp / f"{name}-{dpi}.pdf"
    out.write_bytes(apply_recipe(DATA / f"{name}.pdf", draw_recipe(1280, 1, source=source, dpi=dpi)).pdf)
    return out


@pytest.fixture(scope="module")
def garbled(tmp_path_factory: pytest.TempPathFactory) -> Record:
    path = _scan(tmp_path_factory.mktemp("end"), "department-1282", "garbled-labels-department", 300)
    (rec,) = extract.read_pdf(path)
    return rec


@pytest.fixture(scope="module")
def seal_ring(tmp_path_factory: pytest.TempPathFactory) -> Record:
    path = _scan(tmp_path_factory.mktemp("end"), "department-1311", "seal-ring-total-department", 200)
    (rec,) = extract.read_pdf(path)
    return rec


def _truth(name: str) -> dict[str, object]:
    truth: dict[str, object] = json.loads((DATA / f"{name}.truth.json").read_text(encoding="utf-8"))
    return truth


def _no_rows_past_the_end(rec: Record, name: str) -> None:
    truth = _truth(name)
    result = score(truth, rec)
    assert not result.silent and not result.blank, (result.silent, result.blank)
    extra = [w for w in result.wrong if "extra" in w]
    assert not extra, extra  # no evaluator's phone number as a score, no totals as a group's
    assert all(i.score is None or i.score <= 100 for i in rec.indicators)


def test_a_total_row_whose_label_reads_as_no_label_ends_the_table_at_the_grade_two_glyphs_off(garbled: Record) -> None:
    """嫁台婷分 | 100 | 96.00 then 评价结泉得次: the grade's label two glyphs off its six ends the table, and the
    row above it is the total row, its figures the indicators' sums — in review, its label not read."""
    _no_rows_past_the_end(garbled, "garbled-labels-department")
    assert garbled.score is not None
    assert (garbled.score.total, garbled.score.total_set) == (Decimal("96.00"), Decimal("100"))
    assert {"score.total", "score.total_set"} <= set(garbled.review)
    assert len(garbled.indicator_subtotals) == 4


def test_budget_labels_read_two_glyphs_off_keep_their_figures_in_review(garbled: Record) -> None:
    """年初授算金款, 慢算调警金额, 年末糖余套额: each two glyphs off one label of the form's header and at least three
    off every other label of the forms — their figures are read, each in review (its label not read)."""
    assert garbled.budget is not None
    got = {k: getattr(garbled.budget, k) for k in ("initial_budget", "budget_adjustment", "year_end_balance")}
    assert got == {
        "initial_budget": Decimal("965.40"),
        "budget_adjustment": Decimal("84.90"),
        "year_end_balance": Decimal("0.00"),
    }
    assert {f"budget.{k}" for k in got} <= set(garbled.review)
    wrong = [w for w in score(_truth("garbled-labels-department"), garbled).wrong if is_numeric_path(w.split(":")[0])]
    # of the form's numbers only these: 其他调整粥全 four glyphs off its label, a 参考分值 lost under the seal,
    # and the grade (评价结泉得次: a label below the indicator table is not searched for two glyphs off)
    known = {"budget.other_adjustment", "indicators[4].reference_score", "score.grade"}
    assert {w.split(":")[0] for w in wrong} <= known, wrong


def test_a_seal_ring_running_on_from_a_ruling_makes_no_line_through_the_total_row(seal_ring: Record) -> None:
    """The ring made a row boundary through 综合得分 | 100 | 94.30; without it the label reads 综命得分, one glyph off
    the table's end label: the total row, its figures in review."""
    _no_rows_past_the_end(seal_ring, "seal-ring-total-department")
    assert seal_ring.score is not None
    assert (seal_ring.score.total, seal_ring.score.total_set) == (Decimal("94.30"), Decimal("100"))
    assert {"score.total", "score.total_set"} <= set(seal_ring.review)
