"""Content files (``samples/variants/content/<name>.yaml``): what a form says, independent of its layout.

A content file is read with :func:`load_content`, which checks every key and names the file and the key path
in its errors. The format is described in ``samples/variants/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"

KINDS = ("project", "department")
PERTURB = ("all", "scores", "none")
FUND_ROWS = ("total", "fiscal_appropriation", "carryover", "other", "special_account", "unit_funds")
FUND_FIELDS = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")
AMOUNT_FIELDS = ("initial_budget", "full_year_budget", "executed")
BY_INCOME = ("total", "general_public_budget", "government_fund", "special_account_nontax", "other")
BY_EXPENDITURE = ("total", "basic", "project")
BUDGET_FIELDS = (
    "carryover",
    "initial_budget",
    "budget_adjustment",
    "other_adjustment",
    "execution",
    "year_end_balance",
)
NARRATIVES = ("functions_overview", "staffing", "budget_execution", "performance_analysis", "other")
HEADER_FIELDS = (
    "project_name",
    "department",
    "implementing_unit",
    "unit_name",
    "unit_head",
    "unit_phone",
    "report_no",
    "contact",
    "contact_phone",
    "fill_date",
)
ROW_KEYS = (
    "level3",
    "target",
    "actual",
    "set_score",
    "score",
    "deviation_reason",
    "nature",
    "measure_unit",
    "reference_score",
    "analysis",
)
PLACEHOLDERS = frozenset({"", "—", "——", "-", "－", "/"})
NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
TEMPLATE_RE = re.compile(r"|…+|\.{3,}|指标\d*[:：]?")

Value = str | None


class ContentError(Exception):
    """A content file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True)
class FundsRow:
    initial_budget: Value = None
    full_year_budget: Value = None
    executed: Value = None
    set_score: Value = None
    execution_rate: Value = None  # in percent, as a number string: "96.43"
    score: Value = None

    def get(self, key: str) -> Value:
        value: Value = getattr(self, key)
        return value


@dataclass(frozen=True)
class Funds:
    unit: str
    rows: dict[str, FundsRow]  # in FUND_ROWS order, only the rows the form prints
    by_income: dict[str, Value] | None = None
    by_expenditure: dict[str, Value] | None = None
    # rows whose printed label no key of FUND_ROWS stands for (中央补助, 其中：…县级资金), by that label;
    # printed after the known rows, never part of their sums
    other_rows: dict[str, FundsRow] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    level3: str
    target: Value = None
    actual: Value = None
    set_score: Value = None
    score: Value = None
    deviation_reason: Value = None
    nature: Value = None  # 指标性质 (≥ = ≤ 定性 …)
    measure_unit: Value = None  # 度量单位
    reference_score: Value = None
    analysis: Value = None
    core: bool = False  # a core indicator, printed with ★ before its name
    sub_rows: tuple[Row, ...] = ()  # unscored "其中…" rows printed below it (indicators without scores)

    def get(self, key: str) -> Value:
        value: Value = getattr(self, key)
        return value

    @property
    def template(self) -> bool:
        """A blank template row (``指标2``, ``……``, empty): printed, but not an indicator."""
        others = (self.target, self.actual, self.set_score, self.score, self.reference_score, self.analysis)
        return all(blank(v) for v in others) and bool(TEMPLATE_RE.fullmatch(self.level3.strip()))


@dataclass(frozen=True)
class Group:
    level2: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Level1:
    level1: str
    groups: tuple[Group, ...]
    set_score: Value = None
    score: Value = None
    reference_score: Value = None

    def rows(self) -> list[Row]:
        """The scored rows (blank template rows and unscored sub-rows left out)."""
        return [row for group in self.groups for row in group.rows if not row.template]


@dataclass(frozen=True)
class Evaluator:
    name: str
    title: Value = None
    department: Value = None
    phone: Value = None


@dataclass(frozen=True)
class Content:
    name: str
    kind: str
    origin: str
    title: str
    year: int
    header: dict[str, str]
    indicators: tuple[Level1, ...]
    total_set: Value
    total_score: Value
    funds: Funds | None = None
    budget: dict[str, Value] | None = None
    goals: dict[str, str | None] | None = None
    narratives: dict[str, str] | None = None
    grade: Value = None
    evaluators: tuple[Evaluator, ...] = ()
    perturb: str = "all"
    notes: str = ""
    path: str = field(default="", compare=False)

    def rows(self) -> list[tuple[Level1, Group, Row]]:
        """Every indicator in table order: template rows left out, a row's sub-rows right after it."""
        found = []
        for level1 in self.indicators:
            for group in level1.groups:
                for row in group.rows:
                    if not row.template:
                        found.append((level1, group, row))
                        found += [(level1, group, sub) for sub in row.sub_rows]
        return found


# --- Reading --------------------------------------------------------------------------------------------
class _Node:
    """A mapping of the content file, with its file and key path for errors."""

    def __init__(self, data: Any, path: str, where: str) -> None:
        self.path = path
        self.where = where
        if not isinstance(data, dict):
            raise ContentError(f"{path}: {where or 'top level'}: expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, message: str) -> ContentError:
        return ContentError(f"{self.path}: {self.key(key)}: {message}")

    def only(self, allowed: tuple[str, ...] | frozenset[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(str(key), f"unknown key (allowed: {', '.join(allowed)})")

    def rate(self, key: str) -> Value:
        """An 执行率 in percent; a printed ``96.43%`` is taken as ``96.43``."""
        value = self.data.get(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            self.data[key] = value.strip()[:-1]
        return self.number(key)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "expected a non-empty (quoted) string")
        return value

    def value(self, key: str) -> Value:
        """A printed value: a string, null (blank); integers are taken as their digits."""
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise self.fail(key, f"expected a quoted string as printed or null, got {value!r}")

    def number(self, key: str, *, optional: bool = True) -> Value:
        value = self.value(key)
        if value is None and optional:
            return None
        if value is None or (value.strip() not in PLACEHOLDERS and not NUMBER_RE.fullmatch(value.strip())):
            raise self.fail(key, f'expected a plain decimal string such as "96.43" (or null / "—"), got {value!r}')
        return value

    def child(self, key: str, *, optional: bool = False) -> _Node | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        return _Node(value, self.path, self.key(key))

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a non-empty list")
        return value


def _funds_row(node: _Node) -> FundsRow:
    node.only(FUND_FIELDS)
    values = {key: node.number(key) for key in FUND_FIELDS if key != "execution_rate"}
    return FundsRow(execution_rate=node.rate("execution_rate"), **values)


def _funds(node: _Node) -> Funds:
    node.only(("unit", "rows", "by_income", "by_expenditure"))
    unit = node.text("unit")
    if unit not in ("万元", "元"):
        raise node.fail("unit", f"expected 万元 or 元, got {unit!r}")
    rows_node = node.child("rows")
    assert rows_node is not None
    rows = {}
    other_rows = {}
    for key in FUND_ROWS:
        if key in rows_node.data:
            child = rows_node.child(key)
            assert child is not None
            rows[key] = _funds_row(child)
    for key in rows_node.data:
        if key not in FUND_ROWS:  # a row with a label of its own, kept as printed
            child = rows_node.child(str(key))
            assert child is not None
            other_rows[str(key)] = _funds_row(child)
    if "total" not in rows:
        raise rows_node.fail("total", "the funds block needs a total row")
    parts: dict[str, dict[str, Value] | None] = {}
    for key, names in (("by_income", BY_INCOME), ("by_expenditure", BY_EXPENDITURE)):
        child = node.child(key, optional=True)
        if child is None:
            parts[key] = None
            continue
        child.only(names)
        parts[key] = {name: child.number(name) for name in names}
    return Funds(
        unit=unit,
        rows=rows,
        by_income=parts["by_income"],
        by_expenditure=parts["by_expenditure"],
        other_rows=other_rows,
    )


def _row(node: _Node) -> Row:
    node.only((*ROW_KEYS, "core", "sub_rows"))
    values: dict[str, Any] = {key: node.value(key) for key in ROW_KEYS if key != "level3"}
    for key in ("set_score", "score", "reference_score"):
        values[key] = node.number(key)
    core = node.data.get("core", False)
    if not isinstance(core, bool):
        raise node.fail("core", "expected true or false")
    subs = node.data.get("sub_rows") or []
    if not isinstance(subs, list):
        raise node.fail("sub_rows", "expected a list of rows")
    sub_rows = tuple(_row(_Node(s, node.path, f"{node.key('sub_rows')}[{i}]")) for i, s in enumerate(subs))
    level3 = node.data.get("level3")
    if not isinstance(level3, str):
        raise node.fail("level3", "expected a (quoted) string")
    return Row(level3=level3, core=core, sub_rows=sub_rows, **values)


def _level1(node: _Node) -> Level1:
    node.only(("level1", "set_score", "score", "reference_score", "groups"))
    groups = []
    items = node.data.get("groups")
    if not isinstance(items, list):
        raise node.fail("groups", "expected a list of level-2 groups")
    for i, item in enumerate(items):
        group = _Node(item, node.path, f"{node.key('groups')}[{i}]")
        group.only(("level2", "rows"))
        listed = group.data.get("rows")
        if not isinstance(listed, list):
            raise group.fail("rows", "expected a list of rows ([] for a group printed empty)")
        rows = tuple(_row(_Node(r, node.path, f"{group.key('rows')}[{j}]")) for j, r in enumerate(listed))
        groups.append(Group(level2=group.text("level2"), rows=rows))
    return Level1(
        level1=node.text("level1"),
        groups=tuple(groups),
        set_score=node.number("set_score"),
        score=node.number("score"),
        reference_score=node.number("reference_score"),
    )


TOP_KEYS = (
    "name",
    "kind",
    "origin",
    "title",
    "year",
    "header",
    "funds",
    "budget",
    "goals",
    "narratives",
    "indicators",
    "total",
    "grade",
    "evaluators",
    "perturb",
    "notes",
)


def _block(top: _Node, key: str, names: tuple[str, ...], *, numbers: bool = False) -> dict[str, Any] | None:
    node = top.child(key, optional=True)
    if node is None:
        return None
    node.only(names)
    if numbers:
        return {name: node.number(name) for name in names}
    if key == "goals":  # the achieved text may be left blank (a form printing only the goal: null)
        return {name: None if name == "achieved" and node.data.get(name) is None else node.text(name) for name in names}
    return {name: node.text(name) for name in names if name in node.data}


def parse_content(data: Any, path: str) -> Content:
    """The content described by ``data`` (the YAML of ``path``); errors name the file and the key.

    Top-level keys outside the format (``layout_notes``, ``inconsistencies`` …) are notes and are ignored;
    a non-empty ``inconsistencies`` list marks the form as published inconsistent (never perturbed).
    """
    top = _Node(data, path, "")
    kind = top.text("kind")
    if kind not in KINDS:
        raise top.fail("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    year = top.data.get("year")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise top.fail("year", f"expected a year such as 2022, got {year!r}")
    header_node = top.child("header")
    assert header_node is not None
    # header fields the record has no key for (中央主管部门, 专项实施期) are read and kept out of the
    # printed forms: the generic layouts have no label for them, so the truth does not hold them either
    header = {key: header_node.text(key) for key in HEADER_FIELDS if key in header_node.data}
    for key in header_node.data:
        if key not in HEADER_FIELDS:
            header_node.text(str(key))
    needed = ("project_name", "department", "implementing_unit") if kind == "project" else ()
    for key in needed:
        if key not in header:
            raise header_node.fail(key, f"a {kind} form needs this header field")
    if kind == "department" and not ({"unit_name", "department"} & set(header)):
        raise header_node.fail("unit_name", "a department form needs unit_name or department")
    funds_node = top.child("funds", optional=True)
    funds = None if funds_node is None else _funds(funds_node)
    if kind == "project" and funds is None:
        raise top.fail("funds", "a project form needs a funds block")
    budget = _block(top, "budget", BUDGET_FIELDS, numbers=True)
    goals = _block(top, "goals", ("expected", "achieved"))
    narratives = _block(top, "narratives", NARRATIVES)
    indicators = tuple(_level1(_Node(item, path, f"indicators[{i}]")) for i, item in enumerate(top.items("indicators")))
    total = top.child("total", optional=True) or _Node({}, path, "total")
    total.only(("set_score", "score"))
    evaluators = []
    for i, item in enumerate(top.data.get("evaluators") or []):
        node = _Node(item, path, f"evaluators[{i}]")
        node.only(("name", "title", "department", "phone"))
        evaluators.append(
            Evaluator(node.text("name"), node.value("title"), node.value("department"), node.value("phone"))
        )
    perturb = top.data.get("perturb", "none" if top.data.get("inconsistencies") else "all")
    if perturb not in PERTURB:
        raise top.fail("perturb", f"expected one of {', '.join(PERTURB)}, got {perturb!r}")
    name = top.text("name")
    if Path(path).stem != name and Path(path).suffix == ".yaml":
        raise top.fail("name", f"must be the file's stem {Path(path).stem!r}")
    return Content(
        name=name,
        kind=kind,
        origin=top.text("origin"),
        title=top.text("title"),
        year=year,
        header=header,
        indicators=indicators,
        total_set=total.number("set_score"),
        total_score=total.number("score"),
        funds=funds,
        budget=budget,
        goals=goals,
        narratives=narratives,
        grade=top.value("grade"),
        evaluators=tuple(evaluators),
        perturb=str(perturb),
        notes=str(top.data.get("notes") or ""),
        path=path,
    )


def load_content(path: Path) -> Content:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc
    return parse_content(data, str(path))


def load_all(directory: Path = CONTENT_DIR, errors: list[str] | None = None) -> list[Content]:
    """Every content file of ``directory``, sorted by name. A file that does not load is left out and its
    error appended to ``errors`` (raised when ``errors`` is None)."""
    found = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            found.append(load_content(path))
        except ContentError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
    return found


# --- Values ---------------------------------------------------------------------------------------------
def blank(value: Value) -> bool:
    return value is None or value.strip() in PLACEHOLDERS


def dec(value: Value) -> Decimal | None:
    """The number of a printed value (None for blanks and placeholders)."""
    if blank(value):
        return None
    assert value is not None
    return Decimal(value.strip().rstrip("%").replace(",", ""))


def decimals(value: Value) -> int:
    if value is None or "." not in value:
        return 0
    return len(value.strip().rstrip("%").split(".")[1])


def rows_of(content: Content) -> list[Row]:
    return [row for _, _, row in content.rows()]


def as_mapping(content: Content) -> Mapping[str, Any]:
    """A short description for listings."""
    return {"name": content.name, "kind": content.kind, "indicators": len(rows_of(content))}
