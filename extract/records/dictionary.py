"""The data dictionary: every column of every table the flattener writes, with its type, unit and
Chinese label. ``records.tables`` builds its tables from these lists and nothing else, so a table's
columns are fixed and documented whatever the records hold.

Types: ``text``; ``int``; ``bool``; ``money`` (an exact decimal in the unit the ``unit`` column or the
row's own unit names); ``number`` (an exact decimal: a score, a rate in percent); ``real`` (a float:
a confidence, seconds); ``time`` (ISO 8601, UTC).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from extract import model


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # text | int | bool | money | number | real | time
    label: str  # Chinese label, as an analyst would head the column
    doc: str = ""
    unit: str = ""  # 万元 | 分 | % | "as printed" (the record's own unit column) | ""


# ---------------------------------------------------------------- labels of the record model's paths

SECTION_LABELS = {
    "source": "来源",
    "form": "表头",
    "budget": "预算",
    "funds": "项目资金",
    "goals": "绩效目标",
    "score": "总分",
    "narratives": "说明",
    "conclusion": "结论",
    "signatures": "签字",
}
LEAF_LABELS = {
    "source.path": "文件路径",
    "source.sha256": "文件SHA-256",
    "source.page_count": "文件页数",
    "source.form_pages": "表所在页",
    "source.method": "读取方式(text/ocr/mixed)",
    "source.ocr_engine": "OCR引擎",
    "form.template_kind": "表类型(department/project)",
    "form.title": "表名",
    "form.region": "地区",
    "form.fiscal_year": "年度",
    "form.unit_name": "单位名称",
    "form.unit_head": "单位负责人",
    "form.unit_phone": "单位联系电话",
    "form.project_name": "项目名称",
    "form.department": "主管部门",
    "form.implementing_unit": "实施单位",
    "form.report_no": "编号",
    "form.fill_date": "填报日期",
    "form.project_category": "项目类别",
    "form.project_attribute": "项目属性",
    "form.project_type": "项目类型",
    "form.finance_office": "财政归口科室",
    "form.contact": "联系人",
    "form.contact_phone": "联系电话",
    "budget.unit": "预算金额单位(按页面)",
    "budget.carryover": "上年结转金额",
    "budget.initial_budget": "年初预算金额",
    "budget.budget_adjustment": "预算调整金额",
    "budget.other_adjustment": "其他调整资金",
    "budget.execution": "预算执行金额",
    "budget.year_end_balance": "年末结余金额",
    "funds.unit": "资金金额单位(按页面)",
    "funds.reason": "资金说明",
    "funds.by_income.total": "按收入性质分·合计",
    "funds.by_income.general_public_budget": "按收入性质分·一般公共预算",
    "funds.by_income.government_fund": "按收入性质分·政府性基金",
    "funds.by_income.special_account_nontax": "按收入性质分·纳入专户管理的非税收入",
    "funds.by_income.other": "按收入性质分·其他资金",
    "funds.by_expenditure.total": "按支出性质分·合计",
    "funds.by_expenditure.basic": "按支出性质分·基本支出",
    "funds.by_expenditure.project": "按支出性质分·项目支出",
    "goals.expected": "年度总体目标·预期目标",
    "goals.achieved": "年度总体目标·实际完成情况",
    "goals.adjusted": "调整后目标",
    "goals.implementation_overview": "实施情况概述",
    "score.total_set": "总分值",
    "score.total": "总得分",
    "score.grade": "评价等级",
    "score.stated": "表头所列自评得分",
    "narratives.functions_overview": "单位职能概况",
    "narratives.staffing": "单位人员情况",
    "narratives.budget_execution": "预算执行情况",
    "narratives.performance_analysis": "绩效评价分析",
    "narratives.other": "其他",
    "conclusion.evaluation": "总体评价",
    "conclusion.problems": "存在问题",
    "conclusion.improvements": "改进措施",
    "signatures.project_leader": "项目负责人",
    "signatures.finance_leader": "财务负责人",
}
FUNDS_ROW_LABELS = {
    "total": "年度资金总额",
    "fiscal_appropriation": "财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
    "special_account": "财政专户管理资金",
    "unit_funds": "单位资金",
}
FUNDS_COLUMN_LABELS = {
    "initial_budget": "年初预算数",
    "full_year_budget": "全年预算数",
    "executed": "全年执行数",
    "set_score": "分值",
    "execution_rate": "执行率(%)",
    "score": "得分",
}
# fields that are scores or rates, not money (their unit is 分 or %)
SCORE_NAMES = {"set_score", "score", "reference_score", "total_set", "total", "stated"}
RATE_NAMES = {"execution_rate", "score_ratio"}
MONEY_SECTIONS = ("budget.", "funds.")


def _unwrap(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def _kind_of(path: str, tp: Any) -> tuple[str, str]:
    """(type, unit) of a record leaf."""
    leaf = path.rsplit(".", 1)[-1]
    tp = _unwrap(tp)
    if tp is Decimal:
        if leaf in RATE_NAMES:
            return "number", "%"
        if leaf in SCORE_NAMES or path.startswith("score."):
            return "number", "分"
        if path.startswith(MONEY_SECTIONS):
            return "money", "as printed"
        return "number", ""
    if tp is int:
        return "int", ""
    if tp is bool:
        return "bool", ""
    return "text", ""


def _label(path: str) -> str:
    if path in LEAF_LABELS:
        return LEAF_LABELS[path]
    parts = path.split(".")
    if parts[:2] == ["funds", "rows"] and len(parts) == 4:
        return f"{FUNDS_ROW_LABELS[parts[2]]}·{FUNDS_COLUMN_LABELS[parts[3]]}"
    raise KeyError(f"no Chinese label for the record path {path!r}: add it to records/dictionary.py")


def record_leaves(cls: type, prefix: str) -> list[tuple[str, Any]]:
    """(path, type) of every scalar under a record section, lists of rows left out (they are tables)."""
    hints = typing.get_type_hints(cls, vars(model))
    out: list[tuple[str, Any]] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        tp = _unwrap(hints[f.name])
        path = f"{prefix}.{f.name}"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            out += record_leaves(tp, path)
        elif typing.get_origin(tp) is list and path != "source.form_pages":
            continue  # funds.other_rows: a table of its own
        else:
            out.append((path, hints[f.name]))
    return out


FORM_SECTIONS = ("source", "form", "budget", "funds", "goals", "score", "narratives", "conclusion", "signatures")


def _section_type(name: str) -> type:
    return typing.cast(type, _unwrap(typing.get_type_hints(model.Record, vars(model))[name]))


@cache
def record_columns() -> tuple[Column, ...]:
    """A column for every scalar of the record's sections, in the model's order."""
    cols = []
    for section in FORM_SECTIONS:
        for path, tp in record_leaves(_section_type(section), section):
            kind, unit = _kind_of(path, tp)
            if path == "source.form_pages":
                kind, doc = "text", "pages of the form, 1-based, separated by ;"
            else:
                doc = "as the record holds it (see the record's JSON Schema)"
            cols.append(Column(path, kind, _label(path), doc, unit))
    return tuple(cols)


KEY = Column(
    "form_id",
    "text",
    "表编号",
    "the form's key: its file's sha256 (16 hex digits), p, its first page (4d912117016751d2p1)",
)

COMMON = [
    KEY,
    Column(
        "duplicate_of",
        "text",
        "重复于",
        "form_id of the record this one repeats (same kind, name and year within one character, same figures; "
        "a text-layer record is kept before a scan, a clean one before a flagged one); empty for the one kept",
    ),
    Column("template", "text", "模板", "the template that read the form"),
    Column("kind", "text", "表类型", "department | project"),
    Column(
        "name",
        "text",
        "单位或项目",
        "project name for a project form, else the unit's name (else the 主管部门 / 实施单位 printed)",
    ),
    Column("region", "text", "地区"),
    Column("fiscal_year", "int", "年度"),
    Column("first_page", "int", "起始页", "the form's first page in its file, from 1"),
    Column("last_page", "int", "结束页"),
    Column("unit", "text", "金额单位", "unit of the common money columns: always 万元 where any is filled"),
    Column(
        "budget",
        "money",
        "全年预算(万元)",
        "full-year budget (全年预算数); on the Shanxi department form 上年结转 + 年初预算 + 预算调整 + 其他调整",
        "万元",
    ),
    Column("initial_budget", "money", "年初预算(万元)", "年初预算数", "万元"),
    Column("executed", "money", "执行数(万元)", "全年执行数 / 预算执行金额", "万元"),
    Column("execution_rate", "number", "执行率(%)", "as printed on the funds total row", "%"),
    Column("score_set", "number", "总分值", "", "分"),
    Column("score_total", "number", "总得分", "", "分"),
    Column("grade", "text", "评价等级"),
    Column("money_unit_printed", "text", "页面金额单位", "元 or 万元 as the page prints it; empty: not read"),
    Column("clean", "bool", "无问题", "no failed check and no field to review"),
    Column("corrected", "bool", "已更正", "a reviewer corrected a value of the form (the tables hold the new values)"),
    Column("corrected_fields", "text", "更正字段", "the fields a reviewer corrected, separated by ;"),
    Column(
        "reviewed",
        "bool",
        "已复核",
        "a reviewer decided on the form and every flag left (field to review, field of a failed check) has a decision",
    ),
    Column("failed_checks", "text", "未通过的检查", "check ids, separated by ;"),
    Column("warned_checks", "text", "警告的检查", "check ids, separated by ;"),
    Column("skipped_checks", "text", "跳过的检查", "check ids, separated by ;"),
    Column("review", "text", "待复核字段", "field paths, separated by ;"),
    Column("gaps", "text", "缺失", "what the form should hold and was not read, separated by ;"),
    Column("indicator_count", "int", "指标数"),
    Column("check_count", "int", "检查数"),
    Column("evaluators", "text", "评价人", "names, separated by ;"),
]


@cache
def forms_columns() -> tuple[Column, ...]:
    return (*COMMON, *record_columns())


def _row_columns(cls: type, skip: tuple[str, ...] = ()) -> tuple[Column, ...]:
    hints = typing.get_type_hints(cls, vars(model))
    out = []
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        kind, unit = _kind_of(f.name, hints[f.name])
        if cls in (model.FundsOtherRow, model.AmountInText) and kind == "number" and unit == "":
            kind, unit = "money", "as printed"
        if cls is model.FundsOtherRow and f.name not in SCORE_NAMES | RATE_NAMES and kind != "text":
            kind, unit = "money", "as printed"
        out.append(Column(f.name, kind, ROW_LABELS.get(f.name, f.name), "", unit))
    return tuple(out)


ROW_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "reference_score": "参考分值",
    "set_score": "分值",
    "score": "得分",
    "level3_canonical": "三级指标(规范名)",
    "analysis": "计算分析情况",
    "target": "年度指标值",
    "target_adjusted": "调整后指标值",
    "actual": "实际完成值",
    "deviation_reason": "偏差原因分析",
    "nature": "指标性质",
    "unit": "计量单位",
    "score_ratio": "得分率",
    "is_core": "核心指标",
    "label": "行名(按页面)",
    "initial_budget": "年初预算数",
    "full_year_budget": "全年预算数",
    "executed": "全年执行数",
    "execution_rate": "执行率(%)",
    "field": "所在字段",
    "amount": "金额",
    "role": "角色(total/part)",
    "id": "检查",
    "status": "结果(pass/fail/warn/skipped)",
    "rule": "规则",
    "expected": "应为",
    "actual_value": "实为",
    "difference": "差额(绝对值)",
    "signed_difference": "差额(实为-应为)",
    "tolerance": "容差",
    "fields": "涉及字段",
    "details": "说明",
}

ROW_KEY = [KEY, Column("row", "int", "行号", "1-based, in the order of the form")]


CORRECTED = Column("corrected", "text", "已更正", "the columns of this row a reviewer corrected, separated by ;")


@cache
def indicator_columns() -> tuple[Column, ...]:
    return (*ROW_KEY, *_row_columns(model.Indicator), CORRECTED)


@cache
def subtotal_columns() -> tuple[Column, ...]:
    return (*ROW_KEY, *_row_columns(model.IndicatorSubtotal), CORRECTED)


@cache
def funds_other_columns() -> tuple[Column, ...]:
    return (*ROW_KEY, Column("unit", "text", "金额单位(按页面)"), *_row_columns(model.FundsOtherRow))


@cache
def amount_columns() -> tuple[Column, ...]:
    cols = _row_columns(model.AmountInText)
    return (*ROW_KEY, *(c if c.name != "unit" else Column("unit", "text", "金额单位(按文字)") for c in cols), CORRECTED)


@cache
def check_columns() -> tuple[Column, ...]:
    out = []
    for c in _row_columns(model.Check):
        if c.name in ("expected", "actual", "difference", "signed_difference", "tolerance"):
            label = ROW_LABELS["actual_value"] if c.name == "actual" else ROW_LABELS[c.name]
            c = Column(c.name, "number", label, "in the check's unit", "as printed")
        elif c.name == "fields" or c.name == "details":
            c = Column(c.name, "text", c.label, "separated by ;")
        elif c.name == "unit":
            c = Column("unit", "text", "单位", "元, 万元, 分 or %")
        out.append(c)
    return (*ROW_KEY, *out)


FILES_COLUMNS = (
    Column("sha256", "text", "文件SHA-256"),
    Column("paths", "text", "路径", "every path the file was found under, separated by ;"),
    Column("size", "int", "字节数"),
    Column("pages", "int", "页数"),
    Column("status", "text", "状态", "ok | flagged | failed | not_a_form"),
    Column("error", "text", "错误或提示"),
    Column("method", "text", "读取方式"),
    Column("ocr_engine", "text", "OCR引擎"),
    Column("forms", "int", "表数"),
    Column("seconds", "real", "用时(秒)"),
    Column("finished_at", "time", "完成时间(UTC)"),
    Column("attempts", "int", "读取次数"),
    Column("form_ids", "text", "表编号", "form_id of each form read from the file, separated by ;"),
)


CORRECTIONS_COLUMNS = (
    KEY,
    Column("field", "text", "字段", "record path of the field decided on: budget.execution, indicators[3].score"),
    Column("action", "text", "决定", "confirm (the reading is right) | correct"),
    Column("old", "text", "原读数", "the value as read when the decision was made"),
    Column("new", "text", "更正值", "the value the reviewer gave (a confirmation: the reading)"),
    Column("reason", "text", "理由"),
    Column("reviewer", "text", "复核人"),
    Column("at", "time", "时间(UTC)"),
)


def tables() -> dict[str, tuple[Column, ...]]:
    """Every table and its columns (``files`` and ``corrections`` only where there is a ledger)."""
    return {
        "forms": forms_columns(),
        "indicators": indicator_columns(),
        "subtotals": subtotal_columns(),
        "funds_other": funds_other_columns(),
        "amounts": amount_columns(),
        "checks": check_columns(),
        "files": FILES_COLUMNS,
        "corrections": CORRECTIONS_COLUMNS,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The data dictionary as Markdown (``docs/data-dictionary.md``; a test keeps it in step with the code)."""
    out = [
        "# Data dictionary",
        "",
        "The columns of every table `extract` writes (`run --csv`, `export`, `extract.to_frames`), generated by",
        "`python -m extract.records.dictionary > docs/data-dictionary.md`. Types: `text`; `int`; `bool`; `money`",
        "(an exact decimal, in the unit its `unit` column or `unit` names; `as printed`: the unit the page prints);",
        "`number` (an exact decimal: a score in 分, a rate in %); `real` (a float); `time` (ISO 8601, UTC).",
        "",
    ]
    for table, columns in tables().items():
        out += [f"## {table}", "", "| column | type | unit | label | description |", "| --- | --- | --- | --- | --- |"]
        out += [f"| `{c.name}` | {c.type} | {c.unit} | {c.label} | {_cell(c.doc)} |" for c in columns]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
