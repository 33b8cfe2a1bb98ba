"""Cheap screening of scanned pages: which pages of a long scanned document may hold a form, without OCR
of every page (a 300-page scanned 决算 with three form pages would otherwise cost 300 full OCR passes).

Per page, at low resolution: render once; split ink into rulings and text; tell sideways pages by the
direction text lines run; find the first and last text lines of the page (the title band, read both
ways up) and recognise just those crops. A page whose lines name a form (自评表, 绩效, level-1 indicator
names, template keywords) is a candidate; a page whose lines read confidently as something else is
skipped; a page that cannot be read confidently is read in full — screening never drops a page it is
unsure of. Documents with few scanned pages are read whole (screening would cost more than it saves).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

SCREEN_DPI = 150  # render; line finding runs at half of it, crops are read at it
MIN_PAGES = 5  # fewer scanned pages than this: read them all
BAND_LINES = 4  # lines read from the top (and, turned over, from the bottom) of the page
CONFIDENT = 0.6  # mean recogniser confidence of a band that reads as something (and names no form)
MIN_CHARS = 6
SURE_LINE = 0.8  # a band line read with at least this confidence reads as what it says
MAX_LINE_CHARS = 16
SMEAR = 5  # pixels at half the screening resolution: wider than a gap between characters, narrower than a line gap
FORM_WORDS = ("自评", "评表", "绩效", "指标", "得分", "分值", "年度目标", "实际完成")


@dataclass(frozen=True, slots=True)
class ScanScreen:
    number: int
    verdict: str  # form | skip | unsure
    text: str  # what the band lines read
    confidence: float
    table: bool  # long rulings in both directions
    seconds: float


def _lines(ink: Any, min_height: int) -> list[tuple[int, int, int, int]]:
    """Text line boxes (x0, y0, x1, y1) from the row profile of text ink, top to bottom."""
    rows = ink.sum(axis=1) / 255
    # a gap between lines is a row with little ink, not none: noise, bleed-through and blur put some there
    busy = rows[rows > 0]
    floor = 0.1 * float(np.percentile(busy, 90)) if len(busy) else 0.0
    on = rows > max(2.0, 0.002 * ink.shape[1], floor)
    out = []
    y = 0
    h = len(on)
    while y < h:
        if not on[y]:
            y += 1
            continue
        y0 = y
        while y < h and on[y]:
            y += 1
        if y - y0 >= min_height:
            cols = np.flatnonzero(ink[y0:y].sum(axis=0))
            if len(cols):
                out.append((int(cols[0]), y0, int(cols[-1]) + 1, y))
    return out


def _text_ink(gray: Any) -> tuple[Any, bool]:
    """Ink without the rulings, and whether there is a ruled table (long lines both ways)."""
    import cv2

    # local threshold: uneven lighting and grey paper defeat one threshold for the page
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 18)
    h, w = ink.shape
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8))
    horizontal = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, max(w // 6, 10)), np.uint8))
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8))
    vertical = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((max(h // 10, 10), 1), np.uint8))
    rulings = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    n_h = int((cv2.connectedComponents(horizontal)[0]) - 1)
    n_v = int((cv2.connectedComponents(vertical)[0]) - 1)
    text = cv2.bitwise_and(ink, cv2.bitwise_not(rulings))
    text = cv2.morphologyEx(text, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks, noise
    return text, n_h >= 3 and n_v >= 2


def _sideways(text: Any) -> bool:
    """Text lines run up the page: smeared along a line's direction, a page's characters join into long
    thin runs; smeared across, they do not (line gaps are wider than the gaps between characters)."""
    import cv2

    def runs(kernel: tuple[int, int], along: int) -> int:
        smeared = cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones(kernel, np.uint8))
        _, _, stats, _ = cv2.connectedComponentsWithStats(smeared)
        length, across = stats[1:, 2 + along], stats[1:, 3 - along]
        return int(np.sum((length >= 3 * across) & (length >= 24) & (across >= 4)))  # not a ruling's piece

    across_page = runs((1, SMEAR), 0)  # horizontal runs: width >= 3 x height
    up_page = runs((SMEAR, 1), 1)  # vertical runs
    return up_page >= 3 and up_page > 2 * across_page


def _text_skew(text: Any, max_skew: float = 3.0) -> float:
    """The angle (degrees, OpenCV's sense) that levels the page's text lines: the angle at which the row
    profile of the text ink is sharpest (lines and gaps apart). A line of a skewed page drifts across the
    rows of its neighbours and the lines are not found apart."""
    ys, xs = np.nonzero(text)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 40_000:  # a sample is as sharp and cheaper
        pick = np.random.default_rng(0).choice(len(ys), 40_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs - text.shape[1] / 2

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    best, step = 0.0, 0.5
    candidates = np.arange(-max_skew, max_skew + 1e-9, step)
    for _ in range(2):  # 0.5°, then 0.1°
        best = max((sharpness(float(a)), float(a)) for a in candidates)[1]
        candidates = np.arange(best - step, best + step + 1e-9, step / 5)
        step /= 5
    return -round(best, 2)  # the drift the profile undid, as the turn that levels it


def _level(image: Any, angle: float, fill: int) -> Any:
    """``image`` turned by ``angle`` degrees (OpenCV's sense) about its centre, the corners filled."""
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


@dataclass(frozen=True, slots=True)
class _Band:
    text: str  # the band's lines as read, joined
    confidence: float  # their mean confidence
    sure: int  # lines read with confidence >= SURE_LINE
    sure_chars: int  # characters in those lines


NOTHING = _Band("", 0.0, 0, 0)


def _read_bands(gray: Any, small: Any, engine: Any) -> _Band:
    """The first lines of the page as it stands and the first lines of it turned over: whichever reads
    better (a page may be upside down). ``small``: the text ink at half the resolution of ``gray``."""
    import cv2

    best = NOTHING
    k = round(gray.shape[0] / small.shape[0])  # pixels of ``gray`` per pixel of ``small``
    for turned in (False, True):
        g = gray[::-1, ::-1] if turned else gray
        t = small[::-1, ::-1] if turned else small
        boxes = [(k * x0, k * y0, k * x1, k * y1) for x0, y0, x1, y1 in _lines(np.ascontiguousarray(t), 3)]
        # lines, not page numbers or specks; at most MAX_LINE_CHARS characters of each (reading cost grows
        # with a crop's width, and a line's start tells what the page is)
        boxes = [b for b in boxes if b[2] - b[0] > 3 * (b[3] - b[1])][:BAND_LINES]
        boxes = [(x0, y0, min(x1, x0 + MAX_LINE_CHARS * (y1 - y0)), y1) for x0, y0, x1, y1 in boxes]
        if not boxes:
            continue
        pad = 2 * k
        crops = [
            cv2.cvtColor(
                np.ascontiguousarray(g[max(y0 - pad, 0) : y1 + pad, max(x0 - pad, 0) : x1 + pad]), cv2.COLOR_GRAY2BGR
            )
            for x0, y0, x1, y1 in boxes
        ]
        results, _ = engine.ocr.text_rec(crops)
        conf = float(np.mean([s for _, s in results])) if results else 0.0
        if conf > best.confidence:
            sure = [t for t, s in results if s >= SURE_LINE]
            best = _Band("".join(t for t, _ in results), conf, len(sure), sum(len(t) for t in sure))
    return best


def names_a_form(text: str) -> bool:
    """The text names a form: form words (自评表, 指标, 得分 …) or a level-1/2 indicator name."""
    from extract.forms.templates import norm
    from extract.forms.vocabulary import vocabulary

    t = norm(text)
    if any(w in t for w in FORM_WORDS):
        return True
    vocab = vocabulary()
    return any(name in t for name in (*vocab.level1_names, *vocab.level2_names) if len(name) >= 3)


def _verdict(band: _Band) -> str:
    """form: the band names a form; skip: it reads as something else (confidently on the whole, or two of
    its lines read surely: a ruled 决算 table's title band holds a number or a ruling's piece read as noise);
    unsure: neither (the page is read in full)."""
    if names_a_form(band.text):
        return "form"
    if band.confidence >= CONFIDENT and len(band.text) >= MIN_CHARS:
        return "skip"
    if band.sure >= 2 and band.sure_chars >= MIN_CHARS:
        return "skip"
    return "unsure"


def screen_scans(path: str, numbers: list[int], budgets_pixels: int) -> dict[int, ScanScreen]:
    """A verdict per scanned page ``numbers`` (1-based) of the PDF at ``path``."""
    import cv2
    import pypdfium2 as pdfium

    from extract.budgets import check_render
    from extract.scan.ocr import get_engine

    engine = get_engine("rapidocr")
    out: dict[int, ScanScreen] = {}
    doc = pdfium.PdfDocument(path)
    try:
        for n in numbers:
            t0 = time.perf_counter()
            page = doc[n - 1]
            try:
                w, h = page.get_size()
                check_render(w, h, SCREEN_DPI, budgets_pixels, path, n)
                gray = np.asarray(page.render(scale=SCREEN_DPI / 72, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
            small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            text_small, table = _text_ink(small)
            turned = _sideways(text_small)
            if turned:
                gray = np.ascontiguousarray(np.rot90(gray, 3))
                text_small = np.ascontiguousarray(np.rot90(text_small, 3))
            skew = _text_skew(text_small)
            if abs(skew) >= 0.2:
                gray, text_small = _level(gray, skew, 255), _level(text_small, skew, 0)
            band = _read_bands(gray, text_small, engine)
            verdict = _verdict(band)
            if verdict == "unsure" and w * h * (2 * SCREEN_DPI / 72) ** 2 <= budgets_pixels:
                # a second look at the same lines at twice the resolution
                page = doc[n - 1]
                try:
                    fine = np.asarray(page.render(scale=2 * SCREEN_DPI / 72, grayscale=True).to_pil().convert("L"))
                finally:
                    page.close()
                if turned:
                    fine = np.ascontiguousarray(np.rot90(fine, 3))
                if abs(skew) >= 0.2:
                    fine = _level(fine, skew, 255)
                again = _read_bands(fine, text_small, engine)
                if _verdict(again) != "unsure":
                    band, verdict = again, _verdict(again)
            out[n] = ScanScreen(n, verdict, band.text, band.confidence, table, time.perf_counter() - t0)
    finally:
        doc.close()
    return out
