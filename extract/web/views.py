"""What the review app shows of one form: its pages with every field's box, its failed checks, its fields
(value as read, raw text, confidence, decision), its narratives with their amounts marked.

Plain data for the templates; every text from a PDF is escaped by the templates (Jinja2 autoescaping),
and the one piece of HTML made here (a narrative with its amounts marked) escapes the text itself.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import regex
from markupsafe import Markup, escape

from extract import model
from extract.model import Check, Correction, Record
from extract.records.corrections import ROW_TABLES, CorrectionError, latest, value_at

ROW = regex.compile(r"(?P<table>[a-z_]+)\[(?P<index>\d+)\]")


@dataclass(frozen=True, slots=True)
class Box:
    field: str
    x: float
    y: float
    w: float
    h: float
    kind: str  # field | flagged | narrative


@dataclass
class FieldRow:
    path: str
    value: str  # as it stands (after the decisions)
    read: str  # as read, where a correction changed it
    raw: str
    confidence: str
    method: str
    page: int | None
    why: list[str] = field(default_factory=list)  # review | a failed check's id
    decision: str = ""  # confirmed by … / corrected by …: reason

    @property
    def flagged(self) -> bool:
        return bool(self.why)

    @property
    def open(self) -> bool:
        """Asked about and not decided yet."""
        return bool(self.why) and not self.decision


@dataclass
class Narrative:
    path: str
    html: Markup


@dataclass
class FormView:
    record: Record
    failed: list[Check]
    others: list[Check]
    flagged: list[FieldRow]
    fields: list[FieldRow]
    narratives: list[Narrative]
    boxes: dict[int, list[Box]]


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def leaves(path: str) -> list[str]:
    """The correctable fields a flag stands for: a whole row (``amounts_in_text[1]``, ``indicators[3]``)
    stands for its amounts; a field stands for itself."""
    m = ROW.fullmatch(path)
    if not m or m["table"] not in ROW_TABLES:
        return [path]
    cls = ROW_TABLES[m["table"]]
    if cls is model.AmountInText:
        return [f"{path}.amount"]
    hints = typing.get_type_hints(cls, vars(model))
    return [f"{path}.{k}" for k, tp in hints.items() if Decimal in (tp, *typing.get_args(tp))]


def _asked(record: Record, path: str) -> list[str]:
    """The fields a flag asks about: its leaves, and a narrative's amounts with the narrative (a check on a
    narrative's sum is settled by correcting one of its amounts)."""
    amounts = [f"amounts_in_text[{i}].amount" for i, a in enumerate(record.amounts_in_text) if a.field == path]
    return [*leaves(path), *amounts]


def _why(record: Record) -> dict[str, list[str]]:
    """Each correctable field asked about, with why: ``review``, or the failed checks it is part of."""
    out: dict[str, list[str]] = {}
    for p in record.review:
        for leaf in _asked(record, p):
            out.setdefault(leaf, []).append("review")
    for c in record.checks:
        if c.status == "fail":
            for p in c.fields:
                for leaf in _asked(record, p):
                    if c.id not in out.setdefault(leaf, []):
                        out[leaf].append(c.id)
    return out


def _value(record: Record, path: str) -> str:
    try:
        return show(value_at(record, path))
    except CorrectionError:
        return ""


def _decision(c: Correction | None) -> str:
    if c is None:
        return ""
    if c.action == "confirm":
        return f"confirmed by {c.reviewer}"
    return f"corrected by {c.reviewer}: {c.reason or ''}"


def _box_of(record: Record, path: str) -> tuple[int | None, list[float] | None, str]:
    """Where a field was read: its own box, or (an amount of a narrative) its narrative's cell."""
    prov = record.provenance.get(path)
    if prov is not None:
        return prov.page, prov.bbox, "field"
    m = ROW.match(path)
    if m and m["table"] == "amounts_in_text" and int(m["index"]) < len(record.amounts_in_text):
        cell = record.provenance.get(record.amounts_in_text[int(m["index"])].field)
        if cell is not None:
            return cell.page, cell.bbox, "narrative"
    return None, None, "field"


def _origin(record: Record, path: str) -> tuple[str, str, str]:
    """Raw text, confidence and method of a field; an amount of a narrative: its words, as read in its cell."""
    prov = record.provenance.get(path)
    if prov is not None:
        return prov.raw, f"{prov.confidence:.2f}", prov.method
    m = ROW.match(path)
    if m and m["table"] == "amounts_in_text" and int(m["index"]) < len(record.amounts_in_text):
        a = record.amounts_in_text[int(m["index"])]
        cell = record.provenance.get(a.field)
        how = f"{cell.method} ({a.field})" if cell else a.field
        return f"{a.label} {show(a.amount)}{a.unit}", f"{cell.confidence:.2f}" if cell else "", how
    return "", "", ""


def _row(record: Record, read: Record, path: str, why: list[str], decided: dict[str, Correction]) -> FieldRow:
    page, _, _ = _box_of(record, path)
    now, was = _value(record, path), _value(read, path)
    raw, confidence, method = _origin(read, path)
    return FieldRow(
        path=path,
        value=now,
        read=was if was != now else "",
        raw=raw,
        confidence=confidence,
        method=method,
        page=page,
        why=why,
        decision=_decision(decided.get(path)),
    )


AFTER_LABEL = regex.compile(r"[^0-9０-９]{0,12}?[0-9０-９][0-9０-９,，.．]*(?:万元|元)?")


def _places(text: str, label: str, labels: Sequence[str]) -> list[int]:
    """Where ``label`` is in ``text``, leaving out the places that are part of a longer label of the same
    narrative (资金 inside 本项目资金)."""
    places = [m.start() for m in regex.finditer(regex.escape(label), text)]
    taken = set()
    for longer in {x for x in labels if len(x) > len(label) and label in x}:
        for m in regex.finditer(regex.escape(longer), text):
            k = longer.find(label)
            while k >= 0:
                taken.add(m.start() + k)
                k = longer.find(label, k + 1)
    return [x for x in places if x not in taken]


def _spans(text: str, amounts: Sequence[tuple[int, str]]) -> list[tuple[int, int, int]]:
    """Where each amount of a narrative is in its text, (start, end, index): its label and the figure after
    it, found in the order the amounts were read (each after the one before), never overlapping."""
    spans: list[tuple[int, int, int]] = []
    labels = [label for _, label in amounts if label]
    cursor = 0
    for i, label in amounts:
        if not label:
            continue
        places = _places(text, label, labels)
        free = [x for x in places if _free(spans, x, x + len(label))]
        # the next place after the amount before it; read out of order: the first place no other amount took
        at = next((x for x in free if x >= cursor), free[0] if free else -1)
        if at < 0:
            continue
        end = at + len(label)
        figure = AFTER_LABEL.match(text, end)
        if figure and _free(spans, at, figure.end()):
            end = figure.end()
        spans.append((at, end, i))
        cursor = end
    return sorted(spans)


def _free(spans: Sequence[tuple[int, int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e, _ in spans)


def _narratives(record: Record, why: dict[str, list[str]]) -> list[Narrative]:
    """Each narrative with amounts, its amounts marked (label and figure) in the escaped text."""
    by_field: dict[str, list[tuple[int, str]]] = {}
    for i, a in enumerate(record.amounts_in_text):
        by_field.setdefault(a.field, []).append((i, a.label))
    out = []
    for path, amounts in by_field.items():
        text = _value(record, path)
        if not text:
            continue
        parts: list[str] = []
        at = 0
        for start, end, i in _spans(text, amounts):
            leaf = f"amounts_in_text[{i}].amount"
            cls = "amount fail" if why.get(leaf) else "amount"
            parts += [str(escape(text[at:start])), f'<mark class="{cls}" data-field="{leaf}">']
            parts += [str(escape(text[start:end])), "</mark>"]
            at = end
        parts.append(str(escape(text[at:])))
        out.append(Narrative(path, Markup("".join(parts))))  # every piece of text escaped
    return out


def form_view(record: Record, read: Record) -> FormView:
    """``record`` with the decisions applied, ``read`` as the ledger holds it."""
    why = _why(record)
    decided = latest(record.corrections or [])
    for path in decided:  # a field decided on stays in the list of those asked about, with its decision
        why.setdefault(path, [])
    flagged_paths = sorted(why, key=lambda p: (not why[p], p))
    rows = {p: _row(record, read, p, why.get(p, []), decided) for p in flagged_paths}
    flagged = [rows[p] for p in flagged_paths]
    amounts = [f"amounts_in_text[{i}].amount" for i in range(len(record.amounts_in_text))]
    every = dict.fromkeys([*record.provenance, *amounts])
    others = [_row(record, read, p, [], decided) for p in every if p not in rows]
    boxes: dict[int, list[Box]] = {}
    for path in dict.fromkeys([*record.provenance, *flagged_paths]):
        page, bbox, kind = _box_of(record, path)
        if page is None or not bbox:
            continue
        if why.get(path):
            kind = "flagged"
        elif kind == "narrative":
            continue  # an amount of a narrative not asked about: its text is boxed as the narrative itself
        x0, y0, x1, y1 = bbox[:4]
        boxes.setdefault(page, []).append(Box(path, x0, y0, x1 - x0, y1 - y0, kind))
    for page_boxes in boxes.values():  # flagged boxes drawn last: on top
        page_boxes.sort(key=lambda b: b.kind == "flagged")
    failed = [c for c in record.checks if c.status == "fail"]
    return FormView(
        record=record,
        failed=failed,
        others=[c for c in record.checks if c.status != "fail"],
        flagged=flagged,
        fields=[*flagged, *others],
        narratives=_narratives(record, why),
        boxes=boxes,
    )


def check_fields(checks: Sequence[Check]) -> dict[str, list[str]]:
    """Each check's correctable fields (for highlighting a check's fields on the page)."""
    return {c.id: [leaf for p in c.fields for leaf in leaves(p)] for c in checks}
