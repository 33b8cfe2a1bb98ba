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
import functools
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
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
    return (
        path.startswith(("funds.rows.", "budget.", "funds.by_", "score."))
        or leaf in NOT_MONEY
        or (path.startswith("funds.other_rows[") and leaf != "label")
    )


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
    blank: list[str] = field(default_factory=list)  # printed numbers read as blank, not flagged
    forms: int = 1

    def add(self, other: Score) -> None:
        self.forms += other.forms
        self.fields += other.fields
        self.exact += other.exact
        self.wrong += other.wrong
        self.silent += other.silent
        self.blank += other.blank


def flagged_paths(record: Record) -> set[str]:
    out = set(record.review)
    for c in record.checks:
        if c.status in ("fail", "warn"):
            out.update(c.fields)
    return out


TABLES = {"indicators": "level3", "indicator_subtotals": "level1"}  # row tables and the name a row goes by
ROW = re.compile(r"(indicators|indicator_subtotals)\[(\d+)\]\.(\w+)$")


def _rows(leaves: dict[str, Any], table: str) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for path, v in leaves.items():
        if (m := ROW.match(path)) and m.group(1) == table:
            rows.setdefault(int(m.group(2)), {})[m.group(3)] = v
    return rows


def align_rows(want: list[str], got: list[str]) -> dict[int, int]:
    """Truth row -> record row: the order-keeping pairing of the rows' names (compared loosely: OCR
    misreads a glyph or two) with the greatest total likeness (rows alike less than half are no pair), the
    rows left between pairs paired in order."""
    n, m = len(want), len(got)
    sim = [[SequenceMatcher(None, a, b).ratio() if a and b else 0.0 for b in got] for a in want]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= 0.5 else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], pair)
    out, i, j = {}, 0, 0
    while i < n and j < m:
        if sim[i][j] >= 0.5 and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            out[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    # between two pairs (and at the ends), rows whose names match nothing pair in order, as many as both
    # sides have: a row whose name is misread is still that row
    anchors = [(-1, -1), *sorted(out.items()), (n, m)]
    for (a, b), (c, d) in itertools.pairwise(anchors):
        for k in range(min(c - a - 1, d - b - 1)):
            out[a + 1 + k] = b + 1 + k
    return dict(sorted(out.items()))


def _aligned(truth: dict[str, Any], got: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The record's leaves with the rows of its row tables renumbered as the truth's rows they pair with
    (a row missed or read twice no longer shifts every later row: each row's values are compared with its
    own), the record path of each renumbered path, and the record rows that pair with none (rows the form
    does not print, as ``table[i]``). Rows pair by index when both tables have as many rows."""
    out, extra = dict(got), []
    where: dict[str, str] = {}
    _named_funds_rows(truth["fields"], out, where)
    for table, key in TABLES.items():
        want_rows, got_rows = _rows(truth["fields"], table), _rows(got, table)
        if len(want_rows) == len(got_rows):
            continue
        names = [_norm(str(want_rows[i].get(key) or "")) for i in sorted(want_rows)]
        have = [_norm(str(got_rows[j].get(key) or "")) for j in sorted(got_rows)]
        pairs = align_rows(names, have)
        out = {k: v for k, v in out.items() if not ((m := ROW.match(k)) and m.group(1) == table)}
        for ti, ri in pairs.items():
            for leaf, v in got_rows[ri].items():
                out[f"{table}[{ti}].{leaf}"] = v
                where[f"{table}[{ti}].{leaf}"] = f"{table}[{ri}].{leaf}"
        extra += [f"{table}[{ri}]" for ri in sorted(set(got_rows) - set(pairs.values()))]
    return out, where, extra


OTHER = re.compile(r"funds\.other_rows\[(\d+)\]\.(\w+)$")


@functools.cache
def _funds_row_labels(template: str) -> dict[str, frozenset[str]]:
    """The funds rows a bundled template names, with their labels (normalised)."""
    from extract.forms.templates import load_templates

    for t in load_templates():
        if t.id == template:
            return {
                name: frozenset(_norm(x) for x in labels)
                for m in t.matrices
                if m.path == "funds.rows"
                for name, labels in m.rows.items()
            }
    return {}


def _named_funds_rows(truth: dict[str, Any], out: dict[str, Any], where: dict[str, str]) -> None:
    """A template that names a funds row the layout prints under a label of its own (财政专户管理资金 as
    ``special_account``) records it as ``funds.rows.<name>``, where the truth (the layout generator's)
    holds it in ``funds.other_rows`` with its label: the same row, paired by its label. The record's own
    other rows fill the truth's rows no named row pairs with, in order (any past those the truth has are
    not scored, as before)."""
    labels = _funds_row_labels(str(out.get("template") or ""))
    want = {int(m.group(1)): v for k, v in truth.items() if (m := OTHER.match(k)) and m.group(2) == "label"}
    named = {
        name
        for name in labels
        if not any(k.startswith(f"funds.rows.{name}.") for k in truth)
        and any(v is not None for k, v in out.items() if k.startswith(f"funds.rows.{name}."))
    }
    if not want or not named:
        return
    own: dict[int, dict[str, Any]] = {}
    for k, v in list(out.items()):
        if m := OTHER.match(k):
            own.setdefault(int(m.group(1)), {})[m.group(2)] = v
            del out[k]
    rest = iter(sorted(own))
    for i in sorted(want):
        name = next((n for n in sorted(named) if _norm(str(want[i] or "")) in labels[n]), None)
        if name is None:
            if (j := next(rest, None)) is not None:
                for leaf, v in own[j].items():
                    out[f"funds.other_rows[{i}].{leaf}"] = v
                    where[f"funds.other_rows[{i}].{leaf}"] = f"funds.other_rows[{j}].{leaf}"
            continue
        named.discard(name)
        out[f"funds.other_rows[{i}].label"] = want[i]
        for k in [k for k in out if k.startswith(f"funds.rows.{name}.")]:
            leaf = k.rsplit(".", 1)[1]
            out[f"funds.other_rows[{i}].{leaf}"] = out.pop(k)
            where[f"funds.other_rows[{i}].{leaf}"] = k


def _is_flagged(path: str, flags: set[str]) -> bool:
    return path in flags or any(path.startswith(f + ".") or path.startswith(f + "[") for f in flags)


def score(truth: dict[str, Any], record: Record | None, only: tuple[str, ...] | None = None) -> Score:
    """How many truth fields the record gets exactly, and its silent numeric errors. ``only``: score
    the paths starting with one of these prefixes (the common record). Indicator rows are paired by name
    when the record has more or fewer rows than the form prints; the numbers of a row the form does not
    print are wrong (and silent when not flagged)."""
    got = dict(record_leaves(record)) if record is not None else {}
    flags = flagged_paths(record) if record is not None else set()
    got, where, extra = _aligned(truth, got) if record is not None else (got, {}, [])
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
        if record is not None and is_numeric_path(path) and path != "score.grade":
            _unflagged(s, path, want, have, _is_flagged(where.get(path, path), flags))
    if record is not None and (only is None or "indicators" in "".join(only)):
        leaves = dict(record_leaves(record))
        for row in extra:
            table, ri = row[:-1].split("[")
            for leaf, v in sorted(_rows(leaves, table)[int(ri)].items()):
                path = f"{row}.{leaf}"
                if v is None or not is_numeric_path(path):
                    continue
                s.wrong.append(f"{table}[extra {ri}].{leaf}: want None, got {v!r}")
                if not _is_flagged(path, flags):
                    s.silent.append(f"{table}[extra {ri}].{leaf}: a row the form does not print (not flagged)")
    return s


def _unflagged(s: Score, path: str, want: Any, have: Any, flagged: bool) -> None:
    """A wrong number: silent when not flagged; a printed number read as a blank, not flagged, is passed off
    as "not printed" (``blank``)."""
    if flagged:
        return
    if have is None:
        if want is not None:
            s.blank.append(f"{path}: want {want!r}, read as blank (not flagged)")
    else:
        s.silent.append(f"{path}: want {want!r}, got {have!r} (not flagged)")


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
