"""Tesseract through pytesseract (``chi_sim+eng`` from Debian's tesseract-ocr-chi-sim), one process
thread (OMP_THREAD_LIMIT=1). Lines are read one crop at a time with page-segmentation mode 7 (a single
line); numeric crops with a digit whitelist."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from .base import OcrLine, PixelBox

LANG = "chi_sim+eng"
NUMERIC = "-c tessedit_char_whitelist=0123456789.,-%"


class TesseractEngine:
    name = "tesseract"

    def available(self) -> str | None:
        if shutil.which("tesseract") is None:
            return "the tesseract program is missing (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
        import pytesseract

        langs = set(pytesseract.get_languages(config=""))
        if not {"chi_sim", "eng"} <= langs:
            return "tesseract's chi_sim data is missing (apt-get install tesseract-ocr-chi-sim)"
        return None

    def detect(self, gray: Any) -> list[PixelBox]:
        import pytesseract

        data = pytesseract.image_to_data(gray, lang=LANG, config="--psm 11", output_type=pytesseract.Output.DICT)
        boxes: list[PixelBox] = []
        for i, text in enumerate(data["text"]):
            if text.strip():
                x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
                boxes.append((x, y, x + w, y + h))
        return boxes

    def read(self, gray: Any, boxes: Sequence[PixelBox], numeric: bool = False) -> list[OcrLine]:
        import cv2
        import pytesseract

        out = []
        for x0, y0, x1, y1 in boxes:
            crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
            crop = cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)
            config = "--psm 7" + (" " + NUMERIC if numeric else "")
            data = pytesseract.image_to_data(
                crop, lang="eng" if numeric else LANG, config=config, output_type=pytesseract.Output.DICT
            )
            words = [(t, float(c)) for t, c in zip(data["text"], data["conf"], strict=True) if t.strip()]
            text = "".join(t for t, _ in words)
            conf = min((c for _, c in words), default=0.0) / 100
            out.append(OcrLine(text.strip(), (x0, y0, x1, y1), max(conf, 0.0)))
        return out
