"""The ledger as tables for analysts: forms, indicators, checks, files; written as CSV (UTF-8 with
BOM), xlsx (a sheet per table, frozen header row, readable widths), parquet or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError
from ..outputs import sheet_safe, write_set
from .ledger import Ledger

if TYPE_CHECKING:
    import pandas as pd

FORM_SECTIONS = ("source", "form", "budget", "funds", "goals", "score", "narratives", "conclusion", "signatures")
FORMATS = ("csv", "xlsx", "parquet", "jsonl")


def _flat(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(f"{prefix}.{k}", v, out)
    elif isinstance(value, list):
        out[prefix] = ";".join(str(v) for v in value)
    else:
        out[prefix] = value


def frames(ledger: Ledger) -> dict[str, pd.DataFrame]:
    import pandas as pd

    forms, indicators, checks = [], [], []
    for rec in ledger.records():
        key = {
            "source.sha256": rec["source"]["sha256"],
            "source.path": rec["source"]["path"],
            "form_first_page": (rec["source"]["form_pages"] or [None])[0],
        }
        row: dict[str, Any] = {"template": rec["template"]}
        for section in FORM_SECTIONS:
            if rec.get(section) is not None:
                _flat(section, rec[section], row)
        row["failed_checks"] = ";".join(c["id"] for c in rec["checks"] if c["status"] == "fail")
        row["warned_checks"] = ";".join(c["id"] for c in rec["checks"] if c["status"] == "warn")
        row["review"] = ";".join(rec["review"])
        row["gaps"] = ";".join(rec["gaps"])
        forms.append(row)
        indicators += [{**key, "index": i, **ind} for i, ind in enumerate(rec["indicators"])]
        checks += [
            {**key, **{k: (";".join(v) if isinstance(v, list) else v) for k, v in c.items()}} for c in rec["checks"]
        ]
    from ..export import to_frames

    empty = to_frames([])  # a table without rows still has its header
    files = pd.read_sql_query(
        "SELECT f.sha256, group_concat(p.path, ';') AS paths, f.size, f.pages, f.status, f.error, f.method,"
        " f.ocr_engine, f.forms, f.seconds, f.finished_at, f.attempts FROM files f"
        " LEFT JOIN paths p ON p.sha256 = f.sha256 GROUP BY f.sha256 ORDER BY paths",
        ledger.db,
    )
    return {
        "forms": pd.DataFrame(forms) if forms else empty["forms"],
        "indicators": pd.DataFrame(indicators) if indicators else empty["indicators"],
        "checks": pd.DataFrame(checks) if checks else empty["checks"],
        "files": files,
    }


def write(ledger: Ledger, out: Path, fmt: str) -> list[Path]:
    """The tables in ``out``, all or none (see ``outputs.write_set``)."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", path=str(out))
    tables = frames(ledger)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(out)) from exc
    if fmt == "xlsx":
        return write_set([(out / "extract.xlsx", lambda tmp: _xlsx(tables, tmp))], out)
    return write_set([(out / f"{name}.{fmt}", _writer(df, fmt)) for name, df in tables.items()], out)


def _writer(df: pd.DataFrame, fmt: str) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        if fmt == "csv":
            sheet_safe(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        elif fmt == "parquet":
            df.astype({c: "string" for c in df.columns if df[c].dtype == object}).to_parquet(tmp, index=False)
        else:
            with tmp.open("w", encoding="utf-8") as f:
                for rec in df.to_dict(orient="records"):
                    f.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")

    return write


def _xlsx(tables: dict[str, pd.DataFrame], tmp: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name, df in tables.items():
            sheet_safe(df).to_excel(xw, sheet_name=name, index=False, freeze_panes=(1, 0))
            ws = xw.sheets[name]
            for row in ws.iter_rows(min_row=2):  # text stays text: never a formula cell
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
            for i, col in enumerate(df.columns, start=1):
                values = [str(col)] + [str(v) for v in df[col].head(200).tolist()]
                width = min(max(len(v) for v in values) + 2, 60)
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width


def status_lines(ledger: Ledger, top: int = 10) -> list[str]:
    counts = ledger.counts()
    lines = [f"{ledger.path}: {sum(counts.values())} files — " + ", ".join(f"{k} {v}" for k, v in counts.items())]
    failed = ledger.db.execute(
        "SELECT (SELECT path FROM paths WHERE sha256 = f.sha256 ORDER BY path LIMIT 1), f.status, f.error"
        " FROM files f WHERE f.status IN ('failed', 'not_a_form') ORDER BY 1"
    ).fetchall()
    if failed:
        lines.append("files not read:")
        lines += [f"  {status:<10} {error or path}" for path, status, error in failed]
    fails: dict[str, int] = {}
    for rec in ledger.records():
        for c in rec["checks"]:
            if c["status"] == "fail":
                fails[c["id"]] = fails.get(c["id"], 0) + 1
    if fails:
        lines.append("checks failing most often:")
        lines += [f"  {n:>5}  {cid}" for cid, n in sorted(fails.items(), key=lambda kv: -kv[1])[:top]]
    return lines
