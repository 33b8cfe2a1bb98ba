"""The ledger as tables for analysts: the record tables (``records.tables``, the one flattener) of every
record in the ledger, and the ``files`` table; ``status`` lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.ingest.ledger import Ledger
from extract.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import pandas as pd


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def frames(
    ledger: Ledger, settings: Settings = DEFAULT_SETTINGS
) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """The tables of the ledger (record tables and ``files``) and its whole records (for JSON Lines); the
    checks of corrected forms run again with the rules of ``settings``' templates."""
    from extract.ingest.review import corrected
    from extract.records.codec import to_dict
    from extract.records.tables import files_frame, form_ids, frames, in_order

    records = in_order(list(corrected(ledger, settings)))  # the reviewer's decisions applied, checks run again
    tables = frames(records)
    ids = form_ids(records)
    dups = tables["forms"]["duplicate_of"].tolist()
    whole = [
        {"form_id": fid, "duplicate_of": dup, **to_dict(r)} for r, fid, dup in zip(records, ids, dups, strict=True)
    ]
    by_sha: dict[str, list[str]] = {}
    for r, fid in zip(records, ids, strict=True):
        by_sha.setdefault(r.source.sha256, []).append(fid)
    rows = []
    for sha, paths, size, pages, status, error, method, engine, forms, seconds, finished, attempts in ledger.db.execute(
        "SELECT f.sha256, group_concat(p.path, ';'), f.size, f.pages, f.status, f.error, f.method,"
        " f.ocr_engine, f.forms, f.seconds, f.finished_at, f.attempts FROM files f"
        " LEFT JOIN paths p ON p.sha256 = f.sha256 GROUP BY f.sha256 ORDER BY 2"
    ):
        rows.append(
            {
                "sha256": sha,
                "paths": ";".join(sorted(p for p in (paths or "").split(";") if p)),  # absolute, as ingest found them
                "size": size,
                "pages": pages,
                "status": status,
                "error": error,
                "method": method,
                "ocr_engine": engine,
                "forms": forms,
                "seconds": seconds,
                "finished_at": _iso(finished),
                "attempts": attempts,
                "form_ids": ";".join(by_sha.get(sha, [])),
            }
        )
    return {**tables, "files": files_frame(rows)}, whole


def write(
    ledger: Ledger, out: Path, fmt: str, corrections: bool = False, settings: Settings = DEFAULT_SETTINGS
) -> list[Path]:
    """The ledger's tables in ``out`` in one format, all or none (see ``export.write_tables``); with
    ``corrections`` also the audit trail of the reviewer's decisions."""
    from extract.ingest.export import output_names, write_tables
    from extract.records.tables import corrections_frame

    output_names(fmt, ["files"])  # an unknown format fails before the ledger is read
    tables, whole = frames(ledger, settings)
    if corrections:
        tables["corrections"] = corrections_frame(ledger.corrections())
    return write_tables(tables, out, fmt, whole)


def status_lines(ledger: Ledger, top: int = 10, settings: Settings = DEFAULT_SETTINGS) -> list[str]:
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
    from extract.ingest.review import corrected

    for rec in corrected(ledger, settings):  # the checks as the reviewer's decisions leave them
        for c in rec.checks:
            if c.status == "fail":
                fails[c.id] = fails.get(c.id, 0) + 1
    if fails:
        lines.append("checks failing most often:")
        lines += [f"  {n:>5}  {cid}" for cid, n in sorted(fails.items(), key=lambda kv: -kv[1])[:top]]
    return lines


def status_data(ledger: Ledger, settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """``status --json``: counts by status, the files not read with their errors, and every flagged form
    with its failed checks and the fields to review."""
    from extract.ingest.review import corrected
    from extract.records.corrections import reviewed
    from extract.records.tables import form_id

    counts = ledger.counts()
    not_read = [
        {"path": path, "status": status, "error": error}
        for path, status, error in ledger.db.execute(
            "SELECT (SELECT path FROM paths WHERE sha256 = f.sha256 ORDER BY path LIMIT 1), f.status, f.error"
            " FROM files f WHERE f.status IN ('failed', 'not_a_form') ORDER BY 1"
        )
    ]
    flagged = []
    failing: dict[str, int] = {}
    for rec in corrected(ledger, settings):  # the reviewer's decisions applied: a reviewed form is not flagged
        fails = [c for c in rec.checks if c.status == "fail"]
        for c in fails:
            failing[c.id] = failing.get(c.id, 0) + 1
        if rec.clean or reviewed(rec):
            continue
        flagged.append(
            {
                "path": rec.source.path,
                "form_id": form_id(rec),
                "pages": rec.source.form_pages,
                "template": rec.template,
                "failed_checks": [
                    {"id": c.id, "expected": c.expected, "actual": c.actual, "difference": c.difference, "unit": c.unit}
                    for c in fails
                ],
                "review": rec.review,
            }
        )
    return {
        "ledger": str(ledger.path),
        "files": sum(counts.values()),
        "counts": counts,
        "not_read": not_read,
        "flagged": sorted(flagged, key=lambda f: (f["path"], f["pages"])),
        "checks_failing": dict(sorted(failing.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
