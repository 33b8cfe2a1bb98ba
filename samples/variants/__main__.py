"""Command line: ``python -m samples.variants render|fixed|check``; see samples/variants/README.md."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from samples.forms.common import make_reproducible
from samples.variants.content import CONTENT_DIR, Content, load_all
from samples.variants.inject import inject as apply_injection
from samples.variants.inject import possible
from samples.variants.layout import FAMILIES, Layout, random_layout
from samples.variants.perturb import problems, redraw
from samples.variants.render import page_count, print_batch, render

FIXED_DIR = Path(__file__).resolve().parent / "fixed"
FIXED_SEEDS = range(0, 6)
PERTURB_SHARE = 0.7  # share of seeds whose amounts and scores are re-drawn (where the content allows)
INJECT_SHARE = 0.5  # with --inject: share of seeds that get one injected inconsistency


def compatible(content: Content, layout: Layout) -> bool:
    if content.kind != layout.kind:
        return False
    if layout.family == "shanxi":
        return content.budget is not None and "unit_name" in content.header
    if layout.family == "national_dept":
        return content.funds is not None and content.budget is None
    return True


def choose_content(contents: list[Content], layout: Layout, pinned: str | None = None) -> Content:
    """The content of a seed: rendezvous hashing over the compatible files, so adding a file moves few seeds."""
    if pinned is not None:
        for content in contents:
            if content.name == pinned:
                return content
        raise SystemExit(f"content {pinned!r} not found in {CONTENT_DIR}")
    options = [c for c in contents if compatible(c, layout)]
    if not options:
        raise SystemExit(f"no content file fits family {layout.family!r}")

    def weight(content: Content) -> str:
        return hashlib.sha256(f"{layout.kind}-{layout.seed}-{content.name}".encode()).hexdigest()

    return max(options, key=weight)


def variant(
    contents: list[Content],
    kind: str,
    seed: int,
    *,
    inject: bool,
    pinned: str | None = None,
    scaling: str | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The workbook and the truth (without ``pages``) of one seed; ``scaling`` in place of the layout's own
    (a sheet fitted to one page printed fitted to the page's width instead: ``render_many``'s ``reprint``)."""
    layout = random_layout(seed, kind)
    if scaling is not None and scaling != layout.scaling:
        layout = dataclasses.replace(layout, scaling=scaling)
    base = choose_content(contents, layout, pinned)
    rng = random.Random(f"variant-{kind}-{seed}")
    perturbed = rng.random() < PERTURB_SHARE and base.perturb != "none" and not problems(base)
    content = redraw(base, seed) if perturbed else base
    injected: list[dict[str, Any]] = []
    injection = None
    if inject and not problems(content) and rng.random() < INJECT_SHARE:
        kinds = possible(content, layout.level1)
        if kinds:
            content, injection = apply_injection(content, rng.choice(kinds), rng)
    rendered = render(content, layout)
    if injection is not None:
        injected.append(
            {"kind": injection.kind, "path": injection.path, "printed": rendered.fields.get(injection.path)}
        )
    truth = {
        "seed": seed,
        "kind": kind,
        "content": base.name,
        "perturbed": perturbed,
        "layout": layout.as_dict(),
        "template": layout.template,
        "pages": None,
        "intended_pages": rendered.intended_pages,
        "fields": rendered.fields,
        "injected": injected,
    }
    return rendered.workbook, truth


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds += list(range(int(first), int(last or first) + 1))
    return seeds


def render_many(
    jobs: list[tuple[str, int]],
    out: Path,
    *,
    inject: bool,
    pinned: str | None = None,
    force: bool = False,
    manifest: dict[str, str] | None = None,
    reprint: dict[str, str] | None = None,
) -> list[Path]:
    """Render each (kind, seed) to ``out``/<kind>-<seed>.pdf and .truth.json; pairs already there are kept.
    ``reprint``: stem -> why, the sheets printed fitted to the page's width instead of their layout's scaling
    (noted in the truth as ``reprinted``)."""
    errors: list[str] = []
    contents = load_all(errors=errors)
    for error in errors:
        print(f"warning: skipped {error}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    todo = [
        (kind, seed)
        for kind, seed in jobs
        if force or not ((out / f"{kind}-{seed}.pdf").exists() and (out / f"{kind}-{seed}.truth.json").exists())
    ]
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="variants-") as tmp:
        work = Path(tmp)
        truths: dict[str, dict[str, Any]] = {}
        files = []
        for kind, seed in todo:
            stem = f"{kind}-{seed}"
            chosen = (manifest or {}).get(stem, pinned)
            why = (reprint or {}).get(stem)
            scaling = "fit_width" if why else None
            workbook, truth = variant(contents, kind, seed, inject=inject, pinned=chosen, scaling=scaling)
            if why:
                truth["reprinted"] = why
            workbook.save(work / f"{stem}.xlsx")
            files.append(work / f"{stem}.xlsx")
            truths[stem] = truth
        for pdf in print_batch(files, work):
            stem = pdf.stem
            data = make_reproducible(pdf.read_bytes(), stem)
            target = out / f"{stem}.pdf"
            target.write_bytes(data)
            truth = truths[stem]
            truth["pages"] = page_count(target)
            (out / f"{stem}.truth.json").write_text(
                json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            written.append(target)
    return written


def fixed() -> int:
    """Regenerate the committed fixed set. ``manifest.json`` pins each seed's content file, so content files
    added later do not change the set; delete it to let the seeds choose again."""
    manifest_path = FIXED_DIR / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
    for old in FIXED_DIR.glob("*"):
        if old != manifest_path:
            old.unlink()
    jobs = [(kind, seed) for kind in FAMILIES for seed in FIXED_SEEDS]
    written = render_many(jobs, FIXED_DIR, inject=True, force=True, manifest=manifest)
    if manifest is None:
        manifest = {
            pdf.stem: json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))["content"]
            for pdf in written
        }
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in FIXED_DIR.glob("*"))
    print(f"{len(written)} variants in {FIXED_DIR} ({size / 1e6:.2f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.variants", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("render", help="render seeded variants (PDF + truth.json), skipping those present")
    run.add_argument("--kinds", default="project,department")
    run.add_argument("--seeds", default="0-9", help="e.g. 0-29 or 1000-1199,5")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--inject", action="store_true", help="inject one inconsistency into a share of seeds")
    run.add_argument("--content", help="use this content file for every seed (its name)")
    run.add_argument("--force", action="store_true", help="render again even when present")
    sub.add_parser("fixed", help=f"regenerate the committed fixed set in {FIXED_DIR}")
    sub.add_parser("check", help="load every content file and report errors and inconsistencies")
    args = parser.parse_args(argv)
    if args.command == "check":
        errors: list[str] = []
        for content in load_all(errors=errors):
            found = problems(content)
            print(f"{content.name}: {content.kind}, {len(content.rows())} indicators, perturb {content.perturb}")
            for problem in found:
                print(f"  inconsistent as written: {problem}")
        for error in errors:
            print(f"error: {error}")
        return 1 if errors else 0
    if args.command == "fixed":
        return fixed()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    for kind in kinds:
        if kind not in FAMILIES:
            parser.error(f"--kinds: unknown kind {kind!r} (project, department)")
    jobs = [(kind, seed) for kind in kinds for seed in parse_seeds(args.seeds)]
    written = render_many(jobs, args.out, inject=args.inject, pinned=args.content, force=args.force)
    print(f"{len(written)} rendered, {len(jobs) - len(written)} already present in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
