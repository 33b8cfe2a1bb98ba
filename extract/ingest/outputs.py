"""What every writer obeys: an output never lands on an input, text never becomes a spreadsheet formula.

* ``refuse_inputs(outputs, inputs)`` — an output path that resolves to an input file (or to an input
  folder) is an ``OutputError`` (exit 2), before anything is read or written.
* ``sheet_safe(frame)`` — every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe (the OWASP rule against CSV injection), so Excel and LibreOffice show
  it as text; numbers stay numbers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise ``OutputError`` when an output would overwrite (or be written inside) an input."""
    ins = [_resolved(p) for p in inputs]
    for out in outputs:
        o = _resolved(out)
        for i in ins:
            if o == i or (i.is_dir() and i in o.parents):
                raise OutputError(f"refusing to write over an input ({i})", path=str(out))


def writable_folder(folder: Path) -> None:
    """Raise ``OutputError`` unless files can be written in ``folder`` (made if missing): checked before any
    work, by writing and removing a probe file, so that a long run never fails at its end for want of a
    place to write its tables."""
    import tempfile

    if folder.exists() and not folder.is_dir():
        raise OutputError("not a folder", path=str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(folder)) from None


def safe_cell(value: Any) -> Any:
    """A text value that a spreadsheet would run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot become formulas (numbers, Decimals, None untouched)."""
    out = frame.copy()
    for col in out.columns:
        if not pd_is_numeric(out[col]):  # object or string columns (pandas' own str dtype included)
            out[col] = out[col].map(safe_cell)
    return out


def pd_is_numeric(column: pd.Series) -> bool:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return bool(is_numeric_dtype(column.dtype) or is_bool_dtype(column.dtype))


def write_set(items: list[tuple[Path, Callable[[Path], None]]], what: Path) -> list[Path]:
    """Write a set of files whole or not at all: each ``write(tmp)`` goes to a temporary file beside its
    target; only when every one is written are they renamed into place. A failure (a full disk, a
    folder that cannot be written) removes the temporary files and is one ``OutputError``."""
    tmps = [(path, path.with_name(f".{path.name}.tmp")) for path, _ in items]
    try:
        for (_, tmp), (_, write) in zip(tmps, items, strict=True):
            write(tmp)
        for path, tmp in tmps:
            tmp.replace(path)
        return [path for path, _ in items]
    except OSError as exc:
        why = str(exc.strerror or exc)
    # past the except block the writer's frames are free: what they left open is closed now, quietly
    # (openpyxl's half-written sheet streams would fail again, with tracebacks, when collected at exit)
    collect_quietly()
    for _, tmp in tmps:
        with contextlib.suppress(OSError):
            tmp.unlink()
    raise OutputError(f"cannot write: {why}", path=str(what))


def collect_quietly() -> None:
    """Collect garbage without a word from finalizers that fail (files an interrupted library left open)."""
    import gc
    import sys
    import warnings

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    finally:
        sys.unraisablehook = hook
