"""The ledger: one SQLite database (WAL) that records every file an ingest has seen — by content
(sha256), with every path it was found under — its status, error, timings and records. Each file's
result is written in one transaction, so a crash loses at most the files in flight, never half a file.

Schema changes are named migrations, each applied once, in a transaction.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.errors import LedgerError, printable
from extract.model import Correction
from extract.records.codec import dumps, loads
from extract.records.corrections import StaleDecision, typed

STATUSES = ("ok", "flagged", "failed", "not_a_form")

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_files_paths_records",
        """
        CREATE TABLE files (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            pages INTEGER,
            status TEXT NOT NULL CHECK (status IN ('ok', 'flagged', 'failed', 'not_a_form')),
            error TEXT,
            method TEXT,
            ocr_engine TEXT,
            forms INTEGER NOT NULL DEFAULT 0,
            seconds REAL,
            finished_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE paths (
            path TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL
        );
        CREATE INDEX paths_sha ON paths(sha256);
        CREATE TABLE records (
            sha256 TEXT NOT NULL REFERENCES files(sha256) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            template TEXT NOT NULL,
            clean INTEGER NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (sha256, idx)
        );
        """,
    ),
    (
        # a reviewer's decisions, by form (form_id: the file's bytes and the form's first page), apart from
        # the records: a re-ingest of the same bytes replaces the records and keeps every decision
        "0002_corrections",
        """
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            form_id TEXT NOT NULL,
            field TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('confirm', 'correct')),
            old_value TEXT,
            new_value TEXT,
            reason TEXT,
            reviewer TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX corrections_form ON corrections(form_id);
        """,
    ),
]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What reading one file gave: the worker's answer, written by the parent in one transaction."""

    sha256: str
    size: int
    status: str
    error: str | None = None
    pages: int | None = None
    method: str | None = None
    ocr_engine: str | None = None
    seconds: float | None = None
    records: tuple[dict[str, Any], ...] = ()

    @property
    def path_hint(self) -> str:
        """A path of the file, for messages: its records' (where it was read), else its key."""
        return str(self.records[0]["source"]["path"]) if self.records else self.sha256[:16]


def _why(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "readonly" in text or "unable to open" in text:
        return f"cannot open or write it ({text}): is its folder writable?"
    if "not a database" in text or "malformed" in text:
        return f"damaged or not a ledger ({text})"
    return text


class Ledger:
    """The SQLite ledger. ``readonly`` (``status``, ``export``): opened without writing anything, not even
    a journal; a ledger that is a folder, not SQLite, damaged or in a folder that cannot be written is a
    one-line ``LedgerError``. ``shared``: one connection used from several threads, each use under the
    caller's lock (the review app)."""

    def __init__(self, path: str | Path, timeout: float = 60.0, readonly: bool = False, shared: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            if self.path.is_dir():
                raise LedgerError("is a folder, not a ledger file", path=str(self.path))
            if readonly:
                if not self.path.is_file():
                    raise LedgerError("no such ledger", path=str(self.path))
                # no ingest at work (no write-ahead log beside it): open it as immutable, so that SQLite
                # creates no -shm/-wal files either; else read-only alongside the writer
                live = self.path.with_name(self.path.name + "-wal").exists()
                uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("" if live else "&immutable=1")
                self.db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
                self.db.execute("PRAGMA query_only=ON")
                self._check()
            else:
                self.db = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, check_same_thread=not shared
                )
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
                self._check()
        except sqlite3.Error as exc:
            raise LedgerError(_why(exc), path=str(self.path)) from exc

    def _check(self) -> None:
        """The ledger's tables are there and readable (a damaged file fails here, not mid-run)."""
        names = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "files" not in names:
            raise LedgerError("not a ledger (no files table)", path=str(self.path))
        problem = self.db.execute("PRAGMA quick_check").fetchone()
        if problem is None or problem[0] != "ok":
            raise LedgerError(f"damaged ledger ({problem[0] if problem else 'no answer'})", path=str(self.path))

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a database error (a full disk, a damaged file) is a one-line ``LedgerError``."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise LedgerError(_why(exc), path=str(self.path)) from exc
        try:
            yield self.db
        except BaseException as exc:
            with suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise LedgerError(_why(exc), path=str(self.path)) from exc
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise LedgerError(_why(exc), path=str(self.path)) from exc

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one state of the ledger (an ingest committing meanwhile is not half seen)."""
        self.db.execute("BEGIN DEFERRED")
        try:
            yield self.db
        finally:
            with suppress(sqlite3.Error):
                self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
            done = {row[0] for row in db.execute("SELECT name FROM migrations")}
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                for statement in filter(None, (s.strip() for s in sql.split(";"))):
                    db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, time.time()))

    # ------------------------------------------------------------ reading

    def done(self, retry_failed: bool = False) -> set[str]:
        """The contents read to an end: every status but ``failed`` (a failed file is read again); with
        ``retry_failed`` also not ``not_a_form`` (read again after a template was added)."""
        again = ("failed", "not_a_form") if retry_failed else ("failed",)
        marks = ", ".join("?" * len(again))
        return {row[0] for row in self.db.execute(f"SELECT sha256 FROM files WHERE status NOT IN ({marks})", again)}

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        out.update(dict(self.db.execute("SELECT status, COUNT(*) FROM files GROUP BY status").fetchall()))
        return out

    def records(self) -> Iterator[dict[str, Any]]:
        for (text,) in self.db.execute("SELECT record FROM records ORDER BY sha256, idx"):
            yield loads(text)

    def record(self, form_id: str) -> dict[str, Any] | None:
        """The record of the form ``form_id`` (``<sha256[:16]>p<first page>``), or None."""
        prefix, _, page = form_id.partition("p")
        if len(prefix) != 16 or not all(c in "0123456789abcdef" for c in prefix):
            return None
        if not page.isascii() or not page.isdigit() or len(page) > 6 or page != str(int(page)):
            return None  # one id a form: p1, never p01 (a decision kept under another id would be lost)
        for (text,) in self.db.execute("SELECT record FROM records WHERE substr(sha256, 1, 16) = ?", (prefix,)):
            data: dict[str, Any] = loads(text)
            if (data["source"]["form_pages"] or [0])[0] == int(page):
                return data
        return None

    def corrections(self, form_id: str | None = None, file: str | None = None) -> dict[str, list[Correction]]:
        """The reviewer's decisions by form, oldest first: of one form, of one file's forms (its sha256), or
        of all."""
        sql = "SELECT form_id, field, action, old_value, new_value, reason, reviewer, at FROM corrections"
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='corrections'").fetchone():
            return {}  # a ledger of an earlier version, opened read-only: no decisions yet
        if form_id is not None:
            rows = self.db.execute(sql + " WHERE form_id = ? ORDER BY id", (form_id,))
        elif file is not None:
            rows = self.db.execute(sql + " WHERE substr(form_id, 1, 16) = ? ORDER BY id", (file[:16],))
        else:
            rows = self.db.execute(sql + " ORDER BY id")
        out: dict[str, list[Correction]] = {}
        for fid, field, action, old, new, reason, reviewer, at in rows:
            c = Correction(field, action, typed(field, _value(old)), typed(field, _value(new)), reason, reviewer, at)
            out.setdefault(fid, []).append(c)
        return out

    def read_at(self, form_id: str) -> float | None:
        """When the file of the form ``form_id`` was last read (an ingest that reads it again changes it)."""
        row = self.db.execute("SELECT finished_at FROM files WHERE substr(sha256, 1, 16) = ?", (form_id[:16],))
        found = row.fetchone()
        return float(found[0]) if found else None

    def add_correction(self, form_id: str, c: Correction, read_at: float | None = None) -> None:
        """Keep a reviewer's decision (one transaction: safe beside an ingest writing the same ledger). With
        ``read_at``: only if the form's file was not read again since then (else ``StaleDecision``)."""
        with self.transaction() as db:
            if read_at is not None:
                now = db.execute("SELECT finished_at FROM files WHERE substr(sha256, 1, 16) = ?", (form_id[:16],))
                found = now.fetchone()
                if found is None or float(found[0]) != read_at:
                    raise StaleDecision()
            db.execute(
                "INSERT INTO corrections (form_id, field, action, old_value, new_value, reason, reviewer, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (form_id, c.field, c.action, dumps(c.old), dumps(c.new), c.reason, c.reviewer, c.at),
            )

    # ------------------------------------------------------------ writing

    def see(self, paths: Iterable[tuple[str, str]], listed: Iterable[str] = ()) -> None:
        """Note every (path, sha256) found, in one transaction. A failure no path leads to any more (the
        file at its path changed: it was being copied, or could not be read and now can; a folder in
        ``listed`` could not be listed before) is dropped."""
        now = time.time()
        with self.transaction() as db:
            db.executemany(
                "DELETE FROM paths WHERE path = ? AND sha256 LIKE 'unreadable:%'",
                [(printable(p),) for p in listed],
            )
            db.executemany(
                "INSERT INTO paths VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256,"
                " last_seen=excluded.last_seen",
                [(printable(p), s, now, now) for p, s in paths],  # any file name, stored as text
            )
            db.execute("DELETE FROM files WHERE status = 'failed' AND sha256 NOT IN (SELECT sha256 FROM paths)")

    def write(self, r: FileResult) -> list[str]:
        """One file's result and its records, replacing an earlier result of the same bytes (the reviewer's
        decisions on its forms are kept); what decisions the new reading makes stale (see
        ``stale_corrections``, also appended to the file's note)."""
        stale = stale_corrections(r.records, self.corrections(file=r.sha256)) if r.records else []
        if stale:
            r = dataclasses.replace(r, error="; ".join(filter(None, [r.error, *stale])))
        with self.transaction() as db:
            old = db.execute("SELECT attempts FROM files WHERE sha256 = ?", (r.sha256,)).fetchone()
            db.execute("DELETE FROM records WHERE sha256 = ?", (r.sha256,))
            db.execute("DELETE FROM files WHERE sha256 = ?", (r.sha256,))
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.sha256,
                    r.size,
                    r.pages,
                    r.status,
                    r.error,
                    r.method,
                    r.ocr_engine,
                    len(r.records),
                    r.seconds,
                    time.time(),
                    (old[0] + 1) if old else 1,
                ),
            )
            db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                [(r.sha256, i, rec["template"], int(_clean(rec)), dumps(rec)) for i, rec in enumerate(r.records)],
            )

        return stale


def _value(text: str | None) -> Decimal | int | str | None:
    value = loads(text) if text is not None else None
    return value if isinstance(value, (Decimal, int, str)) else None


def _at(data: Any, path: str) -> Any:
    """The value at a record path in a record's plain data (``indicators[3].score``), or None."""
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            i = int(part[1:-1])
            data = data[i] if isinstance(data, list) and i < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def stale_corrections(records: Sequence[dict[str, Any]], corrections: dict[str, list[Correction]]) -> list[str]:
    """Decisions made on a reading that a new reading of the same form no longer gives (a new template
    version read the field otherwise): each named, so that a reviewer looks again."""
    notes = []
    for rec in records:
        pages = rec["source"]["form_pages"] or [0]
        fid = f"{rec['source']['sha256'][:16]}p{pages[0]}"
        for c in corrections.get(fid, []):
            now = _at(rec, c.field)
            if now != c.old:  # amounts compare as numbers (Decimal), texts as printed
                notes.append(
                    f"p{pages[0]}: the {c.action} of {c.field} by {c.reviewer} was made on a reading of {c.old}; "
                    f"it now reads {now}: look again"
                )
    return notes


def _clean(rec: dict[str, Any]) -> bool:
    return not rec.get("review") and all(c["status"] != "fail" for c in rec.get("checks", []))
