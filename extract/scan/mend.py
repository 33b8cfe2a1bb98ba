"""A digit OCR misread, mended by the form's own arithmetic where it singles the figure out.

After the second reading (``reread``), a check may still fail because a figure was misread with one digit
wrong, one too many or one missing, and the other engine read no figure there or another wrong one: 10
read 101 (a ruling's stroke taken for a 1), 2146.81 read 2116.81. Its neighbours — the values one digit
from the reading (``neighbours``) — are tried, each run through every check of the form (the subtotals the
form does not print summed again first):

* only figures of failed checks whose readings do not agree are tried (``_confirmed``): a figure both
  engines read alike is the form's, and a form whose own sums do not add up (the Jinzhong sample's) is
  reported, never mended;
* a neighbour counts only if it clears failures and makes none (a check's failed items, its details: a
  group whose sum is off, a score over its points) — none new, none changed (a sum off by another amount);
* the neighbour taken is the one that clears the most, only when no other (of that figure or another)
  clears as many: a total and one of its parts that both fit, or 1, 9 and 10 that all keep a score within
  its 10 points, are a guess, left alone;
* a figure taken stays in review, with the first reading in ``repaired_from`` and the checks in ``repair``:
  it is the arithmetic's value, not a reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from extract.errors import ValueParseError
from extract.forms.extraction import Extraction
from extract.forms.listtables import resum_subtotals
from extract.forms.values import parse_number
from extract.model import Check, Field
from extract.scan.reread import ocr_numbers

MAX_ROUNDS = 3  # figures mended one after another
MAX_TRIALS = 1200  # check runs a round may cost, about 1.2 ms each (a 2-digit figure has 50 neighbours)
MENDED = "one digit of the reading replaced by the form's arithmetic"

Checker = Callable[[Extraction], list[Check]]


def mend_by_arithmetic(ex: Extraction, checks: list[Check], run: Checker) -> tuple[Extraction, list[Check]]:
    """Figures one digit off, mended where the failed checks single one out; a new extraction and its checks
    (``ex`` is left as it is)."""
    for _ in range(MAX_ROUNDS):
        taken = _one_round(ex, checks, run)
        if taken is None:
            break
        ex, checks = taken
    return ex, checks


def _one_round(ex: Extraction, checks: list[Check], run: Checker) -> tuple[Extraction, list[Check]] | None:
    """The one neighbour of an unconfirmed figure that clears the most failures (and makes none), if no other
    clears as many; the least sure figures are tried first."""
    before = _failures(checks)
    paths = set(p for c in checks if c.status == "fail" for p in c.fields)
    figures = [f for f in ocr_numbers(ex) if f.name in paths and f.repaired_from is None and not _confirmed(f)]
    figures.sort(key=lambda f: f.confidence)
    fits: list[tuple[int, Extraction, list[Check], list[str]]] = []
    trials = 0
    for f in figures:
        assert isinstance(f.value, Decimal)
        for value in neighbours(f.value):
            if (trials := trials + 1) > MAX_TRIALS:
                return None
            trial = _with(ex, f, value)
            after = run(trial)
            now = _failures(after)
            if now < before:  # failures gone, none new nor changed (a sum off by another amount)
                fixed = sorted({i for i, _ in before - now})
                fits.append((len(before - now), trial, after, fixed))
    if not fits:
        return None
    most = max(n for n, *_ in fits)
    best = [fit for fit in fits if fit[0] == most]
    if len(best) != 1:
        return None  # two figures, or two values of one, fit as well: a guess, not taken
    _, trial, after, fixed = best[0]
    return _explain(trial, fixed), after


def _failures(checks: list[Check]) -> set[tuple[str, str]]:
    """Each failed check's items (its details: a group whose sum is off, a score over its points)."""
    return {(c.id, d) for c in checks if c.status == "fail" for d in (c.details or [""])}


def _confirmed(f: Field) -> bool:
    """Read the same by both engines (or never read again): the form's own figure, not a reading to mend."""
    if len(f.readings) < 2:
        return True
    values = set()
    for text in f.readings:
        try:
            number = parse_number(text)
        except ValueParseError:
            return False
        if number is None:
            return False
        values.add(number.value)
    return len(values) == 1


def neighbours(value: Decimal) -> Iterator[Decimal]:
    """The values one digit from ``value`` as printed: a digit changed, dropped or added (the decimal point
    and the number of decimals kept; no leading zero)."""
    text = format(value, "f")
    if text.startswith("-"):
        return
    seen = {text}
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    out = []
    for i in digits:
        out += [text[:i] + d + text[i + 1 :] for d in "0123456789"]
        out.append(text[:i] + text[i + 1 :])
    for i in range(len(text) + 1):
        out += [text[:i] + d + text[i:] for d in "0123456789"]
    for cand in out:
        whole = cand.split(".")[0]
        if cand in seen or not whole or (len(whole) > 1 and whole[0] == "0") or cand.count(".") != text.count("."):
            continue
        if "." in text and len(cand.split(".")[1]) != len(text.split(".")[1]):
            continue  # the decimals as printed
        seen.add(cand)
        try:
            yield Decimal(cand)
        except InvalidOperation:
            continue


def _with(ex: Extraction, f: Field, value: Decimal) -> Extraction:
    mended = dataclasses.replace(f, value=value, raw=format(value, "f"), repaired_from=f.raw)
    trial = ex.with_fields([mended])
    resum_subtotals(trial)  # a score mended: the subtotals the form does not print follow it
    return trial


def _explain(trial: Extraction, fixed: list[str]) -> Extraction:
    """The mended figure's ``repair`` and review entry name the checks it makes pass."""
    out = []
    for f in _all_fields(trial):
        if f.repaired_from is not None and f.repair is None:
            out.append(dataclasses.replace(f, repair=f"{', '.join(fixed)} pass with it ({MENDED})"))
    done = trial.with_fields(out)
    for f in out:
        done.review[f.name] = f"{MENDED}: read {f.repaired_from}, {', '.join(fixed)} pass with {f.value}"
    return done


def _all_fields(ex: Extraction) -> Iterator[Field]:
    yield from ex.fields.values()
    for rows in ex.rows.values():
        for row in rows:
            yield from row.values()
