"""File formats of the tables (``records.tables``): CSV (UTF-8 with BOM, so Excel shows the Chinese
text), xlsx (a sheet per table, frozen header, autofilter, each amount with its printed decimals),
parquet (money as ``decimal128``), JSON Lines (whole records, provenance included). Every format also
writes the data dictionary. A set of files is written whole or not at all; writers never change their
input; no text can become a spreadsheet formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.errors import MissingDependencyError, OutputError
from extract.ingest.outputs import sheet_safe, write_set
from extract.model import Record
from extract.records.dictionary import Column, tables

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
LEDGER_TABLES = ("files", "corrections")


def dictionary_frame(names: Sequence[str]) -> pd.DataFrame:
    """The data dictionary of the tables ``names``: table, column, type, unit, label, description."""
    import pandas as pd

    every = tables()
    rows = [
        {"table": t, "column": c.name, "type": c.type, "unit": c.unit, "label": c.label, "description": c.doc}
        for t in names
        for c in every[t]
    ]
    return pd.DataFrame(rows, columns=["table", "column", "type", "unit", "label", "description"])


def output_names(fmt: str, table_names: Sequence[str]) -> list[str]:
    """The file names a format writes for these tables (checked before any work)."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependencyError("--format parquet needs pyarrow: pip install 'extract[parquet]'") from None
    if fmt == "xlsx":
        return ["extract.xlsx"]
    if fmt == "jsonl":  # whole records, and the ledger's own tables (files, corrections) line by line
        return ["records.jsonl", *(f"{n}.jsonl" for n in table_names if n in LEDGER_TABLES), "dictionary.csv"]
    return [f"{n}.{fmt}" for n in [*table_names, "dictionary"]]


def write_tables(
    frames: dict[str, pd.DataFrame],
    out: Path,
    fmt: str,
    records: Sequence[dict[str, Any]] = (),
) -> list[Path]:
    """``frames`` (and for ``jsonl`` the whole ``records``) in ``out`` in one format, all or none."""
    names = output_names(fmt, list(frames))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(out)) from exc
    dictionary = dictionary_frame(list(frames))
    if fmt == "xlsx":
        return write_set([(out / names[0], lambda tmp: _xlsx({**frames, "dictionary": dictionary}, tmp))], out)
    if fmt == "jsonl":
        items: list[tuple[Path, Callable[[Path], None]]] = [(out / "records.jsonl", lambda tmp: _jsonl(records, tmp))]
        for name in (n for n in frames if n in LEDGER_TABLES):
            rows = _plain_rows(frames[name])
            items.append((out / f"{name}.jsonl", lambda tmp, rows=rows: _jsonl(rows, tmp)))  # type: ignore[misc]
        items.append((out / "dictionary.csv", _writer(dictionary, "csv", [])))
        return write_set(items, out)
    every = tables()
    return write_set(
        [
            *((out / f"{n}.{fmt}", _writer(df, fmt, every[n])) for n, df in frames.items()),
            (out / f"dictionary.{fmt}", _writer(dictionary, fmt, [])),
        ],
        out,
    )


def write_csv(records: Sequence[Record], out_dir: Path) -> list[Path]:
    """The record tables of ``records`` as CSV files in ``out_dir`` (created if missing), all or none."""
    from extract.records.tables import frames

    return write_tables(frames(records), out_dir, "csv")


def _plain_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _missing(v: Any) -> bool:
    import pandas as pd

    return v is None or (not isinstance(v, (str, Decimal, list, dict)) and bool(pd.isna(v)))


def _jsonl(rows: Sequence[dict[str, Any]], tmp: Path) -> None:
    from extract.records.codec import dumps

    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(dumps(row) + "\n")


def _writer(df: pd.DataFrame, fmt: str, columns: Sequence[Column]) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        if fmt == "csv":
            sheet_safe(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            _parquet(df, columns, tmp)

    return write


def _places(values: Sequence[Any]) -> int:
    """Decimal places enough for every value (at least 2)."""
    exps = [-int(v.as_tuple().exponent) for v in values if isinstance(v, Decimal) and v.is_finite()]
    return max([2, *exps])


def _parquet(df: pd.DataFrame, columns: Sequence[Column], tmp: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {c.name: c.type for c in columns}
    arrays, fields = [], []
    for name in df.columns:
        kind = kinds.get(name, "text")
        values = [None if _missing(v) else v for v in df[name].tolist()]
        if kind in ("money", "number"):
            typ: pa.DataType = pa.decimal128(38, _places(values))
        elif kind == "int":
            typ = pa.int64()
        elif kind == "bool":
            typ = pa.bool_()
        elif kind == "real":
            typ = pa.float64()
        else:
            typ = pa.string()
            values = [None if v is None else str(v) for v in values]
        arrays.append(pa.array(values, type=typ))
        fields.append(pa.field(name, typ))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), tmp)


def _number_format(value: Decimal) -> str:
    places = max(-int(value.as_tuple().exponent), 0)
    return "0" if places == 0 else "0." + "0" * places


def _xlsx(frames: dict[str, pd.DataFrame], tmp: Path) -> None:
    """One sheet per table, written row by row (openpyxl's write-only mode: a few times faster and a
    fraction of the memory of building the sheets): a frozen, filterable header, readable widths, amounts as
    numbers shown with their printed decimals, every text cell a string (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, df in frames.items():
        ws = book.create_sheet(name)
        columns = [str(c) for c in df.columns]
        for i, col in enumerate(columns, start=1):
            values = [col] + [str(v) for v in df[col].head(200).tolist()]
            ws.column_dimensions[get_column_letter(i)].width = min(max(len(v) for v in values) + 2, 60)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(df) + 1}"
        ws.append(columns)
        for row in sheet_safe(df).itertuples(index=False, name=None):
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in row])
    book.save(tmp)


def _xlsx_cell(ws: Any, value: Any, cell_type: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, Decimal):  # the amount as printed: 965.40, not 965.4
        cell = cell_type(ws, value=value)
        cell.number_format = _number_format(value)
        return cell
    if isinstance(value, str):
        cell = cell_type(ws, value=value)
        cell.data_type = "s"  # text stays text: never a formula cell
        return cell
    return value
