"""Generality: how well ``extract`` reads forms laid out the way it was never tuned on.

Renders seeded layout variants of every kind (``samples/variants``) into a cache folder outside git, reads each with the full pipeline, and prints — per kind
and per layout variation — the share of fields read exactly and the silent numeric errors (a wrong
number neither in ``review`` nor in a failed check). Then the same with each kind's own template
removed (leave-one-template-out: the nearest template or the generic reader must read it), scored on
the common record; then the injected inconsistencies and how many were flagged.

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
    print(f"  {'':<{width}} {'forms':>5} {'fields':>7} {'exact':>9} {'silent':>7}")
    for name, s in sorted(groups.items()):
        print(f"  {name:<{width}} {s.forms:>5} {s.fields:>7} {pct(s):>9} {len(s.silent):>7}")  # type: ignore[attr-defined]


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
    from samples.variants.__main__ import parse_seeds, render_many, variant
    from samples.variants.content import load_all

    seeds = parse_seeds(args.seeds)
    contents = load_all(errors=[])
    jobs, broken = [], []
    for k in KINDS:
        for seed in seeds:
            try:
                variant(contents, k, seed, inject=True)
                jobs.append((k, seed))
            except Exception as exc:
                broken.append(f"{k}-{seed}: {type(exc).__name__}: {exc}")
    render_many(jobs, args.cache, inject=True)
    pdfs = [args.cache / f"{k}-{s}.pdf" for k, s in jobs]
    truths = {p: load_truth(p) for p in pdfs}
    results = run(pdfs, {}, args.workers)

    by_kind: dict[str, Score] = defaultdict(Score)
    by_var: dict[str, Score] = defaultdict(Score)
    failures: list[str] = []
    for pdf in pdfs:
        truth = truths[pdf]
        rec, err = results[pdf]
        s = score(truth, rec)
        s.forms = 1  # type: ignore[attr-defined]
        for key in [truth["kind"]] + [f"{v}={truth['layout'].get(v)}" for v in VARIATIONS]:
            group = by_kind if key == truth["kind"] else by_var
            g = group[key]
            g.add(s)
            g.forms = getattr(g, "forms", 0) + 1  # type: ignore[attr-defined]
        if err:
            failures.append(f"{pdf.name}: {err}")
        if args.verbose and (s.wrong or s.silent):
            print(f"{pdf.name} ({truth['content']}, {truth['layout'].get('family')}):")
            for w in s.silent:
                print(f"   SILENT {w}")
            for w in s.wrong[:40]:
                print(f"   wrong  {w}")
    total = Score()
    for s in by_kind.values():
        total.add(s)
    total.forms = len(pdfs)  # type: ignore[attr-defined]
    by_kind["all"] = total
    print(f"bench_generality: {len(pdfs)} variants (seeds {args.seeds}, kinds {', '.join(KINDS)}), cache {args.cache}")
    table("fields exact by kind", by_kind)
    table("fields exact by layout variation", by_var)
    for f in failures:
        print(f"  not read: {f}")
    for b in broken:
        print(f"  not rendered (sample generator): {b}")

    # leave-one-template-out
    own = {pdf.name: truths[pdf]["template"] for pdf in pdfs}
    exclude = {name: (t,) for name, t in own.items() if t and t != "generic"}
    loo = run(pdfs, exclude, args.workers)
    loo_kind: dict[str, Score] = defaultdict(Score)
    for pdf in pdfs:
        rec, _err = loo[pdf]
        s = score(truths[pdf], rec, only=COMMON_PREFIXES)
        key = f"{truths[pdf]['kind']} without {own[pdf.name]}"
        g = loo_kind[key]
        g.add(s)
        g.forms = getattr(g, "forms", 0) + 1  # type: ignore[attr-defined]
        if args.verbose and s.silent:
            print(f"LOO {pdf.name}: " + "; ".join(s.silent[:10]))
    table("leave-one-template-out (common record)", loo_kind, 44)

    injected = [(pdf, truths[pdf]["injected"][0]["kind"]) for pdf in pdfs if truths[pdf].get("injected")]
    by_inj: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pdf, kind in injected:
        by_inj[kind][0] += 1
        by_inj[kind][1] += bool(flagged_injection(truths[pdf], results[pdf][0]))
    print("\ninjected inconsistencies flagged")
    for kind, (n, k) in sorted(by_inj.items()):
        print(f"  {kind:<24} {k:>3} / {n}")
        if args.verbose and k < n:
            for pdf, kd in injected:
                if kd == kind and not flagged_injection(truths[pdf], results[pdf][0]):
                    print(f"     not flagged: {pdf.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
