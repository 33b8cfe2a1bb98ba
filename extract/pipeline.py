"""The pipeline: load → pages → tables/cells → template → fields → amounts → checks → record.

``extract_file`` reads as the list of its steps; each step is a module of its own.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from extract.checks import Facts, run_checks
from extract.errors import CorruptPdfError, UnknownFormError, printable, stamped
from extract.forms.amounts import find_amounts
from extract.forms.extraction import Extraction
from extract.forms.fields import extract_fields
from extract.forms.listtables import resum_subtotals
from extract.forms.rowsums import name_rows_by_sums
from extract.forms.segment import FormPages, PageScreen, Unmatched, candidates, screen, split_forms
from extract.forms.templates import Template, load_templates
from extract.model import SCORE_KEYS, AmountInText, Check, Field, PageContent, Record, Source
from extract.pdf.load import LoadedPdf, load
from extract.pdf.pages import read_pages
from extract.records.build import build_record
from extract.schemas import TEMPLATES_DIR
from extract.settings import DEFAULT_SETTINGS, Settings

log = logging.getLogger(__name__)


def templates_for(settings: Settings) -> tuple[Template, ...]:
    from extract.forms.templates import default_templates

    found = (
        default_templates() if not settings.template_dirs else load_templates((TEMPLATES_DIR, *settings.template_dirs))
    )
    return tuple(t for t in found if t.id not in settings.exclude_templates)


@dataclass(frozen=True, slots=True)
class Document:
    """Everything found in one PDF: a record per form, and form-like pages no template matched."""

    records: list[Record]
    unmatched: list[Unmatched]
    page_count: int
    sha256: str = ""  # of the bytes read
    warnings: tuple[str, ...] = ()  # e.g. a user's template that took a page from bundled ones


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
    for name, table in rows.items():  # a block's rows of their own (funds.other_rows[0].executed): scalars too
        if "." in name:
            values.update({f"{name}[{i}].{k}": v for i, row in enumerate(table) for k, v in row.items()})
    numbers = frozenset(p for p in ex.review if (f := ex.get(p)) is not None and f.source != "computed")
    return Facts(values, amounts, rows.get("indicators", []), rows.get("indicator_subtotals", []), numbers)


def _flag_unconfirmed(ex: Extraction, checks: list[Check]) -> None:
    """The figures of a sum that holds only through a figure in review: were that one misread, so would be
    another (two misreadings that cancel), so none of them is confirmed — each goes to review."""
    from extract.checks.base import UNCONFIRMED

    for c in checks:
        if c.status == "warn" and any(UNCONFIRMED in d for d in c.details):
            for path in c.fields:
                if ex.get(path) is not None:
                    ex.flag(path, f"{c.id} holds only through a figure in review: not confirmed by it")


ROW_SUMS = ("total_score", "indicator_subtotals")  # the checks that add up an indicator table's rows


def _flag_rows_unconfirmed(ex: Extraction, checks: list[Check]) -> None:
    """A scanned indicator table whose total score did not read, and whose rows no sum confirms (no check
    adding them up passed): a row lost to the scan (its cells joined to the row above, its name unread)
    leaves no trace there, so the table may miss rows — it is in review as a whole (a small-print scan lost
    the last of its 26 rows, its printed scores passed as not printed)."""
    if not ex.rows.get("indicators") or any(c.id in ROW_SUMS and c.status == "pass" for c in checks):
        return
    total = ex.get("score.total")
    if total is None or total.value is None or "score.total" in ex.review:
        ex.flag("indicators", "the total score is not read and no sum of the rows holds: rows may be missing")


def _flag_derived(ex: Extraction, checks: list[Check]) -> None:
    """A subtotal the form does not print is the sum of its group's scores: where one of them is flagged
    (a failed check, review), so is the sum."""
    flagged = set(ex.review) | {f for c in checks if c.status == "fail" for f in c.fields}
    if any(c.id == "total_score" and c.status == "fail" for c in checks):  # some score is wrong: any
        flagged |= {f"indicators[{j}].score" for j in range(len(ex.rows.get("indicators", [])))}
    if any(p.startswith("indicators[") and p.endswith("].level1") for p in flagged):  # some group unsure: any
        flagged |= {f"indicators[{j}].level1" for j in range(len(ex.rows.get("indicators", [])))}
    # a level-1 name in review (an indicator's or a subtotal row's): one whose name was lost ran into the group
    # above (its subtotal missing), a row named as no group may be the total row: the list of groups is unsure
    if any(p.startswith(("indicators[", "indicator_subtotals[")) and p.endswith("].level1") for p in flagged):
        ex.flag("indicator_subtotals", "a level-1 name is in review: groups may be missing, merged or extra")
    rows = ex.rows.get("indicators", [])
    for i, sub in enumerate(ex.rows.get("indicator_subtotals", [])):
        score = sub.get("score")
        if score is None or score.source != "computed" or sub.get("level1") is None:
            continue
        group = [
            j for j, r in enumerate(rows) if r.get("level1") is not None and r["level1"].value == sub["level1"].value
        ]
        if any(f"indicators[{j}].{k}" in flagged for j in group for k in ("score", "level1")):
            ex.flag(f"indicator_subtotals[{i}].score", "computed from a score that is flagged")
    if any(c.id == "indicator_subtotals" and c.status == "fail" for c in checks):  # a group lost or merged
        ex.flag("indicator_subtotals", "a subtotal does not add up: a group may be missing, merged or misread")
    elif any(c.id == "total_score" and c.status == "fail" for c in checks) and ex.rows.get("indicator_subtotals"):
        ex.flag("indicator_subtotals", "the total does not add up: a group may be missing, merged or misread")
    _flag_unsure_subtotals(ex, flagged)


def _flag_unconfirmed_groups(ex: Extraction, template: Template) -> bool:
    """On a scan, an indicator's figure is confirmed by the sum it is part of: its level-1 group's printed
    subtotal. Where that sum cannot be made — a figure of the group, or the subtotal itself, read as blank or
    in review — the group's other OCR figures of that column are confirmed by nothing and go to review (a
    5.00 read as 3.00 beside two blank scores passed as clean). Only columns the form sums in subtotal rows
    are weighed (a subtotal printed for some group, or a template whose groups are subtotal rows); a group's
    rows that print no figure at all (其中 sub-rows) are no part of its sums. Runs before the checks, which then
    take these figures as in doubt (no sum passes through one); whether anything was put in review."""
    spec = template.tables.get("indicators")
    rows, subs = ex.rows.get("indicators", []), ex.rows.get("indicator_subtotals", [])
    scored = {
        j for j, r in enumerate(rows) if any((f := r.get(k)) is not None and f.value is not None for k in SCORE_KEYS)
    }
    before = len(ex.review)
    for key in SCORE_KEYS:
        paths = [f"indicator_subtotals[{i}].{key}" for i in range(len(subs))]
        printed = [(f := sub.get(key)) is not None and f.value is not None and f.source != "computed" for sub in subs]
        as_rows = spec is not None and spec.level1 == "subtotal_rows" and any(c.name == key for c in spec.columns)
        if not any(printed) and not as_rows:
            continue  # the form prints no subtotal of this column: its figures are the total's to confirm
        for i, sub in enumerate(subs):
            if sub.get("level1") is None:
                continue
            name = sub["level1"].value
            figures = [
                f"indicators[{j}].{key}"
                for j, r in enumerate(rows)
                if r.get("level1") is not None and r["level1"].value == name and j in scored
            ]
            read = [ex.get(p) for p in figures]
            whole = all(f is not None and f.value is not None for f in read) and not set(figures) & set(ex.review)
            if printed[i] and paths[i] not in ex.review and whole:
                continue  # the sum can be made: the check confirms the group, or fails on it
            if printed[i] and paths[i] not in ex.review and (s := sub.get(key)) is not None and s.source == "ocr":
                figures, read = [*figures, paths[i]], [*read, s]  # the printed subtotal: confirmed by nothing too
            for p, f in zip(figures, read, strict=True):
                if f is not None and f.value is not None and f.source == "ocr":
                    ex.flag(p, f"not confirmed: the {key} sum of its group ({name}) cannot be made")
    return len(ex.review) > before


_ROW_SUMS = (  # a funds row's figures that confirm one another: 执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率
    ("full_year_budget", "executed", "execution_rate"),
    ("set_score", "execution_rate", "score"),
)
_FUNDS_ROW = re.compile(r"^(funds\.(?:rows\.\w+|other_rows\[\d+\]))\.\w+$")


def _flag_unconfirmed_sums(ex: Extraction, checks: list[Check]) -> None:
    """On a scan, a figure is confirmed by the arithmetic it is part of: a funds row's (execution rate,
    score), a balance the template checks (the budget block's). Where a figure of that arithmetic is in
    review (unread, misread), the others are confirmed by nothing — unless a check that passed holds them —
    and go to review (a total 执行数 2431.62 read as 2131.62 passed as clean beside a budget and a rate that
    did not read; a 调整预算 84.90 read as 81.90 beside an unread year-end balance). A figure the form does
    not print (blank, not in review) is no such case: what it prints is left to the checks that can be made.
    A total score that does not add up, where no group's subtotal fails to (which would name the group),
    puts every score no passing sum holds in review (the wrong one is among them: a 1.4 read as 1.1 in a
    group with no printed subtotal)."""
    held = {f for c in checks if c.status == "pass" for f in c.fields}
    rows = {m.group(1) for p in [*ex.fields, *ex.review, *_row_paths(ex)] if (m := _FUNDS_ROW.match(p))}
    sums = [[f"{row}.{k}" for k in figures] for row in sorted(rows) for figures in _ROW_SUMS]
    sums += [list(c.fields) for c in checks if c.status == "skipped"]  # a balance a figure of which is unread
    status = {c.id: c.status for c in checks}
    if status.get("total_score") == "fail" and status.get("indicator_subtotals") != "fail":  # a wrong score: where?
        for p in _score_paths(ex):
            f = ex.get(p)
            if f is not None and isinstance(f.value, Decimal) and f.source == "ocr" and p not in held:
                ex.flag(p, "the total score does not add up and no sum that passed holds this score")
    _flag_sums(ex, sums, held)


def _flag_unconfirmed_figures(
    ex: Extraction, checks: list[Check], run: Callable[[Extraction], list[Check]]
) -> list[Check]:
    """The OCR figures no sum confirms, in review (``_flag_unconfirmed_sums``, ``_flag_unconfirmed_sets``); the
    checks, run again where a sum now holds only through figures in review."""
    _flag_unconfirmed_sums(ex, checks)
    return run(ex) if _flag_unconfirmed_sets(ex, checks) else checks


def _scored_row(row: dict[str, Field]) -> bool:
    return any((f := row.get(k)) is not None and f.value is not None for k in SCORE_KEYS)


def _flag_sums(ex: Extraction, sums: list[list[str]], held: set[str]) -> None:
    """Of each sum a figure of which is in review, the other OCR figures no passing check holds: in review."""
    for paths in sums:
        unread = [p for p in paths if p in ex.review and not isinstance(getattr(ex.get(p), "value", None), str)]
        if not unread:
            continue
        for p in paths:
            f = ex.get(p)
            if f is None or not isinstance(f.value, Decimal) or f.source != "ocr" or p in ex.review or p in held:
                continue
            ex.flag(p, f"not confirmed: {', '.join(unread)} in review, the sum it is part of cannot be made")


def _flag_unconfirmed_sets(ex: Extraction, checks: list[Check]) -> bool:
    """On a scan of a form that prints no group's set score (产出指标 | 数量指标 | … with the points on the rows
    only), the rows' set scores are confirmed by one sum alone: they make the form's total set score (100).
    Where one of them is in review (unread, misread) that sum cannot be made (``check_total_score`` makes it
    only with every one read), and the others no passing check holds are confirmed by nothing (a 4 read as 1
    beside an unread 8 passed as clean): in review. (Where groups print their set scores,
    ``_flag_unconfirmed_groups`` weighs each group's sum.) Whether anything was put in review: the checks
    then run again."""
    subs = ex.rows.get("indicator_subtotals", [])
    if any((f := sub.get("set_score")) is not None and f.value is not None and f.source != "computed" for sub in subs):
        return False
    rows = ex.rows.get("indicators", [])
    paths = [f"indicators[{j}].set_score" for j, r in enumerate(rows) if _scored_row(r)]
    if len(paths) < 2:
        return False
    held = {f for c in checks if c.status == "pass" for f in c.fields}
    before = len(ex.review)
    _flag_sums(ex, [paths], held)
    return len(ex.review) > before


def _score_paths(ex: Extraction) -> list[str]:
    subs = [f"indicator_subtotals[{i}].score" for i in range(len(ex.rows.get("indicator_subtotals", [])))]
    return subs + [f"indicators[{j}].score" for j in range(len(ex.rows.get("indicators", [])))]


def _row_paths(ex: Extraction) -> list[str]:
    return [f"{name}[{i}].{k}" for name, rows in ex.rows.items() if "." in name for i, r in enumerate(rows) for k in r]


def _flag_unsure_subtotals(ex: Extraction, flagged: set[str]) -> None:
    """A subtotal row with one field flagged is an unsure row: a figure of it read as blank (a score beside
    a set score misread) is in review too, never passed as not printed. A row named as no group (its level-1
    name in review) may be the total row read as one more group: the form's totals are in review if not read
    (the list of groups is, see ``_flag_derived``)."""
    for i in range(len(ex.rows.get("indicator_subtotals", []))):
        paths = [f"indicator_subtotals[{i}].{k}" for k in ("level1", "set_score", "score")]
        if not any(p in flagged for p in paths):
            continue
        for p in paths[1:]:  # only blanks: a figure read stays as its checks left it (they run again alike)
            if p not in flagged and ((f := ex.get(p)) is None or f.value is None):
                ex.flag(p, "read as blank beside a field of this subtotal row in review")
        if paths[0] in flagged:
            for total in ("score.total_set", "score.total"):
                if (f := ex.get(total)) is None or f.value is None:
                    ex.flag(total, "not read, and a row named as no level-1 group may be the total row")


def _flag_near_blanks(ex: Extraction, template: Template) -> None:
    """Read with the nearest template, a figure of its own that it did not find is in doubt, not a gap the form
    leaves: it looks where another kind of form prints it (总分（100分） in the label, where this form prints
    总分 | 100 | 97 in columns) — in review, never passed as not printed."""
    specs = [(h.path, h.type) for h in template.header] + [(f.path, f.type) for f in template.fields]
    for path, kind in specs:
        f = ex.fields.get(path)
        if kind in _NUMERIC_TYPES and (f is None or f.value is None) and path not in ex.review:
            ex.flag(path, "not found by the nearest template (the form may print it where that template does not look)")


def _flag_unknown_groups(ex: Extraction) -> None:
    """A level-1 name read by OCR that is none the forms use (效色模 for 效益指标) is a misreading until a
    person says otherwise: in review, never passed as a group name."""
    from extract.forms.vocabulary import vocabulary

    vocab = vocabulary()
    for table in ("indicators", "indicator_subtotals"):
        for row in ex.rows.get(table, []):
            f = row.get("level1")
            if f is None or f.source != "ocr" or not isinstance(f.value, str) or not f.value.strip():
                continue
            if not vocab.is_group_name(f.value):
                ex.flag(f.name, f"level-1 name {f.value!r} is none the forms use (misread?)")
    _flag_lost_points(ex)
    _flag_incomplete_groups(ex)
    _flag_total_as_group(ex)


def _flag_no_groups(ex: Extraction, template: Template) -> None:
    """Indicators read on a scan with no level-1 name at all and no subtotal: the level-1 column was not
    read (its header and names garbled, 投入（3分） and its points with them). Forms whose template has level-1
    groups (all but those that print none: ``level1: none``) group every indicator under one: the groups and
    their points are in review, never passed as a form that has none."""
    spec = template.tables.get("indicators")
    if spec is None or spec.level1 == "none":
        return
    rows = ex.rows.get("indicators", [])
    if rows and not ex.rows.get("indicator_subtotals") and all(r.get("level1") is None for r in rows):
        ex.flag("indicator_subtotals", "no level-1 name read on the scan: the groups and their points are not known")


def _flag_no_money_block(ex: Extraction, template: Template) -> None:
    """A scan read with no figure of a money block (the funds block, a department's budget block) though the
    template declares one (the generic reader's may or may not be printed): its label was misread, or the
    block lost. Every form prints one: the sections declared are in review, never passed as a form that
    prints no money."""
    paths = [*(m.path for m in template.matrices), *(f.path for f in template.fields)]
    sections = {p.split(".")[0] for p in paths if p.startswith(("funds.", "budget."))}
    if not sections:
        return  # the reader knows no money block
    rows = (f for table, found in ex.rows.items() if table.startswith("funds.") for row in found for f in row.values())
    fields = (f for p, f in ex.fields.items() if p.split(".")[0] in sections)
    if any(f is not None and isinstance(f.value, Decimal) for f in (*fields, *rows)):
        return
    for section in sorted(sections):
        ex.flag(section, "no figure of its money block read on the scan (the label misread, or the block lost)")


_NUMERIC_TYPES = ("money", "number", "percent")


def _flag_partly_read(ex: Extraction, template: Template) -> None:
    """On a scan, a block of label fields read in part (上年结转金额 and 年末结余金额 found, 预算调整金额 not: its
    label misread; 按支出性质分 found, 基本支出 and 项目支出 not) has the fields whose labels were not found in
    review; so have the form's totals where its indicators were read and its total row was not (总分 misread).
    A form prints its whole blocks and its totals: a label OCR lost is not a figure the form does not print."""
    numeric = [f.path for f in template.fields if f.type in _NUMERIC_TYPES]
    blocks: dict[str, list[str]] = {}
    for p in numeric:  # a block: the fields of one section or sub-block (budget.*, funds.by_income.*)
        if not p.startswith("score."):
            blocks.setdefault(p.rsplit(".", 1)[0], []).append(p)
    for declared in blocks.values():
        seen = [p for p in declared if p in ex.fields and (ex.fields[p].value is not None or p in ex.review)]
        if seen and len(declared) > 1:
            for p in declared:
                if p not in ex.fields:
                    ex.flag(p, "not found on the scan where the rest of its block was read (its label misread?)")
    _flag_row_patterns(ex, template)
    if ex.rows.get("indicators"):
        for p in ("score.total", "score.total_set"):
            if p in numeric and p not in ex.fields:
                ex.flag(p, "the total row not found on the scan where the indicators were read (its label misread?)")


def _flag_row_patterns(ex: Extraction, template: Template) -> None:
    """On a scan, a funds row's figure a template reads by a pattern (预算执行情况（20分）: the total row's set
    score) that did not match, where the rest of its row was read: in review, not passed as not printed."""
    for h in template.header:
        row = h.path.rsplit(".", 1)[0] + "."
        f = ex.fields.get(h.path)
        unread = h.type in _NUMERIC_TYPES and h.path.startswith("funds.rows.") and (f is None or f.value is None)
        if unread and any(k.startswith(row) and g.value is not None for k, g in ex.fields.items()):
            ex.flag(h.path, "not found on the scan where the rest of its row was read (its label misread?)")


def _flag_lost_points(ex: Extraction) -> None:
    """A group's set score printed in its name (效益指标（30分）) is lost with a name OCR misread (蔡指), its
    score (the sum of its rows) with a row's score unread: where other groups have theirs, the blank one is
    said in review, never passed as not printed."""
    subtotals = ex.rows.get("indicator_subtotals", [])
    for key in ("set_score", "score"):
        if not any(r.get(key) is not None and r[key].value is not None for r in subtotals):
            continue
        for i, row in enumerate(subtotals):
            f = row.get(key)
            if f is None or f.value is None:
                ex.flag(f"indicator_subtotals[{i}].{key}", f"{key} not read where the other groups have theirs")


def _flag_total_as_group(ex: Extraction) -> None:
    """The total row (合计 100 | 93.70) read as one more level-1 group, its label misread past the table's
    end labels: a last group whose set score is 100 and the sum of all the other groups' is the form's total,
    no group — its figures are in review, never passed as a group's."""
    subtotals = ex.rows.get("indicator_subtotals", [])
    sets = [row.get("set_score") for row in subtotals]
    values = [f.value if f is not None and isinstance(f.value, Decimal) else None for f in sets]
    if len(values) < 3 or values[-1] != Decimal(100) or any(v is None for v in values[:-1]):
        return
    if sum((v for v in values[:-1] if v is not None), Decimal(0)) == values[-1]:
        last = len(subtotals) - 1
        for key, f in subtotals[-1].items():
            if f is not None and f.value is not None and key != "level1":
                ex.flag(
                    f"indicator_subtotals[{last}].{key}",
                    "the set scores of the other groups add up to it: the total row?",
                )


def _flag_incomplete_groups(ex: Extraction) -> None:
    """Indicator rows without a level-1 name on a form whose other rows have one: a group name was not
    read (a name stacked down a cell, cut by a page break), so the list of groups and their subtotals may
    lack one — said in review, never passed as the form's whole list."""
    rows = ex.rows.get("indicators", [])
    named = [r.get("level1") is not None and r["level1"].value not in (None, "") for r in rows]
    if any(named) and not all(named) and ex.rows.get("indicator_subtotals"):
        ex.flag(
            "indicator_subtotals", f"{named.count(False)} indicator rows have no level-1 name: a group may be missing"
        )


def quality(record: Record, consequences: int = 0, checks: frozenset[str] | None = None) -> int:
    """How much a reading of a form holds up: values read, less what needs review (``consequences`` of its
    review entries left out: figures in review only because a sum they are part of could not be made) or
    fails a check (of ``checks`` only, where given: two readings are weighed by the checks both make — a
    template's own balance failing on a figure the generic reader does not read at all is no mark against
    the template's reading)."""
    filled = sum(1 for p in record.provenance.values() if p.raw.strip())
    counted = [c for c in record.checks if checks is None or c.id in checks]
    failed = sum(1 for c in counted if c.status == "fail")
    passed = sum(1 for c in counted if c.status == "pass")
    return filled + 2 * passed - 3 * (len(record.review) - consequences) - 5 * failed


def extract_form(form: FormPages, source: Source, damage: tuple[str, ...] = ()) -> Record:
    """The checked record of one form. A form read with the nearest template, or whose template finds no
    funds block where it expects one (another layout of the kind), is also read by the generic reader; the
    reading that holds up better is kept (a generic reading carries a ``template`` review entry)."""
    record, consequences = _extract_form(form, source, damage)
    for other, missing in form.others:  # as near by keywords and labels (a scan): the reading that holds up best
        candidate, cons = _extract_form(dataclasses.replace(form, template=other, missing=missing), source, damage)
        both = frozenset(c.id for c in record.checks) & frozenset(c.id for c in candidate.checks)
        if quality(candidate, cons, both) > quality(record, consequences, both):
            record, consequences = candidate, cons
    structural = any(p == "funds.rows" or (p.startswith("funds.rows.") and "." not in p[11:]) for p in record.review)
    if form.alternative is not None and (form.how == "near" or structural):
        alternative = dataclasses.replace(form, template=form.alternative, how="generic")
        generic, generic_consequences = _extract_form(alternative, source, damage)
        both = frozenset(c.id for c in record.checks) & frozenset(c.id for c in generic.checks)
        if quality(generic, generic_consequences, both) > quality(record, consequences, both):
            return _unread_by(generic, record)
    return record


def _unread_by(generic: Record, record: Record) -> Record:
    """The generic reading kept over a template's: what the template read on the form (or looked for there,
    in vain) and the generic reader has no field for (the unit's phone, the evaluators) goes to review, so a
    figure the form prints is never passed off as not printed."""
    read = [p for p, v in record.provenance.items() if v.raw.strip()]  # and the fields it looked for, in vain:
    held = set(generic.provenance) | {k.rsplit(".", n)[0] for k in generic.provenance for n in (1, 2)}
    lost = [p for p in dict.fromkeys([*read, *record.review]) if p not in held]  # a block it read is not lost
    review = {*generic.review, *lost}
    totals = {"score.total": generic.score.total, "score.total_set": generic.score.total_set}
    if any(p in review for p in totals):  # a form prints its two totals together: one unsure, the other too
        lost += [p for p, v in totals.items() if v is None and p not in review]
    if not lost:
        return generic
    log.info(
        "%s: kept the generic reading; %s read %d fields it has not: %s",
        generic.source.path,
        record.template,
        len(lost),
        ", ".join(lost[:8]),
    )
    return dataclasses.replace(generic, review=list(dict.fromkeys([*generic.review, *lost])))


def _second_reading(
    ex: Extraction,
    checks: list[Check],
    form: FormPages,
    engine: str,
    ocr_pages: Collection[int],
    run: Callable[[Extraction], list[Check]],
) -> tuple[Extraction, list[Check]]:
    """Uncertain OCR numbers (and those of failed checks, and all on pages of print hard to read) read again
    by the other engine; a disagreement repaired only where arithmetic decides; the subtotals the form does not
    print summed again from the rows as they now read."""
    from extract.scan.reread import repair, reread

    suspects = {f for c in checks if c.status == "fail" for f in c.fields}
    pages = {p.number: p for p in form.pages}
    doubted = frozenset(n for n in ocr_pages if _legibility(pages[n]))  # print hard to read
    ex, alternatives = reread(ex, pages, engine, suspects, doubted)
    ex, checks = repair(ex, alternatives, run) if alternatives else (ex, run(ex))
    if resum_subtotals(ex):  # a row whose figures only the second reading read was no part of its group's sum
        checks = run(ex)
    return ex, checks


def _extract_form(form: FormPages, source: Source, damage: tuple[str, ...] = ()) -> tuple[Record, int]:
    """The record of one form read with its template, and how many of its review entries are there only
    because a sum they are part of could not be made (``_flag_unconfirmed_groups``, ``_flag_unconfirmed_sums``:
    not a mark of how well this reading read — the reading that reads more figures has more of them)."""
    ex, _sheet = extract_fields(form.template, form.pages)
    ocr_pages = {p.number for p in form.pages if p.method == "ocr"}
    ex.mark_ocr(ocr_pages, every_page=len(ocr_pages) == len(form.pages))
    if ocr_pages:
        name_rows_by_sums(ex, form.template.rules)  # a block's row whose label a seal hid, named by its sums
        _flag_unknown_groups(ex)
        _flag_no_groups(ex, form.template)
        _flag_no_money_block(ex, form.template)
        _flag_partly_read(ex, form.template)
    if damage:  # read from a damaged file: what was lost cannot be told, so nothing of it is clean
        more = f" (and {len(damage) - 1} more problems)" if len(damage) > 1 else ""
        ex.flag("source", f"damaged PDF, read in part: {damage[0]}{more}")
    if form.how == "near":
        ex.flag("template", f"read with the nearest template; not on the form: {', '.join(form.missing)}")
        _flag_near_blanks(ex, form.template)
    elif form.how == "generic":
        ex.flag("template", "read by the generic reader: no template knows this kind of form")
    amounts = _amounts(form.template, ex)

    def run(e: Extraction) -> list[Check]:
        return run_checks(form.template.rules, _facts(e, amounts))

    checks = run(ex)
    if source.ocr_engine is not None:  # uncertain OCR numbers: read again, repair only where arithmetic decides
        ex, checks = _second_reading(ex, checks, form, source.ocr_engine, ocr_pages, run)
    before = len(ex.review)
    if ocr_pages and _flag_unconfirmed_groups(ex, form.template):
        checks = run(ex)
    if ocr_pages:
        checks = _flag_unconfirmed_figures(ex, checks, run)
    consequences = len(ex.review) - before  # figures in review for another's sake, not misread themselves
    _flag_unconfirmed(ex, checks)
    _flag_derived(ex, checks)
    if ocr_pages:
        _flag_rows_unconfirmed(ex, checks)
    to_page = {p.number: p.to_page for p in form.pages if p.to_page is not None}
    return build_record(form.template, source, ex, amounts, checks, to_page), consequences


@dataclass(frozen=True, slots=True)
class Analysis:
    """The intermediates of one file: the page screen, the pages parsed in full, the forms found."""

    path: str
    sha256: str
    templates: tuple[Template, ...]
    screens: list[PageScreen]
    pages: dict[int, PageContent]
    forms: list[FormPages]
    unmatched: list[Unmatched]
    ocr_engine: str | None = None
    damage: tuple[str, ...] = ()  # what the PDF parser had to skip or repair (data lost in a stream …)
    too_small: dict[int, str] = dataclasses.field(default_factory=dict)  # scanned page -> why it cannot be read
    cut: frozenset[int] = frozenset()  # pages left out by --pages right after a form: it may go on there


def analyse(path: str | Path, settings: Settings = DEFAULT_SETTINGS, also: tuple[int, ...] = ()) -> Analysis:
    """Load, screen every page, parse the candidate pages (and pages ``also``), split into forms."""
    templates = templates_for(settings)
    with stamped(printable(str(path))), _DamageWatch() as watch:  # every error of the file names it
        return _analyse(path, settings, also, templates, watch)


class _DamageWatch(logging.Handler):
    """Collects what the PDF parser reports while one file is read: data lost in a stream, objects it had
    to repair. Such messages go nowhere else (never to stderr)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.logger = logging.getLogger("pdfminer")

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().replace("\n", " ")[:200])

    def __enter__(self) -> _DamageWatch:
        self.logger.addHandler(self)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self)
        self.logger.propagate = self.propagate


def _analyse(
    path: str | Path, settings: Settings, also: tuple[int, ...], templates: tuple[Template, ...], watch: _DamageWatch
) -> Analysis:
    from extract.scan.ocr.base import configure_threads
    from extract.scan.scanscreen import MIN_PAGES as SCREEN_MIN_PAGES

    configure_threads(settings.ocr.threads)  # a batch's worker: 1; else the engine's choice
    loaded = load(path, settings.budgets)
    try:
        texts = loaded.page_texts()
        screens = screen([t for t, _ in texts], templates, [img for _, img in texts])
        allowed = _allowed(settings.pages, len(screens), loaded.path)  # --pages: the rest are not read at all
        wanted = sorted((set(candidates(screens)) | {n for n in also if 1 <= n <= len(screens)}) & allowed)
        scans = {s.number for s in screens if s.needs_ocr} & allowed  # every image page without a text layer
        skipped = _screen_scans(loaded, scans, also)
        wanted = [n for n in wanted if n not in skipped]
        scanned = scans - skipped
        lean = len(scans) >= SCREEN_MIN_PAGES  # a long scanned document: no images of non-form pages kept
        pages = {p.number: p for p in read_pages(loaded, settings.page, wanted, scanned, settings.ocr, lean)}
        # a scan with a scanner's own (invisible) text layer: the text names a form but there is no ruled
        # table in it to read — the image is read instead
        wrapped = {
            n
            for n in wanted
            if n not in scanned
            and texts[n - 1][1]
            and not pages[n].grids
            and (screens[n - 1].hits or screens[n - 1].title)
        }
        if wrapped:
            pages.update(
                {p.number: p for p in read_pages(loaded, settings.page, sorted(wrapped), wrapped, settings.ocr)}
            )
            scanned |= wrapped
        if scanned:  # screen the scanned pages again, from what OCR read
            screens = _rescreen(screens, texts, pages, scanned, templates)
        # a scanned table printed too small to read (a long form fitted on one sheet) makes no form: what
        # OCR made of glyphs a few pixels tall is not a reading (see _no_form for the error)
        small = _too_small(pages, scanned)
        forms, unmatched = split_forms(_without(pages, small), screens, templates, loaded.path)
        # a scanned page that reads as a form's table, in no form found, after a page the cheap screen
        # skipped: that page may be the form's first, its title misread in the screen's band — read it
        for _ in range(READ_BACK):
            if not (back := _read_back(pages, forms, skipped)):
                break
            pages.update(
                {p.number: p for p in read_pages(loaded, settings.page, sorted(back), back, settings.ocr, lean)}
            )
            scanned |= back
            skipped -= back
            screens = _rescreen(screens, texts, pages, scanned, templates)
            small = _too_small(pages, scanned)
            forms, unmatched = split_forms(_without(pages, small), screens, templates, loaded.path)
        # a form's table may run on over more pages than the screen looked at: read on while it continues
        while more := sorted(({f.pages[-1].number + 1 for f in forms} & allowed) - set(pages)):
            ocr = scans & set(more)  # a scanned page the screen skipped is read now, by OCR
            pages.update({p.number: p for p in read_pages(loaded, settings.page, more, ocr, settings.ocr, lean)})
            scanned |= ocr
            small = _too_small(pages, scanned)
            forms, unmatched = split_forms(_without(pages, small), screens, templates, loaded.path)
        small |= _hard_to_read(_without(pages, small), scanned, forms)
        loaded.check_unchanged()  # what was read are the bytes that were hashed
    finally:
        loaded.close()
    engine = settings.ocr.engine if scanned else None
    damage = tuple(dict.fromkeys(watch.messages))
    cut = frozenset(n for f in forms if (n := f.pages[-1].number + 1) <= len(screens) and n not in allowed)
    return Analysis(loaded.path, loaded.sha256, templates, screens, pages, forms, unmatched, engine, damage, small, cut)


def _allowed(pages: tuple[int, ...], count: int, path: str) -> set[int]:
    """The pages to read: every page, or those of ``Settings.pages`` the file has (none: an error)."""
    every = set(range(1, count + 1))
    if not pages:
        return every
    chosen = every & set(pages)
    if not chosen:
        shown = ",".join(map(str, pages[:5])) + ("…" if len(pages) > 5 else "")
        raise UnknownFormError(f"no page {shown} in this file (it has {count} pages; --pages)", path=path)
    return chosen


def _too_small(pages: dict[int, PageContent], scanned: set[int]) -> dict[int, str]:
    """Scanned pages whose ruled table prints too small to read at all: page -> why (``_legibility``)."""
    why = {n: _legibility(pages[n], TINY_ROW_PX, TINY_LINE_PX) for n in sorted(scanned) if n in pages}
    return {n: w for n, w in why.items() if w}


def _hard_to_read(pages: dict[int, PageContent], scanned: set[int], forms: list[FormPages]) -> dict[int, str]:
    """Scanned pages printed small enough to doubt (``_legibility``) that make no form: what OCR made of
    them is no reading, and the reason for it is their print (their table's size in the scan)."""
    taken = {p.number for f in forms for p in f.pages}
    why = {n: _legibility(pages[n]) for n in sorted(scanned - taken) if n in pages}
    return {n: w for n, w in why.items() if w}


def _without(pages: dict[int, PageContent], drop: dict[int, str]) -> dict[int, PageContent]:
    return {n: p for n, p in pages.items() if n not in drop}


def _cell_text(page: PageContent) -> str:
    """An OCR page's text for matching: the lines outside the table, then each cell's text as one string
    (a header word wrapped over two lines of its cell, 年度指标 / 值, is 年度指标值 again)."""
    cells = ["".join(c.text.split()) for g in page.grids for c in g.cells]
    return "\n".join([*(ln.text for ln in page.free_lines), *(c for c in cells if c)])


def _screen_scans(loaded: LoadedPdf, scans: set[int], also: tuple[int, ...]) -> set[int]:
    """Scanned pages not worth a full OCR pass: a long scanned document is screened cheaply first
    (``scanscreen``); a page that names a form, the page after it, and every page the screen is unsure
    of are read. Few scanned pages are read whole."""
    from extract.scan.scanscreen import MIN_PAGES, screen_scans

    if len(scans) < MIN_PAGES:
        return set()
    verdicts = screen_scans(loaded.path, sorted(scans), loaded.budgets.render_pixels)
    keep = {n for n, v in verdicts.items() if v.verdict != "skip"}
    keep |= {n + 1 for n, v in verdicts.items() if v.verdict == "form"} | set(also)
    # a form's pages may name nothing the band reads (年度：2022 | 填报单位（公章）, a title read in part, its
    # narrative cells) while another page of its table does: a run of pages read that holds a form page
    # (gaps of up to LOOK_BACK pages bridged) is read whole, and the LOOK_BACK pages before it
    read = set(keep)
    for n in sorted(n for n, v in verdicts.items() if v.verdict == "form"):
        start, end = n, n  # the run of pages read around n, across gaps of up to LOOK_BACK pages
        while gap := next((g for g in range(1, LOOK_BACK + 2) if start - g in read), 0):
            start -= gap
        while gap := next((g for g in range(1, LOOK_BACK + 2) if end + g in read), 0):
            end += gap
        keep |= {p for p in range(start - LOOK_BACK, end + 1) if p in verdicts}
    return scans - keep


LOOK_BACK = 2  # pages read before a page the screen takes for a form (a form's title and narrative pages)
READ_BACK = 6  # at most this many pages the screen skipped read again, back from a form's table in no form


def _rescreen(
    screens: list[PageScreen],
    texts: list[tuple[str, bool]],
    pages: dict[int, PageContent],
    scanned: set[int],
    templates: tuple[Template, ...],
) -> list[PageScreen]:
    """The screen of the scanned pages again, from what OCR read of them."""
    redone = screen(
        [_cell_text(pages[n]) if n in scanned and n in pages else t for n, (t, _) in enumerate(texts, 1)],
        templates,
        fuzzy=True,
    )
    return [
        dataclasses.replace(r, needs_ocr=True) if r.number in scanned else s
        for s, r in zip(screens, redone, strict=True)
    ]


def _read_back(pages: dict[int, PageContent], forms: list[FormPages], skipped: set[int]) -> set[int]:
    """Pages the cheap screen skipped right before a scanned page whose ruled table reads as a form's
    (指标, 分值, 得分 …) but that is in no form found, or starts one untitled (read by a template its other
    keywords name, or by the generic reader) or one only the generic reader took: the form's first page, its
    title band misread."""
    from extract.scan.scanscreen import names_a_form

    taken = {
        p.number
        for f in forms
        for p in f.pages
        if not (f.untitled or f.how == "generic") or p.number != f.pages[0].number
    }
    return {
        n - 1
        for n, p in pages.items()
        if n - 1 in skipped and n not in taken and p.method == "ocr" and p.grids and names_a_form(_cell_text(p))
    }


def extract_document(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Every form in one PDF, in page order. Raises an ``ExtractError`` naming the file and reason
    when the file cannot be read or holds no form at all."""
    a = analyse(path, settings)
    read = sorted(a.pages)
    ocr = [n for n in read if a.pages[n].method == "ocr"]
    log.info(
        "%s: %d pages, %d read in full (%d by OCR), %d forms: %s",
        a.path,
        len(a.screens),
        len(read),
        len(ocr),
        len(a.forms),
        ", ".join(f"{f.template.id} p{f.pages[0].number}-{f.pages[-1].number}" for f in a.forms) or "none",
    )
    if not a.forms and a.damage:  # the form may be what was lost: failed with the reason, never "not a form"
        more = f" (and {len(a.damage) - 1} more problems)" if len(a.damage) > 1 else ""
        raise CorruptPdfError(f"damaged PDF, no form could be read: {a.damage[0]}{more}", path=a.path)
    warnings = tuple(
        f"p{form.pages[0].number}: template {form.template.id!r} ({form.template.path}) overrides the bundled "
        f"{', '.join(form.overrode)}, which match the page too"
        for form in a.forms
        if form.overrode
    )
    records, small, kept = _kept_records(a)
    tiny = {n: why for n, why in a.too_small.items() if _legibility(a.pages[n], TINY_ROW_PX, TINY_LINE_PX)}
    unread = {**{n: w for n, w in a.too_small.items() if n not in tiny}, **small}
    if unread and settings.ocr.prep.detect_scale < 1.0:  # small print refused: its lines detected at full size
        again = _read_finer(path, settings, sorted(unread), a.cut)
        finer, _, kept_again = _kept_records(again)
        found = {p for r in finer for p in r.source.form_pages}
        records = sorted([*records, *finer], key=lambda r: r.source.form_pages[0])
        kept.update({n: w for n, w in kept_again.items() if n in found})
        unread = {n: w for n, w in unread.items() if n not in found}
    if not records:
        _no_form(a.path, a.pages, a.screens, a.unmatched, {**tiny, **unread})
    warnings += (
        tuple(
            f"p{n}: not read: its ruled table is printed too small to read in this scan ({why})"
            for n, why in sorted({**tiny, **{n: w for n, w in unread.items() if n not in small}}.items())
        )
        + tuple(
            f"p{n}: not read: its print is small in this scan ({why}) and its indicator table did not read whole"
            for n, why in small.items()
            if n in unread
        )
        + tuple(
            f"p{n}: read, though its print is small in this scan ({why}): its indicator table read whole; "
            "figures OCR doubted are in review"
            for n, why in kept.items()
        )
    )
    return Document(records, a.unmatched, len(a.screens), a.sha256, warnings)


def _kept_records(a: Analysis) -> tuple[list[Record], dict[int, str], dict[int, str]]:
    """The records of the forms ``analyse`` found that are kept, the pages refused as small print (a form
    whose indicator table did not read whole) and the small-print pages kept: page -> why."""
    records: list[Record] = []
    small: dict[int, str] = {}
    kept: dict[int, str] = {}
    for form in a.forms:
        record = record_of(a, form)
        # print hard to read in the scan's own pixels (any reader), or a few points tall (the generic
        # reader): kept where the indicator table read whole, else what OCR made of it is no reading
        doubt = {
            p.number: why
            for p in form.pages
            if p.method == "ocr"
            and (why := _legibility(p) or (_small_print(p) if record.template == "generic" else None))
        }
        if doubt and not _table_read(record):
            small.update(doubt)
            continue
        kept.update(doubt)
        records.append(record)
    return records, small, kept


def _read_finer(path: str | Path, settings: Settings, pages: list[int], cut: frozenset[int]) -> Analysis:
    """Scanned pages refused as small print, read again with their lines of print detected on the page
    at full size (``PrepSettings.detect_scale`` 1.0): the page reduced by half, as every page is first,
    merges or loses lines of a few pixels — a 3-pt form scanned at 300 dpi is refused so, and reads 96 of
    its 98 numbers at full size. Not every page: at full size the detector splits the lines of 5-pt print
    that the reduced page reads whole (a 200-dpi scan: 41 numbers of 56 read → its table no longer reads
    whole), and it costs two to three times as much. What the pages read is held to the same test."""
    prep = dataclasses.replace(settings.ocr.prep, detect_scale=1.0)
    finer = dataclasses.replace(settings, ocr=dataclasses.replace(settings.ocr, prep=prep), pages=tuple(pages))
    again = analyse(path, finer)
    # the pages after these were left out here, not by --pages: a form does not go on there unless it did
    return dataclasses.replace(again, cut=again.cut & cut)


def record_of(a: Analysis, form: FormPages) -> Record:
    """The checked record of one form found by ``analyse``."""
    methods = {"ocr" if p.method == "ocr" else "text" for p in form.pages}
    source = Source(
        path=printable(os.path.abspath(a.path)),  # the tables join on it: never relative to a cwd
        sha256=a.sha256,
        page_count=len(a.screens),
        form_pages=[p.number for p in form.pages],
        method="mixed" if len(methods) > 1 else next(iter(methods)),
        ocr_engine=a.ocr_engine if "ocr" in methods else None,
    )
    record = extract_form(form, source, a.damage)
    if form.pages[-1].number + 1 in a.cut:  # --pages stopped before the next page: the form may go on there
        record = dataclasses.replace(record, review=[*record.review, "source.form_pages"])
    return record


def _no_form(
    path: str,
    pages: dict[int, PageContent],
    screens: list[PageScreen],
    unmatched: list[Unmatched],
    tiny: dict[int, str],
) -> None:
    if unmatched:
        u = unmatched[0]
        raise UnknownFormError(f"page titled {u.title!r} matches no template", path=path, page=u.page)
    titled = [s for s in screens if s.title and s.number in pages and not pages[s.number].grids]
    if titled:  # a form's title reads, but no table was found under it: say so, it is not "no form"
        s = titled[0]
        where = "in the scan (rulings too faint or broken?)" if pages[s.number].method == "ocr" else "on the page"
        raise UnknownFormError(f"page titled {s.title!r}: no ruled table found {where}", path=path, page=s.number)
    sideways = [str(p.number) for p in pages.values() if p.method == "sideways"]
    if sideways:
        raise UnknownFormError(
            f"no known form found; text runs sideways on page {', '.join(sideways)} "
            "(rotated content is read once OCR handles it)",
            path=path,
        )
    if not any(s.text for s in screens):
        raise UnknownFormError("no text on any page (no text layer, and no image with text to read)", path=path)
    if tiny:  # a long form fitted on one sheet: glyphs of a few pixels, nothing a recogniser (or a reader) makes out
        n, why = next(iter(tiny.items()))
        raise UnknownFormError(
            f"no known form found: the ruled table on page {n} is printed too small to read in this scan ({why}); "
            "scan the paper at a higher resolution",
            path=path,
            page=n,
        )
    if blotted := _illegible(pages):  # the table's text reads as no words: say why there is no form
        n, why = blotted
        raise UnknownFormError(
            f"no known form found: the ruled table on page {n} reads as no words in this scan ({why}: print "
            "blotted, faint or broken); a cleaner scan may read",
            path=path,
            page=n,
        )
    raise UnknownFormError(path=path)


ILLEGIBLE_CONFIDENCE = 0.6  # median OCR confidence of a table's cells below which its text is no reading (blotted
# 1-bit copies read 0.36–0.50; a poor 1-bit photocopy whose form is read, 0.76; clean scans 0.95 and up)
ILLEGIBLE_CELLS = 20  # … over this many cells at least (a table, not a few boxes)


def _illegible(pages: dict[int, PageContent]) -> tuple[int, str] | None:
    """The first scanned page with a ruled table whose cells OCR read at a median confidence too low for
    any reading (``ILLEGIBLE_CONFIDENCE``), with the figures; None if there is none."""
    import statistics

    for n, page in sorted(pages.items()):
        confidences = [c.confidence for g in page.grids for c in g.cells if c.text.strip()]
        if page.method != "ocr" or len(confidences) < ILLEGIBLE_CELLS:
            continue
        median = statistics.median(confidences)
        if median < ILLEGIBLE_CONFIDENCE:
            return n, f"its {len(confidences)} cells read at a median OCR confidence of {median:.2f}"
    return None


SMALL_ROW_PX = 24  # one-line rows lower than this many of the scan's own pixels hold glyphs hard to read …
SMALL_LINE_PX = 22  # … and so do lines of print whose detected boxes (glyphs and margins) are lower (median)
# (``scan.prep.LEGIBLE_LINE_PX``, by which orientation leaves such a page as it lies: tests hold them equal)
TINY_ROW_PX = 12  # below these, glyphs of 5–6 pixels: no reading at all (``_too_small``)
TINY_LINE_PX = 10


def _legibility(page: PageContent, rows_px: int = SMALL_ROW_PX, lines_px: int = SMALL_LINE_PX) -> str | None:
    """Why a scanned page's table prints too small to read well, or None. What decides is the print's size
    in the scan's own pixels (a page rendered finer than it was scanned holds no more detail): a 4-pt form
    reads from a 300-dpi scan, not from a 150-dpi one. The detector draws a line of print a few pixels tall
    as a box of 5–6 pt (its margins), so either measure alone misses some such pages: rows split by the
    rulings, or lines of print. Below ``TINY_*`` a page is not read; between those and ``SMALL_*`` it is
    read, and kept where its indicator table read whole (``_table_read``)."""
    dpi = min(page.scan_dpi or page.scale * 72, page.scale * 72)
    px = dpi / 72
    row = _row_height(page)
    if row * px < rows_px:
        return (
            f"its rows {row:.1f} pt tall, {row * px:.0f} pixels at the scan's {dpi:.0f} dpi; "
            f"a line of print needs {rows_px} or more"
        )
    if (line := _line_height(page)) * px < lines_px:
        return (
            f"its lines of print {line:.1f} pt tall with their margins, {line * px:.0f} pixels at the scan's "
            f"{dpi:.0f} dpi; a form's are {lines_px} or more"
        )
    return None


SMALL_ROW_PT = 10.0  # one-line rows lower than this print at 5 pt or less (forms: 17 pt and up) …
SMALL_LINE_PT = 7.75  # … and so do lines of print whose detected boxes are lower than this (median; forms: 10 pt)


def _small_print(page: PageContent) -> str | None:
    """Why a scanned page prints small (legible in the scan, ``_legibility``, but a few points tall), or
    None. Such a page is read by a form's own template, or by the generic reader only where it read the
    indicator table whole (``_table_read``): what it makes of small print otherwise (a header or two
    garbled past reading, faint figures missed) passes whole columns as blank."""
    row = _row_height(page)
    if row < SMALL_ROW_PT:
        return f"rows {row:.1f} pt tall"
    if (line := _line_height(page)) < SMALL_LINE_PT:
        return f"lines of print {line:.1f} pt tall"
    return None


TABLE_READ_ROWS = 5  # a reading of print hard to read is kept when it read this many indicators …
TABLE_READ_SHARE = 0.8  # … and this share of them with a 分值, and this share with a 得分


def _table_read(record: Record) -> bool:
    """The indicator table of print hard to read read whole: rows enough, each score column read on nearly
    all of them (not always the same rows: a form leaves a 得分 blank here, a clipped last row there). What
    OCR makes of print it cannot read is no table (no indicator, a few header words): refused."""
    rows = record.indicators
    least = TABLE_READ_SHARE * len(rows)
    set_scores = sum(1 for r in rows if r.set_score is not None)
    scores = sum(1 for r in rows if r.score is not None)
    return len(rows) >= TABLE_READ_ROWS and ((set_scores >= least and scores >= least) or _rows_add_up(record))


def _rows_add_up(record: Record) -> bool:
    """The form's own sums hold its indicator table: every level-1 group prints a score, read (not made
    by the sum), that is the sum of its rows' scores — each row that prints a figure has its score read, so
    the sum was made (the subtotal check passed, no sum of the rows failed) — and every scored row is in a
    group. A form that scores only some of its rows (a score per group of indicators, the other rows blank)
    reads whole so, though most rows print no score."""
    status = {c.id: c.status for c in record.checks}
    if status.get("indicator_subtotals") != "pass" or any(status.get(c) == "fail" for c in ROW_SUMS):
        return False
    groups = record.indicator_subtotals
    printed = [
        (p := record.provenance.get(f"indicator_subtotals[{i}].score")) is not None and bool(p.raw.strip())
        for i in range(len(groups))
    ]
    figured = [r for r in record.indicators if any(getattr(r, k) is not None for k in SCORE_KEYS)]
    return (
        bool(groups)
        and all(printed)
        and all(r.score is not None for r in figured)
        and {r.level1 for r in figured} == {g.level1 for g in groups}
    )


def _line_height(page: PageContent) -> float:
    """The height of a scanned page's detected lines of print with their margins (points: the median), on a
    page with a grid and 20 lines or more; infinite otherwise."""
    sizes = sorted(
        [*(ln.size for g in page.grids for c in g.cells for ln in c.lines), *(ln.size for ln in page.free_lines)]
    )
    return sizes[len(sizes) // 2] / 0.8 if page.grids and len(sizes) >= 20 else float("inf")


def _row_height(page: PageContent) -> float:
    """The height of a scanned page's one-line rows (points: the lower quartile of its one-row cells);
    infinite without a grid."""
    heights = sorted(c.bbox[3] - c.bbox[1] for g in page.grids for c in g.cells if c.row_span == 1)
    return heights[len(heights) // 4] if heights else float("inf")


def extract_file(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> list[Record]:
    """The records of every form in one PDF (see ``extract_document``)."""
    return extract_document(path, settings).records
