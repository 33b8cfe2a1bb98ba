"""The subtotal scores a form does not print, summed again after a scan's second reading.

A form that prints no subtotal rows (the points in the group's name: 产出指标（50分）) has its subtotal scores
summed from the group's rows by the field stage; a group with a score read blank has none (in review: its
points are not known). When the second reading (``scan.reread``) finds that score, the group's sum is made
then, as the field stage would have made it (``listtables.resum_subtotals``) — in review still, with the
figure it adds up. A subtotal printed and read stays as read; one printed and read blank, whose group still
has a blank score, keeps its place on the page.
"""

from __future__ import annotations

from decimal import Decimal

from extract.forms.extraction import Extraction
from extract.forms.listtables import _sum_subtotal_scores, resum_subtotals
from extract.model import Field


def _f(path: str, value: Decimal | str | None, source: str = "ocr") -> Field:
    return Field(path, value, "" if value is None else str(value), 1, (10.0, 10.0, 20.0, 20.0), 0.95, source)


def _row(j: int, level1: str, score: str | None) -> dict[str, Field]:
    return {
        "level1": _f(f"indicators[{j}].level1", level1),
        "set_score": _f(f"indicators[{j}].set_score", Decimal(10)),
        "score": _f(f"indicators[{j}].score", None if score is None else Decimal(score)),
    }


def _form(scores: dict[str, list[str | None]], printed: dict[str, Field | None]) -> Extraction:
    ex = Extraction()
    rows = [(level1, s) for level1, group in scores.items() for s in group]
    ex.rows["indicators"] = [_row(j, level1, s) for j, (level1, s) in enumerate(rows)]
    ex.rows["indicator_subtotals"] = []
    for i, level1 in enumerate(scores):
        sub = {"level1": _f(f"indicator_subtotals[{i}].level1", level1)}
        if (score := printed.get(level1)) is not None:
            sub["score"] = score
        ex.rows["indicator_subtotals"].append(sub)
    return ex


def test_a_sum_unmade_for_a_blank_score_is_made_once_the_score_is_read() -> None:
    ex = _form({"产出指标": ["10", None], "效益指标": ["9", "8"]}, {})
    _sum_subtotal_scores(ex.rows["indicators"], ex.rows["indicator_subtotals"], ex)  # the field stage
    assert "score" not in ex.rows["indicator_subtotals"][0]
    assert "not computed" in ex.review["indicator_subtotals[0].score"]
    assert ex.rows["indicator_subtotals"][1]["score"].value == Decimal(17)

    ex.rows["indicators"][1]["score"] = _f("indicators[1].score", Decimal("9.5"))  # the second reading finds it
    assert resum_subtotals(ex)
    first, second = ex.rows["indicator_subtotals"]
    assert (first["score"].value, first["score"].source) == (Decimal("19.5"), "computed")
    assert second["score"].value == Decimal(17)
    assert "read again" in ex.review["indicator_subtotals[0].score"]  # in review still, with the reason now


def test_a_printed_subtotal_stays_as_read_and_one_read_blank_keeps_its_place() -> None:
    printed = _f("indicator_subtotals[0].score", Decimal(20))
    blank = _f("indicator_subtotals[1].score", None)
    ex = _form({"产出指标": ["10", "9"], "效益指标": ["9", None]}, {"产出指标": printed, "效益指标": blank})
    assert not resum_subtotals(ex)  # nothing summed: the group of the blank subtotal has a blank score still
    first, second = ex.rows["indicator_subtotals"]
    assert first["score"] is printed  # printed 20 (its rows add to 19: the checks say so, not this step)
    assert second["score"] is blank  # its place on the page kept
    assert "not computed" in ex.review["indicator_subtotals[1].score"]


def test_a_computed_sum_follows_a_row_read_again() -> None:
    ex = _form({"产出指标": ["10", "9"]}, {})
    ex.rows["indicator_subtotals"][0]["score"] = Field(
        "indicator_subtotals[0].score", Decimal(19), "computed", None, None, 1.0, "computed"
    )
    ex.rows["indicators"][1]["score"] = _f("indicators[1].score", Decimal(6))
    assert resum_subtotals(ex)
    assert ex.rows["indicator_subtotals"][0]["score"].value == Decimal(16)
