"""Scan accuracy against the golden records: numeric fields exact, text character error rate, and
silent numeric errors (a number that differs from the golden and is neither in ``review`` nor in a
failed check's fields). Used by tests/test_scans.py and bench/bench_ocr.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from extract.forms.sheet import edit_distance

SKIP = {"source", "template", "checks", "provenance", "review", "gaps", "schema_version"}
TEXT_SKIP_KEYS = {"unit", "template_kind", "role", "field"}


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            if not path and k in SKIP:
                continue
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, data


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Score:
    numbers: int = 0
    exact: int = 0
    silent: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    chars: int = 0
    errors: int = 0

    @property
    def numeric_accuracy(self) -> float:
        return self.exact / self.numbers if self.numbers else 1.0

    @property
    def cer(self) -> float:
        return self.errors / self.chars if self.chars else 0.0

    def add(self, other: Score) -> None:
        self.numbers += other.numbers
        self.exact += other.exact
        self.silent += other.silent
        self.flagged += other.flagged
        self.chars += other.chars
        self.errors += other.errors


def _flagged(path: str, got: dict[str, Any]) -> bool:
    marks = set(got.get("review", []))
    for c in got.get("checks", []):
        if c["status"] == "fail":
            marks.update(c.get("fields", []))
    if path.startswith("amounts_in_text["):  # an amount is flagged with the narrative it came from
        i = int(path[len("amounts_in_text[") :].split("]")[0])
        amounts = got.get("amounts_in_text", [])
        if i < len(amounts):
            marks_field = amounts[i]["field"]
            if marks_field in marks:
                return True
    return any(path == m or path.startswith(m + ".") or path.startswith(m + "[") for m in marks)


def score(got: dict[str, Any], want: dict[str, Any]) -> Score:
    s = Score()
    have = dict(leaves(got))
    for path, value in leaves(want):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float, Decimal)):
            s.numbers += 1
            g = have.get(path)
            if (
                isinstance(g, (int, float, Decimal))
                and not isinstance(g, bool)
                and Decimal(str(g)) == Decimal(str(value))
            ):
                s.exact += 1
            elif _flagged(path, got):
                s.flagged.append(f"{path}: {g!r} (golden {value!r})")
            else:
                s.silent.append(f"{path}: {g!r} (golden {value!r})")
        elif isinstance(value, str) and path.rsplit(".", 1)[-1] not in TEXT_SKIP_KEYS:
            w = _norm(value)
            g = have.get(path)
            s.chars += len(w)
            s.errors += edit_distance(_norm(g) if isinstance(g, str) else "", w)
    return s
