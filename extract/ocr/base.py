"""The OCR engine interface, and the registry ``--ocr NAME`` picks from.

An engine finds text lines on a prepared page image (``detect``) and reads given line crops
(``read``); boxes are pixels of the prepared image. Engines are created lazily (model loading and
imports cost time) and cached per process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from ..errors import MissingDependencyError

PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1

# tesseract's own threading is 12× slower on 2 cores than one thread per process
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: PixelBox
    confidence: float  # 0..1


class OcrEngine(Protocol):
    name: str

    def available(self) -> str | None:
        """None when usable, else why not (a missing program or model)."""

    def detect(self, gray: Any) -> list[PixelBox]:
        """Boxes of the text lines on the page."""

    def read(self, gray: Any, boxes: Sequence[PixelBox], numeric: bool = False) -> list[OcrLine]:
        """The text of each box (one line each); ``numeric`` narrows the alphabet to digits and .,-%."""


def _tesseract() -> OcrEngine:
    from .tesseract import TesseractEngine

    return TesseractEngine()


def _rapid() -> OcrEngine:
    from .rapid import RapidEngine

    return RapidEngine()


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
