from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from extract.schemas import TEMPLATES_DIR

from extract.errors import TemplateError
from extract.forms.templates import load_template, load_templates, match
from extract.model import Cell, PageContent

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


def _as_read(pages: list[PageContent], change: dict[str, str], ocr: bool = True) -> list[PageContent]:
    """The pages with some cell texts read otherwise, and (``ocr``) every cell an OCR cell, as a scan gives."""
    import dataclasses

    def cell(c: Cell) -> Cell:
        c = dataclasses.replace(c, text=change.get(c.text, c.text))
        return dataclasses.replace(c, source="ocr", confidence=0.99) if ocr else c

    return [
        dataclasses.replace(p, grids=tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in p.grids))
        for p in pages
    ]


def test_an_ocr_label_one_character_off_still_finds_its_value() -> None:
    """OCR loses the 一 of 一般公共预算 against the cell's ruling (般公共预算：1826.42): the label field is
    found by its one OCR cell one character off, its value read after the label's words; a cell that is
    two characters off is not taken, and a text-layer cell is never read so."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    label = next(c.text for p in pages for g in p.grids for c in g.cells if c.text.startswith("一般公共预算"))
    path = "funds.by_income.general_public_budget"
    truth, _ = extract_fields(tp, _as_read(pages, {}))
    want = truth.fields[path].value
    assert want is not None

    ex, _ = extract_fields(tp, _as_read(pages, {label: label[1:]}))  # 般公共预算：…
    assert ex.fields[path].value == want
    for changed in (_as_read(pages, {label: label[2:]}), _as_read(pages, {label: label[1:]}, ocr=False)):
        ex, _ = extract_fields(tp, changed)
        assert ex.fields.get(path) is None or ex.fields[path].value is None


def test_a_funds_column_whose_header_a_seal_covers_is_read_and_flagged() -> None:
    """A seal over the funds block's header: 分值 read with the seal's letters (用章分值) still heads its column;
    全年预算数 read as a stray bracket is the one column left and the one unnamed cell between named ones, so
    it heads it by elimination and its value is flagged. Two headers unread, two unnamed cells in their
    places: each by its place in the block's order, flagged; a header read as most of its label, in order:
    by resemblance, flagged; places that break the order: nothing taken; a text-layer header is never read so."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    row = "funds.rows.total"
    sealed = _as_read(pages, {"全年预算数": "）", "分值": "用章分值"})
    ex, _ = extract_fields(tp, sealed)
    assert ex.fields[f"{row}.set_score"].value == 10 and f"{row}.set_score" not in ex.review
    assert str(ex.fields[f"{row}.full_year_budget"].value) == "2436.58"
    assert "by resemblance or elimination" in ex.review[f"{row}.full_year_budget"]
    assert str(ex.fields[f"{row}.executed"].value) == "2358.61" and f"{row}.executed" not in ex.review

    # two columns unread, two unnamed cells in their places: each takes the column its place gives it, flagged
    ex, _ = extract_fields(tp, _as_read(pages, {"全年预算数": "）", "分值": "章"}))
    assert str(ex.fields[f"{row}.full_year_budget"].value) == "2436.58" and f"{row}.full_year_budget" in ex.review
    assert ex.fields[f"{row}.set_score"].value == 10 and f"{row}.set_score" in ex.review
    # OCR that keeps most of a row label, in order (年度资仝总頟 for 年度资金总额): taken by resemblance, flagged
    ex, _ = extract_fields(tp, _as_read(pages, {"年度资金总额": "年度资仝总頟"}))
    assert str(ex.fields[f"{row}.executed"].value) == "2358.61" and f"{row}.executed" in ex.review
    from extract.forms.matrix import _resembles

    columns = {"initial_budget": ("年初预算数",), "execution_rate": ("执行率", "预算执行率")}
    assert _resembles("年初预媒", columns) == "initial_budget"
    assert _resembles("倾算执行彰", columns) == "execution_rate"
    assert _resembles("预算", columns) is None and _resembles("预算执行数", columns) is None  # too little; both
    for changed in (
        # two unread, but the places break the block's order (全年执行数 printed where 全年预算数 stands): none
        _as_read(pages, {"全年预算数": "全年执行数", "全年执行数": "）", "分值": "章"}),
        _as_read(pages, {"全年预算数": "）", "分值": "用章分值"}, ocr=False),
    ):
        ex, _ = extract_fields(tp, changed)
        got = ex.fields.get(f"{row}.full_year_budget")
        assert got is None or got.value is None


def test_a_funds_rows_figures_under_headers_that_did_not_read_are_never_dropped() -> None:
    """年初预算数（万元） | 全年预算数（万元） | 全年执行数（万元） each wrapped over two lines, the first lost
    on a grey scan (元） | 万元） | 万元）): the three figures of 年度资金总额 were read as blanks, unflagged. On
    a scan, figures right of the row's label under no column found, as many as the columns missing and in
    the block's order, go to those columns, flagged; otherwise (a text layer's headers read as printed, or
    a count that does not match) the missing columns are in review."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    row = "funds.rows.total"
    lost = {"年初预算数": "元）", "全年预算数": "万元）", "全年执行数": "万元）"}
    amounts = ("initial_budget", "full_year_budget", "executed")
    for template in ("dept-national", "generic"):
        (tp,) = [t for t in load_templates() if t.id == template]
        ex, _ = extract_fields(tp, _as_read(pages, lost))
        got = [str(ex.fields[f"{row}.{k}"].value) for k in amounts]
        assert got == ["2105.30", "2436.58", "2358.61"] and all(f"{row}.{k}" in ex.review for k in amounts)
        assert ex.fields[f"{row}.set_score"].value == 10 and f"{row}.set_score" not in ex.review
        ex, _ = extract_fields(tp, _as_read(pages, lost, ocr=False))
        assert all(ex.fields[f"{row}.{k}"].value is None and f"{row}.{k}" in ex.review for k in amounts)
        ex, _ = extract_fields(tp, _as_read(pages, {**lost, "2,105.30": ""}))
        assert all(ex.fields[f"{row}.{k}"].value is None and f"{row}.{k}" in ex.review for k in amounts[1:])


def test_a_funds_block_whose_label_a_seal_covers_is_found_by_its_headers_and_rows() -> None:
    """年度预算申请 under a seal, read as ．年算: the block is found by what it prints — a row heading three or
    more of its columns with one of its row labels just below — and read whole, on an OCR page. Before, the
    block and its six figures were dropped with no flag when the generic reader took the form. A text layer
    without the label is not read so."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    templates = {t.id: t for t in load_templates()}
    cols = ("initial_budget", "full_year_budget", "executed", "set_score", "execution_rate", "score")
    truth, _ = extract_fields(templates["dept-national"], _as_read(pages, {}))
    want = {c: truth.fields[f"funds.rows.total.{c}"].value for c in cols}
    assert all(v is not None for v in want.values())

    sealed = _as_read(pages, {"年度预算申请(万元)": "．年算"})
    for tid in ("dept-national", "generic"):
        ex, _ = extract_fields(templates[tid], sealed)
        assert {c: ex.fields[f"funds.rows.total.{c}"].value for c in cols} == want, tid
    assert ex.review["funds.rows.total.executed"] == "amount without a unit"  # generic: 万元 was in the label
    ex, _ = extract_fields(templates["dept-national"], sealed)  # the template states its unit
    assert not any(p.startswith("funds") for p in ex.review)

    ex, _ = extract_fields(templates["dept-national"], _as_read(pages, {"年度预算申请(万元)": "．年算"}, ocr=False))
    assert ex.fields.get("funds.rows.total.executed") is None and "funds.rows" in ex.review


def test_of_two_templates_as_near_by_keywords_the_one_whose_labels_the_page_prints_is_taken() -> None:
    """A department form whose 年度预算申请 a seal covers is as near to dept-national (title, 年度指标值) as to
    dept-overall-shanxi (title, 三级指标) by keywords: the generic reader took it. The labels the page prints
    beside its values (年度资金总额, 一般公共预算, 实际完成值 …) tell them apart; too little evidence is no
    answer."""
    import pdfplumber

    from extract.forms.templates import nearest

    templates = tuple(load_templates())
    with pdfplumber.open(SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf") as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages[:2])
    assert "年度预算申请" in text
    sealed = text.replace("年度预算申请", "．年算")
    got = nearest(templates, sealed, fuzzy=True)
    assert got is not None and got.id == "dept-national"
    assert nearest(templates, "2022年度部门整体支出绩效自评表 三级指标 年度指标值", fuzzy=True) is None


@pytest.mark.parametrize(
    ("sample", "title", "want"),
    [
        ("anhui-2022-county-agriculture-bureau-dept.pdf", "部门整体支出绩效自评表", "dept-national"),
        ("jinzhong-2021-justice-bureau.pdf", "部门整体支出绩效自评表", "dept-overall-shanxi"),
        ("chizhou-2022-village-funds.pdf", "项目支出绩效自评表", "project-national"),
        # 参考分值 wraps in its cell (参考分 | 值), and the national department form's synonyms (资金情况 for
        # 年度预算申请, 指标值 for 年度指标值) are no sign without the title: the generic reader's
        ("yinchuan-2021-no6-middle-school-funds.pdf", "项目支出绩效自评表", None),
    ],
)
def test_an_untitled_page_is_near_the_template_whose_other_keywords_it_prints(
    sample: str, title: str, want: str | None
) -> None:
    """A seal over a scanned form's title leaves no title keyword, so no template was near and the generic
    reader took it (a Shanxi form: 91 % of its numbers, 99 % by its template). Untitled, a page is near the template
    whose every other keyword it prints as the template words it (two at least); as near to two, the labels it
    prints decide; one keyword missing as well is no answer."""
    import pdfplumber

    from extract.forms.templates import nearest

    templates = tuple(load_templates())
    with pdfplumber.open(SAMPLES / sample) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages[:2]).replace(title, "")
    assert nearest(templates, text, fuzzy=True) is None  # titled only: no title keyword, no template
    got = nearest(templates, text, fuzzy=True, untitled=True)
    assert (got.id if got is not None else None) == want
    if want is None:
        return
    (tp,) = [t for t in templates if t.id == want]
    for keyword in tp.keywords[1:]:  # one more keyword lost: the generic reader's
        assert tp.near(text.replace(keyword, ""), fuzzy=True, untitled=True) == 0.0, keyword


@pytest.mark.parametrize(
    ("pdf", "template"),
    [
        ("variants/classes/real-chongqing-a.pdf", "dept-national"),  # 部门整体绩效自评表 in the national layout
        ("variants/classes/real-chongqing-b.pdf", "dept-national"),  # the same over three pages
        ("chongqing-2021-science-city-media-centre.pdf", "dept-chongqing"),  # Chongqing's own layout
        ("anhui-2022-county-agriculture-bureau-dept.pdf", "dept-national"),  # 部门整体支出绩效自评表
    ],
)
def test_a_department_form_titled_without_zhichu_reads_with_the_template_of_its_layout(pdf: str, template: str) -> None:
    """Chongqing titles the national department form 部门整体绩效自评表 (no 支出): the national template's
    title keyword, its synonyms counted, matches it; it had gone to the generic reader, every form of it
    flagged (the template, 21 reference scores) though every figure read right. Chongqing's own layout,
    matching both templates through synonyms, prints the words of its own (指标名称, 是否核心指标)."""
    from extract.pipeline import extract_document

    (record,) = extract_document(SAMPLES / pdf).records
    assert record.template == template
    assert "template" not in record.review
    assert record.form.title is not None and record.form.title.endswith("自评表")


def test_indicator_headers_read_a_character_off_still_head_their_columns() -> None:
    """OCR reads 得分 as 样分 (a two-character label, one character kept in its place) and 一级指标 with a
    seal's mark after it (一级指标示): the scores are read and flagged (a short label is easily met), the
    level-1 names read as printed. On a text layer neither is read so."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    truth, _ = extract_fields(tp, _as_read(pages, {}))
    want = [(r["level1"].value, r["score"].value) for r in truth.rows["indicators"]]
    assert want and all(s is not None for _, s in want)

    ex, _ = extract_fields(tp, _as_read(pages, {"得分": "样分", "一级指标": "一级指标示"}))
    assert [(r["level1"].value, r["score"].value) for r in ex.rows["indicators"]] == want
    assert all(f"indicators[{i}].score" in ex.review for i in range(len(want)))
    assert not any(p.endswith(".level1") for p in ex.review)

    ex, _ = extract_fields(tp, _as_read(pages, {"得分": "样分", "一级指标": "一级指标示"}, ocr=False))
    assert all(r.get("score") is None or r["score"].value is None for r in ex.rows["indicators"])


def test_a_figures_commas_read_as_points_and_a_groups_lost_scores_are_flagged() -> None:
    """OCR reads 2,436.58 as 2.436.58 (a comma is a point with a tail): the figure is read with its commas
    and flagged; on a text layer it is no number. A group whose set score (printed in its name) or score
    did not read, where the other groups have theirs, is in review — never passed as not printed."""
    import dataclasses

    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page
    from extract.pipeline import _flag_lost_points

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    path = "funds.rows.total.full_year_budget"
    ex, _ = extract_fields(tp, _as_read(pages, {"2,436.58": "2.436.58"}))
    assert str(ex.fields[path].value) == "2436.58" and "commas read as points" in ex.review[path]
    ex, _ = extract_fields(tp, _as_read(pages, {"2,436.58": "2,436,58"}))  # the point read as a comma
    assert str(ex.fields[path].value) == "2436.58" and "separators misread" in ex.review[path]
    ex, _ = extract_fields(tp, _as_read(pages, {"2,436.58": "2.436.58"}, ocr=False))
    assert ex.fields[path].value is None and path in ex.review

    ex, _ = extract_fields(tp, _as_read(pages, {}))
    _flag_lost_points(ex)
    assert not any(p.startswith("indicator_subtotals") for p in ex.review)
    groups = ex.rows["indicator_subtotals"]
    groups[1] = {**groups[1], "set_score": dataclasses.replace(groups[1]["set_score"], value=None)}
    groups[2] = {k: f for k, f in groups[2].items() if k != "score"}
    _flag_lost_points(ex)
    assert {"indicator_subtotals[1].set_score", "indicator_subtotals[2].score"} <= set(ex.review)
    assert "indicator_subtotals[0].set_score" not in ex.review


def test_a_column_of_figures_under_no_header_read_puts_the_missing_columns_values_in_review() -> None:
    """The set scores' header read past recognising (权值分 for 分值), so no column takes the figures printed
    under it: each row's set score is in review, never passed as a blank the form prints. A table whose
    every printed column is found flags nothing so; nor does a missing column with no figures unplaced."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    ex, _ = extract_fields(tp, _as_read(pages, {}))
    rows = len(ex.rows["indicators"])
    assert rows > 10 and not any(p.endswith(".set_score") for p in ex.review)

    for ocr in (True, False):
        ex, _ = extract_fields(tp, _as_read(pages, {"分值": "权值分"}, ocr=ocr))
        assert all(f"indicators[{i}].set_score" in ex.review for i in range(rows)), ocr
        assert not any(p.startswith("indicators[") and p.endswith(".score") for p in ex.review)

    # and the figures themselves too faint to read: cells that read blank while they hold ink (a scan's
    # confidence 0) are figures not read, not blanks; the same cells blank and clean flag nothing
    garbled = _as_read(pages, {"分值": "权值分"})
    for ink, flagged in ((0.0, True), (0.99, False)):
        read = [_unread_column(p, "权值分", ink) for p in garbled]
        ex, _ = extract_fields(tp, read)
        assert all((f"indicators[{i}].set_score" in ex.review) == flagged for i in range(rows)), ink


def _unread_column(page: PageContent, header: str, confidence: float) -> PageContent:
    """``page`` with the figures under the header cell ``header`` read as blank cells of ``confidence``."""
    import dataclasses

    heads = [c for g in page.grids for c in g.cells if c.text == header]
    if not heads:
        return page

    def cell(c: Cell) -> Cell:
        under = any(
            h.bbox[0] - 1 <= (c.bbox[0] + c.bbox[2]) / 2 <= h.bbox[2] + 1 and c.bbox[1] >= h.bbox[3] for h in heads
        )
        if under and re.fullmatch(r"[\d.]+", c.text.strip()):
            return dataclasses.replace(c, text="", lines=(), confidence=confidence)
        return c

    return dataclasses.replace(
        page, grids=tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in page.grids)
    )


def test_garbled_level_headers_in_the_names_columns_row_still_head_their_columns() -> None:
    """级指标 | 级指标 | 三级指标 (the ordinals of 一级 and 二级 lost on a scan) in the one header row that also
    holds the names column's label read whole: the three level columns are taken in order, the level-1 and
    level-2 names read as printed."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]

    def names(ex: Any) -> list[tuple[Any, Any]]:
        return [(r["level1"].value, r["level2"].value) for r in ex.rows["indicators"]]

    truth, _ = extract_fields(tp, _as_read(pages, {}))
    ex, _ = extract_fields(tp, _as_read(pages, {"一级指标": "级指标", "二级指标": "级指标"}))
    assert names(ex) == names(truth) and all(a and b for a, b in names(truth))


@pytest.mark.parametrize("template", ["dept-national", "generic"])
def test_a_level_header_read_as_another_levels_name_heads_its_own_column(template: str) -> None:
    """一级指标 | 二级指标 | 二级指标 (三级 read as 二级 on a 1-bit scan, 形近字): the second 二级指标 is the
    names column by its place, and the first keeps the level-2 column. Before, the table had no names
    column (no indicator read, department-705 of the development scans) or two columns under one header."""
    from extract.forms.fields import extract_fields

    pages = _anhui_pages()
    (tp,) = [t for t in load_templates() if t.id == template]

    def names(ex: Any) -> list[tuple[Any, Any, Any]]:
        return [(r["level1"].value, r["level2"].value, r["level3"].value) for r in ex.rows["indicators"]]

    truth, _ = extract_fields(tp, _as_read(pages, {}))
    ex, _ = extract_fields(tp, _as_read(pages, {"三级指标": "二级指标"}))
    assert names(truth) and all(all(n) for n in names(truth))
    assert names(ex) == names(truth)


def test_a_funds_row_labelled_by_a_figure_puts_the_block_in_review() -> None:
    """A small-print 1-bit scan read by another family's template placed the funds block's label column on
    a column of figures: its rows became other rows "labelled" 63,985,600.00, and the rows the form prints
    (财政资金) read as not printed, unflagged. A row labelled by a figure puts the whole block in review."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "sichuan-2022-rural-roads.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "project-sichuan"]
    clean, _ = extract_fields(tp, _as_read(pages, {}))
    assert "funds.rows" not in clean.review
    ex, _ = extract_fields(tp, _as_read(pages, {"其中：财政资金": "850,000.00"}))
    assert ex.rows["funds.other_rows"][0]["label"].value == "850,000.00"
    assert "funds.rows" in ex.review


def _anhui_pages() -> list[PageContent]:
    import pdfplumber

    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        return [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]


def test_a_garbled_funds_block_on_a_scan_is_read_as_far_as_it_goes_and_never_passed_as_not_printed() -> None:
    """Issue 11 (development 1-bit photocopies read by the generic reader): the block's label one glyph off
    (年度预算申靖), its first row's label misread past knowing (含计 for 年度资金总额), the last column's header
    too (样分 for 得分, right of every header named) and another (调繁后严耳数 for 全年预算数). The block is
    found by its label a glyph off; the two unnamed headers take the two columns left in the block's order
    (flagged); the row with the unknown label is kept under other_rows, and the total row it may be is in
    review — before, the generic reader dropped the block with no flag: six printed figures passed as blank."""
    from extract.forms.fields import extract_fields

    (tp,) = [t for t in load_templates() if t.id == "generic"]
    pages = _anhui_pages()
    block = next(c.text for p in pages for g in p.grids for c in g.cells if c.text.startswith("年度预算申请"))
    change = {block: block.replace("申请", "申靖"), "年度资金总额": "含计", "得分": "样分"}
    change["全年预算数"] = "调繁后严耳数"
    ex, _ = extract_fields(tp, _as_read(pages, change))
    assert "funds.rows.total" in ex.review and "含计" in ex.review["funds.rows.total"]
    (other,) = [r for r in ex.rows["funds.other_rows"] if r["label"].value == "含计"]
    assert str(other["full_year_budget"].value) == "2436.58" and str(other["executed"].value) == "2358.61"
    assert other["score"].value is not None


def test_an_indicator_header_with_a_glyph_added_at_its_end_still_heads_the_table() -> None:
    """A seal's stroke read as a 1 after the anchor column's header (三级指标1): the indicator table was not
    found at all and the generic reader gave a record with no indicators and no flag (development 1-bit
    photocopy). One glyph added at the end is one edit; two edits (一级指标 for 三级指标1) are not."""
    from extract.forms.fields import extract_fields
    from extract.forms.sheet import label_one_edit

    assert label_one_edit("三级指标1", ("三级指标",)) and not label_one_edit("三级指标1", ("一级指标",))
    (tp,) = [t for t in load_templates() if t.id == "generic"]
    pages = _anhui_pages()
    truth, _ = extract_fields(tp, _as_read(pages, {}))
    want = [(r["level3"].value, r["score"].value) for r in truth.rows["indicators"]]
    assert len(want) > 5
    ex, _ = extract_fields(tp, _as_read(pages, {"三级指标": "三级指标1", "绩效指": "绩"}))  # no 绩效指标 to go by
    assert [(r["level3"].value, r["score"].value) for r in ex.rows["indicators"]] == want


def test_a_groups_name_lost_on_a_scan_puts_the_list_of_groups_in_review() -> None:
    """A level-1 name read as no group's (——益指) with the next group's name lost under a seal: the last
    group's rows run into the one above and its subtotal is missing from the record — it was passed as a
    form that prints two groups (development scan, seed 616 at 300 dpi). A level-1 name in review puts the
    list of groups in review."""
    import extract.pipeline as P
    from extract.forms.fields import extract_fields

    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    ex, _ = extract_fields(tp, _as_read(_anhui_pages(), {"效益指标(30分)": "——益指)", "满意度指标(10分)": ""}))
    P._flag_unknown_groups(ex)
    P._flag_derived(ex, [])
    assert len(ex.rows["indicator_subtotals"]) == 2 and "indicator_subtotals" in ex.review
    ex, _ = extract_fields(tp, _as_read(_anhui_pages(), {}))
    P._flag_unknown_groups(ex)
    P._flag_derived(ex, [])
    assert len(ex.rows["indicator_subtotals"]) == 3 and "indicator_subtotals" not in ex.review


def test_an_unsure_subtotal_row_has_all_its_figures_in_review() -> None:
    """Development 1-bit threshold scans of Yunnan forms: a subtotal's set score misread beside its score
    read as blank (the blank passed as "not printed"); a group lost into another (its subtotal missing); the
    total row read as one more group of unknown name, its figures passed as clean and the form's totals as
    not printed. A subtotal row with a field in review has its blanks in review; a subtotal that does not
    add up, or a row named as no group, puts the list of groups (and the unread totals) in review."""
    import dataclasses

    import extract.pipeline as P
    from extract.forms.fields import extract_fields
    from extract.model import Check

    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    ex, _ = extract_fields(tp, _as_read(_anhui_pages(), {}))
    P._flag_unknown_groups(ex)
    P._flag_derived(ex, [])
    assert not ex.review
    ex.flag("indicator_subtotals[1].set_score", "misread")
    score = ex.rows["indicator_subtotals"][1]["score"]
    ex.rows["indicator_subtotals"][1]["score"] = dataclasses.replace(score, value=None, raw="")
    P._flag_derived(ex, [])
    assert "indicator_subtotals[1].score" in ex.review and "indicator_subtotals[0].score" not in ex.review
    assert "indicator_subtotals" not in ex.review and "score.total" not in ex.review
    # a subtotal that does not add up (a group lost into another, 项目管理's rows under 项目决策): the groups
    P._flag_derived(ex, [Check("indicator_subtotals", "fail", "each subtotal = the sum of its group")])
    assert "indicator_subtotals" in ex.review

    ex, _ = extract_fields(tp, _as_read(_anhui_pages(), {"满意度指标(10分)": "满意度揩(10分)"}))
    P._flag_unknown_groups(ex)
    P._flag_derived(ex, [])
    assert "indicator_subtotals" in ex.review


def test_an_indicator_table_not_read_puts_its_groups_and_total_in_review() -> None:
    """Development 1-bit adaptive photocopies (layout seed 631, scan seed 629; 629/605): OCR garbled every
    header of the indicator table (级传标 | 一级物标 | 级有标 | 年机目料值 …) and its 总分 row; the generic
    reader read no indicator, flagged ``indicators`` and passed the level-1 groups' points and the total
    score as blank — as not printed. What the table holds is in review when the table is not read."""
    from extract.forms.fields import extract_fields

    (tp,) = [t for t in load_templates() if t.id == "generic"]
    pages = _anhui_pages()
    change = {"一级指标": "级传标", "二级指标": "一级物标", "三级指标": "级有标", "年度指标值": "年机目料值"}
    change |= {"实际完成值": "变时光皮值", "分值": "分伯", "得分": "得兮", "总分": "总兮"}
    change["偏差原因分析及改进措施"] = "第些中更分析及改进指疗"
    ex, _ = extract_fields(tp, _as_read(pages, change))
    assert ex.rows["indicators"] == [] and ex.fields.get("score.total") is None
    assert {"indicators", "indicator_subtotals", "score.total_set", "score.total"} <= set(ex.review)
    truth, _ = extract_fields(tp, _as_read(pages, {}))
    assert truth.rows["indicators"] and truth.fields["score.total"].value is not None
    assert not {"indicators", "indicator_subtotals", "score.total_set", "score.total"} & set(truth.review)


def test_figures_of_a_group_no_sum_can_confirm_are_in_review() -> None:
    """Development 1-bit adaptive photocopies (layout seed 626, scan seed 796, 200 dpi): in the group 效果,
    two scores read as blank and a 5.00 read as 3.00 beside them; the group's sum could not be made, so
    nothing confirmed the 3.00 and it passed as clean. A group whose sum of a column cannot be made (a
    figure or the subtotal blank or in review) has its other OCR figures of that column in review, its
    printed subtotal too; a group whose sum can be made is left to its check."""
    import dataclasses

    import pdfplumber

    import extract.pipeline as P
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-overall-shanxi"]
    ex, _ = extract_fields(tp, _as_read(pages, {}))
    assert not P._flag_unconfirmed_groups(ex, tp) and not ex.review  # every group's sums can be made
    rows = ex.rows["indicators"]
    group = [j for j, r in enumerate(rows) if r["level1"].value == "效果"]
    assert len(group) == 4
    rows[group[0]]["score"] = dataclasses.replace(rows[group[0]]["score"], value=None, raw="")
    rows[group[2]]["score"] = dataclasses.replace(rows[group[2]]["score"], value=Decimal("3.00"), raw="3.00")
    assert P._flag_unconfirmed_groups(ex, tp)
    # set scores: their sum holds; the printed subtotal (效果 is the fourth group) is confirmed by nothing either
    assert set(ex.review) == {f"indicators[{j}].score" for j in group[1:]} | {"indicator_subtotals[3].score"}
    ex, _ = extract_fields(tp, _as_read(pages, {}, ocr=False))  # a text layer: not this step's (pipeline: scans)
    ex.flag("indicator_subtotals[3].score", "misread")
    assert not P._flag_unconfirmed_groups(ex, tp)  # text-layer figures are what the file holds


def test_the_generic_reader_reads_a_department_forms_budget_block_in_the_unit_the_page_prints() -> None:
    """Development scans of Shanxi department forms whose title OCR garbled went to the generic reader, which
    had no field for the budget block: six printed amounts passed as not printed. It reads the block now,
    in the page's unit (万元 from its 单位 line, never assumed), and checks that it balances."""
    import pdfplumber

    from extract.checks import Facts, run_checks
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    golden_file = Path(__file__).parent / "golden" / "jinzhong-2021-justice-bureau.record.json"
    golden = json.loads(golden_file.read_text(encoding="utf-8"), parse_float=Decimal)
    for tid in ("generic", "dept-overall-shanxi"):
        (tp,) = [t for t in load_templates() if t.id == tid]
        ex, _ = extract_fields(tp, _as_read(pages, {}))
        got = {k.split(".")[1]: f.value for k, f in ex.fields.items() if k.startswith("budget.")}
        assert got == golden["budget"] and got["unit"] == "万元"
        facts = Facts({k: f.value for k, f in ex.fields.items()})
        (balance,) = [c for c in run_checks(tp.rules, facts) if c.id == "budget_balance"]
        assert balance.status == "pass" and balance.unit == "万元"


def test_a_scan_read_with_no_level1_name_or_no_money_figure_puts_them_in_review() -> None:
    """Development 1-bit adaptive photocopy (layout seed 631, scan seed 629, 200 dpi), read by the generic
    reader: the level-1 column's header and names garbled (投入（3分） and its points with them) and the funds
    block's label and headers too; the record held indicators with no group and no money block, and the
    groups' points and six funds figures passed as not printed. Every form groups its indicators and prints
    a money block: on a scan, none read puts them in review; read, nothing is flagged."""
    import pdfplumber

    import extract.pipeline as P
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    (tp,) = [t for t in load_templates() if t.id == "generic"]
    pages = _anhui_pages()
    names = {"一级指标": "级传标", "产出指标(50分)": "", "效益指标(30分)": "", "满意度指标(10分)": ""}
    money = {"年度预算申请(万元)": "", "年初预算数": "", "全年预算数": "", "全年执行数": "", "执行率": ""}
    money["年度资金总额"] = ""
    ex, _ = extract_fields(tp, _as_read(pages, names | money))
    assert ex.rows["indicators"] and not ex.rows["indicator_subtotals"]
    assert not any(p.startswith(("funds.", "budget.")) for p in ex.fields)
    P._flag_no_groups(ex, tp)
    P._flag_no_money_block(ex, tp)
    assert {"indicator_subtotals", "funds", "budget"} <= set(ex.review)
    ex, _ = extract_fields(tp, _as_read(pages, {}))
    P._flag_no_groups(ex, tp)
    P._flag_no_money_block(ex, tp)
    assert not {"indicator_subtotals", "funds", "budget"} & set(ex.review)
    # a form that prints no level-1 groups (重庆: 指标名称 only) is no form whose groups were lost
    (cq,) = [t for t in load_templates() if t.id == "dept-chongqing"]
    pdf_path = SAMPLES / "chongqing-2021-science-city-media-centre.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        cq_pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    ex, _ = extract_fields(cq, _as_read(cq_pages, {}))
    assert ex.rows["indicators"] and not ex.rows["indicator_subtotals"]
    P._flag_no_groups(ex, cq)
    assert "indicator_subtotals" not in ex.review


def _cut_row(
    pages: list[PageContent], name: str, cut: Mapping[int, tuple[str | None, str | None]]
) -> list[PageContent]:
    """The pages with the table row of the indicator ``name`` cut in two by a line across the columns of
    ``cut`` (a signature's stroke read as a ruling): those cells split, each part holding the text given
    (None: ink that read as nothing); every other cell of the row spans both parts, the rows below move
    down one."""
    import dataclasses

    from extract.model import UNREAD_INK

    out = []
    for page in pages:
        grids = []
        for g in page.grids:
            hit = next((c for c in g.cells if c.text == name), None)
            if hit is None:
                grids.append(g)
                continue
            r, (_, top, _, bottom) = hit.row, hit.bbox
            mid = (top + bottom) / 2
            cells: list[Cell] = []
            for c in g.cells:
                if c.row > r:
                    cells.append(dataclasses.replace(c, row=c.row + 1))
                elif c.row == r and c.col in cut:
                    upper, lower = cut[c.col]
                    x0, y0, x1, y1 = c.bbox
                    head = dataclasses.replace(c, text=upper or "", bbox=(x0, y0, x1, mid), lines=())
                    cells.append(head if upper is not None else dataclasses.replace(head, confidence=UNREAD_INK))
                    lower_box = (x0, mid, x1, y1)
                    part = dataclasses.replace(c, row=r + 1, text=lower or "", bbox=lower_box, lines=())
                    cells.append(part if lower is not None else dataclasses.replace(part, confidence=UNREAD_INK))
                elif c.row <= r < c.row + c.row_span:
                    cells.append(dataclasses.replace(c, row_span=c.row_span + 1))
                else:
                    cells.append(c)
            ys = tuple(sorted({*g.ys, mid}))
            grids.append(dataclasses.replace(g, ys=ys, cells=tuple(cells)))
        out.append(dataclasses.replace(page, grids=tuple(grids)))
    return out


def test_an_indicator_row_cut_in_two_by_a_stroke_across_part_of_it_is_one_indicator() -> None:
    """A signature's stroke across 年度指标值 and 实际完成值 of one row, read as a ruling, cut the row in two;
    the name, set score and score cells span both parts. Before, the lower part was one more indicator with
    the same set score and score (10 | 9 twice), passed as clean. It is the row above's lower part: its cells
    fill what reads blank above, text in both parts is joined and in review. A name merged over two rows
    with figures of their own is two indicators of one name, as printed."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "yinchuan-2021-no6-middle-school-funds.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "project-ningxia"]
    name = "使学生和老师有个更好的学习和工作环境,做到"
    want, _ = extract_fields(tp, _as_read(pages, {}))
    rows = want.rows["indicators"]
    k = next(i for i, r in enumerate(rows) if r["level3"].value == name)
    target, actual = "社会认可的办学环境.", "社会认可的办学环境."

    def values(ex: Any) -> list[tuple[Any, ...]]:
        keys = ("level3", "target", "actual", "set_score", "score")
        return [tuple(r[key].value if key in r else None for key in keys) for r in ex.rows["indicators"]]

    # the stroke below the text: the lower parts blank
    cut, _ = extract_fields(tp, _as_read(_cut_row(pages, name, {4: (target, ""), 5: (actual, "")}), {}))
    assert values(cut) == values(want) and len(cut.rows["indicators"]) == len(rows)
    assert not any(p.startswith(f"indicators[{k}].") for p in cut.review)
    # the stroke above 实际完成值's text: read from the lower part
    cut, _ = extract_fields(tp, _as_read(_cut_row(pages, name, {4: (target, ""), 5: ("", actual)}), {}))
    assert values(cut) == values(want)
    # through the text of 年度指标值: the two parts joined, in review
    cut, _ = extract_fields(tp, _as_read(_cut_row(pages, name, {4: ("社会认可的", "办学环境."), 5: (actual, "")}), {}))
    assert values(cut) == values(want) and f"indicators[{k}].target" in cut.review
    # ink below that read as nothing: the part above read, the unread part in review
    pages_ocr = _as_read(pages, {})
    cut, _ = extract_fields(tp, _cut_row(pages_ocr, name, {4: (target, None), 5: (actual, "")}))
    assert values(cut) == values(want) and f"indicators[{k}].target" in cut.review
    # a score cell below holding ink that read as nothing is no part of the row above: its own row, flagged
    cut, _ = extract_fields(tp, _cut_row(pages_ocr, name, {4: (target, ""), 5: (actual, ""), 6: ("8", None)}))
    assert len(cut.rows["indicators"]) == len(rows) + 1 and f"indicators[{k + 1}].score" in cut.review
    # figures of their own below: two indicators of one name
    two = {3: ("10", "5"), 4: (target, "≥1"), 5: (actual, "2"), 6: ("8", "4")}
    cut, _ = extract_fields(tp, _as_read(_cut_row(pages, name, two), {}))
    assert len(cut.rows["indicators"]) == len(rows) + 1
    assert values(cut)[k + 1] == (name, "≥1", "2", Decimal(5), Decimal(4))
    # on a scan, the line across 分值 too, its figure in the lower part, blank above (development scan
    # department-1143: 得分 merged over both parts was read twice, 5 | 5 passed as clean): one indicator
    lower = {3: ("", "10"), 4: (target, ""), 5: ("", actual)}
    cut, _ = extract_fields(tp, _as_read(_cut_row(pages, name, lower), {}))
    assert values(cut) == values(want) and len(cut.rows["indicators"]) == len(rows)
    # … and a figure in the lower part under ink above that read as nothing: one indicator, that figure in review
    cut, _ = extract_fields(tp, _cut_row(pages_ocr, name, {3: (None, "10"), 4: (target, ""), 5: ("", actual)}))
    assert values(cut) == values(want) and f"indicators[{k}].set_score" in cut.review
    # a text layer prints what it prints: a name merged over two rows, one 分值 below, is two indicators
    cut, _ = extract_fields(tp, _cut_row(pages, name, lower))
    assert len(cut.rows["indicators"]) == len(rows) + 1


@pytest.mark.parametrize(
    ("sample", "template", "misread"),
    [
        ("sichuan-2022-rural-roads.pdf", "project-sichuan", "M"),
        ("sichuan-2022-rural-roads.pdf", "generic", "含汁"),
        ("yinchuan-2021-no6-middle-school-funds.pdf", "generic", "M"),
        ("yinchuan-2021-no6-middle-school-funds.pdf", "generic", "含汁"),
    ],
)
def test_the_total_row_whose_label_ocr_lost_is_the_total_by_its_sums(sample: str, template: str, misread: str) -> None:
    """合计 read as M under a seal: the total row (M | 100 | 98.64) was one more level-1 group and the form's
    totals unread, the rows below it read as indicators. Its set score and score are the indicators' sums
    (with the funds block's where scored): they are the totals, in review, and nothing below is an indicator
    — read as a group under a name none the forms use (含汁), or as figures under no name (M: no Chinese in a
    name cell is no name)."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / sample
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == template]
    want, _ = extract_fields(tp, _as_read(pages, {}))
    got, _ = extract_fields(tp, _as_read(pages, {"合计": misread}))
    read = [p for p in ("score.total", "score.total_set") if p in want.fields and want.fields[p].value is not None]
    assert "score.total" in read
    for path in read:
        assert got.fields[path].value == want.fields[path].value
        assert "the total row, its label read as" in got.review[path]
    assert [r["level1"].value for r in got.rows["indicator_subtotals"]] == [
        r["level1"].value for r in want.rows["indicator_subtotals"]
    ]
    assert len(got.rows["indicators"]) == len(want.rows["indicators"])
    assert not any(p.startswith(f"indicators[{len(want.rows['indicators'])}]") for p in got.review)


def test_a_group_name_read_as_a_figure_names_no_group_and_a_mark_before_a_label_is_no_part_of_it() -> None:
    """Faint specks in a merged name cell read as 8 (hysteresis ink of a grey scan): the rows of 预算执行
    were a group named 8, passed as a name. A name cell with no Chinese in it is an unread cell: the rows'
    level-2 names in review, the groups as printed. And #综合得分 (a speck read as #) is the label 综合得分."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-overall-shanxi"]
    want, _ = extract_fields(tp, _as_read(pages, {}))
    got, _ = extract_fields(tp, _as_read(pages, {"预算执行": "8"}))
    rows = [i for i, r in enumerate(want.rows["indicators"]) if r["level2"].value == "预算执行"]
    assert len(rows) >= 5 and len(got.rows["indicators"]) == len(want.rows["indicators"])
    for i in rows:
        assert got.rows["indicators"][i]["level2"].value is None and f"indicators[{i}].level2" in got.review
        assert got.rows["indicators"][i]["level1"].value == "过程"
    names = [r["level1"].value for r in got.rows["indicator_subtotals"]]
    assert names == [r["level1"].value for r in want.rows["indicator_subtotals"]]
    got, _ = extract_fields(tp, _as_read(pages, {"综合得分": "#综合得分"}))
    assert got.fields["score.total"].value == want.fields["score.total"].value == Decimal("96.00")
    assert "score.total" not in got.review


def test_a_title_without_biao_names_a_form_only_over_a_forms_table() -> None:
    """A published Sichuan transfer-payment form is titled 车辆购置税收入补助地方资金(普通省道公路建设)绩效目标自评,
    no 表, wrapped over two lines with (2021年度) below: it was "no known form". Such a title (also wrapped,
    also after a leading year) names a form when the page's table reads as one (target and actual value
    columns, indicator levels); the same words as a heading over prose do not (see also the classes
    real-langzhong-a/b, read whole)."""
    from extract.forms.segment import title_of

    table = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n产出指标 数量指标 公路 32.1 32.1 20 20"
    wrapped = "附件1\n车辆购置税收入补助地方资金(普通省道公路\n建设)绩效目标自评\n(2021年度)\n单位：万元\n" + table
    assert title_of(wrapped) == "车辆购置税收入补助地方资金(普通省道公路建设)绩效目标自评"
    assert title_of("2021年度城市维护建设资金绩效目标自评\n" + table) == "2021年度城市维护建设资金绩效目标自评"
    assert title_of("绩效自评表(2021年度)\n" + table) == "绩效自评表"
    assert title_of("三、部门整体支出绩效自评\n本部门2021年度绩效自评工作按要求开展，自评结果良好。") is None
    assert title_of("开展项目绩效自评\n一级指标 二级指标") is None


@pytest.mark.parametrize(
    ("sample", "unread", "confirmed_by_nothing"),
    [
        (
            "jinzhong-2021-justice-bureau",
            "budget.year_end_balance",
            {"carryover", "initial_budget", "budget_adjustment", "other_adjustment", "execution"},
        ),
        ("yinchuan-2021-no6-middle-school-funds", "funds.rows.total.execution_rate", {"full_year_budget", "executed"}),
        ("sichuan-2022-rural-roads", "funds.rows.total.execution_rate", set()),
    ],
)
def test_figures_of_a_sum_that_cannot_be_made_are_in_review_on_a_scan(
    sample: str, unread: str, confirmed_by_nothing: set[str]
) -> None:
    """Development 1-bit threshold scans: a 调整预算 84.90 read as 81.90 beside a year-end balance that did not
    read (layout 646, scan 602, 300 dpi), a total 执行数 2431.62 read as 2131.62 beside a budget and a rate that
    did not read (layout 649, scan 607, 200 dpi): the balance and the rate could not be computed, nothing
    confirmed them, and they passed as clean. With one figure of a sum unread (blank, in review), the other
    OCR figures of it are in review — unless a check that passed holds them (Sichuan: the funds block's
    column sums and the total score hold the total row's figures)."""
    import dataclasses

    import pdfplumber

    import extract
    import extract.pipeline as P
    from extract.checks import run_checks
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / f"{sample}.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == extract.read_pdf(pdf_path)[0].template]
    ex, _ = extract_fields(tp, _as_read(pages, {}))
    P._flag_unconfirmed_sums(ex, run_checks(tp.rules, P._facts(ex, [])))
    assert not ex.review  # every sum made
    ex.fields[unread] = dataclasses.replace(ex.fields[unread], value=None, raw="")
    ex.flag(unread, "unread ink")
    P._flag_unconfirmed_sums(ex, run_checks(tp.rules, P._facts(ex, [])))
    row = unread.rsplit(".", 1)[0]
    assert set(ex.review) == {unread} | {f"{row}.{k}" for k in confirmed_by_nothing}


def test_a_total_score_that_does_not_add_up_on_a_scan_puts_the_scores_no_sum_holds_in_review() -> None:
    """Development 1-bit threshold scan (layout 656, scan 606, 300 dpi, generic reader): a score 1.4 read as
    1.1 in a group that prints no subtotal; the total failed, naming only the total's fields, and the 1.1
    passed as clean. A failed total puts every OCR score no passing sum holds in review (a form with no
    level-1 subtotals: all of them); where a group's subtotal fails too, that failure names the group and
    nothing more is put in review."""
    import dataclasses

    import pdfplumber

    import extract
    import extract.pipeline as P
    from extract.checks import run_checks
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    for sample, more in (("chongqing-2021-science-city-media-centre", True), ("jinzhong-2021-justice-bureau", False)):
        pdf_path = SAMPLES / f"{sample}.pdf"
        with pdfplumber.open(pdf_path) as pdf:
            pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
        (tp,) = [t for t in load_templates() if t.id == extract.read_pdf(pdf_path)[0].template]
        ex, _ = extract_fields(tp, _as_read(pages, {}))
        rows = ex.rows["indicators"]
        scored = [j for j, r in enumerate(rows) if r.get("score") is not None and r["score"].value]
        j = scored[0]
        score = rows[j]["score"].value
        assert isinstance(score, Decimal)
        rows[j]["score"] = dataclasses.replace(rows[j]["score"], value=score - Decimal("0.3"))
        if not more:  # the total misread too: both sums fail
            total = ex.fields["score.total"]
            assert isinstance(total.value, Decimal)
            ex.fields["score.total"] = dataclasses.replace(total, value=total.value + 1)
        checks = run_checks(tp.rules, P._facts(ex, []))
        status = {c.id: c.status for c in checks}
        assert status["total_score"] == "fail"
        assert (status.get("indicator_subtotals") == "fail") is not more  # Chongqing prints no subtotals
        P._flag_unconfirmed_sums(ex, checks)
        if more:
            assert set(ex.review) == {f"indicators[{k}].score" for k in scored}
        else:
            assert not ex.review


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("24,365.800.00", "24365800.00"),  # one comma read as a point
        ("24365,800.00", "24365800.00"),  # a separator lost: the digits and the decimals say the same
        ("24.365，800.00", "24365800.00"),  # full-width comma
        ("1.807.42", "1807.42"),
        ("4,120,00.00", None),  # a digit lost: no figure
        ("1.234.567", None),  # no decimals: which separator is the point?
        ("5.7.", None),
    ],
)
def test_a_figures_separators_misread_by_ocr_keep_its_digits_and_are_flagged(read: str, value: str | None) -> None:
    """A scanned figure whose thousands separators and decimal point OCR mixed up (24,365.800.00): its digits
    with the last separator before one or two decimals as the point — flagged; anything less plain is
    no figure."""
    from extract.forms.extraction import _points_for_commas

    found = _points_for_commas(read, "money", None)
    assert (None if found is None else str(found[0])) == value
    assert found is None or "misread" in found[1]


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("432.000).00)", "432000.00"),  # a 1-bit scan: the right side of each 0 before a separator a bracket
        ("372.400),00)", "372400.00"),
        ("100).00%,", "100.00"),
        ("0).00)", "0.00"),
        ("1)2", None),  # a bracket between digits: no 0's side
        ("(100).00", None),  # an opening bracket: not this misreading
        ("432.4XH),（H)", None),
    ],
)
def test_brackets_ocr_read_in_a_figure_after_its_digits_are_dropped_and_flagged(read: str, value: str | None) -> None:
    """A 1-bit scan's 0 whose right side broke off reads as 0) (432.000).00): the figure without the closing
    brackets, flagged; an unreadable blank before."""
    from extract.forms.extraction import ocr_value

    got, why = ocr_value(read, "percent" if "%" in read else "money", None)
    assert (None if got is None else str(got)) == value
    assert why is not None and (got is None or "brackets" in why)


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("V50", "50"),  # a 300-dpi development scan: a seal's lettering over the 权重 column
        ("ZT8", "8"),
        ("章6", "6"),
        ("音98.18", "98.18"),
        ("音1,121.69", "1121.69"),
        ("l5", None),  # the glyph next to the digits may be one (l5: 15): not read
        ("Z8", None),
        ("O5", None),
        ("三个字5", None),  # more than two glyphs: a word, not a seal's specks
        ("V5x", None),  # what is left is no figure
        ("清 57.35 12", None),  # two figures beside the glyph: none is the one
    ],
)
def test_glyphs_ocr_glued_before_a_figure_are_dropped_and_flagged(read: str, value: str | None) -> None:
    """A seal's lettering over a figure's cell reads as a glyph or two glued before the digits (V50, 章6):
    the figure without them, flagged (an unreadable blank before); a glyph next to the digits that may be
    a digit itself (l, O, Z, S, B …) leaves the figure unread."""
    from extract.forms.extraction import ocr_value

    got, why = ocr_value(read, "money", None)
    assert (None if got is None else str(got)) == value
    assert why is not None and (got is None or "glyphs glued" in why)


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("10市", "10"),  # a development scan (grey, a seal's lettering 审计局 / 专用章 over the 得分 column)
        ("10用", "10"),
        ("5個", "5"),
        ("1,121.69章", "1121.69"),
        ("5+", "5"),  # a stroke of the seal's star: a mark at the end
        ("10万", None),  # a magnitude printed with figures: 10万 is no 10
        ("3次", None),  # a unit
        ("10l", None),  # the glyph next to the digits may be one (10l: 101): not read
        ("10O", None),
        ("10二", None),  # bars: = or a dash, not a seal's glyph
        ("10三个字", None),  # more than two glyphs: a word
        ("57.35 12市", None),  # two figures
    ],
)
def test_glyphs_ocr_glued_after_a_figure_are_dropped_and_flagged(read: str, value: str | None) -> None:
    """A seal's lettering over the right side of a figure's cell reads as a glyph or two glued after the
    digits (10市, 10用): the figure without them, flagged (an unreadable blank before); a glyph that may be
    a digit, or a unit or magnitude a figure is printed with, leaves the figure unread."""
    from extract.forms.extraction import ocr_value

    got, why = ocr_value(read, "number", None)
    assert (None if got is None else str(got)) == value
    assert why is not None


_BLOTTED = {  # a 1-bit adaptive photocopy of 4-pt print: the header's words as OCR read them (department-629)
    "一级指标": "一锤得样",
    "二级指标": "二像患标",
    "三级指标": "三糖毒幅",
    "参考分值": "参率分饱",
    "设定分值": "业家分鲁",
    "计算分析情况": "计要分额鸽况",
}
_WORN = {  # … and another's (department-631): a glyph besides the ordinal misread, the value columns garbled
    "一级指标": "级传标",
    "二级指标": "一级物标",
    "三级指标": "级有标",
    "年度指标值": "年机目料值",
    "实际完成值": "变时光皮值",
}


@pytest.mark.parametrize(
    ("sample", "template", "misread"),
    [
        ("jinzhong-2022-audit-bureau.pdf", "dept-overall-shanxi", _BLOTTED),
        ("jinzhong-2022-audit-bureau.pdf", "generic", _BLOTTED),
        ("anhui-2022-county-agriculture-bureau-dept.pdf", "dept-national", _WORN),
        ("anhui-2022-county-agriculture-bureau-dept.pdf", "generic", _WORN),
    ],
)
def test_an_indicator_header_misread_past_resemblance_is_read_by_its_ordinals_and_nearness(
    sample: str, template: str, misread: dict[str, str]
) -> None:
    """Blotted print: the level headers keep only their ordinals (一锤得样 | 二像患标 | 三糖毒幅) or lose a glyph
    besides (级传标 | 一级物标 | 级有标), and the value columns between the columns found read two or three
    glyphs off (参率分饱 for 参考分值). The table is read — the levels by their order in a row that heads
    another column as read, the others paired with the columns not found by nearness — and every value
    under a column so taken is in review. Before: no indicator read (the development scans department-629
    and -631, 98 and 58 numbers missing)."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / sample
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == template]
    keys = ("level3", "reference_score", "set_score", "score", "target", "actual")

    def table(ex: Any) -> list[dict[str, Any]]:
        return [{k: r[k].value for k in keys if k in r} for r in ex.rows["indicators"]]

    truth, _ = extract_fields(tp, _as_read(pages, {}))
    ex, _ = extract_fields(tp, _as_read(pages, misread))
    assert len(table(truth)) >= 10 and table(ex) == table(truth)
    guessed = {k for k in keys if any(k in r for r in table(truth))} - {"score", "set_score"}
    for i in range(len(ex.rows["indicators"])):
        for k in guessed & {"level3", "reference_score", "target", "actual"}:
            assert "taken by resemblance" in ex.review.get(f"indicators[{i}].{k}", ""), (i, k)


_SMUDGE = "口丨亠巛夂丬"  # glyphs no header of the forms holds


@pytest.mark.parametrize("seed", range(8))  # test seeds 0–99
def test_a_header_row_whose_every_word_ocr_misread_heads_the_table_by_its_ordinals_and_near_words(seed: int) -> None:
    """A 200-dpi 1-bit photocopy (development scan department-1000) read a Shanxi header row as 级指标 |
    二指锋 | 三最指脉 | 指标分量 | 计算分析镇况 | 停价得分: the level headers kept their rising ordinals, and
    every other word of the row was one glyph off, none as printed. A row of rising ordinals counts as the
    table's header only where it heads another column, which was taken as read only: no indicator was read
    (94 of 98 numbers lost, flagged). On a scan a word one glyph off heads its column there too: the table
    is read, the names column's values flagged. Which glyphs are misread is drawn by the seed; the sample
    and the template (its own, the generic reader) alternate."""

    rng = random.Random(seed)
    sample = ("jinzhong-2022-audit-bureau.pdf", "jinzhong-2021-justice-bureau.pdf")[seed % 2]
    template = ("dept-overall-shanxi", "generic")[seed // 2 % 2]

    def off(word: str, keep: int, junk: int) -> str:  # the first ``keep`` glyphs, ``junk`` misread ones after
        return word[:keep] + "".join(rng.choice(_SMUDGE) for _ in range(junk))

    def one_off(word: str) -> str:
        k = rng.randrange(len(word))
        return word[:k] + rng.choice(_SMUDGE) + word[k + 1 :]

    misread = {
        "一级指标": "级指标",
        "二级指标": off("二级指标", 1, rng.choice((2, 3))),
        "三级指标": off("三级指标", 1, rng.choice((2, 3))),
        **{w: one_off(w) for w in ("指标分值", "计算分析情况", "评价得分")},
    }
    truth, ex, read = _indicators_as_read(
        sample, template, misread, ("level3", "reference_score", "set_score", "score")
    )
    assert len(truth) >= 10 and read == truth, misread
    assert all(f"indicators[{i}].level3" in ex.review for i in range(len(read))), misread


def _indicators_as_read(
    sample: str, template: str, misread: dict[str, str], keys: tuple[str, ...]
) -> tuple[list[dict[str, Any]], Any, list[dict[str, Any]]]:
    """A sample's indicator table (``keys`` of each row) as its template reads it from OCR cells read as
    printed, the extraction from cells read as ``misread`` says, and its table."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / sample
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == template]

    def table(ex: Any) -> list[dict[str, Any]]:
        return [{k: r[k].value for k in keys if k in r} for r in ex.rows["indicators"]]

    truth, _ = extract_fields(tp, _as_read(pages, {}))
    ex, _ = extract_fields(tp, _as_read(pages, misread))
    return table(truth), ex, table(ex)


def test_ordinals_alone_head_no_table_in_a_row_that_heads_no_other_column_as_read() -> None:
    """Cells that keep only the ordinals of 一级/二级/三级指标 are taken for the level headers only on a scan,
    in a row that heads another column as read: where 评价得分 is garbled too, where the ordinals do not
    rise left to right, or on a text layer, nothing is taken by them."""
    import pdfplumber

    from extract.forms.listtables import _levels_by_order
    from extract.forms.sheet import Sheet
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "generic"]
    spec = tp.tables["indicators"]
    assert _levels_by_order(Sheet.from_pages(_as_read(pages, _BLOTTED)), spec) is not None
    no_score = {**_BLOTTED, "评价得分": "详价得今"}
    assert _levels_by_order(Sheet.from_pages(_as_read(pages, no_score)), spec) is None
    falling = {**_BLOTTED, "一级指标": "三锤得样", "三级指标": "一糖毒幅"}
    assert _levels_by_order(Sheet.from_pages(_as_read(pages, falling)), spec) is None
    # a text layer's header reads as printed: such cells there are no level headers
    assert _levels_by_order(Sheet.from_pages(_as_read(pages, _BLOTTED, ocr=False)), spec) is None


@pytest.mark.parametrize("seed", range(10, 20))  # test seeds 0–99
def test_a_header_a_page_break_cut_heads_the_table_by_the_order_of_its_levels_and_near_words(seed: int) -> None:
    """A Shanxi form's two-row header split by a page break (development scan department-1052, 300 dpi): the
    next page shows the lower halves of its glyphs, read 级拍标 | 二级指标 | 参考分值 | 设定分值 | 计算力机有况 |
    评价特力 — 二级指标 lost its ordinal, 三级指标 read as 二级指标 (the lower strokes of 三 are 二), the last
    two words two or three glyphs off. The level read out of its place was taken as misread only where every
    level column read (the template's 一级指标 column is not printed), and columns right of the last found were
    never paired with their garbled headers: no indicator was read (90 of 98 numbers lost, flagged), and once
    the levels were taken, 评价得分 unread left the level-1 subtotals' scores passed as not printed. The levels
    are taken by their order where the table's next column heads right after them; the trailing headers by
    resemblance. Which glyphs are misread is drawn by the seed; the sample and template alternate."""

    rng = random.Random(seed)
    sample = ("jinzhong-2022-audit-bureau.pdf", "jinzhong-2021-justice-bureau.pdf")[seed % 2]
    template = ("dept-overall-shanxi", "generic")[seed // 2 % 2]

    def garbled(word: str, n: int) -> str:  # ``n`` of the word's glyphs misread
        chars = list(word)
        for k in rng.sample(range(len(word)), n):
            chars[k] = rng.choice(_SMUDGE)
        return "".join(chars)

    lower_half = rng.choice(("级{}标", "级指{}", "{}级指标")).format(rng.choice(_SMUDGE))
    misread = {
        "二级指标": lower_half,
        "三级指标": "二级指标",
        "计算分析情况": garbled("计算分析情况", rng.choice((2, 3))),
        "评价得分": garbled("评价得分", 2),
    }
    keys = ("level2", "level3", "reference_score", "set_score", "score")
    truth, ex, read = _indicators_as_read(sample, template, misread, keys)
    assert len(truth) >= 10 and read == truth, misread
    assert all(f"indicators[{i}].level3" in ex.review for i in range(len(read))), misread
    assert all(f"indicators[{i}].score" in ex.review for i in range(len(read))), misread
    # a 2-level form's header read as printed is no such header: 一级指标 | 二级指标 | 指标分值 names no 三级
    two_levels = {"二级指标": "一级指标", "三级指标": "二级指标"}
    assert not _indicators_as_read(sample, template, two_levels, keys)[2], two_levels


def test_a_subtotal_score_under_a_score_column_not_found_is_never_passed_as_not_printed() -> None:
    """The level-1 groups' scores, printed in their subtotal rows under a 评价得分 header OCR garbled past
    any reading, are in review with the indicators' scores (development scan department-1052: three of
    four subtotal scores had passed as not printed)."""
    import pdfplumber

    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    pdf_path = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-overall-shanxi"]
    ex, _ = extract_fields(tp, _as_read(pages, {"评价得分": "口丨亠巛"}))
    subtotals = ex.rows["indicator_subtotals"]
    assert len(subtotals) == 4 and ex.rows["indicators"]
    for i, sub in enumerate(subtotals):
        assert sub.get("score") is None or sub["score"].value is None
        assert f"indicator_subtotals[{i}].score" in ex.review, i


@pytest.mark.parametrize(
    ("read", "value"),
    [
        ("5.8“", "5.8"),
        ("10)", "10"),
        ("5.7.", "5.7"),
        ("“8", "8"),
        ("1,807.42.", "1807.42"),
        (".5.", None),
        ("人", None),
    ],
)
def test_a_scanned_figure_with_a_stray_mark_at_an_end_is_read_and_flagged(read: str, value: str | None) -> None:
    """A speck or a ruling's edge read as a mark at a figure's end (5.8“ on a dithered 200-dpi scan, the
    development scan project-703): the figure, flagged, where it was an unreadable blank; a leading point
    is the figure's own (.5), so what is left is no plain figure."""
    from extract.forms.extraction import _marks_at_ends

    found = _marks_at_ends(read, "number", None)
    assert (None if found is None else str(found[0])) == value
    assert found is None or "stray marks" in found[1]


def test_a_stray_mark_at_a_figures_end_is_flagged_through_the_template() -> None:
    """Through the field stage: an OCR cell 8“ under 得分 reads 8, with the field in review."""
    from extract.forms.fields import extract_fields

    pages = _anhui_pages()
    (tp,) = [t for t in load_templates() if t.id == "dept-national"]
    truth, _ = extract_fields(tp, _as_read(pages, {}))
    path, field = next(
        (f"indicators[{i}].score", r["score"]) for i, r in enumerate(truth.rows["indicators"]) if r["score"].value
    )
    ex, _ = extract_fields(tp, _as_read(pages, {field.raw: field.raw + "“"}))
    row = int(path.split("[")[1].split("]")[0])
    assert ex.rows["indicators"][row]["score"].value == field.value
    assert "stray marks" in ex.review[path]


@pytest.mark.parametrize("template", ["dept-overall-shanxi", "generic"])
def test_a_budget_block_or_total_row_read_in_part_on_a_scan_puts_the_rest_in_review(template: str) -> None:
    """Development scan department-714 at 300 dpi (2-pt print, kept: its indicator table read whole): four of
    the budget block's six labels and the total row's label garbled, the record passed 上年结转金额, 预算调整金额 …
    and the totals as not printed. On a scan, a block read in part has the fields whose labels were not found
    in review, and so have the totals where the indicators were read; read whole, nothing is flagged."""
    import pdfplumber

    import extract.pipeline as P
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page

    (tp,) = [t for t in load_templates() if t.id == template]
    pdf_path = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    clean, _ = extract_fields(tp, _as_read(pages, {}))
    totals = {
        c.text for p in pages for g in p.grids for c in g.cells if c.text.startswith(("综合得分", "总分", "合计"))
    }
    label = next(c.text for p in pages for g in p.grids for c in g.cells if c.text.startswith("预算调整金额"))
    lost = ["budget.budget_adjustment", "score.total", "score.total_set"]
    P._flag_partly_read(clean, tp)
    assert all(clean.fields[p].value is not None for p in lost) and not set(lost) & set(clean.review)
    # three glyphs off (two off, the nearest label of all, is read: ``fields._nearest_label``)
    ex, _ = extract_fields(tp, _as_read(pages, {label: "预鼻调帐金领"} | dict.fromkeys(totals, "综台辱分")))
    lost = [p for p in lost if p not in ex.fields]  # 100 of the total row may still be found under 分值
    # the generic reader takes the row for the total row where its figures are the indicators' sums, flagged
    assert "budget.budget_adjustment" in lost and (template != "generic" or "score.total" in [*lost, *ex.review]), lost
    P._flag_partly_read(ex, tp)
    assert set(lost) <= set(ex.review), {p: ex.review.get(p) for p in lost}


@pytest.mark.parametrize("sample", ["jinzhong-2022-audit-bureau.pdf", "jinzhong-2021-justice-bureau.pdf"])
def test_a_scanned_table_whose_total_did_not_read_and_whose_rows_no_sum_confirms_is_in_review(sample: str) -> None:
    """A small-print 200-dpi scan (development scan department-1081) lost the last of its 26 indicator rows,
    and read neither the total row nor the level-1 subtotals: nothing said a row was missing, and the lost
    row's printed scores passed as not printed. A scanned table whose total score is not read and whose rows
    no sum confirms is in review as a whole; where the total reads and adds up, it is not."""
    import pdfplumber

    from extract.checks import run_checks
    from extract.forms.fields import extract_fields
    from extract.pdf.pages import read_page
    from extract.pipeline import _amounts, _facts, _flag_rows_unconfirmed

    pdf_path = SAMPLES / sample
    with pdfplumber.open(pdf_path) as pdf:
        pages = [read_page(p, i, str(pdf_path)) for i, p in enumerate(pdf.pages, start=1)]
    (tp,) = [t for t in load_templates() if t.id == "dept-overall-shanxi"]

    def reviewed(misread: dict[str, str]) -> set[str]:
        ex, _ = extract_fields(tp, _as_read(pages, misread))
        checks = run_checks(tp.rules, _facts(ex, _amounts(tp, ex)))
        _flag_rows_unconfirmed(ex, checks)
        return set(ex.review)

    assert "indicators" not in reviewed({})
    lost = {"综合得分": "口丨亠巛", "投入": "口丨", "过程": "口丨", "产出": "口丨", "效果": "口丨"}
    assert "indicators" in reviewed(lost)


def test_two_readings_are_weighed_by_the_checks_both_make() -> None:
    """A form read with the nearest template is read by the generic reader too, and the reading that holds up
    better kept. A check only the template makes (its income and expenditure balances) weighed against it
    where it failed — a figure of a block the generic reader does not read at all — and for it where it
    passed: a national department scan whose 年度指标值 OCR misread went to the generic reader, 8 numbers
    fewer exact (development scan department-1123, 200 dpi). Only the checks both readings make count."""
    import dataclasses

    import pdfplumber

    from extract import pipeline as P
    from extract.forms.segment import FormPages
    from extract.model import Source
    from extract.pdf.pages import read_page

    path = SAMPLES / "anhui-2022-county-agriculture-bureau-dept.pdf"
    with pdfplumber.open(path) as pdf:
        pages = [read_page(p, i, str(path)) for i, p in enumerate(pdf.pages, start=1)]
    texts = {c.text for p in pages for g in p.grids for c in g.cells}
    change = {t: t.replace("1,371.81", "1,311.81") for t in texts if "1,371.81" in t}  # 项目支出 misread
    change |= {t: t.replace("年度指标值", "年度指标佳") for t in texts if "年度指标值" in t}
    templates = {t.id: t for t in load_templates()}
    read = tuple(p for p in _as_read(pages, change) if p.grids)
    form = FormPages(templates["dept-national"], read, "near", ("年度指标值",), templates["generic"])
    source = Source(str(path), "0", len(pages), [p.number for p in read], "ocr", "rapidocr")
    record, consequences = P._extract_form(form, source)
    generic, _ = P._extract_form(dataclasses.replace(form, template=templates["generic"], how="generic"), source)
    own = {c.id for c in record.checks} - {c.id for c in generic.checks}
    assert {"by_income_sum", "by_expenditure_sum"} <= own
    assert any(c.id == "by_expenditure_sum" and c.status == "fail" for c in record.checks)
    both = frozenset(c.id for c in record.checks) - own
    without = dataclasses.replace(record, checks=[c for c in record.checks if c.id not in own])
    assert P.quality(record, consequences, both) == P.quality(without, consequences)
    assert P.quality(record, consequences, both) != P.quality(record, consequences)
    assert P.extract_form(form, source).template == "dept-national"
