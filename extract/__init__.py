"""extract: Chinese government performance self-evaluation forms (绩效自评表) in PDF → checked records.

>>> import extract
>>> records = extract.read_pdf("samples/jinzhong-2021-justice-bureau.pdf")
>>> frames = extract.to_frames(records)      # forms, indicators, checks
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.errors import ExitCode, ExtractError
from extract.model import Record
from extract.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ExitCode", "ExtractError", "Record", "Settings", "read_pdf", "to_dict", "to_frames"]
__version__ = "0.1.0"


def read_pdf(path: str | Path, settings: Settings | None = None) -> list[Record]:
    """Every form in the PDF at ``path``, as checked records (one per form, in page order)."""
    from extract.pipeline import extract_file

    return extract_file(path, settings or Settings())


def to_frames(records: list[Record]) -> dict[str, pd.DataFrame]:
    """The record tables as DataFrames: ``forms`` (one row per form), ``indicators``, ``subtotals``,
    ``funds_other``, ``amounts`` (amounts in the narratives), ``checks``; every row keyed by ``form_id``.
    Columns are fixed (``extract.records.dictionary``); money is exact ``Decimal``."""
    from extract.records.tables import frames

    return frames(records)


def to_dict(record: Record) -> dict[str, Any]:
    """The record as plain data (field names are the contract); money as ``Decimal`` — for JSON text
    with every amount as printed use ``extract.records.codec.to_json``."""
    from extract.records.codec import to_dict as _to_dict

    return _to_dict(record)
