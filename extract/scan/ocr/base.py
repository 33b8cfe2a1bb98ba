"""The OCR engine interface, and the registry ``--ocr NAME`` picks from.

An engine finds text lines on a prepared page image (``detect``) and reads given line crops
(``read``); boxes are pixels of the prepared image. Engines are created lazily (model loading and
imports cost time) and cached per process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from extract.errors import MissingDependencyError

PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1

# recogniser threads of the engines this process creates: 0 lets the engine choose (all cores); a worker
# of a batch sets 1 (``configure_threads``), as processes are the unit of parallelism there. Tesseract always
# runs with OMP_THREAD_LIMIT=1 in its own environment (its threading is 12× slower on 2 cores).
_threads = 0


def configure_threads(threads: int) -> None:
    """Recogniser threads for the engines this process creates from now on (0: the engine's choice)."""
    global _threads
    if threads != _threads:
        _threads = threads
        get_engine.cache_clear()


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: PixelBox
    confidence: float  # 0..1


class OcrEngine(Protocol):
    name: str

    def available(self) -> str | None:
        """None when usable, else why not (a missing program or model)."""

    def detect(self, gray: Any, scale: float = 0.5) -> list[PixelBox] | None:
        """Boxes of the text lines on the page, detected on it reduced by ``scale``; None: the engine has no
        detector (the scan stage finds the lines from the ink, ``scan.inklines``)."""

    def read(self, gray: Any, boxes: Sequence[PixelBox], numeric: bool = False) -> list[OcrLine]:
        """The text of each box (one line each); ``numeric`` narrows the alphabet to digits and .,-%."""

    def directions(self, gray: Any, boxes: Sequence[PixelBox]) -> list[tuple[bool, float]] | None:
        """Whether the print in each box stands upside down, and how sure the engine is (0..1), by a
        direction classifier that reads no text (cheap); None: the engine has none."""


def _tesseract() -> OcrEngine:
    from extract.scan.ocr.tesseract import TesseractEngine

    return TesseractEngine()


def _rapid() -> OcrEngine:
    from extract.scan.ocr.rapid import RapidEngine

    return RapidEngine(_threads)


ENGINES: dict[str, Callable[[], OcrEngine]] = {"rapidocr": _rapid, "tesseract": _tesseract}


@cache
def get_engine(name: str) -> OcrEngine:
    if name not in ENGINES:
        raise MissingDependencyError(f"unknown OCR engine {name!r} (known: {', '.join(ENGINES)})")
    engine = ENGINES[name]()
    why = engine.available()
    if why:
        raise MissingDependencyError(f"OCR engine {name} unavailable: {why}")
    return engine
