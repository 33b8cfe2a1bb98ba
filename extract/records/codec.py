"""The record as JSON and back, money exact both ways.

* ``to_dict(record)`` — plain data in the record model's key order; money stays ``Decimal``.
* ``dumps(data)`` — JSON text in which every ``Decimal`` is a JSON number printed with the precision it
  was read with (``965.40``, ``0.00``, ``132.912``), never a binary float (``965.4``,
  ``15402.470000000001``).
* ``loads(text)`` — JSON text to plain data, every number with a fraction a ``Decimal``.
* ``from_dict(data)`` — plain data (``to_dict``'s, or a ledger's JSON) back to a typed ``Record``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import secrets
import types
import typing
from decimal import Decimal
from typing import Any

from extract import model
from extract.model import Record


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if (v is None and f.metadata.get("omit_none")) or f.metadata.get("internal"):
                continue
            out[f.name] = _plain(v)
        return out
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_dict(record: Record) -> dict[str, Any]:
    """The record as plain data (money as ``Decimal``); key order follows the record model,
    ``schema_version`` first. Columns a table's template declares are there even when null."""
    data = _plain(record)
    for table, keys in record.row_keys.items():
        for row in data.get(table, []):
            for k in keys:
                row.setdefault(k, None)
    return {"schema_version": data.pop("schema_version"), **data}


def decimal_text(value: Decimal) -> str:
    """A Decimal as a JSON number with its own digits: no exponent, no float rounding."""
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    return format(value, "f")


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON text of ``data``; Decimals are numbers printed with their own precision."""
    # each Decimal goes through the standard encoder as a string holding a token no text of the data can
    # hold (a fresh random nonce), then the quoted token is replaced by the number's own digits
    nonce = secrets.token_hex(8)
    mark = f"\x00{nonce}:"

    def default(o: Any) -> Any:
        raise TypeError(f"not JSON data: {type(o).__name__}")

    def tokens(v: Any) -> Any:
        if isinstance(v, Decimal):
            return mark + decimal_text(v)
        if isinstance(v, dict):
            return {k: tokens(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [tokens(x) for x in v]
        return v

    text = json.dumps(tokens(data), ensure_ascii=False, indent=indent, default=default)
    quoted = json.dumps(mark, ensure_ascii=False)[:-1]  # the token as the encoder writes it, opening quote on
    out: list[str] = []
    start = 0
    while (i := text.find(quoted, start)) >= 0:
        end = text.index('"', i + len(quoted))
        out += [text[start:i], text[i + len(quoted) : end]]
        start = end + 1
    out.append(text[start:])
    return "".join(out)


def loads(text: str) -> Any:
    """JSON text to plain data; numbers with a fraction or exponent are ``Decimal``."""
    return json.loads(text, parse_float=Decimal)


def to_json(record: Record, indent: int | None = None) -> str:
    return dumps(to_dict(record), indent=indent)


# ---------------------------------------------------------------- back to the typed record


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The field types of a record class, resolved once per class (resolving them costs more than the
    rest of reading a record)."""
    return typing.get_type_hints(cls, vars(model))


def _build(tp: Any, value: Any, where: str) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        # X | None: an X; Decimal | int | str (a field's value): what the JSON holds
        return _build(args[0], value, where) if len(args) == 1 else value
    if origin in (list, tuple):
        item = typing.get_args(tp)[0]
        built = [_build(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return built if origin is list else tuple(built)
    if origin is dict:
        item = typing.get_args(tp)[1]
        return {k: _build(item, v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, value, where)
    return _scalar(tp, value, where)


def _scalar(tp: Any, value: Any, where: str) -> Any:
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise ValueError(f"{where}: not an amount: {value!r}")
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if tp is float and isinstance(value, (int, Decimal)):
        return float(value)
    return value


def _dataclass(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{where or 'record'}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal") or f.name not in data:
            continue
        kwargs[f.name] = _build(hints[f.name], data[f.name], f"{where}.{f.name}" if where else f.name)
    return cls(**kwargs)


def from_dict(data: dict[str, Any]) -> Record:
    """A typed ``Record`` from its plain data (``to_dict``'s, or JSON read with ``loads``)."""
    record: Record = _dataclass(Record, data, "")
    # the columns present in every row of a table come back as the template's declared columns, so that
    # to_dict(from_dict(d)) == d
    keys = {
        name: sorted(set.intersection(*(set(r) for r in rows)))
        for name in ("indicators", "indicator_subtotals", "evaluators")
        if (rows := data.get(name))
    }
    return dataclasses.replace(record, row_keys=keys)
