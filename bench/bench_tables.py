"""Tables for analysts at archive scale: seconds to flatten N records (the one flattener, duplicates marked)
and to write each file format, with the peak memory.

    make bench            (or: python bench/bench_tables.py [--forms 3000])

The records are the bundled samples' forms, repeated under other file hashes until there are ``--forms`` of
them (so every copy after the first is marked ``duplicate_of``: the worst case for the duplicate pass).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=3000)
    args = parser.parse_args()

    import extract
    from extract.ingest.export import write_tables
    from extract.records.tables import frames

    base = [r for pdf in sorted((ROOT / "samples").glob("*.pdf")) for r in extract.read_pdf(pdf)]
    records = []
    for i in range(args.forms):
        r = base[i % len(base)]
        records.append(dataclasses.replace(r, source=dataclasses.replace(r.source, sha256=f"{i:064x}")))
    t0 = time.perf_counter()
    tables = frames(records)
    flatten = time.perf_counter() - t0
    rows = sum(len(df) for df in tables.values())
    dups = int(tables["forms"]["duplicate_of"].notna().sum())
    print(f"{args.forms} forms ({len(base)} distinct), {rows} table rows, {dups} marked duplicate_of")
    print(f"{'step':<12} {'seconds':>8} {'forms/s':>9}")
    print(f"{'flatten':<12} {flatten:>8.2f} {args.forms / flatten:>9.0f}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "parquet", "xlsx"):
            t0 = time.perf_counter()
            write_tables(tables, Path(tmp) / fmt, fmt)
            s = time.perf_counter() - t0
            print(f"{fmt:<12} {s:>8.2f} {args.forms / s:>9.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
