"""Scans no one tuned for (issue 11): orientation that never turns an upright page, and OCR provenance
that survives the field stage. Pages come from the independent scan simulator (``samples/scansim``,
test seeds 0–99) over the committed layout variants, at 150–400 dpi, upright and turned."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from extract.pipeline import extract_document
from extract.scan.ocr.base import OcrEngine, PixelBox
from extract.scan.prep import Prepared, mirrored, prepare
from extract.settings import PrepSettings
from samples.scansim import Recipe, page_rotation, simulate

from .conftest import SAMPLES

FIXED = SAMPLES / "variants" / "fixed"
CASES = [
    (kind, dpi, turn)
    for (kind, dpi), turn in zip(
        itertools.product(("project", "department"), (150, 200, 300, 400)),
        itertools.cycle((0, 90, 180, 270)),
        strict=False,
    )
] + [("project", 300, 0), ("department", 200, 0), ("department", 300, 180), ("project", 150, 90)]


@pytest.mark.parametrize(("kind", "dpi", "turn"), CASES)
def test_a_page_is_turned_upright_and_an_upright_page_never_turned(
    kind: str, dpi: int, turn: int, tmp_path: Path
) -> None:
    seed = CASES.index((kind, dpi, turn))  # test seeds: 0–99
    source = FIXED / f"{kind}-{seed % 6}.pdf"
    scan = tmp_path / "scan.pdf"
    recipe = simulate(source, seed, scan, dpi=dpi, rotation=turn)
    doc = pdfium.PdfDocument(scan)
    try:
        page = doc[0]
        prepared = prepare(page, PrepSettings())
        page.close()
    finally:
        doc.close()
    # the simulator turned the content clockwise by r; the pipeline turns it back clockwise by 360 - r
    assert prepared.rotation == (360 - page_rotation(recipe, 0)) % 360, (source.name, recipe.dpi, recipe.colour)


def _levelled(
    source: Path, seed: int, dpi: int, turn: int, tmp_path: Path
) -> tuple[Prepared, list[PixelBox], OcrEngine, Recipe]:
    """The first page of ``source`` scanned by the simulator (turned ``turn``), levelled: the prepared page,
    the text lines detected on it, the engine and the recipe."""
    from extract.scan.ocr import get_engine
    from extract.scan.prep import level

    scan = tmp_path / "scan.pdf"
    recipe = simulate(source, seed, scan, dpi=dpi, rotation=turn)
    engine = get_engine("rapidocr")
    doc = pdfium.PdfDocument(scan)
    try:
        prepared, boxes = level(doc[0], PrepSettings(), engine)
    finally:
        doc.close()
    return prepared, boxes, engine, recipe


WAY_UP = [("project", 200, 180), ("department", 300, 0), ("department", 150, 180), ("project", 400, 0)]


@pytest.mark.parametrize(("kind", "dpi", "turn"), WAY_UP)
def test_the_way_up_is_settled_before_any_text_is_read(kind: str, dpi: int, turn: int, tmp_path: Path) -> None:
    """The direction classifier's vote on the widest detected lines turns an upside-down page before it is
    read (read once, not read, weighed and read again) and lets an upright page be: never the wrong way."""
    from extract.scan.prep import direction_vote

    seed = 80 + WAY_UP.index((kind, dpi, turn))  # test seeds: 0–99
    prepared, boxes, engine, _ = _levelled(FIXED / f"{kind}-{seed % 6}.pdf", seed, dpi, turn, tmp_path)
    assert prepared.rotation == 0
    assert direction_vote(prepared.gray, boxes, engine) == turn
    flipped = prepared.turned_over()
    h, w = prepared.gray.shape[:2]
    assert direction_vote(flipped.gray, [mirrored(b, w, h) for b in boxes], engine) == 180 - turn


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_boxes_found_before_levelling_land_on_the_text_of_the_levelled_page(turn: int, tmp_path: Path) -> None:
    """Text is detected once, on the page as scanned (skewed, maybe on its side); the boxes mapped onto the
    levelled page hold the same text as boxes detected there afresh, and a page turned over maps back to
    the same place of the stored page."""
    seed = {0: 42, 90: 46, 180: 50, 270: 64}[turn]
    prepared, boxes, engine, recipe = _levelled(FIXED / "project-1.pdf", seed, 200, turn, tmp_path)
    assert abs(prepared.skew) > 1.5, recipe  # seeds that skew the page 1.8–2.8°: the mapping is exercised
    fresh = engine.detect(prepared.gray)
    assert fresh is not None  # RapidOCR has a detector of its own

    def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return max(w, 0) * max(h, 0) / ((a[2] - a[0]) * (a[3] - a[1]))

    matched = [max(overlap(b, f) for f in fresh) for b in boxes]
    assert sum(m > 0.6 for m in matched) >= 0.9 * len(boxes), sorted(matched)[:10]
    h, w = prepared.gray.shape[:2]
    over = prepared.turned_over()
    box = boxes[len(boxes) // 2]
    there = prepared.to_page(tuple(v / prepared.scale for v in box))  # type: ignore[arg-type]
    back = over.to_page(tuple(v / over.scale for v in mirrored(box, w, h)))  # type: ignore[arg-type]
    assert max(abs(a - b) for a, b in zip(there, back, strict=True)) < 1.0


def test_values_read_on_a_scan_keep_their_ocr_origin() -> None:
    (record,) = extract_document(SAMPLES / "scans" / "chizhou-2022-village-funds-scan300.pdf").records
    read = {k: p for k, p in record.provenance.items() if p.method != "computed"}
    assert len(read) > 40
    text = sorted(k for k, p in read.items() if p.method != "ocr")
    assert text == [], text  # title, year, level-1 names, subtotals: all OCR
    # a value split from its cell's text (a level-1 name's printed points) keeps the cell's confidence
    sub = record.provenance["indicator_subtotals[0].set_score"]
    assert sub.confidence == record.provenance["indicator_subtotals[0].level1"].confidence < 1.0


@pytest.fixture(scope="module")
def long_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The last 12 pages of a 决算 document (narrative, 决算 tables, then a department form over two pages
    and a project form) and a page of scribbles no band line reads on, scanned by the simulator at a test
    seed."""
    import numpy as np
    from PIL import Image, ImageDraw
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path_factory.mktemp("long")
    rng = np.random.default_rng(7)
    scribbles = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(scribbles)
    for _ in range(60):
        draw.line([tuple(int(v) for v in rng.integers(100, 1600, 2)) for _ in range(6)], fill=40, width=3)
    scribbled = folder / "scribbles.pdf"
    scribbles.save(scribbled, resolution=150)
    writer = PdfWriter()
    for page in PdfReader(SAMPLES / "huaiyuan-2022-agriculture-final-accounts.pdf").pages[23:]:
        writer.add_page(page)
    writer.add_page(PdfReader(scribbled).pages[0])
    text = folder / "tail.pdf"
    with text.open("wb") as f:
        writer.write(f)
    scan = folder / "tail-scan.pdf"
    simulate(text, 7, scan, dpi=200, rotation=0)
    return scan


def test_a_long_scanned_document_is_screened_without_ocr_of_every_page(long_scan: Path) -> None:
    from extract.scan.scanscreen import screen_scans

    verdicts = screen_scans(str(long_scan), list(range(1, 14)), 60_000_000)
    forms = {10, 11, 12}  # pages 33-35 of the document
    assert all(verdicts[n].verdict != "skip" for n in forms), {n: verdicts[n] for n in forms}
    assert verdicts[10].verdict == "form" and "自评表" in verdicts[10].text
    skipped = [n for n, v in verdicts.items() if v.verdict == "skip"]
    assert len(skipped) >= 5, verdicts  # most other pages cost a screen, not an OCR pass
    from extract.pipeline import analyse

    a = analyse(long_scan)
    assert [[p.number for p in f.pages] for f in a.forms] == [[10, 11], [12]]
    # pages read in full that hold no form keep no page image (a long document would hold hundreds of MB)
    from extract.scan.scanscreen import names_a_form

    kept = {n for n, p in a.pages.items() if p.image is not None}
    assert kept >= {10, 11, 12} and all(names_a_form(a.pages[n].text) for n in kept)
    assert verdicts[13].verdict == "unsure"  # the scribbles: read in full, to be sure
    assert 13 in {n for n, p in a.pages.items() if p.method == "ocr"} - kept  # and its image dropped


@pytest.mark.parametrize(("page", "angle"), [(24, -2.5), (24, 1.2), (2, 2.0), (11, -1.6), (11, 2.8), (2, -2.9)])
def test_a_skewed_page_is_levelled_and_screened_out(page: int, angle: float, tmp_path: Path) -> None:
    """A text page or a ruled 决算 table fed 1–3° askew: its lines drift across each other's rows, so
    none were found apart and the page was read in full ('unsure'); levelled first, its band reads and the
    page costs a screen."""
    import cv2
    import numpy as np
    from PIL import Image

    from extract.scan.scanscreen import _text_ink, _text_skew, screen_scans

    doc = pdfium.PdfDocument(SAMPLES / "huaiyuan-2022-agriculture-final-accounts.pdf")
    gray = np.asarray(doc[page].render(scale=150 / 72, grayscale=True).to_pil().convert("L"))
    doc.close()
    h, w = gray.shape
    turned = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=255)
    small, _ = _text_ink(cv2.resize(turned, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    assert abs(_text_skew(small) + angle) <= 0.3
    pdf = tmp_path / "askew.pdf"
    Image.fromarray(turned).save(pdf, resolution=150)
    (verdict,) = screen_scans(str(pdf), [1], 60_000_000).values()
    assert verdict.verdict == "skip", verdict


@pytest.mark.parametrize("colour", ["red", "dark_red", "blue", "purple"])
def test_a_seal_of_any_colour_fades_and_black_ink_under_it_stays(colour: str) -> None:
    import cv2
    import numpy as np

    from extract.scan.inklines import SEAL_GHOST
    from extract.scan.prep import suppress_seal
    from samples.scansim.recipe import SEAL_RGB

    page = np.full((200, 400, 3), 240, np.uint8)
    cv2.putText(page, "1234.56", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (20, 20, 20), 6)
    ink = page.min(axis=2) < 100
    ring = np.zeros((200, 400), np.uint8)
    cv2.circle(ring, (200, 100), 90, 1, 14)  # the ring crosses the digits
    # stamped as ink is: multiplied over the page, as dark in grey as a real seal (0.45 of full strength)
    tint = 1 - 0.45 * (1 - np.array(SEAL_RGB[colour]) / 255)
    stamped = np.where(ring[..., None] == 1, page * tint, page).astype(np.uint8)
    gray = suppress_seal(stamped)
    near_print = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert gray[(ring == 1) & ~near_print].min() > SEAL_GHOST  # the seal alone is a light ghost
    assert gray[ink].max() < 100  # the print stays black, also under the ring


def test_a_misread_level1_name_on_a_scan_is_reviewed() -> None:
    from extract.forms.extraction import Extraction
    from extract.model import Field
    from extract.pipeline import _flag_unknown_groups

    ex = Extraction()
    for i, (name, source) in enumerate(
        [("效色模", "ocr"), ("效益指标", "ocr"), ("产出指标(50分)", "ocr"), ("效色模", "text")]
    ):
        ex.rows.setdefault("indicators", []).append(
            {"level1": Field(f"indicators[{i}].level1", name, name, 1, (0, 0, 1, 1), 0.9, source)}
        )
    _flag_unknown_groups(ex)
    assert list(ex.review) == ["indicators[0].level1"]  # read by OCR and none the forms use


def test_a_large_bold_title_is_read_not_cut_into_cells(tmp_path: Path) -> None:
    """The strokes of a large bold title are long enough to pass for rulings; outside the table's region
    they are not, so the title is read whole and the form found."""
    scan = tmp_path / "d.pdf"
    simulate(FIXED / "department-0.pdf", 12, scan, dpi=300, rotation=0)
    records = extract_document(scan).records
    assert [r.form.title for r in records] == ["晋中市部门整体支出绩效自评表"]


def test_a_name_stacked_one_glyph_per_line_is_read() -> None:
    """产/出/指/标 printed down a tall narrow cell: real glyphs (rendered from a sample's text layer)
    stacked in a ruled cell, read as one line by the real recogniser."""
    import numpy as np
    import pdfplumber

    from extract.scan.ocr import get_engine
    from extract.scan.ocrpage import stacked_glyphs

    scale = 300 / 72
    with pdfplumber.open(SAMPLES / "chizhou-2022-village-funds.pdf") as pdf:
        page = pdf.pages[0]
        text = "".join(c["text"] for c in page.chars)
        chars = page.chars[text.index("产出指标") : text.index("产出指标") + 4]
        image = np.asarray(page.to_image(resolution=300).original.convert("L"))
    glyphs = [
        image[
            int(c["top"] * scale) - 2 : int(c["bottom"] * scale) + 2,
            int(c["x0"] * scale) - 2 : int(c["x1"] * scale) + 2,
        ]
        for c in chars
    ]
    side = max(g.shape[1] for g in glyphs)
    cell = np.full((len(glyphs) * (side + 14) + 40, side + 40), 255, np.uint8)
    for k, g in enumerate(glyphs):
        top = 20 + k * (side + 14)
        cell[top : top + g.shape[0], 20 : 20 + g.shape[1]] = g
    cell[[0, 1, -2, -1], :] = 0  # the cell's rulings
    cell[:, [0, 1, -2, -1]] = 0
    line = stacked_glyphs(cell, (0, 0, cell.shape[1], cell.shape[0]))
    assert line is not None and line.shape[1] > line.shape[0]  # laid side by side
    (read,) = get_engine("rapidocr").read(line, [(0, 0, line.shape[1], line.shape[0])])
    assert read.text == "产出指标"
    # a cell holding one glyph is no stack
    assert stacked_glyphs(cell[: side + 60], (0, 0, cell.shape[1], side + 60)) is None


def test_a_label_wrapped_two_glyphs_a_line_in_a_narrow_cell_is_read_whole() -> None:
    """上年 / 结转 / 金额 wrapped two glyphs a line in a tall narrow label cell (a crop of a 300-dpi grey scan,
    the simulator's page of a Shanxi form whose first column printed narrow, ``tests/data``): the lines
    laid side by side read 上年结转金额. The glyph was taken to be as tall as the column is wide (two
    glyphs here), so two lines were read as one tile: 上金额, and the form's budget figures beside such
    labels were lost."""
    import numpy as np
    from PIL import Image

    from extract.scan.ocr import get_engine
    from extract.scan.ocrpage import stacked_glyphs

    cell = np.asarray(Image.open(Path(__file__).parent / "data" / "wrapped-label-cell.png").convert("L"))
    line = stacked_glyphs(cell, (3, 3, cell.shape[1] - 3, cell.shape[0] - 3))  # the cell's rulings, 3 px in
    assert line is not None and line.shape[1] > 4 * line.shape[0]  # three lines laid side by side
    (read,) = get_engine("rapidocr").read(line, [(0, 0, line.shape[1], line.shape[0])])
    assert read.text == "上年结转金额", read.text


@pytest.mark.parametrize(
    ("crop", "want"),
    [
        # 投入(16分 / ) in a tall cell, specks of dust above it: the dust was laid beside the name as tiles of
        # its own and the whole read as nothing; the group's set score was lost
        ("stacked-name-dust.png", "投入（16分）"),
        # 上/年/结/转/金/额/(/万/元/) down a narrow cell, a skewed ruling's residue a few pixels inside its side
        # (shorter than a ruling along the whole cell): it joined the glyphs into one run, or was laid beside
        # each glyph as a stroke (上—年结转金额（万—元）), and the budget figure beside it was lost
        ("stacked-label-skewed-ruling.png", "上年结转金额（万元）"),
    ],
)
def test_a_stacked_name_is_read_past_dust_and_a_skewed_rulings_residue(crop: str, want: str) -> None:
    """Crops of tall cells from development scans (department-1220 at 300 dpi, grey JPEG; department-1179
    at 200 dpi, skewed 1.6°): the lines of the name laid side by side read as printed."""
    import numpy as np
    from PIL import Image

    from extract.scan.ocr import get_engine
    from extract.scan.ocrpage import stacked_glyphs

    cell = np.asarray(Image.open(Path(__file__).parent / "data" / crop).convert("L"))
    line = stacked_glyphs(cell, (3, 3, cell.shape[1] - 3, cell.shape[0] - 3))  # the cell's rulings, 3 px in
    assert line is not None and line.shape[1] > 3 * line.shape[0]
    (read,) = get_engine("rapidocr").read(line, [(0, 0, line.shape[1], line.shape[0])])
    assert read.text == want, read.text


def test_a_grey_one_line_name_in_a_tall_cell_is_no_stack() -> None:
    """预算执行 on one line in a tall cell, printed grey (a 300-dpi grey JPEG scan, development scan
    department-1220): counted as ink only where darker than 128 its strokes fell apart into runs a few
    pixels tall, taken for a column of glyphs and read 预算执-··.·; with its strokes whole (the hysteresis
    ink, ``glyph_ink``) it is one line, no stack, and the page's reading of the line stands."""
    import numpy as np
    from PIL import Image

    from extract.scan.ocrpage import stacked_glyphs

    cell = np.asarray(Image.open(Path(__file__).parent / "data" / "grey-name-tall-cell.png").convert("L"))
    assert stacked_glyphs(cell, (3, 3, cell.shape[1] - 3, cell.shape[0] - 3)) is None


def test_a_header_word_wrapped_in_its_cell_matches_on_a_scan(tmp_path: Path) -> None:
    """年度指标 / 值 wrapped inside one header cell: on the scan the cell's lines are one string again, so the
    page matches its template's keywords by itself (as its text-layer version does)."""
    from extract.pipeline import analyse

    scan = tmp_path / "wrapped.pdf"
    simulate(FIXED / "department-5.pdf", 13, scan, dpi=300, rotation=0)  # a layout with wrapped header words
    a = analyse(scan)
    national = next(t for t in a.templates if t.id == "dept-national")
    assert national.missing(a.screens[0].text, True) == []


@pytest.mark.parametrize("variant", ["project-0", "project-5"])
def test_level1_names_over_a_page_break_are_read_on_a_scan(variant: str, tmp_path: Path) -> None:
    """A level-1 name merged over rows on two pages: its cells have no ruling at the page break (the
    vertical rulings end together), yet are cells; a name whose points lost their 分 (产出指标（50）) is
    still a name with points."""
    import json

    from extract.records.codec import to_dict

    source = FIXED / f"{variant}.pdf"
    scan = tmp_path / "scan.pdf"
    simulate(source, 60, scan, dpi=300, rotation=0)
    truth = json.loads(source.with_name(f"{variant}.truth.json").read_text(encoding="utf-8"))["fields"]
    want = [v for k, v in truth.items() if k.startswith("indicators[") and k.endswith("].level1")]
    (record,) = extract_document(scan).records
    assert [i["level1"] for i in to_dict(record)["indicators"]] == want


def test_a_scanned_table_shifted_on_the_next_page_continues() -> None:
    """Each page of a scan lies a little differently (placement, skew levelled about the page's centre): the
    same table's borders sit a few points off on the next page, and it still continues there — on text
    pages, where nothing moves, a table whose borders differ as much is another table."""
    from extract.forms.segment import PageScreen, continues
    from extract.model import Grid, PageContent

    xs = (127.0, 144.0, 182.0, 231.0, 284.0, 316.0, 351.0, 434.0, 468.0)

    def page(number: int, shift: float, method: str) -> PageContent:
        moved = tuple(x + shift for x in xs)
        grid = Grid(number, (moved[0], 40.0, moved[-1], 800.0), moved, (40.0, 800.0), ())
        return PageContent(number, 595.0, 842.0, method, (grid,), (), "")

    screen = PageScreen(2, "", None, (), True)
    assert continues(page(1, 0, "ocr"), page(2, -2.6, "ocr"), screen)
    assert continues(page(1, 0, "ocr"), page(2, 9.0, "ocr"), screen)
    assert not continues(page(1, 0, "text"), page(2, 9.0, "text"), screen)
    assert not continues(page(1, 0, "ocr"), page(2, 40.0, "ocr"), screen)


def test_a_dark_paper_edge_does_not_pull_the_title_into_the_table(tmp_path: Path) -> None:
    """A scan whose page edge prints as a long dark strip, and a seal whose ring joins the title to the
    table: the table's region is the box of its long rulings alone, so the large title above it is read as
    a line (not cut into one-glyph cells by its own strokes) and the form is found, all four pages."""
    scan = tmp_path / "scan.pdf"
    simulate(FIXED / "department-0.pdf", 62, scan, dpi=200, rotation=0)
    from extract.pipeline import analyse

    a = analyse(scan)
    assert [[p.number for p in f.pages] for f in a.forms] == [[1, 2, 3, 4]]
    assert a.screens[0].title is not None and "自评表" in a.screens[0].title


@pytest.mark.parametrize(
    ("text", "confidence", "speck"),
    [("福", 0.04, True), ("二", 0.16, True), ("“", 0.23, True), ("8", 0.1, False), ("投入", 0.9, False)],
)
def test_a_mark_read_with_next_to_no_confidence_is_no_text(text: str, confidence: float, speck: bool) -> None:
    """A seal's trace in an empty cell read as 福 at 0.04 gave a subtotal row an indicator's name; an unsure
    digit stays (it is reread and flagged, never dropped)."""
    from extract.scan.ocr.base import OcrLine
    from extract.scan.ocrpage import _speck

    assert _speck(OcrLine(text, (0, 0, 10, 10), confidence)) is speck


def _one_bit(source: Path, seed: int, method: str, level: float, out: Path, blur: float = 1.0) -> Path:
    """``source`` scanned at 300 dpi as a 1-bit page by ``method`` at ``level``, upright, with ``blur``
    (pixels at 300 dpi), other choices drawn."""
    from samples.scansim import apply_recipe, as_one_bit, recipe_for

    recipe = as_one_bit(recipe_for(source, seed, dpi=300, rotation=0), method, level, rotation=0, blur_px300=blur)
    out.write_bytes(apply_recipe(source, recipe).pdf)
    return out


@pytest.mark.parametrize(
    ("method", "level", "blur", "change"),
    [("threshold", 0.3, 1.0, "thicker"), ("adaptive", 0.06, 2.5, "thinner"), ("dither", 0.5, 1.0, "none")],
)
def test_strokes_of_a_one_bit_page_are_evened(
    method: str, level: float, blur: float, change: str, tmp_path: Path
) -> None:
    """On 1-bit development scans a threshold set light left strokes a pixel wide and broken, an adaptive
    one swelled them into blots (a 0 read as '(0)', a 9,902,500.00 as '4,(xr.(0).(0)'); the page is given
    strokes of the width print has before anything is read; an error-diffused page is left alone."""
    import numpy as np

    from extract.scan.prep import STROKE_PT, bilevel, even_strokes, render, stroke_width

    scan = _one_bit(FIXED / "project-1.pdf", 30, method, level, tmp_path / "scan.pdf", blur)
    doc = pdfium.PdfDocument(scan)
    try:
        rgb = render(doc[0], 300)
    finally:
        doc.close()
    assert bilevel(rgb)
    scale = 300 / 72
    before = stroke_width((rgb[:, :, 1] < 128).astype(np.uint8)) / scale
    after_rgb = even_strokes(rgb, scale)
    after = stroke_width((after_rgb[:, :, 1] < 128).astype(np.uint8)) / scale
    if change == "none":
        assert after_rgb is rgb
    elif change == "thicker":
        assert before < STROKE_PT[0] and after > before + 0.1, (before, after)
    else:
        assert before > STROKE_PT[1] and after < before - 0.1, (before, after)


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("产出指标（50分）", "50"),
        ("产出指标(50)", "50"),
        ("产出指标（50分", "50"),
        ("效益指标（30 分 ）", "30"),
        ("产出指标(50)分）", "50"),
        ("产出指标(50)分", "50"),
        ("产出指标（50", None),
        ("效益指标[40分]", "40"),
        ("产出指标[40分）", "40"),
        ("产出指标【50分】", "50"),
        ("产出指标〔50分〕", "50"),
        ("产出指标[40", None),
        ("效益指标(20分).", "20"),  # a speck after the name read as a point (development scan project-1178)
        ("效益指标(20分)。", "20"),
        ("效益指标(20.5", None),
    ],
)
def test_a_level1_names_points_read_without_a_bracket_or_fen(text: str, points: str | None) -> None:
    """A level-1 name's points as OCR reads them on a scan: 分 or the closing bracket lost (development
    scans: '产出指标（50分' kept the points in the name, the group's set score was missing), a bracket read
    as a square one (效益指标[40分], development scan project-1228 at 200 dpi), a speck read after it as a
    point; with both brackets lost the number is no longer told from the name."""
    from extract.forms.listtables import _POINTS

    m = _POINTS.search(text)
    assert (m.group("points") if m else None) == points


@pytest.mark.parametrize(
    ("source", "seed", "dpi"), [("project-2", 70, 300), ("project-2", 71, 200), ("project-5", 72, 300)]
)
def test_a_relation_sign_is_read_as_printed(source: str, seed: int, dpi: int, tmp_path: Path) -> None:
    """≥ and ≤ on a scan: the recogniser read '≥6.8万人' as '>6.8万人' and a 指标性质 cell's ≥ as 》 (a
    different promise, silently); the sign is taken from the glyph (a bar, upright or slanted, under the
    chevron). Every target, result and nature read with a sign has the sign printed."""
    from .truth import load_truth

    scan = tmp_path / "scan.pdf"
    simulate(FIXED / f"{source}.pdf", seed, scan, dpi=dpi, rotation=0)
    truth = load_truth(FIXED / f"{source}.pdf")
    (record,) = extract_document(scan).records
    got = {
        f"indicators[{i}].{k}": getattr(ind, k)
        for i, ind in enumerate(record.indicators)
        for k in ("target", "actual", "nature")
    }
    signed = {k: v for k, v in truth["fields"].items() if isinstance(v, str) and v[:1] in "≥≤" and k in got}
    read = {k: got[k] for k in signed if got[k] and got[k][:1] in "≥≤<>《》＜＞"}  # a sign read (others: rows)
    wrong = {k: v for k, v in read.items() if v[:1] != signed[k][:1]}
    assert not wrong and len(read) >= 0.5 * len(signed), (wrong, len(read), len(signed))


def _fitted_on_one_sheet(source: Path, out: Path, factor: float) -> None:
    """``source``'s pages printed one under another on one A4 sheet at ``factor`` of their size (a long
    form 'fitted to one page')."""
    _reprinted(source, out, factor, one_sheet=True)


def _reprinted(source: Path, out: Path, factor: float, *, one_sheet: bool) -> None:
    """``source``'s pages at ``factor`` of their size: one under another on one A4 sheet, or each on a sheet
    of its own size."""
    src = pdfium.PdfDocument(source)
    dest = pdfium.PdfDocument.new()
    try:
        sheets: list[Any] = []
        y = 842 - 40.0
        for i in range(len(src)):
            w, h = src[i].get_size()
            if one_sheet:
                sheets = sheets or [dest.new_page(595, 842)]
                y -= h * factor
                at = ((595 - w * factor) / 2, y)
            else:
                sheets.append(dest.new_page(w, h))
                at = (w * (1 - factor) / 2, h * (1 - factor))
            obj = src.page_as_xobject(i, dest).as_pageobject()
            obj.transform(pdfium.PdfMatrix().scale(factor, factor).translate(*at))
            sheets[-1].insert_obj(obj)
        for sheet in sheets:
            sheet.gen_content()
        dest.save(out)
    finally:
        dest.close()
        src.close()


@pytest.mark.parametrize(
    ("source", "factor", "dpi", "seed"),
    [
        ("department-0", 0.15, 200, 80),
        ("department-0", 0.25, 300, 81),
        ("department-2", 0.3, 300, 82),
        ("department-1", 0.2, 300, 83),
        ("project-2", 0.35, 200, 84),
    ],
)
def test_a_table_printed_too_small_to_read_says_so(
    source: str, factor: float, dpi: int, seed: int, tmp_path: Path
) -> None:
    """A long form fitted on one sheet prints at 1–4 pt: a scan of it has glyphs of a few pixels, which no
    recogniser makes out (nor a person). The file fails with that reason, not a bare 'no known form', and
    not a record of what OCR made of the specks (the generic reader took three of these as forms)."""
    from extract.errors import UnknownFormError

    tiny, scan = tmp_path / "tiny.pdf", tmp_path / "scan.pdf"
    _fitted_on_one_sheet(FIXED / f"{source}.pdf", tiny, factor)
    simulate(tiny, seed, scan, dpi=dpi, rotation=0)
    with pytest.raises(UnknownFormError, match="printed too small to read"):
        extract_document(scan)


def _printed_at(source: Path, out: Path, factor: float) -> None:
    """``source`` printed at ``factor`` of its size, each page on a sheet of its own size (a form printed
    reduced: every glyph a few points tall)."""
    _reprinted(source, out, factor, one_sheet=False)


def test_small_print_reads_from_a_fine_scan_and_is_refused_from_a_coarse_one(tmp_path: Path) -> None:
    """A Shanxi department form printed at 45 % (4-pt print, 7-pt rows). Whether print is too small to read
    is a matter of the scan's own pixels, not of points: from 300-dpi scans (glyphs of 15–17 px) it reads —
    the wrapped header 参考分 / 值 of a narrow column and its single-digit figures included, which the
    detector misses — with no figure wrong or blank unflagged (the total row read as one more group is
    flagged); a scan whose headers read too poorly for the form's template is refused, never read by the
    generic reader (which passed whole columns as blank). From a 150-dpi scan of the same paper (7–8 px)
    a reading is kept only where its indicator table read whole, with a warning. Before, the page was
    refused at every resolution (its rows under 10 pt)."""
    from extract.errors import UnknownFormError

    from .truth import load_truth, score

    small = tmp_path / "small.pdf"
    _printed_at(FIXED / "department-2.pdf", small, 0.45)
    truth = load_truth(FIXED / "department-2.pdf")
    numbers = {p for p, v in truth["fields"].items() if isinstance(v, str) and re.fullmatch(r"-?[\d.]+", v)}
    read, exact, refused = 0, 0, 0
    for seed in (86, 87, 88):  # an adaptive 1-bit, a grey and a threshold 1-bit scan
        scan = tmp_path / f"fine-{seed}.pdf"
        simulate(small, seed, scan, dpi=300, rotation=0)
        try:
            (record,) = extract_document(scan).records
        except UnknownFormError as e:
            assert "printed too small to read" in str(e)
            refused += 1
            continue
        assert record.template == "dept-overall-shanxi"
        s = score(truth, record)
        assert not s.silent and not s.blank, (seed, s.silent, s.blank)
        wrong = {w.split(": ", 1)[0] for w in s.wrong}
        read += 1
        exact += len(numbers - wrong)
    assert read >= 2 and exact >= 0.8 * read * len(numbers), (read, exact, len(numbers))
    # from 150 dpi (glyphs of 7–8 px): a 1-bit scan reads no table and is refused for its print; a grey
    # one reads its indicator table whole, so it is kept, said to be hard to read, nothing silently wrong
    coarse = tmp_path / "coarse.pdf"
    simulate(small, 86, coarse, dpi=150, rotation=0)
    with pytest.raises(UnknownFormError, match="printed too small to read"):
        extract_document(coarse)
    simulate(small, 87, coarse, dpi=150, rotation=0)
    doc = extract_document(coarse)
    (record,) = doc.records
    s = score(truth, record)
    assert not s.silent and not s.blank, (s.silent, s.blank)
    assert any("print is small in this scan" in w for w in doc.warnings), doc.warnings


def test_small_print_digits_read_blank_are_flagged_and_its_sure_figures_read_again(tmp_path: Path) -> None:
    """A Shanxi department form printed at 30 % (2.7-pt print) and scanned at 300 dpi in grey: it is read
    and kept (its indicator table reads whole), and nothing passes unflagged. A digit of 8 pixels read as
    nothing (参考分值 4) was under the fixed glyph height (2 pt: 8.3 px) and passed as not printed; the
    least glyph now follows the table's rows. Detected on a page reduced further (``detect_scale`` 0.25),
    three 3s of the same column read as 8 and 6 with a confidence of 0.996 and passed unflagged; every
    figure on a page whose print is hard to read is now read again by the other engine, which disagrees."""
    from extract.settings import OcrSettings, Settings

    from .truth import load_truth, score

    small = tmp_path / "department-2-0.3.pdf"  # the simulator draws by its source's name and the seed
    _printed_at(FIXED / "department-2.pdf", small, 0.3)
    truth = load_truth(FIXED / "department-2.pdf")
    scan = tmp_path / "scan.pdf"
    simulate(small, 86, scan, dpi=300, rotation=0)
    for scale in (0.5, 0.25):
        settings = Settings(ocr=OcrSettings(prep=PrepSettings(detect_scale=scale)))
        doc = extract_document(scan, settings)
        (record,) = doc.records
        s = score(truth, record)
        assert not s.silent and not s.blank, (scale, s.silent, s.blank)
        assert s.exact >= 0.35 * s.fields, (scale, s.exact, s.fields)
        assert any("print is small in this scan" in w for w in doc.warnings), doc.warnings


def test_small_print_of_a_form_no_template_reads_is_read_when_its_table_reads_whole(tmp_path: Path) -> None:
    """A Yunnan project form (no template of its own: the generic reader's) printed at 55 % (rows under
    10 pt) and scanned at 300 dpi: its glyphs are 13–15 px, and the generic reader reads its indicator
    table whole (every row scored). It was refused before, as small print only a form's own template
    reads; now it is read, with no figure wrong or blank unflagged."""
    from .truth import load_truth, score

    small = tmp_path / "small.pdf"
    _printed_at(FIXED / "project-0.pdf", small, 0.55)
    truth = load_truth(FIXED / "project-0.pdf")
    numbers = {p for p, v in truth["fields"].items() if isinstance(v, str) and re.fullmatch(r"-?[\d.]+", v)}
    for seed in (90, 92):  # a colour and a grey scan
        scan = tmp_path / f"scan-{seed}.pdf"
        simulate(small, seed, scan, dpi=300, rotation=0)
        (record,) = extract_document(scan).records
        assert record.template == "generic"
        s = score(truth, record)
        assert not s.silent and not s.blank, (seed, s.silent, s.blank)
        wrong = {w.split(": ", 1)[0] for w in s.wrong}
        assert len(numbers - wrong) >= 0.8 * len(numbers), (seed, sorted(numbers & wrong))


@pytest.mark.parametrize("source", ["project-0", "department-1", "department-3"])
def test_small_print_whose_score_columns_each_read_on_nearly_every_row_reads_whole(source: str) -> None:
    """A development scan of small print (a Yunnan-like project form, 300 dpi, the generic reader) read 12
    indicators, 10 with a 分值 and 10 with a 得分 — the form prints no 得分 on one row and its last row is
    clipped — but only 9 with both, and the reading was refused as no table (every figure it read right but
    one). A table of print hard to read is read whole when each score column reads on nearly all of its rows,
    not necessarily the same ones; one whose rows lost their scores is not. (The form read as OCR cells, its
    score cells left blank as a form prints them.)"""
    import dataclasses

    from extract.pipeline import _table_read, analyse, record_of

    a = analyse(FIXED / f"{source}.pdf")
    (form,) = a.forms
    want = record_of(a, form)
    assert _table_read(want)
    n = len(want.indicators)
    share = 0.8  # pipeline.TABLE_READ_SHARE
    k = int(n * (1 - share))  # rows a column may lack and still read on nearly all

    def without(picks: dict[str, list[int]]) -> Any:
        where = [want.provenance[f"indicators[{i}].{col}"] for col, rows in picks.items() for i in rows]
        boxes = {(w.page, tuple(w.bbox or ())) for w in where}

        def page(p: Any) -> Any:
            def cell(c: Any) -> Any:
                gone = any(
                    pg == c.page and all(abs(u - v) < 0.5 for u, v in zip(c.bbox, b, strict=True)) for pg, b in boxes
                )
                return dataclasses.replace(c, text="" if gone else c.text, lines=() if gone else c.lines, source="ocr")

            return dataclasses.replace(
                p, grids=tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in p.grids)
            )

        return record_of(a, dataclasses.replace(form, pages=tuple(page(p) for p in form.pages)))

    # each column misses k rows, never the same: both on fewer than the share of rows, each on enough
    apart = without({"score": list(range(k)), "set_score": list(range(n - k, n))})
    assert sum(r.set_score is not None and r.score is not None for r in apart.indicators) < share * n
    assert _table_read(apart), source
    lost = without({"score": list(range(k + 1))})  # one column lost on more rows than that: no table
    assert not _table_read(lost), source


def test_a_lone_relation_sign_in_a_nature_cell_is_read(tmp_path: Path) -> None:
    """A 指标性质 cell holds one sign. On scans it was lost (its ink under the glyph-height floor, or its
    reading dropped as a speck) or read as 二/三 (=) or as 二 for a ≥ chevron; now the sign is kept, a glyph
    of bars in that column is =, and a chevron read as bars is a chevron again (≥ when barred)."""
    from .truth import load_truth

    exact, total, wrong = 0, 0, []
    scans = (("project-1", 73, 300), ("project-5", 74, 200), ("project-3", 75, 300), ("project-0", 76, 200))
    for src, seed, dpi in scans:
        scan = tmp_path / f"{src}.pdf"
        simulate(FIXED / f"{src}.pdf", seed, scan, dpi=dpi, rotation=0)
        truth = load_truth(FIXED / f"{src}.pdf")
        (record,) = extract_document(scan).records
        got = {f"indicators[{i}].nature": ind.nature for i, ind in enumerate(record.indicators)}
        for k, v in truth["fields"].items():
            if k.endswith(".nature") and v:
                total += 1
                exact += got.get(k) == v
                if got.get(k) not in (None, v):
                    wrong.append((src, k, v, got.get(k)))
    assert exact >= 0.75 * total and len(wrong) <= 1, (exact, total, wrong)


@pytest.mark.parametrize(
    ("source", "first", "pages"),
    [
        ("project-5", "-级指标", None),
        ("project-1", "-级指标", None),
        ("department-3", "-级指标", None),
        ("department-2", "一-级指标", 1),
        ("department-5", "级指标", 1),
    ],
)
def test_level_headers_whose_ordinals_ocr_lost_are_named_by_order(source: str, first: str, pages: int | None) -> None:
    """OCR of a 1-bit scan read 一级指标 | 二级指标 | 三级指标 as -级指标 | 级指标 | 级指标: no header named
    三级指标, so the vertical label 绩效指标 was taken for the names column and every name, level and score
    moved; or the first page's header was garbled and the next page's repeated header read right, and the
    first page's rows were lost. Three …级指标 cells in one row name the three level columns left to right,
    and the earliest header read is the table's. (A read form's pages, their header cells garbled as those
    scans read them — on every page, or on the first ``pages`` — read again.)"""
    import dataclasses

    from extract.pipeline import analyse, record_of

    a = analyse(FIXED / f"{source}.pdf")
    garbled = {"一级指标": first, "二级指标": "级指标", "三级指标": "级指标"}

    def garble(page: Any) -> Any:
        grids = tuple(
            dataclasses.replace(
                g, cells=tuple(dataclasses.replace(c, text=garbled.get(c.text, c.text)) for c in g.cells)
            )
            for g in page.grids
        )
        return dataclasses.replace(page, grids=grids)

    (form,) = a.forms
    assert any(c.text in garbled for p in form.pages for g in p.grids for c in g.cells)
    want = record_of(a, form)
    n = len(form.pages) if pages is None else pages
    got = record_of(
        a, dataclasses.replace(form, pages=tuple(garble(p) if k < n else p for k, p in enumerate(form.pages)))
    )
    rows = [(i.level1, i.level2, i.level3, i.set_score, i.score) for i in want.indicators]
    assert [(i.level1, i.level2, i.level3, i.set_score, i.score) for i in got.indicators] == rows


def _glyph_boxes(glyphs: Sequence[tuple[str, str, float]], dpi: int) -> tuple[Any, list[tuple[int, int, int, int]]]:
    """``(text, font, size)`` glyphs drawn one per line with PDF standard fonts (pdfium's own), rendered at
    ``dpi``: the grey image and each glyph's pixel box (its bounds, 2 px around)."""
    import ctypes

    import numpy as np
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument.new()
    page = doc.new_page(200, 40 + 24 * len(glyphs))
    for k, (text, font, size) in enumerate(glyphs):
        obj = raw.FPDFPageObj_NewTextObj(doc.raw, font.encode(), ctypes.c_float(size))
        wide = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, 20 + 24 * k)
        raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFPage_GenerateContent(page.raw)
    scale, height = dpi / 72, page.get_height()
    gray = np.asarray(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
    doc.close()
    boxes = []
    for k in range(len(glyphs)):  # line k's band: its ink, 2 px around
        top = int((height - 20 - 24 * k - 18) * scale)
        band = gray[top : top + int(24 * scale)] < 128
        ys, xs = np.nonzero(band)
        boxes.append((int(xs.min()) - 2, top + int(ys.min()) - 2, int(xs.max()) + 3, top + int(ys.max()) + 3))
    return gray, boxes


@pytest.mark.parametrize(("dpi", "one_bit"), [(200, True), (300, True), (200, False), (150, True)])
def test_a_lone_slash_read_as_one_is_a_slash(dpi: int, one_bit: bool) -> None:
    """Forms print '/' in a cell with no value; on a 1-bit scan the recogniser read it as '1' (a development
    form: a score of 1 in four funds-block cells that print none, silently). A lone stroke read as 1 (or l,
    I, |) that leans is '/'; a 1 stays 1. Glyphs of three standard fonts at 8–14 pt, each as the recogniser
    read it: '1'."""
    import cv2

    from extract.scan.ocr.base import OcrLine
    from extract.scan.ocrpage import slash

    fonts = [("Helvetica", 12), ("Times-Roman", 10), ("Courier", 11), ("Helvetica", 8), ("Times-Roman", 14)]
    glyphs = [(text, font, size) for font, size in fonts for text in ("/", "1")]
    gray, boxes = _glyph_boxes(glyphs, dpi)
    if one_bit:  # a 1-bit scan: cut between paper and print
        gray = cv2.threshold(gray, 160, 255, cv2.THRESH_BINARY)[1]
    read = [slash(gray, OcrLine(read_as, box, 0.9)).text for box, read_as in zip(boxes, "1I" * 5, strict=True)]
    want = [g[0] if g[0] == "/" else read_as for g, read_as in zip(glyphs, "1I" * 5, strict=True)]
    assert read == want
    kept = [slash(gray, OcrLine("7", box, 0.9)).text for box in boxes]  # only a stroke read as one is weighed
    assert kept == ["7"] * len(boxes)


@pytest.mark.parametrize(("source", "misread"), [("project-0", ("财政", "财致")), ("project-3", ("结转", "结砖"))])
def test_a_funds_row_label_with_a_character_misread_is_its_row(source: str, misread: tuple[str, str]) -> None:
    """OCR read 其中：本年财政拨款 as 本年财致拨款: the row matched no label, its figures went to
    ``other_rows`` and the 财政拨款 row was empty (a development scan: its numbers scored as other rows',
    one silently). On an OCR page a label with one character misread is the one row it is near."""
    import dataclasses

    from extract.pipeline import analyse, record_of

    a = analyse(FIXED / f"{source}.pdf")
    was, now = misread

    def as_ocr(page: Any) -> Any:
        grids = tuple(
            dataclasses.replace(
                g, cells=tuple(dataclasses.replace(c, text=c.text.replace(was, now), source="ocr") for c in g.cells)
            )
            for g in page.grids
        )
        return dataclasses.replace(page, grids=grids)

    (form,) = a.forms
    assert any(was in c.text for p in form.pages for g in p.grids for c in g.cells)
    want = record_of(a, form).funds
    got = record_of(a, dataclasses.replace(form, pages=tuple(as_ocr(p) for p in form.pages))).funds
    assert want is not None and got is not None
    assert got.rows == want.rows and got.other_rows == want.other_rows


@pytest.mark.parametrize(
    ("source", "misread"),
    [
        ("project-0", ("实际完成值", "实际完戍值")),
        ("project-1", ("目标值", "自标值")),
        ("project-1", ("实际完成值", "际完成值")),
        ("department-4", ("实际完成值", "实际完戍值")),
        ("project-0", ("三级指标", "三级蕉标")),
        ("department-4", ("三级指标", "三级推标")),
    ],
)
def test_an_indicator_header_with_a_character_misread_heads_its_column(source: str, misread: tuple[str, str]) -> None:
    """A seal over the header: OCR read 年度指标值 as 鲁指标值, no column took it and every target of the form
    was lost (a development scan: 15 targets). On an OCR page a header cell one character from exactly
    one column's labels heads that column (a label of the forms as read, such as 指标分值, never does); the
    names column's own header (三级蕉标) so read is the table's header when its row heads another column."""
    import dataclasses

    from extract.pipeline import analyse, record_of

    a = analyse(FIXED / f"{source}.pdf")
    was, now = misread

    def as_ocr(page: Any) -> Any:
        grids = tuple(
            dataclasses.replace(
                g,
                cells=tuple(
                    dataclasses.replace(c, text=now if "".join(c.text.split()) == was else c.text, source="ocr")
                    for c in g.cells
                ),
            )
            for g in page.grids
        )
        return dataclasses.replace(page, grids=grids)

    (form,) = a.forms
    assert any("".join(c.text.split()) == was for p in form.pages for g in p.grids for c in g.cells)
    want = record_of(a, form).indicators
    got = record_of(a, dataclasses.replace(form, pages=tuple(as_ocr(p) for p in form.pages))).indicators
    assert [(i.level3, i.target, i.actual, i.score) for i in got] == [
        (i.level3, i.target, i.actual, i.score) for i in want
    ]


@pytest.mark.parametrize("source", ["project-0", "department-4"])
def test_a_header_cell_one_character_from_several_columns_heads_none(source: str) -> None:
    """一级指标 read as —级指标 is one character from 一级, 二级 and 三级指标 alike. With 三级指标 itself misread
    (三级撒标) it was taken as the names column's header: every level-1 name became the row's level-3 name,
    the real names were dropped and no field was flagged (a held-out 200-dpi scan). A cell near several
    columns' labels heads none of them."""
    import dataclasses

    from extract.pipeline import analyse, record_of

    a = analyse(FIXED / f"{source}.pdf")
    misread = {"一级指标": "—级指标", "三级指标": "三级撒标"}

    def as_ocr(page: Any) -> Any:
        def cell(c: Any) -> Any:
            return dataclasses.replace(c, text=misread.get("".join(c.text.split()), c.text), source="ocr")

        grids = tuple(dataclasses.replace(g, cells=tuple(map(cell, g.cells))) for g in page.grids)
        return dataclasses.replace(page, grids=grids)

    (form,) = a.forms
    assert all(
        any("".join(c.text.split()) == was for p in form.pages for g in p.grids for c in g.cells) for was in misread
    )
    want = record_of(a, form).indicators
    got = record_of(a, dataclasses.replace(form, pages=tuple(as_ocr(p) for p in form.pages))).indicators
    assert [(i.level1, i.level2, i.level3, i.score) for i in got] == [
        (i.level1, i.level2, i.level3, i.score) for i in want
    ]

    # the level-1 column's header read as 三级指标 itself: the level-1 names taken as indicator names are flagged
    misread = {"一级指标": "三级指标", "三级指标": "三级撒标"}
    swapped = record_of(a, dataclasses.replace(form, pages=tuple(as_ocr(p) for p in form.pages)))
    level1 = {i.level1 for i in want if i.level1}
    taken = [n for n, i in enumerate(swapped.indicators) if any(i.level3 and i.level3.startswith(x) for x in level1)]
    assert taken
    assert all(f"indicators[{n}].level3" in swapped.review for n in taken)


def test_a_seal_letter_in_a_subtotal_rows_names_cell_is_no_indicator() -> None:
    """A seal's letter read into the empty names cell of a subtotal row whose name spans the level columns
    (效果 | 效果 | 南 over 30 30): the row was read as an indicator named 南 with the group's points as its
    scores, not flagged (a development scan). A lone OCR character there is a mark: the row stays the
    group's subtotal."""
    import dataclasses

    from extract.pipeline import analyse, record_of

    a = analyse(FIXED / "department-0.pdf")
    (form,) = a.forms
    want = record_of(a, form)
    names = {s.level1 for s in want.indicator_subtotals}
    assert len(names) >= 3

    def marked(page: Any) -> Any:
        def grid(g: Any) -> Any:
            heads = [c for c in g.cells if "".join(c.text.split()) in names and c.col_span == 2]
            spots = {(c.row, c.col + c.col_span) for c in heads}
            cells = tuple(
                dataclasses.replace(c, text="南" if (c.row, c.col) in spots else c.text, source="ocr") for c in g.cells
            )
            return dataclasses.replace(g, cells=cells)

        return dataclasses.replace(page, grids=tuple(map(grid, page.grids)))

    got = record_of(a, dataclasses.replace(form, pages=tuple(marked(p) for p in form.pages)))
    assert [(i.level3, i.score) for i in got.indicators] == [(i.level3, i.score) for i in want.indicators]
    assert [(s.level1, s.score) for s in got.indicator_subtotals] == [
        (s.level1, s.score) for s in want.indicator_subtotals
    ]


@pytest.mark.parametrize("seed", [51, 54, 45])
def test_a_scanned_form_whose_first_page_the_screen_skips_is_read_whole(seed: int, tmp_path: Path) -> None:
    """A department form scanned over six pages is screened like a long document. Its first page's band
    can read as something else (年度：2022 | 填报单位（公章）, the title read as 2021年度晋 or under a seal) and
    its narrative pages as prose, while a later page of its table names a form: the pages before that run
    and short gaps in it are read too. Before, two of these scans were 'no known form' (the title page
    never read)."""
    scan = tmp_path / "scan.pdf"
    simulate(FIXED / "department-3.pdf", seed, scan, dpi=200, rotation=0)
    (record,) = extract_document(scan).records
    assert record.template == "dept-overall-shanxi"
    assert record.source.form_pages == [1, 2, 3, 4, 5, 6]


def test_a_form_page_the_screen_skipped_before_a_table_in_no_form_is_read(tmp_path: Path) -> None:
    """The same form printed at 55 % and scanned at 300 dpi: the screen's band of its first page read
    复音中市部门整体 | 填报单位（公章） (the title's start under a seal), its second and third pages read as
    prose, and only pages 4–6 named a form; pages 2–6 were read, no title among them, and the file was
    'no known form'. A scanned page whose ruled table reads as a form's (指标, 分值 …) but that is in no form
    found makes the page the screen skipped before it read too, back to the form's first page."""
    record = _small_scan_read(tmp_path, "department-3", 300)
    assert record.template == "dept-overall-shanxi"
    assert record.source.form_pages == [1, 2, 3, 4, 5, 6]


def _small_scan_read(tmp_path: Path, source: str, dpi: int) -> Any:
    """The fixed form ``source`` printed at 55 %, scanned with seed 90 at ``dpi``: its one record."""
    small = tmp_path / f"{source}-0.55.pdf"  # the simulator draws by its source's name and the seed
    _printed_at(FIXED / f"{source}.pdf", small, 0.55)
    scan = tmp_path / "scan.pdf"
    simulate(small, 90, scan, dpi=dpi, rotation=0)
    (record,) = extract_document(scan).records
    return record


def test_a_title_the_detector_lost_under_a_seals_ring_is_read_from_the_band_above_the_table(tmp_path: Path) -> None:
    """A department form printed at 55 % and scanned at 200 dpi in grey, a seal's ring across the start of
    its title 晋中市部门整体支出绩效自评表: the detector, run on the reduced page, found no line there at all,
    no title was read, and the file was 'no known form' (four pages: read whole, no screen). Where no line
    above the table names a form's title, that band is detected again at full resolution and a title found
    there is read."""
    record = _small_scan_read(tmp_path, "department-0", 200)
    assert record.template == "dept-overall-shanxi"
    assert record.source.form_pages[0] == 1


def test_a_page_printed_too_small_to_read_is_never_turned_by_its_reading() -> None:
    """Development 1-bit adaptive photocopy (layout seed 624, scan seed 684, 200 dpi): an upright page of
    5-pt print, its lines 16 of the scan's own pixels tall, was turned over by the weighing of what the
    recogniser made of it (the direction vote unsure), then refused as printed too small. Lines below a
    legible line in the scan's own pixels are not weighed: the page is left as it lies. The same bound as
    the pipeline's refusal."""
    import extract.pipeline as P
    from extract.scan.prep import LEGIBLE_LINE_PX, too_small_to_weigh

    assert LEGIBLE_LINE_PX == P.SMALL_LINE_PX
    scale = 300 / 72  # rendered at 300 dpi
    lines = [(0, 40 * i, 400, 40 * i + 24) for i in range(30)]  # 24 pixels of the render
    assert too_small_to_weigh(lines, scale, 200)  # 16 of a 200-dpi scan's own pixels
    assert not too_small_to_weigh(lines, scale, 300) and not too_small_to_weigh(lines, scale, 0)
    assert not too_small_to_weigh(lines[:10], scale, 200)  # too few lines to say


@pytest.mark.parametrize(
    ("source", "seed", "turn"),
    [
        ("fixed/project-1", 86, 0),
        ("fixed/project-1", 88, 180),
        ("fixed/department-2", 89, 0),
        ("classes/real-langzhong-b", 88, 180),
        ("classes/real-langzhong-b", 90, 0),
    ],
)
def test_a_page_whose_print_is_too_small_to_weigh_is_turned_by_what_its_title_says(
    source: str, seed: int, turn: int, tmp_path: Path
) -> None:
    """Development 1-bit adaptive photocopy (layout seed 628, scan seed 713, 200 dpi): a page upside down,
    its print too small for what the recogniser reads of it to say which way is up, was left as it lay.
    Its title, printed larger, still reads: turned over it read 管中市部门整体支出编效自评表, as it lay noise.
    The title settles the way up — on the page as scanned and on the page turned over, never the wrong
    way (a form printed at 45 %, 200 dpi: lines of print too small to weigh). A title without 表 (the
    published Langzhong form's …绩效目标自评) is a title here as it is to the reader (the vocabulary's
    ``title_words``)."""
    from extract.scan.prep import title_way, too_small_to_weigh

    small = tmp_path / "small.pdf"
    _printed_at(SAMPLES / "variants" / f"{source}.pdf", small, 0.45)
    prepared, boxes, engine, _ = _levelled(small, seed, 200, turn, tmp_path)
    assert too_small_to_weigh(boxes, prepared.scale, 200)
    assert title_way(prepared.gray, boxes, engine) == turn
    h, w = prepared.gray.shape[:2]
    assert title_way(prepared.turned_over().gray, [mirrored(b, w, h) for b in boxes], engine) == 180 - turn


def test_a_figure_ocr_read_as_no_figure_is_read_again_by_the_other_engine(tmp_path: Path) -> None:
    """A national project form scanned at 200 dpi with a light 1-bit threshold: the recogniser reads a 4
    whose strokes the threshold broke as '+', a figure as 70i.700.00, and a small digit as nothing (ink
    unread). Such cells were flagged blanks; now the other engine reads them again (digits only), and a
    figure it reads with a confidence of 0.5 or more is taken, in review (one engine's reading)."""
    from extract.forms.values import parse_number

    from .truth import equal, load_truth, record_leaves, score

    truth = load_truth(FIXED / "project-3.pdf")
    taken = []
    for seed in (1000, 1004):
        scan = tmp_path / f"scan-{seed}.pdf"
        simulate(FIXED / "project-3.pdf", seed, scan, dpi=200, rotation=0)
        (record,) = extract_document(scan).records
        s = score(truth, record)
        assert not s.silent and not s.blank, (seed, s.silent, s.blank)
        values = dict(record_leaves(record))
        for path, p in record.provenance.items():
            if not p.readings or p.repaired_from or p.raw != p.readings[-1] or p.raw == p.readings[0]:
                continue
            try:
                first = parse_number(p.readings[0])
            except ValueError:
                first = None
            if first is None:  # the first engine read no figure here; the other's is taken, in review
                assert path in record.review, (seed, path, p.readings)
                taken.append((seed, path, p.readings, equal(path, truth["fields"].get(path), values.get(path))))
    assert len(taken) >= 3, taken
    assert all(right for *_, right in taken), taken


@pytest.mark.parametrize("upright", [False, True])
def test_a_page_on_its_side_whose_paragraphs_read_as_wide_blocks_is_turned(upright: bool, tmp_path: Path) -> None:
    """A 1-bit (adaptive) scan of a Shanxi department form whose second page lies on its side (turned 270°):
    the detector joins the short lines of the narrative cells' paragraphs into blocks wider than tall, so
    the page's lines are not mostly tall (63 wide, 41 tall) — it was read as it lay, its table lost. The
    longest tall lines read turned a quarter settle it; the same page upright stays as it is. The source is
    development layout department-1251 (``python -m samples.variants render --kinds department --seeds
    1251``) with the simulator's recipe of development scan seed 1240 at 300 dpi."""
    from samples.scansim.recipe import draw_recipe
    from samples.scansim.simulate import apply_recipe

    source = Path(__file__).parent / "data" / "sideways-paragraphs-department.pdf"
    doc = pdfium.PdfDocument(source)
    pages = len(doc)
    doc.close()
    recipe = draw_recipe(1240, pages, source="department-1251", dpi=300, rotation=0 if upright else None)
    assert recipe.colour == "bilevel" and page_rotation(recipe, 1) == (0 if upright else 270)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(apply_recipe(source, recipe).pdf)
    doc = pdfium.PdfDocument(scan)
    try:
        prepared = prepare(doc[1], PrepSettings())
    finally:
        doc.close()
    assert prepared.rotation == (360 - page_rotation(recipe, 1)) % 360
