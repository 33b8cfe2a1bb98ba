"""Hardening (issue 10, in part): outputs never land on inputs, text never becomes a formula, bad options
and bad templates are one line with exit 2, a required field the form leaves as —— is reviewed."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from extract.cli import app

from .conftest import SAMPLES
from .pdfs import ruled_form_pdf

runner = CliRunner()
JINZHONG = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
HOSTILE = '=HYPERLINK("http://example.invalid/x","click")'


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_debug_never_writes_over_its_input(tmp_path: Path) -> None:
    pdf = shutil.copy(JINZHONG, tmp_path / "in.pdf")
    before = digest(Path(pdf))
    r = runner.invoke(app, ["debug", str(pdf), "--page", "1", "-o", str(pdf)])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"{pdf}: refusing to write over an input ({Path(pdf).resolve()})"
    assert digest(Path(pdf)) == before
    same = tmp_path / "sub" / ".." / "in.pdf"  # the same file by another spelling
    assert runner.invoke(app, ["debug", str(pdf), "-o", str(same)]).exit_code == 2
    assert digest(Path(pdf)) == before


def test_run_csv_never_writes_over_an_input(tmp_path: Path) -> None:
    pdf = shutil.copy(JINZHONG, tmp_path / "forms.csv")  # an input that happens to bear an output's name
    before = digest(Path(pdf))
    r = runner.invoke(app, ["run", "-q", "--csv", str(tmp_path), str(pdf)])
    assert r.exit_code == 2 and "refusing to write over an input" in r.stderr
    assert digest(Path(pdf)) == before and not (tmp_path / "checks.csv").exists()


def hostile_form(tmp_path: Path) -> Path:
    rows = [
        ["项目名称", HOSTILE, "<", "<"],
        ["主管部门", "+SUM(A1:A9)", "<", "<"],
        ["三级指标", "年度指标值", "实际完成值", "得分"],
        ["@cmd", "-1+1", "\u3000=1+2", "90"],
        ["总分", "<", "<", "90"],
    ]
    return ruled_form_pdf(tmp_path / "hostile.pdf", "2022年度县级项目绩效自评表", rows, [90, 200, 90, 80])


def test_text_never_becomes_a_formula_in_csv(tmp_path: Path) -> None:
    pdf = hostile_form(tmp_path)
    out = tmp_path / "csv"
    r = runner.invoke(app, ["run", "--csv", str(out), str(pdf)])
    assert r.exit_code == 1, r.stderr  # read (generic reader, flagged), not refused
    with (out / "forms.csv").open(encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f))
    assert row["form.project_name"] == "'" + HOSTILE
    assert row["form.department"] == "'+SUM(A1:A9)"
    with (out / "indicators.csv").open(encoding="utf-8-sig") as f:
        ind = next(csv.DictReader(f))
    assert ind["level3"] == "'@cmd" and ind["target"] == "'-1+1"
    assert ind["score"] == "90"  # numbers stay numbers


def test_text_never_becomes_a_formula_in_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    pdf = hostile_form(tmp_path)
    db = tmp_path / "ledger.sqlite"
    assert runner.invoke(app, ["ingest", str(pdf), "--db", str(db), "--workers", "1"]).exit_code in (0, 1)
    r = runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "x"), "--format", "xlsx"])
    assert r.exit_code == 0, r.stderr
    wb = load_workbook(tmp_path / "x" / "extract.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + HOSTILE for c in cells)


def test_bad_timeout_and_workers_are_usage_errors(tmp_path: Path) -> None:
    for args in (["--timeout", "0"], ["--timeout", "nan"], ["--timeout", "-5"], ["--workers", "0"]):
        r = runner.invoke(app, ["ingest", str(JINZHONG), "--db", str(tmp_path / "l.sqlite"), *args])
        assert r.exit_code == 2, args
        assert "Traceback" not in r.output
    assert not (tmp_path / "l.sqlite").exists()


def test_a_template_not_in_utf8_or_with_a_bad_tolerance_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    bad = folder / "gbk.yaml"
    bad.write_bytes("id: gbk\nkind: project\nkeywords: [项目]\nfields: {}\n".encode("gbk"))
    r = runner.invoke(app, ["run", "-q", "--templates", str(folder), str(JINZHONG)])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"{bad}: cannot read template: not UTF-8 text (byte 33)"
    bad.write_text(
        "id: tol\nkind: project\nkeywords: [某某表]\nfields: {}\n"
        "rules:\n  - {id: s, kind: sum_equal, rule: x, lhs: [score.total], rhs: [score.total], unit: 分,\n"
        "     tolerance: abc}\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["run", "-q", "--templates", str(folder), str(JINZHONG)])
    assert r.exit_code == 2
    want = f"{bad}: invalid template at rules.0.tolerance: 'abc' is not a number or 'half_unit'"
    assert r.stderr.strip() == want


def test_a_required_field_printed_as_a_dash_is_reviewed(tmp_path: Path) -> None:
    rows = [
        ["项目名称", "农村公路养护", "<", "<", "<"],
        ["主管部门", "——", "<", "<", "<"],
        ["项目资金(万元)", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        ["年度资金总额", "100.00", "100.00", "96.00", "96.00%"],
        ["本年财政拨款", "100.00", "100.00", "96.00", "96.00%"],
        ["上年结转资金", "", "", "", ""],
        ["其他资金", "", "", "", ""],
        ["一级指标", "三级指标", "年度指标值", "实际完成值", "得分"],
        ["产出指标", "养护里程", "≥120公里", "122公里", "90"],
        ["总分", "<", "<", "<", "90"],
    ]
    pdf = ruled_form_pdf(
        tmp_path / "dash.pdf", "项目支出绩效自评表", rows, [80, 110, 90, 90, 70], above=("(2022年度)",)
    )
    r = runner.invoke(app, ["run", "-q", str(pdf)])
    assert r.exit_code == 1
    rec = json.loads(r.stdout)
    assert rec["template"] == "project-national" and rec["form"].get("department") is None
    assert "form.department" in rec["review"]


def test_ledger_problems_are_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.sqlite"
    folder.mkdir()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a damaged ledger
    text = tmp_path / "readme.sqlite"
    text.write_text("not a database at all\n" * 50, encoding="utf-8")
    for db in (folder, junk, text):
        for args in (
            ["status", "--db", str(db)],
            ["export", "--db", str(db), "--to", str(tmp_path / "out")],
            ["ingest", str(JINZHONG), "--db", str(db), "--workers", "1"],
        ):
            r = runner.invoke(app, args)
            assert r.exit_code == 2, (db.name, args, r.output)
            assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith(str(db)), r.stderr
            assert "Traceback" not in r.output


def test_status_writes_nothing_next_to_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    assert runner.invoke(app, ["ingest", str(JINZHONG), "--db", str(db), "--workers", "1"]).exit_code == 1
    before = sorted(p.name for p in tmp_path.iterdir())
    tmp_path.chmod(0o555)  # a folder that cannot be written
    try:
        r = runner.invoke(app, ["status", "--db", str(db)])
        assert r.exit_code == 0, r.output
        assert "1 files" in r.stdout
    finally:
        tmp_path.chmod(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failed_file_is_read_again_on_a_rerun(tmp_path: Path) -> None:
    bad = tmp_path / "in" / "late.pdf"
    bad.parent.mkdir()
    bad.write_bytes(JINZHONG.read_bytes()[:5000])  # still being copied: truncated
    db = tmp_path / "l.sqlite"
    r = runner.invoke(app, ["ingest", str(bad.parent), "--db", str(db), "--workers", "1"])
    assert r.exit_code == 3
    bad.write_bytes(JINZHONG.read_bytes())  # the copy is complete now
    r = runner.invoke(app, ["ingest", str(bad.parent), "--db", str(db), "--workers", "1"])
    assert r.exit_code == 1, r.stderr  # read this time (the form fails a check: flagged)
    assert "flagged 1" in r.stderr.splitlines()[-1]


def test_any_file_name_is_read_stored_and_reported(tmp_path: Path) -> None:
    """A name that is not UTF-8 (GBK bytes from an old archive): read, stored and printed with escapes."""
    import os
    import subprocess
    import sys

    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    name = os.path.join(folder, b"\xb1\xed\xb8\xf1.pdf")  # 表格 in GBK
    shutil.copy(os.fsencode(SAMPLES / "jinzhong-2022-audit-bureau.pdf"), name)
    bad = os.path.join(folder, b"\xb2\xbb.pdf")  # a second one that is not a PDF
    with open(bad, "wb") as f:
        f.write(b"<html>not a pdf</html>")
    escaped = str(tmp_path / "in") + "/\\xb1\\xed\\xb8\\xf1.pdf"

    def cli(*args: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([os.fsencode(sys.executable), b"-m", b"extract", *args], capture_output=True)

    r = cli(b"run", b"-q", name, bad)
    assert r.returncode == 3 and b"Traceback" not in r.stderr
    assert json.loads(r.stdout)["source"]["path"] == escaped
    assert (
        r.stderr.decode().strip() == str(tmp_path / "in") + "/\\xb2\\xbb.pdf: not a PDF (an HTML page; no %PDF header)"
    )
    db = os.fsencode(tmp_path / "l.sqlite")
    r = cli(b"ingest", folder, b"--db", db, b"--workers", b"1")
    assert r.returncode == 3 and b"Traceback" not in r.stderr
    r = cli(b"export", b"--db", db, b"--to", os.fsencode(tmp_path / "out"))
    assert r.returncode == 0
    files = (tmp_path / "out" / "files.csv").read_text(encoding="utf-8-sig")
    assert escaped in files and "\\xb2\\xbb.pdf" in files


def test_a_user_template_that_takes_over_other_kinds_is_named(tmp_path: Path) -> None:
    """A user template whose only keyword is 自评表, at a high priority, matches every form: the warning
    names the bundled templates it took the pages from (run on stderr, explain on the page)."""
    folder = tmp_path / "t"
    folder.mkdir()
    greedy = folder / "greedy.yaml"
    greedy.write_text("id: greedy\nkind: project\npriority: 100\nkeywords: [自评表]\nfields: {}\n", encoding="utf-8")
    r = runner.invoke(app, ["run", "-q", "--templates", str(folder), str(JINZHONG)])
    warning = [ln for ln in r.stderr.splitlines() if ln.endswith("(warning)")]
    assert warning == [
        f"{JINZHONG} p1: template 'greedy' ({greedy}) overrides the bundled dept-overall-shanxi, which match "
        "the page too (warning)"
    ]
    e = runner.invoke(app, ["explain", "--templates", str(folder), str(JINZHONG)])
    assert f"! template greedy ({greedy}) overrides the bundled dept-overall-shanxi" in e.stdout
    # a user template that matches only what no bundled one does is not warned about
    greedy.write_text(
        "id: greedy\nkind: project\npriority: 100\nkeywords: [某某自评表]\nfields: {}\n", encoding="utf-8"
    )
    r = runner.invoke(app, ["run", "-q", "--templates", str(folder), str(JINZHONG)])
    assert "(warning)" not in r.stderr


def libreoffice_cells(path: Path, tmp_path: Path, infilter: str | None = None) -> tuple[list[str], list[str]]:
    """Open ``path`` in LibreOffice (headless, evaluating formulas as a user's double-click would) and save it
    as flat ODS: its formulas and its cell texts."""
    import os
    import re
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        import pytest

        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: `make test` installs it (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed (make test installs it)")
    out = tmp_path / "lo"
    args = [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless"]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run([*args, "--convert-to", "fods", "--outdir", str(out), str(path)], capture_output=True, timeout=180)
    text = (out / (path.stem + ".fods")).read_text(encoding="utf-8")
    formulas = re.findall(r'table:formula="([^"]*)"', text)
    cells = [html.unescape(t) for t in re.findall(r"<text:p>([^<]*)</text:p>", text)]
    return formulas, cells


# CSV, UTF-8, first line 1, quoted fields as text off, detect special numbers, evaluate formulas ON
CSV_EVALUATING = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"


def test_libreoffice_finds_no_formula_in_our_csv_or_xlsx(tmp_path: Path) -> None:
    pdf = hostile_form(tmp_path)
    # the check can fail: the same text written raw is a formula to LibreOffice
    raw = tmp_path / "raw.csv"
    raw.write_text(f'a\n"{HOSTILE.replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8")
    formulas, _ = libreoffice_cells(raw, tmp_path, CSV_EVALUATING)
    assert formulas and "HYPERLINK" in formulas[0]
    assert runner.invoke(app, ["run", "--csv", str(tmp_path / "csv"), str(pdf)]).exit_code == 1
    for name in ("forms", "indicators"):
        formulas, cells = libreoffice_cells(tmp_path / "csv" / f"{name}.csv", tmp_path, CSV_EVALUATING)
        assert formulas == [], (name, formulas)
    assert "'" + HOSTILE in libreoffice_cells(tmp_path / "csv" / "forms.csv", tmp_path, CSV_EVALUATING)[1]
    db = tmp_path / "ledger.sqlite"
    assert runner.invoke(app, ["ingest", str(pdf), "--db", str(db), "--workers", "1"]).exit_code in (0, 1)
    assert (
        runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "x"), "--format", "xlsx"]).exit_code == 0
    )
    formulas, cells = libreoffice_cells(tmp_path / "x" / "extract.xlsx", tmp_path)
    # LibreOffice shows a boolean cell (``clean``) as its own TRUE()/FALSE(); no other formula is there, and
    # in the file itself no cell is a formula
    assert set(formulas) <= {"of:=TRUE()", "of:=FALSE()"}, formulas
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "x" / "extract.xlsx")
    assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert "'" + HOSTILE in cells and "'+SUM(A1:A9)" in cells


def _small_disk() -> None:
    """``preexec_fn``: files this process writes stop at 8 KB (EFBIG: as a full disk, for writers)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))


def test_a_full_disk_leaves_no_partial_set_and_no_temporary_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "l.sqlite"
    many = [str(p) for p in sorted(SAMPLES.glob("*.pdf"))]
    assert runner.invoke(app, ["ingest", *many, "--db", str(db), "--workers", "2"]).exit_code in (0, 1, 3)
    for args, out in (
        (["export", "--db", str(db), "--to", str(tmp_path / "e")], tmp_path / "e"),
        (["export", "--db", str(db), "--to", str(tmp_path / "x"), "--format", "xlsx"], tmp_path / "x"),
        (["run", "--csv", str(tmp_path / "r"), *many], tmp_path / "r"),
    ):
        r = subprocess.run(
            [sys.executable, "-m", "extract", *args], capture_output=True, text=True, preexec_fn=_small_disk
        )
        assert r.returncode == 2, (args, r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        assert last == f"{out}: cannot write: File too large", last
        assert sorted(p.name for p in out.iterdir()) == [], args  # no table, no temporary file
    # with room, the same commands write every table
    assert runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "e")]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == sorted(
        f"{t}.csv"
        for t in ("forms", "indicators", "subtotals", "funds_other", "amounts", "checks", "files", "dictionary")
    )


def test_tables_without_rows_keep_their_header(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    letter = tmp_path / "letter.pdf"
    shutil.copy(SAMPLES / "scans" / "blank-page-scan.pdf", letter)  # not a form: no records at all
    runner.invoke(app, ["ingest", str(letter), "--db", str(db), "--workers", "1"])
    assert runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "e")]).exit_code == 0
    for name in ("forms", "indicators", "subtotals", "funds_other", "amounts", "checks"):
        lines = (tmp_path / "e" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 and lines[0].startswith("form_id,"), lines
