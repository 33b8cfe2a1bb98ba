"""Where marks go: anchors found in the source page's text layer (pypdfium2 text runs).

Coordinates are points from the top-left corner of the page as displayed (a source page's own ``/Rotate``
applied). A seal's target picks its anchor: ``title`` the tallest text in the top 40 % of the page, ``header``
a text run (not a number) in the band under the title, ``numbers`` a run that is a number (``875.00``, ``96.43%``),
``bottom`` a 盖章/签章 label, else the free space under the last text on the right. ``pick`` chooses among the
candidates. A page without text falls back to fixed fractions of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium

NUMBER = re.compile(r"[-+]?(?:\d[\d,]*)?\d(?:\.\d+)?%?")
SEAL_LABELS = ("盖章", "签章", "（章）", "(章)", "公章")
SIGN_LABELS = ("签字", "签名", "负责人", "评价人", "填表人", "审核人")


@dataclass(frozen=True)
class TextRun:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class PageText:
    width: float
    height: float
    runs: tuple[TextRun, ...]


def page_text(page: pdfium.PdfPage) -> PageText:
    """The page's text runs (pdfium's rectangles: a run of characters on one line in one font)."""
    width, height = page.get_size()  # as displayed
    rotation = page.get_rotation() % 360
    base_w, base_h = (height, width) if rotation in (90, 270) else (width, height)
    left0, bottom0 = page.get_mediabox()[:2]
    textpage = page.get_textpage()
    runs = []
    for i in range(textpage.count_rects()):
        rect = textpage.get_rect(i)
        text = textpage.get_text_bounded(*rect).strip()
        if not text:
            continue
        x0, y0, x1, y1 = rect[0] - left0, rect[1] - bottom0, rect[2] - left0, rect[3] - bottom0
        corners = [_display((x, base_h - y), rotation, base_w, base_h) for x, y in ((x0, y0), (x1, y1))]
        (a, b), (c, d) = corners
        runs.append(TextRun(text, min(a, c), min(b, d), max(a, c), max(b, d)))
    textpage.close()
    return PageText(width, height, tuple(runs))


def _display(point: tuple[float, float], rotation: int, w: float, h: float) -> tuple[float, float]:
    """A top-left-origin point of the unrotated page on the page turned ``rotation`` degrees clockwise."""
    u, v = point
    return {0: (u, v), 90: (h - v, u), 180: (w - u, h - v), 270: (v, w - u)}[rotation]


def _pick(items: list[TextRun], pick: float) -> TextRun:
    return items[min(int(pick * len(items)), len(items) - 1)]


def title_run(page: PageText) -> TextRun | None:
    top = [r for r in page.runs if r.top < page.height * 0.4 and len(r.text) >= 4]
    return max(top, key=lambda r: (round(r.height, 1), -r.top)) if top else None


def seal_anchor(page: PageText, target: str, pick: float) -> tuple[tuple[float, float], str | None]:
    """The anchor point of a seal and the text it was put over (None for a free spot)."""
    title = title_run(page)
    if target == "title" and title is not None:
        return title.centre, title.text
    if target == "header":
        below = title.bottom if title is not None else page.height * 0.08
        band = [r for r in page.runs if below < r.top < below + page.height * 0.15 and not NUMBER.fullmatch(r.text)]
        if band:
            run = _pick(sorted(band, key=lambda r: (r.top, r.left)), pick)
            return run.centre, run.text
    if target == "numbers":
        numbers = [r for r in page.runs if NUMBER.fullmatch(r.text) and sum(ch.isdigit() for ch in r.text) >= 2]
        if numbers:
            run = _pick(sorted(numbers, key=lambda r: (r.top, r.left)), pick)
            return run.centre, run.text
    if target in ("title", "header", "numbers"):  # no such text on the page
        return (page.width * 0.5, page.height * (0.1 if target != "numbers" else 0.5)), None
    return bottom_anchor(page)


def bottom_anchor(page: PageText) -> tuple[tuple[float, float], str | None]:
    labels = [r for r in page.runs if any(label in r.text for label in SEAL_LABELS)]
    if labels:
        run = max(labels, key=lambda r: r.top)
        return (run.right - 10.0, run.centre[1]), run.text
    last = max((r.bottom for r in page.runs), default=page.height * 0.75)
    room = page.height - last
    y = last + 70.0 if room > 110.0 else page.height - 60.0
    return (page.width * 0.7, y), None


def signature_anchor(page: PageText) -> tuple[float, float]:
    """Right of a 签字/负责人 label when there is one, else left of the bottom seal spot."""
    labels = [r for r in page.runs if any(label in r.text for label in SIGN_LABELS)]
    if labels:
        run = max(labels, key=lambda r: r.top)
        return run.right + 60.0, run.centre[1]
    (x, y), _ = bottom_anchor(page)
    return x - 150.0, y + 5.0
