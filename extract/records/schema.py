"""The record's JSON Schema, generated from the dataclasses of ``model`` (``schemas/record.schema.json``)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from decimal import Decimal
from typing import Any

from extract import model


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        non_null = [a for a in args if a is not type(None)]
        schemas = [_type_schema(a, defs) for a in non_null]
        if type(None) in args:
            schemas.append({"type": "null"})
        return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
    if origin is list or origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(typing.get_args(tp)[1], defs)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _dataclass_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", Decimal: "number"}
    if tp in simple:
        return {"type": simple[tp]}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _dataclass_schema(cls: Any, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(model))
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        props[f.name] = _type_schema(hints[f.name], defs)
        if not f.metadata.get("omit_none"):
            required.append(f.name)
    out: dict[str, Any] = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        out["description"] = " ".join(cls.__doc__.split())
    return out


def record_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _dataclass_schema(model.Record, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/extract/record.schema.json",
        "title": "extract record (one 绩效自评表 form)",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def record_schema_json() -> str:
    return json.dumps(record_schema(), ensure_ascii=False, indent=1)
