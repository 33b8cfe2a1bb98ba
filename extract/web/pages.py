"""Page images for the review app, rendered once and kept in the ledger's own cache folder
(``LEDGER.pages/``, beside the ledger).

Nothing a request says reaches the file system: a cached image is named from the file's sha256 (read
from the ledger) and a page number (an integer the form has), and the PDF it is rendered from is a path
the ledger holds for those bytes, checked to still have them before it is drawn.
"""

from __future__ import annotations

import os
import struct
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.ingest.ledger import Ledger
from extract.pdf.load import sha256_of
from extract.records.codec import loads

HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class PageImage:
    path: Path  # the PNG in the cache
    width: float  # the page, in points (the coordinates of the boxes)
    height: float


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    with path.open("rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


class PageCache:
    """Rendered pages of the ledger's files, one PNG per (file, page, resolution), made on first use."""

    def __init__(self, ledger_path: Path, resolution: int) -> None:
        self.folder = ledger_path.with_name(ledger_path.name + ".pages")
        self.resolution = resolution
        self.locks: dict[tuple[str, int], threading.Lock] = {}
        self.guard = threading.Lock()

    def cached(self, sha256: str, page: int) -> Path:
        if len(sha256) != 64 or not HEX.issuperset(sha256) or not isinstance(page, int) or page < 1:
            raise ValueError("not a file key and page")  # never a name made from anything else
        return self.folder / f"{sha256}-p{page}-r{self.resolution}.png"

    def get(self, sha256: str, page: int, sources: Callable[[], Sequence[Path]]) -> PageImage | str:
        """The page's image, rendered now if it is not in the cache (from the first of ``sources`` that
        still holds the file's bytes); else why there is none (moved or changed since it was read, or the
        page cannot be drawn)."""
        target = self.cached(sha256, page)
        if not target.is_file():
            with self.guard:
                lock = self.locks.setdefault((sha256, page), threading.Lock())
            with lock:  # two requests for one page render it once
                why = None if target.is_file() else self._render(sources(), sha256, page, target)
                if why is not None:
                    return why
        width, height = png_size(target)
        scale = self.resolution / 72
        return PageImage(target, width / scale, height / scale)

    @staticmethod
    def sources(ledger: Ledger, sha256: str) -> list[Path]:
        """The paths the ledger found these bytes under, most recently seen first."""
        rows = ledger.db.execute(
            "SELECT path FROM paths WHERE sha256 = ? ORDER BY last_seen DESC", (sha256,)
        ).fetchall()
        found = [Path(p) for (p,) in rows]
        for (text,) in ledger.db.execute("SELECT record FROM records WHERE sha256 = ? LIMIT 1", (sha256,)):
            found.append(Path(loads(text)["source"]["path"]))
        return list(dict.fromkeys(found))

    def _render(self, sources: Sequence[Path], sha256: str, page: int, target: Path) -> str | None:
        from extract.errors import ExtractError
        from extract.inspect.debug import page_image

        why = "the file is no longer where the ledger found it (moved, or changed since it was read)"
        for source in sources:
            try:
                if not source.is_file() or sha256_of(source) != sha256:
                    continue
                image = page_image(source, page, self.resolution)
            except ExtractError as exc:  # the page is there but cannot be drawn (past the pixel budget …)
                why = f"the page cannot be drawn: {exc.message}"
                continue
            except (OSError, IndexError) as exc:
                why = f"the page cannot be drawn: {exc}"
                continue
            return self._store(image, target)
        return why

    def _store(self, image: Any, target: Path) -> str | None:
        """Write the image into the cache whole (a reader never sees half a PNG); why not, if it cannot."""
        try:
            self.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        except OSError as exc:
            return f"the page cache {self.folder} cannot be written ({exc.strerror or exc})"
        try:
            with os.fdopen(fd, "wb") as f:
                image.save(f, format="PNG", compress_level=3)
            os.replace(tmp, target)
        except OSError as exc:
            return f"the page cache {self.folder} cannot be written ({exc.strerror or exc})"
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return None
