"""A level-1 group lost by the grid: its rows run into the group above, whose subtotal is then their sum.

The Xiangyang sample prints no subtotal rows and no points in its level-1 names (产出指标, 效益指标, 满意度指标,
each a cell merged down its rows): the subtotals are the sums of the groups' scores. On a scan whose ruling
above 效益指标 is lost in the level-1 column (a faint line, a fold) and whose name is not read (a seal, a
stain), 产出指标's cell runs down over 效益指标's rows: 产出指标 scores 60 (40 + 20), and the sum agrees with
itself — every arithmetic check passes. Only the rows' own level-2 names (经济效益, 可持续性: 效益 indicators)
tell that they sit under another kind's group.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import extract
from extract.checks import CHECKS, Facts
from extract.checks.base import Row
from extract.forms.templates import RuleSpec, shared_rules
from extract.model import SCORE_KEYS, Record

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _lose_group_name(src: Path, dst: Path, name: str, dpi: int = 300) -> Path:
    """The pages of ``src`` as 300-dpi images with ``name`` (and its points) and the ruling above it in its
    column painted white: a scan on which that group's name and upper ruling are lost."""
    import pdfplumber
    from PIL import ImageDraw

    images = []
    s = dpi / 72
    with pdfplumber.open(src) as pdf:
        for page in pdf.pages:
            image = page.to_image(resolution=dpi).original.convert("L")
            draw = ImageDraw.Draw(image)
            for w in page.extract_words():
                if not w["text"].startswith(name):
                    continue
                cx = (w["x0"] + w["x1"]) / 2
                edges = page.edges
                verticals = [e["x0"] for e in edges if e["orientation"] == "v" and e["top"] <= w["top"] < e["bottom"]]
                left = max(x for x in verticals if x < w["x0"])
                right = min(x for x in verticals if x > w["x1"])
                above = [e["top"] for e in page.edges if e["orientation"] == "h" and e["x0"] <= cx <= e["x1"]]
                top = max(y for y in above if y < w["top"])
                draw.rectangle([w["x0"] * s - 3, w["top"] * s - 3, w["x1"] * s + 3, w["bottom"] * s + 3], fill=255)
                draw.rectangle([left * s + 3, top * s - 5, right * s - 3, top * s + 5], fill=255)
            images.append(image.convert("RGB"))
    images[0].save(dst, save_all=True, append_images=images[1:], resolution=dpi)
    return dst


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Record:
    src = SAMPLES / "xiangyang-2021-central-hospital-dongjin.pdf"
    path = _lose_group_name(src, tmp_path_factory.mktemp("families") / "merged.pdf", "效益指标")
    (rec,) = extract.read_pdf(path)
    return rec


def test_a_group_run_into_the_one_above_puts_its_subtotal_in_review(merged: Record) -> None:
    names = [(i.level1, i.level2) for i in merged.indicators]
    assert ("产出指标", "经济效益") in names  # the scan lost the group as the test means it to
    (sub,) = [s for s in merged.indicator_subtotals if s.level1 == "产出指标"]
    assert sub.score == Decimal("60")  # 40 + 20: the sum of both groups, self-consistent
    (check,) = [c for c in merged.checks if c.id == "indicator_families"]
    assert check.status == "fail"
    assert "经济效益" in check.details[0] and "可持续性" in check.details[0]
    i = merged.indicator_subtotals.index(sub)
    assert f"indicator_subtotals[{i}].score" in merged.review  # never passed clean
    assert "indicator_subtotals" in merged.review  # the list of groups is unsure (效益指标 missing)
    assert {f"indicators[{j}].level1" for j, (_, l2) in enumerate(names) if l2 in ("经济效益", "可持续性")} <= set(
        check.fields
    )


def test_the_sample_itself_passes() -> None:
    (rec,) = extract.read_pdf(SAMPLES / "xiangyang-2021-central-hospital-dongjin.pdf")
    (check,) = [c for c in rec.checks if c.id == "indicator_families"]
    assert check.status == "pass"
    assert not rec.review


def _rule() -> RuleSpec:
    (rule,) = [r for r, _ in shared_rules() if r.kind == "level_families"]
    return rule


@pytest.mark.parametrize(
    ("level1", "level2", "status"),
    [
        ("产出指标", "数量指标", "pass"),
        ("产出指标(50分)", "时效", "pass"),
        ("项目产出", "成本指标(10分)", "pass"),
        ("产出指标", "经济成本指标", "pass"),  # the older forms: 成本 a level-2 group of 产出
        ("成本指标", "社会成本指标", "pass"),  # the 2021 national form: 成本指标 a level-1 group
        ("效益指标", "服务对象满意度指标", "pass"),  # satisfaction scored under 效益 (Yinchuan)
        ("效果", "履职效益", "pass"),
        ("满意度指标（10分）", "服务对象满意度", "pass"),
        ("过程", "资产管理", "pass"),
        ("产出指标", "社会效益指标", "fail"),
        ("产出指标", "服务对象满意度指标", "fail"),
        ("满意度指标", "可持续影响指标", "fail"),
        ("效益指标", "质量指标", "fail"),
        ("投入", "预算执行", "fail"),
        ("成本指标", "数量指标", "fail"),
        ("项目管理", "投入管理", "skipped"),  # a group of no kind the rule knows: not checked
        ("产出指标", "工作目标", "skipped"),  # a level-2 name of no kind
        ("成本效益", "数量指标", "skipped"),  # a level-1 name of two kinds
    ],
)
def test_level2_names_of_another_kind(level1: str, level2: str, status: str) -> None:
    rows: list[Row] = [{"level1": level1, "level2": level2, "level3": "x", "score": Decimal(5)}]
    subtotals: list[Row] = [{"level1": level1, "score": Decimal(5)}]
    check = CHECKS["level_families"](_rule(), Facts({}, indicators=rows, subtotals=subtotals))
    assert check.status == status, check.details
    if status == "fail":
        assert set(check.fields) == {"indicators[0].level1", *(f"indicator_subtotals[0].{k}" for k in SCORE_KEYS)}
