"""Injected inconsistencies: one seeded change to a consistent content that breaks one of the form's checks.

Each injection returns the changed content and the record path it changed; the truth then holds the value
as printed (the injected one), and ``injected`` lists ``{kind, path, printed}``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from samples.variants.content import AMOUNT_FIELDS, Content, FundsRow, Level1, blank, dec, decimals
from samples.variants.perturb import fmt, problems, rate_of, round2

KINDS = ("digit_changed", "score_blanked", "executed_over_budget", "rate_mismatch", "wrong_total", "subtotal_mismatch")


@dataclass(frozen=True)
class Injection:
    kind: str
    path: str


def _change_digit(rng: random.Random, text: str) -> str:
    places = [i for i, ch in enumerate(text) if ch.isdigit()]
    at = rng.choice(places)
    digits = [d for d in "0123456789" if d != text[at] and not (d == "0" and at == 0 and len(places) > 1)]
    return text[:at] + rng.choice(digits) + text[at + 1 :]


def _indicator_paths(content: Content) -> list[tuple[int, int, int, int]]:
    """(indicator index, level-1 index, group index, row index) of every scored indicator row."""
    found = []
    index = 0
    for i, level1 in enumerate(content.indicators):
        for j, group in enumerate(level1.groups):
            for k, row in enumerate(group.rows):
                if row.template:
                    continue
                if not blank(row.set_score) and not blank(row.score):
                    found.append((index, i, j, k))
                index += 1 + len(row.sub_rows)
    return found


def _set_row(content: Content, i: int, j: int, k: int, **changes: str | None) -> Content:
    level1 = content.indicators[i]
    group = level1.groups[j]
    rows = list(group.rows)
    rows[k] = replace(rows[k], **changes)
    groups = list(level1.groups)
    groups[j] = replace(group, rows=tuple(rows))
    indicators = list(content.indicators)
    indicators[i] = replace(level1, groups=tuple(groups))
    return replace(content, indicators=tuple(indicators))


def _set_funds(content: Content, key: str, row: FundsRow) -> Content:
    assert content.funds is not None
    return replace(content, funds=replace(content.funds, rows={**content.funds.rows, key: row}))


def _total_with(content: Content, funds_score: Decimal | None) -> Content:
    """``content`` with its 总分 recomputed (after a funds score changed)."""
    if content.total_score is None or content.funds is None:
        return content
    old = dec(content.funds.rows["total"].score) or Decimal(0)
    total = (dec(content.total_score) or Decimal(0)) - old + (funds_score or Decimal(0))
    return replace(content, total_score=fmt(total, decimals(content.total_score)))


def _executed_to(content: Content, executed: Decimal, *, printed_rate: str | None = None) -> Content:
    """Set the total's 全年执行数 (moving the difference onto its first part row) and recompute rates and scores."""
    assert content.funds is not None
    rows = dict(content.funds.rows)
    total = rows["total"]
    old = dec(total.executed) or Decimal(0)
    parts = [k for k in rows if k != "total" and dec(rows[k].executed) is not None]
    if parts:
        part = rows[parts[0]]
        new_part = (dec(part.executed) or Decimal(0)) + executed - old
        rows[parts[0]] = replace(part, executed=f"{new_part:.2f}")
        if not blank(part.execution_rate) and dec(part.full_year_budget):
            rows[parts[0]] = replace(
                rows[parts[0]], execution_rate=f"{rate_of(new_part, dec(part.full_year_budget) or Decimal(1)):.2f}"
            )
    budget = dec(total.full_year_budget) or Decimal(1)
    rate = rate_of(executed, budget) if printed_rate is None else Decimal(printed_rate)
    set_score = dec(total.set_score)
    score = total.score
    if set_score is not None and not blank(total.score):
        score = fmt(round2(set_score * min(rate, Decimal(100)) / 100), 2)
    rows["total"] = replace(total, executed=f"{executed:.2f}", execution_rate=f"{rate:.2f}", score=score)
    changed = _total_with(content, dec(score))
    assert changed.funds is not None
    return replace(changed, funds=replace(changed.funds, rows=rows))


def possible(content: Content, layout_level1: str) -> list[str]:
    """The injections that make sense for ``content`` printed with level-1 placement ``layout_level1``."""
    kinds = []
    scored = _indicator_paths(content)
    total = content.funds.rows["total"] if content.funds is not None else None
    if scored or (total is not None and dec(total.executed)):
        kinds.append("digit_changed")
    if scored:
        kinds.append("score_blanked")
    rated = total is not None and not blank(total.execution_rate)
    if rated and total is not None and dec(total.full_year_budget) and dec(total.executed) is not None:
        kinds += ["executed_over_budget", "rate_mismatch"]
    if content.total_score is not None:
        kinds.append("wrong_total")
    if layout_level1.startswith("subtotal") and any(_scored_rows(level1) for level1 in content.indicators):
        kinds.append("subtotal_mismatch")  # a sum to break: a group whose rows print scores
    return kinds


def _scored_rows(level1: Level1) -> bool:
    """The group's rows print scores: its subtotal is their sum (on an unscored form a printed 0 is no
    inconsistency a reader could see)."""
    return any(dec(r.score) is not None for r in level1.rows())


def _digit_changed(content: Content, rng: random.Random) -> tuple[Content, Injection]:
    """One digit of a funds amount or an indicator score changed, so that the arithmetic breaks."""
    kind = "digit_changed"
    total = content.funds.rows["total"] if content.funds is not None else None
    options: list[tuple[str, str]] = []
    if total is not None:
        options += [("funds", f) for f in AMOUNT_FIELDS if dec(total.get(f))]
    options += [("row", str(n)) for n in range(len(_indicator_paths(content)))]
    where, what = rng.choice(options)
    if where == "funds":
        assert total is not None
        value = total.get(what)
        assert value is not None
        for _ in range(8):  # a change the printed rounding hides (976.05 / 976.07 is still 100.00 %) is none
            changed = _set_funds(content, "total", replace(total, **{what: _change_digit(rng, value)}))
            if problems(changed):
                return changed, Injection(kind, f"funds.rows.total.{what}")
        if not _indicator_paths(content):
            return changed, Injection(kind, f"funds.rows.total.{what}")
        what = str(rng.randrange(len(_indicator_paths(content))))
    index, i, j, k = _indicator_paths(content)[int(what)]
    row = content.indicators[i].groups[j].rows[k]
    assert row.score is not None and row.set_score is not None
    new = _change_digit(rng, row.score)
    while dec(new) == dec(row.score):
        new = _change_digit(rng, row.score)
    return _set_row(content, i, j, k, score=new), Injection(kind, f"indicators[{index}].score")


def inject(content: Content, kind: str, rng: random.Random) -> tuple[Content, Injection]:
    """``content`` with one inconsistency of ``kind``."""
    funds = content.funds
    total = funds.rows["total"] if funds is not None else None
    if kind == "digit_changed":
        return _digit_changed(content, rng)
    if kind == "score_blanked":
        index, i, j, k = rng.choice(_indicator_paths(content))
        return _set_row(content, i, j, k, score=None), Injection(kind, f"indicators[{index}].score")
    if kind == "executed_over_budget":
        assert total is not None
        budget = dec(total.full_year_budget) or Decimal(1)
        executed = round2(budget * Decimal(str(round(rng.uniform(1.02, 1.15), 3))))
        return _executed_to(content, executed), Injection(kind, "funds.rows.total.executed")
    if kind == "rate_mismatch":
        assert total is not None
        budget = dec(total.full_year_budget) or Decimal(1)
        executed = round2(budget * Decimal(str(round(rng.uniform(0.7, 0.95), 3))))
        changed = _executed_to(content, executed, printed_rate="100")
        return changed, Injection(kind, "funds.rows.total.execution_rate")
    if kind == "wrong_total":
        assert content.total_score is not None
        delta = Decimal(rng.choice(["1", "2", "3", "5", "0.5", "-1", "-2", "10"]))
        new_total = (dec(content.total_score) or Decimal(0)) + delta
        if new_total > 100:
            new_total -= 2 * abs(delta)
        return replace(content, total_score=fmt(new_total, decimals(content.total_score))), Injection(
            kind, "score.total"
        )
    if kind == "subtotal_mismatch":
        candidates = [i for i, level1 in enumerate(content.indicators) if _scored_rows(level1)]
        i = rng.choice(candidates)
        level1 = content.indicators[i]
        summed = sum((dec(r.score) or Decimal(0) for r in level1.rows()), Decimal(0))
        stated = summed - Decimal(rng.choice(["1", "2", "0.5", "3"]))
        places = decimals(level1.score) if level1.score is not None else 0
        indicators = list(content.indicators)
        indicators[i] = replace(level1, score=fmt(max(stated, Decimal(0)), places))
        printed = sum(1 for earlier in content.indicators[:i] if earlier.groups)
        return replace(content, indicators=tuple(indicators)), Injection(kind, f"indicator_subtotals[{printed}].score")
    raise ValueError(f"unknown injection {kind!r}")
