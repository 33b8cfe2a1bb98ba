from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from extract.schemas import TEMPLATES_DIR

from extract.errors import TemplateError
from extract.forms.templates import load_template, load_templates, match

from .conftest import SAMPLES

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


def test_two_templates_as_near_by_keywords_are_told_apart_by_the_labels_the_page_prints() -> None:
    """A seal over one keyword of a scanned national department form leaves it as near to the Shanxi
    template (title + one keyword each): the labels it prints (按收入性质分, 年度指标值 …, not 上年结转金额 …)
    decide; a page that prints neither template's labels is still no answer (the generic reader)."""
    import pdfplumber

    from extract.forms.templates import nearest, norm

    templates = tuple(load_templates())
    with pdfplumber.open(SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf") as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages[:2])
    sealed = norm(text).replace("年度预算申请", "年度预算")
    assert "年度预算申请" in norm(text) and "年度预算申请" not in sealed
    by_id = {t.id: t for t in templates}
    assert by_id["dept-national"].near(sealed, True) == by_id["dept-overall-shanxi"].near(sealed, True) > 0.5
    chosen = nearest(templates, sealed, fuzzy=True)
    assert chosen is not None and chosen.id == "dept-national"
    bare = "部门整体支出绩效自评表 三级指标 年度指标值"
    assert nearest(templates, bare, fuzzy=True) is None


@pytest.mark.parametrize(
    ("text", "label", "near"),
    [
        ("全年预算数女", "全年预算数", True),  # a stroke of a seal read as one character more
        ("鲁指标值", "年度指标值", False),  # two characters off: not this label's (年度→鲁 is one edit of 指标值)
        ("鲁指标值", "指标值", False),  # a label under 4 characters is never taken one character off
        ("本年财致拨款", "本年财政拨款", True),
        ("全年执行数", "全年预算数", False),  # another column's header: two characters off
        ("全年预算数（万元）", "全年预算数", True),  # the label, then its unit
        ("全年预算数额度", "全年预算数", False),  # runs on into two more characters
    ],
)
def test_an_ocr_label_one_character_off(text: str, label: str, near: bool) -> None:
    from extract.forms.sheet import label_one_edit

    assert label_one_edit(text, [label], 4) is near
