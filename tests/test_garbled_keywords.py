"""A 1-bit 200-dpi scan whose template keywords OCR garbled, and its set scores no sum can confirm.

``garbled-keywords-department.pdf`` is development layout department-1355 (``python -m samples.variants
render --kinds department --seeds 1355``), a national department form, scanned in the test at 200 dpi, 1-bit
(threshold), its first page fed turned 270°, with the recipe of development scan seed 1305. Its title reads
(2022年度部门整体支出绩效自评表) but two of the national template's three keywords do not (年度预算申请 read
年度顾葬中请, 年度指标值 lost), and the Chongqing and Shanxi department templates tie on keywords: it was read by
the generic reader, which has no field for the blocks 按收入性质分 and 按支出性质分 — their eight figures came
out blank with no flag — and two 分值 4 read 1 beside an unread 8 passed as clean.

- The templates whose title the form prints are weighed by the labels it prints when the keywords single
  out none (``templates.nearest``): the national department template, whose labels it prints clearly
  more of, reads it, beside the generic reader; whichever reading is kept, what the template read or
  looked for in vain is in review.
- The set scores add up to the form's total set score: one unread, the others are confirmed by nothing and
  go to review (``pipeline._flag_unconfirmed_sets``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extract
from extract.forms.templates import load_templates, nearest
from extract.model import Record

from .pdfs import simulated_scan
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "garbled-keywords-department.pdf"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("garbled") / "scan.pdf"
    (rec,) = extract.read_pdf(simulated_scan(PDF, out, 1305, 2, "department-1355", 200))
    return rec


def test_nothing_silent_and_no_printed_figure_passed_as_blank(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent, result.silent
    assert not result.blank, result.blank


def test_the_funds_blocks_by_income_and_expenditure_are_read_or_in_review(record: Record) -> None:
    paths = [f"funds.by_income.{k}" for k in ("total", "general_public_budget", "government_fund", "other")]
    paths += [f"funds.by_expenditure.{k}" for k in ("total", "basic", "project")]
    assert all(p in record.review or p in record.provenance for p in paths)


# ---------------------------------------------------------------- nearest, on what OCR read of that scan

SCREEN = DATA / "garbled-keywords-screen.txt"  # what OCR read of the scan's two pages (``PageScreen.text``)


def test_keywords_that_single_out_none_leave_it_to_the_labels() -> None:
    templates = load_templates()
    chosen = nearest(templates, SCREEN.read_text(encoding="utf-8"), fuzzy=True)
    assert chosen is not None and chosen.id == "dept-national"


def test_labels_of_no_template_clearly_ahead_are_no_answer() -> None:
    templates = load_templates()
    assert nearest(templates, "2022年度部门整体支出绩效自评表 单位名称 合计", fuzzy=True) is None
    assert nearest(templates, "一般公共预算 基本支出 项目支出 执行率", fuzzy=True) is None  # no title: no template
