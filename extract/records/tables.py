"""The one flattener: records → tables (forms, indicators, subtotals, funds_other, amounts, checks).

``run --csv``, ``export``, ``to_frames`` and every file format go through ``frames``; each table has
the fixed columns ``records.dictionary`` lists (a table without rows still has them), ``form_id`` on
every row, money as exact ``Decimal`` with the precision it was printed with, years as integers.

Common analyst columns (``budget``, ``executed`` … in 万元) sit beside the kind-specific ones
(``budget.execution``, ``funds.rows.total.executed`` … as printed, in the unit the page prints).
``duplicate_of`` marks a record that repeats another (the same form read from its text layer and from a
scan, or in two files): totals over the records whose ``duplicate_of`` is empty count each form once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from extract.model import Correction, Record
from extract.records.corrections import reviewed
from extract.records.dictionary import (
    CORRECTIONS_COLUMNS,
    FILES_COLUMNS,
    Column,
    amount_columns,
    check_columns,
    forms_columns,
    funds_other_columns,
    indicator_columns,
    subtotal_columns,
)

if TYPE_CHECKING:
    import pandas as pd

RECORD_TABLES = ("forms", "indicators", "subtotals", "funds_other", "amounts", "checks")
TO_WAN = {"万元": 0, "元": -4}  # powers of ten from the printed unit to 万元


def form_id(record: Record) -> str:
    pages = record.source.form_pages
    return f"{record.source.sha256[:16]}p{pages[0] if pages else 0}"


def form_ids(records: Sequence[Record]) -> list[str]:
    """Each record's ``form_id``; two records of one file with one first page get ``-2``, ``-3`` …"""
    seen: dict[str, int] = {}
    out = []
    for r in records:
        base = form_id(r)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


# ---------------------------------------------------------------- common columns


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def money_unit(record: Record) -> str | None:
    """The unit the page prints the form's money in (budget block or funds block)."""
    for section in (record.budget, record.funds):
        if section is not None and section.unit:
            return section.unit
    return None


def _wan(value: Decimal | None, unit: str | None) -> Decimal | None:
    if value is None or unit not in TO_WAN:
        return None
    return value.scaleb(TO_WAN[unit])


def _budget(record: Record) -> Decimal | None:
    total = _get(record, "funds.rows.total.full_year_budget")
    if isinstance(total, Decimal):
        return total
    b = record.budget
    if b is None:
        return None
    parts = [p for p in (b.carryover, b.initial_budget, b.budget_adjustment, b.other_adjustment) if p is not None]
    return sum(parts, Decimal(0)) if len(parts) == 4 else None


def common(record: Record) -> dict[str, Any]:
    unit = money_unit(record)
    f = record.form
    executed = record.budget.execution if record.budget is not None else _get(record, "funds.rows.total.executed")
    initial = record.budget.initial_budget if record.budget is not None else None
    if initial is None:
        initial = _get(record, "funds.rows.total.initial_budget")
    money = {
        "budget": _wan(_budget(record), unit),
        "initial_budget": _wan(initial, unit),
        "executed": _wan(executed, unit),
    }
    pages = record.source.form_pages
    return {
        "template": record.template,
        "kind": f.template_kind,
        "name": f.project_name or f.unit_name or f.department or f.implementing_unit,
        "region": f.region,
        "fiscal_year": f.fiscal_year,
        "first_page": pages[0] if pages else None,
        "last_page": pages[-1] if pages else None,
        "unit": "万元" if any(v is not None for v in money.values()) else None,
        **money,
        "execution_rate": _get(record, "funds.rows.total.execution_rate"),
        "score_set": record.score.total_set,
        "score_total": record.score.total,
        "grade": record.score.grade,
        "money_unit_printed": unit,
        "clean": record.clean,
        "corrected": any(c.action == "correct" for c in record.corrections or []),
        "corrected_fields": ";".join(sorted({c.field for c in record.corrections or [] if c.action == "correct"})),
        "reviewed": reviewed(record),
        "failed_checks": ";".join(c.id for c in record.checks if c.status == "fail"),
        "warned_checks": ";".join(c.id for c in record.checks if c.status == "warn"),
        "skipped_checks": ";".join(c.id for c in record.checks if c.status == "skipped"),
        "review": ";".join(record.review),
        "gaps": ";".join(record.gaps),
        "indicator_count": len(record.indicators),
        "check_count": len(record.checks),
        "evaluators": ";".join(e.name for e in record.evaluators),
    }


# ---------------------------------------------------------------- duplicates


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _one_apart(a: str, b: str) -> bool:
    """Equal, or one character apart (an OCR misreading) in names of six characters or more."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or abs(len(a) - len(b)) > 1:
        return False
    import regex

    return regex.fullmatch(f"(?:{regex.escape(a)}){{e<=1}}", b) is not None


def _identity(record: Record) -> tuple[tuple[object, ...], str] | None:
    """What two records of one form share exactly — kind, year and the figures (budget, executed, total
    score, compared as numbers) — and the name they share within a character. None: nothing to tell a form
    by (no figure or no name read)."""
    c = common(record)
    figures = tuple(
        (k, c[k].normalize()) for k in ("budget", "initial_budget", "executed", "score_total") if c[k] is not None
    )
    name = _norm(c["name"])
    if not figures or not name:
        return None
    return (record.form.template_kind, record.form.fiscal_year, figures), name


def _preference(record: Record) -> tuple[int, int, int, str]:
    method = {"text": 0, "mixed": 1}.get(record.source.method, 2)
    fails = sum(c.status == "fail" for c in record.checks)
    return (method, fails + len(record.review), 0 if record.clean else 1, record.source.path)


def duplicates(records: Sequence[Record], ids: Sequence[str]) -> list[str | None]:
    """For each record, the ``form_id`` of the record it repeats (None for the one kept of each form): the
    same kind, year and figures, and names within one character. Records are grouped by what must match
    exactly, so an archive of thousands is one pass, not a comparison of every pair."""
    order = sorted(range(len(records)), key=lambda i: (_preference(records[i]), ids[i]))
    groups: dict[tuple[object, ...], list[tuple[int, str]]] = {}
    out: list[str | None] = [None] * len(records)
    for i in order:
        identity = _identity(records[i])
        if identity is None:
            continue
        key, name = identity
        kept = groups.setdefault(key, [])
        twin = next((k for k, kept_name in kept if _one_apart(kept_name, name)), None)
        if twin is None:
            kept.append((i, name))
        else:
            out[i] = ids[twin]
    return out


# ---------------------------------------------------------------- rows


def _joined(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def form_row(record: Record, fid: str, duplicate_of: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {"form_id": fid, "duplicate_of": duplicate_of, **common(record)}
    for col in forms_columns():
        if "." in col.name:
            row[col.name] = _joined(_get(record, col.name))
    return row


def _rows(
    fid: str,
    items: Sequence[Any],
    columns: Sequence[Column],
    corrected: dict[int, list[str]] | None = None,
    **extra: Any,
) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(items, start=1):
        row = {"form_id": fid, "row": i, **extra}
        if corrected is not None:
            row["corrected"] = ";".join(corrected.get(i - 1, []))
        for col in columns[2:]:
            if col.name not in row:
                row[col.name] = _joined(getattr(item, col.name, None))
        out.append(row)
    return out


def _corrected(record: Record, table: str) -> dict[int, list[str]]:
    """Row index -> the columns of that row a reviewer corrected."""
    out: dict[int, list[str]] = {}
    for c in record.corrections or []:
        head, _, key = c.field.partition("].")
        name, _, index = head.partition("[")
        if c.action == "correct" and name == table and index.isdigit():
            out.setdefault(int(index), []).append(key)
    return {i: sorted(set(keys)) for i, keys in out.items()}


def corrections_frame(decisions: dict[str, list[Correction]]) -> pd.DataFrame:
    """The audit trail: every decision of a reviewer, by form, oldest first."""
    from extract.records.codec import decimal_text

    def text(v: object) -> str | None:
        return None if v is None else decimal_text(v) if isinstance(v, Decimal) else str(v)

    rows = [
        {
            "form_id": fid,
            "field": c.field,
            "action": c.action,
            "old": text(c.old),
            "new": text(c.new),
            "reason": c.reason,
            "reviewer": c.reviewer,
            "at": c.at,
        }
        for fid, cs in sorted(decisions.items())
        for c in cs
    ]
    return frame(rows, CORRECTIONS_COLUMNS)


def in_order(records: Sequence[Record]) -> list[Record]:
    """Records in the tables' order: by file path, then by page (whatever order they were read in)."""
    return sorted(records, key=lambda r: (r.source.path, r.source.form_pages[:1], r.template))


def record_rows(records: Sequence[Record]) -> dict[str, list[dict[str, Any]]]:
    records = in_order(records)
    ids = form_ids(records)
    dups = duplicates(records, ids)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in RECORD_TABLES}
    for r, fid, dup in zip(records, ids, dups, strict=True):
        out["forms"].append(form_row(r, fid, dup))
        out["indicators"] += _rows(fid, r.indicators, indicator_columns(), _corrected(r, "indicators"))
        out["subtotals"] += _rows(fid, r.indicator_subtotals, subtotal_columns(), _corrected(r, "indicator_subtotals"))
        other = (r.funds.other_rows or []) if r.funds is not None else []
        out["funds_other"] += _rows(fid, other, funds_other_columns(), unit=r.funds.unit if r.funds else None)
        out["amounts"] += _rows(fid, r.amounts_in_text, amount_columns(), _corrected(r, "amounts_in_text"))
        out["checks"] += _rows(fid, r.checks, check_columns())
    return out


COLUMNS = {
    "forms": forms_columns,
    "indicators": indicator_columns,
    "subtotals": subtotal_columns,
    "funds_other": funds_other_columns,
    "amounts": amount_columns,
    "checks": check_columns,
}


def frame(rows: list[dict[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    """A table with exactly ``columns``, typed: ints nullable ``Int64``, bools ``boolean``, money and
    numbers ``Decimal`` objects (exact), text ``object``."""
    import pandas as pd

    names = [c.name for c in columns]
    df = pd.DataFrame(rows, columns=names)
    types = {}
    for c in columns:
        if c.type == "int":
            types[c.name] = "Int64"
        elif c.type == "bool":
            types[c.name] = "boolean"
        elif c.type == "real":
            types[c.name] = "Float64"
        else:
            types[c.name] = "object"
    return df.astype(types)


def frames(records: Sequence[Record]) -> dict[str, pd.DataFrame]:
    """The record tables of ``records`` (forms, indicators, subtotals, funds_other, amounts, checks)."""
    rows = record_rows(records)
    return {name: frame(rows[name], COLUMNS[name]()) for name in RECORD_TABLES}


def files_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return frame(rows, FILES_COLUMNS)
