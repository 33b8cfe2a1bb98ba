"""Bulk ingest: every file in the ledger with the right status, duplicates read once, resumable after a
real kill, two ingests at once, a Dask cluster giving the same records, exports for analysts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from extract.ingest.ledger import Ledger
from extract.ingest.runner import IngestSettings, ingest
from extract.settings import Settings

from .conftest import JINZHONG, SAMPLES
from .pdfs import encrypt, text_pdf

pytestmark = pytest.mark.slow

TEXT = ["jinzhong-2022-audit-bureau.pdf", "jinzhong-2021-unbalanced-budget.pdf", "chizhou-2022-village-funds.pdf"]


def make_big(dst: Path, pages: int = 200) -> Path:
    """A 200-page final-accounts PDF: 197 narrative and budget-table pages, then two forms (3 pages)."""
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(SAMPLES / "huaiyuan-2022-agriculture-final-accounts.pdf")
    w = PdfWriter()
    for i in range(pages - 3):
        w.add_page(src.pages[i % 32])
    for k in (32, 33, 34):
        w.add_page(src.pages[k])
    with dst.open("wb") as f:
        w.write(f)
    return dst


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("archive")
    (d / "sub").mkdir()
    for name in TEXT:
        shutil.copy(SAMPLES / name, d / name)
    shutil.copy(SAMPLES / TEXT[0], d / "sub" / "same-bytes-other-name.pdf")
    shutil.copy(SAMPLES / "scans" / "chizhou-2022-village-funds-scan300.pdf", d / "sub" / "scanned.pdf")
    data = JINZHONG.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    encrypt(JINZHONG, d / "encrypted.pdf", "secret")
    (d / "zero.pdf").write_bytes(b"")
    (d / "download.pdf").write_text("<!DOCTYPE html><html><body>503</body></html>", encoding="utf-8")
    text_pdf(d / "letter.pdf", "关于做好2021年度部门决算公开工作的通知")
    make_big(d / "sub" / "final-accounts-200.pdf")
    (d / "notes.txt").write_text("not a pdf, not picked up", encoding="utf-8")
    return d


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def status_by_path(db: Path) -> dict[str, tuple[str, str | None, int]]:
    got = rows(db, "SELECT p.path, f.status, f.error, f.forms FROM paths p JOIN files f ON f.sha256 = p.sha256")
    return {Path(p).name: (s, e, n) for p, s, e, n in got}


@pytest.fixture(scope="module")
def ingested(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "extract.sqlite"
    run = ingest([str(archive)], db, Settings(), IngestSettings(workers=2, timeout=300))
    counts, missing = run.counts, run.missing
    assert missing == []
    assert sum(counts.values()) == 10  # 11 PDFs, one of them the same bytes as another
    return db


def test_every_file_in_the_ledger_with_its_status(ingested: Path) -> None:
    got = status_by_path(ingested)
    assert set(got) == {
        "jinzhong-2022-audit-bureau.pdf",
        "jinzhong-2021-unbalanced-budget.pdf",
        "chizhou-2022-village-funds.pdf",
        "same-bytes-other-name.pdf",
        "scanned.pdf",
        "truncated.pdf",
        "encrypted.pdf",
        "zero.pdf",
        "download.pdf",
        "letter.pdf",
        "final-accounts-200.pdf",
    }
    assert got["jinzhong-2022-audit-bureau.pdf"] == ("ok", None, 1)
    assert got["same-bytes-other-name.pdf"] == got["jinzhong-2022-audit-bureau.pdf"]
    assert got["jinzhong-2021-unbalanced-budget.pdf"][0] == "flagged"  # budget_balance fails
    assert got["chizhou-2022-village-funds.pdf"][0] == "flagged"
    assert got["scanned.pdf"][0] == "flagged" and got["scanned.pdf"][2] == 1
    assert got["final-accounts-200.pdf"][0] == "flagged" and got["final-accounts-200.pdf"][2] == 2
    for name, reason in [
        ("truncated.pdf", "corrupt"),
        ("encrypted.pdf", "encrypted PDF"),
        ("zero.pdf", "empty"),
        ("download.pdf", "not a PDF"),
    ]:
        status, error, forms = got[name]
        assert (status, forms) == ("failed", 0) and error is not None
        assert reason in error and "\n" not in error and name in error
    assert got["letter.pdf"][0] == "not_a_form" and "no known form" in (got["letter.pdf"][1] or "")
    scanned = rows(ingested, "SELECT method, ocr_engine, pages FROM files WHERE status='flagged' AND method='ocr'")
    assert scanned == [("ocr", "rapidocr", 1)]
    assert rows(ingested, "SELECT pages FROM files WHERE forms = 2") == [(200,)]


def test_rerun_reads_only_failed_files_and_force_reads_again(archive: Path, ingested: Path) -> None:
    counts = ingest([str(archive / "*.pdf")], ingested, Settings(), IngestSettings(workers=2)).counts
    # what was read to an end is not read again; the files that failed are (and fail again, still counted)
    assert counts == {"ok": 0, "flagged": 0, "failed": 4, "not_a_form": 0}
    assert rows(ingested, "SELECT COUNT(*) FROM files WHERE status = 'failed' AND attempts = 2") == [(4,)]
    counts = ingest([str(archive / "letter.pdf")], ingested, Settings(), IngestSettings(workers=1, force=True)).counts
    assert counts["not_a_form"] == 1
    assert rows(ingested, "SELECT attempts FROM files WHERE status = 'not_a_form'") == [(2,)]


def test_a_file_past_the_timeout_fails_and_the_batch_goes_on(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    files = [str(archive / "sub" / "scanned.pdf"), str(archive / TEXT[0])]
    ingest(files, db, Settings(), IngestSettings(workers=1, timeout=2.0))
    got = status_by_path(db)
    assert got["scanned.pdf"][0] == "failed" and "timed out after 2 s" in (got["scanned.pdf"][1] or "")
    assert got[TEXT[0]] == ("ok", None, 1)


def _table(db: Path) -> tuple[list[tuple], list[tuple]]:
    files = rows(db, "SELECT sha256, size, pages, status, error, method, ocr_engine, forms FROM files ORDER BY sha256")
    recs = rows(db, "SELECT sha256, idx, template, clean, record FROM records ORDER BY sha256, idx")
    return files, recs


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "extract", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_killed_ingest_resumes_to_the_same_database(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in [
        *TEXT,
        "anhui-2022-county-agriculture-bureau-dept.pdf",
        "sichuan-2022-rural-roads.pdf",
        "jinzhong-2021-number-formats.pdf",
        "jinzhong-2021-justice-bureau.pdf",
    ]:
        shutil.copy(SAMPLES / name, folder / name)
    shutil.copy(SAMPLES / "scans" / "jinzhong-2022-audit-bureau-scan200.pdf", folder / "z-scan.pdf")
    whole = tmp_path / "whole.sqlite"
    assert _cli("ingest", str(folder), "--db", str(whole), "--workers", "1").wait(timeout=600) in (0, 1)
    killed = tmp_path / "killed.sqlite"
    proc = _cli("ingest", str(folder), "--db", str(killed), "--workers", "1")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if killed.exists() and rows(killed, "SELECT count(*) FROM sqlite_master WHERE name='files'")[0][0]:
            done = rows(killed, "SELECT count(*) FROM files")[0][0]
            if done >= 2:
                break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, as kill -9 would
    proc.wait()
    partial = rows(killed, "SELECT count(*) FROM files")[0][0]
    assert 2 <= partial < 8
    assert _cli("ingest", str(folder), "--db", str(killed), "--workers", "1").wait(timeout=600) in (0, 1)
    assert _table(killed) == _table(whole)
    assert rows(killed, "PRAGMA integrity_check") == [("ok",)]


def test_two_ingests_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in TEXT:
        shutil.copy(SAMPLES / name, folder / name)
    db = tmp_path / "shared.sqlite"
    Ledger(db).close()  # create it first, as a user's earlier run would have
    a = _cli("ingest", str(folder), "--db", str(db), "--workers", "1")
    b = _cli("ingest", str(folder), "--db", str(db), "--workers", "1")
    assert a.wait(timeout=300) in (0, 1) and b.wait(timeout=300) in (0, 1)
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT count(*), count(DISTINCT sha256) FROM files") == [(3, 3)]
    assert rows(db, "SELECT count(*) FROM records") == [(3,)]


def test_dask_cluster_gives_the_same_records(tmp_path: Path) -> None:
    from distributed import LocalCluster

    folder = tmp_path / "in"
    folder.mkdir()
    for name in TEXT:
        shutil.copy(SAMPLES / name, folder / name)
    local = tmp_path / "local.sqlite"
    ingest([str(folder)], local, Settings(), IngestSettings(workers=1))
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        ingest([str(folder)], tmp_path / "dask.sqlite", Settings(), IngestSettings(scheduler=cluster.scheduler_address))
    finally:
        cluster.close()
    assert _table(tmp_path / "dask.sqlite") == _table(local)


def test_dask_cluster_takes_relative_paths_and_keeps_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    from extract.ingest.runner import Task, read_on_cluster

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / TEXT[0], folder / "a.pdf")
    shutil.copy(SAMPLES / "scans" / "jinzhong-2021-justice-bureau-scan200.pdf", folder / "slow.pdf")
    # the workers start in this folder; the relative path is given from another one
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        monkeypatch.chdir(tmp_path)
        db = Path("dask.sqlite")
        run = ingest(["in"], db, Settings(), IngestSettings(scheduler=cluster.scheduler_address, timeout=3))
    finally:
        cluster.close()
    assert run.counts["failed"] == 1 and run.counts["ok"] + run.counts["flagged"] == 1  # 12/12 failed before
    errors = rows(tmp_path / "dask.sqlite", "SELECT error FROM files WHERE status = 'failed'")
    assert errors == [(f"{folder / 'slow.pdf'}: timed out after 3 s",)]  # the OCR file, past its 3 s
    gone = read_on_cluster(Task("0" * 64, 1, str(tmp_path / "elsewhere.pdf")), Settings(), 60)
    assert gone.status == "failed" and "not found on the Dask worker" in (gone.error or "")


def test_export_tables(ingested: Path, tmp_path: Path) -> None:
    import openpyxl
    import pandas as pd

    from extract.ingest.tables import write

    ledger = Ledger(ingested)
    try:
        csvs = write(ledger, tmp_path / "csv", "csv")
        xlsx = write(ledger, tmp_path / "x", "xlsx")[0]
        parquet = write(ledger, tmp_path / "p", "parquet")
        jsonl = write(ledger, tmp_path / "j", "jsonl")
    finally:
        ledger.close()
    tables = ["forms", "indicators", "subtotals", "funds_other", "amounts", "checks", "files", "dictionary"]
    assert [p.name for p in csvs] == [f"{t}.csv" for t in tables]
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csvs)
    files = pd.read_csv(tmp_path / "csv" / "files.csv", encoding="utf-8-sig", dtype=str)
    assert len(files) == 10 and (files["status"] == "failed").sum() == 4
    assert files["finished_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()  # ISO 8601, UTC
    forms = pd.read_csv(tmp_path / "csv" / "forms.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(forms) == 6  # audit (read once for two names), unbalanced, chizhou, its scan, two in the 200 pages
    assert forms["form_id"].is_unique and set(files["form_ids"].str.split(";").explode().dropna()) == set(
        forms["form_id"]
    )
    # the village-funds form read from its text layer and from its scan counts once: the scan repeats it
    chizhou = forms[forms["name"].str.contains("村级", na=False)]
    text = chizhou[chizhou["source.method"] == "text"]
    scan = chizhou[chizhou["source.method"] == "ocr"]
    assert len(text) == 1 and len(scan) == 1
    assert text["duplicate_of"].item() == "" and scan["duplicate_of"].item() == text["form_id"].item()
    assert (forms["duplicate_of"] != "").sum() == 1
    assert forms["form.fiscal_year"].isin(["2021", "2022"]).all()  # years as integers, never 2021.0
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == tables
    assert all(wb[s].freeze_panes == "A2" for s in wb.sheetnames)
    assert all(wb[s].auto_filter.ref for s in wb.sheetnames)
    assert wb["files"].column_dimensions["A"].width >= 20
    sheet = wb["forms"]
    head = [c.value for c in sheet[1]]
    row = int(text.index[0]) + 2  # the chizhou text form's row in the sheet (a header row, then the forms)
    cell = sheet.cell(row=row, column=head.index("funds.rows.fiscal_appropriation.full_year_budget") + 1)
    # a number, shown with the decimals it was printed with (132.912)
    assert cell.value == 132.912 and cell.number_format == "0.000"
    import pyarrow.parquet as pq

    assert str(pq.read_schema(parquet[0]).field("budget.execution").type).startswith("decimal128")
    back = pd.read_parquet(parquet[0])  # exact decimals back, never floats
    assert len(back) == 6 and Decimal("1118.52") in set(back["budget.execution"])
    records = [json.loads(line) for line in jsonl[0].read_text(encoding="utf-8").splitlines()]
    assert [p.name for p in jsonl] == ["records.jsonl", "files.jsonl", "dictionary.csv"]
    assert len(records) == 6 and all(r["template"] and r["form_id"] and r["provenance"] for r in records)
    assert len(jsonl[1].read_text(encoding="utf-8").splitlines()) == 10


def test_cli_ingest_status_export(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extract.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / TEXT[0], folder / "a.pdf")
    (folder / "b.pdf").write_text("<html></html>", encoding="utf-8")
    db = tmp_path / "l.sqlite"
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(folder), str(tmp_path / "nothing-here"), "--db", str(db), "--workers", "1"])
    assert r.exit_code == 3  # a file failed, and an argument matched nothing
    assert f"{tmp_path / 'nothing-here'}: no such file or folder, or no PDF in it" in r.stderr
    assert "1/2 files" not in r.stderr.splitlines()[-1] and "ok 1" in r.stderr and "failed 1" in r.stderr
    s = runner.invoke(app, ["status", "--db", str(db)])
    assert s.exit_code == 0 and "2 files — ok 1, flagged 0, failed 1, not_a_form 0" in s.stdout
    assert "b.pdf: not a PDF" in s.stdout
    e = runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "out"), "--format", "xlsx"])
    assert e.exit_code == 0 and (tmp_path / "out" / "extract.xlsx").is_file()
    bad = runner.invoke(app, ["export", "--db", str(db), "--to", str(tmp_path / "out"), "--format", "docx"])
    assert bad.exit_code == 2 and "unknown format 'docx'" in bad.stderr
    missing = runner.invoke(app, ["status", "--db", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2 and not (tmp_path / "none.sqlite").exists()
