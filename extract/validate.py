"""Settings checked when they are built: each field has its declared type and lies in its range
(``checked``, a class decorator under ``@dataclass``). A wrong value is a ``SettingsError`` naming it."""

from __future__ import annotations

import dataclasses
import math
import sys
import typing
from typing import Any, TypeVar

from extract.errors import SettingsError

T = TypeVar("T")

# the range each kind of number may take, by setting; a setting not listed must be above 0
RANGES: dict[str, tuple[float, float]] = {
    "PrepSettings.dpi": (50, 1200),
    "PrepSettings.max_skew": (0, 45),
    "PageSettings.min_cells": (1, 10_000),
    "ImageGridSettings.coverage": (0.01, 1),
    "OcrSettings.threads": (0, 256),  # 0: the engine's own choice (all cores)
}


def check_fields(obj: Any) -> None:
    """Every field of a settings dataclass has its declared type and lies in its range."""
    cls = type(obj)
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{cls.__name__}.{f.name}"
        tp = hints[f.name]
        if tp is bool:
            if not isinstance(value, bool):
                raise SettingsError(f"{where} must be true or false, not {value!r}")
        elif tp in (int, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if tp is int and not isinstance(value, int):
                ok = False
            if not ok or not math.isfinite(value):
                raise SettingsError(f"{where} must be a {'whole ' if tp is int else ''}number, not {value!r}")
            lo, hi = RANGES.get(where, (0, math.inf))
            if not (lo <= value <= hi) or (where not in RANGES and value <= 0):
                bound = f"from {lo:g} to {hi:g}" if where in RANGES else "above 0"
                raise SettingsError(f"{where} must be {bound}, not {value!r}")
        elif tp is str and not isinstance(value, str):
            raise SettingsError(f"{where} must be text, not {value!r}")
        elif isinstance(tp, type) and dataclasses.is_dataclass(tp) and not isinstance(value, tp):
            raise SettingsError(f"{where} must be a {tp.__name__}, not {type(value).__name__}")


def checked(cls: type[T]) -> type[T]:
    """A settings class (decorated before ``@dataclass`` makes it one) whose fields are checked on
    construction, then its own ``__post_init__`` runs."""
    post = getattr(cls, "__post_init__", None)

    def __post_init__(self: Any) -> None:
        check_fields(self)
        if post is not None:
            post(self)

    cls.__post_init__ = __post_init__  # type: ignore[attr-defined]
    return cls
