"""Score records against the ground truth of a rendered layout variant (``samples/variants``).

Each truth file holds ``fields``: record path → the value as the form prints it (numbers as decimal
strings, rates in percent, null for a blank). A field is *exact* when the record holds that value
(numbers compared as ``Decimal``, text without whitespace). A *silent* numeric error is a number the
record gets wrong (a different number, or a number where the form prints none) that is neither in the
record's ``review`` nor among the fields of a check that did not pass; a wrong ``funds.unit`` or
``budget.unit`` that is not flagged makes every amount of its section a silent error. Used by
tests/test_generality.py and bench/bench_generality.py.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extract.model import Record

NOT_MONEY = ("set_score", "score", "execution_rate", "reference_score", "score_ratio")
COMMON = ("form.title", "form.fiscal_year", "form.project_name", "form.department", "form.unit_name")


def record_leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every scalar of a record, Decimals kept."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from record_leaves(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from record_leaves(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from record_leaves(v, f"{path}.{k}" if path else str(k))
    else:
        yield path, value


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (Decimal, int)):
        return Decimal(v)
    try:
        return Decimal(str(v).replace(",", "").rstrip("%"))
    except InvalidOperation:
        return None


def is_numeric_path(path: str) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    return path.startswith(("funds.rows.", "budget.", "funds.by_")) or leaf in NOT_MONEY or path.startswith("score.")


def equal(path: str, want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if is_numeric_path(path) and path not in ("score.grade",):
        a, b = _number(want), _number(got)
        return a is not None and b is not None and a == b
    if isinstance(want, int) and not isinstance(want, bool):
        return want == got
    return _norm(str(want)) == _norm(str(got))


@dataclass
class Score:
    fields: int = 0
    exact: int = 0
    wrong: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    forms: int = 1

    def add(self, other: Score) -> None:
        self.forms += other.forms
        self.fields += other.fields
        self.exact += other.exact
        self.wrong += other.wrong
        self.silent += other.silent


def flagged_paths(record: Record) -> set[str]:
    out = set(record.review)
    for c in record.checks:
        if c.status in ("fail", "warn"):
            out.update(c.fields)
    return out


def score(truth: dict[str, Any], record: Record | None, only: tuple[str, ...] | None = None) -> Score:
    """How many truth fields the record gets exactly, and its silent numeric errors. ``only``: score
    the paths starting with one of these prefixes (the common record)."""
    got = dict(record_leaves(record)) if record is not None else {}
    flags = flagged_paths(record) if record is not None else set()
    s = Score()
    units_wrong = {
        sec
        for sec in ("funds", "budget")
        if f"{sec}.unit" in truth["fields"]
        and not equal(f"{sec}.unit", truth["fields"][f"{sec}.unit"], got.get(f"{sec}.unit"))
        and f"{sec}.unit" not in flags
    }
    for path, want in truth["fields"].items():
        if only is not None and not path.startswith(only):
            continue
        s.fields += 1
        have = got.get(path)
        if equal(path, want, have):
            s.exact += 1
            sec = path.split(".")[0]
            numeric_amount = sec in units_wrong and path.rsplit(".", 1)[-1] not in NOT_MONEY and path != f"{sec}.unit"
            if numeric_amount and want is not None and record is not None:
                s.silent.append(f"{path}: unit {got.get(f'{sec}.unit')!r}, printed {truth['fields'][f'{sec}.unit']!r}")
            continue
        s.wrong.append(f"{path}: want {want!r}, got {have!r}")
        if record is None or not is_numeric_path(path) or path in ("score.grade",) or have is None:
            continue
        if path not in flags and not any(path.startswith(f + ".") or path.startswith(f + "[") for f in flags):
            s.silent.append(f"{path}: want {want!r}, got {have!r} (not flagged)")
    return s


def flagged_injection(truth: dict[str, Any], record: Record | None) -> bool | None:
    """Whether the injected inconsistency is flagged (a failed/warned check or a review entry); None
    when nothing was injected."""
    if not truth.get("injected"):
        return None
    if record is None:
        return False
    return any(c.status in ("fail", "warn") for c in record.checks) or bool(set(record.review) - {"template"})


def load_truth(pdf: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return data
