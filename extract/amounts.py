"""Amounts stated in narrative text: ``公共安全支出8953203.17元`` → (label, Decimal, unit)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import regex

from .errors import ValueParseError
from .model import AmountInText
from .values import fold_digits, parse_number

# digits may be full-width (folded 1:1 before matching, so offsets still index the printed text)
_AMOUNT = regex.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元)")
_LABEL_STOP = set("，。；;：:、,.!！?？()（）[]【】 \t\n\u30000123456789%％")


def _label(text: str, end: int, prefixes: Sequence[str]) -> str:
    while end > 0 and text[end - 1] in " \t\u3000":
        end -= 1
    start = end
    while start > 0 and text[start - 1] not in _LABEL_STOP:
        start -= 1
    label = text[start:end].strip()
    for p in prefixes:
        if label.startswith(p) and len(label) > len(p):
            label = label[len(p) :]
    return label


def find_amounts(field: str, text: str | None, prefixes: Sequence[str] = ()) -> list[AmountInText]:
    """Every ``<label><number>元|万元`` in ``text``, in order; numbers become Decimal."""
    if not text:
        return []
    folded = fold_digits(text)
    out: list[AmountInText] = []
    for m in _AMOUNT.finditer(folded):
        try:
            number = parse_number(m.group("num"))
        except ValueParseError:
            continue
        if number is None:
            continue
        label = _label(text, m.start(), prefixes)
        out.append(AmountInText(field=field, label=label, amount=Decimal(number.value), unit=m.group("unit")))
    return out
