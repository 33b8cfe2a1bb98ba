"""Small PDFs made on the fly for error-path tests (from the real samples where possible)."""

from __future__ import annotations

from pathlib import Path


def encrypt(src: Path, dst: Path, password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    with dst.open("wb") as f:
        writer.write(f)
    return dst


def rotate(src: Path, dst: Path, degrees: int) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    for page in writer.pages:
        page.rotate(degrees)
    with dst.open("wb") as f:
        writer.write(f)
    return dst


def text_pdf(dst: Path, *lines: str) -> Path:
    """A text-layer PDF with Chinese lines and no form (reportlab's built-in STSong-Light CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(dst), pagesize=A4, invariant=True)
    c.setFont("STSong-Light", 14)
    y = 780.0
    for line in lines:
        c.drawString(72, y, line)
        y -= 24
    c.showPage()
    c.save()
    return dst


def blank_pdf(dst: Path, pages: int = 1) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with dst.open("wb") as f:
        writer.write(f)
    return dst


def ruled_form_pdf(
    dst: Path,
    title: str,
    rows: list[list[str]],
    widths: list[float],
    *,
    pages: int = 1,
    above: tuple[str, ...] = (),
    below: tuple[str, ...] = (),
) -> Path:
    """A one-table form drawn with ruled lines and a CID-font text layer (reportlab): each row a list of
    cell texts, an empty string for a blank cell, ``"<"`` for a cell merged into its left neighbour.
    ``above`` / ``below``: lines of text without borders above and below the table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(dst), pagesize=A4, invariant=True)
    page_w, page_h = A4
    for _ in range(pages):
        c.setFont("STSong-Light", 15)
        c.drawCentredString(page_w / 2, page_h - 60, title)
        c.setFont("STSong-Light", 9)
        x0, top, row_h = 50.0, page_h - 90 - 14 * len(above), 20.0
        for k, line in enumerate(above):
            c.drawString(x0, page_h - 84 - 14 * k, line)
        for k, line in enumerate(below):
            c.drawString(x0, top - len(rows) * row_h - 16 - 14 * k, line)
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        for r, row in enumerate(rows):
            y_top = top - r * row_h
            c.line(xs[0], y_top, xs[-1], y_top)
            c.line(xs[0], y_top - row_h, xs[-1], y_top - row_h)
            start = 0
            for k in range(len(row) + 1):
                if k == len(row) or row[k] != "<":
                    if k > 0:
                        c.line(xs[start], y_top, xs[start], y_top - row_h)
                        text = row[start]
                        if text:
                            c.drawString(xs[start] + 3, y_top - row_h + 6, text)
                    start = k
            c.line(xs[-1], y_top, xs[-1], y_top - row_h)
        c.showPage()
    c.save()
    return dst


def scan_with_text_layer(scan: Path, dst: Path, text: str) -> Path:
    """A scanned page with a scanner's own invisible text layer on top (reportlab, render mode 3)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    page = pdfium.PdfDocument(scan)[0]
    w, h = page.get_size()
    image = page.render(scale=200 / 72).to_pil()
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(dst), pagesize=(w, h), invariant=True)
    c.drawImage(ImageReader(image), 0, 0, width=w, height=h)
    t = c.beginText(60, h - 60)
    t.setTextRenderMode(3)  # invisible, as OCR layers are
    t.setFont("STSong-Light", 12)
    t.textLine(text)
    c.drawText(t)
    c.showPage()
    c.save()
    return dst


def simulated_scan(src: Path, dst: Path, seed: int, pages: int, source: str, dpi: int) -> Path:
    """``src`` scanned by ``samples.scansim`` with the recipe of scan seed ``seed`` for layout ``source`` (the
    recipe a development scan of that layout was made with), every page at ``dpi``."""
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    dst.write_bytes(apply_recipe(src, draw_recipe(seed, pages, source=source, dpi=dpi)).pdf)
    return dst
