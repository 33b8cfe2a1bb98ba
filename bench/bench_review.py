"""The review app on a ledger of 1,000 forms: seconds to open the queue and a form page, the first time
(the page images rendered) and again (from the ledger's cache), and to record a decision (checks run again).

    make bench            (or: python bench/bench_review.py [--forms 1000] [--sample 20])

The ledger holds copies of the bundled samples (text layer, and a 200-dpi scan), each copy a file of its own
bytes (a comment after ``%%EOF``), so that every form has its own file, hash and page images, as in an
archive. ``extract review`` runs in its own process, as a user starts it; timings are over HTTP on
127.0.0.1, a form page counted with its page images fetched as a browser does.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

SOURCES = [
    *sorted((ROOT / "samples").glob("*.pdf")),
    ROOT / "samples" / "scans" / "jinzhong-2021-justice-bureau-scan200.pdf",
]


def build_ledger(folder: Path, forms: int) -> tuple[Path, int]:
    """A ledger of ``forms`` forms (at least), each file a copy of a sample with bytes of its own."""
    import extract
    from extract.ingest.ledger import FileResult, Ledger
    from extract.records.codec import to_dict

    read = [(pdf, pdf.read_bytes(), extract.read_pdf(pdf)) for pdf in SOURCES]
    db = Ledger(folder / "ledger.sqlite")
    made = files = 0
    try:
        while made < forms:
            for pdf, data, records in read:
                if made >= forms:
                    break
                body = data + f"\n%bench copy {files}\n".encode()
                sha = hashlib.sha256(body).hexdigest()
                path = folder / "pdfs" / f"{files:05d}-{pdf.name}"
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(body)
                copies = [
                    to_dict(dataclasses.replace(r, source=dataclasses.replace(r.source, path=str(path), sha256=sha)))
                    for r in records
                ]
                status = "ok" if all(r.clean for r in records) else "flagged"
                db.see([(str(path), sha)])
                db.write(FileResult(sha256=sha, size=len(body), status=status, records=tuple(copies)))
                made += len(records)
                files += 1
    finally:
        db.close()
    return folder / "ledger.sqlite", files


def get(url: str, data: bytes | None = None) -> tuple[float, bytes]:
    headers = {"Content-Type": "application/json"} if data is not None else {}
    t0 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=120) as r:
        body = r.read()
    return time.perf_counter() - t0, body


def open_form(base: str, fid: str, pages: list[int]) -> float:
    """A form page with its page images, as a browser opens it."""
    seconds, _ = get(f"{base}/forms/{fid}")
    for n in pages:
        seconds += get(f"{base}/forms/{fid}/pages/{n}.png")[0]
    return seconds


def summary(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"median {statistics.median(values):6.3f}  p90 {p90:6.3f}  max {values[-1]:6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20, help="forms opened (spread over the queue)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db, files = build_ledger(Path(tmp), args.forms)
        size = db.stat().st_size / 1e6
        print(f"ledger: {args.forms} forms in {files} files, {size:.0f} MB (made in {time.perf_counter() - t0:.0f} s)")
        proc = subprocess.Popen(
            [sys.executable, "-m", "extract", "review", "--db", str(db), "--port", "0", "--reviewer", "bench"],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line = proc.stderr.readline() if proc.stderr else ""
            base = line.split(" at ")[1].split()[0].rstrip("/")
            queue_first, page = get(base + "/")
            queue_again, _ = get(base + "/")
            flagged_first, _ = get(base + "/?status=flagged")
            record_rows = _forms(db)
            step = max(1, len(record_rows) // args.sample)
            chosen = record_rows[::step][: args.sample]
            first = [open_form(base, fid, pages) for fid, pages in chosen]
            again = [open_form(base, fid, pages) for fid, pages in chosen]
            html_only = [get(f"{base}/forms/{fid}")[0] for fid, _ in chosen]
            decisions = []
            for fid, _ in chosen:
                body = json.dumps({"field": "form.fiscal_year", "action": "confirm", "value": "", "reason": "bench"})
                decisions.append(get(f"{base}/forms/{fid}/decisions", body.encode())[0])
            queue_after, _ = get(base + "/")
            peak = _peak_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        pngs = list(Path(tmp).glob("ledger.sqlite.pages/*.png"))
        print(
            f"queue page (200 rows of {args.forms}): first {queue_first:.3f} s (every form summarised),"
            f" again {queue_again:.3f} s, flagged only {flagged_first:.3f} s, {len(page) / 1e3:.0f} kB"
        )
        print(f"form page with its page images, {len(chosen)} forms (seconds):")
        print(f"  first open (pages rendered)  {summary(first)}")
        print(f"  cached                       {summary(again)}")
        print(f"  the HTML alone, cached       {summary(html_only)}")
        print(f"decision (checks run again)    {summary(decisions)}")
        print(f"queue after {len(chosen)} decisions: {queue_after:.3f} s (only the forms decided on read again)")
        print(
            f"page cache: {len(pngs)} images, {sum(p.stat().st_size for p in pngs) / 1e6:.1f} MB;"
            f" server peak memory {peak:.0f} MB"
        )


def _forms(db: Path) -> list[tuple[str, list[int]]]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT sha256, json_extract(record, '$.source.form_pages') FROM records ORDER BY rowid")
        out = [(f"{sha[:16]}p{json.loads(p)[0]}", json.loads(p)) for sha, p in rows]
    finally:
        con.close()
    return out


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
