"""Kind ``document``: a composite PDF, as archives hold them, put together from parts printed one by one.

The data file lists ``parts`` in page order. A part is

- ``{sample: <stem>}``: an existing single-form sample, rendered from ``samples/data/<stem>.yaml``;
- an inline form: ``{kind: project-national, ...}`` with the keys of a single-form data file of that kind
  (its own ``expected:`` and ``checks_expected:`` included, which that kind's checks verify);
- a non-form part of kind ``cover``, ``contents``, ``narrative`` or ``budget-table`` (see
  ``samples/forms/document_parts.py``).

Every part names ``pdf_pages``, its page numbers in the final PDF. A run of consecutive non-form parts is written
as the sheets of one workbook and printed in one go (one embedded font subset, footers numbered on through the
run); each form is printed from its own workbook, as the form builders make it. The part PDFs are made
reproducible and joined with pypdf, in order. ``expected_forms`` lists, in page order, each form's pages and the
main values the extractor should find (``template``, ``form``, ``score``, ``indicator_count``,
``checks_expected``); the checks confirm them against the form parts' own data.
"""

from __future__ import annotations

import importlib
import io
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from samples.forms import document_parts as parts_
from samples.forms.common import DATA_DIR, DataError, make_reproducible, new_workbook, print_to_pdf

SHEET_WRITERS: dict[str, Callable[[Workbook, Mapping[str, Any], str], Worksheet]] = {
    "cover": parts_.write_cover,
    "contents": parts_.write_contents,
    "narrative": parts_.write_narrative,
    "budget-table": parts_.write_budget_table,
}
PART_CHECKS: dict[str, Callable[[Sequence[Any], Mapping[str, Any], list[int], str], list[str]]] = {
    "cover": parts_.check_cover,
    "contents": parts_.check_contents,
    "narrative": parts_.check_narrative,
    "budget-table": parts_.check_budget_table,
}


# --- Parts ----------------------------------------------------------------------------------------------
def form_module(kind: str) -> ModuleType:
    name = kind.replace("-", "_")
    if kind in ("document", *SHEET_WRITERS) or not (Path(__file__).parent / f"{name}.py").exists():
        raise DataError(f"unknown form kind {kind!r}")
    return importlib.import_module(f"samples.forms.{name}")


def resolve(part: Mapping[str, Any], where: str) -> tuple[str, dict[str, Any]]:
    """(kind, data) of a part; a ``sample`` part is read from its data file."""
    if "sample" in part:
        path = DATA_DIR / f"{part['sample']}.yaml"
        if not path.exists():
            raise DataError(f"{where}.sample: no data file {path}")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sample_kind = str(data.get("kind", "shanxi-dept"))
        if sample_kind == "document":
            raise DataError(f"{where}.sample: a document cannot hold another document")
        return sample_kind, data
    kind = part.get("kind")
    if not isinstance(kind, str):
        raise DataError(f"{where}: a part needs a kind or a sample")
    return kind, dict(part)


def pdf_pages(part: Mapping[str, Any], where: str) -> list[int]:
    pages = part.get("pdf_pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(p, int) for p in pages):
        raise DataError(f"{where}.pdf_pages: expected a list of page numbers")
    return pages


def runs(data: Mapping[str, Any]) -> list[list[tuple[int, str, dict[str, Any]]]]:
    """The parts grouped as printed: each form alone, consecutive non-form parts together."""
    items = data.get("parts")
    if not isinstance(items, list) or not items:
        raise DataError("parts: expected a non-empty list")
    grouped: list[list[tuple[int, str, dict[str, Any]]]] = []
    for index, part in enumerate(items):
        kind, resolved = resolve(part, f"parts[{index}]")
        sheet = kind in SHEET_WRITERS
        if sheet and grouped and grouped[-1][0][1] in SHEET_WRITERS:
            grouped[-1].append((index, kind, resolved))
        else:
            grouped.append([(index, kind, resolved)])
    return grouped


# --- Rendering ------------------------------------------------------------------------------------------
def render(data: dict[str, Any], stem: str, workdir: Path) -> tuple[bytes, list[Path]]:
    """The joined PDF of the document and the workbooks it was printed from."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    workbooks = []
    printed = 0
    for number, run in enumerate(runs(data), 1):
        first_index, kind, first = run[0]
        if kind in SHEET_WRITERS:
            wb, ws = new_workbook("_", {})
            for index, part_kind, part in run:
                SHEET_WRITERS[part_kind](wb, part, f"parts[{index}]")
            wb.remove(ws)
            if printed:  # footers number on from the pages before (the first run starts at 1 anyway)
                wb.worksheets[0].page_setup.firstPageNumber = printed + 1
                wb.worksheets[0].page_setup.useFirstPageNumber = True
        else:
            wb = form_module(kind).build(first, f"{stem} parts[{first_index}]")
        xlsx = workdir / f"{stem}.part{number:02d}.xlsx"
        wb.save(xlsx)
        workbooks.append(xlsx)
        pdf = make_reproducible(print_to_pdf(xlsx, workdir).read_bytes(), f"{stem}.part{number:02d}")
        reader = PdfReader(io.BytesIO(pdf))
        printed += len(reader.pages)
        writer.append(reader)
    writer.add_metadata({"/Title": str(data.get("title", stem))})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), workbooks


# --- Checks ---------------------------------------------------------------------------------------------
def check(pdf_path: Path, data: dict[str, Any]) -> list[str]:
    """Pages of every part as declared, each part's own checks, ``expected_forms`` against the form parts."""
    import pdfplumber

    problems: list[str] = []
    declared: list[int] = []
    forms: list[tuple[int, str, dict[str, Any], list[int]]] = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        if len(pages) != data.get("pages"):
            problems.append(f"{len(pages)} pages, the data file says {data.get('pages')}")
        for number, page in enumerate(pages, 1):
            if not page.chars:
                problems.append(f"page {number}: no text layer")
        for run in runs(data):
            for index, kind, part in run:
                where = f"parts[{index}]"
                numbers = pdf_pages(data["parts"][index], where)
                declared += numbers
                if max(numbers) > len(pages):
                    problems.append(f"{where}: pages {numbers} past the end")
                elif kind in PART_CHECKS:
                    problems += PART_CHECKS[kind](pages, part, numbers, where)
                else:
                    forms.append((index, kind, part, numbers))
    if declared != list(range(1, len(declared) + 1)):
        problems.append(f"parts' pdf_pages are not 1, 2, … in order: {declared}")
    for index, kind, part, numbers in forms:
        problems += check_form(pdf_path, index, kind, part, numbers)
    return problems + check_expected_forms(data, forms)


def check_form(pdf_path: Path, index: int, kind: str, part: dict[str, Any], numbers: list[int]) -> list[str]:
    """The form kind's own checks, run on the form's pages cut out of the document."""
    from pypdf import PdfReader, PdfWriter

    checker = getattr(form_module(kind), "check", None)
    if checker is None:
        return []
    reader = PdfReader(pdf_path)
    writer = PdfWriter()
    for number in numbers:
        if number <= len(reader.pages):
            writer.add_page(reader.pages[number - 1])
    with tempfile.TemporaryDirectory(prefix="document-form-") as tmp:
        cut = Path(tmp) / "form.pdf"
        writer.write(cut)
        return [f"parts[{index}] ({kind}, pages {numbers}): {p}" for p in checker(cut, part)]


def check_expected_forms(data: Mapping[str, Any], forms: list[tuple[int, str, dict[str, Any], list[int]]]) -> list[str]:
    """Each ``expected_forms`` entry agrees with its form part (same order): pages, form, score, counts, checks."""
    expected = data.get("expected_forms")
    if not isinstance(expected, list) or len(expected) != len(forms):
        return [f"expected_forms: expected {len(forms)} entries, one per form part, in page order"]
    problems = []
    for number, (entry, (index, kind, part, pages)) in enumerate(zip(expected, forms, strict=True)):
        where = f"expected_forms[{number}]"
        record = part.get("expected") or {}
        wanted = {
            "pages": pages,
            "template": kind,
            "template_kind": (record.get("form") or {}).get("template_kind"),
            "form": record.get("form"),
            "score": record.get("score"),
            "indicator_count": len(record.get("indicators") or []),
            "checks_expected": [
                {k: c[k] for k in ("id", "field", "status") if k in c} for c in part.get("checks_expected") or []
            ],
        }
        for key, value in wanted.items():
            if key in entry and entry[key] != value:
                problems.append(f"{where}.{key}: {entry[key]!r}, but parts[{index}] gives {value!r}")
        for key in ("pages", "form", "score", "indicator_count"):
            if key not in entry:
                problems.append(f"{where}: no {key}")
    return problems
