"""OCR engines behind one small interface (``base.OcrEngine``): tesseract and RapidOCR."""

from __future__ import annotations

from extract.scan.ocr.base import ENGINES, OcrEngine, OcrLine, get_engine

__all__ = ["ENGINES", "OcrEngine", "OcrLine", "get_engine"]
