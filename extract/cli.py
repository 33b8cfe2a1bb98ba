"""Command line: parse arguments, call the library, print, pick the exit code. Nothing else.

Exit codes: 0 all clean; 1 some check failed or a field needs review; 2 usage error; 3 some file
could not be read (the others are still processed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import ExitCode, ExtractError
from .model import Record
from .outputs import collect_quietly, refuse_inputs, writable_folder
from .settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn 绩效自评表 PDFs into checked, structured records.",
    pretty_exceptions_enable=False,
)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# the command runs in a process of its own (``main``), not in a caller's: it may set signal handlers
_OWN_PROCESS = False

INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C


def _stop_on_sigterm() -> None:
    """SIGTERM stops the command as Ctrl-C does: workers first, one line, exit 130."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _check_budget(timeout: float, max_memory: int = 4096) -> None:
    import math

    if not (timeout > 0 and math.isfinite(timeout)):
        raise typer.BadParameter(f"{timeout}: seconds must be a number above 0", param_hint="--timeout")
    if max_memory < 256:
        raise typer.BadParameter(f"{max_memory}: at least 256 MiB", param_hint="--max-memory")


def _run_files(
    files: list[Path], settings: Settings, pretty: bool, verbose: bool, timeout: float
) -> tuple[list[Record], ExitCode]:
    """Every file in turn: its records printed, one stderr line per bad file; the exit code so far."""
    from .budgets import FileTimeout, deadline, is_memory_error, memory_message
    from .errors import printable
    from .pipeline import extract_document
    from .records.codec import to_json

    records = []
    code = ExitCode.OK
    for f in files:
        try:
            with deadline(timeout):
                doc = extract_document(f, settings)
        except FileTimeout:
            collect_quietly()  # what the interrupted libraries left open is closed now, without warnings
            _err(f"{printable(str(f))}: timed out after {timeout:g} s (--timeout)")
            code = max(code, ExitCode.INPUT)
            continue
        except ExtractError as exc:
            _err(exc.one_line())
            code = max(code, exc.exit_code)
            continue
        except Exception as exc:  # a bug must not take the batch down; say which file
            if is_memory_error(exc):
                _err(f"{printable(str(f))}: {memory_message(settings.budgets.memory_bytes)}")
                code = max(code, ExitCode.INPUT)
                continue
            _err(f"{printable(str(f))}: internal error ({type(exc).__name__}: {exc})".replace("\n", " "))
            if verbose:
                import traceback

                traceback.print_exc()
            code = max(code, ExitCode.INPUT)
            continue
        for w in doc.warnings:
            _err(f"{printable(str(f))} {w} (warning)")
        for r in doc.records:
            print(to_json(r, indent=2 if pretty else None), flush=True)
            if not r.clean:
                code = max(code, ExitCode.FLAGGED)
        for u in doc.unmatched:  # a form no template knows: say so, never skip it silently
            _err(f"{f} p{u.page}: page titled {u.title!r} matches no template; not extracted")
            code = max(code, ExitCode.FLAGGED)
        records.extend(doc.records)
    return records, code


@app.command()
def run(
    files: Annotated[list[Path], typer.Argument(help="PDF files to read", show_default=False)],
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="also write the tables (forms.csv, indicators.csv, … dictionary.csv) here"),
    ] = None,
    templates: Annotated[
        list[Path] | None, typer.Option("--templates", help="extra template folder (repeatable)")
    ] = None,
    pretty: Annotated[bool, typer.Option("--pretty", help="indented JSON instead of JSON Lines")] = False,
    ocr: Annotated[str, typer.Option("--ocr", help="OCR engine for scanned pages: rapidocr or tesseract")] = "rapidocr",
    timeout: Annotated[float, typer.Option("--timeout", help="seconds one file may take")] = 600.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="tracebacks for unexpected errors")] = False,
) -> None:
    """Extract every form in FILES; print one JSON record per form (JSON Lines)."""
    from .export import output_names, write_csv
    from .ocr import ENGINES
    from .records.tables import RECORD_TABLES
    from .settings import OcrSettings

    _check_budget(timeout)
    if ocr not in ENGINES:
        raise typer.BadParameter(f"unknown OCR engine {ocr!r} (choose from {', '.join(ENGINES)})", param_hint="--ocr")
    try:
        if csv is not None:  # outputs never land on an input, and can be written: checked before any work
            names = output_names("csv", RECORD_TABLES)
            refuse_inputs([csv / name for name in names], files)
            writable_folder(csv)
        settings = Settings(template_dirs=tuple(templates or ()), ocr=OcrSettings(engine=ocr))
        from .pipeline import templates_for

        templates_for(settings)  # a bad template is a usage error, before any file is read
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    try:
        records, code = _run_files(files, settings, pretty, verbose, timeout)
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(INTERRUPTED) from None
    if csv is not None:
        try:
            write_csv(records, csv)
        except ExtractError as exc:
            _err(exc.one_line())
            raise typer.Exit(int(exc.exit_code)) from None
    raise typer.Exit(int(code))


@app.command()
def debug(
    file: Annotated[Path, typer.Argument(help="PDF file")],
    page: Annotated[int, typer.Option("--page", "-p", help="page number, from 1")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write")] = Path("page.png"),
    resolution: Annotated[int, typer.Option(help="dots per inch")] = 110,
) -> None:
    """Draw what the pipeline found on one page: cells, text lines, clipped text, fields."""
    from .debug import render

    try:
        refuse_inputs([out], [file])
        image = render(file, page, resolution=resolution)
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    if out.exists() and not out.is_file():
        _err(f"{out}: not a file")
        raise typer.Exit(int(ExitCode.USAGE))
    tmp = out.with_name(out.name + ".tmp.png")
    try:  # written whole or not at all
        image.save(tmp, format="PNG")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        _err(f"{out}: cannot write: {exc.strerror or exc}")
        raise typer.Exit(int(ExitCode.USAGE)) from None
    _err(f"wrote {out}")


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="PDF file")],
    page: Annotated[int | None, typer.Option("--page", "-p", help="only this page (from 1)")] = None,
    templates: Annotated[
        list[Path] | None, typer.Option("--templates", help="extra template folder (repeatable)")
    ] = None,
) -> None:
    """Show per page which templates matched, why it is or is not a form, and what each form yielded."""
    from .explain import explain as run_explain
    from .settings import Settings

    try:
        for line in run_explain(file, page, Settings(template_dirs=tuple(templates or ()))):
            print(line)
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None


def _progress(done: int, total: int, counts: dict[str, int], elapsed: float) -> None:
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else 0.0
    bar = "#" * int(20 * done / total) if total else ""
    line = (
        f"[{bar:<20}] {done}/{total} files  {rate:.2f} files/s  left {int(eta // 60)}:{int(eta % 60):02d}  "
        + "  ".join(f"{k} {v}" for k, v in counts.items())
    )
    end = "\r" if sys.stderr.isatty() and done < total else "\n"
    if sys.stderr.isatty() or done == total or done % 25 == 0:
        print(line, end=end, file=sys.stderr, flush=True)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="folders, files and globs of PDFs", show_default=False)],
    db: Annotated[Path, typer.Option("--db", help="the ledger (SQLite)")] = Path("extract.sqlite"),
    workers: Annotated[int | None, typer.Option("--workers", help="worker processes (default: the cores)")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="seconds one file may take")] = 600.0,
    force: Annotated[bool, typer.Option("--force", help="read again files the ledger already holds")] = False,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="run on a Dask cluster: tcp://HOST:PORT")] = None,
    ocr: Annotated[str, typer.Option("--ocr", help="OCR engine: rapidocr or tesseract")] = "rapidocr",
    max_memory: Annotated[int, typer.Option("--max-memory", help="MiB of memory a worker may use")] = 4096,
) -> None:
    """Read every PDF under PATHS into the ledger DB; resumable: a rerun reads what is new and what failed."""
    import os

    from .budgets import Budgets, MiB
    from .ingest.runner import IngestSettings
    from .ingest.runner import ingest as run_ingest
    from .settings import OcrSettings, Settings

    _check_budget(timeout, max_memory)
    if workers is not None and workers < 1:
        raise typer.BadParameter(f"{workers}: at least one worker", param_hint="--workers")
    settings = Settings(ocr=OcrSettings(engine=ocr), budgets=Budgets(memory_bytes=max_memory * MiB))
    opts = IngestSettings(workers=workers or os.cpu_count() or 1, timeout=timeout, force=force, scheduler=scheduler)
    if _OWN_PROCESS:
        _stop_on_sigterm()
    try:
        counts, missing = run_ingest(paths, db, settings, opts, _progress)
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        if sys.stderr.isatty():
            print(file=sys.stderr)  # past the progress line
        _err(f"{db}: interrupted; what was read is in the ledger, a rerun reads the rest")
        raise typer.Exit(INTERRUPTED) from None
    for arg in missing:
        _err(f"{arg}: no such file or folder, or no PDF in it")
    _err(f"{db}: this run " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    code = (
        ExitCode.INPUT
        if counts["failed"] or missing
        else (ExitCode.FLAGGED if counts["flagged"] or counts["not_a_form"] else ExitCode.OK)
    )
    raise typer.Exit(int(code))


@app.command()
def export(
    db: Annotated[Path, typer.Option("--db", help="the ledger (SQLite)")] = Path("extract.sqlite"),
    to: Annotated[Path, typer.Option("--to", help="folder to write the tables into")] = Path("out"),
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx, parquet or jsonl (whole records)")] = "csv",
) -> None:
    """Write the ledger's tables (forms, indicators, subtotals, funds_other, amounts, checks, files) and their
    data dictionary for analysts; ``--format jsonl`` writes the whole records, provenance included."""
    from .export import output_names
    from .ingest.ledger import Ledger
    from .ingest.tables import write
    from .records.tables import RECORD_TABLES

    try:
        refuse_inputs([to / name for name in output_names(fmt, [*RECORD_TABLES, "files"])], [db])
        writable_folder(to)
        ledger = Ledger(db, readonly=True)
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    try:
        for path in write(ledger, to, fmt):
            _err(f"wrote {path}")
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    finally:
        ledger.close()


@app.command()
def status(db: Annotated[Path, typer.Option("--db", help="the ledger (SQLite)")] = Path("extract.sqlite")) -> None:
    """Counts by status, the files not read with their errors, the checks that fail most often."""
    from .ingest.ledger import Ledger
    from .ingest.tables import status_lines

    try:
        ledger = Ledger(db, readonly=True)  # status writes nothing, not even a journal
    except ExtractError as exc:
        _err(exc.one_line())
        raise typer.Exit(int(exc.exit_code)) from None
    try:
        for line in status_lines(ledger):
            print(line)
    finally:
        ledger.close()


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write here instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of the record (generated from the code)."""
    from .schema import record_schema_json

    text = record_schema_json()
    if out is None:
        print(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        app()
    except KeyboardInterrupt:  # between commands' own handling (arguments, imports)
        _err("interrupted")
        sys.exit(INTERRUPTED)
