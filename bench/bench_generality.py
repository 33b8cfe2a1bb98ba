"""Generality: how well ``extract`` reads forms laid out the way it was never tuned on.

Renders seeded layout variants of every kind (``samples/variants``) into a cache folder outside git,
reads each with the full pipeline, and prints — per kind and per layout variation — the share of
fields read exactly and the silent numeric errors (a wrong number neither in ``review`` nor in a
failed check). Then the same with each kind's own template removed (leave-one-template-out: the
nearest template or the generic reader must read it), scored on the common record; then the injected
inconsistencies and how many were flagged.

    make bench     (or: python bench/bench_generality.py [--seeds 5000-5029] [--cache DIR] [--verbose])

Seeds: 0–5 are the committed fixed set the tests read; 100–999 are for development (look at them, fix
what they show); 5000 and up are held out: the benchmark's figures, never looked at field by field.

Targets (issue 9): ≥ 99 % fields exact and 0 silent numeric errors; leave-one-template-out ≥ 90 % of
the common record and 0 silent errors; every injected inconsistency flagged.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.truth import COMMON, Score, flagged_injection, load_truth, score  # noqa: E402

KINDS = ("project", "department")
COMMON_PREFIXES = (*COMMON, "funds.unit", "funds.rows.", "goals.", "indicators[", "indicator_subtotals[", "score.")
VARIATIONS = (
    "family",
    "level1",
    "indicator_label",
    "orientation",
    "scaling",
    "page_breaks",
    "print_titles",
    "unit_placement",
    "amount_unit",
    "thousands",
    "rate_format",
    "spaced_labels",
    "header_wrap",
    "header_rows",
    "year_style",
    "header_pairs",
    "font",
    "template_rows",
    "transposed_funds",
)


def _read(job: tuple[str, tuple[str, ...]]) -> tuple[str, Any, str | None]:
    from extract import errors
    from extract.pipeline import extract_file
    from extract.settings import Settings

    pdf, exclude = job
    try:
        records = extract_file(pdf, Settings(exclude_templates=exclude))
    except errors.ExtractError as exc:
        return pdf, None, str(exc)
    return pdf, records[0] if records else None, None


def run(pdfs: list[Path], exclude: dict[str, tuple[str, ...]], workers: int) -> dict[Path, tuple[Any, str | None]]:
    jobs = [(str(p), exclude.get(p.name, ())) for p in pdfs]
    with ProcessPoolExecutor(workers) as pool:
        return {Path(p): (rec, err) for p, rec, err in pool.map(_read, jobs, chunksize=2)}


def pct(s: Score) -> str:
    return f"{100 * s.exact / s.fields:6.2f} %" if s.fields else "     — "


def table(title: str, groups: dict[str, Score], width: int = 34) -> None:
    print(f"\n{title}")
    print(f"  {'':<{width}} {'forms':>5} {'fields':>7} {'exact':>9} {'silent':>7} {'blank!':>7}")
    for name, s in sorted(groups.items()):
        print(f"  {name:<{width}} {s.forms:>5} {s.fields:>7} {pct(s):>9} {len(s.silent):>7} {len(s.blank):>7}")


def render(seeds: list[int], cache: Path) -> tuple[list[Path], list[str]]:
    """The variants of ``seeds`` (rendered into ``cache`` unless there), and those the generator cannot build."""
    from samples.variants.__main__ import render_many, variant
    from samples.variants.content import load_all

    contents = load_all(errors=[])
    jobs, broken = [], []
    for k in KINDS:
        for seed in seeds:
            try:
                variant(contents, k, seed, inject=True)
                jobs.append((k, seed))
            except Exception as exc:
                broken.append(f"{k}-{seed}: {type(exc).__name__}: {exc}")
    render_many(jobs, cache, inject=True)
    return [cache / f"{k}-{s}.pdf" for k, s in jobs], broken


def group(groups: dict[str, Score], key: str, s: Score) -> None:
    if key in groups:
        groups[key].add(s)
    else:
        groups[key] = Score(s.fields, s.exact, list(s.wrong), list(s.silent), list(s.blank), s.forms)


def accuracy(
    pdfs: list[Path], truths: dict[Path, Any], results: dict[Path, tuple[Any, str | None]], verbose: bool
) -> None:
    by_kind: dict[str, Score] = {}
    by_var: dict[str, Score] = {}
    for pdf in pdfs:
        truth, (rec, err) = truths[pdf], results[pdf]
        s = score(truth, rec)
        group(by_kind, truth["kind"], s)
        group(by_kind, "all", s)
        for v in VARIATIONS:
            group(by_var, f"{v}={truth['layout'].get(v)}", s)
        if err:
            print(f"  not read: {pdf.name}: {err}")
        if verbose and (s.wrong or s.silent):
            print(f"{pdf.name} ({truth['content']}, {truth['layout'].get('family')}):")
            for w in s.silent:
                print(f"   SILENT {w}")
            for w in s.blank:
                print(f"   BLANK! {w}")
            for w in s.wrong[:40]:
                print(f"   wrong  {w}")
    table("fields exact by kind", by_kind)
    table("fields exact by layout variation", by_var)


def leave_one_out(pdfs: list[Path], truths: dict[Path, Any], workers: int, verbose: bool) -> None:
    """Each variant read without its kind's own template: the nearest template or the generic reader."""
    own = {pdf.name: truths[pdf]["template"] for pdf in pdfs}
    exclude = {name: (t,) for name, t in own.items() if t and t != "generic"}
    loo = run(pdfs, exclude, workers)
    groups: dict[str, Score] = {}
    for pdf in pdfs:
        s = score(truths[pdf], loo[pdf][0], only=COMMON_PREFIXES)
        name = own[pdf.name]
        group(groups, f"{truths[pdf]['kind']} " + (f"without {name}" if name != "generic" else "(generic already)"), s)
        if verbose and s.silent:
            print(f"LOO {pdf.name}: " + "; ".join(s.silent[:10]))
    table("leave-one-template-out (common record)", groups, 44)


def injections(pdfs: list[Path], truths: dict[Path, Any], results: dict[Path, tuple[Any, str | None]]) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: list[str] = []
    for pdf in pdfs:
        if truths[pdf].get("injected"):
            kind = truths[pdf]["injected"][0]["kind"]
            flagged = bool(flagged_injection(truths[pdf], results[pdf][0]))
            counts[kind][0] += 1
            counts[kind][1] += flagged
            if not flagged:
                missed.append(f"{pdf.name} ({kind})")
    print("\ninjected inconsistencies flagged")
    for kind, (n, k) in sorted(counts.items()):
        print(f"  {kind:<24} {k:>3} / {n}")
    for m in missed:
        print(f"  not flagged: {m}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seeds", default="5000-5029")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "extract-variants",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--verbose", action="store_true", help="list every wrong field and silent error")
    args = parser.parse_args()
    from samples.variants.__main__ import parse_seeds

    pdfs, broken = render(parse_seeds(args.seeds), args.cache)
    truths = {p: load_truth(p) for p in pdfs}
    print(f"bench_generality: {len(pdfs)} variants (seeds {args.seeds}, kinds {', '.join(KINDS)}), cache {args.cache}")
    for b in broken:
        print(f"  not rendered (sample generator): {b}")
    results = run(pdfs, {}, args.workers)
    accuracy(pdfs, truths, results, args.verbose)
    leave_one_out(pdfs, truths, args.workers, args.verbose)
    injections(pdfs, truths, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
