"""Lines of print in a cell that the detector missed beside a line it found there (``ocrpage.missed_pieces``).

A header word wrapped over two lines of a narrow cell (指标性 / 质, 年初目标 / 值, 实际完成 / 值) has a first
line filling the cell's width between its rulings; on the page reduced for detection it is missed while the
short second line is found, and the cell read 质 or 值: the indicator table's 指标性质, 年初目标值 and 实际完成值
columns were lost, the page matched a template that is not its own, and the funds block's 本年财政拨款 row
(a row that template does not name) was read as no field at all.

The source is a generated layout (``python -m samples.variants render --kinds project --seeds 1251``: a
Sichuan-like project form, grey print), scanned in the test with the independent simulator's recipe of
development scan project-1251 (seed 1240) at 300 and 200 dpi; a seal over the funds block's header crosses
the 年初预算数（万元） cell above its print, lighter than it (a grey scan: no colour to fade the seal by).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extract

from .truth import is_numeric_path, score

DATA = Path(__file__).parent / "data"
SOURCE = DATA / "wrapped-header-project.pdf"


@pytest.fixture(scope="module", params=[300, 200])
def scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    dpi: int = request.param
    out = tmp_path_factory.mktemp("missed") / f"wrapped-header-{dpi}.pdf"
    recipe = draw_recipe(1240, 3, source="project-1251", dpi=dpi)
    out.write_bytes(apply_recipe(SOURCE, recipe).pdf)
    return out


def test_wrapped_header_words_read_whole_in_a_scan(scan: Path) -> None:
    """The form reads as its own template, every number exact, the funds block's 本年财政拨款 row among them;
    the seal crossing a header cell adds nothing to its text (its strokes are lighter than the print)."""
    from extract.pipeline import analyse

    a = analyse(scan)
    (form,) = a.forms
    assert form.template.id == "project-national"
    heads = {c.text for c in a.pages[1].grids[0].cells}
    assert {"指标性质", "年初目标值", "实际完成值"} <= heads, sorted(heads)
    (budget,) = [t for t in heads if "年初预算" in t]
    assert budget.startswith("年初预算"), budget
    (rec,) = extract.read_pdf(scan)
    truth = json.loads((DATA / "wrapped-header-project.truth.json").read_text(encoding="utf-8"))
    result = score(truth, rec)
    assert not result.silent and not result.blank, (result.silent, result.blank)
    assert rec.funds is not None and rec.funds.rows.fiscal_appropriation is not None
    assert str(rec.funds.rows.fiscal_appropriation.executed) == "37.24"
    wrong = [w for w in result.wrong if is_numeric_path(w.split(":")[0])]
    assert not wrong, wrong


def test_a_paragraphs_first_line_filling_its_cell_is_read(tmp_path: Path) -> None:
    """A national department form's goal cells, 1-bit (dithered) from a photocopy, the page upside down:
    each paragraph's first line runs the cell's whole width and the detector missed it, the lines below it
    found — 年度总体目标 read from its second line on (理/思想文化领域建设…). The source is development layout
    department-1253 (``--seeds 1253``) with the simulator's recipe of development scan seed 1240 at 300 dpi."""
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    source = DATA / "first-line-department.pdf"
    recipe = draw_recipe(1240, 2, source="department-1253", dpi=300)
    assert recipe.colour == "bilevel" and recipe.pages[0].rotation == 180
    scan = tmp_path / "first-line.pdf"
    scan.write_bytes(apply_recipe(source, recipe).pdf)
    (rec,) = extract.read_pdf(scan)
    assert rec.goals is not None and rec.goals.achieved is not None and rec.goals.expected is not None
    assert rec.goals.achieved.startswith("中心2021年较好地完成了履职任务"), rec.goals.achieved
    assert rec.goals.expected.startswith("通过整合各级各类媒体"), rec.goals.expected
