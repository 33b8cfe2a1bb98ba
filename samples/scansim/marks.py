"""Ink marks drawn onto the paper: official seals and handwritten signatures.

Each mark is drawn as an alpha mask (float32, 0–1) at the scan's resolution, supersampled twice and reduced,
then multiplied over the page in its ink colour (:func:`multiply`), so the print under it stays visible
through the ink as it does on paper. A seal is a ring (sometimes a thin inner ring too), the unit's name in
condensed characters along the upper arc, a five-pointed star, optionally a short horizontal line of text,
with uneven ink (wear); a signature is a chain of cubic Bézier strokes whose width follows the pen pressure.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from samples.scansim.recipe import SEAL_RGB, Seal, Signature

FloatArray = npt.NDArray[np.float32]
SUPERSAMPLE = 2
LUMA = (0.299, 0.587, 0.114)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
FONT_PREFERENCE = ("NotoSerifCJK-Bold", "NotoSansCJK-Bold", "NotoSerifCJK", "NotoSansCJK", "wqy-zenhei", "uming")


def to_unit(image: Image.Image) -> FloatArray:
    """An L image as float32 coverage 0–1."""
    return (np.asarray(image, dtype=np.float32) / np.float32(255)).astype(np.float32)


def as_float(array: object) -> FloatArray:
    """An OpenCV result as a float32 array (no copy when it is one already)."""
    return np.asarray(array, dtype=np.float32)


def mm_to_px(mm: float, dpi: int) -> float:
    return mm * dpi / 25.4


@functools.cache
def cjk_font_file() -> tuple[str, int] | None:
    """(path, face index) of a bold Simplified-Chinese face for seal lettering; None when there is none."""
    files = [p for d in FONT_DIRS if d.is_dir() for p in d.rglob("*") if p.suffix.lower() in (".ttc", ".otf", ".ttf")]
    for prefix in FONT_PREFERENCE:
        for path in sorted(files):
            if not path.name.startswith(prefix):
                continue
            fallback = None
            for index in range(10):
                try:
                    font = ImageFont.truetype(str(path), 20, index=index)
                except OSError:
                    break
                family = font.getname()[0] or ""
                if family.endswith(" SC"):
                    return str(path), index
                fallback = index if fallback is None else fallback
            if fallback is not None:
                return str(path), fallback
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    found = cjk_font_file()
    return ImageFont.truetype(found[0], max(size, 4), index=found[1]) if found else None


def _glyph(char: str, font: ImageFont.FreeTypeFont, squeeze: float) -> Image.Image:
    """One character as an L tile, condensed horizontally by ``squeeze`` (seal lettering is narrow)."""
    left, top, right, bottom = (round(v) for v in font.getbbox(char))
    tile = Image.new("L", (max(right - left, 1) + 4, max(bottom - top, 1) + 4), 0)
    ImageDraw.Draw(tile).text((2 - left, 2 - top), char, fill=255, font=font)
    return tile.resize((max(1, round(tile.width * squeeze)), tile.height), Image.Resampling.BICUBIC)


def _star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else outer * 0.38
        angle = math.pi * k / 5
        points.append((cx + radius * math.sin(angle), cy - radius * math.cos(angle)))
    return points


def smooth_noise(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> FloatArray:
    """A smooth random field in [0, 1]: ``cells`` x ``cells`` uniform values resized with cubic interpolation."""
    h, w = shape
    coarse = rng.random((cells, cells)).astype(np.float32)
    field = as_float(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC))
    lo, hi = float(field.min()), float(field.max())
    return ((field - lo) / max(hi - lo, 1e-6)).astype(np.float32)


def seal_mask(seal: Seal, dpi: int) -> FloatArray:
    """The seal's ink coverage (0–1), a square array of its diameter in pixels (plus a margin), centred."""
    size = round(mm_to_px(seal.diameter_mm, dpi) * 1.08) * SUPERSAMPLE
    radius = mm_to_px(seal.diameter_mm, dpi) / 2 * SUPERSAMPLE
    c = size / 2
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    ring = max(2.0, radius * 0.06)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=round(ring))
    if seal.double_ring:
        inner = radius - ring * 2.2
        draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(1, round(ring * 0.3)))
    draw.polygon(_star_points(c, c, radius * 0.32), fill=255)
    _arc_lettering(image, seal.lettering, c, radius, ring)
    font = _font(round(radius * 0.2))
    if seal.centre_text and font is not None:
        tile = _glyph(seal.centre_text, font, 0.85) if len(seal.centre_text) == 1 else _line(seal.centre_text, font)
        image.paste(255, (round(c - tile.width / 2), round(c + radius * 0.48 - tile.height / 2)), tile)
    if seal.turn_deg:
        image = image.rotate(seal.turn_deg, resample=Image.Resampling.BICUBIC)
    return _wear(to_unit(image.resize((size // SUPERSAMPLE,) * 2, Image.Resampling.BOX)), seal)


def _line(text: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    tiles = [_glyph(ch, font, 0.85) for ch in text]
    gap = max(1, round(font.size) // 10)
    line = Image.new("L", (sum(t.width for t in tiles) + gap * (len(tiles) - 1), max(t.height for t in tiles)), 0)
    x = 0
    for tile in tiles:
        line.paste(tile, (x, line.height - tile.height))
        x += tile.width + gap
    return line


def _arc_lettering(image: Image.Image, text: str, c: float, radius: float, ring: float) -> None:
    """The characters upright to the arc, clockwise over the top, spread over 200–250°."""
    font = _font(round(radius * 0.36))
    if font is None or not text:
        return
    glyph_r = radius - ring - radius * 0.23
    span = min(250.0, max(180.0, 24.0 * len(text)))
    step = span / max(len(text) - 1, 1)
    for k, char in enumerate(text):
        theta = -span / 2 + k * step  # degrees clockwise from the top
        tile = _glyph(char, font, 0.72).rotate(-theta, resample=Image.Resampling.BICUBIC, expand=True)
        x = c + glyph_r * math.sin(math.radians(theta))
        y = c - glyph_r * math.cos(math.radians(theta))
        image.paste(255, (round(x - tile.width / 2), round(y - tile.height / 2)), tile)


def _wear(mask: FloatArray, seal: Seal) -> FloatArray:
    """Uneven ink: a smooth fade across the impression and a grainy texture, scaled by ``ink``."""
    rng = np.random.default_rng(seal.shape_seed)
    fade = smooth_noise(mask.shape[:2], 4, rng)
    blotch = smooth_noise(mask.shape[:2], 14, rng)
    grain = rng.random(mask.shape[:2], dtype=np.float32)
    keep = 1.0 - seal.wear * (0.55 * fade + 0.35 * blotch + 0.25 * grain)
    return np.clip(mask * np.clip(keep, 0.08, 1.0) * seal_opacity(seal), 0.0, 1.0).astype(np.float32)


def seal_opacity(seal: Seal) -> float:
    """The opacity at which the seal's colour darkens white paper's luminance by ``seal.ink``: a light red
    and a dark blue seal are equally dark in grey, and the print under either stays the darkest thing."""
    darkness = sum(w * (1 - c / 255) for w, c in zip(LUMA, SEAL_RGB[seal.colour], strict=True))
    return min(1.0, seal.ink / darkness)


def signature_mask(sig: Signature, dpi: int) -> FloatArray:
    """The signature's ink coverage (0–1) in a box of its size plus a margin; the scribble is centred."""
    rng = np.random.default_rng(sig.shape_seed)
    s = SUPERSAMPLE
    w, h = mm_to_px(sig.width_mm, dpi) * s, mm_to_px(sig.height_mm, dpi) * s
    pad = mm_to_px(4.0, dpi) * s
    size = (round(w + 2 * pad), round(h + 2 * pad))
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    pen = max(1.0, mm_to_px(sig.pen_mm, dpi) * s)
    shear = math.tan(math.radians(sig.slant_deg))
    for path in _signature_paths(sig.letters, rng):
        pts = [(pad + (x * 0.9 + shear * (1 - y) * h / w) * w, pad + y * h) for x, y in path]
        pressure = 0.55 + 0.45 * np.sin(np.linspace(0.2, math.pi - 0.2, len(pts)))
        for (x0, y0), (x1, y1), p in zip(pts, pts[1:], pressure, strict=False):
            width = max(1, round(pen * p))
            draw.line((x0, y0, x1, y1), fill=255, width=width)
            if width > 2:  # round joints
                r = width / 2
                draw.ellipse((x1 - r, y1 - r, x1 + r, y1 + r), fill=255)
    return to_unit(image.resize((size[0] // s, size[1] // s), Image.Resampling.BOX)) * np.float32(0.92)


def _bezier(p: npt.NDArray[np.float64], steps: int) -> list[tuple[float, float]]:
    t = np.linspace(0.0, 1.0, steps)[:, None]
    curve = (1 - t) ** 3 * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t**2 * p[2] + t**3 * p[3]
    return [(float(x), float(y)) for x, y in curve]


def _signature_paths(letters: int, rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """Pen paths in the unit box (x right, y down): one to three pen lifts of cursive "letters", each an up
    stroke and a down stroke (cubic Béziers that cross into a loop when the letter is tall), then often an
    underline flourish. Points are scaled to fill the box."""
    lifts = int(rng.integers(1, min(3, letters) + 1))
    sizes = np.array_split(np.arange(letters), lifts)
    paths: list[list[tuple[float, float]]] = []
    x = 0.0
    for word in sizes:
        base = 0.7 + rng.normal(0.0, 0.04)
        point = (x, base)
        path: list[tuple[float, float]] = []
        for _ in word:
            w = rng.uniform(0.6, 1.4)
            top = base - rng.choice((0.25, 0.45, 0.7)) * rng.uniform(0.8, 1.2)
            loop = rng.uniform(0.0, 0.5) if top < base - 0.4 else 0.0
            peak = (point[0] + w * 0.5, top)
            end = (point[0] + w, base + rng.normal(0.0, 0.05))
            up = np.array([point, (point[0] + w * 0.45, point[1]), (peak[0] + w * loop, top), peak])
            down = np.array([peak, (peak[0] - w * loop, top), (end[0] - w * 0.3, end[1]), end])
            path += _bezier(up, 16) + _bezier(down, 16)[1:]
            point = end
        paths.append(path)
        x = point[0] + rng.uniform(0.3, 1.0)
    if rng.random() < 0.6:  # an underline or a tail
        y = rng.uniform(0.85, 1.0)
        span = x
        ctrl = [(rng.uniform(0.0, 0.3) * span, y), (0.4 * span, y + 0.1), (0.7 * span, y - 0.15), (span, y - 0.05)]
        paths.append(_bezier(np.array(ctrl), 40))
    xs = [px for path in paths for px, _ in path]
    ys = [py for path in paths for _, py in path]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return [[((px - x0) / max(x1 - x0, 1e-6), (py - y0) / max(y1 - y0, 1e-6)) for px, py in p] for p in paths]


def multiply(page: FloatArray, mask: FloatArray, rgb: tuple[int, int, int], centre: tuple[float, float]) -> None:
    """Multiply ``mask`` (coverage) in colour ``rgb`` over ``page`` (H x W x 3, 0–1) in place, centred at
    ``centre`` (x, y pixels); parts off the page are dropped."""
    mh, mw = mask.shape
    x0, y0 = round(centre[0] - mw / 2), round(centre[1] - mh / 2)
    h, w = page.shape[:2]
    ax0, ay0, ax1, ay1 = max(x0, 0), max(y0, 0), min(x0 + mw, w), min(y0 + mh, h)
    if ax0 >= ax1 or ay0 >= ay1:
        return
    m = mask[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0, None]
    colour = np.asarray(rgb, dtype=np.float32) / 255
    page[ay0:ay1, ax0:ax1] *= 1.0 - m * (1.0 - colour)
