"""Ingest throughput: files and pages per second for text-layer and scanned files with 1 and 2 worker
processes, and peak memory per worker.

    make bench        (or: python bench/bench_ingest.py [--copies 12])

Target (issue 4): at least 1.8× from 1 to 2 workers on 2 cores. Files are copies of the samples made
distinct (a comment after %%EOF), so the ledger does not skip them as duplicates.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = [
    "jinzhong-2021-justice-bureau.pdf",
    "jinzhong-2022-audit-bureau.pdf",
    "chizhou-2022-village-funds.pdf",
    "sichuan-2022-rural-roads.pdf",
    "anhui-2022-county-agriculture-bureau-dept.pdf",
    "yinchuan-2021-no6-middle-school-funds.pdf",
]
SCANNED = ["scans/jinzhong-2022-audit-bureau-scan200.pdf", "scans/chizhou-2022-village-funds-scan300.pdf"]


def folder(root: Path, names: list[str], copies: int) -> tuple[Path, int]:
    import pypdfium2 as pdfium

    root.mkdir()
    pages = 0
    for k in range(copies):
        for name in names:
            data = (ROOT / "samples" / name).read_bytes() + f"\n% copy {k}\n".encode()
            out = root / f"{k:03d}-{Path(name).name}"
            out.write_bytes(data)
            pages += len(pdfium.PdfDocument(out))
    return root, pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--scan-copies", type=int, default=6)
    ap.add_argument("--kinds", default="text,scanned", help="of text, scanned")
    args = ap.parse_args()
    kinds = args.kinds.split(",")
    from extract.ingest.runner import IngestSettings, ingest
    from extract.settings import Settings

    print("ingest benchmark (2 cores): files/s and pages/s by worker count")
    head = ("kind", "files", "pages", "workers", "seconds", "files/s", "pages/s", "speed-up")
    print(f"{head[0]:<8} " + " ".join(f"{h:>8}" for h in head[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        for kind, names, copies in (("text", TEXT, args.copies), ("scanned", SCANNED, args.scan_copies)):
            if kind not in kinds:
                continue
            src, pages = folder(Path(tmp) / kind, names, copies)
            files = len(list(src.iterdir()))
            base = None
            for workers in (1, 2):
                db = Path(tmp) / f"{kind}-{workers}.sqlite"
                t0 = time.perf_counter()
                ingest([str(src)], db, Settings(), IngestSettings(workers=workers, timeout=600))
                s = time.perf_counter() - t0
                base = base or s
                print(
                    f"{kind:<8} {files:>8} {pages:>8} {workers:>8} {s:>8.1f} {files / s:>8.2f} {pages / s:>8.2f} "
                    f"{base / s:>7.2f}x"
                )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one worker process: {peak:.0f} MB (target for the 1→2 worker speed-up: ≥ 1.8x)")


if __name__ == "__main__":
    main()
