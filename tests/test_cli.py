"""The command line: exit codes, one-line errors for every kind of bad input, JSON Lines, CSV files."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app

from .conftest import JINZHONG, SAMPLES

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    data = JINZHONG.read_bytes()
    cases: dict[str, tuple[Path, str]] = {}
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    cases["empty"] = (empty, "empty file")
    html = tmp_path / "page.pdf"
    html.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    cases["html"] = (html, "not a PDF")
    text = tmp_path / "notes.pdf"
    text.write_text("just some text, not a pdf at all", encoding="utf-8")
    cases["not_pdf"] = (text, "not a PDF")
    trunc = tmp_path / "truncated.pdf"
    trunc.write_bytes(data[: len(data) // 3])
    cases["truncated"] = (trunc, "corrupt")
    cases["missing"] = (tmp_path / "nope.pdf", "no such file")
    cases["directory"] = (tmp_path, "not a regular file")
    return cases


def test_clean_sample_exits_0() -> None:
    clean = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
    r = invoke("run", str(clean))
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert all(c["status"] != "fail" for c in rec["checks"]) and rec["review"] == []


def test_failed_check_exits_1_and_prints_json_lines() -> None:
    r = invoke("run", str(JINZHONG), str(SAMPLES / "jinzhong-2022-audit-bureau.pdf"))
    assert r.exit_code == 1
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["form"]["unit_name"] == "晋中市司法局"
    assert [c["id"] for c in first["checks"] if c["status"] == "fail"] == ["text_expenditure_by_function"]


def test_usage_error_exits_2() -> None:
    assert invoke("run").exit_code == 2
    assert invoke("run", "--no-such-option", str(JINZHONG)).exit_code == 2


def test_bad_template_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\nkind: department\n", encoding="utf-8")
    r = invoke("run", "--templates", str(tmp_path), str(JINZHONG))
    assert r.exit_code == 2
    assert "broken.yaml" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("case", ["empty", "html", "not_pdf", "truncated", "missing"])
def test_bad_input_one_line_and_exit_3_batch_goes_on(tmp_path: Path, case: str) -> None:
    path, reason = bad_inputs(tmp_path)[case]
    r = invoke("run", "-q", str(path), str(JINZHONG))
    assert r.exit_code == 3
    err = r.stderr.strip().splitlines()
    assert len(err) == 1, r.stderr
    assert err[0].startswith(str(path)) and reason in err[0]
    assert "Traceback" not in r.stderr
    # the good file after the bad one was still processed
    assert json.loads(r.stdout.strip().splitlines()[0])["form"]["unit_name"] == "晋中市司法局"


def test_encrypted_pdf(tmp_path: Path) -> None:
    from tests.pdfs import encrypt

    enc = encrypt(JINZHONG, tmp_path / "locked.pdf", "secret")
    r = invoke("run", "-q", str(enc))
    assert r.exit_code == 3
    assert (
        r.stderr.strip()
        == f"{enc}: encrypted PDF: it needs a password; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)"
    )


def test_pdf_without_a_form(tmp_path: Path) -> None:
    from tests.pdfs import text_pdf

    other = text_pdf(tmp_path / "letter.pdf", "关于做好2021年度预算公开工作的通知")
    r = invoke("run", "-q", str(other))
    assert r.exit_code == 3
    assert r.stderr.strip() == f"{other}: no known form found (no template matches any page)"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from tests.pdfs import blank_pdf

    blank = blank_pdf(tmp_path / "blank.pdf")
    r = invoke("run", "-q", str(blank))
    assert r.exit_code == 3
    assert "no text layer" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_csv_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [JINZHONG, SAMPLES / "jinzhong-2022-audit-bureau.pdf"]
    r = invoke("run", *map(str, files), "--csv", str(out))
    assert r.exit_code == 1
    for name in ("forms", "indicators", "checks"):
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv must start with a UTF-8 BOM for Excel"
    forms = list(csv.DictReader(io.StringIO((out / "forms.csv").read_text(encoding="utf-8-sig"))))
    assert len(forms) == 2
    jz = forms[0]
    assert jz["form.unit_name"] == "晋中市司法局"
    assert jz["budget.execution"] == "1121.69" and jz["budget.initial_budget"] == "965.40"
    assert jz["failed_checks"] == "text_expenditure_by_function"
    assert forms[1]["failed_checks"] == ""
    assert jz["source.path"] == str(JINZHONG.absolute()) and jz["form.fiscal_year"] == "2021"
    inds = list(csv.DictReader(io.StringIO((out / "indicators.csv").read_text(encoding="utf-8-sig"))))
    assert len([i for i in inds if i["form_id"] == jz["form_id"]]) == 26
    assert inds[3]["level3"] == "“三公经费”变" and inds[3]["level3_canonical"] == "“三公经费”变动率"
    checks = list(csv.DictReader(io.StringIO((out / "checks.csv").read_text(encoding="utf-8-sig"))))
    fn = next(c for c in checks if c["id"] == "text_expenditure_by_function" and c["form_id"] == jz["form_id"])
    assert (fn["status"], fn["difference"], fn["unit"]) == ("fail", "3000.00", "元")


def test_csv_not_written_over_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("user data", encoding="utf-8")
    r = invoke("run", "-q", str(JINZHONG), "--csv", str(target))
    assert r.exit_code == 2
    assert target.read_text(encoding="utf-8") == "user data"
    assert len(r.stderr.strip().splitlines()) == 1


def test_input_files_untouched(tmp_path: Path) -> None:
    p = tmp_path / JINZHONG.name
    shutil.copy(JINZHONG, p)
    before = p.read_bytes()
    invoke("run", str(p), "--csv", str(tmp_path / "out"))
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [JINZHONG.name, "out"]


def test_subprocess_smoke() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "extract", "run", str(JINZHONG)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 1
    assert json.loads(r.stdout)["budget"]["execution"] == 1121.69
