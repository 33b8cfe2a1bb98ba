"""Record paths (``funds.rows.total.executed``): check them against the record model, and build the
record's nested sections from the flat ``path -> value`` map the field stage produces."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from extract import model

SCALAR_SECTIONS = ("form", "budget", "funds", "goals", "narratives", "score", "conclusion", "signatures")


def _dataclass_of(tp: Any) -> type | None:
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if isinstance(arg, type) and dataclasses.is_dataclass(arg):
                return arg
    return None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def leaf_type(path: str) -> Any | None:
    """The type of the scalar at ``path`` in a record, or None when no such scalar field exists."""
    parts = path.split(".")
    if parts[0] not in SCALAR_SECTIONS:
        return None
    cls: type | None = model.Record
    tp: Any = None
    for part in parts:
        if cls is None:
            return None
        hints = _hints(cls)
        if part not in hints:
            return None
        tp = hints[part]
        cls = _dataclass_of(tp)
    return None if cls is not None else tp


def row_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def build(cls: type, prefix: str, values: dict[str, Any], declared: set[str], **fixed: Any) -> Any:
    """An instance of ``cls`` from the values under ``prefix``; nested sections are built when a value
    or a declaration (a template field) lies under them, else left None."""
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        path = f"{prefix}.{f.name}"
        sub = _dataclass_of(_hints(cls)[f.name])
        if sub is not None:
            if any(p == path or p.startswith(path + ".") for p in declared):
                kwargs[f.name] = build(sub, path, values, declared)
        elif path in values:
            kwargs[f.name] = values[path]
    return cls(**{**kwargs, **fixed})
