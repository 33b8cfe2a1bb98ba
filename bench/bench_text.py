"""Text-layer speed: seconds per page of ``extract`` against plain pdfplumber on the same files.

    make bench            (or: python bench/bench_text.py [--repeat N] [FILES...])

Each mode runs in its own fresh process (so import time and peak memory are its own), over the
same files, ``--repeat`` times after one warm-up pass:
  pdfplumber : pdfplumber.open(f) + page.extract_tables() on every page
  extract    : extract.read_pdf(f) — the whole pipeline, records with checks
  extract-cli: `extract run FILES` as a user runs it (process start included), once
Target (issue 2): extract ≤ 1.5 × pdfplumber per page.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not


def single_form_samples() -> list[Path]:
    """The samples that hold one form each (the composite documents are for bench_screen)."""
    import yaml

    out = []
    for pdf in sorted((ROOT / "samples").glob("*.pdf")):
        data = ROOT / "samples" / "data" / f"{pdf.stem}.yaml"
        if data.exists() and yaml.safe_load(data.read_text(encoding="utf-8")).get("kind") != "document":
            out.append(pdf)
    return out


def _pdfplumber_pass(files: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
    return pages


def _extract_pass(files: list[Path]) -> int:
    import extract

    pages = 0
    for f in files:
        records = extract.read_pdf(f)
        pages += records[0].source.page_count
    return pages


def worker(mode: str, files: list[Path], repeat: int) -> None:
    run = _pdfplumber_pass if mode == "pdfplumber" else _extract_pass
    run(files)  # warm-up: imports, template loading
    t0 = time.perf_counter()
    pages = 0
    for _ in range(repeat):
        pages += run(files)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "pages": pages, "seconds": elapsed, "peak_mb": peak_mb}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--worker", choices=["pdfplumber", "extract"])
    args = ap.parse_args()
    files = args.files or single_form_samples()
    if args.worker:
        worker(args.worker, files, args.repeat)
        return
    results = {}
    for mode in ("pdfplumber", "extract"):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", mode, "--repeat", str(args.repeat), *map(str, files)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    t0 = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "extract", "run", *map(str, files)], capture_output=True, check=False)
    cli_s = time.perf_counter() - t0
    print(
        f"text-layer benchmark: {len(files)} files, {results['extract']['pages'] // args.repeat} pages, "
        f"{args.repeat} repeats after a warm-up"
    )
    print(f"{'mode':<12} {'s/page':>8} {'peak MB':>8}")
    for mode, r in results.items():
        print(f"{mode:<12} {r['seconds'] / r['pages']:>8.4f} {r['peak_mb']:>8.1f}")
    ratio = (results["extract"]["seconds"] / results["extract"]["pages"]) / (
        results["pdfplumber"]["seconds"] / results["pdfplumber"]["pages"]
    )
    print(f"extract / pdfplumber per page: {ratio:.2f}x (target <= 1.5x)")
    print(f"`extract run` on all files, one process, start-up included: {cli_s:.2f} s (exit {cli.returncode})")


if __name__ == "__main__":
    main()
