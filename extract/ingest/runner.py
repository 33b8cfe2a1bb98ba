"""Ingest: find the files, hash them, skip what the ledger has, read the rest in worker processes (or on
a Dask cluster), and write each result in the parent — the only writer of the ledger.

A worker that dies, or a file that runs past ``timeout``, is recorded as failed and its worker replaced;
the batch goes on. A rerun after a crash reads only the files the ledger does not hold yet.
"""

from __future__ import annotations

import glob
import multiprocessing as mp
import os
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import printable
from ..load import sha256_of
from ..settings import Settings
from .ledger import FileResult, Ledger

Progress = Callable[[int, int, dict[str, int], float], None]


@dataclass(frozen=True, slots=True)
class IngestSettings:
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 600.0  # seconds a single file may take
    force: bool = False
    scheduler: str | None = None  # tcp://host:port of a Dask scheduler


@dataclass(frozen=True, slots=True)
class Task:
    sha256: str
    size: int
    path: str


def discover(args: Iterable[str]) -> tuple[list[Path], list[str]]:
    """PDF files under the given folders, files and globs (in a stable order); and the arguments that
    matched nothing."""
    found: dict[str, Path] = {}
    missing = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            hits = [q for q in p.rglob("*") if q.is_file() and q.suffix.lower() == ".pdf"]
        elif p.is_file():
            hits = [p]
        else:
            hits = [Path(q) for q in glob.glob(arg, recursive=True) if Path(q).is_file()]
        if not hits:
            missing.append(arg)
        for q in hits:
            found.setdefault(str(q), q)
    return [found[k] for k in sorted(found)], missing


def read_one(task: Task, settings: Settings) -> FileResult:
    """Read one file; never raises: every outcome is a FileResult."""
    from ..errors import ExtractError, UnknownFormError
    from ..pipeline import extract_document
    from ..record import to_dict

    t0 = time.perf_counter()
    try:
        doc = extract_document(task.path, settings)
    except UnknownFormError as exc:
        return FileResult(task.sha256, task.size, "not_a_form", exc.one_line(), seconds=time.perf_counter() - t0)
    except ExtractError as exc:
        return FileResult(task.sha256, task.size, "failed", exc.one_line(), seconds=time.perf_counter() - t0)
    except Exception as exc:  # a bug must not stop the batch: the file is failed, with the reason
        return FileResult(
            task.sha256,
            task.size,
            "failed",
            f"{printable(task.path)}: internal error ({type(exc).__name__}: {exc})".replace("\n", " "),
            seconds=time.perf_counter() - t0,
        )
    records = tuple(to_dict(r) for r in doc.records)
    flagged = bool(doc.unmatched) or any(not r.clean for r in doc.records)
    methods = {r.source.method for r in doc.records}
    note = "; ".join(f"p{u.page}: page titled {u.title!r} matches no template" for u in doc.unmatched) or None
    return FileResult(
        task.sha256,
        task.size,
        "flagged" if flagged else "ok",
        note,
        doc.page_count,
        "mixed" if len(methods) > 1 else next(iter(methods), None),
        next((r.source.ocr_engine for r in doc.records if r.source.ocr_engine), None),
        time.perf_counter() - t0,
        records,
    )


def plan(ledger: Ledger, files: list[Path], force: bool) -> list[Task]:
    """Hash every file, note its path, and keep one task per new content (the same bytes under two
    names are read once)."""
    hashed = [(str(f), sha256_of(f), f.stat().st_size) for f in files]
    ledger.see((p, s) for p, s, _ in hashed)
    done = set() if force else ledger.done()
    tasks: dict[str, Task] = {}
    for path, sha, size in hashed:
        if sha not in done and sha not in tasks:
            tasks[sha] = Task(sha, size, path)
    return list(tasks.values())


def _worker(tasks: Any, results: Any, settings: Settings, threads: int) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["EXTRACT_OCR_THREADS"] = str(threads)
    from .. import pipeline  # noqa: F401  (imports while the parent is still hashing files)

    while True:
        task = tasks.get()
        if task is None:
            return
        results.put(("start", os.getpid(), task))
        results.put(("done", os.getpid(), read_one(task, settings)))


class _Pool:
    """Worker processes with a watchdog: a worker past the timeout is killed and replaced, a dead one is
    replaced; their files are recorded as failed."""

    def __init__(self, n: int, settings: Settings) -> None:
        self.ctx = mp.get_context("spawn")
        self.tasks = self.ctx.Queue()
        self.results = self.ctx.Queue()
        self.settings = settings
        self.procs: dict[int, Any] = {}
        self.running: dict[int, tuple[Task, float]] = {}
        for _ in range(n):
            self._spawn()

    def _spawn(self) -> None:
        # processes are the unit of parallelism: one OCR thread each (--workers defaults to the cores)
        p = self.ctx.Process(target=_worker, args=(self.tasks, self.results, self.settings, 1), daemon=True)
        p.start()
        assert p.pid is not None
        self.procs[p.pid] = p

    def _retire(self, pid: int) -> None:
        p = self.procs.pop(pid)
        if p.is_alive():
            p.kill()
        p.join(5)
        self._spawn()

    def run(self, tasks: list[Task], timeout: float, emit: Callable[[FileResult], None]) -> None:
        for t in tasks:
            self.tasks.put(t)
        left = {t.sha256 for t in tasks}
        while left:
            try:
                kind, pid, item = self.results.get(timeout=0.5)
            except queue.Empty:
                kind = ""
            if kind == "start":
                self.running[pid] = (item, time.monotonic())
            elif kind == "done":
                self.running.pop(pid, None)
                if item.sha256 in left:
                    left.discard(item.sha256)
                    emit(item)
            now = time.monotonic()
            for pid, (task, t0) in list(self.running.items()):
                alive = self.procs[pid].is_alive()
                if now - t0 > timeout or not alive:
                    why = (
                        f"timed out after {timeout:g} s"
                        if alive
                        else f"worker died (exit code {self.procs[pid].exitcode})"
                    )
                    del self.running[pid]
                    self._retire(pid)
                    if task.sha256 in left:
                        left.discard(task.sha256)
                        emit(FileResult(task.sha256, task.size, "failed", f"{printable(task.path)}: {why}"))
            for pid, p in list(self.procs.items()):  # a worker that died between files
                if not p.is_alive() and pid not in self.running:
                    self._retire(pid)

    def close(self) -> None:
        for _ in self.procs:
            self.tasks.put(None)
        for p in self.procs.values():
            p.join(10)
            if p.is_alive():
                p.kill()


def _dask(tasks: list[Task], settings: Settings, scheduler: str, emit: Callable[[FileResult], None]) -> None:
    from distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = {client.submit(read_one, t, settings, pure=False): t for t in tasks}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                emit(fut.result())
            except Exception as exc:  # a worker lost with the file (KilledWorker) or a transport error
                emit(
                    FileResult(task.sha256, task.size, "failed", f"{printable(task.path)}: {type(exc).__name__}: {exc}")
                )


def ingest(
    args: Iterable[str], db: str | Path, settings: Settings, ingest: IngestSettings, progress: Progress | None = None
) -> tuple[dict[str, int], list[str]]:
    """Ingest the files under ``args`` into the ledger ``db``; returns the counts by status of this run
    and the arguments that matched no file."""
    files, missing = discover(args)
    ledger = Ledger(db)
    pool = None
    if not ingest.scheduler and files:  # start the workers first: they import while the files are hashed
        pool = _Pool(max(1, min(ingest.workers, len(files))), settings)
    try:
        tasks = plan(ledger, files, ingest.force)
        counts = dict.fromkeys(("ok", "flagged", "failed", "not_a_form"), 0)
        start = time.monotonic()

        def emit(result: FileResult) -> None:
            ledger.write(result)
            counts[result.status] += 1
            if progress is not None:
                progress(sum(counts.values()), len(tasks), counts, time.monotonic() - start)

        if progress is not None:
            progress(0, len(tasks), counts, 0.0)
        if not tasks:
            return counts, missing
        if pool is not None:
            pool.run(tasks, ingest.timeout, emit)
        elif ingest.scheduler:
            _dask(tasks, settings, ingest.scheduler, emit)
        return counts, missing
    finally:
        if pool is not None:
            pool.close()
        ledger.close()
