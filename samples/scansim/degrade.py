"""Image degradations, each one function of a float32 RGB page (H x W x 3, 0 = black, 1 = white).

In the order :mod:`samples.scansim.simulate` applies them: what happens to the paper (show-through of the
back, a second-generation photocopy, the paper's tone and the scanner's black), then what happens on the
scanner (the sheet turned and skewed on the glass, uneven lighting, optical blur, sensor noise, dust), then
the scanner's output mode (colour, grey, or 1-bit by threshold, error diffusion or adaptive threshold).
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from samples.scansim.marks import as_float, mm_to_px, smooth_noise
from samples.scansim.recipe import Lighting, Photocopy, Recipe

FloatArray = npt.NDArray[np.float32]


def grey(page: FloatArray) -> FloatArray:
    return (page @ np.array([0.299, 0.587, 0.114], dtype=np.float32)).astype(np.float32)


def bleed_through(page: FloatArray, back: FloatArray, strength: float, shift: tuple[float, float]) -> None:
    """Darken ``page`` in place by the mirrored grey ``back`` (same size), shifted by ``shift`` pixels."""
    h, w = page.shape[:2]
    mirrored = np.ascontiguousarray(back[:, ::-1])
    matrix = np.array([[1, 0, shift[0]], [0, 1, shift[1]]], dtype=np.float32)
    moved = cv2.warpAffine(mirrored, matrix, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=(1.0,))
    sigma = max(1.0, w / 600)  # paper diffuses the back's print
    moved = cv2.GaussianBlur(moved, (0, 0), sigma)
    page *= (1.0 - strength * (1.0 - moved))[..., None]


def photocopy(page: FloatArray, copy: Photocopy, dpi: int, rng: np.random.Generator) -> FloatArray:
    """A copy of a copy: the tone curve of a copier (a soft threshold), blur, toner grain, specks, a darker
    sheet and maybe the lid's shadow along one edge. Returns a grey page as RGB."""
    g = grey(page)
    g = 1.0 / (1.0 + np.exp(-(g - copy.level) / max(copy.softness, 1e-3) * 2.0))
    g = as_float(cv2.GaussianBlur(g.astype(np.float32), (0, 0), max(copy.blur_px300 * dpi / 300, 0.3)))
    g = g * copy.background * (1.0 - 0.05 * smooth_noise(g.shape, 5, rng))  # the copier's uneven toner
    g += rng.normal(0.0, copy.grain, g.shape).astype(np.float32) * (0.4 + 0.6 * g)
    h, w = g.shape
    for _ in range(copy.specks):
        radius = max(1, round(rng.uniform(0.3, 1.4) * dpi / 300))
        cv2.circle(g, (int(rng.integers(0, w)), int(rng.integers(0, h))), radius, float(rng.uniform(0.0, 0.5)), -1)
    if copy.edge_shadow != "none":
        band = max(1, round(mm_to_px(copy.edge_shadow_mm, dpi)))
        ramp = np.linspace(0.1, 1.0, band, dtype=np.float32) ** 0.5
        if copy.edge_shadow == "left":
            g[:, :band] *= ramp[None, :]
        elif copy.edge_shadow == "right":
            g[:, -band:] *= ramp[None, ::-1]
        elif copy.edge_shadow == "top":
            g[:band, :] *= ramp[:, None]
        else:
            g[-band:, :] *= ramp[::-1, None]
    g = np.clip(g, 0.0, 1.0)
    return np.repeat(g[..., None], 3, axis=2)


def paper_tone(page: FloatArray, paper_rgb: tuple[int, int, int], black_level: int) -> FloatArray:
    """White becomes the paper's colour, black the scanner's darkest grey (in place; returned)."""
    black = np.float32(black_level / 255)
    page *= np.asarray(paper_rgb, dtype=np.float32) / 255 - black
    page += black
    return page


def turn(page: FloatArray, rotation: int) -> FloatArray:
    """The page turned ``rotation`` degrees clockwise (exact; a sideways portrait page becomes landscape)."""
    return np.ascontiguousarray(np.rot90(page, k=-(rotation // 90) % 4))


def skew(page: FloatArray, degrees: float) -> FloatArray:
    """Rotated ``degrees`` counter-clockwise about the centre, same size, uncovered corners white (the lid)."""
    if not degrees:
        return page
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return as_float(
        cv2.warpAffine(
            page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(1.0, 1.0, 1.0)
        )
    )


def lighting(page: FloatArray, light: Lighting) -> None:
    """Multiply in place by a smooth illumination field (1 at the brightest point)."""
    if light.kind == "none" or light.strength <= 0:
        return
    h, w = page.shape[:2]
    xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    if light.kind == "gradient":
        a = math.radians(light.angle_deg)
        t = xs * np.float32(math.cos(a)) - ys * np.float32(math.sin(a))  # y grows downwards: counter-clockwise
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        darkening = t**1.5
    else:
        cx, cy = light.centre
        r2 = ((xs - np.float32(cx)) ** 2 + (ys - np.float32(cy)) ** 2) / np.float32(0.5)
        darkening = np.clip(r2, 0.0, 1.0) ** 1.5
    page *= (1.0 - np.float32(light.strength) * darkening)[..., None]


def blur(page: FloatArray, sigma: float) -> FloatArray:
    return as_float(cv2.GaussianBlur(page, (0, 0), sigma)) if sigma >= 0.2 else page


def sensor_noise(page: FloatArray, sigma: float, rng: np.random.Generator) -> None:
    """Luminance noise of ``sigma`` (0–255 scale), in place (colour noise would not survive the JPEG)."""
    h, w = page.shape[:2]
    lum = rng.standard_normal((h, w), dtype=np.float32)
    lum *= np.float32(sigma / 255)
    page += lum[..., None]


def dust(page: FloatArray, specks: int, hairs: int, dpi: int, rng: np.random.Generator) -> None:
    """Dark specks and hairs on the glass, in place."""
    h, w = page.shape[:2]
    mask = np.zeros((h, w), dtype=np.float32)
    scale = dpi / 300
    for _ in range(specks):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        radius = max(1, round(rng.gamma(1.5, 1.0) * scale))
        cv2.circle(mask, centre, radius, float(rng.uniform(0.3, 0.9)), -1, lineType=cv2.LINE_AA)
    for _ in range(hairs):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        angle = rng.uniform(0, 2 * math.pi)
        points = []
        for _ in range(30):
            angle += rng.normal(0.0, 0.15)
            x += math.cos(angle) * 4 * scale
            y += math.sin(angle) * 4 * scale
            points.append((round(x), round(y)))
        cv2.polylines(mask, [np.array(points, dtype=np.int32)], False, 0.7, max(1, round(scale)), cv2.LINE_AA)
    page *= (1.0 - mask)[..., None]


def _paper_and_print(lum: npt.NDArray[Any]) -> tuple[float, float]:
    """The grey of a page's paper (its 90th percentile) and of its darkest print (0.5th)."""
    sample = lum[::4, ::4]
    return float(np.percentile(sample, 90)), float(np.percentile(sample, 0.5))


def output_image(page: FloatArray, recipe: Recipe) -> Image.Image:
    """The scanner's output: an RGB, L or 1-bit Pillow image of ``page`` (which is overwritten)."""
    page *= np.float32(255)
    page += np.float32(0.5)
    np.clip(page, 0, 255, out=page)
    rgb = page.astype(np.uint8)
    if recipe.colour == "colour":
        return Image.fromarray(rgb, "RGB")
    lum = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if recipe.colour == "grey":
        return Image.fromarray(lum, "L")
    level = recipe.bilevel_level if recipe.bilevel_level is not None else 0.5
    if recipe.bilevel == "dither":
        # A scanner levels the paper to white before error diffusion, or the background would be all dots.
        sample = lum[::4, ::4].astype(np.float32)
        paper = float(np.median(sample))
        spread = 1.4826 * float(np.median(np.abs(sample - paper)))
        white, black = paper - 2.5 * spread - 4.0, float(np.percentile(sample, 0.5))
        stretched = np.clip((lum.astype(np.float32) - black) / max(white - black, 1.0) * 255, 0, 255)
        return Image.fromarray(stretched.astype(np.uint8), "L").convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    if recipe.bilevel == "adaptive":
        block = 2 * round(recipe.dpi / 8) + 1
        smooth = cv2.GaussianBlur(lum, (0, 0), max(0.6, recipe.dpi / 300))  # the scanner's own denoising
        local = cv2.adaptiveThreshold(
            smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, round(level * 255)
        )
        # Dark only where darker than the surroundings and than a level between this page's paper and its
        # print (not a fixed grey: a thin ruling blurred to mid-grey on light paper is still print, and
        # an absolute gate erased every thin line and glyph of a light page); paper in a shadow stays white.
        paper, ink = _paper_and_print(smooth)
        binary = np.where((local == 0) & (smooth < paper - 0.2 * (paper - ink)), 0, 255).astype(np.uint8)
    else:
        # The scanner levels paper to white and its darkest print to black, then cuts at the level (a cut
        # on the raw grey, below a light page's mid-tone, erased every thin line and small glyph).
        paper, ink = _paper_and_print(lum)
        binary = np.where(lum > ink + level * (paper - ink), 255, 0).astype(np.uint8)
    return Image.fromarray(binary, "L").convert("1", dither=Image.Dither.NONE)
