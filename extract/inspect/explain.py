"""``extract explain``: per page, which templates' keywords matched, why the page was or was not taken
as a form, and for each form which fields were found and which were missed."""

from __future__ import annotations

from pathlib import Path

from extract.forms.segment import FormPages, PageScreen, continues
from extract.forms.templates import Template
from extract.model import Record
from extract.pipeline import Analysis, analyse, record_of
from extract.settings import DEFAULT_SETTINGS, Settings


def _keywords(t: Template, text: str) -> str:
    miss = t.missing(text)
    hit = [k for k in t.keywords if k not in miss]
    excl = [k for k in t.exclude_keywords if k in text]
    line = f"{t.id:<22} keywords {len(hit)}/{len(t.keywords)}"
    if miss:
        line += " — missing " + ", ".join(miss)
    if excl:
        line += " — excluded by " + ", ".join(excl)
    return line


def _page_verdict(a: Analysis, s: PageScreen, forms: dict[int, tuple[int, FormPages]]) -> str:
    page = a.pages.get(s.number)
    if s.number in forms:
        k, form = forms[s.number]
        if form.pages[0].number == s.number:
            span = f"pages {form.pages[0].number}–{form.pages[-1].number}" if len(form.pages) > 1 else "1 page"
            how = {
                "near": f"; the nearest template — not on the form: {', '.join(form.missing)}",
                "generic": "; no template matches: read by the generic reader (the shared vocabulary)",
            }.get(form.how, "")
            over = (
                f"\n  ! template {form.template.id} ({form.template.path}) overrides the bundled "
                f"{', '.join(form.overrode)}, which match this page too: are its keywords too broad?"
                if form.overrode
                else ""
            )
            return f"→ form {k} starts here: template {form.template.id} ({span}){how}{over}"
        prev = a.pages[s.number - 1]
        shared = page is not None and continues(prev, page, s)
        return f"→ continues form {k} (its table goes on: column borders shared={shared})"
    if any(u.page == s.number for u in a.unmatched):
        return f"→ NOT a known form: titled {s.title!r} and has a ruled table, but no template matches (reported)"
    if s.hits and (page is None or not page.grids):
        return "→ not a form: keywords match but the page has no ruled table (a contents or narrative page)"
    if s.title and (page is None or not page.grids):
        return f"→ not a form: names {s.title!r} but has no ruled table (a contents or narrative page)"
    if page is not None and page.grids:
        return "→ not a form: has a ruled table, but no template's keywords match and no 自评表 title"
    return "→ not a form: no template's keywords match (screened by text only, not parsed)"


def _fields(rec: Record, form: FormPages) -> list[str]:
    out = []
    found = {k: v for k, v in rec.provenance.items() if "[" not in k}
    for name, prov in found.items():
        raw = prov.raw if len(prov.raw) <= 30 else prov.raw[:29] + "…"
        out.append(f"    found   {name:<38} p{prov.page} {raw!r}")
    for name, why in ((p, "needs review") for p in rec.review):
        out.append(f"    REVIEW  {name:<38} {why}")
    for name in rec.gaps:
        out.append(f"    blank   {name:<38} (a gap: the form leaves it empty)")
    declared = {f.path for f in form.template.fields} | {h.path for h in form.template.header}
    for name in sorted(declared - set(found) - set(rec.review) - set(rec.gaps)):
        out.append(f"    missed  {name:<38} not found")
    out.append(
        f"    tables  indicators {len(rec.indicators)}, subtotals {len(rec.indicator_subtotals)}, "
        f"evaluators {len(rec.evaluators)}"
    )
    for c in rec.checks:
        detail = f" expected {c.expected} actual {c.actual} {c.unit or ''}" if c.expected is not None else ""
        why = f" ({'; '.join(c.details)})" if c.details and c.status != "pass" else ""
        out.append(f"    check   {c.id:<38} {c.status}{detail}{why}")
    return out


def explain(path: str | Path, page: int | None = None, settings: Settings = DEFAULT_SETTINGS) -> list[str]:
    """The explanation as lines of text."""
    a = analyse(path, settings, also=(page,) if page else ())
    forms = {p.number: (k, f) for k, f in enumerate(a.forms, start=1) for p in f.pages}
    lines = [f"{a.path}: {len(a.screens)} pages; templates: {', '.join(t.id for t in a.templates)}"]
    for s in a.screens:
        if page is not None and s.number != page:
            continue
        parsed = a.pages.get(s.number)
        grids = "not parsed" if parsed is None else f"{len(parsed.grids)} ruled table(s)"
        title = f"title {s.title!r}; " if s.title else ""
        lines.append(f"page {s.number}: {title}{len(s.text)} chars of text; {grids}")
        if s.text:
            lines.extend("  " + _keywords(t, s.text) for t in a.templates)
        lines.append("  " + _page_verdict(a, s, forms))
    for k, form in enumerate(a.forms, start=1):
        if page is not None and page not in [p.number for p in form.pages]:
            continue
        rec = record_of(a, form)
        lines.append(f"form {k}: template {form.template.id}, pages {[p.number for p in form.pages]}")
        lines.extend(_fields(rec, form))
    return lines
