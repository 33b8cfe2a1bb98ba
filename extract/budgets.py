"""Resource budgets per file: what a hostile or broken PDF may cost before it is ``failed`` with the reason.

* **Inflated streams** — a few MB of Flate data can inflate to gigabytes (a "zip bomb"): the non-image
  streams of a file (page contents, forms, fonts, object streams) are measured as they would inflate,
  in constant memory, before any page is parsed; and pdfminer's own inflating is capped per stream.
* **Memory** — a limit on the process's data segment (``RLIMIT_DATA``) in every worker and in ``run``:
  what still allocates past it fails with ``MemoryError`` (or, inside a C library, ends the worker) and
  the file is failed with the reason; the batch goes on.
* **Time** — a per-file limit (``ingest`` kills a worker past it; ``run`` interrupts itself with an alarm).
* **Page size** — a page is rendered (``debug``, OCR) only when its image stays under a pixel cap: a
  page box of 200 × 200 inches would need gigabytes.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

from extract.errors import BudgetError, SettingsError

MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class Budgets:
    inflated_bytes: int = 256 * MiB  # non-image streams of one file, inflated, in all
    memory_bytes: int = 4096 * MiB  # data segment of a worker process (or of ``run``)
    render_pixels: int = 60_000_000  # one rendered page image (A4 at 600 dpi is 35 Mpx)

    def __post_init__(self) -> None:
        for name in ("inflated_bytes", "memory_bytes", "render_pixels"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise SettingsError(f"Budgets.{name} must be a whole number above 0, not {value!r}")


DEFAULT_BUDGETS = Budgets()


def _mib(n: int) -> str:
    return f"{n / MiB:,.0f} MiB"


# ------------------------------------------------------------------ inflated streams


class StreamBudgetError(BudgetError):
    pass


class _CappedInflate:
    """A ``zlib.decompressobj`` whose output stops at a cap (raises ``StreamBudgetError``)."""

    def __init__(self, cap: int) -> None:
        self.d = zlib.decompressobj()
        self.left = cap
        self.cap = cap

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.d.decompress(data, self.left + 1)
        self.left -= len(out)
        if self.left < 0 or self.d.unconsumed_tail:
            raise StreamBudgetError(f"a stream inflates to more than {_mib(self.cap)} (a compression bomb?)")
        return out

    @property
    def eof(self) -> bool:
        return self.d.eof

    @property
    def unused_data(self) -> bytes:
        return self.d.unused_data

    def flush(self) -> bytes:
        return self.d.flush()


class _CappedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: the same answers, but no stream
    inflates past the cap."""

    error = zlib.error

    def __init__(self) -> None:
        self.cap = DEFAULT_BUDGETS.inflated_bytes

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        d = _CappedInflate(self.cap)
        out = d.decompress(data)
        if not d.eof:  # as zlib.decompress: a stream that does not end is an error
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def decompressobj(self, *args: Any, **kwargs: Any) -> _CappedInflate:
        return _CappedInflate(self.cap)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


_ZLIB = _CappedZlib()


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (inflate a stream whose checksum is damaged, byte by byte, up
    to the error), in chunks instead of bytes (it was quadratic) and capped."""
    log = logging.getLogger("pdfminer.pdftypes")
    # called only for a stream zlib refused: damage, said so (pdfminer would empty it without a word)
    log.warning("Damaged Flate stream (%d bytes): inflated up to the damage", len(data))
    d = _CappedInflate(_ZLIB.cap)
    out: list[bytes] = []
    pos, step = 0, 1 << 16
    while pos < len(data):
        chunk = data[pos : pos + step]
        keep = d.d.copy()
        try:
            out.append(d.decompress(chunk))
        except zlib.error:
            d.d = keep  # the error is in this chunk: go through it a byte at a time
            for i in range(len(chunk)):
                try:
                    out.append(d.decompress(chunk[i : i + 1]))
                except zlib.error:
                    if pos + i < len(data) - 3:  # not in the checksum: as pdfminer, the error stands
                        raise
                    log.warning("Data-loss while decompressing corrupted data")
                    return b"".join(out)
        pos += step
    return b"".join(out)


def cap_pdfminer(cap: int) -> None:
    """Cap every stream pdfminer inflates at ``cap`` bytes (process-wide; idempotent)."""
    import pdfminer.pdftypes as pdftypes

    _ZLIB.cap = cap
    pdftypes.zlib = _ZLIB  # type: ignore[assignment,attr-defined]
    pdftypes.decompress_corrupted = _decompress_corrupted


def _inflated_size(raw: bytes, left: int) -> tuple[int, str | None]:
    """How many bytes ``raw`` (Flate) inflates to, counted in constant memory, stopping past ``left``;
    and what is wrong with the stream, if anything (damaged data, cut short)."""
    d = zlib.decompressobj()
    total = 0
    data = raw
    try:
        while data and not d.eof:
            out = d.decompress(data, 1 << 22)
            total += len(out)
            if total > left:
                return total, None
            data = d.unconsumed_tail
            if not out and not data:
                break
    except zlib.error as exc:
        return total, f"damaged Flate stream ({exc})"
    return total, None if d.eof else "Flate stream cut short"


def _objects(doc: Any) -> Iterator[tuple[int, Any]]:
    """Every object of every cross-reference section, once; damaged ones left out (pdfminer says so when
    one is needed)."""
    seen: set[int] = set()
    for xref in doc.xrefs:
        try:
            ids = list(xref.get_objids())
        except Exception:
            continue
        for objid in ids:
            if objid in seen:
                continue
            seen.add(objid)
            try:
                yield objid, doc.getobj(objid)
            except StreamBudgetError:
                raise
            except Exception:
                continue


def check_streams(doc: Any, cap: int, path: str) -> None:
    """Raise ``StreamBudgetError`` when the non-image Flate streams of a pdfminer document inflate past
    ``cap`` bytes in all. Reads each stream's raw bytes once; never holds an inflated stream. A damaged
    stream is logged as a warning of pdfminer's (a form read from the file has ``source`` in review)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream
    from pdfminer.psparser import LIT

    image = LIT("Image")
    left = cap
    for objid, obj in _objects(doc):
        if not isinstance(obj, PDFStream) or obj.rawdata is None or obj.get("Subtype") is image:
            continue
        filters = obj.get_filters()
        if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
            continue
        size, damage = _inflated_size(obj.rawdata, left)
        if damage:  # said to the parser's log, which a read form's review reports
            logging.getLogger("pdfminer.pdftypes").warning("object %d: %s", objid, damage)
        left -= size
        if left < 0:
            raise StreamBudgetError(f"its streams inflate to more than {_mib(cap)} (a compression bomb?)", path=path)


# ------------------------------------------------------------------ memory


def limit_memory(limit: int) -> None:
    """Limit this process's data segment (heap and private mappings) to ``limit`` bytes, where the
    platform allows (Linux, macOS); allocations past it raise ``MemoryError``."""
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        new = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (new, hard))


def is_memory_error(exc: BaseException) -> bool:
    """An allocation that failed: Python's ``MemoryError``, or a C++ library's ``bad_alloc`` (onnxruntime)."""
    return isinstance(exc, MemoryError) or "bad_alloc" in str(exc)


def memory_message(limit: int) -> str:
    return f"past the memory budget ({_mib(limit)} a worker; --max-memory)"


# ------------------------------------------------------------------ time


class FileTimeout(BaseException):  # a BaseException: library code that catches Exception lets it by
    """Raised by the alarm of ``deadline`` in the main thread."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block with ``FileTimeout`` after ``seconds``: by an alarm signal in the main thread of a
    POSIX process, elsewhere (a Dask worker's task thread) by an exception set in the thread from a timer.
    Code in a C library is interrupted when it returns to Python."""
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_deadline(seconds):
            yield
        return

    def ring(signum: int, frame: FrameType | None) -> None:
        raise FileTimeout

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _thread_deadline(seconds: float) -> Iterator[None]:
    """``deadline`` for a thread that is not the main one: a timer raises ``FileTimeout`` in it."""
    import ctypes
    import threading

    target = threading.get_ident()
    done = threading.Event()
    lock = threading.Lock()

    def ring() -> None:
        with lock:
            if not done.is_set():
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(FileTimeout))

    timer = threading.Timer(seconds, ring)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            done.set()
            timer.cancel()


# ------------------------------------------------------------------ page size


def check_render(width_pt: float, height_pt: float, dpi: float, cap: int, path: str, page: int) -> None:
    """Refuse to render a page whose image would pass ``cap`` pixels."""
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    if pixels > cap:
        raise BudgetError(
            f"page is {width_pt / 72:,.0f} × {height_pt / 72:,.0f} in; at {dpi:g} dpi its image would be "
            f"{pixels / 1e6:,.0f} Mpx, past the {cap / 1e6:,.0f} Mpx cap",
            path=path,
            page=page,
        )
