"""Records: assemble the typed record from the fields (its JSON: ``records.codec``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from extract.forms.extraction import Extraction
from extract.forms.paths import build
from extract.forms.templates import Template
from extract.model import (
    AmountInText,
    Budget,
    Check,
    Conclusion,
    Evaluator,
    Field,
    Form,
    Funds,
    FundsOtherRow,
    Goals,
    Indicator,
    IndicatorSubtotal,
    Narratives,
    Provenance,
    Record,
    Score,
    Signatures,
    Source,
)


def _rows(cls: type, rows: list[dict[str, Field]]) -> list[Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return [cls(**{k: f.value for k, f in row.items() if k in names}) for row in rows]


def _provenance(ex: Extraction, to_page: dict[int, Any] | None = None) -> dict[str, Provenance]:
    """Per field: where it was read. Boxes of scanned pages are mapped back to the page as stored in the
    PDF (its rotation and skew undone)."""
    out: dict[str, Provenance] = {}
    everything = list(ex.fields.values()) + [f for rows in ex.rows.values() for row in rows for f in row.values()]
    for f in everything:
        box = f.bbox
        mapping = (to_page or {}).get(f.page) if f.page is not None else None
        if box is not None and mapping is not None:
            box = mapping(box)
        bbox = None if box is None else [round(v, 2) for v in box]
        out[f.name] = Provenance(
            f.page, bbox, f.raw, round(f.confidence, 3), f.source, list(f.readings) or None, f.repaired_from, f.repair
        )
    return out


def _kind(template: Template, values: dict[str, Any]) -> str:
    """The template's kind; the generic reader's is the title's (部门整体… is a department form)."""
    title = values.get("form.title")
    if template.fallback and isinstance(title, str) and "部门" in title and "项目" not in title:
        return "department"
    return template.kind


def build_record(
    template: Template,
    source: Source,
    ex: Extraction,
    amounts: list[AmountInText],
    checks: list[Check],
    to_page: dict[int, Any] | None = None,
) -> Record:
    values = {k: f.value for k, f in ex.fields.items()}
    declared = ex.declared | set(values)

    def section(cls: type, name: str, **fixed: Any) -> Any:
        if not fixed and not any(p.startswith(name + ".") for p in declared):
            return None
        return build(cls, name, values, declared, **fixed)

    funds = section(Funds, "funds")
    if funds is not None and ex.rows.get("funds.other_rows"):
        funds = dataclasses.replace(funds, other_rows=_rows(FundsOtherRow, ex.rows["funds.other_rows"]))
    return Record(
        source=source,
        template=template.id,
        form=section(Form, "form", template_kind=_kind(template, values)),
        budget=section(Budget, "budget"),
        funds=funds,
        goals=section(Goals, "goals"),
        narratives=section(Narratives, "narratives") or Narratives(),
        amounts_in_text=amounts,
        indicator_subtotals=_rows(IndicatorSubtotal, ex.rows.get("indicator_subtotals", [])),
        indicators=_rows(Indicator, ex.rows.get("indicators", [])),
        score=section(Score, "score") or Score(),
        evaluators=_rows(Evaluator, ex.rows.get("evaluators", [])),
        conclusion=section(Conclusion, "conclusion"),
        signatures=section(Signatures, "signatures"),
        checks=checks,
        provenance=_provenance(ex, to_page),
        review=list(ex.review),
        gaps=list(dict.fromkeys(ex.gaps)),
        row_keys={
            name: sorted(set.intersection(*(set(r) for r in rows)))
            for name, rows in ex.rows.items()
            if rows and "." not in name
        },
    )
