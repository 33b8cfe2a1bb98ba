"""Non-form pages must cost little: milliseconds per page of ``extract`` on a 300-page text-layer
document (final-accounts style narrative and budget tables, a contents page and a narrative page that
name 自评表, and one 2-page form at the end).

    make bench        (or: python bench/bench_screen.py [--pages 300])

Target (issue 6): ≤ 5 ms per non-form page. The document is made here, with reportlab, in a
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

PARA = ("本部门认真贯彻落实各项决策部署，坚持以人民为中心的发展思想，统筹推进各项重点工作，"
        "全年一般公共预算财政拨款支出1,234.56万元，较上年增长3.2%，主要用于保障机构正常运转和重点项目实施。")


def make_document(path: Path, pages: int) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = path.with_suffix(".body.pdf")
    c = canvas.Canvas(str(body), pagesize=A4, invariant=True)
    w, h = A4
    for n in range(1, pages - 1):
        c.setFont("STSong-Light", 10)
        if n == 2:  # a table of contents naming the forms
            for k, line in enumerate(["目  录", "第一部分 部门概况 …………… 3", "附件1 部门整体支出绩效自评表 …… 299"]):
                c.drawString(72, h - 80 - 20 * k, line)
        elif n % 10 == 0:  # a ruled budget table, not a form
            c.drawString(72, h - 60, f"表{n // 10} 一般公共预算财政拨款支出决算表")
            for r in range(25):
                y = h - 80 - 18 * r
                c.line(60, y, w - 60, y)
                for k, x in enumerate((60, 180, 300, 420, w - 60)):
                    c.line(x, y, x, y - 18)
                    if k < 4:
                        c.drawString(x + 3, y - 13, f"{2010000 + r * 101}" if k == 0 else f"{r * 37.5:,.2f}")
            c.line(60, h - 80 - 18 * 25, w - 60, h - 80 - 18 * 25)
        else:
            if n == 40:
                c.drawString(72, h - 60, "我部门组织开展了部门整体支出绩效自评，自评表见附件。")
            for k in range(40):
                c.drawString(60, h - 80 - 17 * k, PARA[(k * 7) % 40:(k * 7) % 40 + 45])
        c.drawCentredString(w / 2, 30, f"— {n} —")
        c.showPage()
    c.save()
    writer = PdfWriter()
    writer.append(PdfReader(body))
    writer.append(PdfReader(ROOT / "samples" / "jinzhong-2021-justice-bureau.pdf"))
    with path.open("wb") as f:
        writer.write(f)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import extract
    from extract.pipeline import analyse

    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "final-accounts-300.pdf"
        make_document(doc, args.pages)
        extract.read_pdf(doc)  # warm-up
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            records = extract.read_pdf(doc)
        total = (time.perf_counter() - t0) / args.repeat
        a = analyse(doc)
        parsed = sorted(a.pages)
        form_pages = [p for r in records for p in r.source.form_pages]
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            extract.read_pdf(ROOT / "samples" / "jinzhong-2021-justice-bureau.pdf")
        form_only = (time.perf_counter() - t0) / args.repeat
    n = len(a.screens)
    non_form = n - len(form_pages)
    print(f"screening benchmark: {n}-page text-layer document, {len(records)} form on pages {form_pages}")
    print(f"pages parsed in full (candidates): {parsed}")
    print(f"whole document: {total:.2f} s; the form alone (its own 2-page file): {form_only:.2f} s")
    print(f"per non-form page: {(total - form_only) / non_form * 1000:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    main()
