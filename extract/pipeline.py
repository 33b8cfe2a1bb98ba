"""The pipeline: load → pages → tables/cells → template → fields → amounts → checks → record.

``extract_file`` reads as the list of its steps; each step is a module of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .amounts import find_amounts
from .checks import Facts, run_checks
from .errors import UnknownFormError
from .fields import Extraction, extract_fields
from .load import load
from .model import AmountInText, PageContent, Record, Source
from .pages import read_pages
from .record import build_record
from .settings import DEFAULT_SETTINGS, Settings
from .templates import TEMPLATES_DIR, Template, load_templates, match, norm


@dataclass(frozen=True, slots=True)
class FormPages:
    """One form found in a document: its template and its pages."""

    template: Template
    pages: tuple[PageContent, ...]


def templates_for(settings: Settings) -> tuple[Template, ...]:
    from .templates import default_templates

    if not settings.template_dirs:
        return default_templates()
    return load_templates((TEMPLATES_DIR, *settings.template_dirs))


def _pick(templates: tuple[Template, ...], text: str, path: str, page: int) -> Template | None:
    hits = match(templates, text)
    if not hits:
        return None
    tied = [t.id for t in hits if t.priority == hits[0].priority]
    if len(tied) > 1:
        raise UnknownFormError(f"ambiguous form: templates {', '.join(tied)} all match", path=path, page=page)
    return hits[0]


def find_forms(pages: Sequence[PageContent], templates: tuple[Template, ...], path: str) -> list[FormPages]:
    """Split the document into forms: a form starts on a page that carries its title keyword and
    matches its template (alone or with the next page), and runs on while the following pages hold
    tables and start no new form."""
    forms: list[FormPages] = []
    i = 0
    while i < len(pages):
        text = pages[i].text
        nxt = pages[i + 1].text if i + 1 < len(pages) else ""
        template = _pick(templates, text, path, pages[i].number) or _pick(templates, text + nxt, path, pages[i].number)
        if template is None or template.keywords[0] not in norm(text):
            i += 1
            continue
        j = i + 1
        while j < len(pages) and pages[j].grids and not any(t.keywords[0] in norm(pages[j].text) for t in templates):
            j += 1
        forms.append(FormPages(template, tuple(pages[i:j])))
        i = j
    return forms


def _amounts(template: Template, ex: Extraction) -> list[AmountInText]:
    out: list[AmountInText] = []
    for fp in template.amount_fields:
        value = ex.value(fp)
        out.extend(find_amounts(fp, value if isinstance(value, str) else None, template.strip_label_prefixes))
    return out


def _facts(ex: Extraction, amounts: list[AmountInText]) -> Facts:
    """What the checks read."""
    values = {k: f.value for k, f in ex.fields.items()}
    rows = {name: [{k: f.value for k, f in row.items()} for row in rows] for name, rows in ex.rows.items()}
    return Facts(values, amounts, rows.get("indicators", []), rows.get("indicator_subtotals", []))


def extract_form(form: FormPages, source: Source) -> Record:
    ex, _sheet = extract_fields(form.template, form.pages)
    amounts = _amounts(form.template, ex)
    checks = run_checks(form.template.rules, _facts(ex, amounts))
    return build_record(form.template, source, ex, amounts, checks)


def extract_file(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> list[Record]:
    """Every form in one PDF, in page order. Raises an ``ExtractError`` naming the file and reason."""
    templates = templates_for(settings)
    loaded = load(path)
    try:
        pages = read_pages(loaded, settings.page)
    finally:
        loaded.close()
    forms = find_forms(pages, templates, loaded.path)
    if not forms:
        sideways = [str(p.number) for p in pages if p.method == "sideways"]
        if sideways:
            raise UnknownFormError(
                f"no known form found; text runs sideways on page {', '.join(sideways)} "
                "(rotated content is read once OCR handles it)",
                path=loaded.path,
            )
        if not any(p.text for p in pages):
            raise UnknownFormError("no text layer on any page (scanned PDF? OCR is not enabled)", path=loaded.path)
        raise UnknownFormError(path=loaded.path)
    records = []
    for form in forms:
        methods = {p.method for p in form.pages}
        source = Source(
            path=loaded.path,
            sha256=loaded.sha256,
            page_count=len(pages),
            form_pages=[p.number for p in form.pages],
            method="mixed" if len(methods) > 1 else methods.pop(),
            ocr_engine=None,
        )
        records.append(extract_form(form, source))
    return records
