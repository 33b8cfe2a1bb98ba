"""Named cases: one layout per failure class seen on forms the project never shows (issue 9), and every
published real text in ``shared/reference/real/`` in two layouts other than its own sample's.

Each case is a seed's random layout with a few fields pinned (``overrides``), printed from a pinned
content file, so that the case shows its class whatever the seed draws for the rest. They are committed
in ``samples/variants/classes/`` (PDF + truth.json, as ``render`` writes them) and read by
tests/test_generality.py.

    python -m samples.variants.classes          # render them all again
    python -m samples.variants.classes NAME…    # render the named cases only
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samples.forms.common import make_reproducible
from samples.variants.content import Content, load_all
from samples.variants.layout import Layout, random_layout, table_columns
from samples.variants.render import page_count, print_batch, render

CLASSES_DIR = Path(__file__).resolve().parent / "classes"


@dataclass(frozen=True)
class Case:
    name: str
    why: str  # the failure class it shows
    kind: str
    content: str
    seed: int
    overrides: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # concept -> printed synonym


CASES = (
    Case(
        "c1-shanxi-level1-merged-across",
        "Shanxi department form whose level-1 subtotal rows print the name merged across the level-1 and "
        "level-2 columns (投入 16 16 —— 16.00)",
        "department",
        "jinzhong-2021-justice-bureau",
        7001,
        {"family": "shanxi", "level1": "subtotal_merged", "indicator_label": "stacked", "page_breaks": 1,
         "scaling": "fit_width", "print_titles": False},
    ),
    Case(
        "c2-project-funds-in-yuan",
        "a project form whose funds block prints 项目资金（元） and whose amounts are in 元 with separators",
        "project",
        "chizhou-2022-village-funds",
        7002,
        {"family": "national", "amount_unit": "元", "unit_placement": "funds_label", "thousands": True,
         "transposed_funds": False, "scaling": "fit_width"},
    ),
    Case(
        "c2-project-unit-line-yuan",
        "金额单位：元 above the table, the funds label without a unit",
        "project",
        "yunnan-2022-rural-water-supply",
        7003,
        {"family": "national", "amount_unit": "元", "unit_placement": "unit_line", "thousands": False,
         "transposed_funds": False},
    ),
    Case(
        "c3-project-label-synonyms",
        "a national project form one label away from the template: 项目支出名称, 调整后预算数, 预算执行数, 权重, "
        "目标值, 完成值, 合计",
        "project",
        "guangdong-2021-primary-care-capacity",
        7004,
        {"family": "national", "transposed_funds": False},
        {"project_name": "项目支出名称", "full_year_budget": "调整后预算数", "executed": "预算执行数",
         "set_score": "权重", "target": "目标值", "actual": "完成值", "total_score_row": "合计"},
    ),
    Case(
        "c3-dept-funds-label-synonym",
        "a national department form whose funds block is labelled 预算资金 instead of 年度预算申请",
        "department",
        "anhui-2022-county-agriculture-bureau-dept",
        7005,
        {"family": "national_dept", "funds_anchor": "预算资金"},
    ),
    Case(
        "c4-project-three-pages-repeated-header",
        "a project form of 24 indicators printed over three pages with the header row repeated",
        "project",
        "guangdong-2021-primary-care-capacity",
        7006,
        {"family": "national", "page_breaks": 2, "print_titles": True, "scaling": "fit_width",
         "orientation": "portrait"},
    ),
    Case(
        "c5-yunnan-split-target",
        "Yunnan layout: 年度指标值 split into 指标性质 / 指标值 / 度量单位 under a merged header",
        "project",
        "yunnan-2022-rural-water-supply",
        7007,
        {"family": "yunnan", "header_rows": 2, "template_rows": "指标2"},
    ),
    Case(
        "c7-dept-amounts-in-own-cells",
        "a department form with the 按收入性质分 / 按支出性质分 amounts in cells of their own, the year leading "
        "the title and 执行率 printed without %",
        "department",
        "anhui-2022-county-agriculture-bureau-dept",
        7008,
        {"family": "national_dept", "income_cells": "own", "year_style": "leading", "rate_format": "plain"},
    ),
    Case(
        "c7-project-rate-fraction",
        "执行率 printed as a fraction (0.9643) and the year leading the title",
        "project",
        "sichuan-2022-rural-roads",
        7009,
        {"family": "national", "rate_format": "fraction", "year_style": "leading", "transposed_funds": False},
    ),
    Case(
        "c8-unknown-kind-targets-self-evaluation",
        "a 绩效目标自评表 for 衔接资金 (a kind no template knows), ★ core indicators with unscored 其中 sub-rows",
        "project",
        "real-anhui-2023-xiaoxian-hexi-planting-subsidy",
        7010,
        {"family": "national", "transposed_funds": False},
    ),
    Case(
        "c8-transposed-funds",
        "a funds block printed transposed (its rows as columns)",
        "project",
        "hunan-2023-student-nutrition",
        7011,
        {"family": "national", "transposed_funds": True},
    ),
    # every published real text, in two layouts other than its own sample's
    Case("real-chizhou-a", "published text, Yunnan layout", "project", "chizhou-2022-village-funds", 7101,
         {"family": "yunnan"}),
    Case("real-chizhou-b", "published text, Sichuan-like layout in 元", "project", "chizhou-2022-village-funds",
         7102, {"family": "sichuan_like", "amount_unit": "元"}),
    Case("real-xiangyang-a", "published text, national layout", "project",
         "xiangyang-2021-central-hospital-dongjin", 7103, {"family": "national", "transposed_funds": False}),
    Case("real-xiangyang-b", "published text, Yunnan layout", "project", "xiangyang-2021-central-hospital-dongjin",
         7104, {"family": "yunnan"}),
    Case("real-yinchuan-a", "published text, national layout", "project", "yinchuan-2021-no6-middle-school-funds",
         7105, {"family": "national", "transposed_funds": False}),
    Case("real-yinchuan-b", "published text, Sichuan-like layout", "project",
         "yinchuan-2021-no6-middle-school-funds", 7106, {"family": "sichuan_like"}),
    Case("real-chongqing-a", "published text, national department layout", "department",
         "chongqing-2021-science-city-media-centre", 7107, {"family": "national_dept"}),
    Case("real-chongqing-b", "published text, national department layout, over pages", "department",
         "chongqing-2021-science-city-media-centre", 7108,
         {"family": "national_dept", "page_breaks": 1, "print_titles": True, "scaling": "fit_width"}),
    # published texts transcribed as content (samples/variants/content/real-*), whose classes the reader missed
    Case("real-langzhong-a", "a title without 表 (…绩效目标自评) wrapped over two lines, (2021年度) below it",
         "project", "real-sichuan-2021-langzhong-vehicle-purchase-tax", 7109,
         {"family": "yunnan", "level1": "merged", "orientation": "portrait", "scaling": "one_page",
          "title_size": 20.0, "year_style": "line"}),
    Case("real-langzhong-b", "a title without 表 after a leading year (2021年度…绩效目标自评), amounts in 元",
         "project", "real-sichuan-2021-langzhong-vehicle-purchase-tax", 7110,
         {"family": "sichuan_like", "year_style": "leading", "amount_unit": "元", "title_size": 16.0}),
    Case("real-ningxia-a", "funds rows of their own (中央补助 blank, 自治区补助 300 259.45 86.5%, 市县资金 blank)",
         "project", "real-ningxia-2022-yuanzhou-potato-seed", 7111, {"family": "yunnan", "level1": "points"}),
    Case("real-ningxia-b", "funds rows of their own, national layout", "project",
         "real-ningxia-2022-yuanzhou-potato-seed", 7112, {"family": "national", "transposed_funds": False}),
)  # fmt: skip


def layout_of(case: Case) -> Layout:
    base = random_layout(case.seed, case.kind)
    layout = dataclasses.replace(base, **case.overrides)
    if case.labels:
        labels = dict(layout.labels) | case.labels
        layout = dataclasses.replace(layout, labels=tuple(labels.items()))
    columns = table_columns(layout.family, layout.level1, layout.indicator_label)
    if len(layout.width_factors) != len(columns):  # the pinned family has other columns
        layout = dataclasses.replace(layout, width_factors=(layout.width_factors[0],) * len(columns))
    if layout.scaling == "one_page" and layout.page_breaks:
        layout = dataclasses.replace(layout, page_breaks=0)
    return layout


def content_of(case: Case, contents: list[Content]) -> Content:
    for content in contents:
        if content.name == case.content:
            return content
    raise SystemExit(f"{case.name}: content {case.content!r} not found")


def render_cases(out: Path = CLASSES_DIR, names: tuple[str, ...] = ()) -> list[Path]:
    """Render the cases (those named in ``names``; all when empty) to ``out``."""
    contents = load_all(errors=[])
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="classes-") as tmp:
        work = Path(tmp)
        truths: dict[str, dict[str, Any]] = {}
        files = []
        for case in CASES:
            if names and case.name not in names:
                continue
            layout = layout_of(case)
            rendered = render(content_of(case, contents), layout)
            rendered.workbook.save(work / f"{case.name}.xlsx")
            files.append(work / f"{case.name}.xlsx")
            truths[case.name] = {
                "case": case.name,
                "why": case.why,
                "seed": case.seed,
                "kind": case.kind,
                "content": case.content,
                "perturbed": False,
                "layout": layout.as_dict(),
                "template": layout.template,
                "pages": None,
                "intended_pages": rendered.intended_pages,
                "fields": rendered.fields,
                "injected": [],
            }
        for pdf in print_batch(files, work):
            target = out / pdf.name
            target.write_bytes(make_reproducible(pdf.read_bytes(), pdf.stem))
            truth = truths[pdf.stem]
            truth["pages"] = page_count(target)
            target.with_suffix(".truth.json").write_text(
                json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            written.append(target)
    return written


def main() -> int:
    written = render_cases(names=tuple(sys.argv[1:]))
    print(f"{len(written)} cases in {CLASSES_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
