"""Settings: one frozen dataclass per stage, gathered in ``Settings``; picklable, never mutated, and
checked when built: a value of the wrong type, out of its range, an unknown pdfplumber table key or an
unknown OCR engine is a ``SettingsError`` (exit 2) naming the setting, never a failure mid-run."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.budgets import Budgets
from extract.errors import SettingsError
from extract.grid import DEFAULT_GRID_SETTINGS, GridSettings
from extract.validate import checked

DEFAULT_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 2,
    "join_tolerance": 2,
    "intersection_tolerance": 2,
}


@dataclass(frozen=True, slots=True)
@checked
class PageSettings:
    table: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_TABLE_SETTINGS))
    grid: GridSettings = DEFAULT_GRID_SETTINGS
    min_cells: int = 4  # a "table" with fewer cells is a box around text, not a form table

    def __post_init__(self) -> None:
        if not isinstance(self.table, dict):
            raise SettingsError(
                f"PageSettings.table must be a mapping of pdfplumber table settings, not {self.table!r}"
            )
        from pdfplumber.table import TableSettings

        known = {f.name for f in dataclasses.fields(TableSettings)}
        unknown = sorted(set(self.table) - known)
        if unknown:
            near = {k: [n for n in known if _near(k, n)] for k in unknown}
            hints = "; ".join(f"{k!r}" + (f" (did you mean {near[k][0]!r}?)" if near[k] else "") for k in unknown)
            raise SettingsError(f"PageSettings.table: unknown pdfplumber table setting {hints}")
        try:
            TableSettings.resolve(self.table)
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"PageSettings.table: {exc}") from None


def _near(a: str, b: str) -> bool:
    """Two setting names one typing slip apart (a letter swapped, missing, doubled or wrong)."""
    import regex

    return regex.fullmatch(f"(?:{regex.escape(a)}){{e<=2}}", b) is not None


DEFAULT_DPI = 300
MAX_SKEW = 5.0


@dataclass(frozen=True, slots=True)
@checked
class PrepSettings:
    dpi: int = DEFAULT_DPI
    max_skew: float = MAX_SKEW
    seal: bool = True  # paint red seal pixels white before reading text
    even_strokes: bool = True  # on a 1-bit page, thicken strokes a threshold thinned and thin those it swelled
    # text lines are detected on the page reduced by this much (0.5: at 150 dpi of a 300-dpi render, 4× fewer
    # pixels, the same boxes); 1.0 for print a few pixels tall, which the reduced page loses
    detect_scale: float = 0.5

    def __post_init__(self) -> None:
        if not 0.25 <= self.detect_scale <= 1.0:
            raise SettingsError(f"PrepSettings.detect_scale: {self.detect_scale} is not within 0.25–1.0")


@dataclass(frozen=True, slots=True)
@checked
class ImageGridSettings:
    h_min_pt: float = 14.0  # a horizontal ruling piece is at least this long (pieces add up across breaks)
    v_min_pt: float = 12.0  # a vertical ruling at least this (a one-line row is 15 pt, a glyph's stroke < 9 pt)
    close_px: int = 9  # breaks up to this many pixels in a ruling are closed
    merge_px: int = 6  # rulings closer than this are one
    coverage: float = 0.6  # share of a slot's side a ruling must cover to separate two slots
    anchor_free_pt: float = 36.0  # a ruling piece shorter than this meets rulings across at both ends
    ruling_max_pt: float = 2.4  # a ruling piece shorter than 2 × anchor_free_pt is at most this thick


@dataclass(frozen=True, slots=True)
@checked
class OcrSettings:
    engine: str = "rapidocr"
    prep: PrepSettings = field(default_factory=PrepSettings)
    grid: ImageGridSettings = field(default_factory=ImageGridSettings)
    threads: int = 0  # recogniser threads in this process; 0: the engine's choice (ingest workers: 1 each)

    def __post_init__(self) -> None:
        from extract.scan.ocr.base import ENGINES

        if self.engine not in ENGINES:
            raise SettingsError(
                f"OcrSettings.engine: unknown OCR engine {self.engine!r} (choose from {', '.join(ENGINES)})"
            )


@dataclass(frozen=True, slots=True)
@checked
class Settings:
    page: PageSettings = field(default_factory=PageSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    template_dirs: tuple[Path, ...] = ()  # extra template folders, after the bundled ones
    exclude_templates: tuple[str, ...] = ()  # template ids not to use (e.g. to measure the generic reader)
    budgets: Budgets = field(default_factory=Budgets)  # what one file may cost (see budgets.py)
    pages: tuple[int, ...] = ()  # read only these pages (1-based); empty: every page

    def __post_init__(self) -> None:
        object.__setattr__(self, "template_dirs", tuple(Path(p) for p in self.template_dirs))
        object.__setattr__(self, "exclude_templates", tuple(self.exclude_templates))
        pages = tuple(self.pages)
        if any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in pages):
            raise SettingsError(f"Settings.pages must be page numbers from 1, not {self.pages!r}")
        object.__setattr__(self, "pages", tuple(sorted(set(pages))))


def parse_pages(spec: str) -> tuple[int, ...]:
    """``"1-3,5"`` → (1, 2, 3, 5); a ``SettingsError`` for anything else."""
    out: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        lo, dash, hi = part.partition("-")
        if not lo.isdigit() or (dash and not hi.isdigit()):
            raise SettingsError(f"--pages {spec!r}: give pages as 1-3,5 (numbers from 1)")
        a, b = int(lo), int(hi) if dash else int(lo)
        if a < 1 or b < a or b - a > 100_000:
            raise SettingsError(f"--pages {spec!r}: a range runs from a page to a later one, from page 1")
        out.update(range(a, b + 1))
    return tuple(sorted(out))


DEFAULT_SETTINGS = Settings()
