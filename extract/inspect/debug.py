"""A picture of what the pipeline found on a page, like pdfplumber's ``debug_tablefinder``.

``shapes()`` lists what would be drawn (tests check this list, not pixels); ``render()`` draws it on
the page image: cells (blue; merged cells thicker), text lines (grey), clipped hidden text (orange),
fields (green when clean, red when listed for review or in a failed check).
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
    out = set(record.review)
    for c in record.checks:
        if c.status == "fail":
            out.update(c.fields)
    return out


def _field_shapes(path: str | Path, page: int, settings: Settings) -> list[Shape]:
    from extract.errors import ExtractError
    from extract.pipeline import extract_file

    try:
        records = extract_file(path, settings)
    except ExtractError:  # the picture is still useful when no form is found
        return []
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
    from extract.pdf.load import load
    from extract.pdf.pages import read_page

    loaded = load(path, settings.budgets)
    try:
        if not 1 <= page <= loaded.page_count:
            from extract.errors import ExtractError

            raise ExtractError(f"no page {page} (the PDF has {loaded.page_count})", path=str(path))
        content = read_page(loaded.pdf.pages[page - 1], page, loaded.path, settings.page)
    finally:
        loaded.close()
    out: list[Shape] = []
    for grid in content.grids:
        for cell in grid.cells:
            if "cells" in kinds:
                out.append(Shape("cell", cell.bbox, f"r{cell.row}c{cell.col} {cell.row_span}x{cell.col_span}"))
            if "lines" in kinds:
                out.extend(Shape("line", ln.bbox, ln.text) for ln in cell.lines)
            if "hidden" in kinds and cell.hidden:
                out.append(Shape("hidden", cell.bbox, cell.hidden))
    if "lines" in kinds:
        out.extend(Shape("line", ln.bbox, ln.text) for ln in content.free_lines)
    if "fields" in kinds:
        out.extend(_field_shapes(path, page, settings))
    return out


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
    for s in drawn:
        box = [v * scale for v in s.bbox]
        width = 3 if s.kind in ("field", "flagged") else 1
        if s.kind == "cell" and not s.label.endswith("1x1"):
            width = 2
        draw.rectangle(box, outline=COLOURS[s.kind], width=width)
    return image
