"""Arithmetic-aware repair of OCR readings: taken only when exactly one alternative reading makes every
check pass; otherwise the fields go to review. A form's own inconsistency is never repaired."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import numpy as np

from extract.checks import Facts, run_checks
from extract.forms.extraction import Extraction
from extract.forms.templates import default_templates
from extract.model import Check, Field, PageContent
from extract.scan.reread import repair, reread

T = next(t for t in default_templates() if t.id == "dept-overall-shanxi")
RULES = [r for r in T.rules if r.id == "budget_balance"]
BUDGET = {
    "carryover": "71.39",
    "initial_budget": "965.40",
    "budget_adjustment": "84.90",
    "other_adjustment": "0.00",
    "execution": "1121.69",
    "year_end_balance": "0.00",
}


def extraction(**read: str) -> Extraction:
    ex = Extraction()
    for key, text in {**BUDGET, **read}.items():
        path = f"budget.{key}"
        ex.fields[path] = Field(path, D(text), text, 1, (0, 0, 10, 10), 0.8, "ocr")
    return ex


def run(ex: Extraction) -> list[Check]:
    return run_checks(RULES, Facts({k: f.value for k, f in ex.fields.items()}))


def repaired(ex: Extraction, alternatives: dict[str, D]) -> tuple[Extraction, list[Check]]:
    """Repair, and check that the extraction given is left as it was: repair makes a new one."""
    before = (dict(ex.fields), dict(ex.review))
    out, checks = repair(ex, alternatives, run)
    assert (ex.fields, ex.review) == before and out is not ex
    return out, checks


def test_the_one_reading_that_balances_the_budget_is_taken() -> None:
    ex = extraction(execution="1121.09")  # a 6 read as 0
    ex, checks = repaired(ex, {"budget.execution": D("1121.69")})
    assert [c.status for c in checks] == ["pass"]
    f = ex.fields["budget.execution"]
    assert f.value == D("1121.69") and f.repaired_from == "1121.09" and "budget_balance" in (f.repair or "")
    assert ex.review == {}


def test_a_reading_that_does_not_balance_is_not_taken() -> None:
    ex = extraction(execution="1121.09")
    ex, checks = repaired(ex, {"budget.execution": D("1127.09")})
    assert [c.status for c in checks] == ["fail"]
    assert ex.fields["budget.execution"].value == D("1121.09")
    assert "budget.execution" in ex.review


def test_two_readings_that_both_fit_are_not_guessed() -> None:
    ex = extraction(carryover="71.99")  # off by 0.60: either field's other reading would balance
    ex, checks = repaired(ex, {"budget.carryover": D("71.39"), "budget.execution": D("1122.29")})
    assert [c.status for c in checks] == ["fail"]
    assert ex.review["budget.carryover"].endswith("(several repairs fit)")
    assert ex.fields["budget.carryover"].value == D("71.99")


def test_disagreeing_readings_with_passing_checks_go_to_review() -> None:
    ex = extraction()
    ex, checks = repaired(ex, {"budget.carryover": D("71.89")})
    assert [c.status for c in checks] == ["pass"]
    assert ex.review == {"budget.carryover": "OCR readings disagree"}


def test_two_misread_figures_that_balance_only_together_are_both_taken() -> None:
    """A scan that misread two figures of one sum: neither other reading alone balances it, both together
    do, and no other pair does."""
    ex = extraction(carryover="71.99", initial_budget="965.70")  # off by 0.60 + 0.30
    alternatives = {
        "budget.carryover": D("71.39"),
        "budget.initial_budget": D("965.40"),
        "budget.execution": D("1127.69"),
    }
    ex, checks = repaired(ex, alternatives)
    assert [c.status for c in checks] == ["pass"]
    assert ex.fields["budget.carryover"].value == D("71.39") and ex.fields["budget.carryover"].repaired_from == "71.99"
    assert ex.fields["budget.initial_budget"].value == D("965.40")
    assert "budget_balance" in (ex.fields["budget.initial_budget"].repair or "")
    assert ex.fields["budget.execution"].value == D("1121.69") and ex.review == {
        "budget.execution": "OCR readings disagree"
    }


def test_two_pairs_that_both_balance_are_not_guessed() -> None:
    ex = extraction(carryover="71.99", initial_budget="965.70")
    alternatives = {
        "budget.carryover": D("71.39"),
        "budget.initial_budget": D("965.40"),
        "budget.budget_adjustment": D("84.60"),  # with carryover 71.39 this balances too
    }
    ex, checks = repaired(ex, alternatives)
    assert [c.status for c in checks] == ["fail"]
    assert ex.fields["budget.carryover"].value == D("71.99")
    assert ex.review["budget.carryover"].endswith("(several repairs fit)")


def _cell_page(text: str | None) -> PageContent:
    """A 300-dpi scanned page holding one ruled cell with ``text`` in it, or a dash (None)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (600, 300), 245)
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 100, 400, 190), outline=20, width=3)
    if text is None:
        draw.rectangle((215, 143, 285, 147), fill=30)  # —
    else:
        draw.text((250, 145), text, fill=30, font=ImageFont.load_default(size=44), anchor="mm")
    scale = 300 / 72
    return PageContent(1, 600 / scale, 300 / scale, "ocr", (), (), "", np.asarray(img), scale)


def test_a_figure_the_other_engine_reads_as_no_figure_is_flagged() -> None:
    """Issue 11: on a threshold 1-bit scan a funds row's dash (no score printed) read as 1, confidence 0.96;
    the other engine read nothing there, and the 1 passed as the form's score. Read as no figure by the other
    engine, a figure goes to review; read alike by both, it does not."""
    scale = 300 / 72
    box = (100 / scale, 100 / scale, 400 / scale, 190 / scale)
    for text, flagged in ((None, True), ("17", False)):
        ex = Extraction()
        ex.fields["budget.execution"] = Field("budget.execution", D(text or "1"), text or "1", 1, box, 0.9, "ocr")
        out, alternatives = reread(ex, {1: _cell_page(text)}, "rapidocr", set())
        assert ("budget.execution" in out.review) == flagged, (text, out.fields["budget.execution"].readings)
        assert not alternatives and ex.review == {}


def test_a_crop_tesseract_dies_on_is_left_unread_and_the_others_are_read() -> None:
    """tesseract 5.3 dies of a floating-point exception on some line crops (this one: 政府性基金拨款：
    4,120,000.00 with ruling fragments, from a 300-dpi 1-bit photocopy, layout seed 627, scan seed 661, read
    with the digit whitelist). The whole batch failed with it, and the form with the batch: now the crop it
    cannot read is left unread (confidence 0) and every other crop of the batch is read."""
    import cv2

    from extract.scan.ocr.tesseract import TesseractEngine

    crop = cv2.imread(str(Path(__file__).parent / "data" / "tesseract-crash-line.png"), cv2.IMREAD_GRAYSCALE)
    assert crop is not None
    gray = crop[10:-10, 10:-10]  # the engine pads each crop by 10 pixels again: the very image it died on
    h, w = gray.shape
    whole, digits = (0, 0, w, h), (380, 0, w, h)
    lines = TesseractEngine().read(gray, [digits, whole, digits], numeric=True)
    assert [ln.box for ln in lines] == [digits, whole, digits]
    assert (lines[1].text, lines[1].confidence) == ("", 0.0)
    assert lines[0].text.endswith("000.00") and lines[0].confidence > 0
    assert lines[2].text == lines[0].text


def test_figures_on_grey_paper_are_read_again_as_on_white() -> None:
    """A grey 200-dpi development scan (paper ~225 of 255): tesseract, reading the figures again, read none
    of 40 cells — each crop was padded white, and tesseract's own threshold, over the whole image, split
    the white margin off as background and took the grey paper for ink. Every low-confidence figure was
    then flagged as "no figure" by the other engine, and every unread one stayed unread. Each crop's paper
    is made white first: the figures of a committed scan, its paper greyed to 180–225, read as on white."""
    from extract.forms.values import parse_decimal
    from extract.pipeline import analyse, record_of
    from extract.scan.ocr.tesseract import TesseractEngine

    from .conftest import SAMPLES

    a = analyse(SAMPLES / "scans" / "jinzhong-2021-justice-bureau-scan300.pdf")
    page = a.pages[1]
    record = record_of(a, a.forms[0])
    paths = ["budget.carryover", "budget.initial_budget", "budget.execution", "budget.budget_adjustment"]
    boxes = []
    for p in paths:
        bbox = record.provenance[p].bbox
        assert bbox is not None and record.provenance[p].page == 1
        x0, y0, x1, y1 = (int(v * page.scale) for v in bbox)
        boxes.append((x0 + 3, y0 + 3, x1 - 3, y1 - 3))
    engine = TesseractEngine()
    white = [ln.text for ln in engine.read(page.image, boxes, numeric=True)]
    assert [parse_decimal(t) for t in white] == [getattr(record.budget, p.split(".")[1]) for p in paths]
    for paper in (225, 200, 180):
        grey = (page.image.astype(np.float32) * (paper / 255)).astype(np.uint8)
        assert [ln.text for ln in engine.read(grey, boxes, numeric=True)] == white, paper
