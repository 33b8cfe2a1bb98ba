"""Read rendered variants back with pdfplumber: every printed text of the truth is in the PDF's text layer,
no number is shown as ``###``, no rows lie below a page's edge, and the page count is the intended one.
``python -m samples.variants.verify DIR``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TEXT_KEYS = re.compile(
    r"(form\.\w+|goals\.\w+|narratives\.\w+|indicators\[\d+\]\.(level[123]|target|actual|deviation_reason|analysis|nature|unit))$"
)


OFF_PAGE_CHARS = 20  # characters wholly below a page's edge that make it a problem (a clipped cell's text: fewer)


def off_page(pdf: Path) -> list[int]:
    """Characters wholly below each page's edge: rows in the text layer on no paper (a print area
    LibreOffice could not fit); at ``OFF_PAGE_CHARS`` or more on a page, no scan can show the truth."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [sum(1 for c in p.chars if c["top"] >= p.height) for p in doc.pages]


def verify(pdf: Path) -> list[str]:
    import pdfplumber

    truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    problems = []
    with pdfplumber.open(pdf) as doc:  # characters in content-stream order: each cell's text is contiguous
        pages = ["".join("".join(c["text"] for c in p.chars).split()) for p in doc.pages]
        tables = [bool(p.find_tables()) for p in doc.pages]
    below = off_page(pdf)  # a print area LibreOffice could not fit: rows below the page edge, on no paper
    text = "".join(pages)
    if "###" in text:
        problems.append("a cell shows ###")
    if not all(tables):
        problems.append(f"pages without a ruled table: {[i + 1 for i, t in enumerate(tables) if not t]}")
    if any(n >= OFF_PAGE_CHARS for n in below):
        problems.append(f"text below the page edge (on no paper, no scan shows it): {below} characters by page")
    if truth["pages"] < truth["intended_pages"]:
        problems.append(f"{truth['pages']} pages, {truth['intended_pages']} intended")
    for path, value in truth["fields"].items():
        if isinstance(value, str) and TEXT_KEYS.search(path):
            if "".join(value.split()) not in text:
                problems.append(f"{path}: {value[:30]!r} not in the text layer")
            elif len(value) >= 8 and clipped(pdf, value):
                problems.append(f"{path}: {value[:30]!r} runs past the bottom of its cell")
    return problems


def clipped(pdf: Path, value: str) -> bool:
    """``value`` is in a cell whose bottom border cuts its last lines (wrapped text in a row too low)."""
    import pdfplumber

    from samples.forms.common import cell_bottom, find_chars

    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            found = find_chars(page.chars, value)
            if found is not None:
                bottom = cell_bottom(page, found[0]["x0"] + 1, found[0]["top"])
                return max(c["bottom"] for c in found) > bottom + 0.5
    return False


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent / "fixed"
    bad = 0
    for pdf in sorted(folder.glob("*.pdf")):
        found = verify(pdf)
        bad += bool(found)
        for problem in found:
            print(f"{pdf.name}: {problem}")
    print(f"{bad} of {len(list(folder.glob('*.pdf')))} variants with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
