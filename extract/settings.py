"""Settings: one frozen dataclass per stage, gathered in ``Settings``; picklable, never mutated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .grid import DEFAULT_GRID_SETTINGS, GridSettings

DEFAULT_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 2,
    "join_tolerance": 2,
    "intersection_tolerance": 2,
}


@dataclass(frozen=True, slots=True)
class PageSettings:
    table: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_TABLE_SETTINGS))
    grid: GridSettings = DEFAULT_GRID_SETTINGS
    min_cells: int = 4  # a "table" with fewer cells is a box around text, not a form table


@dataclass(frozen=True, slots=True)
class Settings:
    page: PageSettings = field(default_factory=PageSettings)
    template_dirs: tuple[Path, ...] = ()  # extra template folders, after the bundled ones

    def __post_init__(self) -> None:
        if not isinstance(self.page, PageSettings):
            raise TypeError("Settings.page must be a PageSettings")
        object.__setattr__(self, "template_dirs", tuple(Path(p) for p in self.template_dirs))


DEFAULT_SETTINGS = Settings()
