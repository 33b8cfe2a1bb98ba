"""Scanned pages: seconds per page of the whole pipeline for each OCR engine and resolution, next to
the cost of one plain OCR pass over the whole page with the same engine, with accuracy against the
golden records and peak memory.

    make bench        (or: python bench/bench_ocr.py [--engines rapidocr,tesseract])

Target (issue 3): the pipeline within 1.2× of one plain whole-page pass.
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
sys.path.insert(0, str(ROOT))
SCANS = ROOT / "samples" / "scans"


def plain_pass(engine: str, pdf: Path, dpi: int) -> float:
    """Seconds for one whole-page OCR pass per page, as the engine comes (no grid, no cells)."""
    import os

    import numpy as np
    import pypdfium2 as pdfium

    os.environ["OMP_THREAD_LIMIT"] = "1"
    doc = pdfium.PdfDocument(pdf)
    t = 0.0
    for i in range(len(doc)):
        img = np.asarray(doc[i].render(scale=dpi / 72).to_pil().convert("RGB"))
        t0 = time.perf_counter()
        if engine == "rapidocr":
            from extract.scan.ocr.rapid import stock_rapidocr

            stock_rapidocr()(img)
        else:
            import pytesseract

            pytesseract.image_to_string(img, lang="chi_sim+eng", config="--psm 6")
        t += time.perf_counter() - t0
    return t / len(doc)


def worker(engine: str, files: list[str]) -> None:
    import extract
    from extract.records.codec import loads
    from extract.settings import OcrSettings, Settings
    from tests.accuracy import Score, score

    settings = Settings(ocr=OcrSettings(engine=engine))
    out = {}
    for name in files:
        meta = next(s for s in json.loads((SCANS / "manifest.json").read_text())["scans"] if s["file"] == name)
        pdf = SCANS / name
        extract.read_pdf(pdf, settings) if not out else None  # warm-up: model loading
        t0 = time.perf_counter()
        try:
            records = extract.read_pdf(pdf, settings)
        except extract.ExtractError as exc:
            records, err = [], str(exc)
        else:
            err = ""
        seconds = time.perf_counter() - t0
        pages = len(meta["pages"]) if "pages" in meta else 1 + name.count("justice") + name.count("audit")
        golden = loads((ROOT / "tests" / "golden" / f"{meta['source']}.record.json").read_text())
        s = score(extract.to_dict(records[0]), golden) if records else Score()
        out[name] = {
            "dpi": meta["dpi"],
            "pages": pages,
            "seconds": seconds,
            "plain": plain_pass(engine, pdf, 300),
            "numbers": s.numbers,
            "exact": s.exact,
            "silent": len(s.silent),
            "cer": s.cer,
            "error": err,
        }
    out["_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # type: ignore[assignment]
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--worker")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or [
        s["file"]
        for s in json.loads((SCANS / "manifest.json").read_text())["scans"]
        if s["file"].endswith(("scan300.pdf", "scan200.pdf"))
    ]
    if args.worker:
        worker(args.worker, files)
        return
    print("OCR benchmark: whole pipeline vs one plain whole-page pass (same engine, 300 dpi render), 2 cores")
    print(
        f"{'engine':<10} {'dpi':>4} {'s/page':>7} {'plain s/page':>12} {'ratio':>6} {'numbers exact':>14} "
        f"{'silent':>6} {'CER':>6}"
    )
    for engine in args.engines.split(","):
        done = subprocess.run(
            [sys.executable, __file__, "--worker", engine, *files], capture_output=True, text=True, check=True
        )
        res = json.loads(done.stdout.strip().splitlines()[-1])
        peak = res.pop("_peak_mb")
        for dpi in (300, 200):
            rows = [r for r in res.values() if r["dpi"] == dpi]
            if not rows:
                continue
            pages = sum(r["pages"] for r in rows)
            s = sum(r["seconds"] for r in rows) / pages
            plain = sum(r["plain"] * r["pages"] for r in rows) / pages
            numbers, exact = sum(r["numbers"] for r in rows), sum(r["exact"] for r in rows)
            silent = sum(r["silent"] for r in rows)
            cer = sum(r["cer"] for r in rows) / len(rows)
            acc = f"{exact}/{numbers} {exact / numbers:.1%}" if numbers else "0/0"
            print(f"{engine:<10} {dpi:>4} {s:>7.2f} {plain:>12.2f} {s / plain:>6.2f} {acc:>14} {silent:>6} {cer:>6.2%}")
        print(f"{engine:<10} peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
