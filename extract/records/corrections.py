"""Corrections: a reviewer's decisions on a record's fields, applied to a copy of the record, never over
what was read.

* ``parse_value(path, text)`` — the text a reviewer typed, as the field's type (an amount as ``Decimal``,
  a year as ``int``); anything else is a ``CorrectionError`` with the reason.
* ``value_at(record, path)`` / ``with_value(record, path, value)`` — a field of a record, read or replaced
  (``budget.execution``, ``funds.rows.total.executed``, ``indicators[3].score``, ``amounts_in_text[2].amount``).
* ``apply(record, corrections, rules)`` — the record with the corrected values, its checks run again, the
  fields decided no longer in ``review``, and ``corrections`` listing every decision.
* ``reviewed(record)`` — every flag (a field to review, a field of a failed check) has a decision.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import regex

from extract import model
from extract.checks import Facts, run_checks
from extract.checks.base import unconfirmed_flags
from extract.errors import ExitCode, ExtractError, ValueParseError
from extract.forms.paths import leaf_type
from extract.forms.templates import RuleSpec
from extract.forms.values import parse_decimal, parse_int
from extract.model import Check, Correction, Record

ROW_TABLES: dict[str, type] = {
    "indicators": model.Indicator,
    "indicator_subtotals": model.IndicatorSubtotal,
    "evaluators": model.Evaluator,
    "amounts_in_text": model.AmountInText,
}
_ROW_PATH = regex.compile(r"(?P<table>[a-z_]+)\[(?P<index>\d+)\]\.(?P<key>[a-z_0-9]+)")
ACTIONS = ("confirm", "correct")
Value = Decimal | int | str | None


class CorrectionError(ExtractError):
    """A correction that cannot be taken: an unknown form or field, or a value not of the field's type."""

    exit_code = ExitCode.USAGE
    reason = "invalid correction"


def _unwrap(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if len(args) == 1 else tp


class StaleDecision(CorrectionError):
    """A decision on a reading the form no longer has: its file was read again since the reviewer saw it."""

    reason = "the form was read again since it was shown: look at it again"


# what a reviewer may not change: where an amount of a narrative was found, and its role, are the reader's
INTERNAL = {("amounts_in_text", "field"), ("amounts_in_text", "role")}
MAX_INT_DIGITS = 12  # digits before the point of an amount a reviewer types (a trillion 元; a 10-digit 万元)
MAX_PLACES = 6  # digits after it
YEARS = (1949, 2100)


def field_type(path: str) -> Any:
    """The type of the scalar at ``path``; a ``CorrectionError`` for a path no record has."""
    m = _ROW_PATH.fullmatch(path)
    if m and (m["table"], m["key"]) in INTERNAL:
        raise CorrectionError(f"{path}: not a value of the form (where the reader found it): not corrected")
    if m and m["table"] in ROW_TABLES:
        hints = typing.get_type_hints(ROW_TABLES[m["table"]], vars(model))
        if m["key"] in hints:
            return _unwrap(hints[m["key"]])
    elif not m and (tp := leaf_type(path)) is not None:
        return _unwrap(tp)
    raise CorrectionError(f"unknown field {path!r} (a record path: budget.execution, indicators[3].score)")


def parse_value(path: str, text: str) -> Value:
    """What a reviewer typed, as the type of the field at ``path`` (blank: no value)."""
    tp = field_type(path)
    text = text.strip()
    try:
        if tp is Decimal:
            return _bounded(path, parse_decimal(text, "amount")) if text else None
        if tp is int:
            return _year(path, parse_int(text)) if text else None
        if tp is bool:
            if text.lower() not in ("true", "false", "是", "否"):
                raise ValueParseError(text, "true or false")
            return text.lower() in ("true", "是")
    except ValueParseError as exc:
        raise CorrectionError(f"{path}: {exc}") from None
    return text or None


def _bounded(path: str, value: Decimal | None) -> Decimal | None:
    """An amount as a form prints one: at most 12 digits before the point and 6 after (a longer one is a
    slip of the keyboard, and would not fit the exported columns)."""
    if value is None:
        return None
    _, digits, exponent = value.as_tuple()
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole = len(digits) - places if isinstance(exponent, int) else len(digits)
    if not value.is_finite() or whole > MAX_INT_DIGITS or places > MAX_PLACES:
        raise CorrectionError(
            f"{path}: {value} is not an amount a form prints (at most {MAX_INT_DIGITS} digits before the point,"
            f" {MAX_PLACES} after)"
        )
    return value


def _year(path: str, value: int | None) -> int | None:
    if value is None:
        return None
    low, high = YEARS if path.endswith("year") else (0, 10**9)
    if not low <= value <= high:
        raise CorrectionError(f"{path}: {value} is out of range ({low}–{high})")
    return value


def typed(path: str, value: Value) -> Value:
    """A stored value as the type of the field at ``path``: JSON keeps no difference between the amount
    ``80`` and the count ``80``, so a decision read back from the ledger is given its field's type again."""
    try:
        tp = field_type(path)
    except CorrectionError:
        return value
    if tp is Decimal and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if tp is int and isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def value_at(record: Record, path: str) -> Value:
    """The value of the field at ``path`` in ``record`` (None where the form left it empty); a
    ``CorrectionError`` for a field the record cannot have or a row it does not have."""
    field_type(path)
    m = _ROW_PATH.fullmatch(path)
    if m:
        rows = getattr(record, m["table"])
        if int(m["index"]) >= len(rows):
            raise CorrectionError(f"{path}: the form has {len(rows)} rows of {m['table']}")
        return typing.cast(Value, getattr(rows[int(m["index"])], m["key"]))
    obj: Any = record
    for part in path.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return typing.cast(Value, obj)


def with_value(record: Record, path: str, value: Value) -> Record:
    """A copy of ``record`` with ``value`` at ``path`` (sections the form did not print are made)."""
    m = _ROW_PATH.fullmatch(path)
    if m:
        rows = list(getattr(record, m["table"]))
        i = int(m["index"])
        rows[i] = dataclasses.replace(rows[i], **{m["key"]: value})
        changed: dict[str, Any] = {m["table"]: rows}
        return dataclasses.replace(record, **changed)
    return typing.cast(Record, _replace(record, path.split("."), value))


def _replace(obj: Any, parts: list[str], value: Value) -> Any:
    head, rest = parts[0], parts[1:]
    if not rest:
        return dataclasses.replace(obj, **{head: value})
    inner = getattr(obj, head)
    if inner is None:  # a section the form did not print: made, empty
        hints = typing.get_type_hints(type(obj), vars(model))
        cls = _unwrap(hints[head])
        inner = cls()  # every optional section can be empty (the form section is always there)
    return dataclasses.replace(obj, **{head: _replace(inner, rest, value)})


def facts_of(record: Record, unsure: frozenset[str] | None = None) -> Facts:
    """What the checks read, from a record: the same facts the pipeline gave them when it read the form
    (the figures in doubt: ``unsure``, else those in its review)."""
    from extract.records.codec import to_dict

    data = to_dict(record)
    values: dict[str, Any] = {}

    def walk(prefix: str, obj: Any) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(f"{prefix}.{k}", v)
        elif isinstance(obj, list):  # rows of a block (funds.other_rows[0].executed), as the pipeline gives them
            for i, v in enumerate(obj):
                if isinstance(v, dict):
                    walk(f"{prefix}[{i}]", v)
        else:
            values[prefix] = obj

    for section in ("form", "budget", "funds", "goals", "narratives", "score", "conclusion", "signatures"):
        if data.get(section) is not None:
            walk(section, data[section])

    def rows(name: str) -> list[dict[str, Any]]:  # the columns the form prints, blank ones too
        return list(data.get(name, []))

    doubt = _doubts(record) if unsure is None else unsure
    return Facts(values, record.amounts_in_text, rows("indicators"), rows("indicator_subtotals"), doubt)


def _doubts(record: Record, decided: Collection[str] = ()) -> frozenset[str]:
    """The figures in doubt when the pipeline ran the checks: those in review, less the reviewer's decisions
    and what the pipeline put in review after the checks (the figures of a sum holding only through one
    in doubt; a subtotal computed from a flagged score)."""
    after, _ = unconfirmed_flags(record.checks)
    computed = {p for p, v in record.provenance.items() if v.method == "computed"}
    return frozenset(p for p in record.review if p not in decided and p not in after and p not in computed)


def rerun_checks(record: Record, rules: Sequence[RuleSpec], unsure: frozenset[str] | None = None) -> list[Check]:
    return run_checks(rules, facts_of(record, unsure))


def latest(corrections: Sequence[Correction]) -> dict[str, Correction]:
    """The decision that stands for each field: its latest."""
    out: dict[str, Correction] = {}
    for c in sorted(corrections, key=lambda c: c.at):
        out[c.field] = c
    return out


def apply(record: Record, corrections: Sequence[Correction], rules: Sequence[RuleSpec] | None) -> Record:
    """``record`` with the reviewer's decisions: corrected values in place, the checks run again on them
    (``rules`` None: a template not known here, the checks stay as read), the fields decided out of
    ``review``, and ``corrections`` listing every decision (the audit trail)."""
    if not corrections:
        return record
    standing = latest(corrections)
    out = record
    for c in standing.values():
        if c.action == "correct":
            out = with_value(out, c.field, c.new)
    changed = [c.field for c in standing.values() if c.action == "correct"]
    review = [p for p in out.review if p not in standing]
    checks = rerun_checks(out, rules, _doubts(out, standing)) if rules is not None and changed else out.checks
    if rules is None:  # a template not known here: the checks were not run on the new values, so say so
        review += [p for p in changed if p not in review]
    return dataclasses.replace(out, checks=checks, review=review, corrections=sorted(corrections, key=lambda c: c.at))


def flags(record: Record) -> set[str]:
    """What asks for a decision: the fields to review and the fields of the failed checks."""
    return set(record.review) | {f for c in record.checks if c.status == "fail" for f in c.fields}


def open_flags(record: Record) -> list[str]:
    """The flags no decision settles yet. A corrected field still in review is one whose checks could not
    run again (its template's rules are not known here): not settled."""
    decided = {c.field for c in record.corrections or () if c.action == "confirm" or c.field not in record.review}
    return sorted(f for f in flags(record) if f not in decided and not any(d.startswith(f + ".") for d in decided))


def reviewed(record: Record) -> bool:
    """A reviewer decided on the record, and every flag left has a decision (a confirmed reading included)."""
    return bool(record.corrections) and not open_flags(record)
