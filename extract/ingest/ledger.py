"""The ledger: one SQLite database (WAL) that records every file an ingest has seen — by content
(sha256), with every path it was found under — its status, error, timings and records. Each file's
result is written in one transaction, so a crash loses at most the files in flight, never half a file.

Schema changes are named migrations, each applied once, in a transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.errors import LedgerError, printable
from extract.records.codec import dumps, loads

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
    one-line ``LedgerError``."""

    def __init__(self, path: str | Path, timeout: float = 60.0, readonly: bool = False) -> None:
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
                self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
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

    def write(self, r: FileResult) -> None:
        """One file's result and its records, replacing an earlier result of the same bytes."""
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


def _clean(rec: dict[str, Any]) -> bool:
    return not rec.get("review") and all(c["status"] != "fail" for c in rec.get("checks", []))
