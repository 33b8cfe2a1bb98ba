"""RapidOCR (PP-OCR models run by onnxruntime; the models ship inside the ``rapidocr-onnxruntime``
wheel, so nothing is downloaded). Detection runs on a reduced image; recognition on full-resolution
line crops, one at a time (``REC_BATCH``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from extract.scan.ocr.base import OcrLine, PixelBox

DETECT_SCALE = 0.5  # detect text lines at 150 dpi on a 300 dpi page: 4× fewer pixels, same boxes (PrepSettings)
# line crops recognised one at a time, not six padded to the widest: 12 % faster alone and 25 % beside a
# second worker (a batch's activations outgrow the core's cache; two workers then share memory bandwidth)
REC_BATCH = 1


@cache
def stock_rapidocr(threads: int = 0) -> Any:
    """RapidOCR as it comes (its own settings, ``threads`` onnxruntime threads, 0: its choice): the
    benchmarks' yardstick, "one plain whole-page pass", which the engine's own settings must not move."""
    from rapidocr_onnxruntime import RapidOCR

    n = threads if threads > 0 else -1
    return RapidOCR(print_verbose=False, intra_op_num_threads=n, inter_op_num_threads=n)


class RapidEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 0) -> None:
        self._ocr: Any = None
        self.threads = threads if threads > 0 else -1  # onnxruntime: -1 is its own choice

    def available(self) -> str | None:
        try:
            import rapidocr_onnxruntime  # noqa: F401
        except ImportError as exc:
            return f"python package rapidocr-onnxruntime missing ({exc})"
        return None

    @property
    def ocr(self) -> Any:
        if self._ocr is None:
            from rapidocr_onnxruntime import RapidOCR

            # one onnxruntime thread per worker process in a batch (configure_threads(1)), else its choice
            n = self.threads
            self._ocr = RapidOCR(
                print_verbose=False, intra_op_num_threads=n, inter_op_num_threads=n, rec_batch_num=REC_BATCH
            )
        return self._ocr

    def detect(self, gray: Any, scale: float = DETECT_SCALE) -> list[PixelBox]:
        import cv2
        import numpy as np

        small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes = self._detect_gray(small)
        out: list[PixelBox] = []
        for quad in boxes if boxes is not None else []:
            q = np.asarray(quad) / scale
            out.append((int(q[:, 0].min()), int(q[:, 1].min()), int(q[:, 0].max()) + 1, int(q[:, 1].max()) + 1))
        return out

    def _detect_gray(self, gray: Any) -> Any:
        """RapidOCR's detector on a grey image: its own resizing, model and box post-processing, with the
        input normalised once in float32 and copied to the three channels. Its own pre-processing
        normalises three identical channels in float64: a fifth of the detector's time on a page."""
        import cv2
        import numpy as np

        det = self.ocr.text_det
        try:
            resized = det.get_preprocess(max(gray.shape[:2])).resize(gray)
            mean, std = (np.asarray(v, dtype=np.float32) for v in (det.mean, det.std))
            infer, post, keep = det.infer, det.postprocess_op, det.filter_tag_det_res
        except AttributeError:  # another RapidOCR release: its own path
            boxes, _ = det(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
            return boxes
        if resized is None:
            return None
        level = resized.astype(np.float32) / np.float32(255)
        planes = np.stack([(level - mean[c]) / std[c] for c in range(3)])[np.newaxis]
        preds = infer(np.ascontiguousarray(planes, dtype=np.float32))[0]
        boxes, _ = post(preds, gray.shape[:2])
        return keep(boxes, gray.shape[:2])

    def directions(self, gray: Any, boxes: Sequence[PixelBox]) -> list[tuple[bool, float]] | None:
        """PP-OCR's text direction classifier (0° or 180°; it sees each crop as 48×192 pixels: give it crops
        about four times as wide as tall)."""
        import cv2

        crops = [cv2.cvtColor(gray[max(y0, 0) : y1, max(x0, 0) : x1], cv2.COLOR_GRAY2BGR) for x0, y0, x1, y1 in boxes]
        if not crops:
            return []
        _, labels, _ = self.ocr.text_cls(crops)
        return [("180" in str(label), float(score)) for label, score in labels]

    def read(self, gray: Any, boxes: Sequence[PixelBox], numeric: bool = False) -> list[OcrLine]:
        import cv2

        crops = []
        for x0, y0, x1, y1 in boxes:
            crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
            crops.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
        if not crops:
            return []
        results, _ = self.ocr.text_rec(crops)
        out = []
        for box, (text, score) in zip(boxes, results, strict=True):
            if numeric:
                text = "".join(ch for ch in text if ch in "0123456789.,-%")
            out.append(OcrLine(text.strip(), box, float(score)))
        return out
