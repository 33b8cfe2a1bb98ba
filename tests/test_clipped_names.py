"""Level-2 names a page break clips in the text layer (development layouts, text layer, no scan).

A merged name cell is drawn once, centred on its whole merged range; where the range crosses a page break,
each page's part shows what falls on it, and a line falling outside the part's cell — below the page's last
ruling, above its first — is kept by the text layer but lies outside the cell (``Cell.hidden``):

- ``clipped-name-break-project`` (``python -m samples.variants render --kinds project --seeds 183``):
  社会效益指标 drawn at the foot of page 2 shows 社会效益 in its cell (指标 below the table) and the whole name
  on page 3: the page-2 indicator was under 社会效益.
- ``clipped-name-hidden-project`` (seed 116): 社会效 in the cell, 益指标 below the ruling; the part on the next
  page holds no indicator (its 指标2 rows are the template's blanks), so nothing follows to join it with.
- ``clipped-name-last-project`` (seed 160): 服务对象满意 | 度指标 at the foot of page 2, the last group.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extract

from .truth import load_truth

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "name", ["clipped-name-break-project", "clipped-name-hidden-project", "clipped-name-last-project"]
)
def test_every_level2_name_reads_whole(name: str) -> None:
    pdf = DATA / f"{name}.pdf"
    truth = load_truth(pdf)["fields"]
    (rec,) = extract.read_pdf(pdf)
    want = [truth[f"indicators[{j}].level2"] for j in range(len(rec.indicators))]
    assert [i.level2 for i in rec.indicators] == want
    assert f"indicators[{len(rec.indicators)}].level2" not in truth  # no row lost


def test_a_level1_row_above_a_level2_name_ending_in_it_keeps_its_name() -> None:
    """``level1-above-level2-department`` (``python -m samples.variants render --kinds department --seeds 134``):
    the level-1 names are rows of the level-2 column; 满意度指标's row ends page 1 and 服务对象满意度指标 (its 标
    clipped below the cell) begins page 2 — two names, though one ends with the other: the group stays."""
    pdf = DATA / "level1-above-level2-department.pdf"
    truth = load_truth(pdf)["fields"]
    (rec,) = extract.read_pdf(pdf)
    assert [i.level1 for i in rec.indicators] == [truth[f"indicators[{j}].level1"] for j in range(len(rec.indicators))]
    assert [i.level2 for i in rec.indicators] == [truth[f"indicators[{j}].level2"] for j in range(len(rec.indicators))]
    assert [s.level1 for s in rec.indicator_subtotals][-1] == "满意度指标"
