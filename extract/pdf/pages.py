"""Pages: per page, the text lines of its text layer and the ruled tables found on it."""

from __future__ import annotations

import dataclasses
from typing import Any

from extract.budgets import check_render
from extract.errors import stamped
from extract.grid import build_grid
from extract.model import Grid, PageContent, TextLine
from extract.pdf.load import LoadedPdf, page_objects, upright
from extract.settings import OcrSettings, PageSettings
from extract.textlayer.textlines import text_lines


def page_text(lines: list[TextLine]) -> str:
    return "\n".join(ln.text for ln in lines)


def read_page(page: Any, number: int, path: str, settings: PageSettings | None = None) -> PageContent:
    """Read one pdfplumber page: text lines, then each ruled table as a ``Grid``."""
    s = settings or PageSettings()
    page = upright(page)
    chars, tables = page_objects(page, s.table, path, number)
    walls = sorted({(round(x, 2), b[1], b[3]) for boxes in tables for b in boxes for x in (b[0], b[2])})
    lines = text_lines(chars, s.grid.lines, walls)
    if not lines:
        sideways = sum(1 for c in chars if not c.get("upright", True)) > len(chars) / 2
        return PageContent(
            number, float(page.width), float(page.height), "sideways" if sideways else "empty", (), (), ""
        )
    grids: list[Grid] = []
    rest = lines
    for boxes in tables:
        if len(boxes) < s.min_cells:
            continue
        grid, rest = build_grid(number, boxes, rest, s.grid)
        grids.append(grid)
    return PageContent(
        number=number,
        width=float(page.width),
        height=float(page.height),
        method="text",
        grids=tuple(grids),
        free_lines=tuple(rest),
        text=page_text(lines),
    )


def read_pages(
    loaded: LoadedPdf,
    settings: PageSettings | None = None,
    numbers: list[int] | None = None,
    ocr: set[int] | None = None,
    ocr_settings: OcrSettings | None = None,
    lean: bool = False,
) -> list[PageContent]:
    """Pages ``numbers`` (1-based; default all) in full: lines and grids; pages ``ocr`` by OCR. ``lean``
    (a long scanned document): an OCR page whose text names no form keeps no image (a 300 dpi page is
    9–15 MB; dozens of narrative pages read because the screen was unsure of them would be held)."""
    out = []
    scans = _ScanReader(loaded, ocr_settings or OcrSettings(), lean) if ocr else None
    for i in numbers if numbers is not None else range(1, loaded.page_count + 1):
        with stamped(loaded.path, i):  # an error of a page's stage names the file and the page
            if scans is not None and i in (ocr or set()):
                out.append(scans.read(i))
                continue
            page = loaded.pdf.pages[i - 1]
            try:
                out.append(read_page(page, i, loaded.path, settings))
            finally:
                page.close()
    return out


class _ScanReader:
    """Reads image pages through pdfium (rendering) and the OCR stage; the document is opened once."""

    def __init__(self, loaded: LoadedPdf, settings: OcrSettings, lean: bool = False) -> None:
        self.loaded = loaded
        self.settings = settings
        self.lean = lean
        self.doc: Any = None

    def read(self, number: int) -> PageContent:
        from extract.scan.ocrpage import read_scanned_page

        if self.doc is None:
            import pypdfium2 as pdfium

            self.doc = pdfium.PdfDocument(self.loaded.path)
        page = self.doc[number - 1]
        try:
            width, height = page.get_size()
            check_render(
                width, height, self.settings.prep.dpi, self.loaded.budgets.render_pixels, self.loaded.path, number
            )
            content = read_scanned_page(page, number, self.settings)
        finally:
            page.close()
        if self.lean:
            from extract.scan.scanscreen import names_a_form

            if not names_a_form(content.text):
                content = dataclasses.replace(content, image=None)
        return content
