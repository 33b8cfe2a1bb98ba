"""Settings: one frozen dataclass per stage, gathered in ``Settings``; picklable, never mutated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .budgets import Budgets
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


DEFAULT_DPI = 300
MAX_SKEW = 5.0


@dataclass(frozen=True, slots=True)
class PrepSettings:
    dpi: int = DEFAULT_DPI
    max_skew: float = MAX_SKEW
    seal: bool = True  # paint red seal pixels white before reading text
    even_strokes: bool = True  # on a 1-bit page, thicken strokes a threshold thinned and thin those it swelled


@dataclass(frozen=True, slots=True)
class ImageGridSettings:
    h_min_pt: float = 14.0  # a horizontal ruling piece is at least this long (pieces add up across breaks)
    v_min_pt: float = 12.0  # a vertical ruling at least this (a one-line row is 15 pt, a glyph's stroke < 9 pt)
    close_px: int = 9  # breaks up to this many pixels in a ruling are closed
    merge_px: int = 6  # rulings closer than this are one
    coverage: float = 0.6  # share of a slot's side a ruling must cover to separate two slots
    anchor_free_pt: float = 36.0  # a ruling piece shorter than this meets rulings across at both ends
    ruling_max_pt: float = 2.4  # a ruling piece shorter than 2 × anchor_free_pt is at most this thick


@dataclass(frozen=True, slots=True)
class OcrSettings:
    engine: str = "rapidocr"
    prep: PrepSettings = field(default_factory=PrepSettings)
    grid: ImageGridSettings = field(default_factory=ImageGridSettings)


@dataclass(frozen=True, slots=True)
class Settings:
    page: PageSettings = field(default_factory=PageSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    template_dirs: tuple[Path, ...] = ()  # extra template folders, after the bundled ones
    exclude_templates: tuple[str, ...] = ()  # template ids not to use (e.g. to measure the generic reader)
    budgets: Budgets = field(default_factory=Budgets)  # what one file may cost (see budgets.py)

    def __post_init__(self) -> None:
        if not isinstance(self.page, PageSettings):
            raise TypeError("Settings.page must be a PageSettings")
        object.__setattr__(self, "template_dirs", tuple(Path(p) for p in self.template_dirs))
        object.__setattr__(self, "exclude_templates", tuple(self.exclude_templates))


DEFAULT_SETTINGS = Settings()
