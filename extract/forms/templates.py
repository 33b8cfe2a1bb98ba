"""Form templates: load and validate ``schemas/templates/*.yaml``, and match a form's text to one.

A template is data (see ``schemas/template.schema.json``). Loading validates it against that schema
and against the record model (every field path must be a record field), and compiles its patterns;
any problem is a ``TemplateError`` naming the file and the key path.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import regex

from extract import model
from extract.errors import TemplateError
from extract.forms.paths import leaf_type
from extract.forms.tolerance import Fixed, HalfUnit, Tolerance
from extract.forms.vocabulary import Vocabulary, norm, vocabulary
from extract.schemas import SCHEMAS_DIR, TEMPLATES_DIR

_RULE_PARAMS: dict[str, tuple[str, ...]] = {
    "sum_equal": ("lhs", "rhs"),  # its unit is the amounts' as the page prints it (the rule's: where none is read)
    "text_parts_sum": ("field", "total", "parts", "unit"),
    "text_matches_field": ("field", "rhs", "unit"),
    "indicator_subtotals": (),
    "total_score": (),
    "score_within_weight": (),
    "grade_band": ("bands",),
    "columns_sum": ("matrix", "total_row", "part_rows", "columns"),
    "ratio": ("matrix", "rows"),
    "score_formula": ("matrix", "rows"),
    "text_total_parts": ("fields", "unit"),
    "scores_present": (),
    "actual_present": (),
    "within_budget": ("matrix", "rows"),
    "deduction_explained": (),
    "level_families": ("families",),
}
RULES_FILE = SCHEMAS_DIR / "rules.yaml"
_TABLE_ROWS: dict[str, type] = {"indicators": model.Indicator, "evaluators": model.Evaluator}


__all__ = ["norm"]


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    path: str
    pattern: regex.Pattern[str]
    source: str | None
    type: str
    required: bool
    value: str | None = None


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    labels: tuple[str, ...]
    type: str
    declared: bool = True  # the template names it (else a column the vocabulary has every template read)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    path: str
    labels: tuple[str, ...]
    type: str
    unit: str | None
    take: str
    required: bool
    column: str | None = None


@dataclass(frozen=True, slots=True)
class MatrixSpec:
    """A block of row labels × column labels; values go to ``<path>.<row>.<column>``."""

    path: str
    anchor: tuple[str, ...]
    rows: dict[str, tuple[str, ...]]
    columns: tuple[ColumnSpec, ...]
    unit: str | None
    expect: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    optional: bool = False  # the form may not print this block (the generic reader)

    def expected(self, row: str, column: str) -> bool:
        cols = self.expect.get(row, self.expect.get("*"))
        return cols is None or column in cols


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    anchor: str
    level1: str
    end_labels: tuple[str, ...]
    skip_labels: tuple[str, ...]
    skip_rows: tuple[regex.Pattern[str], ...] = ()
    expect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    kind: str
    rule: str
    unit: str | None
    tolerance: Tolerance
    params: dict[str, Any]
    shared: bool = False  # from schemas/rules.yaml: left out of the record where nothing on the form applies


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    kind: str
    path: str
    description: str
    keywords: tuple[str, ...]
    exclude_keywords: tuple[str, ...]
    priority: int
    header: tuple[HeaderSpec, ...]
    fields: tuple[FieldSpec, ...]
    matrices: tuple[MatrixSpec, ...]
    tables: dict[str, TableSpec]
    amount_fields: tuple[str, ...]
    strip_label_prefixes: tuple[str, ...]
    canonical_names: tuple[str, ...]
    rules: tuple[RuleSpec, ...]
    fallback: bool = False  # the generic reader: used only for a titled form no other template matches
    # per keyword, its synonyms in the vocabulary (项目名称 → 项目支出名称, …): any one counts as the keyword
    alternatives: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def has(self, text: str, keyword: str, fuzzy: bool = False) -> bool:
        return any(contains(text, k, fuzzy) for k in self.alternatives.get(keyword, (keyword,)))

    def matches(self, text: str, fuzzy: bool = False) -> bool:
        """All keywords (or a synonym of each) present and no exclude keyword (``text`` already ``norm``-ed).
        ``fuzzy`` (OCR text): a keyword of 6 or more characters may have one character missing or misread."""
        return (
            not self.fallback
            and all(self.has(text, k, fuzzy) for k in self.keywords)
            and not any(k in text for k in self.exclude_keywords)
        )

    def worded(self, text: str, fuzzy: bool = False) -> int:
        """How many keywords ``text`` prints as the template words them (not by a synonym): of two
        templates matching a page, the one whose own words it prints (部门整体绩效自评表 | 指标名称 | 是否核心指标
        is the Chongqing form, though its synonyms make it the national one's title and labels)."""
        return sum(1 for k in self.keywords if contains(text, k, fuzzy))

    def missing(self, text: str, fuzzy: bool = False) -> list[str]:
        """The keywords (with none of their synonyms) not in ``text``."""
        return [k for k in self.keywords if not self.has(text, k, fuzzy)]

    def labels(self) -> tuple[tuple[str, ...], ...]:
        """The labels the template reads by, one group per thing read (a field, a block's row or column, a
        table's column: any one label of a group names it), normalised: the words a form of this template
        prints beside its values."""
        groups: list[tuple[str, ...]] = [f.labels for f in self.fields]
        for m in self.matrices:
            groups += [*m.rows.values(), *(c.labels for c in m.columns)]
        for t in self.tables.values():
            groups += [c.labels for c in t.columns]
        normed = (tuple(n for n in map(norm, g) if len(n) >= 3) for g in groups)
        return tuple(dict.fromkeys(g for g in normed if g))

    def evidence(self, text: str, fuzzy: bool = False) -> float:
        """The share of the things the template reads whose label ``text`` prints: what tells two templates
        apart when their keywords do not (a seal over one keyword of each)."""
        groups = self.labels()
        found = sum(1 for g in groups if any(contains(text, label, fuzzy) for label in g))
        return found / len(groups) if groups else 0.0

    def near(self, text: str, fuzzy: bool = False, untitled: bool = False) -> float:
        """How close ``text`` is to this template: 0 unless its title keyword is there and no exclude
        keyword; else the share of its keywords present. ``untitled`` (a page whose title did not read: a
        seal over it): 0 unless every other keyword is there as the template words it (two at least: a
        synonym is too loose a sign without the title — 资金情况 for 年度预算申请), else 1 — two such templates are
        told apart by the labels the page prints (``nearest``), not by how many keywords each has."""
        if self.fallback or any(k in text for k in self.exclude_keywords):
            return 0.0
        if untitled:  # as worded: without its title, the page must print this template's own words
            rest = self.keywords[1:]
            if len(rest) < 2 or not all(contains(text, k, fuzzy) for k in rest):
                return 0.0
            return 1.0
        if not self.has(text, self.keywords[0], fuzzy):
            return 0.0
        return 1 - len(self.missing(text, fuzzy)) / len(self.keywords)


def _fail(path: Path, where: str, message: str) -> TemplateError:
    return TemplateError(f"invalid template at {where or '<top>'}: {message}", path=str(path))


def _check_path(path: Path, where: str, field_path: str) -> None:
    if leaf_type(field_path) is None:
        raise _fail(path, where, f"{field_path!r} is not a record field (see extract/model.py)")


def _compile(path: Path, where: str, pattern: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise _fail(path, where, f"bad regex {pattern!r}: {exc}") from exc


@cache
def _schema_validator() -> Any:
    import jsonschema

    schema = json.loads((SCHEMAS_DIR / "template.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _validate(path: Path, data: Any) -> None:
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path)
        raise _fail(path, where, err.message)


def _header(path: Path, data: dict[str, Any]) -> tuple[HeaderSpec, ...]:
    out = []
    for fp, spec in data.get("header", {}).items():
        _check_path(path, f"header.{fp}", fp)
        pat = _compile(path, f"header.{fp}.pattern", spec.get("pattern", "(?P<value>)"))
        if "value" not in pat.groupindex:
            raise _fail(path, f"header.{fp}.pattern", "needs a named group (?P<value>…)")
        default_type = "integer" if leaf_type(fp) in (int, int | None) else "text"  # form.fiscal_year
        out.append(
            HeaderSpec(
                fp,
                pat,
                spec.get("from"),
                spec.get("type", default_type),
                spec.get("required", False),
                spec.get("value"),
            )
        )
    return tuple(out)


def _fields(path: Path, data: dict[str, Any]) -> tuple[FieldSpec, ...]:
    out = []
    for fp, spec in data["fields"].items():
        _check_path(path, f"fields.{fp}", fp)
        labels = vocabulary().expand("header", tuple(norm(lb) for lb in spec["labels"]))
        out.append(
            FieldSpec(
                fp,
                labels,
                spec.get("type", "text"),
                spec.get("unit"),
                spec.get("take", "next"),
                spec.get("required", False),
                spec.get("column"),
            )
        )
    return tuple(out)


def _matrices(path: Path, data: dict[str, Any]) -> tuple[MatrixSpec, ...]:
    out = []
    for i, spec in enumerate(data.get("matrices", [])):
        where = f"matrices.{i}"
        for row in spec["rows"]:
            for col in spec["columns"]:
                _check_path(path, f"{where}.rows.{row}", f"{spec['path']}.{row}.{col}")
        vocab = vocabulary()
        cols = tuple(
            ColumnSpec(
                name, vocab.expand("funds_columns", tuple(norm(lb) for lb in c["labels"])), c.get("type", "money")
            )
            for name, c in spec["columns"].items()
        )
        rows = {
            name: vocab.expand("funds_rows", tuple(norm(lb) for lb in labels)) for name, labels in spec["rows"].items()
        }
        out.append(
            MatrixSpec(
                spec["path"],
                vocab.expand("blocks", tuple(norm(a) for a in spec.get("anchor", []))),
                rows,
                cols,
                spec.get("unit"),
                {r: tuple(c) for r, c in spec.get("expect", {}).items()},
                bool(spec.get("optional", False)),
            )
        )
    return tuple(out)


def _tables(path: Path, data: dict[str, Any]) -> dict[str, TableSpec]:
    out = {}
    for name, spec in data.get("tables", {}).items():
        allowed = {f.name for f in dataclasses.fields(_TABLE_ROWS[name])}
        cols = []
        for cname, cspec in spec["columns"].items():
            if cname not in allowed:
                raise _fail(path, f"tables.{name}.columns.{cname}", f"{cname!r} is not a field of {name}")
            labels = tuple(norm(lb) for lb in cspec["labels"])
            if name == "indicators":
                labels = vocabulary().expand("indicator_columns", labels)
            cols.append(ColumnSpec(cname, labels, cspec.get("type", "text")))
        if name == "indicators":
            cols.extend(_vocabulary_columns(vocabulary(), cols, allowed))
        anchor = spec.get("anchor", cols[0].name)
        if anchor not in {c.name for c in cols}:
            raise _fail(path, f"tables.{name}.anchor", f"{anchor!r} is not one of the columns")
        out[name] = TableSpec(
            name,
            tuple(cols),
            anchor,
            spec.get("level1", "column"),
            tuple(norm(x) for x in spec.get("end_labels", [])),
            tuple(norm(x) for x in spec.get("skip_labels", [])),
            tuple(_compile(path, f"tables.{name}.skip_rows", p) for p in spec.get("skip_rows", [])),
            tuple(spec.get("expect", [])),
        )
    return out


def _vocabulary_columns(vocab: Vocabulary, declared: list[ColumnSpec], allowed: set[str]) -> list[ColumnSpec]:
    """The indicator columns every template reads where the form prints them (指标性质, 度量单位, …), unless
    the template reads that column already, under this name or another (Ningxia's 参考分值 is its 分值)."""
    hints = typing.get_type_hints(model.Indicator, vars(model))
    taken = {lb for c in declared for lb in c.labels}
    return [
        ColumnSpec(name, labels, "number" if Decimal in typing.get_args(hints[name]) else "text", declared=False)
        for name, labels in vocab.indicator_columns.items()
        if name not in {c.name for c in declared} and name in allowed and not taken & set(labels)
    ]


def _rules(path: Path, data: dict[str, Any]) -> tuple[RuleSpec, ...]:
    out = []
    seen: set[str] = set()
    for i, spec in enumerate(data.get("rules", [])):
        where = f"rules.{i}"
        if spec["id"] in seen:
            raise _fail(path, f"{where}.id", f"duplicate rule id {spec['id']!r}")
        seen.add(spec["id"])
        for key in _RULE_PARAMS[spec["kind"]]:
            if key not in spec:
                raise _fail(path, where, f"rule kind {spec['kind']!r} needs {key!r}")
        for key in ("lhs", "rhs", "set_parts", "score_parts", "fields"):
            for fp in spec.get(key, []):
                _check_path(path, f"{where}.{key}", fp)
        for key in ("total", "amount", "exclude"):
            if key in spec:
                _compile(path, f"{where}.{key}", spec[key])
        for j, p in enumerate(spec.get("parts", [])):
            _compile(path, f"{where}.parts.{j}", p)
        params = {k: v for k, v in spec.items() if k not in {"id", "kind", "rule", "unit", "tolerance", "requires"}}
        out.append(
            RuleSpec(spec["id"], spec["kind"], spec["rule"], spec.get("unit"), _tolerance(path, where, spec), params)
        )
    return tuple(out)


def _tolerance(path: Path, where: str, spec: dict[str, Any]) -> Tolerance:
    raw = str(spec.get("tolerance", "0"))
    if raw == "half_unit":
        return HalfUnit()
    try:
        return Fixed(Decimal(raw))
    except InvalidOperation:
        raise _fail(path, f"{where}.tolerance", f"{raw!r} is not a number or 'half_unit'") from None
    except ValueError:
        raise _fail(path, f"{where}.tolerance", f"{raw!r}: a tolerance is a finite number >= 0") from None


@cache
def shared_rules() -> tuple[tuple[RuleSpec, tuple[str, ...]], ...]:
    """The rules every form gets (``schemas/rules.yaml``), each with the template parts it requires."""
    import yaml

    try:
        data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read shared rules: {exc}".replace("\n", " "), path=str(RULES_FILE)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise TemplateError("invalid shared rules at <top>: needs a list 'rules'", path=str(RULES_FILE))
    errors = sorted(
        _schema_validator()
        .evolve(schema={**_schema_validator().schema, "required": ["rules"]})
        .iter_errors({"id": "shared", "kind": "project", "keywords": ["-"], "fields": {}, "rules": data["rules"]}),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path)
        raise TemplateError(f"invalid shared rules at {where}: {errors[0].message}", path=str(RULES_FILE))
    specs = _rules(RULES_FILE, data)
    return tuple((r, tuple(raw.get("requires", []))) for r, raw in zip(specs, data["rules"], strict=True))


def _shared_rules(data: dict[str, Any]) -> tuple[RuleSpec, ...]:
    """The shared rules this template lacks (by id) and whose parts it reads."""
    own = {r["id"] for r in data.get("rules", [])}
    parts = {f"table:{t}" for t in data.get("tables", {})} | {f"matrix:{m['path']}" for m in data.get("matrices", [])}
    return tuple(
        dataclasses.replace(r, shared=True)
        for r, requires in shared_rules()
        if r.id not in own and set(requires) <= parts
    )


def load_template(path: Path) -> Template:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise TemplateError(f"cannot read template: not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read template: {exc}".replace("\n", " "), path=str(path)) from exc
    _validate(path, data)
    for fp in data.get("amounts_in_text", {}).get("fields", []):
        _check_path(path, "amounts_in_text.fields", fp)
    keywords = tuple(norm(k) for k in data["keywords"])
    vocab = vocabulary()
    return Template(
        id=data["id"],
        kind=data["kind"],
        path=str(path),
        description=data.get("description", ""),
        keywords=keywords,
        exclude_keywords=tuple(norm(k) for k in data.get("exclude_keywords", [])),
        priority=int(data.get("priority", 0)),
        header=_header(path, data),
        fields=_fields(path, data),
        matrices=_matrices(path, data),
        tables=_tables(path, data),
        amount_fields=tuple(data.get("amounts_in_text", {}).get("fields", [])),
        strip_label_prefixes=tuple(data.get("amounts_in_text", {}).get("strip_label_prefixes", [])),
        canonical_names=tuple(data.get("canonical_names", [])),
        rules=_rules(path, data) + _shared_rules(data),
        fallback=bool(data.get("fallback", False)),
        alternatives={k: vocab.alternatives(k) for k in keywords},
    )


def load_templates(dirs: tuple[Path, ...] = (TEMPLATES_DIR,)) -> tuple[Template, ...]:
    """All templates of the given folders; a template id used twice is an error."""
    out: dict[str, Template] = {}
    for d in dirs:
        if not d.is_dir():
            raise TemplateError("template folder not found", path=str(d))
        for p in sorted(d.glob("*.y*ml")):
            t = load_template(p)
            if t.id in out:
                raise TemplateError(f"template id {t.id!r} also defined in {out[t.id].path}", path=str(p))
            out[t.id] = t
    return tuple(out.values())


@cache
def default_templates() -> tuple[Template, ...]:
    return load_templates()


def contains(text: str, keyword: str, fuzzy: bool = False) -> bool:
    if keyword in text:
        return True
    if not fuzzy or len(keyword) < 6:
        return False
    return regex.search(f"(?:{regex.escape(keyword)}){{e<=1}}", text) is not None


def is_bundled(template: Template) -> bool:
    """The template ships with the tool (``schemas/templates/``), not from a user's ``--templates`` folder."""
    try:
        return Path(template.path).resolve().is_relative_to(TEMPLATES_DIR.resolve())
    except (OSError, ValueError):
        return False


def match(templates: tuple[Template, ...], text: str, fuzzy: bool = False) -> list[Template]:
    """Templates whose keywords match ``text``, best first; several at the top priority is a tie."""
    t = norm(text)
    hits = [tp for tp in templates if tp.matches(t, fuzzy)]
    return sorted(hits, key=lambda tp: -tp.priority)


NEAR_ENOUGH = 0.5  # share of a template's keywords a titled form must show to be read with it
LABELS_ENOUGH = 0.4  # of two as near by keywords, the one taken prints this share of its labels or more …
LABELS_AHEAD = 0.15  # … and this much more than the other
CLOSE_EVIDENCE = 0.75  # tied on a scan: templates printing this share of the best one's label share are each read


def nearest(templates: tuple[Template, ...], text: str, fuzzy: bool = False, untitled: bool = False) -> Template | None:
    """The template closest to a titled form no template matches (title keyword present, at least half of
    the keywords), or to an untitled one (``untitled``: every keyword but the title), or None: then the
    generic reader takes it. A tie is no answer. Where the keywords single out none (a tie, or fewer than
    half of any template's read: a 1-bit scan read 年度预算申请 as 年度顾葬中请), the templates whose title the
    form prints are weighed by the labels it prints (按收入性质分, 执行率 …): one that prints clearly more of
    one template's labels than of any other's is read with it."""
    t = norm(text)
    scored = sorted(
        ((tp.near(t, fuzzy, untitled), tp.priority, tp.id, tp) for tp in templates), key=lambda x: x[:3], reverse=True
    )
    if not scored or scored[0][0] <= 0:
        return None
    if scored[0][0] >= NEAR_ENOUGH:
        tied = [x[3] for x in scored if x[:2] == scored[0][:2]]
        if len(tied) == 1:
            return scored[0][3]
        if (chosen := _by_labels(tied, t, fuzzy)) is not None:  # as near by keywords: by the labels printed
            return chosen
    return _by_labels([x[3] for x in scored if x[0] > 0], t, fuzzy)


def tied_near(
    templates: tuple[Template, ...], text: str, fuzzy: bool = False, untitled: bool = False
) -> tuple[Template, ...]:
    """The templates a titled form is nearest to by keywords when ``nearest`` names none (keywords and labels
    single out none): those at the top share of keywords, best labels first — each read, the reading that holds
    up best kept (``pipeline.extract_form``). Only those whose labels the form prints nearly as many of as the
    best's (``CLOSE_EVIDENCE`` of its share): a template finding half the labels another finds is not that
    form's, however many of its fields it fills from a page of another layout."""
    t = norm(text)
    scored = [(tp.near(t, fuzzy, untitled), tp) for tp in templates]
    top = max((n for n, _ in scored), default=0.0)
    if top <= 0:
        return ()
    tied = sorted(((tp.evidence(t, fuzzy), tp.id, tp) for n, tp in scored if n == top), key=lambda x: (-x[0], x[1]))
    best = tied[0][0]
    return tuple(tp for e, _, tp in tied if best > 0 and e >= CLOSE_EVIDENCE * best)


def _by_labels(templates: list[Template], text: str, fuzzy: bool) -> Template | None:
    """The one of ``templates`` whose labels ``text`` prints clearly more of than any other's, else None."""
    ranked = sorted(((tp.evidence(text, fuzzy), tp.id, tp) for tp in templates), key=lambda x: x[:2], reverse=True)
    if not ranked:
        return None
    best = ranked[0][0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    return ranked[0][2] if best >= LABELS_ENOUGH and best - second >= LABELS_AHEAD else None


def fallback(templates: tuple[Template, ...]) -> Template | None:
    return next((t for t in templates if t.fallback), None)
