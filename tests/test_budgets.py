"""Resource budgets (issue 10, point 4): a compression bomb, a gigabyte of nothing after ``%PDF-``, a page
box of 200 inches, a file past its time or memory: each is one line naming the file and the budget, the
rest of the batch is read, and nothing grows without bound."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.budgets import Budgets, deadline
from extract.cli import app
from extract.errors import BudgetError
from extract.pipeline import extract_document
from extract.settings import Settings

from .conftest import SAMPLES
from .hostile import flate_bomb, huge_page, zeros_after_header

runner = CliRunner()
JINZHONG = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
MiB = 1 << 20


def peak_rss_mb(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI in a child of a fresh wrapper process; its result and peak resident memory (MB, the
    kernel's figure for the wrapper's children only)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:])\n"
        "sys.stderr.write('\\npeak %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "extract", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    err, _, peak = r.stderr.rpartition("\npeak ")
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout, err), int(peak) / 1024


def test_a_compression_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    bomb = flate_bomb(tmp_path / "bomb.pdf", 400 * MiB)  # 400 KB on disk
    good = shutil.copy(JINZHONG, tmp_path / "good.pdf")
    r = subprocess.run(
        [sys.executable, "-m", "extract", "run", "-q", str(bomb), str(good)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 3
    assert r.stderr.strip() == f"{bomb}: its streams inflate to more than 256 MiB (a compression bomb?)"
    assert r.stdout.count('"template"') == 1  # the good file after it is read


def test_the_stream_cap_is_a_setting_and_also_holds_inside_pdfminer(tmp_path: Path) -> None:
    bomb = flate_bomb(tmp_path / "bomb.pdf", 40 * MiB)
    with pytest.raises(BudgetError, match="more than 16 MiB"):
        extract_document(bomb, Settings(budgets=Budgets(inflated_bytes=16 * MiB)))
    # pdfminer's own inflating stops at the cap too (what the file-wide check does not see, e.g. a stream
    # reached only through a damaged cross-reference table)
    import pdfplumber

    from extract.budgets import cap_pdfminer
    from extract.pdf.load import page_objects

    cap_pdfminer(16 * MiB)
    try:
        with pdfplumber.open(bomb) as pdf, pytest.raises(BudgetError, match="more than 16 MiB") as e:
            page_objects(pdf.pages[0], {}, str(bomb), 1)
        assert e.value.one_line() == f"{bomb} p1: a stream inflates to more than 16 MiB (a compression bomb?)"
    finally:
        cap_pdfminer(Budgets().inflated_bytes)


def test_a_bomb_in_a_batch_is_failed_with_the_reason_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    flate_bomb(folder / "bomb.pdf", 300 * MiB)
    shutil.copy(JINZHONG, folder / "good.pdf")
    db = tmp_path / "l.sqlite"
    r = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert r.exit_code == 3, r.output
    with sqlite3.connect(db) as c:
        rows = dict(c.execute("SELECT status, error FROM files").fetchall())
    assert rows["failed"].endswith("bomb.pdf: its streams inflate to more than 256 MiB (a compression bomb?)")
    assert "flagged" in rows  # the Jinzhong form (its narrative does not add up)


def test_nothing_after_the_header_is_refused_in_seconds(tmp_path: Path) -> None:
    junk = zeros_after_header(tmp_path / "zeros.pdf", 256 * MiB)
    t0 = time.perf_counter()
    r, peak = peak_rss_mb(["run", str(junk)])
    seconds = time.perf_counter() - t0
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stderr.strip().startswith(f"{junk}: corrupt or truncated PDF")
    assert seconds < 60 and peak < 500, (seconds, peak)


def test_a_huge_page_is_not_rendered(tmp_path: Path) -> None:
    page = huge_page(tmp_path / "huge.pdf")
    r = runner.invoke(app, ["debug", str(page), "-o", str(tmp_path / "x.png")])
    assert r.exit_code == 3
    assert r.stderr.strip() == (
        f"{page} p1: page is 200 × 200 in; at 110 dpi its image would be 484 Mpx, past the 60 Mpx cap"
    )
    assert not (tmp_path / "x.png").exists()


def test_run_has_a_time_limit_per_file(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    slow = tmp_path / "forty-forms.pdf"  # 40 copies of a form: seconds of work, past a 1.5 s limit
    writer = PdfWriter()
    for _ in range(40):
        for page in PdfReader(JINZHONG).pages:
            writer.add_page(page)
    with slow.open("wb") as f:
        writer.write(f)
    r = runner.invoke(app, ["run", "-q", "--timeout", "1.5", str(slow), str(JINZHONG)])
    assert r.exit_code == 3
    lines = r.stderr.strip().splitlines()
    assert lines == [f"{slow}: timed out after 1.5 s (--timeout)"]
    assert r.stdout.count('"template"') == 1  # the next file is read
    for bad in ("0", "-1", "nan", "inf"):
        assert runner.invoke(app, ["run", "--timeout", bad, str(JINZHONG)]).exit_code == 2


def test_deadline_interrupts_python_code() -> None:
    from extract.budgets import FileTimeout

    t0 = time.perf_counter()
    with pytest.raises(FileTimeout), deadline(0.2):
        while True:
            pass
    assert time.perf_counter() - t0 < 2


def test_a_worker_past_its_memory_budget_fails_the_file_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    flate_bomb(folder / "big.pdf", 200 * MiB)  # under the stream cap, but its page needs ~400 MB to parse
    shutil.copy(JINZHONG, folder / "good.pdf")
    db = tmp_path / "l.sqlite"
    r = subprocess.run(
        [sys.executable, "-m", "extract", "ingest", str(folder), "--db", str(db), "--workers=1", "--max-memory=300"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    with sqlite3.connect(db) as c:
        rows = dict(c.execute("SELECT status, error FROM files").fetchall())
    assert "memory budget" in rows["failed"] and "big.pdf" in rows["failed"], rows
    assert "flagged" in rows
    small = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--max-memory", "100"])
    assert small.exit_code == 2
