"""A picture of what the pipeline found on a page, like pdfplumber's ``debug_tablefinder``.

``shapes()`` lists what would be drawn (tests check this list, not pixels); ``render()`` draws it on
the page image: cells (blue; merged cells thicker), text lines (grey), clipped hidden text (orange),
fields (green when clean, red when listed for review or in a failed check; a failed narrative check boxes
its narrative's cell), each field named, under a legend. A scanned page is drawn as OCR read it: its cells and
lines mapped back onto the page as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.model import BBox, Record
from extract.settings import DEFAULT_SETTINGS, Settings

KINDS = ("cells", "lines", "hidden", "fields")
COLOURS = {
    "cell": (40, 90, 220),
    "line": (150, 150, 150),
    "hidden": (255, 140, 0),
    "field": (0, 160, 60),
    "flagged": (220, 0, 0),
}


@dataclass(frozen=True, slots=True)
class Shape:
    kind: str  # cell | line | hidden | field | flagged
    bbox: BBox
    label: str


def _flagged_paths(record: Record) -> set[str]:
    """The fields a reviewer is asked about: those to review and those of failed checks; an amount read
    from a narrative stands for the narrative's cell (a failed narrative check boxes its text)."""
    out = set(record.review)
    for c in record.checks:
        if c.status == "fail":
            out.update(c.fields)
    for i, amount in enumerate(record.amounts_in_text):
        if f"amounts_in_text[{i}]" in out:
            out.add(amount.field)
    return out


def _field_shapes(records: Sequence[Record], page: int) -> list[Shape]:
    out = []
    for rec in records:
        flagged = _flagged_paths(rec)
        for name, prov in rec.provenance.items():
            if prov.page == page and prov.bbox:
                kind = "flagged" if name in flagged else "field"
                out.append(Shape(kind, (prov.bbox[0], prov.bbox[1], prov.bbox[2], prov.bbox[3]), name))
    return out


def shapes(
    path: str | Path, page: int, kinds: Sequence[str] = KINDS, settings: Settings = DEFAULT_SETTINGS
) -> list[Shape]:
    """What ``render`` draws on ``page``: from one reading of the file (the pipeline's own, OCR for a
    scanned page), every box in the coordinates of the page as stored."""
    from extract.errors import ExtractError
    from extract.pipeline import analyse, record_of

    a = analyse(path, settings, also=(page,))
    if not 1 <= page <= len(a.screens):
        raise ExtractError(f"no page {page} (the PDF has {len(a.screens)})", path=str(path))
    content = a.pages.get(page)
    back = content.to_page if content is not None and content.to_page is not None else (lambda box: box)
    out: list[Shape] = []
    for grid in content.grids if content is not None else ():
        for cell in grid.cells:
            if "cells" in kinds:
                out.append(Shape("cell", back(cell.bbox), f"r{cell.row}c{cell.col} {cell.row_span}x{cell.col_span}"))
            if "lines" in kinds:
                out.extend(Shape("line", back(ln.bbox), ln.text) for ln in cell.lines)
            if "hidden" in kinds and cell.hidden:
                out.append(Shape("hidden", back(cell.bbox), cell.hidden))
    if "lines" in kinds and content is not None:
        out.extend(Shape("line", back(ln.bbox), ln.text) for ln in content.free_lines)
    if "fields" in kinds:
        try:
            records = [record_of(a, form) for form in a.forms]
        except ExtractError:  # the picture is still useful when the form cannot be read
            records = []
        out.extend(_field_shapes(records, page))
    return out


LEGEND = (
    ("cell", "cell"),
    ("line", "text line"),
    ("hidden", "clipped text"),
    ("field", "field"),
    ("flagged", "flagged"),
)
LEGEND_PX = 22


def page_image(path: str | Path, page: int, resolution: int, settings: Settings = DEFAULT_SETTINGS) -> Any:
    """Page ``page`` as an RGB image in the coordinates boxes are given in (the page upright), within the
    budgets' pixel cap (shared by ``debug`` and the report)."""
    import pdfplumber

    from extract.budgets import check_render

    with pdfplumber.open(path) as pdf:
        pl_page = pdf.pages[page - 1]
        check_render(
            float(pl_page.width), float(pl_page.height), resolution, settings.budgets.render_pixels, str(path), page
        )
        image = pl_page.to_image(resolution=resolution).original.convert("RGB")
        if pl_page.rotation:  # shapes are in the unrotated page's coordinates (see load.upright)
            image = image.rotate(pl_page.rotation, expand=True)
    return image


def render(
    path: str | Path,
    page: int,
    kinds: Sequence[str] = KINDS,
    resolution: int = 110,
    settings: Settings = DEFAULT_SETTINGS,
) -> Any:
    """The page image with the shapes drawn on it (a PIL image)."""
    from PIL import ImageDraw

    drawn = shapes(path, page, kinds, settings)
    image = page_image(path, page, resolution, settings)
    scale = resolution / 72
    draw = ImageDraw.Draw(image)
    for sh in drawn:
        box = [v * scale for v in sh.bbox]
        width = 3 if sh.kind in ("field", "flagged") else 1
        if sh.kind == "cell" and not sh.label.endswith("1x1"):
            width = 2
        draw.rectangle(box, outline=COLOURS[sh.kind], width=width)
        if sh.kind in ("field", "flagged"):  # each field box named (record paths are ASCII)
            draw.text((box[0] + 2, box[1] + 1), sh.label, fill=COLOURS[sh.kind])
    return _with_legend(image)


def _with_legend(image: Any) -> Any:
    """The picture with a strip on top naming each colour."""
    from PIL import Image, ImageDraw

    out = Image.new("RGB", (image.width, image.height + LEGEND_PX), "white")
    out.paste(image, (0, LEGEND_PX))
    draw = ImageDraw.Draw(out)
    x = 4
    for kind, name in LEGEND:
        draw.rectangle([x, 5, x + 14, 17], outline=COLOURS[kind], width=3)
        draw.text((x + 19, 6), name, fill=(0, 0, 0))
        x += 24 + int(draw.textlength(name)) + 12
    return out
