"""A scan whose keywords fit three templates alike and whose labels put none clearly ahead: each is read.

``tied-templates-department.pdf`` is development layout department-1376 (``python -m samples.variants render
--kinds department --seeds 1376``), a national department form on one page, scanned in the test at 200 dpi,
1-bit (threshold), with the recipe of development scan seed 1319. Its title reads 部门整体支出绩效自评长; the
Chongqing, national and Shanxi department templates share that title keyword and each shows two of its three
keywords (0.67), and the labels the page prints put the national one ahead but not clearly (0.31 of its labels,
under the 0.4 ``nearest`` asks). It was read by the generic reader, which has no field for 按收入性质分 and
按支出性质分: their eight figures came out blank with no flag.

On a scan, the templates as near by keywords are each read (``templates.tied_near``, ``FormPages.others``) and
the reading that holds up best is kept (``pipeline.extract_form``), then weighed against the generic reader's
as before: the national template's reading is kept, and its blocks are read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import extract
from extract.model import Record

from .pdfs import simulated_scan
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "tied-templates-department.pdf"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("tied") / "scan.pdf"
    (rec,) = extract.read_pdf(simulated_scan(PDF, out, 1319, 1, "department-1376", 200))
    return rec


def test_the_template_whose_reading_holds_up_best_is_kept(record: Record) -> None:
    assert record.template == "dept-national"
    assert record.funds is not None and record.funds.by_income is not None
    assert record.funds.by_income.total == Decimal("2436.58")  # 按收入性质分, read
    blocks = [f"funds.by_income.{k}" for k in ("general_public_budget", "government_fund", "other")]
    blocks += [f"funds.by_expenditure.{k}" for k in ("total", "basic", "project")]
    for p in blocks:  # read, or in review: none passed as not printed
        assert p in record.review or record.provenance.get(p) is not None, p


def test_no_printed_figure_passed_as_blank_and_nothing_silent(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent, result.silent
    assert not result.blank, result.blank
