"""Image preparation for scanned pages: render, turn upright (90/180/270), deskew (±5°), suppress the
red seal's colour. The transform is kept, so boxes found on the prepared image map back to the page.

Coordinates: the prepared image's pixels ↔ PDF points of the *upright, deskewed* page by ``scale``;
``to_page`` maps a box back to the page as stored in the PDF (its own rotation and skew undone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import BBox
from .ocr.base import OcrEngine, PixelBox, get_engine
from .settings import MAX_SKEW, PrepSettings


@dataclass(frozen=True, slots=True)
class Prepared:
    gray: Any  # np.ndarray uint8, upright, deskewed, seal removed
    colour: Any  # np.ndarray uint8 RGB, upright and deskewed (for the debug picture)
    scale: float  # pixels per PDF point
    rotation: int  # degrees turned clockwise to make the page upright (0/90/180/270)
    skew: float  # degrees rotated to level the rulings
    matrix: Any  # 2x3 affine: prepared pixels -> rendered page pixels
    page_size: tuple[float, float]  # points, as rendered (width, height)

    def to_page(self, box: BBox) -> BBox:
        """A box in upright-page points → the stored page's points (its bounding box there)."""
        x0, y0, x1, y1 = (v * self.scale for v in box)
        pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float)
        mapped = pts @ np.asarray(self.matrix).T
        xs, ys = mapped[:, 0] / self.scale, mapped[:, 1] / self.scale
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


ORIENT_SCALE = 0.5  # orientation: text lines found on a half-resolution image (the engine reduces it again)
ORIENT_LINES = 16  # the widest lines recognised both ways up
ORIENT_MIN_LINES = 3  # fewer lines than this: no evidence, the page stays as it is
ORIENT_MARGIN = 0.05  # a line votes for a way up when it reads this much more confidently that way
ORIENT_UPRIGHT = 0.85  # lines that read this confidently as they stand are not read turned over
ORIENT_CHARS = 20  # characters of a line read for orientation (its start)
SEAL_GHOST = 185  # red-channel values above this are paper or seal, not black ink


def render(page: Any, dpi: int) -> Any:
    """A pdfium page as an RGB array at ``dpi``."""
    bitmap = page.render(scale=dpi / 72)
    return np.asarray(bitmap.to_pil().convert("RGB"))


def _ink(gray: Any) -> Any:
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary


def _line_score(binary: Any, angle: float) -> float:
    """How sharply rows of ink line up when the image is turned by ``angle`` (rulings → high peaks)."""
    import cv2

    h, w = binary.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(gray: Any, max_skew: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise positive as in OpenCV) that levels the table's rulings."""
    import cv2

    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    binary = _ink(small)
    best, step = 0.0, 0.5
    candidates = np.arange(-max_skew, max_skew + 1e-9, step)
    for _ in range(3):  # coarse to fine: 0.5°, 0.1°, 0.02°
        best = max((_line_score(binary, float(a)), float(a)) for a in candidates)[1]
        previous, step = step, step / 5
        candidates = np.arange(best - previous, best + previous + 1e-9, step)
    return round(best, 3)


def estimate_rotation(gray: Any, engine: OcrEngine | None = None) -> int:
    """Clockwise degrees (0/90/180/270) that turn the page upright, from evidence that holds on table
    pages (tesseract's orientation detection, tuned on prose, turned upright table pages over):

    1. *sideways or not*: the text lines the engine's detector finds on a reduced image are wide on an
       upright (or upside-down) page and tall on a sideways one;
    2. *up or down*: the widest lines are recognised as they stand and turned 180°; the way most lines
       read with clearly higher confidence wins. Too little evidence (a page with few lines) keeps the
       page as it is: an upright page is never turned on a guess.
    """
    import cv2

    engine = engine or get_engine("rapidocr")
    small = cv2.resize(gray, None, fx=ORIENT_SCALE, fy=ORIENT_SCALE, interpolation=cv2.INTER_AREA)
    boxes = _scaled(engine.detect(small), 1 / ORIENT_SCALE)
    wide = sum(1 for b in boxes if b[2] - b[0] > 1.5 * (b[3] - b[1]))
    tall = sum(1 for b in boxes if b[3] - b[1] > 1.5 * (b[2] - b[0]))
    base = 0
    if tall > wide and tall >= ORIENT_MIN_LINES:
        base = 90
        gray = _turn(gray, 90)
        small = cv2.resize(gray, None, fx=ORIENT_SCALE, fy=ORIENT_SCALE, interpolation=cv2.INTER_AREA)
        boxes = _scaled(engine.detect(small), 1 / ORIENT_SCALE)
    return (base + 180) % 360 if _upside_down(gray, boxes, engine) else base


def _scaled(boxes: list[PixelBox], factor: float) -> list[PixelBox]:
    return [
        (int(x0 * factor), int(y0 * factor), int(x1 * factor) + 1, int(y1 * factor) + 1) for x0, y0, x1, y1 in boxes
    ]


def _upside_down(gray: Any, boxes: list[PixelBox], engine: OcrEngine) -> bool:
    """The widest text lines read clearly better turned 180° than as they stand."""
    h, w = gray.shape[:2]
    lines = sorted((b for b in boxes if b[2] - b[0] > 1.5 * (b[3] - b[1])), key=lambda b: b[0] - b[2])
    # at most ORIENT_CHARS characters of each: reading costs with a crop's width, a start tells enough
    lines = [(x0, y0, min(x1, x0 + ORIENT_CHARS * (y1 - y0)), y1) for x0, y0, x1, y1 in lines[:ORIENT_LINES]]
    if len(lines) < ORIENT_MIN_LINES:
        return False
    as_is = [ln.confidence for ln in engine.read(gray, lines)]
    if float(np.mean(as_is)) >= ORIENT_UPRIGHT and sum(c >= ORIENT_UPRIGHT for c in as_is) >= 0.75 * len(lines):
        return False  # the lines read confidently as they stand: nothing to weigh them against
    flipped = np.ascontiguousarray(gray[::-1, ::-1])
    mirrored = [(w - x1, h - y1, w - x0, h - y0) for x0, y0, x1, y1 in lines]
    turned = [ln.confidence for ln in engine.read(flipped, mirrored)]
    votes = sum(1 for a, t in zip(as_is, turned, strict=True) if t > a + ORIENT_MARGIN) - sum(
        1 for a, t in zip(as_is, turned, strict=True) if a > t + ORIENT_MARGIN
    )
    return (
        votes >= max(ORIENT_MIN_LINES, len(lines) // 3)
        and float(np.mean(turned)) > float(np.mean(as_is)) + ORIENT_MARGIN
    )


def suppress_seal(rgb: Any) -> Any:
    """Grayscale without the seal: per pixel the lightest of the three channels, in which coloured ink —
    a red, blue or purple seal, a blue signature — is nearly as light as the paper (its own channel is
    high) while black ink, also where a seal covers it, stays dark in all three. What is left of a seal is
    a light grey ghost (see ``SEAL_GHOST``), which recognisers ignore and line finding lifts to white."""
    return np.ascontiguousarray(rgb.max(axis=2))


def _turn(rgb: Any, rotation: int) -> Any:
    k = {0: 0, 90: 3, 180: 2, 270: 1}[rotation]  # np.rot90 turns counter-clockwise
    return np.ascontiguousarray(np.rot90(rgb, k))


def prepare(page: Any, settings: PrepSettings | None = None, engine: OcrEngine | None = None) -> Prepared:
    import cv2

    settings = settings or PrepSettings()
    rgb = render(page, settings.dpi)
    scale = settings.dpi / 72
    h0, w0 = rgb.shape[:2]
    rotation = estimate_rotation(suppress_seal(rgb), engine)
    upright = _turn(rgb, rotation)
    skew = estimate_skew(suppress_seal(upright), settings.max_skew)
    h, w = upright.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    level = cv2.warpAffine(upright, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    gray = suppress_seal(level) if settings.seal else cv2.cvtColor(level, cv2.COLOR_RGB2GRAY)
    # prepared pixel -> upright pixel (inverse of the deskew) -> stored page pixel (inverse of the turn)
    inv = cv2.invertAffineTransform(m)
    back = np.vstack([inv, [0, 0, 1]])
    unturn = {
        0: np.eye(3),
        90: np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=float),
        180: np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=float),
        270: np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=float),
    }[rotation]
    matrix = (unturn @ back)[:2]
    return Prepared(gray, level, scale, rotation, skew, matrix, (w0 / scale, h0 / scale))
