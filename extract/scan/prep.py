"""Image preparation for scanned pages: render, turn upright (90/180/270), deskew (±5°), suppress the
red seal's colour. The transform is kept, so boxes found on the prepared image map back to the page.

Coordinates: the prepared image's pixels ↔ PDF points of the *upright, deskewed* page by ``scale``;
``to_page`` maps a box back to the page as stored in the PDF (its own rotation and skew undone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from extract.model import BBox
from extract.scan.inklines import find_lines
from extract.scan.ocr.base import OcrEngine, OcrLine, PixelBox, get_engine
from extract.settings import MAX_SKEW, PrepSettings


@dataclass(frozen=True, slots=True)
class PageMap:
    """Prepared-page points → the stored page's points: the prepared image's scale and its 2×3 affine."""

    scale: float
    matrix: Any

    def __call__(self, box: BBox) -> BBox:
        x0, y0, x1, y1 = (v * self.scale for v in box)
        pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float)
        mapped = pts @ np.asarray(self.matrix).T
        xs, ys = mapped[:, 0] / self.scale, mapped[:, 1] / self.scale
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


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
        return PageMap(self.scale, self.matrix)(box)

    def page_map(self) -> PageMap:
        """``to_page`` without the images: what a page read keeps (a bound method would hold them)."""
        return PageMap(self.scale, self.matrix)

    def turned_over(self) -> Prepared:
        """The same page turned 180°."""
        h, w = self.gray.shape[:2]
        flip = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=float)
        matrix = (np.vstack([self.matrix, [0, 0, 1]]) @ flip)[:2]
        return Prepared(
            np.ascontiguousarray(self.gray[::-1, ::-1]),
            np.ascontiguousarray(self.colour[::-1, ::-1]),
            self.scale,
            (self.rotation + 180) % 360,
            self.skew,
            matrix,
            self.page_size,
        )


ORIENT_LINES = 16  # the widest lines recognised both ways up
ORIENT_MIN_LINES = 3  # fewer lines than this: no evidence, the page stays as it is
ORIENT_MARGIN = 0.05  # a line votes for a way up when it reads this much more confidently that way
ORIENT_UPRIGHT = 0.85  # lines that read this confidently as they stand are not read turned over


def render(page: Any, dpi: int) -> Any:
    """A pdfium page as an RGB array at ``dpi``."""
    bitmap = page.render(scale=dpi / 72)
    return np.asarray(bitmap.to_pil().convert("RGB"))


def scan_resolution(page: Any) -> float:
    """The resolution a scanned page was stored at (pixels per inch of its largest image; 0: no image):
    a page rendered finer than its scan holds no more detail than the scan."""
    import pypdfium2.raw as pdfium_c

    best, area = 0.0, 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, px_h = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except Exception:  # an image pdfium cannot measure says nothing of the scan
            continue
        pt = max(right - left, top - bottom)
        if pt > 0 and (right - left) * (top - bottom) > area:
            best, area = max(px_w, px_h) / pt * 72, (right - left) * (top - bottom)
    return best


STROKE_PT = (0.75, 1.1)  # the stroke width body print has on a scan (a 0.8 pt stroke, give or take)
DITHERED = 0.05  # share of lone ink pixels above which a 1-bit page is error-diffused (dots, no strokes)


def bilevel(rgb: Any) -> bool:
    """A 1-bit scan (threshold, error diffusion or adaptive): next to no pixel between black and white."""
    sample = rgb[::7, ::7, 1]
    return float(((sample == 0) | (sample == 255)).mean()) > 0.9


def stroke_width(ink: Any) -> float:
    """The mean width of the strokes of an ink mask (pixels): twice the ink over its edge pixels."""
    import cv2

    edge = int((ink & (1 - cv2.erode(ink, np.ones((3, 3), np.uint8)))).sum())
    return 2 * float(ink.sum()) / max(edge, 1)


def lone_share(ink: Any) -> float:
    """The share of ink pixels with at most one inked 4-neighbour: dither dots, not strokes."""
    import cv2

    cross = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.uint8)
    neighbours = cv2.filter2D(ink, -1, cross, borderType=cv2.BORDER_CONSTANT)
    return float(((ink == 1) & (neighbours <= 1)).sum()) / max(int(ink.sum()), 1)


def even_strokes(rgb: Any, scale: float) -> Any:
    """A 1-bit page with strokes of the width the recogniser knows: a threshold set too light leaves
    strokes a pixel or two wide and broken (thickened by one pixel), an adaptive threshold swells them
    into blots that close a 0 or a 6 (thinned by one). An error-diffused page is dots at a stroke's edge,
    not strokes: left as it is (thickening made it worse)."""
    import cv2

    ink = (rgb[:, :, 1] < 128).astype(np.uint8)
    if lone_share(ink) > DITHERED:
        return rgb
    width = stroke_width(ink) / scale
    if width < STROKE_PT[0]:
        return cv2.erode(rgb, np.ones((2, 2), np.uint8))  # white shrinks: ink grows
    if width > STROKE_PT[1]:
        return cv2.dilate(rgb, np.ones((2, 2), np.uint8))
    return rgb


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


SIDEWAYS_SHARE = 0.25  # tall lines this share of the wide ones: their shapes alone do not settle the way …
SIDEWAYS_LINES = 6  # … and this many of the longest of each kind are read both ways …
SIDEWAYS_MARGIN = 0.2  # … the page lies on its side when the tall read turned this much more surely on average


def _sideways(gray: Any, boxes: list[PixelBox], engine: OcrEngine) -> bool:
    """The page lies on its side. The text lines the detector found are tall rather than wide (an upright
    or upside-down page has wide lines; a table's vertical labels are too few to outvote them); or tall
    lines are many and the shapes do not settle it — on a page on its side, the detector joins the short
    lines of a paragraph in a narrow cell into blocks wider than tall (a 1-bit Shanxi form turned 270°:
    63 wide boxes, 41 tall) — and the longest tall lines, turned a quarter, read clearly more surely than
    the longest wide ones as they lie (0.97 against 0.27; either way up for both)."""
    wide = sorted((b for b in boxes if b[2] - b[0] > 1.5 * (b[3] - b[1])), key=lambda b: b[0] - b[2])
    tall = sorted((b for b in boxes if b[3] - b[1] > 1.5 * (b[2] - b[0])), key=lambda b: b[1] - b[3])
    if len(tall) < ORIENT_MIN_LINES:
        return False
    if len(tall) > len(wide):
        return True
    if len(tall) < SIDEWAYS_SHARE * len(wide):
        return False
    turned = _surest(gray, tall[:SIDEWAYS_LINES], (1, 3), engine)
    lying = _surest(gray, wide[:SIDEWAYS_LINES], (0, 2), engine)
    return turned > lying + SIDEWAYS_MARGIN


def _surest(gray: Any, boxes: list[PixelBox], quarters: tuple[int, int], engine: OcrEngine) -> float:
    """The mean confidence of ``boxes`` read each turned by the better of ``quarters`` (counter-clockwise)."""
    best = []
    for x0, y0, x1, y1 in boxes:
        crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
        reads = []
        for k in quarters:
            img = np.ascontiguousarray(np.rot90(crop, k))
            (line,) = engine.read(img, [(0, 0, img.shape[1], img.shape[0])])
            reads.append(line.confidence)
        best.append(max(reads))
    return float(np.mean(best)) if best else 0.0


def upside_down(gray: Any, lines: Sequence[OcrLine], engine: OcrEngine) -> bool:
    """The page's widest text lines, as read standing (``lines``), read clearly better turned 180°.

    Evidence that holds on table pages (tesseract's orientation detection, tuned on prose, turned upright
    table pages over): lines that read confidently as they stand settle it at no cost; otherwise the
    widest lines are read turned over and the way most lines read with clearly higher confidence wins. Too
    little evidence (a page with few lines) keeps the page as it is: an upright page is never turned on a
    guess."""
    h, w = gray.shape[:2]
    wide = sorted((ln for ln in lines if _wide(ln.box)), key=lambda ln: ln.box[0] - ln.box[2])[:ORIENT_LINES]
    if len(wide) < ORIENT_MIN_LINES:
        return False
    as_is = [ln.confidence for ln in wide]
    if float(np.mean(as_is)) >= ORIENT_UPRIGHT and sum(c >= ORIENT_UPRIGHT for c in as_is) >= 0.75 * len(wide):
        return False  # the lines read confidently as they stand: nothing to weigh them against
    flipped = np.ascontiguousarray(gray[::-1, ::-1])
    turned = [ln.confidence for ln in engine.read(flipped, [mirrored(ln.box, w, h) for ln in wide])]
    votes = sum(1 for a, t in zip(as_is, turned, strict=True) if t > a + ORIENT_MARGIN) - sum(
        1 for a, t in zip(as_is, turned, strict=True) if a > t + ORIENT_MARGIN
    )
    return (
        votes >= max(ORIENT_MIN_LINES, len(wide) // 3)
        and float(np.mean(turned)) > float(np.mean(as_is)) + ORIENT_MARGIN
    )


DIRECTION_SURE = 0.9  # a crop the classifier calls this surely one way up votes for it
DIRECTION_MAJORITY = 5  # one way up wins with this many times the other's votes (and ORIENT_MIN_LINES at least)
DIRECTION_CROP = 4  # the classifier sees a crop 4× as wide as tall: wide lines are cut into such pieces …
DIRECTION_PIECES = 3  # … this many at most per line


def direction_vote(gray: Any, boxes: Sequence[PixelBox], engine: OcrEngine) -> int | None:
    """The page's way up by the engine's direction classifier on its widest detected lines, before any text
    is read: 0 (upright) or 180 (upside down) when the lines' votes are overwhelming, None when they are not
    or the engine has no classifier (the page is then read and weighed by ``upside_down``). Pieces of a
    line as wide as the classifier's input, not the line squeezed into it. Measured on development scans
    at 150–400 dpi, colour to 1-bit: every upside-down page had no upright vote, every upright page at most
    a fifth of its votes upside down."""
    wide = sorted((b for b in boxes if _wide(b)), key=lambda b: b[0] - b[2])[:ORIENT_LINES]
    crops: list[PixelBox] = []
    for x0, y0, x1, y1 in wide:
        step = DIRECTION_CROP * (y1 - y0)
        for x in range(max(x0, 0), x1, step)[:DIRECTION_PIECES]:
            if min(x + step, x1) - x >= 2 * (y1 - y0):
                crops.append((x, y0, min(x + step, x1), y1))
    found = engine.directions(gray, crops)
    if found is None:
        return None
    over = sum(1 for turned, sure in found if turned and sure >= DIRECTION_SURE)
    up = sum(1 for turned, sure in found if not turned and sure >= DIRECTION_SURE)
    if over >= ORIENT_MIN_LINES and over >= DIRECTION_MAJORITY * up:
        return 180
    if up >= ORIENT_MIN_LINES and up >= DIRECTION_MAJORITY * over:
        return 0
    return None


TITLE_LINES = 3  # a form's title is among the topmost lines of print as tall as the page's usual line or taller
# (among the bottommost, turned over)


def titled(text: str) -> bool:
    """A line read as a self-evaluation form's title, by the vocabulary's ``title_words``: 自评表, 绩效自评表
    with one character misread or missing (管中市部门整体支出编效自评表), a title without 表 (…绩效目标自评) —
    what no line read the wrong way up makes of noise."""
    from extract.forms.vocabulary import vocabulary

    return vocabulary().names_title(text)


def title_way(gray: Any, boxes: Sequence[PixelBox], engine: OcrEngine) -> int | None:
    """The page's way up by what its title says: 0 when one of its topmost or bottommost lines reads as a
    form's title as it stands, 180 when one reads so turned over and none as it stands, None when no line
    reads as a title (a continuation page, a title under a seal). Meaning, not confidence: it holds where
    the recogniser's confidence says nothing of the way up — print too small to read, where the title,
    printed larger, still reads (a 180° 200-dpi photocopy of 7.7-pt print: turned over, its title read
    管中市部门整体支出编效自评表; as it lay, noise)."""
    wide = [b for b in boxes if _wide(b)]
    if not wide:
        return None
    heights = sorted(b[3] - b[1] for b in wide)
    usual = heights[len(heights) // 2]
    tall = sorted((b for b in wide if b[3] - b[1] >= usual), key=lambda b: b[1])
    lines = tall[:TITLE_LINES] + tall[TITLE_LINES:][-TITLE_LINES:]  # the topmost and the bottommost
    if any(titled(ln.text) for ln in engine.read(gray, lines)):
        return 0
    h, w = gray.shape[:2]
    flipped = np.ascontiguousarray(gray[::-1, ::-1])
    if any(titled(ln.text) for ln in engine.read(flipped, [mirrored(b, w, h) for b in lines])):
        return 180
    return None


LEGIBLE_LINE_PX = 22  # a line of print (its detected box: glyphs and margins) lower than this many of the
# scan's own pixels is too small to read: the pipeline refuses such a table (``pipeline._legibility``)


def too_small_to_weigh(boxes: Sequence[PixelBox], scale: float, scan_dpi: float) -> bool:
    """The page's detected lines of print (median, 20 or more) are lower than a legible line in the scan's
    own pixels (``scale``: the render's pixels per point; a page rendered finer than it was scanned holds
    no more detail): what the recogniser reads of them says nothing of the way up, and the page is left as
    it lies — it is refused as printed too small to read, upright or not (an upright 200-dpi photocopy of
    5-pt print was turned over on such a reading)."""
    heights = sorted(b[3] - b[1] for b in boxes)
    if len(heights) < 20:
        return False
    render_dpi = scale * 72
    own = min(scan_dpi or render_dpi, render_dpi)
    return heights[len(heights) // 2] * own / render_dpi < LEGIBLE_LINE_PX


def _wide(box: PixelBox) -> bool:
    return box[2] - box[0] > 1.5 * (box[3] - box[1])


def mirrored(box: PixelBox, w: int, h: int) -> PixelBox:
    """A box on the image turned 180°."""
    x0, y0, x1, y1 = box
    return (w - x1, h - y1, w - x0, h - y0)


def _deskewed(box: PixelBox, m: Any, skew: float) -> PixelBox:
    """A text line's box found on the skewed image, on the levelled one: the box bounds a rectangle turned
    by ``skew``; its centre is mapped by ``m`` and its own width and height recovered."""
    c, s = abs(math.cos(math.radians(skew))), abs(math.sin(math.radians(skew)))
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    det = c * c - s * s
    w = max((bw * c - bh * s) / det, min(bw, 8))
    h = max((bh * c - bw * s) / det, min(bh, 8))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    mx = m[0][0] * cx + m[0][1] * cy + m[0][2]
    my = m[1][0] * cx + m[1][1] * cy + m[1][2]
    return (int(mx - w / 2), int(my - h / 2), int(mx + w / 2) + 1, int(my + h / 2) + 1)


def suppress_seal(rgb: Any) -> Any:
    """Grayscale without the seal: per pixel the lightest of the three channels, in which coloured ink —
    a red, blue or purple seal, a blue signature — is nearly as light as the paper (its own channel is
    high) while black ink, also where a seal covers it, stays dark in all three. What is left of a seal is
    a light grey ghost (see ``inklines.SEAL_GHOST``), which recognisers ignore and line finding lifts to white."""
    # three element-wise maxima: 30× faster than ``rgb.max(axis=2)``, a reduction over a short last axis
    return np.ascontiguousarray(np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]))


def _turn(rgb: Any, rotation: int) -> Any:
    k = {0: 0, 90: 3, 180: 2, 270: 1}[rotation]  # np.rot90 turns counter-clockwise
    return np.ascontiguousarray(np.rot90(rgb, k))


def level(
    page: Any, settings: PrepSettings | None = None, engine: OcrEngine | None = None
) -> tuple[Prepared, list[PixelBox]]:
    """Render the page, turn it if it lies on its side, level its rulings, fade the seal: the prepared
    image and the text lines the engine detected on it. Whether the page is upside down is decided after
    (``direction_vote``, else ``upside_down`` once its lines are read; ``Prepared.turned_over``) — the
    detection is done once per page."""
    import cv2

    settings = settings or PrepSettings()
    engine = engine or get_engine("rapidocr")
    rgb = render(page, settings.dpi)
    scale = settings.dpi / 72
    if settings.even_strokes and bilevel(rgb):
        rgb = even_strokes(rgb, scale)
    h0, w0 = rgb.shape[:2]
    gray = suppress_seal(rgb)
    boxes = find_lines(engine, gray, settings.detect_scale)
    rotation = 0
    if _sideways(gray, boxes, engine):
        rotation = 90
        rgb = _turn(rgb, 90)
        gray = suppress_seal(rgb)
        boxes = find_lines(engine, gray, settings.detect_scale)
    skew = estimate_skew(gray, settings.max_skew)
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    levelled = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if skew:
        boxes = [_deskewed(b, m, skew) for b in boxes]
    gray = suppress_seal(levelled) if settings.seal else cv2.cvtColor(levelled, cv2.COLOR_RGB2GRAY)
    # prepared pixel -> turned pixel (inverse of the deskew) -> stored page pixel (inverse of the turn)
    inv = cv2.invertAffineTransform(m)
    back = np.vstack([inv, [0, 0, 1]])
    unturn = np.eye(3) if not rotation else np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=float)
    matrix = (unturn @ back)[:2]
    return Prepared(gray, levelled, scale, rotation, skew, matrix, (w0 / scale, h0 / scale)), boxes


def turned_by_vote(prepared: Prepared, boxes: list[PixelBox], vote: int | None) -> tuple[Prepared, list[PixelBox]]:
    """The page and its detected lines turned over when the direction vote says so."""
    if vote != 180:
        return prepared, boxes
    h, w = prepared.gray.shape[:2]
    return prepared.turned_over(), [mirrored(b, w, h) for b in boxes]


def prepare(page: Any, settings: PrepSettings | None = None, engine: OcrEngine | None = None) -> Prepared:
    """The page prepared and turned upright as the pipeline does it (``ocrpage.read_scanned_page``):
    ``level``, the direction vote, and when that is unsure the widest detected lines read to weigh it."""
    engine = engine or get_engine("rapidocr")
    prepared, boxes = level(page, settings, engine)
    vote = direction_vote(prepared.gray, boxes, engine)
    prepared, boxes = turned_by_vote(prepared, boxes, vote)
    if vote == 0:
        return prepared
    way = title_way(prepared.gray, boxes, engine)
    if way is None and not too_small_to_weigh(boxes, prepared.scale, scan_resolution(page)):
        wide = sorted((b for b in boxes if _wide(b)), key=lambda b: b[0] - b[2])[:ORIENT_LINES]
        way = 180 if upside_down(prepared.gray, engine.read(prepared.gray, wide), engine) else 0
    return prepared.turned_over() if way == 180 else prepared
