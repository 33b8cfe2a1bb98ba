"""Scoring of simulated scans for bench/bench_scans.py: every truth field of every scan becomes one row of
facts (exact or not, numeric, silent, the kind of error, the simulator's choices for the file and — where
the record says on which page and where the value was read — for the page), so the benchmark can group the
errors by field pattern and by any simulator choice.

Conventions: ``samples.scansim`` records how far each page's content was turned *clockwise*
(``page_rotation``); ``extract.scan.prep.Prepared.rotation`` is how far the pipeline turned the scan clockwise to
make it upright. The right answer for a page turned ``t`` is therefore ``(360 - t) % 360``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.truth import is_numeric_path, score  # noqa: E402

DPI_BANDS = (150, 200, 240, 300, 400)
SEAL_RADIUS_PT = 22.5 * 72 / 25.4  # the largest seal is 45 mm across
NOT_NUMBERS = ("score.grade",)  # under score. but a word (优/良/中/差)


def is_number(path: str) -> bool:
    return is_numeric_path(path) and path not in NOT_NUMBERS


def pattern(path: str) -> str:
    """``indicators[12].actual`` -> ``indicators[].actual``."""
    return re.sub(r"\[(?:extra )?\d+\]", "[]", path)


def expected_rotation(turn: int) -> int:
    """What ``Prepared.rotation`` must be for a page the simulator turned ``turn`` degrees clockwise."""
    return (360 - turn) % 360


def dpi_band(dpi: int) -> int:
    return min(DPI_BANDS, key=lambda b: (abs(b - dpi), b))


def colour_mode(recipe: dict[str, Any]) -> str:
    return f"bilevel/{recipe['bilevel']}" if recipe["colour"] == "bilevel" else str(recipe["colour"])


def reason(error: str) -> str:
    """A failure message with the details that differ from file to file (quoted titles, page numbers) cut."""
    text = re.sub(r"'[^']*'", "'…'", error)
    return re.sub(r"\d+", "N", text)


def file_choices(recipe: dict[str, Any], placements: list[dict[str, Any]]) -> dict[str, str]:
    """The simulator's choices that hold for a whole scan, as group labels."""
    turns = [p["rotation"] for p in recipe["pages"]]
    seal_targets = sorted({s["target"] for p in recipe["pages"] for s in p["seals"]})
    skew = max(abs(p["skew_deg"]) for p in recipe["pages"])
    blur = max(p["blur_px300"] for p in recipe["pages"])
    return {
        "dpi": str(dpi_band(recipe["dpi"])),
        "colour": colour_mode(recipe),
        "photocopy": "yes" if recipe.get("photocopy") else "no",
        "jpeg_quality": "bilevel (G4)"
        if recipe.get("jpeg_quality") is None
        else ("< 50" if recipe["jpeg_quality"] < 50 else ">= 50"),
        "turned_pages": "none" if not any(turns) else ("all" if all(turns) else "some"),
        "seals": "+".join(seal_targets) or "none",
        "seal_over_numbers": "yes" if "numbers" in seal_targets else "no",
        "max_skew": "< 1°" if skew < 1 else ("1–2°" if skew < 2 else "2–3°"),
        "max_blur": "< 1 px" if blur < 1 else ">= 1 px",
        "bleed": "yes" if any(p["bleed"] for p in recipe["pages"]) else "no",
    }


SMALL_PRINT_PT = 4.0  # print smaller than this is below what a scan resolves (a 5-page form fitted on a sheet)


def print_band(size: float | None) -> str:
    if size is None:
        return "?"
    return f"< {SMALL_PRINT_PT:g} pt" if size < SMALL_PRINT_PT else f">= {SMALL_PRINT_PT:g} pt"


def source_print_pt(source_pdf: Path) -> float | None:
    """The median size of the glyphs the source prints (its text layer), in points."""
    import statistics

    import pdfplumber

    if not source_pdf.is_file():
        return None
    with pdfplumber.open(source_pdf) as pdf:
        sizes = [float(c["size"]) for page in pdf.pages for c in page.chars if c["text"].strip()]
    return statistics.median(sizes) if sizes else None


def _upright_box(box: list[float], turn: int, stored: tuple[float, float]) -> tuple[float, float, float, float]:
    """A box on the stored (turned) scan page -> the same box on the upright source page (points)."""
    sw, sh = stored
    x0, y0, x1, y1 = box
    if turn == 90:  # upright (x, y) was stored at (H - y, x), H = stored width
        return (y0, sw - x1, y1, sw - x0)
    if turn == 180:
        return (sw - x1, sh - y1, sw - x0, sh - y0)
    if turn == 270:  # upright (x, y) was stored at (y, W - x), W = stored height
        return (sh - y1, x0, sh - y0, x1)
    return (x0, y0, x1, y1)


def under_seal(box: tuple[float, float, float, float], page: int, placements: list[dict[str, Any]]) -> str | None:
    """The target of a seal whose disc touches ``box`` (upright points, 0-based page), if any."""
    for p in placements:
        if p.get("mark") != "seal" or p.get("page") != page:
            continue
        cx, cy = p["centre_pt"]
        nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
        if (nx - cx) ** 2 + (ny - cy) ** 2 <= SEAL_RADIUS_PT**2:
            return str(p.get("target"))
    return None


@dataclass
class Scan:
    """One scanned file and what the pipeline made of it."""

    setting: str
    pdf: Path
    truth: dict[str, Any]
    recipe: dict[str, Any]
    placements: list[dict[str, Any]]
    page_sizes: list[tuple[float, float]]  # the stored pages' sizes in points
    record: Any = None
    forms: int = 0
    error: str | None = None
    seconds: float = 0.0
    rotations: dict[int, int] = field(default_factory=dict)  # 1-based page -> Prepared.rotation
    rotation_source: dict[int, str] = field(default_factory=dict)  # page -> "pipeline" | "prepare"
    print_pt: float | None = None  # the median glyph size the source prints (points), if known

    @property
    def pages(self) -> int:
        return len(self.recipe["pages"])

    @property
    def lost(self) -> bool:
        return self.record is None

    @property
    def pages_lost(self) -> int:
        """Pages of the form not in the record (every page of a variant is a form page)."""
        if self.record is None:
            return self.pages
        return max(0, self.pages - len(set(self.record.source.form_pages)))

    def choices(self) -> dict[str, str]:
        return {
            "setting": self.setting,
            "kind": self.truth["kind"],
            "family": str(self.truth["layout"].get("family")),
            **file_choices(self.recipe, self.placements),
            "print": print_band(self.print_pt),
        }

    def read_as(self) -> str:
        """lost | own template | generic reader | another template."""
        if self.record is None:
            return "lost"
        if self.template_ok():
            return "own template"
        return "generic reader" if self.record.template == "generic" else "another template"

    def template_ok(self) -> bool | None:
        if self.record is None:
            return None
        want = self.truth.get("template")
        return want in (None, "generic") or self.record.template == want


@dataclass
class FieldFact:
    path: str
    number: bool
    printed: bool  # the truth holds a value (not a blank)
    exact: bool
    silent: bool
    error: str  # "" | "missing" (nothing read) | "spurious" (a value where the form prints none) | "misread"
    detail: str  # the truth.py line
    blank: bool = False  # a printed number read as a blank, not flagged
    page_turn: str = "?"  # the true turn of the page the value was read on (when the record says)
    seal: str = "?"  # the target of a seal over the value's box, "none", or "?" (no box)


def facts_of(truth: dict[str, Any], record: Any) -> list[FieldFact]:
    """One fact per truth field of a record (None: the form was not read)."""
    s = score(truth, record)
    wrong = {w.split(": ", 1)[0]: w for w in s.wrong}
    silent = {w.split(": ", 1)[0] for w in s.silent}
    blank = {w.split(": ", 1)[0] for w in s.blank}
    facts = []
    for path, want in truth["fields"].items():
        detail = wrong.get(path, "")
        got = _got(detail)
        error = "" if not detail else ("missing" if got == "None" else ("spurious" if want is None else "misread"))
        fact = FieldFact(path, is_number(path), want is not None, not detail, path in silent, error, detail)
        fact.blank = path in blank
        facts.append(fact)
    for path, detail in wrong.items():  # the numbers of rows the form does not print (read twice, or made up)
        if "[extra " in path:
            facts.append(FieldFact(path, True, False, False, path in silent, "spurious", detail))
    return facts


def field_facts(scan: Scan) -> list[FieldFact]:
    """The facts of a scan, each located on its page (true turn, seal) where the record says where it was read."""
    facts = facts_of(scan.truth, scan.record)
    prov = getattr(scan.record, "provenance", {}) if scan.record is not None else {}
    for fact in facts:
        _locate(fact, prov.get(fact.path), scan)
    return facts


def _got(detail: str) -> str:
    return detail.rsplit(", got ", 1)[-1].split(" (not flagged)")[0] if detail else ""


def _locate(fact: FieldFact, prov: Any, scan: Scan) -> None:
    page = getattr(prov, "page", None)
    if page is None or not 1 <= page <= scan.pages:
        return
    turn = scan.recipe["pages"][page - 1]["rotation"]
    fact.page_turn = str(turn)
    bbox = getattr(prov, "bbox", None)
    if bbox:
        box = _upright_box(list(bbox), turn, scan.page_sizes[page - 1])
        fact.seal = under_seal(box, page - 1, scan.placements) or "none"


@dataclass
class Tally:
    forms: int = 0
    pages: int = 0
    lost: int = 0
    pages_lost: int = 0
    fields: int = 0
    exact: int = 0
    numbers: int = 0
    numbers_exact: int = 0
    printed: int = 0  # numeric fields with a printed value
    printed_exact: int = 0
    silent: int = 0
    blank: int = 0  # printed numbers read as blank, not flagged (of forms read)

    def add_scan(self, scan: Scan) -> None:
        self.forms += 1
        self.pages += scan.pages
        self.lost += scan.lost
        self.pages_lost += scan.pages_lost

    def add_fact(self, f: FieldFact) -> None:
        self.fields += 1
        self.exact += f.exact
        self.silent += f.silent
        self.blank += f.blank
        if f.number:
            self.numbers += 1
            self.numbers_exact += f.exact
            if f.printed:
                self.printed += 1
                self.printed_exact += f.exact

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.__dict__,
            "exact_pct": pct(self.exact, self.fields),
            "numbers_exact_pct": pct(self.numbers_exact, self.numbers),
            "printed_numbers_exact_pct": pct(self.printed_exact, self.printed),
        }


def pct(k: int, n: int) -> float | None:
    return round(100 * k / n, 2) if n else None


def tally(scans: Iterable[Scan], facts: dict[Path, list[FieldFact]], key: Callable[[Scan], str]) -> dict[str, Tally]:
    """Tallies of scans grouped by a file-level label."""
    out: dict[str, Tally] = defaultdict(Tally)
    for scan in scans:
        t = out[key(scan)]
        t.add_scan(scan)
        for f in facts[scan.pdf]:
            t.add_fact(f)
    return dict(out)


def tally_fields(facts: Iterable[FieldFact], key: Callable[[FieldFact], str]) -> dict[str, Tally]:
    """Tallies of numeric fields grouped by a field-level label (no form or page counts)."""
    out: dict[str, Tally] = defaultdict(Tally)
    for f in facts:
        if f.number:
            out[key(f)].add_fact(f)
    return dict(out)


def top_patterns(facts: Iterable[FieldFact], n: int = 10) -> list[tuple[str, int, int, int]]:
    """The field patterns most often wrong: (pattern, wrong, of which silent, fields of that pattern)."""
    wrong: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for f in facts:
        p = pattern(f.path)
        total[p] += 1
        if not f.exact:
            wrong[f"{p} ({f.error})"] += 1
            silent[f"{p} ({f.error})"] += f.silent
    return [(p, k, silent[p], total[p.rsplit(" (", 1)[0]]) for p, k in wrong.most_common(n)]
