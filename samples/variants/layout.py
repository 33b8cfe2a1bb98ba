"""Layouts: every way the same content can be printed, as named choices, drawn from a seed.

:func:`random_layout` is a pure function of ``(seed, kind)``: ``random.Random`` seeded with both. Each field
of :class:`Layout` is one variation, so a benchmark can group its results by any of them.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

FAMILIES = {"project": ("national", "yunnan", "sichuan_like"), "department": ("shanxi", "national_dept")}
FAMILY_WEIGHTS = {"national": 5, "yunnan": 3, "sichuan_like": 2, "shanxi": 3, "national_dept": 2}
TEMPLATES = {
    "national": "project-national",
    "shanxi": "dept-overall-shanxi",
    "national_dept": "dept-national",
}
LEVEL1_PLACEMENTS = ("merged", "points", "subtotal_merged", "subtotal_level2")
INDICATOR_LABELS = ("none", "stacked", "horizontal")
FONTS = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
# Printed synonyms of each label; the first is the national template's word.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称", "项目支出名称"),
    "department": ("主管部门", "主管单位"),
    "implementing_unit": ("实施单位", "项目实施单位"),
    "initial_budget": ("年初预算数", "年初预算"),
    "full_year_budget": ("全年预算数", "调整后预算数", "全年预算"),
    "executed": ("全年执行数", "预算执行数", "执行数"),
    "set_score": ("分值", "权重", "标准分值"),
    "score": ("得分", "自评得分"),
    "execution_rate": ("执行率", "预算执行率"),
    "target": ("年度指标值", "指标值", "目标值", "年初目标值"),
    "actual": ("实际完成值", "完成值", "实际值", "全年实际值"),
    "total_row": ("年度资金总额", "资金总额", "合计"),
    "fiscal_row": ("其中：本年财政拨款", "其中：财政拨款", "本年财政拨款", "当年财政拨款"),
    "carryover_row": ("上年结转资金", "上年结转"),
    "other_row": ("其他资金", "其他"),
    "expected": ("预期目标", "年初设定目标", "年度目标"),
    "achieved": ("实际完成情况", "年度总体目标完成情况", "全年实际完成情况"),
    "total_score_row": ("总分", "合计"),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析及改进措施", "偏差原因分析"),
}
# Column keys of each family's indicator table, left to right (the label column and level-1 column are
# added by the layout) and their base widths in spreadsheet units.
BASE_WIDTHS: dict[str, dict[str, float]] = {
    "national": {
        "level2": 10, "level3": 16, "target": 12, "actual": 12, "set_score": 7, "score": 7, "reason": 18,
    },
    "yunnan": {
        "level2": 9, "level3": 15, "nature": 6, "target": 8, "unit": 6, "actual": 10, "set_score": 6,
        "score": 6, "reason": 15,
    },
    "sichuan_like": {
        "level2": 9, "level3": 15, "nature": 6, "target": 9, "unit": 7, "actual": 10, "set_score": 6,
        "score": 6, "reason": 15,
    },
    "shanxi": {"level2": 13, "level3": 14, "reference_score": 8.4, "set_score": 8.4, "analysis": 22, "score": 9},
    "national_dept": {
        "level2": 11, "level3": 15, "target": 11, "actual": 11, "set_score": 7, "score": 7.5, "reason": 20,
    },
}  # fmt: skip
LEVEL1_WIDTH = 10.0
REASON_MORE_WIDTH = 8.0
LABEL_WIDTH = 4.5


@dataclass(frozen=True)
class Layout:
    """One printed layout. Every field is a named variation (see README.md for the values)."""

    seed: int
    kind: str  # project | department
    family: str  # national | yunnan | sichuan_like | shanxi | national_dept
    level1: str  # merged | points | subtotal_merged | subtotal_level2
    indicator_label: str  # none | stacked | horizontal: the 绩效指标 label column
    width_factors: tuple[float, ...]  # one per indicator-table column, 0.7–1.5
    orientation: str  # portrait | landscape
    scaling: str  # fit_width | one_page
    page_breaks: int  # manual breaks inside the indicator table (pages = breaks + 1 when fit_width)
    print_titles: bool  # the indicator header rows repeat at the top of every page
    attachment: str  # "" or the 附件 line above the title
    unit_placement: str  # unit_line | funds_label | column_headers
    amount_unit: str  # 万元 | 元
    thousands: bool  # 1,329,120.00
    rate_format: str  # percent (96.43%) | plain (96.43) | fraction (0.9643)
    spaced_labels: bool  # 项 目 名 称
    labels: tuple[tuple[str, str], ...]  # (concept, printed synonym)
    header_wrap: bool  # long header words break inside their cells (年度指标\n值)
    header_rows: int  # 1, or 2: a merged group header (指标分值 over 分值/得分)
    year_style: str  # line ((2022年度)) | leading (2022年度项目支出绩效自评表) | field (年度：2022)
    header_pairs: str  # one_per_row | two_per_row
    font: str
    title_size: float
    template_rows: str  # none | 指标2 | …… | empty: blank rows inside some level-2 groups
    transposed_funds: bool  # funds rows as columns, columns as rows
    # chosen only by named cases (samples/variants/classes.py), never drawn by random_layout, so that
    # every seed keeps its layout: the funds block's label, and by-income/expenditure amounts in cells
    # of their own (Hunan) rather than inside the label cell
    funds_anchor: str = ""
    income_cells: str = "inline"  # inline | own

    def label(self, concept: str) -> str:
        return dict(self.labels)[concept]

    @property
    def template(self) -> str:
        return TEMPLATES.get(self.family, "generic")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = dict(self.labels)
        data["width_factors"] = list(self.width_factors)
        return data


def table_columns(family: str, level1: str, indicator_label: str) -> list[str]:
    """The indicator table's column keys, left to right."""
    columns = ["label"] if indicator_label != "none" else []
    if level1 != "subtotal_level2":
        columns.append("level1")
    columns += list(BASE_WIDTHS[family])
    if len(columns) < 8 and "reason" in columns:  # the funds block needs eight cells: 偏差原因 spans two columns
        columns.append("reason_more")
    return columns


def _pick(rng: random.Random, options: tuple[Any, ...], weights: tuple[float, ...] | None = None) -> Any:
    return rng.choices(options, weights=weights)[0]


def random_layout(seed: int, kind: str) -> Layout:
    """The layout of ``seed`` for a form of ``kind`` (project | department)."""
    if kind not in FAMILIES:
        raise ValueError(f"kind must be one of {', '.join(FAMILIES)}, got {kind!r}")
    rng = random.Random(f"layout-{kind}-{seed}")
    families = FAMILIES[kind]
    family = _pick(rng, families, tuple(FAMILY_WEIGHTS[f] for f in families))
    if family == "shanxi":
        level1 = _pick(rng, LEVEL1_PLACEMENTS, (1, 1, 2, 3))
    else:
        level1 = _pick(rng, LEVEL1_PLACEMENTS, (3, 4, 2, 1))
    indicator_label = _pick(rng, INDICATOR_LABELS, (2, 3, 1))
    columns = table_columns(family, level1, indicator_label)
    jitter = rng.random() < 0.5
    overall = rng.uniform(0.7, 1.5)
    factors = tuple(
        round(min(1.5, max(0.7, overall * rng.uniform(0.8, 1.25))) if jitter else overall, 2) for _ in columns
    )
    scaling = _pick(rng, ("fit_width", "one_page"), (4, 1))
    page_breaks = 0 if scaling == "one_page" else _pick(rng, (0, 1, 2, 3), (4, 4, 2, 1))
    transposed = family == "national" and rng.random() < 0.25
    unit_options = ("unit_line", "funds_label") if transposed or family == "shanxi" else (
        "unit_line", "funds_label", "column_headers",
    )  # fmt: skip
    amount_unit = "万元" if family == "shanxi" else _pick(rng, ("万元", "元"), (3, 2))
    labels = tuple(
        (concept, _pick(rng, options, (3,) + (1,) * (len(options) - 1))) for concept, options in SYNONYMS.items()
    )
    return Layout(
        seed=seed,
        kind=kind,
        family=family,
        level1=level1,
        indicator_label=indicator_label,
        width_factors=factors,
        orientation=_pick(rng, ("portrait", "landscape"), (3, 1)),
        scaling=scaling,
        page_breaks=page_breaks,
        print_titles=rng.random() < 0.5,
        attachment=_pick(rng, ("", "附件1", "附件2", "附件"), (3, 1, 1, 1)),
        unit_placement=_pick(rng, unit_options),
        amount_unit=amount_unit,
        thousands=(amount_unit == "元" and rng.random() < 0.5) or rng.random() < 0.15,
        rate_format=_pick(rng, ("percent", "plain", "fraction"), (4, 2, 1)),
        spaced_labels=rng.random() < 0.3,
        labels=labels,
        header_wrap=rng.random() < 0.3,
        header_rows=_pick(rng, (1, 2), (3, 2)),
        year_style=_pick(rng, ("line", "leading", "field"), (4, 2, 1)),
        header_pairs=_pick(rng, ("one_per_row", "two_per_row"), (1, 2)),
        font=_pick(rng, FONTS, (4, 2, 2, 1, 1, 1)),
        title_size=float(_pick(rng, (14, 15, 16, 18, 20))),
        template_rows=_pick(rng, ("none", "指标2", "……", "empty"), (3, 1, 1, 1)),
        transposed_funds=transposed,
    )
