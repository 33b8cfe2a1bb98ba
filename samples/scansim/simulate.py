"""Apply a recipe to a text-layer PDF: render every page with pypdfium2, degrade it, write an image-only PDF.

:func:`simulate` is the whole job for one source and seed: draw the recipe (:func:`draw_recipe`), apply it
(:func:`apply_recipe`), write ``<out>.pdf``, ``<out>.scan.json`` (the recipe, the source, where each mark
landed) and ``<out>.truth.json`` (the source's truth, copied, when the source has one).

The output PDF is written by Pillow's PDF writer: one image XObject per page drawn over the whole page, the
page exactly the image's size at the recipe's dpi (a page turned 90° is landscape). Colour and grey pages
are baseline JPEG (DCTDecode) at the recipe's quality, 1-bit pages CCITT G4. No text layer, no other
content; the document dates are fixed, so the same recipe gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from samples.scansim import degrade, marks
from samples.scansim.anchors import PageText, page_text, seal_anchor, signature_anchor
from samples.scansim.recipe import INK_RGB, SEAL_RGB, PageRecipe, Recipe, draw_recipe

PRODUCER = "samples.scansim"
FIXED_DATE = time.gmtime(1704067200)  # 2024-01-01T00:00:00Z: reproducible document info
BLEED_DPI = 60  # the back page is rendered coarse: it is blurred anyway


@dataclass
class Scan:
    """The result of applying a recipe: the PDF bytes and where each mark was put."""

    pdf: bytes
    placements: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def scan_json_path(out_pdf: Path) -> Path:
    return out_pdf.with_name(out_pdf.stem + ".scan.json")


def truth_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".truth.json")


def page_count(pdf_path: str | Path) -> int:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return len(doc)
    finally:
        doc.close()


def recipe_for(pdf_path: str | Path, seed: int, *, dpi: int | None = None, rotation: int | None = None) -> Recipe:
    """The recipe :func:`simulate` would use (the source's stem is mixed into the seed's streams)."""
    path = Path(pdf_path)
    return draw_recipe(seed, page_count(path), source=path.stem, dpi=dpi, rotation=rotation)


def simulate(
    pdf_path: str | Path, seed: int, out_path: str | Path, *, dpi: int | None = None, rotation: int | None = None
) -> Recipe:
    """Scan ``pdf_path`` as ``seed`` says into ``out_path``; also writes ``.scan.json`` and ``.truth.json``."""
    src, out = Path(pdf_path), Path(out_path)
    recipe = recipe_for(src, seed, dpi=dpi, rotation=rotation)
    scan = apply_recipe(src, recipe)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(scan.pdf)
    record = {
        "tool": PRODUCER,
        "source": {"file": src.name, "sha256": hashlib.sha256(src.read_bytes()).hexdigest()},
        "recipe": recipe.to_dict(),
        "placements": scan.placements,
    }
    scan_json_path(out).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if truth_path(src).is_file():
        shutil.copyfile(truth_path(src), truth_path(out))
    return recipe


def load_recipe(scan_json: str | Path) -> Recipe:
    """The recipe recorded in a ``.scan.json``."""
    return Recipe.from_dict(json.loads(Path(scan_json).read_text(encoding="utf-8"))["recipe"])


def apply_recipe(pdf_path: str | Path, recipe: Recipe) -> Scan:
    """The scanned PDF of ``pdf_path`` made as ``recipe`` says."""
    started = time.perf_counter()
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        if len(doc) != len(recipe.pages):
            raise ValueError(f"{pdf_path}: {len(doc)} pages, the recipe has {len(recipe.pages)}")
        placements: list[dict[str, Any]] = []
        images = [_scan_page(doc, index, recipe, placements) for index in range(len(doc))]
    finally:
        doc.close()
    return Scan(_write_pdf(images, recipe), placements, time.perf_counter() - started)


def _render(page: pdfium.PdfPage, dpi: int) -> degrade.FloatArray:
    rgb = page.render(scale=dpi / 72, rev_byteorder=True).to_numpy()
    return np.multiply(rgb[..., :3], np.float32(1 / 255), dtype=np.float32)


def _scan_page(doc: pdfium.PdfDocument, index: int, recipe: Recipe, placements: list[dict[str, Any]]) -> Image.Image:
    spec: PageRecipe = recipe.pages[index]
    dpi = recipe.dpi
    rng = np.random.default_rng(spec.texture_seed)
    page = doc[index]
    img = _render(page, dpi)
    if spec.bleed is not None:
        back = degrade.grey(_render(doc[spec.bleed.from_page], BLEED_DPI))
        back = marks.as_float(cv2.resize(back, (img.shape[1], img.shape[0]), interpolation=cv2.INTER_LINEAR))
        shift = tuple(marks.mm_to_px(v, dpi) for v in spec.bleed.shift_mm)
        degrade.bleed_through(img, back, spec.bleed.strength, (shift[0], shift[1]))
    if recipe.photocopy is not None:
        img = degrade.photocopy(img, recipe.photocopy, dpi, rng)
    img = degrade.paper_tone(img, recipe.paper_rgb, recipe.black_level)
    _stamp(img, page_text(page), index, spec, dpi, placements)
    img = degrade.turn(img, spec.rotation)
    img = degrade.skew(img, spec.skew_deg)
    degrade.lighting(img, spec.lighting)
    img = degrade.blur(img, spec.blur_px300 * dpi / 300)
    degrade.sensor_noise(img, spec.noise_sigma, rng)
    degrade.dust(img, spec.dust, spec.hairs, dpi, rng)
    return degrade.output_image(img, recipe)


def _clamp(point: tuple[float, float], margin: float, text: PageText) -> tuple[float, float]:
    x = min(max(point[0], margin), text.width - margin)
    y = min(max(point[1], margin), text.height - margin)
    return x, y


def _stamp(
    img: degrade.FloatArray,
    text: PageText,
    index: int,
    spec: PageRecipe,
    dpi: int,
    placements: list[dict[str, Any]],
) -> None:
    """Seals, then the signature, multiplied over the upright page."""
    to_px = dpi / 72
    mm = 72 / 25.4
    for seal in spec.seals:
        (x, y), over = seal_anchor(text, seal.target, seal.pick)
        point = (x + seal.offset_mm[0] * mm, y + seal.offset_mm[1] * mm)
        point = _clamp(point, seal.diameter_mm * mm * 0.5, text)
        marks.multiply(img, marks.seal_mask(seal, dpi), SEAL_RGB[seal.colour], (point[0] * to_px, point[1] * to_px))
        placements.append({"page": index, "mark": "seal", "target": seal.target, "over": over, "centre_pt": _pt(point)})
    if spec.signature is not None:
        sig = spec.signature
        x, y = signature_anchor(text)
        point = _clamp((x + sig.offset_mm[0] * mm, y + sig.offset_mm[1] * mm), sig.width_mm * mm * 0.5, text)
        marks.multiply(img, marks.signature_mask(sig, dpi), INK_RGB[sig.ink], (point[0] * to_px, point[1] * to_px))
        placements.append({"page": index, "mark": "signature", "centre_pt": _pt(point)})


def _pt(point: tuple[float, float]) -> list[float]:
    return [round(point[0], 1), round(point[1], 1)]


def _write_pdf(images: list[Image.Image], recipe: Recipe) -> bytes:
    buf = io.BytesIO()
    options: dict[str, Any] = {
        "dpi": (recipe.dpi, recipe.dpi),
        "title": "scan",
        "producer": PRODUCER,
        "creationDate": FIXED_DATE,
        "modDate": FIXED_DATE,
    }
    if recipe.jpeg_quality is not None:
        options["quality"] = recipe.jpeg_quality
    if recipe.jpeg_subsampling is not None:
        options["subsampling"] = recipe.jpeg_subsampling
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], **options)
    return buf.getvalue()
