"""A reviewer's decisions in the ledger: kept beside what was read, checks run again at once, carried into
every export with a ``corrected`` flag and an audit trail, kept across a re-ingest, and safe beside an ingest
writing the same ledger."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import extract
from extract.cli import app
from extract.ingest.ledger import FileResult, Ledger
from extract.ingest.review import corrected, decide, rules_by_template
from extract.records.codec import dumps, from_dict, loads, to_dict
from extract.records.corrections import CorrectionError, apply, rerun_checks, value_at

from .conftest import JINZHONG, SAMPLES

runner = CliRunner()
AUDIT = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
JZ = "4d912117016751d2p1"  # the form_id of the Jinzhong justice bureau form
MISREAD = "amounts_in_text[1].amount"  # 公共安全支出: 3,000.00 元 short of the stated total


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    db = tmp_path / "l.sqlite"
    r = runner.invoke(app, ["ingest", "-q", str(JINZHONG), str(AUDIT), "--db", str(db), "-j", "1"])
    assert r.exit_code == 1, r.stderr
    return db


@pytest.mark.parametrize(
    "pdf",
    [*sorted(SAMPLES.glob("*.pdf")), *sorted((SAMPLES / "variants" / "fixed").glob("*.pdf"))],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_checks_run_again_on_a_record_are_the_checks_it_was_read_with(pdf: Path) -> None:
    """The facts the checks read can be rebuilt from a record: what re-checks a corrected record (the
    samples, and the fixed set of generated layout variants)."""
    rules = rules_by_template()
    for record in extract.read_pdf(pdf):
        again = from_dict(loads(dumps(to_dict(record))))  # as the ledger holds it
        assert rerun_checks(again, rules[record.template]) == record.checks


def test_a_correction_runs_the_checks_again_and_reaches_every_table(ledger: Path, tmp_path: Path) -> None:
    db = Ledger(ledger)
    try:
        d = decide(db, JZ, MISREAD, "correct", "8,956,203.17", "the page prints 8956203.17", "auditor")
    finally:
        db.close()
    assert d.correction.old == Decimal("8953203.17") and d.correction.new == Decimal("8956203.17")
    assert d.changed_checks() == [("text_expenditure_by_function", "fail", "pass")]
    assert d.after.clean and not d.before.clean
    # what was read is still in the ledger, untouched
    read = Ledger(ledger, readonly=True)
    try:
        assert value_at(from_dict(read.record(JZ) or {}), MISREAD) == Decimal("8953203.17")
    finally:
        read.close()
    r = runner.invoke(app, ["export", "-q", "--db", str(ledger), "--to", str(tmp_path / "out"), "--corrections"])
    assert r.exit_code == 0, r.stderr
    forms = pd.read_csv(tmp_path / "out" / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    jz = forms[forms["form_id"] == JZ].iloc[0]
    assert (jz["corrected"], jz["corrected_fields"], jz["reviewed"], jz["clean"]) == ("True", MISREAD, "True", "True")
    assert jz["failed_checks"] == ""  # the checks as run again
    amounts = pd.read_csv(tmp_path / "out" / "amounts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = amounts[(amounts["form_id"] == JZ) & (amounts["row"] == "2")].iloc[0]
    assert (row["amount"], row["corrected"]) == ("8956203.17", "amount")
    audit = pd.read_csv(tmp_path / "out" / "corrections.csv", encoding="utf-8-sig", dtype=str)
    assert audit[["form_id", "field", "action", "old", "new", "reviewer"]].values.tolist() == [
        [JZ, MISREAD, "correct", "8953203.17", "8956203.17", "auditor"]
    ]
    assert audit["reason"].item() == "the page prints 8956203.17"
    other = forms[forms["form_id"] != JZ].iloc[0]
    assert (other["corrected"], other["reviewed"]) == ("False", "False")
    import json

    status = json.loads(runner.invoke(app, ["status", "--db", str(ledger), "--json"]).stdout)
    assert status["flagged"] == [] and status["checks_failing"] == {}  # reviewed: no longer listed as flagged


def test_a_confirmation_resolves_a_flag_without_changing_the_value(ledger: Path) -> None:
    r = runner.invoke(app, ["confirm", JZ, MISREAD, "--db", str(ledger), "--reviewer", "a"], catch_exceptions=False)
    assert r.exit_code == 0 and "8953203.17 confirmed" in r.stdout
    db = Ledger(ledger, readonly=True)
    try:
        with_one = next(rec for rec in corrected(db) if rec.form.unit_name == "晋中市司法局")
    finally:
        db.close()
    assert value_at(with_one, MISREAD) == Decimal("8953203.17") and not with_one.clean  # still fails
    assert "flags left" in r.stdout  # the other amounts of the failed check have no decision yet


@pytest.mark.parametrize(
    ("form", "field", "value", "reason", "why"),
    [
        (JZ, "budget.execution", "一千", "r", "budget.execution: cannot read '一千' as amount"),
        (JZ, "form.fiscal_year", "2021.5", "r", "form.fiscal_year: cannot read '2021.5' as integer"),
        (JZ, "budget.nosuch", "1", "r", "unknown field 'budget.nosuch'"),
        (JZ, "indicators[99].score", "1", "r", "indicators[99].score: the form has 26 rows of indicators"),
        (JZ, "budget.execution", "1121.69", "", "budget.execution: a correction needs a reason"),
        ("0000000000000000p1", "budget.execution", "1", "r", "no such form in the ledger"),
        ("../../etc/passwd", "budget.execution", "1", "r", "no such form in the ledger"),
    ],
)
def test_a_bad_correction_is_refused_with_the_reason(
    ledger: Path, form: str, field: str, value: str, reason: str, why: str
) -> None:
    r = runner.invoke(app, ["correct", form, field, value, "--reason", reason, "--db", str(ledger), "--reviewer", "a"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.stderr.strip() == f"{ledger} {form}: {why}" + (
        " (a record path: budget.execution, indicators[3].score)" if "unknown field" in why else ""
    )
    db = Ledger(ledger, readonly=True)
    try:
        assert db.corrections() == {}  # nothing kept
    finally:
        db.close()


def test_a_reingest_keeps_the_decisions_and_names_those_a_new_reading_makes_stale(ledger: Path) -> None:
    db = Ledger(ledger)
    try:
        decide(db, JZ, MISREAD, "correct", "8956203.17", "page", "auditor")
        decide(db, JZ, "budget.carryover", "confirm", reviewer="auditor")
    finally:
        db.close()
    again = runner.invoke(app, ["ingest", str(JINZHONG), "--db", str(ledger), "-j", "1", "--force"])
    assert again.exit_code == 1 and "(warning)" not in again.stderr  # the same bytes read the same
    db = Ledger(ledger)
    try:
        assert len(db.corrections()[JZ]) == 2  # kept across the re-ingest
        # a new reading (a new template version, say) that reads the confirmed field otherwise
        data = db.record(JZ) or {}
        data["budget"]["carryover"] = Decimal("71.89")
        sha = data["source"]["sha256"]
        notes = db.write(FileResult(sha, 1, "flagged", records=(data,)))
    finally:
        db.close()
    assert notes == [
        "p1: the confirm of budget.carryover by auditor was made on a reading of 71.39; it now reads 71.89: look again"
    ]


def test_decisions_saved_while_an_ingest_writes_the_same_ledger_are_all_kept(ledger: Path, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    copied = sorted(SAMPLES.glob("*.pdf"))[:8]
    for pdf in copied:
        shutil.copy(pdf, folder / pdf.name)
    known = len({JINZHONG.name, AUDIT.name} & {p.name for p in copied})  # the same bytes: already in the ledger
    ingest = subprocess.Popen(
        [sys.executable, "-m", "extract", "ingest", "-q", str(folder), "--db", str(ledger), "-j", "2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    saved = 0
    while ingest.poll() is None or saved < 5:
        db = Ledger(ledger)
        try:
            decide(db, JZ, "budget.carryover", "confirm", reason=f"look {saved}", reviewer="a")
            saved += 1
        finally:
            db.close()
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode in (0, 1), err
    db = Ledger(ledger, readonly=True)
    try:
        assert len(db.corrections()[JZ]) == saved  # not one decision lost
        files = db.db.execute("SELECT count(*) FROM files").fetchone()[0]
    finally:
        db.close()
    assert files == 2 + len(copied) - known  # the ingest's files all there


def test_apply_leaves_the_record_read_as_it_was() -> None:
    (record,) = extract.read_pdf(JINZHONG)
    decision = dataclasses.replace(
        from_dict(loads(dumps(to_dict(record)))),
    )
    from extract.model import Correction

    c = Correction(MISREAD, "correct", Decimal("8953203.17"), Decimal("8956203.17"), "r", "a", "2026-01-01T00:00:00Z")
    out = apply(decision, [c], rules_by_template()[record.template])
    assert value_at(decision, MISREAD) == Decimal("8953203.17") and value_at(out, MISREAD) == Decimal("8956203.17")
    assert out.corrections == [c] and decision.corrections is None
    assert from_dict(loads(dumps(to_dict(out)))) == out  # the decisions travel in the record's JSON
    with pytest.raises(CorrectionError):
        value_at(record, "indicators[x].score")


def test_the_static_report_shows_the_flagged_forms_with_checks_and_page_crops(ledger: Path, tmp_path: Path) -> None:
    import base64
    import io
    import re

    from PIL import Image

    out = tmp_path / "report.html"
    r = runner.invoke(app, ["report", "--db", str(ledger), "-o", str(out)])
    assert r.exit_code == 0 and r.stderr.strip() == f"wrote {out} (1 flagged forms)"
    page = out.read_text(encoding="utf-8")
    assert f'<h2 id="{JZ}">晋中市司法局' in page and "晋中市审计局" not in page  # the clean form is not there
    assert "text_expenditure_by_function" in page and "11216943.56" in page and "3000.00" in page
    assert "<mark>公共安全支出</mark>" in page  # the amounts of the failed check, marked in their narrative
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert images and "http" not in page.split("<body>")[1]  # self-contained: nothing fetched
    crop = Image.open(io.BytesIO(base64.b64decode(images[0]))).convert("RGB")
    assert (220, 0, 0) in {crop.getpixel((x, y)) for x in range(crop.width) for y in range(0, crop.height, 3)}
    # decided: the form is reviewed, and the report has nothing left to show
    db = Ledger(ledger)
    try:
        decide(db, JZ, MISREAD, "correct", "8956203.17", "page", "auditor")
    finally:
        db.close()
    assert runner.invoke(app, ["report", "--db", str(ledger), "-o", str(out)]).exit_code == 0
    assert "<h2" not in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["report", "--db", str(ledger), "-o", str(tmp_path / "no" / "r.html")])
    assert bad.exit_code == 2 and bad.stderr.strip() == f"{tmp_path / 'no' / 'r.html'}: no such folder to write into"


def test_the_report_escapes_every_text_from_a_pdf() -> None:
    from extract.inspect.report import build

    (record,) = extract.read_pdf(JINZHONG)
    hostile = dataclasses.replace(
        record, form=dataclasses.replace(record.form, unit_name='<script>alert("x")</script><img src=x>')
    )
    page, shown = build([hostile], "t")
    assert shown == 1 and "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_decision_on_a_ledger_that_is_not_there_makes_none(tmp_path: Path) -> None:
    r = runner.invoke(app, ["confirm", JZ, "budget.execution", "--db", str(tmp_path / "typo.sqlite")])
    assert r.exit_code == 2 and r.stderr.strip() == f"{tmp_path / 'typo.sqlite'}: no such ledger"
    assert not (tmp_path / "typo.sqlite").exists()


def test_a_correction_whose_checks_cannot_run_again_stays_flagged() -> None:
    """Read with a template not known where the decisions are applied (a user's): the checks cannot run on
    the new value, so the corrected field stays in review and the form is neither clean nor reviewed."""
    from extract.model import Correction
    from extract.records.corrections import reviewed

    (record,) = extract.read_pdf(AUDIT)
    assert record.clean
    c = Correction("budget.execution", "correct", Decimal("1118.52"), Decimal("9999.99"), "r", "a", "2026-01-01")
    out = apply(record, [c], None)
    assert value_at(out, "budget.execution") == Decimal("9999.99")
    assert out.review == ["budget.execution"] and not out.clean and not reviewed(out)
    checked = apply(record, [c], rules_by_template()[record.template])  # with its rules: the balance fails
    assert "budget_balance" in [x.id for x in checked.checks if x.status == "fail"]


def test_an_integral_correction_keeps_its_field_s_type_when_read_back(ledger: Path, tmp_path: Path) -> None:
    """JSON does not tell the amount 71 from the count 71: a decision read back from the ledger gets its
    field's type again (an amount stays a Decimal, a year an int), so the export takes it."""
    db = Ledger(ledger)
    try:
        decide(db, JZ, "budget.carryover", "correct", "71", "the page prints 71", "a")
        decide(db, JZ, "form.fiscal_year", "correct", "2021", "as printed", "a")
        got = {c.field: c for c in db.corrections()[JZ]}
    finally:
        db.close()
    assert type(got["budget.carryover"].new) is Decimal and got["budget.carryover"].new == Decimal(71)
    assert type(got["budget.carryover"].old) is Decimal
    assert type(got["form.fiscal_year"].new) is int
    r = runner.invoke(app, ["export", "-q", "--db", str(ledger), "--to", str(tmp_path / "out")])
    assert r.exit_code == 0, r.stderr
    forms = pd.read_csv(tmp_path / "out" / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert forms[forms["form_id"] == JZ].iloc[0]["budget.carryover"] == "71"
