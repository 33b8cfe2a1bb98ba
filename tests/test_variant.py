"""A form kind the bundled templates do not know: reported, never forced into the nearest template;
then supported by adding one template file with --templates — no code."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app

from .pdfs import ruled_form_pdf

runner = CliRunner()

ROWS = [
    ["项目名称", "城区老旧小区改造", "<", "<"],
    ["主管单位", "某某县住房和城乡建设局", "<", "<"],
    ["资金总额(万元)", "350.00", "执行数(万元)", "340.00"],
    ["指标内容", "目标值", "完成值", "得分"],
    ["改造小区数量", "5个", "5个", "40"],
    ["居民满意度", "≥90%", "94%", "38"],
    ["自评总分", "<", "<", "78"],
]
TEMPLATE = """\
    id: project-county-housing
    kind: project
    description: a county's own project form (项目绩效自评表 with 主管单位 and 指标内容)
    keywords: [县级项目绩效自评表, 主管单位, 指标内容]
    header:
      form.title: {pattern: '^(?P<value>\\S*县级项目绩效自评表)$', required: true}
      form.fiscal_year: {pattern: '(?P<value>\\d{4})年', type: integer}
    fields:
      form.project_name: {labels: [项目名称], required: true}
      form.department: {labels: [主管单位], required: true}
      funds.rows.total.full_year_budget: {labels: [资金总额], type: money, unit: 万元}
      funds.rows.total.executed: {labels: [执行数], type: money, unit: 万元}
      score.total: {labels: [自评总分], type: number, take: last_value}
    tables:
      indicators:
        anchor: level3
        level1: none
        columns:
          level3: {labels: [指标内容]}
          target: {labels: [目标值]}
          actual: {labels: [完成值]}
          score: {labels: [得分], type: number}
        end_labels: [自评总分]
    rules:
      - id: total_score
        kind: total_score
        rule: 自评总分 = Σ 得分
"""


@pytest.fixture
def variant(tmp_path: Path) -> Path:
    return ruled_form_pdf(tmp_path / "county-housing.pdf", "2023年县级项目绩效自评表", ROWS, [120, 150, 120, 100])


def test_unknown_kind_is_read_by_the_generic_reader(variant: Path) -> None:
    """No template knows this county form: it is read by the shared vocabulary (指标内容 is a 三级指标,
    目标值/完成值 are 年度指标值/实际完成值, 自评总分 a total), never dropped — and flagged for review."""
    r = runner.invoke(app, ["run", str(variant)])
    assert r.exit_code == 1, r.stderr
    rec = json.loads(r.stdout)
    assert rec["template"] == "generic"
    assert rec["review"] == ["template"]
    assert rec["form"]["title"] == "2023年县级项目绩效自评表" and rec["form"]["fiscal_year"] == 2023
    assert (rec["form"]["project_name"], rec["form"]["department"]) == ("城区老旧小区改造", "某某县住房和城乡建设局")
    assert [(i["level3"], i["target"], i["actual"], i["score"]) for i in rec["indicators"]] == [
        ("改造小区数量", "5个", "5个", 40),
        ("居民满意度", "≥90%", "94%", 38),
    ]
    assert rec["score"]["total"] == 78
    assert {c["id"]: c["status"] for c in rec["checks"]}["total_score"] == "pass"


def test_explain_says_why(variant: Path) -> None:
    r = runner.invoke(app, ["explain", str(variant)])
    assert r.exit_code == 0
    assert "template generic (1 page); no template matches: read by the generic reader" in r.stdout
    assert "project-national       keywords 3/4 — missing 项目支出绩效自评表" in r.stdout  # 目标值, 完成值: synonyms


def test_a_template_file_alone_adds_the_variant(variant: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    (folder / "project-county-housing.yaml").write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    r = runner.invoke(app, ["run", "--templates", str(folder), str(variant)])
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["template"] == "project-county-housing"
    assert rec["form"] == {
        "template_kind": "project",
        "title": "2023年县级项目绩效自评表",
        "fiscal_year": 2023,
        "region": None,
        "project_name": "城区老旧小区改造",
        "department": "某某县住房和城乡建设局",
    }
    assert rec["funds"]["rows"]["total"]["full_year_budget"] == 350.0
    assert rec["funds"]["rows"]["total"]["executed"] == 340.0
    assert [(i["level3"], i["target"], i["actual"], i["score"]) for i in rec["indicators"]] == [
        ("改造小区数量", "5个", "5个", 40),
        ("居民满意度", "≥90%", "94%", 38),
    ]
    assert rec["score"]["total"] == 78
    # its own rule, then the shared rules that find something to check on it
    assert [(c["id"], c["status"]) for c in rec["checks"]] == [
        ("total_score", "pass"),
        ("scores_present", "pass"),
        ("actual_present", "pass"),
    ]
    e = runner.invoke(app, ["explain", "--templates", str(folder), str(variant)])
    assert "→ form 1 starts here: template project-county-housing" in e.stdout
    assert "found   form.project_name" in e.stdout


def test_decisions_on_a_form_of_a_user_template_run_its_rules_when_given_its_folder(
    variant: Path, tmp_path: Path
) -> None:
    """A form read with ``--templates``: a correction runs that template's rules again when the same folder
    is given (correct, confirm, export, status, report, review take ``--templates``); without it the rules are
    not known, so the corrected field stays in review rather than pass as checked."""
    folder = tmp_path / "my-templates"
    folder.mkdir()
    (folder / "project-county-housing.yaml").write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    db = str(tmp_path / "l.sqlite")
    r = runner.invoke(app, ["ingest", "-q", "--templates", str(folder), str(variant), "--db", db])
    assert r.exit_code == 0, r.stderr
    s = runner.invoke(app, ["status", "--json", "--db", db])
    (fid,) = {f for f in json.loads(s.stdout)["flagged"]} or [None]  # clean as read: not flagged
    assert fid is None
    forms = runner.invoke(app, ["export", "-q", "--db", db, "--to", str(tmp_path / "o")])
    assert forms.exit_code == 0
    import pandas as pd

    form_id = pd.read_csv(tmp_path / "o" / "forms.csv", dtype=str)["form_id"].iloc[0]
    args = ["correct", form_id, "score.total", "80", "--reason", "the page prints 80", "--db", db]
    told = runner.invoke(app, [*args, "--reviewer", "b", "--templates", str(folder)])
    assert told.exit_code == 0, told.stderr
    assert "check total_score: pass → fail" in told.stdout and "flags left: score.total_set" in told.stdout
    status = json.loads(runner.invoke(app, ["status", "--json", "--db", db, "--templates", str(folder)]).stdout)
    (flagged,) = status["flagged"]
    assert [c["id"] for c in flagged["failed_checks"]] == ["total_score"] and flagged["review"] == []
    out = tmp_path / "o2"
    assert runner.invoke(app, ["export", "-q", "--db", db, "--to", str(out), "--templates", str(folder)]).exit_code == 0
    row = pd.read_csv(out / "forms.csv", dtype=str, keep_default_na=False).iloc[0]
    assert (row["failed_checks"], row["clean"], row["corrected_fields"]) == ("total_score", "False", "score.total")
    # without the folder the rules are not known: the corrected field is not re-checked, so it stays to review
    status = json.loads(runner.invoke(app, ["status", "--json", "--db", db]).stdout)
    (flagged,) = status["flagged"]
    assert flagged["failed_checks"] == [] and flagged["review"] == ["score.total"]
    blind = runner.invoke(app, ["confirm", form_id, "score.total_set", "--db", db, "--reviewer", "a"])
    assert blind.exit_code == 0, blind.stderr
    assert "flags left: score.total" in blind.stdout
    assert "rules of template project-county-housing are not known here" in blind.stdout
