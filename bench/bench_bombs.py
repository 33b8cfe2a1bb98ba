"""Hostile inputs under the resource budgets: time and peak memory of each case (issue 10).

    python bench/bench_bombs.py [--big]

Cases (made in a temporary folder by ``tests/hostile.py``):
* a 4 GB compression bomb (``--big``; else 1 GB) — ``run`` refuses it before anything inflates;
* 1 GB of zeros after ``%PDF-`` — refused as corrupt in seconds;
* a page of 200 × 200 inches — ``debug`` refuses to render it;
* a page that needs more memory than ``--max-memory 300`` allows — ``ingest`` fails the file, the batch
  goes on with the next file.

Each command runs in a child process; its peak resident memory is the kernel's (``ru_maxrss`` of the
largest descendant, workers included).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import flate_bomb, huge_page, zeros_after_header  # noqa: E402

MiB = 1 << 20
MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
took = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
last = (r.stderr.strip().splitlines() or [""])[-1]
print(f"{took:.2f}\\t{peak:.0f}\\t{r.returncode}\\t{last}")
"""


def measure(args: list[str]) -> tuple[float, float, int, str]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "extract", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    took, peak, code, line = out.split("\t", 3)
    return float(took), float(peak), int(code), line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big", action="store_true", help="a 4 GB bomb (else 1 GB)")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        gib = 4 if opts.big else 1
        t0 = time.perf_counter()
        bomb = flate_bomb(d / "bomb.pdf", gib << 30)
        zeros = zeros_after_header(d / "zeros.pdf", 1 << 30)
        huge = huge_page(d / "huge.pdf")
        batch = d / "batch"
        batch.mkdir()
        flate_bomb(batch / "needs-400MB.pdf", 200 * MiB)
        shutil.copy(ROOT / "samples" / "jinzhong-2021-justice-bureau.pdf", batch / "good.pdf")
        made = time.perf_counter() - t0
        cases = [
            (f"{gib} GB compression bomb ({bomb.stat().st_size / MiB:.1f} MB file)", ["run", str(bomb)]),
            ("1 GB of zeros after %PDF-", ["run", str(zeros)]),
            ("page of 200 × 200 in, debug", ["debug", str(huge), "-o", str(d / "x.png")]),
            (
                "ingest: a page past --max-memory 300, then a good file",
                ["ingest", str(batch), "--db", str(d / "l.sqlite"), "--workers", "1", "--max-memory", "300"],
            ),
        ]
        print(f"hostile inputs under the budgets (made in {made:.1f} s; budgets: streams 256 MiB, memory 4096 MiB")
        print("a worker unless --max-memory, render 60 Mpx, time 600 s a file unless --timeout)\n")
        print(f"{'case':<56} {'seconds':>8} {'peak MB':>8} {'exit':>5}  last stderr line")
        for name, args in cases:
            took, peak, code, line = measure(args)
            print(f"{name:<56} {took:>8.2f} {peak:>8.0f} {code:>5}  {line.replace(tmp, '…')[:110]}")
        if (d / "l.sqlite").exists():
            import sqlite3

            with sqlite3.connect(d / "l.sqlite") as c:
                for status, error in c.execute("SELECT status, error FROM files ORDER BY status"):
                    print(f"{'':<56} ledger: {status:<8} {(error or '').replace(tmp, '…')[:90]}")


if __name__ == "__main__":
    main()
