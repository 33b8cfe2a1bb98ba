"""Make realistic scanned (image-only) versions of the text-layer sample PDFs.

Most archived 绩效自评表 are scans: image-only PDFs, slightly skewed, JPEG-compressed, with a red official
seal (公章) stamped across the header and a handwritten signature. This script renders sample pages with
pypdfium2 and makes them look scanned, deterministically (every random choice comes from a fixed seed):

* the paper is slightly grey and uneven, black is lifted to a scanner's dark grey;
* a red seal (4.2 cm, star in the centre, the unit name along the arc) is multiplied over the title /
  unit-name area of page 1, so the text under it stays visible; a dark blue signature scribble is written
  next to the ``（签章）`` line of the last page (or below the table when there is none);
* a few dust specks; each page is rotated by 0.5°–1.5°, the sign alternating between pages and files,
  with white fill; one page is upside down (180°);
* a slight Gaussian blur, light Gaussian noise, JPEG quality 60.

Each output page is one baseline JPEG (DCTDecode, embedded as encoded, never re-encoded) drawn over the
whole page; the page size is the source's (A4). There is no text layer at all. The parameters of every
output are written to ``samples/scans/manifest.json``.

Usage::

    python samples/scan.py [NAME ...]   # NAME: a source stem or an output stem; default: all

Needs pypdfium2, Pillow, numpy, pdfplumber (text positions for the seal and signature, and the final
check) and pypdf (the mixed text + scan file). A CJK font (Noto Serif/Sans CJK or WenQuanYi under
/usr/share/fonts) is used for the seal text; without one the seal has no text.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import math
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.pdf import PDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "scans"
MANIFEST = "manifest.json"
A4_PT = (595.2756, 841.8898)
JPEG_QUALITY = 60
PRODUCER = "samples/scan.py"

SEAL_RGB = (220, 30, 40)
SEAL_DIAMETER_CM = 4.2
SEAL_OPACITY = 0.9
INK_RGB = (28, 36, 96)  # blue-black ballpoint
SIGNATURE_BOX_PT = (100.0, 30.0)
PAPER_RGB = (243, 242, 237)
BLACK_LEVEL = 24.0
NOISE_SIGMA = 2.5  # luminance noise, 0–255 scale
CHROMA_SIGMA = 0.5  # per-channel noise
SKEW_RANGE = (0.5, 1.5)
BLUR_PX_300 = 1.0  # Gaussian blur radius at 300 dpi, scaled with the dpi

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ScanSpec:
    """One output file."""

    name: str  # output stem: samples/scans/<name>.pdf
    source: str | None  # source stem (samples/<source>.pdf); None: a blank page
    dpi: int
    seed: int
    first_sign: int  # sign of the first page's skew (+1 counter-clockwise); alternates page by page
    upside_down: tuple[int, ...] = ()  # 1-based output pages turned by 180°
    text_pages: tuple[int, ...] = ()  # 1-based source pages copied as text (pypdf) instead of scanned


SPECS: tuple[ScanSpec, ...] = (
    ScanSpec("jinzhong-2021-justice-bureau-scan300", "jinzhong-2021-justice-bureau", 300, 210301, +1, (2,)),
    ScanSpec("jinzhong-2021-justice-bureau-scan200", "jinzhong-2021-justice-bureau", 200, 210201, -1),
    ScanSpec("jinzhong-2022-audit-bureau-scan300", "jinzhong-2022-audit-bureau", 300, 220301, +1),
    ScanSpec("jinzhong-2022-audit-bureau-scan200", "jinzhong-2022-audit-bureau", 200, 220201, -1),
    ScanSpec("chizhou-2022-village-funds-scan300", "chizhou-2022-village-funds", 300, 340301, +1),
    ScanSpec("mixed-text-and-scan", "jinzhong-2022-audit-bureau", 300, 220399, -1, text_pages=(1,)),
    ScanSpec("blank-page-scan", None, 200, 990201, +1),
)


# ---------------------------------------------------------------------------------------------- fonts


@functools.cache
def find_cjk_font() -> tuple[str, int] | None:
    """A bold CJK font (path, face index) for the seal text, Simplified Chinese face preferred."""
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    preferred = ["NotoSerifCJK-Bold", "NotoSansCJK-Bold", "NotoSerifCJK", "NotoSansCJK", "wqy-zenhei", "wqy-microhei"]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.suffix.lower() in {".ttc", ".otf", ".ttf"})
    for stem in preferred:
        for path in found:
            if path.name.startswith(stem):
                face = _sc_face(path)
                if face is not None:
                    return str(path), face
    return None


def _font_name(font: ImageFont.FreeTypeFont) -> str:
    return " ".join(part for part in font.getname() if part)


def _sc_face(path: Path) -> int | None:
    faces: list[tuple[int, str]] = []
    for index in range(8):
        try:
            font = ImageFont.truetype(str(path), 24, index=index)
        except OSError:
            break
        if font.getbbox("局")[2] > 0:
            faces.append((index, _font_name(font)))
    for index, name in faces:
        if " SC" in name:
            return index
    return faces[0][0] if faces else None


# ---------------------------------------------------------------------------------------------- seal


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.pi / 5 * k
        points.append((cx + radius * math.sin(angle), cy - radius * math.cos(angle)))
    return points


def _arc_text(canvas: Image.Image, text: str, font_spec: tuple[str, int], radius: float, ring: float) -> None:
    """Write text clockwise along the top arc, each glyph upright towards the rim."""
    n = len(text)
    size_box = canvas.width
    centre = size_box / 2
    pitch = min(32.0, 250.0 / max(n - 1, 1))
    span = pitch * (n - 1)
    glyph_h = radius * 0.27
    text_r = radius - ring - radius * 0.05 - glyph_h / 2
    arc = text_r * math.radians(pitch)
    size = max(8, round(min(glyph_h, arc * 0.92 / 0.8)))
    font = ImageFont.truetype(font_spec[0], size, index=font_spec[1])
    for i, char in enumerate(text):
        phi = -span / 2 + pitch * i
        glyph = Image.new("L", (2 * size, 2 * size), 0)
        ImageDraw.Draw(glyph).text((size, size), char, fill=255, font=font, anchor="mm")
        glyph = glyph.resize((round(2 * size * 0.8), 2 * size), Image.Resampling.LANCZOS)  # condensed, 仿宋-like
        glyph = glyph.rotate(-phi, resample=Image.Resampling.BICUBIC, expand=True)
        gx = centre + text_r * math.sin(math.radians(phi))
        gy = centre - text_r * math.cos(math.radians(phi))
        canvas.paste(255, (round(gx - glyph.width / 2), round(gy - glyph.height / 2)), glyph)


def draw_seal(
    diameter_px: int, text: str | None, font_spec: tuple[str, int] | None, rng: np.random.Generator, angle: float
) -> FloatArray:
    """The seal's ink coverage (0–1), a square of side diameter_px + margin."""
    scale = 2  # supersampled, then reduced: smooth edges
    side = (diameter_px + 8) * scale
    radius = diameter_px * scale / 2
    ring = radius * 0.055
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    c = side / 2
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=round(ring))
    draw.polygon(_star(c, c - radius * 0.02, radius * 0.28), fill=255)
    if text and font_spec:
        _arc_text(canvas, text, font_spec, radius, ring)
    canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC)
    canvas = canvas.resize((side // scale, side // scale), Image.Resampling.LANCZOS)
    cover = np.asarray(canvas, dtype=np.float32) / 255.0
    # uneven ink: a smooth field (pressure) and a few starved pixels, then a little bleed
    field = _smooth_field(cover.shape, cells=5, rng=rng)
    cover *= np.clip(0.8 + 0.25 * field, 0.45, 1.0)
    cover *= rng.random(cover.shape, dtype=np.float32) > 0.06
    bled = Image.fromarray(np.uint8(np.clip(cover, 0, 1) * 255)).filter(ImageFilter.GaussianBlur(0.7))
    return np.asarray(bled, dtype=np.float32) / 255.0 * SEAL_OPACITY


# ---------------------------------------------------------------------------------------------- signature


Points = npt.NDArray[np.float64]


def _bezier(p0: Points, p1: Points, p2: Points, p3: Points, steps: int) -> Points:
    """`steps` points along the cubic Bézier curve p0 → p3 with control points p1, p2."""
    t = np.linspace(0.0, 1.0, steps)[:, None]
    curve: Points = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3
    return curve


def _stroke(draw: ImageDraw.ImageDraw, points: npt.NDArray[np.float64], w0: float, w1: float) -> None:
    widths = np.linspace(w0, w1, len(points)) * (0.85 + 0.3 * np.sin(np.linspace(0, 3 * math.pi, len(points))))
    for (x0, y0), (x1, y1), w in zip(points[:-1], points[1:], widths, strict=False):
        draw.line((x0, y0, x1, y1), fill=255, width=max(1, round(w)))
        r = w / 2
        draw.ellipse((x1 - r, y1 - r, x1 + r, y1 + r), fill=255)


def _glyph_anchors(
    x0: float, x1: float, h: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Anchor points and tangents of one cursive 'character': up and down strokes, some doubling back."""
    n = int(rng.integers(5, 8))
    xs = np.linspace(x0, x1, n) + rng.uniform(-0.15, 0.15, n) * (x1 - x0) / n
    ys = np.where(np.arange(n) % 2 == 0, 0.72, 0.22) * h + rng.uniform(-0.12, 0.12, n) * h
    xs += (0.5 * h - ys) * 0.25  # right-leaning slant
    points = np.stack([xs, ys], axis=1)
    # horizontal tangents of random sign and size: a backward tangent at a turn makes a loop
    tx = rng.uniform(0.3, 1.1, n) * (x1 - x0) / n * np.where(rng.random(n) < 0.35, -1.5, 1.0)
    ty = rng.uniform(-0.25, 0.25, n) * h
    return points, np.stack([tx, ty], axis=1)


def draw_signature(width_px: int, height_px: int, dpi: int, rng: np.random.Generator) -> FloatArray:
    """A handwritten-looking signature: two or three cursive 'characters' as chains of cubic Bézier
    strokes (pen lifted between them), then a tapering flourish underneath."""
    scale = 2
    w, h = width_px * scale, height_px * scale
    canvas = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(canvas)
    pen = 0.75 / 72 * dpi * scale  # ~0.75 pt ballpoint
    n_chars = int(rng.integers(2, 4))
    edges = np.linspace(0.03 * w, 0.8 * w, n_chars + 1)
    for k in range(n_chars):
        points, tangents = _glyph_anchors(edges[k], edges[k + 1] + 0.04 * w, h * 0.85, rng)
        for i in range(len(points) - 1):
            p0, p3 = points[i], points[i + 1]
            curve = _bezier(p0, p0 + tangents[i], p3 - tangents[i + 1], p3, 24)
            _stroke(draw, curve, pen * rng.uniform(0.9, 1.25), pen * rng.uniform(0.7, 1.1))
    # flourish: from the end of the last character back under the name, tapering
    u0 = np.array([0.82 * w, h * rng.uniform(0.55, 0.7)])
    u3 = np.array([0.08 * w, h * rng.uniform(0.85, 0.95)])
    u1 = u0 + np.array([0.12 * w, 0.35 * h])
    u2 = u3 + np.array([0.35 * w, 0.05 * h])
    _stroke(draw, _bezier(u0, u1, u2, u3, 60), pen * 1.1, pen * 0.25)
    canvas = canvas.resize((width_px, height_px), Image.Resampling.LANCZOS)
    return np.asarray(canvas, dtype=np.float32) / 255.0 * 0.92


# ---------------------------------------------------------------------------------------------- page


def _smooth_field(shape: tuple[int, ...], cells: int, rng: np.random.Generator) -> FloatArray:
    """A smooth random field in about [-1, 1], varying over `cells` cells across the image."""
    h, w = shape[:2]
    gh = max(2, round(cells * h / max(h, w)) + 1)
    gw = max(2, round(cells * w / max(h, w)) + 1)
    grid = rng.uniform(0, 255, (gh, gw)).astype(np.uint8)
    smooth = Image.fromarray(grid).resize((w, h), Image.Resampling.BICUBIC)
    return (np.asarray(smooth, dtype=np.float32) - 127.5) / 127.5


@dataclass(frozen=True)
class Stamp:
    """Ink multiplied onto the page: coverage (0–1) at top-left pixel (x, y)."""

    cover: FloatArray
    x: int
    y: int
    rgb: tuple[int, int, int]


def _apply_stamp(arr: FloatArray, stamp: Stamp) -> None:
    h, w = arr.shape[:2]
    sh, sw = stamp.cover.shape
    x0, y0 = max(stamp.x, 0), max(stamp.y, 0)
    x1, y1 = min(stamp.x + sw, w), min(stamp.y + sh, h)
    if x0 >= x1 or y0 >= y1:
        return
    cover = stamp.cover[y0 - stamp.y : y1 - stamp.y, x0 - stamp.x : x1 - stamp.x, None]
    colour = np.asarray(stamp.rgb, dtype=np.float32) / 255.0
    arr[y0:y1, x0:x1] *= 1.0 - cover * (1.0 - colour)


def _specks(image: Image.Image, dpi: int, rng: np.random.Generator) -> int:
    """A few dust specks and one short hair; returns the number of specks."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    n = int(rng.integers(10, 25))
    for _ in range(n):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.4, 1.8) * dpi / 150
        g = int(rng.integers(40, 150))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(g, g, g))
    p0 = np.array([rng.uniform(0, w), rng.uniform(0, h)])
    d = dpi / 25.4 * rng.uniform(3, 6)  # 3–6 mm long
    hair = _bezier(p0, p0 + rng.uniform(-d, d, 2), p0 + rng.uniform(-d, d, 2), p0 + rng.uniform(-d, d, 2), 30)
    draw.line([tuple(p) for p in hair], fill=(150, 150, 150), width=1)
    return n + 1


def scan_image(
    render: Image.Image,
    *,
    dpi: int,
    skew_deg: float,
    rotation: int,
    stamps: Sequence[Stamp],
    rng: np.random.Generator,
) -> tuple[Image.Image, dict[str, Any]]:
    """Turn a clean page render (white paper) into a scanned page of the same pixel size."""
    arr = np.asarray(render.convert("RGB"), dtype=np.float32)
    paper = np.asarray(PAPER_RGB, dtype=np.float32) + 2.5 * _smooth_field(arr.shape, 4, rng)[..., None]
    arr *= (paper - BLACK_LEVEL) / 255.0
    arr += BLACK_LEVEL
    for stamp in stamps:
        _apply_stamp(arr, stamp)
    image = Image.fromarray(np.uint8(np.clip(arr + 0.5, 0, 255)))
    del arr
    specks = _specks(image, dpi, rng)
    image = image.rotate(skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    blur = round(BLUR_PX_300 * dpi / 300, 2)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(image, dtype=np.float32)
    h, w = arr.shape[:2]
    arr += NOISE_SIGMA * rng.standard_normal((h, w, 1), dtype=np.float32)
    arr += CHROMA_SIGMA * rng.standard_normal((h, w, 3), dtype=np.float32)
    image = Image.fromarray(np.uint8(np.clip(arr + 0.5, 0, 255)))
    if rotation == 180:
        image = image.transpose(Image.Transpose.ROTATE_180)
    noise = {
        "paper_rgb": list(PAPER_RGB),
        "black_level": BLACK_LEVEL,
        "gaussian_sigma": NOISE_SIGMA,
        "chroma_sigma": CHROMA_SIGMA,
        "blur_radius_px": blur,
        "specks": specks,
    }
    return image, noise


def encode_jpeg(image: Image.Image, dpi: int, quality: int = JPEG_QUALITY) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), subsampling="4:2:0", optimize=True)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class JpegPage:
    jpeg: bytes
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float


def image_pdf(pages: Sequence[JpegPage]) -> bytes:
    """A PDF of image-only pages: each page one DCTDecode image (the JPEG bytes as given) over the page."""
    objects: list[bytes] = [b"", b""]  # 1 catalog, 2 pages: filled in below
    kids = []
    for page in pages:
        n = len(objects)
        page_no, content_no, image_no = n + 1, n + 2, n + 3
        kids.append(f"{page_no} 0 R")
        w, h = f"{page.width_pt:.4f}", f"{page.height_pt:.4f}"
        content = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] "
            f"/Resources << /XObject << /Im0 {image_no} 0 R >> >> /Contents {content_no} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            (
                f"<< /Type /XObject /Subtype /Image /Width {page.width_px} /Height {page.height_px} "
                f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {len(page.jpeg)} >>\n"
                "stream\n"
            ).encode()
            + page.jpeg
            + b"\nendstream"
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    objects.append(f"<< /Producer ({PRODUCER}) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    digest = hashlib.md5(bytes(out)).hexdigest()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R "
        f"/ID [<{digest}> <{digest}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


# ---------------------------------------------------------------------------------------------- layout


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left (pdfplumber)
UNIT_LABELS = ("单位名称", "主管部门", "实施单位")
SIGN_WORDS = ("签章", "签字", "签名")


def _words(pdf: PDF, index: int) -> list[dict[str, Any]]:
    page = pdf.pages[index]
    return [w for w in page.extract_words() if 0 <= w["top"] <= page.height]


def unit_name(words: list[dict[str, Any]]) -> tuple[str, Box] | None:
    """The unit's name printed right of a 单位名称 / 主管部门 / 实施单位 label, without a numeric code."""
    for label in UNIT_LABELS:
        for word in words:
            if word["text"] != label:
                continue
            right = [w for w in words if abs(w["top"] - word["top"]) < 3 and w["x0"] > word["x1"] and w is not word]
            if right:
                value = min(right, key=lambda w: w["x0"])
                name = re.sub(r"^\d+\s*[-－]\s*", "", value["text"])
                if name:
                    return name, (value["x0"], value["top"], value["x1"], value["bottom"])
    return None


def seal_centre(words: list[dict[str, Any]], rng: np.random.Generator) -> tuple[tuple[float, float], str | None]:
    """Seal centre (points) over the unit name, a little up into the title lines; and the seal text."""
    found = unit_name(words)
    if found:
        name, (x0, top, x1, bottom) = found
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2 - 8
    else:  # below the title (the largest text) towards the left
        title = max(words, key=lambda w: w["bottom"] - w["top"]) if words else None
        name = None
        cx, cy = (title["x0"] + 30, title["bottom"] + 40) if title else (200.0, 110.0)
    cx += float(rng.uniform(-6, 6))
    cy += float(rng.uniform(-6, 6))
    return (round(cx, 1), round(cy, 1)), name


def signature_box(words: list[dict[str, Any]], page_w: float, page_h: float) -> Box:
    """Right of the （签章） label; without one, below the lowest text in the right half."""
    bw, bh = SIGNATURE_BOX_PT
    for word in words:
        if any(s in word["text"] for s in SIGN_WORDS):
            yc = (word["top"] + word["bottom"]) / 2
            x0 = word["x1"] + 6
            return (round(x0, 1), round(yc - 20, 1), round(x0 + bw, 1), round(yc + bh - 20, 1))
    bottom = max((w["bottom"] for w in words), default=page_h * 0.8)
    x0 = page_w * 0.62
    y0 = min(bottom + 14, page_h - bh - 20)
    return (round(x0, 1), round(y0, 1), round(x0 + bw, 1), round(y0 + bh, 1))


def scanned_box(box: Box, page_w: float, page_h: float, skew_deg: float, rotation: int) -> Box:
    """Where a box on the paper lands on the scanned page (bounding box after skew and 180° turn)."""
    cx, cy = page_w / 2, page_h / 2
    a = math.radians(skew_deg)
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        sx, sy = cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)
        if rotation == 180:
            sx, sy = page_w - sx, page_h - sy
        xs.append(sx)
        ys.append(sy)
    return (round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1))


def _circle_scanned(
    centre: tuple[float, float], r: float, page_w: float, page_h: float, skew: float, rotation: int
) -> Box:
    c = scanned_box((centre[0], centre[1], centre[0], centre[1]), page_w, page_h, skew, rotation)
    return (round(c[0] - r, 1), round(c[1] - r, 1), round(c[2] + r, 1), round(c[3] + r, 1))


# ---------------------------------------------------------------------------------------------- build


def skew_angles(spec: ScanSpec, n: int, rng: np.random.Generator) -> list[float]:
    return [round(spec.first_sign * (-1) ** i * float(rng.uniform(*SKEW_RANGE)), 2) for i in range(n)]


def _stamps_for_page(
    spec: ScanSpec,
    index: int,
    n_pages: int,
    pdf: PDF,
    scale: float,
    font: tuple[str, int] | None,
    rng: np.random.Generator,
) -> tuple[list[Stamp], dict[str, Any]]:
    """The seal (page 1) and signature (last page) of one source page, and their manifest entries."""
    stamps: list[Stamp] = []
    info: dict[str, Any] = {}
    if index == 0:
        centre, text = seal_centre(_words(pdf, 0), rng)
        angle = round(float(rng.uniform(-15, 15)), 1) + 0.0  # no -0.0
        diameter = round(SEAL_DIAMETER_CM / 2.54 * spec.dpi)
        cover = draw_seal(diameter, text, font, rng, angle)
        side = cover.shape[0]
        stamps.append(Stamp(cover, round(centre[0] * scale - side / 2), round(centre[1] * scale - side / 2), SEAL_RGB))
        r = SEAL_DIAMETER_CM / 2.54 * 72 / 2
        info["seal"] = {
            "centre_pt": list(centre),
            "diameter_pt": round(2 * r, 1),
            "bbox_pt": [
                round(centre[0] - r, 1),
                round(centre[1] - r, 1),
                round(centre[0] + r, 1),
                round(centre[1] + r, 1),
            ],
            "text": text if font else None,
            "font": _font_name(ImageFont.truetype(font[0], 12, index=font[1])) if font else None,
            "rgb": list(SEAL_RGB),
            "opacity": SEAL_OPACITY,
            "angle_deg": angle,
        }
    if index == n_pages - 1:
        page = pdf.pages[index]
        box = signature_box(_words(pdf, index), float(page.width), float(page.height))
        cover = draw_signature(round((box[2] - box[0]) * scale), round((box[3] - box[1]) * scale), spec.dpi, rng)
        stamps.append(Stamp(cover, round(box[0] * scale), round(box[1] * scale), INK_RGB))
        info["signature"] = {"bbox_pt": list(box), "rgb": list(INK_RGB)}
    return stamps, info


def build(spec: ScanSpec, samples_dir: Path = HERE, out_dir: Path = OUT_DIR) -> dict[str, Any]:
    """Make one output PDF; returns its manifest entry."""
    rng = np.random.default_rng(spec.seed)
    if spec.source is None:
        return _build_blank(spec, rng, out_dir)
    src = samples_dir / f"{spec.source}.pdf"
    font = find_cjk_font()
    doc = pdfium.PdfDocument(str(src))
    n_pages = len(doc)
    scanned = [i for i in range(n_pages) if i + 1 not in spec.text_pages]
    angles = skew_angles(spec, n_pages, rng)
    scale = spec.dpi / 72
    jpegs: dict[int, JpegPage] = {}
    pages: list[dict[str, Any]] = []
    entry: dict[str, Any] = {"file": f"{spec.name}.pdf", "source": spec.source, "dpi": spec.dpi}
    noise: dict[str, Any] = {}
    with pdfplumber.open(src) as pdf:
        for i in range(n_pages):
            if i not in scanned:
                pages.append({"page": i + 1, "source_page": i + 1, "kind": "text"})
                continue
            rotation = 180 if i + 1 in spec.upside_down else 0
            stamps, info = _stamps_for_page(spec, i, n_pages, pdf, scale, font, rng)
            pw, ph = doc[i].get_size()
            render = doc[i].render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
            image, noise = scan_image(
                render, dpi=spec.dpi, skew_deg=angles[i], rotation=rotation, stamps=stamps, rng=rng
            )
            jpegs[i] = JpegPage(encode_jpeg(image, spec.dpi), image.width, image.height, pw, ph)
            page_entry: dict[str, Any] = {
                "page": i + 1,
                "source_page": i + 1,
                "kind": "scan",
                "skew_deg": angles[i],
                "rotation": rotation,
                "image_px": [image.width, image.height],
            }
            if "seal" in info:
                s = info["seal"]
                s["bbox_pt_scan"] = list(
                    _circle_scanned(s["centre_pt"], s["diameter_pt"] / 2, pw, ph, angles[i], rotation)
                )
            if "signature" in info:
                x0, top, x1, bottom = info["signature"]["bbox_pt"]
                info["signature"]["bbox_pt_scan"] = list(
                    scanned_box((x0, top, x1, bottom), pw, ph, angles[i], rotation)
                )
            pages.append(page_entry | info)
    doc.close()
    body = image_pdf([jpegs[i] for i in scanned])
    if spec.text_pages:
        body = _mix(src, body, n_pages, scanned)
    (out_dir / f"{spec.name}.pdf").write_bytes(body)
    entry.update(jpeg_quality=JPEG_QUALITY, seed=spec.seed, noise=noise, pages=pages, bytes=len(body))
    return entry


def _mix(src: Path, scanned_pdf: bytes, n_pages: int, scanned: list[int]) -> bytes:
    """Source pages as text where not scanned, the scanned pages (in order) elsewhere."""
    text = PdfReader(src)
    scans = PdfReader(io.BytesIO(scanned_pdf))
    writer = PdfWriter()
    for i in range(n_pages):
        writer.add_page(scans.pages[scanned.index(i)] if i in scanned else text.pages[i])
    writer.add_metadata({"/Producer": PRODUCER})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _build_blank(spec: ScanSpec, rng: np.random.Generator, out_dir: Path) -> dict[str, Any]:
    pw, ph = A4_PT
    size = (round(pw / 72 * spec.dpi), round(ph / 72 * spec.dpi))
    angle = skew_angles(spec, 1, rng)[0]
    image, noise = scan_image(
        Image.new("RGB", size, (255, 255, 255)), dpi=spec.dpi, skew_deg=angle, rotation=0, stamps=[], rng=rng
    )
    body = image_pdf([JpegPage(encode_jpeg(image, spec.dpi), image.width, image.height, pw, ph)])
    (out_dir / f"{spec.name}.pdf").write_bytes(body)
    page = {"page": 1, "source_page": None, "kind": "scan", "skew_deg": angle, "rotation": 0, "image_px": list(size)}
    return {
        "file": f"{spec.name}.pdf",
        "source": None,
        "dpi": spec.dpi,
        "jpeg_quality": JPEG_QUALITY,
        "seed": spec.seed,
        "noise": noise,
        "pages": [page],
        "bytes": len(body),
    }


# ---------------------------------------------------------------------------------------------- check


def check(path: Path, text_pages: Sequence[int] = ()) -> list[str]:
    """Problems with an output: scanned pages must have no chars and one image, every page A4."""
    problems = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars, images = len(page.chars), len(page.images)
            if abs(page.width - A4_PT[0]) > 1 or abs(page.height - A4_PT[1]) > 1:
                problems.append(f"{path.name} p{number}: page {page.width:.1f}×{page.height:.1f} pt, not A4")
            if number in text_pages:
                if chars == 0:
                    problems.append(f"{path.name} p{number}: text page without chars")
            elif chars or images != 1:
                problems.append(f"{path.name} p{number}: {chars} chars, {images} images (want 0 and 1)")
    return problems


MANIFEST_NOTE = {
    "generator": PRODUCER,
    "coordinates": (
        "Boxes are [x0, top, x1, bottom] in PDF points with the origin at the top-left of the page "
        "(pdfplumber's convention). bbox_pt: on the paper, before scanning (the source page's coordinates); "
        "bbox_pt_scan: the bounding box where it lands on the scanned page, after skew and rotation."
    ),
    "skew": "skew_deg: the page image is rotated by this angle, positive counter-clockwise, white fill.",
    "rotation": "rotation: 180 means the page was scanned upside down (turned after the skew).",
    "noise": "gaussian_sigma / chroma_sigma on the 0–255 scale; blur_radius_px: Gaussian blur radius in pixels.",
}


def select(names: Sequence[str]) -> list[ScanSpec]:
    if not names:
        return list(SPECS)
    chosen = [s for s in SPECS if s.name in names or (s.source is not None and s.source in names)]
    unknown = [n for n in names if not any(n in (s.name, s.source) for s in SPECS)]
    if unknown:
        known = sorted({s.name for s in SPECS} | {s.source for s in SPECS if s.source})
        raise SystemExit(f"unknown name(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def write_manifest(out_dir: Path, entries: dict[str, dict[str, Any]]) -> None:
    path = out_dir / MANIFEST
    old: dict[str, dict[str, Any]] = {}
    if path.exists():
        old = {e["file"]: e for e in json.loads(path.read_text(encoding="utf-8")).get("scans", [])}
    old.update(entries)
    order = [f"{s.name}.pdf" for s in SPECS]
    scans = sorted(old.values(), key=lambda e: order.index(e["file"]) if e["file"] in order else len(order))
    data = {**MANIFEST_NOTE, "scans": scans}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME", help="source stem or output stem (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: samples/scans)")
    args = parser.parse_args(argv)
    specs = select(args.names)
    args.out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    started = time.perf_counter()
    for spec in specs:
        t0 = time.perf_counter()
        entry = build(spec, out_dir=args.out)
        entries[entry["file"]] = entry
        problems += check(args.out / entry["file"], spec.text_pages)
        print(f"{entry['file']}: {entry['bytes'] / 1024:.0f} KiB, {time.perf_counter() - t0:.1f} s")
    write_manifest(args.out, entries)
    total = sum(p.stat().st_size for p in args.out.glob("*.pdf"))
    elapsed = time.perf_counter() - started
    print(f"{len(specs)} file(s) in {elapsed:.1f} s; {args.out}/*.pdf: {total / 1024:.0f} KiB in all")
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
