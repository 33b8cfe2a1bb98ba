"""A funds block printed transposed whose own label a seal covers, read by what it prints.

``sealed-block-label-project.pdf`` is development layout project-1303 (``python -m samples.variants render
--kinds project --seeds 1303``): a national-family project form titled …绩效目标自评 (no template's title), its
funds block transposed — 年度资金总额 | 其他资金 across, 年初预算数 … 得分 down the side — under the block label
项目资金（万元）. Scanned with the recipe of development scans seed 1280, a seal lies over that label: the generic
reader found no block (two of its row labels across, not the three that stand for the label) and lost its
three figures, 4000 | 4000 | 1.00. Two labels across and three or more down the side are the block as surely.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import extract
from extract.model import Record

from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "sealed-block-label-project.pdf"


@pytest.fixture(scope="module", params=[300, 200])
def record(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Record:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    out = tmp_path_factory.mktemp("sealed") / f"scan-{request.param}.pdf"
    out.write_bytes(apply_recipe(PDF, draw_recipe(1280, 1, source="project-1303", dpi=request.param)).pdf)
    (rec,) = extract.read_pdf(out)
    return rec


def test_the_block_is_read_without_its_label(record: Record) -> None:
    assert record.funds is not None
    total = record.funds.rows.total
    assert total is not None
    assert (total.full_year_budget, total.executed) == (Decimal("4000"), Decimal("4000"))
    assert total.execution_rate == Decimal("100")
    # its unit is in the label the seal covers: not read, so said — and its amounts with it
    assert record.funds.unit is None and "funds.unit" in record.review
    assert {"funds.rows.total.full_year_budget", "funds.rows.total.executed"} <= set(record.review)


def test_nothing_silent(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent and not result.blank, (result.silent, result.blank)
