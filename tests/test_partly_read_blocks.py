"""A block of label fields read in part on a scan: the figures whose labels OCR lost are in review.

``partly-read-blocks-department.pdf`` is development layout department-1364 (``python -m samples.variants
render --kinds department --seeds 1364``), a national department form over three pages, scanned in the test
at 200 dpi, 1-bit (threshold), its second and third pages fed turned 90°, with the recipe of development scan
seed 1306. Its funds block prints 按支出性质分 | 24,365,800.00 with 基本支出 and 项目支出 beside it; OCR read the
first label (its figure not) and lost the other two: 10,642,700.00 and 13,718,100.00 came out blank with no
flag — as if the form did not print them. Only the budget block was weighed so before; every block of the
template's label fields is now (``pipeline._flag_partly_read``): a label not found where the rest of its
block was is in review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extract
from extract.model import Record

from .pdfs import simulated_scan
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "partly-read-blocks-department.pdf"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("blocks") / "scan.pdf"
    (rec,) = extract.read_pdf(simulated_scan(PDF, out, 1306, 3, "department-1364", 200))
    return rec


def test_the_figures_of_a_block_read_in_part_are_read_or_in_review(record: Record) -> None:
    assert record.template == "dept-national"
    for p in ("funds.by_expenditure.total", "funds.by_expenditure.basic", "funds.by_expenditure.project"):
        assert p in record.review or (record.provenance.get(p) is not None and p not in record.review), p


def test_no_printed_figure_passed_as_blank_and_nothing_silent(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent, result.silent
    assert not result.blank, result.blank
