"""Tesseract (``chi_sim+eng`` from Debian's tesseract-ocr-chi-sim), one thread per process
(OMP_THREAD_LIMIT=1: its own threading ran 12× slower on 2 cores). Line crops are read with
page-segmentation mode 7 (one text line), all crops of a page in one tesseract process per core (a list
file; the language model loads once), numeric crops with a digit whitelist."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from extract.errors import OcrError
from extract.scan.ocr.base import OcrLine, PixelBox

LANG = "chi_sim+eng"
NUMERIC = ["-c", "tessedit_char_whitelist=0123456789.,-%"]
PAD = 10


class TesseractEngine:
    name = "tesseract"

    def available(self) -> str | None:
        if shutil.which("tesseract") is None:
            return "the tesseract program is missing (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
        if not {"chi_sim", "eng"} <= set(out.stdout.split()):
            return "tesseract's chi_sim data is missing (apt-get install tesseract-ocr-chi-sim)"
        return None

    def detect(self, gray: Any, scale: float = 0.5) -> list[PixelBox] | None:
        return None  # no line detector of its own: the scan stage finds lines from the ink (scan.inklines)

    def directions(self, gray: Any, boxes: Sequence[PixelBox]) -> list[tuple[bool, float]] | None:
        return None  # its orientation detection is tuned on prose and turned upright table pages over

    def read(self, gray: Any, boxes: Sequence[PixelBox], numeric: bool = False) -> list[OcrLine]:
        if not boxes:
            return []
        workers = max(1, min(os.cpu_count() or 1, 4, len(boxes) // 8 or 1))
        chunks = [list(range(k, len(boxes), workers)) for k in range(workers)]
        results: dict[int, OcrLine] = {}
        with tempfile.TemporaryDirectory(prefix="extract-tess-") as tmp, ThreadPoolExecutor(workers) as pool:
            jobs = [
                pool.submit(self._run, gray, boxes, idx, Path(tmp) / f"c{k}", numeric) for k, idx in enumerate(chunks)
            ]
            for job in jobs:
                results.update(job.result())
        return [results[i] for i in range(len(boxes))]

    def _run(
        self, gray: Any, boxes: Sequence[PixelBox], idx: list[int], folder: Path, numeric: bool
    ) -> dict[int, OcrLine]:
        import cv2

        folder.mkdir()
        names = []
        for i in idx:
            x0, y0, x1, y1 = boxes[i]
            crop = gray[max(y0, 0) : y1, max(x0, 0) : x1]
            crop = cv2.copyMakeBorder(whitened(crop), PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)
            name = folder / f"{i:05d}.png"
            cv2.imwrite(str(name), crop)
            names.append(str(name))
        listing = folder / "list.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        done = _tesseract(listing, numeric)
        if done.returncode == 0:
            return _parse_tsv(done.stdout, idx, boxes)
        if done.returncode > 0:  # an error of tesseract's own (its data, its options)
            raise OcrError(f"tesseract failed: {done.stderr.strip()[:200]}")
        if len(idx) == 1:
            return {idx[0]: OcrLine("", boxes[idx[0]], 0.0)}
        # killed by a signal: tesseract 5.3 dies of a floating-point exception on some crops (a line of
        # print between ruling fragments on a 1-bit photocopy, read with the digit whitelist), and the batch
        # with it: each crop alone, the one it cannot read left unread (confidence 0)
        out: dict[int, OcrLine] = {}
        for i, image in zip(idx, names, strict=True):
            alone = _tesseract(Path(image), numeric)
            if alone.returncode > 0:
                raise OcrError(f"tesseract failed: {alone.stderr.strip()[:200]}")
            unread = {i: OcrLine("", boxes[i], 0.0)}
            out.update(_parse_tsv(alone.stdout, [i], boxes) if alone.returncode == 0 else unread)
        return out


def whitened(crop: Any) -> Any:
    """A crop with its paper made white (scaled by the paper's grey, its median: a cell or a line is mostly
    paper), to be padded white. Tesseract thresholds the whole image (Otsu): a white margin round grey
    paper (a grey scan, uneven light) is what it splits off as background, the paper then taken for ink —
    nothing read. On a grey 200-dpi development scan, of 40 cells read again, none read with the margin
    white round the grey paper, 31 with the paper whitened."""
    import numpy as np

    if not crop.size:
        return crop
    paper = float(np.median(crop))
    if paper >= 250 or paper <= 0:
        return crop
    return np.clip(crop.astype(np.float32) * (255.0 / paper), 0, 255).astype(np.uint8)


def _tesseract(images: Path, numeric: bool) -> subprocess.CompletedProcess[str]:
    """One tesseract process over an image, or a list file of images (one page each), read as one line."""
    cmd = [
        "tesseract",
        str(images),
        "stdout",
        "-l",
        "eng" if numeric else LANG,
        "--psm",
        "7",
        *(NUMERIC if numeric else []),
        "tsv",
    ]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


def _parse_tsv(tsv: str, idx: list[int], boxes: Sequence[PixelBox]) -> dict[int, OcrLine]:
    words: dict[int, list[tuple[str, float]]] = {k: [] for k in range(len(idx))}
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        page = int(cols[1]) - 1
        if page in words:
            words[page].append((cols[11].strip(), float(cols[10])))
    out = {}
    for k, i in enumerate(idx):
        found = words.get(k, [])
        text = "".join(t for t, _ in found)
        conf = min((c for _, c in found), default=0.0) / 100
        out[i] = OcrLine(text, boxes[i], max(conf, 0.0))
    return out
