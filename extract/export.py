"""Outputs: pandas tables of records (forms, indicators, checks) and the CSV files analysts open.

CSV is UTF-8 with BOM (``utf-8-sig``) so Excel shows the Chinese text right. Money stays Decimal,
written as printed precision (``965.40``). Writers never change their input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OutputError
from .model import Record
from .outputs import sheet_safe, write_set

if TYPE_CHECKING:
    import pandas as pd

# the columns of a forms table without rows: its header is still written (a table's columns come from its
# records; the keys and flags every form row has)
EMPTY_FORM_COLUMNS = (
    "template",
    "source.path",
    "source.sha256",
    "source.form_pages",
    "failed_checks",
    "warned_checks",
    "skipped_checks",
    "review",
    "gaps",
    "clean",
)
FORM_SECTIONS = ("source", "form", "budget", "funds", "goals", "score", "narratives", "conclusion", "signatures")


def _scalars(prefix: str, obj: Any) -> dict[str, Any]:
    """Every scalar under a record section, flattened: ``funds.rows.total.executed``."""
    if obj is None:
        return {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            out.update(_scalars(f"{prefix}.{f.name}", v))
            continue
        if isinstance(v, list):
            v = ";".join(str(x) for x in v)
        out[f"{prefix}.{f.name}"] = v
    return out


def form_row(record: Record) -> dict[str, Any]:
    row: dict[str, Any] = {"template": record.template}
    for section in FORM_SECTIONS:
        row.update(_scalars(section, getattr(record, section)))
    row["indicator_count"] = len(record.indicators)
    row["failed_checks"] = ";".join(c.id for c in record.checks if c.status == "fail")
    row["warned_checks"] = ";".join(c.id for c in record.checks if c.status == "warn")
    row["skipped_checks"] = ";".join(c.id for c in record.checks if c.status == "skipped")
    row["review"] = ";".join(record.review)
    row["gaps"] = ";".join(record.gaps)
    row["clean"] = record.clean
    return row


def _key(record: Record) -> dict[str, Any]:
    return {
        "source.path": record.source.path,
        "source.sha256": record.source.sha256,
        "form_first_page": record.source.form_pages[0] if record.source.form_pages else None,
    }


def indicator_rows(record: Record) -> list[dict[str, Any]]:
    return [{**_key(record), "index": i, **dataclasses.asdict(ind)} for i, ind in enumerate(record.indicators)]


def check_rows(record: Record) -> list[dict[str, Any]]:
    rows = []
    for c in record.checks:
        d = dataclasses.asdict(c)
        d["fields"] = ";".join(c.fields)
        d["details"] = ";".join(c.details)
        rows.append({**_key(record), **d})
    return rows


def to_frames(records: Sequence[Record]) -> dict[str, pd.DataFrame]:
    import pandas as pd

    ind_cols = [
        "source.path",
        "source.sha256",
        "form_first_page",
        "index",
        *(f.name for f in dataclasses.fields(_indicator_type())),
    ]
    chk_cols = ["source.path", "source.sha256", "form_first_page", *(f.name for f in dataclasses.fields(_check_type()))]
    return {
        "forms": pd.DataFrame([form_row(r) for r in records], columns=None if records else list(EMPTY_FORM_COLUMNS)),
        "indicators": pd.DataFrame([row for r in records for row in indicator_rows(r)], columns=ind_cols),
        "checks": pd.DataFrame([row for r in records for row in check_rows(r)], columns=chk_cols),
    }


def _indicator_type() -> type:
    from .model import Indicator

    return Indicator


def _check_type() -> type:
    from .model import Check

    return Check


def write_csv(records: Sequence[Record], out_dir: Path) -> list[Path]:
    """``forms.csv``, ``indicators.csv``, ``checks.csv`` in ``out_dir`` (created if missing): all three
    written, or none (a full disk leaves no partial set and no temporary file)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write CSV: {exc.strerror or exc}", path=str(out_dir)) from exc

    def csv_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
        return lambda tmp: sheet_safe(frame).to_csv(tmp, index=False, encoding="utf-8-sig")

    items = [(out_dir / f"{name}.csv", csv_writer(frame)) for name, frame in to_frames(records).items()]
    return write_set(items, out_dir)
