"""Figures beside the grey ghost of a red seal, read again without it.

``seal-ghost-figures-department.pdf`` is development layout department-1307 (``python -m samples.variants
render --kinds department --seeds 1307``), a national department form scanned in colour at 300 dpi with the
recipe of development scans seed 1280: a red seal over the 分值 and 得分 of the indicator 农业社会化服务体系持续运行
(6 and 6). The seal's colour is faded (``prep.suppress_seal``) but its lettering stays a grey ghost beside the
figures, and both recognisers read the cells with it: '' and 6台 — the figures lost, and the group's subtotal,
which the form does not print, summed without that row (22.8 for 28.8).

- The second reading lifts, in a cell holding dark ink, the pixels much lighter than that ink to paper
  (``reread.lift_ghosts``): both figures read 6 (in review: one engine's reading).
- The subtotals the form does not print are summed again from the rows as read after the second reading
  (``listtables.resum_subtotals``): 28.8, in review with the figures it adds up.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import extract
from extract.model import Record
from extract.scan.reread import lift_ghosts

from .pdfs import simulated_scan
from .truth import load_truth, score

DATA = Path(__file__).parent / "data"
PDF = DATA / "seal-ghost-figures-department.pdf"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    out = tmp_path_factory.mktemp("ghost") / "scan.pdf"
    (rec,) = extract.read_pdf(simulated_scan(PDF, out, 1280, 2, "department-1307", 300))
    return rec


def test_the_figures_beside_the_ghost_are_read_and_in_review(record: Record) -> None:
    (row,) = [i for i in record.indicators if i.level3 == "农业社会化服务体系持续运行"]
    j = record.indicators.index(row)
    assert (row.set_score, row.score) == (Decimal("6"), Decimal("6"))
    assert {f"indicators[{j}].set_score", f"indicators[{j}].score"} <= set(record.review)


def test_the_unprinted_subtotal_is_summed_with_them(record: Record) -> None:
    (sub,) = [s for s in record.indicator_subtotals if s.level1 == "效益指标"]
    i = record.indicator_subtotals.index(sub)
    assert sub.score == Decimal("28.8")
    assert f"indicator_subtotals[{i}].score" in record.review


def test_nothing_silent(record: Record) -> None:
    result = score(load_truth(PDF), record)
    assert not result.silent and not result.blank, (result.silent, result.blank)


def test_lift_ghosts_leaves_faint_print_and_clears_a_ghost_beside_dark_ink() -> None:
    page = np.full((60, 200), 230, np.uint8)
    page[20:40, 10:14] = 30  # a dark stroke (a figure)
    page[10:50, 40:60] = 175  # a grey ghost beside it
    page[20:40, 110:114] = 150  # faint print alone in its cell
    out = lift_ghosts(page, [(0, 0, 100, 60), (100, 0, 200, 60)])
    assert (out[20:40, 10:14] == 30).all()  # the figure kept
    assert (out[10:50, 40:60] == 255).all()  # the ghost gone
    assert (out[20:40, 110:114] == 150).all()  # faint print untouched: no dark ink in its cell
    assert (page[10:50, 40:60] == 175).all()  # the page itself is not written
