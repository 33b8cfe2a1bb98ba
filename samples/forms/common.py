"""Shared helpers for the sample form builders: fonts and styles, data reading, sizing, printing, checks.

Every builder in ``samples/forms/<kind>.py`` writes an openpyxl workbook; ``samples/make_samples.py`` prints it
to PDF with :func:`print_to_pdf`, fixes its bytes with :func:`make_reproducible` and runs the builder's checks.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

SAMPLES_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = SAMPLES_DIR / "data"

# --- Styles ---------------------------------------------------------------------------------------------
FONT_NAME = "Noto Serif CJK SC"  # a Song/Ming face, like the 宋体 of real forms; in fonts-noto-cjk
BODY_SIZE = 9.0
TITLE_SIZE = 16.0

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
# One-line cells of narrow columns: the first paragraph is the printed fragment, the second is clipped.
CLIPPED = Alignment(horizontal="left", vertical="top", wrap_text=True)
# Numbers and phones: centred, not wrapped, not shrunk. Wider text (an 11-digit phone in G) is clipped at
# both borders on the page, as the left neighbour is filled and G is the last printed column, while the
# text layer keeps every digit, running past both borders.
NUMBER = Alignment(horizontal="center", vertical="center", wrap_text=False, shrink_to_fit=False)
STACKED = Alignment(horizontal="center", vertical="center", text_rotation=255)

NUMBER_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


# --- Data ----------------------------------------------------------------------------------------------
class DataError(Exception):
    """A data file is missing a key or holds a value of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Printed:
    """A value exactly as printed; numeric values become number cells, others text cells."""

    text: str
    numeric: bool


@dataclass(frozen=True, slots=True)
class Clipped:
    """Text of a one-line cell in a narrow column: the visible line and the clipped rest."""

    visible: str
    hidden: str

    @property
    def content(self) -> str:
        return f"{self.visible}\n{self.hidden}" if self.hidden else self.visible


class Reader:
    """Typed access to one mapping of a data file; errors name the file and the key path."""

    def __init__(self, data: Any, path: str, where: str = "") -> None:
        if not isinstance(data, dict):
            raise DataError(f"{path}: {where or 'top level'}: expected a mapping")
        self.data = data
        self.path = path
        self.where = where

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, message: str) -> DataError:
        return DataError(f"{self.path}: {self._key(key)}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "expected a (quoted) string")
        return value

    def printed(self, key: str) -> Printed:
        value = self.data.get(key)
        if isinstance(value, dict) and set(value) == {"text"} and isinstance(value["text"], str):
            return Printed(value["text"], numeric=False)
        if isinstance(value, str) and NUMBER_RE.fullmatch(value):
            return Printed(value, numeric=True)
        raise self.fail(key, 'expected a quoted number as printed ("3.00") or {text: "..."}')

    def clipped(self, key: str) -> Clipped:
        return Clipped(self.text(key), self.text(f"{key}_hidden", ""))

    def child(self, key: str) -> Reader:
        return Reader(self.data.get(key), self.path, self._key(key))

    def items(self, key: str) -> list[Reader]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a non-empty list")
        return [Reader(item, self.path, f"{self._key(key)}[{i}]") for i, item in enumerate(value)]

    def optional(self, key: str) -> Printed | None:
        """A printed value, or None when the key is absent or null (a blank cell)."""
        return None if self.data.get(key) is None else self.printed(key)


def cell_value(value: Printed) -> tuple[int | float | str, str]:
    """The cell value and number format that print ``value.text`` exactly."""
    if not value.numeric:
        return value.text, "@"
    match = NUMBER_RE.fullmatch(value.text)
    assert match is not None
    decimals = len(match.group(1) or "")
    grouped = "," in value.text
    number = Decimal(value.text.replace(",", ""))
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    shown = f"{number:,.{decimals}f}" if grouped else f"{number:.{decimals}f}"
    if shown != value.text:
        raise DataError(f"{value.text!r} cannot be printed exactly by a number format")
    return (float(number) if decimals else int(number)), fmt


# --- Text measurement (to size narrative rows) ----------------------------------------------------------
@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int]:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", FONT_NAME],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cannot locate font {FONT_NAME!r} with fc-match: {exc}") from exc
    file, _, index = found.rpartition(":")
    if "NotoSerifCJK" not in file:
        raise SystemExit(f"font {FONT_NAME!r} is not installed (fc-match gave {file}): install fonts-noto-cjk")
    return file, int(index or 0)


@lru_cache(maxsize=1)
def _metrics_font() -> Any:
    from PIL import ImageFont  # Pillow comes with pdfplumber

    file, index = _font_file()
    return ImageFont.truetype(file, size=1000, index=index)


def line_pitch(size: float) -> float:
    ascent, descent = _metrics_font().getmetrics()
    return float(ascent + descent) / 1000 * size


# Characters that may not start a line; LibreOffice keeps them with the character before.
NO_BREAK_BEFORE = set("，。、；：？！）》」』】”’%．,.;:?!)")
WORD_RE = re.compile(r"[0-9A-Za-z.,%]+|\s|.", re.DOTALL)


def count_lines(text: str, width: float, size: float) -> int:
    """Lines that ``text`` needs in a wrapped cell ``width`` pt wide (greedy, whole numbers kept together)."""
    font = _metrics_font()
    tokens: list[str] = []
    for token in WORD_RE.findall(text):
        if tokens and token[0] in NO_BREAK_BEFORE:
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, used = 1, 0.0
    for token in tokens:
        advance = float(font.getlength(token)) / 1000 * size
        if used + advance > width and used > 0:
            lines, used = lines + 1, (0.0 if token.isspace() else advance)
        else:
            used += advance
    return lines


def column_points(columns: str, widths: dict[str, float]) -> float:
    """Width in pt of the columns (e.g. "CDEFG") as LibreOffice draws them, with ``widths`` in units."""
    return sum(widths[c] for c in columns) * _digit_width()


def _digit_width() -> float:
    return float(_metrics_font().getlength("0")) / 1000 * BODY_SIZE


# --- Workbook -------------------------------------------------------------------------------------------
def font(size: float = BODY_SIZE, *, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


_font = font  # the name the Shanxi builder was written with


class FormSheet:
    """Writes cells and merged ranges with the form's styles, one row at a time."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0

    def next_row(self, height: float) -> int:
        self.row += 1
        self.ws.row_dimensions[self.row].height = height
        return self.row

    def put(
        self,
        span: str,
        value: str | Printed | None,
        align: Alignment = CENTER,
        *,
        rows: int = 1,
        border: Border = BOX,
        font: Font | None = None,
    ) -> Cell:
        """Write ``value`` into columns ``span`` ("C" or "C:G") of the current row, merged over ``rows``."""
        first, _, last = span.partition(":")
        last = last or first
        top, bottom = self.row, self.row + rows - 1
        for line in self.ws[f"{first}{top}:{last}{bottom}"]:
            for cell in line:
                cell.border = border
                cell.font = font or _font()
                cell.alignment = align
        if (first, top) != (last, bottom):
            self.ws.merge_cells(f"{first}{top}:{last}{bottom}")
        cell = self.ws[f"{first}{top}"]
        if isinstance(value, Printed):
            cell.value, cell.number_format = cell_value(value)
        elif value is not None:
            cell.value, cell.number_format = value, "@"
        return cell


def new_workbook(title: str, widths: dict[str, float]) -> tuple[Workbook, Worksheet]:
    """A workbook whose default font is FONT_NAME at BODY_SIZE (LibreOffice sizes columns with it)."""
    wb = Workbook()
    # openpyxl has no public API for the default (Normal) font; LibreOffice sizes columns with it.
    wb._fonts = IndexedList([font()])
    ws = wb.active
    assert ws is not None
    ws.title = title
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    return wb, ws


def setup_page(ws: Worksheet, last_column: str, last_row: int, *, landscape: bool = False) -> None:
    """A4, fit to width, centred, 0.4 in margins, no header or footer."""
    ws.print_area = f"A1:{last_column}{last_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.4
    ws.page_margins.header = ws.page_margins.footer = 0.0


# --- PDF ------------------------------------------------------------------------------------------------
def print_many(xlsx_files: Sequence[Path], outdir: Path) -> list[Path]:
    """Print workbooks to ``outdir``/<stem>.pdf with one LibreOffice run, in a throwaway user profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: run `make samples-deps` (libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, xlsx_files),
        ]
        env = {**os.environ, "TZ": "UTC"}
        timeout = 120 + 20 * len(xlsx_files)
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    pdfs = [outdir / f"{xlsx.stem}.pdf" for xlsx in xlsx_files]
    for xlsx, pdf in zip(xlsx_files, pdfs, strict=True):
        if done.returncode != 0 or not pdf.exists():
            raise SystemExit(f"LibreOffice did not print {xlsx.name}: {done.stdout}{done.stderr}")
    return pdfs


def print_to_pdf(xlsx: Path, outdir: Path) -> Path:
    """Print ``xlsx`` to ``outdir``/<stem>.pdf with LibreOffice, in a throwaway user profile."""
    return print_many([xlsx], outdir)[0]


def make_reproducible(data: bytes, seed: str) -> bytes:
    """Replace LibreOffice's creation date, /ID and checksum by fixed values of the same length."""

    def fixed_date(match: re.Match[bytes]) -> bytes:
        return match.group(1) + b"20000101000000" + match.group(2)

    data = re.sub(rb"(/(?:CreationDate|ModDate)\(D:)\d{14}([^)]*\))", fixed_date, data)
    digest = hashlib.md5(seed.encode() + re.sub(rb"<[0-9A-F]{32}>|/[0-9A-F]{32}", b"", data)).hexdigest()
    token = digest.upper().encode()
    data = re.sub(rb"(/ID \[ ?)<[0-9A-F]{32}>(\s*)<[0-9A-F]{32}>", rb"\1<" + token + rb">\2<" + token + b">", data)
    return re.sub(rb"(/DocChecksum /)[0-9A-F]{32}", rb"\g<1>" + token, data)


# --- Checks ---------------------------------------------------------------------------------------------
def find_all(chars: Sequence[dict[str, Any]], text: str) -> Iterator[list[dict[str, Any]]]:
    """Each run of chars that spells ``text`` (whitespace ignored), in content-stream order."""
    stream, owner = "", []
    for char in chars:
        glyphs = "".join(char["text"].split())
        stream += glyphs
        owner += [char] * len(glyphs)
    needle = "".join(text.split())
    at = stream.find(needle)
    while at >= 0:
        found: list[dict[str, Any]] = []
        for char in owner[at : at + len(needle)]:
            if not found or found[-1] is not char:
                found.append(char)
        yield found
        at = stream.find(needle, at + 1)


def find_chars(chars: Sequence[dict[str, Any]], text: str) -> list[dict[str, Any]] | None:
    return next(find_all(chars, text), None)


def cell_bottom(page: Any, x: float, top: float) -> float:
    """The first horizontal ruling below ``top`` that crosses ``x``."""
    below = [e["top"] for e in page.edges if e["orientation"] == "h" and e["x0"] <= x <= e["x1"] and e["top"] > top + 1]
    return min(below, default=float(page.height))
