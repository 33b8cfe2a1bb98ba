"""Open a PDF, or say in one line why it cannot be read. Backend errors are translated here only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdfminer.pdfexceptions import PDFException
from pdfminer.psparser import PSException

from extract.budgets import DEFAULT_BUDGETS, Budgets, cap_pdfminer, check_streams
from extract.errors import (
    ChangedFileError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    InputError,
    MissingFileError,
    NotAPdfError,
)
from extract.model import BBox

if TYPE_CHECKING:
    from pdfplumber.pdf import PDF


@dataclass(frozen=True, slots=True)
class LoadedPdf:
    path: str
    sha256: str
    size: int
    pdf: PDF
    stamp: tuple[int, int, int] = (0, 0, 0)  # size, mtime_ns, inode when it was hashed
    budgets: Budgets = DEFAULT_BUDGETS

    def check_unchanged(self) -> None:
        """Raise ``ChangedFileError`` when the file is no longer what was hashed (a file still being
        copied into the archive): a record must describe the bytes its sha256 names."""
        try:
            now = _stamp(Path(self.path))
        except OSError:
            now = (-1, -1, -1)
        if now != self.stamp:
            raise ChangedFileError(path=self.path)

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages)

    def close(self) -> None:
        close_pdf(self.pdf)

    def page_texts(self) -> list[tuple[str, bool]]:
        """Every page's plain text and whether it carries an image, cheaply (pdfium: a few ms a page
        against ~40 ms for pdfplumber's layout), for screening pages before any table extraction."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        texts: list[tuple[str, bool]] = []
        try:
            doc = pdfium.PdfDocument(self.path)
        except pdfium.PdfiumError as exc:
            raise CorruptPdfError(f"corrupt or truncated PDF ({exc})", path=self.path) from exc
        try:
            for i in range(len(doc)):
                page = doc[i]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                has_image = next(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2), None)
                texts.append((text, has_image is not None))
                page.close()
        except pdfium.PdfiumError as exc:
            raise CorruptPdfError(f"corrupt page ({exc})", path=self.path, page=len(texts) + 1) from exc
        finally:
            doc.close()
        return texts


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _check_bytes(path: Path, name: str) -> int:
    try:
        return _read_head(path, name)
    except OSError as exc:  # unreadable (permissions), a dangling link, an I/O error
        raise InputError(f"cannot read it ({exc.strerror or exc})", path=name) from exc


def _read_head(path: Path, name: str) -> int:
    if not path.exists():
        raise MissingFileError("no such file", path=name)
    if not path.is_file():
        raise MissingFileError("not a regular file", path=name)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("empty file (0 bytes)", path=name)
    with path.open("rb") as f:
        head = f.read(1024)
    if b"%PDF-" not in head:
        kind = "an HTML page" if b"<html" in head.lower() or b"<!doctype" in head.lower() else "not a PDF"
        raise NotAPdfError(
            f"not a PDF ({kind}; no %PDF header)" if kind != "not a PDF" else "not a PDF (no %PDF header)", path=name
        )
    return size


def _translate(exc: Exception, name: str) -> InputError:
    if isinstance(exc, InputError):
        return exc
    text = f"{type(exc).__name__}: {exc}"
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else None
    if inner is not None:
        text += f" {type(inner).__name__}: {inner}"
    lowered = text.lower()
    if "password" in lowered or "encrypt" in lowered:
        return EncryptedPdfError(path=name)
    detail = str(inner or exc).strip() or type(inner or exc).__name__
    return CorruptPdfError(f"corrupt or truncated PDF ({detail[:120]})", path=name)


def close_pdf(pdf: Any) -> None:
    """Close a pdfplumber PDF, also one whose pages cannot be built (pdfplumber's own ``close`` builds
    them all first, and a damaged page box makes it raise with the file left open)."""
    try:
        pdf.close()
    except Exception:
        stream = getattr(pdf, "stream", None)
        if stream is not None and not getattr(pdf, "stream_is_external", False):
            stream.close()


def _pdfium_opens(path: Path, name: str) -> None:
    """pdfium opens the file (lazily: trailer and cross-references): bytes that are no PDF at all, however
    large, are refused in seconds here, where pdfminer's repair scan would take minutes."""
    import pypdfium2 as pdfium

    try:
        pdfium.PdfDocument(str(path)).close()
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError(path=name) from exc
        raise CorruptPdfError(f"corrupt or truncated PDF ({exc})", path=name) from exc


def load(path: str | Path, budgets: Budgets = DEFAULT_BUDGETS) -> LoadedPdf:
    """Open ``path`` with pdfplumber; raise an ``InputError`` naming the file and the reason: also when
    its streams would inflate past the budget (``BudgetError``)."""
    import pdfplumber

    p = Path(path)
    name = str(path)
    size = _check_bytes(p, name)
    stamp = _stamp(p)
    _pdfium_opens(p, name)
    cap_pdfminer(budgets.inflated_bytes)
    try:
        pdf = pdfplumber.open(p)
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise _translate(exc, name) from exc
    try:
        n = len(pdf.pages)
        check_streams(pdf.doc, budgets.inflated_bytes, name)
    except Exception as exc:
        close_pdf(pdf)
        raise _translate(exc, name) from exc
    if n == 0:
        close_pdf(pdf)
        raise EmptyFileError("PDF has no pages", path=name)
    try:
        sha = sha256_of(p)
    except OSError as exc:
        close_pdf(pdf)
        raise InputError(f"cannot read it ({exc.strerror or exc})", path=name) from exc
    return LoadedPdf(path=name, sha256=sha, size=size, pdf=pdf, stamp=stamp, budgets=budgets)


_BACKEND_ERRORS = (
    PDFException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    ZeroDivisionError,
    OSError,
    AssertionError,
)


def _closed(page: Any, table_settings: dict[str, Any]) -> dict[str, Any]:
    """Table settings that also close the grid at the ends of the vertical rulings: where a table
    breaks across pages, its cells lack the border at the page break, and pdfplumber would drop them."""
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    if not verticals:
        return table_settings
    top = min(float(e["top"]) for e in verticals)
    bottom = max(float(e["bottom"]) for e in verticals)
    extra = [*table_settings.get("explicit_horizontal_lines", []), top, bottom]
    return {**table_settings, "explicit_horizontal_lines": extra}


def upright(page: Any) -> Any:
    """The page as authored: a page with /Rotate 90/180/270 (shown sideways or upside down by a
    viewer) is read without that rotation, so a spreadsheet's text is upright again. Boxes are then
    in the unrotated page's coordinates."""
    if not page.rotation:
        return page
    from pdfplumber.page import Page

    obj = page.page_obj
    obj.attrs = {**obj.attrs, "Rotate": 0}
    obj.rotate = 0
    return Page(page.pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


def page_objects(
    page: Any, table_settings: dict[str, Any], path: str, number: int
) -> tuple[list[Any], list[list[BBox]]]:
    """A pdfplumber page's characters (in stream order) and its ruled tables' cell boxes.

    pdfminer fails on damaged content streams with many unrelated exception types; they become a
    ``CorruptPdfError`` naming the file and page."""
    try:
        chars = list(page.chars)
        tables = page.find_tables(_closed(page, table_settings)) if chars else []
        boxes = [
            [tuple(float(v) for v in c) for c in t.cells] for t in sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))
        ]
    except _BACKEND_ERRORS as exc:
        raise CorruptPdfError(f"corrupt page ({type(exc).__name__}: {str(exc)[:100]})", path=path, page=number) from exc
    except Exception as exc:  # pdfplumber wraps what pdfminer raised, our budget errors too
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, InputError):
            inner.path, inner.page = path, number
            raise inner from exc
        if isinstance(inner, _BACKEND_ERRORS):
            why = f"{type(inner).__name__}: {str(inner)[:100]}"
            raise CorruptPdfError(f"corrupt page ({why})", path=path, page=number) from exc
        raise
    return chars, boxes  # type: ignore[return-value]
