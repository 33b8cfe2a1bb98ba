"""Process hygiene and stable inputs (issue 10, points 3, 6, 7): Ctrl-C and SIGTERM stop an ingest within a
second with one line and exit 130; workers die with their parent; files and folders that cannot be read
are ledger rows and stderr lines; a file that changes while it is read is never stored twice."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.errors import ChangedFileError
from extract.ingest.ledger import Ledger
from extract.ingest.runner import IngestSettings, Task, ingest, read_one
from extract.pdf.load import load, sha256_of
from extract.settings import Settings

from .conftest import SAMPLES
from .hostile import without_dac_override

JINZHONG = SAMPLES / "jinzhong-2021-justice-bureau.pdf"
SCANS = sorted((SAMPLES / "scans").glob("*scan*.pdf"))


def slow_archive(tmp_path: Path) -> Path:
    """Scans: each takes seconds to read, so an ingest is still at work when it is stopped."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i, scan in enumerate(SCANS * 2):
        data = scan.read_bytes() + b"\n%" + str(i).encode() + b"\n"  # distinct bytes: no file is a duplicate
        (folder / f"{i:02d}-{scan.name}").write_bytes(data)
    return folder


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal's job has it: a test run launched in the background of a script (``cmd &``)
    ignores SIGINT, its children inherit that, and Python then installs no KeyboardInterrupt for it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_ingest(folder: Path, db: Path) -> subprocess.Popen[str]:
    p = subprocess.Popen(
        [sys.executable, "-m", "extract", "ingest", str(folder), "--db", str(db), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job is
        preexec_fn=_as_from_a_terminal,
    )
    deadline = time.monotonic() + 60
    while len([c for c in children(p.pid) if alive(c)]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # workers have imported and are reading
    return p


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and pgrep")
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_ingest_stops_at_once_with_one_line(tmp_path: Path, how: str) -> None:
    db = tmp_path / "l.sqlite"
    p = start_ingest(slow_archive(tmp_path), db)
    workers = children(p.pid)
    t0 = time.monotonic()
    if how == "ctrl-c":
        os.killpg(p.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole foreground group
    else:
        p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=30)
    took = time.monotonic() - t0
    assert p.returncode == 130, err
    assert took < 1.5, took
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == f"{db}: interrupted; what was read is in the ledger, a rerun reads the rest"
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)]
    with sqlite3.connect(db) as c:  # the ledger is whole: a rerun reads the rest
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and pgrep")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    p = start_ingest(slow_archive(tmp_path), tmp_path / "l.sqlite")
    workers = [c for c in children(p.pid) if alive(c)]
    assert len(workers) >= 2
    p.kill()  # kill -9 of the parent alone: nothing of it runs to stop them
    p.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if alive(w)]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_files_and_folders_are_rows_and_lines(tmp_path: Path) -> None:
    top = tmp_path / "archive"
    (top / "open").mkdir(parents=True)
    (top / "closed").mkdir()
    shutil.copy(JINZHONG, top / "open" / "good.pdf")
    shutil.copy(JINZHONG, top / "closed" / "hidden.pdf")
    locked = top / "open" / "locked.pdf"
    locked.write_bytes(SAMPLES.joinpath("jinzhong-2022-audit-bureau.pdf").read_bytes())
    (top / "open" / "gone.pdf").symlink_to(top / "nowhere.pdf")
    locked.chmod(0o000)
    (top / "closed").chmod(0o000)
    tmp_path.chmod(0o755)  # the child below must reach its files
    db = tmp_path / "l.sqlite"
    try:
        r = subprocess.run(
            [sys.executable, "-m", "extract", "ingest", str(top), "--db", str(db), "--workers", "1"],
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=without_dac_override,
        )
    finally:
        locked.chmod(0o644)
        (top / "closed").chmod(0o755)
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    assert "failed 3" in r.stderr.splitlines()[-1], r.stderr
    with sqlite3.connect(db) as c:
        errors = sorted(e for (e,) in c.execute("SELECT error FROM files WHERE status = 'failed'"))
        paths = {p for (p,) in c.execute("SELECT path FROM paths")}
    assert errors == [
        f"{top / 'closed'}: folder cannot read it (Permission denied)",
        f"{top / 'open' / 'gone.pdf'}: a link to nothing (dangling symbolic link)",
        f"{top / 'open' / 'locked.pdf'}: cannot read it (Permission denied)",
    ]
    assert str(locked) in paths and str(top / "closed") in paths
    # readable again: the rerun reads them and the failures are gone
    r = subprocess.run(
        [sys.executable, "-m", "extract", "ingest", str(top), "--db", str(db), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT status, COUNT(*) FROM files GROUP BY status").fetchall()
    assert dict(rows) == {"flagged": 1, "ok": 1, "failed": 1}, (rows, r.stderr)  # the dangling link stays


def test_a_file_that_changed_since_it_was_hashed_is_failed_not_stored(tmp_path: Path) -> None:
    pdf = tmp_path / "in" / "copying.pdf"
    pdf.parent.mkdir()
    whole = JINZHONG.read_bytes()
    pdf.write_bytes(whole[: len(whole) // 2])  # hashed while the copy was half done …
    partial = sha256_of(pdf)
    pdf.write_bytes(whole)  # … read once it was complete
    result = read_one(Task(partial, len(whole) // 2, str(pdf)), Settings())
    assert result.status == "failed" and not result.records
    assert result.error == f"{pdf}: " + ChangedFileError.reason
    # in a ledger: the failure under the partial hash, then a rerun finds the whole file
    db = tmp_path / "l.sqlite"
    ledger = Ledger(db)
    ledger.see([(str(pdf), partial)])
    ledger.write(result)
    ledger.close()
    ingest([str(pdf.parent)], db, Settings(), IngestSettings(workers=1))
    with sqlite3.connect(db) as c:
        files = c.execute("SELECT sha256, status FROM files").fetchall()
        records = c.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert files == [(sha256_of(pdf), "flagged")] and records == 1  # once, under the bytes it holds


def test_a_file_that_changes_while_it_is_read_is_caught(tmp_path: Path) -> None:
    pdf = shutil.copy(JINZHONG, tmp_path / "growing.pdf")
    loaded = load(pdf)
    try:
        loaded.check_unchanged()
        with open(pdf, "ab") as f:
            f.write(b"\n% more bytes arrive\n")
        with pytest.raises(ChangedFileError):
            loaded.check_unchanged()
    finally:
        loaded.close()
