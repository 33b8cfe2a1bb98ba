"""What every writer obeys: an output never lands on an input, text never becomes a spreadsheet formula.

* ``refuse_inputs(outputs, inputs)`` — an output path that resolves to an input file (or to an input
  folder) is an ``OutputError`` (exit 2), before anything is read or written.
* ``sheet_safe(frame)`` — every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe (the OWASP rule against CSV injection), so Excel and LibreOffice show
  it as text; numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OutputError

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
