"""Shared parts of the department-overall form builders of kinds ``dept-national`` and ``dept-chongqing``.

The data files hold every printed value as a string, exactly as printed (``null`` for a blank cell), plus an
``expected:`` section (the record the extractor should produce) and a top-level ``checks_expected:`` list
(``{id, status, field?, note}``), as the project kinds do. The checks here confirm that ``expected:`` agrees
with the printed data and that ``checks_expected`` agrees with the arithmetic, so neither can drift from
the form. Tolerances are half a unit of the printed precision (``96.80%`` -> 0.005, ``76%`` -> 0.5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font

from samples.forms.common import BOX, CENTER, DataError, FormSheet, cell_bottom, find_all, find_chars
from samples.forms.project_common import PLACEHOLDERS, compare, number, printed, text_of

AMOUNT_YUAN_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)元")
DECIMALS_RE = re.compile(r"\.(\d+)")


# --- Writing --------------------------------------------------------------------------------------------
def put(
    sheet: FormSheet,
    span: str,
    value: Any,
    align: Alignment = CENTER,
    *,
    rows: int = 1,
    border: Border = BOX,
    font: Font | None = None,
) -> None:
    """Write a data-file value (printed string, ``{text: ...}`` or None) into ``span`` of the current row."""
    cell = sheet.put(span, printed(value), align, rows=rows, border=border, font=font)
    if cell.data_type == "f":  # "=12个" is a printed target, not a formula
        cell.data_type = "s"


def need(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    """``data[key]``, which must be of ``kind``; the error names the key path."""
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind):
        raise DataError(f"{where}{key}: expected {kind}, got {value!r}")
    return value


# --- Values ---------------------------------------------------------------------------------------------
def plain(value: Decimal | None) -> int | float | None:
    """A Decimal as the JSON number of a record (``10`` stays an int)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def half_unit(value: Any) -> Decimal:
    """Half a unit of the last printed digit of ``value`` (``"96.80%"`` -> 0.005, ``"76%"`` -> 0.5)."""
    text = text_of(value) or ""
    match = DECIMALS_RE.search(text)
    return Decimal(5).scaleb(-1 - (len(match.group(1)) if match else 0))


def label_amount(text: str | None) -> tuple[str, Decimal | None]:
    """``一般公共预算：1,826.42`` -> (``一般公共预算``, 1826.42); an amount printed inside a label cell."""
    match = re.fullmatch(r"(.*?)[：:]\s*(.*)", text or "", re.DOTALL)
    if match is None:
        return (text or "").strip(), None
    amount = match[2].strip()
    return match[1].strip(), (None if amount in PLACEHOLDERS else Decimal(amount.replace(",", "")))


def text_amounts(text: str) -> tuple[Decimal, list[Decimal]] | None:
    """The stated total and the parts after ``其中`` in the first sentence of ``text`` (amounts in 元)."""
    sentence = re.split("[。；;]", text, maxsplit=1)[0]
    head, found, tail = sentence.partition("其中")
    totals = AMOUNT_YUAN_RE.findall(head)
    parts = AMOUNT_YUAN_RE.findall(tail)
    if not found or len(totals) != 1 or not parts:
        return None
    return Decimal(totals[0].replace(",", "")), [Decimal(p.replace(",", "")) for p in parts]


# --- Arithmetic facts -----------------------------------------------------------------------------------
def status(ok: bool | None) -> str:
    return "skip" if ok is None else "pass" if ok else "fail"


def funds_facts(total: Mapping[str, Any]) -> dict[str, str]:
    """funds_execution_rate and funds_score of a printed 年度资金总额 row (values as printed)."""
    budget, executed, rate = (number(total.get(k)) for k in ("full_year_budget", "executed", "execution_rate"))
    set_score, score = number(total.get("set_score")), number(total.get("score"))
    rate_ok = score_ok = None
    if budget and executed is not None and rate is not None:
        rate_ok = abs(executed / budget * 100 - rate) <= half_unit(total.get("execution_rate"))
    if set_score is not None and score is not None and rate is not None:
        score_ok = abs(set_score * min(rate, Decimal(100)) / 100 - score) <= half_unit(total.get("score"))
    return {"funds_execution_rate": status(rate_ok), "funds_score": status(score_ok)}


def score_facts(expected: Mapping[str, Any]) -> dict[str, str]:
    """indicator_subtotals, total_set, total_score and score_within_weight from the expected record."""
    indicators = expected["indicators"]
    funds = expected["funds"]["rows"]["total"]
    score = expected["score"]

    def dec(value: Any) -> Decimal:
        return Decimal(str(value or 0))

    facts: dict[str, str] = {}
    subtotals = expected.get("indicator_subtotals") or []
    if subtotals:
        ok = True
        for sub in subtotals:
            rows = [i for i in indicators if i["level1"] == sub["level1"]]
            ok &= dec(sub["score"]) == sum((dec(i["score"]) for i in rows), Decimal(0))
            ok &= dec(sub["set_score"]) == sum((dec(i["set_score"]) for i in rows), Decimal(0))
        facts["indicator_subtotals"] = status(ok)
    sets = dec(funds["set_score"]) + sum((dec(i["set_score"]) for i in indicators), Decimal(0))
    facts["total_set"] = status(sets == dec(score["total_set"]))
    scores = dec(funds["score"]) + sum((dec(i["score"]) for i in indicators), Decimal(0))
    facts["total_score"] = status(scores == dec(score["total"]))
    facts["score_within_weight"] = status(all(dec(i["score"]) <= dec(i["set_score"]) for i in indicators))
    return facts


def text_facts(text: str, field: str, executed: Decimal | None) -> dict[tuple[str, str], str]:
    """text_parts_sum and text_total_matches_funds of a narrative stating a total and its parts in 元."""
    found = text_amounts(text)
    if found is None:
        return {}
    total, parts = found
    facts = {("text_parts_sum", field): status(sum(parts, Decimal(0)) == total)}
    if executed is not None:
        facts[("text_total_matches_funds", field)] = status(abs(executed * 10000 - total) < 100)
    return facts


def check_expected(
    data: Mapping[str, Any], derived: Mapping[str, Any], facts: Mapping[tuple[str, str], str]
) -> list[str]:
    """``expected:`` agrees with the printed data, and ``checks_expected`` with the arithmetic facts."""
    expected = data.get("expected")
    if not isinstance(expected, dict):
        return ["no expected: section"]
    problems = compare({k: expected.get(k) for k in derived}, dict(derived), "expected")
    declared = {(c["id"], c.get("field", "")): c["status"] for c in data.get("checks_expected") or []}
    computed = dict(facts)
    computed.update({(k, ""): v for k, v in score_facts(expected).items()})
    for key, value in computed.items():
        if declared.get(key) != value:
            name = key[0] + (f" ({key[1]})" if key[1] else "")
            problems.append(f"checks_expected {name}: declared {declared.get(key)!r}, computed {value!r}")
    for key in set(declared) - set(computed):
        problems.append(f"checks_expected {key[0]}: declared but not computed by the checks")
    return problems


# --- PDF checks -----------------------------------------------------------------------------------------
def check_shown(pages: Sequence[Any], text: str, what: str, *, one_line: bool = False) -> list[str]:
    """``text`` is in the text layer of some page and wholly above its cell's bottom border (so visible)."""
    for page in pages:
        for found in find_all(page.chars, text):
            bottom = cell_bottom(page, found[0]["x0"] + 1, found[0]["top"])
            if max(c["bottom"] for c in found) > bottom + 0.5:
                return [f"{what} {text[:24]!r} runs past its cell's bottom border"]
            if one_line and len({round(c["top"]) for c in found}) != 1:
                return [f"{what} {text!r} wraps"]
            return []
    return [f"{what} {text[:24]!r} is not in the text layer"]


def page_of(pages: Sequence[Any], text: str) -> int | None:
    """The 1-based number of the first page whose text layer holds ``text``."""
    for number_, page in enumerate(pages, 1):
        if find_chars(page.chars, text) is not None:
            return number_
    return None


def check_layout(pages: Sequence[Any], on_page: Mapping[str, int]) -> list[str]:
    """A text layer and a ruled table on every page, and each text first found on its page."""
    problems = []
    for number_, page in enumerate(pages, 1):
        if not page.chars:
            problems.append(f"page {number_}: no text layer")
        if not page.find_tables():
            problems.append(f"page {number_}: no ruled table found")
    for text, page in on_page.items():
        if (got := page_of(pages, text)) != page:
            problems.append(f"{text[:24]!r} first on page {got}, expected {page}")
    return problems
