"""Scans no one tuned for (issue 11): seeded layout variants, scanned by ``samples.scansim``, read whole.

Renders held-out layout variants of both kinds (``samples/variants``, without injected inconsistencies, so a
failed check never hides a misread number) into a cache folder outside git, scans each with
``samples.scansim`` in three settings — every page at 200 dpi, every page at 300 dpi, and ``random`` (the
simulator's own draws: 150–400 dpi, turned pages) — all other choices (colour mode, JPEG quality, seals,
skew, turns, photocopy …) drawn by the simulator, the same for a source and scan seed in every setting. Each
scan is read with the full pipeline in worker processes (one OCR thread each) and scored against the
source's truth with tests/truth.py. Prints per setting: forms, pages, fields exact, numeric fields exact,
silent numeric errors, forms lost and why; the pages the pipeline turned wrongly (by true turn and dpi);
seconds per page next to one plain whole-page RapidOCR pass; the most common wrong fields and failures by
field pattern and by simulator choice.

    python bench/bench_scans.py [--seeds 5000-5024] [--scan-seeds 5000] [--settings 200,300,random]
                                [--limit N] [--workers 2] [--cache DIR] [--verbose] [--json OUT] [--rescore]
                                [--kinds project,department] [--families national_dept]
                                [--recipe bilevel=adaptive,photocopy]

``--recipe`` gathers scans of one kind of trouble for development: per form, the first of ``--scan-seeds`` whose
recipe makes those choices (e.g. ``--seeds 620-639 --kinds department --scan-seeds 600-999
--recipe bilevel=adaptive,photocopy``: twenty 1-bit adaptive photocopies of department forms); ``--families``
keeps the layouts of some families only (``--seeds 900-999 --kinds department --families national_dept``).

Seeds: layout seeds and scan seeds 0–99 are for tests, 100–999 for development (look at them, tune on
them); 5000 and up are held out: the figures of this benchmark, never looked at field by field and never
tuned on. (Layout seeds 0–5 are the committed fixed variants.)

Targets (issue 11), on numeric fields: ≥ 99 % exact at 300 dpi, ≥ 98 % at 200 dpi, 0 silent numeric errors
at every dpi, 0 pages turned wrongly, 0 form pages lost; a scanned form page ≤ 1.0× one plain whole-page
RapidOCR pass.

Default size: 50 forms (layout seeds 5000–5024 × 2 kinds: 112 pages) × scan seed 5000 × 3 settings = 336
scanned pages, the fewest seeds that give ≥ 100 pages per setting: about 21 minutes on 2 cores once the scans
are cached (rendering and scanning them the first time adds about 2.5 minutes). The pipeline's turn of each
page is noted inside the workers (a hook on ``extract.scan.ocrpage.read_scanned_page``); pages it did not note
are turned by
``extract.scan.prep.prepare`` in a separate pass (``--orientation-pass``: every page, and any disagreement shown).
The raw results are kept in CACHE/last-run.pickle: ``--rescore`` reports them again without reading.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scanscore import (  # noqa: E402
    SMALL_PRINT_PT,
    FieldFact,
    Scan,
    Tally,
    dpi_band,
    expected_rotation,
    facts_of,
    field_facts,
    pattern,
    pct,
    reason,
    source_print_pt,
    tally,
    tally_fields,
    top_patterns,
)

KINDS = ("project", "department")
SETTINGS = {"200": 200, "300": 300, "random": None}  # setting -> pinned dpi (None: drawn)
DEFAULT_SEEDS = "5000-5024"  # 50 forms, 112 pages: ≥ 100 scanned pages per setting
MIN_PAGES = 100  # scanned pages per setting the issue asks for
PLAIN_SAMPLE = 20  # pages timed with one plain whole-page RapidOCR pass
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "extract-bench" / "scans"
TARGETS = {"300": 99.0, "200": 98.0}  # numeric fields exact, %
TOO_SMALL = "printed too small to read"  # the pipeline's reason for a table no scan of it can be read from

# ------------------------------------------------------------------------------------------- workers

_ROTATIONS: dict[int, list[int]] = {}  # per worker: page -> PageContent.rotation of each OCR read of the last file


def _init(threads: int) -> None:
    """Worker set-up: one OCR thread, the OCR model loaded (so no file's time includes loading it), and a
    hook recording the turn ``prepare`` chose for each page the pipeline read by OCR."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["EXTRACT_OCR_THREADS"] = str(threads)
    try:
        from extract.scan.ocr import get_engine
        from extract.scan.ocr.base import configure_threads
        from extract.scan.ocr.rapid import stock_rapidocr

        configure_threads(threads)  # as the pipeline will (``_read``): the engine it uses is the one loaded here
        _ = get_engine("rapidocr").ocr  # type: ignore[attr-defined]
        _ = stock_rapidocr(threads)  # the yardstick's models too
    except Exception:  # a warm-up only; the pipeline reports a missing engine itself
        pass
    _hook_prepare()


def _hook_prepare() -> None:
    """Wrap ``extract.scan.ocrpage.read_scanned_page`` (a module attribute, looked up at call time) to note the
    turn of each page it read (``PageContent.rotation``). When the pipeline no longer goes through it,
    nothing is noted and the benchmark calls ``prepare`` itself (a separate pass)."""
    try:
        import extract.scan.ocrpage as op
    except ImportError:
        return
    read = getattr(op, "read_scanned_page", None)
    if read is None:
        return

    def noting_read(*args: Any, **kwargs: Any) -> Any:
        content = read(*args, **kwargs)
        if hasattr(content, "rotation"):
            _ROTATIONS.setdefault(content.number, []).append(int(content.rotation))
        return content

    op.read_scanned_page = noting_read


def _make_scan(job: tuple[str, int, str, int | None]) -> tuple[str, float]:
    """Scan one source at one seed unless the cached scan has the same recipe."""
    from samples.scansim import recipe_for, simulate

    src, seed, out, dpi = job
    meta = Path(out).with_name(Path(out).stem + ".scan.json")
    if Path(out).is_file() and meta.is_file():
        want = json.loads(json.dumps(recipe_for(src, seed, dpi=dpi).to_dict()))
        if json.loads(meta.read_text(encoding="utf-8")).get("recipe") == want:
            return out, 0.0
    started = time.perf_counter()
    simulate(src, seed, out, dpi=dpi)
    return out, time.perf_counter() - started


def _read(pdf: str) -> dict[str, Any]:
    """The full pipeline on one scan, timed; the turns ``prepare`` chose."""
    from extract import errors
    from extract.ingest.runner import one_thread
    from extract.pipeline import extract_document
    from extract.settings import Settings

    _ROTATIONS.clear()
    started = time.perf_counter()
    records: list[Any] = []
    error = None
    try:
        threads = int(os.environ.get("EXTRACT_OCR_THREADS", "0"))  # as ingest's workers run (``one_thread``)
        records = list(extract_document(pdf, one_thread(Settings(), threads)).records)
    except errors.ExtractError as exc:
        error = f"{type(exc).__name__}: {exc.message}" + (f" (p{exc.page})" if exc.page else "")
    except Exception as exc:  # a crash is a lost form, reported with its type
        error = f"crash {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    rotations = {page: turns[0] for page, turns in _ROTATIONS.items()}
    return {
        "pdf": pdf,
        "record": records[0] if records else None,
        "forms": len(records),
        "error": error,
        "seconds": seconds,
        "rotations": rotations,
    }


def _orient(job: tuple[str, list[int]]) -> tuple[str, dict[int, int]]:
    """``extract.scan.prep.prepare`` with the default settings on the given pages (1-based): the turn it chooses."""
    import pypdfium2 as pdfium

    from extract.scan.prep import prepare
    from extract.settings import PrepSettings

    pdf, pages = job
    doc = pdfium.PdfDocument(pdf)
    try:
        return pdf, {n: int(prepare(doc[n - 1], PrepSettings()).rotation) for n in pages}
    finally:
        doc.close()


def _plain(job: tuple[str, int]) -> tuple[str, int, float]:
    """Seconds of one plain whole-page RapidOCR pass (RapidOCR as it comes, one thread) on a page rendered
    at the pipeline's resolution; the rendering is not timed."""
    import numpy as np
    import pypdfium2 as pdfium

    from extract.scan.ocr.rapid import stock_rapidocr
    from extract.settings import PrepSettings

    pdf, page = job
    doc = pdfium.PdfDocument(pdf)
    try:
        img = np.asarray(doc[page - 1].render(scale=PrepSettings().dpi / 72).to_pil().convert("RGB"))
    finally:
        doc.close()
    started = time.perf_counter()
    stock_rapidocr(int(os.environ.get("EXTRACT_OCR_THREADS", "0")))(img)  # the pipeline's threads
    return pdf, page, time.perf_counter() - started


# ------------------------------------------------------------------------------------------- preparing


def render_variants(
    seeds: list[int],
    cache: Path,
    limit: int | None,
    kinds: tuple[str, ...] = KINDS,
    families: tuple[str, ...] = (),
    reprint: bool = True,
) -> tuple[list[Path], list[str]]:
    """The held-out variants (rendered into ``cache`` unless there), kinds interleaved, of ``families`` only
    if named; those the generator cannot build. ``reprint``: a sheet its layout fits to one page whose print
    comes out under ``SMALL_PRINT_PT`` (a Shanxi department form of 40-odd indicators at 1.3–3.6 pt) is printed
    fitted to the page's width instead, over as many pages as it takes — what a clerk does who sees such a
    print preview: nobody signs, stamps and scans a sheet of 2-pt print. (A scan of it holds glyphs 4–10 pixels
    tall: the pipeline reads some such scans, in review, and refuses others with the reason — see
    ``tests/test_fitted_print.py``; ``--as-laid-out`` scans them as laid out.)"""
    from samples.variants.__main__ import render_many, variant
    from samples.variants.content import load_all
    from samples.variants.layout import random_layout

    contents = load_all(errors=[])
    jobs, broken = [], []
    for seed in seeds:
        for kind in kinds:
            if families and random_layout(seed, kind).family not in families:
                continue
            try:
                variant(contents, kind, seed, inject=False)
                jobs.append((kind, seed))
            except Exception as exc:  # reported, the run goes on
                broken.append(f"{kind}-{seed}: {type(exc).__name__}: {exc}")
    jobs = jobs[:limit] if limit else jobs
    render_many(jobs, cache, inject=False)
    if reprint:
        reprint_illegible(jobs, cache)
    from samples.variants.verify import OFF_PAGE_CHARS, off_page

    kept = []
    for kind, seed in jobs:  # rows LibreOffice printed below the paper's edge: a truth no scan can show
        below = off_page(cache / f"{kind}-{seed}.pdf")
        if any(n >= OFF_PAGE_CHARS for n in below):
            broken.append(f"{kind}-{seed}: rows printed below the page's edge ({below} characters by page): left out")
        else:
            kept.append((kind, seed))
    return [cache / f"{k}-{s}.pdf" for k, s in kept], broken


def reprint_illegible(jobs: list[tuple[str, int]], cache: Path) -> None:
    """A sheet fitted to one page in print under ``SMALL_PRINT_PT`` printed again, fitted to the page's width
    (``render_variants``); the truth says ``reprinted`` and why."""
    from samples.variants.__main__ import render_many

    illegible = {}
    for kind, seed in jobs:
        truth = json.loads((cache / f"{kind}-{seed}.truth.json").read_text(encoding="utf-8"))
        size = source_print_pt(cache / f"{kind}-{seed}.pdf")
        if truth["layout"]["scaling"] == "one_page" and size is not None and size < SMALL_PRINT_PT:
            illegible[f"{kind}-{seed}"] = f"fitted to one page it printed at {size:.1f} pt: printed fit to width"
    if illegible:
        again = [(k, s) for k, s in jobs if f"{k}-{s}" in illegible]
        render_many(again, cache, inject=False, force=True, reprint=illegible)
        print(f"  reprinted fit to width (one-page print under {SMALL_PRINT_PT:g} pt): {', '.join(illegible)}")


def pick_seeds(sources: list[Path], scan_seeds: list[int], recipe: str | None) -> dict[Path, list[int]]:
    """The scan seeds of each source: all of them, or (``recipe``: ``bilevel=adaptive,photocopy``) the first
    whose recipe has every choice named — ``key=value`` (the choice as printed), ``key`` (made: not None,
    not 0), ``!key`` (not made) — so a development run can gather scans of one kind of trouble."""
    if not recipe:
        return {src: scan_seeds for src in sources}
    from samples.scansim import recipe_for

    conditions = [c.strip() for c in recipe.split(",") if c.strip()]

    def holds(r: Any, condition: str) -> bool:
        key, _, want = condition.lstrip("!").partition("=")
        value = getattr(r, key.strip())
        if want:
            return str(value) == want.strip()
        return bool(value) != condition.startswith("!")

    out = {}
    for src in sources:
        seed = next((s for s in scan_seeds if all(holds(recipe_for(src, s), c) for c in conditions)), None)
        out[src] = [] if seed is None else [seed]
    return out


def make_scans(
    pool: ProcessPoolExecutor, seeds: dict[Path, list[int]], settings: list[str], cache: Path
) -> dict[str, list[Path]]:
    jobs = [
        (str(src), seed, str(cache / name / f"{src.stem}-s{seed}.pdf"), SETTINGS[name])
        for name in settings
        for src, chosen in seeds.items()
        for seed in chosen
    ]
    started = time.perf_counter()
    made = [seconds for _, seconds in pool.map(_make_scan, jobs) if seconds]
    if made:
        print(f"scanned {len(made)} files in {time.perf_counter() - started:.0f} s (cached in {cache})")
    out: dict[str, list[Path]] = {name: [] for name in settings}
    for _src, _seed, path, _dpi in jobs:
        out[Path(path).parent.name].append(Path(path))
    return out


def load_scan(setting: str, pdf: Path) -> Scan:
    import pypdfium2 as pdfium

    meta = json.loads(pdf.with_name(pdf.stem + ".scan.json").read_text(encoding="utf-8"))
    truth = json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text(encoding="utf-8"))
    doc = pdfium.PdfDocument(str(pdf))
    try:
        sizes = [tuple(doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()
    scan = Scan(setting, pdf, truth, meta["recipe"], meta.get("placements", []), sizes)
    source = pdf.parent.parent / "variants" / meta["source"]["file"]
    if source not in _PRINT:
        _PRINT[source] = source_print_pt(source)
    scan.print_pt = _PRINT[source]
    return scan


_PRINT: dict[Path, float | None] = {}  # source -> its median print size (points)


def read_all(pool: ProcessPoolExecutor, scans: list[Scan]) -> None:
    """Every scan through the pipeline, the longest files first (the pool ends together)."""
    by_path = {str(s.pdf): s for s in scans}
    order = sorted(scans, key=lambda s: -s.pages)
    futures: list[Future[dict[str, Any]]] = [pool.submit(_read, str(s.pdf)) for s in order]
    started = time.perf_counter()
    for done, fut in enumerate(as_completed(futures), 1):
        res = fut.result()
        scan = by_path[res["pdf"]]
        scan.record, scan.forms, scan.error, scan.seconds = res["record"], res["forms"], res["error"], res["seconds"]
        for page, turn in res["rotations"].items():
            scan.rotations[page] = turn
            scan.rotation_source[page] = "pipeline"
        mark = "LOST " if scan.lost else ""
        print(
            f"  [{done}/{len(scans)} {time.perf_counter() - started:5.0f} s] {scan.setting:>6} {scan.pdf.name}: "
            f"{mark}{scan.seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def orient_rest(pool: ProcessPoolExecutor, scans: list[Scan], every: bool) -> int:
    """``prepare`` on the pages whose turn the pipeline run did not note (all pages with ``every``)."""
    jobs = []
    for s in scans:
        pages = [n for n in range(1, s.pages + 1) if every or n not in s.rotations]
        if pages:
            jobs.append((str(s.pdf), pages))
    by_path = {str(s.pdf): s for s in scans}
    for pdf, turns in pool.map(_orient, jobs):
        scan = by_path[pdf]
        for page, turn in turns.items():
            if every and page in scan.rotations and scan.rotations[page] != turn:
                print(f"  note: {scan.pdf.name} p{page}: pipeline turned {scan.rotations[page]}, prepare {turn}")
            if page not in scan.rotations:
                scan.rotations[page], scan.rotation_source[page] = turn, "prepare"
    return sum(len(p) for _, p in jobs)


# ------------------------------------------------------------------------------------------- reporting


def row(name: str, t: Tally, width: int = 26) -> str:
    def p(k: int, n: int) -> str:
        v = pct(k, n)
        return "     —  " if v is None else f"{v:7.2f}%"

    forms = f"{t.forms:>5} {t.pages:>5} {t.lost:>4} {t.pages_lost:>7}" if t.forms else " " * 24
    return (
        f"  {name:<{width}} {forms} {t.fields:>6} {p(t.exact, t.fields)} "
        f"{t.numbers:>6} {p(t.numbers_exact, t.numbers)} {p(t.printed_exact, t.printed)} {t.silent:>6} {t.blank:>6}"
    )


def header(title: str, width: int = 26) -> None:
    print(f"\n{title}")
    print(
        f"  {'':<{width}} {'forms':>5} {'pages':>5} {'lost':>4} {'pg.lost':>7} {'fields':>6} {'exact':>8} "
        f"{'numbrs':>6} {'num.exact':>8} {'printed#':>8} {'silent':>6} {'blank!':>6}"
    )


def text_layer(text: list[dict[str, Any]]) -> dict[str, Tally]:
    """The same forms read from their text layer (no scan): what the layouts alone cost."""
    out: dict[str, Tally] = {}
    for r in text:
        truth = json.loads(Path(r["pdf"]).with_suffix(".truth.json").read_text(encoding="utf-8"))
        for key in ("all", str(truth["layout"].get("family"))):
            t = out.setdefault(key, Tally())
            t.forms += 1
            t.pages += int(truth.get("pages") or 0)
            t.lost += r["record"] is None
            t.pages_lost += int(truth.get("pages") or 0) if r["record"] is None else 0
            for f in facts_of(truth, r["record"]):
                t.add_fact(f)
    return out


def report_settings(
    by_setting: dict[str, list[Scan]], facts: dict[Path, list[FieldFact]], text: list[dict[str, Any]]
) -> dict[str, Any]:
    header(
        "per setting (lost: forms not read; pg.lost: form pages not in a record; num.exact: numeric fields exact;"
        " printed#: numeric fields the form prints a value for; silent: numbers wrong, not flagged; blank!: printed"
        " numbers read as a blank, not flagged)"
    )
    out: dict[str, Any] = {}
    if text:
        groups = text_layer(text)
        for name, t in sorted(groups.items(), key=lambda kv: kv[0] != "all"):
            print(row("text layer" + ("" if name == "all" else f", {name}"), t))
        out["text layer"] = {name: t.as_dict() for name, t in groups.items()}
    for name, scans in by_setting.items():
        t = tally(scans, facts, lambda s: "all")["all"]
        target = TARGETS.get(name)
        goal = f"   target num.exact ≥ {target} %" if target else ""
        print(row(name, t) + goal)
        read = tally([s for s in scans if not s.lost], facts, lambda s: "all").get("all", Tally(forms=0))
        print(row(f"{name}, forms read only", read))
        small = f"< {SMALL_PRINT_PT:g} pt"
        legible = tally([s for s in scans if s.choices()["print"] != small], facts, lambda s: "all")
        if "all" in legible and legible["all"].forms < t.forms:
            print(row(f"{name}, print >= {SMALL_PRINT_PT:g} pt", legible["all"]))
            out[f"{name}, print >= {SMALL_PRINT_PT:g} pt"] = legible["all"].as_dict()
        for family, ft in sorted(tally(scans, facts, lambda s: s.choices()["family"]).items()):
            print(row(f"{name}, {family}", ft))
        print(f"  {name}: read by {dict(Counter(s.read_as() for s in scans))}")
        refused = [s for s in scans if s.lost and TOO_SMALL in (s.error or "")]
        if refused:
            print(
                f"  {name}: of {t.lost} forms lost, {len(refused)} refused as printed too small to read in the scan "
                f"(their print {', '.join(f'{s.print_pt:.1f}' for s in refused if s.print_pt)} pt), "
                f"{t.lost - len(refused)} lost otherwise"
            )
        if t.pages < MIN_PAGES:
            print(f"  note: {name}: {t.pages} pages, fewer than the issue's {MIN_PAGES}")
        secs = [s.seconds / s.pages for s in scans for _ in range(s.pages)]
        out[name] = {
            **t.as_dict(),
            "seconds_per_page_mean": round(sum(s.seconds for s in scans) / max(1, t.pages), 2),
            "seconds_per_page_p95": round(quantile(secs, 0.95), 2),
            "template_wrong": sum(s.template_ok() is False for s in scans),
            "failures": [f"{s.pdf.name}: {s.error or 'no record'}" for s in scans if s.lost],
            "refused_too_small": len(refused),
        }
    for name, scans in by_setting.items():
        lost = [s for s in scans if s.lost]
        for s in lost:
            print(f"  lost [{name}] {s.pdf.name} ({choice_line(s)}): {s.error or 'no record'}")
    return out


def choice_line(s: Scan) -> str:
    c = s.choices()
    turns = ",".join(str(p["rotation"]) for p in s.recipe["pages"])
    return f"{c['family']}, {s.recipe['dpi']} dpi, {c['colour']}, turns {turns}, seals {c['seals']}" + (
        ", photocopy" if c["photocopy"] == "yes" else ""
    )


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def report_choices(scans: list[Scan], facts: dict[Path, list[FieldFact]]) -> dict[str, Any]:
    """Every file-level simulator choice: how the numbers fare under each value (all settings)."""
    out: dict[str, Any] = {}
    keys = list(scans[0].choices()) if scans else []
    for key in keys:
        groups = tally(scans, facts, lambda s, k=key: s.choices()[k])  # type: ignore[misc]
        header(f"by {key} (all settings)")
        for name, t in sorted(groups.items()):
            print(row(name, t))
        out[key] = {name: t.as_dict() for name, t in groups.items()}
    groups = tally(scans, facts, lambda s: s.read_as())
    header("by how the form was read (all settings)")
    for name, t in sorted(groups.items()):
        print(row(name, t))
    out["read_as"] = {name: t.as_dict() for name, t in groups.items()}
    every = [f for s in scans for f in facts[s.pdf]]
    for key, label in (("page_turn", "the true turn of the page a value was read on"), ("seal", "a seal over it")):
        groups = tally_fields(every, lambda f, k=key: getattr(f, k))  # type: ignore[misc]
        header(f"numeric fields by {label} ('?': no page/box in the record — not read)")
        for name, t in sorted(groups.items()):
            print(row(name, t))
        out[key] = {name: t.as_dict() for name, t in groups.items()}
    return out


def report_patterns(scans: list[Scan], facts: dict[Path, list[FieldFact]]) -> dict[str, Any]:
    kept = [s for s in scans if not s.lost]
    every = [f for s in kept for f in facts[s.pdf]]
    print("\nmost common wrong fields on forms read (pattern (error): wrong, silent, of fields)")
    top = top_patterns(every, 15)
    for p, k, silent, total in top:
        print(f"  {p:<58} {k:>5} {silent:>4} / {total}")
    reasons = Counter(reason(s.error or "no record") for s in scans if s.lost)
    print("\nfailure reasons (forms lost)")
    for r, k in reasons.most_common():
        print(f"  {k:>4}  {r}")
    silent = Counter(pattern(f.path) for f in every if f.silent)
    if silent:
        print("\nsilent numeric errors by field pattern")
        for p, k in silent.most_common(10):
            print(f"  {k:>4}  {p}")
    blank = Counter(pattern(f.path) for f in every if f.blank)
    if blank:
        print("\nprinted numbers read as a blank, not flagged, by field pattern")
        for p, k in blank.most_common(10):
            print(f"  {k:>4}  {p}")
    return {
        "wrong_patterns": [{"pattern": p, "wrong": k, "silent": s, "fields": n} for p, k, s, n in top],
        "failure_reasons": dict(reasons),
        "silent_patterns": dict(silent),
        "blank_patterns": dict(blank),
    }


def report_orientation(scans: list[Scan]) -> dict[str, Any]:
    pages = [
        (s, n, s.recipe["pages"][n - 1]["rotation"], s.rotations.get(n)) for s in scans for n in range(1, s.pages + 1)
    ]
    known = [(s, n, t, r) for s, n, t, r in pages if r is not None]
    wrong = [(s, n, t, r) for s, n, t, r in known if r != expected_rotation(t)]
    upright_turned = [w for w in wrong if w[2] == 0]
    sources = Counter(s.rotation_source.get(n, "?") for s, n, _t, _r in known)
    print(
        f"\norientation: pages turned wrongly: {len(wrong)} of {len(known)} "
        f"(upright pages turned: {len(upright_turned)}; turn taken from {dict(sources)})"
    )
    by_turn: dict[str, list[int]] = {}
    by_dpi: dict[str, list[int]] = {}
    for s, _n, t, r in known:
        for groups, key in ((by_turn, f"true turn {t:>3}"), (by_dpi, f"{dpi_band(s.recipe['dpi'])} dpi")):
            g = groups.setdefault(key, [0, 0])
            g[0] += 1
            g[1] += r != expected_rotation(t)
    for groups in (by_turn, by_dpi):
        print("  " + "   ".join(f"{k}: {w}/{n}" for k, (n, w) in sorted(groups.items())))
    for s, n, t, r in wrong:
        print(
            f"  wrong turn [{s.setting}] {s.pdf.name} p{n}: turned {t}° cw, needs {expected_rotation(t)}, "
            f"pipeline turned {r} ({s.recipe['dpi']} dpi, {s.choices()['colour']})"
        )
    return {
        "pages": len(known),
        "wrong": len(wrong),
        "upright_turned": len(upright_turned),
        "by_true_turn": {k: {"pages": n, "wrong": w} for k, (n, w) in by_turn.items()},
        "by_dpi": {k: {"pages": n, "wrong": w} for k, (n, w) in by_dpi.items()},
        "wrong_pages": [
            {"file": s.pdf.name, "setting": s.setting, "page": n, "true_turn": t, "applied": r} for s, n, t, r in wrong
        ],
    }


def plain_sample(pool: ProcessPoolExecutor, scans: list[Scan]) -> list[tuple[str, int, float]]:
    """One plain whole-page RapidOCR pass on about ``PLAIN_SAMPLE`` pages spread over all scans."""
    every = [(s, n) for s in scans for n in range(1, s.pages + 1)]
    sample = every[:: max(1, len(every) // PLAIN_SAMPLE)][:PLAIN_SAMPLE]
    return list(pool.map(_plain, [(str(s.pdf), n) for s, n in sample]))


def report_speed(scans: list[Scan], plain: list[tuple[str, int, float]], workers: int) -> dict[str, Any]:
    per_page = [s.seconds / s.pages for s in scans for _ in range(s.pages)]
    mean = sum(s.seconds for s in scans) / max(1, len(per_page))
    by_path = {str(s.pdf): s for s in scans}
    plain_mean = sum(t for *_, t in plain) / max(1, len(plain))
    same = [by_path[pdf].seconds / by_path[pdf].pages for pdf, _n, _t in plain if pdf in by_path]
    same_mean = sum(same) / max(1, len(same))
    print(
        f"\nspeed ({workers} workers at once, one OCR thread each): pipeline {mean:.2f} s/page mean, "
        f"p95 {quantile(per_page, 0.95):.2f} s/page (a file's time / its pages)"
    )
    if plain_mean:
        print(
            f"  plain whole-page RapidOCR pass (300 dpi render, not timed; same pool) on {len(plain)} sampled pages: "
            f"{plain_mean:.2f} s/page; pipeline on the same pages {same_mean:.2f} s/page: ratio "
            f"{same_mean / plain_mean:.2f}× (all pages: {mean / plain_mean:.2f}×; target ≤ 1.0×)"
        )
    return {
        "seconds_per_page_mean": round(mean, 2),
        "seconds_per_page_p95": round(quantile(per_page, 0.95), 2),
        "plain_pages": len(plain),
        "plain_seconds_per_page": round(plain_mean, 2),
        "pipeline_same_pages": round(same_mean, 2),
        "ratio_same_pages": round(same_mean / plain_mean, 2) if plain_mean else None,
        "ratio_all_pages": round(mean / plain_mean, 2) if plain_mean else None,
    }


def verbose_listing(scans: list[Scan], facts: dict[Path, list[FieldFact]]) -> None:
    for s in scans:
        wrong = [f for f in facts[s.pdf] if not f.exact]
        if not wrong or s.lost:
            continue
        print(f"\n[{s.setting}] {s.pdf.name} ({choice_line(s)}), template {s.record.template}:")
        for f in sorted(wrong, key=lambda f: (not f.silent, not f.blank, f.path)):
            where = f" [page turn {f.page_turn}, seal {f.seal}]" if f.page_turn != "?" else ""
            print(f"   {'SILENT' if f.silent else 'BLANK ' if f.blank else 'wrong '} {f.detail}{where}")


# ------------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="layout seeds (both kinds), held out: ≥ 5000")
    parser.add_argument("--scan-seeds", default="5000", help="scansim seeds, held out: ≥ 5000")
    parser.add_argument("--settings", default="200,300,random", help="of 200, 300, random")
    parser.add_argument("--kinds", default=",".join(KINDS), help="of project, department (development runs)")
    parser.add_argument(
        "--families", default="", help="only layouts of these families, e.g. national_dept (development runs)"
    )
    parser.add_argument("--limit", type=int, default=None, help="at most this many source forms (kinds alternate)")
    parser.add_argument(
        "--recipe",
        default=None,
        help="per form, the first scan seed whose recipe has these choices, e.g. bilevel=adaptive,photocopy",
    )
    parser.add_argument(
        "--as-laid-out",
        action="store_true",
        help="scan every sheet as its layout prints it, also one fitted to one page in print under 4 pt",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--verbose", action="store_true", help="list every wrong field of every form")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--orientation-pass", action="store_true", help="call prepare on every page (also those the pipeline read)"
    )
    parser.add_argument(
        "--rescore", action="store_true", help="report the last run again (CACHE/last-run.pickle) without reading"
    )
    args = parser.parse_args()
    args.settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    args.kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    if not args.kinds or set(args.kinds) - set(KINDS):
        parser.error(f"--kinds: of {', '.join(KINDS)}")
    for s in args.settings:
        if s not in SETTINGS:
            parser.error(f"--settings: unknown setting {s!r} (200, 300, random)")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Render, scan, read, orient, time the plain pass; the raw results (saved for ``--rescore``)."""
    from samples.variants.__main__ import parse_seeds

    seeds, scan_seeds = parse_seeds(args.seeds), parse_seeds(args.scan_seeds)
    if min(seeds + scan_seeds) < 5000:
        print("note: seeds below 5000 are not held out (tests 0–99, development 100–999)")
    families = tuple(f.strip() for f in args.families.split(",") if f.strip())
    sources, broken = render_variants(
        seeds, args.cache / "variants", args.limit, args.kinds, families, reprint=not args.as_laid_out
    )
    for b in broken:
        print(f"  left out (sample generator): {b}")
    threads = max(1, (os.cpu_count() or 1) // args.workers)
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(threads,)) as pool:
        chosen = pick_seeds(sources, scan_seeds, args.recipe)
        if args.recipe:
            found = sum(1 for v in chosen.values() if v)
            print(f"recipe {args.recipe!r}: a scan seed found for {found} of {len(sources)} forms")
        paths = make_scans(pool, chosen, args.settings, args.cache)
        scans = [load_scan(name, p) for name, ps in paths.items() for p in ps]
        print(
            f"bench_scans: {len(sources)} forms (seeds {args.seeds}, kinds {', '.join(args.kinds)}) × scan seeds "
            f"{args.scan_seeds} × settings {', '.join(args.settings)}: {len(scans)} scans, "
            f"{sum(s.pages for s in scans)} pages; {args.workers} workers; cache {args.cache}",
            flush=True,
        )
        text = list(pool.map(_read, [str(p) for p in sources]))
        started = time.perf_counter()
        read_all(pool, scans)
        read_seconds = time.perf_counter() - started
        prepared = orient_rest(pool, scans, args.orientation_pass)
        plain = plain_sample(pool, scans)
    return {
        "run": {
            "seeds": args.seeds,
            "scan_seeds": args.scan_seeds,
            "settings": args.settings,
            "forms": len(sources),
            "workers": args.workers,
            "read_wall_seconds": round(read_seconds, 1),
            "pages_prepared_separately": prepared,
        },
        "scans": [
            {k: getattr(s, k) for k in ("setting", "pdf", "record", "forms", "error", "seconds", "rotations")}
            | {"rotation_source": s.rotation_source}
            for s in scans
        ],
        "plain": plain,
        "text": [{k: r[k] for k in ("pdf", "record", "error", "seconds")} for r in text],
    }


def report(raw: dict[str, Any], verbose: bool) -> dict[str, Any]:
    scans = []
    for r in raw["scans"]:
        scan = load_scan(r["setting"], Path(r["pdf"]))
        for k in ("record", "forms", "error", "seconds", "rotations", "rotation_source"):
            setattr(scan, k, r[k])
        scans.append(scan)
    by_setting: dict[str, list[Scan]] = {}
    for scan in scans:
        by_setting.setdefault(scan.setting, []).append(scan)
    facts = {s.pdf: field_facts(s) for s in scans}
    info = raw["run"]
    print(
        f"\nbench_scans: {info['forms']} forms (seeds {info['seeds']}) × scan seeds {info['scan_seeds']}: "
        f"{len(scans)} scans, {sum(s.pages for s in scans)} pages"
    )
    figures: dict[str, Any] = {"run": info, "settings": report_settings(by_setting, facts, raw.get("text", []))}
    figures["orientation"] = report_orientation(scans)
    figures["speed"] = report_speed(scans, raw["plain"], info["workers"])
    figures |= report_patterns(scans, facts)
    figures["by_choice"] = report_choices(scans, facts)
    if verbose:
        verbose_listing(scans, facts)
    return figures


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    saved = args.cache / "last-run.pickle"
    if args.rescore:
        raw = pickle.loads(saved.read_bytes())
    else:
        raw = run(args)
        saved.write_bytes(pickle.dumps(raw))
    figures = report(raw, args.verbose)
    print(
        f"\nbench_scans: {time.perf_counter() - started:.0f} s (pipeline {raw['run']['read_wall_seconds']:.0f} s wall)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
