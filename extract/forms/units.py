"""Units and rates as the page prints them: ``项目资金（元）``, ``金额单位：万元``, ``全年执行数(万元)``; a rate
printed as ``96.43%``, ``96.43`` or ``0.9643``.

A unit is read, never assumed: from the block's own labels first, then from a ``单位：…`` line of the
form, then from the template (where the form kind fixes it); with none of these it is ``None`` and the
amounts are listed for review. A rate printed without ``%`` is resolved by the form's own arithmetic
(执行数 / 预算数), or listed for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import regex

from extract.forms.values import fold_digits

# the closing bracket may be lost (a label wrapped in a narrow cell, an OCR miss) where the label ends
_IN_BRACKETS = regex.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?(?P<unit>万元|元)\s*(?:[)）]|$)")
# … or the opening one (项目资金元）: OCR lost the （ against the label), where the label ends and holds no
# opening bracket at all (年初预算数（方元）: 万 misread, the unit unreadable — never 元)
_UNOPENED = regex.compile(r"(?<!单)(?P<unit>万元|元)\s*[)）]$")
# a label ending in a bracket of at most two characters, not points (分): where a unit is printed; or in a
# closing bracket with no opening one (项目资金无）: the bracket and the unit OCR lost or garbled)
_SOME_BRACKETS = regex.compile(r"[(（](?![^)）]*分)\p{Han}{0,2}[)）]?$|^[^(（]*(?!分)\p{Han}[)）]$")
_UNIT_LINE = regex.compile(r"(?:金额|资金)?单位\s*[:：]\s*(?:人民币)?\s*(?P<unit>万元|元)(?![\p{Han}])")
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class UnitReading:
    unit: str | None
    raw: str  # the text it was read from ("" when from the template or not found)
    source: str  # label | line | template | none


def unit_in_label(text: str | None) -> str | None:
    """The unit a label prints in brackets: ``项目资金(万元)`` → 万元, ``全年执行数（元）`` → 元."""
    if not text:
        return None
    folded = fold_digits(text).replace(" ", "")
    m = _IN_BRACKETS.search(folded) or (None if regex.search(r"[(（]", folded) else _UNOPENED.search(folded))
    return m.group("unit") if m else None


def unreadable_unit(text: str | None) -> bool:
    """A label ending in brackets whose contents are no unit (OCR garbled them: ``项目资金（无）``)."""
    return bool(text) and unit_in_label(text) is None and bool(_SOME_BRACKETS.search("".join((text or "").split())))


def unit_in_line(text: str | None) -> str | None:
    """The unit a ``单位：万元`` / ``金额单位：元`` line (or cell) states."""
    if not text:
        return None
    m = _UNIT_LINE.search("".join(text.split()))
    return m.group("unit") if m else None


def read_unit(labels: Iterable[str], lines: Iterable[str], fixed: str | None) -> tuple[UnitReading, list[str]]:
    """The unit of a block of amounts, and any conflicts found (several units printed for one block)."""
    problems: list[str] = []
    found = [(u, t) for t in labels if (u := unit_in_label(t))]
    units = {u for u, _ in found}
    if len(units) > 1:
        problems.append("labels print several units: " + ", ".join(sorted(t for _, t in found)))
    if found:
        u, raw = found[0]
        folded = fold_digits(raw).replace(" ", "")
        if u == "元" and not _IN_BRACKETS.search(folded):  # 项目资金元）: 万 may be lost with the （
            problems.append(f"unit read as 元 from a label whose opening bracket was not read ({raw}): 万 lost too?")
        return UnitReading(u, raw, "label"), problems
    stated = [(u, t) for t in lines if (u := unit_in_line(t))]
    if len({u for u, _ in stated}) > 1:
        problems.append("the form states several units: " + ", ".join(t for _, t in stated))
    if stated:
        return UnitReading(stated[0][0], stated[0][1], "line"), problems
    if fixed:
        return UnitReading(fixed, "", "template"), problems
    return UnitReading(None, "", "none"), ["the form states no unit for its amounts"]


def resolve_rate(
    value: Decimal, raw: str, budget: Decimal | None, executed: Decimal | None
) -> tuple[Decimal, str | None]:
    """A rate as a number in percent. ``96.43%`` is 96.43. Printed without ``%``, ``0.9643`` may be a
    fraction (96.43 %) or a percentage (0.9643 %): the form's own 执行数 / 预算数 decides; ``102.59`` (over
    1.5) can only be a percentage. Returns (value in percent, problem or None)."""
    if "%" in fold_digits(raw).replace("％", "%") or value > Decimal("1.5") or value == 0:
        return value, None
    as_fraction = value.scaleb(2)
    if budget is not None and executed is not None and budget != 0:
        computed = executed / budget * HUNDRED
        near_fraction = abs(as_fraction - computed) <= max(Decimal("0.5"), abs(computed) / 100)
        near_percent = abs(value - computed) <= max(Decimal("0.005"), abs(computed) / 1000)
        if near_fraction and not near_percent:
            return as_fraction, None
        if near_percent and not near_fraction:
            return value, None
    return as_fraction, f"rate {raw!r} printed without %: a fraction ({as_fraction}%) or {value}%? not decided"
