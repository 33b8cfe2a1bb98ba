"""Command line: ``python -m samples.scansim --src DIR_OR_PDFS --seeds 5000-5009 --out OUTDIR``.

For every source PDF and seed, writes ``OUTDIR/<stem>-s<seed>.pdf`` with ``.scan.json`` and (when the
source has one) ``.truth.json``. A pair whose ``.scan.json`` already holds the same recipe is kept (a cache;
``--force`` scans again). ``--dpi`` and ``--rotation`` pin those choices for every file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from samples.scansim.simulate import page_count, recipe_for, scan_json_path, simulate


def parse_seeds(text: str) -> list[int]:
    """``5000-5009,5020`` -> [5000, ..., 5009, 5020]."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        seeds += range(int(lo), int(hi) + 1) if sep else [int(lo)]
    return seeds


def parse_rotation(text: str) -> int | None:
    if text == "random":
        return None
    value = int(text)
    if value not in (0, 90, 180, 270):
        raise argparse.ArgumentTypeError("rotation is 0, 90, 180, 270 or random")
    return value


def sources(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(path.glob("*.pdf"))
        elif path.suffix.lower() == ".pdf" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"{name}: not a PDF or a directory")
    return found


def _job(src: Path, seed: int, out: Path, dpi: int | None, rotation: int | None, force: bool) -> tuple[str, float, int]:
    scan_json = scan_json_path(out)
    if not force and out.is_file() and scan_json.is_file():
        want = recipe_for(src, seed, dpi=dpi, rotation=rotation).to_dict()
        if json.loads(scan_json.read_text(encoding="utf-8")).get("recipe") == json.loads(json.dumps(want)):
            return out.name, 0.0, 0
    started = time.perf_counter()
    simulate(src, seed, out, dpi=dpi, rotation=rotation)
    return out.name, time.perf_counter() - started, page_count(src)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.scansim", description=__doc__)
    parser.add_argument("--src", nargs="+", required=True, help="source PDFs or directories of PDFs")
    parser.add_argument("--seeds", required=True, type=parse_seeds, help="e.g. 5000-5009 or 100,105-107")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--dpi", type=int, default=None, help="pin the resolution (default: drawn, 150–400)")
    parser.add_argument("--rotation", type=parse_rotation, default=None, help="0|90|180|270|random (default)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--force", action="store_true", help="scan again even when the output is up to date")
    args = parser.parse_args(argv)
    todo = [(src, seed, args.out / f"{src.stem}-s{seed}.pdf") for src in sources(args.src) for seed in args.seeds]
    if not todo:
        print("nothing to do: no source PDFs", file=sys.stderr)
        return 1
    started = time.perf_counter()
    pages = 0
    jobs = [(src, seed, out, args.dpi, args.rotation, args.force) for src, seed, out in todo]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(_job, *zip(*jobs, strict=True)))
    else:
        results = [_job(*job) for job in jobs]
    for name, seconds, n in results:
        pages += n
        print(f"{name}: {'kept' if not n else f'{n} page(s), {seconds:.1f} s'}")
    elapsed = time.perf_counter() - started
    per_page = f", {elapsed / pages:.2f} s a page" if pages else ""
    print(f"{len(todo)} files, {pages} pages scanned in {elapsed:.1f} s{per_page} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
