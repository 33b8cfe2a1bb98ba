"""Amounts stated in narrative text: ``公共安全支出8953203.17元`` → (label, Decimal, unit), and
statements of a total with its parts: ``共申请预算资金2026400元，其中A 400000元，B 252000元``.

A label is the text between the previous amount (or the start of the clause) and the number, with
a leading ``其中`` removed: ``村民组长,党小组长基本报酬`` stays whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import regex

from extract.errors import ValueParseError
from extract.forms.values import fold_digits, parse_number
from extract.model import AmountInText

# digits may be full-width (folded 1:1 before matching, so offsets still index the printed text)
_AMOUNT = regex.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_SENTENCE_END = "。；;！!？?\n"
_CLAUSE = "，。；;：:、"
_LEAD = " \t\u3000,，.、:：;；"
PARTS_MARK = "其中"


def _label(text: str, start: int, end: int, prefixes: Sequence[str]) -> str:
    span = text[start:end]
    cut = max(span.rfind(ch) for ch in _CLAUSE)
    if cut >= 0:
        span = span[cut + 1 :]
    span = span.strip(_LEAD)
    for p in (PARTS_MARK, *prefixes):
        if span.startswith(p) and len(span) > len(p):
            span = span[len(p) :].lstrip(_LEAD)
    return span.strip()


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _SENTENCE_END) + 1


def _scan(field: str, text: str, prefixes: Sequence[str]) -> list[tuple[AmountInText, int, int]]:
    folded = fold_digits(text)
    out: list[tuple[AmountInText, int, int]] = []
    prev_end = 0
    for m in _AMOUNT.finditer(folded):
        try:
            number = parse_number(m.group("num"))
        except ValueParseError:
            continue
        if number is None:
            continue
        start = max(prev_end, _sentence_start(text, m.start()))
        label = _label(text, start, m.start(), prefixes)
        out.append(
            (
                AmountInText(field=field, label=label, amount=Decimal(number.value), unit=m.group("unit")),
                m.start(),
                m.end(),
            )
        )
        prev_end = m.end()
    return out


def _statements(text: str, found: list[tuple[AmountInText, int, int]]) -> list[tuple[int, list[int]]]:
    """Indexes into ``found``: (total, parts) for each sentence that says 其中."""
    out = []
    for i in range(len(found)):
        mark = text.find(PARTS_MARK, found[i][2])
        sentence_end = min([p for p in (text.find(ch, found[i][2]) for ch in _SENTENCE_END) if p >= 0] or [len(text)])
        if mark < 0 or mark > sentence_end:
            continue
        between = [j for j, (_, s2, _) in enumerate(found) if found[i][2] <= s2 < mark]
        if between:
            continue  # not the amount right before 其中
        parts = [j for j, (_, s2, _) in enumerate(found) if mark < s2 < sentence_end]
        if parts:
            out.append((i, parts))
    return out


def find_amounts(field: str, text: str | None, prefixes: Sequence[str] = ()) -> list[AmountInText]:
    """Every ``<label><number>元|万元`` in ``text``, in order, as Decimal; a total stated before 其中
    gets ``role="total"`` and the amounts after it ``role="part"``."""
    if not text:
        return []
    found = _scan(field, text, prefixes)
    roles: dict[int, str] = {}
    for total, parts in _statements(text, found):
        roles[total] = "total"
        roles.update(dict.fromkeys(parts, "part"))
    return [dataclasses.replace(a, role=roles.get(i)) for i, (a, _, _) in enumerate(found)]


Statement = tuple[AmountInText, list[AmountInText]]


def statements(field: str, text: str | None, prefixes: Sequence[str] = ()) -> list[Statement]:
    """(total, parts) for each ``…共X元，其中A元，B元…`` sentence of ``text``."""
    if not text:
        return []
    amounts = find_amounts(field, text, prefixes)
    found = _scan(field, text, prefixes)
    return [(amounts[t], [amounts[j] for j in parts]) for t, parts in _statements(text, found)]
