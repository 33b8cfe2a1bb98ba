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
