"""Ingest: find the files, hash them, skip what the ledger has, read the rest in worker processes (or on
a Dask cluster), and write each result in the parent — the only writer of the ledger.

A worker that dies, or a file that runs past ``timeout``, is recorded as failed and its worker replaced;
the batch goes on. A rerun after a crash reads only the files the ledger does not hold yet, and again
those that failed.

Workers die with their parent (a death signal, and a watch on the parent's pid), ignore Ctrl-C (the
parent stops them at once) and keep to a memory budget (``Budgets.memory_bytes``). A file is read
from the bytes that were hashed: one that changes meanwhile (still being copied) is failed with that
reason and read again on the next run. Files and folders that cannot be read are ledger rows of their
own (status ``failed``), keyed by their path.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from extract.errors import printable
from extract.ingest.ledger import STATUSES, FileResult, Ledger
from extract.pdf.load import sha256_of
from extract.settings import Settings


@dataclass(frozen=True, slots=True)
class IngestSettings:
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 600.0  # seconds a single file may take
    force: bool = False  # read again every file the ledger holds
    retry_failed: bool = False  # read again the files the ledger holds as failed or not_a_form
    scheduler: str | None = None  # tcp://host:port of a Dask scheduler

    def __post_init__(self) -> None:
        from extract.errors import SettingsError

        if not isinstance(self.workers, int) or self.workers < 1:
            raise SettingsError(f"IngestSettings.workers must be 1 or more, not {self.workers!r}")
        if not self.timeout > 0:
            raise SettingsError(f"IngestSettings.timeout must be above 0 seconds, not {self.timeout!r}")


class Progress(Protocol):
    """What an ingest reports as it goes (the CLI draws it; a library caller may log it)."""

    def planned(self, files: int, weight: float, skipped: int) -> None:
        """``files`` to read, of ``weight`` (estimated seconds); ``skipped`` already in the ledger."""

    def started(self, task: Task) -> None:
        """A worker began reading ``task``."""

    def finished(self, result: FileResult, weight: float) -> None:
        """A file's result, written to the ledger; ``weight`` is its share of the planned weight."""


@dataclass(slots=True)
class Summary:
    """What one ingest run did."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    missing: list[str] = field(default_factory=list)  # arguments that matched no file
    skipped: int = 0  # files already in the ledger, not read again
    failed_checks: dict[str, int] = field(default_factory=dict)  # check id -> forms it failed on
    review: int = 0  # forms with fields to review
    forms: int = 0
    stale: list[str] = field(default_factory=list)  # reviewer's decisions a new reading no longer matches

    def add(self, result: FileResult) -> None:
        self.counts[result.status] += 1
        for rec in result.records:
            self.forms += 1
            self.review += bool(rec.get("review"))
            for c in rec.get("checks", []):
                if c.get("status") == "fail":
                    self.failed_checks[c["id"]] = self.failed_checks.get(c["id"], 0) + 1


@dataclass(frozen=True, slots=True)
class Task:
    sha256: str
    size: int
    path: str  # absolute: a worker (or a Dask worker elsewhere) must not depend on our working folder
    weight: float = 1.0  # its estimated cost in seconds (pages, and OCR or not): the ETA's unit


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file or folder found but not readable: one ledger row (``failed``) and one stderr line."""

    path: str
    reason: str

    @property
    def key(self) -> str:  # the ledger's key for a file it could not hash: its path's
        return "unreadable:" + hashlib.sha256(os.fsencode(self.path)).hexdigest()

    def result(self) -> FileResult:
        return FileResult(self.key, 0, "failed", f"{printable(self.path)}: {self.reason}")


def _why(exc: OSError) -> str:
    return f"cannot read it ({exc.strerror or exc})"


def _walk(folder: Path, unreadable: list[Unreadable], listed: list[str]) -> list[Path]:
    """PDFs under ``folder``; folders that cannot be listed and PDFs that are dangling links are noted,
    as are the folders listed."""
    hits = []

    def onerror(exc: OSError) -> None:
        unreadable.append(Unreadable(str(exc.filename or folder), f"folder {_why(exc)}"))

    for root, _dirs, names in os.walk(folder, onerror=onerror):
        listed.append(root)
        for name in names:
            if not name.lower().endswith(".pdf"):
                continue
            q = Path(root, name)
            if q.is_file():
                hits.append(q)
            elif q.is_symlink() and not q.exists():
                unreadable.append(Unreadable(str(q), "a link to nothing (dangling symbolic link)"))
    return hits


def discover(
    args: Iterable[str], unreadable: list[Unreadable] | None = None, listed: list[str] | None = None
) -> tuple[list[Path], list[str]]:
    """PDF files under the given folders, files and globs (in a stable order); and the arguments that
    matched nothing. Folders that cannot be listed are added to ``unreadable``, those listed to ``listed``."""
    found: dict[str, Path] = {}
    missing = []
    bad = unreadable if unreadable is not None else []
    folders = listed if listed is not None else []
    for arg in args:
        p = Path(arg)
        before = len(bad)
        if p.is_dir():
            hits = _walk(p, bad, folders)
        elif p.is_file():
            hits = [p]
        else:
            hits = [Path(q) for q in glob.glob(arg, recursive=True) if Path(q).is_file()]
        if not hits and len(bad) == before:
            missing.append(arg)
        for q in hits:
            q = Path(os.path.abspath(q))  # resolved before any worker sees it (no symlinks undone)
            found.setdefault(str(q), q)
    return [found[k] for k in sorted(found)], missing


def read_one(task: Task, settings: Settings) -> FileResult:
    """Read one file; never raises: every outcome is a FileResult."""
    from extract.budgets import is_memory_error, memory_message
    from extract.errors import ChangedFileError, ExtractError, UnknownFormError
    from extract.pipeline import extract_document
    from extract.records.codec import to_dict

    t0 = time.perf_counter()

    def failed(why: str, status: str = "failed") -> FileResult:
        return FileResult(task.sha256, task.size, status, why.replace("\n", " "), seconds=time.perf_counter() - t0)

    try:
        doc = extract_document(task.path, settings)
    except UnknownFormError as exc:
        return failed(exc.one_line(), "not_a_form")
    except ExtractError as exc:
        return failed(exc.one_line())
    except Exception as exc:  # a bug must not stop the batch: the file is failed, with the reason
        if is_memory_error(exc):
            return failed(f"{printable(task.path)}: {memory_message(settings.budgets.memory_bytes)}")
        return failed(f"{printable(task.path)}: internal error ({type(exc).__name__}: {exc})")
    if doc.sha256 != task.sha256:  # the bytes read are not those hashed when the files were listed
        return failed(ChangedFileError(path=task.path).one_line())
    records = tuple(to_dict(r) for r in doc.records)
    flagged = bool(doc.unmatched) or any(not r.clean for r in doc.records)
    methods = {r.source.method for r in doc.records}
    notes = [f"p{u.page}: page titled {u.title!r} matches no template" for u in doc.unmatched]
    note = "; ".join([*notes, *doc.warnings]) or None
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


def plan(
    ledger: Ledger,
    files: list[Path],
    force: bool,
    unreadable: list[Unreadable] | None = None,
    listed: Iterable[str] = (),
    retry_failed: bool = False,
) -> tuple[list[Task], int]:
    """Hash every file, note its path, and keep one task per new content (the same bytes under two
    names are read once); and the number of files skipped as already read. Files that cannot be hashed
    are added to ``unreadable``."""
    bad = unreadable if unreadable is not None else []
    hashed = []
    for f in files:
        try:
            size = f.stat().st_size
            hashed.append((str(f), sha256_of(f), size))
        except OSError as exc:
            bad.append(Unreadable(str(f), _why(exc)))
    ledger.see([(p, s) for p, s, _ in hashed] + [(u.path, u.key) for u in bad], listed)
    done = set() if force else ledger.done(retry_failed=retry_failed)
    tasks: dict[str, Task] = {}
    skipped = 0
    for path, sha, size in hashed:
        if sha in done:
            skipped += 1
        elif sha not in tasks:
            tasks[sha] = Task(sha, size, path, estimate(path))
    return list(tasks.values()), skipped


TEXT_PAGE_S = 0.15  # seconds to read a page from its text layer (a laptop core)
OCR_PAGE_S = 4.0  # seconds to read a scanned form page
SCREENED_PAGE_S = 0.35  # seconds a scanned page costs that the screen finds is no form (long documents)


def estimate(path: str) -> float:
    """The seconds reading ``path`` will take, roughly: its pages, and whether they are scans (no text on
    the first page). An estimate for the ETA; a file that cannot be opened is cheap (it fails fast)."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(path)
        try:
            pages = len(doc)
            text = doc[0].get_textpage().count_chars() if pages else 0
        finally:
            doc.close()
    except Exception:  # any failure: the file fails fast when it is read
        return 0.2
    if text >= 20:
        return 0.3 + TEXT_PAGE_S * pages
    if pages <= 6:
        return 0.5 + OCR_PAGE_S * pages
    return 0.5 + OCR_PAGE_S * 4 + SCREENED_PAGE_S * (pages - 4)


def one_thread(settings: Settings, threads: int = 1) -> Settings:
    """``settings`` for a worker of a batch: ``threads`` recogniser threads (processes are the parallelism)."""
    import dataclasses

    return dataclasses.replace(settings, ocr=dataclasses.replace(settings.ocr, threads=threads))


def _die_with_parent() -> None:
    """End this worker when its parent is gone: the kernel's death signal (Linux), and a thread that
    watches the parent's pid (everywhere) — a killed ingest leaves no worker holding memory."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(tasks: Any, results: Any, settings: Settings, threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops the workers
    _die_with_parent()
    from extract.budgets import limit_memory

    limit_memory(settings.budgets.memory_bytes)
    settings = one_thread(settings, threads)
    from extract import pipeline  # noqa: F401  (imports while the parent is still hashing files)

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

    def run(
        self,
        tasks: list[Task],
        timeout: float,
        emit: Callable[[FileResult], None],
        started: Callable[[Task], None] = lambda task: None,
    ) -> None:
        # largest first: a long file started last would keep one worker busy while the others idle
        for t in sorted(tasks, key=lambda t: -t.weight):
            self.tasks.put(t)
        left = {t.sha256 for t in tasks}
        while left:
            try:
                kind, pid, item = self.results.get(timeout=0.5)
            except queue.Empty:
                kind = ""
            if kind == "start":
                self.running[pid] = (item, time.monotonic())
                started(item)
            elif kind == "done":
                self.running.pop(pid, None)
                if item.sha256 in left:
                    left.discard(item.sha256)
                    emit(item)
            self._watch(timeout, left, emit)

    def _watch(self, timeout: float, left: set[str], emit: Callable[[FileResult], None]) -> None:
        """Workers past the time limit are killed, dead ones replaced; their files are failed."""
        now = time.monotonic()
        for pid, (task, t0) in list(self.running.items()):
            alive = self.procs[pid].is_alive()
            if now - t0 > timeout or not alive:
                why = (
                    f"timed out after {timeout:g} s"
                    if alive
                    else f"worker died (exit code {self.procs[pid].exitcode}; past the memory budget?)"
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

    def stop(self) -> None:
        """Stop at once (Ctrl-C, SIGTERM): the files in flight are not recorded; a rerun reads them."""
        for p in self.procs.values():
            p.kill()
        for p in self.procs.values():
            p.join(1)
        self.tasks.cancel_join_thread()
        self.results.cancel_join_thread()


def read_on_cluster(task: Task, settings: Settings, timeout: float) -> FileResult:
    """``read_one`` on a Dask worker: one recogniser thread per task, the file's time limit kept (a task
    past it is interrupted where the worker runs it), and a file the worker cannot see said so."""
    import socket

    from extract.budgets import FileTimeout, deadline

    if not os.path.exists(task.path):
        why = f"not found on the Dask worker {socket.gethostname()}: is its folder shared with the workers?"
        return FileResult(task.sha256, task.size, "failed", f"{printable(task.path)}: {why}")
    try:
        with deadline(timeout):
            return read_one(task, one_thread(settings))
    except FileTimeout:
        return FileResult(task.sha256, task.size, "failed", f"{printable(task.path)}: timed out after {timeout:g} s")


def _dask(
    tasks: list[Task],
    settings: Settings,
    ingest: IngestSettings,
    emit: Callable[[FileResult], None],
    started: Callable[[Task], None],
) -> None:
    from distributed import Client, as_completed

    assert ingest.scheduler is not None
    with Client(ingest.scheduler) as client:  # type: ignore[no-untyped-call]
        futures = {}
        for t in sorted(tasks, key=lambda t: -t.weight):
            futures[client.submit(read_on_cluster, t, settings, ingest.timeout, pure=False, key=f"read-{t.sha256}")] = t
            started(t)
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            task = futures[fut]
            try:
                emit(fut.result())
            except Exception as exc:  # a worker lost with the file (KilledWorker) or a transport error
                emit(
                    FileResult(task.sha256, task.size, "failed", f"{printable(task.path)}: {type(exc).__name__}: {exc}")
                )


def ingest(
    args: Iterable[str],
    db: str | Path,
    settings: Settings,
    ingest: IngestSettings,
    progress: Progress | None = None,
) -> Summary:
    """Ingest the files under ``args`` into the ledger ``db``; what this run did. Nothing is found: no
    ledger is made (a mistyped folder leaves no empty ledger behind)."""
    unreadable: list[Unreadable] = []
    listed: list[str] = []
    files, missing = discover(args, unreadable, listed)
    summary = Summary(missing=missing)
    if not files and not unreadable and not Path(db).exists():
        return summary
    if ingest.scheduler:
        _can_use_dask()
    ledger = Ledger(db)
    pool = None
    if not ingest.scheduler and files:  # start the workers first: they import while the files are hashed
        pool = _Pool(max(1, min(ingest.workers, len(files))), settings)
    stopped = False
    try:
        tasks, summary.skipped = plan(ledger, files, ingest.force, unreadable, listed, ingest.retry_failed)
        report = _Report(ledger, summary, progress, {t.sha256: t.weight for t in tasks})
        if progress is not None:
            progress.planned(len(tasks) + len(unreadable), sum(report.weights.values()), summary.skipped)
        for u in unreadable:
            report.emit(u.result())
        if pool is not None and tasks:
            pool.run(tasks, ingest.timeout, report.emit, report.started)
        elif ingest.scheduler and tasks:
            _dask(tasks, settings, ingest, report.emit, report.started)
        return summary
    except BaseException:  # Ctrl-C, SIGTERM: the workers go at once, with nothing half written
        stopped = True
        raise
    finally:
        if pool is not None:
            pool.stop() if stopped else pool.close()
        ledger.close()


@dataclass(slots=True)
class _Report:
    """Each result into the ledger (the parent is its only writer), the summary and the progress."""

    ledger: Ledger
    summary: Summary
    progress: Progress | None
    weights: dict[str, float]

    def emit(self, result: FileResult) -> None:
        stale = self.ledger.write(result)
        self.summary.stale += [f"{printable(result.path_hint)} {note}" for note in stale]
        self.summary.add(result)
        if self.progress is not None:
            self.progress.finished(result, self.weights.get(result.sha256, 0.0))

    def started(self, task: Task) -> None:
        if self.progress is not None:
            self.progress.started(task)


def _can_use_dask() -> None:
    from extract.errors import MissingDependencyError

    try:
        import distributed  # noqa: F401
    except ImportError:
        raise MissingDependencyError("--scheduler needs Dask: pip install 'extract[dask]'") from None
