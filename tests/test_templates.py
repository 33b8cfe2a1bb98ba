from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from extract.schemas import TEMPLATES_DIR

from extract.errors import TemplateError
from extract.forms.templates import load_template, load_templates, match

SHANXI = TEMPLATES_DIR / "dept-overall-shanxi.yaml"


def test_every_bundled_template_loads() -> None:  # template rot
    templates = load_templates()
    assert {t.id for t in templates} >= {"dept-overall-shanxi"}
    for t in templates:
        assert t.keywords and t.fields and t.rules


def _write(tmp_path: Path, data: dict) -> Path:
    p = tmp_path / "t.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _base() -> dict:
    return yaml.safe_load(SHANXI.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("keywords"), "<top>"),
        (lambda d: d["fields"].update({"budget.carry_over": {"labels": ["x"]}}), "fields.budget.carry_over"),
        (lambda d: d["fields"]["budget.carryover"].update({"type": "money-ish"}), "fields.budget.carryover.type"),
        (lambda d: d["rules"][0].pop("lhs"), "rules.0"),
        (lambda d: d["rules"][1].update({"total": "(unclosed"}), "rules.1.total"),
        (lambda d: d["header"]["form.title"].update({"pattern": "no group"}), "header.form.title.pattern"),
        (
            lambda d: d["tables"]["indicators"]["columns"].update({"weight": {"labels": ["权重"]}}),
            "tables.indicators.columns.weight",
        ),
        (lambda d: d.update({"kind": "other"}), "kind"),
    ],
)
def test_bad_template_names_file_and_key(tmp_path: Path, mutate, where: str) -> None:
    data = _base()
    mutate(data)
    p = _write(tmp_path, data)
    with pytest.raises(TemplateError) as e:
        load_template(p)
    line = e.value.one_line()
    assert str(p) in line and where in line and "\n" not in line


def test_unreadable_yaml(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot read template"):
        load_template(p)


def test_duplicate_id_across_folders(tmp_path: Path) -> None:
    _write(tmp_path, _base())
    with pytest.raises(TemplateError, match="also defined"):
        load_templates((TEMPLATES_DIR, tmp_path))


def test_match_needs_all_keywords_and_no_exclude() -> None:
    (t,) = [x for x in load_templates() if x.id == "dept-overall-shanxi"]
    text = "晋中市部门整体支出绩效自评表\n上年结转金额 (万元)\n三级指标"
    assert match((t,), text) == [t]
    assert match((t,), "晋中市部门整体支出绩效自评表") == []
    assert match((t,), text + "\n项目支出绩效自评表") == []


def test_template_schema_is_valid_json_schema() -> None:
    import jsonschema

    schema = json.loads((TEMPLATES_DIR.parent / "template.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
