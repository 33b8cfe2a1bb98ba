"""Non-form pages must cost little: milliseconds per page of ``extract`` on a 300-page text-layer
document (the final-accounts sample's narrative and budget-table pages repeated, with its contents
page and narrative naming 自评表, and its two forms at the end).

    make bench        (or: python bench/bench_screen.py [--pages 300])

Target (issue 6): ≤ 5 ms per non-form page. The document is assembled here with pypdf in a
temporary folder (nothing is committed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FINAL_ACCOUNTS = ROOT / "samples" / "huaiyuan-2022-agriculture-final-accounts.pdf"
NON_FORM_PAGES = range(0, 32)  # its cover, contents, narrative and budget-table pages (forms: 33-35)


def make_document(path: Path, pages: int) -> int:
    """``pages`` pages: the final-accounts sample's 32 non-form pages (LibreOffice output with embedded
    fonts, ruled budget tables, a contents page and a narrative naming 自评表) repeated, then its three
    form pages. Returns the number of non-form pages."""
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(FINAL_ACCOUNTS)
    writer = PdfWriter()
    n = 0
    while n < pages - 3:
        writer.add_page(src.pages[NON_FORM_PAGES[n % len(NON_FORM_PAGES)]])
        n += 1
    for k in (32, 33, 34):
        writer.add_page(src.pages[k])
    with path.open("wb") as f:
        writer.write(f)
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import extract
    from extract.pipeline import analyse

    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "final-accounts-300.pdf"
        non_form = make_document(doc, args.pages)
        extract.read_pdf(doc)  # warm-up
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            records = extract.read_pdf(doc)
        total = (time.perf_counter() - t0) / args.repeat
        a = analyse(doc)
        parsed = sorted(a.pages)
        form_pages = [p for r in records for p in r.source.form_pages]
        forms_only = Path(tmp) / "forms-only.pdf"
        make_document(forms_only, 3)
        extract.read_pdf(forms_only)
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            extract.read_pdf(forms_only)
        form_only = (time.perf_counter() - t0) / args.repeat
    n = len(a.screens)
    print(f"screening benchmark: {n}-page text-layer document, {len(records)} forms on pages {form_pages}")
    print(f"pages parsed in full (candidates): {len(parsed)}: {parsed[:12]}{' …' if len(parsed) > 12 else ''}")
    print(f"whole document: {total:.2f} s; the 3 form pages alone: {form_only:.2f} s")
    print(f"per non-form page: {(total - form_only) / non_form * 1000:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    main()
