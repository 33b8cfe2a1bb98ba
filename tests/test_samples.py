"""Every sample PDF against (1) its reviewed golden record and (2) the data file it was rendered from.

The second comparison is independent of the pipeline's own output: it checks each printed value the
sample generator put on the page (samples/data/<stem>.yaml) against what came out of the PDF.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import extract
from extract.records.codec import loads

from .conftest import GOLDEN, JINZHONG, ROOT, SAMPLES, sample_pdfs
from .update_golden import golden_dict


def _data(pdf: Path) -> dict[str, Any]:
    path = SAMPLES / "data" / f"{pdf.stem}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


DEPT_SAMPLES = [p for p in sample_pdfs() if _data(p) and _data(p).get("kind", "shanxi-dept") == "shanxi-dept"]
EXPECTED_SAMPLES = [p for p in sample_pdfs() if "expected" in _data(p)]
CHECK_ALIASES = {"total_set": "total_score"}

# the number-formats sample prints its budget in awkward ways; these are the values it means
AWKWARD_BUDGET = {
    "carryover": "18.64",
    "initial_budget": "1203.50",
    "budget_adjustment": "56.20",
    "other_adjustment": "0.00",
    "execution": "1256.03",
    "year_end_balance": "22.31",
}


@pytest.mark.parametrize("pdf", sample_pdfs(), ids=lambda p: p.stem)
def test_record_equals_golden(pdf: Path) -> None:
    golden = loads((GOLDEN / f"{pdf.stem}.record.json").read_text(encoding="utf-8"))
    got = golden_dict(pdf)
    assert (got[0] if len(got) == 1 else got) == golden


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


@pytest.mark.parametrize("pdf", DEPT_SAMPLES, ids=lambda p: p.stem)
def test_record_matches_the_data_the_pdf_was_made_from(pdf: Path) -> None:
    data: dict[str, Any] = yaml.safe_load((SAMPLES / "data" / f"{pdf.stem}.yaml").read_text(encoding="utf-8"))
    (rec,) = extract.read_pdf(pdf)
    assert rec.form.title == data["title"]
    assert str(rec.form.fiscal_year) in data["year_line"]
    assert (rec.form.unit_name, rec.form.unit_head, rec.form.unit_phone) == (
        data["unit_name"],
        data["unit_head"],
        data["unit_phone"],
    )
    assert rec.budget is not None
    for key, printed in data["budget"].items():
        want = AWKWARD_BUDGET[key] if pdf.stem.endswith("number-formats") else printed
        want = want["text"] if isinstance(want, dict) else want
        got = getattr(rec.budget, key)
        assert isinstance(got, Decimal) and got == _dec(want), key
    for key, text in data["narratives"].items():
        assert getattr(rec.narratives, key) == " ".join(text.split()) or getattr(rec.narratives, key) == text, key
    expected_rows = [
        (g["name"], l2["name"], row) for g in data["indicators"] for l2 in g["level2"] for row in l2["rows"]
    ]
    assert len(rec.indicators) == len(expected_rows)
    for i, (ind, (l1, l2, row)) in enumerate(zip(rec.indicators, expected_rows, strict=True)):
        where = f"indicators[{i}]"
        assert (ind.level1, ind.level2, ind.level3) == (l1, l2, row["level3"]), where
        assert ind.analysis == row["analysis"], where
        assert ind.reference_score == _dec(row["reference_score"]), where
        assert ind.set_score == _dec(row["set_score"]), where
        assert ind.score == _dec(row["score"]), where
        if row.get("level3_hidden"):
            assert ind.level3_canonical == row["level3"] + row["level3_hidden"], where
    subs = [(s.level1, s.reference_score, s.set_score, s.score) for s in rec.indicator_subtotals]
    assert subs == [
        (g["name"], _dec(g["reference_score"]), _dec(g["set_score"]), _dec(g["score"])) for g in data["indicators"]
    ]
    assert rec.score.total == _dec(str(data["total_score"]))
    assert rec.score.total_set == _dec(str(data["total_set"]))
    assert rec.score.grade == data["grade"]
    assert [(e.name, e.title, e.department, e.phone) for e in rec.evaluators] == [
        (e["name"], e["title"], e["department"], e["phone"]) for e in data["evaluators"]
    ]
    assert rec.review == [] and rec.gaps == []


EXPECTED_FAILS = {
    "jinzhong-2021-justice-bureau": ["text_expenditure_by_function"],
    "jinzhong-2022-audit-bureau": [],
    "jinzhong-2021-unbalanced-budget": ["budget_balance"],
    "jinzhong-2021-number-formats": [],
}


@pytest.mark.parametrize("pdf", DEPT_SAMPLES, ids=lambda p: p.stem)
def test_checks_fail_exactly_where_the_form_is_wrong(pdf: Path) -> None:
    (rec,) = extract.read_pdf(pdf)
    assert [c.id for c in rec.checks if c.status == "fail"] == EXPECTED_FAILS[pdf.stem]
    assert not [c.id for c in rec.checks if c.status == "skipped"]


def test_jinzhong_matches_the_shared_reference_record() -> None:
    """Every field the published text shows is exactly right (the reference abbreviates narratives)."""
    ref = loads((ROOT / "tests/reference/jinzhong-2021-justice-bureau.record.json").read_text("utf-8"))
    (rec,) = extract.read_pdf(JINZHONG)
    got = extract.to_dict(rec)
    for key in ("form", "budget", "amounts_in_text", "indicator_subtotals", "indicators", "score", "evaluators"):
        assert got[key] == ref[key], key
    assert got["source"]["page_count"] == 2 and got["source"]["form_pages"] == [1, 2]
    assert got["source"]["method"] == "text" and got["template"] == "dept-overall-shanxi"
    by_id = {c["id"]: c for c in got["checks"]}  # the reference's checks, and shared ones added since
    for want in ref["checks"]:
        assert {k: by_id[want["id"]][k] for k in want} == want
    for key, abbreviated in ref["narratives"].items():
        assert got["narratives"][key].startswith(abbreviated.removesuffix("……")), key
    fn = next(c for c in rec.checks if c.id == "text_expenditure_by_function")
    assert fn.difference == Decimal("3000.00") and fn.unit == "元"
    assert got["provenance"]["budget.carryover"]["raw"] == "71.39"
    assert got["provenance"]["form.unit_name"]["page"] == 1


def test_published_text_matches_narratives_exactly() -> None:
    txt = (ROOT / "tests/reference/jinzhong-2021-justice-bureau.txt").read_text(encoding="utf-8")
    rows = {ln.split("\t")[0]: ln.split("\t")[1] for ln in txt.splitlines() if "\t" in ln}
    (rec,) = extract.read_pdf(JINZHONG)
    labels = {
        "functions_overview": "单位职能概况",
        "staffing": "单位人员情况",
        "budget_execution": "预算执行情况",
        "performance_analysis": "部门整体支出绩效评价分析",
        "other": "其他",
    }
    for key, label in labels.items():
        assert getattr(rec.narratives, key) == rows[label].replace("<p>", "").replace("</p>", "").strip()


def test_records_validate_against_the_committed_schema() -> None:
    import jsonschema

    schema = loads((ROOT / "schemas/record.schema.json").read_text(encoding="utf-8"))
    for golden in GOLDEN.glob("*.record.json"):
        data = json.loads(golden.read_text(encoding="utf-8"))
        for rec in data if isinstance(data, list) else [data]:
            jsonschema.validate(rec, schema)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_pages_saved_sideways_or_upside_down_read_the_same(tmp_path: Path, degrees: int) -> None:
    from .pdfs import rotate

    turned = rotate(JINZHONG, tmp_path / f"turned-{degrees}.pdf", degrees)
    (want,) = extract.read_pdf(JINZHONG)
    (got,) = extract.read_pdf(turned)
    a, b = extract.to_dict(want), extract.to_dict(got)
    for key in (
        "form",
        "budget",
        "narratives",
        "amounts_in_text",
        "indicators",
        "indicator_subtotals",
        "score",
        "evaluators",
        "checks",
        "review",
    ):
        assert a[key] == b[key], key


def _same(got: Any, want: Any, where: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        for k, v in want.items():
            assert k in got, f"{where}.{k} missing"
            _same(got[k], v, f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same(g, w, f"{where}[{i}]")
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        assert isinstance(got, (int, float, Decimal)) and not isinstance(got, bool), f"{where}: {got!r} != {want!r}"
        assert Decimal(str(got)) == Decimal(str(want)), f"{where}: {got!r} != {want!r}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.mark.parametrize("pdf", EXPECTED_SAMPLES, ids=lambda p: p.stem)
def test_record_matches_the_expected_section_of_its_data_file(pdf: Path) -> None:
    """Forms beyond the Shanxi kind: every value the data file says the form shows, and its gaps."""
    data = _data(pdf)
    records = [extract.to_dict(r) for r in extract.read_pdf(pdf)]
    assert len(records) == 1
    rec = records[0]
    expected = dict(data["expected"])
    gaps = expected.pop("gaps", [])
    _same(rec, expected, "record")
    assert sorted(rec["gaps"]) == sorted(gaps)
    assert rec["review"] == []


@pytest.mark.parametrize("pdf", [p for p in EXPECTED_SAMPLES if "checks_expected" in _data(p)], ids=lambda p: p.stem)
def test_checks_pass_fail_or_skip_as_the_data_file_says(pdf: Path) -> None:
    (rec,) = extract.read_pdf(pdf)
    checks = {c.id: c for c in rec.checks}
    by_id: dict[str, list[dict[str, Any]]] = {}
    for e in _data(pdf)["checks_expected"]:
        by_id.setdefault(CHECK_ALIASES.get(e["id"], e["id"]), []).append(e)
    status = {"pass": "pass", "fail": "fail", "skip": "skipped", "skipped": "skipped"}
    for cid, entries in by_id.items():
        assert cid in checks, f"no check {cid}"
        c = checks[cid]
        wants = {status[e["status"]] for e in entries}
        want = "fail" if "fail" in wants else ("pass" if "pass" in wants else "skipped")
        assert c.status == want, f"{cid}: {c.status} != {want} ({c.details})"
        for e in entries:
            if "field" in e and e["status"] == "fail":
                assert e["field"] in c.fields, (cid, e["field"], c.fields)
            elif "field" in e and want == "fail":
                assert e["field"] not in c.fields, (cid, e["field"], c.fields)


DOCUMENTS = [p for p in sample_pdfs() if _data(p).get("kind") == "document"]


def _form_expectations(data: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """Per expected form: its summary, its full ``expected:`` record and its checks_expected."""
    parts = [p for p in data["parts"] if p.get("sample") or "expected" in p]
    out = []
    for summary, part in zip(data["expected_forms"], parts, strict=True):
        source = _data(SAMPLES / f"{part['sample']}.pdf") if part.get("sample") else part
        out.append((summary, source["expected"], source.get("checks_expected", [])))
    return out


@pytest.mark.parametrize("pdf", DOCUMENTS, ids=lambda p: p.stem)
def test_forms_found_anywhere_in_a_document(pdf: Path) -> None:
    """A final-accounts document or a bundle: every form, in page order, on exactly its pages; the
    contents page and the narrative pages that name 自评表 are not forms; nothing is unmatched."""
    from extract.pipeline import extract_document

    data = _data(pdf)
    doc = extract_document(pdf)
    assert doc.unmatched == []
    assert doc.page_count == data["pages"]
    expectations = _form_expectations(data)
    assert [r.source.form_pages for r in doc.records] == [s["pages"] for s, _, _ in expectations]
    for rec, (summary, expected, checks_expected) in zip(doc.records, expectations, strict=True):
        got = extract.to_dict(rec)
        assert got["template"] == summary["template"]
        assert len(got["indicators"]) == summary["indicator_count"]
        want = {k: v for k, v in expected.items() if k != "gaps"}
        _same(got, want, f"{pdf.stem} p{summary['pages'][0]}")
        assert sorted(got["gaps"]) == sorted(expected.get("gaps", []))
        assert got["review"] == []
        statuses = {c["id"]: c["status"] for c in got["checks"]}
        for e in checks_expected:
            cid = CHECK_ALIASES.get(e["id"], e["id"])
            if e["status"] == "fail":
                assert statuses[cid] == "fail", (summary["pages"], cid)
