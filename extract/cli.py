"""Command line: parse arguments, build ``Settings``, call the library, print, pick the exit code.

Exit codes: 0 all clean; 1 some check failed or a field needs review; 2 usage error (bad arguments,
settings, templates, an output that cannot be written); 3 some file could not be read (the others are
still processed). 130: interrupted. Data goes to stdout, messages to stderr: one line per problem,
naming the file (and page); a traceback only with ``-v``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.exceptions import TyperException

from extract.errors import ExitCode, ExtractError, OutputError, SettingsError, printable
from extract.ingest.outputs import collect_quietly, refuse_inputs, writable_folder

if TYPE_CHECKING:
    from extract.model import Record
    from extract.settings import Settings

app = typer.Typer(
    no_args_is_help=True,
    help="Turn 绩效自评表 PDFs into checked, structured records.",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C

# the command runs in a process of its own (``main``), not in a caller's: it may set signal handlers
_OWN_PROCESS = False

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="say nothing on stderr but errors")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="log what is done; tracebacks of internal errors")]
Templates = Annotated[list[Path] | None, typer.Option("--templates", help="extra template folder (repeatable)")]
Ocr = Annotated[str, typer.Option("--ocr", help="OCR engine for scanned pages: rapidocr or tesseract")]
Timeout = Annotated[float, typer.Option("--timeout", help="seconds one file may take")]
Pages = Annotated[str | None, typer.Option("--pages", help="read only these pages of each file, e.g. 1-3,5")]
Db = Annotated[Path, typer.Option("--db", help="the ledger (SQLite)")]


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _version(value: bool) -> None:
    if value:
        from extract import __version__

        print(f"extract {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Turn 绩效自评表 PDFs into checked, structured records."""


def _logging(quiet: bool, verbose: bool) -> None:
    """Log records of ``extract`` to stderr: errors only with -q, info with -v, else warnings."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log = logging.getLogger("extract")
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    log.propagate = False


@contextlib.contextmanager
def _handled(verbose: bool = False) -> Iterator[None]:
    """The one error handler: an ``ExtractError`` is its one line and its exit code; Ctrl-C is 130; a bug is
    one line (its traceback with -v) and exit 3. Never a traceback by default."""
    try:
        yield
    except (typer.Exit, typer.Abort, TyperException):  # typer's own: a usage error, an exit code
        raise
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        if sys.stderr.isatty():
            print(file=sys.stderr)  # past a progress line
        _err("interrupted")
        raise typer.Exit(INTERRUPTED) from None
    except Exception as exc:
        _err(
            f"internal error ({type(exc).__name__}: {exc})".replace("\n", " ") + ("" if verbose else "; -v shows where")
        )
        if verbose:
            import traceback

            traceback.print_exc()
        raise typer.Exit(int(ExitCode.INPUT)) from None


def _settings(
    templates: Sequence[Path] | None = None,
    ocr: str = "rapidocr",
    pages: str | None = None,
    max_memory: int | None = None,
) -> Settings:
    """The run's settings, checked: a bad value is a usage error (exit 2) naming the option."""
    from extract.budgets import Budgets, MiB
    from extract.pipeline import templates_for
    from extract.settings import OcrSettings, Settings, parse_pages

    try:
        settings = Settings(
            template_dirs=tuple(templates or ()),
            ocr=OcrSettings(engine=ocr),
            pages=parse_pages(pages) if pages else (),
            budgets=Budgets(memory_bytes=max_memory * MiB) if max_memory else Budgets(),
        )
    except SettingsError as exc:
        hint = "--ocr" if "engine" in exc.message else "--pages" if "pages" in exc.message else None
        raise typer.BadParameter(exc.message, param_hint=hint) from None
    templates_for(settings)  # a bad template is a usage error, before any file is read
    return settings


def _check_budget(timeout: float, max_memory: int = 4096) -> None:
    import math

    if not (timeout > 0 and math.isfinite(timeout)):
        raise typer.BadParameter(f"{timeout}: seconds must be a number above 0", param_hint="--timeout")
    if max_memory < 256:
        raise typer.BadParameter(f"{max_memory}: at least 256 MiB", param_hint="--max-memory")


def _stop_on_sigterm() -> None:
    """SIGTERM stops the command as Ctrl-C does: workers first, one line, exit 130."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


# ---------------------------------------------------------------- run


@dataclass(slots=True)
class Outcome:
    """What reading one file gave (picklable: it comes back from a worker process)."""

    path: str
    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None
    code: ExitCode = ExitCode.OK


def read_file(path: str, settings: Settings, timeout: float, verbose: bool = False) -> Outcome:
    """One file, every outcome caught: its records, or the one line that says why not."""
    from extract.budgets import FileTimeout, deadline, is_memory_error, memory_message
    from extract.pipeline import extract_document

    name = printable(path)
    try:
        with deadline(timeout):
            doc = extract_document(path, settings)
    except FileTimeout:
        collect_quietly()  # what the interrupted libraries left open is closed now, without warnings
        return Outcome(path, error=f"{name}: timed out after {timeout:g} s (--timeout)", code=ExitCode.INPUT)
    except ExtractError as exc:
        return Outcome(path, error=exc.one_line(), code=exc.exit_code)
    except Exception as exc:  # a bug must not take the batch down; say which file
        if is_memory_error(exc):
            return Outcome(path, error=f"{name}: {memory_message(settings.budgets.memory_bytes)}", code=ExitCode.INPUT)
        if verbose:
            import traceback

            traceback.print_exc()
        why = f"{name}: internal error ({type(exc).__name__}: {exc})".replace("\n", " ")
        return Outcome(path, error=why, code=ExitCode.INPUT)
    code = ExitCode.FLAGGED if doc.unmatched or any(not r.clean for r in doc.records) else ExitCode.OK
    return Outcome(path, list(doc.records), list(doc.warnings), [(u.page, u.title) for u in doc.unmatched], None, code)


def _job_init(memory: int) -> None:
    import signal

    from extract.budgets import limit_memory

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops the workers
    limit_memory(memory)


def _alone(path: str, settings: Settings, timeout: float, memory: int) -> Outcome:
    """One file read in a worker of its own: its outcome, or that it ended the worker."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_job_init, initargs=(memory,)) as pool:
        try:
            return pool.submit(read_file, path, settings, timeout).result()
        except BrokenProcessPool:
            why = "worker died (past the memory budget?)"
            return Outcome(path, error=f"{printable(path)}: {why}", code=ExitCode.INPUT)


def _outcomes(paths: list[str], settings: Settings, timeout: float, jobs: int, verbose: bool) -> Iterator[Outcome]:
    """Every file's outcome, in the order given; with ``jobs`` > 1 read by worker processes (one OCR thread
    each). A worker that dies takes only its file with it: the rest go on in a new pool."""
    if jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield read_file(p, settings, timeout, verbose)
        return
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from extract.ingest.runner import one_thread

    worker_settings = one_thread(settings)
    left = list(paths)
    while left:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(left)),
            mp_context=mp.get_context("spawn"),
            initializer=_job_init,
            initargs=(settings.budgets.memory_bytes,),
        ) as pool:
            futures: list[Future[Outcome]] = [pool.submit(read_file, p, worker_settings, timeout) for p in left]
            broken = None
            for i, fut in enumerate(futures):
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = i
                    break
            if broken is None:
                return
            pool.shutdown(cancel_futures=True)
            # the first file left unread may only have shared the pool of the one that took it down: it is
            # read again alone, and fails only when its own reading ends its worker
            yield _alone(left[broken], worker_settings, timeout, settings.budgets.memory_bytes)
            left = left[broken + 1 :]


def _flag_line(record: Record) -> str:
    pages = record.source.form_pages
    where = f"p{pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 else "") if pages else ""
    fails = [c for c in record.checks if c.status == "fail"]
    parts = []
    if fails:
        parts.append("failed " + ", ".join(c.id for c in fails))
    if record.review:
        parts.append(f"{len(record.review)} field{'s' if len(record.review) > 1 else ''} to review")
    return f"{printable(record.source.path)} {where}: flagged: {'; '.join(parts)}"


def run_summary(files: int, records: Sequence[Record], failed: int, unmatched: int) -> str:
    """The closing line of ``run``: forms read, clean and flagged (with the checks that failed), failures."""
    fails: dict[str, int] = {}
    for r in records:
        for c in r.checks:
            if c.status == "fail":
                fails[c.id] = fails.get(c.id, 0) + 1
    flagged = sum(not r.clean for r in records)
    review = sum(bool(r.review) for r in records)
    text = f"{files} file{'s' if files != 1 else ''}: {len(records)} forms read, {len(records) - flagged} clean"
    if flagged:
        detail = ", ".join(f"{cid} {n}" for cid, n in sorted(fails.items(), key=lambda kv: (-kv[1], kv[0])))
        text += f", {flagged} flagged ({'checks failed: ' + detail if detail else ''}"
        text += f"{'; ' if detail and review else ''}{f'{review} with fields to review' if review else ''})"
    if unmatched:
        text += f", {unmatched} pages titled as forms no template knows"
    if failed:
        text += f"; {failed} file{'s' if failed != 1 else ''} not read"
    return text


@app.command()
def run(
    files: Annotated[
        list[str], typer.Argument(help="PDF files, folders (read recursively) and globs", show_default=False)
    ],
    csv: Annotated[Path | None, typer.Option("--csv", help="also write the tables (forms.csv, …) here")] = None,
    templates: Templates = None,
    pretty: Annotated[bool, typer.Option("--pretty", help="indented JSON instead of JSON Lines")] = False,
    ocr: Ocr = "rapidocr",
    pages: Pages = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="worker processes (records still print in order)")] = 1,
    timeout: Timeout = 600.0,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Extract every form in FILES; print one JSON record per form (JSON Lines)."""
    _logging(quiet, verbose)
    _check_budget(timeout)
    if jobs < 1:
        raise typer.BadParameter(f"{jobs}: at least one", param_hint="--jobs")
    with _handled(verbose):
        settings = _settings(templates, ocr, pages)
        from extract.ingest.runner import discover

        found, missing = discover(files)
        paths = [str(p) for p in found]
        if csv is not None:  # outputs never land on an input, and can be written: checked before any work
            from extract.ingest.export import output_names
            from extract.records.tables import RECORD_TABLES

            refuse_inputs([csv / name for name in output_names("csv", RECORD_TABLES)], found)
            writable_folder(csv)
        code = ExitCode.INPUT if missing else ExitCode.OK
        for arg in missing:
            _err(f"{printable(arg)}: no such file or folder, or no PDF in it")
        records, failed, unmatched = _print_records(paths, settings, timeout, jobs, pretty, quiet, verbose)
        code = max(code, failed[0], *(ExitCode.FLAGGED for r in records if not r.clean))
        if unmatched:
            code = max(code, ExitCode.FLAGGED)
        if csv is not None:
            from extract.ingest.export import write_csv

            write_csv(records, csv)
        if not quiet:
            _err(run_summary(len(paths) + len(missing), records, failed[1] + len(missing), unmatched))
    raise typer.Exit(int(code))


def _print_records(
    paths: list[str], settings: Settings, timeout: float, jobs: int, pretty: bool, quiet: bool, verbose: bool
) -> tuple[list[Record], tuple[ExitCode, int], int]:
    """Print each file's records as they come; its problems on stderr. (records, (worst code, files
    failed), pages unmatched)."""
    from extract.records.codec import to_json

    records: list[Record] = []
    worst, failed, unmatched = ExitCode.OK, 0, 0
    for out in _outcomes(paths, settings, timeout, jobs, verbose):
        if out.error is not None:
            _err(out.error)
            worst, failed = max(worst, out.code), failed + 1
            continue
        name = printable(out.path)
        for w in out.warnings:
            _err(f"{name} {w} (warning)")
        for r in out.records:
            print(to_json(r, indent=2 if pretty else None), flush=True)
            if not r.clean and not quiet:
                _err(_flag_line(r))
        for page, title in out.unmatched:  # a form no template knows: say so, never skip it silently
            _err(f"{name} p{page}: page titled {title!r} matches no template; not extracted")
            unmatched += 1
        records.extend(out.records)
    return records, (worst, failed), unmatched


# ---------------------------------------------------------------- debug, explain


@app.command()
def debug(
    file: Annotated[Path, typer.Argument(help="PDF file")],
    page: Annotated[int, typer.Option("--page", "-p", help="page number, from 1")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write")] = Path("page.png"),
    resolution: Annotated[int, typer.Option(help="dots per inch")] = 110,
    verbose: Verbose = False,
) -> None:
    """Draw what the pipeline found on one page: cells, text lines, clipped text, fields."""
    from extract.inspect.debug import render

    with _handled(verbose):
        refuse_inputs([out], [file])
        if out.exists() and not out.is_file():
            raise OutputError("not a file", path=str(out))
        if not out.parent.is_dir():
            raise OutputError("no such folder to write into", path=str(out))
        writable_folder(out.parent)
        image = render(file, page, resolution=resolution)
        tmp = out.with_name(out.name + ".tmp.png")
        try:  # written whole or not at all
            image.save(tmp, format="PNG")
            tmp.replace(out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(out)) from None
    _err(f"wrote {out}")


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="PDF file")],
    page: Annotated[int | None, typer.Option("--page", "-p", help="only this page (from 1)")] = None,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Show per page which templates matched, why it is or is not a form, and what each form yielded."""
    from extract.inspect.explain import explain as run_explain

    with _handled(verbose):
        for line in run_explain(file, page, _settings(templates)):
            print(line)


# ---------------------------------------------------------------- ingest, export, status


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="folders, files and globs of PDFs", show_default=False)],
    db: Db = Path("extract.sqlite"),
    workers: Annotated[
        int | None, typer.Option("--workers", "--jobs", "-j", help="worker processes (default: the cores)")
    ] = None,
    timeout: Timeout = 600.0,
    force: Annotated[bool, typer.Option("--force", help="read again every file the ledger holds")] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="read again the files that failed or held no known form")
    ] = False,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="run on a Dask cluster: tcp://HOST:PORT")] = None,
    templates: Templates = None,
    ocr: Ocr = "rapidocr",
    max_memory: Annotated[int, typer.Option("--max-memory", help="MiB of memory a worker may use")] = 4096,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Read every PDF under PATHS into the ledger DB; resumable: a rerun reads what is new and what failed."""
    import os

    from extract.ingest.runner import IngestSettings
    from extract.ingest.runner import ingest as run_ingest

    _logging(quiet, verbose)
    _check_budget(timeout, max_memory)
    if workers is not None and workers < 1:
        raise typer.BadParameter(f"{workers}: at least one worker", param_hint="--workers")
    if workers is not None and scheduler:
        raise typer.BadParameter(
            "a Dask cluster has its own workers (dask worker --nworkers); --workers is for local processes",
            param_hint="--workers",
        )
    with _handled(verbose):
        settings = _settings(templates, ocr, max_memory=max_memory)
        opts = IngestSettings(
            workers=workers or os.cpu_count() or 1,
            timeout=timeout,
            force=force,
            retry_failed=retry_failed,
            scheduler=scheduler,
        )
        if _OWN_PROCESS:
            _stop_on_sigterm()
        from extract.cli_progress import IngestProgress

        progress = IngestProgress(quiet=quiet)
        try:
            summary = run_ingest(paths, db, settings, opts, progress)
        except KeyboardInterrupt:
            progress.close()
            if sys.stderr.isatty():
                print(file=sys.stderr)  # past the progress line
            _err(f"{db}: interrupted; what was read is in the ledger, a rerun reads the rest")
            raise typer.Exit(INTERRUPTED) from None
        finally:
            progress.close()
    for arg in summary.missing:
        _err(f"{printable(arg)}: no such file or folder, or no PDF in it")
    for note in summary.stale:  # a reviewer's decision made on a reading that this run read otherwise
        _err(f"{note} (warning)")
    if not quiet:
        _err(ingest_summary(db, summary))
    counts = summary.counts
    code = (
        ExitCode.INPUT
        if counts["failed"] or summary.missing
        else (ExitCode.FLAGGED if counts["flagged"] or counts["not_a_form"] else ExitCode.OK)
    )
    raise typer.Exit(int(code))


def ingest_summary(db: Path, summary: Any) -> str:
    """The closing line of ``ingest``: files read by status, forms flagged with their checks, skipped."""
    c = summary.counts
    read = c["ok"] + c["flagged"] + c["not_a_form"]
    text = f"{db}: this run read {read} files (ok {c['ok']}, flagged {c['flagged']}, not_a_form {c['not_a_form']})"
    text += f", failed {c['failed']}, skipped {summary.skipped} already in the ledger"
    if summary.forms:
        text += f"; {summary.forms} forms"
        if summary.failed_checks:
            ranked = sorted(summary.failed_checks.items(), key=lambda kv: (-kv[1], kv[0]))
            text += ", checks failed: " + ", ".join(f"{cid} {n}" for cid, n in ranked[:5])
            text += " …" if len(ranked) > 5 else ""
        if summary.review:
            text += f", {summary.review} with fields to review"
    return text


@app.command()
def export(
    db: Db = Path("extract.sqlite"),
    to: Annotated[Path, typer.Option("--to", help="folder to write the tables into")] = Path("out"),
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, parquet or jsonl (whole records)")] = "csv",
    corrections: Annotated[
        bool, typer.Option("--corrections", help="also the audit trail of the reviewer's decisions")
    ] = False,
    templates: Templates = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Write the ledger's tables (forms, indicators, subtotals, funds_other, amounts, checks, files) and their
    data dictionary for analysts; ``--format jsonl`` writes the whole records, provenance included."""
    from extract.ingest.export import output_names
    from extract.ingest.ledger import Ledger
    from extract.ingest.tables import write
    from extract.records.tables import RECORD_TABLES

    with _handled(verbose):
        refuse_inputs([to / name for name in output_names(fmt, [*RECORD_TABLES, "files", "corrections"])], [db])
        writable_folder(to)
        ledger = Ledger(db, readonly=True)
        try:
            written = write(ledger, to, fmt, corrections, _settings(templates))
        finally:
            ledger.close()
    if not quiet:
        for path in written:
            _err(f"wrote {path}")


@app.command()
def status(
    db: Db = Path("extract.sqlite"),
    as_json: Annotated[
        bool, typer.Option("--json", help="the status as JSON: counts, files not read, flagged")
    ] = False,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Counts by status, the files not read with their errors, the checks that fail most often."""
    from extract.ingest.ledger import Ledger
    from extract.ingest.tables import status_data, status_lines

    settings = _settings(templates)
    with _handled(verbose):
        ledger = Ledger(db, readonly=True)  # status writes nothing, not even a journal
        try:
            if as_json:
                from extract.records.codec import dumps

                print(dumps(status_data(ledger, settings), indent=1))
            else:
                for line in status_lines(ledger, settings=settings):
                    print(line)
        finally:
            ledger.close()


Reviewer = Annotated[str | None, typer.Option("--reviewer", help="who decides (default: the login name)")]


def _decide(
    db: Path,
    form: str,
    field: str,
    action: str,
    value: str | None,
    reason: str | None,
    reviewer: str | None,
    settings: Settings,
) -> None:
    import getpass

    from extract.errors import LedgerError
    from extract.ingest.ledger import Ledger
    from extract.ingest.review import decide, rules_by_template

    if not db.is_file():  # a mistyped --db makes no new, empty ledger
        raise LedgerError("no such ledger", path=str(db))
    who = reviewer if reviewer is not None else getpass.getuser()
    ledger = Ledger(db)
    try:
        d = decide(ledger, form, field, action, value, reason, who, settings)
    finally:
        ledger.close()
    c = d.correction
    what = f"{c.old} → {c.new}" if action == "correct" else f"{c.old} confirmed"
    print(f"{form} {field}: {what} ({c.reviewer}, {c.at})")
    for check, was, now in d.changed_checks():
        print(f"  check {check}: {was} → {now}")
    from extract.records.corrections import open_flags, reviewed

    left = open_flags(d.after)
    if reviewed(d.after):
        print("  the form is reviewed: every flag has a decision")
    else:
        print(f"  flags left: {', '.join(left) or 'none'}")
    if d.after.template not in rules_by_template(settings):
        print(f"  the rules of template {d.after.template} are not known here (give its folder: --templates)")


FormId = Annotated[str, typer.Argument(help="the form's form_id (forms table): 4d912117016751d2p1")]
FieldPath = Annotated[str, typer.Argument(help="record path: budget.execution, indicators[3].score")]
Reason = Annotated[str, typer.Option("--reason", help="why (kept in the audit trail)")]


@app.command()
def correct(
    form: FormId,
    field: FieldPath,
    value: Annotated[str, typer.Argument(help="the value the page shows (blank: none)")],
    reason: Reason = "",
    db: Db = Path("extract.sqlite"),
    reviewer: Reviewer = None,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Correct a field of a form in the ledger: kept beside the reading, checks run again at once."""
    settings = _settings(templates)
    with _handled(verbose):
        _decide(db, form, field, "correct", value, reason, reviewer, settings)


@app.command()
def confirm(
    form: FormId,
    field: FieldPath,
    reason: Reason = "",
    db: Db = Path("extract.sqlite"),
    reviewer: Reviewer = None,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Confirm that a flagged field reads as the page shows (kept in the audit trail)."""
    settings = _settings(templates)
    with _handled(verbose):
        _decide(db, form, field, "confirm", None, reason, reviewer, settings)


@app.command()
def report(
    db: Db = Path("extract.sqlite"),
    out: Annotated[Path, typer.Option("--out", "-o", help="the HTML file to write")] = Path("report.html"),
    limit: Annotated[int | None, typer.Option("--limit", help="at most this many forms")] = None,
    resolution: Annotated[int, typer.Option("--resolution", help="dots per inch of the page crops")] = 110,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Write one self-contained HTML file of the flagged forms (not yet reviewed): checks, fields, page crops."""
    from extract.ingest.ledger import Ledger
    from extract.ingest.review import corrected
    from extract.inspect.report import write_report

    if resolution < 36 or resolution > 300:
        raise typer.BadParameter(f"{resolution}: from 36 to 300", param_hint="--resolution")
    with _handled(verbose):
        refuse_inputs([out], [db])
        if not out.parent.is_dir():
            raise OutputError("no such folder to write into", path=str(out))
        writable_folder(out.parent)
        ledger = Ledger(db, readonly=True)
        try:
            shown = write_report(corrected(ledger, _settings(templates)), out, f"extract: {db.name}", resolution, limit)
        finally:
            ledger.close()
    _err(f"wrote {out} ({shown} flagged forms)")


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def review(
    db: Db = Path("extract.sqlite"),
    port: Annotated[int, typer.Option("--port", help="the port (0: any free one)")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="the address to listen on; anything but 127.0.0.1 lets others reach it")
    ] = "127.0.0.1",
    reviewer: Reviewer = None,
    resolution: Annotated[int, typer.Option("--resolution", help="dots per inch of the page images")] = 150,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="a host name clients use to reach the app (repeatable; with --host)"),
    ] = None,
    open_browser: Annotated[bool, typer.Option("--open", help="open the queue in the web browser")] = False,
    templates: Templates = None,
    verbose: Verbose = False,
) -> None:
    """Review a ledger in the browser: flagged forms first, the page with every field's box, confirm or correct."""
    import getpass

    if not 0 <= port <= 65535:
        raise typer.BadParameter(f"{port}: from 0 to 65535", param_hint="--port")
    if resolution < 36 or resolution > 300:
        raise typer.BadParameter(f"{resolution}: from 36 to 300", param_hint="--resolution")
    who = reviewer if reviewer is not None else getpass.getuser()
    if not who.strip():
        raise typer.BadParameter("a reviewer's name", param_hint="--reviewer")
    everywhere = host in ("0.0.0.0", "::")
    if everywhere and not allow_host:
        raise typer.BadParameter(
            f"{host} listens on every address: name the host names clients use with --allow-host", param_hint="--host"
        )
    # requests must name one of these hosts (a page elsewhere cannot reach the app through a name of its own)
    names = [*([] if everywhere else [host]), *(allow_host or [])]
    with _handled(verbose):
        from extract.web.app import make_app, serve

        site = make_app(db, who, _settings(templates), resolution=resolution, hosts=names)

        def announce(url: str) -> None:
            _err(f"review {db} at {url} as {who} (Ctrl-C stops)")
            if not _loopback(host):
                _err(f"warning: listening on {host}: anyone who reaches this machine can record decisions")
            if open_browser:
                import webbrowser

                webbrowser.open(url)

        serve(site, host, port, announce)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write here instead of stdout")] = None,
    verbose: Verbose = False,
) -> None:
    """Print the JSON Schema of the record (generated from the code)."""
    from extract.records.schema import record_schema_json

    text = record_schema_json()
    if out is None:
        print(text)
        return
    with _handled(verbose):
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(out)) from None


def main() -> None:
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        app()
    except KeyboardInterrupt:  # between commands' own handling (arguments, imports)
        _err("interrupted")
        sys.exit(INTERRUPTED)
