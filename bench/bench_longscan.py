"""A 300-page scanned 决算 document with three form pages inside: are the forms found, with their pages, and
what does each non-form page cost?

    make bench        (or: python bench/bench_longscan.py [--pages 300] [--cache DIR])

The document: the final-accounts sample (``samples/huaiyuan-2022-agriculture-final-accounts.pdf``: cover,
contents, narrative naming 自评表, ruled 决算 tables; a department form over pages 33–34 and a project form on
page 35) scanned by ``samples.scansim`` with held-out scan seeds (5000 and up: each seed its own dpi,
colour mode, JPEG quality, seals, skew, photocopy, turned pages …); its 32 non-form pages from successive
seeds fill the document, the department form is put at 40 % of it and the project form at 80 %.

Prints: the forms found and their pages against where they were put; the screen's verdicts; seconds per
non-form page (whole document minus the three form pages read alone, divided by the non-form pages) and
its ratio to one plain whole-page RapidOCR pass (the same pages at their scanned resolution, a sample).

Target (issue 11): the three forms found with their pages; ≤ 0.5 s per non-form page.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FINAL_ACCOUNTS = ROOT / "samples" / "huaiyuan-2022-agriculture-final-accounts.pdf"
NON_FORM = list(range(32))  # 0-based: cover … 决算 tables
DEPT, PROJECT = [32, 33], [34]
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "extract-bench" / "longscan"
FIRST_SEED = 5000  # held out
PLAIN_SAMPLE = 8


def scans(cache: Path, seeds: list[int]) -> list[Path]:
    """The final-accounts sample scanned once per seed (cached), each in a child process: the simulator's
    memory (GBs for a 36-page document) is not the pipeline's, whose peak this benchmark prints."""
    from concurrent.futures import ProcessPoolExecutor

    out = []
    for seed in seeds:
        path = cache / f"final-accounts-{seed}.pdf"
        if not path.is_file():
            t0 = time.perf_counter()
            with ProcessPoolExecutor(max_workers=1) as pool:
                pool.submit(_simulate, seed, path).result()
            print(f"  scanned seed {seed} in {time.perf_counter() - t0:.1f} s", flush=True)
        out.append(path)
    return out


def _simulate(seed: int, path: Path) -> None:
    from samples.scansim import simulate

    simulate(FINAL_ACCOUNTS, seed, path)


def assemble(path: Path, sources: list[Path], pages: int) -> tuple[list[int], list[int]]:
    """The long document; returns the 1-based pages of the department and of the project form."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(s) for s in sources]
    filler = [(r, k) for r in readers for k in NON_FORM]
    at_dept, at_project = round(pages * 0.4), round(pages * 0.8)
    writer = PdfWriter()
    used = 0
    dept: list[int] = []
    project: list[int] = []
    while len(writer.pages) < pages:
        n = len(writer.pages) + 1
        if n == at_dept:
            for k in DEPT:
                writer.add_page(readers[0].pages[k])
                dept.append(len(writer.pages))
        elif n == at_project:
            for k in PROJECT:
                writer.add_page(readers[0].pages[k])
                project.append(len(writer.pages))
        else:
            r, k = filler[used % len(filler)]
            writer.add_page(r.pages[k])
            used += 1
    with path.open("wb") as f:
        writer.write(f)
    return dept, project


def forms_alone(path: Path, source: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    writer = PdfWriter()
    for k in (*DEPT, *PROJECT):
        writer.add_page(reader.pages[k])
    with path.open("wb") as f:
        writer.write(f)


def plain_pass(path: Path, numbers: list[int]) -> list[float]:
    """Seconds of one plain whole-page RapidOCR pass of each page, at the page's own resolution."""
    import numpy as np
    import pypdfium2 as pdfium

    from extract.scan.ocr.rapid import stock_rapidocr

    engine = stock_rapidocr()
    doc = pdfium.PdfDocument(str(path))
    out = []
    for n in numbers:
        page = doc[n - 1]
        objs = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        img = np.asarray(objs[0].get_bitmap(render=False).to_pil().convert("RGB"))
        t0 = time.perf_counter()
        engine(img)
        out.append(time.perf_counter() - t0)
    doc.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    args.cache.mkdir(parents=True, exist_ok=True)
    non_form = args.pages - len(DEPT) - len(PROJECT)
    seeds = list(range(FIRST_SEED, FIRST_SEED + -(-non_form // len(NON_FORM))))
    print(f"long scanned document: {args.pages} pages from scan seeds {seeds[0]}–{seeds[-1]} (cache {args.cache})")
    sources = scans(args.cache, seeds)
    doc = args.cache / f"long-{args.pages}.pdf"
    dept, project = assemble(doc, sources, args.pages)
    alone = args.cache / "forms-alone.pdf"
    forms_alone(alone, sources[0])

    import extract.scan.scanscreen as scanscreen
    from extract.pipeline import analyse, extract_document, record_of

    verdicts: dict[int, scanscreen.ScanScreen] = {}
    screen_scans = scanscreen.screen_scans

    def noting(*args: object, **kwargs: object) -> dict[int, scanscreen.ScanScreen]:
        out = screen_scans(*args, **kwargs)  # type: ignore[arg-type]
        verdicts.update(out)
        return out

    scanscreen.screen_scans = noting
    extract_document(alone)  # warm-up: models loaded
    t0 = time.perf_counter()
    extract_document(alone)
    form_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    a = analyse(doc)
    records = [record_of(a, form) for form in a.forms]
    total = time.perf_counter() - t0
    found = [r.source.form_pages for r in records]
    read = sorted(n for n, p in a.pages.items() if p.method == "ocr")
    counts = {v: sum(1 for s in verdicts.values() if s.verdict == v) for v in ("form", "skip", "unsure")}
    screen_s = [s.seconds for n, s in verdicts.items() if n not in (*dept, *project)]
    sample = [n for n in range(1, args.pages + 1) if n not in (*dept, *project)][:: max(non_form // PLAIN_SAMPLE, 1)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the plain pass (full-page detection)
    plain = plain_pass(doc, sample[:PLAIN_SAMPLE])
    per_page = (total - form_seconds) / non_form
    expected = [dept, project]
    print(f"forms found on pages {found} (put at {expected}): {'ok' if found == expected else 'WRONG'}")
    print(f"screen verdicts: {counts}; pages read in full by OCR: {len(read)}: {read[:20]}")
    print(
        f"screening alone: {statistics.mean(screen_s):.2f} s per non-form page "
        f"(median {statistics.median(screen_s):.2f})"
    )
    print(f"whole document: {total:.1f} s; the 3 form pages alone: {form_seconds:.1f} s")
    print(
        f"per non-form page: {per_page:.2f} s (target <= 0.5 s); one plain whole-page RapidOCR pass: "
        f"{statistics.mean(plain):.2f} s per page (sample of {len(plain)}) -> "
        f"ratio {per_page / statistics.mean(plain):.2f}"
    )
    print(f"peak memory of the pipeline: {peak:.0f} MB")
    return 0 if found == expected else 1


if __name__ == "__main__":
    sys.exit(main())
