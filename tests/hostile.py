"""Hostile and broken inputs, made on demand (tests and ``bench/bench_bombs.py``): compression bombs, a
gigabyte of nothing after ``%PDF-``, a page box of 200 inches; and a way to run a command as a user
who cannot read what root can."""

from __future__ import annotations

import ctypes
import os
import zlib
from pathlib import Path


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _one_page(media: tuple[float, float], contents: bytes) -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R /Resources << >> >>" % media,
            contents,
        ]
    )


def flate_bomb(path: Path, inflated: int) -> Path:
    """One A4 page whose content stream (blanks, Flate) inflates to ``inflated`` bytes: about 1,000 to 1."""
    c = zlib.compressobj(9)
    chunk = b" " * (16 << 20)
    parts, left = [], inflated
    while left > 0:
        parts.append(c.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(c.flush())
    data = b"".join(parts)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    path.write_bytes(_one_page((595, 842), stream))
    return path


def zeros_after_header(path: Path, size: int) -> Path:
    """``%PDF-1.7`` and then ``size`` zero bytes: no objects, no cross-references."""
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        block = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            f.write(block)
    return path


def huge_page(path: Path, inches: float = 200) -> Path:
    """An empty page whose MediaBox is ``inches`` square (PDF allows up to 200 inches)."""
    side = inches * 72
    path.write_bytes(_one_page((side, side), b"<< /Length 0 >>\nstream\n\nendstream"))
    return path


# ------------------------------------------------------------------ a user who cannot read everything

_CAP_VERSION_3 = 0x20080522
_DAC_CAPS = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def without_dac_override() -> None:
    """``preexec_fn`` for a child that obeys file permissions even when run as root (tests run as root in
    CI): drops the capabilities that let root read and list what mode 000 forbids."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # from the bounding set too: else a root execve grants them again
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    header = _Header(_CAP_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    data[0].effective &= ~_DAC_CAPS
    data[0].permitted &= ~_DAC_CAPS
    data[0].inheritable &= ~_DAC_CAPS
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
