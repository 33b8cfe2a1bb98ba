"""The command line as users expect it: --version, -h, completion, -q/-v, folders and --jobs and --pages for
``run``, outputs checked before any work, --templates and --retry-failed for ``ingest``, closing summaries,
progress lines with time stamps, ``status --json``; every failure one line, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract import __version__
from extract.cli import app
from extract.errors import SettingsError

from .conftest import JINZHONG, ROOT, SAMPLES

runner = CliRunner()
AUDIT = SAMPLES / "jinzhong-2022-audit-bureau.pdf"
BUNDLE = SAMPLES / "guichi-2022-project-bundle.pdf"


def cli(*args: str):
    return runner.invoke(app, list(args))


def one_line(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.output
    return str(lines[0])


def test_version_help_and_completion() -> None:
    v = cli("--version")
    assert v.exit_code == 0 and v.stdout.strip() == f"extract {__version__}"
    for args in (["-h"], ["--help"], ["run", "-h"], ["ingest", "-h"]):
        h = cli(*args)
        assert h.exit_code == 0 and "Usage:" in h.stdout, args
    assert "--install-completion" in cli("-h").stdout
    assert "--jobs" in cli("run", "-h").stdout and "--pages" in cli("run", "-h").stdout
    assert "--retry-failed" in cli("ingest", "-h").stdout and "--templates" in cli("ingest", "-h").stdout


def test_run_says_which_forms_were_flagged_and_sums_up() -> None:
    r = cli("run", str(JINZHONG), str(AUDIT))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0] == f"{JINZHONG} p1-2: flagged: failed text_expenditure_by_function"
    assert lines[-1] == "2 files: 2 forms read, 1 clean, 1 flagged (checks failed: text_expenditure_by_function 1)"
    quiet = cli("run", "-q", str(JINZHONG), str(AUDIT))
    assert quiet.exit_code == 1 and quiet.stderr == "" and quiet.stdout == r.stdout


def test_run_reads_folders_and_the_same_with_jobs(tmp_path: Path) -> None:
    folder = tmp_path / "in" / "deeper"
    folder.mkdir(parents=True)
    for pdf in (JINZHONG, AUDIT, BUNDLE):
        shutil.copy(pdf, folder / pdf.name)
    (folder / "notes.txt").write_text("not a pdf, not looked at", encoding="utf-8")
    one = cli("run", "-q", str(tmp_path / "in"))
    two = cli("run", "-q", "--jobs", "2", str(tmp_path / "in"))
    assert one.exit_code == two.exit_code == 1
    records = [json.loads(line) for line in one.stdout.splitlines()]
    assert len(records) == 8 and one.stdout == two.stdout  # the same records, in the same order
    assert cli("run", "--jobs", "0", str(JINZHONG)).exit_code == 2


def test_run_reads_only_the_pages_asked_for() -> None:
    r = cli("run", "-q", "--pages", "2-3", str(BUNDLE))
    assert [json.loads(line)["source"]["form_pages"] for line in r.stdout.splitlines()] == [[2], [3]]
    bad = cli("run", "--pages", "3-1", str(BUNDLE))
    assert bad.exit_code == 2 and "--pages" in bad.stderr and "Traceback" not in bad.output
    cut = json.loads(cli("run", "-q", "--pages", "1", str(JINZHONG)).stdout)  # the form goes on to page 2
    assert cut["source"]["form_pages"] == [1] and "source.form_pages" in cut["review"]  # flagged, never clean
    whole = json.loads(cli("run", "-q", "--pages", "1-2", str(JINZHONG)).stdout)
    assert "source.form_pages" not in whole["review"]
    past = cli("run", "-q", "--pages", "9", str(JINZHONG))
    assert past.exit_code == 3
    assert one_line(past) == f"{JINZHONG}: no page 9 in this file (it has 2 pages; --pages)"


def test_outputs_are_checked_before_any_work(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    for folder in (taken, Path("/proc/no/such/place")):
        r = cli("run", "--csv", str(folder), str(JINZHONG))
        assert r.exit_code == 2 and r.stdout == "", folder  # refused before a record was read
        assert one_line(r).startswith(str(folder))
    d = cli("debug", str(JINZHONG), "-o", str(tmp_path / "missing" / "dir" / "x.png"))
    assert d.exit_code == 2
    assert one_line(d) == f"{tmp_path / 'missing' / 'dir' / 'x.png'}: no such folder to write into"


@pytest.mark.parametrize("command", ["status", "export"])
def test_a_file_that_is_not_a_ledger_is_one_line(command: str, tmp_path: Path) -> None:
    r = cli(command, "--db", str(ROOT / "README.md"), *(["--to", str(tmp_path)] if command == "export" else []))
    assert r.exit_code == 2
    assert one_line(r) == f"{ROOT / 'README.md'}: damaged or not a ledger (file is not a database)"


def test_ingest_of_nothing_makes_no_ledger(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    r = cli("ingest", str(tmp_path / "nosuch"), "--db", str(db))
    assert r.exit_code == 3 and not db.exists()
    assert f"{tmp_path / 'nosuch'}: no such file or folder, or no PDF in it" in r.stderr


def test_ingest_templates_retry_failed_summary_and_progress(tmp_path: Path) -> None:
    from tests.pdfs import text_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(JINZHONG, folder / "a.pdf")
    text_pdf(folder / "letter.pdf", "关于做好2021年度预算公开工作的通知")
    db = tmp_path / "l.sqlite"
    first = cli("ingest", str(folder), "--db", str(db), "-j", "1")
    assert first.exit_code == 1
    lines = first.stderr.strip().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d "  # not a terminal: time-stamped lines
    assert all(re.match(stamp, line) for line in lines[:-1]) and "2/2 files" in lines[-2]
    assert lines[-1] == (
        f"{db}: this run read 2 files (ok 0, flagged 1, not_a_form 1), failed 0, skipped 0 already in the ledger; "
        "1 forms, checks failed: text_expenditure_by_function 1"
    )
    again = cli("ingest", str(folder), "--db", str(db), "-j", "1")
    assert "skipped 2 already in the ledger" in again.stderr.strip().splitlines()[-1]
    retry = cli("ingest", str(folder), "--db", str(db), "-j", "1", "--retry-failed")
    assert "read 1 files (ok 0, flagged 0, not_a_form 1), failed 0, skipped 1" in retry.stderr
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "broken.yaml").write_text("id: broken\nkind: department\n", encoding="utf-8")
    t = cli("ingest", str(folder), "--db", str(db), "--templates", str(broken))
    assert t.exit_code == 2 and "broken.yaml" in t.stderr and "Traceback" not in t.output
    both = cli("ingest", str(folder), "--db", str(db), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert both.exit_code == 2 and "--workers" in both.stderr


def test_status_json_lists_the_flagged_forms_with_their_checks(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    assert cli("ingest", "-q", str(JINZHONG), str(AUDIT), "--db", str(db), "-j", "1").exit_code == 1
    r = cli("status", "--db", str(db), "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["counts"] == {"ok": 1, "flagged": 1, "failed": 0, "not_a_form": 0}
    (flagged,) = data["flagged"]
    assert flagged["path"] == str(JINZHONG) and flagged["pages"] == [1, 2] and flagged["review"] == []
    assert flagged["failed_checks"] == [
        {
            "id": "text_expenditure_by_function",
            "expected": 11216943.56,
            "actual": 11213943.56,
            "difference": 3000.0,
            "unit": "元",
        }
    ]
    assert data["checks_failing"] == {"text_expenditure_by_function": 1}


def test_bad_settings_are_usage_errors() -> None:
    from extract.settings import OcrSettings, PageSettings, PrepSettings

    with pytest.raises(SettingsError, match="did you mean 'snap_tolerance'"):
        PageSettings(table={"snap_tolerence": 2})
    with pytest.raises(SettingsError, match=r"PrepSettings\.dpi must be from 50 to 1200, not -5"):
        OcrSettings(prep=PrepSettings(dpi=-5))
    with pytest.raises(SettingsError, match="unknown OCR engine 'easyocr'"):
        OcrSettings(engine="easyocr")
    assert SettingsError("x").exit_code == 2
    r = cli("run", "--ocr", "easyocr", str(JINZHONG))
    assert r.exit_code == 2 and "unknown OCR engine 'easyocr'" in r.stderr and "Traceback" not in r.output


def test_no_environment_variable_is_set_on_import() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import os; before = dict(os.environ); import extract.cli, extract.pipeline, extract.scan.ocr.base; "
        "print(sorted(set(os.environ.items()) ^ set(before.items())))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


class _Terminal:
    """A stream that says it is a terminal, and keeps what was drawn."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_the_progress_bar_fits_80_columns_and_moves_during_a_long_file() -> None:
    import time

    from extract.cli_progress import IngestProgress
    from extract.ingest.ledger import FileResult
    from extract.ingest.runner import Task

    term = _Terminal()
    progress = IngestProgress(term)  # type: ignore[arg-type]
    progress.planned(3, 10.0, 0)
    progress.finished(FileResult("a" * 64, 1, "ok"), 1.0)  # a cheap file done
    progress.started(Task("b" * 64, 1, "/archive/a-very-long-scanned-final-accounts-document-2022.pdf", 8.0))
    time.sleep(1.3)  # a long OCR file: the bar is redrawn meanwhile
    progress.close()
    frames = [p[1:] for p in term.parts if p.startswith("\r") and p.strip()]
    assert len(frames) >= 3
    assert all(len(f.rstrip("\n")) <= 79 for f in frames)  # never wraps on an 80-column terminal
    assert "a-very-long-scanned-f…" in frames[-2] and "1/3" in frames[-2]
    assert len({f.split()[2] for f in frames}) >= 2  # the elapsed time moves with nothing finished
    # the ETA is weighted: 1 of 10 units done, so about 9 times the time taken so far is left
    eta = progress.eta(progress.start + 2.0)
    assert eta is not None and 17.0 < eta < 19.0


def test_verbose_logs_what_was_read_and_quiet_says_nothing() -> None:
    v = cli("run", "-v", str(JINZHONG))
    assert v.exit_code == 1
    assert (
        f"INFO extract.pipeline: {JINZHONG}: 2 pages, 2 read in full (0 by OCR), 1 forms: dept-overall-shanxi p1-2"
        in v.stderr
    )
    assert "INFO" not in cli("run", str(JINZHONG)).stderr


def test_an_error_deep_in_a_stage_names_the_file_and_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stage that raises without knowing the file (an OCR engine, a grid) is named by the pipeline."""
    import extract.pdf.pages as pages
    from extract.errors import OcrError

    def broken(*args: object, **kwargs: object) -> None:
        raise OcrError("the recogniser gave up")

    monkeypatch.setattr(pages, "read_page", broken)
    r = cli("run", "-q", str(JINZHONG))
    assert r.exit_code == 3
    assert one_line(r) == f"{JINZHONG} p1: the recogniser gave up"
